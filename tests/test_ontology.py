"""The OWL ontology and the SHACL shapes: they parse and declare every term the graph uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from test_rdf import sample_extraction

from kg.rdf.layout import SINGLE_VALUED
from kg.rdf.mapping import extraction_to_quads, role_shortcuts
from kg.rdf.namespaces import GK, OWL, RDF, RDFS, WDT, XSD

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"
CONTRACT_CLASSES = """Country Person Organization InternationalOrganization GovernmentBody
ArmedForces City Place Agreement Treaty WeaponSystem Event MissileTest NuclearTest
MilitaryExercise Meeting PhoneCall ArmsSale Document Evidence Position Deployment Membership
Alliance Limit Interaction""".split()
CONTRACT_PROPERTIES = """evidence document sentence start end confidence holder jurisdiction role
observedOn holdsPosition headOfState headOfGovernment party partyTo signedIn signedOn restricts
prohibits limit quantity value unit sendingCountry hostCountry troopCount stationsTroopsIn member
organization since memberOf ally alliedWith agent participant target location date namedEvent
source ploverType""".split()


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY / "geokg.ttl", format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")


def gk_terms(graph: Graph) -> set[URIRef]:
    return {
        term
        for triple in graph
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(str(GK))
    }


def test_ontology_header(ontology: Graph) -> None:
    header = URIRef("https://w3id.org/geokg/ontology")
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionInfo) == Literal("0.1.0")


def test_contract_terms_are_declared(ontology: Graph) -> None:
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    assert {GK[c] for c in CONTRACT_CLASSES} <= classes
    properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(
        ontology.subjects(RDF.type, OWL.DatatypeProperty)
    )
    assert {GK[p] for p in CONTRACT_PROPERTIES} <= properties


def test_every_term_has_label_and_comment(ontology: Graph) -> None:
    declared = {t for t in gk_terms(ontology) if (t, RDF.type, None) in ontology}
    assert declared == gk_terms(ontology)  # nothing referenced but left undeclared
    for term in declared:
        assert ontology.value(term, RDFS.label) is not None, term
        assert ontology.value(term, RDFS.comment) is not None, term


def test_every_term_the_mapping_uses_is_declared(ontology: Graph) -> None:
    mapped = Graph()
    for s, p, o, _ in extraction_to_quads(sample_extraction()):
        mapped.add((s, p, o))
    used = {p for p in mapped.predicates() if str(p).startswith(str(GK))}
    used |= {o for o in mapped.objects(None, RDF.type) if str(o).startswith(str(GK))}
    used |= set(role_shortcuts().values())
    used |= {p for p in SINGLE_VALUED if str(p).startswith(str(GK))}
    assert used <= gk_terms(ontology)
    for term in used:
        assert (term, RDFS.label, None) in ontology, term
        assert (term, RDFS.comment, None) in ontology, term


def test_single_valued_properties_are_functional(ontology: Graph) -> None:
    functional = set(ontology.subjects(RDF.type, OWL.FunctionalProperty))
    assert {p for p in SINGLE_VALUED if str(p).startswith(str(GK))} <= functional
    assert GK.role not in functional and GK.party not in functional


def test_wikidata_alignments(ontology: Graph) -> None:
    assert (GK.headOfState, OWL.equivalentProperty, WDT.P35) in ontology
    assert (GK.headOfGovernment, OWL.equivalentProperty, WDT.P6) in ontology
    assert (GK.memberOf, OWL.equivalentProperty, WDT.P463) in ontology
    assert (GK.date, RDFS.subPropertyOf, WDT.P585) in ontology
    assert (GK.location, RDFS.subPropertyOf, WDT.P276) in ontology
    wd = "http://www.wikidata.org/entity/"
    assert (GK.Country, OWL.equivalentClass, URIRef(wd + "Q6256")) in ontology
    assert (GK.Person, OWL.equivalentClass, URIRef(wd + "Q5")) in ontology
    assert (GK.Treaty, RDFS.subClassOf, GK.Agreement) in ontology


def test_shapes_only_use_declared_terms(ontology: Graph, shapes: Graph) -> None:
    assert gk_terms(shapes) <= gk_terms(ontology)
    targets = set(shapes.objects(None, SH.targetClass))
    assert {GK.Evidence, GK.Position, GK.Deployment, GK.Limit, GK.Document} <= targets


def test_confidence_shape_is_bounded(shapes: Graph) -> None:
    prop = next(shapes.subjects(SH.path, GK.confidence))
    assert shapes.value(prop, SH.datatype) == XSD.decimal
    assert shapes.value(prop, SH.minInclusive).toPython() == 0
    assert shapes.value(prop, SH.maxInclusive).toPython() == 1
