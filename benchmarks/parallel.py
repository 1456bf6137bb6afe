"""Throughput of extraction with ``--workers 2`` against ``--workers 1`` on the same texts.

Each configuration runs as a whole process of its own, one after the other (alternating with
``--repeat``): it reads the corpus, runs ``kg.pipeline.extract(documents, workers=N)`` and
adds every extraction to a ``KnowledgeGraph`` in the caller, as ``kg build`` does (the
caller is the one writer). It prints, for each, the wall time (model loading and worker
start included), the time to the first extraction, the steady throughput after it, and the
CPU seconds of the whole process tree; then the ratio workers-2 / workers-1 (goal 1.8 on a
2-core machine).

    python benchmarks/parallel.py                       # 600 generated items
    python benchmarks/parallel.py --docs 1500 --repeat 2
    python benchmarks/parallel.py --corpus ../shared/data/corpus/news.jsonl --docs 400

CPU seconds tell a slow run on a busy machine (same CPU, more wall time) from a design that
wastes work (more CPU).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from corpus import write_corpus

GOAL = 1.8

# One configuration in a process of its own: prints its figures as one JSON line.
CHILD_SCRIPT = """
import json, sys, time
import psutil
start = time.perf_counter()
from kg.graph import KnowledgeGraph
from kg.ingest import iter_documents
from kg.model import Document
from kg.pipeline import extract
corpus, workers = sys.argv[1], int(sys.argv[2])
documents = [d for d in iter_documents([corpus]) if isinstance(d, Document)]
graph = KnowledgeGraph()
me = psutil.Process()
first = None
n = 0
cpu = 0.0
for extraction in extract(documents, workers=workers, on_error=print):
    graph.add_extraction(extraction)
    n += 1
    if first is None:
        first = time.perf_counter()
    if n == len(documents):  # the workers are still there: their CPU time so far
        for process in [me, *me.children(recursive=True)]:
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            cpu += times.user + times.system
end = time.perf_counter()
print(json.dumps({"docs": n, "seconds": end - start, "first": first - start, "rest": end - first,
                  "cpu": cpu}))
"""


@dataclass
class Run:
    docs: int
    seconds: float  # whole process after interpreter start
    first: float  # to the first extraction: imports, model loading, worker start
    rest: float  # after the first extraction
    cpu: float  # user + system seconds of the process and its workers (the fork
    # server that local workers come from included: it loads the pipeline for them)


def run_child(corpus: Path, workers: int) -> Run:
    done = subprocess.run(
        [sys.executable, "-c", CHILD_SCRIPT, str(corpus), str(workers)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"workers={workers} failed ({done.returncode}):\n{done.stderr.strip()}")
    return Run(**json.loads(done.stdout.strip().splitlines()[-1]))


def real_corpus(source: Path, count: int, folder: Path) -> Path:
    """The first ``count`` records of a .jsonl corpus."""
    out = folder / "corpus.jsonl"
    with open(source, encoding="utf-8") as handle, open(out, "w", encoding="utf-8") as dest:
        for line in itertools.islice((x for x in handle if x.strip()), count):
            dest.write(line)
    return out


def words(corpus: Path) -> int:
    with open(corpus, encoding="utf-8") as handle:
        return sum(len(json.loads(line)["text"].split()) for line in handle if line.strip())


def report(workers: int, runs: list[Run]) -> Run:
    median = Run(
        docs=runs[0].docs,
        seconds=statistics.median(r.seconds for r in runs),
        first=statistics.median(r.first for r in runs),
        rest=statistics.median(r.rest for r in runs),
        cpu=statistics.median(r.cpu for r in runs),
    )
    steady = (median.docs - 1) / median.rest
    each = ", ".join(f"{r.seconds:.1f}" for r in runs)
    print(
        f"workers {workers}: {median.seconds:6.1f} s  {median.docs / median.seconds:6.1f} docs/s"
        f"  first after {median.first:4.1f} s, then {steady:6.1f} docs/s"
        f"  CPU {median.cpu:6.1f} s   (runs: {each} s)"
    )
    return median


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=600, help="documents (default 600)")
    parser.add_argument("--corpus", type=Path, help="a .jsonl corpus instead of generated items")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, alternating")
    parser.add_argument("--workers", type=int, default=2, help="the parallel run's workers")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="geokg-parallel-") as tmp:
        if args.corpus is not None:
            corpus = real_corpus(args.corpus, args.docs, Path(tmp))
        else:
            corpus = Path(tmp) / "corpus.jsonl"
            write_corpus(corpus, args.docs, seed=args.seed)
        print(
            f"corpus: {args.docs} documents, {words(corpus)} words ({args.corpus or 'generated'})"
        )
        print(f"cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} before the runs")
        serial: list[Run] = []
        parallel: list[Run] = []
        for _ in range(args.repeat):
            serial.append(run_child(corpus, 1))
            parallel.append(run_child(corpus, args.workers))
        one = report(1, serial)
        many = report(args.workers, parallel)
    whole = one.seconds / many.seconds
    steady = one.rest / many.rest
    verdict = "meets" if whole >= GOAL else "below"
    print(
        f"ratio workers-{args.workers} / workers-1 throughput: {whole:.2f} whole run "
        f"({verdict} the goal of {GOAL}), {steady:.2f} after the first extraction"
    )
    print(f"load average after the runs: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
