"""Slugs: the one way the project turns a name into an identifier part."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from anyascii import anyascii

_NON_SLUG = re.compile(r"[^a-z0-9]+")
HASH_DIGITS = 10


@lru_cache(maxsize=65536)  # names recur in every document
def slug(text: str) -> str:
    """Transliterated to ASCII, lower-cased, every other run of characters turned into one '-'.

    Any script is transliterated ("Владимир Путин" → ``vladimir-putin``, "Æø" → ``aeo``), so
    that names keep readable, distinct identifiers; a name of which nothing is left (only
    punctuation or symbols) gets ``x`` and a short hash of the exact text. Blank text gives "".
    """
    if not text.strip():
        return ""
    folded = _NON_SLUG.sub("-", anyascii(text).lower()).strip("-")
    return folded or "x" + text_hash(text)


def text_hash(text: str, digits: int = HASH_DIGITS) -> str:
    """Hex digits of the SHA-1 of the exact text (lone surrogates included)."""
    data = text.encode("utf-8", "surrogatepass")
    return hashlib.sha1(data).hexdigest()[:digits]
