"""Paragraph breaks end sentences: a spaCy component before the parser.

Cleaned article text separates paragraphs with a blank line. The parser does not always
see a sentence end there, least of all after a headline without a full stop ("Bomber
kills 10 in Ruritania" + "A woman ..."), and a sentence across two paragraphs mixes their
names. Marking the first token of every paragraph as a sentence start (which the parser
respects) keeps them apart.
"""

from __future__ import annotations

from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc


@Language.component(
    "geokg_paragraphs",
    assigns=["token.is_sent_start"],
)
def paragraph_sentences(doc: Doc) -> Doc:
    """Start a sentence after every blank line."""
    for i in doc.to_array([IS_SPACE]).nonzero()[0].tolist():
        if i + 1 < len(doc) and "\n\n" in doc[i].text:
            doc[i + 1].is_sent_start = True
    return doc
