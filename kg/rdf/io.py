"""Read, write and merge graph files and Oxigraph stores.

The format follows the path: ``.ttl``, ``.nt`` and ``.jsonld`` hold the union of all
graphs; ``.trig`` and ``.nq`` keep one named graph per document; a folder, a path
without extension or a ``.oxigraph`` path is a persistent Oxigraph store. Writes
never leave a half-written file or store behind: the new content is written next to
the target and moved over it once complete.

TriG and N-Quads files and stores are read and written through Oxigraph, which is much
faster than rdflib on large graphs; the union formats go through rdflib.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from kg.errors import InputError
from kg.rdf.mapping import canonical_decimal, term_key
from kg.rdf.namespaces import PREFIXES, XSD, bind_prefixes

# Extension → rdflib format name.
FILE_FORMATS = {
    ".ttl": "turtle",
    ".trig": "trig",
    ".nq": "nquads",
    ".nt": "nt",
    ".jsonld": "json-ld",
}
NAMED_GRAPH_FORMATS = frozenset({".trig", ".nq"})
OX_FORMATS = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}
STORE_SUFFIX = ".oxigraph"
GraphName = URIRef | None  # None: the default graph
Quad = tuple[Node, Node, Node, GraphName]


# --- datasets -------------------------------------------------------------------


def new_dataset() -> Dataset:
    """An empty dataset whose default graph is the union of its graphs, prefixes bound."""
    dataset = Dataset(default_union=True)
    bind_prefixes(dataset.namespace_manager)
    return dataset


def iter_quads(dataset: Dataset) -> Iterator[Quad]:
    """Every quad of the dataset, the default graph named None."""
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = getattr(g, "identifier", g)
        yield s, p, o, (None if name in (None, DATASET_DEFAULT_GRAPH_ID) else name)


def named_graphs(dataset: Dataset) -> set[URIRef]:
    """Names of the non-empty named graphs."""
    return {g for *_, g in iter_quads(dataset) if g is not None}


def add_quads(dataset: Dataset, quads: Iterable[Quad]) -> None:
    """Add quads (graph None = default graph) to a dataset."""
    graphs: dict[GraphName, Graph] = {}
    for s, p, o, g in quads:
        if g not in graphs:
            graphs[g] = dataset.default_graph if g is None else dataset.graph(g)
        graphs[g].add((s, p, o))


def union_graph(dataset: Dataset) -> Graph:
    """All triples of a dataset in one graph."""
    graph = Graph()
    bind_prefixes(graph.namespace_manager)
    for s, p, o, _ in iter_quads(dataset):
        graph.add((s, p, o))
    return graph


def quad_key(quad: Quad) -> tuple[tuple[int, str, str, str], ...]:
    """Sort key of a quad: graph (the default graph first), then the triple's terms."""
    s, p, o, g = quad
    return (graph_key(g), term_key(s), term_key(p), term_key(o))


def graph_key(name: GraphName) -> tuple[int, str, str, str]:
    """Sort key of a graph name, the default graph (None) first."""
    return (-1, "", "", "") if name is None else term_key(name)


def sorted_copy(dataset: Dataset) -> Dataset:
    """A copy with graphs and triples inserted in sorted order, so that files are byte-stable."""
    copy = new_dataset()
    add_quads(copy, sorted(iter_quads(dataset), key=quad_key))
    return copy


def merge_documents(existing: Dataset, new: Dataset) -> Dataset:
    """``existing`` with each named (document) graph of ``new`` replacing its namesake.

    Rebuilding a document is idempotent and new documents are added; default-graph
    triples (files without named graphs) are merged as a set union. The inputs are
    left unchanged.
    """
    replaced = named_graphs(new)
    merged = new_dataset()
    add_quads(merged, (q for q in iter_quads(existing) if q[3] not in replaced))
    add_quads(merged, iter_quads(new))
    return merged


def merge_quads(existing: Iterable[Quad], new: Iterable[Quad]) -> list[Quad]:
    """Like :func:`merge_documents`, on quads: ``existing`` less the graphs ``new`` names, then
    ``new``."""
    new = list(new)
    replaced = {g for *_, g in new if g is not None}
    return [q for q in existing if q[3] not in replaced] + new


# --- paths ----------------------------------------------------------------------


def is_store_path(path: str | Path) -> bool:
    """A folder, a path without extension, or a ``.oxigraph`` path means an Oxigraph store."""
    text = str(path)
    path = Path(path)
    return (
        path.suffix == STORE_SUFFIX
        or path.is_dir()
        or text.endswith(("/", os.sep))
        or (path.suffix == "" and not path.exists())
    )


def _looks_like_store(path: Path) -> bool:
    return (path / "CURRENT").is_file()


def graph_exists(path: str | Path) -> bool:
    """Whether ``path`` already holds a graph (a file, or a non-empty store folder)."""
    path = Path(path)
    if is_store_path(path):
        return path.is_dir() and any(path.iterdir())
    return path.exists()


def _file_format(path: Path) -> str:
    try:
        return FILE_FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FILE_FORMATS)) + f", {STORE_SUFFIX} or a folder"
        raise InputError(str(path), f"unknown graph format {path.suffix!r} (use {known})") from None


# --- reading --------------------------------------------------------------------


def read_graph(path: str | Path) -> Dataset:
    """Read a graph file or store into a dataset (``InputError`` if it cannot be read)."""
    path = Path(path)
    dataset = new_dataset()
    if is_store_path(path):
        add_quads(dataset, _read_store(path))
        return dataset
    fmt = _file_format(path)
    if not path.is_file():
        raise InputError(str(path), "no such file")
    target = dataset if path.suffix.lower() in NAMED_GRAPH_FORMATS else dataset.default_graph
    try:
        target.parse(str(path), format=fmt)
    except Exception as exc:  # parsers raise many kinds of errors
        detail = " ".join(str(exc).split())[:300]  # one line, however the parser words it
        raise InputError(str(path), f"not a valid {fmt} file: {detail}") from exc
    return dataset


def read_quads(path: str | Path) -> list[Quad]:
    """Every quad of a graph file or store (``InputError`` if it cannot be read)."""
    path = Path(path)
    if is_store_path(path):
        return _read_store(path)
    if path.suffix.lower() not in OX_FORMATS:
        return list(iter_quads(read_graph(path)))
    if not path.is_file():
        raise InputError(str(path), "no such file")
    fmt = OX_FORMATS[path.suffix.lower()]
    try:
        return [_from_ox_quad(q) for q in ox.parse(path=str(path), format=fmt)]
    except (SyntaxError, ValueError) as exc:
        detail = " ".join(str(exc).split())[:300]
        name = FILE_FORMATS[path.suffix.lower()]
        raise InputError(str(path), f"not a valid {name} file: {detail}") from exc
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc


def _read_store(path: Path) -> list[Quad]:
    if not path.is_dir():
        raise InputError(str(path), "no such graph store")
    if not any(path.iterdir()):
        return []
    if not _looks_like_store(path):
        raise InputError(str(path), "folder is not an Oxigraph graph store")
    try:
        store = ox.Store(str(path))
    except OSError as exc:
        raise InputError(str(path), f"cannot open graph store: {exc}") from exc
    try:
        return [_from_ox_quad(q) for q in store.quads_for_pattern(None, None, None, None)]
    finally:
        del store  # releases the store's lock


# --- writing --------------------------------------------------------------------


def write_graph(dataset: Dataset, out: str | Path) -> None:
    """Write a dataset to ``out``, replacing what is there, in the format its path names."""
    out = Path(out)
    if is_store_path(out) or out.suffix.lower() in OX_FORMATS:
        write_quads(iter_quads(dataset), out)
        return
    fmt = _file_format(out)
    source = union_graph(sorted_copy(dataset))
    _write_file(out, lambda handle: handle.write(_serialize(source, fmt)))


def write_quads(quads: Iterable[Quad], out: str | Path, *, presorted: bool = False) -> None:
    """Write quads to ``out``, replacing what is there, in the format its path names.

    Files are written in sorted order (graph, subject, predicate, object), so that the same
    graph always gives the same bytes; ``presorted`` says ``quads`` already come in that
    order and without duplicates.
    """
    out = Path(out)
    if is_store_path(out):
        _write_store(quads, out)
        return
    _file_format(out)  # an unknown extension is refused before anything is done
    if out.suffix.lower() not in OX_FORMATS:
        dataset = new_dataset()
        add_quads(dataset, quads)
        write_graph(dataset, out)
        return
    if not presorted:
        quads = sorted(set(quads), key=quad_key)
    cache: dict = {}
    ox_quads = [_to_ox_quad(q, cache) for q in quads]  # all ready before touching disk
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    fmt = OX_FORMATS[out.suffix.lower()]
    _write_file(out, lambda handle: ox.serialize(ox_quads, handle, fmt, prefixes=prefixes))


def _write_file(out: Path, write: Callable[[BinaryIO], object]) -> None:
    """Call ``write`` on a temporary file beside ``out``, then move it over ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(out, 0o666))  # temporary files are private; the result is not
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _mode_for(out: Path, default: int) -> int:
    """Permissions of the file being replaced, else the default under the current umask."""
    if out.exists():
        return out.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return default & ~umask


def _serialize(source: Graph | Dataset, fmt: str) -> bytes:
    """Serialised bytes, in a stable order for the formats whose writers do not sort."""
    if fmt == "json-ld":
        context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
        data = json.loads(source.serialize(format=fmt, context=context, auto_compact=True))
        nodes = data.get("@graph", []) if isinstance(data, dict) else data
        for node in nodes:
            for value in node.values():
                if isinstance(value, list):
                    value.sort(key=lambda v: json.dumps(v, sort_keys=True))
        nodes.sort(key=lambda node: str(node.get("@id", "")))
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    data = source.serialize(format=fmt, encoding="utf-8")
    if fmt in ("nt", "nquads"):
        lines = sorted(line for line in data.splitlines() if line.strip())
        return b"\n".join(lines) + b"\n" if lines else b""
    return data


def _write_store(quads: Iterable[Quad], out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise InputError(str(out), "exists and is not a folder, cannot hold a graph store")
    if out.is_dir() and any(out.iterdir()) and not _looks_like_store(out):
        raise InputError(str(out), "folder is not empty and not an Oxigraph graph store")
    cache: dict = {}
    ox_quads = [_to_ox_quad(q, cache) for q in quads]  # all ready before touching disk
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    old = tmp.with_name(tmp.name[: -len(".tmp")] + ".old")
    try:
        store = ox.Store(str(tmp))
        store.bulk_extend(ox_quads)
        store.flush()
        del store  # closes the new store before it is moved
        os.chmod(tmp, _mode_for(out, 0o777))
        if out.exists():
            os.replace(out, old)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not out.exists():
            os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


# --- rdflib <-> Oxigraph terms ----------------------------------------------------


def _to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    kind = type(term)  # exact types first: this runs once per term of every quad written
    if kind is URIRef:
        return ox.NamedNode(term)
    if kind is Literal or isinstance(term, Literal):
        if term.language:
            return ox.Literal(term, language=term.language)
        if term.datatype:
            return ox.Literal(term, datatype=ox.NamedNode(term.datatype))
        return ox.Literal(term)
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"cannot store RDF term {term!r}")


def _to_ox_quad(quad: Quad, cache: dict | None = None) -> ox.Quad:
    """An Oxigraph quad; ``cache`` reuses the conversion of terms seen before (predicates,
    classes and entities recur in nearly every quad of a build)."""
    s, p, o, g = quad
    if cache is None:
        graph = _DEFAULT_GRAPH if g is None else ox.NamedNode(g)
        return ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), graph)
    terms = []
    for term in (s, p, o):
        converted = cache.get(term)
        if converted is None:
            converted = cache[term] = _to_ox(term)
        terms.append(converted)
    graph = cache.get(g)
    if graph is None:
        graph = cache[g] = _DEFAULT_GRAPH if g is None else ox.NamedNode(g)
    return ox.Quad(terms[0], terms[1], terms[2], graph)


_DEFAULT_GRAPH = ox.DefaultGraph()


def _from_ox(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == str(XSD.string):
        return Literal(term.value)
    if datatype == str(XSD.decimal):  # the store drops ".0"; Turtle keeps it
        return Literal(canonical_decimal(term.value), datatype=XSD.decimal)
    return Literal(term.value, datatype=URIRef(datatype))


def _from_ox_quad(quad: ox.Quad) -> Quad:
    g = quad.graph_name
    graph = None if isinstance(g, ox.DefaultGraph) else URIRef(g.value)
    return _from_ox(quad.subject), _from_ox(quad.predicate), _from_ox(quad.object), graph


__all__ = [
    "FILE_FORMATS",
    "add_quads",
    "graph_exists",
    "is_store_path",
    "iter_quads",
    "merge_documents",
    "merge_quads",
    "named_graphs",
    "new_dataset",
    "read_graph",
    "read_quads",
    "write_graph",
    "write_quads",
]
