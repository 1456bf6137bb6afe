"""Predicative roles ("X became prime minister", "was sworn in as", "the current president
is X", "the assembly, headed by X"): the rules of ``kg/data/patterns/positions.json`` (see
``kg.extract.rules``).

Each match names ``holder``; either ``role`` (a title noun whose modifiers, 'of Y' and
possessive give the role words and the jurisdiction) or ``verb`` and ``body`` (the verb of
``role_clause_verbs`` names the role, the body is the jurisdiction)."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc

from kg.extract.rules import Match, Rule, rule_set

FILE = "positions"


def rules() -> tuple[Rule, ...]:
    return rule_set(FILE).rules


def matches(doc: Doc) -> Iterator[Match]:
    """Every match of the position rules, in document order."""
    yield from rule_set(FILE).matches(doc)
