"""Within-document entity resolution: every entity mention of a parsed document
is tied to one :class:`kg.model.Entity`.

What it resolves: gazetteer names, acronyms and aliases; demonyms ("South
Korean" → South Korea); capitals used as metonyms ("Seoul said" → South Korea)
versus as places ("in Seoul" → the city); "the North" / "the South" where the
story has both halves of a divided country; people by full name, surname or
title + surname, with dated leaders from the gazetteer ("President Trump" in a
2019 story is Donald Trump of the United States).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.attrs import ORTH
from spacy.tokens import Doc, Span, Token

from kg.components.words import name_words, organization_class_rules, resolution_words
from kg.gazetteer import GazEntry, Gazetteer, LeaderSpell
from kg.model import Document, Entity, Evidence, has_name
from kg.resolve import officeholders
from kg.resolve.index import MentionIndex
from kg.resolve.officeholders import name_key
from kg.resolve.sentences import index_sentences, trimmed_sentence
from kg.slugs import slug

# Prepositions after which a capital names the city, not its government.
_PLACE_PREPS = resolution_words("capital_place_prepositions")
# Title, honorific and rank words and organisation head nouns of the name components.
_NAME_WORDS = name_words()
_TITLES = resolution_words("titles_before_names")
_REGION_WORDS = resolution_words("region_words")
_NOT_PLACES = resolution_words("not_places")
_EVENT_NOUNS = resolution_words("event_nouns")
_MEDIA_WORDS = resolution_words("media_words")
_TITLE_MODIFIERS = resolution_words("title_modifiers")
_NAME_PARTICLES = resolution_words("name_particles")
_ORG_NOISE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
_CONFIDENCE = {"gazetteer": 0.95, "ner": 0.75}
# Gazetteer classes whose entries of one country are linked only where the story places
# them (parties: "Labour", "Conservative Party" exist in many countries).
_COUNTRY_BOUND_CLASSES = frozenset({"Organization"})


def clean_name(text: str) -> str:
    """A surface form without a leading article, possessive or stray punctuation."""
    text = " ".join(text.replace("’", "'").split())
    text = _ORG_NOISE.sub("", text)
    text = re.sub(r"('s|')$", "", text).strip(' ,.;:-"“”')
    return text


@dataclass
class Mention:
    span: Span
    entity: Entity
    kind: str = "name"  # name | demonym | metonym | city | alias | pronoun


@dataclass
class DocEntities:
    """The entities of one document and where each is mentioned."""

    document: Document
    entities: dict[str, Entity] = field(default_factory=dict)
    by_token: dict[int, Mention] = field(default_factory=dict)
    leaders: dict[str, LeaderSpell] = field(default_factory=dict)  # person key -> spell
    # entities the story implies without a mention of their own ("Turkish" of "the Turkish
    # Foreign Ministry"): kept, with evidence, though no token names them alone
    implied: set[str] = field(default_factory=set)
    index: MentionIndex = field(default_factory=MentionIndex, repr=False)

    @property
    def mentions(self) -> list[Mention]:
        """Every mention, in the order found (a copy: use ``remove_mention`` to drop one)."""
        return self.index.in_order()  # type: ignore[return-value]

    def remove_mention(self, mention: Mention) -> bool:
        """Drop a mention (its tokens keep whatever ``by_token`` says); False if not there."""
        return self.index.remove(mention)

    def mention_count(self, key: str) -> int:
        """How many mentions name the entity ``key``."""
        return self.index.count(key)

    def entity_at(self, token: Token) -> Entity | None:
        mention = self.by_token.get(token.i)
        return mention.entity if mention else None

    def mention_at(self, token: Token) -> Mention | None:
        return self.by_token.get(token.i)

    def add_mention(
        self, span: Span, entity: Entity, kind: str, confidence: float, *, alias: bool = True
    ) -> Mention:
        """Tie ``span`` to ``entity``; its text becomes an alternative label unless
        ``alias`` is False (a generic "Foreign Ministry" of one country's ministry)."""
        entity = self.entities.setdefault(entity.key, entity)
        surface = clean_name(span.text)
        if alias and has_name(surface) and surface != entity.label:
            entity.alt_labels.add(surface)
        mention = Mention(span, entity, kind)
        self.index.add(mention)
        for token in span:
            self.by_token[token.i] = mention
        self.touch(entity, span, confidence)
        return mention

    def touch(self, entity: Entity, where: Span, confidence: float) -> Entity:
        """Give ``entity`` evidence in this document (once) and register it.

        ``where`` is the sentence, or any span of it (its sentence is found only when
        the entity has no evidence here yet).
        """
        entity = self.entities.setdefault(entity.key, entity)
        doc_id = self.document.id
        if not any(e.doc_id == doc_id for e in entity.evidence):
            entity.evidence.append(sentence_evidence(doc_id, where.sent, confidence))
        return entity


def sentence_evidence(doc_id: str, sent: Span, confidence: float) -> Evidence:
    """Evidence for a sentence, its offsets trimmed like its text so that
    ``document.text[start:end] == sentence``."""
    text, start, end = trimmed_sentence(sent)
    return Evidence(doc_id, text, start, end, round(max(0.0, min(1.0, confidence)), 3))


def entity_from_gazetteer(entry: GazEntry) -> Entity:
    cls = entry.cls
    if cls == "Treaty":
        return Entity(key=entry.key, cls="Treaty", label=entry.name, wikidata=entry.wikidata)
    return Entity(key=entry.key, cls=cls, label=entry.name, wikidata=entry.wikidata)


def organization_class(name: str) -> str:
    """The class an organisation's name tells ("Ministry of X" a government body), by the
    ordered rules of ``kg/data/names.json``; "Organization" when none fits."""
    lower = name.lower()
    words = set(lower.replace("-", " ").split())
    for cls, any_words, phrases, with_words, without in organization_class_rules():
        if not (words & any_words or any(p in lower for p in phrases)):
            continue
        if (with_words and not words & with_words) or words & without:
            continue
        return cls
    return "Organization"


class MentionResolver:
    """Turns the named entities of a parsed document into resolved mentions."""

    def __init__(self, gazetteer: Gazetteer):
        self.gaz = gazetteer
        self._countries: set[str] = set()
        self._titles: dict[str, set[str]] = {}
        self._story_countries: set[str] = set()
        self._person_words: set[str] = set()
        self._regions: set[str] = set()
        # the document's person names by slug, as they are added
        self._folded: dict[str, Entity] = {}

    # -- entry point ---------------------------------------------------------
    def resolve(self, doc: Doc, document: Document) -> DocEntities:
        index_sentences(doc)
        found = DocEntities(document)
        self._countries = self._countries_named(doc)
        self._titles = self._titles_before_names(doc)
        self._places_named_like_people(doc, document)
        persons = self._person_clusters(doc, document)
        self._folded = {slug(k): v for k, v in persons.items()}
        self._story_countries = self._countries | _countries_of_people(persons.values())
        self._person_words = {w for name in persons if " " in name for w in name.split()}
        # a place written once as a region ("the Donetsk region") is one in every mention
        self._regions = {
            clean_name(e.text) for e in doc.ents if e.label_ == "GPE" and region_cued(e)
        }
        for ent in doc.ents:
            self._resolve_ent(ent, found, persons)
        self._titled_names(doc, found, persons, document)
        self._acronyms(doc, found)
        self._sweep_names(doc, found, persons)
        self._resolve_north_south(doc, found)
        self._state_forms(doc, found)
        self._possessed_bodies(doc, found)
        self._drop_modifier_only_people(found)
        # A leader found by surname alone counts only if the story names that country.
        for key, spell in list(found.leaders.items()):
            entity = found.entities.get(key)
            if getattr(entity, "_weak_spell", False) and spell.country not in found.entities:
                del found.leaders[key]
        used = {m.entity.key for m in found.mentions} | found.implied
        for key in [k for k in found.entities if k not in used]:
            del found.entities[key]
        return found

    def _titled_names(
        self, doc: Doc, found: DocEntities, persons: dict[str, Entity], document: Document
    ) -> None:
        """A capitalised name right after a title is a person ("President Erdoğan")."""
        i = 0
        while i < len(doc):
            token = doc[i]
            prev = doc[i - 1] if i > 0 else None
            titled = prev is not None and prev.lower_ in _TITLES
            if prev is not None and not titled and prev.i in found.by_token:
                # "President of Ukraine Volodymyr Zelenskyy"
                before = found.by_token[prev.i].span.start
                titled = (
                    before >= 2
                    and doc[before - 1].lower_ == "of"
                    and doc[before - 2].lower_ in _TITLES
                )
            if (
                not titled
                or token.i in found.by_token
                or not token.is_title
                or token.lower_ in _TITLES
                or _NAME_WORDS.is_title_part(token)  # "Lord", "Maj.", "Counselors"
                or token.is_sent_start
            ):
                i += 1
                continue
            end = i
            while (
                end < len(doc)
                and end not in found.by_token
                and (doc[end].is_title or doc[end].lower_ in _NAME_PARTICLES)
                and doc[end].lower_ not in _TITLES
                and not _NAME_WORDS.is_title_part(doc[end])
                and doc[end].ent_type_ not in {"DATE", "GPE", "NORP", "ORG"}
            ):
                end += 1
            while end > i and doc[end - 1].lower_ in _NAME_PARTICLES:
                end -= 1
            if end == i:
                i += 1
                continue
            span = doc[i:end]
            name = clean_name(span.text)
            if not has_name(name):
                i = end
                continue
            entity = persons.get(name)
            if entity is None:
                entity = next(
                    (e for n, e in persons.items() if name in n.split() and " " in n), None
                ) or self._person_entity(name, document)
                persons[name] = entity
            found.add_mention(span, entity, "name", 0.7)
            spell = getattr(entity, "_spell", None)
            if spell is not None:
                found.leaders[entity.key] = spell
            i = end

    def _acronyms(self, doc: Doc, found: DocEntities) -> None:
        """'Popular Mobilization Forces (PMF)': the acronym names the same entity from then on."""
        aliases: dict[str, Entity] = {}
        for mention in list(found.mentions):
            end = mention.span.end
            if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")":
                acronym = doc[end + 1]
                if acronym.text.isupper() or (
                    acronym.text[:1].isupper() and sum(c.isupper() for c in acronym.text) >= 2
                ):
                    if mention.entity.cls != "Person":
                        aliases[acronym.text] = mention.entity
                        found.by_token.pop(acronym.i, None)
        if not aliases:
            return
        for token in doc:
            entity = aliases.get(token.text)
            if entity is None:
                continue
            current = found.by_token.get(token.i)
            if current is not None and current.entity.key != entity.key:
                if current.entity.wikidata or len(current.span) > 1:
                    continue
                found.remove_mention(current)
            found.add_mention(doc[token.i : token.i + 1], entity, "alias", 0.85)

    def _drop_modifier_only_people(self, found: DocEntities) -> None:
        """A one-word 'person' that only ever modifies a common noun ("the EastMed
        project", "the Poseidon line") names a thing, not a person."""
        by_entity: dict[str, list[Mention]] = {}
        for mention in found.mentions:
            if mention.entity.cls == "Person" and " " not in mention.entity.label:
                by_entity.setdefault(mention.entity.key, []).append(mention)
        for key, mentions in by_entity.items():
            if key in found.leaders:
                continue
            if all(
                m.span.root.dep_ in {"compound", "nmod"} and m.span.root.head.pos_ == "NOUN"
                for m in mentions
            ):
                for m in mentions:
                    found.remove_mention(m)
                    for token in m.span:
                        found.by_token.pop(token.i, None)

    def _sweep_names(self, doc: Doc, found: DocEntities, persons: dict[str, Entity]) -> None:
        """Mentions of a known person the model missed ("Trump in a phone call ...")."""
        single = {n: e for n, e in persons.items() if " " not in n}
        for token in doc:
            if token.i in found.by_token or token.ent_type_ or not token.is_title:
                continue
            entity = single.get(token.text)
            if entity is not None:
                found.add_mention(doc[token.i : token.i + 1], entity, "name", 0.7)

    @staticmethod
    def _titles_before_names(doc: Doc) -> dict[str, set[str]]:
        """The title words written right before each person name ("President" Trump)."""
        titles: dict[str, set[str]] = {}
        for ent in doc.ents:
            if ent.label_ == "PERSON" and ent.start > 0:
                word = doc[ent.start - 1].lower_
                if word in _TITLES:
                    titles.setdefault(clean_name(ent.text), set()).add(word)
        return titles

    def _countries_named(self, doc: Doc) -> set[str]:
        """Keys of the countries a document names (directly, by demonym or by capital)."""
        keys: set[str] = set()
        for ent in doc.ents:
            entry = self.gaz.entry(ent.ent_id_) if ent.ent_id_ else None
            if entry is None:
                continue
            if entry.cls == "Country":
                keys.add(entry.key)
            elif (
                entry.country
                and entry.cls not in _COUNTRY_BOUND_CLASSES
                and not _is_generic_body(clean_name(ent.text))  # "the Senate": whose?
            ):
                keys.add(entry.country)
        return keys

    # -- people --------------------------------------------------------------
    def _places_named_like_people(self, doc: Doc, document: Document) -> None:
        """Relabel as places the 'people' that only ever appear as places.

        A name the model calls a person but that every time is the object of
        "in/at/near" or of "entered/captured" ("entered Tell Tamer and Ain Issa") is
        a town, unless the gazetteer knows a leader of that name.
        """
        uses: dict[str, list[bool]] = {}
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                uses.setdefault(ent.text, []).append(_in_place_slot(ent))
        places = {
            name
            for name, flags in uses.items()
            if all(flags)
            and self.gaz.leader_by_name(name, document.date) is None
            and not _given_name_first(name)
        }
        if not places:
            return
        doc.ents = [
            Span(doc, e.start, e.end, label="GPE")
            if e.label_ == "PERSON" and e.text in places
            else e
            for e in doc.ents
        ]

    def _person_clusters(self, doc: Doc, document: Document) -> dict[str, Entity]:
        """Map every person surface form of the document to one Person entity."""
        names = [clean_name(e.text) for e in doc.ents if e.label_ == "PERSON"]
        names = [n for n in names if n and any(c.isupper() for c in n)]
        full = sorted({n for n in names if len(n.split()) > 1}, key=lambda n: (-len(n), n))
        # A surname the model typed as an organisation or place ("Trump said") is still the person.
        words = {w for f in full for w in f.split()}
        names += [
            clean_name(e.text)
            for e in doc.ents
            if e.label_ in {"ORG", "GPE", "NORP"} and not e.ent_id_ and clean_name(e.text) in words
        ]
        clusters: dict[str, Entity] = {}
        by_surname: dict[str, list[str]] = {}  # last word → full names, longest first
        for name in full:
            if name in clusters:
                continue
            # A shorter full name inside a longer one ("Ali Khamenei" in a longer form).
            surname = name.split()[-1]
            host = next(
                (clusters[f] for f in by_surname.get(surname, ()) if _contains_words(f, name)),
                None,
            )
            clusters[name] = host or self._person_entity(name, document)
            by_surname.setdefault(surname, []).append(name)
        by_word: dict[str, list[str]] = {}
        for f in clusters:
            for word in _name_words(f):
                by_word.setdefault(word, []).append(f)
        for name in sorted(set(names) - set(full)):
            matches = {id(clusters[f]): clusters[f] for f in by_word.get(name, ())}
            if len(matches) == 1:
                clusters[name] = next(iter(matches.values()))
            elif not matches:
                clusters[name] = self._person_entity(name, document)
        return clusters

    def _person_entity(self, name: str, document: Document) -> Entity:
        spell = self.gaz.leader_by_name(name, document.date)
        if spell is not None and " " not in name and spell.country not in self._countries:
            # A bare surname names that leader only in a story about the leader's country,
            # or under the leader's own title: "President Trump" in 2019 is Donald Trump,
            # "King Abdullah" of a Jordan story is not Afghanistan's Abdullah Abdullah.
            titles = self._titles.get(name, set())
            if spell.role is None or not any(t in spell.role.split() for t in titles):
                spell = None
        if spell is not None and _compatible_names(name, spell.person):
            qid = spell.wikidata
            if qid is None and " " in spell.person:
                # a leader the gazetteer lists without a QID ("Tony Blair" of REIGN): the
                # officeholder table may know the person
                holder = officeholders.person_entity(spell.person, set())
                qid = holder.wikidata if holder is not None else None
            key = qid or f"person:{slug(spell.person)}"
            entity = Entity(key=key, cls="Person", label=spell.person, wikidata=qid)
            entity._spell = spell  # type: ignore[attr-defined]
            return entity
        words = name.split()
        linked = officeholders.person_entity(name, self._titles.get(name, set()))
        if linked is not None and len(words) == 1:
            return linked
        if len(words) == 1:
            # A surname nobody can place ("Smith said") names someone of this story only:
            # another story's Smith is another person.
            return Entity(
                key=f"person:{slug(document.id)}:{slug(name)}",
                cls="Person",
                label=name,
                scope=document.id,
            )
        entity = linked or Entity(key=f"person:{slug(name)}", cls="Person", label=name)
        if len(words) > 1:
            # "Barack Obama" where the table knows only "Obama": the one leader of that
            # surname tells the country, the text keeps the name.
            spell = self.gaz.leader_by_name(words[-1], None)
            if spell is not None and len(spell.person.split()) == 1:
                entity._spell = spell  # type: ignore[attr-defined]
                entity._weak_spell = True  # type: ignore[attr-defined]
        return entity

    # -- one named entity ----------------------------------------------------
    def _resolve_ent(self, ent: Span, found: DocEntities, persons: dict[str, Entity]) -> None:
        label = ent.label_
        text = clean_name(ent.text)
        if not text or not any(c.isalpha() for c in text):
            return
        if label in {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"}:
            return
        if text.casefold() in _NOT_NAMES:
            return  # "COVID-19": a disease
        if not ent.ent_id_ and len(text.split()) <= 3 and text.split()[-1] in _STATE_FORMS:
            return  # "the Kingdom", "the Islamic Republic": see _state_forms
        if not ent.ent_id_ and any(p.match(text) for p in _EVENT_NAME_PATTERNS):
            found.add_mention(ent, Entity(f"event:{slug(text)}", "Event", text), "name", 0.6)
            return
        if label == "ORG" and not ent.ent_id_ and _is_generic_government(text):
            return  # "the Central Government": its country, named elsewhere, not a body
        if label == "ORG" and not ent.ent_id_ and self._government_of(ent, text, found):
            return
        if label == "ORG" and not ent.ent_id_ and _is_generic_body(text):
            self._generic_body(ent, text, found)
            return
        if not ent.ent_id_ and label != "PERSON" and self._officeholder_name(text):
            label = (
                "PERSON"  # "the Barack Obama administration", which the recogniser typed a place
            )
        if not ent.ent_id_:
            label = _retype(ent, label, text)
            if label is None:
                return
            if label == "PERSON" and text not in persons:
                persons[text] = self._person_entity(text, found.document)
                self._folded[slug(text)] = persons[text]
        folded = self._folded
        known_person = slug(text) in folded
        if (
            label == "GPE"
            and not ent.ent_id_
            and not known_person
            and self.gaz.lookup(text) is None
        ):
            if text in self._regions:
                place = Entity(f"place:{slug(text)}", "Place", text)
                found.add_mention(ent, place, "name", 0.6)
            else:
                found.add_mention(ent, Entity(f"city:{slug(text)}", "City", text), "name", 0.7)
            return
        if label == "PERSON" or (label in {"ORG", "GPE", "NORP"} and known_person):
            entity = persons.get(text) or folded.get(slug(text))
            if entity is None:
                return
            mention = found.add_mention(ent, entity, "name", _CONFIDENCE["ner"])
            spell = getattr(entity, "_spell", None)
            if spell is not None:
                found.leaders[entity.key] = spell
            return mention and None
        entry = self.gaz.entry(ent.ent_id_) if ent.ent_id_ else None
        if entry is None and label in {"GPE", "ORG", "NORP", "LOC", "LAW", "FAC"}:
            entry = self.gaz.lookup(text)
        if entry is not None and not self._fits_story(entry):
            if len(ent) == 1 or text in entry.case_sensitive:
                return  # "Labour" of another country's party, "Democratic" of an unplaced one
            entry, label = None, "ORG"
        if (
            entry is not None
            and entry.cls == "GovernmentBody"
            and entry.country not in self._story_countries
            and _is_generic_body(text)
        ):
            # "the Senate" names the US Senate only in a story about the United States
            self._generic_body(ent, text, found)
            return
        if entry is not None and entry.cls == "City" and text in self._person_words:
            return  # "Douglas" where the story names Douglas Novak: not the Manx capital
        if entry is not None:
            self._resolve_gazetteer(ent, entry, found)
            return
        if label == "GPE" and text in self._regions:
            found.add_mention(ent, Entity(f"place:{slug(text)}", "Place", text), "name", 0.6)
        elif label == "GPE":
            found.add_mention(ent, Entity(f"city:{slug(text)}", "City", text), "name", 0.7)
        elif label == "ORG":
            if len(ent) > 8 or text.islower() or text.isdigit():
                return
            cls = organization_class(text)
            found.add_mention(ent, Entity(f"org:{slug(text)}", cls, text), "name", 0.7)
            if cls in {"GovernmentBody", "ArmedForces"}:
                self._country_of_body(ent, found)
        elif label in {"LOC", "FAC"}:
            if text.lower() in _DIRECTIONS:
                return
            found.add_mention(ent, Entity(f"place:{slug(text)}", "Place", text), "name", 0.6)
        elif label == "EVENT":
            found.add_mention(ent, Entity(f"event:{slug(text)}", "Event", text), "name", 0.6)

    def _officeholder_name(self, text: str) -> bool:
        """Whether a name of two or more words is the full name of someone in the officeholder
        table that the gazetteer does not know as anything else."""
        if len(text.split()) < 2 or self.gaz.lookup(text) is not None:
            return False
        return officeholders.load().holder(text) is not None

    def _fits_story(self, entry: GazEntry) -> bool:
        """Whether a body of one country (a party: "Labour", "the Democrats") can be meant:
        its country is named in the story or is that of a leader the story names. Another
        country's Labour Party is not Britain's."""
        return not (
            entry.cls in _COUNTRY_BOUND_CLASSES
            and entry.country
            and entry.country not in self._story_countries
        )

    def _resolve_gazetteer(self, ent: Span, entry: GazEntry, found: DocEntities) -> None:
        conf = _CONFIDENCE["gazetteer"]
        if entry.cls == "Country" and _names_a_currency(ent):
            return  # "US dollars": the currency, not the country
        if entry.cls == "City":
            country = self.gaz.entry(entry.country) if entry.country else None
            if country is not None and is_metonym(ent):
                found.add_mention(ent, entity_from_gazetteer(country), "metonym", conf)
            else:
                found.add_mention(ent, entity_from_gazetteer(entry), "city", conf)
            return
        kind = "demonym" if ent.label_ == "NORP" else "name"
        if entry.cls == "Country" and kind == "name" and self.gaz.demonym_country(ent.text):
            kind = "demonym"
        found.add_mention(ent, entity_from_gazetteer(entry), kind, conf)

    def _government_of(self, ent: Span, text: str, found: DocEntities) -> bool:
        """ "the Uruguayan Government", "Kenya Government": the country itself (an alias, as
        the annotation has it), not a body of its own."""
        words = text.split()
        if len(words) < 2 or words[-1].lower() not in _GOVERNMENT_HEADS:
            return False
        surface = " ".join(words[:-1])
        entry = self.gaz.demonym_country(surface) or self.gaz.country_by_name(surface)
        if entry is None:
            return False
        found.add_mention(ent, entity_from_gazetteer(entry), "alias", _CONFIDENCE["ner"])
        return True

    def _generic_body(self, ent: Span, text: str, found: DocEntities) -> None:
        """A body named by what it is ("the Foreign Ministry", "Parliament", "Iraq's
        electoral commission"): one country's when a possessive or demonym says which,
        else this story's own; a lower-case one only with its country."""
        doc = ent.doc
        owner = None
        before = ent.start - 1 if ent.start > 0 and doc[ent.start - 1].lower_ != "the" else None
        if before is not None and doc[before].text in _POSSESSIVES and before > 0:
            owner = found.by_token.get(before - 1)
        elif before is not None:
            owner = found.by_token.get(before)  # "the Syrian foreign ministry"
        cls = organization_class(text)
        if owner is not None and owner.entity.cls == "Country":
            country = owner.entity
            surface = doc[owner.span.start : ent.end].text
            key = f"gov:{slug(country.key)}:{slug(text)}"
            found.add_mention(ent, Entity(key, cls, clean_name(surface)), "name", 0.7, alias=False)
            return
        if text.islower():
            return
        scope = found.document.id
        entity = Entity(f"org:{slug(scope)}:{slug(text)}", cls, text, scope=scope)
        found.add_mention(ent, entity, "name", 0.65)

    def _possessed_bodies(self, doc: Doc, found: DocEntities) -> None:
        """Bodies the NER leaves untagged after their country: "Iraq's electoral
        commission", "the Syrian foreign ministry"."""
        for mention in found.index.sorted():
            if mention.entity.cls != "Country":
                continue
            start = mention.span.end
            if start < len(doc) and doc[start].text in _POSSESSIVES:
                start += 1
            end = start
            while (
                end < len(doc)
                and end - start < 4
                and end not in found.by_token
                and doc[end].is_lower
                and (
                    doc[end].lower_ in _GENERIC_BODY_WORDS or doc[end].lower_ in _GENERIC_BODY_HEADS
                )
            ):
                end += 1
            while end > start and doc[end - 1].lower_ not in _GENERIC_BODY_HEADS:
                end -= 1
            if end > start and start > mention.span.end - 1:
                span = doc[start:end]
                self._generic_body(span, span.text, found)

    def _country_of_body(self, ent: Span, found: DocEntities) -> None:
        """The country of a body named with its demonym or name first ("the Turkish
        Foreign Ministry", "South Korean Army"): implied by the story, though the name is
        the body's."""
        words = [t for t in ent if t.pos_ != "DET"]
        for n in (2, 1):
            if len(words) > n:
                surface = ent.doc[words[0].i : words[0].i + n].text
                entry = self.gaz.demonym_country(surface) or self.gaz.country_by_name(surface)
                if entry is not None:
                    country = found.touch(entity_from_gazetteer(entry), ent, 0.7)
                    found.implied.add(country.key)
                    return

    def _state_forms(self, doc: Doc, found: DocEntities) -> None:
        """ "the Kingdom", "the Republic": the country the story names most whose name says
        it is one (Jordan, "Hashemite Kingdom of Jordan")."""
        counts: dict[str, int] = {}
        for mention in found.mentions:
            if mention.entity.cls == "Country":
                counts[mention.entity.key] = counts.get(mention.entity.key, 0) + 1
        if not counts:
            return
        for token in _tokens_written(doc, _STATE_FORMS):
            if (
                token.text not in _STATE_FORMS
                or token.i in found.by_token
                or (token.i + 1 < len(doc) and doc[token.i + 1].lower_ in {"of", "for"})
                or (token.i + 1 < len(doc) and doc[token.i + 1].text[:1].isupper())
            ):
                continue
            # "the Kingdom", or with words of the country's own name: "the Islamic Republic"
            start = token.i
            while (
                start > 0
                and doc[start - 1].is_title
                and doc[start - 1].lower_ != "the"
                and start - 1 not in found.by_token
            ):
                start -= 1
            if start == 0 or doc[start - 1].lower_ != "the":
                continue
            words = [t.text for t in doc[start : token.i + 1]]
            fitting = [k for k in counts if all(w in self._state_names(k).split() for w in words)]
            if fitting:
                key = max(fitting, key=lambda k: counts[k])
                span = doc[start - 1 : token.i + 1]
                found.add_mention(span, found.entities[key], "alias", 0.75)

    def _state_names(self, key: str) -> str:
        record = self.gaz.country_record(key) or {}
        return f"{record.get('name') or ''} {record.get('official_name') or ''}"

    # -- "the North" / "the South" ------------------------------------------
    def _resolve_north_south(self, doc: Doc, found: DocEntities) -> None:
        countries = [e for e in found.entities.values() if e.cls == "Country"]
        halves = {}
        for word in ("North", "South", "East", "West"):
            named = [c for c in countries if c.label.startswith(word + " ")]
            if len(named) == 1:
                halves[word] = named[0]
        if len(halves) < 2:
            return
        for token in _tokens_written(doc, frozenset(halves)):
            if token.i not in found.by_token:
                prev = doc[token.i - 1] if token.i > 0 else None
                nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
                if prev is None or prev.lower_ != "the":
                    continue
                if nxt is not None and nxt.is_title and not nxt.is_sent_start:
                    continue  # "the North Atlantic"
                span = doc[token.i - 1 : token.i + 1]
                found.add_mention(span, halves[token.text], "alias", 0.8)


_LOCATIVE_PREPS = resolution_words("locative_prepositions")
_DIRECTIONS = resolution_words("directions")
_GOVERNMENT_NOUNS = resolution_words("capital_government_nouns")
_DATELINE_MARKS = frozenset({":", "-", "–", "—", "--"})
_CURRENCY_NOUNS = resolution_words("currency_nouns")
_GENERIC_BODY_HEADS = resolution_words("generic_body_heads")
_GENERIC_BODY_WORDS = resolution_words("generic_body_words")
_GOVERNMENT_HEADS = resolution_words("generic_government_heads")
_LEGISLATURES = resolution_words("legislature_names")
_POSSESSIVES = frozenset({"'s", "’s", "'", "’"})
_STATE_FORMS = resolution_words("state_form_words")
_NOT_NAMES = resolution_words("not_names")
_EVENT_NAME_PATTERNS = tuple(re.compile(p) for p in resolution_words("event_name_patterns"))
_PLACE_VERBS = resolution_words("place_verbs")
_ORG_WORDS = resolution_words("organization_words") | _NAME_WORDS.org_heads
_GENERIC_ORGS = resolution_words("generic_organization_words")
_SOCIAL_MEDIA_VERBS = resolution_words("social_media_verbs")


def _retype(ent: Span, label: str, text: str) -> str | None:
    """Correct the model's label of a name it typed wrongly, or None to drop it.

    - a name right after a title, or listed alongside people, is a person;
    - a name that is the object of "in/at/near" or of "entered/captured" is a place;
    - a lone common word ("State", "Economy") or an acronym glossing a common noun
      ("liquefied natural gas (LNG)") is no entity.
    """
    words = set(text.lower().split())
    doc = ent.doc
    prev = doc[ent.start - 1] if ent.start > 0 else None
    if label == "ORG" and (text.lower() in _GENERIC_ORGS or (len(ent) == 1 and ent[0].is_stop)):
        return None
    if label == "ORG" and len(ent) == 1 and ent[0].lower_ in _TITLE_MODIFIERS:
        return None  # "Defence" of "Defence Secretary X" is part of a title
    if label == "ORG" and prev is not None and prev.text == "(" and ent.start >= 2:
        before = doc[ent.start - 2]
        if before.is_lower and not before.ent_type_:
            return None
    root = ent.root
    if text in _NOT_PLACES:
        return None
    if label == "PERSON" and len(ent) == 1 and ent[0].tag_ == "NNPS":
        return None  # "Northerners", "Africans": a people, not a person
    if label == "PERSON" and prev is not None and prev.lower_ in _MEDIA_WORDS:
        return "ORG"  # "Greek daily Kathimerini"
    if label == "PERSON" and root.dep_ == "pobj" and root.head.lower_ == "on":
        if root.head.head.lemma_ in _SOCIAL_MEDIA_VERBS:
            return "ORG"  # "wrote on Twitter"
    if label == "PERSON" and ent.end + 2 < len(doc) and doc[ent.end].text == ",":
        # "Talisman Sabre, the large exercise ...": named by what it is
        following = [t for t in doc[ent.end + 1 : ent.end + 5] if t.pos_ not in {"DET", "ADJ"}]
        if following and following[0].lower_ in _EVENT_NOUNS:
            return "EVENT"
    if label == "ORG" and len(ent) == 1:
        partners = [root.head] if root.dep_ == "conj" else []
        partners += [c for c in root.children if c.dep_ == "conj"]
        if any(t.ent_type_ == "GPE" for t in partners):
            return "LOC"  # "between Crete and Cyprus"
    if label in {"ORG", "GPE", "NORP"} and not words & _ORG_WORDS and len(ent) >= 2:
        # "Ieva Rimkute, a spokeswoman for ...": a name in apposition to a title
        after = doc[ent.end : ent.end + 4]
        if len(after) >= 2 and after[0].text == ",":
            rest = [t for t in after[1:] if t.lower_ not in {"a", "an", "the"}]
            if rest and rest[0].lower_ in _TITLES:
                return "PERSON"
    if label in {"ORG", "GPE", "NORP"} and not words & _ORG_WORDS:
        if prev is not None and prev.lower_ in _TITLES and len(ent) >= 2:
            return "PERSON"
        # "Ambassador to the United Nations Nikki Haley"
        if prev is not None and prev.ent_type_ and len(ent) >= 2 and ent.start >= 3:
            window = {t.lower_ for t in doc[max(0, ent.start - 6) : ent.start]}
            if window & _TITLES and label == "ORG" and all(t.is_title for t in ent):
                return "PERSON"
        linked = [root.head] if root.dep_ in {"conj", "appos"} else []
        linked += [c for c in root.children if c.dep_ in {"conj", "appos"}]
        if len(ent) >= 2 and any(t.ent_type_ == "PERSON" for t in linked):
            return "PERSON"
    if label == "ORG" and len(ent) <= 3 and _in_place_slot(ent) and not words & _ORG_WORDS:
        return "GPE"
    if label == "GPE" and text.lower() in _TITLES:
        return None
    if label == "GPE" and region_cued(ent):
        return "LOC"
    return label


def region_cued(ent: Span) -> bool:
    """Whether a place's name is written as a region's, not a town's: "the Donetsk
    region", "the province of Idlib", "Jiangxi Province"."""
    doc = ent.doc
    nxt = doc[ent.end] if ent.end < len(doc) else None
    return (
        (nxt is not None and nxt.lower_ in _REGION_WORDS)
        or (len(ent) > 1 and ent[-1].lower_ in _REGION_WORDS)
        or (
            ent.start >= 2
            and doc[ent.start - 1].lower_ == "of"
            and doc[ent.start - 2].lower_ in _REGION_WORDS
        )
    )


def _given_name_first(name: str) -> bool:
    """Whether a name of two or more words opens with a given name of the officeholder
    table ("Julian White", "Maria Lopez"), so that "props in Julian White" stays a person."""
    words = name_key(name).split()
    if len(words) < 2 or words[0] in _NAME_PARTICLES:
        return False
    return words[0] in officeholders.load().given_names()


def _in_place_slot(ent: Span) -> bool:
    """Whether a name fills a place slot: 'in X', 'at X', 'entered X (and Y)'."""
    root = ent.root
    node = root.head if root.dep_ == "conj" else root
    if node.dep_ == "pobj" and node.head.lower_ in _LOCATIVE_PREPS:
        return True
    if node.dep_ == "pobj" and node.head.lower_ == "of":
        # "an air base south of Darwin"
        if node.head.head.lower_.replace("-", "") in _DIRECTIONS:
            return True
    return node.dep_ == "dobj" and node.head.lemma_ in _PLACE_VERBS


_RELATION_NOUNS = resolution_words("capital_relation_nouns")
_CITY_HEADS = resolution_words("city_head_nouns")
_CAPITAL_PLACE_VERBS = resolution_words("capital_place_verbs")
_STANCE_WORDS = resolution_words("capital_stance_words")


def is_metonym(span: Span) -> bool:
    """Whether a capital's name stands for its government ("Seoul said", "ties between
    Seoul and Tokyo", "known to Seoul") rather than the city ("in Seoul", "Seoul's
    streets", "the Seoul-based firm", "the city of Seoul", "shelling hit Seoul")."""
    root = span.root
    dep = root.dep_
    if dep == "conj":
        first = root
        while first.dep_ == "conj" and first.head != first:
            first = first.head
        dep, root = first.dep_, first
    if _listed_with_towns(root):
        return False  # "Lille, Lyon and Paris"
    if span.start == span.sent.start and span.end < len(span.doc):
        if span.doc[span.end].text in _DATELINE_MARKS:
            return False  # "PARIS - ...": a dateline
    head = root.head
    if dep in {"appos"}:
        return False
    if head.lemma_ == "base" and head.i > root.i:
        return False  # "the Seoul-based company"
    if dep == "pobj":
        prep = head.lower_
        if prep == "between":
            return head.head.lower_ in _RELATION_NOUNS
        if prep == "to" and (head.head.pos_ == "ADJ" or head.head.lower_ in _STANCE_WORDS):
            return True  # "known to Seoul", "hostile to Seoul"
        if prep == "of":
            noun = head.head.lower_.replace("-", "")
            return not (noun in _CITY_HEADS or noun in _DIRECTIONS)
        return prep not in _PLACE_PREPS
    if dep == "poss":
        # "Seoul's streets", "Seoul's Gangnam district", but "Seoul's Africa policy"
        return not (head.lower_ in _CITY_HEADS or head.ent_type_ in {"GPE", "LOC", "FAC"})
    if dep in {"compound", "nmod"}:
        # "the Seoul government" but "a Seoul subway station", "the Seoul Olympics"
        return head.pos_ != "PROPN" and head.lower_ in _GOVERNMENT_NOUNS
    if dep in {"dobj", "nsubjpass"} and head.lemma_ in _CAPITAL_PLACE_VERBS:
        return False  # "shelling hit Kyiv", "Kyiv was hit"
    return True


def _is_generic_body(text: str) -> bool:
    """Whether a name only says what a body is: "Foreign Ministry", "the Assembly",
    "Ministry of Foreign Affairs", "electoral commission" (no country or proper name).
    Of one word, only a legislature is ("Parliament"; "the Court" may be any court)."""
    words = text.lower().split()
    if not words or len(words) > 6:
        return False
    if len(words) == 1 and words[0] not in _LEGISLATURES:
        return False
    heads = [w for w in words if w in _GENERIC_BODY_HEADS]
    return bool(heads) and all(w in _GENERIC_BODY_HEADS or w in _GENERIC_BODY_WORDS for w in words)


def _tokens_written(doc: Doc, words: frozenset[str]) -> list[Token]:
    """The tokens of ``doc`` written as one of ``words`` (exact text), found on the
    document's array rather than token by token."""
    hashes = [doc.vocab.strings.as_int(w) for w in words if w in doc.vocab.strings]
    if not hashes:
        return []
    column = doc.to_array([ORTH]).reshape(-1)
    mask = column == hashes[0]
    for value in hashes[1:]:
        mask |= column == value
    return [doc[i] for i in mask.nonzero()[0].tolist()]


def _is_generic_government(text: str) -> bool:
    """ "the Government", "Central Government", "the Federal Administration"."""
    words = text.lower().split()
    return (
        bool(words)
        and words[-1] in _GOVERNMENT_HEADS
        and all(w in _GOVERNMENT_HEADS or w in _GENERIC_BODY_WORDS for w in words)
    )


def _names_a_currency(span: Span) -> bool:
    """Whether a country's name only qualifies a currency: "US dollars", "US$"."""
    doc = span.doc
    nxt = doc[span.end] if span.end < len(doc) else None
    return span.text.endswith("$") or (
        nxt is not None and nxt.lower_ in _CURRENCY_NOUNS and not span.root.dep_ == "nsubj"
    )


def _listed_with_towns(first: Token) -> bool:
    """Whether a name is listed with towns the gazetteer does not know (places, not
    governments): "Lille, Lyon and Paris"."""
    return any(c.ent_type_ == "GPE" and not c.ent_id_ for c in first.conjuncts if c.ent_type_) or (
        first.ent_type_ == "GPE" and not first.ent_id_
    )


def _countries_of_people(people: Iterable[Entity]) -> set[str]:
    """The countries the known people of a story have served (a dated leader's country,
    the jurisdictions of an officeholder's posts)."""
    table = officeholders.load()
    keys: set[str] = set()
    for entity in people:
        spell = getattr(entity, "_spell", None)
        if spell is not None:
            keys.add(spell.country)
        holder = table.by_qid(entity.wikidata)
        if holder is not None:
            keys.update(s.jurisdiction for s in holder.spells)
    return keys


def _name_words(name: str) -> set[str]:
    return set(re.split(r"[\s]+", name))


def _contains_words(longer: str, shorter: str) -> bool:
    lw, sw = longer.split(), shorter.split()
    return len(sw) < len(lw) and all(w in lw for w in sw) and sw[-1] == lw[-1]


def _compatible_names(surface: str, known: str) -> bool:
    """Whether a surface name can be the gazetteer's person (surname or full name)."""
    fold = lambda s: slug(s).split("-")  # noqa: E731
    s, k = fold(surface), fold(known)
    return all(part in k for part in s)
