"""SHACL validation of a built graph against ontology/shapes.ttl."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph

from kg.resources import ONTOLOGY_DIR  # noqa: E402

SHAPES_PATH = ONTOLOGY_DIR / "shapes.ttl"
ONTOLOGY_PATH = ONTOLOGY_DIR / "geokg.ttl"


@lru_cache(maxsize=4)
def shapes_graph(path: Path = SHAPES_PATH) -> Graph:
    """SHACL shapes read from ``path`` (the project's shapes by default)."""
    return Graph().parse(path, format="turtle")


def validate_graph(data: Graph | Dataset, shapes: Path = SHAPES_PATH) -> tuple[bool, str]:
    """Validate the union of all graphs; returns (conforms, report text)."""
    union = Graph()
    if isinstance(data, Dataset):
        for s, p, o, _ in data.quads((None, None, None, None)):
            union.add((s, p, o))
    else:
        for triple in data:
            union.add(triple)
    conforms, _, text = shacl_validate(
        union,
        shacl_graph=shapes_graph(shapes),
        inference="none",
        allow_warnings=True,
    )
    return bool(conforms), str(text)
