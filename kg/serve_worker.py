"""The query processes of ``kg serve``: each holds the store open read-only and answers
queries sent to it over a pipe, results serialised by Oxigraph.

A process, not a thread, runs each query so that the server can stop a query at its time
limit (Oxigraph cannot interrupt one) by killing the process, and start another.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass
from multiprocessing.connection import Connection

import pyoxigraph as ox

from kg.rdf.namespaces import PREFIXES

DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 60.0  # seconds
DEFAULT_MAX_ROWS = 10_000

RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


@dataclass
class Request:
    """A query as the server hands it over: text, dataset and the formats the client takes."""

    sparql: str
    default_graphs: list[str]
    named_graphs: list[str]
    results_type: str  # a key of RESULT_FORMATS
    graph_type: str  # a key of GRAPH_FORMATS
    max_rows: int | None


@dataclass
class Answer:
    """A serialised result, or an error: ``status`` 200, 400 (the query's fault) or 500."""

    status: int
    content_type: str
    body: bytes
    truncated: bool = False


def answer(store: ox.Store, request: Request) -> Answer:
    """Run one query and serialise its result, keeping at most ``max_rows`` rows or triples."""
    options: dict = {}
    if request.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
    else:
        options["use_default_graph_as_union"] = True
    if request.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    try:
        result = store.query(request.sparql, **options)
        if isinstance(result, ox.QueryBoolean):
            fmt = RESULT_FORMATS[request.results_type]
            return Answer(200, request.results_type, result.serialize(format=fmt))
        if isinstance(result, ox.QueryTriples):
            return _graph(result, request)
        return _solutions(result, request)
    except SyntaxError as exc:
        return Answer(400, "text/plain; charset=utf-8", _message("malformed query", exc))
    except (OSError, RuntimeError, ValueError) as exc:
        return Answer(500, "text/plain; charset=utf-8", _message("query failed", exc))


def _solutions(solutions: ox.QuerySolutions, request: Request) -> Answer:
    """The first ``max_rows`` solutions, written as TSV (terms in N-Triples syntax) and read
    back, so that Oxigraph's own serialisers write every format."""
    names = [v.value for v in solutions.variables]
    lines = ["\t".join(f"?{n}" for n in names)]
    truncated = False
    for i, solution in enumerate(solutions):
        if request.max_rows is not None and i == request.max_rows:
            truncated = True
            break
        lines.append("\t".join("" if t is None else str(t) for t in solution))
    tsv = ("\n".join(lines) + "\n").encode("utf-8")
    fmt = RESULT_FORMATS[request.results_type]
    if fmt == ox.QueryResultsFormat.TSV:
        return Answer(200, request.results_type, tsv, truncated)
    capped = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    return Answer(200, request.results_type, capped.serialize(format=fmt), truncated)


def _graph(triples: ox.QueryTriples, request: Request) -> Answer:
    kept: dict[ox.Triple, None] = {}  # the union graph may repeat a triple
    truncated = False
    for triple in triples:
        if triple in kept:
            continue
        if request.max_rows is not None and len(kept) == request.max_rows:
            truncated = True
            break
        kept[triple] = None
    fmt = GRAPH_FORMATS[request.graph_type]
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()} if fmt == ox.RdfFormat.TURTLE else None
    body = ox.serialize(list(kept), format=fmt, prefixes=prefixes) or b""
    return Answer(200, request.graph_type, body, truncated)


def _message(what: str, exc: BaseException) -> bytes:
    return f"{what}: {' '.join(str(exc).split())}\n".encode()


def main(connection: Connection, path: str, writes: bool = False) -> None:
    """A query process: answer requests from ``connection`` until it closes. With ``writes``,
    the process runs updates instead, each in a writer's turn on the store."""
    from kg.rdf.store import StoreReader

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    if writes:
        _updates(connection, path)
        return
    reader = StoreReader(path)
    connection.send("ready")
    try:
        while True:
            try:
                request = connection.recv()
            except EOFError:
                return
            with reader.use() as store:
                connection.send(answer(store, request))
    finally:
        reader.close()


def _updates(connection: Connection, path: str) -> None:
    from pathlib import Path

    from kg.rdf.store import in_write_turn

    connection.send("ready")
    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        try:
            in_write_turn(Path(path), lambda store, text=request.sparql: store.update(text))
            reply = Answer(204, "text/plain; charset=utf-8", b"")
        except SyntaxError as exc:
            reply = Answer(400, "text/plain; charset=utf-8", _message("malformed update", exc))
        except Exception as exc:  # the update is not applied: the client is told why
            reply = Answer(500, "text/plain; charset=utf-8", _message("update failed", exc))
        connection.send(reply)
