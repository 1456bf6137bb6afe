"""The IRI scheme of docs/graph-shape.md: the only place where resource IRIs are minted."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from urllib.parse import quote

from rdflib import URIRef

from kg.model import Entity, Fact
from kg.rdf.namespaces import GKR, WD
from kg.slugs import slug  # noqa: F401  (part of this module's interface)

# IRI path segment per contract class (all Organization / Agreement subclasses share one).
ENTITY_SEGMENTS = {
    "Country": "country",
    "Person": "person",
    "Organization": "organization",
    "InternationalOrganization": "organization",
    "GovernmentBody": "organization",
    "ArmedForces": "organization",
    "City": "city",
    "Place": "place",
    "Agreement": "agreement",
    "Treaty": "agreement",
    "WeaponSystem": "weapon",
    "Event": "event",
}
DESCRIPTIONS = GKR["descriptions"]
_QID = re.compile(r"Q[1-9][0-9]*")
HEX_DIGITS = 16


def _hex(parts: Iterable[object]) -> str:
    """First hex digits of the SHA-1 of a canonical JSON rendering of ``parts``."""
    payload = json.dumps(list(parts), ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:HEX_DIGITS]


def entity_iri(entity: Entity) -> URIRef:
    """``gkr:{segment}/{slug(label)}``, or ``gkr:{segment}/{slug(doc)}/{slug(label)}`` if scoped."""
    try:
        segment = ENTITY_SEGMENTS[entity.cls]
    except KeyError:
        raise ValueError(f"entity {entity.key!r}: unknown class {entity.cls!r}") from None
    name = slug(entity.label) or slug(entity.key)
    if not name:
        raise ValueError(f"entity {entity.key!r} has neither a label nor a key")
    if entity.scope:
        return GKR[f"{segment}/{_id_segment(entity.scope)}/{name}"]
    return GKR[f"{segment}/{name}"]


def wikidata_iri(qid: str) -> URIRef:
    """``wd:Q…`` for a bare QID or a full Wikidata entity IRI."""
    local = qid.rstrip("/").rsplit("/", 1)[-1]
    if not _QID.fullmatch(local):
        raise ValueError(f"not a Wikidata item id: {qid!r}")
    return WD[local]


@lru_cache(maxsize=4096)  # every evidence node names its document
def document_iri(doc_id: str) -> URIRef:
    """``gkr:document/{id, percent-encoded}``; also the named graph of the document's evidence.

    The identifier is kept exactly (percent-encoding is reversible), so two documents never
    share an IRI: ``report 1`` and ``Report-1`` stay apart, and so do ``新闻.txt`` and ``报道.txt``.
    """
    if not doc_id:
        raise ValueError("a document needs a non-empty id")
    return GKR[f"document/{_id_segment(doc_id)}"]


def descriptions_graph() -> URIRef:
    """The one named graph that holds every entity's and fact's description."""
    return DESCRIPTIONS


def _id_segment(text: str) -> str:
    """One IRI path segment that spells ``text`` exactly: unreserved characters as they are,
    every other byte of its UTF-8 percent-encoded; "." and ".." (which IRI resolution would
    remove) encoded too."""
    encoded = quote(text, safe="-_~.", errors="surrogatepass")
    return encoded.replace(".", "%2E") if set(text) == {"."} else encoded


def _replace_keys(value: object, iri_of: Callable[[str], URIRef]) -> object:
    if isinstance(value, str):
        return str(iri_of(value))
    if isinstance(value, (tuple, list, frozenset, set)):
        # Nested collections in an identity are sets of entities (allies, participants).
        return sorted((_replace_keys(v, iri_of) for v in value), key=str)
    return value


def fact_iri(fact: Fact, entity_iri_by_key: dict[str, URIRef]) -> URIRef:
    """``gkr:{kind}/{hex}`` from ``fact.identity()`` with entity keys replaced by IRIs.

    The first element of the identity is the kind; for events the second is the
    event type. Every other string is an entity key (or None when unknown).
    """

    def iri_of(key: str) -> URIRef:
        try:
            return entity_iri_by_key[key]
        except KeyError:
            raise ValueError(f"{kind} fact refers to unknown entity key {key!r}") from None

    identity = fact.identity()
    kind = identity[0]
    fixed = 2 if kind == "event" else 1
    parts = list(identity[:fixed]) + [_replace_keys(v, iri_of) for v in identity[fixed:]]
    return GKR[f"{kind}/{_hex(parts)}"]


def evidence_iri(subject: URIRef, doc_id: str, start: int, end: int) -> URIRef:
    """``gkr:evidence/{hex}`` from (subject IRI, document id, start, end)."""
    return GKR[f"evidence/{_hex([str(subject), doc_id, start, end])}"]


def limit_iri(agreement: URIRef, quantity: str, value: str, unit: URIRef) -> URIRef:
    """``gkr:limit/{hex}`` from (agreement IRI, quantity, canonical value, unit IRI)."""
    return GKR[f"limit/{_hex([str(agreement), quantity, value, str(unit)])}"]
