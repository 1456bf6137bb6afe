"""What the safety of ``kg query`` costs: the time limit's child process and the SERVICE check.

    .venv/bin/python benchmarks/query.py [--repeat 21] [--triples 500000]

Prints, for a small query on a small graph and on a large one held in memory, the median
time of ``run_query`` without a time limit (in this process) and with one (in a child
process), and the time the SERVICE check takes on the shipped queries.
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
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--triples", type=int, default=500_000)
    args = parser.parse_args()

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
