"""Article text from raw lines: credits, related links and headlines (kg/ingest/cleanup.py).

Every text here is written for these tests.
"""

from __future__ import annotations

import json

import pytest

from kg.ingest import iter_documents
from kg.ingest.cleanup import SHORT_ITEM_CHARS, clean_text, is_story_line

STORY = [
    "The two governments agreed on Monday to reopen the border crossing that has been closed "
    "since the floods of last spring, officials in both capitals said.",
    "Trucks carrying grain and medicine will be allowed through from next week, and a joint "
    "commission will meet every month to review the arrangement.",
    "Traders on both sides welcomed the decision, saying months of closure had doubled the "
    "price of flour in the markets of the border towns.",
    "The agreement still has to be approved by both parliaments, which are expected to vote "
    "on it before the end of the month.",
]


def story(*lines: str) -> str:
    return "\n\n".join(lines)


# --- photo credits and notes on the writer -----------------------------------------------


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (
            "Trucks queue at the crossing on Monday. Photo: Jane Roe",
            "Trucks queue at the crossing on Monday.",
        ),
        (
            "Trucks queue at the crossing. (Photo: Harbour News Agency)",
            "Trucks queue at the crossing.",
        ),
        (
            "Trucks queue at the crossing. Photo credit: John Smith/Harbour News",
            "Trucks queue at the crossing.",
        ),
        ("Trucks queue at the crossing. Image: Getty Images", "Trucks queue at the crossing."),
        ("Trucks queue at the crossing. AFP via Getty Images", "Trucks queue at the crossing."),
        ("Photo: Harbour News Agency", ""),
        ("[PHOTO]http://example.org/img/crossing.jpg[/PHOTO]", ""),
        ("Credit: Harbour News Agency", ""),
        # not credits: the words inside a sentence
        (
            "The photo: a queue of trucks, was shared widely.",
            "The photo: a queue of trucks, was shared widely.",
        ),
        (
            "He showed a photo by the river to reporters.",
            "He showed a photo by the river to reporters.",
        ),
    ],
)
def test_photo_credits_are_cut(line, kept):
    cleaned = clean_text(story(STORY[0], line, STORY[1]), wrapped=False)
    assert cleaned.text == story(STORY[0], *([kept] if kept else []), STORY[1])


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("(This article was written by Maria Lopez.)", "Maria Lopez"),
        ("This article was written by Maria Lopez", "Maria Lopez"),
        (
            "(This story was reported by Tomas Berg for the Harbour Times)",
            "Tomas Berg for the Harbour Times",
        ),
        ("This report was compiled by Aisha Bello.", "Aisha Bello"),
    ],
)
def test_written_by_notes_are_metadata(line, author):
    cleaned = clean_text(story(*STORY[:2], line), wrapped=False)
    assert cleaned.text == story(*STORY[:2])
    assert cleaned.author == author


def test_written_by_note_after_a_paragraph():
    cleaned = clean_text(
        story(STORY[0], STORY[1] + " (This article was written by Maria Lopez.)"), wrapped=False
    )
    assert cleaned.text == story(STORY[0], STORY[1])
    assert cleaned.author == "Maria Lopez"


def test_a_byline_beats_a_written_by_note():
    text = "By Jane Doe\n\n" + story(STORY[0], "(This article was written by Maria Lopez.)")
    cleaned = clean_text(text, wrapped=False)
    assert (cleaned.text, cleaned.author) == (STORY[0], "Jane Doe")


def test_written_by_inside_a_sentence_is_text():
    line = "The song was written by a local teacher, the festival organisers said."
    assert clean_text(story(STORY[0], line), wrapped=False).text == story(STORY[0], line)


# --- related links -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "Also read: Floods close the border crossing",
        "ALSO READ  Floods close the border crossing",
        "Also Read:‘We have nothing left’: farmers count the cost",
        "See also: Earlier talks on the crossing",
    ],
)
def test_story_after_a_mid_article_link_is_kept(link):
    # the link sits in the last third of the text: only the link goes, the story stays
    text = story(*STORY[:3], link, STORY[3])
    assert clean_text(text, wrapped=False).text == story(*STORY)


def test_links_after_the_story_are_cut():
    text = story(*STORY, "Also read:", "Floods close the border crossing", "Grain prices rise")
    assert clean_text(text, wrapped=False).text == story(*STORY)


def test_story_line():
    assert is_story_line(STORY[0])
    assert not is_story_line("Floods close the border crossing")
    assert not is_story_line("Grain prices rise again as the border stays closed for a month")


# --- headlines of short items --------------------------------------------------------------


def read_record(tmp_path, record: dict):
    path = tmp_path / "items.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (document,) = iter_documents([path])
    return document


def test_short_item_keeps_its_headline(tmp_path):
    record = {
        "id": "brief-1",
        "title": "Floods Close Border Crossing (AP)",
        "text": "Floods Close Border Crossing (AP)\nAP - Floods closed the only road crossing "
        "between the two countries on Sunday, officials said.",
    }
    document = read_record(tmp_path, record)
    assert document.text == (
        "Floods Close Border Crossing\n\n"
        "Floods closed the only road crossing between the two countries on Sunday, officials said."
    )
    assert document.source == "AP"
    assert document.title == "Floods Close Border Crossing (AP)"


def test_long_article_drops_its_repeated_title(tmp_path):
    body = story(*STORY, *STORY)
    assert len(body) >= SHORT_ITEM_CHARS
    document = read_record(
        tmp_path, {"id": "a", "title": "Border Reopens", "text": "Border Reopens\n" + body}
    )
    assert document.text == body


def test_short_item_without_its_headline_in_the_text(tmp_path):
    record = {"id": "b", "title": "Border Reopens", "text": STORY[0]}
    assert read_record(tmp_path, record).text == STORY[0]
