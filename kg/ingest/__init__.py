"""Reading articles: files and folders in, :class:`kg.model.Document` objects out.

Formats: .txt / .md (title on the first line), .html / .htm (main article text),
.json (one record or a list) and .jsonl (one record a line, streamed). Every bad input
is yielded as an :class:`kg.errors.InputError` and reading goes on with the next one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.errors import DocumentError, GeokgError, InputError
from kg.ingest.characters import quoted
from kg.ingest.files import (
    SUPPORTED_EXTENSIONS,
    Found,
    expand_paths,
    os_reason,
    unsupported_reason,
)
from kg.ingest.readers import (
    Result,
    read_html,
    read_json,
    read_jsonl,
    read_markdown,
    read_plain,
)
from kg.model import Document

DEFAULT_MAX_CHARS = 1_000_000

_READERS: dict[str, Callable[[Found, int], Iterator[Result]]] = {
    ".txt": read_plain,
    ".md": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".json": read_json,
    ".jsonl": read_jsonl,
}

__all__ = ["DEFAULT_MAX_CHARS", "SUPPORTED_EXTENSIONS", "iter_documents"]


def _read(item: Found, max_chars: int) -> Iterator[Result | DocumentError]:
    reader = _READERS.get(item.path.suffix.lower())
    if reader is None:
        yield InputError(item.source, unsupported_reason(item.path))
        return
    try:
        yield from reader(item, max_chars)
    except OSError as e:
        yield InputError(item.source, os_reason(e))
    except Exception as e:  # a reader's bug costs this file only, as an internal error
        yield DocumentError.from_exception(item.source, "read", e)


def iter_documents(
    paths: Iterable[str | Path],
    max_chars: int = DEFAULT_MAX_CHARS,
    exclude: Iterable[str | Path] = (),
) -> Iterator[Document | InputError | DocumentError]:
    """A Document for each good article under ``paths``, an InputError for each bad input.

    Folders are read recursively in name order, hidden files and folders skipped. Files
    are read one at a time, when reached; a .jsonl file line by line. Paths in ``exclude``
    (the build's own output) are never read. A document whose id an earlier document of
    the same call already has is refused, naming the earlier one. A reader that fails
    unexpectedly costs its file only: a DocumentError (an internal error) names it.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be positive, not {max_chars}")
    if isinstance(paths, str | Path):
        paths = [paths]
    used: dict[str, str] = {}
    for item in expand_paths(paths, exclude):
        if isinstance(item, InputError):
            yield item
            continue
        for result in _read(item, max_chars):
            if isinstance(result, GeokgError):
                yield result
                continue
            source, document = result
            first = used.setdefault(document.id, source)
            if first != source:
                yield InputError(
                    source, f"document id {quoted(document.id)} already used by {first}; skipped"
                )
                continue
            yield document
