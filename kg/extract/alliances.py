"""Alliances: countries called allies or in an alliance with each other.

Shapes: "X and Y are allies", "X's ally Y", "treaty allies X and Y", "an alliance
between X and Y", "X's alliance with Y", "the X-Y alliance", and "their alliance"
where "their" are the two actors of the sentence (two countries, or two leaders
whose countries are known).
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Span, Token

from kg.extract.context import DocContext, modality, scaled
from kg.extract.registry import register_extractor
from kg.model import Alliance, Entity

_HOSTILE_PREPS = {"against", "by", "from"}
_HOSTILE_NOUNS = {
    "threat",
    "threats",
    "attack",
    "attacks",
    "aggression",
    "enemy",
    "enemies",
    "adversary",
}


@register_extractor("alliance", provides=("alliance",), requires=("position",))
class AllianceExtractor:
    name = "alliance"

    def __call__(self, ctx: DocContext) -> Iterator[Alliance]:
        for token in ctx.trigger_tokens("ally"):
            if token.pos_ not in {"NOUN", "PROPN"}:
                continue
            if ctx.entity(token) is not None:
                continue
            allies = self._allies(ctx, token)
            if len(allies) < 2:
                continue
            mode = modality(token, ctx.lex)
            confidence = scaled(0.8, mode)
            if confidence is None:
                continue
            sent = token.sent
            for group in self._groups(ctx, token, allies):
                yield Alliance(
                    allies=frozenset(ctx.use(e, sent) for e in group),
                    evidence=[ctx.evidence(sent, confidence)],
                )

    def _groups(self, ctx: DocContext, noun: Token, allies: list[Entity]) -> list[list[Entity]]:
        """'X and Y are allies of Z' makes two alliances (X-Z, Y-Z), not one of three;
        so does 'Z's allies X and Y'."""
        owner = [
            e
            for c in noun.children
            if c.dep_ == "poss" and (e := _country(ctx, ctx.refer(c))) is not None
        ]
        if len(owner) == 1 and noun.lower_ == "allies" and len(allies) > 2:
            return [[spoke, owner[0]] for spoke in allies if spoke.key != owner[0].key]
        hub = [
            e
            for child in noun.children
            if child.dep_ == "prep" and child.lower_ in {"of", "with"}
            for e in ctx.entities_in(child.subtree, {"Country"})
        ]
        if noun.dep_ == "attr" and noun.lower_ in {"allies", "ally"} and len(hub) == 1:
            spokes = [e for e in allies if e.key != hub[0].key]
            if len(spokes) > 1:
                return [[spoke, hub[0]] for spoke in spokes]
        return [allies]

    def _allies(self, ctx: DocContext, noun: Token) -> list[Entity]:
        found: dict[str, Entity] = {}

        def add(entity: Entity | None) -> None:
            entity = _country(ctx, entity)
            if entity is not None:
                found.setdefault(entity.key, entity)

        # modifiers and prepositional partners of the noun itself
        for child in noun.children:
            if child.dep_ in {"poss", "compound", "amod", "nmod"}:
                if child.lower_ in {"their"}:
                    for e in self._their(ctx, noun):
                        add(e)
                elif child.tag_ == "PRP$":
                    add(ctx.refer(child))  # "Poland strengthened its alliance with X"
                else:
                    for node in (child, *child.conjuncts):
                        add(ctx.entity(node))
            if child.dep_ == "prep" and child.lower_ in {"with", "between", "of", "among"}:
                for e in ctx.entities_in(child.subtree, {"Country"}):
                    add(e)
                if any(t.lower_ in {"other", "another"} for t in child.subtree):
                    # "X, Y and Z, whose governments are in an alliance with each other"
                    for e in self._reciprocal_group(ctx, noun):
                        add(e)
        # "the United States, a treaty ally of Japan"
        if noun.dep_ == "appos":
            add(ctx.entity(noun.head))
        # "X and Y are allies" / "X is an ally of Y"
        if noun.dep_ in {"attr"}:
            for child in noun.head.children:
                if child.dep_ == "nsubj":
                    for node in (child, *child.conjuncts):
                        add(ctx.entity(node))
        # "Japan's ally the United States", parsed as two subjects: the name right after
        named = _name_after(ctx, noun)
        if named is not None and any(c.dep_ == "poss" for c in noun.children):
            add(named)
        # "X's ally Y" / "treaty allies X and Y"
        if noun.dep_ in {"compound"} or any(c.dep_ == "appos" for c in noun.children):
            target = (
                noun.head
                if noun.dep_ == "compound"
                else next(c for c in noun.children if c.dep_ == "appos")
            )
            for node in (target, *target.conjuncts):
                add(ctx.entity(node))
        return list(found.values())

    def _reciprocal_group(self, ctx: DocContext, noun: Token) -> list[Entity]:
        """Who 'each other' are: the subject of the clause, or the names a 'whose'
        clause hangs on."""
        node = noun
        for _ in range(6):
            if node.dep_ == "relcl":
                head = node.head
                return [e for n in (head, *head.conjuncts) if (e := ctx.entity(n)) is not None]
            if node.pos_ in {"VERB", "AUX"}:
                for child in node.children:
                    if child.dep_ in {"nsubj", "nsubjpass"}:
                        found = [e for n in (child, *child.conjuncts) if (e := ctx.entity(n))]
                        if len(found) >= 2:
                            return found
            if node.head == node:
                break
            node = node.head
        return []

    def _their(self, ctx: DocContext, noun: Token) -> list[Entity]:
        """Whom 'their' refers to: the subject of the sentence, or its two actors."""
        sent: Span = noun.sent
        root = sent.root
        subjects = [c for c in root.children if c.dep_ in {"nsubj", "nsubjpass"}]
        for subject in subjects:
            nodes = [subject, *subject.conjuncts]
            entities = [ctx.entity(n) for n in nodes if ctx.entity(n) is not None]
            if len(entities) >= 2:
                return entities
            if subject.lower_ in {"leaders", "countries", "nations", "governments", "sides"}:
                if any(c.lower_ in {"two", "both"} for c in subject.children):
                    wanted = "Person" if subject.lower_ == "leaders" else "Country"
                    return self._last_pair(ctx, subject, wanted)
        actors = []
        for token in sent:
            entity = ctx.entity(token)
            if entity is None or _hostile(token):
                continue
            country = _country(ctx, entity)
            if country is not None and country not in actors:
                actors.append(country)
        return actors if len(actors) == 2 else []

    def _last_pair(self, ctx: DocContext, anchor: Token, wanted: str) -> list[Entity]:
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


def _name_after(ctx: DocContext, noun: Token) -> Entity | None:
    """The entity named right after a noun, past an article ('ally the United States')."""
    doc = noun.doc
    i = noun.i + 1
    if i < noun.sent.end and doc[i].lower_ == "the":
        i += 1
    if i >= noun.sent.end:
        return None
    return ctx.entity(doc[i])


def _country(ctx: DocContext, entity: Entity | None) -> Entity | None:
    if entity is None:
        return None
    if entity.cls == "Person":
        return ctx.country_of(entity)
    return entity if entity.cls == "Country" else None


def _hostile(token: Token) -> bool:
    """Whether a mention sits in a hostile role ('the threat posed by X', 'against X')."""
    node = token
    for _ in range(4):
        if node.lower_ in _HOSTILE_PREPS and node.dep_ == "prep" or node.dep_ == "agent":
            return True
        if node.lemma_ in _HOSTILE_NOUNS:
            return True
        if node.head == node:
            return False
        node = node.head
    return False
