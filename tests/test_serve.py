"""``kg serve``: a real server on a free loopback port, queried by real SPARQL clients."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, TURTLE, XML, SPARQLWrapper

import kg

GK = "https://w3id.org/geokg/ontology#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
COUNTRIES = f"SELECT DISTINCT ?l WHERE {{ ?c a <{GK}Country> ; <{LABEL}> ?l }} ORDER BY ?l"
ARTICLES = {
    "latvia.txt": "Troops in Latvia\n\nGermany has stationed 1,000 troops in Latvia, the "
    "minister said. Latvia is a member of NATO.",
    "estonia.txt": "Troops in Estonia\n\nFrance has stationed 300 troops in Estonia, the "
    "minister said.",
    "norway.txt": "Norway and NATO\n\nNorway is a member of NATO, the minister said.",
}


def build_store(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(ARTICLES[name], encoding="utf-8")
    out = folder / "g.oxigraph"
    kg.build([folder / name for name in names], out)
    return out


class Server:
    """``kg serve`` in a process of its own, on a port the system picks."""

    def __init__(self, store: Path, *options: str) -> None:
        command = [sys.executable, "-m", "kg.cli", "serve", str(store), "--port", "0", *options]
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.append(self.process.stderr.readline()))
        reader.start()
        reader.join(60)
        assert lines and "http://127.0.0.1:" in lines[0], lines
        # The rest of its stderr is read all along: a full pipe would stop the server.
        threading.Thread(target=self.process.stderr.read, daemon=True).start()
        self.url = lines[0].split()[2]
        self.endpoint = self.url + "sparql"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def post(url: str, data: dict, accept: str = "application/sparql-results+json"):
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(url, data=body, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("served"), ["latvia.txt", "estonia.txt"])


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[Server]:
    running = Server(store, "--timeout", "2", "--max-rows", "50")
    yield running
    running.stop()


def expected_countries(store: Path) -> list[str]:
    return [row[0] for row in kg.query(store, COUNTRIES).rows]


def test_sparqlwrapper_gets_select_results_in_every_format(server: Server, store: Path) -> None:
    client = SPARQLWrapper(server.endpoint)
    client.setQuery(COUNTRIES)
    client.setReturnFormat(JSON)
    data = client.query().convert()
    labels = [b["l"]["value"] for b in data["results"]["bindings"]]
    assert labels == expected_countries(store) and "Latvia" in labels
    client.setReturnFormat(XML)
    xml = client.query().convert()
    assert [n.firstChild.data for n in xml.getElementsByTagName("literal")] == labels
    client.setReturnFormat(CSV)
    assert client.query().convert().decode().splitlines() == ["l", *labels]
    client.setMethod("POST")
    client.setReturnFormat(JSON)
    assert [b["l"]["value"] for b in client.query().convert()["results"]["bindings"]] == labels


def test_construct_comes_as_turtle_or_json_ld(server: Server) -> None:
    construct = f"CONSTRUCT {{ ?c <{LABEL}> ?l }} WHERE {{ ?c a <{GK}Country> ; <{LABEL}> ?l }}"
    client = SPARQLWrapper(server.endpoint)
    client.setQuery(construct)
    client.setReturnFormat(TURTLE)
    turtle = Graph().parse(data=client.query().convert(), format="turtle")
    client.setReturnFormat(JSONLD)
    jsonld = client.query().convert()
    labels = {str(o) for o in turtle.objects()}
    assert "Latvia" in labels and {str(o) for o in jsonld.objects()} == labels


def test_rdflib_sparqlstore_queries_the_endpoint(server: Server, store: Path) -> None:
    remote = Graph(store=SPARQLStore(server.endpoint))
    assert [str(row[0]) for row in remote.query(COUNTRIES)] == expected_countries(store)


def test_updates_and_service_are_refused(server: Server) -> None:
    status, _, body = post(server.endpoint, {"update": "INSERT DATA { <x:a> <x:b> 1 }"})
    assert status == 403 and b"read-only" in body
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    status, _, body = post(server.endpoint, {"query": query})
    assert status == 403 and b"SERVICE" in body
    status, _, _ = post(server.endpoint, {"query": "SELEC nothing"})
    assert status == 400


def test_a_query_past_its_time_is_stopped_and_the_server_goes_on(server: Server) -> None:
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    status, _, body = post(server.endpoint, {"query": endless})
    assert status == 503 and b"timed out after 2 s" in body
    status, _, body = post(server.endpoint, {"query": "ASK { ?s ?p ?o }"})
    assert status == 200 and json.loads(body)["boolean"] is True


def test_results_are_cut_at_the_row_cap(server: Server) -> None:
    status, headers, body = post(
        server.endpoint, {"query": "SELECT * WHERE { ?s ?p ?o }"}, "text/csv"
    )
    assert status == 200 and headers.get("Geokg-Truncated") == "true"
    assert len(list(csv.reader(io.StringIO(body.decode())))) == 1 + 50


def test_the_query_page_needs_nothing_from_the_network(server: Server) -> None:
    with urllib.request.urlopen(server.url, timeout=30) as response:
        page = response.read().decode()
    assert "<textarea" in page and "positions" in page  # the competency queries as examples
    assert "src=" not in page and "<link" not in page and "@import" not in page


def test_queries_go_on_while_a_build_adds_documents(tmp_path: Path) -> None:
    store = build_store(tmp_path, ["latvia.txt"])
    (tmp_path / "norway.txt").write_text(ARTICLES["norway.txt"], encoding="utf-8")
    running = Server(store)
    try:
        failures: list[tuple[int, bytes]] = []
        stop = threading.Event()

        def query_all_along() -> None:
            while not stop.is_set():
                status, _, body = post(running.endpoint, {"query": COUNTRIES})
                if status != 200:
                    failures.append((status, body))

        client = threading.Thread(target=query_all_along)
        client.start()
        try:
            kg.build([tmp_path / "norway.txt"], store)
        finally:
            stop.set()
            client.join()
        assert failures == []
        status, _, body = post(running.endpoint, {"query": COUNTRIES})
        labels = [b["l"]["value"] for b in json.loads(body)["results"]["bindings"]]
        assert status == 200 and "Norway" in labels
    finally:
        running.stop()


def test_updates_are_written_when_allowed(tmp_path: Path) -> None:
    store = build_store(tmp_path, ["norway.txt"])
    running = Server(store, "--allow-update")
    try:
        update = "INSERT DATA { GRAPH <urn:x:notes> { <urn:x:a> <urn:x:says> 'hello' } }"
        assert post(running.endpoint, {"update": update})[0] == 204
        status, _, body = post(running.endpoint, {"query": "SELECT ?o WHERE { <urn:x:a> ?p ?o }"})
        assert status == 200, body
        assert [b["o"]["value"] for b in json.loads(body)["results"]["bindings"]] == ["hello"]
    finally:
        running.stop()


VIEW = """PREFIX gk: <https://w3id.org/geokg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT { ?d a gk:Deployment ; gk:sendingCountry ?s ; gk:hostCountry ?h ; gk:troopCount ?n .
            ?s a gk:Country ; rdfs:label ?sl . ?h a gk:Country ; rdfs:label ?hl }
WHERE { ?d a gk:Deployment ; gk:sendingCountry ?s ; gk:hostCountry ?h ; gk:troopCount ?n .
        ?s rdfs:label ?sl . ?h rdfs:label ?hl }"""


def test_a_construct_result_is_shown_as_the_interactive_page(server: Server, store: Path) -> None:
    status, headers, body = post(server.url + "view", {"query": VIEW})
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert "vis.Network" in page or "vis-network" in page  # the interactive view itself
    assert all(name in page for name in expected_countries(store))
    assert not re.search(r"(src|href)\s*=\s*[\"']?https?:", page)  # nothing from outside
    status, _, body = post(server.url + "view", {"query": COUNTRIES})
    assert status == 400 and b"CONSTRUCT" in body
    service = "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    assert post(server.url + "view", {"query": service})[0] == 403
