"""The officeholder table: who held which post for which jurisdiction, and when.

Built by ``scripts/build_officeholders.py`` from Wikidata (CC0). It links a titled person
to a Wikidata QID and tells the jurisdiction of a title written without a country
("Chancellor Gordon Brown"); it never states a position by itself. The documents carry no
date, so a name held by several people picks the one whose posts fit the title, else the
most recent holder, with a lower confidence.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.errors import GeokgError
from kg.gazetteer import fold
from kg.lexicon import lexicon
from kg.model import Entity

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "officeholders.json.gz"

# Words of a role that say nothing about which post it is.
_FILLER = {"of", "the", "for", "and", "-", "deputy", "vice", "acting", "interim", "new"}
# Confidences: one person (or jurisdiction); several, settled by the title; the latest.
UNIQUE, FITTING, LATEST = 0.8, 0.7, 0.6
# A first word of this many of the table's names is a given name.
GIVEN_NAME_USES = 3


@dataclass(frozen=True)
class Spell:
    position: str
    jurisdiction: str  # gazetteer key (a QID)
    start: str  # YYYY[-MM[-DD]] or ""
    end: str  # "" while in office


@dataclass(frozen=True)
class Officeholder:
    qid: str
    names: tuple[str, ...]  # the label first
    spells: tuple[Spell, ...]

    @property
    def name(self) -> str:
        return self.names[0]

    def latest(self) -> str:
        return max((s.start for s in self.spells), default="")

    def fitting(self, role: str | None) -> tuple[Spell, ...]:
        """The spells whose post is the role ("foreign minister" ~ "Minister of Foreign
        Affairs"): every telling word of the role is a word of the post."""
        if not role:
            return ()
        words = [w for w in role.lower().replace("-", " ").split() if w not in _FILLER]
        if not words:
            return ()
        options = [_synonyms(w) for w in words]
        # every telling word of the title, or a synonym of it, is a word of the post
        return tuple(
            s for s in self.spells if all(not _words(s.position).isdisjoint(o) for o in options)
        )


@lru_cache(maxsize=4096)
def _words(label: str) -> frozenset[str]:
    # posts repeat across the table ("Minister of Foreign Affairs"): read each once
    return frozenset(fold(label).replace("-", " ").replace(",", " ").replace("(", " ").split())


@lru_cache(maxsize=256)
def _synonyms(word: str) -> frozenset[str]:
    """A role word and the words a post may use for it ("foreign secretary" is a "Secretary of
    State for Foreign ... Affairs"; a "minister" may be a "secretary")."""
    return frozenset({word, *lexicon().raw["officeholder_role_synonyms"].get(word, ())})


def name_key(text: str) -> str:
    return " ".join(fold(text).replace(".", "").replace("-", " ").split())


def bare_key(key: str) -> str:
    """A name key without middle initials: "colin l powell" → "colin powell"."""
    words = key.split()
    if len(words) < 3:
        return key
    return " ".join([words[0], *(w for w in words[1:-1] if len(w) > 1), words[-1]])


class Officeholders:
    def __init__(self, people: list[Officeholder]):
        self.people = people
        self._by_name: dict[str, list[Officeholder]] = defaultdict(list)
        self._by_bare_name: dict[str, list[Officeholder]] = defaultdict(list)
        self._by_surname: dict[str, list[Officeholder]] = defaultdict(list)
        self._by_qid = {p.qid: p for p in people}
        self._first_words: dict[str, int] | None = None
        self._given: dict[int, frozenset[str]] = {}
        for person in people:
            forms = {name_key(n) for n in person.names}
            for form in forms:
                if " " in form:
                    self._by_name[form].append(person)
                    self._by_bare_name[bare_key(form)].append(person)
                    self._by_surname[form.split()[-1]].append(person)

    def holder(self, name: str, role: str | None = None) -> tuple[Officeholder, float] | None:
        """The officeholder a written name refers to, with a confidence.

        A full name matches that name; a single word is a surname and matches only under a
        title that fits one of the person's posts."""
        key = name_key(name)
        if " " in key:
            # "Colin L. Powell" is the table's "Colin Powell", and the other way round
            candidates = self._by_name.get(key) or self._by_bare_name.get(bare_key(key), [])
        else:
            candidates = [p for p in self._by_surname.get(key, []) if p.fitting(role)]
        candidates = list({p.qid: p for p in candidates}.values())
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0], UNIQUE if " " in key else FITTING
        fitting = [p for p in candidates if p.fitting(role)]
        if len(fitting) == 1:
            return fitting[0], FITTING
        pool = fitting or candidates
        return max(pool, key=lambda p: p.latest()), LATEST

    @staticmethod
    def jurisdiction(person: Officeholder, role: str | None) -> tuple[str, float] | None:
        """The jurisdiction a title of this person refers to: the one of the posts that fit
        the title, else that of the latest of them."""
        fitting = person.fitting(role)
        places = {s.jurisdiction for s in fitting}
        if len(places) == 1:
            return places.pop(), UNIQUE
        if fitting:
            return max(fitting, key=lambda s: s.start).jurisdiction, LATEST
        # a post the table does not list ("Tory leader") may belong to a party or body
        return None

    def by_qid(self, qid: str | None) -> Officeholder | None:
        return self._by_qid.get(qid or "")

    def given_names(self, at_least: int = GIVEN_NAME_USES) -> frozenset[str]:
        """First words of the table's full names used by at least ``at_least`` people
        ("maria", "juan", "kim"), folded: a cue that a name is a person's."""
        if self._first_words is None:
            counts: dict[str, int] = defaultdict(int)
            for person in self.people:
                words = name_key(person.name).split()
                if len(words) > 1:
                    counts[words[0]] += 1
            self._first_words = counts
        if at_least not in self._given:
            words = self._first_words.items()
            self._given[at_least] = frozenset(w for w, n in words if n >= at_least)
        return self._given[at_least]


def person_entity(name: str, titles: set[str]) -> Entity | None:
    """The entity of a person of the table: a full name, or a surname under a title that
    fits the person's post ("President Bush"). A surname shared by several holders of
    such posts links to nobody."""
    table = load()
    if " " in name:
        found = table.holder(name)
    else:
        found = next((f for t in sorted(titles) if (f := table.holder(name, t))), None)
        if found is not None and found[1] < FITTING:
            found = None
    if found is None:
        return None
    holder = found[0]
    label = name if " " in name else holder.name
    return Entity(key=holder.qid, cls="Person", label=label, wikidata=holder.qid)


@lru_cache(maxsize=2)
def load(path: str = str(DATA_FILE)) -> Officeholders:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as exc:
        raise GeokgError(f"{path}: cannot read the officeholder table ({exc})") from exc
    people = []
    for rec in data["people"]:
        spells = tuple(Spell(*s) for s in rec["spells"])
        people.append(Officeholder(rec["qid"], tuple(rec["names"]), spells))
    return Officeholders(people)
