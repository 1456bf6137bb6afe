"""Article text from raw lines: header, bylines, datelines and trailing boilerplate removed.

The steps, in order: whitespace is normalised in every line; the leading lines that repeat
the title or are bylines / date lines are taken as metadata; photo credits and "(This
article was written by ...)" notes are cut from their lines (the writer kept as author);
trailing web boilerplate is cut; lines that are never story text (map legends,
"Advertisement", an "Also read:" link) are dropped; lines are grouped into paragraphs; a
dateline opening the first paragraph is cut (its agency and date kept); a short item gets
its headline back as its first paragraph.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from kg.ingest.characters import clean_chars
from kg.ingest.metadata import match_dateline, parse_byline
from kg.ingest.patterns import load_patterns

# How many leading non-blank lines may be header (title repeats, bylines, date lines).
_HEADER_LINES = 6
# Hard-wrapped plain text has no line longer than this.
_WRAP_WIDTH = 100
# A story shorter than this (in characters) is a short item: its headline is analysed too.
SHORT_ITEM_CHARS = 600
_SPACES = re.compile(r"\s+")


@dataclass
class Cleaned:
    """Cleaned article text and the metadata its header and dateline gave."""

    text: str
    author: str | None = None
    date: dt.date | None = None
    source: str | None = None  # agency of a dateline or byline
    headline: bool = False  # the text opened with its title


def normalise_line(line: str) -> str:
    """One line with control and invisible characters removed (see
    :func:`kg.ingest.characters.clean_chars`) and every run of white space one space."""
    return _SPACES.sub(" ", clean_chars(line)).strip()


def _title_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in folded if c.isalnum())


def same_title(line: str, title: str) -> bool:
    """Whether ``line`` repeats ``title`` (case, punctuation and spacing aside)."""
    key = _title_key(title)
    return bool(key) and _title_key(line) == key


def _never_text(line: str) -> bool:
    return bool(load_patterns().drop_line.match(line))


def _take_header(lines: list[str], title: str | None, found: Cleaned) -> int:
    """Read the leading title repeats and bylines into ``found``; index of the first body
    line. ``found.headline`` is set when the text repeats its title."""
    i = examined = 0
    while i < len(lines) and examined < _HEADER_LINES:
        line = lines[i]
        if not line or _never_text(line):
            i += 1
            continue
        examined += 1
        if title and same_title(line, title):
            found.headline = True
            i += 1
            continue
        byline = parse_byline(line)
        if byline is None:
            break
        found.author = found.author or byline.author
        found.date = found.date or byline.date
        found.source = found.source or byline.source
        i += 1
    return i


def is_story_line(line: str) -> bool:
    """Whether a line reads as story text: long enough and ending like a sentence
    (not a link, a heading or a list of related headlines)."""
    patterns = load_patterns()
    return len(line.split()) >= patterns.story_min_words and bool(patterns.story_end.search(line))


def _cut_tail(lines: list[str]) -> list[str]:
    """Lines before the first boilerplate marker ("Leave a Reply") near the end of the text.

    Each group of markers cuts only from its share of the text on (by characters), so that
    a marker that may also sit inside a story ("Also read:") does not cut the story short;
    such a marker does not cut at all where story text follows it.
    """
    tiers = load_patterns().cut
    total = sum(len(line) for line in lines)
    story_after = [False] * (len(lines) + 1)
    for i in range(len(lines) - 1, -1, -1):
        story_after[i] = story_after[i + 1] or is_story_line(lines[i])
    position = 0
    seen_text = False
    for i, line in enumerate(lines):
        if not line:
            continue
        share = position / total
        if seen_text and any(
            share >= start and p.match(line) and not (unless_story and story_after[i + 1])
            for start, p, unless_story in tiers
        ):
            return lines[:i]
        position += len(line)
        seen_text = seen_text or not _never_text(line)
    return lines


def strip_credits(line: str, found: Cleaned) -> str:
    """A line without its photo credit or "(This article was written by ...)" note;
    the writer named becomes the author when none is known."""
    for pattern in load_patterns().credits:
        m = pattern.search(line)
        if m is None:
            continue
        author = m.groupdict().get("author")
        if author and found.author is None:
            found.author = author.strip(" .,;")
        line = (line[: m.start()] + line[m.end() :]).strip()
    return line


def _with_headline(paragraphs: list[str], title: str | None, found: Cleaned) -> list[str]:
    """A short item's headline kept as its first paragraph where the text opens with it:
    in a brief of a few lines the headline is story text (a long article's title repeated
    on top is a page title). A trailing "(AP)" is the agency."""
    if not title or not found.headline:
        return paragraphs
    m = load_patterns().headline_agency.search(title)
    if m is not None:
        found.source = found.source or load_patterns().agency(m["agency"])
        title = title[: m.start()].strip()
    if not title or sum(len(p) for p in paragraphs) >= SHORT_ITEM_CHARS:
        return paragraphs
    if paragraphs and same_title(paragraphs[0], title):
        return paragraphs
    return [title, *paragraphs]


def looks_wrapped(lines: list[str]) -> bool:
    """Whether plain text is hard-wrapped: short lines, some paragraph spanning several."""
    if not lines or max(len(line) for line in lines) > _WRAP_WIDTH:
        return False
    return any(a and b for a, b in pairwise(lines))


def _paragraphs(lines: list[str], wrapped: bool) -> list[str]:
    if not wrapped:
        return [line for line in lines if line]
    paragraphs: list[str] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line:
            block.append(line)
        elif block:
            paragraphs.append(" ".join(block))
            block = []
    return paragraphs


def _take_dateline(paragraphs: list[str], found: Cleaned) -> list[str]:
    """Cut the dateline opening the first paragraph (dropping a paragraph that is only that)."""
    for _ in range(2):
        if not paragraphs:
            break
        dateline = match_dateline(paragraphs[0])
        if dateline is None:
            break
        found.source = found.source or dateline.agency
        found.date = found.date or dateline.date
        rest = paragraphs[0][dateline.end :].strip()
        if rest:
            paragraphs[0] = rest
            break
        paragraphs = paragraphs[1:]
    return paragraphs


def clean_lines(
    lines: Iterable[str], title: str | None = None, wrapped: bool | None = None
) -> Cleaned:
    """Clean article text given as lines.

    ``wrapped``: True joins the consecutive lines of a block into one paragraph (Markdown,
    hard-wrapped text), False makes every line a paragraph (HTML paragraphs), None decides
    from the text itself. Paragraphs of the result are separated by one blank line.
    """
    normalised = [normalise_line(line) for line in lines]
    found = Cleaned(text="")
    body = normalised[_take_header(normalised, title, found) :]
    body = _cut_tail([strip_credits(line, found) if line else line for line in body])
    body = ["" if _never_text(line) else line for line in body]
    if wrapped is None:
        wrapped = looks_wrapped(body)
    paragraphs = _take_dateline(_paragraphs(body, wrapped), found)
    found.text = "\n\n".join(_with_headline(paragraphs, title, found))
    return found


def clean_text(text: str, title: str | None = None, wrapped: bool | None = None) -> Cleaned:
    """Clean plain article text (see :func:`clean_lines`)."""
    return clean_lines(text.splitlines(), title, wrapped)
