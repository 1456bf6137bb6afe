"""One reader per input format: a file in, Documents and InputErrors out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from kg.errors import InputError
from kg.ingest.cleanup import Cleaned, clean_lines, normalise_line
from kg.ingest.files import decode, has_binary, os_reason, read_limited, too_large_reason
from kg.ingest.html import declared_charset, parse_html
from kg.ingest.markdown import markdown_lines, split_front_matter, strip_inline
from kg.ingest.metadata import parse_date_text, parse_iso_date
from kg.model import Document

# A file is refused unread when it is this many times larger (in bytes) than the character
# limit: its text cannot fit under the limit. UTF-8 takes up to 4 bytes a character, JSON
# escapes up to 6 ("\u00e9"), and markup, scripts and styles make up most of a web page.
BYTES_PER_CHAR = {".txt": 4, ".md": 4, ".json": 6, ".jsonl": 6, ".html": 10, ".htm": 10}
_BINARY_SNIFF_BYTES = 8192
_RECORD_STRINGS = ("title", "url", "source", "author")

Result = Document | InputError


def finish(document: Document, source: str, max_chars: int) -> Result:
    """``document``, or the error that it is empty or too long."""
    if not document.text:
        return InputError(source, "empty document")
    if len(document.text) > max_chars:
        return InputError(
            source,
            f"document has {len(document.text)} characters, over the limit of {max_chars}"
            " (set --max-chars)",
        )
    return document


def _read_text(path: Path, max_chars: int) -> str | InputError:
    data = read_limited(path, BYTES_PER_CHAR[path.suffix.lower()] * max_chars, max_chars)
    if isinstance(data, InputError):
        return data
    text = decode(data, str(path))
    if isinstance(text, str) and not text.strip():
        return InputError(str(path), "empty document")
    return text


def _split_title(lines: list[str]) -> tuple[str | None, list[str]]:
    """The first non-empty line (without Markdown heading marks) and the lines after it."""
    for i, line in enumerate(lines):
        if line.strip():
            return normalise_line(line.strip().strip("#")), lines[i + 1 :]
    return None, []


def _document(path: Path, doc_id: str, cleaned: Cleaned, title: str | None) -> Document:
    return Document(
        id=doc_id,
        text=cleaned.text,
        title=title or None,
        date=cleaned.date,
        author=cleaned.author,
        source=cleaned.source,
        path=str(path),
    )


def read_plain(path: Path, max_chars: int) -> Iterator[Result]:
    """A .txt file: title on the first non-empty line, then the story."""
    text = _read_text(path, max_chars)
    if isinstance(text, InputError):
        yield text
        return
    title, body = _split_title(text.splitlines())
    cleaned = clean_lines(body, title)
    yield finish(_document(path, path.name, cleaned, title), str(path), max_chars)


def read_markdown(path: Path, max_chars: int) -> Iterator[Result]:
    """A .md file: like a .txt file, Markdown markup reduced to plain text."""
    text = _read_text(path, max_chars)
    if isinstance(text, InputError):
        yield text
        return
    front, text = split_front_matter(text)
    lines = markdown_lines(text)
    title = normalise_line(strip_inline(front["title"])) if "title" in front else None
    if title is None:
        title, lines = _split_title(lines)
    cleaned = clean_lines(lines, title, wrapped=True)
    document = _document(path, path.name, cleaned, title)
    document.date = parse_date_text(front.get("date", "")) or document.date
    document.author = front.get("author") or document.author
    document.url = front.get("url") or front.get("link")
    yield finish(document, str(path), max_chars)


def read_html(path: Path, max_chars: int) -> Iterator[Result]:
    """An .html / .htm page: its main article text and metadata."""
    data = read_limited(path, BYTES_PER_CHAR[path.suffix.lower()] * max_chars, max_chars)
    if isinstance(data, InputError):
        yield data
        return
    text = decode(data, str(path), declared_charset(data) or "utf-8")
    if isinstance(text, InputError):
        yield text
        return
    page = parse_html(text)
    cleaned = clean_lines(page.paragraphs, page.title, wrapped=False)
    document = _document(path, path.name, cleaned, page.title)
    document.date = page.date or cleaned.date
    document.author = page.author or cleaned.author
    document.url = page.url
    document.source = page.source or cleaned.source
    yield finish(document, str(path), max_chars)


def record_document(
    record: Any, default_id: str, source: str, path: Path, max_chars: int
) -> Result:
    """The Document of one JSON record (``text`` and optional metadata)."""
    if not isinstance(record, dict):
        return InputError(source, f"record is a JSON {type(record).__name__}, not an object")
    if "text" not in record or record["text"] is None:
        return InputError(source, "record has no 'text'")
    text = record["text"]
    if not isinstance(text, str):
        return InputError(source, "'text' is not a string")
    doc_id = record.get("id")
    if doc_id is not None and (isinstance(doc_id, bool) or not isinstance(doc_id, str | int)):
        return InputError(source, "'id' is not a string or a number")
    for key in _RECORD_STRINGS:
        if record.get(key) is not None and not isinstance(record[key], str):
            return InputError(source, f"'{key}' is not a string")
    date = None
    if record.get("date") is not None:
        raw_date = record["date"]
        date = parse_iso_date(raw_date) if isinstance(raw_date, str) else None
        if date is None:
            return InputError(
                source, f"invalid date {raw_date!r} (expected ISO 8601, e.g. 2019-10-15)"
            )
    title = normalise_line(record.get("title") or "") or None
    cleaned = clean_lines(text.splitlines(), title)
    document = Document(
        id=str(doc_id) if doc_id is not None and str(doc_id).strip() else default_id,
        text=cleaned.text,
        title=title,
        date=date or cleaned.date,
        author=record.get("author") or cleaned.author,
        url=record.get("url") or None,
        source=record.get("source") or cleaned.source,
        path=str(path),
    )
    return finish(document, source, max_chars)


def _json_error(error: json.JSONDecodeError) -> str:
    return f"invalid JSON: {error.msg} (line {error.lineno}, column {error.colno})"


def read_json(path: Path, max_chars: int) -> Iterator[Result]:
    """A .json file: one record, or a list of records (ids ``name#N`` when they have none)."""
    text = _read_text(path, max_chars)
    if isinstance(text, InputError):
        yield text
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        yield InputError(str(path), _json_error(e))
        return
    if isinstance(data, dict):
        yield record_document(data, path.name, str(path), path, max_chars)
    elif isinstance(data, list):
        if not data:
            yield InputError(str(path), "empty document (an empty list)")
        for n, record in enumerate(data, start=1):
            yield record_document(record, f"{path.name}#{n}", f"{path}#{n}", path, max_chars)
    else:
        yield InputError(str(path), "expected a JSON object or a list of objects")


def _lines(f: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | int]]:
    """(number, line) of a binary file; a line over ``limit`` bytes is given as its size."""
    number = 0
    while True:
        line = f.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) <= limit or line.endswith(b"\n"):
            yield number, line
            continue
        size = len(line)
        while line and not line.endswith(b"\n"):  # skip the rest of the long line
            line = f.readline(1 << 20)
            size += len(line)
        yield number, size


def read_jsonl(path: Path, max_chars: int) -> Iterator[Result]:
    """A .jsonl file, streamed: one record a line, each bad line its own error."""
    limit = BYTES_PER_CHAR[".jsonl"] * max_chars
    try:
        f = open(path, "rb")
    except OSError as e:
        yield InputError(str(path), os_reason(e))
        return
    with f:
        binary = has_binary(f.read(_BINARY_SNIFF_BYTES))
        if binary:
            yield InputError(str(path), binary)
            return
        f.seek(0)
        records = 0
        for number, line in _lines(f, limit):
            source = f"{path}:{number}"
            if isinstance(line, int):
                yield InputError(source, too_large_reason(line, max_chars))
                records += 1
                continue
            if number == 1:
                line = line.removeprefix(b"\xef\xbb\xbf")
            text = decode(line, source)
            if isinstance(text, InputError):
                yield text
                records += 1
                continue
            if not text.strip():
                continue
            records += 1
            try:
                record = json.loads(text.rstrip())
            except json.JSONDecodeError as e:
                yield InputError(source, f"invalid JSON: {e.msg} (column {e.colno})")
                continue
            yield record_document(record, f"{path.name}:{number}", source, path, max_chars)
        if records == 0:
            yield InputError(str(path), "empty document")
