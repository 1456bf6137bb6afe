"""Throughput of ``kg build`` against spaCy's own parse of the same texts.

Both run as whole processes, startup included, one after the other, on a generated corpus of
short news items (``benchmarks/corpus.py``):

- spaCy: load the model package ``kg.nlp.load_model`` uses, ``nlp.pipe`` over the texts;
- kg: ``kg build corpus.jsonl -o out.trig --no-progress``.

It prints docs/s and words/s of each, the ratio kg/spaCy, and each process's peak RSS.
``--profile`` instead runs the kg build in this process under cProfile.

    python benchmarks/extract.py --docs 3000 --repeat 2
    python benchmarks/extract.py --corpus ../shared/data/corpus/news.jsonl --docs 1000
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import itertools
import json
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from corpus import write_corpus

from kg.nlp import MODEL_CANDIDATES
from kg.pipeline import DEFAULT_BATCH_SIZE

GOAL = 0.8  # kg build should reach this share of bare spaCy's throughput
TOP = 25

# The bare spaCy run: parse every text and do nothing with the result.
SPACY_SCRIPT = """
import json, sys
import spacy
model, corpus, batch_size = sys.argv[1], sys.argv[2], int(sys.argv[3])
nlp = spacy.load(model)
with open(corpus, encoding="utf-8") as handle:
    texts = [json.loads(line)["text"] for line in handle if line.strip()]
n = 0
for doc in nlp.pipe(texts, batch_size=batch_size):
    n += 1
print(n)
"""


@dataclass
class Run:
    """One whole process: wall seconds and peak resident memory in MiB."""

    seconds: float
    peak_mib: float


def model_package() -> str:
    """The model package ``kg.nlp.load_model`` would load (its first installed candidate)."""
    for name in MODEL_CANDIDATES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise SystemExit(f"no spaCy model installed (tried {', '.join(MODEL_CANDIDATES)})")


def run_process(command: list[str]) -> Run:
    """Run ``command`` to completion; its wall time and its own peak RSS."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    with process.stderr:
        stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)  # this child's own resource usage
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        detail = stderr.decode(errors="replace").strip()
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{detail}")
    kib = usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)  # bytes on macOS
    return Run(seconds=seconds, peak_mib=kib / 1024)


def spacy_command(corpus: Path, batch_size: int) -> list[str]:
    return [sys.executable, "-c", SPACY_SCRIPT, model_package(), str(corpus), str(batch_size)]


def kg_command(corpus: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "kg.cli", "build", str(corpus), "-o", str(out), "--no-progress"]


def corpus_size(corpus: Path) -> tuple[int, int]:
    """(documents, words) of a .jsonl corpus."""
    docs = words = 0
    with open(corpus, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                docs += 1
                words += len(json.loads(line)["text"].split())
    return docs, words


def report(name: str, runs: list[Run], docs: int, words: int) -> float:
    """Print one line for ``name``; returns its median seconds."""
    seconds = statistics.median(r.seconds for r in runs)
    each = ", ".join(f"{r.seconds:.1f}" for r in runs)
    peak = max(r.peak_mib for r in runs)
    print(
        f"{name:<6} {seconds:8.1f} s  {docs / seconds:8.1f} docs/s  {words / seconds:9.0f} words/s"
        f"  peak RSS {peak:7.0f} MiB   (runs: {each} s)"
    )
    return seconds


def benchmark(corpus: Path, out: Path, repeat: int, batch_size: int) -> float:
    """Time both processes ``repeat`` times, alternating; print the figures; return the ratio."""
    docs, words = corpus_size(corpus)
    print(f"corpus: {docs} documents, {words} words ({corpus})")
    print(f"spaCy model: {model_package()}, batch size {batch_size}, {repeat} run(s) each")
    spacy_runs: list[Run] = []
    kg_runs: list[Run] = []
    for _ in range(repeat):
        spacy_runs.append(run_process(spacy_command(corpus, batch_size)))
        out.unlink(missing_ok=True)  # each build starts from no output (else it merges)
        kg_runs.append(run_process(kg_command(corpus, out)))
    spacy_seconds = report("spaCy", spacy_runs, docs, words)
    kg_seconds = report("kg", kg_runs, docs, words)
    ratio = spacy_seconds / kg_seconds
    verdict = "meets" if ratio >= GOAL else "below"
    print(f"ratio kg/spaCy throughput: {ratio:.2f} ({verdict} the goal of {GOAL})")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"children CPU: {children.ru_utime + children.ru_stime:.1f} s")
    return ratio


def profile(corpus: Path, out: Path) -> None:
    """Run the kg build in this process under cProfile and print the top functions."""
    from kg.cli import main as kg_main

    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    code = kg_main(["build", str(corpus), "-o", str(out), "--no-progress"])
    profiler.disable()
    print(f"kg build exited {code} after {time.perf_counter() - start:.1f} s (under cProfile)")
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    for key in ("cumulative", "tottime"):
        print(f"\n=== top {TOP} by {key} time ===")
        stats.sort_stats(key).print_stats(TOP)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=3000, help="news items (default 3000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each process (default 1)")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE,
                        help=f"nlp.pipe batch size of the spaCy run (default {DEFAULT_BATCH_SIZE},"
                        " as kg's)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--corpus", type=Path,
                        help="real articles (.jsonl) instead of generated ones, e.g. "
                        "../shared/data/corpus/news.jsonl; --docs takes the first N")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the corpus and output; say where")
    parser.add_argument("--profile", action="store_true",
                        help="profile the kg build in-process instead of timing")  # fmt: skip
    args = parser.parse_args(argv)
    if args.docs < 1 or args.repeat < 1 or args.batch_size < 1:
        parser.error("--docs, --repeat and --batch-size must be positive")

    workdir = Path(tempfile.mkdtemp(prefix="geokg-bench-"))
    corpus, out = workdir / "corpus.jsonl", workdir / "out.trig"
    try:
        if args.corpus is not None:
            with args.corpus.open(encoding="utf-8") as handle:
                lines = list(itertools.islice(handle, args.docs))
            corpus.write_text("".join(lines), encoding="utf-8")
        else:
            write_corpus(corpus, args.docs, args.seed)
        if args.profile:
            profile(corpus, out)
        else:
            benchmark(corpus, out, args.repeat, args.batch_size)
    finally:
        if args.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
