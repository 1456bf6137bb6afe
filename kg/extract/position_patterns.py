"""Predicative roles ("X became prime minister", "was sworn in as", "the current president
is X"): the rules of ``kg/data/patterns/positions.json`` (see ``kg.extract.rules``)."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Token

from kg.extract.rules import Rule, rule_set

FILE = "positions"


def rules() -> tuple[Rule, ...]:
    return rule_set(FILE).rules


def matches(doc: Doc) -> Iterator[tuple[Rule, Token, Token]]:
    """(rule, holder token, role token) for every match, in document order."""
    for match in rule_set(FILE).matches(doc):
        yield match.rule, match["holder"], match["role"]
