"""The pipeline, top to bottom: documents → spaCy → entity resolution →
extractors → fact merging → confidence filter → :class:`~kg.model.Extraction`.

``extract`` streams: documents are parsed in batches with ``nlp.pipe`` and each
extraction is yielded as soon as it is ready, so a large corpus is never held
in memory at once.

Given ``on_error``, an exception while parsing or extracting one document costs only
that document: it is reported as a :class:`~kg.errors.DocumentError` naming the stage
that failed, and the other documents go on. Without it, exceptions propagate.

With ``workers`` or ``dask``, :mod:`kg.parallel` runs the same batches in other processes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from kg.errors import DocumentError
from kg.extract import EXTRACTORS, make_extractors
from kg.extract.context import DocContext
from kg.extract.triggers import find_triggers
from kg.gazetteer import Gazetteer
from kg.lexicon import Lexicon, lexicon
from kg.model import Document, Extraction, Fact
from kg.nlp import build_nlp
from kg.resolve.facts import calibrate, merge_facts
from kg.resolve.mentions import MentionResolver

DEFAULT_MIN_CONFIDENCE = 0.5
DEFAULT_BATCH_SIZE = 32

Extractor = Callable[[DocContext], Iterable[Fact]]  # as kg.extract.registry.Extractor
OnError = Callable[[DocumentError], None]


def extract(
    documents: Iterable[Document],
    *,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    nlp: Language | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    extractors: Sequence[Extractor | str] | None = None,
    on_error: OnError | None = None,
    workers: int = 1,
    dask: str | Any | None = None,
) -> Iterator[Extraction]:
    """Parse and extract every document, yielding one Extraction each, in input order.

    ``extractors`` replaces the project's extractors (``kg.extract.EXTRACTORS``): registered
    names (``["position", "event"]``, ordered by what each requires) or extractor callables,
    run in their order. With ``on_error``, a document that fails is passed to it and skipped.

    ``workers=N`` (N > 1) extracts in N worker processes of this machine, ``dask`` (a Dask
    scheduler address such as ``"tcp://10.0.0.5:8786"``, or a ``distributed.Client``) on a
    Dask cluster: see :mod:`kg.parallel`. The extractions and errors are the same as here.
    Bad ``workers`` or ``dask`` values raise :class:`~kg.errors.InputError` at once.
    """
    if type(workers) is not int or workers != 1 or dask is not None:
        from kg.parallel import extract_parallel  # the workers' machinery, only when asked

        return extract_parallel(
            documents,
            min_confidence=min_confidence,
            nlp=nlp,
            batch_size=batch_size,
            extractors=extractors,
            on_error=on_error,
            workers=workers,
            dask=dask,
        )
    return _extract_serial(documents, min_confidence, nlp, batch_size, extractors, on_error)


def _extract_serial(
    documents: Iterable[Document],
    min_confidence: float,
    nlp: Language | None,
    batch_size: int,
    extractors: Sequence[Extractor | str] | None,
    on_error: OnError | None,
) -> Iterator[Extraction]:
    nlp = nlp or build_nlp()
    tools = make_tools(extractors)
    for batch in minibatch(documents, batch_size):
        yield from extract_batch(nlp, batch, tools, min_confidence, on_error)


def make_tools(extractors: Sequence[Extractor | str] | None) -> _Tools:
    """What extraction needs besides the spaCy pipeline, loaded once per process."""
    gazetteer = Gazetteer.load()
    return _Tools(
        gazetteer=gazetteer,
        resolver=MentionResolver(gazetteer),
        lex=lexicon(),
        extractors=_extractors(extractors),
    )


def extract_batch(
    nlp: Language,
    batch: list[Document],
    tools: _Tools,
    min_confidence: float,
    on_error: OnError | None,
) -> Iterator[Extraction]:
    """One batch parsed with one ``nlp.pipe`` and extracted, document by document."""
    for document, doc in _parse(nlp, batch, on_error):
        stage = _Stage()
        if on_error is None:
            yield _extract_one(doc, document, tools, min_confidence, stage)
            continue
        try:
            extraction = _extract_one(doc, document, tools, min_confidence, stage)
        except Exception as exc:
            on_error(DocumentError.from_exception(document.id, stage.name, exc))
            continue
        yield extraction


def _extractors(given: Sequence[Extractor | str] | None) -> tuple[Extractor, ...]:
    if given is None:
        return tuple(EXTRACTORS)
    names = [e for e in given if isinstance(e, str)]
    if not names:
        return tuple(given)  # type: ignore[arg-type]
    if len(names) != len(given):
        raise TypeError("extractors: give names of registered extractors or callables, not both")
    return make_extractors(names)


@dataclass(frozen=True)
class _Tools:
    gazetteer: Gazetteer
    resolver: MentionResolver
    lex: Lexicon
    extractors: tuple[Extractor, ...]


@dataclass
class _Stage:
    """The stage a document's extraction has reached, for the message if it fails."""

    name: str = "resolve"


def extractor_name(extractor: Extractor) -> str:
    """The name an extractor goes by in error messages ("agreement")."""
    name = getattr(extractor, "name", None) or getattr(extractor, "__name__", None)
    return str(name or type(extractor).__name__)


def _extract_one(
    doc: Doc, document: Document, tools: _Tools, min_confidence: float, stage: _Stage
) -> Extraction:
    """Resolve, extract, merge and filter one parsed document."""
    stage.name = "resolve"
    found = tools.resolver.resolve(doc, document)
    stage.name = "extract:triggers"
    ctx = DocContext(
        doc=doc,
        document=document,
        found=found,
        gaz=tools.gazetteer,
        lex=tools.lex,
        triggers=find_triggers(doc),
    )
    facts: list[Fact] = []
    for extractor in tools.extractors:
        stage.name = f"extract:{extractor_name(extractor)}"
        found_facts = list(extractor(ctx))
        ctx.facts.extend(found_facts)
        facts.extend(found_facts)
    stage.name = "merge"
    facts = merge_facts(facts)
    confirmed = {
        key
        for key, entity in found.entities.items()
        if entity.wikidata or tools.gazetteer.entry(key) is not None or key in found.leaders
    }
    calibrate(facts, confirmed)
    facts = [f for f in facts if _keep(f, min_confidence)]
    return Extraction(document=document, entities=found.entities, facts=facts)


def _keep(fact: Fact, min_confidence: float) -> bool:
    """Whether a fact reaches the threshold; it keeps only the evidence that does."""
    if fact.confidence < min_confidence:
        return False
    fact.evidence = [e for e in fact.evidence if e.confidence >= min_confidence]
    return True


# --- parsing, one batch at a time ------------------------------------------------------


@dataclass(frozen=True)
class _Failure:
    component: str
    exc: BaseException
    alone: bool  # the component failed on this document alone, not on a whole batch


def _parse(
    nlp: Language, batch: list[Document], on_error: OnError | None
) -> Iterator[tuple[Document, Doc]]:
    """The batch's documents parsed with one ``nlp.pipe``; those that fail reported.

    A component that raises is reported through spaCy's error handler: for a component
    that works doc by doc, with the one document; for one that works on batches (the
    trained components), with the whole batch, whose documents are then parsed again one
    at a time so that only the bad one is lost. An exception that escapes ``nlp.pipe``
    (the tokenizer, a component that takes no error handler) has the batch parsed again
    one at a time too.
    """
    if on_error is None:
        docs = nlp.pipe((d.text for d in batch), batch_size=len(batch))
        yield from zip(batch, docs, strict=True)
        return
    try:
        docs = [nlp.make_doc(d.text) for d in batch]
        parsed, failures = _pipe(nlp, docs)
    except Exception:
        # Not through the error handler (the tokenizer, a component's own batching):
        # which document it was, only parsing them one by one tells.
        for document in batch:
            yield from _parse_alone(nlp, document, on_error)
        return
    for document, doc in zip(batch, docs, strict=True):
        failure = failures.get(id(doc))
        if failure is None and id(doc) in parsed:
            yield document, doc
        elif failure is not None and failure.alone:
            stage = f"parse:{failure.component}"
            on_error(DocumentError.from_exception(document.id, stage, failure.exc))
        else:
            yield from _parse_alone(nlp, document, on_error)


def _parse_alone(
    nlp: Language, document: Document, on_error: OnError
) -> Iterator[tuple[Document, Doc]]:
    """One document parsed on its own: yielded with its Doc, or reported."""
    stage = "parse:tokenizer"
    try:
        doc = nlp.make_doc(document.text)
        stage = "parse"
        parsed, failures = _pipe(nlp, [doc])
    except Exception as exc:
        on_error(DocumentError.from_exception(document.id, stage, exc))
        return
    failure = failures.get(id(doc))
    if failure is not None:
        stage = f"parse:{failure.component}"
        on_error(DocumentError.from_exception(document.id, stage, failure.exc))
    elif id(doc) not in parsed:
        on_error(DocumentError(document.id, "parse", "the spaCy pipeline dropped the document"))
    else:
        yield document, doc


def _pipe(nlp: Language, docs: list[Doc]) -> tuple[set[int], dict[int, _Failure]]:
    """Run the pipeline over ``docs``: the ids of the docs that came through, and failures.

    Docs are told apart by identity: spaCy's components annotate the Doc they are given
    and return it (``nlp.pipe(..., as_tuples=True)`` relies on the same).
    """
    failures: dict[int, _Failure] = {}

    def record(name: str, proc: object, failed: list[Doc], exc: Exception) -> None:
        for doc in failed:
            failures.setdefault(id(doc), _Failure(name, exc, alone=len(failed) == 1))

    with _error_handler(nlp, record):
        parsed = {id(doc) for doc in nlp.pipe(docs, batch_size=len(docs))}
    return parsed, failures


@contextmanager
def _error_handler(nlp: Language, handler: Callable) -> Iterator[None]:
    """spaCy's error handler set to ``handler`` for the duration, then restored.

    This is what ``Language.set_error_handler`` does, component by component, because
    some components cannot take one (in spaCy 3.8 the parser and the entity recogniser
    raise AttributeError): their exceptions escape ``nlp.pipe`` instead.
    """
    default = nlp.default_error_handler
    own: dict[str, Callable] = {}
    nlp.default_error_handler = handler
    try:
        for name, proc in nlp.pipeline:
            if hasattr(proc, "get_error_handler") and hasattr(proc, "set_error_handler"):
                previous = proc.get_error_handler()
                try:
                    proc.set_error_handler(handler)
                except AttributeError:
                    continue
                own[name] = previous
        yield
    finally:
        nlp.default_error_handler = default
        for name, proc in nlp.pipeline:
            if name in own:
                proc.set_error_handler(own[name])
