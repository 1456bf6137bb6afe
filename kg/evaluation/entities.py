"""Entity matching (CONTRACT.md §3): which gold entity a system entity is.

Facts are compared by entity keys: the normalised name of the gold entity a name or a
system entity stands for, or, when it stands for none, its own normalised name.
"""

from __future__ import annotations

from collections import defaultdict

from kg.evaluation.gold import GoldDocument, GoldEntity
from kg.evaluation.normalize import normalize_name
from kg.evaluation.system import SystemEntity


class Resolver:
    """Gold entities of one document, looked up by QID, name and alias."""

    def __init__(self, gold: GoldDocument):
        self.entities = list(gold.entities)
        self._by_qid: dict[str, list[GoldEntity]] = defaultdict(list)
        self._by_name: dict[str, list[GoldEntity]] = defaultdict(list)
        self._by_alias: dict[str, list[GoldEntity]] = defaultdict(list)
        for entity in self.entities:
            if entity.wikidata:
                self._by_qid[entity.wikidata.rsplit("/", 1)[-1]].append(entity)
            self._by_name[normalize_name(entity.name)].append(entity)
            for alias in entity.aliases:
                self._by_alias[normalize_name(alias)].append(entity)
        self._cache: dict[str, GoldEntity | None] = {}

    def gold_key(self, name: str) -> str:
        """Key of a name used in a gold fact: its entity's name, found by name then alias."""
        entity = self.gold_entity_named(name)
        return normalize_name(entity.name) if entity else normalize_name(name)

    def gold_entity_named(self, name: str) -> GoldEntity | None:
        norm = normalize_name(name)
        found = self._by_name.get(norm) or self._by_alias.get(norm)
        return found[0] if found else None

    def names_of(self, name: str) -> set[str]:
        """Normalised name and aliases of the gold entity a gold name stands for."""
        entity = self.gold_entity_named(name)
        if entity is None:
            return {normalize_name(name)}
        return {normalize_name(entity.name)} | {normalize_name(a) for a in entity.aliases}

    def match(self, entity: SystemEntity) -> GoldEntity | None:
        """The gold entity a system entity is, or None.

        Strongest evidence first: equal QID, then the label equal to a gold name, the
        label equal to an alias, an altLabel equal to a name, an altLabel equal to an
        alias. Among equals, a gold entity of the same class wins.
        """
        if entity.iri not in self._cache:
            self._cache[entity.iri] = self._match(entity)
        return self._cache[entity.iri]

    def system_key(self, entity: SystemEntity) -> str:
        gold = self.match(entity)
        return normalize_name(gold.name) if gold else normalize_name(entity.label)

    def _match(self, entity: SystemEntity) -> GoldEntity | None:
        label = normalize_name(entity.label)
        alts = {normalize_name(a) for a in entity.alt_labels} - {label}
        tiers: list[list[GoldEntity]] = [
            self._by_qid.get(entity.qid, []) if entity.qid else [],
            self._by_name.get(label, []),
            self._by_alias.get(label, []),
            [g for a in sorted(alts) for g in self._by_name.get(a, [])],
            [g for a in sorted(alts) for g in self._by_alias.get(a, [])],
        ]
        cls = entity.scored_class
        for candidates in tiers:
            if candidates:
                same_class = [g for g in candidates if g.type == cls]
                return (same_class or candidates)[0]
        return None
