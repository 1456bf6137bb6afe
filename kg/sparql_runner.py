"""Evaluate a SPARQL query on pyoxigraph, with a row cap and, if asked, a deadline.

pyoxigraph (0.5) has no way to interrupt a query: its evaluation runs in Rust with the GIL
released and never returns to Python until it yields a solution, and an aggregate or an
``ASK`` over a cross join yields nothing for hours. A deadline is therefore kept by running
the query in a child process and killing it when time is up. On POSIX systems other than
macOS the child is forked, so it shares the parent's in-memory store for free; elsewhere it
is spawned and the store is handed over as N-Quads.

Errors of the query come back to the caller as the exceptions pyoxigraph raises in-process
(``SyntaxError``, ``OSError``, ``RuntimeError``, ``ValueError``); a deadline passed raises
``TimeoutError``; a child that dies without answering (killed for lack of memory, say)
raises ``ChildProcessError``.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import sys
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
_INT_TYPES = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
        "gYear",
    )
}
_FLOAT_TYPES = {XSD + "decimal", XSD + "double", XSD + "float"}
# Exceptions a query raises, rebuilt by name in the parent; anything else is a RuntimeError.
_QUERY_EXCEPTIONS = {e.__name__: e for e in (SyntaxError, OSError, RuntimeError, ValueError)}
Value = str | int | float | bool | None


@dataclass
class QueryResult:
    """Answer of a query.

    ``kind`` is "select", "ask" or "graph" (CONSTRUCT/DESCRIBE). ASK gives one
    column "result"; a graph gives columns subject/predicate/object and keeps
    its N-Triples text in ``ntriples``. ``truncated`` says that the query had more
    rows than the cap it ran with, and only the first ones were kept.
    """

    columns: list[str]
    rows: list[tuple[Value, ...]]
    kind: str = "select"
    ntriples: str = field(default="", repr=False)
    truncated: bool = False


def evaluate(store: ox.Store, sparql: str, max_rows: int | None = None) -> QueryResult:
    """Run a query over the union of the store's graphs, keeping at most ``max_rows`` rows."""
    answer = store.query(sparql, use_default_graph_as_union=True)
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(["result"], [(bool(answer),)], kind="ask")
    if isinstance(answer, ox.QueryTriples):
        triples: dict[ox.Triple, None] = {}  # the union graph may repeat a triple
        truncated = False
        for triple in answer:
            if triple in triples:
                continue
            if max_rows and len(triples) == max_rows:
                truncated = True
                break
            triples[triple] = None
        rows = [
            (to_python(t.subject), to_python(t.predicate), to_python(t.object)) for t in triples
        ]
        text = "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)
        columns = ["subject", "predicate", "object"]
        return QueryResult(columns, rows, kind="graph", ntriples=text, truncated=truncated)
    columns = [v.value for v in answer.variables]
    rows: list[tuple[Value, ...]] = []
    truncated = False
    for solution in answer:
        if max_rows and len(rows) == max_rows:
            truncated = True  # one solution past the cap was computed, no more
            break
        rows.append(tuple(to_python(solution[i]) for i in range(len(columns))))
    return QueryResult(columns, rows, truncated=truncated)


def evaluate_with_deadline(
    store: ox.Store, sparql: str, max_rows: int | None, timeout: float
) -> QueryResult:
    """:func:`evaluate` in a child process that is killed after ``timeout`` seconds."""
    context, payload = _start_method(store)
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(sender, payload, sparql, max_rows), name="kg-query", daemon=True
    )
    child.start()
    sender.close()  # the child holds its own end: EOF here means the child has gone
    message = None
    try:
        if not receiver.poll(timeout):
            raise TimeoutError(f"timed out after {timeout:g} s")
        try:
            message = receiver.recv()
        except EOFError:
            pass
    finally:
        if child.is_alive():
            child.kill()
        if message is None:
            child.join()
        # else the child is ending on its own: waiting for the system to reclaim its memory
        # would only slow the answer down, and multiprocessing reaps it later.
        receiver.close()
    if message is None:
        raise ChildProcessError(f"the query process ended without an answer ({_how(child)})")
    if message[0] == "ok":
        return message[1]
    _, name, text = message
    raise _QUERY_EXCEPTIONS.get(name, RuntimeError)(text)


class QueryProcess:
    """A process of its own that holds a store open read-only and answers queries one at a
    time, for a graph queried many times: a query costs a message each way, not a fork. A
    query past its deadline is stopped by killing the process, started again on next use."""

    STARTUP = 120.0  # seconds the process may take to start

    def __init__(self, path: str) -> None:
        self.path = path
        self._child: multiprocessing.process.BaseProcess | None = None
        self._connection: Connection | None = None

    def _start(self) -> Connection:
        if self._child is not None and self._child.is_alive() and self._connection is not None:
            return self._connection
        self.close()
        context = multiprocessing.get_context("spawn")
        self._connection, child_end = context.Pipe()
        self._child = context.Process(
            target=_serve_queries, args=(child_end, self.path), name="kg-query", daemon=True
        )
        self._child.start()
        child_end.close()
        if not self._connection.poll(self.STARTUP):
            self.close()
            raise ChildProcessError("the query process did not start")
        message = self._connection.recv()
        if message[0] != "ready":
            self.close()
            _, name, text = message
            raise _QUERY_EXCEPTIONS.get(name, RuntimeError)(text)
        return self._connection

    def run(self, sparql: str, max_rows: int | None, timeout: float | None) -> QueryResult:
        connection = self._start()
        connection.send((sparql, max_rows))
        if not connection.poll(timeout):
            self.close()
            raise TimeoutError(f"timed out after {timeout:g} s")
        try:
            message = connection.recv()
        except EOFError:
            how = _how(self._child) if self._child is not None else "gone"
            self.close()
            raise ChildProcessError(f"the query process ended without an answer ({how})") from None
        if message[0] == "ok":
            return message[1]
        _, name, text = message
        raise _QUERY_EXCEPTIONS.get(name, RuntimeError)(text)

    def close(self) -> None:
        if self._child is not None:
            if self._child.is_alive():
                self._child.kill()
            self._child.join()
            self._child = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _serve_queries(connection: Connection, path: str) -> None:
    from kg.rdf.store import StoreReader

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        reader = StoreReader(path)
    except Exception as exc:
        connection.send(("error", type(exc).__name__, str(exc)))
        return
    connection.send(("ready",))
    try:
        while True:
            try:
                sparql, max_rows = connection.recv()
            except EOFError:
                return
            try:
                with reader.use() as store:
                    message: tuple = ("ok", evaluate(store, sparql, max_rows))
            except Exception as exc:  # sent to the parent, which raises it
                message = ("error", type(exc).__name__, str(exc))
            connection.send(message)
    finally:
        reader.close()


def _start_method(store: ox.Store) -> tuple[multiprocessing.context.BaseContext, object]:
    """The multiprocessing context, and what the child needs to find the store."""
    if START_METHOD == "fork":
        return multiprocessing.get_context("fork"), store
    return multiprocessing.get_context("spawn"), store.dump(format=ox.RdfFormat.N_QUADS)


# fork is unavailable on Windows and unsafe on macOS once system frameworks are loaded.
START_METHOD = (
    "fork"
    if "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"
    else "spawn"
)


def _child(sender: Connection, payload: object, sparql: str, max_rows: int | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # A forked child shares the parent's memory until it writes to it; a garbage collection
    # would write to every object the parent holds. This short-lived process needs none.
    gc.disable()
    try:
        if isinstance(payload, ox.Store):
            store = payload
        else:
            store = ox.Store()
            store.bulk_load(payload, format=ox.RdfFormat.N_QUADS)
        message: tuple = ("ok", evaluate(store, sparql, max_rows))
    except Exception as exc:  # sent to the parent, which raises it
        message = ("error", type(exc).__name__, str(exc))
    sender.send(message)
    sender.close()


def _how(child: multiprocessing.process.BaseProcess) -> str:
    code = child.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = ", perhaps out of memory" if -code == signal.SIGKILL else ""
        return f"killed by {name}{hint}"
    return f"exit code {code}"


def to_python(term: object) -> Value:
    """A query term as a plain Python value (IRIs and strings as str)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in _INT_TYPES:
                return int(term.value)
            if datatype in _FLOAT_TYPES:
                return float(term.value)
            if datatype == XSD + "boolean":
                return term.value in ("true", "1")
        except ValueError:
            pass
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):  # RDF-star quoted triple
        return f"<< {term.subject} {term.predicate} {term.object} >>"
    return term.value  # NamedNode
