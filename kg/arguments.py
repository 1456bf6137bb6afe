"""Checks of the Python API's arguments: a wrong type is a TypeError naming the argument."""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def as_paths(value: Any, name: str) -> list[Path]:
    """One path (str or PathLike) or an iterable of paths, as a list of paths."""
    if isinstance(value, str | os.PathLike):
        return [as_path(value, name)]
    if isinstance(value, bytes) or not isinstance(value, Iterable):
        raise TypeError(
            f"{name}: expected a path (str or pathlib.Path) or a list of paths, "
            f"not {type(value).__name__}"
        )
    return [as_path(item, f"{name}[{i}]") for i, item in enumerate(value)]


def as_path(value: Any, name: str) -> Path:
    """A path given as str or PathLike; an empty string is refused (it would mean '.')."""
    path = os.fspath(value) if isinstance(value, str | os.PathLike) else None
    if not isinstance(path, str):
        wanted = "a path (str or pathlib.Path)"
        raise TypeError(f"{name}: expected {wanted}, not {type(value).__name__}")
    if not path:
        raise ValueError(f"{name}: an empty path")
    return Path(path)


def fraction(value: Any, name: str) -> float:
    """A number between 0 and 1, both included."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a number between 0 and 1, not {type(value).__name__}")
    if math.isnan(value) or not 0 <= value <= 1:
        raise ValueError(f"{name}: expected a number between 0 and 1, not {value!r}")
    return float(value)


def positive_int(value: Any, name: str) -> int:
    """An integer of at least 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected a positive integer, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name}: expected a positive integer, not {value!r}")
    return int(value)


def optional_callable(value: Any, name: str) -> Any:
    """A callable or None."""
    if value is not None and not callable(value):
        raise TypeError(f"{name}: expected a function or None, not {type(value).__name__}")
    return value


def callables(value: Any, name: str) -> list[Any]:
    """A list of callables."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise TypeError(f"{name}: expected a list of functions, not {type(value).__name__}")
    items = list(value)
    for i, item in enumerate(items):
        if not callable(item):
            raise TypeError(f"{name}[{i}]: expected a function, not {type(item).__name__}")
    return items


def instance(value: Any, kind: Any, name: str) -> Any:
    """``value`` if it is of type ``kind``."""
    if not isinstance(value, kind):
        wanted = getattr(kind, "__name__", None) or str(kind)
        raise TypeError(f"{name}: expected {wanted}, not {type(value).__name__}")
    return value
