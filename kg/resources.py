"""Where the project's shared files live: ``ontology/`` and ``queries/``.

In a checkout (and an editable install) they sit beside the ``kg`` package; a
regular install puts them under ``<prefix>/share/geokg/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent


def _locate(name: str) -> Path:
    for base in (_REPO, Path(sys.prefix) / "share" / "geokg"):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    return _REPO / name


ONTOLOGY_DIR = _locate("ontology")
QUERIES_DIR = _locate("queries")
