"""Name repair: a spaCy component, after the NER, that fixes typical slips on names.

Each step is one function over the entity list, in this order:

0. ``unknown_names_in_headlines``: in a headline, where every word is capitalised, and
   at the start of a short heading, only names the gazetteer knows or the story repeats
   are kept.
1. ``settle_gazetteer``: gazetteer matches the ruler left to the NER (inside a run of
   capitalised words) become entities unless the NER found a longer name around them
   ("Ruritanian Development Bank" stays one organisation; "Ruritania" in "US-Ruritania
   talks" is linked).
2. ``split_titles``: titles, honorifics and ranks are not part of names: "President Jan
   Novak" is the person "Jan Novak"; an organisation or place span that is a title and a
   name ("Comptroller Jan Novak") is the person; one that is a title only ("Minister of
   Works") or an honorific only ("Mr", "Lord", "HRH") is no entity.
3. ``retype_by_context``: "the water firm Novak Holdings" is an organisation, "the state
   of Ruritania" a place, "the president of the Assembly, Jan Novak," a person.
4. ``fix_bounds``: a person cut before a hyphenated part ("Moon Jae" + "-in") or a particle
   ("Fernandez" + "de Kirchner") is extended; trailing function words ("Crete and") and a
   glossing acronym ("Free Trade Area (FTA)") are cut.
5. ``merge_pieces``: a demonym or place before an organisation's name is part of it
   ("Turkish" + "Foreign Ministry").

Untagged names get no entity here, except a run of capitalised words in apposition to
a title ("the president of the Assembly, Jan Novak,").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import srsly
from spacy import util
from spacy.attrs import DEP, IS_TITLE, IS_UPPER, POS
from spacy.language import Language
from spacy.symbols import PROPN
from spacy.symbols import appos as APPOS
from spacy.tokens import Doc, Span, Token
from spacy.util import SimpleFrozenList

from kg.components.gazetteer_ruler import is_heading, is_headline
from kg.components.words import NameWords, name_words, word_key

_NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
_TRIM_POS = {"ADP", "CCONJ", "DET", "PART", "PUNCT", "SCONJ"}
_POSSESSIVE = {"'s", "’s", "'", "’"}
_HYPHENS = {"-", "‑"}
# An organisation's name the NER keeps around a gazetteer match: these labels.
_LONGER_NAME_LABELS = {"ORG", "FAC", "GPE", "LOC", "LAW", "EVENT", "WORK_OF_ART", "PRODUCT"}


@dataclass
class Ent:
    """An entity being repaired (``Span`` is immutable)."""

    start: int
    end: int
    label: str
    kb_id: str = ""
    id: str = ""
    split: bool = False  # a piece of a longer span: not to be merged back
    cued: bool = False  # labelled by the words around it: its other mentions follow

    @classmethod
    def of(cls, span: Span) -> Ent:
        return cls(span.start, span.end, span.label_, span.kb_id_, span.id_)

    def span(self, doc: Doc) -> Span:
        return Span(doc, self.start, self.end, label=self.label, kb_id=self.kb_id, span_id=self.id)

    def overlaps(self, other: Ent) -> bool:
        return self.start < other.end and other.start < self.end


class NameRepair:
    """See the module docstring. ``words`` are saved with the pipeline."""

    def __init__(self, nlp: Language, name: str, *, spans_key: str) -> None:
        self.name = name
        self.spans_key = spans_key
        self.words: NameWords = name_words()

    def __call__(self, doc: Doc) -> Doc:
        ents = [Ent.of(e) for e in doc.ents]
        ents = unknown_names_in_headlines(doc, ents)
        ents = common_nouns(doc, ents)
        ents = settle_gazetteer(doc, ents, doc.spans.get(self.spans_key, ()), self.words)
        ents = split_titles(doc, ents, self.words)
        ents = retype_by_context(doc, ents, self.words)
        ents = fix_bounds(doc, ents, self.words)
        ents = merge_pieces(doc, ents)
        doc.ents = [e.span(doc) for e in without_overlaps(ents)]
        return doc

    # -- serialisation: the word lists ---------------------------------------------
    def to_bytes(self, *, exclude: Iterable[str] = SimpleFrozenList()) -> bytes:
        return util.to_bytes({"words": lambda: srsly.json_dumps(self.words.to_dict())}, exclude)

    def from_bytes(
        self, bytes_data: bytes, *, exclude: Iterable[str] = SimpleFrozenList()
    ) -> NameRepair:
        util.from_bytes(
            bytes_data, {"words": lambda b: self._set_words(srsly.json_loads(b))}, exclude
        )
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> None:
        writers = {
            "words": lambda p: srsly.write_json(p.with_suffix(".json"), self.words.to_dict())
        }
        util.to_disk(util.ensure_path(path), writers, exclude)

    def from_disk(
        self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()
    ) -> NameRepair:
        readers = {"words": lambda p: self._set_words(srsly.read_json(p.with_suffix(".json")))}
        util.from_disk(util.ensure_path(path), readers, exclude)
        return self

    def _set_words(self, data: dict) -> None:
        self.words = NameWords.from_dict(data)


@Language.factory(
    "geokg_name_repair",
    default_config={"spans_key": "gazetteer"},
    assigns=["doc.ents", "token.ent_type", "token.ent_iob"],
    requires=["doc.ents", "token.pos", "token.dep"],
)
def make_name_repair(nlp: Language, name: str, spans_key: str) -> NameRepair:
    """Name repair; ``spans_key`` names the span group of the gazetteer ruler's matches."""
    return NameRepair(nlp, name, spans_key=spans_key)


# --- 0. headlines ---------------------------------------------------------------------


def common_nouns(doc: Doc, ents: list[Ent]) -> list[Ent]:
    """Spans of common words only ("Farmers" read as "farmers") are no names: a name has
    a proper noun, a capitalised acronym or a digit, or is named so elsewhere in the story
    ("Trump" of "Donald Trump", tagged a noun at the start of a sentence)."""

    def name_like(e: Ent) -> bool:
        return any(t.pos_ == "PROPN" or t.is_upper or t.like_num for t in doc[e.start : e.end])

    doubtful = [e for e in ents if not (e.id or e.label not in _HEADLINE_CHECKED or name_like(e))]
    if not doubtful:
        return ents
    doubtful_ids = {id(e) for e in doubtful}
    named = {t.text for e in ents if id(e) not in doubtful_ids for t in doc[e.start : e.end]}
    dropped = {id(e) for e in doubtful if not all(t.text in named for t in doc[e.start : e.end])}
    return [e for e in ents if id(e) not in dropped]


def unknown_names_in_headlines(doc: Doc, ents: list[Ent]) -> list[Ent]:
    """Names in a headline ("Ruritania To Return Electric Cars To Freedonia"), or opening
    a short heading ("Lukewarm measures"), that neither the gazetteer knows nor the story
    repeats are dropped: there a capital letter tells nothing and the NER takes any
    capitalised word for a name."""
    doubtful: set[int] = set()  # tokens where a capital tells nothing
    for sent in doc.sents:
        if is_headline(sent):
            doubtful.update(range(sent.start, sent.end))
        elif is_heading(sent):
            doubtful.add(sent.start)
    if not doubtful:
        return ents
    story_words = {
        word_key(t.text) for e in ents if e.start not in doubtful for t in doc[e.start : e.end]
    }
    return [
        e
        for e in ents
        if e.start not in doubtful
        or e.id
        or e.label not in _HEADLINE_CHECKED
        or all(word_key(t.text) in story_words for t in doc[e.start : e.end] if t.is_alpha)
    ]


_HEADLINE_CHECKED = {
    "PERSON",
    "ORG",
    "GPE",
    "NORP",
    "LOC",
    "FAC",
    "EVENT",
    "PRODUCT",
    "WORK_OF_ART",
}


# --- 1. gazetteer matches left to the NER ----------------------------------------------


def settle_gazetteer(
    doc: Doc, ents: list[Ent], matches: Iterable[Span], words: NameWords
) -> list[Ent]:
    """Make entities of the gazetteer matches that are not entities yet.

    Where the NER found a longer name around a match (an organisation named after a
    place, "University of Ruritania"), the NER's name stays; otherwise the match wins and
    what is left of the NER's span beside it stays only if it still holds a name.
    """
    linked = {(e.start, e.end) for e in ents if e.id}
    pending = [Ent.of(m) for m in matches if (m.start, m.end) not in linked]
    if not pending:
        return ents
    owner = {i: e for e in ents for i in range(e.start, e.end)}
    for match in pending:
        around = {id(owner[i]): owner[i] for i in range(match.start, match.end) if i in owner}
        if any(_longer_name(doc, e, match, pending, words) for e in around.values()):
            continue
        for e in around.values():
            for i in range(e.start, e.end):
                del owner[i]
            for piece in _pieces(doc, e, match, words):
                owner.update((i, piece) for i in range(piece.start, piece.end))
        owner.update((i, match) for i in range(match.start, match.end))
    return sorted({id(e): e for e in owner.values()}.values(), key=lambda e: e.start)


def _longer_name(doc: Doc, ent: Ent, match: Ent, matches: list[Ent], words: NameWords) -> bool:
    """Whether the NER's ``ent`` is a longer name that holds ``match`` whole.

    It must have a name word outside every gazetteer match; an organisation, a head
    noun of one ("Ruritanian Development Bank", "Bank of Ruritania"). A person keeps a
    place only as a first name ("Georgia Novak", not "Ruritanian President Jan Novak"
    or "Jan Novak of Ruritania").
    """
    if not (ent.start <= match.start and match.end <= ent.end) or (
        (ent.start, ent.end) == (match.start, match.end)
    ):
        return False
    if match.label in {"GPE", "NORP"} and _after_title_of(doc, match.start, words):
        # "President of Ruritania Jan Novak": the title's country, then a person
        if _looks_personal(doc, Ent(match.end, ent.end, "PERSON"), words):
            return False
    if ent.label == "PERSON" and match.label != "PERSON":
        if match.start != ent.start or words.is_title_part(doc[match.end]):
            return False
        if match.label == "NORP":
            return False  # "Kenyan Jan Novak": a demonym is no first name
        if match.label == "ORG" and match.end - match.start >= 2:
            return False  # "Lib Dem Jan Novak": a body of two words is no first name
    elif ent.label not in _LONGER_NAME_LABELS and ent.label != match.label:
        return False
    inside = set()
    for other in matches:
        if ent.start <= other.start and other.end <= ent.end:
            inside.update(range(other.start, other.end))
    rest = [doc[i] for i in range(ent.start, ent.end) if i not in inside]
    # "Bank of Ruritania" but not "the Economy of Ruritania"; "Ruritanian Red Cross", but
    # not "the Novak Caliphate" of a known body "Novak"
    first = next((t.i for t in doc[ent.start : ent.end] if t.pos_ not in {"DET", "PUNCT"}), 0)
    modifier = match.start == first and match.label in {"GPE", "NORP"}
    if ent.label == "ORG" and match.label == "ORG" and match.end - match.start == 1:
        # a known word, no acronym, before more name words: "Democratic Rally" is not the
        # Democrats (but "the ISIS Caliphate" is ISIS)
        modifier = modifier or (match.start == first and not doc[match.start].is_upper)
    if ent.label == "ORG" and not modifier:
        named = [t for t in rest if t.pos_ not in {"DET", "PUNCT"}]
        if (
            match.label == "ORG"
            and match.end == ent.end
            and named
            and all(
                words.is_name_word(t, of_person=False)
                and word_key(t.text) not in words.descriptive_modifiers
                for t in named
            )
        ):
            return True  # "the Parliamentary Labour Party" is not the Labour Party
        if not any(word_key(t.text) in words.org_heads for t in rest):
            return False
    person = ent.label == "PERSON"
    return any(words.is_name_word(t, of_person=person) for t in rest)


def _pieces(doc: Doc, ent: Ent, match: Ent, words: NameWords) -> list[Ent]:
    """What stays of the NER's ``ent`` beside a gazetteer match that wins over it: a part
    that still holds a name ("Jan Novak" of "President of Ruritania Jan Novak")."""
    pieces = []
    for start, end in ((ent.start, match.start), (match.end, ent.end)):
        piece = Ent(start, end, ent.label, split=True)
        if start >= end or not _has_name_word(doc, piece, words):
            continue
        if start == match.end and _after_title_of(doc, match.start, words):
            if _looks_personal(doc, piece, words):
                piece.label = "PERSON"
        if piece.label == "ORG" and end - start == 1 and not _has_org_head(doc, piece, words):
            continue  # a lone word ("Caliphate" of "the Ruritania Caliphate")
        pieces.append(piece)
    return pieces


def _after_title_of(doc: Doc, i: int, words: NameWords) -> bool:
    """Whether ``doc[i]`` follows "TITLE of" ("President of" Ruritania, "Ambassador to")."""
    return (
        i >= 2 and doc[i - 1].lower_ in words.title_prepositions and words.is_title_head(doc[i - 2])
    )


def _has_name_word(doc: Doc, ent: Ent, words: NameWords) -> bool:
    person = ent.label == "PERSON"
    return any(words.is_name_word(doc[i], of_person=person) for i in range(ent.start, ent.end))


# --- 2. titles and honorifics --------------------------------------------------------

# Labels of spans a title may be glued to, and of spans that are no name when only a title.
_TITLED_LABELS = {"PERSON", "ORG", "GPE", "NORP"}
_TITLE_ONLY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "WORK_OF_ART"}


def title_run(doc: Doc, start: int, end: int, words: NameWords) -> int:
    """The end of the title written at ``doc[start:end]``'s start (``start`` if none):
    the longest run of title words that holds a title head ("Deputy Prime Minister and
    Foreign Minister", "His Excellency", "Maj. Gen.", "Minister of Tourism")."""
    last_head = start
    i = start
    while i < end and (words.is_title_part(doc[i]) or doc[i].text == "."):
        if words.is_title_head(doc[i]):
            last_head = i + 1
        i += 1
    if last_head == start:
        return start
    # "Minister of Tourism Jan Novak": the portfolio after "of" is part of the title;
    # with nothing after it, the whole span is a title.
    j = last_head
    if j < end and doc[j].lower_ in words.title_prepositions:
        j += 1
        while j < end and doc[j].lower_ == "the":
            j += 1
        if j < end and doc[j].text[:1].isupper():
            j += 1
            while j < end and word_key(doc[j].text) in words.title_modifiers:
                j += 1
            return j
    return last_head


def split_titles(doc: Doc, ents: list[Ent], words: NameWords) -> list[Ent]:
    """Titles off names; title-only and honorific-only entities dropped."""
    out = []
    for ent in ents:
        if ent.label not in _TITLE_ONLY_LABELS or ent.id:
            out.append(ent)
            continue
        if ent.label == "PERSON":
            pieces = _split_inner_title(doc, ent, words)
            if pieces is not None:
                out.extend(pieces)
                continue
        cut = title_run(doc, ent.start, ent.end, words)
        if _title_start(doc, ent, words):
            continue  # "Foreign" of "the Foreign Minister", "Crown" of "Crown Prince"
        if cut == ent.end:
            if ent.label == "PERSON" and _after_honorific(doc, ent.end - 1, words):
                out.append(Ent(ent.end - 1, ent.end, "PERSON"))  # "Mr Major": a surname
            elif _has_org_head(doc, ent, words):
                out.append(ent)  # "the Minister's Office"
            # else "Lord", "Mr", "Minister of Public Works": a title, no name
            continue
        if cut == ent.start or ent.label not in _TITLED_LABELS:
            out.append(ent)
            continue
        name = Ent(cut, ent.end, "PERSON")
        if ent.label == "PERSON":
            out.append(name)
        elif _has_org_head(doc, ent, words):
            out.append(ent)
        elif _looks_personal(doc, name, words) and (
            ent.end - cut >= 2
            or not words.title_prepositions & {t.lower_ for t in doc[ent.start : cut]}
        ):
            out.append(name)  # "Comptroller Jan Novak" typed a body or a place
        elif not _looks_personal(doc, name, words):
            out.append(ent)
        # else "Minister of Public Works" typed a body: a title, no name
    return out


def _split_inner_title(doc: Doc, ent: Ent, words: NameWords) -> list[Ent] | None:
    """A person's span with a title or honorific inside it, not at its start: the person
    is what follows ("Novak Holdings spokesperson Jan Novak", "Describing Mr Novak");
    what comes before stays only as an organisation's name. An amount is no person
    ("NT$10,000"). None when the span has nothing of the kind."""
    tokens = doc[ent.start : ent.end]
    if any(t.like_num or any(c.isdigit() for c in t.text) or "$" in t.text for t in tokens):
        return []
    for t in reversed(tokens[1:]):
        if not (_is_short_honorific(t, words) or (t.is_lower and words.is_title_head(t))):
            continue
        pieces = []
        before = Ent(ent.start, t.i, "ORG", split=True)
        if t.is_lower and _has_name_word(doc, before, words):
            pieces.append(before)  # "Novak Holdings" of "Novak Holdings spokesperson ..."
        if t.i + 1 < ent.end:
            pieces.append(Ent(t.i + 1, ent.end, "PERSON"))
        return pieces
    return None


def _is_short_honorific(token: Token, words: NameWords) -> bool:
    """ "Mr", "Dr.", "HRH": an abbreviated honorific, never part of a name."""
    key = word_key(token.text)
    return key in words.honorifics and (token.text.endswith(".") or len(key) <= 3)


def _title_start(doc: Doc, ent: Ent, words: NameWords) -> bool:
    """Whether a span is only the first words of a title written on after it."""
    return (
        ent.end < len(doc)
        and words.is_title_head(doc[ent.end])
        and all(words.is_title_part(t) for t in doc[ent.start : ent.end] if t.pos_ != "DET")
    )


def _after_honorific(doc: Doc, i: int, words: NameWords) -> bool:
    """Whether ``doc[i]`` follows an honorific ("Mr" Major, "Lord" Bishop)."""
    return i > 0 and word_key(doc[i - 1].text) in words.honorifics


def _has_org_head(doc: Doc, ent: Ent, words: NameWords) -> bool:
    return any(word_key(doc[i].text) in words.org_heads for i in range(ent.start, ent.end))


def _looks_personal(doc: Doc, ent: Ent, words: NameWords) -> bool:
    """One to four capitalised name words (particles between them), no organisation or
    place noun, no acronym."""
    tokens = doc[ent.start : ent.end]
    if not 1 <= len(tokens) <= 7:
        return False
    named = [
        t
        for t in tokens
        if word_key(t.text) not in words.name_particles
        and not (ent.start < t.i < ent.end - 1 and _joins_name(doc, t.i))
    ]
    return (
        bool(named)
        and len(named) <= 4
        and all(
            words.is_name_word(t)
            and not (t.is_upper and len(t) > 1)
            and word_key(t.text) not in words.org_heads
            and word_key(t.text) not in words.place_nouns
            for t in named
        )
    )


_RETYPED_LABELS = {"PERSON", "ORG", "GPE", "NORP", "EVENT", "PRODUCT", "WORK_OF_ART"}

# --- 3. labels from the words around a name --------------------------------------------


def retype_by_context(doc: Doc, ents: list[Ent], words: NameWords) -> list[Ent]:
    """Labels told by the noun a name is in apposition to or the object of."""
    out = []
    for ent in ents:
        if ent.id or ent.label not in _RETYPED_LABELS:
            out.append(ent)
            continue
        if ent.label not in _TITLED_LABELS:
            label = _head_label(doc, ent, words) or _context_label(doc, ent, words)
            if label == "PERSON":
                ent.cued = True
            ent.label = label or ent.label
            out.append(ent)
            continue
        label = _head_label(doc, ent, words) or _context_label(doc, ent, words)
        if label is not None:
            ent.label, ent.cued = label, True
        if ent.label == "PERSON":
            out.extend(_split_at_org_head(doc, ent, words))
        elif ent.label == "ORG":
            out.extend(_split_at_title(doc, ent, words))
        else:
            out.append(ent)
    out.extend(_untagged_appositions(doc, out, words))
    out.extend(_untagged_titled_names(doc, out, words))
    out = _documents_named_after(doc, sorted(out, key=lambda e: e.start), words)
    return _one_label_per_name(doc, out, words)


def _one_label_per_name(doc: Doc, ents: list[Ent], words: NameWords) -> list[Ent]:
    """A name the words around one of its mentions typed ("the water firm Novak
    Holdings") has that type wherever the NER took it for a person; a full name typed a
    body whose surname is a person elsewhere in the story is that person."""
    cued = {doc[e.start : e.end].text: e.label for e in ents if e.cued}
    for e in ents:
        start = e.start + (doc[e.start].pos_ == "DET")
        first = doc[start]
        if e.label == "PRODUCT" and first.is_upper and word_key(first.text) in words.ship_prefixes:
            cued.setdefault(doc[start + 1 : e.end].text, "PRODUCT")  # "USS Novak": "Novak"
    # "Jan Novak" typed a body where "Novak" alone is a person: the person
    for ent in ents:
        if ent.label in {"PERSON", "ORG", "GPE"} and not (ent.id or ent.cued):
            label = cued.get(doc[ent.start : ent.end].text, ent.label)
            if ent.label == "PERSON" or label in {"WORK_OF_ART", "PRODUCT", "EVENT", "LAW"}:
                ent.label = label
    surnames = {doc[e.end - 1].text for e in ents if e.label == "PERSON"}
    for ent in ents:
        if (
            ent.label in {"ORG", "GPE", "NORP"}
            and not (ent.id or ent.cued)
            and ent.end - ent.start >= 2
            and doc[ent.end - 1].text in surnames
            and doc[ent.start : ent.end].text not in cued
            and _looks_personal(doc, ent, words)
        ):
            ent.label = "PERSON"
    return ents


def _documents_named_after(doc: Doc, ents: list[Ent], words: NameWords) -> list[Ent]:
    """A name followed by the capitalised name of a document is the document's name:
    "the Ruritania Charter", "the Novakville Accords" (a LAW, not the place)."""
    tagged = {i for e in ents for i in range(e.start, e.end)}
    return [_document_name(doc, e, tagged, words) for e in ents]


def _document_name(doc: Doc, ent: Ent, tagged: set[int], words: NameWords) -> Ent:
    if ent.label not in {"ORG", "GPE", "NORP", "LOC", "FAC"}:
        return ent
    for end in range(ent.end, min(len(doc), ent.end + 3)):
        if end in tagged or not doc[end].text[:1].isupper():
            break
        if word_key(doc[end].text) in words.law_heads:
            return Ent(ent.start, end + 1, "LAW")
    return ent


def _head_label(doc: Doc, ent: Ent, words: NameWords) -> str | None:
    """The label the head noun of a name tells: "the Ruritanian Civil War" is an event,
    "the Ruritania Charter" a document, "the National Recovery Plan" no organisation."""
    root = doc[ent.start : ent.end].root
    if not root.text[:1].isupper():
        return None
    key = word_key(root.text)
    if key in words.event_heads:
        return "EVENT"
    if key in words.law_heads:
        return "LAW"
    if key in words.policy_heads:
        return "WORK_OF_ART"
    if ent.label == "GPE" and doc[ent.end - 1] == root and key in words.feature_nouns:
        return "LOC"  # "the Novak Islands": a feature, not a town
    if ent.label in {"WORK_OF_ART", "PRODUCT"} and key in words.org_heads:
        return "ORG"  # "the Coalition for Novak and Democracy"
    return None


def _split_at_title(doc: Doc, ent: Ent, words: NameWords) -> list[Ent]:
    """An organisation's span that runs on over a title into a name: "the Office of the
    King Jan Novak" is the office and the person. One that holds a body's possessive is
    two bodies: "the Farmers Union's Executive Board"."""
    for i in range(ent.start + 1, ent.end - 1):
        if doc[i].text in _POSSESSIVE and doc[i].tag_ == "POS":
            owner, owned = Ent(ent.start, i, "ORG", split=True), Ent(i + 1, ent.end, "ORG")
            if _has_org_head(doc, owner, words) and _has_org_head(doc, owned, words):
                return [owner, *_split_at_title(doc, owned, words)]
    for i in range(ent.end - 3, ent.start, -1):
        if words.is_title_head(doc[i]) and doc[i].text[:1].isupper():
            person = Ent(i + 1, ent.end, "PERSON")
            if _looks_personal(doc, person, words) and ent.end - i > 2:
                return [Ent(ent.start, i + 1, "ORG", split=True), person]
            return [ent]
    return [ent]


def _split_at_org_head(doc: Doc, ent: Ent, words: NameWords) -> list[Ent]:
    """A person's span that runs on from an organisation's name: "the Ruritanian Sports
    Council Jan Novak" is the council and the person."""
    for i in range(ent.end - 3, ent.start - 1, -1):
        if word_key(doc[i].text) in words.org_heads and doc[i].text[:1].isupper():
            person = Ent(i + 1, ent.end, "PERSON")
            if not _looks_personal(doc, person, words):
                return [ent]
            body = Ent(ent.start, i + 1, "ORG", split=True)
            return [body, person] if body.end - body.start >= 2 else [person]
    return [ent]


# Labels the recogniser gives a person's name by mistake ("the Minister of Tourism, Ana
# Ruiz," as an EVENT): a titled apposition or an honorific settles them as a person.
_MISTAKEN_FOR_NAMES = frozenset({"ORG", "GPE", "NORP", "EVENT", "WORK_OF_ART", "PRODUCT", "FAC"})


def _context_label(doc: Doc, ent: Ent, words: NameWords) -> str | None:
    span = doc[ent.start : ent.end]
    root = span.root
    head = root.head
    after = doc[ent.end] if ent.end < len(doc) else None
    if (
        ent.label in {"ORG", "PERSON"}
        and after is not None
        and after.is_lower
        and word_key(after.text) in words.policy_nouns
    ):
        return "WORK_OF_ART"  # "the Novak Futures programme": a programme's name
    if ent.start > 0 and word_key(doc[ent.start - 1].text) in words.ship_prefixes:
        if doc[ent.start - 1].is_upper:
            return "PRODUCT"  # "USS Novak": a ship
    if ent.label == "PERSON":
        last = doc[ent.end - 1]
        if word_key(last.text) in words.org_heads and last.is_title:
            before = doc[ent.start - 1] if ent.start > 0 else None
            if ent.end - ent.start >= 3 or (
                before is not None and (before.pos_ == "DET" or words.is_name_word(before))
            ):
                return "ORG"  # "the Novak Islamic Group": a body named after someone
        if root.dep_ == "appos" and word_key(head.text) in words.company_nouns:
            return "ORG"  # "the water firm Novak Holdings"
        if ent.start > 0 and word_key(doc[ent.start - 1].text) in words.company_nouns:
            if doc[ent.start - 1].is_lower:
                return "ORG"  # "the daily Novakia Times"
        if (
            root.dep_ == "pobj"
            and head.lower_ == "of"
            and word_key(head.head.text) in words.place_nouns
            and head.head.is_lower
        ):
            return "GPE"  # "the state of Novakia"
    elif ent.label in _MISTAKEN_FOR_NAMES and _looks_personal(doc, ent, words):
        if (
            _after_honorific(doc, ent.start, words)
            or _titled_apposition(doc, root, words)
            or _described_by_title(root, words)
        ):
            return "PERSON"  # "Lord Novak", "the head of the Assembly, Jan Novak,"
    return None


def _described_by_title(root: Token, words: NameWords) -> bool:
    """Whether a name has a title in apposition: "Jan Novak, a resettlement officer with
    the agency," or "Jan Novak, its chairman,"."""
    return any(
        child.dep_ == "appos" and child.is_lower and words.is_title_head(child)
        for child in root.children
    )


def _titled_apposition(doc: Doc, root: Token, words: NameWords) -> bool:
    """Whether a name is set off by commas after a title: "the president of the
    Assembly, Jan Novak," or "its chairman, Jan Novak,"."""
    if root.dep_ != "appos":
        return False
    head = root.head
    if head.dep_ == "pobj" and head.head.lower_ in words.title_prepositions:
        head = head.head.head
    if not words.is_title_head(head):
        return False
    first = root.left_edge.i
    return first > 0 and doc[first - 1].text == ","


def _untagged_appositions(doc: Doc, ents: list[Ent], words: NameWords) -> list[Ent]:
    """Persons the NER missed in a titled apposition ("the leader of the party, Jan Novak,")."""
    tagged = {i for e in ents for i in range(e.start, e.end)}
    found = []
    columns = doc.to_array([DEP, POS])
    candidates = ((columns[:, 0] == APPOS) & (columns[:, 1] == PROPN)).nonzero()[0]
    for i in candidates.tolist():
        token = doc[i]
        if i in tagged or not _titled_apposition(doc, token, words):
            continue
        start = token.left_edge.i
        while start < token.i and doc[start].pos_ != "PROPN":
            start += 1
        ent = Ent(start, token.i + 1, "PERSON")
        if 2 <= ent.end - ent.start <= 4 and _looks_personal(doc, ent, words):
            if not tagged.intersection(range(ent.start, ent.end)):
                found.append(ent)
    return found


def _untagged_titled_names(doc: Doc, ents: list[Ent], words: NameWords) -> list[Ent]:
    """Persons the NER missed after a title: "the Minister Counselors Jan Novak and ..."
    (two to four capitalised words after a title head, none of them tagged)."""
    tagged = {i for e in ents for i in range(e.start, e.end)}
    found: list[Ent] = []
    columns = doc.to_array([IS_TITLE, IS_UPPER])
    end = 0
    for i in (columns[:, 0] | columns[:, 1]).nonzero()[0].tolist():
        if i < end or i >= len(doc) - 2 or i in tagged or not words.is_title_head(doc[i]):
            continue
        start = title_run(doc, i, len(doc), words)
        if tagged.intersection(range(i, start)):
            continue
        end = start
        while end < len(doc) and end not in tagged:
            if doc[end].pos_ == "PROPN":
                end += 1
            elif _joins_name(doc, end):
                end += 2  # "Novak" + "-" + "Hale"
            else:
                break
        person = Ent(start, end, "PERSON")
        if 2 <= end - start <= 6 and not doc[start].is_sent_start:
            if _looks_personal(doc, person, words):
                found.append(person)
    return found


def _joins_name(doc: Doc, i: int) -> bool:
    """Whether ``doc[i]`` is a hyphen between two capitalised parts of one name."""
    return (
        doc[i].text in _HYPHENS
        and i + 1 < len(doc)
        and i > 0
        and not doc[i - 1].whitespace_
        and not doc[i].whitespace_
        and doc[i + 1].text[:1].isupper()
    )


# --- 4. bounds --------------------------------------------------------------------------


def fix_bounds(doc: Doc, ents: list[Ent], words: NameWords) -> list[Ent]:
    taken = {i for e in ents for i in range(e.start, e.end)}
    out: list[Ent] = []
    for ent in ents:
        if ent.label == "PERSON":
            own = set(range(ent.start, ent.end))
            _extend_person(doc, ent, words, taken - own)
            taken |= set(range(ent.start, ent.end))
        while (
            ent.end - ent.start > 2
            and doc[ent.end - 2].text in _HYPHENS
            and doc[ent.end - 1].lower_ in words.hyphen_suffixes
        ):
            ent.end -= 2  # "Novak-style": the name is "Novak"
        while ent.end > ent.start + 1 and (
            doc[ent.end - 1].text in _POSSESSIVE or doc[ent.end - 1].pos_ in _TRIM_POS
        ):
            ent.end -= 1
        while ent.start < ent.end - 1 and doc[ent.start].pos_ in {"DET", "PUNCT"}:
            ent.start += 1
        # "African Continental Free Trade Area (AfCFTA)": the acronym is a name of its own
        opening = next((i for i in range(ent.start + 1, ent.end) if doc[i].text == "("), None)
        if opening is not None:
            ent.end = opening
        if ent.start < ent.end:
            out.append(ent)
    return out


def _extend_person(doc: Doc, ent: Ent, words: NameWords, taken: set[int]) -> None:
    """Extend a person over a hyphenated part, a left name word or particles and names,
    never into another entity (``taken``)."""
    while (
        ent.end + 1 < len(doc)
        and doc[ent.end].text in _HYPHENS
        and not doc[ent.end - 1].whitespace_
        and not doc[ent.end].whitespace_
        and doc[ent.end + 1].is_alpha
        and doc[ent.end + 1].is_lower
        and doc[ent.end + 1].lower_ not in words.hyphen_suffixes
        and ent.end + 1 not in taken
    ):
        ent.end += 2  # "Moon Jae" + "-in"
    while (
        ent.start > 0
        and ent.start - 1 not in taken
        and doc[ent.start - 1].pos_ == "PROPN"
        and words.is_name_word(doc[ent.start - 1])
        and word_key(doc[ent.start - 1].text) not in words.org_heads
        and not doc[ent.start].is_sent_start
    ):
        ent.start -= 1  # "Cristina" + "Fernandez de Kirchner"
    while ent.end < len(doc) and ent.end not in taken:
        nxt = doc[ent.end]
        if (
            word_key(nxt.text) in words.name_particles
            and ent.end + 1 < len(doc)
            and ent.end + 1 not in taken
            and doc[ent.end + 1].is_title
        ):
            ent.end += 2
        elif nxt.pos_ == "PROPN" and words.is_name_word(nxt) and not nxt.is_sent_start:
            ent.end += 1
        else:
            break


# --- 5. pieces of one name ----------------------------------------------------------------


def merge_pieces(doc: Doc, ents: list[Ent]) -> list[Ent]:
    out: list[Ent] = []
    for ent in ents:
        prev = out[-1] if out else None
        if prev is not None and prev.end == ent.start and ent.label == "ORG":
            if prev.label == "ORG" and not prev.id and prev.end - prev.start == 1:
                # "Presidential" + "Blue House": one name, the known one
                out[-1] = Ent(prev.start, ent.end, "ORG", ent.kb_id, ent.id)
                continue
            if (
                prev.label in {"NORP", "GPE"}
                and not (ent.id or ent.split)
                and doc[ent.start].is_title
            ):
                out[-1] = Ent(prev.start, ent.end, "ORG")  # "Turkish" + "Foreign Ministry"
                continue
        out.append(ent)
    return out


def without_overlaps(ents: list[Ent]) -> list[Ent]:
    """The entities, any that overlaps an earlier one left out (none should)."""
    out: list[Ent] = []
    for ent in sorted(ents, key=lambda e: (e.start, -e.end)):
        if not out or out[-1].end <= ent.start:
            out.append(ent)
    return out
