"""Alliances: countries called allies or in an alliance with each other.

The constructions are the rules of ``kg/data/patterns/alliances.json`` ("X and Y are
allies", "X, an ally of Y", "Z's allies A and B", "the alliance between X and Y", "its
alliance with Y", "the X-Y alliance", "their alliance"). Each match names the allied
'side' and, for some, a hub all sides are allied to; this module keeps the mechanics:
conjuncts, pronouns and 'the two countries', people standing for their countries, one
alliance per side and hub.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from kg.extract.context import DocContext, modality, scaled
from kg.extract.registry import register_extractor
from kg.extract.rules import Match, rule_set, with_heads
from kg.extract.syntax import children, is_verbal, prep_objects, subjects, with_conjuncts
from kg.model import Alliance, Entity

FILE = "alliances"
_MODIFIERS = ("poss", "compound", "amod", "nmod")


@register_extractor("alliance", provides=("alliance",), requires=("position",))
class AllianceExtractor:
    name = "alliance"

    def __call__(self, ctx: DocContext) -> Iterator[Alliance]:
        negation = ctx.lex.words("negation_words")
        for match in rule_set(FILE).matches(ctx.doc):
            nodes = with_heads(match)
            noun = nodes["noun"]
            if ctx.entity(noun) is not None:
                continue  # "the Alliance of Sahel States" is a body, not a bond
            if any(c.dep_ == "det" and c.lower_ in negation for c in noun.children):
                continue  # "there is no alliance between X and Y"
            confidence = scaled(match.rule.confidence, modality(noun, ctx.lex))
            if confidence is None:
                continue
            sent = match.sent
            for group in _groups(ctx, match, nodes):
                yield Alliance(
                    allies=frozenset(ctx.use(e, sent) for e in group),
                    evidence=[ctx.evidence(sent, confidence)],
                )


def _groups(ctx: DocContext, match: Match, nodes: dict[str, Token]) -> list[list[Entity]]:
    """One alliance of every side, or, with a hub, one of each side with the hub
    ('Ghana and Togo are allies of France' is two alliances, not one of three)."""
    noun = nodes["noun"]
    how = match.rule.get("sides")
    if how == "modifiers":
        sides = _countries(ctx, ctx.entities_in(_left_modifiers(noun)))
    elif how == "reciprocal":
        sides = _countries(ctx, _reciprocal_group(ctx, noun))
    else:
        sides = _sides(ctx, nodes["side"], noun)
    hub = _hub(ctx, match, nodes)
    if hub is not None:
        return [[side, hub] for side in sides if side.key != hub.key]
    return [sides] if len(sides) >= 2 else []


def _hub(ctx: DocContext, match: Match, nodes: dict[str, Token]) -> Entity | None:
    where = match.rule.get("hub")
    if where is None:
        return None
    if where != "partner":
        found = _countries(ctx, [ctx.refer(nodes[where])])
        return found[0] if found else None
    # "an ally of China", "allies with X"; else "Ukraine's allies", "US ally Japan"
    noun = nodes["noun"]
    for obj in prep_objects(noun, ctx.lex.words("alliance_partner_preps")):
        found = _countries(ctx, [ctx.refer(obj)])
        if found:
            return found[0]
    for child in children(noun, *_MODIFIERS):
        found = _countries(ctx, [ctx.refer(child)])
        if found:
            return found[0]
    return None


def _sides(ctx: DocContext, token: Token, noun: Token) -> list[Entity]:
    """The countries a side token names: a verb's subjects, a list's conjuncts, 'their'
    as the sentence's actors, 'the two countries' as the last two named."""
    if token.lower_ == "their":
        return _their(ctx, noun)
    while token.dep_ == "prep" and token.head != token:
        token = token.head  # "X, as one of the allies of Y": the clause of 'as'
    heads = subjects(token) if is_verbal(token) else with_conjuncts(token)
    found: list[Entity | None] = []
    for node in heads:
        entity = ctx.refer(node)
        found.extend([entity] if entity is not None else ctx.refer_group(node))
    return _countries(ctx, found)


def _countries(ctx: DocContext, entities: list[Entity | None]) -> list[Entity]:
    """Distinct countries, a person standing for the country of the story's role and a
    capital for its country ('Washington and its allies')."""
    out: dict[str, Entity] = {}
    for entity in entities:
        if entity is not None and entity.cls == "Person":
            entity = ctx.country_of(entity)
        elif entity is not None and entity.cls == "City":
            entity = ctx.as_country(entity)
        if entity is not None and entity.cls == "Country":
            out.setdefault(entity.key, entity)
    return list(out.values())


def _left_modifiers(noun: Token) -> list[Token]:
    return [t for c in children(noun, *_MODIFIERS) if c.i < noun.i for t in c.subtree]


def _reciprocal_group(ctx: DocContext, noun: Token) -> list[Entity]:
    """Who 'each other' are: the subject of the clause, or the names a 'whose' clause
    hangs on."""
    node = noun
    for _ in range(6):
        if node.dep_ == "relcl":
            return [e for n in with_conjuncts(node.head) if (e := ctx.entity(n)) is not None]
        if is_verbal(node):
            found = [e for n in subjects(node) if (e := ctx.entity(n)) is not None]
            if len(found) >= 2:
                return found
        if node.head == node:
            break
        node = node.head
    return []


def _their(ctx: DocContext, noun: Token) -> list[Entity]:
    """Whom 'their' refers to: the subject of the sentence, or its two actors."""
    sent = noun.sent
    pair_nouns = ctx.lex.words("alliance_pair_nouns")
    counts = ctx.lex.words("alliance_pair_counts")
    for subject in children(sent.root, "nsubj", "nsubjpass"):
        entities = _countries(ctx, [ctx.entity(n) for n in with_conjuncts(subject)])
        if len(entities) >= 2:
            return entities
        if subject.lower_ in pair_nouns and any(c.lower_ in counts for c in subject.children):
            wanted = "Person" if subject.lower_ == "leaders" else "Country"
            return _countries(ctx, _last_pair(ctx, subject, wanted))
    actors: list[Entity] = []
    for token in sent:
        entity = ctx.entity(token)
        if entity is None or _hostile(ctx, token):
            continue
        for country in _countries(ctx, [entity]):
            if country not in actors:
                actors.append(country)
    return actors if len(actors) == 2 else []


def _last_pair(ctx: DocContext, anchor: Token, wanted: str) -> list[Entity]:
    """'the two leaders': the last two distinct people (or countries) named before."""
    seen: list[Entity] = []
    for mention in ctx.found.index.before(anchor.i, wanted):
        entity = mention.entity
        if entity.cls != wanted or entity in seen:
            continue
        seen.append(entity)
        if len(seen) == 2:
            break
    return seen if len(seen) == 2 else []


def _hostile(ctx: DocContext, token: Token) -> bool:
    """Whether a mention sits in a hostile role ('the threat posed by X', 'against X')."""
    preps = ctx.lex.words("alliance_hostile_preps")
    nouns = ctx.lex.words("alliance_hostile_nouns")
    node = token
    for _ in range(4):
        if node.lower_ in preps and node.dep_ == "prep" or node.dep_ == "agent":
            return True
        if node.lemma_ in nouns:
            return True
        if node.head == node:
            return False
        node = node.head
    return False
