"""Atoms: the units facts are scored in, and how a gold atom meets a system atom.

An atom is a tuple whose first item is its kind ("position", "agreement", ...). Gold
atoms may hold ``Alt`` (acceptable alternatives) and ``Amount`` (compared within a
tolerance) where system atoms hold plain values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kg.evaluation.normalize import Amount

Atom = tuple


@dataclass(frozen=True)
class Alt:
    """Acceptable alternatives for one slot of a gold atom."""

    options: frozenset

    def __str__(self) -> str:
        return "|".join(sorted(str(o) for o in self.options))


def one_of(values: Iterable[object]) -> object:
    """A single value as itself, several as ``Alt``."""
    options = frozenset(values)
    if len(options) == 1:
        return next(iter(options))
    return Alt(options)


def slot_matches(gold: object, system: object) -> bool:
    if isinstance(gold, Alt):
        return any(slot_matches(option, system) for option in gold.options)
    if isinstance(gold, Amount):
        return isinstance(system, Amount) and gold.close_to(system)
    return gold == system


def atom_matches(gold: Atom, system: Atom) -> bool:
    if len(gold) != len(system):
        return False
    return all(slot_matches(g, s) for g, s in zip(gold, system, strict=True))


def atom_text(atom: Atom) -> str:
    """``position(donald trump, role, president)``."""
    return f"{atom[0]}({', '.join(str(part) for part in atom[1:])})"
