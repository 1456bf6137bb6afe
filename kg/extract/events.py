"""Events: missile and nuclear tests, military exercises, meetings, phone calls and
arms sales, with who did them, with whom, where and when.

Each event is anchored on a trigger found by the rules of two pattern files:
``kg/data/patterns/event_nouns.json`` (event nouns: "a phone call with", "joint
exercises", "a summit in Cairo") and ``event_verbs.json`` ("met X in Y", "travelled to Y
for talks with X") and ``event_clauses.json`` ("fired a ballistic missile", "sold
fighter jets to Y", "spoke by phone with X").
A rule names its event type and the *shape* that reads its phrase; the shapes here
keep the mechanics. Actors come from the trigger's dependents (subject, "by", "with",
"between", possessive and compound modifiers), the place from "in/at/from" phrases, the
date from the clause's day expression where the text gives one. Later mentions of an
event without actors ("the missile test") add evidence to the last event of that type:
one event per happening, not one per sentence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Span, Token

from kg.extract.context import ACTOR_CLASSES, ORG_CLASSES, DocContext, modality, scaled
from kg.extract.registry import register_extractor
from kg.extract.rules import Rule, rule_set
from kg.extract.syntax import clause_preps, governing_verb
from kg.lexicon import lexicon
from kg.model import Entity, Event, has_name
from kg.resolve.sentences import token_sentence_words

NOUN_RULES = "event_nouns"
VERB_RULES = "event_verbs"
CLAUSE_RULES = "event_clauses"
_ENCOUNTERS = frozenset({"Meeting", "PhoneCall"})
_TESTS = frozenset({"MissileTest", "NuclearTest"})
_GUEST_CLASSES = frozenset(
    {"Person", "Country", "Organization", "InternationalOrganization", "GovernmentBody"}
)


@cache
def _words(name: str) -> frozenset[str]:
    return lexicon().words(name)


@cache
def _ev(kind: str, part: str) -> frozenset[str]:
    return lexicon().event(kind, part)


@cache
def _rule_order() -> dict[str, int]:
    """Each rule's place over the pattern files: where rules match one token the earlier wins."""
    files = (NOUN_RULES, VERB_RULES, CLAUSE_RULES)
    return {r.name: n for n, r in enumerate(r for f in files for r in rule_set(f))}


@dataclass
class _Draft:
    type: str
    anchor: Token
    agent: Entity | None = None
    participants: list[Entity] = field(default_factory=list)
    targets: list[Entity] = field(default_factory=list)
    location: Entity | None = None
    date: dt.date | None = None
    name: Entity | None = None
    definite: bool = False
    confidence: float = 0.8
    asserted: bool = True

    def actors(self) -> set[str]:
        keys = {p.key for p in self.participants}
        if self.agent is not None:
            keys.add(self.agent.key)
        return keys


@dataclass(frozen=True)
class _Trigger:
    """A rule's match: the token the event hangs on and the tokens it covers."""

    rule: Rule
    token: Token
    covers: tuple[int, ...]


@register_extractor(
    "event",
    provides=("event",),
    requires=("position", "agreement", "deployment", "membership", "alliance"),
)
class EventExtractor:
    name = "event"

    def __call__(self, ctx: DocContext) -> Iterator[Event]:
        drafts: list[_Draft] = []
        used: set[int] = set()
        for triggers in self._triggers(ctx):
            if triggers[0].token.i in used:
                continue
            found, trigger = self._first_reading(ctx, triggers)
            if not found or trigger is None:
                continue
            used.update(trigger.covers)
            for draft in found:
                used.add(draft.anchor.i)
                mode = modality(draft.anchor, ctx.lex)
                if _spoken_of_as_possible(trigger.token):
                    mode = "hypothetical"  # "a possible nuclear test", "the planned summit"
                confidence = scaled(trigger.rule.confidence, mode)
                if confidence is None:
                    continue
                draft.asserted = mode == "asserted"
                draft.confidence = confidence
                if not draft.definite and _lone(draft):
                    continue  # "X's visit": nobody met, nowhere
                if draft.type == "Meeting" and token_sentence_words(draft.anchor) & _words(
                    "event_sport_words"
                ):
                    continue  # "South Korea meet China in the final": a match
                drafts.append(draft)
        for event in self._merge(ctx, drafts):
            actors = len(event.participants) + (event.agent is not None)
            if event.type in _ENCOUNTERS and actors < 2 and event.location is None:
                continue
            yield event

    # -- triggers -------------------------------------------------------------
    @staticmethod
    def _triggers(ctx: DocContext) -> list[list[_Trigger]]:
        """The rules' matches grouped by trigger token, in document order; a token's
        matches in file order (nouns: the longer phrase first)."""
        by_token: dict[int, list[_Trigger]] = {}
        for match in rule_set(NOUN_RULES).matches(ctx.doc):
            token = match["trigger"]
            covers = tuple(t.i for t in match.nodes.values())
            start = min(covers)
            by_token.setdefault(token.i, []).append(
                _Trigger(match.rule, token, tuple(range(start, token.i + 1)))
            )
        seen: set[tuple[str, int]] = set()
        for name in (VERB_RULES, CLAUSE_RULES):
            for match in rule_set(name).matches(ctx.doc):
                token = match.get("verb") or next(iter(match.nodes.values()))
                if (match.rule.name, token.i) in seen:
                    continue
                seen.add((match.rule.name, token.i))
                by_token.setdefault(token.i, []).append(_Trigger(match.rule, token, (token.i,)))
        order = _rule_order()
        out = []
        for i in sorted(by_token):
            found = sorted(by_token[i], key=lambda t: (-len(t.covers), order[t.rule.name]))
            out.append(found)
        return out

    def _first_reading(
        self, ctx: DocContext, triggers: list[_Trigger]
    ) -> tuple[list[_Draft], _Trigger | None]:
        for trigger in triggers:
            token = trigger.token
            if trigger.rule.get("event_type") is not None:
                if ctx.entity(token) is not None and token.ent_type_ != "EVENT":
                    continue  # part of a name
                if not self._needs(ctx, token, trigger.rule.get("needs")):
                    continue
            shape = _SHAPES[trigger.rule.get("shape", "generic")]
            found = shape(self, ctx, token, trigger.rule.get("event_type"))
            if found:
                return (found if isinstance(found, list) else [found]), trigger
        return [], None

    def _needs(self, ctx: DocContext, noun: Token, need: str | None) -> bool:
        """The check a noun rule asks for before its noun counts as an event."""
        if need is None:
            return True
        if need == "military":
            return self._military_context(ctx, noun)
        if need == "summit":
            # "a summit conference", "to host the session": a gathering, not a press event
            verb = governing_verb(noun)
            held = verb is not None and verb.lemma_ in _words("event_holding_verbs")
            press = any(c.lower_ in _words("event_press_words") for c in noun.children)
            return held and not press or any(c.lower_ == "summit" for c in noun.children)
        if need == "partner":
            return any(c.dep_ == "prep" and c.lower_ in {"with", "between"} for c in noun.children)
        if need == "weapon":
            return self._weapon_object(ctx, noun) is not None
        raise ValueError(f"{NOUN_RULES}.json: unknown need '{need}'")

    # -- verb shapes ------------------------------------------------------------
    def _missile_verb(self, ctx: DocContext, verb: Token, _kind: str | None) -> _Draft | None:
        """'X fired a ballistic missile', 'a missile launched by X'."""
        if verb.dep_ == "acl" and verb.head.lemma_ in _ev("MissileTest", "objects"):
            obj = verb.head
            agents = [
                e
                for p in verb.children
                if p.dep_ == "agent"
                for e in self._prep_object_actors(ctx, p)
            ]
        else:
            obj = self._object(
                verb, _ev("MissileTest", "objects"), {"dobj", "nsubjpass", "npadvmod"}
            )
            agents = self._subject_actors(ctx, verb)
        if obj is None or self._is_attack(verb, obj):
            return None
        draft = _Draft("MissileTest", verb)
        draft.agent = agents[0] if agents else None
        self._places(ctx, draft, [verb, obj], from_is_location=True)
        draft.date = _day(ctx, verb)
        return draft if draft.agent is not None else None

    def _nuclear_verb(self, ctx: DocContext, verb: Token, _kind: str | None) -> _Draft | None:
        """'X detonated a hydrogen bomb'."""
        draft = _Draft("NuclearTest", verb)
        draft.agent = self._subject_actor(ctx, verb)
        if draft.agent is None:
            return None
        self._places(ctx, draft, [verb])
        draft.date = _day(ctx, verb)
        return draft

    def _called(self, ctx: DocContext, verb: Token, _kind: str | None) -> _Draft | None:
        """'Hollande called Prime Minister Modi on Saturday': a telephone call."""
        if not self._called_someone(ctx, verb):
            return None
        draft = _Draft("PhoneCall", verb)
        draft.participants = _unique(self._subject_actors(ctx, verb) + self._dobj_actors(ctx, verb))
        draft.date = _day(ctx, verb)
        return draft if len(draft.participants) >= 2 else None

    def _phoned(self, ctx: DocContext, verb: Token, _kind: str | None) -> _Draft | None:
        draft = _Draft("PhoneCall", verb)
        subjects = self._subject_actors(ctx, verb)
        others = self._prep_actors(ctx, verb, {"with", "to"}) + self._dobj_actors(ctx, verb)
        if not others:
            # "spoken by telephone with X": the partner hangs on 'telephone'
            for prep in clause_preps(verb, {"with", "to"}):
                others += self._prep_object_actors(ctx, prep)
        draft.participants = _unique(subjects + others)
        draft.date = _day(ctx, verb)
        return draft if len(draft.participants) >= 2 else None

    def _arms_verb(self, ctx: DocContext, verb: Token, _kind: str | None) -> _Draft | None:
        obj = self._object(verb, _ev("ArmsSale", "objects"), {"dobj", "nsubjpass"})
        if obj is None or self._weapon_object(ctx, obj, direct=True) is None:
            return None
        return self._arms_sale_verb(ctx, verb, obj)

    def _armed_with(self, ctx: DocContext, verb: Token, _kind: str | None) -> _Draft | None:
        """'X will supply Y with air defence systems': Y receives the weapons X sells."""
        weapon = next(
            (
                o
                for p in verb.children
                if p.dep_ == "prep" and p.lower_ == "with"
                for o in p.children
                if o.dep_ == "pobj"
            ),
            None,
        )
        if weapon is None or self._weapon_object(ctx, weapon, direct=True) is None:
            return None
        seller = self._subject_actor(ctx, verb) or self._controller(ctx, verb)
        if seller is not None and seller.cls != "Country":
            seller = ctx.country_of(seller)
        buyers = [e for e in self._dobj_actors(ctx, verb) if e.cls == "Country"]
        buyers = [e for e in buyers if seller is None or e.key != seller.key]
        if seller is None or not buyers:
            return None
        draft = _Draft("ArmsSale", verb)
        draft.agent, draft.participants = seller, _unique(buyers)
        draft.date = _day(ctx, verb)
        return draft

    def _discussion(self, ctx: DocContext, verb: Token, _kind: str | None) -> _Draft | None:
        """'A discussed trade with B in Rome': the two met (or called, by phone)."""
        kind = "PhoneCall" if self._phone_marker(verb) else "Meeting"
        draft = _Draft(kind, verb)
        # "with" on the verb or on what is discussed, not in "in a call with X"
        heads = [verb, *(c for c in verb.children if c.dep_ == "dobj")]
        partners = [e for head in heads for e in self._prep_actors(ctx, head, {"with"})]
        draft.participants = _unique(self._subject_actors(ctx, verb) + partners)
        if not partners or len(draft.participants) < 2:
            return None
        if kind == "Meeting":
            self._places(ctx, draft, [verb])
            self._clause_city(ctx, draft, verb)
        draft.date = _day(ctx, verb)
        return draft

    def _visiting(self, ctx: DocContext, visiting: Token, _kind: str | None) -> _Draft | None:
        """'X told a visiting Chinese delegation ...': X received the visitors."""
        visitor = visiting.head
        verb = governing_verb(visitor) or (visitor.head if visitor.head.pos_ == "VERB" else None)
        if verb is None:
            return None
        guests = self._dobj_like_actors(ctx, visitor)
        hosts = self._subject_actors(ctx, verb)
        draft = _Draft("Meeting", verb)
        draft.participants = _unique(hosts + guests)
        if not guests or not hosts or len(draft.participants) < 2:
            return None
        self._places(ctx, draft, [verb])
        draft.date = _day(ctx, verb)
        return draft

    # -- noun shapes ------------------------------------------------------------
    def _generic_noun(self, ctx: DocContext, noun: Token, kind: str) -> _Draft | None:
        if self._purpose_of_trip(noun):
            return None  # "travelled to Vilnius for talks with X": the trip is the meeting
        # "A and B were in attendance": the gathering the story is about
        anaphoric = noun.lower_ in _ev(kind, "anaphoric_nouns")
        draft = _Draft(
            kind, noun, definite=anaphoric or any(c.lower_ == "the" for c in noun.children)
        )
        # "a last round of talks in Geneva between A and B": the container holds the details
        container = (
            noun.head.head
            if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.pos_ == "NOUN"
            else None
        )
        heads = [noun] + ([container] if container is not None else [])
        agents, participants = self._phrase_actors(ctx, draft, heads)
        if kind == "MilitaryExercise" and draft.name is None:
            draft.name = self._exercise_named(ctx, noun)
        participants += self._attended_by(ctx, noun, kind)
        if kind == "MilitaryExercise":
            participants += self._gathered(ctx, noun)  # "drills involving troops from A and B"
        participants += self._holders(ctx, noun)
        # "At the opening of the summit, X said": the container's verb
        verb = self._head_verb(container if container is not None else noun)
        if verb is not None:
            participants += self._verb_actors(ctx, noun, verb, kind, container)
        with_partner = any(
            c.dep_ == "prep" and c.lower_ == "with" for h in heads for c in h.children
        )
        if kind == "Meeting" and not with_partner and self._sessions_of_body(ctx, noun):
            return None
        if kind in _ENCOUNTERS and len(participants) == 1 and not agents and with_partner:
            # "Trump in a phone call with Moon discussed ...": the sentence's opening actor
            opener = self._opening_actor(ctx, noun)
            if opener is not None:
                participants.insert(0, opener)
        if kind in _TESTS:
            draft.agent = agents[0] if agents else (participants[0] if participants else None)
        else:
            draft.participants = _unique(agents + participants + self._expected(ctx, noun))
        if kind == "Meeting" and noun.lower_ in _ev(kind, "visit_nouns"):
            self._visited(ctx, draft, noun, verb)
        if draft.location is None:
            self._places(ctx, draft, heads + ([verb] if verb is not None else []))
        draft.date = _day(ctx, noun) or (_day(ctx, container) if container is not None else None)
        return draft

    @staticmethod
    def _purpose_of_trip(noun: Token) -> bool:
        return (
            noun.dep_ == "pobj"
            and noun.head.lower_ == "for"
            and noun.head.head.lemma_ in _ev("Meeting", "trip_verbs")
        )

    def _phrase_actors(
        self, ctx: DocContext, draft: _Draft, heads: list[Token]
    ) -> tuple[list[Entity], list[Entity]]:
        """Agents and participants the noun phrase itself names: its possessive and
        modifiers ("Pakistan's missile test", "US-Korean drills"), 'by'/'of' (agents),
        'with'/'among' and 'between' (participants)."""
        agents: list[Entity] = []
        participants: list[Entity] = []
        modifier_deps = _words("event_modifier_deps")
        for child in (c for h in heads for c in h.children):
            if child.dep_ in modifier_deps:
                for node in (child, *child.conjuncts):
                    if self._names_exercise(ctx, draft, node):
                        continue
                    entity = self._actor(ctx, node)
                    if entity is not None:
                        (agents if child.dep_ == "poss" else participants).append(entity)
            elif child.dep_ == "prep":
                if child.lower_ in _words("event_agent_preps"):
                    agents.extend(self._prep_object_actors(ctx, child))
                elif child.lower_ in _words("event_partner_preps"):
                    participants.extend(self._prep_object_actors(ctx, child))
                elif child.lower_ == "between":
                    participants.extend(
                        e
                        for e in ctx.entities_in(child.subtree)
                        if e.cls in ACTOR_CLASSES or e.cls == "Person"
                    )
        return agents, participants

    def _names_exercise(self, ctx: DocContext, draft: _Draft, node: Token) -> bool:
        """'the Talisman Sabre exercise': a body-like name modifying an exercise is its name."""
        if draft.type != "MilitaryExercise":
            return False
        named = ctx.entity(node)
        if named is None or not (
            named.cls == "Event"
            or named.cls in {"Organization", "ArmedForces"}
            and ctx.gaz.entry(named.key) is None
        ):
            return False
        draft.name = named
        named.cls = "Event"
        return True

    def _exercise_named(self, ctx: DocContext, noun: Token) -> Entity | None:
        if noun.dep_ == "appos":
            named = ctx.entity(noun.head)
            if named is not None and named.cls == "Event":
                return named  # "Talisman Sabre, the large exercise that ..."
        return self._exercise_name(ctx, noun) or self._called_name(ctx, noun)

    def _holders(self, ctx: DocContext, noun: Token) -> list[Entity]:
        """'the exercise that Australia and the United States hold'; 'a summit where
        Presidents A and B signed the agreement': who acts there took part."""
        out: list[Entity] = []
        for clause in (c for c in noun.children if c.dep_ == "relcl"):
            there = any(c.lower_ == "where" for c in clause.children)
            if clause.lemma_ in _words("event_holding_verbs") or there:
                out.extend(self._subject_actors(ctx, clause))
        return out

    def _verb_actors(
        self, ctx: DocContext, noun: Token, verb: Token, kind: str, container: Token | None
    ) -> list[Entity]:
        """Who the verb governing the noun says took part: its subject ('A and B held
        talks'), 'with' ('will hold naval drills with Japan'), a passive's agent ('the
        meeting was attended by A and B'), the troops an exercise brings together."""
        out: list[Entity] = []
        subject = noun.dep_ in {"nsubj", "nsubjpass"}
        if kind == "MilitaryExercise" and subject:
            out += self._gathered(ctx, verb)
        doing = verb.lemma_ in _words("event_doing_verbs")
        governed = noun.dep_ in {"dobj", "pobj", "nsubjpass", "attr"} or noun.head.dep_ == "prep"
        if governed and (doing or kind not in _TESTS):
            # "X denounced the conclusions of the summit": X judged it, did not attend
            judged = container is not None and container.lemma_ in _words("event_outcome_nouns")
            if not judged:
                out += self._subject_actors(ctx, verb)
            if kind in {"MilitaryExercise", "Meeting"} and noun.dep_ == "dobj":
                out += self._prep_actors(ctx, verb, {"with"})
        if kind == "PhoneCall" and noun.dep_ == "pobj" and noun.head.dep_ == "prep":
            # "X told Y in a phone call": whom X addressed (at a meeting, whom a speaker
            # addresses is often not one who met)
            addressed = [c for c in verb.children if c.dep_ in {"dobj", "dative"}]
            out += [e for c in addressed for n in (c, *c.conjuncts) if (e := self._actor(ctx, n))]
        if subject:
            for child in verb.children:
                if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "by"):
                    # "The meeting was attended by A and minister B, ...": everyone listed
                    listed = ctx.entities_in(child.subtree, {"Person"})
                    out += listed or self._prep_object_actors(ctx, child)
        return out

    def _gathered(self, ctx: DocContext, verb: Token) -> list[Entity]:
        """'The drills bring together troops from A, B and C', 'drills involving A and B'."""
        gathering = _words("exercise_gathering_verbs")
        out: list[Entity] = []
        for verb_ in (verb, *(c for c in verb.children if c.dep_ in {"conj", "acl", "relcl"})):
            if verb_.lemma_ not in gathering:
                continue
            for obj in (c for c in verb_.children if c.dep_ == "dobj"):
                out += self._group_members(ctx, obj)
                for prep in (c for c in obj.children if c.dep_ == "prep" and c.lower_ == "from"):
                    out += ctx.entities_in(prep.subtree, {"Country"})
        return out

    def _visited(self, ctx: DocContext, draft: _Draft, noun: Token, verb: Token | None) -> None:
        """'X's visit to Y': a meeting in Y with its country as host, unless the people
        met are named; 'X received a visit from Y': a meeting in X's country."""
        light = [verb] if verb is not None and noun.dep_ == "dobj" else []  # "made a visit to"
        for child in (c for h in (noun, *light) for c in h.children):
            if child.dep_ == "prep" and child.lower_ == "to":
                place = self._place_in(ctx, child)
                if place is None or place.cls not in {"City", "Country"}:
                    continue
                host = ctx.as_country(place)
                draft.location = place
                people = [p for p in draft.participants if p.cls == "Person"]
                if host is not None and draft.participants and len(people) < 2:
                    draft.participants = _unique(draft.participants + [host])
                return
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ == "from":  # "a visit from X"
                draft.participants = _unique(
                    draft.participants + self._prep_object_actors(ctx, child)
                )
        if verb is not None and verb.lemma_ in _ev("Meeting", "hosting_verbs"):
            host = self._subject_actor(ctx, verb)
            country = ctx.country_of(host) if host is not None else None
            if country is not None and len(draft.participants) >= 2:
                draft.location = country

    @staticmethod
    def _expected(ctx: DocContext, noun: Token) -> list[Entity]:
        """'Leaders expected to attend the summit include A and B': the people a list
        names as those attending (the parser may make 'include' a conjunct of 'expected')."""
        attending = _ev("Meeting", "attending_verbs")
        listing = _ev("Meeting", "listing_verbs")
        node, chain = noun, []
        for _ in range(6):
            if node.head.i == node.i:
                break
            node = node.head
            chain.append(node)
        if not any(t.lemma_ in attending for t in chain):
            return []
        for top in chain:
            for verb in (top, *top.conjuncts):
                if verb.lemma_ not in listing or verb.i < noun.i:
                    continue
                return [
                    e
                    for child in verb.children
                    if child.dep_ in {"dobj", "attr"}
                    for e in ctx.entities_in(child.subtree, {"Person"})
                ]
        return []

    @staticmethod
    def _attended_by(ctx: DocContext, noun: Token, kind: str) -> list[Entity]:
        """'the meeting, held at the palace and attended by A and B': the people of a
        subjectless participle that follows the noun closely (the parser may hang it on
        the main verb rather than on the noun)."""
        verbs = _ev(kind, "attending_verbs")
        end = min(noun.i + 12, noun.sent.end)
        found: list[Entity] = []
        for token in noun.doc[noun.i + 1 : end]:
            if token.lemma_ not in verbs or token.tag_ != "VBN":
                continue
            if any(c.dep_ in {"nsubj", "nsubjpass"} for c in token.children):
                continue
            for child in token.children:
                if child.dep_ == "agent":
                    found.extend(ctx.entities_in(child.subtree, {"Person"}))
        return found

    @staticmethod
    def _sessions_of_body(ctx: DocContext, noun: Token) -> bool:
        """'the General Assembly meetings', 'the IMF's annual meetings': the sittings
        of an organisation, not a meeting between parties."""
        if noun.tag_ != "NNS":
            return False
        owners = [ctx.entity(c) for c in noun.children if c.dep_ in {"poss", "compound", "nmod"}]
        return any(e is not None and e.cls in ORG_CLASSES for e in owners)

    def _opening_actor(self, ctx: DocContext, noun: Token) -> Entity | None:
        """The person or country that opens the sentence, before the event noun."""
        for token in noun.sent:
            if token.i >= noun.i:
                return None
            entity = ctx.entity(token)
            if entity is not None and entity.cls in {"Person", "Country"}:
                return entity if token.dep_ != "pobj" else None
        return None

    def _meeting_verb(
        self, ctx: DocContext, verb: Token, _kind: str | None = None
    ) -> _Draft | list[_Draft] | None:
        draft = _Draft("Meeting", verb)
        lemma = verb.lemma_.lower()
        subjects = self._subject_actors(ctx, verb)
        others = self._prep_actors(ctx, verb, {"with"}) + self._dobj_actors(ctx, verb)
        if lemma in _ev("Meeting", "hosting_verbs"):
            # "X was received by President Y": the host is the agent of the passive
            for child in verb.children:
                if child.dep_ == "agent":
                    others += self._prep_object_actors(ctx, child)
        if lemma == "visit":
            place = next(
                (ctx.entity(c) for c in verb.children if c.dep_ == "dobj" and ctx.entity(c)), None
            )
            if place is not None and place.cls in {"City", "Country"}:
                draft.location = place
                host = ctx.as_country(place)
                others = [host] if host is not None else []
        if lemma in _ev("Meeting", "hosting_verbs"):
            # guests are people or states, not what is received ("received an Oscar")
            others = [e for e in others if e.cls in _GUEST_CLASSES]
            if not others:
                return None  # "Qatar has hosted 10,000 US troops": no guest, no meeting
        if lemma == "gather" and any(c.dep_ == "dobj" for c in verb.children):
            return None  # "competitors are gathering strength"
        draft.participants = _unique(subjects + others)
        if draft.location is None:
            self._places(ctx, draft, [verb])
        self._clause_city(ctx, draft, verb)
        draft.date = _day(ctx, verb)
        if len(draft.participants) < 2 and not (draft.participants and draft.location):
            return None
        separate = self._separate_partners(ctx, verb)
        if lemma == "meet" and len(separate) > 1:
            # "met with the IMF, then with President Trump": one meeting each
            drafts = []
            for partners in separate:
                one = _Draft("Meeting", verb)
                one.participants = _unique(subjects + partners)
                one.location, one.date = draft.location, draft.date
                drafts.append(one)
            return drafts
        return draft

    def _separate_partners(self, ctx: DocContext, verb: Token) -> list[list[Entity]]:
        """Partners of each 'with' phrase that follows another ('with A, then with B')."""
        groups = []
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ == "with":
                groups.append(self._prep_object_actors(ctx, child))
                for conj in child.conjuncts:
                    if conj.lower_ == "with":
                        groups.append(self._prep_object_actors(ctx, conj))
        return [g for g in groups if g]

    def _agreed_together(self, ctx: DocContext, verb: Token, _kind: str | None) -> _Draft | None:
        """'A and his counterpart B agreed in Tokyo on Wednesday to ...': two people who
        agree somewhere have met there."""
        people = [e for e in self._subject_actors(ctx, verb) if e.cls == "Person"]
        if len(people) < 2:
            return None
        place = None
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ in {"in", "at"}:
                place = self._place_in(ctx, child)
        if place is None or place.cls != "City":
            return None
        draft = _Draft("Meeting", verb)
        draft.participants = people
        draft.location = place
        draft.date = _day(ctx, verb)
        return draft

    def _trip(self, ctx: DocContext, verb: Token, _kind: str | None) -> _Draft | None:
        """'X will travel to Tehran on Tuesday': a visit, met by the host country, or by
        the people named in 'for talks with A'."""
        preps = {"to", "in"} if verb.lemma_ == "arrive" else {"to"}
        place = None
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ in preps:
                place = self._place_in(ctx, child)
        if place is None or place.cls not in {"City", "Country"}:
            return None
        movers = _words("troop_nouns") | _words("non_visitor_nouns")
        heads = [c for c in verb.children if c.dep_ == "nsubj"]
        heads += [g for h in heads for p in h.children if p.lower_ == "of" for g in p.children]
        if any(h.lower_ in movers for h in heads):
            return None  # "police officers arrived in X": a deployment, not a visit
        visitors = [e for e in self._subject_actors(ctx, verb) if e.cls in {"Person", "Country"}]
        host = ctx.as_country(place)
        if not visitors or host is None or any(v.key == host.key for v in visitors):
            return None
        draft = _Draft("Meeting", verb)
        partners: list[Entity] = []
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ == "for":
                for talks in (c for c in child.children if c.dep_ == "pobj"):
                    if talks.lower_ in _ev("Meeting", "nouns"):
                        partners += self._prep_actors(ctx, talks, {"with"})
        draft.participants = _unique(visitors + (partners or [host]))
        draft.location = place
        draft.date = _day(ctx, verb)
        return draft

    def _arms_sale_noun(self, ctx: DocContext, noun: Token, _kind: str | None) -> _Draft:
        draft = _Draft("ArmsSale", noun)
        obj = self._weapon_object(ctx, noun) or noun
        draft.agent = self._origin(ctx, obj) or self._origin(ctx, noun)
        if draft.agent is None:
            # "the United States approved an arms sale to Taiwan": who approves it sells
            verb = governing_verb(noun)
            seller = self._subject_actor(ctx, verb) if verb is not None else None
            if seller is not None and seller.cls != "Person":
                draft.agent = seller
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ in {"by", "to"}:
                draft.participants.extend(self._prep_object_actors(ctx, child))
        draft.date = _day(ctx, noun)
        return draft

    def _deal_partners(self, ctx: DocContext, verb: Token) -> list[Entity]:
        """'signed a contract with India to buy missiles': the other side of the deal."""
        head = verb.head
        if head.pos_ == "NOUN":
            return [e for e in self._prep_actors(ctx, head, {"with"}) if e.cls == "Country"]
        return []

    def _controller(self, ctx: DocContext, verb: Token) -> Entity | None:
        """Who does a verb with no subject of its own: 'India signed a contract to buy
        jets' — the subject of the nearest verb above it."""
        node = verb
        for _ in range(4):
            if node.head == node:
                return None
            node = node.head
            if node.pos_ in {"VERB", "AUX"}:
                return self._subject_actor(ctx, node)
        return None

    def _arms_sale_verb(self, ctx: DocContext, verb: Token, obj: Token) -> _Draft | None:
        draft = _Draft("ArmsSale", verb)
        lemma = verb.lemma_.lower()
        subject = self._subject_actor(ctx, verb) or self._controller(ctx, verb)
        recipients = self._prep_actors(ctx, verb, {"to"}) + self._prep_actors(ctx, obj, {"to"})
        if lemma in _ev("ArmsSale", "buy_verbs"):
            draft.participants = [subject] if subject else []
            draft.agent = (
                self._origin(ctx, obj)
                or next(iter(self._prep_actors(ctx, verb, {"from"})), None)
                or next(iter(self._deal_partners(ctx, verb)), None)
            )
        else:
            draft.agent = (
                subject
                if subject is not None and subject.cls == "Country"
                else self._origin(ctx, obj)
            )
            if draft.agent is None and subject is not None:
                draft.agent = ctx.country_of(subject)
            draft.participants = _unique(recipients)
        if draft.agent is None or not draft.participants:
            return None
        draft.date = _day(ctx, verb)
        if draft.date is None and verb.head.pos_ == "NOUN" and verb.head.head.pos_ == "VERB":
            draft.date = _day(ctx, verb.head.head)  # "on Friday signed a contract to buy ..."
        return draft

    # -- helpers ----------------------------------------------------------------
    def _actor(self, ctx: DocContext, token: Token) -> Entity | None:
        entity = ctx.entity(token)
        if entity is None and token.pos_ == "PRON":
            entity = ctx.refer(token)
        if entity is not None and (entity.cls in ACTOR_CLASSES or entity.cls == "Person"):
            return entity
        return None

    def _subject_actors(self, ctx: DocContext, verb: Token) -> list[Entity]:
        out: list[Entity] = []
        subjects = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
        to = (
            verb.dep_ == "xcomp"
            or verb.dep_ == "advcl"
            and any(c.lower_ == "to" for c in verb.children)
        )
        if not subjects and to:
            # "sent Secretary of State Mike Pompeo to join the meeting": whom it was sent
            subjects = [c for c in verb.head.children if c.dep_ == "dobj" and ctx.entity(c)]
        if not subjects and verb.dep_ in {"conj", "xcomp", "advcl"}:
            subjects = [c for c in verb.head.children if c.dep_ == "nsubj"]
        for subject in subjects:
            for node in (subject, *subject.conjuncts):
                entity = self._actor(ctx, node)
                if entity is not None:
                    out.append(entity)
                elif node.pos_ == "NOUN":
                    # "the delegations of X and Y", "the board of governors of the IAEA",
                    # "his counterparts, A, B and C"
                    out.extend(self._group_members(ctx, node))
                    for appos in (c for c in node.children if c.dep_ == "appos"):
                        out.extend(self._actor(ctx, n) for n in (appos, *appos.conjuncts))
            # People named anywhere in the subject phrase, however it was parsed
            # ("US President A and Turkish President B spoke ..."); their titles' countries
            # are not participants of their own.
            people = [e for e in ctx.entities_in(subject.subtree, {"Person"})]
            if people:
                out = [e for e in out if e is not None and e.cls == "Person"] + people
        return _unique(out)

    def _subject_actor(self, ctx: DocContext, verb: Token) -> Entity | None:
        actors = self._subject_actors(ctx, verb)
        return actors[0] if actors else None

    def _group_members(self, ctx: DocContext, noun: Token) -> list[Entity]:
        """'the delegations of X, Y and Z' / 'US and South Korean forces'."""
        out = []
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                found = self._prep_object_actors(ctx, child)
                if not found:
                    for grand in child.children:
                        if grand.dep_ == "pobj" and grand.pos_ == "NOUN":
                            found = self._group_members(ctx, grand)
                out.extend(found)
            if child.dep_ in {"compound", "amod", "nmod", "poss"}:
                for node in (child, *child.conjuncts):
                    entity = self._actor(ctx, node)
                    if entity is not None:
                        out.append(entity)
        return out

    def _prep_actors(self, ctx: DocContext, head: Token, preps: set[str]) -> list[Entity]:
        out = []
        nodes = [head, *[c for c in head.children if c.dep_ == "conj" and c.pos_ != "VERB"]]
        for node in nodes:
            for child in node.children:
                if child.dep_ in {"prep", "dative"} and child.lower_ in preps:
                    out.extend(self._prep_object_actors(ctx, child))
        # "met with X, then with Y": a conjoined second prepositional phrase
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in preps:
                for conj in child.conjuncts:
                    if conj.lower_ in preps:
                        out.extend(self._prep_object_actors(ctx, conj))
        return out

    def _prep_object_actors(self, ctx: DocContext, prep: Token) -> list[Entity]:
        out = []
        for child in prep.children:
            if child.dep_ in {"pobj", "pcomp"}:
                if prep.lower_ == "with" and (
                    child.pos_ == "VERB"
                    or any(c.dep_ == "acl" and c.tag_ == "VBG" for c in child.children)
                ):
                    continue  # "with X taking over": what went on, not whom one met
                for node in (child, *child.conjuncts):
                    entity = self._actor(ctx, node)
                    if entity is None and node.lower_ in _words("actor_group_nouns"):
                        out.extend(self._group_members(ctx, node))
                        continue
                    if entity is None:
                        entity = self._person_in(ctx, node)
                    if entity is None and node.i + 1 < len(node.doc):
                        # "with his counterpart Moon Jae-in", whatever the parser made of the name
                        following = ctx.entity(node.doc[node.i + 1])
                        if following is not None and following.cls == "Person":
                            entity = following
                    if entity is None:
                        entity = self._named_after(ctx, node)
                    if entity is not None:
                        out.append(entity)
        return out

    @staticmethod
    def _named_after(ctx: DocContext, node: Token) -> Entity | None:
        """'with the rector of the university, Maria Wedel,': the person named right
        after a title phrase and a comma, whatever the parser made of the apposition."""
        doc, end = node.doc, node.right_edge.i + 1
        if node.pos_ != "NOUN" or end + 1 >= node.sent.end or doc[end].text != ",":
            return None
        entity = ctx.entity(doc[end + 1])
        return entity if entity is not None and entity.cls == "Person" else None

    def _person_in(self, ctx: DocContext, node: Token) -> Entity | None:
        """The person a title phrase ends with ('his counterpart Moon Jae-in', 'the
        ambassador accredited in Nicaragua, Andrey Budaev'): a name the phrase's head holds
        or one in apposition, not one in the phrases hanging on it ('received the sack
        ... with X taking over')."""
        for token in node.subtree:
            entity = ctx.entity(token)
            if entity is None or entity.cls != "Person":
                continue
            if token.i == node.i or token.head.i == node.i or token.dep_ == "appos":
                return entity
        return None

    def _dobj_actors(self, ctx: DocContext, verb: Token) -> list[Entity]:
        out = []
        for child in verb.children:
            if child.dep_ == "dobj":
                for node in (child, *child.conjuncts):
                    out.extend(self._dobj_like_actors(ctx, node))
        return out

    def _dobj_like_actors(self, ctx: DocContext, node: Token) -> list[Entity]:
        """Who an object names: a name, the person of a title phrase, or the countries
        and bodies of a group ('his Ghanaian counterpart', 'a Chinese delegation')."""
        entity = self._actor(ctx, node) or self._person_in(ctx, node)
        if entity is not None:
            return [entity]
        if node.pos_ != "NOUN" or node.lower_ in _words("troop_nouns"):
            return []  # "hosted 10,000 US troops": no guests
        people = _words("actor_group_nouns") | _words("event_counterpart_nouns")
        if node.lower_ in people or node.lemma_ in _words("role_heads"):
            return self._group_members(ctx, node)  # not "received 25,000 US patents"
        return []

    @staticmethod
    def _object(verb: Token, objects: frozenset[str], deps: set[str]) -> Token | None:
        for child in verb.children:
            if child.dep_ in deps:
                words = {child.lower_, child.lemma_.lower()}
                words |= {
                    f"{c.lower_} {child.lower_}"
                    for c in child.children
                    if c.dep_ in {"compound", "amod"}
                }
                if words & objects:
                    return child
        return None

    @staticmethod
    def _is_attack(verb: Token, obj: Token) -> bool:
        """'fired rockets at the town', 'a missile strike': an attack, not a test. What a
        missile is 'capable of hitting' is no attack."""
        attack, preps = _words("event_attack_words"), _words("event_attack_preps")
        capable = _words("event_capability_words")
        for node in (verb, obj):
            for child in node.children:
                if child.dep_ == "prep" and child.lower_ in preps:
                    objects = [g for g in child.children if g.dep_ == "pobj"]
                    if any(g.ent_type_ not in {"DATE", "TIME"} for g in objects):
                        return True
                if child.lower_ in attack or child.lemma_ in attack:
                    return True
        said = {t.i for c in obj.subtree if c.lower_ in capable for t in c.subtree}
        return any(t.lower_ in attack for t in obj.subtree if t.i not in said)

    def _called_someone(self, ctx: DocContext, verb: Token) -> bool:
        """'called X' with a person as its object and nothing said of X ('called him a
        liar', 'called on X to ...', 'called for X' are not calls)."""
        children = list(verb.children)
        if any(c.dep_ in {"oprd", "ccomp", "prt"} for c in children):
            return False
        not_calls = _ev("PhoneCall", "not_call_preps")
        if any(c.dep_ == "prep" and c.lower_ in not_calls for c in children):
            return False
        objects = [c for c in children if c.dep_ == "dobj"]
        return any(
            (e := self._actor(ctx, o) or self._person_in(ctx, o)) is not None and e.cls == "Person"
            for o in objects
        )

    def _phone_marker(self, verb: Token) -> bool:
        words = _ev("PhoneCall", "phone_words")
        return any(
            t.lower_ in words
            for child in verb.children
            if child.dep_ == "prep"
            for t in child.subtree
        )

    def _weapon_object(self, ctx: DocContext, token: Token, direct: bool = False) -> Token | None:
        """The weapon a sale is about: 'arms', 'fighter jets', 'air defence systems'.

        Generic words ('systems', 'equipment', 'aircraft') count only with a military
        modifier."""
        objects = _ev("ArmsSale", "objects")
        generic = _ev("ArmsSale", "generic_objects")
        military = _ev("ArmsSale", "military_modifiers")
        candidates = [token] if direct else [t for t in token.subtree if t.i != token.i]
        for t in candidates:
            words = {t.lower_, f"{t.nbor(-1).lower_} {t.lower_}" if t.i > 0 else ""}
            if not words & objects and t.lower_ not in generic:
                continue
            if t.lower_ in generic:
                modifiers = {c.lower_ for c in t.subtree if c.i < t.i}
                if not modifiers & military:
                    continue
            return t
        return None

    def _origin(self, ctx: DocContext, obj: Token) -> Entity | None:
        """'American military equipment' → the United States."""
        for child in obj.children:
            if child.dep_ in {"amod", "compound", "nmod"}:
                entity = ctx.entity(child)
                if entity is not None and entity.cls == "Country":
                    return entity
        return None

    def _places(
        self, ctx: DocContext, draft: _Draft, heads: list[Token], from_is_location: bool = False
    ) -> None:
        preps = _words("event_place_preps") | ({"from"} if from_is_location else set())
        towards = _words("event_target_preps")
        for head in heads:
            for child in head.children:
                if child.dep_ != "prep":
                    continue
                if child.lower_ in preps and draft.location is None:
                    place = self._place_in(ctx, child)
                    if place is not None:
                        draft.location = place
                if child.lower_ in towards:
                    draft.targets.extend(ctx.entities_in(child.subtree, {"Country"}))
            # "a missile that flew over Japan"; "the summit, to be held in Sharm El-Sheikh"
            holding = _words("event_holding_verbs")
            for child in head.children:
                if child.dep_ in {"relcl", "acl", "advcl"}:
                    for grand in child.children:
                        if grand.dep_ == "prep" and grand.lower_ == "over":
                            draft.targets.extend(ctx.entities_in(grand.subtree, {"Country"}))
                        elif grand.dep_ == "prep" and grand.lower_ in preps:
                            place = self._place_in(ctx, grand)
                            if child.lemma_ in holding and draft.location is None:
                                city = place is not None and place.cls in {"City", "Country"}
                                draft.location = place if city else None

    def _place_in(self, ctx: DocContext, prep: Token) -> Entity | None:
        """The place a preposition's object names ('in Cairo', 'from its capital Pyongyang')."""
        for pobj in (c for c in prep.children if c.dep_ == "pobj"):
            for node in (pobj, *pobj.children):
                if node.dep_ not in {"pobj", "appos", "compound"}:
                    continue
                mention = ctx.found.mention_at(node)
                if mention is not None and mention.kind != "demonym":
                    if mention.entity.cls in _words("event_place_classes"):
                        return mention.entity
        return None

    def _clause_city(self, ctx: DocContext, draft: _Draft, verb: Token) -> None:
        """'met for their summit, that time in Athens': a city anywhere in the clause."""
        if draft.location is not None:
            return
        for prep in clause_preps(verb, {"in", "at"}):
            place = self._place_in(ctx, prep)
            if place is not None and place.cls == "City":
                draft.location = place
                return

    @staticmethod
    def _head_verb(noun: Token) -> Token | None:
        node = noun
        for _ in range(3):
            if node.head == node:
                return None
            node = node.head
            if node.pos_ in {"VERB", "AUX"}:
                return node
        return None

    def _military_context(self, ctx: DocContext, noun: Token) -> bool:
        cues = _words("exercise_cues")
        sent = noun.sent
        key = ("military", sent.start, sent.end)
        found = ctx.memo.get(key)
        if found is None:
            # where the sentence has a cue word and where it names armed forces, found once
            cued = [t.i for t in sent if t.lower_ in cues]
            armed = [
                t.i for t in sent if (e := ctx.entity(t)) is not None and e.cls == "ArmedForces"
            ]
            found = ctx.memo[key] = (cued, armed)
        cued, armed = found
        if any(i != noun.i for i in cued[:2]):
            return True
        doc = noun.doc
        return any(
            i != noun.i and (e := ctx.entity(doc[i])) is not None and e.cls == "ArmedForces"
            for i in armed
        )

    def _called_name(self, ctx: DocContext, noun: Token) -> Entity | None:
        """'The drills, code-named Amber Shield, ...': the name given after the noun."""
        doc = noun.doc
        i = noun.i + 1
        while i < noun.sent.end and doc[i].text in {",", "-"}:
            i += 1
        words = []
        naming = _words("event_naming_words")
        while i < noun.sent.end and doc[i].lower_ in naming:
            words.append(doc[i].lower_)
            i += 1
        if not any(w in _words("event_naming_verbs") for w in words):
            return None
        start = i
        while i < noun.sent.end and doc[i].is_title:
            i += 1
        if i == start:
            return None
        from kg.resolve.mentions import clean_name, slug

        span = doc[start:i]
        name = clean_name(span.text)
        if not has_name(name):
            return None
        for token in span:
            mention = ctx.found.by_token.pop(token.i, None)
            if mention is not None and ctx.found.remove_mention(mention):
                key = mention.entity.key
                if not ctx.found.mention_count(key) and not ctx.named_by_facts(key):
                    ctx.found.entities.pop(key, None)
        entity = Entity(key=f"event:{slug(name)}", cls="Event", label=name)
        return ctx.found.add_mention(span, entity, "name", 0.75).entity

    def _exercise_name(self, ctx: DocContext, noun: Token) -> Entity | None:
        """A capitalised name before 'exercises' ('Ulchi Freedom Guardian joint exercises')."""
        doc = noun.doc
        i = noun.i - 1
        modifiers = _words("exercise_name_modifiers")
        while i >= noun.sent.start and doc[i].lower_ in modifiers:
            i -= 1
        end = i + 1
        while i >= noun.sent.start and doc[i].is_title and not doc[i].is_sent_start:
            i -= 1
        start = i + 1
        if end - start < 1:
            return None
        span = doc[start:end]
        if any(
            ctx.entity(t) is not None and ctx.entity(t).cls in {"Country", "Person", "City"}
            for t in span
        ):
            return None
        from kg.resolve.mentions import clean_name, slug

        name = clean_name(span.text)
        if not has_name(name):
            return None
        existing = ctx.entity(span[0])
        if existing is not None:
            existing.cls = "Event"
            return existing
        entity = Entity(key=f"event:{slug(name)}", cls="Event", label=name)
        return ctx.found.add_mention(span, entity, "name", 0.7).entity

    # -- merging ------------------------------------------------------------------
    def _merge(self, ctx: DocContext, drafts: list[_Draft]) -> Iterator[Event]:
        events: list[tuple[_Draft, list]] = []
        # an event named without its actors ("began a two-week exercise on Monday"), waiting
        # for the next mention of its kind to name them ("The drills bring together ...")
        pending: dict[str, _Draft] = {}
        for draft in drafts:
            sent = draft.anchor.sent
            waiting = pending.pop(draft.type, None)
            if (
                waiting is not None
                and draft.actors()
                and (draft.definite or _goes_on(waiting, draft))
            ):
                draft.date = draft.date or waiting.date
                draft.location = draft.location or waiting.location
            target = self._same_event(events, draft)
            if target is not None:
                base, evidence = target
                if not draft.actors() and draft.definite:
                    base.date = base.date or draft.date
                base.participants = _unique(base.participants + draft.participants)
                base.agent = base.agent or draft.agent
                base.location = base.location or draft.location
                base.date = base.date or draft.date
                base.name = base.name or draft.name
                base.targets = _unique(base.targets + draft.targets)
                evidence.append((sent, draft.confidence))
                continue
            if not draft.actors():
                if draft.date is not None or draft.location is not None:
                    pending[draft.type] = draft
                continue
            if draft.definite and draft.date is None and draft.location is None:
                previous = next((d for d, _ in reversed(events) if d.type == draft.type), None)
                if previous is not None:
                    draft.date, draft.location = previous.date, previous.location
            events.append((draft, [(sent, draft.confidence)]))
        for draft, evidence in events:
            yield self._to_event(ctx, draft, evidence)

    @staticmethod
    def _same_event(events: list, draft: _Draft):
        # "the meeting" refers to the last meeting that took place, not to talks only hoped for
        last = next((c for c in reversed(events) if c[0].asserted), None)
        for candidate in reversed(events):
            base = candidate[0]
            if base.type != draft.type:
                continue
            if draft.name is not None and base.name is not None and draft.name.key == base.name.key:
                return candidate
            actors = draft.actors()
            if not actors:
                return (
                    candidate
                    if draft.definite or draft.type in {"MissileTest", "NuclearTest"}
                    else None
                )
            if draft.date and base.date and draft.date != base.date:
                continue
            if draft.location and base.location and draft.location.key != base.location.key:
                continue
            base_actors = base.actors()
            if actors <= base_actors or base_actors <= actors:
                return candidate
            # "The Italian foreign minister joined the talks": a definite mention of the last
            # such event adds its actors, as long as both name the same kind of actor
            # (people joining people; countries joining countries).
            if draft.definite and not (draft.date and draft.location) and candidate is last:
                kinds = {e.cls == "Person" for e in draft.participants}
                base_kinds = {e.cls == "Person" for e in base.participants}
                if (
                    kinds
                    and kinds == base_kinds
                    and draft.anchor.sent.start - base.anchor.sent.start < 400
                ):
                    return candidate
        return None

    def _to_event(
        self, ctx: DocContext, draft: _Draft, evidence: list[tuple[Span, float]]
    ) -> Event:
        sent = draft.anchor.sent
        agent = ctx.use(draft.agent, sent) if draft.agent is not None else None
        participants = {ctx.use(p, sent) for p in draft.participants if p is not draft.agent}
        if agent in participants:
            participants.discard(agent)
        actor_labels = [
            e.label for e in ([draft.agent] if draft.agent else []) + draft.participants
        ]
        label = lexicon().raw["event_labels"][draft.type]
        if draft.name is not None:
            label = draft.name.label
        elif actor_labels:
            joiner = " by " if draft.type in {"MissileTest", "NuclearTest", "ArmsSale"} else " of "
            label = label + joiner + ", ".join(dict.fromkeys(actor_labels))
        return Event(
            type=draft.type,
            label=label,
            agent=agent,
            participants=participants,
            targets={ctx.use(t, sent) for t in draft.targets},
            location=ctx.use(draft.location, sent) if draft.location is not None else None,
            date=draft.date,
            name_entity=ctx.use(draft.name, sent) if draft.name is not None else None,
            evidence=[ctx.evidence(s, c) for s, c in evidence],
        )


def _lone(draft: _Draft) -> bool:
    """A meeting or call with one actor and no place says nothing about whom it joined."""
    return (
        draft.type in _ENCOUNTERS
        and len(draft.actors()) < 2
        and draft.location is None
        and draft.date is None
    )


def _day(ctx: DocContext, anchor: Token) -> dt.date | None:
    """The day the text gives for the anchor's clause; for a 'when' clause, the day of
    the clause it modifies ("That changed on 8 August 2019, when A met B")."""
    day = ctx.day(anchor)
    if day is not None:
        return day
    clause = anchor
    for _ in range(4):
        if clause.pos_ in {"VERB", "AUX"} or clause.head == clause:
            break
        clause = clause.head
    if clause.dep_ in {"advcl", "relcl"} and any(c.lower_ == "when" for c in clause.children):
        return ctx.day(clause.head)
    return None


def _spoken_of_as_possible(noun: Token) -> bool:
    return any(c.lower_ in _words("event_possible_modifiers") for c in noun.children)


def _goes_on(visit: _Draft, draft: _Draft) -> bool:
    """'The president made a visit to Turkey. He was received by ...': a visit whose
    visitor is not named, told on in the next sentences by a meeting without a place."""
    return (
        visit.anchor.lower_ in _ev("Meeting", "visit_nouns")
        and visit.location is not None
        and draft.location is None
        and draft.anchor.i - visit.anchor.i < 80
    )


def _unique(entities: list[Entity]) -> list[Entity]:
    out: dict[str, Entity] = {}
    for entity in entities:
        if entity is not None:
            out.setdefault(entity.key, entity)
    return list(out.values())


_SHAPES: dict[str, Callable] = {
    "generic": EventExtractor._generic_noun,
    "arms_noun": EventExtractor._arms_sale_noun,
    "missile": EventExtractor._missile_verb,
    "nuclear": EventExtractor._nuclear_verb,
    "meeting": EventExtractor._meeting_verb,
    "trip": EventExtractor._trip,
    "agreed": EventExtractor._agreed_together,
    "called": EventExtractor._called,
    "phone": EventExtractor._phoned,
    "arms": EventExtractor._arms_verb,
    "armed_with": EventExtractor._armed_with,
    "discussion": EventExtractor._discussion,
    "visiting": EventExtractor._visiting,
}
