"""RDF namespaces of the geokg vocabulary (CONTRACT.md §2)."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib import namespace as _rdflib_namespaces
from rdflib.namespace import NamespaceManager


class CachedNamespace(Namespace):
    """A namespace that makes each of its terms once.

    rdflib's ``Namespace`` builds and checks a new ``URIRef`` on every ``GK.holder``; the
    mapping asks for a few dozen terms hundreds of thousands of times in a large build.
    """

    def __getattr__(self, name: str) -> URIRef:
        term = super().__getattr__(name)
        self.__dict__[name] = term  # later lookups find it without calling __getattr__
        return term

    def __getitem__(self, key: str) -> URIRef:  # type: ignore[override]
        terms = self.__dict__.setdefault("_terms", {})
        term = terms.get(key)
        if term is None:
            term = terms[key] = self.term(key)
        return term


GK = CachedNamespace("https://w3id.org/geokg/ontology#")
# rdflib's own vocabularies check every attribute against their term lists on each lookup
RDF = CachedNamespace(str(_rdflib_namespaces.RDF))
RDFS = CachedNamespace(str(_rdflib_namespaces.RDFS))
OWL = CachedNamespace(str(_rdflib_namespaces.OWL))
SKOS = CachedNamespace(str(_rdflib_namespaces.SKOS))
XSD = CachedNamespace(str(_rdflib_namespaces.XSD))
DCTERMS = CachedNamespace(str(_rdflib_namespaces.DCTERMS))
PROV = CachedNamespace(str(_rdflib_namespaces.PROV))
GKR = Namespace("https://w3id.org/geokg/resource/")  # resource IRIs are all different
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
UNIT = CachedNamespace("http://qudt.org/vocab/unit/")

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
