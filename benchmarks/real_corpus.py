"""Build real news: every article of ``../shared/data/corpus/news.jsonl`` (or a given file).

Prints documents built, inputs refused, internal errors (each listed), facts, triples, the
time of the build and of writing, and documents per second. Nothing is asserted: the figure to
watch is the number of internal errors, which should be 0.

    .venv/bin/python benchmarks/real_corpus.py                   # the whole corpus, to TriG
    .venv/bin/python benchmarks/real_corpus.py --limit 500 -o out.oxigraph
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

import kg
from kg.errors import DocumentError, InputError

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "corpus" / "news.jsonl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, help="only the first N records")
    parser.add_argument("-o", "--out", help="output (default: a temporary .trig)")
    args = parser.parse_args(argv)
    if not args.corpus.is_file():
        print(f"real_corpus: {args.corpus}: no such file", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        source = args.corpus
        if args.limit:
            source = Path(tmp) / "slice.jsonl"
            with args.corpus.open(encoding="utf-8") as handle:
                source.write_text("".join(itertools.islice(handle, args.limit)), "utf-8")
        out = Path(args.out) if args.out else Path(tmp) / "out.trig"
        started = time.perf_counter()
        result = kg.build([source])
        built = time.perf_counter()
        result.graph.save(out)
        written = time.perf_counter()
        internal = [e for e in result.errors if isinstance(e, DocumentError)]
        refused = [e for e in result.errors if isinstance(e, InputError)]
        for error in internal:
            print(f"internal error: {error}")
        figures = {
            "corpus": str(args.corpus),
            "documents built": len(result.documents),
            "inputs refused": len(refused),
            "internal errors": len(internal),
            "facts": result.facts,
            "triples": len(result.graph),
            "build seconds": round(built - started, 1),
            "write seconds": round(written - built, 1),
            "documents per second": round(len(result.documents) / (built - started), 1),
        }
        print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
