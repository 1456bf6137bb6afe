"""Errors the tool reports to a user."""

from __future__ import annotations


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
