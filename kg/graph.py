"""``KnowledgeGraph``: an rdflib dataset with one named graph per document.

Documents added by a build are kept as plain sorted triples and turned into rdflib graphs
only when the dataset is asked for: a build that only writes a file never pays for rdflib's
store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from rdflib import Dataset, Literal, URIRef

from kg.model import Extraction
from kg.rdf.io import (
    Quad,
    add_quads,
    graph_exists,
    graph_key,
    iter_quads,
    merge_quads,
    new_dataset,
    read_graph,
    read_quads,
    write_quads,
)
from kg.rdf.iris import document_iri
from kg.rdf.mapping import Triple, extraction_to_triples
from kg.rdf.namespaces import DCTERMS, GK, RDF
from kg.resources import ONTOLOGY_DIR  # noqa: E402


class KnowledgeGraph:
    """The knowledge graph built from documents; queries see the union of all graphs."""

    def __init__(self, dataset: Dataset | None = None) -> None:
        self._dataset = dataset
        # Document graphs not yet in the dataset: graph name → triples in sorted order.
        self._pending: dict[URIRef, list[Triple]] = {}

    @property
    def dataset(self) -> Dataset:
        """The rdflib dataset (built on first use from the documents added so far)."""
        if self._dataset is None:
            self._dataset = new_dataset()
        if self._pending:
            present = {getattr(g, "identifier", g) for g in self._dataset.contexts()}
            for name in self._pending:
                if name in present:
                    self._dataset.remove_graph(name)
            add_quads(self._dataset, self._pending_quads())
            self._pending = {}
        return self._dataset

    def add_extraction(self, extraction: Extraction) -> None:
        """Add (or rebuild) one document's graph."""
        self._pending[document_iri(extraction.document.id)] = extraction_to_triples(extraction)

    def _pending_quads(self) -> Iterator[Quad]:
        """The pending documents' quads, sorted by graph then triple."""
        for name in sorted(self._pending, key=graph_key):
            for s, p, o in self._pending[name]:
                yield s, p, o, name

    def _quads(self) -> Iterable[Quad]:
        if self._dataset is None:
            return self._pending_quads()
        return iter_quads(self.dataset)

    @classmethod
    def load(cls, path: str | Path) -> KnowledgeGraph:
        """Read a graph file or store (``kg.errors.InputError`` if it cannot be read)."""
        return cls(read_graph(path))

    def save(self, path: str | Path) -> None:
        """Write to ``path``, merging into the graph already there (documents replaced by name)."""
        presorted = self._dataset is None
        quads = self._quads()
        if graph_exists(path):
            quads, presorted = merge_quads(read_quads(path), quads), False
        write_quads(quads, path, presorted=presorted)

    def __len__(self) -> int:
        """Number of distinct triples over all graphs."""
        if self._dataset is None:
            distinct: set[Triple] = set()
            for triples in self._pending.values():
                distinct.update(triples)
            return len(distinct)
        return len({(s, p, o) for s, p, o, _ in iter_quads(self.dataset)})

    def documents(self) -> list[str]:
        """Identifiers of the documents in the graph, sorted."""
        if self._dataset is None:
            triples = [t for triples in self._pending.values() for t in triples]
            typed = {s for s, p, o in triples if p == RDF.type and o == GK.Document}
            return sorted(
                {
                    str(o)
                    for s, p, o in triples
                    if p == DCTERMS.identifier and s in typed and isinstance(o, Literal)
                }
            )
        ids = {
            str(ident)
            for doc in self.dataset.subjects(RDF.type, GK.Document)
            for ident in self.dataset.objects(doc, DCTERMS.identifier)
            if isinstance(ident, Literal)
        }
        return sorted(ids)

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
