"""Errors the tool reports to a user: every one derives from :class:`GeokgError`."""

from __future__ import annotations

import re
import traceback
from pathlib import Path

# The longest exception message an internal-error line quotes.
MAX_REASON_CHARS = 300
_PACKAGE_DIR = Path(__file__).resolve().parent
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class GeokgError(Exception):
    """Base of every error the tool reports to a user."""


class InputError(GeokgError):
    """One input (a file, a record of a file) that cannot be read.

    ``source`` names the input (a path, or ``path:LINE`` for a record of a
    .jsonl file) and ``reason`` says what is wrong with it.
    """

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self):
        return (type(self), (self.source, self.reason))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, InputError):
            return NotImplemented
        return (self.source, self.reason) == (other.source, other.reason)

    def __hash__(self) -> int:
        return hash((self.source, self.reason))

    def __repr__(self) -> str:
        return f"InputError({self.source!r}, {self.reason!r})"


class DocumentError(GeokgError):
    """An internal error (a bug of the tool, not of the input) while building one document.

    ``doc_id`` names the document (or the file, when reading it failed), ``stage`` the
    step that failed (``read``, ``parse``, ``parse:COMPONENT``, ``resolve``,
    ``extract:EXTRACTOR``, ``merge``, ``map``) and ``reason`` the exception, on one line.
    The exception itself is kept as ``__cause__``.
    """

    def __init__(self, doc_id: str, stage: str, reason: str):
        super().__init__(f"{one_line(doc_id)}: internal error in {stage}: {one_line(reason)}")
        self.doc_id = doc_id
        self.stage = stage
        self.reason = reason

    @classmethod
    def from_exception(cls, doc_id: str, stage: str, exc: BaseException) -> DocumentError:
        """The error for ``exc`` raised in ``stage`` of document ``doc_id``."""
        error = cls(doc_id, stage, describe(exc))
        error.__cause__ = exc
        return error

    def __reduce__(self):
        return (type(self), (self.doc_id, self.stage, self.reason))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DocumentError):
            return NotImplemented
        return (self.doc_id, self.stage, self.reason) == (other.doc_id, other.stage, other.reason)

    def __hash__(self) -> int:
        return hash((self.doc_id, self.stage, self.reason))

    def __repr__(self) -> str:
        return f"DocumentError({self.doc_id!r}, {self.stage!r}, {self.reason!r})"


class OutputError(GeokgError):
    """An output (graph file or store) that cannot be written; what was there is unchanged."""

    def __init__(self, target: str, reason: str):
        super().__init__(f"{target}: {reason}")
        self.target = target
        self.reason = reason

    def __reduce__(self):
        return (type(self), (self.target, self.reason))


class MissingDependencyError(GeokgError, ImportError):
    """A Python package that a feature needs is not installed."""

    def __init__(self, package: str, purpose: str):
        super().__init__(
            f"{purpose} needs the Python package {package!r}, which is not installed "
            f"(pip install {package})"
        )
        self.package = package
        self.purpose = purpose


def describe(exc: BaseException) -> str:
    """One line for an unexpected exception: its type, message and where it was raised.

    The place is the innermost frame in geokg's own code (``kg/extract/agreements.py:120
    in _generic``), else the innermost frame at all.
    """
    try:
        message = one_line(str(exc))
    except Exception:  # an exception whose message cannot be made
        message = "(no message)"
    if len(message) > MAX_REASON_CHARS:
        message = message[:MAX_REASON_CHARS] + "…"
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return text
    ours = [f for f in frames if _in_package(f.filename)]
    frame = (ours or frames)[-1]
    path = Path(frame.filename)
    where = path.resolve().relative_to(_PACKAGE_DIR.parent).as_posix() if ours else path.name
    return f"{text} (at {where}:{frame.lineno} in {frame.name})"


def one_line(text: str) -> str:
    """``text`` on one line: line breaks and control characters escaped, never printed raw."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text.strip())


def _in_package(filename: str) -> bool:
    try:
        return Path(filename).resolve().is_relative_to(_PACKAGE_DIR)
    except (OSError, ValueError):
        return False
