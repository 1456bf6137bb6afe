"""Extraction time against document length: is it linear?

Builds single documents of about 50 KB, 200 KB and 1 MB of two kinds from the project's own
sample articles, parses each once with spaCy, then times ``kg.pipeline.extract`` on the
parsed document (entity resolution, the extractors, fact merging; best of three runs, each
on a fresh copy of the parse), and prints seconds and seconds per KB for each, and the ratio
of the time per KB at the largest size to that at the smallest (about 1 when extraction is
linear):

- **varied**: short news items of ``benchmarks/corpus.py`` (shuffled sample sentences with
  countries and leaders swapped) one after the other;
- **repeated**: the sample articles' texts, the same ones over and over.

    python benchmarks/long_documents.py                 # 50 KB, 200 KB, 1 MB (about 4 minutes)
    python benchmarks/long_documents.py --sizes 20 100  # other sizes, in KB
    python benchmarks/long_documents.py --profile       # where the largest spends its time
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import random
import sys
import time
from collections.abc import Iterable, Iterator

from corpus import _sample_documents, make_corpus
from spacy.tokens import Doc

from kg.model import Document
from kg.nlp import build_nlp
from kg.pipeline import extract

KINDS = ("varied", "repeated")
DEFAULT_SIZES_KB = (50, 200, 1000)
RUNS = 3


def varied_text(size: int, seed: int = 0) -> str:
    """About ``size`` characters of generated news items, paragraph after paragraph."""
    rng = random.Random(seed)
    items = [item["text"] for item in make_corpus(400, seed)]
    parts: list[str] = []
    total = 0
    while total < size:
        text = rng.choice(items)
        parts.append(text)
        total += len(text) + 2
    return _cut("\n\n".join(parts), size)


def repeated_text(size: int) -> str:
    """About ``size`` characters of the sample articles' texts, repeated."""
    block = "\n\n".join(d.text for d in _sample_documents())
    return _cut("\n\n".join([block] * (size // (len(block) + 2) + 1)), size)


def _cut(text: str, size: int) -> str:
    """``text`` cut at the last paragraph break before ``size`` characters."""
    end = text.rfind("\n\n", 0, size)
    return text[: end if end > 0 else size]


class _Parsed:
    """Stands in for the spaCy pipeline: hands ``extract`` a document parsed beforehand,
    so that only extraction is timed."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc

    def pipe(self, texts: Iterable, as_tuples: bool = False, **_: object) -> Iterator:
        for item in texts:
            yield (self.doc, item[1]) if as_tuples else self.doc


def measure(
    kind: str, size_kb: int, nlp, runs: int = RUNS, profile: bool = False
) -> tuple[float, float, int]:
    """(parse seconds, extraction seconds, facts) for one generated document; extraction
    is timed ``runs`` times, each on a fresh copy of the parse, and the best time kept."""
    size = size_kb * 1000
    text = varied_text(size) if kind == "varied" else repeated_text(size)
    nlp.max_length = max(nlp.max_length, len(text) + 1)
    start = time.perf_counter()
    parsed = nlp(text)
    parse = time.perf_counter() - start
    document = Document(id=f"{kind}-{size_kb}kb", text=text, date=dt.date(2022, 6, 17))
    best = float("inf")
    for _ in range(runs):
        doc = parsed.copy()  # extraction annotates the Doc it is given
        start = time.perf_counter()
        (extraction,) = extract([document], nlp=_Parsed(doc))  # type: ignore[arg-type]
        best = min(best, time.perf_counter() - start)
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        list(extract([document], nlp=_Parsed(parsed.copy())))  # type: ignore[arg-type]
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(25)
    return parse, best, len(extraction.facts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES_KB))
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--profile", action="store_true", help="profile the largest size")
    args = parser.parse_args(argv)
    sizes = sorted(args.sizes)
    nlp = build_nlp()
    measure("varied", 5, nlp, runs=1)  # loads the gazetteer, the lexicon, the date parser
    print(f"{'kind':<9} {'size':>7} {'parse s':>8} {'extract s':>10} {'s/KB':>8} {'facts':>6}")
    for kind in args.kinds:
        per_kb: dict[int, float] = {}
        for size in sizes:
            profile = args.profile and size == sizes[-1]
            parse, seconds, facts = measure(kind, size, nlp, profile=profile)
            per_kb[size] = seconds / size
            print(
                f"{kind:<9} {size:>5}KB {parse:>8.1f} {seconds:>10.2f} "
                f"{per_kb[size]:>8.4f} {facts:>6}",
                flush=True,
            )
        if len(sizes) > 1:
            ratio = per_kb[sizes[-1]] / per_kb[sizes[0]]
            print(f"{kind:<9} s/KB at {sizes[-1]} KB / at {sizes[0]} KB: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
