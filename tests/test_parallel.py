"""Parallel and distributed extraction: worker processes and a Dask cluster build the graph a
serial build does, report the same failures, and survive a worker that dies.

Faults are injected as in test_isolation.py, in a form that crosses process boundaries: the
workers are spawned (or are Dask's), so they know only what is pickled for them. A spaCy
component and extractors of this module travel by reference; each worker imports this
module (its folder is on the sys.path they inherit) to unpickle them.
"""

from __future__ import annotations

import inspect
import io
import multiprocessing
import os
import pickle
import signal
import socket
from collections.abc import Iterator

import dask
import pytest
from distributed import Client, LocalCluster
from spacy.language import Language
from spacy.tokens import Doc

import kg
import kg.parallel
from kg.build import SAMPLES
from kg.errors import DocumentError, GeokgError, InputError
from kg.extract import EXTRACTORS
from kg.graph import KnowledgeGraph
from kg.ingest import iter_documents
from kg.model import Document, Extraction, Position
from kg.nlp import build_nlp
from kg.pipeline import extract

# Marker words, one per injected fault; no real article contains them.
PARSE, EXTRACT, KILL = "Zorvellia", "Krantovar", "Mordessix"
BATCH = 2  # small batches, so that a small corpus keeps both workers busy


class MarkerError(RuntimeError):
    """What the injected faults raise."""


@Language.component("geokg_test_parallel_raiser")
def parse_raiser(doc: Doc) -> Doc:
    if PARSE in doc.text:
        raise MarkerError(f"{PARSE} seen")
    return doc


class RaisingExtractor:
    name = "exploding"

    def __call__(self, ctx) -> Iterator[Position]:
        if EXTRACT in ctx.doc.text:
            raise MarkerError("extractor bug")
        return iter(())


class KillingExtractor:
    """Kills the worker process it runs in (never the test's own process)."""

    name = "killing"

    def __call__(self, ctx) -> Iterator[Position]:
        if KILL in ctx.doc.text and multiprocessing.parent_process() is not None:
            os.kill(os.getpid(), signal.SIGKILL)
        return iter(())


EXTRACTORS_WITH_FAULTS = [*EXTRACTORS, RaisingExtractor(), KillingExtractor()]


def tiny(doc_id: str, text: str) -> Document:
    return Document(id=doc_id, text=text, title=text.split("\n", 1)[0])


def corpus(*extra: Document) -> list[Document]:
    """The bundled samples and a few short items of our own, two of them faulty."""
    samples = [d for d in iter_documents([SAMPLES]) if isinstance(d, Document)]
    own = [
        tiny("talks", "Talks in Oslo\n\nNorway and Sweden held talks in Oslo on Tuesday.\n"),
        tiny("bad-parse", f"Report\n\nJapan and {PARSE} signed a pact in Tokyo on Monday.\n"),
        tiny("troops", "Troops\n\nThe United States stations 28,500 troops in South Korea.\n"),
        tiny("bad-extract", f"Report\n\nChile and {EXTRACT} signed a pact in Lima.\n"),
        tiny("member", "Finland\n\nFinland joined NATO in 2023, its foreign minister said.\n"),
    ]
    return [*samples[:3], *own[:3], *samples[3:], *own[3:], *extra]


@pytest.fixture(scope="module")
def nlp() -> Language:
    """The project's pipeline (a fresh copy) with a component that raises on PARSE."""
    nlp = build_nlp.__wrapped__()
    nlp.add_pipe("geokg_test_parallel_raiser", name="parse_raiser")
    return nlp


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """A Dask cluster of two worker processes with one thread each; a task whose worker dies
    is not retried elsewhere (the default tries three more workers)."""
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            yield cluster


def run(documents: list[Document], nlp: Language, **how) -> tuple[list, list[str], list]:
    """Extract ``documents`` as kg.build does: sorted quads, ids in order, errors."""
    errors: list[GeokgError] = []
    graph = KnowledgeGraph()
    ids = []
    for extraction in extract(
        documents,
        nlp=nlp,
        batch_size=BATCH,
        extractors=EXTRACTORS_WITH_FAULTS,
        on_error=errors.append,
        **how,
    ):
        graph.add_extraction(extraction)
        ids.append(extraction.document.id)
    return sorted(graph.quads()), ids, errors


@pytest.fixture(scope="module")
def serial(nlp) -> tuple[list, list[str], list]:
    return run(corpus(), nlp)


def test_the_serial_reference_holds_what_the_corpus_has(serial):
    quads, ids, errors = serial
    good = [d.id for d in corpus() if not d.id.startswith("bad-")]
    assert ids == good
    assert [(e.doc_id, e.stage) for e in errors] == [
        ("bad-parse", "parse:parse_raiser"),
        ("bad-extract", "extract:exploding"),
    ]
    assert errors[0].reason.startswith("MarkerError: Zorvellia seen")
    assert len(quads) > 1000


def test_two_worker_processes_build_the_serial_graph(nlp, serial):
    quads, ids, errors = run(corpus(), nlp, workers=2)
    assert (quads, ids, errors) == serial
    assert all(isinstance(e, DocumentError) for e in errors)
    # the worker's traceback comes along as the cause
    assert "MarkerError: extractor bug" in str(errors[1].__cause__)
    assert "test_parallel.py" in str(errors[1].__cause__)


def test_a_dask_cluster_builds_the_serial_graph(nlp, serial, cluster):
    assert run(corpus(), nlp, dask=cluster.scheduler_address) == serial
    with Client(cluster, set_as_default=False) as client:
        assert run(corpus(), nlp, dask=client) == serial
        assert client.status == "running"  # the caller's client is left open


def test_without_on_error_the_workers_exception_is_raised(nlp):
    def strict(**how) -> list[str]:
        seen = []
        with pytest.raises(MarkerError, match="Zorvellia seen") as caught:
            for extraction in extract(corpus(), nlp=nlp, batch_size=BATCH, **how):
                seen.append(extraction.document.id)
        return seen, caught.value

    serial_seen, _ = strict()
    seen, error = strict(workers=2)
    # the documents before the failing batch are yielded first, as in a serial run
    assert seen == serial_seen == [d.id for d in corpus()[:4]]
    assert "in parse_raiser" in str(error.__cause__)


def test_a_killed_worker_costs_only_the_document_it_died_on(nlp, serial):
    killer = tiny("killer", f"Report\n\nPeru and {KILL} signed a pact in Lima.\n")
    expected = serial
    quads, ids, errors = run(corpus(killer), nlp, workers=2)
    assert (quads, ids) == expected[:2]
    assert errors[:2] == expected[2]
    (lost,) = errors[2:]
    assert lost == DocumentError(
        "killer", "worker", "the worker process died while extracting it (killed by SIGKILL)"
    )


def test_a_killed_dask_worker_costs_only_the_document_it_died_on(nlp, serial, cluster):
    killer = tiny("killer", f"Report\n\nPeru and {KILL} signed a pact in Lima.\n")
    expected = serial
    quads, ids, errors = run(corpus(killer), nlp, dask=cluster.scheduler_address)
    assert (quads, ids) == expected[:2]
    assert errors[:2] == expected[2]
    (lost,) = errors[2:]
    assert (lost.doc_id, lost.stage) == ("killer", "worker")
    assert lost.reason.startswith("the Dask workers running it died (KilledWorker")


def test_stopping_early_stops_the_workers():
    documents = iter_documents([SAMPLES])
    extractions = extract(documents, batch_size=1, workers=2)
    first = next(extractions)
    assert isinstance(first, Extraction) and first.document.id == "baltic-exercise.txt"
    extractions.close()
    ours = [p for p in multiprocessing.active_children() if p.name == "geokg-worker"]
    assert ours == []


def test_what_a_worker_sends_back_holds_no_spacy_object_and_no_text():
    (document,) = [tiny("talks", "Talks\n\nNorway and Sweden held talks in Oslo on Monday.\n")]
    worker = kg.parallel._Worker(
        kg.parallel._Setup("t", None, tuple(EXTRACTORS), 0.5, isolate=True)
    )
    events = worker.run([document])
    data = pickle.dumps(events, protocol=pickle.HIGHEST_PROTOCOL)
    classes = set()

    class Recording(pickle.Unpickler):
        def find_class(self, module: str, name: str):
            classes.add((module, name))
            return super().find_class(module, name)

    (done,) = Recording(io.BytesIO(data)).load()
    assert done.entities and done.index == 0
    modules = {module.split(".")[0] for module, _ in classes}
    assert modules <= {"kg", "datetime", "builtins"}
    assert ("kg.model", "Document") not in classes


# --- bad arguments ----------------------------------------------------------------------


@pytest.mark.parametrize("workers", [0, -3])
def test_fewer_than_one_worker_is_refused(workers):
    with pytest.raises(InputError) as caught:
        extract([], workers=workers)
    assert str(caught.value) == (
        f"workers: expected a number of worker processes of at least 1, not {workers}"
    )


def test_a_worker_count_that_is_no_whole_number_is_a_type_error():
    with pytest.raises(TypeError, match="workers: expected a whole number, not str"):
        extract([], workers="2")


def test_a_dask_address_without_a_scheduler_is_refused(monkeypatch):
    monkeypatch.setattr(kg.parallel, "DASK_CONNECT_TIMEOUT", 1.0)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    with pytest.raises(InputError) as caught:
        extract([], dask=address)
    assert caught.value.source == address
    assert caught.value.reason.startswith("no Dask scheduler answers at this address (")
    with pytest.raises(InputError, match="unknown address scheme 'nowhere'"):
        extract([], dask="nowhere://x")


def test_workers_and_dask_together_are_refused():
    with pytest.raises(InputError, match="not both"):
        extract([], workers=2, dask="tcp://127.0.0.1:8786")


# --- through kg.build and the command line, once they take the options ----------------------


def test_kg_build_with_workers_writes_the_serial_graph(tmp_path):
    if "workers" not in inspect.signature(kg.build).parameters:
        pytest.skip("kg.build does not take workers yet")
    serial = kg.build(out=tmp_path / "serial.nq")
    result = kg.build(out=tmp_path / "parallel.nq", workers=2)
    assert result.documents == serial.documents and result.errors == []
    written = [sorted(kg.load(tmp_path / f"{name}.nq").quads()) for name in ("serial", "parallel")]
    assert written[0] == written[1]


def test_kg_build_workers_and_dask_flags(tmp_path, capsys, cluster):
    from kg.cli import main

    with pytest.raises(SystemExit):
        main(["build", "--help"])
    if not {"--workers", "--dask"} <= set(capsys.readouterr().out.split()):
        pytest.skip("kg build has no --workers and --dask yet")
    runs = {
        "serial": [],
        "workers": ["--workers", "2"],
        "dask": ["--dask", cluster.scheduler_address],
    }
    for name, more in runs.items():
        assert main(["build", "-o", str(tmp_path / f"{name}.nq"), "--no-progress", *more]) == 0
    serial, *others = [sorted(kg.load(tmp_path / f"{name}.nq").quads()) for name in runs]
    assert others == [serial, serial]
