"""Extractors, one per fact kind, registered in :mod:`kg.extract.registry`. Each is a
callable taking a :class:`~kg.extract.context.DocContext` and yielding plain fact objects;
importing this package registers the project's own."""

from __future__ import annotations

from kg.extract import (  # noqa: F401  (importing a kind's module registers its extractor)
    agreements,
    alliances,
    deployments,
    events,
    memberships,
    positions,
)
from kg.extract.registry import make_extractors, register_extractor, registered

# The project's extractors in the order they run: positions first, since later extractors
# use the roles found (a leader's country, "his counterpart").
EXTRACTORS = make_extractors()

__all__ = ["EXTRACTORS", "make_extractors", "register_extractor", "registered"]
