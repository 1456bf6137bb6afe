"""Reading articles: files and folders in, :class:`kg.model.Document` objects out.

Formats: .txt / .md (title on the first line), .html / .htm (main article text),
.json (one record or a list) and .jsonl (one record a line, streamed). Every bad input
is yielded as an :class:`kg.errors.InputError` and reading goes on with the next one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.ingest.files import SUPPORTED_EXTENSIONS, expand_paths, os_reason, unsupported_reason
from kg.ingest.readers import read_html, read_json, read_jsonl, read_markdown, read_plain
from kg.model import Document

DEFAULT_MAX_CHARS = 1_000_000

_READERS: dict[str, Callable[[Path, int], Iterator[Document | InputError]]] = {
    ".txt": read_plain,
    ".md": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".json": read_json,
    ".jsonl": read_jsonl,
}

__all__ = ["DEFAULT_MAX_CHARS", "SUPPORTED_EXTENSIONS", "iter_documents"]


def iter_documents(
    paths: Iterable[str | Path], max_chars: int = DEFAULT_MAX_CHARS
) -> Iterator[Document | InputError]:
    """A Document for each good article under ``paths``, an InputError for each bad input.

    Folders are read recursively in name order, hidden files and folders skipped. Files
    are read one at a time, when reached; a .jsonl file line by line.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be positive, not {max_chars}")
    if isinstance(paths, str | Path):
        paths = [paths]
    for item in expand_paths(paths):
        if isinstance(item, InputError):
            yield item
            continue
        reader = _READERS.get(item.suffix.lower())
        if reader is None:
            yield InputError(str(item), unsupported_reason(item))
            continue
        try:
            yield from reader(item, max_chars)
        except OSError as e:
            yield InputError(str(item), os_reason(e))
