"""Bad input through the real readers: encodings, control and invisible characters, bogus
charsets, odd JSON, duplicate ids and very large documents."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.ingest import iter_documents
from kg.ingest.characters import clean_chars, clean_id
from kg.ingest.encoding import usable_charset
from kg.model import Document

STORY = "Vladimir Putin met Recep Tayyip Erdoğan in Sochi on Monday."


def read(*paths: Path, **kwargs) -> list[Document | InputError]:
    return list(iter_documents(paths, **kwargs))


def read_one(path: Path) -> Document | InputError:
    (result,) = read(path)
    return result


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def jsonl(path: Path, *lines: str) -> Path:
    return write(path, "\n".join(lines) + "\n")


# --- encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "utf-32", "utf-32-be+bom"]
)
@pytest.mark.parametrize("name", ["a.txt", "a.md"])
def test_unicode_encodings_are_decoded(tmp_path, encoding, name):
    # utf-16 and utf-32 write a byte order mark, utf-16-le/-be none: the NULs of the
    # ASCII letters give the byte order away.
    text = f"Sochi talks\n\n{STORY}\n"
    if encoding == "utf-32-be+bom":
        data = codecs.BOM_UTF32_BE + text.encode("utf-32-be")
    else:
        data = text.encode(encoding)
    document = read_one(write(tmp_path / name, data))
    assert isinstance(document, Document), document
    assert (document.title, document.text) == ("Sochi talks", STORY)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_mark_in_cyrillic(tmp_path, encoding):
    text = "Путин и Эрдоган\n\nПутин встретился с Эрдоганом в Сочи 5 августа 2024 года.\n"
    document = read_one(write(tmp_path / "ru.txt", text.encode(encoding)))
    assert document.text == "Путин встретился с Эрдоганом в Сочи 5 августа 2024 года."


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig"])
def test_unicode_encodings_of_json_and_jsonl(tmp_path, encoding):
    record = {"id": "r1", "text": STORY}
    single = write(tmp_path / "one.json", json.dumps(record, ensure_ascii=False).encode(encoding))
    lines = [json.dumps({"id": f"l{i}", "text": STORY}, ensure_ascii=False) for i in (1, 2)]
    stream = write(tmp_path / "many.jsonl", ("\n".join(lines) + "\n").encode(encoding))
    assert [(d.id, d.text) for d in read(single, stream)] == [
        ("r1", STORY),
        ("l1", STORY),
        ("l2", STORY),
    ]


def test_utf16_html_page(tmp_path):
    page = f"<html><head><title>Talks</title></head><body><p>{STORY}</p></body></html>"
    document = read_one(write(tmp_path / "p.html", page.encode("utf-16")))
    assert (document.title, document.text) == ("Talks", STORY)


def test_broken_utf16_character_is_replaced(tmp_path):
    # a lone high surrogate (0xd800) in UTF-16LE text, with and without a byte order mark
    broken = "Title\nText ".encode("utf-16-le") + b"\x00\xd8" + "and more.".encode("utf-16-le")
    with_mark = write(tmp_path / "bom.txt", codecs.BOM_UTF16_LE + broken)
    without = write(tmp_path / "nobom.txt", broken)
    assert [d.text for d in read(with_mark, without)] == ["Text \ufffdand more."] * 2


def test_broken_utf16_jsonl_keeps_every_line(tmp_path):
    lines = ['{"id": "ok", "text": "Fine."}', '{"id": "x", "text": "Pu', 'tin."}']
    data = "\n".join(lines).encode("utf-16-le").replace(b"P\x00u\x00", b"P\x00\x00\xd8")
    path = write(tmp_path / "r.jsonl", codecs.BOM_UTF16_LE + data + "\n".encode("utf-16-le"))
    assert read(path) == [
        Document(id="ok", text="Fine.", path=str(path)),
        InputError(f"{path}:2", "invalid JSON: Unterminated string starting at (column 21)"),
        InputError(f"{path}:3", "invalid JSON: Expecting value (column 1)"),
    ]


def test_latin1_keeps_one_clear_line(tmp_path):
    path = write(tmp_path / "fr.txt", "Titre\nCafé à Paris.".encode("latin-1"))
    assert read(path) == [InputError(str(path), "not valid UTF-8 text (byte 0xe9 at offset 9)")]


# --- control characters -----------------------------------------------------------------------


@pytest.mark.parametrize("control", ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\x9b"])
def test_a_few_control_characters_in_text_become_spaces(tmp_path, control):
    text = f"Talks in Sochi\n\nVladimir{control}Putin met Recep Tayyip Erdoğan in Sochi{control}."
    document = read_one(write(tmp_path / "c.txt", text))
    assert document.text == "Vladimir Putin met Recep Tayyip Erdoğan in Sochi ."


def test_nul_padding_after_the_text_is_ignored(tmp_path):
    document = read_one(write(tmp_path / "pad.txt", f"Talks\n\n{STORY}\n".encode() + b"\0" * 500))
    assert document.text == STORY


def test_mostly_control_characters_is_binary(tmp_path):
    path = write(tmp_path / "bin.md", b"# T\n\n" + bytes(range(1, 9)) * 20 + b"words")
    assert read(path) == [InputError(str(path), "binary file")]


def test_control_characters_in_json_and_html(tmp_path):
    record = {
        "id": "r",
        "title": "A\u0007B",
        "author": "Jane\u0000Doe",
        "text": "Pu\u0000tin\u001b[2J met.",
    }
    page = "<html><body><p>Putin&#1; met &#0;Erdoğan\x0b in Sochi.</p></body></html>"
    results = read(write(tmp_path / "r.json", json.dumps(record)), write(tmp_path / "p.html", page))
    assert [(d.title, d.author, d.text) for d in results] == [
        ("A B", "Jane Doe", "Pu tin [2J met."),
        (None, None, "Putin met \ufffdErdoğan in Sochi."),
    ]


# --- invisible formatting characters ----------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "read_as"),
    [
        ("Pu\u200btin", "Putin"),  # zero-width space
        ("Pu\u200dtin", "Putin"),  # zero-width joiner in Latin script
        ("Pu\u200ctin", "Putin"),  # zero-width non-joiner
        ("\u200fPutin\u200e", "Putin"),  # right-to-left and left-to-right marks
        ("\u202bPutin\u202c", "Putin"),  # right-to-left embedding, pop
        ("\u2067Putin\u2069", "Putin"),  # right-to-left isolate, pop isolate
        ("Pu\ufefftin", "Putin"),  # a byte order mark inside the name
        ("Pu\u2060tin", "Putin"),  # word joiner
        ("Pu\u00adtin", "Putin"),  # soft hyphen
        ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "می\u200cخواهم"),  # Persian ZWNJ
        ("\u0915\u094d\u200d\u0937", "\u0915\u094d\u200d\u0937"),  # Devanagari half form
        ("\U0001f468\u200d\U0001f469\u200d\U0001f467", "👨\u200d👩\u200d👧"),  # one emoji
        ("\U0001f469\U0001f3fd\u200d\U0001f4bb", "👩🏽\u200d💻"),
        ("I \u2764\ufe0f Sochi \U0001f1f7\U0001f1fa", "I ❤️ Sochi 🇷🇺"),
        ("\u0600\u0661\u0662", "\u0600\u0661\u0662"),  # Arabic number sign: visible
    ],
)
def test_invisible_formatting_removed_where_meaningless(tmp_path, written, read_as):
    assert clean_chars(written) == read_as
    document = read_one(write(tmp_path / "z.txt", f"Title\n\n{written} met Erdoğan."))
    assert document.text == f"{read_as} met Erdoğan."


def test_lone_surrogate_in_a_json_string(tmp_path):
    path = jsonl(
        tmp_path / "s.jsonl",
        '{"id": "s1", "title": "Pu\\ud800tin", "text": "Pu\\udfffstin met \\ud83d\\ude00."}',
        '{"id": "s\\ud800", "text": "Second."}',
    )
    first, second = read(path)
    assert (first.title, first.text) == ("Pu\ufffdtin", "Pu\ufffdstin met 😀.")
    assert second.id == "s\\ud800"
    first.text.encode("utf-8")  # what failed before: a lone surrogate cannot be encoded


# --- declared charsets ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "charset", ["base64", "rot-13", "rot13", "x-foo", "hex", "zlib", "utf-16", "undefined"]
)
def test_bogus_declared_charset_falls_back_to_utf8(tmp_path, charset):
    page = f'<html><head><meta charset="{charset}"><title>Talks</title></head>'
    page += f"<body><p>{STORY}</p></body></html>"
    document = read_one(write(tmp_path / "p.html", page))
    assert (document.title, document.text) == ("Talks", STORY)
    assert usable_charset(charset) is None


def test_bogus_charset_on_latin1_bytes_is_one_clear_line(tmp_path):
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=base64">'
    page += "</head><body><p>Café</p></body></html>"
    path = write(tmp_path / "p.html", page.encode("latin-1"))
    offset = page.index("é")
    assert read(path) == [
        InputError(str(path), f"not valid UTF-8 text (byte 0xe9 at offset {offset})")
    ]


def test_utf8_page_declaring_latin1_is_read_as_utf8(tmp_path):
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Erdoğan in Sochi.</p></body>'
    assert read_one(write(tmp_path / "p.html", page)).text == "Erdoğan in Sochi."


def test_page_undecodable_in_its_declared_charset(tmp_path):
    page = b'<html><head><meta charset="windows-1252"></head><body><p>A\x81B\xe9</p></body>'
    path = write(tmp_path / "p.html", page)
    assert read(path) == [
        InputError(
            str(path), f"not valid windows-1252 text (byte 0x81 at offset {page.index(b'A') + 1})"
        )
    ]


# --- JSON records -----------------------------------------------------------------------------

BAD_RECORDS = [
    ('{"text": 5}', "'text' is a JSON number, not a string"),
    ('{"text": 1e309}', "'text' is a JSON number, not a string"),
    ('{"text": ["a", "b"]}', "'text' is a JSON array, not a string"),
    ('{"text": {"body": "a"}}', "'text' is a JSON object, not a string"),
    ('{"text": true}', "'text' is a JSON boolean, not a string"),
    ('{"text": null}', "record has no 'text'"),
    ('{"id": ["a"], "text": "a"}', "'id' is a JSON array, not a string or a number"),
    ('{"id": {"a": 1}, "text": "a"}', "'id' is a JSON object, not a string or a number"),
    ('{"id": false, "text": "a"}', "'id' is a JSON boolean, not a string or a number"),
    ('{"text": "a", "author": 7}', "'author' is a JSON number, not a string"),
    (
        '{"text": "a", "date": 2020}',
        "invalid date a JSON number (expected ISO 8601, e.g. 2019-10-15)",
    ),
    (
        '{"text": "a", "date": "2023-02-31"}',
        "invalid date '2023-02-31' (expected ISO 8601, e.g. 2019-10-15)",
    ),
    (
        '{"text": "a", "date": "99999-01-01"}',
        "invalid date '99999-01-01' (expected ISO 8601, e.g. 2019-10-15)",
    ),
    ('{"text": "a", "nested": ' + "[" * 3000 + "]" * 3000 + "}", "invalid JSON: nested too deeply"),
    ("[" * 100_000, "invalid JSON: nested too deeply"),
    ('"just a string"', "record is a JSON string, not an object"),
    ("12", "record is a JSON number, not an object"),
    ("null", "record is JSON null, not an object"),
]


@pytest.mark.parametrize(("line", "reason"), BAD_RECORDS)
def test_bad_record_is_one_line_naming_file_and_line(tmp_path, line, reason):
    path = jsonl(tmp_path / "news.jsonl", '{"id": "first", "text": "Good."}', line)
    assert read(path) == [
        Document(id="first", text="Good.", path=str(path)),
        InputError(f"{path}:2", reason),
    ]


def test_deep_json_file(tmp_path):
    path = write(tmp_path / "deep.json", "[" * 5000 + "]" * 5000)
    assert read(path) == [InputError(str(path), "invalid JSON: nested too deeply")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1" * 4301, "1" * 4301),  # past Python's int-to-str limit
        ("42", "42"),
        ("-7", "-7"),
        ("1e309", "1e309"),  # not infinity
        ("3.10", "3.10"),
        ('"news/2024/../1"', "news/2024/../1"),
        ('".."', ".."),
        ('"/"', "/"),
        ('"!?.,;:-—()[]{}"', "!?.,;:-—()[]{}"),
        ('"新闻"', "新闻"),
        ('"报道 1"', "报道 1"),
        ('"report 1"', "report 1"),
        ('"Report-1"', "Report-1"),
        ('"a\\u0000b\\n\\tc\\u001b"', "abc"),  # control characters removed
        ('"\\u0000"', "news.jsonl:1"),  # nothing left: the default id
        ('"  "', "news.jsonl:1"),
        ("null", "news.jsonl:1"),
    ],
)
def test_record_ids_are_kept_as_given(tmp_path, raw, expected):
    path = jsonl(tmp_path / "news.jsonl", f'{{"id": {raw}, "text": "Talks began."}}')
    assert read(path) == [Document(id=expected, text="Talks began.", path=str(path))]


def test_clean_id():
    assert clean_id("a\x00b\x7f\x9fc") == "abc"
    assert clean_id("caf\udce9.txt") == "caf\\xe9.txt"  # an undecodable byte of a file name
    assert clean_id("Pu\u200btin") == "Pu\u200btin"  # kept exactly, only controls go


# --- duplicate ids ---------------------------------------------------------------------------


def test_duplicate_record_id_is_refused_naming_the_first(tmp_path):
    path = jsonl(
        tmp_path / "news.jsonl",
        '{"id": "x", "text": "First."}',
        '{"id": "y", "text": "Other."}',
        '{"id": "x", "text": "Second."}',
        '{"id": 7, "text": "Number."}',
        '{"id": "7", "text": "Same id as text."}',
    )
    assert read(path) == [
        Document(id="x", text="First.", path=str(path)),
        Document(id="y", text="Other.", path=str(path)),
        InputError(f"{path}:3", f"document id 'x' already used by {path}:1; skipped"),
        Document(id="7", text="Number.", path=str(path)),
        InputError(f"{path}:5", f"document id '7' already used by {path}:4; skipped"),
    ]


def test_record_id_equal_to_a_file_name(tmp_path):
    article = write(tmp_path / "a.txt", "Title\n\nThe article.")
    records = jsonl(tmp_path / "r.jsonl", '{"id": "a.txt", "text": "A record."}')
    listed = write(tmp_path / "l.json", '[{"id": "r.jsonl:1", "text": "x"}, {"text": "y"}]')
    assert read(article, records, listed) == [
        Document(id="a.txt", text="The article.", title="Title", path=str(article)),
        InputError(f"{records}:1", f"document id 'a.txt' already used by {article}; skipped"),
        Document(id="r.jsonl:1", text="x", path=str(listed)),
        Document(id="l.json#2", text="y", path=str(listed)),
    ]


def test_same_name_in_two_folders_given(tmp_path):
    one = write(tmp_path / "one" / "a.txt", "A\n\nFirst.")
    two = write(tmp_path / "two" / "a.txt", "A\n\nSecond.")
    assert read(one.parent, two.parent) == [
        Document(id="a.txt", text="First.", title="A", path=str(one)),
        InputError(str(two), f"document id 'a.txt' already used by {one}; skipped"),
    ]


def test_long_duplicate_id_is_cut_in_the_message(tmp_path):
    long_id = "9" * 4301
    path = jsonl(tmp_path / "n.jsonl", *[f'{{"id": {long_id}, "text": "x"}}'] * 2)
    first, second = read(path)
    assert first.id == long_id
    assert second == InputError(
        f"{path}:2", f"document id '{'9' * 60}…' already used by {path}:1; skipped"
    )


# --- very large inputs ------------------------------------------------------------------------


def test_a_sentence_of_10000_tokens(tmp_path):
    sentence = " ".join(f"word{i}" for i in range(9_999)) + " end."
    document = read_one(write(tmp_path / "long.txt", f"Long\n\n{sentence}\n"))
    assert document.text == sentence
    assert len(document.text.split()) == 10_000


def test_5000_repeats_of_one_name(tmp_path):
    text = "Putin " * 5_000
    record = json.dumps({"id": "rep", "text": text, "title": "Putin " * 200})
    document = read_one(write(tmp_path / "rep.jsonl", record + "\n"))
    assert document.text == text.strip()
    assert document.text.count("Putin") == 5_000
