"""The competency queries on a large store: native pyoxigraph, geokg and rdflib side by side
(run through ``benchmarks/query.py``)."""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import shutil
import signal
import statistics
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef

import kg
from kg.graph import KnowledgeGraph
from kg.rdf.iris import descriptions_graph
from kg.rdf.layout import DocumentPart, descriptions
from kg.rdf.namespaces import DCTERMS, GK
from kg.rdf.store import BatchWriter
from kg.rdf.terms import OxConverter
from kg.sparql import competency_names, load_query

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "corpus" / "news.jsonl"


def real_parts(articles: int, folder: Path) -> list[DocumentPart]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()[:articles]
    source = folder / "articles.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    graph = kg.build([source]).graph
    return list(graph._parts().parts.values())


def copy_part(part: DocumentPart, n: int) -> DocumentPart:
    """The same document under fresh document and evidence IRIs and identifier."""
    own = {part.graph} | {s for s, p, o in part.evidence if p == GK.document}
    renamed = {node: URIRef(f"{node}-copy{n}") for node in own}

    def term(x):
        return renamed.get(x, x)

    evidence = []
    for s, p, o in part.evidence:
        if s == part.graph and p == DCTERMS.identifier:
            o = Literal(f"{o}-copy{n}")
        evidence.append((term(s), p, term(o)))
    return DocumentPart(graph=renamed[part.graph], evidence=evidence, claims=part.claims)


def write_nquads(parts: list[DocumentPart], copies: int, path: Path) -> int:
    converter = OxConverter()
    shared = descriptions_graph()
    count = 0
    with path.open("wb") as out:
        described = [converter.quad((s, p, o, shared)) for s, p, o in descriptions(parts)]
        ox.serialize(described, out, ox.RdfFormat.N_QUADS)
        count += len(described)
        for n in range(copies):
            quads = [converter.quad(q) for p in parts for q in copy_part(p, n).quads(converter)]
            ox.serialize(quads, out, ox.RdfFormat.N_QUADS)
            count += len(quads)
    return count


def median_seconds(action, repeat: int, warm: int = 2) -> float:
    for _ in range(warm):  # geokg's first query forks, its second starts its query process
        action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _rdflib_child(nquads: str, queries: dict, cap: float, repeat: int, sender) -> None:
    from rdflib import Dataset

    start = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(nquads, format="nquads")
    sender.send(("load", time.perf_counter() - start))

    def expired(signum, frame):
        raise TimeoutError

    signal.signal(signal.SIGALRM, expired)
    for name, text in queries.items():
        signal.setitimer(signal.ITIMER_REAL, cap)
        try:
            seconds = median_seconds(lambda t=text: list(dataset.query(t)), repeat, warm=0)
        except TimeoutError:
            seconds = None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        sender.send((name, seconds))
    sender.send(("done", None))


def competency(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="kg-query-bench-"))
    try:
        start = time.perf_counter()
        parts = real_parts(args.articles, tmp)
        print(f"built {len(parts)} real articles in {time.perf_counter() - start:.0f} s")
        nquads = tmp / "graph.nq"
        triples = write_nquads(parts, args.copies, nquads)
        store_path = tmp / "store.oxigraph"
        store = ox.Store(str(store_path))
        start = time.perf_counter()
        store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        store.flush()
        seconds = time.perf_counter() - start
        print(
            f"{args.copies} copies: {triples:,} quads; bulk load {seconds:.1f} s, "
            f"{triples / seconds:,.0f} triples/s"
        )
        del store

        streamed = [
            copy_part(p, 10**6 + n)
            for n, p in itertools.islice(enumerate(itertools.cycle(parts)), 5 * len(parts))
        ]
        written = sum(len(list(p.quads())) for p in streamed)
        writer = BatchWriter(tmp / "streamed.oxigraph")
        start = time.perf_counter()
        for part in streamed:
            writer.add(part)
        writer.flush()
        seconds = time.perf_counter() - start
        print(
            f"streamed as kg build writes: {len(streamed)} documents, {written:,} quads in "
            f"{seconds:.1f} s: {written / seconds:,.0f} triples/s "
            f"({len(streamed) / seconds:,.0f} documents/s)"
        )

        queries = {name: load_query(name) for name in competency_names()}
        rdflib_times: dict[str, float | None] = {}
        if not args.no_rdflib:
            context = multiprocessing.get_context("spawn")
            receiver, sender = context.Pipe(duplex=False)
            child = context.Process(
                target=_rdflib_child,
                args=(str(nquads), queries, args.rdflib_cap, 1, sender),
            )
            child.start()

        native_store = ox.Store.read_only(str(store_path))
        graph = KnowledgeGraph.open(store_path)
        print(f"\nmedian of {args.repeat}, seconds:")
        print(
            f"{'query':14}{'rows':>8}{'native':>10}{'geokg':>10}{'geokg/native':>14}"
            f"{'no limit':>10}{'/native':>9}{'rdflib':>10}{'rdflib/geokg':>14}"
        )
        results = {}
        for name, text in queries.items():
            rows = len(list(native_store.query(text, use_default_graph_as_union=True)))
            native = median_seconds(
                lambda t=text: list(native_store.query(t, use_default_graph_as_union=True)),
                args.repeat,
            )
            ours = median_seconds(lambda t=text: graph.query(t, max_rows=None), args.repeat)
            inline = median_seconds(
                lambda t=text: graph.query(t, max_rows=None, timeout=None), args.repeat
            )
            results[name] = (rows, native, ours, inline)
        if not args.no_rdflib:
            while True:
                key, value = receiver.recv()
                if key == "done":
                    break
                if key == "load":
                    print(f"(rdflib: {value:.0f} s to load the N-Quads)")
                else:
                    rdflib_times[key] = value
            child.join()
        for name, (rows, native, ours, inline) in results.items():
            line = f"{name:14}{rows:8,}{native:10.4f}{ours:10.4f}{ours / native:14.2f}"
            line += f"{inline:10.4f}{inline / native:9.2f}"
            if name in rdflib_times:
                r = rdflib_times[name]
                line += (
                    f"{r:10.2f}{r / ours:14.0f}"
                    if r is not None
                    else f"{'>' + format(args.rdflib_cap, 'g'):>10}"
                    f"{'>' + format(args.rdflib_cap / ours, '.0f'):>14}"
                )
            print(line)
        graph.close()
        print(json.dumps({"quads": triples}))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
