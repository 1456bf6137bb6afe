"""Build ``kg/data/gazetteer.json`` from the reference tables and the hand-curated rules.

Usage: ``python scripts/build_gazetteer.py [SOURCE_DIR] [-o OUT]``

SOURCE_DIR holds ``countries.csv``, ``organizations.csv`` and ``leaders.csv`` (default
``../shared/data/gazetteer`` relative to the repository root). Curation rules and the extra
entities come from ``kg/data/extra_entities.json``. The output is deterministic: running the
script twice on the same input gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

from kg.slugs import slug

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = REPO.parent / "shared" / "data" / "gazetteer"
DEFAULT_OUT = REPO / "kg" / "data" / "gazetteer.json"
EXTRA = REPO / "kg" / "data" / "extra_entities.json"
REIGN_ROLE = "effective leader (REIGN)"
SOURCE_FILES = ("countries.csv", "organizations.csv", "leaders.csv")

NOTICE: dict[str, Any] = {
    "summary": (
        "Derived database built by scripts/build_gazetteer.py from public reference tables plus "
        "kg/data/extra_entities.json. It keeps the licences of its sources: the country part is "
        "available under the Open Database License (ODbL) 1.0, the organisation part under "
        "CC BY-SA 4.0; leader dates enriched from Archigos come via a CC BY 4.0 repository. "
        "See kg/data/GAZETTEER-SOURCES.md."
    ),
    "sources": [
        {
            "data": "country names, official names, ISO codes, capitals, demonyms, aliases",
            "source": "mledoze/countries (countries.json)",
            "licence": "ODbL 1.0 (Open Database License)",
        },
        {
            "data": "country QIDs, UNTERM/CLDR names",
            "source": "datasets/country-codes",
            "licence": "ODC PDDL 1.0",
        },
        {
            "data": "country QID fallback, country names",
            "source": "rigour 2.6.1 (OpenSanctions)",
            "licence": "MIT, (c) OpenSanctions Datenbanken GmbH",
        },
        {
            "data": "country QID cross-checks",
            "source": "rapideditor/country-coder",
            "licence": "ISC",
        },
        {
            "data": "capital QIDs and leader QIDs (Wikidata query results)",
            "source": "Wikidata via GorkaUrbizu/egunean_behin_hiriburuak and "
            "every-politician-scrapers/world-leaders-2021",
            "licence": "CC0 1.0 (Wikidata)",
        },
        {
            "data": "extra demonyms and adjectivals",
            "source": "leo-holanda/cartogrify",
            "licence": "MIT",
        },
        {
            "data": "ISO 3166 country names used as aliases",
            "source": "pycountry 26.2.16 (Debian iso-codes)",
            "licence": "LGPL-2.1",
        },
        {
            "data": "organisation names, acronyms, aliases, QIDs, families",
            "source": "confirmordeny/supraverden (general_list.yaml)",
            "licence": "CC BY-SA 4.0 (Creative Commons Attribution-ShareAlike 4.0)",
        },
        {
            "data": "leader spells 1921-2021",
            "source": "REIGN dataset (OEFDataScience), leaderlist_3_21",
            "licence": "no data licence stated; cite Bell, Besaw & Frank (2021), The Rulers, "
            "Elections, and Irregular Governance (REIGN) Dataset, One Earth Future",
        },
        {
            "data": "leader end dates and Wikipedia titles",
            "source": "Archigos 4.1 and COW state list via globalgov/manystates",
            "licence": "CC BY 4.0 (Creative Commons Attribution 4.0); cite Goemans, Gleditsch & "
            "Chiozza (2009), Journal of Peace Research 46(2), and the Correlates of War Project",
        },
    ],
}


# ---------------------------------------------------------------- text helpers
def fold(text: str) -> str:
    """Case- and accent-insensitive form used to compare surface forms."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


def split_cell(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def is_acronym(form: str) -> bool:
    """Short all-capitals forms ("US", "U.K.", "DPRK") that must match with exact case."""
    letters = form.replace(".", "").replace("-", "")
    return bool(letters) and not any(c.islower() for c in form) and len(letters) <= 6


def unique(items: list[str], exclude: set[str] | None = None) -> list[str]:
    """Distinct non-empty strings in first-seen order, minus those in ``exclude``.

    Comparison is exact: "NATO" (matched with exact case) and "Nato" are both kept."""
    seen = set(exclude or ())
    out = []
    for item in items:
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise SystemExit(f"{path}: missing source table")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# ---------------------------------------------------------------- countries
def plausible_alias(alias: str, row: dict[str, str], rules: dict[str, Any]) -> bool:
    """Would an English news text use this alias? Drops lower-case, inverted and foreign forms."""
    if alias in rules["drop_aliases"]:
        return False
    if not any(c.isupper() for c in alias) or any(c in alias for c in ",()/"):
        return False
    tokens = alias.split()
    if len(tokens) == 1:
        return alias in rules["single_word_aliases"]
    own = set(row["name"].split()) | set(row["official_name"].split())
    words = set(rules["alias_words"])
    return all(token in own or token in words for token in tokens)


def plausible_demonym(form: str, rules: dict[str, Any]) -> bool:
    return (
        form not in rules["drop_demonyms"]
        and not any(c in form for c in ",()/")
        and " or " not in form
        and any(c.isupper() for c in form)
    )


def build_countries(rows: list[dict[str, str]], rules: dict[str, Any]) -> list[dict[str, Any]]:
    """One record per country row, with curated aliases and demonyms."""
    records = []
    for row in rows:
        key = row["wikidata"]
        name = rules["rename"].get(key, row["name"])
        independent = {"true": True, "false": False}.get(row["independent"])
        aliases = [a for a in split_cell(row["aliases"]) if plausible_alias(a, row, rules)]
        if row["official_name"] and plausible_alias(row["official_name"], row, rules):
            aliases.insert(0, row["official_name"])
        if name != row["name"]:
            aliases.insert(0, row["name"])
        demonyms = [d for d in split_cell(row["demonyms"]) if plausible_demonym(d, rules)]
        names = split_cell(row["capital"])
        qids = split_cell(row["capital_wikidata"])
        capitals = [
            {
                "name": cap,
                "wikidata": qids[i] if i < len(qids) else None,
                "aliases": rules["capital_aliases"].get(qids[i], []) if i < len(qids) else [],
            }
            for i, cap in enumerate(names)
        ]
        if independent is False and key not in rules.get("dependent_capitals_kept", []):
            # "Douglas", "The Bottom", "Hamilton": capitals of dependent territories are
            # rare in the news, and their names are common words or people's names
            capitals = []
        records.append(
            {
                "key": key,
                "name": name,
                "official_name": row["official_name"] or None,
                "wikidata": key,
                "iso2": row["iso2"] or None,
                "iso3": row["iso3"] or None,
                "independent": independent,
                "un_member": {"true": True, "false": False}.get(row["un_member"]),
                "capitals": capitals,
                "aliases": unique(aliases, {name}),
                "demonyms": unique(demonyms, {name}),
            }
        )
    _drop_shared_country_forms(records)
    for rec in records:
        names_taken = {rec["name"]}
        rec["aliases"] = unique(
            rec["aliases"] + rules["add_aliases"].get(rec["key"], []), names_taken
        )
        rec["demonyms"] = unique(rec["demonyms"] + rules["add_demonyms"].get(rec["key"], []))
        forms = [rec["name"], *rec["aliases"], *rec["demonyms"]]
        rec["case_sensitive"] = sorted(
            {f for f in forms if is_acronym(f) or f in rules["case_sensitive"]}
        )
        if rec["key"] in rules.get("as_cities", []):
            rec["cls"] = "City"  # Hong Kong, Macau: cities of the news, not countries
    return sorted(records, key=lambda r: (fold(r["name"]), r["key"]))


def _drop_shared_country_forms(records: list[dict[str, Any]]) -> None:
    """A form on several rows stays only with the row it names, or with the one independent
    row among them; otherwise it is dropped everywhere ("Koreans", "Congolese")."""
    owners: dict[str, set[int]] = defaultdict(set)
    for i, rec in enumerate(records):
        for form in [rec["name"], *rec["aliases"], *rec["demonyms"]]:
            owners[fold(form)].add(i)
    keep: dict[str, int | None] = {}
    for form, rows in owners.items():
        if len(rows) == 1:
            continue
        named = [i for i in rows if fold(records[i]["name"]) == form]
        independent = [i for i in rows if records[i]["independent"]]
        keep[form] = named[0] if named else independent[0] if len(independent) == 1 else None
    for i, rec in enumerate(records):
        for field in ("aliases", "demonyms"):
            rec[field] = [f for f in rec[field] if keep.get(fold(f), i) == i]


# ---------------------------------------------------------------- organisations
def build_organizations(
    rows: list[dict[str, str]], rules: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Organisations and the treaty rows of organizations.csv (returned separately)."""
    drop = set(rules["drop_surface_forms"])
    ambiguous = set(rules["ambiguous_acronyms"])
    orgs, treaties = [], []
    for row in rows:
        name = row["name"]
        acronyms = [a for a in split_cell(row["acronym"]) if a not in drop]
        acronyms = [a for a in acronyms if rules["drop_acronym_from"].get(a) != name]
        aliases = [a for a in split_cell(row["aliases"]) if a not in drop]
        aliases += rules["add_aliases"].get(name, [])
        is_treaty = name in rules["treaties"]
        prefix = "treaty" if is_treaty else "org"
        aliases = unique(aliases, {name, *acronyms})
        record = {
            "key": row["wikidata"] or f"{prefix}:{slug(name)}",
            "name": name,
            "cls": "Treaty" if is_treaty else "InternationalOrganization",
            "wikidata": row["wikidata"] or None,
            "acronyms": unique(acronyms),
            "aliases": aliases,
            "family": row["org_family"] or None,
            "acronym_case_sensitive": bool(acronyms),
            "ambiguous_acronym": any(a in ambiguous for a in acronyms),
            "case_sensitive": sorted(
                {a for a in acronyms} | {a for a in aliases if is_acronym(a) or a in ambiguous}
            ),
        }
        (treaties if is_treaty else orgs).append(record)
    _drop_shared_org_forms(orgs)
    key = lambda r: (fold(r["name"]), r["key"])  # noqa: E731
    return sorted(orgs, key=key), sorted(treaties, key=key)


def _drop_shared_org_forms(records: list[dict[str, Any]]) -> None:
    owners: dict[str, set[int]] = defaultdict(set)
    for i, rec in enumerate(records):
        for form in [rec["name"], *rec["acronyms"], *rec["aliases"]]:
            owners[fold(form)].add(i)
    shared = {form for form, rows in owners.items() if len(rows) > 1}
    for rec in records:
        for field in ("acronyms", "aliases", "case_sensitive"):
            rec[field] = [f for f in rec[field] if fold(f) not in shared]


# ---------------------------------------------------------------- other entities
CLASS_PREFIX = {
    "GovernmentBody": "gov",
    "ArmedForces": "armed",
    "Organization": "org",
    "InternationalOrganization": "org",
    "Treaty": "treaty",
    "Country": "state",
    "City": "city",
    "Place": "place",
}


def build_others(extra: dict[str, Any], treaties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Hand-listed entities, historic/de facto states and the treaty rows."""
    records = []
    for item in extra["entities"]:
        cls = item["class"]
        if cls not in CLASS_PREFIX:
            raise SystemExit(f"{EXTRA}: entity {item['name']!r} has unknown class {cls!r}")
        aliases = unique(item["aliases"], {item["name"]})
        records.append(
            {
                "key": item["wikidata"] or f"{CLASS_PREFIX[cls]}:{slug(item['name'])}",
                "name": item["name"],
                "cls": cls,
                "wikidata": item["wikidata"],
                "aliases": aliases,
                "country": item["country"],
                "case_sensitive": sorted(
                    {f for f in [item["name"], *aliases] if is_acronym(f)}
                    | set(item.get("case_sensitive", []))
                ),
            }
        )
    for state in extra["historic_states"]:
        records.append(
            {
                "key": state["wikidata"] or f"state:{slug(state['name'])}",
                "name": state["name"],
                "cls": "Country",
                "wikidata": state["wikidata"],
                "aliases": unique(state["aliases"], {state["name"]}),
                "country": None,
                "case_sensitive": sorted(f for f in state["aliases"] if is_acronym(f)),
            }
        )
    for treaty in treaties:
        records.append(
            {
                "key": treaty["key"],
                "name": treaty["name"],
                "cls": "Treaty",
                "wikidata": treaty["wikidata"],
                "aliases": unique(treaty["acronyms"] + treaty["aliases"]),
                "country": None,
                "case_sensitive": treaty["case_sensitive"],
            }
        )
    return sorted(records, key=lambda r: (r["cls"], fold(r["name"]), r["key"]))


# ---------------------------------------------------------------- leaders
def normalise_role(role: str, patterns: list[tuple[re.Pattern[str], str | None]]) -> str | None:
    text = " ".join(role.casefold().split())
    for pattern, replacement in patterns:
        match = pattern.match(text)
        if match:
            return None if replacement is None else match.expand(replacement).strip()
    return text or None


def display_name(row: dict[str, str]) -> str:
    title = re.sub(r"\s*\(.*\)$", "", row["person_wikipedia_title"]).strip()
    raw = re.sub(r"\s*\(.*?\)", "", row["person"]).strip()
    return row["person_wikidata_label"].strip() or title or raw


def short_name(name: str, country: str, rules: dict[str, Any]) -> str:
    """Surname-ish short form: "Donald Trump" -> "Trump", "Moon Jae-in" -> "Moon"."""
    tokens = [t for t in re.sub(r"\s*\(.*?\)", "", name).split() if t not in rules["name_suffixes"]]
    if not tokens:
        return name
    family_first = country in rules["family_name_first"] or (
        2 <= len(tokens) <= 3 and re.fullmatch(r"[A-Z][a-z]+-[a-z]+", tokens[-1]) is not None
    )
    if family_first:
        return tokens[0]
    start = len(tokens) - 1
    while start > 0 and tokens[start - 1].casefold() in rules["name_particles"]:
        start -= 1
    return " ".join(tokens[start:])


def _year(value: str) -> int:
    return int(value[:4])


def _pick_start(values: list[str]) -> str:
    """Most precise start; among equally precise ones the earliest."""
    return sorted(values, key=lambda v: (-len(v), v))[0]


def _pick_end(values: list[str]) -> str:
    """A recorded end beats an open one; then the latest year, then the most precise."""
    ended = [v for v in values if v]
    if not ended:
        return ""
    return sorted(ended, key=lambda v: (-_year(v), -len(v), v))[0]


def _same_person(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a["wikidata"] and b["wikidata"]:
        return a["wikidata"] == b["wikidata"]
    surname = fold(a["raw"].replace(".", " ")).split()[-1:]
    tokens = fold(b["person"]).split() + fold(b["raw"]).split()
    return any(difflib.SequenceMatcher(None, s, t).ratio() >= 0.85 for s in surname for t in tokens)


def build_leaders(
    rows: list[dict[str, str]],
    country_keys: dict[str, str],
    rules: dict[str, Any],
    report: dict[str, int],
) -> list[dict[str, Any]]:
    """Leader spells, REIGN and Wikidata spells of the same person merged."""
    patterns = [(re.compile(p), r) for p, r in rules["roles"]]
    spells = []
    for row in rows:
        country = country_keys.get(row["country"])
        if country is None:
            report["leader rows dropped (no known country)"] += 1
            continue
        names = [display_name(row), row["person_wikipedia_title"], row["person_wikidata_label"]]
        names.append(re.sub(r"\s*\(.*?\)", "", row["person"]).strip())
        spells.append(
            {
                "person": display_name(row),
                "raw": row["person"],
                "names": [n for n in unique([n for n in names if n]) if len(n.split()) > 1],
                "country": country,
                "role": normalise_role(row["role"], patterns),
                "reign": row["role"] == REIGN_ROLE,
                "start": row["start_date"],
                "end": row["end_date"],
                "wikidata": row["wikidata"] or None,
            }
        )
    _refine_reign_ends(spells)
    merged = _merge_spells(spells, report)
    out = []
    for s in merged:
        out.append(
            {
                "person": s["person"],
                "short": short_name(s["person"], s["country"], rules),
                "aliases": unique(s["names"], {s["person"]}),
                "country": s["country"],
                "role": s["role"],
                "start": s["start"] or None,
                "end": s["end"] or None,
                "wikidata": s["wikidata"],
            }
        )
    return sorted(out, key=lambda s: (s["country"], s["start"] or "", fold(s["person"])))


def _refine_reign_ends(spells: list[dict[str, Any]]) -> None:
    """REIGN ends are months: take the successor's start day when it falls in that month."""
    starts: dict[str, list[str]] = defaultdict(list)
    for s in spells:
        if s["reign"]:
            starts[s["country"]].append(s["start"])
    for s in spells:
        if s["reign"] and len(s["end"]) == 7:
            later = sorted(
                d for d in starts[s["country"]] if d.startswith(s["end"]) and d >= s["start"]
            )
            if later:
                s["end"] = later[0]


def _merge_spells(spells: list[dict[str, Any]], report: dict[str, int]) -> list[dict[str, Any]]:
    """Fold each REIGN spell into the Wikidata spell of the same person, country and start
    year (within one year); spells that match nothing are kept as they are."""
    anchors = [s for s in spells if not s["reign"]]
    by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in sorted(anchors, key=lambda s: (s["start"], s["person"], s["role"] or "")):
        by_country[s["country"]].append(s)
    kept = list(anchors)
    for s in spells:
        if not s["reign"]:
            continue
        target = next(
            (
                a
                for a in by_country[s["country"]]
                if abs(_year(a["start"]) - _year(s["start"])) <= 1 and _same_person(s, a)
            ),
            None,
        )
        if target is None:
            kept.append(s)
            continue
        report["REIGN spells merged into a Wikidata spell"] += 1
        target["start"] = _pick_start([target["start"], s["start"]])
        target["end"] = _pick_end([target["end"], s["end"]])
        target["wikidata"] = target["wikidata"] or s["wikidata"]
        target["names"] = unique(target["names"] + s["names"])
    return kept


# ---------------------------------------------------------------- assembly
def build(source_dir: Path) -> dict[str, Any]:
    extra = json.loads(EXTRA.read_text(encoding="utf-8"))
    tables = {name: read_csv(source_dir / name) for name in SOURCE_FILES}
    report: dict[str, int] = defaultdict(int)
    countries = build_countries(tables["countries.csv"], extra["countries"])
    orgs, treaties = build_organizations(tables["organizations.csv"], extra["organizations"])
    others = build_others(extra, treaties)
    country_keys = {row["name"]: row["wikidata"] for row in tables["countries.csv"]}
    for state in extra["historic_states"]:
        for source_name in state["sources"]:
            country_keys[source_name] = state["wikidata"] or f"state:{slug(state['name'])}"
    leaders = build_leaders(tables["leaders.csv"], country_keys, extra["leaders"], report)
    for label, value in sorted(report.items()):
        print(f"{label}: {value}", file=sys.stderr)
    return {
        "notice": NOTICE,
        "countries": countries,
        "organizations": orgs,
        "others": others,
        "leaders": leaders,
    }


def dumps(data: dict[str, Any]) -> str:
    """Compact JSON with one list entry per line, keys sorted."""
    parts = []
    for key in sorted(data):
        value = data[key]
        if isinstance(value, list):
            items = ",\n".join(json.dumps(v, ensure_ascii=False, sort_keys=True) for v in value)
            parts.append(f"{json.dumps(key)}: [\n{items}\n]")
        else:
            parts.append(
                f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False, sort_keys=True)}"
            )
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="?", type=Path, default=DEFAULT_SOURCES)
    parser.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not args.sources.is_dir():
        print(f"{args.sources}: not a folder of gazetteer tables", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dumps(build(args.sources)), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
