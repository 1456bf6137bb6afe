"""Memberships: a country or organisation belongs to an organisation.

Shapes: "X joined Y (in 2004)", "the year X joined Y" (the year is the one the
phrase names), "X is a member of Y", "X, a member of Y", "Y member X" ("NATO
member Turkey"), "Y members X and Z", "X's membership in/of Y".
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Span, Token

from kg.dates import resolve_year, year_of
from kg.extract.context import ACTOR_CLASSES, ORG_CLASSES, DocContext, modality, scaled
from kg.extract.registry import register_extractor
from kg.model import Entity, Membership

_MEMBER_CLASSES = ACTOR_CLASSES


@register_extractor("membership", provides=("membership",), requires=("position",))
class MembershipExtractor:
    name = "membership"

    def __call__(self, ctx: DocContext) -> Iterator[Membership]:
        for token in ctx.trigger_tokens("join", "member"):
            if token.pos_ == "VERB":
                yield from self._joined(ctx, token)
            else:
                yield from self._member_noun(ctx, token)

    def _joined(self, ctx: DocContext, verb: Token) -> Iterator[Membership]:
        if verb.lemma_ in ctx.lex.words("composition_verbs"):
            yield from self._composed(ctx, verb)
            return
        orgs = [
            e
            for child in verb.children
            if child.dep_ in {"dobj", "prep"}
            for e in _entities_under(ctx, child, ORG_CLASSES)
        ]
        if not orgs:
            return
        members = [
            e
            for child in verb.children
            if child.dep_ in {"nsubj", "nsubjpass"}
            for e in _conjuncts(ctx, child)
        ]
        if not members and verb.dep_ == "relcl":
            # "..., which India joined in 2016": the subject inside the clause
            members = [ctx.entity(c) for c in verb.children if c.dep_ == "nsubj" and ctx.entity(c)]
        year = self._year(ctx, verb)
        mode = modality(verb, ctx.lex)
        yield from self._emit(ctx, verb.sent, members, orgs[:1], year, scaled(0.9, mode))

    def _composed(self, ctx: DocContext, verb: Token) -> Iterator[Membership]:
        """'The bloc comprises A, B and C', 'the group consists of A and B': every
        conjunct of the object is a member of the subject."""
        orgs: list[Entity] = []
        for child in verb.children:
            if child.dep_ != "nsubj":
                continue
            # the body itself, or its members ("NATO's members include A and B"), not
            # anything else of it ("the EU's proposal includes ...")
            if child.lower_ in ctx.lex.words("member_nouns"):
                orgs += _entities_under(ctx, child, ORG_CLASSES)[:1]
            elif (body := ctx.refer(child)) is not None and body.cls in ORG_CLASSES:
                orgs.append(body)
        if not orgs:
            return
        members: list[Entity] = []
        for child in verb.children:
            if child.dep_ == "dobj":
                members += _conjuncts(ctx, child)
            if child.dep_ == "prep" and child.lower_ == "of":
                for pobj in (c for c in child.children if c.dep_ == "pobj"):
                    members += _conjuncts(ctx, pobj)
        mode = modality(verb, ctx.lex)
        yield from self._emit(ctx, verb.sent, members, orgs, None, scaled(0.85, mode))

    def _member_noun(self, ctx: DocContext, noun: Token) -> Iterator[Membership]:
        sent = noun.sent
        mode = modality(noun, ctx.lex)
        # "NATO member Turkey" / "Y members X and Z"
        org = next(
            (
                ctx.entity(c)
                for c in noun.children
                if c.dep_ in {"compound", "nmod"}
                and ctx.entity(c) is not None
                and ctx.entity(c).cls in ORG_CLASSES
            ),
            None,
        )
        if org is not None and noun.dep_ == "compound":
            members = _conjuncts(ctx, noun.head)
            yield from self._emit(ctx, sent, members, [org], None, scaled(0.85, mode))
            return
        if org is not None and noun.dep_ in {"appos"}:
            members = _conjuncts(ctx, noun.head)
            yield from self._emit(ctx, sent, members, [org], None, scaled(0.8, mode))
            return
        owner = next(
            (
                ctx.entity(c)
                for c in noun.children
                if c.dep_ == "poss"
                and ctx.entity(c) is not None
                and ctx.entity(c).cls in ORG_CLASSES
            ),
            None,
        )
        listed = [c for c in noun.children if c.dep_ == "appos"]
        if owner is not None and listed:
            # "the bloc's members, A, B, C and D, ...": every conjunct of the apposition
            members = [e for c in listed for e in _conjuncts(ctx, c)]
            yield from self._emit(ctx, sent, members, [owner], None, scaled(0.85, mode))
            return
        if owner is not None and noun.dep_ in {"attr", "appos"}:
            # "Sweden became NATO's 32nd member (in March)"
            head = noun.head
            members = (
                _conjuncts(ctx, head)
                if noun.dep_ == "appos"
                else [e for c in head.children if c.dep_ == "nsubj" for e in _conjuncts(ctx, c)]
            )
            since = self._year(ctx, head) or resolve_year_of_clause(ctx, head)
            yield from self._emit(ctx, sent, members, [owner], since, scaled(0.85, mode))
            return
        # "member of Y" / "membership in Y"
        orgs = [
            e
            for child in noun.children
            if child.dep_ == "prep" and child.lower_ in {"of", "in"}
            for e in _entities_under(ctx, child, ORG_CLASSES)
        ]
        if not orgs:
            return
        members: list[Entity] = []
        if noun.dep_ == "attr":  # "X is a member of Y"
            members = [
                e for c in noun.head.children if c.dep_ == "nsubj" for e in _conjuncts(ctx, c)
            ]
        elif noun.dep_ == "appos":  # "X, a member of Y"
            members = _conjuncts(ctx, noun.head)
        for child in noun.children:
            if child.dep_ == "poss":  # "X's membership in Y"
                members = _conjuncts(ctx, child)
        year = self._year(ctx, noun)
        yield from self._emit(ctx, sent, members, orgs[:1], year, scaled(0.85, mode))

    @staticmethod
    def _year(ctx: DocContext, anchor: Token) -> int | None:
        """'joined in 2001', 'since 2004', or 'the year X joined' where the year is named."""
        for child in anchor.children:
            if child.dep_ == "prep" and child.lower_ in {"in", "since"}:
                for grand in child.children:
                    year = year_of(grand.text)
                    if year:
                        return year
            if child.dep_ in {"npadvmod", "nummod"} and year_of(child.text):
                return year_of(child.text)
        # "— the year South Korea joined the MTCR": the relative clause hangs on "year",
        # which is in apposition to the year itself.
        if anchor.dep_ == "relcl" and anchor.head.lemma_ == "year":
            head = anchor.head
            for token in reversed(anchor.sent[: head.i - anchor.sent.start]):
                year = year_of(token.text)
                if year:
                    return year
        return None

    @staticmethod
    def _emit(
        ctx: DocContext,
        sent: Span,
        members: list[Entity],
        orgs: list[Entity],
        year: int | None,
        confidence: float | None,
    ) -> Iterator[Membership]:
        if confidence is None:
            return
        for org in orgs:
            for member in members:
                if member.key == org.key or member.cls not in _MEMBER_CLASSES:
                    continue
                yield Membership(
                    member=ctx.use(member, sent),
                    organization=ctx.use(org, sent),
                    since=year,
                    evidence=[ctx.evidence(sent, confidence)],
                )


def resolve_year_of_clause(ctx: DocContext, verb: Token) -> int | None:
    """The year of a month or day named in a clause ('became a member in March')."""
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in {"in", "on", "since"}:
            ent = ctx.ent_starting_at(child.i + 1)
            if ent is not None and ent.label_ == "DATE":
                return resolve_year(ent.text, ctx.date)
    return None


def _entities_under(ctx: DocContext, token: Token, classes: set[str]) -> list[Entity]:
    """Entities named under a token, or the one a pronoun or 'the bloc' there refers to."""
    found = ctx.entities_in(token.subtree, classes)
    if found:
        return found
    targets = [token] + [c for c in token.children if c.dep_ == "pobj"]
    for target in targets:
        referred = ctx.refer(target)
        if referred is not None and referred.cls in classes:
            return [referred]
    return []


def _conjuncts(ctx: DocContext, token: Token) -> list[Entity]:
    """The entity a token names, with those of its conjuncts ('X and Y')."""
    out: dict[str, Entity] = {}
    for node in (token, *token.conjuncts):
        entity = ctx.refer(node)
        if entity is None:
            # the head of a phrase may be a common noun whose compound is the entity
            for child in node.children:
                if child.dep_ in {"compound", "amod"} and ctx.entity(child) is not None:
                    entity = ctx.entity(child)
        if entity is not None:
            out.setdefault(entity.key, entity)
    return list(out.values())
