"""``KnowledgeGraph``: documents' evidence, and one description of every entity and fact.

A graph is a set of document parts (:mod:`kg.rdf.layout`): each document's own triples in a
named graph of its own, and the descriptions graph derived from all of them. Documents added
by a build are kept as parts and turned into an rdflib dataset only when the dataset is asked
for: a build that only writes a file never pays for rdflib's store.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset, Literal, URIRef

from kg.errors import InputError
from kg.model import Extraction
from kg.rdf.io import (
    add_quads,
    graph_exists,
    is_store_path,
    iter_quads,
    load_file_store,
    new_dataset,
    output_lock,
    read_quads,
    write_quads,
)
from kg.rdf.iris import document_iri
from kg.rdf.layout import DocumentPart, Split, assemble, descriptions, split
from kg.rdf.mapping import extraction_to_part
from kg.rdf.namespaces import DCTERMS, GK
from kg.rdf.store import COUNTS, BatchWriter, StoreReader, reading
from kg.rdf.terms import OxConverter, Quad, quad_key
from kg.resources import ONTOLOGY_DIR
from kg.sparql_runner import QueryProcess

_COUNT_TRIPLES = (
    "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o "
    f"FILTER(?p != <{COUNTS}>) }} }}"
)
_DOCUMENT_IDS = f"SELECT ?id WHERE {{ ?d a <{GK.Document}> ; <{DCTERMS.identifier}> ?id }}"


class KnowledgeGraph:
    """The knowledge graph built from documents; queries see the union of all graphs.

    A graph loaded from an Oxigraph store is queried in place (read-only, no load step); one
    loaded from a file is read once into an in-memory Oxigraph store. Documents added to a
    graph are kept as parts; queries run on an Oxigraph store made from them once.
    """

    def __init__(
        self, dataset: Dataset | None = None, *, source: Path | None = None, live: bool = False
    ) -> None:
        self._dataset = dataset  # up to date unless ``_changed``
        self._source = source  # the file or store this graph was loaded from, unless changed
        self._reader: StoreReader | None = None
        self._queries: QueryProcess | None = None  # for a store: where its queries run
        self._asked = 0
        self._store: ox.Store | None = None  # in memory: a file's content, or the parts'
        fresh = dataset is None and source is None
        self._split: Split | None = Split({}, []) if fresh else None
        self._changed = False
        if source is not None:
            if is_store_path(source):
                if not live:
                    self._source = source = _snapshot(source, self)
                self._reader = StoreReader(source)
                weakref.finalize(self, self._reader.close)
            else:
                self._store = load_file_store(source)

    def _parts(self) -> Split:
        if self._split is None:
            if self._source is not None:
                self._split = split(read_quads(self._source))
            else:
                self._split = split(iter_quads(self._dataset))
        return self._split

    def _loaded(self) -> bool:
        """Whether the graph is what its file or store holds, unchanged."""
        return self._source is not None and not self._changed

    @contextmanager
    def oxigraph(self) -> Iterator[ox.Store]:
        """The graph as an Oxigraph store, for the duration of the block (read it only)."""
        if self._reader is not None and not self._changed:
            with self._reader.use() as store:
                yield store
            return
        if self._store is None:
            store = ox.Store()
            converter = OxConverter()
            store.bulk_extend(converter.quad(q) for q in self.quads())
            self._store = store
        yield self._store

    def _drop_sources(self) -> None:
        self._parts()  # taken from the source before it is let go
        self._source = None
        if self._queries is not None:
            self._queries.close()
            self._queries = None
        if self._reader is not None:
            self._reader.close()
            self._reader = None

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
        self._drop_sources()
        self._changed = True
        self._store = None

    def quads(self) -> Iterator[Quad]:
        """Every quad of the graph, sorted by graph then triple (None: the default graph)."""
        if self._loaded():
            return iter(sorted(read_quads(self._source), key=quad_key))
        if self._dataset is not None and not self._changed:
            return iter(sorted(iter_quads(self._dataset), key=quad_key))
        taken = self._parts()
        return assemble(taken.parts.values(), taken.unclaimed)

    @classmethod
    def load(cls, path: str | Path) -> KnowledgeGraph:
        """Open a graph file or store (``kg.errors.InputError`` if it cannot be read).

        A store is not read: the graph is a snapshot of it (a checkpoint made of hard links,
        taken in milliseconds), queried in place, which builds adding documents to the store
        do not change.
        """
        return cls(source=Path(path))

    @classmethod
    def open(cls, path: str | Path) -> KnowledgeGraph:
        """Open a graph file or store; queries on a store see what builds add to it since."""
        return cls(source=Path(path), live=True)

    def close(self) -> None:
        """Let go of the store this graph was loaded from (the graph is unusable after)."""
        if self._queries is not None:
            self._queries.close()
            self._queries = None
        if self._reader is not None:
            self._reader.close()

    def save(self, path: str | Path) -> None:
        """Write to ``path``, merging into the graph already there (documents replaced by name).

        Builds writing the same output take turns: the output is read, merged and replaced
        under a lock, so neither loses the other's documents. A store is written in place,
        one document per transaction (:mod:`kg.rdf.store`).
        """
        with output_lock(path):
            taken = self._parts()
            if is_store_path(path):
                writer = BatchWriter(path)
                for part in taken.parts.values():
                    writer.add(part)
                writer.flush()
                return
            if graph_exists(path):
                there = split(read_quads(path))
                there.parts.update(taken.parts)
                taken = Split(there.parts, there.unclaimed + taken.unclaimed)
            write_quads(assemble(taken.parts.values(), taken.unclaimed), path, presorted=True)

    def __len__(self) -> int:
        """Number of distinct triples over all graphs."""
        if self._loaded():
            with self.oxigraph() as store:
                answer = store.query(_COUNT_TRIPLES, use_default_graph_as_union=True)
                return int(next(iter(answer))[0].value)
        taken = self._parts()
        # a document's own triples name its own nodes, so no two graphs share a triple: count
        # each part and the descriptions instead of gathering every quad into one set
        own = sum(len(set(part.evidence)) + bool(part.claims) for part in taken.parts.values())
        return own + len(descriptions(taken.parts.values(), taken.unclaimed))

    def documents(self) -> list[str]:
        """Identifiers of the documents in the graph, sorted."""
        if self._loaded():
            with self.oxigraph() as store:
                answer = store.query(_DOCUMENT_IDS, use_default_graph_as_union=True)
                return sorted({solution[0].value for solution in answer})
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

        self._asked += 1
        limited = kwargs.get("timeout", 1) not in (None, 0)  # without a limit: in this process
        if self._reader is not None and not self._changed and self._asked > 1 and limited:
            # A store queried again and again answers in a process of its own, which keeps
            # the time limit without a fork per query (a first query forks: no start-up).
            if self._queries is None:
                self._queries = QueryProcess(str(self._source))
                weakref.finalize(self, self._queries.close)
            return run_query(self._queries, load_query(sparql), **kwargs)
        with self.oxigraph() as store:
            return run_query(store, load_query(sparql), **kwargs)

    def to_networkx(self) -> Any:
        from kg.networkx_export import to_networkx

        with self.oxigraph() as store:
            return to_networkx(store)

    def draw(self, path: str | Path, **kwargs: Any) -> Any:
        from kg.drawing import draw_graph

        with self.oxigraph() as store:
            return draw_graph(store, path, **kwargs)


def _snapshot(path: Path, owner: object) -> Path:
    """A private checkpoint of the store at ``path``, removed when ``owner`` is."""
    folder = Path(tempfile.mkdtemp(prefix="kg-snapshot-"))
    weakref.finalize(owner, shutil.rmtree, folder, True)
    with reading(path) as store:
        try:
            store.backup(str(folder / "store"))
        except OSError as exc:
            raise InputError(str(path), f"cannot read graph store: {exc}") from exc
    return folder / "store"
