"""The boilerplate, byline and dateline patterns of ``kg/data/boilerplate.json``, compiled."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

_DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "boilerplate.json"
_FRAGMENT_REF = re.compile(r"\{([A-Z]+)\}")


@dataclass(frozen=True)
class Patterns:
    agencies: dict[str, str]  # case-folded name -> name as listed
    datelines: tuple[re.Pattern[str], ...]
    byline_label: re.Pattern[str]
    byline_by: re.Pattern[str]
    byline_noise: re.Pattern[str]
    not_names: frozenset[str]
    name_particles: frozenset[str]
    # (share of the text from which on a match cuts the rest, pattern, whether a story
    # paragraph after it keeps it from cutting), earliest first
    cut: tuple[tuple[float, re.Pattern[str], bool], ...]
    # photo credits and "(This article was written by ...)" notes, searched in a line
    credits: tuple[re.Pattern[str], ...]
    # "(AP)" at the end of a headline
    headline_agency: re.Pattern[str]
    story_min_words: int
    story_end: re.Pattern[str]
    # lines that are never story text, wherever they are
    drop_line: re.Pattern[str]
    html_drop_class_or_id: re.Pattern[str]
    # elements that end the paragraph before them and start a new one
    block_tags: frozenset[str]
    html: dict[str, Any]

    def agency(self, name: str | None) -> str | None:
        """The agency ``name`` stands for, spelled as listed, or None."""
        if not name:
            return None
        return self.agencies.get(name.strip().casefold())


def _any_of(patterns: list[str], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


def _expand(pattern: str, fragments: dict[str, str]) -> str:
    """Replace ``{NAME}`` references by their fragments until none is left."""
    for _ in range(10):
        expanded = _FRAGMENT_REF.sub(lambda m: fragments.get(m[1], m[0]), pattern)
        if expanded == pattern:
            return expanded
        pattern = expanded
    raise ValueError(f"boilerplate.json: fragments refer to each other in a loop: {pattern}")


@cache
def load_patterns() -> Patterns:
    """Read and compile the pattern file once."""
    data = json.loads(_DATA_FILE.read_text(encoding="utf-8"))
    agencies = data["agencies"]
    # Longest first so that "Associated Press" wins over "AP"; an agency is matched as
    # written or in capitals ("(REUTERS)").
    spellings = sorted({s for a in agencies for s in (a, a.upper())}, key=len, reverse=True)
    fragments = {k: v for k, v in data["fragments"].items() if not k.startswith("_")}
    fragments["AGENCY"] = "(?:" + "|".join(re.escape(s) for s in spellings) + ")"
    return Patterns(
        agencies={a.casefold(): a for a in agencies},
        datelines=tuple(re.compile(_expand(p, fragments)) for p in data["datelines"]),
        byline_label=re.compile(data["byline_labels"], re.IGNORECASE),
        byline_by=re.compile(data["byline_by"], re.IGNORECASE),
        byline_noise=_any_of(data["byline_noise"]),
        not_names=frozenset(n.casefold() for n in data["not_names"]),
        name_particles=frozenset(p.casefold() for p in data["name_particles"]),
        cut=tuple(
            (tier["from"], _any_of(tier["patterns"]), tier["unless_story_follows"])
            for tier in data["cut"]
        ),
        credits=tuple(re.compile(p, re.IGNORECASE) for p in data["credits"]["patterns"]),
        headline_agency=re.compile(_expand(data["headline_agency"], fragments)),
        story_min_words=data["story_paragraph"]["min_words"],
        story_end=re.compile(data["story_paragraph"]["end"]),
        drop_line=_any_of(
            data["drop_line"]
            + [p for tier in data["cut"] if tier["drop_elsewhere"] for p in tier["patterns"]]
        ),
        html_drop_class_or_id=re.compile(data["html"]["drop_class_or_id"], re.IGNORECASE),
        block_tags=frozenset(data["html"]["block_tags"]),
        html=data["html"],
    )
