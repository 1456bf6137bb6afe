"""Positions held: who holds which title for which country or organisation.

Recognised shapes (roles from the lexicon, jurisdictions from resolved entities):
- title before the name: "US President Donald Trump", "Israel's energy minister Yuval
  Steinitz", "AU trade commissioner Albert Muchanga", "President X of Kazakhstan";
- apposition after the name: "X, the foreign minister of Y", "X, head of Y's Z",
  "X, a spokesman for the PMF";
- relative clause: "X, who heads Y";
- "his South Korean counterpart X" (the role of the person "his" refers to);
- a title with no country in coordination inherits the previous one ("Greek prime
  minister A and energy minister B"); a title alone on a dated leader takes the
  leader's country from the gazetteer ("President Trump" in 2019);
- a title set off by commas, "the rector of the University of Y, X,", "the chancellor of
  the republic, X," (the story's country), "her counterpart from Y, X,"; honorifics and
  ranks between title and name ("Finance Minister Dr. X", "Director Maj. Gen. X");
- a bare title takes, in this order, the country of "on the Jordanian side" in its
  sentence, the officeholder table, the story's country (named most, its cities and a
  dateline counted) for state posts — each less sure than a stated country;
- predicative roles are pattern rules (``kg/data/patterns/positions.json``).

Temporal status: a title after "former", "ex-", "the late", "soon-to-be" ... is not held
and yields no position (the gold counts such positions as optional); "outgoing" and
"newly elected" holders hold. "who headed Y" (past tense) is a past post.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Span, Token

from kg.extract import position_patterns
from kg.extract.context import ACTOR_CLASSES, ORG_CLASSES, DocContext, modality, scaled
from kg.extract.registry import register_extractor
from kg.lexicon import Lexicon
from kg.model import Entity, Position, has_name
from kg.resolve import officeholders
from kg.resolve.mentions import Mention, clean_name, entity_from_gazetteer

# How far before 'respectively' its titles and names may stand, in tokens.
_RESPECTIVELY_WINDOW = 80

_HYPHENS = {"-", "–", "‑"}  # characters, not words
_POSSESSIVES = {"'s", "’s", "'", "’"}  # "the armed forces' chief of staff"


def _joining(token: Token) -> bool:
    """A hyphen inside a word ('vice-president'), not a dash between words ('LIMA – X')."""
    if token.text not in _HYPHENS or token.whitespace_:
        return False
    return token.i == 0 or not token.doc[token.i - 1].whitespace_


_VOCAB: dict[int, tuple] = {}


def _vocab(lex: Lexicon) -> tuple[frozenset[str], frozenset[str], tuple[tuple[str, ...], ...]]:
    if id(lex) in _VOCAB:
        return _VOCAB[id(lex)]
    heads = lex.words("role_heads")
    words = {w for h in heads for w in h.replace("-", " - ").split()}
    words |= {w for m in lex.words("role_modifiers") for w in m.split()}
    words |= {h + "s" for h in heads if " " not in h}
    words |= lex.words("role_counterpart_nouns")
    # "the newly elected president"; a temporal-status word ends a title instead
    words |= lex.words("role_drop_modifiers") - lex.words("role_past_markers")
    words -= lex.words("role_not_title_words")
    head_seqs = tuple(
        sorted((tuple(h.replace("-", " - ").split()) for h in heads), key=len, reverse=True)
    )
    _VOCAB[id(lex)] = (frozenset(words), heads, head_seqs)
    return _VOCAB[id(lex)]


@register_extractor("position", provides=("position",))
class PositionExtractor:
    name = "position"

    def __call__(self, ctx: DocContext) -> Iterator[Position]:
        words, heads, head_seqs = _vocab(ctx.lex)
        self.words, self.heads, self.head_seqs = words, heads, head_seqs
        self.story = _story_country(ctx)
        self.envoys = ctx.lex.words("envoy_heads")
        self.body_words = ctx.lex.words("role_body_words")
        self.prefix_heads = ctx.lex.words("role_prefix_heads")
        words_of = ctx.lex.words
        self.linkers = words_of("role_linkers")
        self.of_linkers = words_of("role_of_linkers")
        self.dets = words_of("role_determiners")
        self.counterparts = words_of("role_counterpart_nouns")
        self.counterpart_linkers = words_of("role_counterpart_linkers")
        self.to_heads = words_of("role_to_heads")
        self.honorifics = words_of("role_honorifics")
        self.copulas = words_of("role_copulas")
        self.past = words_of("role_past_markers")
        self.country_nouns = words_of("reference_country_nouns")
        self.relatives = words_of("role_relative_pronouns")
        persons = [m for m in _unique_mentions(ctx) if m.entity.cls == "Person"]
        previous: tuple[Mention, str | None] | None = None
        for mention in persons:
            found = list(self._for_mention(ctx, mention, previous))
            for position in found:
                ctx.roles.setdefault(position.holder, []).extend(
                    (r, position.jurisdiction) for r in position.roles
                )
                yield position
            jur = found[0].jurisdiction if found else None
            previous = (mention, jur)
        for token in ctx.trigger_tokens("respectively"):
            yield from self._respectively(ctx, token)
        yield from self._predicative(ctx)

    def _predicative(self, ctx: DocContext) -> Iterator[Position]:
        """'X became Chile's foreign minister', 'who succeeded him as prime minister'."""
        for match in position_patterns.matches(ctx.doc):
            rule, holder = match.rule, match["holder"]
            if holder.lower_ in self.relatives and holder.head.dep_ == "relcl":
                holder = holder.head.head  # "Y, who succeeded him as ..."
            mention = ctx.found.mention_at(holder)
            if mention is None or mention.entity.cls != "Person":
                continue
            body = match.get("body")
            if body is not None:
                yield from self._heads_body(ctx, match, mention, body)
                continue
            role_token = match["role"]
            if role_token.lower_ not in self.words:
                continue
            doc = ctx.doc
            tokens = [t for t in doc[role_token.left_edge.i : role_token.i + 1] if t.dep_ != "det"]
            for child in role_token.children:
                if child.dep_ == "prep" and child.lower_ in self.of_linkers:
                    tokens.extend(doc[child.i : child.right_edge.i + 1])
            mode = modality(role_token.head, ctx.lex)
            sent = role_token.sent
            for role, jurisdiction in self._segments(ctx, tokens):
                conf = rule.confidence
                if jurisdiction is None:
                    jurisdiction, implied = self._implicit_jurisdiction(ctx, mention, role, None)
                    conf = min(conf, implied)
                if jurisdiction is None or jurisdiction.cls not in ACTOR_CLASSES:
                    continue
                if jurisdiction.key == mention.entity.key:
                    continue
                final = scaled(conf, mode)
                if final is None:
                    continue
                ctx.roles.setdefault(mention.entity.key, []).append((role, jurisdiction.key))
                yield Position(
                    holder=ctx.use(mention.entity, sent),
                    jurisdiction=ctx.use(jurisdiction, sent),
                    roles={role},
                    observed_on=ctx.date,
                    evidence=[ctx.evidence(sent, final)],
                )

    def _heads_body(
        self, ctx: DocContext, match, mention: Mention, body: Token
    ) -> Iterator[Position]:
        """'the assembly, headed by X', 'X chairs the council': the verb names the role."""
        verb = match["verb"]
        role = ctx.lex.raw["role_clause_verbs"].get(verb.lemma_)
        future = ctx.lex.words("future_auxiliaries")
        if role is None or any(c.dep_ == "aux" and c.lower_ in future for c in verb.children):
            return  # "X will chair the council": not held yet
        jurisdiction = ctx.refer(body)
        if verb.dep_ == "advcl" or jurisdiction is None:
            # "sent to the Union, headed by X": the parse hangs the clause on the verb; the
            # body is the name just before it
            i = verb.i - 1
            if i >= 0 and verb.doc[i].text == ",":
                i -= 1
            jurisdiction = ctx.entity(verb.doc[i]) if i >= 0 else None
        if jurisdiction is None or jurisdiction.cls not in ORG_CLASSES:
            return  # "Spain, led by X, won the final": a team, not a post
        final = scaled(match.rule.confidence, modality(verb, ctx.lex))
        if final is None:
            return
        sent = verb.sent
        ctx.roles.setdefault(mention.entity.key, []).append((role, jurisdiction.key))
        yield Position(
            holder=ctx.use(mention.entity, sent),
            jurisdiction=ctx.use(jurisdiction, sent),
            roles={role},
            observed_on=ctx.date,
            evidence=[ctx.evidence(sent, final)],
        )

    def _respectively(self, ctx: DocContext, marker: Token) -> Iterator[Position]:
        """'his Greek, Cypriot and French counterparts, A, B and C, respectively': the
        n-th name holds the title for the n-th country."""
        sent = marker.sent
        doc = marker.doc
        # the titles and names a 'respectively' pairs stand close before it
        first = max(sent.start, marker.i - _RESPECTIVELY_WINDOW)
        for noun in doc[first : marker.i]:
            if noun.tag_ not in {"NNS", "NNPS"}:
                continue
            role = noun.lower_[:-1] if noun.lower_.endswith("s") else noun.lower_
            if role not in self.heads and noun.lower_ not in self.counterparts:
                continue
            left = doc[max(first, noun.left_edge.i) : noun.i]
            places = ctx.entities_in((t for t in left if noun.is_ancestor(t)), {"Country"})
            people: list[Mention] = []
            for m in ctx.found.index.between(noun.i + 1, marker.i, "Person"):
                if m.entity.cls == "Person":
                    if not people or people[-1].entity.key != m.entity.key:
                        people.append(m)
            if len(places) < 2 or len(places) != len(people):
                continue
            if noun.lower_ in self.counterparts:
                role = self._counterpart_role(ctx, people[0])
                if role is None:
                    continue
            for person, place in zip(people, places, strict=True):
                ctx.roles.setdefault(person.entity.key, []).append((role, place.key))
                yield Position(
                    holder=ctx.use(person.entity, sent),
                    jurisdiction=ctx.use(place, sent),
                    roles={ctx.lex.standard_role(role)},
                    observed_on=ctx.date,
                    evidence=[ctx.evidence(sent, 0.8)],
                )
            return

    # ------------------------------------------------------------------------
    def _for_mention(
        self, ctx: DocContext, mention: Mention, previous: tuple[Mention, str | None] | None
    ) -> Iterator[Position]:
        span = mention.span
        sent = span.sent
        # A title is asserted whatever its holder does ("President X refused to sign").
        mode = "asserted"
        results: list[tuple[str, Entity | None, float]] = []
        left = self._left_phrase(ctx, span)
        right = self._right_apposition(ctx, span)
        right_of = self._right_of(ctx, span)
        for role, jurisdiction in self._segments(ctx, left):
            if jurisdiction is None and right_of is not None:
                jurisdiction = right_of
            results.append((role, jurisdiction, 0.9 if jurisdiction else 0.0))
        if right is not None:
            results.append((right[0], right[1], 0.9 if right[1] else 0.0))
        own_place = any(ctx.entity(t) is not None for t in left)
        if not results and not own_place and span.root.dep_ == "conj" and previous is not None:
            # "Presidents A of X and B of Y": B shares A's title.
            prev_mention = previous[0]
            prev_roles = ctx.roles.get(prev_mention.entity.key, [])
            between = span.doc[prev_mention.span.end : span.start]
            others = any(t.lower_ in self.counterparts for t in between)
            if prev_roles and prev_mention.span.root == span.root.head and not others:
                results.append((prev_roles[-1][0], right_of, 0.85 if right_of else 0.0))
        out: dict[tuple[str, str], float] = {}
        for role, jurisdiction, conf in results:
            own = role != "counterpart"  # a counterpart serves another country
            if not own:
                role = self._counterpart_role(ctx, mention)
                if role is None:
                    continue
                conf = min(conf, 0.8) if jurisdiction else 0.0
            if jurisdiction is None:
                jurisdiction, conf = self._implicit_jurisdiction(
                    ctx, mention, role, previous, story=own
                )
            if jurisdiction is None:
                # remembered for "his counterpart", though no position can be stated
                ctx.roles.setdefault(mention.entity.key, []).append((role, None))
                continue
            if jurisdiction.key == mention.entity.key:
                continue
            if jurisdiction.cls not in ACTOR_CLASSES:
                continue
            final = scaled(conf, mode)
            if final is None:
                continue
            key = (role, ctx.use(jurisdiction, sent))
            out[key] = max(out.get(key, 0.0), final)
        for (role, jurisdiction), conf in out.items():
            yield Position(
                holder=ctx.use(mention.entity, sent),
                jurisdiction=jurisdiction,
                roles={role},
                observed_on=ctx.date,
                evidence=[ctx.evidence(sent, conf)],
            )

    # -- the title before a name --------------------------------------------
    def _left_phrase(self, ctx: DocContext, span: Span) -> list[Token]:
        doc = span.doc
        tokens: list[Token] = []
        sent_start = span.sent.start
        i = span.start - 1
        # "Finance Minister Dr. X", "Department Director Maj. Gen. X": honorifics and ranks
        # stand between a title and the name and are part of neither
        while i >= sent_start and (
            self._honorific(ctx, doc[i])
            or (doc[i].text == "." and i > sent_start and self._honorific(ctx, doc[i - 1]))
            # "Major General X": a rank, though "general" alone ends "Secretary General"
            or (
                doc[i].lower_ in ctx.lex.words("role_rank_generals")
                and i > sent_start
                and self._honorific(ctx, doc[i - 1])
            )
        ):
            i -= 1
        # "The Italian foreign minister, Luigi Di Maio, joined": a title set off by commas
        if (
            i - 1 >= sent_start
            and doc[i].text == ","
            and self._title_ends_at(ctx, doc, i - 1)
            and (span.end >= span.sent.end or doc[span.end].text in {",", ".", ";"})
        ):
            i -= 1
        elif (comma_title := self._appositive_title(ctx, span, i)) is not None:
            return comma_title
        while i >= sent_start:
            token = doc[i]
            entity = ctx.entity(token)
            before = doc[i - 1] if i - 1 >= sent_start else None
            if entity is not None and entity.cls == "Person":
                break
            if (
                token.lower_ == "and"
                and tokens
                and before is not None
                and (tokens[-1].lower_ not in self.heads or before.lower_ in self.heads)
                and before.lower_ in self.words
                and ctx.entity(before) is None
            ):
                # "trade and industry commissioner", "deputy prime minister and minister of
                # defence"; but not "Minister of Agriculture and Chairman of Y"
                tokens.append(token)
            elif (
                entity is not None
                or token.lower_ in self.words
                or token.lower_ in self.body_words
                or _joining(token)
            ):
                tokens.append(token)
            elif token.text in _POSSESSIVES and before is not None and ctx.entity(before):
                tokens.append(token)
            elif (
                token.lower_ in self.dets
                and tokens
                and before is not None
                and before.lower_ in self.linkers | self.counterpart_linkers
            ):
                tokens.append(token)  # "Director of the Office of the King X"
            elif self._linked(token, before, tokens):
                tokens.append(token)
            elif (
                token.lower_ in self.country_nouns
                and before is not None
                and before.lower_ in self.dets
            ):
                tokens.append(token)  # "the chancellor of the republic, X": the story's
            else:
                break
            i -= 1
        if i >= sent_start and tokens and self._past(doc, i):
            # "Former Chilean foreign minister X": not held now; but "late on Monday,
            # President X" and "then President X said" are about time, not the title
            inside = {t.i for t in tokens} | set(range(span.start, span.end))
            ambiguous = doc[i].lower_ in ctx.lex.words("role_past_ambiguous")
            if not ambiguous or doc[i].head.i in inside:
                return []
        tokens.reverse()
        while tokens and (
            tokens[0].lower_ in self.linkers | self.counterpart_linkers
            or tokens[0].lower_ == "and"
            or tokens[0].lower_ in self.dets
            or tokens[0].text in _POSSESSIVES
            or tokens[0].text in _HYPHENS
        ):
            tokens.pop(0)
        return tokens

    def _appositive_title(self, ctx: DocContext, span: Span, comma: int) -> list[Token] | None:
        """'the Minister of Agriculture and Livestock, X,': the name in apposition to a
        role noun whose portfolio has words the lexicon does not know; the parse gives
        the title phrase."""
        doc = span.doc
        root = span.root
        head = root.head
        if (
            comma <= span.sent.start
            or doc[comma].text != ","
            or root.dep_ != "appos"
            or not head.i < comma
            or head.lower_ not in self.heads
            or doc[head.i + 1].lower_ not in self.of_linkers
        ):
            return None
        tokens = [t for t in doc[max(span.sent.start, head.left_edge.i) : comma]]
        if any(t.pos_ in {"VERB", "AUX"} or t.text in {",", ";"} for t in tokens):
            return None
        if any(ctx.entity(t) is not None and ctx.entity(t).cls == "Person" for t in tokens):
            return None
        while tokens and tokens[0].lower_ in self.dets:
            tokens.pop(0)
        return tokens

    def _linked(self, token: Token, before: Token | None, tokens: list[Token]) -> bool:
        """A preposition inside a title read right to left: 'minister of', 'ambassador to',
        'adviser to', 'counterpart from'."""
        if not tokens or before is None or tokens[-1].lower_ in self.of_linkers:
            return False
        lower = token.lower_
        if lower in self.of_linkers:
            return True
        if lower == "to":
            return before.lower_ in self.to_heads
        return lower in self.counterpart_linkers and before.lower_ in self.counterparts

    def _honorific(self, ctx: DocContext, token: Token) -> bool:
        """'Dr', 'Sheikh', 'Maj. Gen.': a form of address or a rank, not a name nor a role."""
        if ctx.entity(token) is not None and ctx.entity(token).cls == "Person":
            return False
        return token.lower_ in self.honorifics or token.lower_ + "." in self.honorifics

    def _past(self, doc, i: int) -> bool:
        """A temporal-status word ends at token ``i``: 'former', 'the late', 'soon-to-be'."""
        if doc[i].lower_ in self.past:
            return True
        # "soon-to-be", "would-be": the tokens before the last hyphenated part
        j = i
        while j > doc[i].sent.start and (doc[j - 1].text in _HYPHENS or doc[j].text in _HYPHENS):
            j -= 1
        return doc[j : i + 1].text.lower().replace(" ", "") in self.past

    def _title_ends_at(self, ctx: DocContext, doc, i: int) -> bool:
        """'the Deputy Minister of Foreign Affairs, X,' / 'his Mexican counterpart, X,': a
        title phrase, set off by a comma, ends at token ``i``."""
        stop = max(doc[i].sent.start, i - 12)
        while i >= stop:
            token = doc[i]
            entity = ctx.entity(token)
            if token.lower_ in self.heads or (
                token.lower_ in self.counterparts and token.tag_ not in {"NNS", "NNPS"}
            ):
                return True
            if (
                entity is None
                and token.tag_ in {"NNS", "NNPS"}
                and token.lower_.rstrip("s") in self.words
            ):
                return False  # "their counterparts, A, B and C": a list, not one title
            if entity is not None and entity.cls == "Person":
                return False
            if not (
                entity is not None
                or token.lower_ in self.words
                or token.lower_ in self.linkers | self.counterpart_linkers
                or token.lower_ in self.dets
                or token.lower_ in self.country_nouns
                or token.lower_ == "and"
                or token.text in _POSSESSIVES
                or _joining(token)
            ):
                return False
            i -= 1
        return False

    def _segments(
        self, ctx: DocContext, tokens: list[Token]
    ) -> Iterator[tuple[str, Entity | None]]:
        """Split a title phrase into (role, jurisdiction) pairs at each role head."""
        if not tokens:
            return
        if any(t.lower_ in self.past for t in tokens):
            return
        role_words: list[str] = []
        jurisdiction: Entity | None = None
        i = 0
        while i < len(tokens):
            token = tokens[i]
            entity = ctx.entity(token)
            if token.lower_ == "to":
                # "Chile's ambassador to Peru": Peru receives, Chile sends; "adviser to the
                # president": the one advised is part of the role, not another title
                i += 1
                while i < len(tokens) and tokens[i].lower_ in self.dets:
                    i += 1
                i += self._head_at(tokens, i)
                while i < len(tokens) and ctx.entity(tokens[i]) is not None:
                    i += 1
                continue
            if entity is not None and entity.cls != "Person":
                if role_words and not self._ends_with_head(role_words):
                    role_words = []
                jurisdiction = entity
                i += 1
                continue
            if token.lower_ in self.body_words:
                # "China's foreign ministry spokesman": the body is part of the jurisdiction
                role_words = []
                i += 1
                continue
            match = self._head_at(tokens, i)
            if match:
                role_words.extend(t.lower_ for t in tokens[i : i + match])
                i, place = self._portfolio(ctx, tokens, i + match, role_words)
                nxt = tokens[i] if i < len(tokens) else None
                if all(w in self.prefix_heads for w in role_words) and nxt is not None:
                    continue  # "deputy foreign minister", "vice president"
                linked, place = self._linked_place(ctx, tokens, i, role_words, place)
                if linked > i or place is not None:
                    # "Minister of Trade of Peru", "the rector of the University of Lagos"
                    jurisdiction = place
                    i = linked
                    nxt = tokens[i] if i < len(tokens) else None
                    if nxt is None or nxt.lower_ == "and" or self._head_at(tokens, i):
                        role = self._role(ctx, role_words)
                        if role:
                            yield role, jurisdiction
                        role_words = []
                        jurisdiction = None
                        i += 1 if nxt is not None and nxt.lower_ == "and" else 0
                        continue
                if "of" in role_words[1:] or "for" in role_words[1:]:
                    if nxt is None or nxt.lower_ == "and":
                        role = self._role(ctx, role_words)
                        if role:
                            yield role, jurisdiction
                        role_words = []
                        i += 1 if nxt is not None else 0
                        continue
                if nxt is None or self._head_at(tokens, i) or ctx.entity(nxt) is not None:
                    role = self._role(ctx, role_words)
                    if role:
                        yield role, jurisdiction
                        jurisdiction = None
                    role_words = []
                continue
            if token.lower_ == "and" and not role_words:
                i += 1
                continue
            if token.lower_ == "and" and self._ends_with_head(role_words):
                # stacked titles, "deputy prime minister and defence minister X": both held,
                # for the same country unless the second names its own
                role = self._role(ctx, role_words)
                if role:
                    yield role, jurisdiction
                role_words = []
                i += 1
                continue
            if token.text not in _POSSESSIVES and token.lower_ not in self.of_linkers:
                role_words.append(token.lower_)
            i += 1
        if role_words and self._ends_with_head(role_words):
            role = self._role(ctx, role_words)
            if role:
                yield role, jurisdiction

    def _linked_place(
        self,
        ctx: DocContext,
        tokens: list[Token],
        i: int,
        role_words: list[str],
        place: Entity | None,
    ) -> tuple[int, Entity | None]:
        """'... of (the) Y' right after a role: Y is its jurisdiction ('the chancellor of
        the republic': the story's country). Returns where the phrase ends and Y."""
        if place is not None or i + 1 >= len(tokens):
            return i, place
        linker = tokens[i].lower_
        counterpart = role_words[-1] in self.counterparts
        if linker not in (self.counterpart_linkers if counterpart else self.of_linkers):
            return i, None
        j = i + 1
        while j < len(tokens) and tokens[j].lower_ in self.dets:
            j += 1
        if j >= len(tokens):
            return i, None
        found = ctx.entity(tokens[j])
        if found is not None and found.cls != "Person":
            while j < len(tokens) and ctx.entity(tokens[j]) is found:
                j += 1
            return j, found
        if found is None and tokens[j].lower_ in self.country_nouns and j > i + 1:
            return j + 1, self.story  # without a story country, the role alone
        return i, None

    def _portfolio(
        self, ctx: DocContext, tokens: list[Token], i: int, role_words: list[str]
    ) -> tuple[int, Entity | None]:
        """'minister of foreign affairs', 'minister for trade and industry': the portfolio
        words after a head join the role. A demonym among them ('Minister for Indigenous
        Australians') is part of the portfolio and names the jurisdiction too."""
        if i + 1 >= len(tokens) or tokens[i].lower_ not in self.of_linkers:
            return i, None
        j = i + 1
        words: list[str] = []
        place: Entity | None = None
        while j < len(tokens):
            token = tokens[j]
            mention = ctx.found.mention_at(token)
            if mention is not None and mention.kind == "demonym" and words:
                words.append(token.lower_)
                place = mention.entity
                j += 1
                continue
            if ctx.entity(token) is not None or self._head_at(tokens, j):
                break
            if token.lower_ == "and" and words and j + 1 < len(tokens):
                if ctx.entity(tokens[j + 1]) is None and not self._head_at(tokens, j + 1):
                    words.append("and")
                    j += 1
                    continue
                break
            if token.lower_ in self.of_linkers or not (
                token.lower_ in self.words or (token.is_title and not token.is_sent_start)
            ):
                break
            words.append(token.lower_)
            j += 1
        if not words or words[-1] == "and":
            return i, None
        role_words.extend([tokens[i].lower_, *words])
        return j, place

    def _head_at(self, tokens: list[Token], i: int) -> int:
        """The length of the role head ('minister', 'minister counselors') at ``i``, or 0."""
        lowered = [t.lower_ for t in tokens]
        for seq in self.head_seqs:
            n = len(seq)
            found = tuple(lowered[i : i + n])
            if len(found) == n and found[:-1] == seq[:-1] and found[-1] in (seq[-1], seq[-1] + "s"):
                return n
        if i < len(lowered) and lowered[i] in self.counterparts:
            return 1
        return 0

    def _ends_with_head(self, words: list[str]) -> bool:
        text = " ".join(words).replace(" - ", "-")
        return any(text.endswith(h) for h in self.heads)

    def _role(self, ctx: DocContext, words: list[str]) -> str | None:
        drop = ctx.lex.words("role_drop_modifiers")
        words = [w for w in words if w not in drop and w not in self.dets]
        text = " ".join(words).replace(" - ", "-").replace(" -", "-").replace("- ", "-")
        text = text.replace("long-serving ", "")
        if not text:
            return None
        if text in self.counterparts:
            return "counterpart"
        if text.endswith("s") and text[:-1] in self.heads:
            text = text[:-1]
        for linked in ("minister of ", "minister for "):
            at = text.find(" " + linked)
            if at > 0:
                # "deputy minister of trade", "federal minister for health": the modifiers
                # stay before the standard form of the rest
                return f"{text[:at]} {ctx.lex.standard_role(text[at + 1 :])}"
        if text.endswith("presidents"):
            text = text[:-1]
        if text in ctx.lex.words("role_too_vague"):
            return None
        return ctx.lex.standard_role(text)

    # -- after the name ------------------------------------------------------
    def _right_of(self, ctx: DocContext, span: Span) -> Entity | None:
        """'President X of Y' — the country right after the name."""
        doc = span.doc
        if span.end + 1 < len(doc) and doc[span.end].lower_ == "of":
            entity = ctx.entity(doc[span.end + 1])
            if entity is not None and entity.cls in ACTOR_CLASSES:
                return entity
        return None

    def _right_apposition(self, ctx: DocContext, span: Span) -> tuple[str, Entity | None] | None:
        doc = span.doc
        i = span.end
        end = span.sent.end
        if i < end and doc[i].lemma_ in self.copulas and doc[i].dep_ != "aux":
            return self._relative_clause(ctx, doc, i, end)  # "X was the deputy commander of Y"
        if i + 2 < end and doc[i].lower_ == "of" and ctx.entity(doc[i + 1]) is not None:
            # "President Bola Tinubu of Nigeria, who chairs the bloc"
            mention = ctx.found.mention_at(doc[i + 1])
            i = mention.span.end if mention is not None else i
            if i + 1 < end and doc[i].text == "," and doc[i + 1].lower_ in self.relatives:
                return self._relative_clause(ctx, doc, i + 2, end)
            return None
        if i >= end or doc[i].text != ",":
            return None
        i += 1
        if i + 1 < end and doc[i].like_num and doc[i + 1].text == ",":
            i += 2  # "X, 77, leader of Y": the age stands between name and title
        if i < end and doc[i].lower_ in self.relatives:
            return self._relative_clause(ctx, doc, i + 1, end)
        if i < end and doc[i].lower_ in self.dets:
            i += 1
        role_tokens: list[Token] = []
        before: list[Entity] = []
        while i < end:
            token = doc[i]
            entity = ctx.entity(token)
            if entity is not None and entity.cls == "Person":
                return None
            if entity is not None:
                if not before or before[-1] is not entity:
                    before.append(entity)
            elif token.lower_ in self.past:
                return None
            elif token.lower_ in self.words or _joining(token):
                role_tokens.append(token)
            elif (
                token.lower_ in {"of", "and"}
                and role_tokens
                and self._head_at(list(doc[i - len(role_tokens) : end]), len(role_tokens) - 1) > 1
            ):
                role_tokens.append(token)
            elif token.text in _POSSESSIVES:
                role_tokens = []  # "X, the king's prime minister": the king is served
            elif token.pos_ in {"ADJ", "NOUN"} and token.is_lower and not before:
                # "an international relations professor at Y": plain modifiers of the title
                role_tokens.append(token)
            else:
                break
            i += 1
        if not role_tokens or not self._ends_with_head([t.lower_ for t in role_tokens]):
            return None
        role = self._role(ctx, [t.lower_ for t in role_tokens])
        if role is None or role == "counterpart":
            return None
        if self._person_follows(ctx, doc, i, end):
            return None  # "A, Director of the Office B": B's title, not A's
        jurisdiction = before[-1] if before else None
        if i < end and doc[i].lower_ in self.linkers:
            after = self._entity_phrase(ctx, doc, i + 1, end)
            if after is not None:
                jurisdiction = after
        return role, jurisdiction

    def _person_follows(self, ctx: DocContext, doc, i: int, end: int) -> bool:
        """A person is named before the next comma: the phrase is that person's title."""
        while i < end and doc[i].text not in {",", ";", "(", "—", "–"}:
            entity = ctx.entity(doc[i])
            if entity is not None and entity.cls == "Person":
                return True
            i += 1
        return False

    def _relative_clause(
        self, ctx: DocContext, doc, i: int, end: int
    ) -> tuple[str, Entity | None] | None:
        """', who heads Y' / ', who is the president of Y'."""
        clause_roles = ctx.lex.raw["role_clause_verbs"]
        present = ctx.lex.words("role_present_tags")
        if i < end and doc[i].lemma_ in clause_roles and doc[i].tag_ in present:
            # "who heads Y"; "who headed Y" is a past post
            return clause_roles[doc[i].lemma_], self._entity_phrase(ctx, doc, i + 1, end)
        if i < end and doc[i].lemma_ in self.copulas:
            j = i + 1
            if j < end and doc[j].lower_ in self.dets:
                j += 1
            role_tokens = []
            while j < end and (doc[j].lower_ in self.words or _joining(doc[j])):
                role_tokens.append(doc[j].lower_)
                j += 1
            if (
                role_tokens
                and self._ends_with_head(role_tokens)
                and j < end
                and doc[j].lower_ in self.linkers
            ):
                role = self._role(ctx, role_tokens)
                if role:
                    return role, self._entity_phrase(ctx, doc, j + 1, end)
        return None

    def _entity_phrase(self, ctx: DocContext, doc, i: int, end: int) -> Entity | None:
        """The head entity of a short noun phrase: 'Iran's Quds Force' → Quds Force.

        A capitalised name the recogniser missed ("the Greek Energy Forum") becomes an
        organisation of its own.
        """
        start = i
        while start < end and doc[start].lower_ in self.dets:
            start += 1
        stop = start
        while (
            stop < end
            and (doc[stop].is_title or doc[stop].text in _HYPHENS)
            and not doc[stop].is_sent_start
        ):
            stop += 1
        if (
            stop - start >= 2
            and doc[stop - 1].pos_ == "PROPN"
            and has_name(clean_name(doc[start:stop].text))
        ):
            covered = [ctx.found.mention_at(t) for t in doc[start:stop]]
            if not any(
                m is not None and m.span.start == start and m.span.end == stop for m in covered
            ):
                if all(m is None or m.kind == "demonym" for m in covered):
                    from kg.resolve.mentions import Entity as _E
                    from kg.resolve.mentions import organization_class, slug

                    name = clean_name(doc[start:stop].text)
                    entity = _E(f"org:{slug(name)}", organization_class(name), name)
                    for t in doc[start:stop]:
                        mention = ctx.found.by_token.pop(t.i, None)
                        if mention is not None:
                            ctx.found.remove_mention(mention)
                    return ctx.found.add_mention(doc[start:stop], entity, "name", 0.7).entity
        last: Entity | None = None
        while i < end:
            token = doc[i]
            entity = ctx.entity(token)
            if entity is not None and entity.cls in ACTOR_CLASSES:
                last = entity
            elif token.lower_ in self.dets or token.text in _POSSESSIVES or (entity is not None):
                pass
            elif last is None and (referred := ctx.refer(token)) is not None:
                if referred.cls in ACTOR_CLASSES:
                    last = referred  # "who chairs the bloc"
            elif token.pos_ in {"ADJ", "NOUN", "PROPN"} and last is None:
                pass
            elif last is None and (token.lower_ == "and" or token.lower_ in self.linkers):
                pass  # "director of the law and technology programme at the University of Y"
            else:
                break
            i += 1
        return last

    # -- implied parts -------------------------------------------------------
    def _counterpart_role(self, ctx: DocContext, mention: Mention) -> str | None:
        """'his counterpart X': X holds the role of the person 'his' refers to."""
        for other in ctx.found.index.before(mention.span.start, "Person"):
            if other.entity.cls != "Person":
                continue
            if other.entity.key == mention.entity.key:
                continue
            if other.span.sent != mention.span.sent:
                return None
            roles = ctx.roles.get(other.entity.key)
            if roles:
                return roles[-1][0]
            return None
        return None

    def _implicit_jurisdiction(
        self,
        ctx: DocContext,
        mention: Mention,
        role: str,
        previous: tuple[Mention, str | None] | None,
        story: bool = True,
    ) -> tuple[Entity | None, float]:
        start = mention.span.start
        while start > 0 and (
            mention.span.doc[start - 1].lower_ in self.words
            or mention.span.doc[start - 1].text in _HYPHENS
        ):
            start -= 1
        before = mention.span.doc[start - 1] if start > 0 else None
        unknown_place = (
            before is not None
            and before.is_title
            and not before.is_sent_start
            and ctx.entity(before) is None
            and before.pos_ in {"ADJ", "PROPN"}
        )
        if previous is not None and previous[1] is not None and not unknown_place:
            # "Greek prime minister A and energy minister B": B shares A's country, unless
            # B's title has a country word of its own we could not place ("Saudi")
            prev_span = previous[0].span
            if prev_span.sent == mention.span.sent and mention.span.start - prev_span.end <= 8:
                between = mention.span.doc[prev_span.end : mention.span.start]
                shared = ctx.found.entities.get(previous[1])
                # an organisation's title does not pass on: "the rector of a university
                # and Comptroller B" is not the university's comptroller
                if (
                    shared is not None
                    and shared.cls == "Country"
                    and any(t.lower_ in {"and", ","} for t in between)
                    and not any(t.pos_ == "VERB" for t in between)
                ):
                    return shared, 0.75
        node = mention.span.root
        for _ in range(3):
            if node.dep_ == "dobj" and node.head.lemma_ in ctx.lex.words("role_sender_verbs"):
                # "the United States sent Secretary of State Mike Pompeo": he serves the sender
                verb = node.head
                subjects = [c for c in verb.children if c.dep_ == "nsubj"]
                if not subjects and verb.dep_ == "conj":
                    subjects = [c for c in verb.head.children if c.dep_ == "nsubj"]
                for child in subjects:
                    sender = ctx.refer(child)
                    if sender is not None and sender.cls == "Country":
                        return sender, 0.7
                break
            if node.head == node:
                break
            node = node.head
        country = ctx.country_of(mention.entity)
        if country is not None and mention.entity.key in ctx.found.leaders:
            spell = ctx.found.leaders[mention.entity.key]
            if spell.role in (None, role) or role in ctx.lex.words("head_of_state_roles"):
                return country, 0.75
        if story and not unknown_place:
            side = self._side_country(ctx, mention.span.sent)
            if side is not None:
                return side, 0.7
        found = _officeholder_jurisdiction(ctx, mention.entity, role)
        if found[0] is not None or not story or unknown_place or self.story is None:
            return found
        heads = ctx.lex.words("state_role_heads")
        if role in heads or any(w in heads for w in role.split()):
            # "Planning Minister X" in a story about one country: most likely its minister
            return self.story, 0.6
        return None, 0.0

    def _side_country(self, ctx: DocContext, sent: Span) -> Entity | None:
        """'On the Jordanian side, Prime Minister X ...', 'the Iranian delegation included
        Foreign Minister X': the one country a sentence assigns its people to."""
        key = ("position-side", sent.start)
        if key in ctx.memo:
            return ctx.memo[key]  # type: ignore[return-value]
        sides = ctx.lex.words("role_side_nouns")
        found: dict[str, Entity] = {}
        for token in sent:
            if token.lemma_ in sides and token.pos_ == "NOUN":
                for child in token.children:
                    entity = ctx.entity(child)
                    if entity is not None and entity.cls == "Country":
                        found[entity.key] = entity
        country = next(iter(found.values())) if len(found) == 1 else None
        ctx.memo[key] = country
        return country


def _officeholder_jurisdiction(
    ctx: DocContext, person: Entity, role: str
) -> tuple[Entity | None, float]:
    """'Chancellor Gordon Brown': the jurisdiction of the holder's post that fits the title,
    from the officeholder table; less sure when the name or the post is not unique."""
    table = officeholders.load()
    holder = table.by_qid(person.wikidata)
    conf = officeholders.UNIQUE
    if holder is None:
        found = table.holder(person.label, role)
        if found is None:
            return None, 0.0
        holder, conf = found
    place = table.jurisdiction(holder, role)
    if place is None:
        return None, 0.0
    key, place_conf = place
    entity = ctx.found.entities.get(key)
    if entity is None:
        entry = ctx.gaz.entry(key)
        if entry is None:
            return None, 0.0
        entity = entity_from_gazetteer(entry)
        ctx.found.entities.setdefault(entity.key, entity)
    return entity, round(min(conf, place_conf) - 0.05, 2)


# Marks that end a dateline ("WASHINGTON --", "CAIRO – 25 July:", "LIMA (Reuters)").
_DATELINE_ENDS = {"--", "—", "–", "-", ":", "("}
# How far into the text a dateline may stand, in tokens (a headline may come first).
_DATELINE_WINDOW = 40
# A dateline counts as this many mentions of its country.
_DATELINE_WEIGHT = 3
# How often the country of a story is named at least (its cities included).
_STORY_MENTIONS = 3


def _story_country(ctx: DocContext) -> Entity | None:
    """The country a story is about: named at least twice, and twice as often as any other.
    A city counts for its country, a dateline city ("WASHINGTON --") several times."""
    counts: dict[str, int] = {}
    entities: dict[str, Entity] = {}
    for mention in ctx.found.mentions:
        country = mention.entity if mention.entity.cls == "Country" else None
        if mention.entity.cls == "City":
            country = ctx.as_country(mention.entity)  # "told lawmakers in Lima"
        if country is not None:
            counts[country.key] = counts.get(country.key, 0) + 1
            entities.setdefault(country.key, country)
    dateline = _dateline_country(ctx)
    if dateline is not None:
        counts[dateline.key] = counts.get(dateline.key, 0) + _DATELINE_WEIGHT
        entities[dateline.key] = dateline
    ranked = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)
    if (
        not ranked
        or ranked[0][1] < _STORY_MENTIONS
        or (len(ranked) > 1 and ranked[1][1] * 2 > ranked[0][1])
    ):
        return None
    return ctx.found.entities.get(ranked[0][0]) or entities.get(ranked[0][0])


def _dateline_country(ctx: DocContext) -> Entity | None:
    """The country of the city a dateline names: a city at the start of a line, followed by
    a dash, a colon or a bracket."""
    doc = ctx.doc
    for token in doc[: min(len(doc), _DATELINE_WINDOW)]:
        if not (token.i == 0 or "\n" in doc[token.i - 1].text_with_ws):
            continue
        mention = ctx.found.mention_at(token)
        if mention is not None:
            end = mention.span.end
            if mention.entity.cls == "City" and end < len(doc) and doc[end].text in _DATELINE_ENDS:
                return ctx.as_country(mention.entity)
            continue
        # "WASHINGTON --": a capital in capitals, which the recogniser often misses
        end = token.i
        while end < min(len(doc), token.i + 3) and doc[end].is_upper and doc[end].is_alpha:
            end += 1
        if end > token.i and end < len(doc) and doc[end].text in _DATELINE_ENDS:
            entry = ctx.gaz.capital_country(doc[token.i : end].text.title())
            if entry is not None:
                return ctx.found.entities.get(entry.key) or entity_from_gazetteer(entry)
    return None


def _unique_mentions(ctx: DocContext) -> list[Mention]:
    seen: set[int] = set()
    out = []
    for mention in ctx.found.index.sorted():
        if id(mention) not in seen:
            seen.add(id(mention))
            out.append(mention)
    return out
