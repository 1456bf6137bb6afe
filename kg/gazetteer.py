"""Offline gazetteer: countries, capitals, organisations, other named bodies and leaders.

The data lives in ``kg/data/gazetteer.json`` (built by ``scripts/build_gazetteer.py``; see
``kg/data/GAZETTEER-SOURCES.md`` for sources and licences). Surface forms match
case-insensitively and accent-insensitively, except the forms listed in an entry's
``case_sensitive`` (acronyms such as "US" or "WHO"), which match only with exact case.
"""

from __future__ import annotations

import calendar
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.slugs import slug

DATA_FILE = Path(__file__).resolve().parent / "data" / "gazetteer.json"

# When one surface form names entries of several classes, the first class here wins.
CLASS_PRIORITY = (
    "Country",
    "InternationalOrganization",
    "Treaty",
    "GovernmentBody",
    "ArmedForces",
    "Organization",
    "City",
    "Place",
    "Person",
)


@dataclass(frozen=True)
class GazEntry:
    """One named entity of the gazetteer."""

    key: str  # stable identity: a Wikidata QID, or "org:...", "gov:...", "city:...", ...
    name: str  # canonical English name
    cls: str  # a contract class name ("Country", "City", "InternationalOrganization", ...)
    wikidata: str | None
    aliases: tuple[str, ...]
    country: str | None = None  # key of the country (capitals, government bodies, leaders)
    case_sensitive: tuple[str, ...] = ()  # surface forms that only match with exact case

    def forms(self) -> tuple[str, ...]:
        """The name followed by every alias."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class LeaderSpell:
    """A period in office; partial source dates are widened (start to the first day of the
    year or month, end to the last). ``end`` is None while in office."""

    person: str
    short: str
    country: str  # country key
    role: str | None
    start: date | None
    end: date | None
    wikidata: str | None

    def in_office(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def fold(text: str) -> str:
    """Comparison form: straight quotes, no accents, case folded, single spaces."""
    if text.isascii():  # most names: no accents to strip, no quotes to straighten
        return " ".join(text.casefold().split())
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


def _exact(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").split())


def _name_key(text: str) -> str:
    """Person-name comparison form: "Kim Jong-un" = "Kim Jong Un", "G.W. Bush" = "GW Bush"."""
    return " ".join(fold(text).replace(".", "").replace("-", " ").split())


def _strip_article(text: str) -> str:
    text = re.sub(r"['\u2019]s$", "", text.strip())
    return re.sub(r"^(?:the|The)\s+", "", text)


def parse_partial_date(value: str | None, *, end: bool = False) -> date | None:
    """ "2017" / "2017-05" / "2017-05-10" -> a date (the last possible day when ``end``)."""
    if not value:
        return None
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if not match:
        raise ValueError(f"gazetteer date {value!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match[1])
    month = int(match[2]) if match[2] else (12 if end else 1)
    if match[3]:
        day = int(match[3])
    else:
        day = calendar.monthrange(year, month)[1] if end else 1
    return date(year, month, day)


class Gazetteer:
    """Lookups over the gazetteer data. Use ``Gazetteer.load()`` for the shipped file."""

    def __init__(self, data: dict[str, Any]) -> None:
        try:
            self._records = {rec["key"]: rec for rec in data["countries"]}
            self.countries = [self._country_entry(rec) for rec in data["countries"]]
            self.capitals = self._capital_entries(data["countries"])
            self.organizations = [self._org_entry(rec) for rec in data["organizations"]]
            self.others = [self._other_entry(rec) for rec in data["others"]]
            self.leaders = [self._spell(rec) for rec in data["leaders"]]
            self._leader_names = [tuple(rec.get("aliases", ())) for rec in data["leaders"]]
            self.notice: dict[str, Any] = data["notice"]
        except (KeyError, TypeError) as exc:
            raise ValueError(f"gazetteer data: missing or malformed field {exc}") from exc
        self.persons = self._person_entries()
        self._entries: dict[str, GazEntry] = {}
        for entry in self._all_entries():
            self._entries.setdefault(entry.key, entry)
        self._index_forms()
        self._index_leaders()

    # ------------------------------------------------------------ loading
    @classmethod
    def load(cls) -> Gazetteer:
        """The shipped gazetteer (parsed once per process)."""
        return cls.from_file(DATA_FILE)

    @classmethod
    def from_file(cls, path: str | Path) -> Gazetteer:
        return _load_file(str(Path(path).resolve()))

    # ------------------------------------------------------------ entries
    def _country_entry(self, rec: dict[str, Any]) -> GazEntry:
        return GazEntry(
            key=rec["key"],
            name=rec["name"],
            cls=rec.get("cls", "Country"),
            wikidata=rec["wikidata"],
            aliases=tuple(rec["aliases"]) + tuple(rec["demonyms"]),
            case_sensitive=tuple(rec["case_sensitive"]),
        )

    def _capital_entries(self, records: list[dict[str, Any]]) -> list[GazEntry]:
        entries, used = [], set()
        for rec in records:
            for cap in rec["capitals"]:
                key = cap["wikidata"] or f"city:{slug(cap['name'])}"
                if key in used:
                    key = f"{key}-{(rec['iso2'] or rec['key']).lower()}"
                used.add(key)
                entries.append(
                    GazEntry(
                        key=key,
                        name=cap["name"],
                        cls="City",
                        wikidata=cap["wikidata"],
                        aliases=tuple(cap["aliases"]),
                        country=rec["key"],
                    )
                )
        return entries

    def _org_entry(self, rec: dict[str, Any]) -> GazEntry:
        return GazEntry(
            key=rec["key"],
            name=rec["name"],
            cls=rec["cls"],
            wikidata=rec["wikidata"],
            aliases=tuple(rec["acronyms"]) + tuple(rec["aliases"]),
            case_sensitive=tuple(rec["case_sensitive"]),
        )

    def _other_entry(self, rec: dict[str, Any]) -> GazEntry:
        return GazEntry(
            key=rec["key"],
            name=rec["name"],
            cls=rec["cls"],
            wikidata=rec["wikidata"],
            aliases=tuple(rec["aliases"]),
            country=rec["country"],
            case_sensitive=tuple(rec["case_sensitive"]),
        )

    def _spell(self, rec: dict[str, Any]) -> LeaderSpell:
        return LeaderSpell(
            person=rec["person"],
            short=rec["short"],
            country=rec["country"],
            role=rec["role"],
            start=parse_partial_date(rec["start"]),
            end=parse_partial_date(rec["end"], end=True),
            wikidata=rec["wikidata"],
        )

    def _person_entries(self) -> list[GazEntry]:
        """One Person entry per leader with a full (multi-word) name."""
        groups: dict[str, list[int]] = defaultdict(list)
        for i, spell in enumerate(self.leaders):
            groups[_person_id(spell)].append(i)
        entries = []
        for indexes in groups.values():
            latest = max(indexes, key=lambda i: (self.leaders[i].start or date.min, i))
            spell = self.leaders[latest]
            names = [self.leaders[i].person for i in indexes]
            names += [n for i in indexes for n in self._leader_names[i]]
            names = [n for n in dict.fromkeys(names) if len(n.split()) > 1]
            if not names:
                continue
            name = spell.person if spell.person in names else names[0]
            key = spell.wikidata or f"person:{slug(name)}"
            entries.append(
                GazEntry(
                    key=key,
                    name=name,
                    cls="Person",
                    wikidata=spell.wikidata,
                    aliases=tuple(n for n in names if n != name),
                    country=spell.country,
                )
            )
        return sorted(entries, key=lambda e: (fold(e.name), e.key))

    def _all_entries(self) -> Iterable[GazEntry]:
        yield from self.countries
        yield from self.organizations
        yield from self.others
        yield from self.capitals
        yield from self.persons

    def entry(self, key: str) -> GazEntry | None:
        """The entry with this key, or None."""
        return self._entries.get(key)

    def country_record(self, key: str) -> dict[str, Any] | None:
        """The full country row (ISO codes, ``independent``, capitals, demonyms ...)."""
        rec = self._records.get(key)
        return json.loads(json.dumps(rec)) if rec is not None else None

    # ------------------------------------------------------------ surface forms
    def _index_forms(self) -> None:
        self._by_exact: dict[str, list[GazEntry]] = defaultdict(list)
        self._by_folded: dict[str, list[GazEntry]] = defaultdict(list)
        for entry in self._all_entries():
            for form in entry.forms():
                self._add_form(form, entry, self._by_exact, self._by_folded)
        self._demonyms: tuple[dict, dict] = (defaultdict(list), defaultdict(list))
        for entry, rec in zip(self.countries, self._records.values(), strict=True):
            for form in rec["demonyms"]:
                self._add_form(form, entry, *self._demonyms)
        self._capital_forms: tuple[dict, dict] = (defaultdict(list), defaultdict(list))
        for entry in self.capitals:
            for form in entry.forms():
                self._add_form(form, entry, *self._capital_forms)

    @staticmethod
    def _add_form(form: str, entry: GazEntry, exact: dict, folded: dict) -> None:
        if form in entry.case_sensitive:
            bucket = exact[_exact(form)]
        else:
            bucket = folded[fold(form)]
        if entry not in bucket:
            bucket.append(entry)

    @staticmethod
    def _find(surface: str, exact: dict, folded: dict) -> list[GazEntry]:
        found: list[GazEntry] = []
        for text in dict.fromkeys((surface.strip(), _strip_article(surface))):
            for entry in exact.get(_exact(text), []) + folded.get(fold(text), []):
                if entry not in found:
                    found.append(entry)
            if found:
                break
        return found

    def surface_forms(self) -> Iterator[tuple[str, GazEntry]]:
        """Every (surface form, entry) pair; a form in ``entry.case_sensitive`` must be
        matched with exact case (an ORTH pattern rather than a LOWER one)."""
        for entry in self._all_entries():
            for form in dict.fromkeys(entry.forms()):
                yield form, entry

    def lookup(self, surface: str) -> GazEntry | None:
        """The entry a surface form names; None when unknown or ambiguous within a class."""
        found = self._find(surface, self._by_exact, self._by_folded)
        if not found:
            return None
        best = min(CLASS_PRIORITY.index(e.cls) if e.cls in CLASS_PRIORITY else 99 for e in found)
        top = [e for e in found if CLASS_PRIORITY.index(e.cls) == best] if best < 99 else found
        if len(top) > 1 and top[0].cls == "City":
            top = [e for e in top if self._independent(e.country)] or top
        return top[0] if len(top) == 1 else None

    def country_by_name(self, surface: str) -> GazEntry | None:
        """A country (or historic / de facto state) by name, alias or demonym."""
        found = [e for e in self._find(surface, self._by_exact, self._by_folded)]
        found = [e for e in found if e.cls == "Country"]
        return found[0] if len(found) == 1 else None

    def demonym_country(self, surface: str) -> GazEntry | None:
        """ "South Korean" -> South Korea."""
        found = self._find(surface, *self._demonyms)
        return found[0] if len(found) == 1 else None

    def capital_country(self, city: str) -> GazEntry | None:
        """The country whose capital this is ("Seoul" -> South Korea); an independent
        country wins over a territory with a same-named capital."""
        found = self._find(city, *self._capital_forms)
        countries = list(dict.fromkeys(e.country for e in found if e.country))
        if len(countries) > 1:
            countries = [c for c in countries if self._independent(c)]
        return self.entry(countries[0]) if len(countries) == 1 else None

    def _independent(self, key: str | None) -> bool:
        rec = self._records.get(key or "")
        return bool(rec and rec["independent"])

    # ------------------------------------------------------------ leaders
    def _index_leaders(self) -> None:
        self._by_full_name: dict[str, list[LeaderSpell]] = defaultdict(list)
        self._by_surname: dict[str, list[LeaderSpell]] = defaultdict(list)
        for spell, names in zip(self.leaders, self._leader_names, strict=True):
            for name in {spell.person, *names}:
                if len(name.split()) > 1:
                    self._by_full_name[_name_key(name)].append(spell)
            for short in _surname_forms(spell):
                self._by_surname[short].append(spell)

    def leaders_on(self, day: date, country: str | None = None) -> list[LeaderSpell]:
        """Leaders in office on ``day`` (optionally of one country key), one spell per person:
        a spell with a role is preferred to an untitled one."""
        spells = [
            s
            for s in self.leaders
            if (country is None or s.country == country) and s.in_office(day)
        ]
        best: dict[tuple[str, str], LeaderSpell] = {}
        for spell in spells:
            ident = (spell.country, _person_id(spell))
            if ident not in best or _rank(spell) > _rank(best[ident]):
                best[ident] = spell
        return sorted(best.values(), key=lambda s: (s.country, s.start or date.min, s.person))

    def leader_by_name(self, surface: str, day: date | None) -> LeaderSpell | None:
        """The spell a person name refers to.

        A full name ("Donald Trump") picks that person: the spell in office on ``day``, or
        else the spell nearest to it. A single word ("Trump", exact case) is a surname and
        matches only when exactly one person in office on ``day`` has it (with no day: when
        exactly one person in the table has it)."""
        text = _strip_article(surface)
        if len(text.split()) > 1:
            spells = self._by_full_name.get(_name_key(text), [])
            if not spells:
                return None
            if day is not None:
                current = [s for s in spells if s.in_office(day)]
                if current:
                    return _single_person(current)
            if len({_person_id(s) for s in spells}) != 1:
                return None
            return _nearest(spells, day)
        spells = self._by_surname.get(_exact(text), [])
        if day is not None:
            return _single_person([s for s in spells if s.in_office(day)])
        return _single_person(spells)


# ---------------------------------------------------------------- helpers
def _person_id(spell: LeaderSpell) -> str:
    return spell.wikidata or f"{spell.country}|{_name_key(spell.person)}"


def _rank(spell: LeaderSpell) -> tuple[bool, date]:
    return (spell.role is not None, spell.start or date.min)


def _single_person(spells: list[LeaderSpell]) -> LeaderSpell | None:
    """The best spell when all belong to one person, else None."""
    if not spells or len({_person_id(s) for s in spells}) != 1:
        return None
    return max(spells, key=_rank)


def _nearest(spells: list[LeaderSpell], day: date | None) -> LeaderSpell:
    if day is None:
        return max(spells, key=_rank)
    started = [s for s in spells if s.start is None or s.start <= day]
    if started:
        return max(started, key=_rank)
    return min(spells, key=lambda s: s.start or date.min)


def _surname_forms(spell: LeaderSpell) -> set[str]:
    """ "al-Assad" is also found as "Assad"; "von der Leyen" also as "Leyen" is not wanted,
    so only a hyphenated Arabic article is stripped."""
    forms = {spell.short}
    stripped = re.sub(r"^(?:al|el|Al|El)-", "", spell.short)
    if stripped != spell.short:
        forms.add(stripped)
    return {f for f in forms if f}


@lru_cache(maxsize=4)
def _load_file(path: str) -> Gazetteer:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"{path}: cannot read gazetteer ({exc.strerror})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    return Gazetteer(data)
