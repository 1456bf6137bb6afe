"""Peak memory of ``kg build`` into an Oxigraph store as the corpus grows, and the cost of
adding documents to a large store.

    .venv/bin/python benchmarks/build_memory.py --sizes 1000 10000      # about 20 minutes
    .venv/bin/python benchmarks/build_memory.py --sizes 200 --add 50    # a quick look

For each size N it writes N articles of the real corpus (``../shared/data/corpus/news.jsonl``,
cycled, each copy with a fresh id) to a JSON Lines file and runs ``kg build FILE -o
corpus.oxigraph --no-progress`` in a process of its own, sampling its resident memory every
0.5 s: it prints the peak, the resident memory when a quarter, half and three quarters of
the build time had passed (flat memory: about the same figures), documents per second and
the store's size. Then it adds ``--add`` fresh articles to the largest store and, for
comparison, builds the same articles into an empty store, with time and peak memory of each.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "corpus" / "news.jsonl"
MIB = 1024 * 1024


def write_corpus(path: Path, n: int, start: int = 0) -> None:
    """``n`` records of the corpus, cycled from record ``start``, ids made unique."""
    records = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    with path.open("w", encoding="utf-8") as out:
        for i, record in enumerate(itertools.islice(itertools.cycle(records), start, start + n)):
            copy = dict(record, id=f"{record['id']}-{start + i}")
            out.write(json.dumps(copy, ensure_ascii=False) + "\n")


def run_build(corpus: Path, store: Path, progress: float = float("inf")) -> dict:
    """``kg build`` in a child process: seconds, peak RSS and RSS over time."""
    command = [sys.executable, "-m", "kg.cli", "build", str(corpus), "-o", str(store)]
    started = time.monotonic()
    child = subprocess.Popen([*command, "--no-progress"], stderr=subprocess.PIPE, text=True)
    process = psutil.Process(child.pid)
    samples: list[tuple[float, int]] = []
    shown = 0.0
    while child.poll() is None:
        try:
            samples.append((time.monotonic() - started, process.memory_info().rss))
        except psutil.NoSuchProcess:
            break
        if samples[-1][0] - shown >= progress:  # the memory so far, for long builds
            shown = samples[-1][0]
            peak = max(rss for _, rss in samples)
            print(
                f"  ... {shown:6.0f} s: RSS {samples[-1][1] / MIB:.0f} MiB, "
                f"peak so far {peak / MIB:.0f} MiB",
                flush=True,
            )
        time.sleep(0.5)
    seconds = time.monotonic() - started
    summary = child.stderr.read().strip().splitlines()
    if child.returncode not in (0, 1):
        raise SystemExit(f"kg build failed ({child.returncode}): {summary[-1:]}")

    def at(fraction: float) -> int:
        moment = seconds * fraction
        return min(samples, key=lambda s: abs(s[0] - moment))[1] if samples else 0

    return {
        "seconds": seconds,
        "peak": max((rss for _, rss in samples), default=0),
        "quarters": [at(0.25), at(0.5), at(0.75)],
        "summary": summary[-1] if summary else "",
    }


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--add", type=int, default=100, help="documents added at the end")
    parser.add_argument("--keep", type=Path, help="keep the largest store here")
    parser.add_argument(
        "--progress", type=float, default=300, help="print memory every this many seconds"
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kg-build-memory-"))
    try:
        print(
            f"{'articles':>9} {'seconds':>8} {'docs/s':>7} {'peak RSS':>9} "
            f"{'RSS at 1/4, 1/2, 3/4':>22} {'store':>9}"
        )
        store = None
        for n in args.sizes:
            corpus, store = tmp / f"corpus-{n}.jsonl", tmp / f"store-{n}.oxigraph"
            write_corpus(corpus, n)
            r = run_build(corpus, store, args.progress)
            quarters = ", ".join(f"{q / MIB:.0f}" for q in r["quarters"])
            print(
                f"{n:9,} {r['seconds']:8.1f} {n / r['seconds']:7.1f} "
                f"{r['peak'] / MIB:6.0f} MiB {quarters:>18} MiB "
                f"{folder_size(store) / MIB:5.0f} MiB",
                flush=True,
            )
            corpus.unlink()
        if store is not None and args.add:
            extra = tmp / "extra.jsonl"
            write_corpus(extra, args.add, start=10**7)  # ids no build above used
            added = run_build(extra, store)
            fresh = run_build(extra, tmp / "fresh.oxigraph")
            print(
                f"\n{args.add} articles added to the {args.sizes[-1]:,}-article store: "
                f"{added['seconds']:.1f} s, peak {added['peak'] / MIB:.0f} MiB; "
                f"into an empty store: {fresh['seconds']:.1f} s, "
                f"peak {fresh['peak'] / MIB:.0f} MiB"
            )
            if args.keep:
                shutil.move(str(store), args.keep)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
