"""Access to the word lists in ``kg/data/lexicon.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Lexicon:
    raw: dict
    _sets: dict = field(default_factory=dict, compare=False, repr=False)

    def words(self, name: str) -> frozenset[str]:
        """The word list ``name`` as a set (made once: rules ask for lists per token)."""
        found = self._sets.get(name)
        if found is None:
            found = self._sets[name] = frozenset(self.raw[name])
        return found

    def event(self, kind: str, part: str) -> frozenset[str]:
        key = f"events.{kind}.{part}"
        found = self._sets.get(key)
        if found is None:
            found = self._sets[key] = frozenset(self.raw["events"][kind].get(part, ()))
        return found

    def standard_role(self, role: str) -> str:
        """A role in standard form: 'Defense Secretary' → 'defence minister'."""
        role = " ".join(role.lower().replace("’", "'").split())
        standard = self.raw["role_standard"]
        if role in standard:
            return standard[role]
        if role.startswith("minister of ") or role.startswith("minister for "):
            rest = role.split(" ", 2)[2]
            if rest.startswith("the "):
                rest = rest[4:]
            return self.standard_role(f"{rest} minister")
        if role.endswith(("spokesman", "spokeswoman", "spokesperson")):
            return "spokesperson"
        words = role.split()
        words = ["defence" if w == "defense" else w for w in words]
        return " ".join(words)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon(json.loads((DATA / "lexicon.json").read_text(encoding="utf-8")))
