"""Query speed on a large store, and what the safety of ``kg query`` costs.

    .venv/bin/python benchmarks/query.py                      # competency queries, >= 1M triples
    .venv/bin/python benchmarks/query.py --copies 20 --articles 40 --no-rdflib   # quicker
    .venv/bin/python benchmarks/query.py --safety [--repeat 21] [--triples 500000]

By default it builds ``--articles`` real articles (``../shared/data/corpus/news.jsonl``) and
makes a large graph of them by copying every document ``--copies`` times under fresh
document and evidence IRIs (the descriptions stay shared, as in an archive where the same
entities recur): it writes the graph as N-Quads, bulk-loads it into an Oxigraph store
(triples/s), streams a share of the documents into another store the way ``kg build`` writes
(one transaction per document), then times the six competency queries (median of
``--repeat``) three ways on the same data: native pyoxigraph on the store, geokg
(``KnowledgeGraph.open(store).query``, which runs the query in a child process for its time
limit), and rdflib's in-memory engine (in a child process, one query at most ``--rdflib-cap``
seconds). It prints each latency and the ratios geokg/native and rdflib/geokg.

``--safety`` prints, for a small query on a small graph and on a large one held in memory,
the median time of ``run_query`` without a time limit (in this process) and with one (in a
child process), and the time the SERVICE check takes on the shipped queries.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from kg.sparql import load_query, run_query
from kg.sparql_guard import service_endpoints

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "graphs" / "small.trig"
EX = "http://example.org/"


def median_ms(action: Callable[[], object], repeat: int) -> float:
    action()  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def large_store(triples: int) -> ox.Store:
    store = ox.Store()
    p = ox.NamedNode(EX + "p")
    store.bulk_extend(
        ox.Quad(ox.NamedNode(f"{EX}s{i}"), p, ox.Literal(f"value {i}"), ox.NamedNode(EX + "g"))
        for i in range(triples)
    )
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--safety", action="store_true", help="the cost of the safety checks")
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--triples", type=int, default=500_000)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--no-rdflib", action="store_true")
    parser.add_argument("--rdflib-cap", type=float, default=120.0)
    args = parser.parse_args()
    if args.safety:
        args.repeat = args.repeat or 21
        safety(args)
    else:
        from competency_bench import competency

        args.repeat = args.repeat or 5
        competency(args)


def safety(args: argparse.Namespace) -> None:

    small = ox.Store()
    small.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    stores = {
        f"small graph ({len(small):,} quads)": small,
        f"large graph ({args.triples:,} quads)": large_store(args.triples),
    }
    query = load_query("deployments")
    print(f"run_query('deployments'), median of {args.repeat}:")
    print(f"{'':32}{'no limit':>10}{'timeout':>10}{'overhead':>10}")
    for label, store in stores.items():
        plain = median_ms(lambda s=store: run_query(s, query, timeout=None), args.repeat)
        limited = median_ms(lambda s=store: run_query(s, query, timeout=300), args.repeat)
        print(f"{label:32}{plain:8.2f}ms{limited:8.2f}ms{limited - plain:8.2f}ms")

    print("\nSERVICE check (parsed only when the text holds the word), median:")
    for name in ("deployments", "agreements"):
        text = load_query(name)
        with_word = text + "\n# service\n"
        fast = median_ms(lambda t=text: service_endpoints(t), args.repeat)
        parsed = median_ms(lambda t=with_word: service_endpoints(t), args.repeat)
        print(f"  {name:12} without the word {fast:8.3f}ms   with it (parsed) {parsed:8.2f}ms")


if __name__ == "__main__":
    main()
