"""Bytes to text: byte order marks, UTF-16 without one, declared charsets, binary data.

Text is UTF-8 unless a byte order mark says UTF-16 or UTF-32 (or UTF-8), or the bytes show
the pattern of UTF-16 (every other byte NUL for the ASCII characters); in UTF-16 and UTF-32 a
broken character (a lone surrogate, a cut last byte) is replaced by U+FFFD, the way a JSON
``"\ud800"`` is. A web page whose bytes
are not UTF-8 is read in the charset it declares, when Python knows that charset as an
ASCII-compatible text encoding (the declaration itself is ASCII); anything else declared
(``base64``, ``rot-13``, ``x-foo``, ``utf-16`` in a page that is not) is ignored.
"""

from __future__ import annotations

import codecs
from functools import cache

import regex

from kg.errors import InputError

_BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
SNIFF_BYTES = 4096
# UTF-16 without a byte order mark: at least this many NULs on one side of the byte pairs
# (the high bytes of ASCII letters, digits, spaces), at most a tenth as many on the other.
_MIN_UTF16_NULS = 4
_MIN_UTF16_NUL_SHARE = 0.05
_MAX_OTHER_SIDE = 0.1
# Text with more control characters than this share is binary data.
_MAX_CONTROL_SHARE = 0.05
_BINARY_CONTROLS = regex.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# Bytes a charset must decode unchanged to be usable for a page that declares it in ASCII.
_ASCII_PROBE = b"\t\n\r" + bytes(range(0x20, 0x7F)).replace(b"\\", b"") + b"\\n\\u0041+-"


def sniff_unicode(data: bytes) -> tuple[str, int] | None:
    """(codec, bytes to skip) when ``data`` begins with a byte order mark or looks UTF-16."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    sample = data[:SNIFF_BYTES]
    pairs = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for nuls, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if (
            nuls >= max(_MIN_UTF16_NULS, pairs * _MIN_UTF16_NUL_SHARE)
            and other <= nuls * _MAX_OTHER_SIDE
        ):
            return codec, 0
    return None


@cache
def usable_charset(label: str | None) -> str | None:
    """The Python codec of a declared charset, or None when it cannot be the page's."""
    if not label:
        return None
    try:
        name = codecs.lookup(label).name
        if _ASCII_PROBE.decode(name) != _ASCII_PROBE.decode("ascii"):
            return None
    except (LookupError, UnicodeError, ValueError):
        return None
    return name


def binary_reason(text: str) -> str | None:
    """Why decoded ``text`` is binary data rather than text, or None."""
    body = text.rstrip("\x00")  # NUL padding after the text
    controls = sum(1 for _ in _BINARY_CONTROLS.finditer(body))
    if (text and not body) or controls > len(body) * _MAX_CONTROL_SHARE:
        return "binary file (contains NUL bytes)" if "\x00" in text else "binary file"
    return None


def _invalid(label: str, data: bytes, offset: int) -> str:
    return f"not valid {label} text (byte 0x{data[offset]:02x} at offset {offset})"


def decode(data: bytes, source: str, declared: str | None = None) -> str | InputError:
    """``data`` as text, or why it is not text. ``declared``: the charset a page declares."""
    unicode = sniff_unicode(data)
    if unicode is not None:
        codec, skip = unicode
        try:
            text = data[skip:].decode(codec, "strict" if codec == "utf-8" else "replace")
        except UnicodeDecodeError as e:
            if b"\x00" in data:
                return InputError(source, "binary file (contains NUL bytes)")
            return InputError(source, _invalid("UTF-8", data, skip + e.start))
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            fallback = usable_charset(declared)
            if b"\x00" in data:
                return InputError(source, "binary file (contains NUL bytes)")
            if fallback is None:
                return InputError(source, _invalid("UTF-8", data, e.start))
            try:
                text = data.decode(fallback)
            except UnicodeDecodeError as e2:
                return InputError(source, _invalid(str(declared), data, e2.start))
    reason = binary_reason(text)
    if reason:
        return InputError(source, reason)
    return text.removeprefix("\ufeff")
