"""Building a knowledge graph from input paths: ingest → extract → RDF → output.

This is the one function the CLI, the Python API and the notebook call.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from kg import arguments
from kg.errors import DocumentError, GeokgError, InputError
from kg.graph import KnowledgeGraph
from kg.ingest import DEFAULT_MAX_CHARS, iter_documents
from kg.model import Document
from kg.pipeline import DEFAULT_MIN_CONFIDENCE, Extractor, extract
from kg.rdf.io import check_output, is_store_path, output_lock
from kg.rdf.mapping import extraction_to_part
from kg.rdf.store import BatchWriter

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
    workers: int = 1,
    dask: str | None = None,
    on_start: Callable[[int], None] | None = None,
) -> BuildResult:
    """Build a graph from a file or folder, or a list of them (the samples when None).

    With ``out`` the graph is also written there, merged into what ``out``
    already holds (documents replaced by name); a file is replaced in one step, so a failed
    build leaves it as it was.
    Bad inputs and documents that fail inside the tool do not stop the build: they are
    reported through ``on_error`` and listed in ``BuildResult.errors``. With
    ``strict=True`` an internal error is raised instead, with its traceback.
    ``nlp`` (a spaCy pipeline) and ``extractors`` (callables, or names of registered
    extractors: ``["position", "event"]``) replace the project's own. ``workers`` (processes
    on this machine) and ``dask`` (the address of a Dask scheduler) run the extraction in
    parallel. ``on_start`` is called with the number of documents before the first is built.

    An Oxigraph store output is written as the build goes: each document in one transaction
    as soon as it is done (within a couple of seconds), so memory stays flat whatever the
    corpus, a build killed at any moment leaves a consistent store, and a rerun completes it.
    ``BuildResult.graph`` is then the store itself, not a copy in memory.
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
    on_start = arguments.optional_callable(on_start, "on_start")
    if out is not None:
        check_output(out)  # before any work: a build that cannot be written is not started
    result = BuildResult(graph=KnowledgeGraph())
    parallel: dict[str, object] = {}
    if workers != 1:
        parallel["workers"] = workers
    if dask is not None:
        parallel["dask"] = dask
    with ExitStack() as stack:
        writer = None
        if out is not None and is_store_path(out):
            stack.enter_context(output_lock(out))  # builds into one store take turns
            writer = BatchWriter(out)
        _build_into(
            result,
            paths,
            out,
            writer,
            max_chars,
            strict,
            report_to=on_error,
            on_document=on_document,
            on_start=on_start,
            extract_options=dict(
                min_confidence=min_confidence, nlp=nlp, extractors=extractors, **parallel
            ),
        )
    if writer is not None and result.documents:
        result.graph = KnowledgeGraph.open(out)
    return result


def _build_into(
    result: BuildResult,
    paths: list[Path],
    out: Path | None,
    writer: BatchWriter | None,
    max_chars: int,
    strict: bool,
    *,
    report_to: Callable[[GeokgError], None] | None,
    on_document: Callable[[Document], None] | None,
    on_start: Callable[[int], None] | None,
    extract_options: dict,
) -> None:
    """Extract every document of ``paths`` into ``result.graph``, or through ``writer``."""
    on_error = report_to

    def report(error: GeokgError) -> None:
        result.errors.append(error)
        if on_error is not None:
            on_error(error)

    exclude = () if out is None else (out,)  # a build never reads its own output
    if on_start is not None:  # a first reading pass, for the count (ingest is ~1 % of a build)
        items = _read(paths, max_chars, exclude, isolate=True)
        on_start(sum(1 for item in items if isinstance(item, Document)))

    def documents() -> Iterator[Document]:
        for item in _read(paths, max_chars, exclude, isolate=not strict):
            if isinstance(item, DocumentError) and strict:
                raise item.__cause__ or item
            if isinstance(item, GeokgError):
                report(item)
                continue
            yield item  # iter_documents has refused duplicate ids already

    with _fewer_collections():
        for extraction in extract(
            documents(), on_error=None if strict else report, **extract_options
        ):
            try:
                part = extraction_to_part(extraction)
            except Exception as exc:
                if strict:
                    raise
                report(DocumentError.from_exception(extraction.document.id, "map", exc))
                continue
            if writer is None:
                result.graph.add_part(part)
            else:
                writer.add(part)
            result.documents.append(extraction.document.id)
            result.facts += len(extraction.facts)
            if on_document is not None:
                on_document(extraction.document)
        if writer is not None:
            writer.flush()
        elif out is not None and result.documents:
            result.graph.save(out)


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
