"""Slugs: the one way the project turns a name into an identifier part."""

from __future__ import annotations

import re
import unicodedata

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """ASCII-folded, lower-cased text with every other run of characters turned into one '-'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_SLUG.sub("-", folded.lower()).strip("-")
