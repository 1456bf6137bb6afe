"""Read, write and merge graph files and Oxigraph stores.

The format follows the path: ``.ttl``, ``.nt`` and ``.jsonld`` hold the union of all
graphs; ``.trig`` and ``.nq`` keep one named graph per document; a folder, a path
without extension or a ``.oxigraph`` path is a persistent Oxigraph store. Writes
never leave a half-written file or store behind: the new content is written next to
the target and moved over it once complete.

TriG and N-Quads files and stores are read and written through Oxigraph, which is much
faster than rdflib on large graphs; the union formats go through rdflib. Builds add
documents to a store in place, one transaction each (:mod:`kg.rdf.store`); reading a store
here waits for a writer's turn to end.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.errors import InputError, OutputError
from kg.rdf.layout import DocumentPart, merge
from kg.rdf.namespaces import PREFIXES, bind_prefixes
from kg.rdf.terms import GraphName, OxConverter, Quad, from_ox_quad, quad_key

# Extension → rdflib format name.
FILE_FORMATS = {
    ".ttl": "turtle",
    ".trig": "trig",
    ".nq": "nquads",
    ".nt": "nt",
    ".jsonld": "json-ld",
}
NAMED_GRAPH_FORMATS = frozenset({".trig", ".nq"})
OX_FORMATS = {
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
}
STORE_SUFFIX = ".oxigraph"
TMP_SUFFIX = ".tmp"


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


def named_graphs(dataset: Dataset) -> set:
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


def merge_documents(existing: Dataset, new: Dataset) -> Dataset:
    """``existing`` with each document of ``new`` added or replacing its namesake (the inputs
    are left unchanged)."""
    from kg.rdf.layout import split

    merged = new_dataset()
    add_quads(merged, merge(iter_quads(existing), split(iter_quads(new)).parts.values()))
    return merged


def merge_parts(existing: Iterable[Quad], new: Iterable[DocumentPart]) -> Iterator[Quad]:
    """Quads of ``existing`` with the documents of ``new`` added or replaced."""
    return merge(existing, new)


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
    dataset = new_dataset()
    add_quads(dataset, read_quads(path))
    return dataset


def read_quads(path: str | Path) -> list[Quad]:
    """Every quad of a graph file or store (``InputError`` if it cannot be read).

    Files are parsed by Oxigraph, which never fetches anything: a JSON-LD file whose
    ``@context`` is remote is refused, not loaded from the network.
    """
    path = Path(path)
    if is_store_path(path):
        return _read_store(path)
    _file_format(path)
    if not path.is_file():
        raise InputError(str(path), "no such file")
    fmt = OX_FORMATS[path.suffix.lower()]
    try:
        return [from_ox_quad(q) for q in ox.parse(path=str(path), format=fmt)]
    except (SyntaxError, ValueError) as exc:
        detail = " ".join(str(exc).split())[:300]  # one line, however the parser words it
        name = FILE_FORMATS[path.suffix.lower()]
        raise InputError(str(path), f"not a valid {name} file: {detail}") from exc
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc


def open_store(path: str | Path) -> ox.Store:
    """Open a store read-only (several readers at once, a store on a read-only disk)."""
    path = Path(path)
    if not path.is_dir():
        raise InputError(str(path), "no such graph store")
    if not _looks_like_store(path):
        raise InputError(str(path), "folder is not an Oxigraph graph store")
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise InputError(str(path), f"cannot open graph store: {exc}") from exc


def _read_store(path: Path) -> list[Quad]:
    if path.is_dir() and not any(path.iterdir()):
        return []
    from kg.rdf.store import content_quads, reading

    try:
        with reading(path) as store:
            # the claim counts are the store's own index, not part of the graph
            return [from_ox_quad(q) for q in content_quads(store)]
    except OSError as exc:
        raise InputError(str(path), f"cannot read graph store: {exc}") from exc


def load_file_store(path: str | Path) -> ox.Store:
    """A graph file loaded once into an in-memory Oxigraph store (``InputError`` if it cannot
    be read); queries then run on it directly."""
    path = Path(path)
    _file_format(path)
    if not path.is_file():
        raise InputError(str(path), "no such file")
    fmt = OX_FORMATS[path.suffix.lower()]
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=fmt)
    except (SyntaxError, ValueError) as exc:
        detail = " ".join(str(exc).split())[:300]
        name = FILE_FORMATS[path.suffix.lower()]
        raise InputError(str(path), f"not a valid {name} file: {detail}") from exc
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    return store


# --- writing --------------------------------------------------------------------


@contextmanager
def output_lock(out: str | Path) -> Iterator[None]:
    """Hold the lock of an output while it is read, merged and replaced.

    The lock is on the output's folder (no lock file is left behind), so two builds writing
    into one folder take turns; a build that has to wait says so on stderr. Leftovers of
    interrupted writes are removed once the lock is held.
    """
    out = Path(out)
    folder = out.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise OutputError(str(out), _why(exc)) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            import sys

            print(f"kg: {out}: another build is writing here; waiting for it", file=sys.stderr)
            fcntl.flock(fd, fcntl.LOCK_EX)
        _remove_leftovers(out)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _remove_leftovers(out: Path) -> None:
    """Temporary files and folders of writes to ``out`` that were interrupted."""
    for leftover in out.parent.glob(f".{out.name}.*{TMP_SUFFIX}"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def _why(exc: OSError) -> str:
    """One line for an operating-system error."""
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        return "cannot write: no space left on device; the output is unchanged"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"cannot write: {reason.lower()}; the output is unchanged"
    return f"cannot write: {reason}"


def check_output(out: str | Path) -> None:
    """Refuse, before any work is done, an output that no build could write
    (``OutputError``): an unknown extension, a file where a store should be, a foreign folder."""
    out = Path(out)
    if is_store_path(out):
        if out.exists() and not out.is_dir():
            raise OutputError(str(out), "exists and is not a folder, cannot hold a graph store")
        if out.is_dir() and any(out.iterdir()) and not _looks_like_store(out):
            raise OutputError(str(out), "folder is not empty and not an Oxigraph graph store")
        return
    if out.suffix.lower() not in FILE_FORMATS:
        known = ", ".join(sorted(FILE_FORMATS)) + f", {STORE_SUFFIX} or a folder"
        raise OutputError(str(out), f"unknown graph format {out.suffix!r} (use {known})")


def write_graph(dataset: Dataset, out: str | Path) -> None:
    """Write a dataset to ``out``, replacing what is there, in the format its path names."""
    write_quads(iter_quads(dataset), out)


def write_quads(quads: Iterable[Quad], out: str | Path, *, presorted: bool = False) -> None:
    """Write quads to ``out``, replacing what is there, in the format its path names.

    Files are written in sorted order (graph, subject, predicate, object), so that the same
    graph always gives the same bytes; ``presorted`` says ``quads`` already come in that
    order and without duplicates. Formats without named graphs get the union of the graphs.
    """
    out = Path(out)
    if is_store_path(out):
        _write_store(quads, out)
        return
    check_output(out)  # an unknown extension is refused before anything is done
    suffix = out.suffix.lower()
    if suffix == ".jsonld":
        dataset = new_dataset()
        add_quads(dataset, quads)
        source = union_graph(dataset)
        _write_file(out, lambda handle: handle.write(_serialize_jsonld(source)))
        return
    if not presorted:
        quads = sorted(set(quads), key=quad_key)
    converter = OxConverter()
    if suffix in NAMED_GRAPH_FORMATS:
        items: list = converter.quads(quads)  # all ready before touching disk
    else:
        triples = sorted({(s, p, o) for s, p, o, _ in quads}, key=lambda t: quad_key((*t, None)))
        items = [converter.triple(t) for t in triples]
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    if suffix == ".nt":
        prefixes = None
    fmt = OX_FORMATS[suffix]
    _write_file(out, lambda handle: ox.serialize(items, handle, fmt, prefixes=prefixes))


def _write_file(out: Path, write: Callable[[BinaryIO], object]) -> None:
    """Call ``write`` on a temporary file beside ``out``, then move it over ``out``."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=TMP_SUFFIX, dir=out.parent)
    except OSError as exc:
        raise OutputError(str(out), _why(exc)) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(out, 0o666))  # temporary files are private; the result is not
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(str(out), _why(exc)) from exc
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


def _serialize_jsonld(source: Graph) -> bytes:
    """Compact JSON-LD with the project's prefixes, nodes and values in a stable order."""
    context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    data = json.loads(source.serialize(format="json-ld", context=context, auto_compact=True))
    nodes = data.get("@graph", []) if isinstance(data, dict) else data
    for node in nodes:
        for value in node.values():
            if isinstance(value, list):
                value.sort(key=lambda v: json.dumps(v, sort_keys=True))
    nodes.sort(key=lambda node: str(node.get("@id", "")))
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _write_store(quads: Iterable[Quad], out: Path) -> None:
    """Write a new store beside ``out`` and swap it in with one atomic step."""
    check_output(out)
    ox_quads = OxConverter().quads(quads)  # all ready before touching disk
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=TMP_SUFFIX, dir=out.parent))
    except OSError as exc:
        raise OutputError(str(out), _why(exc)) from exc
    try:
        store = ox.Store(str(tmp))
        store.bulk_extend(ox_quads)
        store.flush()
        del store  # closes the new store before it is moved
        os.chmod(tmp, _mode_for(out, 0o777))
        if out.exists():
            _exchange(tmp, out)  # now ``tmp`` holds the old store
        else:
            os.replace(tmp, out)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(str(out), _why(exc)) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(tmp, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> None:
    """Swap two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``): at every
    moment ``b`` is either the old or the new store, never missing or half-moved."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:  # not Linux, or an old C library: two renames, the gap kept short
        old = a.with_name(a.name + ".old" + TMP_SUFFIX)
        os.replace(b, old)
        os.replace(a, b)
        os.replace(old, a)
        return
    done = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if done != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(b))


__all__ = [
    "FILE_FORMATS",
    "add_quads",
    "check_output",
    "graph_exists",
    "is_store_path",
    "iter_quads",
    "load_file_store",
    "merge_documents",
    "merge_parts",
    "open_store",
    "output_lock",
    "named_graphs",
    "new_dataset",
    "read_graph",
    "read_quads",
    "write_graph",
    "write_quads",
]
