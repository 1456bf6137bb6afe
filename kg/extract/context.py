"""What every extractor sees of one document: the parse, the resolved entities,
the document's date, and helpers for evidence and modality."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from kg.dates import SentenceDates
from kg.gazetteer import Gazetteer
from kg.lexicon import Lexicon
from kg.model import Document, Entity, Evidence, Fact
from kg.resolve.facts import fact_entity_keys
from kg.resolve.mentions import DocEntities, entity_from_gazetteer, sentence_evidence

# Entity classes that can act as states or state-like parties.
ACTOR_CLASSES = {
    "Country",
    "Organization",
    "InternationalOrganization",
    "GovernmentBody",
    "ArmedForces",
}
ORG_CLASSES = {"Organization", "InternationalOrganization", "GovernmentBody", "ArmedForces"}


@dataclass
class DocContext:
    doc: Doc
    document: Document
    found: DocEntities
    gaz: Gazetteer
    lex: Lexicon
    triggers: dict[str, list[Token]] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
    # person key -> (role, jurisdiction key) found so far, in document order
    roles: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # named entities by sentence start and by their own start, built on first use:
    # ``Span.ents`` reads every entity of the document on each call
    _ents_by_sent: dict[int, list[Span]] | None = field(default=None, init=False, repr=False)
    _ents_by_start: dict[int, Span] = field(default_factory=dict, init=False, repr=False)
    _dates: dict[int, SentenceDates] = field(default_factory=dict, init=False, repr=False)
    _fact_keys: tuple[int, set[str]] = field(default=(0, set()), init=False, repr=False)
    # what an extractor found out about a sentence once, for every anchor of it
    memo: dict[tuple, object] = field(default_factory=dict, init=False, repr=False)

    @property
    def date(self) -> dt.date | None:
        return self.document.date

    def trigger_tokens(self, *kinds: str) -> list[Token]:
        """Trigger tokens of these kinds (``kg.extract.triggers``), in document order."""
        tokens = {t.i: t for kind in kinds for t in self.triggers.get(kind, ())}
        return [tokens[i] for i in sorted(tokens)]

    def entity(self, token: Token) -> Entity | None:
        return self.found.entity_at(token)

    def named_by_facts(self, key: str) -> bool:
        """Whether a fact found so far names the entity ``key``."""
        if self._fact_keys[0] != len(self.facts):
            keys = {k for f in self.facts for k in fact_entity_keys(f)}
            self._fact_keys = (len(self.facts), keys)
        return key in self._fact_keys[1]

    def sent_ents(self, sent: Span) -> list[Span]:
        """The named entities (spaCy's, dates among them) that lie within a sentence."""
        if self._ents_by_sent is None:
            self._index_ents()
        assert self._ents_by_sent is not None
        return self._ents_by_sent.get(sent.start, [])

    def ent_starting_at(self, i: int) -> Span | None:
        """The named entity (spaCy's) that starts at token ``i``."""
        if self._ents_by_sent is None:
            self._index_ents()
        return self._ents_by_start.get(i)

    def _index_ents(self) -> None:
        self._ents_by_sent = {}
        for ent in self.doc.ents:
            self._ents_by_start[ent.start] = ent
            sent = ent.sent
            if ent.end <= sent.end:
                self._ents_by_sent.setdefault(sent.start, []).append(ent)

    def entities_in(self, tokens, classes: set[str] | None = None) -> list[Entity]:
        """Distinct entities mentioned among ``tokens``, in order."""
        seen: dict[str, Entity] = {}
        for token in tokens:
            entity = self.found.entity_at(token)
            if entity is not None and (classes is None or entity.cls in classes):
                seen.setdefault(entity.key, entity)
        return list(seen.values())

    def refer(self, token: Token, exclude: set[str] | None = None) -> Entity | None:
        """The entity a token names or refers to.

        Besides names: a relative pronoun stands for the noun its clause hangs on
        ("Germany, which has ..."), "it"/"its"/"they" for the actor that opens the
        sentence, and "the country" for the last country named before.
        """
        entity = self.found.entity_at(token)
        if entity is not None:
            return entity
        exclude = exclude or set()
        lower = token.lower_
        words = self.lex.words
        if lower in words("reference_relative_pronouns"):
            clause = token.head
            while (
                clause.dep_ not in {"relcl", "acl"}
                and clause.head != clause
                and clause.pos_ != "NOUN"
            ):
                clause = clause.head
            if clause.dep_ in {"relcl", "acl"}:
                head = self.refer(clause.head, exclude)
                if head is not None:
                    return head
            # "the board of the IAEA (IAEA), which Iran joined": the name just before
            for i in range(token.i - 1, max(token.sent.start, token.i - 5) - 1, -1):
                entity = self.found.entity_at(token.doc[i])
                if entity is not None:
                    return entity
            return None
        if lower in words("reference_person_pronouns"):
            return self._last_person(token)
        if lower in words("reference_actor_pronouns"):
            return self.pronoun_antecedent(token)
        if lower in words("reference_country_nouns") and any(
            c.lower_ == "the" for c in token.children
        ):
            for mention in self.found.index.before(token.i, "Country"):
                if mention.entity.cls == "Country" and mention.entity.key not in exclude:
                    return mention.entity
            return None
        if lower in words("reference_body_nouns") and any(
            c.lower_ == "the" for c in token.children
        ):
            return self.story_body(token.i)
        for child in token.children:
            if child.dep_ in {"compound", "amod"} and self.found.entity_at(child) is not None:
                return self.found.entity_at(child)
        return None

    def story_body(self, before: int) -> Entity | None:
        """The international body the story names most before token ``before`` ("members
        of the bloc", "another member"): the most often named, then the latest named."""
        index = self.found.index
        tallies = {}
        for key in index.keys("InternationalOrganization"):
            entity = self.found.entities.get(key)
            if entity is not None and entity.cls == "InternationalOrganization":
                count, last = index.tally_before(key, before)
                if count:
                    tallies[key] = (count, last)
        if not tallies:
            return None
        return self.found.entities.get(max(tallies, key=tallies.__getitem__))

    def refer_group(self, token: Token) -> list[Entity]:
        """'the three countries', 'both nations': the last N countries named before."""
        if token.lemma_ not in self.lex.words("reference_group_nouns"):
            return []
        numbers = self.lex.raw["number_words"]
        pairs = self.lex.words("pair_words")
        count = next(
            (
                2 if c.lower_ in pairs else int(numbers[c.lower_])
                for c in token.children
                if c.lower_ in pairs or numbers.get(c.lower_, 0) >= 2
            ),
            None,
        )
        if count is None:
            return []
        seen: list[Entity] = []
        for mention in self.found.index.before(token.i, "Country"):
            if mention.entity.cls != "Country":
                continue
            if all(e.key != mention.entity.key for e in seen):
                seen.append(mention.entity)
            if len(seen) == count:
                return list(reversed(seen))
        return []

    def _last_person(self, pronoun: Token) -> Entity | None:
        """'he' / 'she': the person last named as a subject, else the person last named."""
        # not someone the same sentence names after the pronoun ("He spoke with Lorenzana")
        index = self.found.index
        end = pronoun.sent.end
        named_after: dict[str, bool] = {}
        before: list = []
        for m in index.before(pronoun.i, "Person"):
            if m.span.end > pronoun.i or m.entity.cls != "Person":
                continue
            key = m.entity.key
            if key not in named_after:
                named_after[key] = index.key_between(key, pronoun.i + 1, end)
            if named_after[key]:
                continue
            before.append(m)
            if len(before) == 4:
                break
        for mention in before:
            if mention.span.root.dep_ in {"nsubj", "nsubjpass"}:
                return mention.entity
        return before[0].entity if before else None

    def pronoun_antecedent(self, pronoun: Token) -> Entity | None:
        """'it' / 'its': the actor that opens the sentence, else the subject of an earlier one."""
        sent = pronoun.sent
        for token in sent[: min(4, pronoun.i - sent.start)]:
            entity = self.entity(token)
            if entity is not None and entity.cls in ACTOR_CLASSES:
                return entity
        for child in sent.root.children:
            if child.dep_ in {"nsubj", "nsubjpass"} and child.i < pronoun.i:
                entity = self.entity(child)
                if entity is not None and entity.cls in ACTOR_CLASSES:
                    return entity
        for mention in self.found.index.before(sent.start, "Country"):
            if mention.entity.cls != "Country":
                continue
            if (
                mention.span.root.dep_ in {"nsubj", "nsubjpass"}
                or mention.span.start == mention.span.sent.start
            ):
                return mention.entity
        return None

    def as_country(self, entity: Entity) -> Entity | None:
        """A city stands for its country (troops stationed there, a visit to it)."""
        if entity.cls == "Country":
            return entity
        if entity.cls == "City":
            entry = self.gaz.entry(entity.key)
            country = self.gaz.entry(entry.country) if entry is not None and entry.country else None
            country = country or self.gaz.capital_country(entity.label)
            if country is not None:
                return self.found.entities.get(country.key) or entity_from_gazetteer(country)
        return None

    def evidence(self, sent: Span, confidence: float) -> Evidence:
        return sentence_evidence(self.document.id, sent, confidence)

    def use(self, entity: Entity, sent: Span) -> str:
        """Register an entity a fact refers to and return its key."""
        return self.found.touch(entity, sent, 0.9).key

    def day(self, anchor: Token) -> dt.date | None:
        """The day the clause of ``anchor`` names, resolved against the document date."""
        sent = anchor.sent
        dates = self._dates.get(sent.start)
        if dates is None:
            dates = self._dates[sent.start] = SentenceDates(sent, self.date, self.sent_ents(sent))
        return dates.day_for(anchor)

    def country_of(self, entity: Entity) -> Entity | None:
        """The country a person or body belongs to, when the document or gazetteer says so."""
        if entity.cls == "Country":
            return entity
        for _, jurisdiction in self.roles.get(entity.key, []):
            target = self.found.entities.get(jurisdiction)
            if target is not None and target.cls == "Country":
                return target
        spell = self.found.leaders.get(entity.key)
        if spell is not None:
            entry = self.gaz.entry(spell.country)
            if entry is not None:
                return self.found.entities.get(entry.key) or entity_from_gazetteer(entry)
        return None


def _reported_future(verb: Token, modal: Token, lex: Lexicon) -> bool:
    """'announced US troops would be leaving Syria': 'would' as the future of a report,
    not a condition (no 'if' or 'unless' in the sentence)."""
    if (
        modal.lower_ != "would"
        or verb.dep_ != "ccomp"
        or verb.head.lemma_ not in lex.words("reporting_verbs")
    ):
        return False
    return not any(t.lower_ in {"if", "unless"} for t in verb.sent)


def modality(token: Token, lex: Lexicon) -> str:
    """'asserted', 'negated' or 'hypothetical' for the clause that governs ``token``.

    Walks up from the token through its verbs: a negation, a conditional or a
    modal/intention verb on the way makes the statement not a plain fact.
    """
    negative_verbs = lex.words("negative_verbs")
    hypothetical_verbs = lex.words("hypothetical_verbs")
    modals = lex.words("modal_hypothetical")
    marks = lex.words("conditional_marks")
    hypothetical_nouns = lex.words("hypothetical_nouns")
    adjunct_preps = lex.words("adjunct_preps")
    negations = lex.words("negation_words")
    node = came_from = token
    steps = 0
    while steps < 6:
        steps += 1
        if node.dep_ == "pobj" and node.head.lower_ in adjunct_preps:
            # "During the meeting, a plan was considered": the meeting itself is a fact
            return "asserted"
        if node.dep_ == "appos":
            # "Paraguay, a founding member of Mercosur, was suspended": the apposition
            # describes; what the sentence goes on to say does not undo it
            return "asserted"
        if node.pos_ in {"VERB", "AUX"} or node.dep_ == "ROOT":
            for child in node.children:
                if child.dep_ == "neg" or child.lower_ in negations:
                    return "negated"
                if child.dep_ == "aux" and child.lower_ in modals:
                    if not _reported_future(node, child, lex):
                        return "hypothetical"
                if child.dep_ == "mark" and child.lower_ in marks:
                    return "hypothetical"
            if node.lemma_ in negative_verbs and node is not token:
                return "negated"
            if node.lemma_ in hypothetical_verbs and node is not token:
                return "hypothetical"
        elif (
            node.pos_ == "NOUN"
            and node is not token
            and node.lemma_ in hypothetical_nouns
            and came_from.dep_ == "prep"
            and came_from.lower_ in {"of", "for"}
        ):
            return "hypothetical"  # "the prospects of resuming talks", "plans for a summit"
        if node.head == node:
            break
        if node.dep_ in {"advcl", "relcl", "acl"} and node.pos_ in {"VERB", "AUX"}:
            # Stop at a clause boundary; the clause's own markers were checked.
            break
        came_from, node = node, node.head
    return "asserted"


def scaled(confidence: float, mode: str) -> float | None:
    """Confidence after modality: None drops the fact, hypotheticals fall below the default."""
    if mode == "negated":
        return None
    if mode == "hypothetical":
        return confidence * 0.4
    return confidence
