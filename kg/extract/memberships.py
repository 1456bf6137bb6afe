"""Memberships: a country or organisation belongs to an organisation.

The constructions are the rules of ``kg/data/patterns/memberships.json`` ("X joined Y in
2004", "X, a member of Y", "NATO members A and B", "the bloc comprises A, B and C",
"X's accession to Y", ...). Each match names its 'member' and 'org' nodes; this module
keeps the mechanics: every conjunct of a list is a member, a pronoun or "the bloc" is
resolved, the year comes from the clause, and a former or prospective member is none.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from kg.dates import resolve_year, year_of
from kg.extract.context import ACTOR_CLASSES, ORG_CLASSES, DocContext, modality, scaled
from kg.extract.registry import register_extractor
from kg.extract.rules import Match, rule_set, with_heads
from kg.extract.syntax import appositions, children, is_verbal, prep_objects, subjects
from kg.model import Entity, Membership

FILE = "memberships"
_YEAR_PREPS = ("in", "since", "on")


@register_extractor("membership", provides=("membership",), requires=("position",))
class MembershipExtractor:
    name = "membership"

    def __call__(self, ctx: DocContext) -> Iterator[Membership]:
        for match in rule_set(FILE).matches(ctx.doc):
            yield from self._from_match(ctx, match)

    def _from_match(self, ctx: DocContext, match: Match) -> Iterator[Membership]:
        nodes = with_heads(match)
        anchor = nodes[match.rule.pattern[0]["RIGHT_ID"]]
        if _past_or_future(ctx, match):
            return
        confidence = scaled(match.rule.confidence, modality(anchor, ctx.lex))
        if confidence is None:
            return
        if match.rule.get("org") == "story":
            if _names_a_body(anchor):
                return  # "fellow members of ASEAN": the body is named, by another rule
            org = ctx.story_body(anchor.i)  # "Ivory Coast, another member, ..."
        else:
            org = _organisation(ctx, nodes["org"])
        if org is None:
            return
        members = _members(ctx, match, nodes)
        classes = set(match.rule.get("member_classes", ACTOR_CLASSES))
        years = (_since(ctx, nodes[n]) for n in match.rule.get("since", ()) if n in nodes)
        since = next((y for y in years if y), None)
        sent = match.sent
        for member in members:
            if member.key == org.key or member.cls not in classes:
                continue
            yield Membership(
                member=ctx.use(member, sent),
                organization=ctx.use(org, sent),
                since=since,
                evidence=[ctx.evidence(sent, confidence)],
            )


def _past_or_future(ctx: DocContext, match: Match) -> bool:
    """'a former member', 'prospective members': the member noun says it is not one now."""
    past = ctx.lex.words("membership_past_modifiers")
    nouns = [t for name, t in match.nodes.items() if name not in {"member", "org"}]
    return any(
        c.lower_ in past
        for t in nouns
        for c in t.children
        if c.dep_ in {"amod", "advmod", "compound"}
    )


def _names_a_body(noun: Token) -> bool:
    """Whether a member noun names its body itself ('members of Y', 'NATO members')."""
    return bool(children(noun, "poss", "compound") or prep_objects(noun, ("of", "in")))


def _organisation(ctx: DocContext, token: Token) -> Entity | None:
    """The body a token names, or the one 'it', 'which' or 'the bloc' stands for; not a
    thing merely named after one ('the NATO exercise')."""
    entity = ctx.entity(token)
    if entity is None and (
        token.pos_ == "PRON"
        or token.tag_ in {"WDT", "WP"}
        or token.lemma_ in ctx.lex.words("membership_body_nouns")
    ):
        entity = ctx.refer(token)
    return entity if entity is not None and entity.cls in ORG_CLASSES else None


def _member_heads(token: Token) -> list[Token]:
    """The tokens the members hang on: a verb's subjects ('X is a member'), a
    preposition's objects ('including X and Y'), or the token and its conjuncts."""
    if token.dep_ == "prep":
        return [o for c in children(token, "pobj") for o in (c, *c.conjuncts)]
    if is_verbal(token):
        return subjects(token)
    return [token, *token.conjuncts]


def _members(ctx: DocContext, match: Match, nodes: dict[str, Token]) -> list[Entity]:
    """The members a match names; with ``listed``, also what stands in apposition to the
    nodes it names ('a group of four countries, A, B and C')."""
    heads = _member_heads(nodes["member"])
    for name in match.rule.get("listed", ()):
        heads += appositions(nodes[name])
    out: dict[str, Entity] = {}
    for node in heads:
        entity = ctx.refer(node)
        found = [entity] if entity is not None else ctx.refer_group(node)
        for e in found:
            out.setdefault(e.key, e)
    return list(out.values())


def _since(ctx: DocContext, anchor: Token) -> int | None:
    """'joined in 2001', 'since 2004', 'in April 2023', or 'the year X joined' where
    the year is named."""
    for obj in prep_objects(anchor, _YEAR_PREPS):
        ent = ctx.ent_starting_at(obj.left_edge.i)
        dated = ent is not None and ent.label_ == "DATE"
        year = resolve_year(ent.text, ctx.date) if dated else year_of(obj.text)
        if year:
            return year
    for child in children(anchor, "npadvmod", "nummod"):
        if year_of(child.text):
            return year_of(child.text)
    # "— the year South Korea joined the MTCR": the relative clause hangs on "year",
    # which is in apposition to the year itself
    if anchor.dep_ == "relcl" and anchor.head.lemma_ == "year":
        for token in reversed(anchor.sent[: anchor.head.i - anchor.sent.start]):
            if year_of(token.text):
                return year_of(token.text)
    return None
