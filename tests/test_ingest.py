"""Reading articles: every format, metadata, cleanup, and every kind of bad input."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path

import pytest

from kg.errors import GeokgError, InputError
from kg.ingest import DEFAULT_MAX_CHARS, iter_documents
from kg.ingest.cleanup import clean_text
from kg.ingest.markdown import strip_inline
from kg.ingest.metadata import Byline, match_dateline, parse_byline
from kg.model import Document

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
EXPECTED = "(expected .txt, .md, .html, .htm, .json, .jsonl)"
LIMIT_HINT = "(set --max-chars)"
SHARED_DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "dev"


def read(*paths, **kwargs) -> list[Document | InputError]:
    return list(iter_documents(paths, **kwargs))


def read_one(path, **kwargs) -> Document | InputError:
    (result,) = read(path, **kwargs)
    return result


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --- formats -------------------------------------------------------------------------------


def test_txt_title_byline_dateline_and_boilerplate():
    path = FIXTURES / "article.txt"
    assert read_one(path) == Document(
        id="article.txt",
        # a short item whose text repeats its headline: the headline is analysed too
        text=(
            "Freedonia And Sylvania Agree To Reopen Border Talks\n\n"
            "The foreign ministers of Freedonia and Sylvania agreed on Monday to reopen talks"
            " on their disputed border, officials said.\n\n"
            "The talks, hosted by Egypt, are the first since 2015."
            ' Both sides called them "constructive".'
        ),
        title="Freedonia And Sylvania Agree To Reopen Border Talks",
        date=dt.date(2017, 9, 3),
        author="Jane Doe",
        path=str(path),
    )


def test_hard_wrapped_txt_joins_lines_and_keeps_agency():
    path = FIXTURES / "wrapped.txt"
    assert read_one(path) == Document(
        id="wrapped.txt",
        text=(
            "Defence ministers of the two countries met in Geneva on Tuesday and agreed to"
            " extend the ceasefire by another six months.\n\n"
            "The ministers also discussed a prisoner exchange, according to a joint statement."
        ),
        title="Ministers Meet In Geneva",
        author="John Roe",
        source="Reuters",
        path=str(path),
    )


def test_txt_one_paragraph_a_line(tmp_path):
    long_line = "Sylvania said it would not sign the accord unless the border was demarcated. " * 2
    path = write(tmp_path / "a.txt", f"Title\n{long_line}\n{long_line}\n")
    assert read_one(path).text == f"{long_line.strip()}\n\n{long_line.strip()}"


def test_markdown_markup_reduced():
    path = FIXTURES / "article.md"
    assert read_one(path) == Document(
        id="article.md",
        text=(
            "Leaders of Freedonia and Sylvania signed a joint declaration in Vienna on Monday.\n\n"
            "What the declaration says\n\n"
            "It sets up a joint commission.\n\n"
            "It limits troops near the border to 5,000.\n\n"
            "The commission meets for the first time in December."
        ),
        title="Summit in Vienna ends with a joint declaration",
        date=dt.date(2019, 10, 15),
        author="Jane Doe and Richard Roe",
        source="AP",
        path=str(path),
    )


def test_markdown_front_matter(tmp_path):
    path = write(
        tmp_path / "fm.md",
        "---\ntitle: 'Talks in Oslo'\ndate: 2020-02-01\nauthor: Jane Doe\n"
        "url: https://example.org/oslo\n---\n\n# Talks in Oslo\n\nThe talks began.\n",
    )
    assert read_one(path) == Document(
        id="fm.md",
        text="Talks in Oslo\n\nThe talks began.",
        title="Talks in Oslo",
        date=dt.date(2020, 2, 1),
        author="Jane Doe",
        url="https://example.org/oslo",
        path=str(path),
    )


def test_strip_inline_markdown():
    assert strip_inline("**Bold** and *it* and _em_ and `code`") == "Bold and it and em and code"
    assert strip_inline("See [the report](https://x.org/r) ![map](m.png)") == "See the report "
    assert strip_inline(r"2 \* 3 = 6 and snake_case_name") == "2 * 3 = 6 and snake_case_name"


def test_html_main_text_and_metadata():
    path = FIXTURES / "article.html"
    assert read_one(path) == Document(
        id="article.html",
        text=(
            "Freedonia fired a new ballistic missile on Thursday, the defence ministry of"
            " Sylvania said.\n\n"
            "The missile flew about 800 km before falling into the sea.\n\n"
            "Analysts expect more tests.\n\n"
            "Sylvania’s president called an emergency meeting & asked for calm."
        ),
        title="Freedonia tests new missile",
        date=dt.date(2021, 3, 5),
        author="Jane Doe",
        url="https://news.example.org/2021/03/freedonia-missile",
        source="The Daily Example",
        path=str(path),
    )


def test_html_fallbacks(tmp_path):
    page = """<html><head><title>Ceasefire holds</title>
    <meta property="og:url" content="https://example.org/ceasefire"></head>
    <body><div id="menu-nav"><ul><li>Home</li></ul></div>
    <main><p><time datetime="2018-06-12">June 12, 2018</time> | <a rel="author"
      href="/by/jr">John Roe</a></p>
    <p>The ceasefire held for a third day.</p><p>Aid convoys entered the city.</p></main>
    <div class="comments"><p>First comment!</p></div></body></html>"""
    path = write(tmp_path / "page.htm", page)
    assert read_one(path) == Document(
        id="page.htm",
        text="The ceasefire held for a third day.\n\nAid convoys entered the city.",
        title="Ceasefire holds",
        date=dt.date(2018, 6, 12),
        author="John Roe",
        url="https://example.org/ceasefire",
        path=str(path),
    )


def test_html_body_without_article_and_meta_date(tmp_path):
    page = """<html><head><meta name="date" content="March 4, 2016"></head>
    <body><h1>Envoys meet</h1><p>By Jane Doe</p><p>The envoys met in Doha.</p>
    <p>Leave a Reply</p><p>Nice article</p></body></html>"""
    document = read_one(write(tmp_path / "page.html", page))
    assert (document.title, document.date, document.author, document.text) == (
        "Envoys meet",
        dt.date(2016, 3, 4),
        "Jane Doe",
        "Envoys meet\n\nThe envoys met in Doha.",
    )


def test_html_class_names_do_not_remove_the_story(tmp_path):
    page = """<html><body><article><div class="entry-content has-sidebar">
    <p>The parliament approved the treaty by a large majority on Wednesday.</p>
    <div class="related-links"><p>Earlier vote</p></div></div></article></body></html>"""
    document = read_one(write(tmp_path / "c.html", page))
    assert document.text == "The parliament approved the treaty by a large majority on Wednesday."


def test_html_declared_charset(tmp_path):
    page = '<html><head><meta charset="windows-1252"><title>Café talks</title></head>'
    page += "<body><p>Talks at the café ended.</p></body></html>"
    document = read_one(write(tmp_path / "cp.html", page.encode("cp1252")))
    assert (document.title, document.text) == ("Café talks", "Talks at the café ended.")


def test_jsonl_bad_middle_line_does_not_stop_the_rest():
    path = FIXTURES / "records.jsonl"
    assert read(path) == [
        Document(
            id="rec-1",
            text="Talks resume\n\nDelegations of Freedonia and Sylvania met in Oslo on Friday.",
            title="Talks resume",
            date=dt.date(2020, 1, 10),
            author="Jane Doe",
            url="https://example.org/1",
            source="Example Wire",
            path=str(path),
        ),
        InputError(f"{path}:2", "invalid JSON: Expecting ',' delimiter (column 46)"),
        Document(
            id="records.jsonl:3",
            text="The treaty was signed on Sunday.",
            title="No id here",
            date=dt.date(2020, 1, 12),
            source="Reuters",
            path=str(path),
        ),
    ]


def test_jsonl_is_streamed(tmp_path):
    path = write(tmp_path / "s.jsonl", '{"id": "a", "text": "First."}\n')
    later = tmp_path / "later.txt"
    results = iter_documents([path, later])
    assert next(results).id == "a"
    # Lines and files are read only when reached: both are written after reading began.
    with path.open("a", encoding="utf-8") as f:
        f.write('{"id": "b", "text": "Second."}\n')
    write(later, "Later\nWritten after the first record was read.")
    assert [d.id for d in results] == ["b", "later.txt"]


def test_json_list_and_single_object(tmp_path):
    path = FIXTURES / "records.json"
    assert read(path) == [
        Document(id="7", text="Sylvania joined the alliance in 2004.", path=str(path)),
        Document(
            id="records.json#2",
            text="Freedonia left the alliance in 2010.",
            title="Second",
            date=dt.date(2010, 5, 1),
            path=str(path),
        ),
    ]
    single = write(tmp_path / "one.json", json.dumps({"text": "Only one.", "lang": "en"}))
    assert read(single) == [Document(id="one.json", text="Only one.", path=str(single))]


def test_json_record_drops_header_and_tail_of_its_text(tmp_path):
    text = (
        "Rivals Sign Accord\n\nMay 2nd, 2018 | by Jane Doe\nRivals Sign Accord\n\n\n"
        "The rivals signed the accord on Tuesday after two years of talks.\n\n"
        "Share this:\n\nLeave a Reply"
    )
    record = {"id": "x", "title": "Rivals Sign Accord", "date": "2018-05-02", "text": text}
    document = read_one(write(tmp_path / "r.json", json.dumps(record)))
    assert (document.text, document.author, document.date) == (
        "Rivals Sign Accord\n\nThe rivals signed the accord on Tuesday after two years of talks.",
        "Jane Doe",
        dt.date(2018, 5, 2),
    )


# --- metadata and cleanup ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("September 3rd, 2017 | by Jane Doe", Byline("Jane Doe", dt.date(2017, 9, 3))),
        ("By Jane Doe", Byline("Jane Doe")),
        ("by Jane Doe and John Roe, Reuters", Byline("Jane Doe and John Roe", source="Reuters")),
        ("Published: 2019-10-15", Byline(date=dt.date(2019, 10, 15))),
        ("Posted on March 3, 2019 by admin", Byline("admin", dt.date(2019, 3, 3))),
        ("Jane Doe | 15 October 2019", Byline("Jane Doe", dt.date(2019, 10, 15))),
        ("Updated 15 Oct 2019, 10:32 GMT · 5 min read", Byline(date=dt.date(2019, 10, 15))),
        ("By The Associated Press", Byline(source="Associated Press")),
        ("By Ursula von der Leyen", Byline("Ursula von der Leyen")),
        ("By Tuesday, the troops had left.", None),
        ("By land and sea", None),
        ("Published: yesterday", None),
        ("Syria | Reuters", None),
        ("President Moon met the envoy in Seoul.", None),
    ],
)
def test_parse_byline(line, expected):
    assert parse_byline(line) == expected


@pytest.mark.parametrize(
    ("paragraph", "rest", "agency", "date"),
    [
        ("CAIRO – 26 July 2022 – The ministers met.", "The ministers met.", None, "2022-07-26"),
        ("CAIRO – 26 July 2022", "", None, "2022-07-26"),
        ("WASHINGTON (Reuters) - The U.S. said", "The U.S. said", "Reuters", None),
        ("(Reuters) - Oil rose.", "Oil rose.", "Reuters", None),
        ("AP — The agency said", "The agency said", "AP", None),
        ("LONDON, Jan 5 (Reuters) - Britain said", "Britain said", "Reuters", None),
        ("BEIRUT/DUBAI, Oct 5 (REUTERS) -- Iran said", "Iran said", "Reuters", None),
        ("NEW YORK, Sept. 3, 2019 — The talks", "The talks", None, "2019-09-03"),
        ("WASHINGTON — The president", "The president", None, None),
    ],
)
def test_match_dateline(paragraph, rest, agency, date):
    dateline = match_dateline(paragraph)
    assert dateline is not None
    assert paragraph[dateline.end :] == rest
    assert dateline.agency == agency
    assert dateline.date == (dt.date.fromisoformat(date) if date else None)


@pytest.mark.parametrize(
    "paragraph", ["The president said", "UPDATE: the talks", "NATO — allies agreed", "US — China"]
)
def test_no_dateline(paragraph):
    assert match_dateline(paragraph) is None


def test_boilerplate_cut_only_near_the_end():
    body = "\n".join(f"Paragraph {i} of the story about the border talks." for i in range(6))
    text = f"Share this:\n{body}\nAlso read: Older talks\n{body}\nShare this:\nX"
    cleaned = clean_text(text, wrapped=False)
    # "Share this:" before the story and "Also read:" in its middle are dropped as lines;
    # "Share this:" in the second half cuts everything after it.
    assert cleaned.text == "\n\n".join([*body.split("\n"), *body.split("\n")])


def test_map_legend_and_credit_lines_dropped():
    text = "██ Country A\n\n██ Country B\n\nThe offensive began.\n\n(Reporting by Jane Doe)"
    assert clean_text(text).text == "The offensive began."


def test_whitespace_normalised_within_lines():
    assert clean_text("A\u00a0 line\twith\u200b  gaps.\n\n\n\nNext.").text == (
        "A line with gaps.\n\nNext."
    )


# --- bad input -----------------------------------------------------------------------------


def test_input_error_message_and_pickling():
    error = InputError("a.txt", "empty document")
    assert isinstance(error, GeokgError)
    assert str(error) == "a.txt: empty document"
    assert pickle.loads(pickle.dumps(error)) == error


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "a.pdf",
            b"%PDF-1.4",
            f"unsupported format '.pdf' {EXPECTED}",
        ),
        (
            "README",
            b"text",
            f"unsupported format (no file extension) {EXPECTED}",
        ),
        ("empty.txt", b"", "empty document"),
        ("blank.md", b" \n\n\t\n", "empty document"),
        ("title-only.txt", b"Just A Title\n", "empty document"),
        ("only-boilerplate.html", b"<html><body><nav>Menu</nav></body></html>", "empty document"),
        ("bin.txt", b"abc\x00\x01def", "binary file (contains NUL bytes)"),
        (
            "latin.txt",
            "Title\nCaf\u00e9 talks".encode("latin-1"),
            "not valid UTF-8 text (byte 0xe9 at offset 9)",
        ),
        ("broken.json", b'{"text": ', "invalid JSON: Expecting value (line 1, column 10)"),
        ("number.json", b"42", "expected a JSON object or a list of objects"),
        ("no-text.json", b'{"title": "T"}', "record has no 'text'"),
        ("text-list.json", b'{"text": ["a"]}', "'text' is a JSON array, not a string"),
        (
            "bad-title.json",
            b'{"text": "a", "title": 5}',
            "'title' is a JSON number, not a string",
        ),
        (
            "bad-date.json",
            b'{"text": "a", "date": "15/10/2019"}',
            "invalid date '15/10/2019' (expected ISO 8601, e.g. 2019-10-15)",
        ),
        ("empty-text.json", b'{"text": "  "}', "empty document"),
        ("empty.jsonl", b"\n\n", "empty document"),
        (
            "bin.jsonl",
            b'{"text": "a"}\n\x00\x01\x00\x02\x00\x03\x04\x05',
            "binary file (contains NUL bytes)",
        ),
    ],
)
def test_bad_file(tmp_path, name, content, reason):
    path = write(tmp_path / name, content)
    assert read(path) == [InputError(str(path), reason)]


def test_missing_path():
    assert read("no/such/file.txt") == [InputError("no/such/file.txt", "no such file or directory")]


def test_bad_records_of_a_json_list(tmp_path):
    path = write(tmp_path / "l.json", '[{"text": "Good."}, "oops", {"id": "c"}]')
    assert read(path) == [
        Document(id="l.json#1", text="Good.", path=str(path)),
        InputError(f"{path}#2", "record is a JSON string, not an object"),
        InputError(f"{path}#3", "record has no 'text'"),
    ]


def test_bad_jsonl_records(tmp_path):
    lines = [
        b'{"id": "ok", "text": "Fine."}',
        b'{"id": "d", "text": "x", "date": "yesterday"}',
        b"[1, 2]",
        b'{"text": "caf\xe9"}',
        b"",
        b'{"id": "ok2", "text": "Also fine."}',
    ]
    path = write(tmp_path / "r.jsonl", b"\n".join(lines) + b"\n")
    assert read(path) == [
        Document(id="ok", text="Fine.", path=str(path)),
        InputError(f"{path}:2", "invalid date 'yesterday' (expected ISO 8601, e.g. 2019-10-15)"),
        InputError(f"{path}:3", "record is a JSON array, not an object"),
        InputError(f"{path}:4", "not valid UTF-8 text (byte 0xe9 at offset 13)"),
        Document(id="ok2", text="Also fine.", path=str(path)),
    ]


def test_document_over_the_limit(tmp_path):
    path = write(tmp_path / "long.txt", "Title\n" + "word " * 30)
    assert read(path, max_chars=100) == [
        InputError(
            str(path), "document has 149 characters, over the limit of 100 (set --max-chars)"
        )
    ]
    assert read(path, max_chars=149)[0].text == ("word " * 30).strip()


def test_huge_file_refused_by_size(tmp_path):
    path = write(tmp_path / "huge.txt", "x" * 401)
    assert read(path, max_chars=100) == [
        InputError(
            str(path),
            f"file is 401 bytes, too large for a document of at most 100 characters {LIMIT_HINT}",
        )
    ]


def test_huge_jsonl_line_refused_and_skipped(tmp_path):
    big = json.dumps({"text": "y" * 700})
    path = write(tmp_path / "big.jsonl", big + '\n{"id": "small", "text": "Small."}\n')
    assert read(path, max_chars=100) == [
        InputError(
            f"{path}:1",
            f"file is {len(big) + 1} bytes, too large for a document of at most 100 characters"
            " (set --max-chars)",
        ),
        Document(id="small", text="Small.", path=str(path)),
    ]


def test_max_chars_must_be_positive():
    assert DEFAULT_MAX_CHARS == 1_000_000
    with pytest.raises(ValueError):
        read(FIXTURES / "article.txt", max_chars=0)


# --- folders -------------------------------------------------------------------------------


def test_folder_recursion_order_and_hidden_files(tmp_path):
    write(tmp_path / "b.txt", "B\nText b.")
    write(tmp_path / "a" / "z.md", "Z\n\nText z.")
    write(tmp_path / "a" / "c" / "y.txt", "Y\nText y.")
    write(tmp_path / "a" / "b.txt", "AB\nText ab.")
    write(tmp_path / ".hidden.txt", "H\nHidden.")
    write(tmp_path / ".git" / "x.txt", "X\nHidden.")
    write(tmp_path / "c.png", b"\x89PNG")
    results = read(tmp_path)
    assert [r.path if isinstance(r, Document) else str(r) for r in results] == [
        str(tmp_path / "a" / "b.txt"),
        str(tmp_path / "a" / "c" / "y.txt"),
        str(tmp_path / "a" / "z.md"),
        str(tmp_path / "b.txt"),
        f"{tmp_path / 'c.png'}: unsupported format '.png' {EXPECTED}",
    ]
    # Inside a folder a file is named by its path from there: the two b.txt do not collide.
    assert [r.id for r in results[:4]] == ["a/b.txt", "a/c/y.txt", "a/z.md", "b.txt"]


def test_single_path_string_accepted():
    assert [d.id for d in iter_documents(str(FIXTURES / "article.txt"))] == ["article.txt"]


# --- the development articles (read only, when present) -------------------------------------


@pytest.mark.skipif(not SHARED_DEV.is_dir(), reason="shared development data not present")
def test_development_articles_read_cleanly():
    results = read(SHARED_DEV / "seed.jsonl", SHARED_DEV / "wikinews.jsonl")
    assert all(isinstance(r, Document) for r in results)
    assert len(results) == 10
    seed = results[0]
    assert seed.author == "Sukumar Roy"
    assert seed.date == dt.date(2017, 9, 3)
    assert not seed.text.startswith(seed.title)
    assert "Share this" not in seed.text and "Leave a Reply" not in seed.text
    assert all("██" not in r.text for r in results)
