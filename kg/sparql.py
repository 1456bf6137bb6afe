"""Run read-only SPARQL queries over a geokg graph and format the answers.

Queries run on pyoxigraph with the default graph as the union of all named
graphs, so a query sees every document's triples at once. Note that this union
is a bag: a triple stated by two documents matches twice, hence ``DISTINCT`` in
the shipped queries.

Queries are safe by default: an update is refused, a ``SERVICE`` clause (a call to
another endpoint over the network) is refused unless ``allow_service`` is given, a query
stops after ``timeout`` seconds, at most ``max_rows`` rows are kept, and the text formats
never print control characters or terminal escape sequences raw.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
import warnings
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox
import rdflib

from kg.errors import GeokgError
from kg.resources import QUERIES_DIR
from kg.sparql_guard import is_update, service_endpoints
from kg.sparql_runner import (
    QueryProcess,
    QueryResult,
    Value,
    evaluate,
    evaluate_with_deadline,
)

DEFAULT_TIMEOUT = 300.0  # seconds
DEFAULT_MAX_ROWS = 100_000

# Prefixes used to shorten IRIs in the "table" format only.
TABLE_PREFIXES = {
    "gkr:": "https://w3id.org/geokg/resource/",
    "gk:": "https://w3id.org/geokg/ontology#",
    "wd:": "http://www.wikidata.org/entity/",
    "unit:": "http://qudt.org/vocab/unit/",
}

FORMATS = ("table", "csv", "tsv", "json")

# Characters never written raw to a terminal: C0 and C1 controls (ESC starts escape
# sequences; C1 CSI does too on some terminals), DEL, line and paragraph separators, the
# bidirectional embeddings, overrides and isolates that reorder what is shown, and lone
# surrogates (which cannot be encoded at all).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


class QueryError(GeokgError):
    """A query that cannot be loaded or run."""


class QueryTimeout(QueryError):
    """A query that did not finish in its time limit."""


class ServiceNotAllowed(QueryError):
    """A query with a SERVICE clause, which would reach the network, run without allowing it."""


__all__ = [
    "DEFAULT_MAX_ROWS",
    "DEFAULT_TIMEOUT",
    "FORMATS",
    "QueryError",
    "QueryResult",
    "QueryTimeout",
    "ServiceNotAllowed",
    "Value",
    "check_query",
    "competency_names",
    "format_result",
    "is_update",
    "load_query",
    "query_command",
    "run_query",
    "to_store",
]


def load_query(text_or_path: str) -> str:
    """Return the SPARQL text for a query string, a ``.rq`` file or a competency name.

    A competency name is the file stem with or without its number:
    ``positions`` or ``01-positions`` for ``queries/01-positions.rq``.
    """
    text = text_or_path.strip()
    if text.endswith(".rq") and "\n" not in text:
        path = Path(text)
        if not path.is_file():
            named = _competency_path(path.stem)
            if named is None:
                raise QueryError(f"{text}: query file not found")
            path = named
        return path.read_text(encoding="utf-8")
    if re.fullmatch(r"[A-Za-z0-9_-]+", text):
        named = _competency_path(text)
        if named is None:
            names = ", ".join(competency_names())
            raise QueryError(f"{text!r}: not a SPARQL query nor a known query name ({names})")
        return named.read_text(encoding="utf-8")
    return text_or_path


def competency_names() -> list[str]:
    """Names of the shipped competency queries, e.g. ``["positions", ...]``."""
    return [re.sub(r"^\d+-", "", p.stem) for p in sorted(QUERIES_DIR.glob("*.rq"))]


def _competency_path(name: str) -> Path | None:
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        if name in (path.stem, re.sub(r"^\d+-", "", path.stem)):
            return path
    return None


def to_store(dataset: rdflib.Dataset | rdflib.Graph | ox.Store) -> ox.Store:
    """Copy an rdflib graph or dataset into an in-memory pyoxigraph store.

    A store (or a :class:`~kg.sparql_runner.QueryProcess` holding one) is returned as it
    is. Named graphs are kept.
    """
    if isinstance(dataset, ox.Store | QueryProcess):
        return dataset
    store = ox.Store()
    if isinstance(dataset, rdflib.Dataset | rdflib.ConjunctiveGraph):
        data = dataset.serialize(format="nquads", encoding="utf-8")
        store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
    elif isinstance(dataset, rdflib.Graph):
        data = dataset.serialize(format="nt", encoding="utf-8")
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    else:
        raise TypeError(
            f"dataset: cannot query a {type(dataset).__name__}: expected an rdflib graph or "
            "dataset, or a pyoxigraph store"
        )
    return store


def run_query(
    dataset: rdflib.Dataset | rdflib.Graph | ox.Store | QueryProcess,
    sparql: str,
    *,
    name: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    allow_service: bool = False,
) -> QueryResult:
    """Run a read-only SPARQL query over the union of all graphs.

    ``name`` (a file name) is used in error messages; by default the query's
    first non-empty line. The query stops with :class:`QueryTimeout` after ``timeout``
    seconds (``None`` or 0: no limit; the query then runs in this process); only the first
    ``max_rows`` rows are kept (``None`` or 0: all): when there were more, ``truncated`` is
    set on the result and a ``RuntimeWarning`` says so. A ``SERVICE`` clause raises
    :class:`ServiceNotAllowed` unless ``allow_service`` is true.

    The time limit costs a child process per query: 10 ms on an idle machine.
    """
    label = _label(sparql, name)
    timeout, max_rows = _limits(timeout, max_rows)
    check_query(sparql, name=label, allow_service=allow_service)
    result = _run(to_store(dataset), sparql, label, timeout, max_rows)
    if result.truncated:
        warnings.warn(
            f"{label}: only the first {max_rows:,} rows were kept (max_rows=None keeps all)",
            RuntimeWarning,
            stacklevel=2,
        )
    return result


def check_query(sparql: str, *, name: str | None = None, allow_service: bool = False) -> None:
    """Refuse, before anything runs, an update or (unless allowed) a SERVICE clause."""
    if not isinstance(sparql, str):
        raise TypeError(f"sparql: expected the text of a query, not {type(sparql).__name__}")
    label = name or _label(sparql, None)
    if is_update(sparql):
        raise QueryError(f"{label}: SPARQL Update is not allowed: kg query is read-only")
    if allow_service:
        return
    endpoints = service_endpoints(sparql)
    if endpoints:
        raise ServiceNotAllowed(
            f"{label}: SERVICE {_escape(endpoints[0])} refused: queries do not reach the network "
            "unless allowed (kg query --allow-service, allow_service=True in Python)"
        )


def _run(
    store: ox.Store | QueryProcess,
    sparql: str,
    label: str,
    timeout: float | None,
    max_rows: int | None,
) -> QueryResult:
    try:
        if isinstance(store, QueryProcess):
            return store.run(sparql, max_rows, timeout)
        if timeout is None:
            return evaluate(store, sparql, max_rows)
        return evaluate_with_deadline(store, sparql, max_rows, timeout)
    except TimeoutError:
        raise QueryTimeout(f"{label}: timed out after {timeout:g} s") from None
    except SyntaxError as exc:
        raise QueryError(f"malformed SPARQL query {label}: {_one_line(exc)}") from None
    except (OSError, RuntimeError, ValueError) as exc:  # evaluation errors, a failed SERVICE
        raise QueryError(f"query {label} failed: {_one_line(exc)}") from None


def _limits(timeout: object, max_rows: object) -> tuple[float | None, int | None]:
    """The time limit and row cap as run: None for none; TypeError or QueryError if wrong."""
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, int | float):
            raise TypeError(f"timeout: expected seconds as a number, not {type(timeout).__name__}")
        if math.isnan(timeout) or timeout < 0:
            raise QueryError(f"timeout must be a number of seconds ≥ 0, not {timeout:g}")
    if max_rows is not None:
        if isinstance(max_rows, bool) or not isinstance(max_rows, int):
            raise TypeError(f"max_rows: expected an integer, not {type(max_rows).__name__}")
        if max_rows < 0:
            raise QueryError(f"the row cap must be ≥ 0, not {max_rows}")
    no_limit = timeout is None or timeout == 0 or math.isinf(timeout)
    return (None if no_limit else float(timeout)), (max_rows or None)


def query_command(
    graph: str | Path,
    query: str,
    *,
    fmt: str = "table",
    timeout: float | None = DEFAULT_TIMEOUT,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    allow_service: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """``kg query``: run ``query`` on the graph at ``graph``, print it in ``fmt``; exit code.

    The query is checked before the graph is read. A cut result is printed with a note on
    ``err``.
    """
    from kg.graph import KnowledgeGraph

    out = out or sys.stdout
    err = err or sys.stderr
    sparql = load_query(query)
    name = query if query.endswith(".rq") or "\n" not in query and len(query) < 40 else None
    label = _label(sparql, name)
    timeout, max_rows = _limits(timeout, max_rows)
    if fmt not in FORMATS:
        raise QueryError(f"unknown output format {fmt!r}: expected one of {', '.join(FORMATS)}")
    check_query(sparql, name=label, allow_service=allow_service)
    loaded = KnowledgeGraph.open(graph)  # a store opened in place, a file read once
    try:
        with loaded.oxigraph() as store:
            result = _run(store, sparql, label, timeout, max_rows)
    finally:
        loaded.close()
    out.write(format_result(result, fmt))
    if result.truncated:
        out.flush()
        err.write(
            f"kg query: output cut at {max_rows:,} rows: the query gives more "
            "(--max-rows N to change the cap, 0 for none)\n"
        )
    return 0


def _label(sparql: str, name: str | None) -> str:
    if name:
        return _escape(name)
    for line in sparql.splitlines():
        line = line.strip()
        if line and not line.startswith("#") and not line.upper().startswith("PREFIX"):
            return repr(line if len(line) <= 60 else line[:57] + "...")
    return repr(sparql.strip()[:60])


def _one_line(exc: BaseException, limit: int = 240) -> str:
    """The exception's message on one line, cut (oxigraph's list all it expected)."""
    text = _escape(" ".join(str(exc).split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_result(result: QueryResult, fmt: str = "table", *, max_width: int | None = 60) -> str:
    """Render a result as "table", "csv", "tsv" or "json".

    - table: aligned plain text, IRIs shortened with gkr:/gk:/wd:/unit:, cells cut
      at ``max_width`` characters, a row count at the end; a graph result
      (CONSTRUCT/DESCRIBE) is printed as N-Triples.
    - csv: RFC 4180 with a header row; unbound values are empty.
    - tsv: tab-separated with a header row; tabs and newlines inside values are
      written as ``\\t`` and ``\\n``.
    - json: a list of objects, one per row, mapping column to value (numbers as
      JSON numbers, unbound as null).

    Control characters, DEL, bidirectional controls and line separators in values are
    escaped in every format: as ``\\x1b``, ``\\r``, ``\\u202e`` in table, csv and tsv (a
    newline stays one inside a csv field, and becomes a space in a table), and with
    JSON's own ``\\u`` escapes in json, which keeps the values exact.
    """
    if fmt == "table":
        if result.kind == "graph":  # N-Triples escapes C0 controls itself, not the others
            return _escape(result.ntriples, keep="\n", json_style=True)
        return _table(result, max_width)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([_escape(_text(v), keep="\n\t") for v in row] for row in result.rows)
        return buf.getvalue()
    if fmt == "tsv":
        lines = ["\t".join(result.columns)]
        for row in result.rows:
            lines.append("\t".join(_escape(_text(v).replace("\\", "\\\\")) for v in row))
        return "\n".join(lines) + "\n"
    if fmt == "json":
        objects = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
        # json.dumps escapes C0 controls only; the other unsafe characters can only be
        # inside strings, where a \u escape stands for the same character.
        text = json.dumps(objects, ensure_ascii=False, indent=2)
        return _escape(text, keep="\n", json_style=True) + "\n"
    raise QueryError(f"unknown output format {fmt!r}: expected one of {', '.join(FORMATS)}")


def _escape(text: str, keep: str = "", json_style: bool = False) -> str:
    """``text`` with every unsafe character not in ``keep`` written as an escape: ``\\t``,
    ``\\n``, ``\\r``, ``\\xHH`` or ``\\uHHHH`` (only ``\\uHHHH`` with ``json_style``)."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char in keep:
            return char
        if json_style:
            return f"\\u{ord(char):04x}"
        return _NAMED_ESCAPES.get(char) or (
            f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
        )

    return _UNSAFE.sub(escape, text)


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _short(value: Value, max_width: int | None) -> str:
    text = _text(value)
    if isinstance(value, str):
        for prefix, namespace in TABLE_PREFIXES.items():
            if text.startswith(namespace):
                text = prefix + text[len(namespace) :]
                break
    text = _escape(text.replace("\n", " "))
    if max_width and len(text) > max_width:
        text = text[: max_width - 1] + "…"
    return text


def _table(result: QueryResult, max_width: int | None) -> str:
    cells = [[_short(v, max_width) for v in row] for row in result.rows]
    widths = [len(c) for c in result.columns]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(result.columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    n = len(result.rows)
    lines.append(f"({n} row{'s' if n != 1 else ''})")
    return "\n".join(lines) + "\n"
