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
Each example's ``facts`` are written in the gold format of ``kg eval``: the test suite runs
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
        self._compiled: dict[int, tuple[Vocab, Any, dict[int, Rule]]] = {}

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

    def _anchors(self) -> tuple[frozenset[str], frozenset[str], bool]:
        """The lemmas and lower-case words some rule's anchor asks for; whether some rule
        has no word anchor (and so must look at every sentence)."""
        lemmas: set[str] = set()
        lowers: set[str] = set()
        anywhere = False
        for rule in self.rules:
            attrs = self._anchor_node(rule)
            words = False
            for key, bucket in (("LEMMA", lemmas), ("LOWER", lowers)):
                value = attrs.get(key)
                if isinstance(value, str):
                    bucket.add(value)
                    words = True
                elif isinstance(value, dict) and "IN" in value:
                    bucket.update(value["IN"])
                    words = True
            anywhere = anywhere or not words
        return frozenset(lemmas), frozenset(lowers), anywhere

    def _matcher(self, vocab: Vocab) -> tuple[Any, dict[int, Rule]]:
        cached = self._compiled.get(id(vocab))
        if cached is not None and cached[0] is vocab:
            return cached[1], cached[2]
        matcher = DependencyMatcher(vocab) if self.matcher_kind == "dependency" else Matcher(vocab)
        by_id: dict[int, Rule] = {}
        for rule in self.rules:
            try:
                matcher.add(rule.name, [rule.pattern])
            except ValueError as exc:
                raise RuleError(f"{self.path.name} rule {rule.name}: {exc}") from exc
            by_id[vocab.strings[rule.name]] = rule
        self._compiled[id(vocab)] = (vocab, matcher, by_id)
        return matcher, by_id

    def sentences(self, doc: Doc) -> list[Span]:
        """The sentences that hold some rule's anchor word, in order."""
        if self._anywhere:
            return list(doc.sents)
        strings = doc.vocab.strings
        wanted_lemmas = [strings.add(w) for w in self._lemmas]
        wanted_lowers = [strings.add(w) for w in self._lowers]
        # a look at the words' hashes costs far less than the matcher: it runs only on
        # documents, and keeps only sentences, that hold an anchor word
        array = doc.to_array([LEMMA, LOWER])
        hits = numpy.flatnonzero(
            numpy.isin(array[:, 0], wanted_lemmas) | numpy.isin(array[:, 1], wanted_lowers)
        )
        sents: dict[int, Span] = {}
        for i in hits:
            sent = doc[int(i)].sent
            sents.setdefault(sent.start, sent)
        return [sents[k] for k in sorted(sents)]

    def matches(self, doc: Doc) -> Iterator[Match]:
        """Every match of every rule within one sentence, in document order."""
        sents = self.sentences(doc)
        if not sents:
            return
        matcher, by_id = self._matcher(doc.vocab)
        # One call on the whole document: a matcher given a sentence copies it into a new
        # Doc first, which costs more than matching the sentences that hold no anchor.
        wanted = {sent.start: sent for sent in sents}
        found: list[tuple[int, int, Rule, dict[str, Token]]] = []
        if self.matcher_kind == "dependency":
            for match_id, token_ids in matcher(doc):
                rule = by_id[match_id]
                nodes = {
                    node["RIGHT_ID"]: doc[i]
                    for node, i in zip(rule.pattern, token_ids, strict=True)
                }
                found.append((token_ids[0], min(token_ids), rule, nodes))
        else:
            for match_id, start, _end, alignment in matcher(doc, with_alignments=True):
                rule = by_id[match_id]
                positions: dict[int, int] = {}
                for offset, element in enumerate(alignment):
                    positions.setdefault(element, start + offset)
                nodes = {n: doc[positions[p]] for n, p in rule.nodes.items() if p in positions}
                found.append((start, start, rule, nodes))
        for anchor, _, rule, nodes in sorted(found, key=lambda m: (m[1], m[0])):
            sent = wanted.get(doc[anchor].sent.start)
            if sent is None or not all(sent.start <= t.i < sent.end for t in nodes.values()):
                continue
            yield Match(rule, nodes, sent)


@cache
def rule_set(name: str) -> RuleSet:
    """The rules of ``kg/data/patterns/NAME.json``, read once."""
    return RuleSet(name)


def pattern_files() -> list[str]:
    """The names of every pattern file of the project."""
    return sorted(p.stem for p in PATTERNS.glob("*.json"))
