"""The RDF layer: the only code that knows IRIs, the vocabulary and the graph formats."""

from kg.rdf.io import merge_documents, read_graph, write_graph
from kg.rdf.iris import document_iri, entity_iri, evidence_iri, fact_iri, slug
from kg.rdf.mapping import extraction_to_quads
from kg.rdf.namespaces import GK, GKR, UNIT, WD

__all__ = [
    "GK",
    "GKR",
    "UNIT",
    "WD",
    "document_iri",
    "entity_iri",
    "evidence_iri",
    "extraction_to_quads",
    "fact_iri",
    "merge_documents",
    "read_graph",
    "slug",
    "write_graph",
]
