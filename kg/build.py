"""Building a knowledge graph from input paths: ingest → extract → RDF → output.

This is the one function the CLI, the Python API and the notebook call.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from kg import arguments
from kg.errors import DocumentError, GeokgError, InputError
from kg.graph import KnowledgeGraph
from kg.ingest import DEFAULT_MAX_CHARS, iter_documents
from kg.model import Document
from kg.pipeline import DEFAULT_MIN_CONFIDENCE, Extractor, extract
from kg.rdf.io import check_output

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
SAMPLES = DATA / "samples"
SAMPLES_GOLD = DATA / "samples_gold.jsonl"
# Allocations between two collections of the youngest generation during a build (Python's
# default is 700).
GC_THRESHOLD = 50_000


@dataclass
class BuildResult:
    """What a build produced: the graph, and what it could not read or build.

    ``errors`` holds an :class:`~kg.errors.InputError` for each input that could not be
    read and a :class:`~kg.errors.DocumentError` for each document that failed inside the
    tool (an internal error), in the order they were met.
    """

    graph: KnowledgeGraph
    documents: list[str] = field(default_factory=list)
    errors: list[GeokgError] = field(default_factory=list)
    facts: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def internal_errors(self) -> list[DocumentError]:
        """The documents lost to an internal error."""
        return [e for e in self.errors if isinstance(e, DocumentError)]


def sample_paths() -> list[Path]:
    """The project's own sample articles, the default corpus."""
    return [SAMPLES]


PathArg = str | os.PathLike[str]


def build(
    inputs: PathArg | Iterable[PathArg] | None = None,
    out: PathArg | None = None,
    *,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    max_chars: int = DEFAULT_MAX_CHARS,
    on_document: Callable[[Document], None] | None = None,
    on_error: Callable[[GeokgError], None] | None = None,
    strict: bool = False,
    nlp: Language | None = None,
    extractors: Sequence[Extractor | str] | None = None,
) -> BuildResult:
    """Build a graph from a file or folder, or a list of them (the samples when None).

    With ``out`` the graph is also written there, merged into what ``out``
    already holds; the write is atomic, so a failed build leaves ``out`` as it was.
    Bad inputs and documents that fail inside the tool do not stop the build: they are
    reported through ``on_error`` and listed in ``BuildResult.errors``. With
    ``strict=True`` an internal error is raised instead, with its traceback.
    ``nlp`` (a spaCy pipeline) and ``extractors`` (callables, or names of registered
    extractors: ``["position", "event"]``) replace the project's own.
    """
    paths = sample_paths() if inputs is None else arguments.as_paths(inputs, "inputs")
    out = None if out is None else arguments.as_path(out, "out")
    min_confidence = arguments.fraction(min_confidence, "min_confidence")
    max_chars = arguments.positive_int(max_chars, "max_chars")
    on_document = arguments.optional_callable(on_document, "on_document")
    on_error = arguments.optional_callable(on_error, "on_error")
    arguments.instance(strict, bool, "strict")
    arguments.instance(nlp, Language | None, "nlp")
    if extractors is not None and not (
        isinstance(extractors, list | tuple)
        and extractors
        and all(isinstance(e, str) for e in extractors)
    ):
        extractors = arguments.callables(extractors, "extractors")
    if out is not None:
        check_output(out)  # before any work: a build that cannot be written is not started
    result = BuildResult(graph=KnowledgeGraph())

    def report(error: GeokgError) -> None:
        result.errors.append(error)
        if on_error is not None:
            on_error(error)

    def documents() -> Iterator[Document]:
        exclude = () if out is None else (out,)  # a build never reads its own output
        for item in _read(paths, max_chars, exclude, isolate=not strict):
            if isinstance(item, DocumentError) and strict:
                raise item.__cause__ or item
            if isinstance(item, GeokgError):
                report(item)
                continue
            yield item  # iter_documents has refused duplicate ids already

    with _fewer_collections():
        for extraction in extract(
            documents(),
            min_confidence=min_confidence,
            nlp=nlp,
            extractors=extractors,
            on_error=None if strict else report,
        ):
            try:
                result.graph.add_extraction(extraction)
            except Exception as exc:
                if strict:
                    raise
                report(DocumentError.from_exception(extraction.document.id, "map", exc))
                continue
            result.documents.append(extraction.document.id)
            result.facts += len(extraction.facts)
            if on_document is not None:
                on_document(extraction.document)
        if out is not None and result.documents:
            result.graph.save(out)
    return result


def _read(
    paths: list[Path], max_chars: int, exclude: Iterable[Path], *, isolate: bool
) -> Iterator[Document | InputError | DocumentError]:
    """The documents of ``paths`` and what could not be read.

    An exception that escapes the readers ends the reading (the documents read before it
    are still built): with ``isolate`` it is a DocumentError of stage ``read``.
    """
    try:
        yield from iter_documents(paths, max_chars=max_chars, exclude=exclude)
    except Exception as exc:
        if not isolate:
            raise
        given = " ".join(str(p) for p in paths)
        yield DocumentError.from_exception(given, "read", exc)


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
