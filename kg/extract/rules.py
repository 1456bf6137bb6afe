"""Declarative relation rules: spaCy patterns read from ``kg/data/patterns/*.json``.

A pattern file holds one family of constructions::

    {"about": "...", "kind": "position", "matcher": "dependency",   # or "token"
     "rules": [{"name": "became-role", "kind": "position", "confidence": 0.8,
                "pattern": [...], "examples": [{"text": "...", "facts": [...]}]}]}

``pattern`` is a spaCy ``DependencyMatcher`` pattern (nodes named by ``RIGHT_ID``) or a
``Matcher`` token pattern; for token patterns ``nodes`` names pattern positions
(``{"holder": 0, "role": 2}``). Word lists are not repeated in patterns: a string
``"@troop_nouns"`` inside an ``IN``/``NOT_IN`` list (or as the whole list) stands for
that list of ``kg/data/lexicon.json`` (dotted for nested lists, ``"@events.Meeting.nouns"``).
A rule may name a node's syntactic head instead of matching it (``"heads": {"member":
"noun"}``, read by :func:`with_heads`): a pattern node that asks for nothing makes the
dependency matcher try every token. Each example's ``facts`` are written in the gold format
of ``kg eval``: the test suite runs
every example through the real pipeline and scores it, so no rule exists without a
passing example. The extractor of a kind reads its matches and keeps the mechanics:
walking conjuncts, resolving mentions, building facts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy
from spacy.attrs import LEMMA, LOWER, ORTH
from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from kg.lexicon import DATA, lexicon

PATTERNS = DATA / "patterns"
_WORD_ATTRS = {"LEMMA": LEMMA, "LOWER": LOWER, "ORTH": ORTH}
_OPTIONAL_OPS = {"?", "*", "!"}


class RuleError(ValueError):
    """A pattern file that cannot be read: names the file, the rule and the reason."""


@dataclass(frozen=True)
class Rule:
    """One named pattern and what a match of it yields."""

    name: str
    kind: str
    confidence: float
    pattern: list[dict]
    examples: tuple[Mapping[str, Any], ...]
    nodes: Mapping[str, int] = field(default_factory=dict)  # token patterns: name → position
    data: Mapping[str, Any] = field(default_factory=dict)  # further fields a kind reads

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


@dataclass(frozen=True)
class Match:
    """A rule matched in a sentence: its named nodes as tokens."""

    rule: Rule
    nodes: Mapping[str, Token]
    sent: Span

    def __getitem__(self, name: str) -> Token:
        return self.nodes[name]

    def get(self, name: str) -> Token | None:
        return self.nodes.get(name)


def expand_words(value: Any, where: str = "") -> Any:
    """A pattern value with its ``@name`` lexicon references replaced by the lists."""
    if isinstance(value, dict):
        return {k: expand_words(v, where) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("@"):
        return sorted(_lexicon_list(value[1:], where))
    if isinstance(value, list):
        out: list = []
        for item in value:
            if isinstance(item, str) and item.startswith("@"):
                out.extend(sorted(_lexicon_list(item[1:], where)))
            elif isinstance(item, (dict, list)):
                out.append(expand_words(item, where))
            else:
                out.append(item)
        return out
    return value


def _lexicon_list(path: str, where: str) -> list[str]:
    node: Any = lexicon().raw
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise RuleError(f"{where}: no word list '{path}' in kg/data/lexicon.json")
        node = node[part]
    if isinstance(node, dict):
        node = list(node)
    if not isinstance(node, list) or not all(isinstance(w, str) for w in node):
        raise RuleError(f"{where}: '{path}' in kg/data/lexicon.json is not a list of words")
    return node


class RuleSet:
    """The rules of one pattern file, compiled once per vocabulary."""

    def __init__(self, name: str, path: Path | None = None):
        self.name = name
        self.path = path or PATTERNS / f"{name}.json"
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RuleError(f"{self.path}: cannot be read: {exc}") from exc
        self.about: str = raw.get("about", "")
        self.kind: str = raw.get("kind", name)
        self.matcher_kind: str = raw.get("matcher", "dependency")
        if self.matcher_kind not in {"dependency", "token"}:
            raise RuleError(f"{self.path}: matcher must be 'dependency' or 'token'")
        self.rules: tuple[Rule, ...] = tuple(
            self._rule(r, n) for n, r in enumerate(raw.get("rules", raw.get("patterns", [])))
        )
        names = [r.name for r in self.rules]
        if len(set(names)) != len(names):
            raise RuleError(f"{self.path}: rule names repeat")
        self._lemmas, self._lowers, self._anywhere = self._anchors()
        self._compiled: dict[int, tuple[Vocab, list]] = {}

    def _rule(self, raw: Mapping[str, Any], number: int) -> Rule:
        where = f"{self.path.name} rule {raw.get('name', number)}"
        try:
            name = raw["name"]
            pattern = expand_words(raw["pattern"], where)
            known = {"name", "kind", "confidence", "pattern", "examples", "nodes"}
            return Rule(
                name=name,
                kind=raw.get("kind", self.kind),
                confidence=float(raw["confidence"]),
                pattern=pattern,
                examples=tuple(raw.get("examples", ())),
                nodes=dict(raw.get("nodes", {})),
                data={k: v for k, v in raw.items() if k not in known},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleError(f"{where}: {exc!r}") from exc

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def rule(self, name: str) -> Rule:
        return next(r for r in self.rules if r.name == name)

    def _anchor_node(self, rule: Rule) -> dict:
        if self.matcher_kind == "dependency":
            return rule.pattern[0]["RIGHT_ATTRS"]
        for element in rule.pattern:
            if element.get("OP") not in _OPTIONAL_OPS:
                return element
        return {}

    def _anchor_words(self, rule: Rule) -> frozenset[str] | None:
        """The words (lemmas or lower-case forms) a rule's anchor asks for; None when it asks
        for none (the rule must look at every document)."""
        attrs = self._anchor_node(rule)
        words: set[str] = set()
        for key in ("LEMMA", "LOWER"):
            value = attrs.get(key)
            if isinstance(value, str):
                words.add(value)
            elif isinstance(value, dict) and "IN" in value:
                words.update(value["IN"])
        return frozenset(words) if words else None

    def _anchors(self) -> tuple[frozenset[str], frozenset[str], bool]:
        """The words some rule's anchor asks for; whether some rule has no word anchor."""
        anchors = [self._anchor_words(rule) for rule in self.rules]
        words = frozenset(w for a in anchors if a for w in a)
        return words, words, any(a is None for a in anchors)

    def _required_words(self, rule: Rule) -> tuple[frozenset[str], ...]:
        """For each node that asks for certain words, those words: a rule can match only
        where every such node finds one of its words."""
        if self.matcher_kind == "dependency":
            attrs = [node["RIGHT_ATTRS"] for node in rule.pattern]
        else:
            attrs = [e for e in rule.pattern if e.get("OP") not in _OPTIONAL_OPS]
        required = []
        for node in attrs:
            words: set[str] = set()
            for key in ("LEMMA", "LOWER"):
                value = node.get(key)
                if isinstance(value, str):
                    words.add(value)
                elif isinstance(value, dict) and "IN" in value:
                    words.update(value["IN"])
            if words:
                required.append(frozenset(words))
        return tuple(sorted(set(required), key=sorted))

    def _matchers(self, vocab: Vocab) -> list[tuple[tuple[frozenset[int], ...], Any, dict]]:
        """The compiled matchers, each with the word hashes that must all occur for it to run.

        spaCy's dependency matcher runs every node of every pattern it holds over the whole
        document, so dependency rules are grouped by the words they need: a rule whose words
        are absent costs nothing. Token patterns share one matcher, one pass anyway."""
        cached = self._compiled.get(id(vocab))
        if cached is not None and cached[0] is vocab:
            return cached[1]
        strings = vocab.strings
        groups: dict[tuple, list[Rule]] = {}
        for rule in self.rules:
            need = self._required_words(rule) if self.matcher_kind == "dependency" else ()
            key = tuple(frozenset(strings.add(w) for w in words) for words in need)
            groups.setdefault(key, []).append(rule)
        compiled = []
        for need, rules in groups.items():
            matcher = (
                DependencyMatcher(vocab) if self.matcher_kind == "dependency" else Matcher(vocab)
            )
            by_id: dict[int, Rule] = {}
            for rule in rules:
                try:
                    matcher.add(rule.name, [rule.pattern])
                except ValueError as exc:
                    raise RuleError(f"{self.path.name} rule {rule.name}: {exc}") from exc
                by_id[strings[rule.name]] = rule
            compiled.append((need, matcher, by_id))
        self._compiled[id(vocab)] = (vocab, compiled)
        return compiled

    def sentences(self, doc: Doc) -> list[Span]:
        """The sentences that hold some rule's anchor word, in order."""
        if self._anywhere:
            return list(doc.sents)
        wanted = {doc.vocab.strings.add(w) for w in self._lemmas}
        sents: dict[int, Span] = {}
        for i in numpy.flatnonzero(numpy.isin(doc.to_array([LEMMA, LOWER]), list(wanted)).any(1)):
            sent = doc[int(i)].sent
            sents.setdefault(sent.start, sent)
        return [sents[k] for k in sorted(sents)]

    def matches(self, doc: Doc) -> Iterator[Match]:
        """Every match of every rule within one sentence, in document order."""
        compiled = self._matchers(doc.vocab)
        # a look at the words' hashes costs far less than a matcher: only the rules whose
        # words all occur in one sentence run, and only on such sentences
        words = _SentenceWords.of(doc)
        found: list[tuple[int, int, Rule, dict[str, Token]]] = []
        for need, matcher, by_id in compiled:
            if any(w.isdisjoint(words.present) for w in need):
                continue
            if self.matcher_kind == "dependency":
                for offset, token_ids, rule in _dependency_matches(
                    doc, matcher, by_id, need, words
                ):
                    nodes = {
                        node["RIGHT_ID"]: doc[offset + i]
                        for node, i in zip(rule.pattern, token_ids, strict=True)
                    }
                    ids = [offset + i for i in token_ids]
                    found.append((ids[0], min(ids), rule, nodes))
            else:
                # the token matcher checks every word list of every pattern at each token it
                # is given: only the sentences that hold an anchor word are given to it
                # (a sentence is no copy for this matcher)
                for sent in self.sentences(doc):
                    for match_id, start, _end, alignment in matcher(sent, with_alignments=True):
                        rule = by_id[match_id]
                        start += sent.start
                        positions: dict[int, int] = {}
                        for offset, element in enumerate(alignment):
                            positions.setdefault(element, start + offset)
                        nodes = {
                            n: doc[positions[p]] for n, p in rule.nodes.items() if p in positions
                        }
                        found.append((start, start, rule, nodes))
        for anchor, _, rule, nodes in sorted(found, key=lambda m: (m[1], m[0])):
            sent = doc[anchor].sent
            if all(sent.start <= t.i < sent.end for t in nodes.values()):
                yield Match(rule, nodes, sent)


class _SentenceWords:
    """The lemma and lower-case hashes of a document and of each of its sentences."""

    _last: _SentenceWords | None = None  # every pattern file asks about the same document

    @classmethod
    def of(cls, doc: Doc) -> _SentenceWords:
        last = cls._last
        if last is None or last.doc is not doc:
            last = cls._last = cls(doc)
        return last

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.array = doc.to_array([LEMMA, LOWER]) if len(doc) else numpy.zeros((0, 2), "uint64")
        self.present = set(numpy.unique(self.array).tolist())
        self._sents: list[tuple[Span, set[int]]] | None = None

    def sentences(self) -> list[tuple[Span, set[int]]]:
        if self._sents is None:
            self._sents = [
                (sent, set(numpy.unique(self.array[sent.start : sent.end]).tolist()))
                for sent in self.doc.sents
            ]
        return self._sents


# A dependency matcher goes over every token of what it is given (and copies a sentence
# into a new Doc first): the sentences a group needs are given one by one only while they
# hold less than this share of the document.
_SENTENCE_SHARE = 0.5


def _dependency_matches(
    doc: Doc, matcher: Any, by_id: dict[int, Rule], need: tuple, words: _SentenceWords
) -> Iterator[tuple[int, list[int], Rule]]:
    """(offset, token ids from the offset, rule) of a dependency matcher's matches."""
    if need:
        sents = [
            s for s, hashes in words.sentences() if all(not w.isdisjoint(hashes) for w in need)
        ]
        if sum(len(s) for s in sents) < _SENTENCE_SHARE * len(doc):
            for sent in sents:
                for match_id, token_ids in matcher(sent):
                    yield sent.start, token_ids, by_id[match_id]
            return
    for match_id, token_ids in matcher(doc):
        yield 0, token_ids, by_id[match_id]


def with_heads(match: Match) -> dict[str, Token]:
    """A match's nodes plus those its rule names by ``"heads"`` ({"member": "noun"}: the
    syntactic head of node 'noun'), which the pattern leaves out because an empty node
    makes the dependency matcher try every token of the document."""
    nodes = dict(match.nodes)
    for name, of in match.rule.get("heads", {}).items():
        if of in nodes:
            nodes[name] = nodes[of].head
    return nodes


@cache
def rule_set(name: str) -> RuleSet:
    """The rules of ``kg/data/patterns/NAME.json``, read once."""
    return RuleSet(name)


def pattern_files() -> list[str]:
    """The names of every pattern file of the project."""
    return sorted(p.stem for p in PATTERNS.glob("*.json"))
