"""A deterministic benchmark corpus: short news items made from the bundled sample articles.

The sample articles are split into paragraphs; each item takes one or two of them, shuffles
their sentences, swaps the countries and leaders it names for others from the gazetteer and
gets a new date. The same ``count`` and ``seed`` always give the same items.

    python benchmarks/corpus.py 3000 corpus.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from pathlib import Path

from kg.build import SAMPLES
from kg.gazetteer import Gazetteer
from kg.ingest import iter_documents
from kg.model import Document

MIN_WORDS, MAX_WORDS = 60, 150
FIRST_DAY, LAST_DAY = dt.date(2015, 1, 1), dt.date(2024, 12, 31)
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’]))\s+(?=[\"“‘A-Z])")


def _sample_documents() -> list[Document]:
    return [d for d in iter_documents([SAMPLES]) if isinstance(d, Document)]


def _paragraphs(documents: list[Document]) -> list[list[str]]:
    """Every paragraph of the samples, as a list of sentences."""
    found = []
    for document in documents:
        for paragraph in document.text.split("\n\n"):
            sentences = [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]
            if sentences:
                found.append(sentences)
    return found


def _alternation(names: list[str]) -> re.Pattern[str]:
    """One regex matching any of ``names`` as whole words, longest first."""
    ordered = sorted(set(names), key=lambda n: (-len(n), n))
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in ordered) + r")\b")


class _Swapper:
    """Replaces country names, demonyms and leader names with others from the gazetteer."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.countries: list[tuple[str, str]] = []  # (name, demonym)
        for entry in gazetteer.countries:
            record = gazetteer.country_record(entry.key) or {}
            demonyms = record.get("demonyms") or []
            if record.get("independent") and demonyms and " " not in entry.name:
                self.countries.append((entry.name, demonyms[0]))
        self.country_by_form: dict[str, tuple[str, str]] = {}
        for name, demonym in self.countries:
            self.country_by_form[name] = (name, demonym)
            self.country_by_form[demonym] = (name, demonym)
        self.persons = [e.name for e in gazetteer.persons if 2 <= len(e.name.split()) <= 3]
        self.country_re = _alternation(list(self.country_by_form))
        self.person_re = _alternation(self.persons)

    def swap(self, text: str, rng: random.Random) -> str:
        """``text`` with each country (and its demonym) and each leader consistently replaced."""
        countries: dict[str, tuple[str, str]] = {}

        def country(match: re.Match[str]) -> str:
            form = match.group(0)
            name, demonym = self.country_by_form[form]
            if name not in countries:
                countries[name] = rng.choice(self.countries)
            new_name, new_demonym = countries[name]
            return new_name if form == name else new_demonym

        text = self.country_re.sub(country, text)
        persons: dict[str, str] = {}

        def person(match: re.Match[str]) -> str:
            name = match.group(0)
            if name not in persons:
                persons[name] = rng.choice(self.persons)
            return persons[name]

        text = self.person_re.sub(person, text)
        for old, new in persons.items():  # later mentions by surname alone
            text = re.sub(rf"\b{re.escape(old.split()[-1])}\b", new.split()[-1], text)
        return text


def make_corpus(count: int, seed: int = 0) -> list[dict[str, str]]:
    """``count`` news items (id, date, title, text) of 60–150 words each."""
    if count < 1:
        raise ValueError(f"corpus size must be positive, not {count}")
    rng = random.Random(seed)
    documents = _sample_documents()
    titles = [d.title or d.id for d in documents]
    paragraphs = _paragraphs(documents)
    swapper = _Swapper(Gazetteer.load())
    span = (LAST_DAY - FIRST_DAY).days
    items = []
    while len(items) < count:
        sentences = list(rng.choice(paragraphs))
        while sum(len(s.split()) for s in sentences) < MIN_WORDS:
            sentences += rng.choice(paragraphs)
        rng.shuffle(sentences)
        kept: list[str] = []
        for sentence in sentences:
            if sum(len(s.split()) for s in kept) + len(sentence.split()) > MAX_WORDS:
                break
            kept.append(sentence)
        words = sum(len(s.split()) for s in kept)
        if words < MIN_WORDS:  # one long sentence too many: draw again
            continue
        text = swapper.swap(" ".join(kept), rng)
        n = len(items) + 1
        items.append(
            {
                "id": f"bench-{n:05d}",
                "date": (FIRST_DAY + dt.timedelta(days=rng.randrange(span))).isoformat(),
                "title": swapper.swap(rng.choice(titles), rng),
                "text": text,
            }
        )
    return items


def write_corpus(path: str | Path, count: int, seed: int = 0) -> int:
    """Write ``make_corpus(count, seed)`` as JSON Lines to ``path``; returns the word count."""
    items = make_corpus(count, seed)
    with open(path, "w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    return sum(len(item["text"].split()) for item in items)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="number of news items")
    parser.add_argument("out", help="output .jsonl file")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    words = write_corpus(args.out, args.count, args.seed)
    print(f"wrote {args.count} items, {words} words → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
