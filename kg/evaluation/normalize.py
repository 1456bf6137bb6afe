"""Comparison forms of names, roles and amounts (CONTRACT.md §3–4)."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"

# Characters NFKD does not take apart into an ASCII letter plus marks.
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "ʼ": "'",
        "′": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
    }
)
# Single letters joined by dots: "U.S.", "u.s", "D.C." (not "St." nor "J. Smith").
_ACRONYM = re.compile(r"\b(?:[a-z]\.)+[a-z]\b\.?")
_POSSESSIVE = re.compile(r"(?<=\w)'s\b")
_SEPARATORS = re.compile(r"[-/_]")
_PUNCTUATION = re.compile(r"[^\w\s]")
_LEADING_ARTICLE = re.compile(r"^(?:the|a)\s+")

# Function words left out when names are compared by word overlap.
_FUNCTION_WORDS = frozenset({"the", "a", "an", "of", "on", "to", "in", "for", "and", "with", "by"})


def fold_ascii(text: str) -> str:
    """Unicode folded to ASCII, curly quotes and dashes made plain."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii")


def normalize_name(text: str) -> str:
    """The comparison form of a name: "The U.S.’s" → "us", "Erdoğan" → "erdogan".

    Hyphens and slashes separate words ("Jae-in" = "Jae in"); other punctuation is dropped.
    """
    text = fold_ascii(text).casefold()
    text = _ACRONYM.sub(lambda m: m.group(0).replace(".", ""), text)
    text = _POSSESSIVE.sub("", text)
    text = _SEPARATORS.sub(" ", text)
    text = _PUNCTUATION.sub("", text)
    text = " ".join(text.split())
    return _LEADING_ARTICLE.sub("", text)


def name_words(text: str) -> frozenset[str]:
    """Content words of a name, for overlap comparison."""
    return frozenset(normalize_name(text).split()) - _FUNCTION_WORDS


def word_overlap(a: str, b: str) -> float:
    """Share of words two names have in common (Jaccard over content words), 0 to 1."""
    wa, wb = name_words(a), name_words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


@dataclass(frozen=True)
class _RoleSynonyms:
    words: dict[str, str]
    minister_of: re.Pattern[str]
    phrases: tuple[tuple[re.Pattern[str], str], ...]
    spokesperson: tuple[str, ...]


@lru_cache(maxsize=1)
def _role_synonyms() -> _RoleSynonyms:
    raw = json.loads((DATA / "role_synonyms.json").read_text(encoding="utf-8"))
    links = "|".join(re.escape(w) for w in raw["minister_of"])
    ordered = sorted(raw["phrases"].items(), key=lambda item: -len(item[0]))
    return _RoleSynonyms(
        words=dict(raw["words"]),
        minister_of=re.compile(rf"^(?P<pre>(?:.*\s)?)minister (?:{links}) (?:the )?(?P<field>.+)$"),
        phrases=tuple((re.compile(rf"\b{re.escape(k)}\b"), v) for k, v in ordered),
        spokesperson=tuple(raw["spokesperson_suffixes"]),
    )


@lru_cache(maxsize=4096)
def normalize_role(role: str) -> str:
    """A role in standard form: "Minister of Foreign Affairs" → "foreign minister"."""
    syn = _role_synonyms()
    text = normalize_name(role)
    text = " ".join(syn.words.get(w, w) for w in text.split())
    if text.endswith(syn.spokesperson):
        return "spokesperson"
    match = syn.minister_of.match(text)
    if match and not match.group("pre").endswith("prime "):
        text = f"{match.group('pre')}{match.group('field')} minister"
    for pattern, standard in syn.phrases:
        text = pattern.sub(standard, text)
    return text


# Unit → (dimension, factor to the dimension's base unit).
_UNITS: dict[str, tuple[str, float]] = {
    "km": ("length", 1000.0),
    "mi": ("length", 1609.344),
    "kg": ("mass", 1.0),
    "t": ("mass", 1000.0),
    "lb": ("mass", 0.45359237),
    "percent": ("percent", 1.0),
    "count": ("count", 1.0),
}
AMOUNT_TOLERANCE = 0.02


@lru_cache(maxsize=1)
def _qudt_units() -> dict[str, str]:
    raw = json.loads((DATA / "qudt_units.json").read_text(encoding="utf-8"))
    return {v: k for k, v in raw.items() if not k.startswith("_")}


def unit_name(unit: str) -> str:
    """Short unit name ("km") of a short name, a QUDT local name or a QUDT IRI."""
    local = unit.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return _qudt_units().get(local, local.lower())


@dataclass(frozen=True)
class Amount:
    """A quantity in its dimension's base unit (m, kg, percent, count)."""

    dimension: str
    value: float

    @classmethod
    def of(cls, value: float, unit: str) -> Amount:
        """``Amount.of(500, "kg")``; raises ValueError for an unknown unit."""
        name = unit_name(unit)
        if name not in _UNITS:
            raise ValueError(f"unknown unit {unit!r}")
        dimension, factor = _UNITS[name]
        return cls(dimension, round(float(value) * factor, 6))

    def close_to(self, other: Amount) -> bool:
        """Same dimension and within 2 % of each other (500 kg = 0.5 t = 1,102 lb)."""
        if self.dimension != other.dimension:
            return False
        scale = max(abs(self.value), abs(other.value))
        return abs(self.value - other.value) <= AMOUNT_TOLERANCE * scale

    def __str__(self) -> str:
        base = {"length": "m", "mass": "kg", "percent": "%", "count": ""}[self.dimension]
        return f"{self.value:g}{' ' + base if base else ''}"
