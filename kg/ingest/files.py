"""Finding input files and reading their bytes as text, with one clear error per bad file."""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.errors import InputError

SUPPORTED_EXTENSIONS = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _walk(folder: Path, seen: set[tuple[int, int]]) -> Iterator[Path]:
    """Files under ``folder``, depth first, sorted by name, hidden entries skipped."""
    stat = folder.stat()
    if (stat.st_dev, stat.st_ino) in seen:  # a symbolic link loop
        return
    seen.add((stat.st_dev, stat.st_ino))
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _walk(entry, seen)
        else:
            yield entry


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path | InputError]:
    """Every file named by ``paths``, folders expanded recursively, in a stable order."""
    for given in paths:
        path = Path(given)
        if not path.exists():
            yield InputError(str(given), "no such file or directory")
        elif path.is_dir():
            try:
                yield from _walk(path, set())
            except OSError as e:
                yield InputError(str(e.filename or given), os_reason(e))
        else:
            yield path


def os_reason(error: OSError) -> str:
    """The reason of an operating system error, in the words of the system."""
    return (error.strerror or str(error)).lower()


def unsupported_reason(path: Path) -> str:
    expected = ", ".join(SUPPORTED_EXTENSIONS)
    what = f"'{path.suffix}'" if path.suffix else "(no file extension)"
    return f"unsupported format {what} (expected {expected})"


def too_large_reason(size: int, max_chars: int) -> str:
    return (
        f"file is {size} bytes, too large for a document of at most {max_chars} characters"
        " (set --max-chars)"
    )


def has_binary(data: bytes) -> str | None:
    """Why ``data`` is not text at all, or None."""
    if data.startswith(_UTF16_BOMS):
        return "not valid UTF-8 text (UTF-16 byte order mark)"
    if b"\x00" in data:
        return "binary file (contains NUL bytes)"
    return None


def decode(data: bytes, source: str, encoding: str = "utf-8") -> str | InputError:
    """``data`` as text (a leading byte order mark dropped), or why it is not text."""
    binary = has_binary(data)
    if binary:
        return InputError(source, binary)
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        name = "utf-8"
    try:
        text = data.decode(name)
    except UnicodeDecodeError as e:
        label = "UTF-8" if name == "utf-8" else name
        return InputError(
            source, f"not valid {label} text (byte 0x{data[e.start]:02x} at offset {e.start})"
        )
    return text.removeprefix("\ufeff")


def read_limited(path: Path, limit: int, max_chars: int) -> bytes | InputError:
    """The bytes of ``path``, refusing a file over ``limit`` bytes before reading it."""
    source = str(path)
    try:
        size = os.stat(path).st_size
        if size > limit:
            return InputError(source, too_large_reason(size, max_chars))
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as e:
        return InputError(source, os_reason(e))
    if len(data) > limit:  # grew while being read
        return InputError(source, too_large_reason(len(data), max_chars))
    return data
