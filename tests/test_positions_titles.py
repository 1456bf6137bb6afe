"""Title constructions of news English, each with made-up sentences, through the real
pipeline: the positions found are exactly the ones expected."""

from __future__ import annotations

import pytest
from positions_helpers import held, run

# Three mentions make Peru the story's country.
PERU = "Peru will cut fuel taxes. Peru expects growth. Officials in Peru agreed. "

CASES = {
    "title-of-body-then-name": (
        "Meanwhile, the president of the Ruritanian Farmers Union, Jan Kowalski Novak, "
        "proposed cuts.",
        {("Jan Kowalski Novak", "president", "Ruritanian Farmers Union")},
    ),
    "rector-of-university": (
        "The rector of the University of Lagos, Ada Obi Nwosu, resigned on Friday.",
        {("Ada Obi Nwosu", "rector", "University of Lagos")},
    ),
    "apposition-title-at-body": (
        "Shi Wen Hao, an international relations professor at Peking University, said so.",
        {("Shi Wen Hao", "international relations professor", "Peking University")},
    ),
    "apposition-title-with-body": (
        "Alistair Boulton Reed, a resettlement officer with the UNHCR in Cairo, said so.",
        {
            (
                "Alistair Boulton Reed",
                "resettlement officer",
                "Office of the United Nations High Commissioner for Refugees",
            )
        },
    ),
    "honorific-between-title-and-name": (
        "Egyptian Finance Minister Dr. Karim Adel Mansour presented the budget.",
        {("Karim Adel Mansour", "finance minister", "Egypt")},
    ),
    "demonym-inside-portfolio": (
        "Federal Minister for Indigenous Australians Mary Ellen Dodd spoke at the festival.",
        {("Mary Ellen Dodd", "federal indigenous australians minister", "Australia")},
    ),
    "apposition-that-is-the-next-persons-title": (
        "Lina Khoury Nasser, Director of the General Intelligence Department Samir Abu Zaid "
        "and two aides attended.",
        {("Samir Abu Zaid", "director", "General Intelligence Department")},
    ),
    "side-gives-the-country": (
        "Prime Minister Omar Haddad Saleh and Planning Minister Lina Khoury Nasser attended "
        "the meeting on the Jordanian side.",
        {
            ("Omar Haddad Saleh", "prime minister", "Jordan"),
            ("Lina Khoury Nasser", "planning minister", "Jordan"),
        },
    ),
    "stacked-titles": (
        "Deputy Prime Minister and Foreign Minister Lina Khoury Nasser of Jordan arrived.",
        {
            ("Lina Khoury Nasser", "deputy prime minister", "Jordan"),
            ("Lina Khoury Nasser", "foreign minister", "Jordan"),
        },
    ),
    "chancellor-of-the-republic-and-counterpart-from": (
        "El Salvador opened a mission. El Salvador grew. Exports from El Salvador rose. "
        "The chancellor of the republic, Alexandra Ruiz Tinoco, held a call with her "
        "counterpart from Australia, Mary Ellen Dodd, on Monday.",
        {
            ("Alexandra Ruiz Tinoco", "chancellor", "El Salvador"),
            ("Mary Ellen Dodd", "chancellor", "Australia"),
        },
    ),
    "plural-title-over-a-list": (
        PERU + "The Minister Counselors Eyra Ruiz Soto and Jose Rojas Pardini resigned.",
        {
            ("Eyra Ruiz Soto", "minister counselor", "Peru"),
            ("Jose Rojas Pardini", "minister counselor", "Peru"),
        },
    ),
    "an-organisations-title-does-not-pass-on": (
        PERU + "The rector of the University of Lagos, Ada Obi Nwosu, and Comptroller Luis "
        "Prado Reyes resigned.",
        {
            ("Ada Obi Nwosu", "rector", "University of Lagos"),
            ("Luis Prado Reyes", "comptroller", "Peru"),
        },
    ),
    "outgoing-still-holds": (
        "Outgoing Foreign Minister Rosa Quintanilla Baez of Chile said talks would go on.",
        {("Rosa Quintanilla Baez", "foreign minister", "Chile")},
    ),
    "former-does-not-hold": (
        "Former Chilean foreign minister Rosa Quintanilla Baez said talks would go on.",
        set(),
    ),
    "apposition-body-further-in-the-phrase": (
        "Jeffrey Matsuura Reed, director of the law and technology programme at the "
        "University of Dayton, said so.",
        {("Jeffrey Matsuura Reed", "director", "University of Dayton")},
    ),
    "portfolio-the-lexicon-does-not-know": (
        "The Minister of Fisheries and Aquaculture of Peru, Ana Torres Lemus, opened the port.",
        {("Ana Torres Lemus", "fisheries and aquaculture minister", "Peru")},
    ),
    "who-heads-holds": (
        "Amina Wanjiru Odhiambo, who heads the Ruritanian Farmers Union, will speak.",
        {("Amina Wanjiru Odhiambo", "head", "Ruritanian Farmers Union")},
    ),
    "who-headed-is-a-past-post": (
        "Tony Wilson Reed, who headed the record company Factory Records, will produce it.",
        set(),
    ),
    "a-military-rank-is-not-a-role": (
        "General Augusto Pinochet Ugarte of Chile died on Sunday.",
        set(),
    ),
    "a-rank-between-title-and-name": (
        "Jordanian intelligence director Major General Ahmad Husni Saleh attended.",
        {("Ahmad Husni Saleh", "intelligence director", "Jordan")},
    ),
    "ex-does-not-hold": (
        "Ex-president Jorge Mamani Quispe of Bolivia said the plan would fail.",
        set(),
    ),
    "soon-to-be-does-not-hold-yet": (
        "Soon-to-be president Jorge Mamani Quispe of Bolivia said the plan would fail.",
        set(),
    ),
    "the-late-does-not-hold": (
        "The late president Jorge Mamani Quispe of Bolivia was buried on Friday.",
        set(),
    ),
    "late-on-a-day-is-about-time": (
        "Late on Monday, President Jorge Mamani Quispe of Bolivia said the plan would fail.",
        {("Jorge Mamani Quispe", "president", "Bolivia")},
    ),
    "newly-elected-holds": (
        "Jorge Mamani Quispe, the newly elected president of Bolivia, arrived in Lima.",
        {("Jorge Mamani Quispe", "president", "Bolivia")},
    ),
    "dateline-gives-the-country": (
        "LIMA – Energy Minister Tomas Verhoeven Alcantara said on Monday that prices would fall.",
        {("Tomas Verhoeven Alcantara", "energy minister", "Peru")},
    ),
}


@pytest.mark.parametrize(("text", "expected"), CASES.values(), ids=CASES.keys())
def test_title_construction(text: str, expected: set[tuple[str, str, str]]):
    assert held(run(text)) == expected
