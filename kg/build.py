"""Building a knowledge graph from input paths: ingest → extract → RDF → output.

This is the one function the CLI, the Python API and the notebook call.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.graph import KnowledgeGraph
from kg.ingest import DEFAULT_MAX_CHARS, iter_documents
from kg.model import Document
from kg.pipeline import DEFAULT_MIN_CONFIDENCE, extract

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
SAMPLES = DATA / "samples"
SAMPLES_GOLD = DATA / "samples_gold.jsonl"
# Allocations between two collections of the youngest generation during a build (Python's
# default is 700).
GC_THRESHOLD = 50_000


@dataclass
class BuildResult:
    """What a build produced: the graph, and what it could not read."""

    graph: KnowledgeGraph
    documents: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    facts: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def sample_paths() -> list[Path]:
    """The project's own sample articles, the default corpus."""
    return [SAMPLES]


def build(
    inputs: Iterable[str | Path] | None = None,
    out: str | Path | None = None,
    *,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    max_chars: int = DEFAULT_MAX_CHARS,
    on_document: Callable[[Document], None] | None = None,
    on_error: Callable[[InputError], None] | None = None,
) -> BuildResult:
    """Build a graph from files or folders (the sample articles when ``inputs`` is None).

    With ``out`` the graph is also written there, merged into what ``out``
    already holds; the write is atomic, so a failed build leaves ``out`` as it was.
    Bad inputs do not stop the build: they are reported through ``on_error``
    and listed in the result.
    """
    paths = list(inputs) if inputs is not None else sample_paths()
    result = BuildResult(graph=KnowledgeGraph())

    def documents() -> Iterator[Document]:
        for item in iter_documents(paths, max_chars=max_chars):
            if isinstance(item, InputError):
                result.errors.append(item)
                if on_error is not None:
                    on_error(item)
                continue
            yield item  # iter_documents has refused duplicate ids already

    with _fewer_collections():
        for extraction in extract(documents(), min_confidence=min_confidence):
            result.graph.add_extraction(extraction)
            result.documents.append(extraction.document.id)
            result.facts += len(extraction.facts)
            if on_document is not None:
                on_document(extraction.document)
        if out is not None and result.documents:
            result.graph.save(out)
    return result


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the garbage collector less often for the duration of a build.

    A build keeps a growing mass of small objects alive (every document's triples), which
    the collector's default thresholds make it rescan again and again. Cyclic garbage is
    still collected, only less often.
    """
    old = gc.get_threshold()
    gc.set_threshold(max(GC_THRESHOLD, old[0]), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)
