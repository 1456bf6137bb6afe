"""Markdown reduced to plain text lines: markup dropped, blocks kept apart by blank lines."""

from __future__ import annotations

import re

_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)\s*$")
_FRONT_MATTER_ITEM = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_MAX_FRONT_MATTER_LINES = 50

_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+(.*)$")
_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_TABLE_ROW = re.compile(r"^\s*\|(.*?)\|?\s*$")

_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_PROTECT = 0xE000  # escaped characters live in the private use area while markup is removed
_INLINE = [
    (re.compile(r"<!--.*?-->"), ""),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), ""),  # images
    (re.compile(r"!\[([^\]]*)\]\[[^\]]*\]"), ""),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),  # autolinks
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),  # inline HTML tags
    (re.compile(r"(`+)(.+?)\1"), r"\2"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
]


def strip_inline(text: str) -> str:
    """Inline Markdown (emphasis, links, code, images) reduced to its text."""
    text = _ESCAPED.sub(lambda m: chr(_PROTECT + ord(m[1])), text)
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return "".join(
        chr(ord(c) - _PROTECT) if _PROTECT <= ord(c) < _PROTECT + 128 else c for c in text
    )


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """``key: value`` pairs of a leading YAML front matter block, and the text after it."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, min(len(lines), _MAX_FRONT_MATTER_LINES)):
        if _FRONT_MATTER_END.match(lines[end]):
            fields = {}
            for line in lines[1:end]:
                m = _FRONT_MATTER_ITEM.match(line)
                if m and m[2]:
                    fields[m[1].lower()] = m[2].strip("'\"")
            return fields, "\n".join(lines[end + 1 :])
    return {}, text


def markdown_lines(text: str) -> list[str]:
    """Plain text lines of Markdown: headings and list items become blocks of their own."""
    out: list[str] = []
    in_fence = False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
            out.append("")
            continue
        if in_fence:
            out.append(line)
            continue
        line = _QUOTE.sub("", line)
        if _SETEXT_UNDERLINE.match(line) and out and out[-1]:
            out.append("")  # the previous line was a heading
            continue
        if _RULE.match(line) or _LINK_DEFINITION.match(line) or _TABLE_RULE.match(line):
            out.append("")
            continue
        heading = _HEADING.match(line)
        if heading:
            out.extend(["", strip_inline(heading[1] or ""), ""])
            continue
        row = _TABLE_ROW.match(line)
        if row:  # each table row a block of its own, cells apart
            cells = (strip_inline(cell).strip() for cell in row[1].split("|"))
            out.extend(["", " | ".join(c for c in cells if c), ""])
            continue
        item = _LIST_ITEM.match(line)
        if item:
            out.extend(["", strip_inline(item[1])])
            continue
        out.append(strip_inline(line))
    return out
