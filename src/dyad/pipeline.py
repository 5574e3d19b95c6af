"""Wires the per-article stages: read → clean → parse → actors → events → time → place.

A `Pipeline` loads the spaCy model, the codebooks and the gazetteer once and then turns
articles into `ArticleResult` records. It touches no database: the store and the
scale-out layer consume its output, so the same object runs in a test, a process, or on
a Dask worker.

`WorkerPool` runs the same pipeline in N processes on this machine: each builds its own
`Pipeline` once and takes shards of articles; only articles go out and only the small
result records come back (never parsed Docs), so the stages after the parse run in the
workers too and the calling process is left with reading and storing.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any, Protocol, TypeVar

from spacy.language import Language
from spacy.tokens import Doc

from dyad.errors import InputError, UsageError
from dyad.records import Article, ArticleResult
from dyad.stages.actors import ActorCodebook, ActorCoder
from dyad.stages.clean import clean_articles
from dyad.stages.events import EventCodebook, EventExtractor
from dyad.stages.nlp import DEFAULT_MODEL, load_model, parse, sentences_of
from dyad.stages.place import Gazetteer, carry_places, locate
from dyad.stages.read import iter_articles
from dyad.stages.when import carry_dates, resolve_dates


def read_articles(inputs: Sequence[str | Path], **options: Any) -> Iterator[Article | InputError]:
    """The read and clean stages: cleaned articles (or errors) from files, directories,
    globs and stdin, as every entry point takes them in; ``options`` are those of
    `dyad.stages.read.iter_articles`."""
    return clean_articles(iter_articles(inputs, **options))


@dataclass(frozen=True)
class PipelineSettings:
    """What a pipeline is built from; picklable, so workers can rebuild the same one."""

    model: str = DEFAULT_MODEL
    codebooks: tuple[str, ...] = field(default=())
    batch_size: int = 32
    n_process: int = 1  # processes running the stages on this machine (`WorkerPool`)


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
        """Stream cleaned articles (`read_articles`, `dyad.stages.clean.clean_articles`) through
        the stages after cleaning, parsing in batches with ``nlp.pipe``.

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

        docs = parse(self.nlp, parsable(), batch_size=self.settings.batch_size)
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
                for m in carry_dates(dated, article, sentences, actors, doc)
            ]
        )
        return ArticleResult(
            article=article,
            sentences=sentences,
            actors=tuple(sorted(actors, key=lambda a: (a.start, a.end))),  # as copies order them
            events=tuple(mentions),
        )

    def process_one(self, article: Article) -> ArticleResult:
        result = next(self.process([article]))
        if isinstance(result, InputError):
            raise result
        return result


@contextmanager
def collector_skips_loaded() -> Iterator[None]:
    """Leave what is loaded so far (model, codebooks, gazetteer) out of the garbage
    collector's full scans while a run lasts, and give it back afterwards: walking it
    again and again cost 6 % of the stages after the parse."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class Processor(Protocol):
    """What ingest needs of a pipeline: results in input order, errors as values."""

    def process(self, articles: Iterable[Article]) -> Iterator[ArticleResult | InputError]: ...


R = TypeVar("R")


class _Result(Protocol[R]):
    def result(self) -> list[R]: ...
    def cancel(self) -> bool: ...


def in_order(
    submit: Callable[[list[Article]], _Result[R]],
    articles: Iterable[Article],
    *,
    shard_size: int,
    in_flight: int,
) -> Iterator[R]:
    """Cut ``articles`` into shards, ``submit`` each, and yield the results in input
    order with at most ``in_flight`` shards submitted and not yet consumed (so memory
    stays flat and the workers stay busy while the caller writes)."""
    if shard_size < 1:
        raise UsageError(f"shard size {shard_size}: expected 1 or more")
    pending: deque[_Result[R]] = deque()
    try:
        stream = iter(articles)
        while shard := list(islice(stream, shard_size)):
            pending.append(submit(shard))
            while len(pending) >= max(1, in_flight):
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


# One pipeline per worker process of a `WorkerPool`, built by its initializer: the only
# way a process pool lets each worker keep what it loaded for later tasks.
_worker_pipeline: Pipeline | None = None


def _start_worker(settings: PipelineSettings) -> None:
    global _worker_pipeline
    _worker_pipeline = Pipeline(settings)
    gc.freeze()  # the worker's pipeline lasts as long as the worker (collector_skips_loaded)


def _process_shard(articles: list[Article]) -> list[ArticleResult | InputError]:
    assert _worker_pipeline is not None, "worker started without its pipeline"
    return list(_worker_pipeline.process(articles))


def _ready() -> bool:
    return _worker_pipeline is not None


class WorkerPool:
    """The pipeline in ``settings.n_process`` worker processes on this machine.

    Workers are started fresh (``spawn``: nothing of the caller's threads or open
    database is inherited) and each loads the model once, when the pool opens. Use as a
    context manager; ``process`` streams like `Pipeline.process`.
    """

    def __init__(self, settings: PipelineSettings) -> None:
        if settings.n_process < 1:
            raise UsageError(f"workers {settings.n_process}: expected 1 or more")
        self.settings = settings
        worker = replace(settings, n_process=1)
        self._executor = ProcessPoolExecutor(
            max_workers=settings.n_process,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(worker,),
        )
        try:  # start every worker now, so a broken model or codebook fails here
            for ready in [self._executor.submit(_ready) for _ in range(settings.n_process)]:
                ready.result()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def process(self, articles: Iterable[Article]) -> Iterator[ArticleResult | InputError]:
        """Results in input order, shards of ``batch_size`` articles, two per worker in
        flight."""
        return in_order(
            lambda shard: self._executor.submit(_process_shard, shard),
            articles,
            shard_size=self.settings.batch_size,
            in_flight=2 * self.settings.n_process,
        )
