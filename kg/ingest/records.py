"""JSON records: parsing without surprises, and one record to a Document.

Numbers are kept as their JSON text (an ``id`` of 4,301 digits is not an integer Python
refuses to convert, ``1e309`` is not infinity); nesting too deep for the parser is invalid
JSON like any other. A record's ``id`` is kept as given (a number as its JSON text), only
control characters removed; the graph layer makes any identifier a safe IRI.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.ingest.characters import clean_id, quoted
from kg.ingest.cleanup import clean_lines, normalise_line
from kg.ingest.metadata import parse_iso_date
from kg.model import Document

_RECORD_STRINGS = ("title", "url", "source", "author")


@dataclass(frozen=True)
class JsonNumber:
    """A JSON number, as written."""

    text: str


class JsonError(ValueError):
    """Text that is not JSON; ``reason`` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def load_json(text: str, lines: bool = True) -> Any:
    """The value of a JSON text, numbers as :class:`JsonNumber`; raises JsonError."""
    try:
        return json.loads(
            text, parse_int=JsonNumber, parse_float=JsonNumber, parse_constant=JsonNumber
        )
    except json.JSONDecodeError as e:
        where = f"line {e.lineno}, column {e.colno}" if lines else f"column {e.colno}"
        raise JsonError(f"invalid JSON: {e.msg} ({where})") from None
    except RecursionError:
        raise JsonError("invalid JSON: nested too deeply") from None


def json_type(value: Any) -> str:
    """What a JSON value is, in JSON's words."""
    if isinstance(value, dict):
        return "a JSON object"
    if isinstance(value, list):
        return "a JSON array"
    if isinstance(value, str):
        return "a JSON string"
    if isinstance(value, bool):
        return "a JSON boolean"
    if isinstance(value, JsonNumber):
        return "a JSON number"
    return "JSON null"


def _record_id(value: Any) -> str | None:
    if isinstance(value, JsonNumber):
        return value.text
    return clean_id(value) if isinstance(value, str) else None


def _date_error(value: Any) -> str:
    shown = quoted(value) if isinstance(value, str) else json_type(value)
    return f"invalid date {shown} (expected ISO 8601, e.g. 2019-10-15)"


def record_document(record: Any, default_id: str, source: str, path: Path) -> Document | InputError:
    """The Document of one JSON record (``text`` and optional metadata), not yet checked
    for length (see ``readers.finish``)."""
    if not isinstance(record, dict):
        return InputError(source, f"record is {json_type(record)}, not an object")
    text = record.get("text")
    if text is None:
        return InputError(source, "record has no 'text'")
    if not isinstance(text, str):
        return InputError(source, f"'text' is {json_type(text)}, not a string")
    raw_id = record.get("id")
    doc_id = _record_id(raw_id)
    if raw_id is not None and doc_id is None:
        return InputError(source, f"'id' is {json_type(raw_id)}, not a string or a number")
    for key in _RECORD_STRINGS:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            return InputError(source, f"'{key}' is {json_type(value)}, not a string")
    date = None
    if record.get("date") is not None:
        raw_date = record["date"]
        date = parse_iso_date(raw_date) if isinstance(raw_date, str) else None
        if date is None:
            return InputError(source, _date_error(raw_date))
    title = normalise_line(record.get("title") or "") or None
    cleaned = clean_lines(text.splitlines(), title)
    return Document(
        id=doc_id if doc_id and doc_id.strip() else default_id,
        text=cleaned.text,
        title=title,
        date=date or cleaned.date,
        author=normalise_line(record.get("author") or "") or cleaned.author,
        url=normalise_line(record.get("url") or "") or None,
        source=normalise_line(record.get("source") or "") or cleaned.source,
        path=str(path),
    )
