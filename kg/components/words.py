"""The word lists of the name components: ``kg/data/names.json`` and the lexicon's role words.

Read once; a component keeps its own copy (see ``NameWords.to_dict``) so that a pipeline
saved with ``nlp.to_disk`` behaves the same after ``spacy.load`` whatever the package's
data files say by then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Token

DATA = Path(__file__).resolve().parent.parent / "data"


def word_key(text: str) -> str:
    """The form words are compared in: lower case, curly apostrophe plain, no final stop."""
    return text.lower().replace("’", "'").rstrip(".")


@dataclass(frozen=True)
class NameWords:
    """Word sets, each in :func:`word_key` form."""

    titles: frozenset[str]  # written before a name, never part of it ("President", "MP")
    title_modifiers: frozenset[str]  # parts of a title that are no title alone ("Foreign")
    honorifics: frozenset[str]  # "Mr", "Lord", "Sheikh", "HRH"
    ranks: frozenset[str]  # "Gen.", "Maj.", "Lieutenant"
    rank_modifiers: frozenset[str]  # "Major" (General), "Air" (Marshal): no rank alone
    possessive_honorifics: frozenset[str]  # "His" (Excellency)
    name_particles: frozenset[str]  # "de", "bin", "van"
    org_heads: frozenset[str]  # the last noun of an organisation's name ("Bank", "Force")
    company_nouns: frozenset[str]  # "the water firm X": X is an organisation
    place_nouns: frozenset[str]  # "the state of X": X is a place; no person's name word
    feature_nouns: frozenset[str]  # "the Novak Islands": a geographic feature (LOC)
    event_heads: frozenset[str]  # "the Ruritanian Civil War": an event
    law_heads: frozenset[str]  # "the Ruritania Charter": a document (LAW)
    policy_heads: frozenset[str]  # "the National Recovery Plan": no organisation
    policy_nouns: frozenset[str]  # "the Novak Futures programme": the programme's name
    ship_prefixes: frozenset[str]  # "USS" (Novak): a ship's name
    title_prepositions: frozenset[str]  # "Minister of" (Tourism), "Ambassador to" (X)
    title_joiners: frozenset[str]  # words inside a title: "Minister of State and for Trade"
    not_names: frozenset[str]  # capitalised words that are never part of a name
    # words before a known body's name that describe it, naming no other body: "Presidential"
    descriptive_modifiers: frozenset[str]
    # "-style", "-based" after a name: an adjective made of it, no part of the name
    hyphen_suffixes: frozenset[str]

    @classmethod
    def from_dict(cls, data: dict[str, list[str]]) -> NameWords:
        return cls(**{f.name: frozenset(word_key(w) for w in data[f.name]) for f in fields(cls)})

    def to_dict(self) -> dict[str, list[str]]:
        return {f.name: sorted(getattr(self, f.name)) for f in fields(self)}

    # -- one token -------------------------------------------------------------------
    def is_title_head(self, token: Token) -> bool:
        """A word that makes a title of its own: a title, an honorific or a rank."""
        key = word_key(token.text)
        return key in self.titles or key in self.honorifics or key in self.ranks

    def is_title_part(self, token: Token) -> bool:
        """A word that may belong to a title written before a name."""
        key = word_key(token.text)
        return (
            self.is_title_head(token)
            or key in self.title_modifiers
            or key in self.rank_modifiers
            or key in self.possessive_honorifics
            or key in self.title_joiners
        )

    def is_honorific(self, token: Token) -> bool:
        key = word_key(token.text)
        return key in self.honorifics or key in self.ranks

    def is_name_word(self, token: Token, *, of_person: bool = True) -> bool:
        """A capitalised word that can be part of a name: no date or function word, and
        no title head ("President"); of a person's name, no word of a title at all
        ("Foreign"), of an organisation's it may be ("Army")."""
        text = token.text
        if not text[:1].isupper() or not any(c.isalpha() for c in text):
            return False
        if token.pos_ in {"DET", "ADP", "CCONJ", "SCONJ", "PART", "PRON", "PUNCT", "AUX"}:
            return False
        if word_key(text) in self.not_names:
            return False
        return not (self.is_title_part(token) if of_person else self.is_title_head(token))


def _single_words(phrases: list[str]) -> set[str]:
    return {word for phrase in phrases for word in phrase.replace("-", " ").split()}


@lru_cache(maxsize=1)
def name_words() -> NameWords:
    """The package's word lists (``kg/data/names.json`` plus the lexicon's role words)."""
    data = json.loads((DATA / "names.json").read_text(encoding="utf-8"))
    lexicon = json.loads((DATA / "lexicon.json").read_text(encoding="utf-8"))
    heads = [h for h in lexicon["role_heads"] if " " not in h and "-" not in h]
    data["titles"] = [*data["titles"], *heads]
    # Words of multi-word role heads ("prime" of "prime minister") are title parts.
    data["title_modifiers"] = sorted(
        (_single_words(lexicon["role_modifiers"]) | _single_words(lexicon["role_heads"]))
        - set(data["titles"])
    )
    return NameWords.from_dict({k: v for k, v in data.items() if not k.startswith("_")})


@lru_cache(maxsize=1)
def _resolution_lists() -> dict[str, frozenset[str]]:
    data = json.loads((DATA / "names.json").read_text(encoding="utf-8"))["resolution"]
    return {
        k: frozenset(v) for k, v in data.items() if not k.startswith("_") and isinstance(v, list)
    }


@lru_cache(maxsize=1)
def organization_class_rules() -> tuple[
    tuple[str, frozenset[str], tuple[str, ...], frozenset[str], frozenset[str]], ...
]:
    """The ordered rules of ``resolution.organization_classes`` in ``kg/data/names.json``:
    (class, words, phrases, with, without), references to other lists resolved."""
    data = json.loads((DATA / "names.json").read_text(encoding="utf-8"))["resolution"]

    def listed(value: object) -> list[str]:
        if isinstance(value, str) and value.startswith("@"):
            return list(data[value[1:]])
        return list(value or [])  # type: ignore[call-overload]

    return tuple(
        (
            rule["class"],
            frozenset(listed(rule.get("words"))),
            tuple(listed(rule.get("phrases"))),
            frozenset(listed(rule.get("with"))),
            frozenset(listed(rule.get("without"))),
        )
        for rule in data["organization_classes"]["rules"]
    )


def resolution_words(name: str) -> frozenset[str]:
    """A word list of entity resolution (``kg/data/names.json``, section ``resolution``),
    its words as written there. An unknown name is an error, not an empty list."""
    lists = _resolution_lists()
    if name not in lists:
        raise KeyError(f"kg/data/names.json has no resolution word list {name!r}")
    return lists[name]
