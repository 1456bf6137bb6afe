"""Fault isolation: a document that fails anywhere in the pipeline costs that document only.

Faults are injected into the real pipeline: spaCy components registered here that raise
on a marker word (one working doc by doc, one batching on its own, one batching through
spaCy's error handler like the trained components), an extractor that raises, facts that
the fact merging and the RDF mapping cannot take, and a reader and a resolver that raise
on a marker.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc
from spacy.util import minibatch

import kg
import kg.ingest
import kg.pipeline
from kg.cli import main
from kg.errors import DocumentError, GeokgError, InputError
from kg.extract import EXTRACTORS
from kg.model import Evidence, Fact, Position
from kg.nlp import build_nlp

# Marker words, one per injected fault; no real article contains them.
PLAIN, BATCH, HANDLED = "Zorblaxia", "Quxmoorland", "Vexlundia"
EXTRACT, MAP, READ, RESOLVE, MERGE = "Krelloff", "Brindlemark", "Ostravene", "Pellucid", "Tamberlo"
GOOD_A = "Pact in Tokyo\n\nJapan and Australia signed a defence pact in Tokyo on Monday.\n"
GOOD_B = "Troops\n\nThe United States stations 54,000 troops in Japan.\n"


class MarkerError(RuntimeError):
    """What the injected faults raise."""


def _check(doc: Doc, marker: str) -> None:
    if marker in doc.text:
        raise MarkerError(f"{marker} seen")


@Language.component("geokg_test_plain_raiser")
def plain_raiser(doc: Doc) -> Doc:
    """Works doc by doc: spaCy calls the error handler with the one document."""
    _check(doc, PLAIN)
    return doc


class BatchRaiser:
    """Batches on its own, without an error handler: the exception escapes ``nlp.pipe``."""

    def __init__(self) -> None:
        self.batch_sizes: list[int] = []

    def __call__(self, doc: Doc) -> Doc:
        _check(doc, BATCH)
        return doc

    def pipe(self, docs, batch_size: int = 128) -> Iterator[Doc]:
        for batch in minibatch(docs, batch_size):
            self.batch_sizes.append(len(batch))
            for doc in batch:
                _check(doc, BATCH)
            yield from batch


class HandledRaiser(Pipe):
    """Batches through spaCy's error handler, as the trained components do."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        _check(doc, HANDLED)
        return doc

    def pipe(self, docs, batch_size: int = 128) -> Iterator[Doc]:
        handler = self.get_error_handler()
        for batch in minibatch(docs, batch_size):
            try:
                for doc in batch:
                    _check(doc, HANDLED)
                yield from batch
            except Exception as exc:
                handler(self.name, self, batch, exc)


@Language.factory("geokg_test_batch_raiser")
def make_batch_raiser(nlp: Language, name: str) -> BatchRaiser:
    return BatchRaiser()


@Language.factory("geokg_test_handled_raiser")
def make_handled_raiser(nlp: Language, name: str) -> HandledRaiser:
    return HandledRaiser(name)


class RaisingExtractor:
    name = "exploding"

    def __call__(self, ctx) -> Iterator[Position]:
        if EXTRACT in ctx.doc.text:
            raise MarkerError("extractor bug")
        return iter(())


class DanglingExtractor:
    """Yields a fact about an entity that was never resolved: the RDF mapping refuses it."""

    name = "dangling"

    def __call__(self, ctx) -> Iterator[Position]:
        if MAP in ctx.doc.text:
            sentence = next(iter(ctx.doc.sents))
            evidence = Evidence(
                ctx.document.id, sentence.text, sentence.start_char, sentence.end_char, 0.9
            )
            yield Position(
                holder="person:nobody-resolved", jurisdiction="country:nowhere", evidence=[evidence]
            )


class UnmergeableExtractor:
    """Yields a fact without an identity: merging facts cannot take it."""

    name = "unmergeable"

    def __call__(self, ctx) -> Iterator[Fact]:
        if MERGE in ctx.doc.text:
            yield Fact()


@pytest.fixture(scope="module")
def nlp() -> Language:
    """The project's own pipeline (a fresh copy) with the three raising components."""
    nlp = build_nlp.__wrapped__()
    nlp.add_pipe("geokg_test_plain_raiser", name="plain_raiser")
    nlp.add_pipe("geokg_test_batch_raiser", name="batch_raiser")
    nlp.add_pipe("geokg_test_handled_raiser", name="handled_raiser")
    return nlp


def articles(folder: Path, **bad: str) -> Path:
    """Two good articles and one bad article per marker, named NAME.txt."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good-a.txt").write_text(GOOD_A, encoding="utf-8")
    (folder / "good-b.txt").write_text(GOOD_B, encoding="utf-8")
    for name, marker in bad.items():
        text = f"Report\n\nJapan and {marker} signed a pact in Tokyo on Monday.\n"
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def test_a_component_failing_on_one_document_costs_that_document_only(nlp, tmp_path):
    folder = articles(tmp_path / "in", bad=PLAIN)
    out = tmp_path / "graph.trig"
    seen: list[GeokgError] = []
    result = kg.build(folder, out, nlp=nlp, on_error=seen.append)
    assert sorted(result.documents) == ["good-a.txt", "good-b.txt"]
    (error,) = result.errors
    assert seen == [error]
    assert isinstance(error, DocumentError) and isinstance(error, GeokgError)
    assert (error.doc_id, error.stage) == ("bad.txt", "parse:plain_raiser")
    assert error.reason.startswith("MarkerError: Zorblaxia seen")
    assert str(error).startswith("bad.txt: internal error in parse:plain_raiser: MarkerError")
    assert result.internal_errors == [error]
    assert kg.load(out).documents() == ["good-a.txt", "good-b.txt"]
    assert result.facts > 0


def test_a_batch_that_raises_is_parsed_again_one_document_at_a_time(nlp, tmp_path):
    batcher = nlp.get_pipe("batch_raiser")
    batcher.batch_sizes.clear()
    folder = articles(tmp_path / "in", bad=BATCH)
    result = kg.build(folder, nlp=nlp)
    assert sorted(result.documents) == ["good-a.txt", "good-b.txt"]
    assert [(e.doc_id, e.stage) for e in result.errors] == [("bad.txt", "parse")]
    assert result.errors[0].reason.startswith("MarkerError: Quxmoorland seen")
    # one nlp.pipe over the batch of three, then each document alone
    assert batcher.batch_sizes == [3, 1, 1, 1]


def test_a_batch_reported_through_the_error_handler_loses_only_the_bad_document(nlp, tmp_path):
    folder = articles(tmp_path / "in", bad=HANDLED)
    result = kg.build(folder, nlp=nlp)
    assert sorted(result.documents) == ["good-a.txt", "good-b.txt"]
    assert [(e.doc_id, e.stage) for e in result.errors] == [("bad.txt", "parse:handled_raiser")]


def test_good_documents_are_parsed_in_one_batch(nlp, tmp_path):
    batcher = nlp.get_pipe("batch_raiser")
    batcher.batch_sizes.clear()
    result = kg.build(articles(tmp_path / "in"), nlp=nlp)
    assert result.errors == [] and len(result.documents) == 2
    assert batcher.batch_sizes == [2]


def test_the_error_handlers_are_restored_after_a_build(nlp, tmp_path):
    kg.build(articles(tmp_path / "in", bad=HANDLED), nlp=nlp)
    with pytest.raises(MarkerError):
        nlp(f"{HANDLED} is not a place.")
    with pytest.raises(MarkerError):
        nlp(f"{PLAIN} is not a place.")


def test_faults_in_several_stages_each_cost_one_document(nlp, tmp_path, monkeypatch):
    real_resolve = kg.pipeline.MentionResolver.resolve
    real_reader = kg.ingest._READERS[".txt"]

    def resolve(self, doc, document):
        if RESOLVE in doc.text:
            raise MarkerError("resolver bug")
        return real_resolve(self, doc, document)

    def reader(found, max_chars):
        if READ in found.path.read_text(encoding="utf-8"):
            raise MarkerError("reader bug")
        yield from real_reader(found, max_chars)

    monkeypatch.setattr(kg.pipeline.MentionResolver, "resolve", resolve)
    monkeypatch.setitem(kg.ingest._READERS, ".txt", reader)
    folder = articles(
        tmp_path / "in",
        a_plain=PLAIN,
        b_batch=BATCH,
        c_extract=EXTRACT,
        d_map=MAP,
        e_read=READ,
        f_resolve=RESOLVE,
        g_merge=MERGE,
    )
    out = tmp_path / "graph.nq"
    extractors = [*EXTRACTORS, RaisingExtractor(), DanglingExtractor(), UnmergeableExtractor()]
    result = kg.build(folder, out, nlp=nlp, extractors=extractors)
    stages = sorted((Path(e.doc_id).name, e.stage) for e in result.errors)
    assert stages == [
        ("a_plain.txt", "parse:plain_raiser"),
        ("b_batch.txt", "parse"),
        ("c_extract.txt", "extract:exploding"),
        ("d_map.txt", "map"),
        ("e_read.txt", "read"),
        ("f_resolve.txt", "resolve"),
        ("g_merge.txt", "merge"),
    ]
    assert all(isinstance(e, DocumentError) for e in result.errors)
    assert sorted(result.documents) == ["good-a.txt", "good-b.txt"]
    assert kg.load(out).documents() == ["good-a.txt", "good-b.txt"]


def test_strict_raises_the_original_exception(nlp, tmp_path):
    folder = articles(tmp_path / "in", bad=EXTRACT)
    extractors = [*EXTRACTORS, RaisingExtractor()]
    with pytest.raises(MarkerError, match="extractor bug"):
        kg.build(folder, nlp=nlp, extractors=extractors, strict=True)
    with pytest.raises(MarkerError, match="Zorblaxia seen"):
        kg.build(articles(tmp_path / "in2", bad=PLAIN), nlp=nlp, strict=True)


def test_strict_raises_a_reader_failure(tmp_path, monkeypatch):
    def reader(found, max_chars):
        raise MarkerError("reader bug")
        yield

    monkeypatch.setitem(kg.ingest._READERS, ".txt", reader)
    with pytest.raises(MarkerError, match="reader bug"):
        kg.build(articles(tmp_path / "in"), strict=True)


def test_input_errors_and_internal_errors_are_told_apart(nlp, tmp_path):
    folder = articles(tmp_path / "in", bad=PLAIN)
    (folder / "empty.txt").write_text("", encoding="utf-8")
    result = kg.build(folder, nlp=nlp)
    (empty,) = [e for e in result.errors if isinstance(e, InputError)]
    assert Path(empty.source).name == "empty.txt"
    assert [e.doc_id for e in result.internal_errors] == ["bad.txt"]
    assert len(result.errors) == 2


# --- the command line ------------------------------------------------------------------


@pytest.fixture
def exploding(monkeypatch):
    """The project's extractors and one that raises on EXTRACT, as kg build runs them."""
    monkeypatch.setattr(kg.pipeline, "EXTRACTORS", (*EXTRACTORS, RaisingExtractor()))


def test_kg_build_names_each_failing_document_on_one_line(capsys, tmp_path, exploding):
    folder = articles(tmp_path / "in", bad=EXTRACT, worse=EXTRACT)
    out = tmp_path / "graph.trig"
    code = main(["build", str(folder), "-o", str(out), "--no-progress"])
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert code == 1
    failing = [line for line in err if "internal error" in line and "documents," not in line]
    prefix = "internal error in extract:exploding: MarkerError: extractor bug (at "
    assert failing == [
        f"kg build: bad.txt: {prefix}" + failing[0].split("(at ", 1)[1],
        f"kg build: worse.txt: {prefix}" + failing[1].split("(at ", 1)[1],
    ]
    assert err[-1].startswith("kg build: 2 documents, 2 internal errors, ")
    assert kg.load(out).documents() == ["good-a.txt", "good-b.txt"]


def test_kg_build_strict_gives_the_traceback(capsys, tmp_path, exploding):
    folder = articles(tmp_path / "in", bad=EXTRACT)
    out = tmp_path / "graph.trig"
    for argv in (["build", "--strict"], ["--strict", "build"]):
        with pytest.raises(MarkerError, match="extractor bug"):
            main([*argv, str(folder), "-o", str(out), "--no-progress"])
    assert not out.exists()


def test_kg_build_with_every_document_failing_writes_nothing(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(kg.pipeline, "EXTRACTORS", (RaisingExtractor(),))
    folder = tmp_path / "in"
    articles(folder, bad=EXTRACT)
    (folder / "good-a.txt").unlink()
    (folder / "good-b.txt").unlink()
    out = tmp_path / "graph.trig"
    code = main(["build", str(folder), "-o", str(out), "--no-progress"])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert err[-1] == "kg build: no document could be built; nothing written"
    assert not out.exists()
