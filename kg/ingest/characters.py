"""Characters that have no place in article text or names, found by their Unicode properties.

Control characters, lone surrogates (from JSON ``"\\ud800"`` escapes or undecodable file
names), noncharacters and invisible formatting (zero-width spaces, bidirectional marks and
isolates, byte order marks, soft hyphens) are what a reader never sees but a name lookup
trips over: "Pu\\u200btin" must read as "Putin".
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from pathlib import Path

import regex

_DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "characters.json"
# Everything that is removed or replaced; prepended concatenation marks (Arabic number signs)
# are format characters too, but visible.
_UNWANTED = regex.compile(
    r"[[\p{Cc}\p{Cs}\p{Cf}\p{Noncharacter_Code_Point}]--\p{Prepended_Concatenation_Mark}]",
    regex.V1,
)
_CONTROL_OR_SURROGATE = regex.compile(r"[\p{Cc}\p{Cs}]")
_JOINERS = frozenset("\u200c\u200d")
_ZWJ = "\u200d"
# What may stand before and after the joiner of an emoji sequence (👩🏽‍💻, ❤️‍🔥).
_EMOJI_BEFORE = regex.compile(r"[\p{Extended_Pictographic}\p{Emoji_Modifier}\ufe0f]")
_EMOJI = regex.compile(r"\p{Extended_Pictographic}")
_ELLIPSIS_AFTER = 60


@cache
def _joining_letter() -> regex.Pattern[str]:
    """A character of a script in which the zero-width (non-)joiner is meaningful."""
    scripts = json.loads(_DATA_FILE.read_text(encoding="utf-8"))["joiner_scripts"]
    return regex.compile("[" + "".join(f"\\p{{scx={s}}}" for s in scripts) + "]")


def _keeps_joiner(text: str, i: int) -> bool:
    if i == 0:
        return False
    before = text[i - 1]
    if _joining_letter().match(before):
        return True
    return (
        text[i] == _ZWJ
        and bool(_EMOJI_BEFORE.match(before))
        and i + 1 < len(text)
        and bool(_EMOJI.match(text[i + 1]))
    )


def _replace(match: regex.Match[str]) -> str:
    char = match[0]
    if char in _JOINERS and _keeps_joiner(match.string, match.start()):
        return char
    category = unicodedata.category(char)
    if category == "Cc":
        return " "
    if category == "Cs":
        return "\ufffd"
    return ""


def clean_chars(text: str) -> str:
    """``text`` as it reads: control characters become spaces, lone surrogates U+FFFD, and
    invisible formatting characters are removed (a zero-width joiner or non-joiner is kept
    inside the scripts of ``characters.json`` and between emoji)."""
    if not _UNWANTED.search(text):
        return text
    return _UNWANTED.sub(_replace, text)


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean_id(text: str) -> str:
    """A document identifier as given, control characters removed and lone surrogates
    written as escapes (``\\ud800``, ``\\xe9`` for a byte of an undecodable file name)."""
    if not _CONTROL_OR_SURROGATE.search(text):
        return text
    return _CONTROL_OR_SURROGATE.sub(
        lambda m: "" if unicodedata.category(m[0]) == "Cc" else _escape(m[0]), text
    )


def printable(text: str) -> str:
    """``text`` safe to print on one line: control characters and lone surrogates escaped."""
    if not _CONTROL_OR_SURROGATE.search(text):
        return text
    return _CONTROL_OR_SURROGATE.sub(lambda m: _escape(m[0]), text)


def quoted(text: str) -> str:
    """``text`` quoted for a message, printable and cut when long."""
    if len(text) > _ELLIPSIS_AFTER:
        text = text[:_ELLIPSIS_AFTER] + "…"
    return repr(text)
