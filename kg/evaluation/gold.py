"""Reading gold annotation files (CONTRACT.md §3)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.model import EVENT_TYPES, LIMIT_UNITS

ENTITY_TYPES = frozenset(
    {"Country", "Person", "Organization", "City", "Agreement", "Event", "Place"}
)
# Fact kinds that are scored, with the fields each one must have. An agreement's parties may
# be an empty list (or left out): the text does not give them (ANNOTATION.md).
FACT_FIELDS: dict[str, tuple[str, ...]] = {
    "position": ("person", "role", "jurisdiction"),
    "agreement": ("name",),
    "deployment": ("from", "in"),
    "membership": ("member", "organization"),
    "alliance": ("allies",),
    "event": ("type",),
}
# Kinds a gold file may hold that are not evaluated yet (CONTRACT.md §2, interaction).
IGNORED_KINDS = frozenset({"interaction"})
# Fields whose value is one name or a list of acceptable alternatives.
NAME_OR_ALTERNATIVES = ("person", "jurisdiction", "role", "agent", "from", "in", "member")
NAME_LISTS = ("parties", "restricts", "allies", "participants")


@dataclass(frozen=True)
class GoldEntity:
    name: str
    type: str
    wikidata: str | None = None
    aliases: tuple[str, ...] = ()
    optional: bool = False


@dataclass(frozen=True)
class GoldFact:
    """One gold fact; ``data`` holds its fields as written (``kind`` and ``optional`` apart)."""

    kind: str
    data: Mapping[str, Any]
    optional: bool = False

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


@dataclass
class GoldDocument:
    id: str
    text: str
    title: str | None = None
    date: dt.date | None = None
    url: str | None = None
    source: str | None = None
    entities: list[GoldEntity] = field(default_factory=list)
    facts: list[GoldFact] = field(default_factory=list)


def load_gold(path: str | Path) -> list[GoldDocument]:
    """Every record of a gold ``.jsonl`` file; InputError(``path:LINE``, reason) on a bad line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read gold file ({exc})") from exc
    documents: list[GoldDocument] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(where, f"not valid JSON ({exc.msg})") from exc
        try:
            document = parse_record(record)
        except ValueError as exc:
            raise InputError(where, str(exc)) from exc
        if document.id in seen:
            first = seen[document.id]
            raise InputError(where, f"duplicate id {document.id!r} (first on line {first})")
        seen[document.id] = number
        documents.append(document)
    return documents


def parse_record(record: object) -> GoldDocument:
    """One gold record as a GoldDocument; ValueError saying what is wrong."""
    if not isinstance(record, dict):
        raise ValueError("a record must be a JSON object")
    doc_id = _text(record, "id")
    text = _text(record, "text")
    date = record.get("date")
    if date is not None:
        try:
            date = dt.date.fromisoformat(_text(record, "date"))
        except ValueError:
            raise ValueError(f"date {record['date']!r} is not an ISO date") from None
    entities = [_entity(e, i) for i, e in enumerate(_list(record, "entities"), start=1)]
    facts = [f for i, raw in enumerate(_list(record, "facts"), start=1) if (f := _fact(raw, i))]
    return GoldDocument(
        id=doc_id,
        text=text,
        title=_optional_text(record, "title"),
        date=date,
        url=_optional_text(record, "url"),
        source=_optional_text(record, "source"),
        entities=entities,
        facts=facts,
    )


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key!r} must be a non-empty string")
    return value


def _optional_text(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    return value if isinstance(value, str) else None


def _list(record: Mapping[str, Any], key: str) -> list:
    value = record.get(key, [])
    if not isinstance(value, list):
        raise ValueError(f"{key!r} must be a list")
    return value


def _optional_flag(raw: Mapping[str, Any], what: str) -> bool:
    value = raw.get("optional", False)
    if not isinstance(value, bool):
        raise ValueError(f"{what}: 'optional' must be true or false")
    return value


def _entity(raw: object, number: int) -> GoldEntity:
    what = f"entity {number}"
    if not isinstance(raw, dict):
        raise ValueError(f"{what} must be an object")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{what}: 'name' must be a non-empty string")
    what = f"entity {name!r}"
    if raw.get("type") not in ENTITY_TYPES:
        raise ValueError(f"{what}: type {raw.get('type')!r} is not one of {sorted(ENTITY_TYPES)}")
    qid = raw.get("wikidata")
    if qid is not None and not isinstance(qid, str):
        raise ValueError(f"{what}: 'wikidata' must be a string or null")
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise ValueError(f"{what}: 'aliases' must be a list of strings")
    return GoldEntity(name, raw["type"], qid, tuple(aliases), _optional_flag(raw, what))


def _fact(raw: object, number: int) -> GoldFact | None:
    what = f"fact {number}"
    if not isinstance(raw, dict):
        raise ValueError(f"{what} must be an object")
    kind = raw.get("kind")
    if kind in IGNORED_KINDS:
        return None
    if kind not in FACT_FIELDS:
        raise ValueError(f"{what}: kind {kind!r} is not one of {sorted(FACT_FIELDS)}")
    what = f"fact {number} ({kind})"
    for key in FACT_FIELDS[kind]:
        if raw.get(key) in (None, "", []):
            raise ValueError(f"{what}: {key!r} is missing")
    for key in NAME_OR_ALTERNATIVES:
        if key in raw and not _names(raw[key], allow_one=True):
            raise ValueError(f"{what}: {key!r} must be a name or a list of names")
    for key in NAME_LISTS:
        if key in raw and not _names(raw[key], allow_one=False):
            raise ValueError(f"{what}: {key!r} must be a list of names")
    if kind == "agreement":
        raw = {**raw, "parties": raw.get("parties") or []}
    if kind == "alliance" and len(set(raw["allies"])) < 2:
        raise ValueError(f"{what}: an alliance needs at least two allies")
    if kind == "event" and raw["type"] not in EVENT_TYPES:
        raise ValueError(f"{what}: type {raw['type']!r} is not one of {list(EVENT_TYPES)}")
    _check_values(raw, what)
    data = {k: v for k, v in raw.items() if k not in ("kind", "optional")}
    return GoldFact(kind, data, _optional_flag(raw, what))


def _names(value: object, allow_one: bool) -> bool:
    if isinstance(value, str):
        return allow_one and bool(value.strip())
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _alternatives(value: object) -> list:
    return value if isinstance(value, list) else [value]


def _check_values(raw: Mapping[str, Any], what: str) -> None:
    for key in ("count", "year", "since"):
        if key in raw and raw[key] is not None:
            if not all(_is_int(v) for v in _alternatives(raw[key])):
                raise ValueError(f"{what}: {key!r} must be an integer or a list of integers")
    if raw.get("date") is not None:
        for value in _alternatives(raw["date"]):
            try:
                dt.date.fromisoformat(value)
            except (TypeError, ValueError):
                raise ValueError(f"{what}: date {value!r} is not an ISO date") from None
    if "location" in raw and raw["location"] is not None and not _names(raw["location"], True):
        raise ValueError(f"{what}: 'location' must be a name")
    for key in ("name",):
        if key in raw and not isinstance(raw[key], str):
            raise ValueError(f"{what}: {key!r} must be a string")
    if "aliases" in raw and not _names(raw["aliases"], allow_one=False):
        raise ValueError(f"{what}: 'aliases' must be a list of names")
    for limit in _list(raw, "limits"):
        if not isinstance(limit, dict):
            raise ValueError(f"{what}: every limit must be an object")
        value = limit.get("value")
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ValueError(f"{what}: limit value {value!r} is not a number")
        if limit.get("unit") not in LIMIT_UNITS:
            unit = limit.get("unit")
            raise ValueError(f"{what}: limit unit {unit!r} is not one of {LIMIT_UNITS}")
        if not isinstance(limit.get("quantity"), str):
            raise ValueError(f"{what}: limit quantity must be a string")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
