"""Publication metadata found in text: dates, bylines and datelines."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import dateparser

from kg.ingest.patterns import load_patterns

_DATEPARSER_SETTINGS = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PREFER_DATES_FROM": "past",
}
# Bylines are short; a longer line is story text.
_MAX_BYLINE = 160
_MAX_DATE_TEXT = 60
_MAX_NAME_WORDS = 5
_MAX_AUTHORS = 4
# Parts of a byline line: "September 3rd, 2017 | by Jane Doe", "Jane Doe · 5 min read".
_BYLINE_SEPARATOR = re.compile(r"\s*(?:[|·•]|\s[-–—]\s)\s*")
_AUTHOR_SEPARATOR = re.compile(r"\s*(?:,|&|\band\b)\s*")
_NAME_WORD = re.compile(r"[^\W\d_][\w.'’\-]*")
_USERNAME = re.compile(r"[\w.\-]{2,30}")
_INNER_BY = re.compile(r"\s+by\s+", re.IGNORECASE)
_STAFF_SUFFIX = re.compile(r"\s+(?:staff|reporters?|correspondents?)$", re.IGNORECASE)
_THE = re.compile(r"^the\s+", re.IGNORECASE)


@dataclass
class Byline:
    """What a byline or date line says."""

    author: str | None = None
    date: dt.date | None = None
    source: str | None = None


@dataclass(frozen=True)
class Dateline:
    """A dateline at the start of a paragraph: ``paragraph[:end]`` is cut."""

    end: int
    agency: str | None
    date: dt.date | None


def parse_iso_date(value: str) -> dt.date | None:
    """The date of an ISO 8601 date or date-time string, or None if it is not one."""
    value = value.strip()
    if not value or not value[0].isdigit():
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(value).date()
    except ValueError:
        return None


def parse_date_text(text: str) -> dt.date | None:
    """A full date (day, month and year) written in English, or None."""
    text = text.strip()
    if not text or len(text) > _MAX_DATE_TEXT or not any(c.isdigit() for c in text):
        return None
    iso = parse_iso_date(text)
    if iso is not None:
        return iso
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=_DATEPARSER_SETTINGS)
    except (ValueError, OverflowError):
        return None
    return parsed.date() if parsed else None


def _is_name(text: str, strict: bool) -> bool:
    """Whether ``text`` looks like one person's name.

    Strict: capitalised words and name particles ("Jane Doe", "Ursula von der Leyen").
    Otherwise a user name is accepted too ("admin"), for a line that also holds a date.
    """
    patterns = load_patterns()
    words = text.split()
    if not 1 <= len(words) <= _MAX_NAME_WORDS or words[0].casefold() in patterns.not_names:
        return False
    if not strict and len(words) == 1 and _USERNAME.fullmatch(text):
        return True
    capitalised = 0
    for word in words:
        if word.casefold() in patterns.name_particles:
            continue
        if not (_NAME_WORD.fullmatch(word) and word[0].isupper()):
            return False
        capitalised += 1
    return capitalised > 0


def _parse_author(text: str, strict: bool) -> Byline | None:
    """The author(s) and agency of the text after "by": "Jane Doe and John Roe, Reuters"."""
    patterns = load_patterns()
    text = text.strip(" .,;:")
    found = Byline()
    agency = patterns.agency(_STAFF_SUFFIX.sub("", _THE.sub("", text)))
    if agency:
        return Byline(source=agency)
    names = [n for n in _AUTHOR_SEPARATOR.split(text) if n]
    for i, name in enumerate(list(names)):
        # "Jane Doe, Reuters" / "Jane Doe for Reuters"
        for_agency = re.match(r"^(.*?)\s+(?:for|of)\s+(.+)$", name, re.IGNORECASE)
        if patterns.agency(name):
            found.source = found.source or patterns.agency(name)
            names[i] = ""
        elif for_agency and patterns.agency(for_agency[2]):
            found.source = found.source or patterns.agency(for_agency[2])
            names[i] = for_agency[1]
    names = [n for n in names if n]
    if not names:
        return found if found.source else None
    if len(names) > _MAX_AUTHORS or not all(_is_name(n, strict) for n in names):
        return None
    found.author = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return found


def parse_byline(line: str) -> Byline | None:
    """Author, date and agency of a byline or date line, or None if ``line`` is not one.

    Recognised: "By Jane Doe", "September 3rd, 2017 | by Jane Doe", "Published: 2019-10-15",
    "Posted on March 3, 2019 by admin", "Jane Doe | 15 October 2019", "October 15, 2019".
    """
    patterns = load_patterns()
    line = line.strip()
    if not line or len(line) > _MAX_BYLINE:
        return None
    dates: list[dt.date] = []
    by_names: list[str] = []
    bare_names: list[str] = []
    sources: list[str] = []
    for part in _BYLINE_SEPARATOR.split(line):
        part = part.strip(" ,;")
        if not part:
            continue
        label = patterns.byline_label.match(part)
        labelled = bool(label and label.end() > 0)
        if labelled:
            part = part[label.end() :].strip()
            if not part:
                continue
        pieces = _INNER_BY.split(part, maxsplit=1)
        if len(pieces) == 2 and not patterns.byline_by.match(part):
            # "March 3, 2019 by admin"
            date = parse_date_text(pieces[0])
            if date is None:
                return None
            dates.append(date)
            by_names.append(pieces[1])
            continue
        by = patterns.byline_by.match(part)
        if by and not labelled:
            by_names.append(part[by.end() :])
            continue
        if patterns.byline_noise.fullmatch(part):
            continue
        if not labelled and patterns.agency(part):
            sources.append(patterns.agency(part))
            continue
        date = parse_date_text(part)
        if date is not None:
            dates.append(date)
            continue
        if labelled or not _is_name(part, strict=True):
            return None
        bare_names.append(part)

    found = Byline(date=dates[0] if dates else None, source=sources[0] if sources else None)
    for name in by_names:
        author = _parse_author(name, strict=not dates)
        if author is None:
            return None
        found.author = found.author or author.author
        found.source = found.source or author.source
    if bare_names:
        # A bare name is an author only beside a date, a "by" or an agency, and only a
        # full name: "Jane Doe | Reuters" but not "Syria | Reuters".
        if not (dates or by_names or sources) or len(bare_names) > 1:
            return None
        if len(bare_names[0].split()) < 2:
            return None
        found.author = found.author or bare_names[0]
    if found.author is None and found.date is None and found.source is None:
        return None
    return found


def match_dateline(paragraph: str) -> Dateline | None:
    """The dateline opening ``paragraph`` ("CAIRO – 26 July 2022 –", "(Reuters) -"), if any."""
    patterns = load_patterns()
    for pattern in patterns.datelines:
        m = pattern.match(paragraph)
        if not m or m.end() == 0:
            continue
        rest = paragraph[m.end() :]
        if rest[:1].islower():  # "NATO – allies agreed": a sentence, not a dateline
            continue
        groups = m.groupdict()
        date = parse_date_text(groups["date"]) if groups.get("date") else None
        return Dateline(end=m.end(), agency=patterns.agency(groups.get("agency")), date=date)
    return None
