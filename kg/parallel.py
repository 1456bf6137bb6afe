"""Extraction in other processes: ``workers=N`` on this machine, ``dask=ADDRESS`` on a Dask
cluster (see :func:`kg.pipeline.extract`).

- The caller reads the documents and cuts them into the batches a serial run would parse
  (``batch_size``); each batch goes to a worker. The caller never loads spaCy and stays the
  one writer: it replays each batch's outcome in input order, so the extractions yielded and
  the errors reported are those of a serial run.
- A worker loads the pipeline once (``kg.nlp.build_nlp``, or the caller's own ``nlp``, sent
  pickled once per worker), keeps its maths libraries to one thread (the processes are the
  parallelism) and sends back, per document, the entities and facts extracted (plain
  :mod:`kg.model` objects: no spaCy object, and not the text the caller already has) or the
  :class:`~kg.errors.DocumentError` of the stage that failed.
- A worker that dies (killed, out of memory, a crash in compiled code) costs no more than it
  must: the documents of the batch it held are sent again one at a time, the next only once
  the last is back (a fresh worker replaces a dead one), and a document during which a worker
  dies again is reported as a DocumentError of stage ``worker`` (raised without
  ``on_error``). On Dask the scheduler first retries a task on other workers
  (``distributed.scheduler.allowed-failures``), and the batches merely waiting on a worker
  that dies are lost with it: they too are sent again one document at a time.
- Local workers are forked from a fresh server process that has loaded the pipeline
  (``forkserver``; ``spawn`` where there is none): a worker knows only what it is sent (no
  state the caller changed at run time), so the ``nlp``, the extractors and what they hold
  must pickle.

spaCy's own ``nlp.pipe(n_process=N)`` is not used: it parses in child processes but sends
every parsed Doc back to the caller, the heaviest object of the pipeline, and leaves entity
resolution and the extractors serial in the caller. Sending documents out and extractions
back moves far fewer bytes and runs everything but writing in parallel.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import numbers
import pickle
import queue
import signal
import threading
import time
import traceback
import uuid
import warnings
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Protocol

from spacy.language import Language
from spacy.util import minibatch

import kg.pipeline
from kg import arguments
from kg.errors import DocumentError, InputError, MissingDependencyError, describe
from kg.model import Document, Entity, Extraction, Fact
from kg.nlp import build_nlp
from kg.pipeline import Extractor, OnError, extract_batch, make_tools

log = logging.getLogger(__name__)

# Seconds to wait for a Dask scheduler to answer before the address is refused.
DASK_CONNECT_TIMEOUT = 10.0
# Batches sent ahead per worker: one being extracted while the next waits, so that no worker
# idles while the caller writes.
BATCHES_PER_WORKER = 2
# Seconds a stopping worker is given to exit before it is terminated.
STOP_TIMEOUT = 10.0
WORKER_STAGE = "worker"


class WorkerLost(Exception):
    """The process extracting a batch died before it answered."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker, as the worker formatted it."""

    def __init__(self, trace: str) -> None:
        super().__init__(trace)
        self.trace = trace

    def __str__(self) -> str:
        return f'\n"""\n{self.trace}"""'


# --- what crosses between the caller and a worker ----------------------------------------


@dataclass(frozen=True)
class _Setup:
    """What a worker needs to extract as the caller would; sent once per worker."""

    token: str  # tells one run's setup from another's in a long-lived Dask worker
    nlp: bytes | None  # the caller's pipeline pickled, or None for kg.nlp.build_nlp()
    extractors: tuple[Extractor | str, ...]
    min_confidence: float
    isolate: bool  # failures reported document by document (the caller gave on_error)


@dataclass(frozen=True)
class _Done:
    index: int  # of the document in its batch
    entities: dict[str, Entity]
    facts: list[Fact]


@dataclass(frozen=True)
class _Failed:
    doc_id: str
    stage: str
    reason: str
    trace: str


@dataclass(frozen=True)
class _Raised:
    """Without on_error: the exception that ended the batch, after the documents before it."""

    error: BaseException
    trace: str


_Event = _Done | _Failed | _Raised


class _Worker:
    """The pipeline and extraction tools of one worker process."""

    def __init__(self, setup: _Setup) -> None:
        _one_thread()
        self.setup = setup
        self.nlp: Language = pickle.loads(setup.nlp) if setup.nlp is not None else build_nlp()
        self.tools = make_tools(setup.extractors)
        # The model and gazetteer live as long as the worker: keep them out of the collector's
        # scans.
        gc.freeze()

    def run(self, batch: list[Document]) -> list[_Event]:
        """Extract one batch: per document its extraction or its failure, in order."""
        events: list[_Event] = []
        index = {id(document): i for i, document in enumerate(batch)}

        def failed(error: DocumentError) -> None:
            events.append(_Failed(error.doc_id, error.stage, error.reason, _trace(error.__cause__)))

        on_error = failed if self.setup.isolate else None
        try:
            for extraction in extract_batch(
                self.nlp, batch, self.tools, self.setup.min_confidence, on_error
            ):
                i = index[id(extraction.document)]
                events.append(_Done(i, extraction.entities, extraction.facts))
        except Exception as exc:
            if self.setup.isolate:
                raise  # not a document's failure: extract_batch reports those
            events.append(_Raised(_picklable(exc), _trace(exc)))
        return events


def _one_thread() -> None:
    """Numeric libraries to one thread: several threads per process would fight over the cores."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


def _trace(exc: BaseException | None) -> str:
    return "".join(traceback.format_exception(exc)) if exc is not None else ""


def _picklable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a RuntimeError saying what it was."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(describe(exc))
    return exc


# --- the caller's side --------------------------------------------------------------------


class _Cluster(Protocol):
    window: int  # batches to keep sent ahead

    def submit(self, batch: list[Document]) -> Any: ...

    def result(self, handle: Any) -> list[_Event]:
        """The batch's events; WorkerLost if its worker died."""

    def close(self) -> None: ...


def extract_parallel(
    documents: Iterable[Document],
    *,
    min_confidence: float,
    nlp: Language | None,
    batch_size: int,
    extractors: Sequence[Extractor | str] | None,
    on_error: OnError | None,
    workers: int,
    dask: Any,
) -> Iterator[Extraction]:
    """``kg.pipeline.extract`` in worker processes or on a Dask cluster (see the module)."""
    workers = check_workers(workers)
    batch_size = arguments.positive_int(batch_size, "batch_size")
    if dask is not None and workers != 1:
        raise InputError(
            "workers", "give a number of worker processes or a Dask scheduler, not both"
        )
    setup = _Setup(
        token=uuid.uuid4().hex,
        nlp=_pickled_nlp(nlp),
        extractors=_shipped_extractors(extractors),
        min_confidence=min_confidence,
        isolate=on_error is not None,
    )
    try:
        payload = pickle.dumps(setup, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        raise TypeError(
            f"extractors: with workers or dask every extractor must pickle ({describe(exc)})"
        ) from exc
    cluster: _Cluster = _LocalPool(workers, payload) if dask is None else _dask_cluster(dask, setup)
    return _Extractions(cluster, _run(cluster, minibatch(documents, batch_size), on_error))


def check_workers(workers: Any) -> int:
    """A number of worker processes: a whole number of at least 1 (InputError otherwise)."""
    if isinstance(workers, bool) or not isinstance(workers, numbers.Integral):
        raise TypeError(f"workers: expected a whole number, not {type(workers).__name__}")
    if workers < 1:
        raise InputError(
            "workers", f"expected a number of worker processes of at least 1, not {workers}"
        )
    return int(workers)


def _pickled_nlp(nlp: Language | None) -> bytes | None:
    """The caller's own pipeline for the workers; None when it is the project's."""
    if nlp is None or (build_nlp.cache_info().currsize and nlp is build_nlp()):
        return None
    arguments.instance(nlp, Language, "nlp")
    try:
        return pickle.dumps(nlp, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        raise TypeError(
            f"nlp: with workers or dask the spaCy pipeline must pickle ({describe(exc)})"
        ) from exc


def _shipped_extractors(given: Sequence[Extractor | str] | None) -> tuple[Extractor | str, ...]:
    # The caller's own list, read now, so a worker runs exactly what a serial run would.
    return tuple(kg.pipeline.EXTRACTORS if given is None else given)


def _run(
    cluster: _Cluster, batches: Iterable[list[Document]], on_error: OnError | None
) -> Iterator[Extraction]:
    """Send batches ahead, take their outcomes back in order and replay them."""
    batches = iter(batches)
    pending: deque[tuple[list[Document], Any]] = deque()

    def send_ahead() -> None:
        while len(pending) < cluster.window:
            batch = next(batches, None)
            if batch is None:
                return
            pending.append((batch, cluster.submit(batch)))

    send_ahead()
    while pending:
        batch, handle = pending.popleft()
        try:
            events = cluster.result(handle)
        except WorkerLost as lost:
            log.warning(
                "%s; extracting its %d documents again one at a time", lost.reason, len(batch)
            )
            yield from _one_at_a_time(cluster, batch, on_error)
            continue
        send_ahead()
        yield from _replay(batch, events, on_error)


def _one_at_a_time(
    cluster: _Cluster, batch: list[Document], on_error: OnError | None
) -> Iterator[Extraction]:
    """A lost batch again, one document after the other, none sent before the last is back:
    a worker that dies now died on that document (on Dask, tasks merely waiting on a worker
    that dies are lost with it)."""
    for document in batch:
        try:
            events = cluster.result(cluster.submit([document]))
        except WorkerLost as lost:
            error = DocumentError(document.id, WORKER_STAGE, lost.reason)
            if on_error is None:
                raise error from None
            on_error(error)
            continue
        yield from _replay([document], events, on_error)


def _replay(
    batch: list[Document], events: list[_Event], on_error: OnError | None
) -> Iterator[Extraction]:
    for event in events:
        if isinstance(event, _Done):
            # The caller's own Document: its text was not sent back.
            yield Extraction(batch[event.index], event.entities, event.facts)
        elif isinstance(event, _Failed):
            error = DocumentError(event.doc_id, event.stage, event.reason)
            error.__cause__ = _RemoteTraceback(event.trace)
            if on_error is None:  # not sent without on_error; kept strict all the same
                raise error
            on_error(error)
        else:
            raise event.error from _RemoteTraceback(event.trace)


class _Extractions(Iterator[Extraction]):
    """The extractions of a parallel run; closing it (or dropping it) stops the workers."""

    def __init__(self, cluster: _Cluster, extractions: Iterator[Extraction]) -> None:
        self._cluster = cluster
        self._extractions = extractions
        self._closed = False

    def __next__(self) -> Extraction:
        try:
            return next(self._extractions)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._extractions.close()
            self._cluster.close()

    def __del__(self) -> None:
        self.close()


# --- worker processes of this machine -----------------------------------------------------


class _LocalPool:
    """``size`` worker processes, started as batches arrive, each fed by a thread of the caller.

    A thread per worker sends it one batch and waits for the answer or the end of the
    process, so the caller always knows which batch a dead worker held.
    """

    def __init__(self, size: int, setup: bytes) -> None:
        self.window = BATCHES_PER_WORKER * size
        self._size = size
        self._setup = setup
        self._tasks: queue.SimpleQueue[tuple[Future, list[Document]] | None] = queue.SimpleQueue()
        self._slots: list[_Slot] = []
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, batch: list[Document]) -> Future:
        future: Future = Future()
        self._tasks.put((future, batch))
        with self._lock:
            if len(self._slots) < self._size:  # workers start as the batches come
                slot = _Slot(self._setup, self._tasks)
                self._slots.append(slot)
                slot.thread.start()
        return future

    def result(self, future: Future) -> list[_Event]:
        return future.result()

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        while True:  # batches not started are dropped
            try:
                item = self._tasks.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[0].cancel()
        for _ in self._slots:
            self._tasks.put(None)
        for slot in self._slots:
            slot.interrupt()
        for slot in self._slots:
            slot.thread.join(STOP_TIMEOUT)
            slot.kill()


class _Slot:
    """One worker process and the caller's thread that feeds it."""

    def __init__(self, setup: bytes, tasks: queue.SimpleQueue) -> None:
        self._setup = setup
        self._tasks = tasks
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self.busy = False
        self.thread = threading.Thread(target=self._serve, name="geokg-worker-feeder", daemon=True)

    def _serve(self) -> None:
        busy = idle = 0.0  # seconds with a batch out, and waiting for one (logged at the end)
        batches = 0
        mark = time.perf_counter()
        while (item := self._tasks.get()) is not None:
            future, batch = item
            if not future.set_running_or_notify_cancel():
                continue
            self.busy = True
            now = time.perf_counter()
            idle, mark = idle + now - mark, now
            try:
                future.set_result(self._call(batch))
            except BaseException as exc:
                future.set_exception(exc)
            finally:
                self.busy = False
                now = time.perf_counter()
                busy, mark = busy + now - mark, now
                batches += 1
        log.debug("worker: %d batches, %.1f s busy, %.1f s waiting for one", batches, busy, idle)
        self._stop()

    def _call(self, batch: list[Document]) -> list[_Event]:
        if self._conn is None:
            self._start()
        assert self._conn is not None
        try:
            self._conn.send_bytes(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
            answer = self._conn.recv_bytes()
        except (EOFError, OSError):
            raise WorkerLost(self._death()) from None
        kind, *rest = pickle.loads(answer)
        if kind == "done":
            return rest[0]
        error, trace = rest  # the worker could not start or failed outside any document
        raise error from _RemoteTraceback(trace)

    def _start(self) -> None:
        context = _worker_context()
        ours, theirs = context.Pipe(duplex=True)
        process = context.Process(
            target=_local_worker, args=(theirs, self._setup), name="geokg-worker", daemon=True
        )
        process.start()
        theirs.close()  # the worker's end: once it dies, reading ours ends
        self._process, self._conn = process, ours

    def _death(self) -> str:
        """What became of a worker that stopped answering; it is forgotten."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            conn.close()
        if process is None:
            return "the worker process was stopped"
        process.join(STOP_TIMEOUT)
        code = process.exitcode
        if code is None:
            process.kill()
            return "the worker process stopped answering"
        if code < 0:
            try:
                how = f"killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"killed by signal {-code}"
        else:
            how = f"exit code {code}"
        return f"the worker process died while extracting it ({how})"

    def _stop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.send_bytes(pickle.dumps(None))
            except OSError:
                pass
            self._conn.close()
        if self._process is not None:
            self._process.join(STOP_TIMEOUT)
            self.kill()

    def interrupt(self) -> None:
        """Stop a worker in the middle of a batch (the caller stops early)."""
        process = self._process
        if self.busy and process is not None and process.is_alive():
            process.terminate()

    def kill(self) -> None:
        process = self._process
        if process is not None and process.is_alive():
            process.kill()
            process.join(STOP_TIMEOUT)


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers forked from a server process that imported the pipeline and loaded the model
    once (``kg.worker_preload``): each starts in milliseconds, not seconds. The server is
    itself a fresh process (it knows nothing of the caller's state) and lives as long as the
    caller, so later runs start at once too (it holds the model's memory that long; it loads
    the project's pipeline even when the caller sends its own). Without fork servers,
    workers are spawned."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kg.worker_preload"])
    return context


def _local_worker(conn: Connection, setup: bytes) -> None:
    """A worker process: load once, then extract the batches it is sent until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to handle
    try:
        worker = _Worker(pickle.loads(setup))
    except BaseException as exc:
        _answer(conn, ("fatal", _picklable(exc), _trace(exc)))
        return
    while True:
        try:
            batch = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return  # the caller is gone
        if batch is None:
            return
        try:
            answer: tuple = ("done", worker.run(batch))
        except Exception as exc:
            answer = ("fatal", _picklable(exc), _trace(exc))
        _answer(conn, answer)


def _answer(conn: Connection, answer: tuple) -> None:
    try:
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        error = RuntimeError(f"a worker's extractions cannot be sent back: {describe(exc)}")
        data = pickle.dumps(("fatal", error, _trace(exc)))
    conn.send_bytes(data)


# --- a Dask cluster -----------------------------------------------------------------------


class _DaskCluster:
    """Batches as tasks of a Dask cluster; the setup is sent to each worker once."""

    def __init__(self, client: Any, own: bool, setup: _Setup) -> None:
        self._client = client
        self._own = own
        # A task's result rather than scattered data: if every worker holding it dies, the
        # scheduler computes it again. A pipeline of the caller's own makes it large (~17 MB),
        # sent once: Dask's warning about large graphs does not apply.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Sending large graph", UserWarning)
            self._setup = client.submit(_identity, setup, pure=False)
        threads = sum(client.nthreads().values())
        self.window = BATCHES_PER_WORKER * max(threads, 1)

    def submit(self, batch: list[Document]) -> Any:
        return self._client.submit(_dask_task, self._setup, batch, pure=False)

    def result(self, handle: Any) -> list[_Event]:
        from distributed import KilledWorker

        try:
            return handle.result()
        except KilledWorker as exc:
            raise WorkerLost(f"the Dask workers running it died ({one_reason(exc)})") from None

    def close(self) -> None:
        try:
            self._setup.release()
        finally:
            if self._own:
                self._client.close()


def one_reason(exc: BaseException) -> str:
    return describe(exc).split(" (at ", 1)[0]


def _dask_cluster(dask: Any, setup: _Setup) -> _DaskCluster:
    """A connection to the scheduler at ``dask``, or the caller's own client."""
    if not isinstance(dask, str):
        if not all(hasattr(dask, name) for name in ("submit", "scatter", "nthreads")):
            raise TypeError(
                "dask: expected a Dask scheduler address (str) or a distributed.Client, "
                f"not {type(dask).__name__}"
            )
        return _DaskCluster(dask, own=False, setup=setup)
    if not dask.strip():
        raise InputError("dask", "an empty Dask scheduler address")
    try:
        from distributed import Client
    except ImportError as exc:
        raise MissingDependencyError("distributed", "extraction on a Dask cluster") from exc
    try:
        client = Client(dask, timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
    except Exception as exc:
        reason = one_reason(exc)
    else:
        try:
            return _DaskCluster(client, own=True, setup=setup)
        except BaseException:
            client.close()
            raise
    # The half-made client sits in reference cycles with the exception's frames: collected
    # now, it closes while its event loop runs (at exit it would wait 20 s for a loop gone).
    gc.collect()
    raise InputError(dask, f"no Dask scheduler answers at this address ({reason})")


def _identity(value: Any) -> Any:
    return value


_dask_workers: dict[str, _Worker] = {}
_dask_lock = threading.Lock()


def _dask_task(setup: _Setup, batch: list[Document]) -> list[_Event]:
    """A batch extracted in a Dask worker, which loads the pipeline on its first batch of a run.

    One batch at a time per process: a worker with several threads gains nothing on spaCy,
    whose pipeline is not meant to be shared between threads. The pipeline stays loaded for
    the run's next batches (a later run's replaces it), and the worker's maths libraries stay
    at one thread.
    """
    with _dask_lock:
        worker = _dask_workers.get(setup.token)
        if worker is None:
            _dask_workers.clear()  # an earlier run's pipeline
            worker = _dask_workers[setup.token] = _Worker(setup)
        return worker.run(batch)
