"""Finding input files in the paths given, and reading their bytes, with one clear error per
bad entry. Only regular files are ever opened: a FIFO, socket or device is named and skipped,
an unreadable folder is named and the entries beside it are still read."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kg.errors import InputError
from kg.ingest.characters import clean_id, printable

SUPPORTED_EXTENSIONS = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
# What kg build writes: a graph, never an article.
GRAPH_EXTENSIONS = (".trig", ".nq", ".nt", ".ttl", ".jsonld", ".oxigraph")
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_SPECIAL = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


@dataclass(frozen=True)
class Found:
    """A regular file to read: where it is, the identifier it gives, its name in messages."""

    path: Path
    name: str  # the path relative to the folder given, or the file name
    source: str


def os_reason(error: OSError) -> str:
    """The reason of an operating system error, in the words of the system."""
    return (error.strerror or str(error)).lower()


def _not_a_file(mode: int) -> str:
    kind = next((name for test, name in _SPECIAL if test(mode)), "a special file")
    return f"{kind}, not a regular file; skipped"


def unsupported_reason(path: Path) -> str:
    expected = ", ".join(SUPPORTED_EXTENSIONS)
    suffix = path.suffix.lower()
    if suffix in GRAPH_EXTENSIONS:
        return f"a graph file ('{path.suffix}'), not an article (expected {expected})"
    what = f"'{path.suffix}'" if path.suffix else "(no file extension)"
    return f"unsupported format {what} (expected {expected})"


def too_large_reason(size: int, max_chars: int) -> str:
    return (
        f"file is {size} bytes, too large for a document of at most {max_chars} characters"
        " (set --max-chars)"
    )


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symbolic link loop
        return path.absolute()


def _stat_reason(path: Path, error: OSError) -> str:
    if error.errno == errno.ENOENT and os.path.lexists(path):
        return "broken symbolic link"
    return os_reason(error)


def _is_store(names: Iterable[str]) -> bool:
    """Whether a folder holding ``names`` is an Oxigraph (RocksDB) store."""
    names = set(names)
    return "CURRENT" in names and any(n.startswith("MANIFEST-") for n in names)


class _Walk:
    """The state of one expansion: paths excluded, folders and files already reached."""

    def __init__(self, exclude: Iterable[str | Path]):
        exclude = [Path(p) for p in exclude]
        self.excluded = {_resolved(p) for p in exclude}
        self.excluded_names = {p.name for p in self.excluded} | {p.name for p in exclude}
        self.folders: set[tuple[int, int]] = set()
        self.files: dict[tuple[int, int], str] = {}

    def is_excluded(self, path: Path) -> bool:
        if not self.excluded:
            return False
        resolved = _resolved(path)
        return resolved in self.excluded or any(p in self.excluded for p in resolved.parents)

    def is_excluded_entry(self, entry: os.DirEntry[str]) -> bool:
        """Like :meth:`is_excluded`, resolving only entries named like an excluded path and
        symbolic links."""
        try:
            maybe = entry.name in self.excluded_names or entry.is_symlink()
        except OSError:
            maybe = True
        return maybe and self.is_excluded(Path(entry.path))

    def file(self, path: Path, status: os.stat_result, name: str) -> Found | InputError:
        source = printable(str(path))
        key = (status.st_dev, status.st_ino)
        first = self.files.get(key)
        if first is not None:
            return InputError(source, f"same file as {first}; skipped")
        self.files[key] = source
        return Found(path, clean_id(name), source)

    def listing(self, folder: Path) -> list[os.DirEntry[str]] | InputError:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            return InputError(printable(str(folder)), os_reason(e))
        if _is_store(e.name for e in entries):
            return InputError(printable(str(folder)), "an Oxigraph store, not articles; skipped")
        return entries

    def folder(self, root: Path, status: os.stat_result) -> Iterator[Found | InputError]:
        """Files under ``root``, depth first, in name order, hidden entries skipped."""
        self.folders.add((status.st_dev, status.st_ino))
        entries = self.listing(root)
        if isinstance(entries, InputError):
            yield entries
            return
        stack: list[tuple[Iterator[os.DirEntry[str]], str]] = [(iter(entries), "")]
        while stack:
            entries_left, prefix = stack[-1]
            entry = next(entries_left, None)
            if entry is None:
                stack.pop()
                continue
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if self.excluded and self.is_excluded_entry(entry):
                continue  # the build's own output
            try:
                status = entry.stat()
            except OSError as e:
                yield InputError(printable(entry.path), _stat_reason(path, e))
                continue
            if stat.S_ISDIR(status.st_mode):
                key = (status.st_dev, status.st_ino)
                if key in self.folders:  # reached before, through a symbolic link
                    continue
                self.folders.add(key)
                inner = self.listing(path)
                if isinstance(inner, InputError):
                    yield inner
                else:
                    stack.append((iter(inner), f"{prefix}{entry.name}/"))
            elif stat.S_ISREG(status.st_mode):
                yield self.file(path, status, prefix + entry.name)
            else:
                yield InputError(printable(entry.path), _not_a_file(status.st_mode))


def expand_paths(
    paths: Iterable[str | Path], exclude: Iterable[str | Path] = ()
) -> Iterator[Found | InputError]:
    """Every regular file named by ``paths``, folders expanded recursively, in a stable order.

    A file inside a folder is named by its path relative to that folder (``2020/a.txt``), a
    file given directly by its name. Paths in ``exclude`` (and whatever lies inside them) are
    never read: skipped without a word inside a folder, refused when named directly.
    """
    walk = _Walk(exclude)
    for given in paths:
        path = Path(given)
        source = printable(str(given))
        try:
            status = os.stat(path)
        except OSError as e:
            yield InputError(source, _stat_reason(path, e))
            continue
        if walk.is_excluded(path):
            yield InputError(source, "the output of this build; not read as an input")
        elif stat.S_ISDIR(status.st_mode):
            yield from walk.folder(path, status)
        elif stat.S_ISREG(status.st_mode):
            yield walk.file(path, status, path.name)
        else:
            yield InputError(source, _not_a_file(status.st_mode))


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading, if it is a regular file (never blocking on a FIFO that
    replaced it since it was found); raises OSError otherwise."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, _not_a_file(mode))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_limited(found: Found, limit: int, max_chars: int) -> bytes | InputError:
    """The bytes of a file, refusing a file over ``limit`` bytes before reading it."""
    try:
        with open_regular(found.path) as f:
            size = os.fstat(f.fileno()).st_size
            if size > limit:
                return InputError(found.source, too_large_reason(size, max_chars))
            data = f.read(limit + 1)
    except OSError as e:
        return InputError(found.source, os_reason(e))
    if len(data) > limit:  # grew while being read
        return InputError(found.source, too_large_reason(len(data), max_chars))
    return data
