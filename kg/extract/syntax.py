"""Shared reading of spaCy's dependency parse, one helper for each construction.

Every extractor asks the same questions of a parse: which verb governs this noun, what are
the conjuncts of this list, what stands in apposition, what does a copula predicate, which
prepositions belong to this clause. The answers live here, once; extractors never reach
into each other's modules for them. Numbers and quantities are read by ``kg.numbers``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.tokens import Span, Token

from kg.resolve.sentences import sentence_memo

SUBJECTS = frozenset({"nsubj", "nsubjpass"})
OBJECTS = frozenset({"dobj", "nsubjpass", "attr"})
VERBAL = frozenset({"VERB", "AUX"})
# prepositions that join a governed noun to its verb ("signed on to", "entered into")
_VERB_LINK_PREPS = frozenset({"into", "to", "on"})


def is_verbal(token: Token) -> bool:
    return token.pos_ in VERBAL


def with_conjuncts(token: Token) -> list[Token]:
    """The token and every conjunct of its list: 'A, B and C' → [A, B, C]."""
    return [token, *token.conjuncts]


def expand(tokens: Iterable[Token]) -> Iterator[Token]:
    """Each token followed by its conjuncts, each token once."""
    seen: set[int] = set()
    for token in tokens:
        for node in with_conjuncts(token):
            if node.i not in seen:
                seen.add(node.i)
                yield node


def children(token: Token, *deps: str) -> list[Token]:
    """The token's children with one of the dependency labels ``deps``."""
    return [c for c in token.children if c.dep_ in deps]


def subjects(verb: Token) -> list[Token]:
    """The subjects of a verb with their conjuncts ('A and B signed' → A, B)."""
    return list(expand(c for c in verb.children if c.dep_ in SUBJECTS))


def appositions(token: Token) -> list[Token]:
    """What stands in apposition to a noun, with conjuncts ('the members, A, B and C')."""
    return list(expand(c for c in token.children if c.dep_ == "appos"))


def governing_verb(anchor: Token) -> Token | None:
    """The verb a noun is the object of: 'signed the accord', 'the accord was signed',
    'entered into the pact'; a conjunct takes the verb of the first of its list."""
    while anchor.dep_ == "conj" and anchor.head != anchor:
        anchor = anchor.head
    if anchor.dep_ in OBJECTS and is_verbal(anchor.head):
        return anchor.head
    prep = anchor.head
    if anchor.dep_ == "pobj" and prep.dep_ == "prep" and prep.head.pos_ == "VERB":
        if prep.lower_ in _VERB_LINK_PREPS:
            return prep.head
    return None


def copular_subject(predicate: Token) -> Token | None:
    """The subject a copula predicates a noun of: 'X is a member of Y' → X for 'member'."""
    if predicate.dep_ in {"attr", "acomp"}:
        found = children(predicate.head, "nsubj")
        return found[0] if found else None
    return None


def clause_preps(verb: Token, words: Iterable[str]) -> list[Token]:
    """Prepositions of ``words`` in the verb's own clause, however the parser nested them
    ("signed in Vienna in 2015 by A, B and C")."""
    words = set(words)
    if is_verbal(verb):
        # the clause of a preposition is its first verb above: found once per sentence
        memo = sentence_memo(verb.sent)
        clauses = memo.get("clause_preps")
        if clauses is None:
            clauses = memo["clause_preps"] = _preps_by_clause(verb.sent)
        return [t for t in clauses.get(verb.i, ()) if t.lower_ in words]
    out = []
    for token in verb.subtree:
        if token.dep_ not in {"prep", "agent"} or token.lower_ not in words:
            continue
        node = token.head
        while node != verb and not is_verbal(node) and node.head != node:
            node = node.head
        if node == verb:
            out.append(token)
    return out


def prep_objects(head: Token, words: Iterable[str]) -> list[Token]:
    """The objects of the head's prepositions of ``words``, with conjuncts
    ('members of A and B' → A, B for 'of')."""
    words = set(words)
    preps = [c for c in head.children if c.dep_ in {"prep", "agent"} and c.lower_ in words]
    return list(expand(o for p in preps for o in p.children if o.dep_ == "pobj"))


def _preps_by_clause(sent: Span) -> dict[int, list[Token]]:
    """The prepositions of a sentence by the verb (or root) of their clause."""
    clauses: dict[int, list[Token]] = {}
    for token in sent:
        if token.dep_ not in {"prep", "agent"}:
            continue
        node = token.head
        while not is_verbal(node) and node.head != node:
            node = node.head
        clauses.setdefault(node.i, []).append(token)
    return clauses
