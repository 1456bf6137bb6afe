"""Troop deployments: which country has how many troops in which other country.

Anchored on troop nouns ("troops", "soldiers", "peacekeepers", ...). The sender is
a country modifying the noun ("28,500 US troops", "American soldiers"), the
subject of a sending verb or the object of "from"; the host is the object of
"in"/"to"/"into" on the noun or its verb, or the subject of "host". The count is
the number modifying the noun.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from kg.extract.context import DocContext, modality, scaled
from kg.extract.registry import register_extractor
from kg.model import Deployment, Entity
from kg.numbers import count_of

_HOST_PREPS = {"in", "to", "into", "inside", "across", "throughout"}
_SIGNS = {"-", "−", "–", "minus"}


def parse_count(tokens: list[Token]) -> int | None:
    """'28,500' → 28500, '4.5 million' → 4500000, 'two thousand' → 2000.

    None for what is no troop count (``kg.numbers.count_of``): a negative number
    ("-500", "minus 500"), a fraction, "1e309", more than ``MAX_TROOP_COUNT``.
    """
    if not tokens or _negative(tokens[0]):
        return None
    return count_of(t.text for t in tokens)


def _negative(token: Token) -> bool:
    """Whether a sign stands right before the number ("-500", "minus 500")."""
    if token.i == 0:
        return False
    sign = token.doc[token.i - 1]
    if sign.lower_ == "minus":
        return True
    # "-500" but not "1,000-500" or "a 20-30 strong unit"
    return (
        sign.text in _SIGNS
        and not sign.whitespace_
        and (sign.i == 0 or bool(sign.doc[sign.i - 1].whitespace_))
    )


@register_extractor("deployment", provides=("deployment",), requires=("position",))
class DeploymentExtractor:
    name = "deployment"

    def __call__(self, ctx: DocContext) -> Iterator[Deployment]:
        for token in ctx.trigger_tokens("troops"):
            if token.pos_ not in {"NOUN", "PROPN"}:
                continue
            if ctx.entity(token) is not None:  # part of a name ("Syrian Democratic Forces")
                continue
            deployment = self._from_noun(ctx, token)
            if deployment is not None:
                yield deployment

    def _from_noun(self, ctx: DocContext, noun: Token) -> Deployment | None:
        sent = noun.sent
        count = self._count(noun)
        sender = self._sender(ctx, noun)
        host = self._host(ctx, noun, sender)
        if sender is None or host is None or sender.key == host.key:
            return None
        if host.cls != "Country" or sender.cls != "Country":
            return None
        if noun.lower_ in ctx.lex.words("vague_troop_nouns") and count is None:
            if not self._has_deploy_verb(ctx, noun) and not self._present_in(ctx, noun, host):
                return None
        verb = self._verb(noun)
        leaving = verb is not None and verb.lemma_ in ctx.lex.words("withdraw_verbs")
        mode = modality(noun, ctx.lex)
        # Troops said to be leaving a country are stationed there until they go; a
        # withdrawal says less about how many remain, so it counts for less.
        confidence = scaled(0.6 if leaving else 0.9 if count else 0.75, mode)
        if confidence is None:
            return None
        return Deployment(
            sender=ctx.use(sender, sent),
            host=ctx.use(host, sent),
            count=count,
            observed_on=ctx.date,
            evidence=[ctx.evidence(sent, confidence)],
        )

    @staticmethod
    def _count(noun: Token) -> int | None:
        numbers = [c for c in noun.children if c.dep_ == "nummod" or c.like_num]
        for number in numbers:
            parts = [t for t in number.subtree if t.like_num or t.lower_ in {"thousand", "million"}]
            count = parse_count(parts)
            if count:
                return count
        return None

    @staticmethod
    def _verb(noun: Token) -> Token | None:
        node = noun
        for _ in range(4):  # 'thousands of Rwandan troops were deployed'
            if node.pos_ in {"VERB", "AUX"}:
                return node
            if node.head == node:
                return None
            node = node.head
        return None

    def _present_in(self, ctx: DocContext, noun: Token, host: Entity) -> bool:
        """'US forces raided houses in Kabul': forces that act somewhere are there."""
        verb = self._verb(noun)
        if verb is None or noun.dep_ != "nsubj" or verb.dep_ not in {"ROOT", "conj"}:
            return False
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ in ctx.lex.words("presence_preps"):
                place = _pobj_entity(ctx, child)
                country = ctx.as_country(place) if place is not None else None
                if country is not None and country.key == host.key:
                    return True
        return False

    def _has_deploy_verb(self, ctx: DocContext, noun: Token) -> bool:
        verb = self._verb(noun)
        return verb is not None and verb.lemma_ in ctx.lex.words("deploy_verbs")

    def _sender(self, ctx: DocContext, noun: Token) -> Entity | None:
        for child in noun.children:
            if child.dep_ in {"compound", "amod", "nmod", "poss"}:
                entity = ctx.entity(child)
                if entity is not None and entity.cls == "Country":
                    return entity
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ == "from":
                entity = _pobj_entity(ctx, child)
                if entity is not None:
                    return entity
        verb = self._verb(noun)
        if verb is not None and verb.lemma_ in ctx.lex.words("deploy_verbs") - {"host"}:
            for child in verb.children:
                if child.dep_ == "nsubj":
                    entity = ctx.refer(child)
                    if entity is not None and entity.cls == "Country":
                        return entity
            # "X committed to send troops": the subject of the governing verb.
            head = verb.head
            if verb.dep_ in {"xcomp", "advcl", "pcomp", "ccomp"}:
                for child in head.children:
                    if child.dep_ == "nsubj":
                        entity = ctx.entity(child)
                        if entity is not None and entity.cls == "Country":
                            return entity
                if head.dep_ in {"pcomp", "pobj", "prep", "advcl"}:
                    top = head
                    while top.dep_ not in {"ROOT"} and top.head != top:
                        top = top.head
                    for child in top.children:
                        if child.dep_ == "nsubj" and ctx.entity(child) is not None:
                            entity = ctx.entity(child)
                            if entity.cls == "Country":
                                return entity
        return None

    def _host(self, ctx: DocContext, noun: Token, sender: Entity | None = None) -> Entity | None:
        candidates = [noun]
        if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.pos_ == "NOUN":
            candidates.append(noun.head.head)  # "the presence of US troops in Iraq"
        # "troops stationed in X": the participle hanging on the noun
        candidates += [c for c in noun.children if c.dep_ in {"acl", "relcl"} and c.pos_ == "VERB"]
        verb = self._verb(noun)
        if verb is not None:
            candidates.append(verb)
        exclude = {sender.key} if sender is not None else set()
        if verb is not None and verb.lemma_ in ctx.lex.words("withdraw_verbs"):
            # "troops would be leaving Syria", "troops withdrawn from Iraq"
            for child in verb.children:
                target = None
                if child.dep_ == "dobj":
                    target = ctx.refer(child, exclude)
                elif child.dep_ == "prep" and child.lower_ in {"from", "out"}:
                    target = _pobj_entity(ctx, child, exclude)
                    if target is None and child.lower_ == "out":
                        # "pulled its troops out of Syria"
                        for of in (c for c in child.children if c.lower_ == "of"):
                            target = _pobj_entity(ctx, of, exclude)
                if target is not None:
                    return ctx.as_country(target)
        for node in candidates:
            for child in node.children:
                if child.dep_ in {"prep", "dative"} and child.lower_ in _HOST_PREPS:
                    entity = _pobj_entity(ctx, child, exclude)
                    if entity is not None:
                        return ctx.as_country(entity)
        for node in candidates:
            for child in node.children:
                if child.dep_ == "prep" and child.lower_ in {"on", "onto"}:
                    for pobj in (c for c in child.children if c.dep_ == "pobj"):
                        if pobj.lemma_ in {"territory", "soil"}:
                            # "on its territory": the country 'its' stands for
                            owner = next((c for c in pobj.children if c.dep_ == "poss"), None)
                            entity = ctx.refer(owner) if owner is not None else None
                            if entity is not None:
                                return ctx.as_country(entity)
        if verb is not None and verb.lemma_ == "host":
            for child in verb.children:
                if child.dep_ == "nsubj":
                    entity = ctx.refer(child)
                    if entity is not None:
                        return ctx.as_country(entity)
        # "X hosts 28,500 US troops" even where the parser misreads "hosts" as a noun
        sent_start = noun.sent.start
        for i in range(noun.i - 1, max(sent_start, noun.i - 5) - 1, -1):
            if noun.doc[i].lower_ in {"host", "hosts", "hosted", "hosting"}:
                for j in range(i - 1, max(sent_start, i - 4) - 1, -1):
                    entity = ctx.refer(noun.doc[j])
                    if entity is not None:
                        return ctx.as_country(entity)
                break
        return None


def _pobj_entity(ctx: DocContext, prep: Token, exclude: set[str] | None = None) -> Entity | None:
    for child in prep.children:
        if child.dep_ == "pobj":
            referred = ctx.refer(child, exclude)
            if referred is not None and referred.cls in {"Country", "City"}:
                return referred
            for token in child.subtree:
                entity = ctx.entity(token)
                if entity is not None and entity.cls in {"Country", "City"}:
                    return entity
    return None
