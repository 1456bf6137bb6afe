"""The gazetteer's names as entities: a spaCy component like ``EntityRuler``.

Patterns are ``{"label", "pattern", "id"}`` dicts as for spaCy's ``EntityRuler``, plus
``"attr": "ORTH"`` for those matched with their exact case (acronyms, short forms);
the others are matched on the tokens' norms (lower case, curly apostrophes plain, British
and American spellings alike: "People’s Republic", "Organisation"). The ``id`` is the
gazetteer entry's key and becomes the entity's ``ent_id_``, its Wikidata QID
(``"kb_id"``) the entity's ``kb_id_``: that is how resolution finds a name's gazetteer
entry. Patterns are saved with ``to_disk`` /
``to_bytes`` (``patterns.jsonl`` like the EntityRuler's), so a pipeline saved with
``nlp.to_disk`` and read back with ``spacy.load`` finds the same entities and links.

Every match is also kept in ``doc.spans[spans_key]``. A match written inside a longer
run of capitalised words ("Ruritanian Development Bank", "University of Ruritania") is
not made an entity here: whether it stands alone or is part of an organisation's name is
the statistical NER's call, and ``geokg_name_repair`` settles it after the NER.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy import util
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import SimpleFrozenList

# A sentence with more capitalised words than this share and no full stop is a headline:
# case tells nothing there.
HEADLINE_CASE_SHARE = 0.6
# A paragraph of at most this many words without a full stop is a heading.
HEADING_WORDS = 6
# "Bank of" (Ruritania), "Minister for" (Ruritania): the match is part of a longer name
_OF = frozenset({"of", "for"})


class GazetteerRuler:
    """Phrase patterns as entities; see the module docstring.

    Two phrase matchers, one on norms and one on exact text, stand in for the
    EntityRuler's phrase matcher: the result is the same, but matching costs less.
    Overlapping matches are settled by length, then position: the longest wins ("Islamic
    Republic of Iran" over "Iran"); an entity already set is left alone.
    """

    def __init__(self, nlp: Language, name: str = "gazetteer_ruler", *, spans_key: str) -> None:
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.clear()

    def clear(self) -> None:
        """Remove every pattern."""
        vocab = self.nlp.vocab
        self._matchers = {
            "NORM": PhraseMatcher(vocab, attr="NORM"),
            "ORTH": PhraseMatcher(vocab, attr="ORTH"),
        }
        self._patterns: list[dict[str, Any]] = []
        self._targets: dict[int, tuple[str, str, str]] = {}  # match id → label, id, kb id

    def __len__(self) -> int:
        return len(self._patterns)

    @property
    def patterns(self) -> list[dict[str, Any]]:
        """Every pattern added, as added (copies)."""
        return [dict(p) for p in self._patterns]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(sorted({p["label"] for p in self._patterns}))

    def add_patterns(self, patterns: Iterable[dict[str, Any]]) -> None:
        """Add ``{"label", "pattern", "id", "kb_id"?, "attr"?}`` patterns (``attr``:
        ``"NORM"``, the default, or ``"ORTH"`` for exact case)."""
        grouped: dict[tuple[str, str], list[Doc]] = defaultdict(list)
        make_doc = self.nlp.make_doc
        for pattern in patterns:
            attr = pattern.get("attr", "NORM")
            if attr not in self._matchers:
                raise ValueError(f"pattern attr must be NORM or ORTH, not {attr!r}")
            label, key, kb_id = pattern["label"], pattern.get("id", ""), pattern.get("kb_id", "")
            match_key = f"{label}|{key}|{kb_id}"
            self._targets[self.nlp.vocab.strings.add(match_key)] = (label, key, kb_id)
            grouped[(attr, match_key)].append(make_doc(pattern["pattern"]))
            self._patterns.append(dict(pattern))
        for (attr, match_key), docs in grouped.items():
            self._matchers[attr].add(match_key, docs)

    # -- matching --------------------------------------------------------------------
    def matches(self, doc: Doc) -> list[Span]:
        """The document's matches, overlaps settled (longest first, then earliest)."""
        found = {m for matcher in self._matchers.values() for m in matcher(doc) if m[1] < m[2]}
        taken: set[int] = set()
        spans = []
        for match_id, start, end in sorted(found, key=lambda m: (m[1] - m[2], m[1], m[0])):
            if taken.intersection(range(start, end)):
                continue
            label, key, kb_id = self._targets[match_id]
            spans.append(Span(doc, start, end, label=label, kb_id=kb_id, span_id=key))
            taken.update(range(start, end))
        return sorted(spans, key=lambda s: s.start)

    def __call__(self, doc: Doc) -> Doc:
        spans = self.matches(doc)
        doc.spans[self.spans_key] = spans
        if not spans:
            return doc
        taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        settled = [
            span
            for span in spans
            if not taken.intersection(range(span.start, span.end)) and not in_capitalised_run(span)
        ]
        doc.ents = [*doc.ents, *settled]
        return doc

    # -- serialisation, as spaCy's EntityRuler / SpanRuler --------------------------------
    def to_bytes(self, *, exclude: Iterable[str] = SimpleFrozenList()) -> bytes:
        serializers = {"patterns": lambda: srsly.json_dumps(self._patterns)}
        return util.to_bytes(serializers, exclude)

    def from_bytes(
        self, bytes_data: bytes, *, exclude: Iterable[str] = SimpleFrozenList()
    ) -> GazetteerRuler:
        self.clear()
        deserializers = {"patterns": lambda b: self.add_patterns(srsly.json_loads(b))}
        util.from_bytes(bytes_data, deserializers, exclude)
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> None:
        path = util.ensure_path(path)
        serializers = {
            "patterns": lambda p: srsly.write_jsonl(p.with_suffix(".jsonl"), self._patterns)
        }
        util.to_disk(path, serializers, exclude)

    def from_disk(
        self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()
    ) -> GazetteerRuler:
        self.clear()
        path = util.ensure_path(path)
        deserializers = {
            "patterns": lambda p: self.add_patterns(srsly.read_jsonl(p.with_suffix(".jsonl")))
        }
        util.from_disk(path, deserializers, exclude)
        return self


def _capitalised(token) -> bool:
    return token.text[:1].isupper() and any(c.isalpha() for c in token.text)


def _joined(token) -> bool:
    """Whether a token is a hyphen written between two words without spaces."""
    doc = token.doc
    return (
        token.text in {"-", "‑", "–"}
        and not token.whitespace_
        and token.i > 0
        and not doc[token.i - 1].whitespace_
    )


def is_headline(sent: Span) -> bool:
    """Whether a sentence is a headline: most of its words capitalised, no full stop."""
    if _ends_like_a_sentence(sent):  # most sentences: nothing more to look at
        return False
    words = [t for t in sent if t.is_alpha and len(t) > 1]
    return len(words) >= 3 and sum(map(_capitalised, words)) > HEADLINE_CASE_SHARE * len(words)


def is_heading(sent: Span) -> bool:
    """Whether a sentence is a headline or a short heading: a paragraph of a few words
    with no full stop ("Lukewarm measures")."""
    if _ends_like_a_sentence(sent):
        return False
    if is_headline(sent):
        return True
    doc = sent.doc
    alone = (sent.start == 0 or doc[sent.start - 1].is_space) and (
        sent.end == len(doc) or doc[sent.end - 1].is_space
    )
    words = [t for t in sent if t.is_alpha]
    return alone and 0 < len(words) <= HEADING_WORDS and not _ends_like_a_sentence(sent)


def _ends_like_a_sentence(sent: Span) -> bool:
    last = next((t for t in reversed(sent) if not t.is_space), None)
    return last is None or last.text in {".", "!", "?", "”", '"', "’", "'", ":"}


def in_capitalised_run(span: Span) -> bool:
    """Whether a match is part of a longer run of capitalised words: "Ruritanian
    Development Bank", "University of Ruritania", "US President" (not in a headline,
    where capitals tell nothing)."""
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    # a capitalised word opening the sentence counts only as a name word ("New" Mexico,
    # not "In" Mexico)
    capitalised_before = (
        before is not None
        and _capitalised(before)
        and (not before.is_sent_start or before.pos_ in {"PROPN", "ADJ", "NOUN"})
    )
    of_before = (
        before is not None
        and before.lower_ in _OF
        and span.start > 1
        and _capitalised(doc[span.start - 2])
    )
    capitalised_after = after is not None and _capitalised(after)
    # "Ruritanian-Freedonian Trade Council": a hyphenated pair before a capitalised word
    if after is not None and _joined(after) and span.end + 2 < len(doc):
        capitalised_after = _capitalised(doc[span.end + 1]) and _capitalised(doc[span.end + 2])
    if not (capitalised_before or of_before or capitalised_after):
        return False
    return not is_headline(span.sent)


@Language.factory(
    "geokg_gazetteer_ruler",
    default_config={"spans_key": "gazetteer"},
    assigns=["doc.ents", "token.ent_type", "token.ent_iob"],
    retokenizes=False,
)
def make_gazetteer_ruler(nlp: Language, name: str, spans_key: str) -> GazetteerRuler:
    """The ruler, without patterns: ``add_patterns`` or ``from_disk`` gives it some."""
    return GazetteerRuler(nlp, name, spans_key=spans_key)
