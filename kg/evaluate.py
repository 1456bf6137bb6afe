"""``kg eval``: build every gold document and score the graph against the gold."""

from __future__ import annotations

from pathlib import Path

from kg.errors import GeokgError
from kg.evaluation import Report, load_gold, pr_curve, score
from kg.graph import KnowledgeGraph
from kg.ingest import iter_documents
from kg.pipeline import DEFAULT_MIN_CONFIDENCE, extract


def evaluate_file(
    gold_path: str | Path, min_confidence: float = DEFAULT_MIN_CONFIDENCE
) -> tuple[Report, list[tuple[float, float, float, float]]]:
    """Score a build of the gold file's own texts; also the precision/recall curve.

    The gold records are read by the same reader as any ``.jsonl`` input, so their
    texts go through the same cleaning (bylines, boilerplate) as a user's articles.
    Facts are extracted at every confidence and filtered at scoring time, which is
    what lets one build give the whole curve.
    """
    gold = load_gold(gold_path)
    documents = []
    for item in iter_documents([gold_path]):
        if isinstance(item, GeokgError):
            raise item
        documents.append(item)
    graph = KnowledgeGraph()
    for extraction in extract(documents, min_confidence=0.0):
        graph.add_extraction(extraction)
    return score(gold, graph.dataset, min_confidence=min_confidence), pr_curve(gold, graph.dataset)
