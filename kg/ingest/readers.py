"""One reader per input format: a found file in; (source, Document) pairs and InputErrors out."""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from typing import IO, Any

from kg.errors import InputError
from kg.ingest.cleanup import Cleaned, clean_lines, normalise_line
from kg.ingest.encoding import SNIFF_BYTES, binary_reason, decode, sniff_unicode
from kg.ingest.files import Found, open_regular, os_reason, read_limited, too_large_reason
from kg.ingest.html import declared_charset, parse_html
from kg.ingest.markdown import markdown_lines, split_front_matter, strip_inline
from kg.ingest.metadata import parse_date_text
from kg.ingest.records import JsonError, load_json, record_document
from kg.model import Document

# A file is refused unread when it is this many times larger (in bytes) than the character
# limit: its text cannot fit under the limit. UTF-8 takes up to 4 bytes a character, JSON
# escapes up to 6 ("\u00e9"), and markup, scripts and styles make up most of a web page.
BYTES_PER_CHAR = {".txt": 4, ".md": 4, ".json": 6, ".jsonl": 6, ".html": 10, ".htm": 10}

Result = tuple[str, Document] | InputError


def finish(document: Document | InputError, source: str, max_chars: int) -> Result:
    """(source, ``document``), or the error that it is empty or too long."""
    if isinstance(document, InputError):
        return document
    if not document.text:
        return InputError(source, "empty document")
    if len(document.text) > max_chars:
        return InputError(
            source,
            f"document has {len(document.text)} characters, over the limit of {max_chars}"
            " (set --max-chars)",
        )
    return source, document


def _read_bytes(found: Found, max_chars: int) -> bytes | InputError:
    limit = BYTES_PER_CHAR[found.path.suffix.lower()] * max_chars
    return read_limited(found, limit, max_chars)


def _read_text(found: Found, max_chars: int) -> str | InputError:
    data = _read_bytes(found, max_chars)
    if isinstance(data, InputError):
        return data
    text = decode(data, found.source)
    if isinstance(text, str) and not text.strip():
        return InputError(found.source, "empty document")
    return text


def _split_title(lines: list[str]) -> tuple[str | None, list[str]]:
    """The first non-empty line (without Markdown heading marks) and the lines after it."""
    for i, line in enumerate(lines):
        title = normalise_line(line.strip().strip("#"))
        if title:
            return title, lines[i + 1 :]
        if normalise_line(line):  # a line of '#' only
            return None, lines[i + 1 :]
    return None, []


def _document(found: Found, cleaned: Cleaned, title: str | None) -> Document:
    return Document(
        id=found.name,
        text=cleaned.text,
        title=title or None,
        date=cleaned.date,
        author=cleaned.author,
        source=cleaned.source,
        path=str(found.path),
    )


def read_plain(found: Found, max_chars: int) -> Iterator[Result]:
    """A .txt file: title on the first non-empty line, then the story."""
    text = _read_text(found, max_chars)
    if isinstance(text, InputError):
        yield text
        return
    title, body = _split_title(text.splitlines())
    cleaned = clean_lines(body, title)
    yield finish(_document(found, cleaned, title), found.source, max_chars)


def read_markdown(found: Found, max_chars: int) -> Iterator[Result]:
    """A .md file: like a .txt file, Markdown markup reduced to plain text."""
    text = _read_text(found, max_chars)
    if isinstance(text, InputError):
        yield text
        return
    front, text = split_front_matter(text)
    lines = markdown_lines(text)
    title = normalise_line(strip_inline(front["title"])) if "title" in front else None
    if not title:
        title, lines = _split_title(lines)
    cleaned = clean_lines(lines, title, wrapped=True)
    document = _document(found, cleaned, title)
    document.date = parse_date_text(front.get("date", "")) or document.date
    document.author = normalise_line(front.get("author", "")) or document.author
    document.url = normalise_line(front.get("url") or front.get("link") or "") or None
    yield finish(document, found.source, max_chars)


def read_html(found: Found, max_chars: int) -> Iterator[Result]:
    """An .html / .htm page: its main article text and metadata."""
    data = _read_bytes(found, max_chars)
    if isinstance(data, InputError):
        yield data
        return
    text = decode(data, found.source, declared_charset(data))
    if isinstance(text, InputError):
        yield text
        return
    page = parse_html(text)
    cleaned = clean_lines(page.paragraphs, page.title, wrapped=False)
    document = _document(found, cleaned, page.title)
    document.date = page.date or cleaned.date
    document.author = page.author or cleaned.author
    document.url = page.url
    document.source = page.source or cleaned.source
    yield finish(document, found.source, max_chars)


def _record(record: Any, default_id: str, source: str, found: Found, max_chars: int) -> Result:
    return finish(record_document(record, default_id, source, found.path), source, max_chars)


def read_json(found: Found, max_chars: int) -> Iterator[Result]:
    """A .json file: one record, or a list of records (ids ``name#N`` when they have none)."""
    text = _read_text(found, max_chars)
    if isinstance(text, InputError):
        yield text
        return
    try:
        data = load_json(text)
    except JsonError as e:
        yield InputError(found.source, e.reason)
        return
    if isinstance(data, dict):
        yield _record(data, found.name, found.source, found, max_chars)
    elif isinstance(data, list):
        if not data:
            yield InputError(found.source, "empty document (an empty list)")
        for n, record in enumerate(data, start=1):
            yield _record(record, f"{found.name}#{n}", f"{found.source}#{n}", found, max_chars)
    else:
        yield InputError(found.source, "expected a JSON object or a list of objects")


def _lines(f: IO[Any], limit: int) -> Iterator[tuple[int, bytes | str | int]]:
    """(number, line) of a file; a line over ``limit`` bytes (characters) is given as its size."""
    number = 0
    while True:
        line = f.readline(limit + 1)
        if not line:
            return
        newline = "\n" if isinstance(line, str) else b"\n"
        number += 1
        if len(line) <= limit or line.endswith(newline):
            yield number, line
            continue
        size = len(line)
        while line and not line.endswith(newline):  # skip the rest of the long line
            line = f.readline(1 << 20)
            size += len(line)
        yield number, size


def _jsonl_lines(
    f: IO[bytes], source: str, limit: int, max_chars: int
) -> Iterator[tuple[int, str] | InputError]:
    """The text lines of a .jsonl file in UTF-8 (or UTF-16/32 with a byte order mark or the
    pattern of one): one error per line that is too long or not text."""
    sample = f.read(SNIFF_BYTES)
    unicode = sniff_unicode(sample)
    codec, skip = unicode or ("utf-8", 0)
    if codec == "utf-8":
        head = codecs.getincrementaldecoder("utf-8")("replace").decode(sample[skip:])
        reason = binary_reason(head) if "\x00" in head else None
        if reason:
            yield InputError(source, reason)
            return
    f.seek(skip)
    stream: IO[Any] = f
    if codec != "utf-8":
        stream = io.TextIOWrapper(f, encoding=codec, errors="replace", newline="\n")
        limit //= 2  # characters of UTF-16 or UTF-32, not bytes
    for number, line in _lines(stream, limit):
        if isinstance(line, int):
            yield InputError(f"{source}:{number}", too_large_reason(line, max_chars))
        elif isinstance(line, str):
            yield number, line
        else:
            text = decode(line, f"{source}:{number}")
            yield text if isinstance(text, InputError) else (number, text)


def read_jsonl(found: Found, max_chars: int) -> Iterator[Result]:
    """A .jsonl file, streamed: one record a line, each bad line its own error."""
    limit = BYTES_PER_CHAR[".jsonl"] * max_chars
    try:
        f = open_regular(found.path)
    except OSError as e:
        yield InputError(found.source, os_reason(e))
        return
    with f:
        records = 0
        for item in _jsonl_lines(f, found.source, limit, max_chars):
            if isinstance(item, InputError):
                records += 1
                yield item
                continue
            number, text = item
            if not text.strip():
                continue
            records += 1
            source = f"{found.source}:{number}"
            try:
                record = load_json(text.rstrip(), lines=False)
            except JsonError as e:
                yield InputError(source, e.reason)
                continue
            yield _record(record, f"{found.name}:{number}", source, found, max_chars)
        if records == 0:
            yield InputError(found.source, "empty document")
