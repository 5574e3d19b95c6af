"""dyad's Python API: ingest inputs into a database, extract without one, open a database.

The CLI and the web server are thin layers over these functions.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dyad.copies import CopyShortcut
from dyad.errors import InputError, UsageError
from dyad.output.export import mention_record
from dyad.pipeline import (
    Pipeline,
    PipelineSettings,
    Processor,
    WorkerPool,
    collector_skips_loaded,
    read_articles,
)
from dyad.records import Article, ArticleResult, article_id_for
from dyad.settings import setting_value
from dyad.stages.clean import clean_articles
from dyad.stages.link import LinkSettings
from dyad.stages.read import count_articles
from dyad.store.store import Store

if TYPE_CHECKING:
    from distributed import Client

    from dyad.evaluate import EvalReport, SentenceScores


def default_db() -> str:
    """The database path: ``DYAD_DB`` if set, else ./dyad.duckdb (`dyad.settings`)."""
    return str(setting_value("db"))


@dataclass
class IngestReport:
    """What an ingest did. ``errors`` are per-input problems; the rest still went in."""

    articles_read: int = 0
    articles_added: int = 0
    articles_skipped: int = 0
    inputs_skipped: int = 0  # files a resumed run did not read again
    articles_copied: int = 0  # added articles built from a copy's original (dyad.copies)
    mentions_added: int = 0
    errors: list[InputError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Articles (and bad inputs) this run will handle, when known before reading.
    articles_total: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def articles_done(self) -> int:
        """Articles stored or skipped, and inputs that failed: progress towards the total."""
        return self.articles_added + self.articles_skipped + len(self.errors)


ProgressCallback = Callable[[IngestReport], None]


def _input_file(article: Article) -> str | None:
    return article.path.split("#", 1)[0] if article.path else None


def _fingerprint(path: str) -> str | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return f"{Path(path).resolve()}|{st.st_size}|{st.st_mtime_ns}"


class _Ingest:
    """One ingest run: reads, skips what is stored, processes, writes batches.

    The database is opened only while a batch is looked up or written (connect, one
    transaction, close): DuckDB lets one process hold a file, so readers (queries, the
    web API) and other ingests get their turn between batches.
    """

    def __init__(
        self,
        db: Path,
        report: IngestReport,
        *,
        resume: bool,
        lock_timeout: float | None,
        link_settings: LinkSettings | None,
    ) -> None:
        self.db = db
        self.lock_timeout = lock_timeout
        self.report = report
        with self._open() as store:  # creates or migrates the database up front
            self.done = store.completed_inputs() if resume else set()
            self.link_settings = link_settings or store.link_settings()
        self.fingerprints: dict[str, str | None] = {}  # path -> fingerprint
        self.file_of: dict[str, list[str]] = {}  # article_id -> fingerprints of its files
        self.open_files: dict[str, str] = {}  # fingerprint -> path, files still being read
        self.outstanding: dict[str, int] = {}  # fingerprint -> articles not yet written

    def fingerprint(self, path: str) -> str | None:
        if path not in self.fingerprints:
            self.fingerprints[path] = _fingerprint(path)
        return self.fingerprints[path]

    def was_finished(self, path: str) -> bool:
        """Whether an earlier run stored every article of this file."""
        return bool(self.done) and self.fingerprint(path) in self.done

    def finished(self, path: str) -> bool:
        """`was_finished`, counted as a file not read again."""
        if self.was_finished(path):
            self.report.inputs_skipped += 1
            return True
        return False

    def new_articles(
        self, items: Iterable[Article | InputError], chunk: int = 256
    ) -> Iterator[Article]:
        buffer: list[Article] = []
        for item in items:
            if isinstance(item, InputError):
                self.report.errors.append(item)
                continue
            self.report.articles_read += 1
            self.report.warnings.extend(f"{item.path}: {w}" for w in item.warnings)
            buffer.append(item)
            if len(buffer) >= chunk:
                yield from self._unknown(buffer)
                buffer = []
        yield from self._unknown(buffer)

    def _open(self) -> Store:
        return Store(self.db, lock_timeout=self.lock_timeout)

    def _unknown(self, articles: list[Article]) -> Iterator[Article]:
        if not articles:
            return
        with self._open() as store:
            known = store.known_articles(a.article_id for a in articles)
        for article in articles:
            path = _input_file(article)
            fp = self.fingerprint(path) if path else None
            if fp is not None:
                self.open_files.setdefault(fp, path or "")
                self.outstanding.setdefault(fp, 0)
            if article.article_id in known:
                self.report.articles_skipped += 1
                continue
            pending = article.article_id in self.file_of  # same text met earlier this run
            files = self.file_of.setdefault(article.article_id, [])
            if fp is not None:
                files.append(fp)
                self.outstanding[fp] += 1
            if pending:
                self.report.articles_skipped += 1
                continue
            yield article

    def originals(
        self, signatures: Mapping[str, bytes], published: Mapping[str, date | None]
    ) -> dict[str, ArticleResult]:
        """The stored articles these (by MinHash signature and publication date) copy
        (`dyad.copies`)."""
        with self._open() as store:
            return store.stored_originals(signatures, self.link_settings, published)

    def write(
        self, batch: list[ArticleResult], link_settings: LinkSettings | None, *, final: bool
    ) -> None:
        for result in batch:
            for fp in self.file_of.pop(result.article.article_id, ()):
                self.outstanding[fp] -= 1
        completed = [
            (fp, path)
            for fp, path in self.open_files.items()
            if self.outstanding.get(fp, 0) == 0 and (final or fp != next(reversed(self.open_files)))
        ]
        if not batch and not completed:
            return
        with self._open() as store:
            written = store.write_batch(
                batch,
                link_settings=link_settings,
                completed_inputs=completed,
            )
        for fp, _ in completed:
            self.open_files.pop(fp, None)
        self.report.articles_added += written.articles_added
        self.report.articles_skipped += written.articles_skipped
        self.report.mentions_added += written.mentions_added


def ingest(
    inputs: Sequence[str | Path],
    *,
    db: str | Path | None = None,
    published: date | None = None,
    settings: PipelineSettings | None = None,
    link_settings: LinkSettings | None = None,
    pipeline: Processor | None = None,
    resume: bool = False,
    batch_size: int = 64,
    progress: ProgressCallback | None = None,
    max_bytes: int | None = None,
    lock_timeout: float | None = None,
    dask: str | Client | None = None,
    shard_size: int = 64,
    partitions: str | Path | None = None,
    server: str | None = None,
    token: str | None = None,
    reuse_copies: bool = True,
) -> IngestReport:
    """Read, process and store articles. Idempotent: stored articles are skipped.

    With ``server`` (the URL of a running `dyad serve`, which owns its database), the
    articles are read here and sent to it with its write ``token``; it processes and
    stores them (`dyad.serve.client`), so ``db`` and the processing options do not apply.

    With ``resume``, input files an earlier (interrupted) run finished are not even read
    again. Each batch of ``batch_size`` articles is written in one transaction, so a
    killed run loses at most the batch in flight. ``max_bytes`` caps one input file or
    JSON line (default ``DYAD_MAX_ARTICLE_BYTES`` or 10 MB); ``lock_timeout`` is how long
    to wait for another process using the database (default ``DYAD_LOCK_TIMEOUT`` or 10 s).

    ``settings.n_process`` runs the stages in that many worker processes on this machine
    (`WorkerPool`; ``pipeline``, when given, is used as it is). With ``dask``
    (``local:N``, a scheduler address, or a ``distributed.Client``) the stages run on a
    Dask cluster in shards of ``shard_size`` articles, each worker building its pipeline
    from ``settings`` (``pipeline`` is then not used); the store and the results are the
    same as a single-process run's (docs/scale.md). ``partitions`` (with ``dask``) is a
    directory the workers write their results to as Parquet (`dyad.store.partitions`), read in
    place or merged here. ``link_settings`` default to those the database keeps; others
    re-link it once and stay with it (docs/linking.md, *Settings*).

    With ``reuse_copies`` (the default, but not with ``partitions``), an article that
    near-duplicates one stored or read before is built from that one's result and only
    its own paragraphs are parsed (`dyad.copies`); the database is the same as without.
    """
    if server is not None:
        local = {
            "db": db,
            "settings": settings,
            "link_settings": link_settings,
            "pipeline": pipeline,
            "resume": resume or None,
            "dask": dask,
            "partitions": partitions,
        }
        given = [name for name, value in local.items() if value is not None]
        if given:
            raise UsageError(
                f"{', '.join(given)}: only for an ingest here; the server runs its own pipeline"
                " on its own database"
            )
        return _ingest_through(
            server, token, inputs, published, max_bytes, batch_size, progress=progress
        )
    if partitions is not None and dask is None:
        raise UsageError("--partitions needs --dask: the workers of a cluster write them")
    run = _start(db, batch_size, resume=resume, lock_timeout=lock_timeout, links=link_settings)
    if progress:
        run.report.articles_total = count_articles(inputs, skip_file=run.was_finished)
        progress(run.report)
    items = read_articles(inputs, published=published, max_bytes=max_bytes, skip_file=run.finished)
    _process_and_write(
        run,
        items,
        settings=settings,
        link_settings=link_settings,
        pipeline=pipeline,
        batch_size=batch_size,
        progress=progress,
        dask=dask,
        shard_size=shard_size,
        partitions=partitions,
        reuse_copies=reuse_copies,
    )
    return run.report


def ingest_articles(
    articles: Iterable[Article | InputError],
    *,
    db: str | Path | None = None,
    settings: PipelineSettings | None = None,
    link_settings: LinkSettings | None = None,
    pipeline: Processor | None = None,
    batch_size: int = 64,
    lock_timeout: float | None = None,
) -> IngestReport:
    """Clean, process and store articles read elsewhere (downloaded pages, a stream), the
    way `ingest` does files: stored articles skipped, one transaction per batch, the database
    held only while a batch is looked up or written. A failed article is an error of the
    report, named by its ``path``."""
    run = _start(db, batch_size, resume=False, lock_timeout=lock_timeout, links=link_settings)
    _process_and_write(
        run,
        clean_articles(articles),
        settings=settings,
        link_settings=link_settings,
        pipeline=pipeline,
        batch_size=batch_size,
    )
    return run.report


def _start(
    db: str | Path | None,
    batch_size: int,
    *,
    resume: bool,
    lock_timeout: float | None,
    links: LinkSettings | None,
) -> _Ingest:
    """A new ingest run into ``db`` (default: `default_db`) with an empty report."""
    if batch_size < 1:
        raise UsageError(f"batch size {batch_size}: expected 1 or more")
    return _Ingest(
        Path(db or default_db()),
        IngestReport(),
        resume=resume,
        lock_timeout=lock_timeout,
        link_settings=links,
    )


def _process_and_write(
    run: _Ingest,
    items: Iterable[Article | InputError],
    *,
    settings: PipelineSettings | None,
    link_settings: LinkSettings | None,
    pipeline: Processor | None,
    batch_size: int,
    progress: ProgressCallback | None = None,
    dask: str | Client | None = None,
    shard_size: int = 64,
    partitions: str | Path | None = None,
    reuse_copies: bool = True,
) -> None:
    report = run.report
    articles = run.new_articles(items)
    with ExitStack() as stack:
        processor: Processor
        if dask is not None:
            from dyad.scale import dask_client  # distributed loads slowly

            processor = _OnDask(
                stack.enter_context(dask_client(dask)),
                settings or PipelineSettings(),
                shard_size=shard_size,
                partitions=partitions,
            )
        elif pipeline is not None:
            processor = pipeline
        elif settings is not None and settings.n_process > 1:
            processor = stack.enter_context(WorkerPool(settings))
        else:
            processor = Pipeline(settings)
        stack.enter_context(collector_skips_loaded())
        shortcut = None
        if reuse_copies and partitions is None:
            processor = shortcut = CopyShortcut(processor, run, run.link_settings)
        results = processor.process(articles)
        batch: list[ArticleResult] = []
        for result in results:
            if isinstance(result, InputError):
                report.errors.append(result)
                continue
            batch.append(result)
            if len(batch) >= batch_size:
                run.write(batch, link_settings, final=False)
                batch = []
                if progress:
                    progress(report)
        run.write(batch, link_settings, final=True)
    report.articles_copied = shortcut.copies if shortcut else 0
    if progress:
        progress(report)


def _ingest_through(
    server: str,
    token: str | None,
    inputs: Sequence[str | Path],
    published: date | None,
    max_bytes: int | None,
    batch_size: int,
    *,
    progress: ProgressCallback | None,
) -> IngestReport:
    from dyad.serve.client import ServerClient

    report = IngestReport()
    if progress:
        report.articles_total = count_articles(inputs)
        progress(report)

    def articles() -> Iterator[Article]:
        for item in read_articles(inputs, published=published, max_bytes=max_bytes):
            if isinstance(item, InputError):
                report.errors.append(item)
                continue
            report.articles_read += 1
            report.warnings.extend(f"{item.path}: {w}" for w in item.warnings)
            yield item

    with ServerClient(server, token) as client:
        for batch in client.batches(articles(), report.errors, batch_size):
            done = client.post_articles(batch)
            report.articles_added += done["articles_added"]
            report.articles_skipped += done["articles_skipped"]
            report.mentions_added += done["mentions_added"]
            report.errors.extend(_remote_error(e) for e in done["errors"])
            if progress:
                progress(report)
    return report


def _remote_error(message: str) -> InputError:
    """An input error the server reported ("[D100] path: reason") as one of ours."""
    where, _, reason = message.removeprefix(f"[{InputError.code}] ").partition(": ")
    return InputError(where, reason) if reason else InputError("server", where)


@dataclass(frozen=True)
class _OnDask:
    """The stages on a Dask cluster, as a `Processor`."""

    client: Client
    settings: PipelineSettings
    shard_size: int
    partitions: str | Path | None

    def process(self, articles: Iterable[Article]) -> Iterator[ArticleResult | InputError]:
        from dyad.scale import process_on_dask

        return process_on_dask(
            self.client,
            self.settings,
            articles,
            shard_size=self.shard_size,
            partitions=self.partitions,
        )


def text_article(text: str, *, published: date | None = None, title: str | None = None) -> Article:
    """An article from a string typed by a user (``dyad extract --text``)."""
    return Article(
        article_id=article_id_for(text),
        text=text,
        published=published,
        published_from="override" if published else None,
        title=title,
        path="<text>",
    )


def extract(
    inputs: Sequence[str | Path] = (),
    *,
    text: str | None = None,
    published: date | None = None,
    settings: PipelineSettings | None = None,
    pipeline: Pipeline | None = None,
    errors: list[InputError] | None = None,
) -> Iterator[dict[str, Any]]:
    """Run the stages without a database and yield export records (DESIGN.md schema).

    Event ids are not linked across articles here; use `ingest` for that.
    """
    pipe = pipeline or Pipeline(settings)
    items: Iterable[Article | InputError]
    items = (
        clean_articles([text_article(text, published=published)])
        if text is not None
        else read_articles(inputs, published=published)
    )

    def good() -> Iterator[Article]:
        for item in items:
            if isinstance(item, InputError):
                if errors is not None:
                    errors.append(item)
                continue
            yield item

    for result in pipe.process(good()):
        if isinstance(result, InputError):
            if errors is not None:
                errors.append(result)
            continue
        for mention in result.events:
            yield mention_record(mention, result.article)


def sample_corpus() -> Path:
    """The bundled sample corpus (fictional articles written for dyad)."""
    return Path(__file__).parent / "data" / "sample"


def stats(db: str | Path | None = None) -> dict[str, Any]:
    """Row counts, date span, outlets, near-duplicate articles and link settings of a
    database."""
    from dyad.store.query import Database

    with Database(db or default_db()) as database:
        values = database.stats()
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def link_settings(db: str | Path | None = None, options: Sequence[str] = ()) -> LinkSettings:
    """The settings a database links with, changed by ``NAME=VALUE`` ``options``
    (docs/linking.md, *Settings*); the defaults for a database not yet written."""
    path = Path(db or default_db())
    if not path.exists():
        return LinkSettings().with_options(options)
    with Store(path, read_only=True) as store:
        return store.link_settings().with_options(options)


def relink(db: str | Path | None = None, *, link_settings: LinkSettings | None = None) -> int:
    """Re-link every stored mention with ``link_settings`` (default: the database's own),
    which the database then keeps. Returns the number of events."""
    with Store(Path(db or default_db()), create=False) as store:
        return store.relink_all(link_settings)


def list_articles(db: str | Path | None = None, *, limit: int = 50) -> list[dict[str, Any]]:
    """Stored articles, newest first, with their mention counts."""
    from dyad.store.query import Database

    with Database(db or default_db()) as database:
        return database.articles(limit=limit, output="records")


def evaluate_articles(
    gold_path: str | Path,
    inputs: Sequence[str | Path] = (),
    *,
    db: str | Path | None = None,
    settings: PipelineSettings | None = None,
) -> tuple[EvalReport, IngestReport | None]:
    """Score the pipeline against article gold (see docs/evaluation.md).

    With ``inputs``, they are ingested into a fresh temporary database (so linking is
    scored too); with only ``db``, that database's mentions are scored as they are.
    """
    import tempfile

    from dyad.evaluate import load_gold, path_keys, score
    from dyad.store.query import Database

    gold = load_gold(gold_path)
    ingest_report = None
    with tempfile.TemporaryDirectory(prefix="dyad-eval-") as tmp:
        if inputs:
            db = Path(tmp) / "eval.duckdb"
            ingest_report = ingest(inputs, db=db, settings=settings)
        elif db is None:
            raise UsageError("give articles to run the pipeline on, or --db to score")
        with Database(db) as database:
            predictions = database.mentions()
            paths = [str(p) for p in database.articles(output="arrow")["path"].to_pylist() if p]
    named = {g.article for g in gold}
    # Articles without gold lines are scored too: every event found in them is false.
    extra = [p for p in paths if not any(k in named for k in path_keys(p))]
    return score(gold, predictions, articles=extra), ingest_report


def evaluate_sentences(
    gold_path: str | Path,
    *,
    settings: PipelineSettings | None = None,
    pipeline: Pipeline | None = None,
) -> SentenceScores:
    """Score the per-article stages on a sentence-level suite (one text per line)."""
    from dyad.evaluate import group_predictions, load_sentence_gold, score_sentences

    cases = load_sentence_gold(gold_path)
    articles = []
    for case in cases:
        published = date.fromisoformat(case.date[:10]) if case.date else None
        article = text_article(case.text, published=published)
        articles.append(replace(article, path=case.id))
    pipe = pipeline or Pipeline(settings)
    predictions = [
        mention_record(m, r.article)
        for r in pipe.process(articles)
        if not isinstance(r, InputError)
        for m in r.events
    ]
    return score_sentences(cases, group_predictions(predictions, [c.id for c in cases]))
