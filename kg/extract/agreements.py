"""Agreements and treaties: the agreement itself, its parties, when it was signed,
whom it restricts, its numeric limits and what it prohibits.

An agreement is a named treaty (a gazetteer treaty, a LAW entity, a capitalised
name ending in Agreement/Treaty/Accord) or a noun phrase headed by an agreement
noun ("a 1974 atomic energy deal", "the maritime border agreement"). Unnamed
agreements belong to their document. A bare "the agreement" refers back to the
last agreement of the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.tokens import Span, Token

from kg.dates import resolve_day, resolve_year, year_of
from kg.extract.context import ACTOR_CLASSES, DocContext, modality, scaled
from kg.extract.registry import register_extractor
from kg.extract.rules import rule_set
from kg.extract.syntax import clause_preps, governing_verb, with_conjuncts
from kg.model import AgreementFact, Entity, Limit, has_name
from kg.numbers import limit_value
from kg.resolve.facts import FactMerger, fact_entity_keys
from kg.resolve.mentions import clean_name, entity_from_gazetteer, slug
from kg.resolve.sentences import sentence_words

FILE = "agreements"
_SKIP_TAGS = {"DT", "PRP$", "POS", "CD", "WDT", "$"}
_DASHES = re.compile(r"[-‐‑–—]")


@register_extractor("agreement", provides=("agreement",), requires=("position",))
class AgreementExtractor:
    name = "agreement"

    def __call__(self, ctx: DocContext) -> Iterator[AgreementFact]:
        nouns = ctx.lex.words("agreement_nouns") | {"memoranda"}
        last: Entity | None = None
        last_sent = -1
        by_key: dict[str, AgreementFact] = {}
        merger = FactMerger()
        # the story's own agreements by head noun ("deal"), oldest first
        scoped: dict[str, list[Entity]] = {}
        handled: set[int] = set()
        anchors: dict[int, str] = {}  # token → the agreement it names
        # the story's agreements named by a plural noun ("climate agreements"), by a singular
        plural: set[str] = set()
        singular: set[str] = set()
        # ... and by "a peace deal" only, or also by "the peace deal"
        indefinite: set[str] = set()
        definite: set[str] = set()
        named_starts = [
            m.span[0]
            for m in ctx.found.mentions
            if m.entity.cls in {"Agreement", "Treaty", "Organization", "Event"}
            or m.span.label_ == "LAW"
        ]
        candidates = {t.i: t for t in ctx.trigger_tokens("agreement", "it")}
        candidates.update((t.i, t) for t in named_starts)
        for token in (candidates[i] for i in sorted(candidates)):
            if token.i in handled:
                continue
            named = self._named_treaty(ctx, token)
            if named is not None:
                entity, span = named
                handled.update(t.i for t in span)
                anchor = span.root
            elif token.lemma_.lower() in nouns and token.pos_ in {"NOUN", "PROPN"}:
                head_mention = _apposed_agreement(ctx, token)
                if head_mention is not None and head_mention.entity.cls in {"Agreement", "Treaty"}:
                    entity = head_mention.entity  # "New START, the last treaty limiting ..."
                else:
                    entity = self._generic(ctx, token, last, scoped)
                if entity is None:
                    continue
                anchor = token
                handled.update(range(token.i, _name_tail_end(ctx, token)))
            elif last is not None and self._refers_to_agreement(ctx, token, last_sent):
                entity, anchor = last, token  # "Signed in 2010, it caps each side at ..."
            else:
                continue
            last_sent = anchor.sent.start
            last = entity
            fact = self._facts_for(ctx, entity, anchor)
            if fact is not None and named is not None:
                # countries named inside a treaty's name are its parties ("the Iran nuclear
                # deal", "the U.S.-Korea Free Trade Agreement")
                for country in _countries_in_name(ctx, span):
                    fact.parties.add(ctx.use(country, span.sent))
            elif fact is not None and anchor.text[:1].isupper() and not anchor.is_sent_start:
                name = ctx.doc[self._left_edge(anchor) : anchor.i + 1]
                for country in _countries_in_name(ctx, name):
                    fact.parties.add(ctx.use(country, name.sent))
            if fact is None:
                continue
            if named is not None:
                anchors.update((t.i, entity.key) for t in span)
            elif anchor.i == token.i:
                anchors.update((i, entity.key) for i in range(token.i, _name_tail_end(ctx, token)))
                if entity.scope == ctx.document.id:
                    (plural if token.tag_ in {"NNS", "NNPS"} else singular).add(entity.key)
                    a_an = any(c.dep_ == "det" and c.lower_ in {"a", "an"} for c in token.children)
                    (indefinite if a_an else definite).add(entity.key)
            merged = by_key.get(entity.key)
            if merged is None:
                by_key[entity.key] = fact
                merger.add(fact)
            else:
                merger.merge(merged, fact)
        self._parties_said(ctx, anchors, by_key)
        # what other facts name stays, whatever it is ("the Nokia and Microsoft deal")
        named = {k for f in ctx.facts for k in fact_entity_keys(f)}
        named.update(k for f in by_key.values() for k in fact_entity_keys(f) - {f.agreement})
        for key, fact in by_key.items():
            entity = ctx.found.entities[key]
            bare = len(entity.label.split()) == 1 and not entity.alt_labels
            # "a peace deal" names a kind of agreement; "a data cable project agreement" one
            generic = key in plural - singular or (
                key in indefinite - definite
                and len(entity.label.split()) <= 2
                and fact.year is None
                and fact.date is None
            )
            if (bare or generic) and not fact.parties:
                # a bare "an agreement", "climate agreements" or "a peace deal" nobody is
                # party to names nothing a reader could look up
                if key not in named:
                    del ctx.found.entities[key]
                continue
            yield fact

    def _parties_said(
        self, ctx: DocContext, anchors: dict[int, str], by_key: dict[str, AgreementFact]
    ) -> None:
        """Parties a sentence names of an agreement found in it: the rules of
        ``kg/data/patterns/agreements.json`` ('X is a party to Y', 'of which X is a
        signatory')."""
        for match in rule_set(FILE).matches(ctx.doc):
            target = match.get("agreement")
            if target is None:  # "..., of which X is a party": the last agreement before
                which = match["which"]
                before = [i for i in anchors if match.sent.start <= i < which.i]
                target = which.doc[max(before)] if before else which
            fact = by_key.get(anchors.get(target.i, ""))
            if fact is None or modality(match["noun"], ctx.lex) != "asserted":
                continue
            for node in with_conjuncts(match["party"]):
                entity = self._resolve(ctx, node)
                if entity is not None:
                    self._add_party(ctx, fact, entity, match.sent)

    # -- which agreement ----------------------------------------------------
    def _refers_to_agreement(self, ctx: DocContext, token: Token, last_sent: int) -> bool:
        """Whether 'it' stands for the agreement just named: the subject of a capping
        verb or of a clause opened by 'Signed in ...', in the next sentence at most."""
        if token.lower_ != "it" or token.dep_ not in {"nsubj", "nsubjpass"}:
            return False
        sent = token.sent
        previous = sent.start - 1
        if last_sent != sent.start and (
            previous < 0 or token.doc[previous].sent.start != last_sent
        ):
            return False
        verb = token.head
        signed = ctx.lex.words("agreement_signed_clause_verbs")
        return verb.lemma_ in ctx.lex.words("agreement_capping_verbs") or any(
            c.dep_ == "advcl" and c.lemma_ in signed for c in verb.children
        )

    def _named_treaty(self, ctx: DocContext, token: Token) -> tuple[Entity, Span] | None:
        mention = ctx.found.mention_at(token)
        if mention is None or mention.span.start != token.i:
            return None
        if mention.entity.cls in {"Treaty", "Agreement"}:
            return mention.entity, mention.span
        nouns = ctx.lex.words("agreement_nouns")
        last = mention.span[-1]
        if (
            mention.entity.cls in {"Organization", "Event"}
            and not mention.entity.wikidata
            and last.lemma_.lower() in nouns
            and len(mention.span) > 1
        ):
            mention.entity.cls = "Agreement"  # "the Liptako-Gourma Charter"
            return mention.entity, mention.span
        if mention.span.label_ == "LAW":
            label = clean_name(mention.span.text)
            if not has_name(label):
                return None
            entity = Entity(
                key=f"agreement:{slug(mention.span.text)}",
                cls="Agreement",
                label=label,
            )
            return ctx.found.touch(entity, mention.span.sent, 0.8), mention.span
        return None

    def _generic(
        self, ctx: DocContext, noun: Token, last: Entity | None, scoped: dict[str, list[Entity]]
    ) -> Entity | None:
        lemma = noun.lemma_.lower()
        doc = noun.doc
        if noun.dep_ == "compound":
            # "treaty allies", "protocol officer"; "the AfCFTA agreement" is seen at its head
            return None
        if lemma == "understanding" and not (
            noun.i >= 2 and doc[noun.i - 2].lemma_ in {"memorandum", "memoranda"}
        ):
            return None
        if lemma in {"memorandum", "memoranda"} and not (
            noun.i + 2 < len(doc) and doc[noun.i + 2].lower_ == "understanding"
        ):
            return None
        if lemma == "understanding":
            return None  # named at "memorandum"
        if lemma == "resolution" and not self._un_resolution(ctx, noun):
            return None
        not_deals = ctx.lex.words("agreement_not_deal_modifiers")
        if lemma == "deal" and any(c.lower_ in not_deals for c in noun.children):
            return None
        if lemma == "framework" and not any(
            c.lemma_ in {"agreement", "accord"} for c in noun.children
        ):
            return None
        if any(c.lower_ == "principle" for c in noun.subtree if c.i > noun.i):
            return None  # "an agreement in principle" is a step towards one, not an agreement
        named = self._named_modifier(ctx, noun) or self._proper_name(ctx, noun)
        if named is not None:
            return ctx.found.touch(named, noun.sent, 0.85)
        words = self._name_words(ctx, noun)
        vague = ctx.lex.words("agreement_vague_modifiers")
        if len(words) > 1 and all(w.lower() in vague for w in words[:-1]):
            # "a recent agreement", "a negotiated deal": no name, only a description
            words = words[-1:]
            described = self._described(noun)
            if described is None and not any(c.lower_ == "the" for c in noun.children):
                return None
        if len(words) == 1:
            described = self._described(noun)
            definite = any(c.dep_ == "det" and c.lower_ == "the" for c in noun.children)
            if described is not None and definite and last is not None and _only_parties(noun):
                # "the agreement between X and Y" after the story named it: the same one
                return last
            if described is None:
                # a bare "the agreement": the last agreement the story spoke of
                if last is not None:
                    return last
                indefinite = any(c.dep_ == "det" and c.lower_ in {"a", "an"} for c in noun.children)
                if not indefinite and not self._signed_here(ctx, noun):
                    return None
            else:
                words = described
        name = " ".join(words)
        if not has_name(name):
            return None  # "signed the year treaty": nothing left to name it by
        head = name.split()[-1]
        # one of the story's agreements of the same head noun, named more or less fully,
        # is the same agreement (a label only ever grows into one of the same head)
        for existing in scoped.get(head, []):
            if existing.cls == "Agreement" and existing.scope == ctx.document.id:
                a, b = set(existing.label.split()), set(name.split())
                if a <= b or b <= a:
                    if len(existing.label) < len(name):
                        existing.alt_labels.add(existing.label)
                        existing.label = name
                    elif name != existing.label:
                        existing.alt_labels.add(name)
                    return ctx.found.touch(existing, noun.sent, 0.8)
        entity = Entity(
            key=f"agreement:{slug(ctx.document.id)}:{slug(name)}",
            cls="Agreement",
            label=name,
            scope=ctx.document.id,
        )
        entity = ctx.found.touch(entity, noun.sent, 0.8)
        scoped.setdefault(head, []).append(entity)
        return entity

    @staticmethod
    def _signed_here(ctx: DocContext, noun: Token) -> bool:
        """'The agreement, signed between X and Y in 2019, ...', 'they signed the accord':
        a first 'the agreement' that the sentence says was concluded."""
        sign_verbs = ctx.lex.words("agreement_sign_verbs")
        verb = governing_verb(noun)
        if verb is not None and verb.lemma_ in sign_verbs:
            return True
        return any(c.dep_ in {"acl", "relcl"} and c.lemma_ in sign_verbs for c in noun.children)

    def _named_modifier(self, ctx: DocContext, noun: Token) -> Entity | None:
        """'the African Continental Free Trade Area agreement': the name is the agreement."""
        # "the Nokia and Microsoft deal" (however parsed): the names are its parties
        listed = noun.dep_ == "conj" and ctx.found.mention_at(noun.head) is not None
        for child in noun.children:
            if child.dep_ not in {"compound", "nmod"}:
                continue
            if listed or child.conjuncts:
                continue
            mention = ctx.found.mention_at(child)
            if mention is None:
                continue
            entity = mention.entity
            if (
                entity.cls in {"Organization", "Event", "Agreement", "Treaty"}
                and not entity.wikidata
            ):
                if entity.cls not in {"Agreement", "Treaty"}:
                    entity.cls = "Agreement"
                return entity
        return None

    @staticmethod
    def _described(noun: Token) -> list[str] | None:
        """A bare noun named by what follows: 'agreement with the government of Syria',
        'agreement on sending troops to Libya', 'agreement to build the pipeline'."""
        for child in noun.children:
            if child.i < noun.i:
                continue
            if (child.dep_ == "prep" and child.lower_ in {"with", "between", "on"}) or (
                child.dep_ in {"acl", "relcl"}
                and any(g.lower_ == "to" and g.dep_ == "aux" for g in child.children)
            ):
                tail = list(child.subtree)
                for k, t in enumerate(tail):
                    if t.text in {",", ";", "—", "(", "–"} or t.ent_type_ in {"DATE", "TIME"}:
                        tail = tail[:k]
                        break
                while tail and tail[-1].pos_ in {"ADP", "CCONJ", "DET", "PUNCT"}:
                    tail.pop()
                if 1 < len(tail) <= 8:
                    return [noun.text.lower()] + [t.text for t in tail]
        return None

    @staticmethod
    def _un_resolution(ctx: DocContext, noun: Token) -> bool:
        left = {t.text for t in noun.doc[max(noun.sent.start, noun.i - 4) : noun.i]}
        right = noun.doc[noun.i + 1 : min(noun.sent.end, noun.i + 2)]
        bodies = ctx.lex.words("agreement_resolution_bodies")
        return not left.isdisjoint(bodies) or any(t.like_num for t in right)

    @staticmethod
    def _modifiers(noun: Token) -> list[Token]:
        deps = {"compound", "amod", "nmod", "npadvmod", "nummod"}
        return [t for c in noun.children if c.dep_ in deps and c.i < noun.i for t in c.subtree]

    def _name_words(self, ctx: DocContext, noun: Token) -> list[str]:
        """The shortest distinctive description: modifiers and head without articles or dates."""
        words = []
        for t in noun.doc[self._left_edge(noun) : noun.i + 1]:
            # a number of a modifier is part of the name ("the four freedoms agreement"),
            # a number of the agreements is not ("two agreements")
            nxt = t.doc[t.i + 1] if t.i + 1 < noun.i else None
            counted = (
                t.tag_ == "CD"
                and nxt is not None
                and nxt.dep_ == "compound"
                and nxt.tag_ in {"NNS", "NNPS"}
            )
            if (
                t.tag_ in _SKIP_TAGS
                and not counted
                or t.ent_type_ in {"DATE", "TIME", "MONEY"}
                or t.text in {"'s", "’s"}
            ):
                continue
            entity = ctx.entity(t)
            if entity is not None and entity.cls == "Person":
                continue
            proper = entity is not None or t.pos_ == "PROPN"
            words.append(t.text if proper else t.text.lower())
        while words and not has_name(words[0]):
            words.pop(0)  # "the — agreement"
        if noun.lemma_.lower() in {"memorandum", "memoranda"}:
            words.append("of understanding")
        if noun.lemma_.lower() == "resolution":
            nxt = noun.doc[noun.i + 1] if noun.i + 1 < len(noun.doc) else None
            if nxt is not None and nxt.like_num:
                words.append(nxt.text)
        return words

    @staticmethod
    def _left_edge(noun: Token) -> int:
        edge = noun.i
        for child in noun.children:
            if child.i < noun.i and child.dep_ in {
                "compound",
                "amod",
                "nmod",
                "det",
                "nummod",
                "poss",
                "npadvmod",
            }:
                edge = min(edge, child.left_edge.i)
        return edge

    @staticmethod
    def _proper_name(ctx: DocContext, noun: Token) -> Entity | None:
        """'the Paris Agreement', 'the Convention on Biological Diversity': a capitalised
        name, the same agreement in every document."""
        if not noun.text[:1].isupper() or noun.is_sent_start:
            return None
        parts = [t for t in noun.subtree if t.i <= noun.i and t.tag_ not in {"DT", "POS"}]
        end = _name_tail_end(ctx, noun)
        if (len(parts) < 2 and end == noun.i + 1) or not all(
            t.text[:1].isupper() or t.text in {"-", "of", "on", "and"} for t in parts
        ):
            return None
        name = clean_name(noun.doc[parts[0].i : end].text)
        if not has_name(name):
            return None
        return Entity(key=f"agreement:{slug(name)}", cls="Agreement", label=name)

    # -- what is said of it ---------------------------------------------------
    def _facts_for(self, ctx: DocContext, entity: Entity, anchor: Token) -> AgreementFact | None:
        sent = anchor.sent
        mode = modality(anchor, ctx.lex)
        confidence = scaled(0.85, mode)
        if confidence is None:
            return None
        fact = AgreementFact(
            agreement=ctx.use(entity, sent), evidence=[ctx.evidence(sent, confidence)]
        )
        # "Japan's trade pact with Britain", "its deal with the IMF": the possessor is party
        for child in anchor.children:
            if child.dep_ == "poss":
                owner = self._resolve(ctx, child)
                if owner is not None:
                    self._add_party(ctx, fact, owner, sent)
        # parties named inside the agreement's name ("the Turkish-Libyan border agreement")
        for country in ctx.entities_in(self._modifiers(anchor), {"Country"}):
            fact.parties.add(ctx.use(country, sent))
        for token in self._modifiers(anchor):
            year = year_of(token.text)
            if year:
                fact.year = year
        dated = [e for e in ctx.sent_ents(sent) if e.label_ == "DATE" and e.end <= anchor.i]
        for ent in dated:
            if ent.end == anchor.i or ent.root.head == anchor or ent.root.head.head == anchor:
                # "the November 27 maritime border agreement": the day it was concluded
                day = resolve_day(ent.text, ctx.date)
                if day is not None and fact.year is None:
                    fact.date, fact.year = day, day.year
        # "agreement with X" / "agreement between X and Y"
        for child in anchor.children:
            if child.dep_ == "prep" and child.lower_ in {"with", "between", "among"}:
                for e in ctx.entities_in(child.subtree, ACTOR_CLASSES | {"Person"}):
                    self._add_party(ctx, fact, e, sent)
                if child.lower_ == "with":
                    subject = self._clause_subject(ctx, anchor)
                    if subject is not None:
                        self._add_party(ctx, fact, subject, sent)
        verb = governing_verb(anchor)
        sign_verbs = ctx.lex.words("agreement_sign_verbs")
        if verb is not None and verb.lemma_ in sign_verbs and modality(verb, ctx.lex) != "negated":
            self._from_sign_verb(ctx, fact, verb, sent)
        # participial or relative "signed with X in 2001" attached to the agreement
        for child in anchor.children:
            if child.dep_ in {"acl", "relcl"} and child.lemma_ in sign_verbs:
                self._from_sign_verb(
                    ctx, fact, child, sent, subject_is_agreement=child.dep_ == "acl"
                )
        if anchor.dep_ in {"nsubj", "nsubjpass"}:
            for child in anchor.head.children:
                if child.dep_ == "advcl" and child.lemma_ in sign_verbs:
                    self._from_sign_verb(ctx, fact, child, sent, subject_is_agreement=True)
        self._restrictions(ctx, fact, anchor, sent)
        return fact

    def _add_party(self, ctx: DocContext, fact: AgreementFact, entity: Entity, sent: Span) -> None:
        if entity.cls == "Person":
            country = ctx.country_of(entity)
            if country is None:
                return
            entity = country
        if entity.cls in ACTOR_CLASSES:
            fact.parties.add(ctx.use(entity, sent))

    def _from_sign_verb(
        self,
        ctx: DocContext,
        fact: AgreementFact,
        verb: Token,
        sent: Span,
        subject_is_agreement: bool = False,
    ) -> None:
        subjects = [c for c in verb.children if c.dep_ in {"nsubj", "agent"}]
        if not subjects and verb.dep_ in {"xcomp", "advcl"} and not subject_is_agreement:
            # "the delegations of X, Y and Z met ... to sign an agreement": the controller signs
            subjects = [c for c in verb.head.children if c.dep_ == "nsubj"]
        for child in subjects:
            if subject_is_agreement:
                break
            nodes = [child, *child.conjuncts] if child.dep_ == "nsubj" else list(child.subtree)
            for node in nodes:
                entity = self._resolve(ctx, node)
                if entity is not None:
                    self._add_party(ctx, fact, entity, sent)
                elif node.dep_ in {"nsubj", "pobj"}:
                    # "the delegations of X and Y", "the three countries signed",
                    # "ratified by both governments"
                    for member in _group_members(ctx, node) or ctx.refer_group(node):
                        self._add_party(ctx, fact, member, sent)
        for prep in clause_preps(verb, {"with", "between", "by", "among"}):
            for e in ctx.entities_in(prep.subtree, ACTOR_CLASSES | {"Person"}):
                self._add_party(ctx, fact, e, sent)
            for e in _enumeration(ctx, prep):
                self._add_party(ctx, fact, e, sent)
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ in {"in", "on"}:
                for grand in child.subtree:
                    year = year_of(grand.text)
                    if year and fact.year is None:
                        fact.year = year
            if child.dep_ in {"npadvmod"} and year_of(child.text):
                fact.year = fact.year or year_of(child.text)
        if fact.year is None and fact.date is None:
            day = ctx.day(verb)
            if day is not None:
                fact.date = day
                fact.year = day.year
            elif verb.dep_ in {"ccomp", "xcomp", "advcl", "conj"} and ctx.day(verb.head):
                # "announced on Sunday it had entered into an agreement": the year of the report
                fact.year = ctx.day(verb.head).year
            else:
                # "signed the charter in September": the year that month fell in
                fact.year = _month_year(ctx, verb)

    def _resolve(self, ctx: DocContext, token: Token) -> Entity | None:
        entity = ctx.entity(token)
        if entity is not None:
            return entity
        if token.lower_ in ctx.lex.words("agreement_subject_pronouns"):
            return ctx.pronoun_antecedent(token)
        for child in token.children:
            if child.dep_ in {"compound", "amod"} and ctx.entity(child) is not None:
                return ctx.entity(child)
        return None

    def _clause_subject(self, ctx: DocContext, anchor: Token) -> Entity | None:
        """The subject of the clause an 'under/with X' agreement phrase hangs on."""
        node = anchor
        for _ in range(4):
            if node.pos_ in {"VERB", "AUX"}:
                for child in node.children:
                    if child.dep_ in {"nsubj", "nsubjpass"}:
                        return self._resolve(ctx, child)
            if node.head == node:
                break
            node = node.head
        return None

    def _restrictions(
        self, ctx: DocContext, fact: AgreementFact, anchor: Token, sent: Span
    ) -> None:
        found = ctx.memo.get(("restrictions", sent.start, sent.end))
        if found is None:
            found = ctx.memo[("restrictions", sent.start, sent.end)] = self._sentence_restrictions(
                ctx, sent
            )
        each_side, countries, weapons, limits = found
        if each_side:
            fact.restricts |= fact.parties  # "caps each side at ..."
        for entity in countries:
            fact.restricts.add(ctx.use(entity, sent))
        for weapon in weapons:
            fact.prohibits.add(ctx.use(weapon, sent))
        for limit in limits:
            if limit not in fact.limits:
                fact.limits.append(limit)

    def _sentence_restrictions(
        self, ctx: DocContext, sent: Span
    ) -> tuple[bool, list[Entity], list[Entity], list[Limit]]:
        """What a sentence's capping verbs say of any agreement it names: whether they cap
        'each side', the countries they restrict, the weapons they ban, and its limits."""
        restrict = ctx.lex.words("restrict_verbs")
        words = sentence_words(sent)
        superseded = not words.isdisjoint(ctx.lex.words("limit_superseded_words"))
        party_nouns = ctx.lex.words("restrict_party_nouns")
        every = ctx.lex.words("restrict_every_words")
        verbs = [t for t in sent if t.lemma_ in restrict and t.pos_ in {"VERB", "ADJ"}]
        each_side = False
        countries: list[Entity] = []
        weapons: list[Entity] = []
        for verb in verbs:
            if modality(verb, ctx.lex) != "asserted":
                continue
            for child in verb.children:
                if child.dep_ == "dobj" and child.lemma_ in party_nouns:
                    if any(c.lower_ in every for c in child.children):
                        each_side = True
                        continue
                if child.dep_ == "nsubjpass" or (child.dep_ == "dobj" and verb.tag_ != "VBN"):
                    entity = self._resolve(ctx, child)
                    if entity is None and child.dep_ == "nsubjpass":
                        continue
                    if entity is not None and entity.cls == "Country":
                        countries.append(entity)
            if verb.dep_ == "conj" and not any(
                c.dep_ in {"nsubj", "nsubjpass"} for c in verb.children
            ):
                for child in verb.head.children:
                    if child.dep_ == "nsubj":
                        entity = self._resolve(ctx, child)
                        if entity is not None and entity.cls == "Country":
                            countries.append(entity)
            weapons.extend(self._prohibited(ctx, verb))
        limits: list[Limit] = []
        if (verbs or not words.isdisjoint(ctx.lex.words("limit_cues"))) and not superseded:
            limits = self._limits(ctx, sent)
        return each_side, countries, weapons, limits

    def _prohibited(self, ctx: DocContext, verb: Token) -> list[Entity]:
        """'banned from building nuclear weapons' → the weapon system."""
        out = []
        if verb.lemma_ not in ctx.lex.words("restrict_ban_verbs"):
            return out
        weapons = ctx.lex.words("agreement_weapon_words")
        for token in verb.subtree:
            if token.lower_ in weapons and token.pos_ == "NOUN" and token.dep_ in {"dobj", "pobj"}:
                words = [
                    t.text.lower()
                    for t in token.subtree
                    if t.i <= token.i
                    and t.tag_ not in _SKIP_TAGS
                    and t.lower_ not in {"own", "its", "their"}
                ]
                name = " ".join(words)
                if has_name(name):
                    out.append(Entity(key=f"weapon:{slug(name)}", cls="WeaponSystem", label=name))
                break
        return out

    def _limits(self, ctx: DocContext, sent: Span) -> list[Limit]:
        units = {form: unit for unit, forms in ctx.lex.raw["units"].items() for form in forms}
        quantities = {w: q for q, words in ctx.lex.raw["limit_quantities"].items() for w in words}
        equivalence = ctx.lex.words("limit_equivalence_words")
        limits: list[Limit] = []
        tokens = list(sent)
        for i, token in enumerate(tokens):
            if not (token.like_num or token.lower_ in {"one", "two", "three", "half"}):
                continue
            value = limit_value(token.text)
            if value is None:
                continue
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is not None and nxt.text in {"-", "‑"} and i + 2 < len(tokens):
                nxt = tokens[i + 2]  # "a 300-kilogram cap"
            # "between 500 and 5,500 kilometres": the lower bound shares the unit
            if nxt is not None and nxt.lower_ in {"and", "to", "-", "–"} and i + 3 < len(tokens):
                if (
                    tokens[i + 2].like_num
                    and i >= 1
                    and tokens[i - 1].lower_ in {"between", "from"}
                ):
                    nxt = tokens[i + 3]
            unit = None
            if nxt is not None:
                unit = units.get(nxt.lower_) or units.get(nxt.lemma_.lower())
                if unit is None and nxt.text == "%":
                    unit = "percent"
            quantity = None
            if unit is None and nxt is not None:
                # "1,550 deployed strategic warheads": a counted quantity after a few modifiers
                for follow in tokens[i + 1 : i + 7]:
                    if follow.lemma_.lower() in quantities:
                        unit, quantity = "count", quantities[follow.lemma_.lower()]
                        break
                    if follow.pos_ not in {"ADJ", "VERB", "NOUN", "PUNCT", "CCONJ"}:
                        break
                    if follow.text == ",":
                        break
            if unit is None:
                continue
            window = [t.lower_ for t in tokens[max(0, i - 3) : i]]
            if any(w in equivalence for w in window[-2:]):
                continue
            if quantity is None:
                quantity = self._quantity_before(ctx, tokens, i, quantities, unit)
            if quantity is None:
                continue
            limit = Limit(quantity=quantity, value=value, unit=unit)
            if limit not in limits:
                limits.append(limit)
        return limits

    @staticmethod
    def _quantity_before(
        ctx: DocContext, tokens, i: int, quantities: dict[str, str], unit: str
    ) -> str | None:
        """The capped quantity a measure belongs to, from the words before it, as far as
        the unit allows ('a stockpile of low-enriched uranium ... 300-kilogram cap')."""
        fits = set(ctx.lex.raw["limit_quantities_by_unit"].get(unit, ()))
        for j in range(i - 1, max(-1, i - 12), -1):
            quantity = quantities.get(tokens[j].lemma_.lower())
            if quantity in {"warheads", "missiles"} and "payload" in fits:
                quantity = "payload"  # "a warhead of 200 kilograms" weighs, it does not count
            if quantity is not None and quantity in fits:
                return quantity
            if tokens[j].text in {";", "."}:
                break
        return ctx.lex.raw["limit_default_quantity"].get(unit)


def _countries_in_name(ctx: DocContext, span: Span) -> list[Entity]:
    """The countries a capitalised name holds before its head noun, by name, acronym or
    demonym, two words first ('South Korea', 'U.S.-Korea', 'Saudi-Greek')."""
    words = [
        (part, t.i)
        for t in span
        if t.i < span.root.i or t.i == span.start
        for part in _DASHES.split(t.text)
        if part
    ]
    found: list[Entity] = []
    i = 0
    while i < len(words):
        for size in (2, 1):
            part = words[i : i + size]
            if len(part) < size or not part[0][0][:1].isupper():
                continue
            if size == 2 and part[1][1] != part[0][1] + 1:
                continue  # two words of one name, not the halves of a pair ('U.S.-Korea')
            entry = ctx.gaz.country_by_name(" ".join(w for w, _ in part))
            if entry is not None and entry.cls == "Country" and _a_state(ctx, entry.key):
                entity = ctx.found.entities.get(entry.key) or entity_from_gazetteer(entry)
                if entity not in found:
                    found.append(entity)
                i += size - 1
                break
        i += 1
    return found


def _a_state(ctx: DocContext, key: str) -> bool:
    """An independent state, or one the story names ('Antarctic Treaty' has no party)."""
    record = ctx.gaz.country_record(key) or {}
    return bool(record.get("independent")) or key in ctx.found.entities


def _name_tail_end(ctx: DocContext, noun: Token) -> int:
    """Where a capitalised agreement name ends past its head: 'Convention on the Law of
    the Sea', 'Framework Convention on Climate Change' (the head's index + 1 if not)."""
    doc, sent = noun.doc, noun.sent
    end = noun.i + 1
    if not noun.text[:1].isupper():
        return end
    preps = ctx.lex.words("agreement_name_tail_preps")
    while end < sent.end and doc[end].lower_ in preps:
        j = end + 1
        if j < sent.end and doc[j].lower_ == "the":
            j += 1
        k = j
        while k < sent.end and (
            doc[k].text[:1].isupper()
            or (doc[k].text == "-" and k + 1 < sent.end and doc[k + 1].text[:1].isupper())
        ):
            k += 1
        if k == j:
            break
        end = k
    return end


def _only_parties(noun: Token) -> bool:
    """Whether what follows a noun only names who is party ('between X and Y', 'with
    X'), not what it is about ('on sending troops')."""
    after = [c for c in noun.children if c.i > noun.i and c.dep_ in {"prep", "acl", "relcl"}]
    return bool(after) and all(c.lower_ in {"with", "between", "among"} for c in after)


def _month_year(ctx: DocContext, verb: Token) -> int | None:
    """The year of a month named in the verb's own clause ('in September' said in 2024 of
    the past is September 2023)."""
    for prep in clause_preps(verb, {"in"}):
        ent = ctx.ent_starting_at(prep.i + 1)
        if ent is not None and ent.label_ == "DATE":
            return resolve_year(ent.text, ctx.date)
    return None


def _enumeration(ctx: DocContext, prep: Token) -> list[Entity]:
    """Every name of the list a preposition opens, however the parser split it
    ("by Iran, the United States, Britain, France and China")."""
    out: list[Entity] = []
    doc = prep.doc
    i = prep.i + 1
    while i < prep.sent.end:
        token = doc[i]
        entity = ctx.entity(token)
        if entity is not None:
            if entity.cls in ACTOR_CLASSES | {"Person"} and entity not in out:
                out.append(entity)
        elif token.text not in {",", "and", "the", "The", "or"}:
            break
        i += 1
    return out


def _apposed_agreement(ctx: DocContext, noun: Token):
    """The named agreement a noun stands in apposition to: 'New START, the last treaty ...'."""
    i = noun.i - 1
    while i > noun.sent.start and noun.doc[i].pos_ in {"ADJ", "DET", "NUM"}:
        i -= 1
    if i <= noun.sent.start or noun.doc[i].text != ",":
        return None
    mention = ctx.found.mention_at(noun.doc[i - 1])
    if mention is not None and mention.entity.cls in {"Agreement", "Treaty"}:
        return mention
    return None


def _group_members(ctx: DocContext, noun: Token) -> list[Entity]:
    """'the delegations of X, Y and Z' → X, Y, Z."""
    out = []
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            out.extend(ctx.entities_in(child.subtree, ACTOR_CLASSES))
    return out
