"""Trigger words, found in one pass of a spaCy ``Matcher`` built from the lexicon.

Every extractor starts from its triggers (agreement nouns, troop nouns, event
verbs, ...) instead of walking the whole document: one matcher call per document
finds them all, and the word lists stay in ``kg/data/lexicon.json``.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from spacy.matcher import Matcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from kg.lexicon import Lexicon, lexicon

NOUNS = {"NOUN", "PROPN"}


def _inflections(words) -> set[str]:
    """Lower-case forms of each word (or of a phrase's last word): singular and plural."""
    out: set[str] = set()
    for word in words:
        last = word.lower().split()[-1]
        out.add(last)
        if last.endswith("y") and not last.endswith(("ay", "ey", "oy")):
            out.add(last[:-1] + "ies")
        elif last.endswith(("s", "x", "ch", "sh")):
            out.add(last + "es")
        else:
            out.add(last + "s")
    return out


def _patterns(lex: Lexicon) -> dict[str, list[list[dict]]]:
    return {
        "agreement": [
            [
                {
                    "LOWER": {
                        "IN": sorted(_inflections(lex.words("agreement_nouns")) | {"memoranda"})
                    },
                    "POS": {"IN": sorted(NOUNS)},
                }
            ]
        ],
        "troops": [[{"LOWER": {"IN": sorted(_inflections(lex.words("troop_nouns")))}}]],
        "join": [[{"LEMMA": {"IN": sorted(lex.words("membership_verbs"))}, "POS": "VERB"}]],
        "member": [[{"LEMMA": {"IN": ["member", "membership"]}, "POS": "NOUN"}]],
        "ally": [[{"LOWER": {"IN": ["ally", "allies", "alliance", "alliances"]}}]],
        "it": [[{"LOWER": "it"}]],
        "respectively": [[{"LOWER": "respectively"}]],
    }


@lru_cache(maxsize=4)
def _matcher(vocab: Vocab) -> Matcher:
    matcher = Matcher(vocab)
    for label, patterns in _patterns(lexicon()).items():
        matcher.add(label, patterns)
    return matcher


def find_triggers(doc: Doc) -> dict[str, list[Token]]:
    """Trigger tokens of a parsed document by kind, in document order."""
    found: dict[str, list[Token]] = defaultdict(list)
    matcher = _matcher(doc.vocab)
    for match_id, start, _end in matcher(doc):
        found[doc.vocab.strings[match_id]].append(doc[start])
    for tokens in found.values():
        tokens.sort(key=lambda t: t.i)
    return found
