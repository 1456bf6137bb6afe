"""Build ``kg/data/officeholders.json.gz`` from the reference officeholder table.

Usage: python scripts/build_officeholders.py [SOURCE_DIR] [OUTPUT]

SOURCE_DIR holds ``officeholders.csv`` and ``person_names.csv`` (default
``../shared/data/gazetteer``). The output keeps, per person, the Wikidata QID, the names
the person is known by and the spells (position label, jurisdiction QID, start, end); the
source and licence of the table travel in the file's ``notice``. Rows whose jurisdiction is
not a row of the project's gazetteer are left out: the pipeline could not name them.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "gazetteer"
DEFAULT_OUTPUT = ROOT / "kg" / "data" / "officeholders.json.gz"
GAZETTEER = ROOT / "kg" / "data" / "gazetteer.json"

NOTICE = {
    "source": (
        "Wikidata P39 (position held) query output committed to the repositories of the "
        "GitHub organisation every-politician-scrapers (snapshots 2020-07-14 to 2023-03-12), "
        "as compiled in officeholders.csv and person_names.csv; see GAZETTEER-SOURCES.md"
    ),
    "licence": "CC0 1.0 (Wikidata data)",
    "generated_by": "scripts/build_officeholders.py",
}


def _known_keys() -> set[str]:
    data = json.loads(GAZETTEER.read_text(encoding="utf-8"))
    keys: set[str] = set()
    for section in ("countries", "organizations", "others"):
        for rec in data.get(section, []):
            keys.add(rec.get("key") or rec.get("wikidata") or "")
            if rec.get("wikidata"):
                keys.add(rec["wikidata"])
    keys.discard("")
    return keys


def build(source: Path) -> dict:
    known = _known_keys()
    names: dict[str, list[str]] = defaultdict(list)
    with (source / "person_names.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["name"] not in names[row["person_qid"]]:
                names[row["person_qid"]].append(row["name"])
    spells: dict[str, set[tuple[str, str, str, str]]] = defaultdict(set)
    labels: dict[str, str] = {}
    with (source / "officeholders.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["jurisdiction_qid"] not in known:
                continue
            qid = row["person_qid"]
            labels.setdefault(qid, row["person"])
            spells[qid].add((row["position"], row["jurisdiction_qid"], row["start"], row["end"]))
    people = []
    for qid in sorted(spells, key=lambda q: int(q[1:])):
        forms = [labels[qid], *(n for n in names.get(qid, []) if n != labels[qid])]
        people.append(
            {
                "qid": qid,
                "names": forms,
                "spells": [list(s) for s in sorted(spells[qid], key=lambda s: (s[2], s))],
            }
        )
    return {"notice": NOTICE, "people": people}


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    output = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUTPUT
    for name in ("officeholders.csv", "person_names.csv"):
        if not (source / name).is_file():
            print(f"{source / name}: missing", file=sys.stderr)
            return 1
    data = build(source)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # no name and no time in the header: the output is byte-identical between runs
    with (
        open(output, "wb") as raw,
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as f,
    ):
        f.write(text.encode("utf-8"))
    spells = sum(len(p["spells"]) for p in data["people"])
    print(f"{output}: {len(data['people'])} people, {spells} spells")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
