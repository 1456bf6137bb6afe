"""Properties of the readers over generated input: random bytes, random Unicode text in every
encoding, random JSON records. Nothing but an InputError ever comes out for a bad input, and
every Document holds clean text."""

from __future__ import annotations

import json
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.ingest import SUPPORTED_EXTENSIONS, iter_documents
from kg.model import Document

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]
KEPT_FORMAT = frozenset("\u200c\u200d")  # joiners, kept inside some scripts and emoji


def read_files(files: dict[str, bytes]) -> list[Document | InputError]:
    """Write ``files`` into a fresh folder and read the folder."""
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            (Path(folder) / name).write_bytes(data)
        return list(iter_documents([folder]))


def bad_characters(text: str, allowed: str = "") -> list[str]:
    """Characters of ``text`` a reader must never let through."""
    bad = []
    for char in text:
        category = unicodedata.category(char)
        if char in allowed:
            continue
        if category in ("Cc", "Cs") or (category == "Cf" and char not in KEPT_FORMAT):
            if not unicodedata.name(char, "").startswith("ARABIC NUMBER"):
                bad.append(char)
    return bad


def check(results: list[Document | InputError]) -> None:
    ids = []
    for result in results:
        if isinstance(result, InputError):
            assert isinstance(result.source, str) and isinstance(result.reason, str)
            assert "\n" not in str(result) and bad_characters(str(result)) == []
            continue
        assert isinstance(result, Document)
        assert isinstance(result.text, str) and result.text.strip()
        assert bad_characters(result.text, allowed="\n") == []
        result.text.encode("utf-8")
        assert isinstance(result.id, str) and result.id.strip()
        assert [c for c in result.id if unicodedata.category(c) in ("Cc", "Cs")] == []
        result.id.encode("utf-8")
        for value in (result.title, result.author, result.url, result.source):
            assert value is None or (isinstance(value, str) and bad_characters(value) == [])
        ids.append(result.id)
    assert len(ids) == len(set(ids)), ids


names = st.sampled_from([f"doc{ext}" for ext in SUPPORTED_EXTENSIONS] + ["doc.HTML"])


@SETTINGS
@given(name=names, data=st.binary(max_size=600))
def test_random_bytes(name, data):
    check(read_files({name: data}))


@SETTINGS
@given(
    name=names,
    text=st.text(st.characters(codec=None, exclude_categories=()), max_size=300),
    encoding=st.sampled_from(ENCODINGS),
)
def test_random_unicode_in_any_encoding(name, text, encoding):
    # surrogates are written as the bytes they would have (invalid UTF-8 and UTF-16)
    check(read_files({name: text.encode(encoding, "surrogatepass")}))


@SETTINGS
@given(
    title=st.text(max_size=40),
    body=st.lists(
        st.text(st.characters(codec=None, exclude_categories=("Cs",)), max_size=80), max_size=6
    ),
    encoding=st.sampled_from(ENCODINGS),
)
def test_random_article_lines(title, body, encoding):
    text = "\n".join([title, "", *body])
    html = "<html><body>" + "".join(f"<p>{line}</p>" for line in body) + "</body></html>"
    check(
        read_files(
            {
                "a.txt": text.encode(encoding),
                "b.md": text.encode(encoding),
                "c.html": html.encode(encoding),
            }
        )
    )


# Any Unicode, lone surrogates included (json.dumps escapes them as \udXXX).
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=60)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)
record_fields = st.sampled_from(["id", "text", "title", "date", "author", "url", "source"])
records = st.one_of(
    st.dictionaries(record_fields, json_values, max_size=7),
    st.fixed_dictionaries(
        {"text": any_text},
        optional={"id": any_text | st.integers(), "title": any_text, "date": any_text},
    ),
    json_values,
)


def big_numbers() -> Iterator[str]:
    yield "1" * 4301
    yield "-" + "9" * 5000
    yield "1e999999"


@SETTINGS
@given(
    lines=st.lists(records, max_size=8),
    extra=st.lists(st.sampled_from(list(big_numbers())), max_size=2),
    as_list=st.booleans(),
    ascii_only=st.booleans(),
)
def test_random_json_records(lines, extra, as_list, ascii_only):
    dumped = [json.dumps(r, ensure_ascii=ascii_only) for r in lines]
    dumped += [f'{{"id": {n}, "text": {n}}}' for n in extra]
    dumped += [f'{{"id": "x", "text": "y", "n": {n}}}' for n in extra]
    files = {
        "r.jsonl": "\n".join(dumped).encode("utf-8", "surrogatepass"),
        "l.json": ("[" + ", ".join(dumped) + "]" if as_list else (dumped or ["{}"])[0]).encode(
            "utf-8", "surrogatepass"
        ),
    }
    check(read_files(files))
