"""Scoring a built graph against gold documents (CONTRACT.md §4).

Per kind, a system atom is a true positive when it meets a non-optional gold atom, a
false positive when it meets no gold atom at all, and neither when it only meets an
optional gold atom or one that another system atom already met (a gold list of
alternatives, a repeated fact). Gold atoms nobody met are false negatives, optional
ones apart. The counts are of gold atoms met (tp), system atoms unmet (fp) and
non-optional gold atoms unmet (fn).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import Graph

from kg.evaluation.atoms import Atom, atom_matches, atom_text
from kg.evaluation.facts import DocumentAtoms, Source, document_atoms
from kg.evaluation.gold import GoldDocument
from kg.evaluation.report import ENTITIES, FACT_KINDS, AtomError, Counts, Report
from kg.evaluation.system import GraphIndex, system_facts

DEFAULT_THRESHOLDS = tuple(round(t / 10, 1) for t in range(10))
# Report row of each atom kind.
ROW_OF = {**{kind: kind for kind in FACT_KINDS}, "entity": ENTITIES}


@dataclass
class _Matched:
    """One document's atoms with what met what."""

    atoms: DocumentAtoms
    met: dict[str, set[Atom]] = field(default_factory=dict)  # kind → system atoms that met gold
    hit: dict[str, set[Atom]] = field(default_factory=dict)  # kind → gold atoms met

    @property
    def held(self) -> set[Source]:
        """Origins of every system fact atom this document's gold holds."""
        return {
            source
            for kind, atoms in self.met.items()
            if kind != "entity"
            for atom in atoms
            for source in self.atoms.system[kind][atom]
        }


def score(
    gold: Sequence[GoldDocument], dataset: Graph | GraphIndex, min_confidence: float = 0.0
) -> Report:
    """Precision, recall and F1 of the graph's facts and entities against the gold documents."""
    index = _index(dataset)
    baseline = _match_all(gold, index, 0.0)
    return _report(gold, index, min_confidence, baseline)


def pr_curve(
    gold: Sequence[GoldDocument],
    dataset: Graph | GraphIndex,
    thresholds: Iterable[float] = DEFAULT_THRESHOLDS,
) -> list[tuple[float, float, float, float]]:
    """(threshold, precision, recall, F1) of all facts for each minimum confidence."""
    index = _index(dataset)
    baseline = _match_all(gold, index, 0.0)
    curve = []
    for threshold in thresholds:
        facts = _report(gold, index, threshold, baseline).totals["facts"]
        curve.append((threshold, facts.precision, facts.recall, facts.f1))
    return curve


def _index(dataset: Graph | GraphIndex) -> GraphIndex:
    return dataset if isinstance(dataset, GraphIndex) else GraphIndex(dataset)


def _match_all(
    gold: Sequence[GoldDocument], index: GraphIndex, min_confidence: float
) -> dict[str, _Matched]:
    return {doc.id: _match_document(doc, index, min_confidence) for doc in gold}


def _match_document(doc: GoldDocument, index: GraphIndex, min_confidence: float) -> _Matched:
    return _match(document_atoms(doc, system_facts(index, doc.id, min_confidence)))


def _match(atoms: DocumentAtoms) -> _Matched:
    result = _Matched(atoms)
    for kind in set(atoms.gold) | set(atoms.system):
        gold = list(atoms.gold.get(kind, {}))
        met, hit = set(), set()
        for atom in atoms.system.get(kind, {}):
            found = [g for g in gold if atom_matches(g, atom)]
            if found:
                met.add(atom)
                hit.update(found)
        result.met[kind], result.hit[kind] = met, hit
    return result


def _report(
    gold: Sequence[GoldDocument],
    index: GraphIndex,
    min_confidence: float,
    baseline: dict[str, _Matched],
) -> Report:
    held = {doc_id: matched.held for doc_id, matched in baseline.items()}
    report = Report(min_confidence=min_confidence)
    for doc in gold:
        if min_confidence <= 0.0:
            matched = baseline[doc.id]
        else:
            matched = _match_document(doc, index, min_confidence)
        counts, errors = _count(doc.id, matched, held)
        report.add_document(doc.id, counts)
        report.errors.extend(errors)
    return report


def _count(
    doc_id: str, matched: _Matched, held: dict[str, set[Source]]
) -> tuple[dict[str, Counts], list[AtomError]]:
    atoms = matched.atoms
    counts: dict[str, Counts] = {}
    errors: list[AtomError] = []
    for kind, row in ROW_OF.items():
        c = Counts()
        for atom, sources in sorted(atoms.system.get(kind, {}).items(), key=_sort_key):
            if atom in matched.met.get(kind, set()):
                continue
            if kind != "entity" and _held_elsewhere(doc_id, sources, atoms, held):
                continue
            c.fp += 1
            errors.append(AtomError(doc_id, row, "fp", atom_text(atom)))
        for atom, optional in sorted(atoms.gold.get(kind, {}).items(), key=_sort_key):
            if optional:
                continue
            if atom in matched.hit.get(kind, set()):
                c.tp += 1
            else:
                c.fn += 1
                errors.append(AtomError(doc_id, row, "fn", atom_text(atom)))
        counts[row] = c
    return counts, errors


def _held_elsewhere(
    doc_id: str, sources: set[Source], atoms: DocumentAtoms, held: dict[str, set[Source]]
) -> bool:
    """Whether another gold document of a node the atom comes from holds the atom."""
    for source in sources:
        for other in atoms.node_documents.get(source[0], ()):
            if other != doc_id and source in held.get(other, ()):
                return True
    return False


def _sort_key(item: tuple[Atom, object]) -> str:
    return atom_text(item[0])
