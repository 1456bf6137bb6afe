"""Startup cost of the gazetteer ruler: turning the gazetteer's surface forms into patterns
and adding them to the ruler (once per process), and the ruler's matching on real text.

Each figure is the median of ``--repeat`` fresh processes (the first tokenisation of a
word creates its lexeme, so a second run in one process would measure nothing).

    python benchmarks/ruler_startup.py --repeat 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

CHILD = r"""
import json, time
from kg.nlp import load_model, gazetteer_patterns
from kg.gazetteer import Gazetteer
import kg.components  # noqa: F401
nlp = load_model()
gaz = Gazetteer.load()
t0 = time.perf_counter()
patterns = gazetteer_patterns(gaz)
t1 = time.perf_counter()
ruler = nlp.add_pipe("geokg_gazetteer_ruler", name="gazetteer_ruler", before="ner")
ruler.add_patterns(patterns)
t2 = time.perf_counter()
texts = [json.loads(line)["text"] for _, line in zip(range(200), open({corpus!r}))]
docs = [nlp.make_doc(t) for t in texts]
t3 = time.perf_counter()
found = sum(len(ruler.matches(d)) for d in docs)
t4 = time.perf_counter()
print(json.dumps({{"patterns": len(patterns), "build": t1 - t0, "add": t2 - t1,
                  "match": t4 - t3, "matches": found, "docs": len(docs)}}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus", default="../shared/data/corpus/news.jsonl")
    args = parser.parse_args()
    runs = []
    for _ in range(args.repeat):
        out = subprocess.run(
            [sys.executable, "-c", CHILD.format(corpus=args.corpus)],
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    med = {k: statistics.median(r[k] for r in runs) for k in ("build", "add", "match")}
    first = runs[0]
    print(f"patterns: {first['patterns']}  (median of {args.repeat} processes)")
    print(f"gazetteer_patterns(): {med['build'] * 1000:.0f} ms")
    print(f"ruler.add_patterns(): {med['add'] * 1000:.0f} ms")
    print(
        f"matching {first['docs']} real articles: {med['match'] * 1000:.0f} ms "
        f"({first['matches']} matches)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
