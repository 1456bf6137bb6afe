"""Troop deployments: which country has how many troops in which other country.

Anchored on troop nouns ("troops", "soldiers", "peacekeepers", ...). The sender is
a country modifying the noun ("28,500 US troops", "American soldiers"), the
subject of a sending verb or the object of "from"; the host is the object of
"in"/"to"/"into" on the noun or its verb, or the subject of "host". The count is
the number modifying the noun.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from spacy.tokens import Token

from kg.extract.context import DocContext, modality, scaled
from kg.extract.registry import register_extractor
from kg.extract.syntax import clause_preps
from kg.lexicon import lexicon
from kg.model import Deployment, Entity
from kg.numbers import count_of


@cache
def _words(name: str) -> frozenset[str]:
    return lexicon().words(name)


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
        sign.text in _words("deployment_signs")
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
            yield from self._from_noun(ctx, token)

    def _from_noun(self, ctx: DocContext, noun: Token) -> Iterator[Deployment]:
        if noun.lower_ in _words("deployment_presence_nouns") and not any(
            c.lower_ in _words("deployment_presence_modifiers") for c in noun.children
        ):
            return  # a presence that is not a military one
        senders = self._senders(ctx, noun)
        if not senders:
            return
        host = self._host(ctx, noun, senders[0])
        if host is None or host.cls != "Country":
            return
        senders = [s for s in senders if s.key != host.key and s.cls == "Country"]
        if not senders:
            return
        count = self._count(noun) if len(senders) == 1 else None
        if noun.lower_ in _words("vague_troop_nouns") and count is None:
            if not self._has_deploy_verb(noun) and not self._present_in(ctx, noun, host):
                return
        verb = self._verb(noun)
        leaving = verb is not None and verb.lemma_ in _words("withdraw_verbs")
        # Troops said to be leaving a country are stationed there until they go, whether
        # the leaving is asserted, hoped for or set as a condition ("unless US forces
        # withdraw from Najaf"); a withdrawal says less about how many remain.
        confidence = 0.6 if leaving else scaled(0.9 if count else 0.75, modality(noun, ctx.lex))
        if confidence is None:
            return
        sent = noun.sent
        for sender in senders:
            yield Deployment(
                sender=ctx.use(sender, sent),
                host=ctx.use(host, sent),
                count=count,
                observed_on=ctx.date,
                evidence=[ctx.evidence(sent, confidence)],
            )

    @staticmethod
    def _count(noun: Token) -> int | None:
        """'28,500 US troops', 'a 300-strong contingent'."""
        strength = _words("deployment_strength_words")
        numbers = [c for c in noun.children if c.dep_ == "nummod" or c.like_num]
        numbers += [
            g for c in noun.children if c.lower_ in strength for g in c.children if g.like_num
        ]
        scales = _words("number_scales")
        for number in numbers:
            parts = [t for t in number.subtree if t.like_num or t.lower_ in scales]
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
        country = self._acting_in(ctx, noun, self._verb(noun), set())
        return country is not None and country.key == host.key

    @staticmethod
    def _acting_in(
        ctx: DocContext, noun: Token, verb: Token | None, exclude: set[str]
    ) -> Entity | None:
        """The country where the troops, subject of a main clause, act ('raided houses
        in Kabul')."""
        first = noun.head if noun.dep_ == "conj" else noun  # "US and Afghan forces raid"
        if verb is None or first.dep_ != "nsubj" or verb.dep_ not in {"ROOT", "conj"}:
            return None
        for prep in clause_preps(verb, _words("presence_preps")):
            place = _pobj_entity(ctx, prep, exclude)
            country = ctx.as_country(place) if place is not None else None
            if country is not None:
                return country
        return None

    def _has_deploy_verb(self, noun: Token) -> bool:
        verb = self._verb(noun)
        return verb is not None and verb.lemma_ in _words("deploy_verbs")

    def _senders(self, ctx: DocContext, noun: Token) -> list[Entity]:
        """The countries whose troops these are: 'US troops', 'its troops', 'troops from
        Chad', 'US and Afghan forces', the subject of a sending verb."""
        found: list[Entity] = []
        for child in noun.children:
            if child.dep_ in {"compound", "amod", "nmod", "poss"}:
                led = child.lemma_ == "lead" and child.tag_ == "VBN"
                # "US-led troops": the country that leads them
                nodes = (
                    [g for g in child.children if g.dep_ in {"npadvmod", "compound"}] if led else []
                )
                for node in (child, *child.conjuncts, *nodes):
                    entity = ctx.refer(node) if node.pos_ == "PRON" else ctx.entity(node)
                    if entity is not None and entity.cls == "Country":
                        found.append(entity)
        if not found and noun.dep_ == "conj" and noun.pos_ == "NOUN":
            # "US and Afghan forces": the parser makes the troops a conjunct of the names
            for node in (noun.head, *noun.head.conjuncts):
                entity = ctx.entity(node)
                if node.i != noun.i and entity is not None and entity.cls == "Country":
                    found.append(entity)
        if found:
            return list({e.key: e for e in found}.values())
        sender = self._sender(ctx, noun)
        return [sender] if sender is not None else []

    def _sender(self, ctx: DocContext, noun: Token) -> Entity | None:
        """'troops from Chad'; the subject of a sending verb ('Chad sent troops'), or of
        the verb that governs it ('X committed to send troops')."""
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ == "from":
                entity = _pobj_entity(ctx, child)
                if entity is not None:
                    return entity
        verb = self._verb(noun)
        if verb is None or verb.lemma_ not in _words("deploy_verbs") - {"host"}:
            return None
        clauses = [verb]
        if verb.dep_ in {"xcomp", "advcl", "pcomp", "ccomp"}:
            clauses.append(verb.head)
            if verb.head.dep_ in {"pcomp", "pobj", "prep", "advcl"}:
                top = verb.head
                while top.dep_ != "ROOT" and top.head != top:
                    top = top.head
                clauses.append(top)
        for n, clause in enumerate(clauses):
            for child in (c for c in clause.children if c.dep_ == "nsubj"):
                # the sending verb's own subject may be a pronoun ("it sent troops")
                entity = ctx.refer(child) if n == 0 else ctx.entity(child)
                if entity is not None and entity.cls == "Country":
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
            # "troops are expected to stay in Germany": the verb and its complement
            candidates += [verb, *(c for c in verb.children if c.dep_ == "xcomp")]
        exclude = {sender.key} if sender is not None else set()
        if verb is not None and verb.lemma_ in _words("withdraw_verbs"):
            left = self._left(ctx, verb, exclude)
            if left is not None:
                return ctx.as_country(left)
        host_preps = _words("deployment_host_preps")
        for node in candidates:
            for child in node.children:
                if child.dep_ in {"prep", "dative"} and child.lower_ in host_preps:
                    entity = _pobj_entity(ctx, child, exclude)
                    if entity is not None:
                        return ctx.as_country(entity)
        if (
            verb is not None
            and verb.dep_ == "relcl"
            and any(c.lower_ == "where" for c in verb.children)
        ):
            # "Basra, where British forces are stationed": the place the clause is about
            place = ctx.refer(verb.head, exclude)
            if place is not None and place.cls in {"Country", "City"}:
                return ctx.as_country(place) or _country_around(ctx, verb.head)
        return (
            self._soil(ctx, candidates)
            or self._hosting(ctx, noun, verb)
            or self._acting_in(ctx, noun, verb, exclude)
        )

    @staticmethod
    def _left(ctx: DocContext, verb: Token, exclude: set[str]) -> Entity | None:
        """'troops would be leaving Syria', 'withdrawn from Iraq', 'pulled out of Syria'."""
        for child in verb.children:
            target = None
            if child.dep_ == "dobj":
                target = ctx.refer(child, exclude)
            elif child.dep_ == "prep" and child.lower_ in _words("deployment_leave_preps"):
                target = _pobj_entity(ctx, child, exclude)
                if target is None and child.lower_ == "out":
                    for of in (c for c in child.children if c.lower_ == "of"):
                        target = _pobj_entity(ctx, of, exclude)
            if target is not None:
                return target
        return None

    @staticmethod
    def _soil(ctx: DocContext, candidates: list[Token]) -> Entity | None:
        """'on its territory': the country 'its' stands for."""
        for node in candidates:
            for child in node.children:
                if child.dep_ != "prep" or child.lower_ not in _words("deployment_soil_preps"):
                    continue
                for pobj in (c for c in child.children if c.dep_ == "pobj"):
                    if pobj.lemma_ in _words("deployment_soil_nouns"):
                        owner = next((c for c in pobj.children if c.dep_ == "poss"), None)
                        entity = ctx.refer(owner) if owner is not None else None
                        if entity is not None:
                            return ctx.as_country(entity)
        return None

    @staticmethod
    def _hosting(ctx: DocContext, noun: Token, verb: Token | None) -> Entity | None:
        """'X hosts 28,500 US troops', even where the parser reads 'hosts' as a noun."""
        if verb is not None and verb.lemma_ == "host":
            for child in verb.children:
                if child.dep_ == "nsubj":
                    entity = ctx.refer(child)
                    if entity is not None:
                        return ctx.as_country(entity)
        sent_start = noun.sent.start
        words = _words("deployment_host_words")
        for i in range(noun.i - 1, max(sent_start, noun.i - 5) - 1, -1):
            if noun.doc[i].lower_ in words:
                for j in range(i - 1, max(sent_start, i - 4) - 1, -1):
                    entity = ctx.refer(noun.doc[j])
                    if entity is not None:
                        return ctx.as_country(entity)
                break
        return None


def _pobj_entity(ctx: DocContext, prep: Token, exclude: set[str] | None = None) -> Entity | None:
    """The country or city a preposition's object names ('in Iraq', 'to the Sahel region,
    mostly in Mali'); none for a border ('to its border with Ukraine': the neighbour)."""
    for child in prep.children:
        if child.dep_ == "pobj":
            if child.lemma_ in _words("deployment_border_nouns"):
                continue
            referred = ctx.refer(child, exclude)
            if referred is not None and referred.cls in {"Country", "City"}:
                return referred
            for token in child.subtree:
                entity = ctx.entity(token)
                if entity is not None and entity.cls in {"Country", "City"}:
                    return entity
    return None


def _country_around(ctx: DocContext, place: Token) -> Entity | None:
    """'Basra in southern Iraq': the country a place's own 'in' phrase names."""
    for prep in (c for c in place.children if c.dep_ == "prep" and c.lower_ == "in"):
        for token in prep.subtree:
            entity = ctx.entity(token)
            if entity is not None and entity.cls == "Country":
                return entity
    return None
