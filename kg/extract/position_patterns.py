"""Predicative roles ("X became prime minister", "was sworn in as", "the current president
is X"): spaCy DependencyMatcher patterns read from ``kg/data/patterns/positions.json``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache

import numpy
from spacy.attrs import LEMMA, LOWER
from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from kg.lexicon import DATA

PATTERN_FILE = DATA / "patterns" / "positions.json"


@lru_cache(maxsize=1)
def patterns() -> tuple[dict, ...]:
    return tuple(json.loads(PATTERN_FILE.read_text(encoding="utf-8"))["patterns"])


_MATCHERS: dict[int, tuple[Vocab, DependencyMatcher, dict[int, dict]]] = {}


def _matcher(vocab: Vocab) -> tuple[DependencyMatcher, dict[int, dict]]:
    cached = _MATCHERS.get(id(vocab))
    if cached is not None and cached[0] is vocab:
        return cached[1], cached[2]
    matcher = DependencyMatcher(vocab)
    by_id: dict[int, dict] = {}
    for pattern in patterns():
        matcher.add(pattern["name"], [pattern["pattern"]])
        by_id[vocab.strings[pattern["name"]]] = pattern
    _MATCHERS[id(vocab)] = (vocab, matcher, by_id)
    return matcher, by_id


@lru_cache(maxsize=1)
def anchors() -> tuple[frozenset[str], frozenset[str]]:
    """The lemmas and lower-case words a pattern's first node asks for."""
    lemmas: set[str] = set()
    lowers: set[str] = set()
    for pattern in patterns():
        attrs = pattern["pattern"][0]["RIGHT_ATTRS"]
        for key, bucket in (("LEMMA", lemmas), ("LOWER", lowers)):
            value = attrs.get(key)
            if isinstance(value, str):
                bucket.add(value)
            elif isinstance(value, dict):
                bucket.update(value.get("IN", ()))
    return frozenset(lemmas), frozenset(lowers)


def matches(doc: Doc) -> Iterator[tuple[dict, Token, Token]]:
    """(pattern, holder token, role token) for every match, in document order."""
    lemmas, lowers = anchors()
    # the matcher costs far more than a look at the words' hashes: it runs only on the
    # sentences that hold an anchor word
    wanted = [doc.vocab.strings.add(w) for w in lemmas | lowers]
    hits = numpy.flatnonzero(numpy.isin(doc.to_array([LEMMA, LOWER]), wanted).any(axis=1))
    if not len(hits):
        return
    matcher, by_id = _matcher(doc.vocab)
    sents = {doc[int(i)].sent.start: doc[int(i)].sent for i in hits}
    for start in sorted(sents):
        for match_id, token_ids in sorted(matcher(sents[start]), key=lambda m: m[1]):
            pattern = by_id[match_id]
            nodes = {
                n["RIGHT_ID"]: start + i for n, i in zip(pattern["pattern"], token_ids, strict=True)
            }
            yield pattern, doc[nodes["holder"]], doc[nodes["role"]]
