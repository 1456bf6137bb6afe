"""Shared fixtures: the sample corpus built once per session, the reference data beside the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

import kg
from kg.build import SAMPLES, SAMPLES_GOLD, BuildResult

REPO = Path(__file__).resolve().parent.parent
# Reference data kept outside the repository; tests that need it skip when it is absent.
SHARED = REPO.parent / "shared"
SEED = SHARED / "data" / "dev" / "seed.jsonl"


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The bundled sample articles (the default corpus of ``kg build``)."""
    return SAMPLES


@pytest.fixture(scope="session")
def samples_gold() -> Path:
    """Gold annotations of the sample articles."""
    return SAMPLES_GOLD


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` (reference data); the test is skipped when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared (reference data) is not present beside the repository")
    return SHARED


@pytest.fixture(scope="session")
def sample_build() -> BuildResult:
    """``kg.build()`` on the sample articles, built once per session."""
    return kg.build()


@pytest.fixture(scope="session")
def sample_trig(sample_build: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample build written to a TriG file (read-only for tests: copy it to change it)."""
    path = tmp_path_factory.mktemp("sample") / "sample.trig"
    sample_build.graph.save(path)
    return path
