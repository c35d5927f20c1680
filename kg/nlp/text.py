"""A Doc's text, read once per Doc.

spaCy's ``Doc.text`` joins every token's text on each call, and the annotators and extractors
read it hundreds of times per article (the slices of quotes, acronyms, datelines): a profile of
the build spent more time there than in the parser. The text of a Doc never changes, so it is
kept in the Doc's ``user_data`` the first time it is asked for.
"""

from __future__ import annotations

from spacy.tokens import Doc

_KEY = "kg.text"


def text_of(doc: Doc) -> str:
    """``doc.text``, joined once."""
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.user_data[_KEY] = doc.text
    return text
