"""``KnowledgeGraph``: documents' evidence, and one description of every entity and fact.

A graph is a set of document parts (:mod:`kg.rdf.layout`): each document's own triples in a
named graph of its own, and the descriptions graph derived from all of them. Documents added
by a build are kept as parts and turned into an rdflib dataset only when the dataset is asked
for: a build that only writes a file never pays for rdflib's store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rdflib import Dataset, Literal, URIRef

from kg.model import Extraction
from kg.rdf.io import (
    add_quads,
    graph_exists,
    iter_quads,
    new_dataset,
    output_lock,
    read_graph,
    read_quads,
    write_quads,
)
from kg.rdf.iris import document_iri
from kg.rdf.layout import DocumentPart, Split, assemble, split
from kg.rdf.mapping import extraction_to_part
from kg.rdf.namespaces import DCTERMS
from kg.rdf.terms import Quad, quad_key
from kg.resources import ONTOLOGY_DIR


class KnowledgeGraph:
    """The knowledge graph built from documents; queries see the union of all graphs."""

    def __init__(self, dataset: Dataset | None = None) -> None:
        self._dataset = dataset  # up to date unless ``_changed``
        self._split: Split | None = None if dataset is not None else Split({}, [])
        self._changed = False

    def _parts(self) -> Split:
        if self._split is None:
            self._split = split(iter_quads(self._dataset))
        return self._split

    @property
    def dataset(self) -> Dataset:
        """The rdflib dataset (built on first use from the documents added so far)."""
        if self._dataset is None or self._changed:
            self._dataset = new_dataset()
            add_quads(self._dataset, self.quads())
            self._changed = False
        return self._dataset

    def add_extraction(self, extraction: Extraction) -> None:
        """Add (or rebuild) one document."""
        self.add_part(extraction_to_part(extraction))

    def add_part(self, part: DocumentPart) -> None:
        """Add (or replace) one document's part."""
        self._parts().parts[part.graph] = part
        self._changed = True

    def quads(self) -> Iterator[Quad]:
        """Every quad of the graph, sorted by graph then triple (None: the default graph)."""
        if self._dataset is not None and not self._changed:
            return iter(sorted(iter_quads(self._dataset), key=quad_key))
        taken = self._parts()
        return assemble(taken.parts.values(), taken.unclaimed)

    @classmethod
    def load(cls, path: str | Path) -> KnowledgeGraph:
        """Read a graph file or store (``kg.errors.InputError`` if it cannot be read)."""
        return cls(read_graph(path))

    def save(self, path: str | Path) -> None:
        """Write to ``path``, merging into the graph already there (documents replaced by name).

        Builds writing the same output take turns: the output is read, merged and replaced
        under a lock, so neither loses the other's documents.
        """
        with output_lock(path):
            taken = self._parts()
            if graph_exists(path):
                there = split(read_quads(path))
                there.parts.update(taken.parts)
                taken = Split(there.parts, there.unclaimed + taken.unclaimed)
            write_quads(assemble(taken.parts.values(), taken.unclaimed), path, presorted=True)

    def __len__(self) -> int:
        """Number of distinct triples over all graphs."""
        return len({(s, p, o) for s, p, o, _ in self.quads()})

    def documents(self) -> list[str]:
        """Identifiers of the documents in the graph, sorted."""
        ids = set()
        for part in self._parts().parts.values():
            for s, p, o in part.evidence:
                if s == part.graph and p == DCTERMS.identifier and isinstance(o, Literal):
                    ids.add(str(o))
        return sorted(ids)

    def document_graphs(self) -> list[URIRef]:
        """The names of the documents' graphs."""
        return sorted(self._parts().parts)

    def of_document(self, doc_id: str) -> KnowledgeGraph:
        """The graph that one document alone gives (``KeyError`` if it is not in this graph)."""
        part = self._parts().parts[document_iri(doc_id)]
        one = KnowledgeGraph()
        one.add_part(part)
        return one

    def validate(self) -> tuple[bool, str]:
        """SHACL validation against ontology/shapes.ttl: (conforms, report text)."""
        from kg.rdf.validate import validate_graph

        return validate_graph(self.dataset, ONTOLOGY_DIR / "shapes.ttl")

    def query(self, sparql: str, **kwargs: Any) -> Any:
        """Run SPARQL text, a ``.rq`` file or a competency query name ("positions")."""
        from kg.sparql import load_query, run_query

        return run_query(self.dataset, load_query(sparql), **kwargs)

    def to_networkx(self) -> Any:
        from kg.networkx_export import to_networkx

        return to_networkx(self.dataset)

    def draw(self, path: str | Path, **kwargs: Any) -> Any:
        from kg.drawing import draw_graph

        return draw_graph(self.dataset, path, **kwargs)
