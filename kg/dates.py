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

from kg.lexicon import lexicon
from kg.resolve.sentences import token_sentence_words

_DAY_WORDS = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow|"
    r"jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|"
    r"oct(ober)?|nov(ember)?|dec(ember)?)\b",
    re.IGNORECASE,
)
# A date expression longer than this names no single day or month ("the second Tuesday
# of next month" is 32 characters); the parser is not given it.
MAX_EXPRESSION = 80
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_LEADING_WORDS = re.compile(r"^(later|earlier|late|early|on|by|since|until)\s+", re.IGNORECASE)
_RELATIVE_YEAR = re.compile(r"\b(last|this|next)\s+year\b", re.IGNORECASE)
_LAST_WEEKDAY = re.compile(
    r"^last\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)$", re.IGNORECASE
)


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


@lru_cache(maxsize=4096)
def resolve_day(text: str, base: dt.date | None, future: bool = False) -> dt.date | None:
    """The day a date expression names, or None when it names no single day.

    ``future`` picks the next matching day instead of the last one before ``base``
    for expressions such as "on Tuesday" or "March 3".
    """
    text = text.strip()
    while _LEADING_WORDS.match(text):
        text = _LEADING_WORDS.sub("", text, count=1)
    shift = 0
    relative_year = _RELATIVE_YEAR.search(text)
    if relative_year and base is not None:
        # "March 20 last year": the day in the year before the document's
        shift = {"last": -1, "this": 0, "next": 1}[relative_year.group(1).lower()]
        text = _RELATIVE_YEAR.sub("", text).strip() + f" {base.year + shift}"
    if not _DAY_WORDS.search(text):
        return None
    if base is None and not re.search(r"\b\d{4}\b", text):
        return None
    if len(text) > MAX_EXPRESSION:
        return None
    base = base or dt.date(2000, 1, 1)
    data = _parser(base, "future" if future else "past").get_date_data(text)
    if data is None or data.date_obj is None or data.period != "day":
        return None
    day = data.date_obj.date()
    # "last Thursday" said on a Friday is not yesterday (that would be "yesterday"),
    # but the Thursday of the week before.
    if _LAST_WEEKDAY.match(text) and (base - day).days == 1:
        day -= dt.timedelta(days=7)
    return day


@lru_cache(maxsize=1024)
def resolve_year(text: str, base: dt.date | None) -> int | None:
    """The year a month expression of the past falls in ("September" said in
    February 2024 is 2023); an explicit year wins."""
    text = text.strip()
    explicit = re.search(r"\b(1[89]\d\d|20\d\d)\b", text)
    if explicit:
        return int(explicit.group(1))
    if base is None or not _DAY_WORDS.search(text) or len(text) > MAX_EXPRESSION:
        return None
    data = _parser(base, "past").get_date_data(text)
    if data is None or data.date_obj is None or data.period not in {"month", "day"}:
        return None
    return data.date_obj.year


def year_of(text: str) -> int | None:
    """A four-digit year written on its own ("in 2001", "the 1974 deal")."""
    text = text.strip()
    return int(text) if _YEAR.match(text) else None


def looks_future(token: Token) -> bool:
    """Whether the clause governing ``token`` speaks of the future.

    The verb's tense decides: a past form looks back; "will", "shall", "going to"
    or a present form with a future word ("next", "upcoming", "tomorrow") looks ahead.
    """
    words = lexicon().words
    future_aux = words("future_auxiliaries")
    verb = token
    while verb.pos_ not in {"VERB", "AUX"} and verb.head != verb:
        verb = verb.head
    if verb.tag_ in {"VBD", "VBN"} and not any(c.lower_ in future_aux for c in verb.children):
        return False
    if any(c.lower_ in future_aux or c.lemma_ == "go" and c.tag_ == "VBG" for c in verb.children):
        return True
    if (
        verb.tag_ in {"VBZ", "VBP"}
        and verb.lemma_ not in words("reporting_verbs")
        and verb.lemma_ != "be"
    ):
        return True  # "the summit, which opens on June 28": the present of a schedule
    return not words("future_words").isdisjoint(token_sentence_words(token))


def sentence_day(
    sent: Span, base: dt.date | None, ents: list[Span] | None = None
) -> tuple[dt.date | None, Span | None]:
    """The first DATE entity of a sentence that names a day, resolved.

    ``ents`` are the sentence's entities when the caller has them at hand
    (``Span.ents`` reads the whole document)."""
    for ent in sent.ents if ents is None else ents:
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


class SentenceDates:
    """The day expressions of one sentence, resolved once, with the clause each belongs
    to: ``day_for`` answers for any anchor of the sentence without going through every
    date of it again (a sentence may hold hundreds)."""

    def __init__(self, sent: Span, base: dt.date | None, ents: list[Span] | None = None):
        self.sent = sent
        self._root: Token | None = None
        self.days: list[dt.date] = []
        # token index → the first date whose clause verb / head / head's head it is
        self._by_verb: dict[int, int] = {}
        self._by_head: dict[int, int] = {}
        self._by_grand: dict[int, int] = {}
        self._relative: list[tuple[int, int]] = []  # (head of its relcl/acl clause, date)
        for ent in sent.ents if ents is None else ents:
            if ent.label_ != "DATE":
                continue
            day = resolve_day(ent.text, base, future=looks_future(ent.root))
            if day is None:
                continue
            root = ent.root
            own = _clause_verb(root.head if root.dep_ == "pobj" else root)
            n = len(self.days)
            self.days.append(day)
            self._by_verb.setdefault(own.i, n)
            self._by_head.setdefault(root.head.i, n)
            self._by_grand.setdefault(root.head.head.i, n)
            if own.dep_ in {"relcl", "acl"}:
                self._relative.append((own.head.i, n))

    def day_for(self, anchor: Token) -> dt.date | None:
        """The day of the DATE expression that belongs to ``anchor``'s clause.

        A date counts when it hangs on the same verb as the anchor (or on the anchor
        itself); a lone date of the sentence counts for the sentence's main clause.
        """
        verb = _clause_verb(anchor)
        none = len(self.days)
        first = min(
            self._by_verb.get(verb.i, none),
            self._by_head.get(anchor.i, none),
            self._by_grand.get(anchor.i, none),
        )
        left, right = anchor.left_edge.i, anchor.right_edge.i
        for head, n in self._relative:
            if n >= first:
                break
            if left <= head <= right:
                first = n  # "the summit, which opens on June 28"
                break
        if first < none:
            return self.days[first]
        if none == 1 and verb == self.root:
            return self.days[0]
        return None

    @property
    def root(self) -> Token:
        if self._root is None:
            self._root = self.sent.root  # spaCy finds it by reading the whole sentence
        return self._root


def day_for(anchor: Token, base: dt.date | None, ents: list[Span] | None = None) -> dt.date | None:
    """The day of the DATE expression that belongs to ``anchor``'s clause
    (:meth:`SentenceDates.day_for`). ``ents`` are the entities of the anchor's
    sentence when the caller has them."""
    return SentenceDates(anchor.sent, base, ents).day_for(anchor)
