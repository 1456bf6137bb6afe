"""Run read-only SPARQL queries over a geokg graph and format the answers.

Queries run on pyoxigraph with the default graph as the union of all named
graphs, so a query sees every document's triples at once. Note that this union
is a bag: a triple stated by two documents matches twice, hence ``DISTINCT`` in
the shipped queries.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib

try:
    from kg.errors import GeokgError
except ImportError:  # kg.errors not there yet

    class GeokgError(Exception):  # type: ignore[no-redef]
        """Base of every geokg error."""


class QueryError(GeokgError):
    """A query that cannot be loaded or run."""


from kg.resources import QUERIES_DIR  # noqa: E402

XSD = "http://www.w3.org/2001/XMLSchema#"
_INT_TYPES = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
        "gYear",
    )
}
_FLOAT_TYPES = {XSD + "decimal", XSD + "double", XSD + "float"}

# Prefixes used to shorten IRIs in the "table" format only.
TABLE_PREFIXES = {
    "gkr:": "https://w3id.org/geokg/resource/",
    "gk:": "https://w3id.org/geokg/ontology#",
    "wd:": "http://www.wikidata.org/entity/",
    "unit:": "http://qudt.org/vocab/unit/",
}

FORMATS = ("table", "csv", "tsv", "json")
_UPDATE_WORDS = {
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
    "WITH",
}
Value = str | int | float | bool | None


@dataclass
class QueryResult:
    """Answer of a query.

    ``kind`` is "select", "ask" or "graph" (CONSTRUCT/DESCRIBE). ASK gives one
    column "result"; a graph gives columns subject/predicate/object and keeps
    its N-Triples text in ``ntriples``.
    """

    columns: list[str]
    rows: list[tuple[Value, ...]]
    kind: str = "select"
    ntriples: str = field(default="", repr=False)


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

    A store is returned as it is. Named graphs are kept.
    """
    if isinstance(dataset, ox.Store):
        return dataset
    store = ox.Store()
    if isinstance(dataset, rdflib.Dataset | rdflib.ConjunctiveGraph):
        data = dataset.serialize(format="nquads", encoding="utf-8")
        store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
    elif isinstance(dataset, rdflib.Graph):
        data = dataset.serialize(format="nt", encoding="utf-8")
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    else:
        raise QueryError(f"cannot query a {type(dataset).__name__}: expected a graph or a store")
    return store


def run_query(
    dataset: rdflib.Dataset | rdflib.Graph | ox.Store,
    sparql: str,
    *,
    name: str | None = None,
) -> QueryResult:
    """Run a read-only SPARQL query over the union of all graphs.

    ``name`` (a file name) is used in error messages; by default the query's
    first non-empty line.
    """
    label = name or _first_line(sparql)
    if is_update(sparql):
        raise QueryError(f"{label}: SPARQL Update is not allowed: kg query is read-only")
    store = to_store(dataset)
    try:
        answer = store.query(sparql, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"malformed SPARQL query {label}: {exc}") from None
    except OSError as exc:  # evaluation errors (e.g. a SERVICE that fails)
        raise QueryError(f"query {label} failed: {exc}") from None
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(["result"], [(bool(answer),)], kind="ask")
    if isinstance(answer, ox.QueryTriples):
        triples = list(dict.fromkeys(answer))  # the union graph may repeat a triple
        rows = [(_py(t.subject), _py(t.predicate), _py(t.object)) for t in triples]
        text = "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)
        return QueryResult(["subject", "predicate", "object"], rows, kind="graph", ntriples=text)
    columns = [v.value for v in answer.variables]
    rows = [tuple(_py(solution[i]) for i in range(len(columns))) for solution in answer]
    return QueryResult(columns, rows)


def is_update(sparql: str) -> bool:
    """Whether the text is a SPARQL Update rather than a query."""
    # Drop strings, IRIs and comments so that their words do not count.
    text = re.sub(r'("""|\'\'\')(.|\n)*?\1', " ", sparql)
    text = re.sub(r'"([^"\\\n]|\\.)*"|\'([^\'\\\n]|\\.)*\'', " ", text)
    text = re.sub(r"<[^<>\s]*>", " ", text)
    text = re.sub(r"#[^\n]*", " ", text)
    text = re.sub(r"(?i)\b(PREFIX\s+[\w.-]*:|BASE)\s*", " ", text)
    words = re.findall(r"[A-Za-z]+", text)
    return bool(words) and words[0].upper() in _UPDATE_WORDS


def _first_line(sparql: str) -> str:
    for line in sparql.splitlines():
        line = line.strip()
        if line and not line.startswith("#") and not line.upper().startswith("PREFIX"):
            return repr(line if len(line) <= 60 else line[:57] + "...")
    return repr(sparql.strip()[:60])


def _py(term: object) -> Value:
    """A query term as a plain Python value (IRIs and strings as str)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in _INT_TYPES:
                return int(term.value)
            if datatype in _FLOAT_TYPES:
                return float(term.value)
            if datatype == XSD + "boolean":
                return term.value in ("true", "1")
        except ValueError:
            pass
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value  # NamedNode


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
    """
    if fmt == "table":
        if result.kind == "graph":
            return result.ntriples
        return _table(result, max_width)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([_text(v) for v in row] for row in result.rows)
        return buf.getvalue()
    if fmt == "tsv":
        lines = ["\t".join(result.columns)]
        for row in result.rows:
            cells = [_text(v).replace("\\", "\\\\").replace("\t", "\\t") for v in row]
            lines.append("\t".join(c.replace("\n", "\\n") for c in cells))
        return "\n".join(lines) + "\n"
    if fmt == "json":
        objects = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
        return json.dumps(objects, ensure_ascii=False, indent=2) + "\n"
    raise QueryError(f"unknown output format {fmt!r}: expected one of {', '.join(FORMATS)}")


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
    text = text.replace("\n", " ")
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
