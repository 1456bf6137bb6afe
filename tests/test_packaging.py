"""What a non-editable install ships: every data file the package reads is package data."""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kg"


def _globs() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["setuptools"]["package-data"]["kg"]


def test_every_file_under_kg_data_is_package_data():
    globs = _globs()
    files = [p.relative_to(PACKAGE).as_posix() for p in (PACKAGE / "data").rglob("*")]
    files = [f for f in files if (PACKAGE / f).is_file() and "__pycache__" not in f]
    assert files
    # setuptools matches each glob against paths relative to the package, "*" within a folder
    missing = [
        f for f in files if not any(fnmatch(f, g) and f.count("/") == g.count("/") for g in globs)
    ]
    assert missing == []
