"""Scoring a built graph against gold annotations (CONTRACT.md §3–4).

gold = load_gold("dev.jsonl")
report = score(gold, load_graph("out.trig"))
print(report.to_text())
"""

from kg.evaluation.gold import GoldDocument, GoldEntity, GoldFact, load_gold
from kg.evaluation.report import AtomError, Counts, Report
from kg.evaluation.score import pr_curve, score
from kg.evaluation.system import (
    GraphIndex,
    SystemDocument,
    SystemEntity,
    SystemFact,
    load_graph,
    system_facts,
)

__all__ = [
    "AtomError",
    "Counts",
    "GoldDocument",
    "GoldEntity",
    "GoldFact",
    "GraphIndex",
    "Report",
    "SystemDocument",
    "SystemEntity",
    "SystemFact",
    "load_gold",
    "load_graph",
    "pr_curve",
    "score",
    "system_facts",
]
