"""The pipeline, top to bottom: documents → spaCy → entity resolution →
extractors → fact merging → confidence filter → :class:`~kg.model.Extraction`.

``extract`` streams: documents are parsed in batches with ``nlp.pipe`` and each
extraction is yielded as soon as it is ready, so a large corpus is never held
in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language

from kg.extract import EXTRACTORS
from kg.extract.context import DocContext
from kg.extract.triggers import find_triggers
from kg.gazetteer import Gazetteer
from kg.lexicon import lexicon
from kg.model import Document, Extraction, Fact
from kg.nlp import build_nlp
from kg.resolve.facts import calibrate, merge_facts
from kg.resolve.mentions import MentionResolver

DEFAULT_MIN_CONFIDENCE = 0.5
DEFAULT_BATCH_SIZE = 32


def extract(
    documents: Iterable[Document],
    *,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    nlp: Language | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[Extraction]:
    """Parse and extract every document, yielding one Extraction each."""
    nlp = nlp or build_nlp()
    gazetteer = Gazetteer.load()
    resolver = MentionResolver(gazetteer)
    lex = lexicon()
    pairs = ((document.text, document) for document in documents)
    for doc, document in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        found = resolver.resolve(doc, document)
        ctx = DocContext(
            doc=doc,
            document=document,
            found=found,
            gaz=gazetteer,
            lex=lex,
            triggers=find_triggers(doc),
        )
        facts: list[Fact] = []
        for extractor in EXTRACTORS:
            found_facts = list(extractor(ctx))
            ctx.facts.extend(found_facts)
            facts.extend(found_facts)
        facts = merge_facts(facts)
        confirmed = {
            key
            for key, entity in found.entities.items()
            if entity.wikidata or gazetteer.entry(key) is not None or key in found.leaders
        }
        calibrate(facts, confirmed)
        facts = [f for f in facts if _keep(f, min_confidence)]
        yield Extraction(document=document, entities=found.entities, facts=facts)


def _keep(fact: Fact, min_confidence: float) -> bool:
    """Whether a fact reaches the threshold; it keeps only the evidence that does."""
    if fact.confidence < min_confidence:
        return False
    fact.evidence = [e for e in fact.evidence if e.confidence >= min_confidence]
    return True
