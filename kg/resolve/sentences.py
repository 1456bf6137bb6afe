"""The sentences of a parsed document, found once.

spaCy finds the sentence of a token by walking from it to the sentence's ends, and
``Span.text`` joins its tokens anew on each call: each is as slow as the sentence is
long, which a story of one 10,000-token sentence pays on every token. ``index_sentences``
finds the sentences once and has ``Token.sent`` and ``Span.sent`` look them up (spaCy's
own user hooks), and keeps each sentence's words and trimmed text for the extractors.
"""

from __future__ import annotations

from bisect import bisect_right

from spacy.tokens import Doc, Span, Token

_KEY = "geokg.sentences"


class SentenceIndex:
    """Sentence spans of one document by token, with per-sentence facts cached."""

    def __init__(self, doc: Doc) -> None:
        self.sents: list[Span] = list(doc.sents)
        self.starts: list[int] = [s.start for s in self.sents]
        self._words: dict[tuple[int, int], frozenset[str]] = {}
        self._text: dict[tuple[int, int], tuple[str, int, int]] = {}
        self._memo: dict[tuple[int, int], dict[str, object]] = {}

    def memo(self, sent: Span) -> dict[str, object]:
        """A place to keep what is worked out once about a sentence."""
        return self._memo.setdefault((sent.start, sent.end), {})

    def of(self, i: int) -> Span:
        """The sentence of token ``i``."""
        return self.sents[bisect_right(self.starts, i) - 1]

    def words(self, sent: Span) -> frozenset[str]:
        """The lower-cased words of a sentence."""
        key = (sent.start, sent.end)
        words = self._words.get(key)
        if words is None:
            words = self._words[key] = frozenset(t.lower_ for t in sent)
        return words

    def trimmed(self, sent: Span) -> tuple[str, int, int]:
        """A sentence's text without surrounding space, and its character offsets."""
        key = (sent.start, sent.end)
        found = self._text.get(key)
        if found is None:
            found = self._text[key] = _trimmed(sent)
        return found


def index_sentences(doc: Doc) -> SentenceIndex:
    """Find the sentences of ``doc`` once and make ``.sent`` look them up."""
    index = SentenceIndex(doc)
    doc.user_data[_KEY] = index
    doc.user_token_hooks["sent"] = lambda token: index.of(token.i)
    doc.user_span_hooks["sent"] = lambda span: index.of(span.start)
    return index


def sentence_index(doc: Doc) -> SentenceIndex | None:
    """The index ``index_sentences`` made for ``doc``, if any."""
    return doc.user_data.get(_KEY)


def sentence_words(sent: Span) -> frozenset[str]:
    """The lower-cased words of a sentence (cached where the document is indexed)."""
    index = sentence_index(sent.doc)
    return index.words(sent) if index is not None else frozenset(t.lower_ for t in sent)


def sentence_memo(sent: Span) -> dict[str, object]:
    """What has been worked out about ``sent`` (an empty dict where nothing is indexed)."""
    index = sentence_index(sent.doc)
    return index.memo(sent) if index is not None else {}


def token_sentence_words(token: Token) -> frozenset[str]:
    """The lower-cased words of the sentence of ``token``."""
    return sentence_words(token.sent)


def trimmed_sentence(sent: Span) -> tuple[str, int, int]:
    """``sent``'s text without surrounding space and the offsets of that text."""
    index = sentence_index(sent.doc)
    return index.trimmed(sent) if index is not None else _trimmed(sent)


def _trimmed(sent: Span) -> tuple[str, int, int]:
    text = sent.text
    lead = len(text) - len(text.lstrip())
    trail = len(text) - len(text.rstrip())
    return text.strip(), sent.start_char + lead, sent.end_char - trail
