"""Resolving date expressions against a document's publication date.

Parsing is left to ``dateparser``; this module only decides which expressions
name a day and whether the text looks back (past tense) or ahead (future).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from dateparser.date import DateDataParser
from spacy.tokens import Span, Token

_DAY_WORDS = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow|"
    r"jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|"
    r"oct(ober)?|nov(ember)?|dec(ember)?)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_FUTURE_MARKERS = {"will", "shall", "'ll", "next", "upcoming", "tomorrow", "later", "coming"}


@lru_cache(maxsize=256)
def _parser(base: dt.date, prefer: str) -> DateDataParser:
    return DateDataParser(
        languages=["en"],
        settings={
            "RELATIVE_BASE": dt.datetime(base.year, base.month, base.day),
            "PREFER_DATES_FROM": prefer,
            "RETURN_TIME_AS_PERIOD": False,
        },
    )


def resolve_day(text: str, base: dt.date | None, future: bool = False) -> dt.date | None:
    """The day a date expression names, or None when it names no single day.

    ``future`` picks the next matching day instead of the last one before ``base``
    for expressions such as "on Tuesday" or "March 3".
    """
    text = text.strip()
    if not _DAY_WORDS.search(text):
        return None
    if base is None and not re.search(r"\b\d{4}\b", text):
        return None
    base = base or dt.date(2000, 1, 1)
    data = _parser(base, "future" if future else "past").get_date_data(text)
    if data is None or data.date_obj is None or data.period != "day":
        return None
    day = data.date_obj.date()
    return day


def year_of(text: str) -> int | None:
    """A four-digit year written on its own ("in 2001", "the 1974 deal")."""
    text = text.strip()
    return int(text) if _YEAR.match(text) else None


def looks_future(token: Token) -> bool:
    """Whether the clause governing ``token`` speaks of the future."""
    verb = token
    while verb.pos_ not in {"VERB", "AUX"} and verb.head != verb:
        verb = verb.head
    for child in verb.children:
        if child.lower_ in _FUTURE_MARKERS or (
            child.tag_ == "MD" and child.lower_ in {"will", "'ll", "shall"}
        ):
            return True
    if verb.tag_ in {"VBD", "VBN"}:
        return False
    return any(t.lower_ in _FUTURE_MARKERS for t in verb.sent)


def sentence_day(sent: Span, base: dt.date | None) -> tuple[dt.date | None, Span | None]:
    """The first DATE entity of a sentence that names a day, resolved."""
    for ent in sent.ents:
        if ent.label_ != "DATE":
            continue
        day = resolve_day(ent.text, base, future=looks_future(ent.root))
        if day is not None:
            return day, ent
    return None, None


def _clause_verb(token: Token) -> Token:
    node = token
    for _ in range(8):
        if node.pos_ in {"VERB", "AUX"} or node.head == node:
            return node
        node = node.head
    return node


def day_for(anchor: Token, base: dt.date | None) -> dt.date | None:
    """The day of the DATE expression that belongs to ``anchor``'s clause.

    A date counts when it hangs on the same verb as the anchor (or on the anchor
    itself); a lone date of the sentence counts for the sentence's main clause.
    """
    verb = _clause_verb(anchor)
    candidates: list[tuple[dt.date, bool]] = []
    for ent in anchor.sent.ents:
        if ent.label_ != "DATE":
            continue
        day = resolve_day(ent.text, base, future=looks_future(ent.root))
        if day is None:
            continue
        own = _clause_verb(ent.root.head if ent.root.dep_ == "pobj" else ent.root)
        if own == verb or ent.root.head == anchor or ent.root.head.head == anchor:
            return day
        candidates.append((day, own == anchor.sent.root))
    if len(candidates) == 1 and verb == anchor.sent.root:
        return candidates[0][0]
    return None
