"""Wires the per-article stages: clean article → parse → actors → events → time → place.

A `Pipeline` loads the spaCy model, the codebooks and the gazetteer once and then turns
articles into `ArticleResult` records. It touches no database: the store and the
scale-out layer consume its output, so the same object runs in a test, a process, or on
a Dask worker.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from dyad.actors import ActorCodebook, ActorCoder
from dyad.errors import InputError
from dyad.events import EventCodebook, EventExtractor
from dyad.nlp import DEFAULT_MODEL, load_model, parse, sentences_of
from dyad.place import Gazetteer, carry_places, locate
from dyad.records import Article, ArticleResult
from dyad.when import carry_dates, resolve_dates


@dataclass(frozen=True)
class PipelineSettings:
    """What a pipeline is built from; picklable, so workers can rebuild the same one."""

    model: str = DEFAULT_MODEL
    codebooks: tuple[str, ...] = field(default=())
    batch_size: int = 32
    n_process: int = 1


class Pipeline:
    """The per-article stages, loaded once."""

    def __init__(
        self, settings: PipelineSettings | None = None, *, nlp: Language | None = None
    ) -> None:
        """Load everything once; ``nlp`` reuses an already loaded spaCy model."""
        self.settings = settings or PipelineSettings()
        extra = [Path(p) for p in self.settings.codebooks]
        self.nlp = nlp or load_model(self.settings.model)
        self.actor_coder = ActorCoder(ActorCodebook.load(extra), self.nlp)
        self.extractor = EventExtractor(EventCodebook.load(extra), self.nlp)
        self.gazetteer = Gazetteer.load(extra)

    def process(self, articles: Iterable[Article]) -> Iterator[ArticleResult | InputError]:
        """Stream articles through the stages, parsing in batches with ``nlp.pipe``.

        An article whose stages fail, or that is longer than the parser takes
        (``nlp.max_length`` characters), yields an `InputError` naming it; the stream goes on.
        """
        too_long: list[InputError] = []

        def parsable() -> Iterator[Article]:
            for article in articles:
                if len(article.text) > self.nlp.max_length:
                    reason = (
                        f"article is {len(article.text):,} characters, over the parser's"
                        f" limit of {self.nlp.max_length:,}; split it into parts"
                    )
                    too_long.append(InputError(article.path or article.article_id, reason))
                else:
                    yield article

        docs = parse(
            self.nlp,
            parsable(),
            batch_size=self.settings.batch_size,
            n_process=self.settings.n_process,
        )
        for doc in docs:
            yield from too_long
            too_long.clear()
            article: Article = doc._.article
            try:
                yield self._stages(doc, article)
            except Exception as exc:  # one bad article must not stop the others
                yield InputError(article.path or article.article_id, f"processing failed: {exc!r}")
        yield from too_long

    def _stages(self, doc: Doc, article: Article) -> ArticleResult:
        sentences = sentences_of(doc)
        actors = self.actor_coder(doc)
        dated = [resolve_dates(m, article, sentences) for m in self.extractor(doc, actors)]
        mentions = carry_places(
            [
                locate(m, article, sentences, actors, self.gazetteer)
                for m in carry_dates(dated, article, sentences, actors)
            ]
        )
        return ArticleResult(
            article=article, sentences=sentences, actors=actors, events=tuple(mentions)
        )

    def process_one(self, article: Article) -> ArticleResult:
        result = next(self.process([article]))
        if isinstance(result, InputError):
            raise result
        return result


def process_all(
    settings: PipelineSettings, articles: Sequence[Article]
) -> list[ArticleResult | InputError]:
    """Build a pipeline and run it over one shard (the unit of work on a Dask worker)."""
    return list(Pipeline(replace(settings, n_process=1)).process(articles))
