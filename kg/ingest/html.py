"""Main text and metadata of an HTML article page."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from kg.ingest.cleanup import normalise_line
from kg.ingest.metadata import parse_byline, parse_date_text
from kg.ingest.patterns import load_patterns

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_CHARSET_SNIFF_BYTES = 4096
# An element removed for its class or id holds at most this share of the main text.
_MAX_NOISE_SHARE = 0.5


@dataclass
class HtmlArticle:
    """What an article page holds: metadata and the paragraphs of its main text."""

    title: str | None = None
    date: dt.date | None = None
    author: str | None = None
    url: str | None = None
    source: str | None = None
    paragraphs: list[str] = field(default_factory=list)


def declared_charset(data: bytes) -> str | None:
    """The character set a page declares in a ``<meta>`` element, if any."""
    m = _CHARSET.search(data[:_CHARSET_SNIFF_BYTES])
    return m[1].decode("ascii", "replace") if m else None


def _value(node: LexborNode) -> str | None:
    """The value an element gives: its content, href or datetime attribute, else its text."""
    attrs = node.attributes
    if node.tag == "meta":
        value = attrs.get("content")
    elif node.tag == "link":
        value = attrs.get("href")
    elif node.tag == "time":
        value = attrs.get("datetime") or node.text(deep=True)
    else:
        value = node.text(deep=True)
    value = normalise_line(value or "")
    return value or None


def _first(root: LexborNode, selectors: list[str], valid=lambda v: True) -> str | None:
    for selector in selectors:
        for node in root.css(selector):
            value = _value(node)
            if value and valid(value):
                return value
    return None


def _not_a_link(value: str) -> bool:
    return not value.startswith(("http://", "https://", "/"))


def _strip_site_name(title: str, site: str | None) -> str:
    """ "Talks resume | The Daily" -> "Talks resume" when the page names its site "The Daily"."""
    if site:
        for separator in (" | ", " - ", " – ", " — ", " :: "):
            head, sep, tail = title.rpartition(separator)
            if sep and head and tail.strip().casefold() == site.casefold():
                return head.strip()
    return title


def _main_container(tree: LexborHTMLParser, selectors: list[str]) -> LexborNode | None:
    """The element holding the story: the largest <article>, else <main>, ..., else <body>."""
    for selector in selectors:
        nodes = tree.css(selector)
        if nodes:
            return max(nodes, key=lambda n: len(n.text(deep=True)))
    return tree.root


def _drop_noise(container: LexborNode) -> None:
    """Remove the elements of ``container`` that are not story text (scripts, navigation...)."""
    patterns = load_patterns()
    doomed = [
        n
        for tag in patterns.html["drop_tags"]
        for n in container.css(tag)
        if n.mem_id != container.mem_id
    ]
    total = len(container.text(deep=True))
    for node in container.css("[class], [id], [hidden], [aria-hidden]"):
        if node.mem_id == container.mem_id:
            continue
        attrs = node.attributes
        if "hidden" in attrs or attrs.get("aria-hidden") == "true":
            doomed.append(node)
        elif patterns.html_drop_class_or_id.search(f"{attrs.get('class')} {attrs.get('id')}"):
            # A class name alone does not remove most of the text ("content has-sidebar").
            if len(node.text(deep=True)) <= total * _MAX_NOISE_SHARE:
                doomed.append(node)
    # Remove outermost nodes only: a removed node takes its descendants with it.
    ids = {n.mem_id for n in doomed}
    for node in doomed:
        parent = node.parent
        while parent is not None and parent.mem_id not in ids:
            parent = parent.parent
        if parent is None:
            ids.discard(node.mem_id)
    removed = set()
    for node in doomed:
        if node.mem_id not in ids and node.mem_id not in removed:
            removed.add(node.mem_id)
            node.decompose()


def _paragraphs(container: LexborNode) -> list[str]:
    """Text of ``container`` split into paragraphs at block elements and line breaks."""
    paragraphs: list[str] = []
    buffer: list[str] = []
    blocks = load_patterns().block_tags

    def flush() -> None:
        text = normalise_line("".join(buffer))
        if text:
            paragraphs.append(text)
        buffer.clear()

    # Depth-first walk with an explicit stack (pages can nest deeper than Python recursion).
    stack: list[LexborNode | None] = [container]
    while stack:
        node = stack.pop()
        if node is None:  # end of a block element
            flush()
            continue
        tag = node.tag
        if tag == "-text":
            buffer.append(node.text_content or "")
            continue
        if tag == "-comment":
            continue
        if tag == "br":
            flush()
            continue
        children = list(node.iter(include_text=True))
        if tag in blocks:
            flush()
            stack.append(None)
        stack.extend(reversed(children))
    flush()
    return paragraphs


def parse_html(text: str) -> HtmlArticle:
    """Metadata and main-text paragraphs of an HTML page."""
    patterns = load_patterns()
    selectors = patterns.html
    tree = LexborHTMLParser(text)
    root = tree.root
    if root is None:
        return HtmlArticle()
    article = HtmlArticle()
    article.source = _first(root, selectors["source"])
    title = _first(root, selectors["title"])
    article.title = _strip_site_name(title, article.source) if title else None
    for selector in selectors["date"]:
        for node in root.css(selector):
            value = _value(node)
            article.date = parse_date_text(value) if value else None
            if article.date:
                break
        if article.date:
            break
    article.author = _first(root, selectors["author"], _not_a_link)
    article.url = _first(root, selectors["url"])
    if article.author is None or article.date is None:
        for node in (n for s in selectors["byline"] for n in root.css(s)):
            byline = parse_byline(_value(node) or "")
            if byline:
                article.author = article.author or byline.author
                article.date = article.date or byline.date
                break

    container = _main_container(tree, selectors["main"])
    if container is not None:
        _drop_noise(container)
        article.paragraphs = _paragraphs(container)
    return article
