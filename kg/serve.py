"""``kg serve``: a SPARQL 1.1 Protocol endpoint over a graph store, and a page to query it.

The HTTP side is a WSGI application (Werkzeug parses requests and the ``Accept`` header)
served by Waitress; queries run in a pool of processes that hold the store open read-only
(:mod:`kg.serve_worker`). Before a query reaches them it is checked: an update is refused
unless ``allow_update``, a ``SERVICE`` clause always (the server reaches no other host); a
query that runs past ``timeout`` has its process killed and replaced; results keep at most
``max_rows`` rows (the response then carries ``Geokg-Truncated: true``).

Builds may add documents to the store while it is served: the query processes step aside
while a build writes a batch and open the store again after it (:mod:`kg.rdf.store`).
"""

from __future__ import annotations

import ipaddress
import logging
import multiprocessing
import queue
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from kg import serve_worker
from kg.errors import GeokgError
from kg.serve_worker import (
    DEFAULT_MAX_ROWS,
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
    GRAPH_FORMATS,
    RESULT_FORMATS,
    Answer,
)
from kg.sparql import QueryError, check_query, competency_names, load_query
from kg.sparql_guard import is_update, service_endpoints

PAGE = Path(__file__).resolve().parent / "data" / "serve_page.html"
DEFAULT_PROCESSES = 2
STARTUP_TIMEOUT = 120.0  # seconds a query process may take to start
TEXT = "text/plain; charset=utf-8"


class ServeError(GeokgError):
    """A server that cannot be started as asked."""


@dataclass
class Limits:
    timeout: float | None
    max_rows: int | None
    allow_update: bool


class _Worker:
    def __init__(self, path: Path, writes: bool) -> None:
        context = multiprocessing.get_context("spawn")  # a fork would copy the server's threads
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=serve_worker.main,
            args=(child, str(path), writes),
            name="kg-serve-update" if writes else "kg-serve-query",
            daemon=True,
        )
        self.process.start()
        child.close()
        # Ready once it has imported what it needs and opened the store: a query's time
        # limit must not count the start of its process.
        if not self.connection.poll(STARTUP_TIMEOUT) or self.connection.recv() != "ready":
            self.stop()
            raise ServeError(f"{path}: the query process did not start")

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.connection.close()


class QueryPool:
    """Processes answering queries, one query each at a time; one past its time is killed."""

    def __init__(self, path: Path, size: int, *, writes: bool = False) -> None:
        self.path, self.writes = path, writes
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        for _ in range(size):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        worker = _Worker(self.path, self.writes)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> _Worker:
        worker.stop()
        with self._lock:
            self._all.discard(worker)
        return self._start()

    def run(self, request: serve_worker.Request, timeout: float | None) -> Answer:
        worker = self._idle.get()
        try:
            worker.connection.send(request)
            if not worker.connection.poll(timeout):
                worker = self._replace(worker)
                what = "update" if self.writes else "query"
                return Answer(503, TEXT, f"{what} timed out after {timeout:g} s\n".encode())
            try:
                return worker.connection.recv()
            except EOFError:
                worker = self._replace(worker)
                return Answer(500, TEXT, b"the query process ended without an answer\n")
        finally:
            self._idle.put(worker)

    def close(self) -> None:
        with self._lock:
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.stop()


class Endpoint:
    """The WSGI application: ``/`` the query page, ``/sparql`` the SPARQL endpoint."""

    def __init__(
        self, path: Path, limits: Limits, pool: QueryPool, updates: QueryPool | None
    ) -> None:
        self.path, self.limits, self.pool, self.updates = path, limits, pool, updates
        examples = {name: load_query(name) for name in competency_names()}
        import json

        page = PAGE.read_text(encoding="utf-8")
        embedded = json.dumps(examples).replace("</", "<\\/")  # no "</script>" inside
        self.page = page.replace("/*EXAMPLES*/{}", embedded).encode("utf-8")

    def __call__(self, environ: dict, start_response: Callable) -> object:
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except HTTPException as exc:
            response = exc.get_response()
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        if request.path in ("/", "/index.html"):
            return Response(self.page, content_type="text/html; charset=utf-8")
        if request.path == "/view":
            return self.view(request)
        if request.path not in ("/sparql", "/query", "/update"):
            return Response("not found: the endpoint is /sparql\n", 404, content_type=TEXT)
        if request.method == "GET":
            query, update = request.args.get("query"), None
            if "update" in request.args:
                return _text(405, "an update must be sent with POST")
        elif request.method == "POST":
            query, update = self._posted(request)
        else:
            return _text(405, "use GET or POST")
        if (query is None) == (update is None):
            return _text(400, "give one 'query' or one 'update'")
        if update is not None:
            return self.update(update)
        return self.query(request, query)

    def _posted(self, request: Request) -> tuple[str | None, str | None]:
        kind = request.mimetype
        if kind == "application/sparql-query":
            return request.get_data(as_text=True), None
        if kind == "application/sparql-update":
            return None, request.get_data(as_text=True)
        return request.form.get("query"), request.form.get("update")

    def query(self, request: Request, sparql: str) -> Response:
        try:
            if is_update(sparql):
                return _text(400, "this is an update: send it as 'update' (POST)")
            check_query(sparql, name="query")
        except QueryError as exc:
            return _text(403 if "SERVICE" in str(exc) else 400, str(exc))
        source = request.args if request.method == "GET" else request.form
        job = serve_worker.Request(
            sparql=sparql,
            default_graphs=source.getlist("default-graph-uri"),
            named_graphs=source.getlist("named-graph-uri"),
            results_type=request.accept_mimetypes.best_match(
                list(RESULT_FORMATS), default="application/sparql-results+json"
            ),
            graph_type=request.accept_mimetypes.best_match(
                list(GRAPH_FORMATS), default="text/turtle"
            ),
            max_rows=self.limits.max_rows,
        )
        answer = self.pool.run(job, self.limits.timeout)
        response = Response(answer.body, answer.status, content_type=answer.content_type)
        if answer.truncated:
            response.headers["Geokg-Truncated"] = "true"
        response.vary.add("Accept")
        return response

    def view(self, request: Request) -> Response:
        """``/view?query=CONSTRUCT ...``: the interactive page of the graph a CONSTRUCT or
        DESCRIBE query gives (the same page as ``kg draw -o graph.html``)."""
        source = request.args if request.method == "GET" else request.form
        sparql = source.get("query")
        if not sparql:
            return _text(400, "give a CONSTRUCT or DESCRIBE 'query'")
        try:
            if is_update(sparql):
                return _text(400, "this is an update, not a CONSTRUCT or DESCRIBE query")
            check_query(sparql, name="query")
        except QueryError as exc:
            return _text(403 if "SERVICE" in str(exc) else 400, str(exc))
        job = serve_worker.Request(
            sparql=sparql,
            default_graphs=[],
            named_graphs=[],
            results_type="application/sparql-results+json",
            graph_type="application/n-triples",
            max_rows=self.limits.max_rows,
        )
        answer = self.pool.run(job, self.limits.timeout)
        if answer.status != 200:
            return Response(answer.body, answer.status, content_type=answer.content_type)
        if not answer.content_type.startswith("application/n-triples"):
            return _text(400, "only a CONSTRUCT or DESCRIBE query gives a graph to view")
        from kg.explore.page import page_html

        graph = ox.Store()
        graph.load(answer.body, format=ox.RdfFormat.N_TRIPLES)
        page = page_html(graph, title=source.get("title") or "geokg: query result")
        return Response(page, content_type="text/html; charset=utf-8")

    def update(self, sparql: str) -> Response:
        if self.updates is None:
            return _text(403, "updates are refused: the server is read-only (--allow-update)")
        endpoints = service_endpoints(sparql)
        if endpoints:
            return _text(403, f"SERVICE {endpoints[0]} refused: the server reaches no other host")
        job = serve_worker.Request(sparql, [], [], "", "", None)
        answer = self.updates.run(job, self.limits.timeout)
        return Response(answer.body, answer.status, content_type=answer.content_type)


def _text(status: int, message: str) -> Response:
    return Response(message.rstrip("\n") + "\n", status, content_type=TEXT)


def serve(
    path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    allow_update: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    processes: int = DEFAULT_PROCESSES,
    threads: int = 16,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the store at ``path`` until interrupted (SIGINT or SIGTERM)."""
    from waitress.server import create_server

    from kg.rdf.store import StoreReader

    path = Path(path)
    StoreReader(path).close()  # a missing or foreign store is one error line, now
    # Waitress warns of every burst of queued requests; under load that is all it would say.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    limits = Limits(timeout or None, max_rows or None, allow_update)
    pool = QueryPool(path, processes)
    updates = QueryPool(path, 1, writes=True) if allow_update else None
    try:
        app = Endpoint(path, limits, pool, updates)
        server = create_server(app, host=host, port=port, threads=threads, ident="geokg")
        bound_host, bound_port = server.socket.getsockname()[:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        url = f"http://{shown}:{bound_port}/"
        if on_ready is not None:
            on_ready(url)
        previous = signal.signal(signal.SIGTERM, _stop)
        try:
            server.run()
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            server.close()
    finally:
        pool.close()
        if updates is not None:
            updates.close()


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main_message(url: str) -> None:
    print(f"kg serve: {url} (SPARQL endpoint {url}sparql); Ctrl-C to stop", file=sys.stderr)
