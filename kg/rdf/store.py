"""Oxigraph stores written in place, one document per transaction, and read while written.

A build adds each document to the store as soon as it is done, in one transaction that
replaces the document's graph and updates the descriptions of the nodes it speaks about, so a
store is consistent after every document, whenever the process is killed (docs/graph-shape.md,
"Stores"). The descriptions stay derived from all documents' claims without reading them all:
the store keeps, per node, how many documents make each claim about it (graph
``gkr:claim-counts``), and a document only re-resolves the nodes its claims touch.

Oxigraph forbids opening a store read-only while another process writes it, so readers and
writers take turns on two ``flock`` locks: on the store's ``LOCK`` file (a writer's intent) and
on the store folder (open for reading or for writing). A writer announces itself on the first,
then waits for the open readers to close; readers wait for it to finish and open the store
again, seeing what it wrote. Writers keep their turns short (a batch of documents).
"""

from __future__ import annotations

import errno
import fcntl
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
from rdflib import URIRef

from kg.errors import InputError, OutputError
from kg.rdf.iris import descriptions_graph
from kg.rdf.layout import DocumentPart, resolve
from kg.rdf.namespaces import GK, GKR, RDF, RDFS
from kg.rdf.terms import OxConverter, Triple, from_ox, parse_ntriples

TALLIES = GKR["claim-counts"]  # per node: the claims made about it and by how many documents
COUNTS = GK.claimCounts
_OX_TALLIES = ox.NamedNode(str(TALLIES))
_OX_COUNTS = ox.NamedNode(str(COUNTS))
_OX_DESCRIPTIONS = ox.NamedNode(str(descriptions_graph()))
_OX_CLAIMS = ox.NamedNode(str(GK.claims))
_OX_DOCUMENT = ox.NamedNode(str(GK.Document))
_OX_TYPE = ox.NamedNode(str(RDF.type))
T = TypeVar("T")
LOCK_FILE = "LOCK"  # RocksDB's own lock file (its fcntl locks and our flocks do not meet)


# --- taking turns ------------------------------------------------------------------------


def _lock_fds(path: Path, create: bool) -> tuple[int, int] | None:
    """File descriptors of the intent lock (LOCK file) and the open lock (the folder).

    A reader that cannot open them gets None (no writer can be there either); a writer gets
    the ``OSError``.
    """
    try:
        if create:
            path.mkdir(parents=True, exist_ok=True)
        folder = os.open(path, os.O_RDONLY)
    except OSError:
        if create:
            raise
        return None
    try:
        flags = os.O_RDWR | os.O_CREAT if create else os.O_RDONLY
        intent = os.open(path / LOCK_FILE, flags, 0o644)
    except OSError:
        os.close(folder)
        if create:
            raise
        return None
    return intent, folder


def in_write_turn(path: Path, action: Callable[[ox.Store], T]) -> T:
    """Run ``action`` on the store at ``path`` open for writing, readers kept out meanwhile.

    The store is closed before they come back (Oxigraph closes a store when its last reference
    goes), so ``action`` must keep no reference to it.
    """
    try:
        fds = _lock_fds(path, create=True)
    except OSError as exc:
        raise OutputError(str(path), _why(exc)) from exc
    assert fds is not None
    intent, folder = fds
    try:
        fcntl.flock(intent, fcntl.LOCK_EX)  # new readers wait from now on
        fcntl.flock(folder, fcntl.LOCK_EX)  # open readers close at their next query
        try:
            store = ox.Store(str(path))
        except OSError as exc:
            raise OutputError(str(path), _why(exc)) from exc
        try:
            result = action(store)
            store.flush()
        finally:
            del store
        return result
    finally:
        os.close(folder)
        os.close(intent)


def _why(exc: OSError) -> str:
    if exc.strerror:
        text = exc.strerror
    else:
        text = " ".join(str(exc).split())
    if "Read-only file system" in text or exc.errno == errno.EROFS:
        return "cannot write: read-only file system; the output is unchanged"
    if "No space left" in text or exc.errno == errno.ENOSPC:
        return "cannot write: no space left on device; the output is unchanged"
    if "Permission denied" in text:
        return "cannot write: permission denied; the output is unchanged"
    return f"cannot write: {text}"


def _open_read_only(path: Path) -> ox.Store:
    if not path.is_dir():
        raise InputError(str(path), "no such graph store")
    if not (path / "CURRENT").is_file():
        raise InputError(str(path), "folder is not an Oxigraph graph store")
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise InputError(str(path), f"cannot open graph store: {exc}") from exc


class StoreReader:
    """A store open read-only that steps aside whenever a writer wants its turn.

    Use the store inside ``with reader.use() as store:``: it waits while a writer writes and
    opens the store again after one has written. A thread closes an idle store as soon as a
    writer asks for it, so a reader kept open (a server, a notebook) never blocks a build.
    """

    POLL = 0.1  # seconds between two looks for a waiting writer

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._store: ox.Store | None = None
        self._mutex = threading.Lock()
        self._fds = _lock_fds(self.path, create=False)
        if self._fds is None:
            _open_read_only(self.path)  # raises the error that says why
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        if self._fds is not None:
            self._watcher = threading.Thread(target=self._watch, name="kg-store", daemon=True)
            self._watcher.start()

    @contextmanager
    def use(self) -> Iterator[ox.Store]:
        with self._mutex:
            if self._store is not None and self._writer_waiting():
                self._close()
            if self._store is None:
                self._open()
            yield self._store

    def _open(self) -> None:
        if self._fds is not None:
            intent, folder = self._fds
            fcntl.flock(intent, fcntl.LOCK_SH)  # waits while a writer writes
            try:
                fcntl.flock(folder, fcntl.LOCK_SH)
            finally:
                fcntl.flock(intent, fcntl.LOCK_UN)
        try:
            self._store = _open_read_only(self.path)
        except BaseException:
            if self._fds is not None:
                fcntl.flock(self._fds[1], fcntl.LOCK_UN)
            raise

    def _writer_waiting(self) -> bool:
        if self._fds is None:
            return False
        try:
            fcntl.flock(self._fds[0], fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(self._fds[0], fcntl.LOCK_UN)
        return False

    def _watch(self) -> None:
        while not self._stop.wait(self.POLL):
            if self._mutex.acquire(blocking=False):
                try:
                    if self._store is not None and self._writer_waiting():
                        self._close()
                finally:
                    self._mutex.release()

    def _close(self) -> None:
        if self._store is not None:
            self._store = None  # the last reference: the store closes here
            if self._fds is not None:
                fcntl.flock(self._fds[1], fcntl.LOCK_UN)

    def close(self) -> None:
        """Close the store and its locks for good."""
        self._stop.set()
        if self._watcher is not None and self._watcher is not threading.current_thread():
            self._watcher.join()
        with self._mutex:
            self._close()
            if self._fds is not None:
                for fd in self._fds:
                    os.close(fd)
                self._fds = None


@contextmanager
def reading(path: str | Path) -> Iterator[ox.Store]:
    """The store open read-only for the duration of the block."""
    reader = StoreReader(path)
    try:
        with reader.use() as store:
            yield store
    finally:
        reader.close()


# --- writing documents -------------------------------------------------------------------


def _nt(quad_terms: Iterable[tuple]) -> str:
    return "".join(f"{s} {p} {o} .\n" for s, p, o in quad_terms)


class StoreWriter:
    """Adds documents to a store in place, each in one transaction (use inside
    :func:`in_write_turn`)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._converter = OxConverter()
        self._check_tallies()

    def _check_tallies(self) -> None:
        """A store written before the claim counts existed gets them, once."""
        has_docs = next(iter(self.store.quads_for_pattern(None, _OX_TYPE, _OX_DOCUMENT)), None)
        if has_docs is None or self.store.contains_named_graph(_OX_TALLIES):
            return
        counts: dict[URIRef, Counter] = {}
        for quad in self.store.quads_for_pattern(None, _OX_CLAIMS, None):
            for triple in parse_ntriples(quad.object.value):
                counts.setdefault(triple[0], Counter())[triple] += 1
        self.store.extend(
            ox.Quad(self._converter.term(s), _OX_COUNTS, ox.Literal(_tally_text(c)), _OX_TALLIES)
            for s, c in counts.items()
        )

    def put(self, part: DocumentPart) -> None:
        """Add or replace one document, in one transaction."""
        doc = self._converter.term(part.graph)
        old_claims: set[Triple] = set()
        for quad in self.store.quads_for_pattern(doc, _OX_CLAIMS, None, doc):
            old_claims.update(parse_ntriples(quad.object.value))
        new_claims = set(part.claims)
        delta = Counter()
        for triple in old_claims - new_claims:
            delta[triple] -= 1
        for triple in new_claims - old_claims:
            delta[triple] += 1
        by_subject: dict = {}
        for triple, change in delta.items():
            by_subject.setdefault(triple[0], []).append((triple, change))
        removed, added = [], []
        for subject, changes in sorted(by_subject.items()):
            node = self._converter.term(subject)
            tally = Counter()
            for quad in self.store.quads_for_pattern(node, _OX_COUNTS, None, _OX_TALLIES):
                removed.append((_OX_TALLIES, quad.triple))
                tally.update(_parse_tally(quad.object.value))
            for triple, change in changes:
                tally[triple] += change
            tally = Counter({t: n for t, n in tally.items() if n > 0})
            old = {
                q.triple for q in self.store.quads_for_pattern(node, None, None, _OX_DESCRIPTIONS)
            }
            new: set[ox.Triple] = set()
            if tally:
                text = ox.Literal(_tally_text(tally))
                added.append((_OX_TALLIES, ox.Triple(node, _OX_COUNTS, text)))
                labels = Counter({(t[0], t[2]): n for t, n in tally.items() if t[1] == RDFS.label})
                new = {self._converter.triple(t) for t in resolve(tally, labels)}
            # Only what changes is written: another document saying the same keeps it as it is.
            removed.extend((_OX_DESCRIPTIONS, triple) for triple in old - new)
            added.extend((_OX_DESCRIPTIONS, triple) for triple in new - old)
        own = [self._converter.quad(q) for q in part.quads(self._converter)]
        replaced = self.store.contains_named_graph(doc)
        self.store.update(_transaction(doc, replaced, removed, own, added))


class BatchWriter:
    """Streams documents into a store: each is written within ``max_seconds`` of being added,
    several per writer's turn, so that readers get the store back between turns."""

    def __init__(self, path: str | Path, *, max_docs: int = 64, max_seconds: float = 2.0) -> None:
        self.path = Path(path)
        self.max_docs, self.max_seconds = max_docs, max_seconds
        self._pending: list[DocumentPart] = []
        self._since = time.monotonic()
        self.written = 0

    def add(self, part: DocumentPart) -> None:
        if not self._pending:
            self._since = time.monotonic()
        self._pending.append(part)
        if len(self._pending) >= self.max_docs or time.monotonic() - self._since > self.max_seconds:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return

        def write(store: ox.Store) -> None:
            writer = StoreWriter(store)
            for part in self._pending:
                writer.put(part)

        in_write_turn(self.path, write)
        self.written += len(self._pending)
        self._pending.clear()


def _transaction(
    doc: ox.NamedNode, replaced: bool, removed: list, own: list[ox.Quad], added: list
) -> str:
    """One SPARQL Update request: Oxigraph applies a request in a single transaction."""
    text = [f"DROP SILENT GRAPH {doc} ;\n"] if replaced else []
    if removed:
        text.append("DELETE DATA {\n")
        for graph, triple in removed:
            text.append(
                f"GRAPH {graph} {{ {triple.subject} {triple.predicate} {triple.object} }}\n"
            )
        text.append("} ;\n")
    text.append(f"INSERT DATA {{\nGRAPH {doc} {{\n")
    text.append(_nt((q.subject, q.predicate, q.object) for q in own))
    text.append("}\n")
    for graph, triple in added:
        text.append(f"GRAPH {graph} {{ {triple.subject} {triple.predicate} {triple.object} }}\n")
    text.append("}\n")
    return "".join(text)


def _tally_text(tally: Counter) -> str:
    """Claims with their document counts: one ``N <s> <p> <o> .`` line each, sorted."""
    converter = OxConverter()
    lines = []
    for (s, p, o), n in tally.items():
        t = converter.triple((s, p, o))
        lines.append(f"{n} {t.subject} {t.predicate} {t.object} .")
    return "\n".join(sorted(lines)) + "\n"


def _parse_tally(text: str) -> Counter:
    counts, lines = [], []
    for line in text.splitlines():
        if line:
            n, _, rest = line.partition(" ")
            counts.append(int(n))
            lines.append(rest)
    triples = parse_ntriples("\n".join(lines) + "\n")
    return Counter(dict(zip(triples, counts, strict=True)))


# --- reading back -------------------------------------------------------------------------


def content_quads(store: ox.Store) -> Iterator[ox.Quad]:
    """Every quad of the graph, in the store's order, without the claim counts (an index)."""
    for quad in store.quads_for_pattern(None, None, None):
        if quad.graph_name != _OX_TALLIES:
            yield quad


def check_consistency(store: ox.Store) -> list[str]:
    """What is wrong with a store's derived graphs: empty when the descriptions and the claim
    counts are exactly what all documents' claims give."""
    from kg.rdf.layout import descriptions

    parts = []
    counts: Counter = Counter()
    for quad in store.quads_for_pattern(None, _OX_CLAIMS, None):
        part = DocumentPart(graph=URIRef(quad.subject.value))
        part.claims = parse_ntriples(quad.object.value)
        counts.update(set(part.claims))
        parts.append(part)
    expected = set(descriptions(parts))
    found = {
        (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))
        for q in store.quads_for_pattern(None, None, None, _OX_DESCRIPTIONS)
    }
    problems = []
    if found != expected:
        problems.append(
            f"descriptions: {len(found - expected)} triples too many, "
            f"{len(expected - found)} missing"
        )
    tallied: Counter = Counter()
    for quad in store.quads_for_pattern(None, _OX_COUNTS, None, _OX_TALLIES):
        tallied.update(_parse_tally(quad.object.value))
    if tallied != counts:
        problems.append("claim counts differ from the documents' claims")
    return problems


__all__ = [
    "COUNTS",
    "TALLIES",
    "BatchWriter",
    "StoreReader",
    "StoreWriter",
    "check_consistency",
    "content_quads",
    "reading",
    "in_write_turn",
]
