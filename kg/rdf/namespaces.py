"""RDF namespaces of the geokg vocabulary (CONTRACT.md §2)."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, NamespaceManager

GK = Namespace("https://w3id.org/geokg/ontology#")
GKR = Namespace("https://w3id.org/geokg/resource/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
UNIT = Namespace("http://qudt.org/vocab/unit/")

PREFIXES: dict[str, Namespace] = {
    "gk": GK,
    "gkr": GKR,
    "wd": WD,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "skos": Namespace(str(SKOS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "dcterms": Namespace(str(DCTERMS)),
    "prov": Namespace(str(PROV)),
    "unit": UNIT,
}


def bind_prefixes(manager: NamespaceManager) -> None:
    """Bind the contract prefixes on a graph's namespace manager."""
    for prefix, namespace in PREFIXES.items():
        manager.bind(prefix, namespace, override=True, replace=True)


__all__ = [
    "DCTERMS",
    "GK",
    "GKR",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SKOS",
    "UNIT",
    "WD",
    "WDT",
    "XSD",
    "bind_prefixes",
]
