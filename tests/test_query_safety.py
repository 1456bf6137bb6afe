"""Queries are safe by default: no network without --allow-service, a time limit, a row cap,
and no control character or terminal escape sequence printed raw."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg import sparql_runner
from kg.cli import main
from kg.sparql import (
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT,
    QueryError,
    QueryTimeout,
    ServiceNotAllowed,
    format_result,
    run_query,
)

FIXTURE = Path(__file__).parent / "fixtures" / "graphs" / "small.trig"
EX = "http://example.org/"
ANSWER = {
    "head": {"vars": ["x"]},
    "results": {"bindings": [{"x": {"type": "literal", "value": "from the endpoint"}}]},
}


class Endpoint:
    """A SPARQL endpoint on 127.0.0.1 that counts the requests it gets; ``hang`` makes it
    accept requests and never answer."""

    def __init__(self, hang: bool = False) -> None:
        self.requests: list[tuple[str, str]] = []
        self.release = threading.Event()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                endpoint.requests.append((self.command, self.path))
                if hang:
                    endpoint.release.wait(60)
                    return
                body = json.dumps(ANSWER).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Endpoint:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    with Endpoint() as server:
        yield server


@pytest.fixture
def small_store() -> ox.Store:
    store = ox.Store()
    store.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    return store


def chain_store(n: int) -> ox.Store:
    """``n`` subjects, each linked to the next by ex:next and carrying a number."""
    store = ox.Store()
    quads = []
    for i in range(n):
        s = ox.NamedNode(f"{EX}s{i}")
        quads.append(ox.Quad(s, ox.NamedNode(EX + "next"), ox.NamedNode(f"{EX}s{i + 1}")))
        quads.append(ox.Quad(s, ox.NamedNode(EX + "n"), ox.Literal(i)))
    store.bulk_extend(quads)
    return store


def kg_query(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``kg query ARGS`` in a process of its own; a hang fails the test instead of blocking it."""
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", "query", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, list[str]]:
    code = main(["query", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err.splitlines()


# --- SERVICE ------------------------------------------------------------------------


SERVICE_QUERIES = {
    "plain": "SELECT ?x WHERE { SERVICE <URL> { ?x ?p ?o } }",
    "lower case": "select ?x where { service <URL> { ?x ?p ?o } }",
    "mixed case": "SELECT ?x WHERE { SeRvIcE <URL> { ?x ?p ?o } }",
    "silent": "SELECT ?x WHERE { SERVICE SILENT <URL> { ?x ?p ?o } }",
    "variable endpoint": "SELECT ?x WHERE { VALUES ?ep { <URL> } SERVICE ?ep { ?x ?p ?o } }",
    "prefixed endpoint": "PREFIX remote: <URL#>\nSELECT ?x WHERE { SERVICE remote:q { ?x ?p ?o } }",
    "in OPTIONAL": "SELECT ?x WHERE { ?x ?p ?o OPTIONAL { ?x ?q ?r SERVICE <URL> { ?r ?s ?t } } }",
    "in UNION": "SELECT ?x WHERE { { ?x ?p ?o } UNION { SERVICE <URL> { ?x ?p ?o } } }",
    "in GRAPH": "SELECT ?x WHERE { GRAPH ?g { SERVICE <URL> { ?x ?p ?o } } }",
    "in FILTER EXISTS": "SELECT ?x WHERE { ?x ?p ?o FILTER EXISTS { SERVICE <URL> { ?x ?q ?r } } }",
    "in MINUS": "SELECT ?x WHERE { ?x ?p ?o MINUS { SERVICE <URL> { ?x ?p ?o } } }",
    "nested": "SELECT ?x WHERE { SERVICE <URL> { SERVICE <URL> { ?x ?p ?o } } }",
    "subquery": "SELECT ?x WHERE { { SELECT ?x WHERE { SERVICE <URL> { ?x ?p ?o } } LIMIT 1 } }",
    "no spaces": "SELECT ?x WHERE{?a ?b ?c.SERVICE<URL>{?x ?p ?o}}",
    "ASK": "ASK { SERVICE <URL> { ?x ?p ?o } }",
    "CONSTRUCT": "CONSTRUCT { ?x ?p ?o } WHERE { SERVICE <URL> { ?x ?p ?o } }",
    "after a comment": "# a query\nSELECT ?x WHERE { # SERVICE\n SERVICE <URL> { ?x ?p ?o } }",
    # Beyond SPARQL 1.1 (rdflib cannot parse these, oxigraph runs them): scanned token by token.
    "in LATERAL": "SELECT ?x WHERE { ?x ?p ?o LATERAL { SERVICE <URL> { ?x ?q ?r } } }",
    "with a triple term": "SELECT ?x WHERE { SERVICE <URL> { ?x ?p <<( ?a ?b ?c )>> } }",
}


@pytest.mark.parametrize("query", SERVICE_QUERIES.values(), ids=SERVICE_QUERIES.keys())
def test_service_is_refused_and_sends_nothing(endpoint, small_store, query):
    sparql = query.replace("URL", endpoint.url)
    with pytest.raises(ServiceNotAllowed) as err:
        run_query(small_store, sparql)
    message = str(err.value)
    assert "\n" not in message
    assert "SERVICE " in message and "refused" in message and "--allow-service" in message
    assert endpoint.requests == []


def test_the_refusal_names_the_endpoint(endpoint, small_store):
    sparql = f"SELECT ?x WHERE {{ SERVICE <{endpoint.url}> {{ ?x ?p ?o }} }}"
    with pytest.raises(
        ServiceNotAllowed, match=rf"^'SELECT \?x WHERE .*': SERVICE <{endpoint.url}>"
    ):
        run_query(small_store, sparql)
    variable = "SELECT ?x WHERE { SERVICE ?where { ?x ?p ?o } }"
    with pytest.raises(ServiceNotAllowed, match=r"SERVICE \?where refused"):
        run_query(small_store, variable)


@pytest.mark.parametrize(
    "query, rows",
    [
        # In comments, strings, IRIs, prefixed names and variable names the word is no clause.
        (
            "# SERVICE <URL> { ?x ?p ?o }\nPREFIX service: <http://example.org/service/>\n"
            "SELECT ?service ?text WHERE {\n"
            "  VALUES (?service ?text) { (service:SERVICE 'SERVICE <URL> { }') }\n"
            "}",
            [("http://example.org/service/SERVICE", "SERVICE <URL> { }")],
        ),
        (
            'SELECT (STR(<http://example.org/SERVICE>) AS ?s) ("""\nSERVICE <URL> {}\n""" AS ?t)'
            " WHERE {}",
            [("http://example.org/SERVICE", "\nSERVICE <URL> {}\n")],
        ),
        # Beyond SPARQL 1.1, through the token scan.
        (
            "SELECT ?service WHERE { VALUES ?service { 'service' } LATERAL { # SERVICE <URL>\n"
            " BIND('SERVICE <URL> {}' AS ?x) } }",
            [("service",)],
        ),
    ],
    ids=["comment, string, prefix, variable", "IRI and long string", "LATERAL"],
)
def test_the_word_service_elsewhere_is_not_refused(endpoint, small_store, query, rows):
    result = run_query(small_store, query.replace("URL", endpoint.url))
    assert result.rows == [tuple(v.replace("URL", endpoint.url) for v in row) for row in rows]
    assert endpoint.requests == []


def test_from_and_describe_fetch_nothing(endpoint):
    # FROM, FROM NAMED and DESCRIBE name graphs and resources of the store: none is fetched.
    sparql = (
        f"SELECT * FROM <{endpoint.url}> FROM NAMED <{endpoint.url}/g> "
        "WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    )
    assert run_query(ox.Store(), sparql).rows == []
    assert run_query(ox.Store(), f"DESCRIBE <{endpoint.url}>").rows == []
    assert endpoint.requests == []


def test_a_malformed_query_naming_service_gets_its_syntax_error(small_store):
    with pytest.raises(QueryError, match=r"^malformed SPARQL query .*: error at 1:\d+"):
        run_query(small_store, "SELECT ?service WHERE { ?service ?p")


def test_allowed_service_reaches_the_endpoint(endpoint, small_store):
    sparql = f"SELECT ?x WHERE {{ SERVICE <{endpoint.url}> {{ ?x ?p ?o }} }}"
    result = run_query(small_store, sparql, allow_service=True, timeout=30)
    assert result.rows == [("from the endpoint",)]
    assert endpoint.requests == [("POST", "/sparql")]


def test_an_endpoint_that_never_answers_times_out(small_store):
    with Endpoint(hang=True) as server:
        sparql = f"SELECT ?x WHERE {{ SERVICE <{server.url}> {{ ?x ?p ?o }} }}"
        with pytest.raises(QueryTimeout, match=r": timed out after 1 s$"):
            run_query(small_store, sparql, allow_service=True, timeout=1)
        assert server.requests == [("POST", "/sparql")]


def test_kg_query_refuses_service_in_one_line(capsys, endpoint):
    sparql = f"SELECT ?x WHERE {{ service silent <{endpoint.url}> {{ ?x ?p ?o }} }}"
    code, out, err = cli(capsys, FIXTURE, sparql)
    assert (code, out) == (1, "")
    assert len(err) == 1 and err[0].startswith("kg query: ")
    assert f"SERVICE <{endpoint.url}> refused" in err[0] and "--allow-service" in err[0]
    assert endpoint.requests == []


def test_kg_query_allow_service_reaches_the_endpoint(endpoint):
    sparql = f"SELECT ?x WHERE {{ SERVICE <{endpoint.url}> {{ ?x ?p ?o }} }}"
    done = kg_query(str(FIXTURE), sparql, "--allow-service", "--timeout", "30", "--format", "csv")
    assert (done.returncode, done.stdout, done.stderr) == (0, "x\nfrom the endpoint\n", "")
    assert endpoint.requests == [("POST", "/sparql")]


def test_allowed_service_with_an_unbound_endpoint_is_one_error(small_store):
    sparql = "SELECT ?x WHERE { SERVICE ?nowhere { ?x ?p ?o } }"
    for timeout in (None, 30):
        with pytest.raises(QueryError, match=r"^query 'SELECT .*' failed: .*unbound"):
            run_query(small_store, sparql, allow_service=True, timeout=timeout)


# --- time limit ---------------------------------------------------------------------

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
PATHS = (
    "PREFIX ex: <http://example.org/>\n"
    "SELECT (COUNT(*) AS ?n) WHERE { ?x (ex:next|^ex:next)* ?y . ?y (ex:next|^ex:next)* ?z }"
)


@pytest.mark.parametrize("query", [CROSS_JOIN, PATHS], ids=["cross join", "property paths"])
def test_a_query_that_would_run_for_ever_times_out(query):
    store = chain_store(400)
    with pytest.raises(QueryTimeout) as err:
        run_query(store, query, timeout=1)
    first = next(line for line in query.splitlines() if not line.startswith("PREFIX"))
    assert str(err.value) == f"{first[:57] + '...'!r}: timed out after 1 s"
    assert multiprocessing.active_children() == []  # the query's process is gone


def test_a_graph_query_takes_the_same_limits():
    graph = kg.load(FIXTURE)
    with pytest.raises(QueryTimeout, match=r": timed out after 1 s$"):
        graph.query(CROSS_JOIN, timeout=1)
    with pytest.warns(RuntimeWarning, match="only the first 2 rows were kept"):
        capped = graph.query("SELECT ?s WHERE { ?s ?p ?o }", max_rows=2, timeout=None)
    assert len(capped.rows) == 2 and capped.truncated
    with pytest.raises(ServiceNotAllowed):
        graph.query("ASK { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")


def test_the_timeout_message_keeps_fractions(small_store):
    store = chain_store(400)
    with pytest.raises(QueryTimeout, match=r"^'SELECT \(COUNT\(\*\).*': timed out after 0\.5 s$"):
        run_query(store, CROSS_JOIN, timeout=0.5)


def test_kg_query_times_out_with_one_line(tmp_path):
    graph = tmp_path / "chain.nq"
    chain_store(400).dump(str(graph), format=ox.RdfFormat.N_QUADS)
    done = kg_query(str(graph), CROSS_JOIN, "--timeout", "2")
    assert (done.returncode, done.stdout) == (1, "")
    label = repr(CROSS_JOIN[:57] + "...")
    assert done.stderr == f"kg query: {label}: timed out after 2 s\n"


def test_answers_are_the_same_with_and_without_a_time_limit(small_store):
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    limited = run_query(small_store, query, timeout=30)
    unlimited = run_query(small_store, query, timeout=None)
    assert limited == unlimited and len(limited.rows) > 100
    assert run_query(small_store, query, timeout=0) == unlimited  # 0: no limit


def test_default_limits():
    assert 60 <= DEFAULT_TIMEOUT <= 600 and DEFAULT_MAX_ROWS == 100_000


@pytest.mark.parametrize(
    "options, error",
    [
        ({"timeout": -1}, QueryError),
        ({"timeout": float("nan")}, QueryError),
        ({"timeout": "10"}, TypeError),
        ({"max_rows": -5}, QueryError),
        ({"max_rows": 2.5}, TypeError),
        ({"max_rows": True}, TypeError),
    ],
)
def test_wrong_limits_are_refused(small_store, options, error):
    with pytest.raises(error, match="timeout|max_rows|row cap"):
        run_query(small_store, "ASK {}", **options)


def test_a_query_process_that_dies_is_one_error(monkeypatch, small_store):
    if sparql_runner.START_METHOD != "fork":
        pytest.skip("the child process shares this process's patched code only when forked")

    def die(*args: object) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(sparql_runner, "evaluate", die)
    with pytest.raises(QueryError, match=r"failed: the query process ended without an answer "):
        run_query(small_store, "ASK {}", timeout=30)


def test_a_spawned_query_process_gives_the_same_answer(monkeypatch, small_store):
    query = "SELECT ?s ?o WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o } ORDER BY ?s"
    forked = run_query(small_store, query, timeout=60)
    monkeypatch.setattr(sparql_runner, "START_METHOD", "spawn")
    assert run_query(small_store, query, timeout=60) == forked
    assert len(forked.rows) > 10


# --- row cap ------------------------------------------------------------------------


def test_rows_beyond_the_cap_are_cut():
    store = chain_store(50)
    query = "SELECT ?n WHERE { ?s <http://example.org/n> ?n } ORDER BY ?n"
    with pytest.warns(RuntimeWarning, match=r"^'SELECT \?n .*': only the first 10 rows were kept"):
        capped = run_query(store, query, max_rows=10)
    assert capped.rows == [(i,) for i in range(10)] and capped.truncated
    exact = run_query(store, query, max_rows=50)
    assert len(exact.rows) == 50 and not exact.truncated
    assert run_query(store, query, max_rows=None).rows == exact.rows


def test_the_cap_holds_on_a_result_too_large_to_hold():
    # 10^12 rows: the query stops once the cap is reached, without computing the rest.
    store = chain_store(500)
    query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.warns(RuntimeWarning):
        result = run_query(store, query, max_rows=5, timeout=60)
    assert len(result.rows) == 5 and result.truncated
    construct = "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with pytest.warns(RuntimeWarning):
        graph = run_query(store, construct, max_rows=7, timeout=60)
    assert len(graph.rows) == 7 and graph.truncated and graph.ntriples.count("\n") == 7


def test_kg_query_cuts_at_max_rows_with_a_note(capsys, tmp_path):
    graph = tmp_path / "chain.nq"
    chain_store(20).dump(str(graph), format=ox.RdfFormat.N_QUADS)
    query = "SELECT ?n WHERE { ?s <http://example.org/n> ?n } ORDER BY ?n"
    code, out, err = cli(capsys, graph, query, "--max-rows", "3", "--format", "csv")
    assert (code, out) == (0, "n\n0\n1\n2\n")
    assert err == [
        "kg query: output cut at 3 rows: the query gives more (--max-rows N to change the cap, "
        "0 for none)"
    ]
    code, out, err = cli(capsys, graph, query, "--limit", "20", "--format", "csv")
    assert (code, len(out.splitlines()), err) == (0, 21, [])


def test_kg_query_caps_at_100000_rows_by_default(capsys, tmp_path):
    graph = tmp_path / "chain.nq"
    chain_store(159).dump(str(graph), format=ox.RdfFormat.N_QUADS)  # 318 triples
    code, out, err = cli(
        capsys, graph, "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f }", "--format", "tsv"
    )
    assert code == 0 and len(out.splitlines()) == 1 + 100_000  # of 318² = 101,124 rows
    assert len(err) == 1 and err[0].startswith("kg query: output cut at 100,000 rows")


# --- control characters ---------------------------------------------------------------

HOSTILE = "Red \x1b[31malert\x07 over\rwrite \x00nul \u202eesrever\u202c \x85\x9b2J\x7f tab\tend"
SHOWN = "Red \\x1b[31malert\\x07 over\\rwrite \\x00nul \\u202eesrever\\u202c \\x85\\x9b2J\\x7f"
RAW = ["\x1b", "\x07", "\r", "\x00", "\u202e", "\u202c", "\x85", "\x9b", "\x7f"]


@pytest.fixture
def hostile_graph(tmp_path: Path) -> Path:
    store = ox.Store()
    store.add(
        ox.Quad(
            ox.NamedNode(EX + "doc"),
            ox.NamedNode(EX + "sentence"),
            ox.Literal(HOSTILE + "\nline two"),
            ox.NamedNode(EX + "graph"),
        )
    )
    path = tmp_path / "hostile.trig"
    store.dump(str(path), format=ox.RdfFormat.TRIG)
    return path


def _no_raw(text: str) -> None:
    assert [c for c in RAW if c in text] == []


def test_escape_sequences_are_never_printed_raw(capsys, hostile_graph):
    query = "SELECT ?text WHERE { ?d <http://example.org/sentence> ?text }"
    outputs = {}
    for fmt in ("table", "csv", "tsv", "json"):
        code, outputs[fmt], err = cli(capsys, hostile_graph, query, "--format", fmt)
        assert (code, err) == (0, [])
        _no_raw(outputs[fmt])
    table = outputs["table"].splitlines()[2]
    assert table == (SHOWN + " tab\\tend line two")[:59] + "…"
    assert list(csv.reader(io.StringIO(outputs["csv"]))) == [
        ["text"],
        [SHOWN + " tab\tend\nline two"],
    ]
    assert outputs["tsv"] == f"text\n{SHOWN} tab\\tend\\nline two\n"
    # JSON escapes them its own way: the value read back is the exact text.
    assert json.loads(outputs["json"]) == [{"text": HOSTILE + "\nline two"}]


def test_graph_results_are_escaped_and_stay_valid_n_triples(capsys, hostile_graph):
    query = "CONSTRUCT WHERE { ?d <http://example.org/sentence> ?text }"
    code, out, err = cli(capsys, hostile_graph, query)
    assert (code, err) == (0, [])
    _no_raw(out)
    (triple,) = ox.parse(out.encode(), format=ox.RdfFormat.N_TRIPLES)
    assert triple.object.value == HOSTILE + "\nline two"


def test_format_result_escapes_every_format():
    from kg.sparql import QueryResult

    result = QueryResult(["a", "b"], [("\x1b]0;title\x07", "\u2066x\u2069\u2028y")])
    assert format_result(result, "tsv") == "a\tb\n\\x1b]0;title\\x07\t\\u2066x\\u2069\\u2028y\n"
    assert format_result(result, "csv") == "a,b\n\\x1b]0;title\\x07,\\u2066x\\u2069\\u2028y\n"
    text = format_result(result, "json")
    assert "\\u001b]0;title\\u0007" in text and "\\u2066x\\u2069\\u2028y" in text
    assert json.loads(text) == [{"a": "\x1b]0;title\x07", "b": "\u2066x\u2069\u2028y"}]


def test_a_lone_surrogate_is_escaped_so_that_output_can_be_encoded():
    from kg.sparql import QueryResult

    result = QueryResult(["a"], [("x\ud800y",)])
    for fmt in ("table", "csv", "tsv", "json"):
        format_result(result, fmt).encode("utf-8")  # raises if the surrogate were left raw
    assert format_result(result, "tsv") == "a\nx\\ud800y\n"
    assert '"x\\ud800y"' in format_result(result, "json")
