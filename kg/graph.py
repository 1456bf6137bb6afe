"""``KnowledgeGraph``: an rdflib dataset with one named graph per document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import Dataset, Literal

from kg.model import Extraction
from kg.rdf.io import (
    add_quads,
    graph_exists,
    iter_quads,
    merge_documents,
    new_dataset,
    read_graph,
    write_graph,
)
from kg.rdf.iris import document_iri
from kg.rdf.mapping import extraction_to_quads
from kg.rdf.namespaces import DCTERMS, GK, RDF

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"


class KnowledgeGraph:
    """The knowledge graph built from documents; queries see the union of all graphs."""

    def __init__(self, dataset: Dataset | None = None) -> None:
        self.dataset = dataset if dataset is not None else new_dataset()

    def add_extraction(self, extraction: Extraction) -> None:
        """Add (or rebuild) one document's graph."""
        graph_name = document_iri(extraction.document.id)
        self.dataset.remove_graph(graph_name)
        add_quads(self.dataset, extraction_to_quads(extraction))

    @classmethod
    def load(cls, path: str | Path) -> KnowledgeGraph:
        """Read a graph file or store (``kg.errors.InputError`` if it cannot be read)."""
        return cls(read_graph(path))

    def save(self, path: str | Path) -> None:
        """Write to ``path``, merging into the graph already there (documents replaced by name)."""
        dataset = self.dataset
        if graph_exists(path):
            dataset = merge_documents(read_graph(path), dataset)
        write_graph(dataset, path)

    def __len__(self) -> int:
        """Number of distinct triples over all graphs."""
        return len({(s, p, o) for s, p, o, _ in iter_quads(self.dataset)})

    def documents(self) -> list[str]:
        """Identifiers of the documents in the graph, sorted."""
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
        from kg.query import load_query, run_query

        return run_query(self.dataset, load_query(sparql), **kwargs)

    def to_networkx(self) -> Any:
        from kg.networkx_export import to_networkx

        return to_networkx(self.dataset)

    def draw(self, path: str | Path, **kwargs: Any) -> Any:
        from kg.draw import draw_graph

        return draw_graph(self.dataset, path, **kwargs)
