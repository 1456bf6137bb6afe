"""What a SPARQL text would do before it runs: update the graph, or call a remote SERVICE."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rdflib.term import URIRef, Variable

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

# Lexemes of a SPARQL text, for the token scan of texts rdflib cannot parse. Comments and
# strings are skipped; an IRI never holds a space, a brace or '<', so no SERVICE clause can
# hide in what is taken for an IRI even where '<' is a comparison.
_LEXEMES = re.compile(
    r"""(?P<skip>\#[^\n\r]*
          |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
          |'''(?:[^'\\]|\\.|'(?!''))*'''
          |"(?:[^"\\\n\r]|\\.)*"
          |'(?:[^'\\\n\r]|\\.)*')
      |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      |(?P<var>[?$]\w+)
      |(?P<name>[\w:-](?:[\w.:-]*[\w:-])?)
      |(?P<other>\S)""",
    re.VERBOSE | re.DOTALL,
)


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


def service_endpoints(sparql: str) -> list[str]:
    """The endpoints of the query's SERVICE clauses, in order: ``<IRI>``, ``prefix:name`` or
    ``?variable``; empty when the query calls no SERVICE.

    The clauses are read from rdflib's parse of the query, so the word in a comment, a string,
    an IRI or a name does not count, and one in any case, nested, in a subquery, SILENT or with
    a variable endpoint does. A text that rdflib cannot parse (a malformed query, or one of
    the extensions oxigraph accepts beyond SPARQL 1.1) is scanned token by token instead,
    every SERVICE keyword counting.
    """
    if not re.search(r"(?i)service|\\u", sparql):
        return []  # the keyword appears nowhere, not even as a \u escape: no need to parse
    # Imported here: rdflib builds its SPARQL grammar on import (~0.1 s).
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(sparql)
    except Exception:  # pyparsing's errors, or RecursionError on deep nesting
        return _scanned_endpoints(sparql)
    return [_endpoint(node["term"]) for node in _nodes(tree) if node.name == "ServiceGraphPattern"]


def _nodes(tree: object) -> Iterator:
    """Every rule node (rdflib ``CompValue``) of a parse tree, in document order."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list | tuple | ParseResults):  # ParseResults: no Mapping here
            stack.extend(reversed(list(item)))


def _endpoint(term: object) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Variable):
        return f"?{term}"
    if getattr(term, "name", None) == "pname":  # a prefixed name, not yet expanded
        return f"{term.get('prefix') or ''}:{term.get('localname') or ''}"
    return str(term)


def _scanned_endpoints(sparql: str) -> list[str]:
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes

    try:
        text = expandUnicodeEscapes(sparql)
    except Exception:  # an invalid escape: scan the text as written
        text = sparql
    tokens = [(m.lastgroup, m.group()) for m in _LEXEMES.finditer(text) if m.lastgroup != "skip"]
    endpoints = []
    for i, (kind, value) in enumerate(tokens):
        # A name without a colon may be several tokens run together with dots ("1.SERVICE").
        if kind == "name" and ":" not in value and "service" in value.lower().split("."):
            following = [v for _, v in tokens[i + 1 : i + 3]]
            if following and following[0].upper() == "SILENT":
                following = following[1:]
            endpoints.append(following[0] if following else "?")
    return endpoints
