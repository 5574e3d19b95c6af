"""Keeping a database current: poll news feeds and sitemaps, ingest what is new.

A `Watcher` polls each feed (RSS, Atom, sitemap, sitemap index, news sitemap) with the
ETag / Last-Modified it stored last time, so an unchanged feed costs one 304 and nothing
else. Every item a feed lists is recorded as a pending page, in the same transaction as
the feed's new validators, before any page is fetched: a page stays pending until it is
downloaded or given up with a reason, whatever the feed answers later and however the
process stops. Pending pages are downloaded on a few threads, one host per thread at a
time (`dyad.sources.fetch.Fetcher`), kept, and ingested through `dyad.api.ingest_articles`. A
failing feed or page is logged and tried again later, with a backoff stored in the
database; it never stops the others. All state lives in the database, so a restarted
watcher continues where the last one stopped.

The library logs (logger ``dyad.sources.watch``: one INFO line per cycle, a DEBUG line per feed
and page, a WARNING per failure) and never prints; `stop_on_signals` lets a command stop
it on Ctrl-C / SIGTERM within a few seconds.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import re
import signal
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from types import FrameType
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx
from lxml import etree

from dyad.api import default_db
from dyad.errors import InputError, StoreLockedError
from dyad.pipeline import Pipeline, PipelineSettings, Processor
from dyad.sources.fetch import (
    Download,
    Fetcher,
    FetchError,
    FetchReport,
    FetchSettings,
    FetchStopped,
    ingest_downloaded,
    normalise_url,
    retry_policy,
    save_download,
    utcnow,
)
from dyad.stages.link import LinkSettings
from dyad.store.store import FeedState, ListedPage, PageToFetch, Store

__all__ = [
    "MIN_EVERY",
    "CycleReport",
    "FeedItem",
    "ParsedFeed",
    "WatchSettings",
    "Watcher",
    "parse_feed",
    "parse_interval",
    "read_feeds_file",
    "stop_on_signals",
]

log = logging.getLogger(__name__)

ACCEPT_FEED = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
_GZIP_MAGIC = b"\x1f\x8b"
MIN_EVERY = 60.0  # seconds: the shortest interval `dyad watch` accepts between polls


@dataclass(frozen=True)
class WatchSettings:
    """How often to poll, how much to fetch per feed, and how to back off from failures."""

    every: float = 900.0  # seconds between the starts of two cycles
    max_new_per_feed: int = 50  # newest unseen items fetched per feed and cycle
    max_child_sitemaps: int = 10  # newest sitemaps of a sitemap index polled per cycle
    feed_retry: timedelta = timedelta(minutes=5)  # after a feed fails; doubles per failure
    max_feed_retry: timedelta = timedelta(hours=6)
    page_retry: timedelta = timedelta(minutes=15)  # after a page fails; doubles per failure
    max_page_retry: timedelta = timedelta(days=1)
    page_attempts: int = 5  # a page that failed this often is given up
    batch_size: int = 16  # articles per pipeline batch and transaction
    workers: int = 8  # hosts downloaded from at the same time
    grace: float = 3.0  # seconds a stop waits for downloads under way before leaving them


@dataclass(frozen=True)
class FeedItem:
    """One link a feed lists, with its date when the feed gives one."""

    url: str
    published: datetime | None = None


@dataclass(frozen=True)
class ParsedFeed:
    """``kind`` is rss, atom, sitemap or sitemapindex (whose items are sitemaps)."""

    kind: str
    items: tuple[FeedItem, ...]
    etag: str | None = None  # the validators the feed came with
    last_modified: str | None = None


@dataclass
class CycleReport(FetchReport):
    """What one polling cycle did; ``summary()`` is the line logged for it."""

    feeds: int = 0
    feeds_unchanged: int = 0
    feeds_failed: int = 0
    feeds_waiting: int = 0  # skipped: backing off after failures
    pages_failed: int = 0  # to be tried again later
    pages_given_up: int = 0  # failed for good (a permanent failure, or too often)
    pages_deferred: int = 0  # not tried: their host failed earlier in the cycle
    stopped: bool = False

    @property
    def feeds_ok(self) -> bool:
        """No feed failed in this cycle, nor is backing off from an earlier failure."""
        return not (self.feeds_failed or self.feeds_waiting)

    def summary(self) -> str:
        return (
            f"{self.feeds} feeds polled ({self.feeds_unchanged} unchanged, "
            f"{self.feeds_failed} failed, {self.feeds_waiting} backing off), "
            f"{self.pages_fetched} pages fetched ({self.pages_failed} failed, "
            f"{self.pages_given_up} given up, {self.pages_deferred} left for later), "
            f"{self.articles_added} new articles, "
            f"{self.events_added} new events, {len(self.errors)} errors"
            + (" (stopped early)" if self.stopped else "")
        )


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(value: str) -> float:
    """Seconds in "90", "90s", "15m", "1.5h" or "1d"; ValueError for anything else."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", value.lower())
    if not match:
        raise ValueError(f"{value!r}: expected a duration like 90s, 15m, 2h or 1d")
    return float(match[1]) * _UNITS[match[2] or "s"]


def read_feeds_file(path: str | Path) -> list[str]:
    """Feed URLs from a text file: one per line; blank lines and ``#`` comments ignored.

    A comment starts a line or follows whitespace (a ``#`` inside a URL is kept).
    Raises InputError naming the line of anything that is not an http(s) URL.
    """
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(where, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(where, "not UTF-8 text") from None
    feeds: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        url = re.split(r"(?:^|\s)#", line, maxsplit=1)[0].strip()
        if not url:
            continue
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
            raise InputError(where, f"not an http(s) URL: {url!r}", line=number)
        if url not in feeds:
            feeds.append(url)
    if not feeds:
        raise InputError(where, "no feed URLs in the file")
    return feeds


def parse_feed(data: bytes, url: str, *, max_bytes: int = 50_000_000) -> ParsedFeed:
    """The links of an RSS/Atom feed or a sitemap (gzip-compressed or not).

    Raises ValueError when the document is none of these. Relative links are resolved
    against ``url``; items come newest first where the feed dates them.
    """
    if data[:2] == _GZIP_MAGIC:
        inflater = zlib.decompressobj(wbits=31)
        try:
            data = inflater.decompress(data, max_bytes)
        except zlib.error as exc:
            raise ValueError(f"broken gzip data: {exc}") from None
        if inflater.unconsumed_tail:
            raise ValueError(f"decompresses to over {max_bytes:,} bytes")
    if not data.strip():
        raise ValueError("empty document")
    parsed = _sitemap(data, url)
    if parsed is None:
        parsed = _rss_or_atom(data, url)
    ordered = sorted(parsed.items, key=lambda i: i.published or datetime.min, reverse=True)
    return ParsedFeed(parsed.kind, tuple(ordered))


def _sitemap(data: bytes, url: str) -> ParsedFeed | None:
    """A <urlset> or <sitemapindex> document; None when the root is something else."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError:
        return None
    kind = etree.QName(root).localname.lower()
    if kind not in ("urlset", "sitemapindex"):
        return None
    child = "url" if kind == "urlset" else "sitemap"
    items = []
    for entry in root.iterchildren(f"{{*}}{child}"):
        loc = entry.findtext("{*}loc")
        if not loc or not loc.strip():
            continue
        stamp = entry.findtext("{*}news/{*}publication_date") or entry.findtext("{*}lastmod")
        items.append(FeedItem(urljoin(url, loc.strip()), _iso_datetime(stamp)))
    return ParsedFeed("sitemap" if kind == "urlset" else "sitemapindex", tuple(items))


def _rss_or_atom(data: bytes, url: str) -> ParsedFeed:
    parsed = feedparser.parse(data)  # bytes, never a URL: feedparser must not download
    version = str(parsed.get("version") or "")
    if not version:
        reason = "not an RSS or Atom feed, nor a sitemap"
        if parsed.get("bozo"):
            reason += f" ({parsed.get('bozo_exception')})"
        raise ValueError(reason)
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or next(
            (x.get("href") for x in entry.get("links", []) if x.get("href")), None
        )
        if not link:
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = datetime(*stamp[:6]) if stamp else None
        items.append(FeedItem(urljoin(url, link.strip()), published))
    return ParsedFeed("atom" if version.startswith("atom") else "rss", tuple(items))


def _iso_datetime(value: str | None) -> datetime | None:
    """A W3C datetime (sitemaps) as naive UTC; None when missing or malformed."""
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return stamp.astimezone(UTC).replace(tzinfo=None) if stamp.tzinfo else stamp


class _HostQueues:
    """Runs tasks on a few daemon threads, one task per host at a time: hosts are fetched
    in parallel while each host's requests go one after another (the Fetcher paces them).

    Results come back to the caller's thread (`results`), which alone touches the
    database. After ``stop`` no queued task starts; tasks under way are waited for at
    most ``grace`` seconds, then abandoned (their pages stay pending)."""

    def __init__(
        self,
        workers: int,
        stop: threading.Event,
        grace: float,
        host_failed: Callable[[object], bool],
    ) -> None:
        self._stop = stop
        self._grace = grace
        self._host_failed = host_failed
        self._ready = threading.Condition()
        self._queues: dict[str, deque[tuple[object, Callable[[], object]]]] = {}
        self._busy: set[str] = set()
        self._done: queue.SimpleQueue[tuple[object, object]] = queue.SimpleQueue()
        self._outstanding = 0
        self._closed = False
        self._threads = [
            threading.Thread(target=self._work, name=f"dyad-fetch-{n}", daemon=True)
            for n in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, url: str, tag: object, task: Callable[[], object]) -> None:
        host = (urlsplit(url).hostname or "").lower()
        with self._ready:
            self._queues.setdefault(host, deque()).append((tag, task))
            self._outstanding += 1
            self._ready.notify()

    def results(self, idle: Callable[[], None]) -> Iterator[tuple[object, object]]:
        """(tag, result or exception) as tasks finish, until none is left; ``idle`` is
        called whenever nothing finished for a moment."""
        abandon_at: float | None = None
        while True:
            with self._ready:
                if self._stop.is_set():
                    self._outstanding -= sum(len(q) for q in self._queues.values())
                    self._queues.clear()
                    abandon_at = abandon_at or time.monotonic() + self._grace
                if self._outstanding <= 0:
                    return
            if abandon_at is not None and time.monotonic() > abandon_at:
                return
            try:
                tag, result = self._done.get(timeout=0.1)
            except queue.Empty:
                if not self._stop.is_set():
                    idle()
                continue
            with self._ready:
                self._outstanding -= 1
            yield tag, result

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._ready.notify_all()

    def _work(self) -> None:
        while True:
            with self._ready:
                host = None
                while host is None:
                    if self._closed:
                        return
                    host = next(
                        (h for h, q in self._queues.items() if q and h not in self._busy), None
                    )
                    if host is None or self._stop.is_set():
                        host = None
                        self._ready.wait(0.5)
                tag, task = self._queues[host].popleft()
                if not self._queues[host]:
                    del self._queues[host]
                self._busy.add(host)
            try:
                result: object = task()
            except Exception as exc:  # handed to the caller's thread, which reports it
                result = exc
            dropped: deque[tuple[object, Callable[[], object]]] = deque()
            with self._ready:
                if self._host_failed(result):
                    dropped = self._queues.pop(host, deque())
                self._busy.discard(host)
                self._ready.notify_all()
            self._done.put((tag, result))
            for later, _ in dropped:  # the host's other tasks wait for the next cycle
                self._done.put((later, HOST_FAILED))


class _Writer:
    """The watcher's connection to the database, open only while results keep coming
    and for ``hold`` seconds at most; then closed for ``pause`` seconds, so that other
    processes (queries, the web server) get their turn during a long poll."""

    def __init__(self, open_store: Callable[[], Store], hold: float = 1.0, pause: float = 0.3):
        self._open_store = open_store
        self._hold = hold
        self._pause = pause
        self._store: Store | None = None
        self._opened = 0.0

    def store(self) -> Store:
        if self._store is None:
            self._store = self._open_store()
            self._opened = time.monotonic()
        return self._store

    def share(self) -> None:
        """Close the connection if it was held long enough, and let others in."""
        if self._store is not None and time.monotonic() - self._opened > self._hold:
            self.release()
            time.sleep(self._pause)

    def release(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


HOST_FAILED = object()  # the result of a task not run because its host failed before


@dataclass(frozen=True)
class _FeedTask:
    url: str
    nested: bool = False  # a sitemap of a sitemap index


@dataclass(frozen=True)
class _PageTask:
    page: PageToFetch
    feed: str


class Watcher:
    """Polls feeds into a database, one cycle at a time (`run_once`) or until stopped.

    ``feeds`` is a list of URLs or a feeds file, read again at every cycle so edits apply
    without a restart. Feeds and pages are downloaded on ``settings.workers`` threads, one
    host per thread at a time; this thread alone writes the database, each time in a
    short transaction (connect, write, close), so other dyad commands can read it during
    a poll. Use as a context manager.
    """

    def __init__(
        self,
        feeds: Sequence[str] | str | Path,
        *,
        db: str | Path | None = None,
        pipeline: Processor | None = None,
        settings: PipelineSettings | None = None,
        watch_settings: WatchSettings | None = None,
        fetch_settings: FetchSettings | None = None,
        client: httpx.Client | None = None,
        link_settings: LinkSettings | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.feeds_source = feeds
        self._feeds: list[str] = (
            read_feeds_file(feeds) if isinstance(feeds, str | Path) else list(feeds)
        )
        self.db = db or default_db()
        self._pipeline = pipeline
        self._pipeline_settings = settings
        self.settings = watch_settings or WatchSettings()
        self.link_settings = link_settings
        self.clock = clock
        self._stop = threading.Event()
        self._downloaded = 0  # pages downloaded in this cycle and not ingested yet
        self.fetcher = Fetcher(fetch_settings, client=client, stop=self._stop)

    def __enter__(self) -> Watcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.fetcher.close()

    def stop(self) -> None:
        """Ask the watcher to stop: no new request starts, those under way are abandoned
        within ``settings.grace`` seconds. Safe from a signal handler or another thread."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    @property
    def pipeline(self) -> Processor:
        """The pipeline, loaded when the first page needs it."""
        if self._pipeline is None:
            self._pipeline = Pipeline(self._pipeline_settings)
        return self._pipeline

    def feeds(self) -> list[str]:
        """The feeds to poll: the file read again, or the last good list if it broke."""
        if isinstance(self.feeds_source, str | Path):
            try:
                self._feeds = read_feeds_file(self.feeds_source)
            except InputError as exc:
                log.warning("%s; polling the previous %d feeds", exc, len(self._feeds))
        return self._feeds

    def run(self, *, cycles: int | None = None) -> None:
        """Poll every ``settings.every`` seconds until stopped (or for ``cycles`` cycles)."""
        done = 0
        while not self.stopping:
            started = time.monotonic()
            try:
                self.run_once()
            except StoreLockedError as exc:  # another process held the file too long
                log.warning("%s; polling again in %g s", exc, self.settings.every)
            done += 1
            if cycles is not None and done >= cycles:
                return
            self._stop.wait(max(0.0, self.settings.every - (time.monotonic() - started)))

    def _store(self) -> Store:
        return Store(self.db)

    def run_once(self) -> CycleReport:
        """One cycle: finish pages an earlier run downloaded, poll every feed, fetch the
        pending pages of each (newest first, ``max_new_per_feed`` at most), ingest them."""
        report = CycleReport()
        feeds = self.feeds()
        with self._store() as store:
            report.events_before = store.counts()["events"]
            states = {feed: store.feed_state(feed) for feed in feeds}
            leftover = store.page_counts().get("downloaded", 0)
        if leftover:
            self._ingest(report)
        pool = _HostQueues(
            self.settings.workers,
            self._stop,
            self.settings.grace,
            host_failed=lambda result: isinstance(result, FetchError) and result.host_failed,
        )
        writer = _Writer(self._store)
        try:
            now = self.clock()
            for feed in feeds:
                state = states[feed]
                if state.retry_at is None or state.retry_at <= now:
                    self._submit_feed(pool, _FeedTask(feed), state)
                    continue
                report.feeds_waiting += 1
                log.debug("feed %s: backing off until %s", feed, state.retry_at)
                self._submit_pages(writer.store(), pool, feed)

            def idle() -> None:
                writer.release()
                self._ingest_some(report)

            for tag, result in pool.results(idle=idle):
                if isinstance(tag, _FeedTask):
                    self._feed_done(writer.store(), pool, tag, result, report)
                elif isinstance(tag, _PageTask):
                    self._page_done(writer.store(), tag, result, report)
                writer.share()
                if self._downloaded >= self.settings.batch_size:
                    writer.release()
                    self._ingest_some(report)
        finally:
            writer.release()
            pool.close()
        if self._downloaded:
            self._ingest(report)
        report.stopped = self.stopping
        with self._store() as store:
            report.events_after = store.counts()["events"]
        log.info("%s", report.summary())
        return report

    # -- feeds ------------------------------------------------------------------------

    def _submit_feed(self, pool: _HostQueues, task: _FeedTask, state: FeedState) -> None:
        def poll() -> Download | ParsedFeed:
            download = self.fetcher.get(
                task.url, etag=state.etag, last_modified=state.last_modified, accept=ACCEPT_FEED
            )
            if download.not_modified:
                return download
            try:
                parsed = parse_feed(download.content, download.final_url)
            except ValueError as exc:
                raise FetchError(task.url, str(exc), status=download.status) from None
            return replace(parsed, etag=download.etag, last_modified=download.last_modified)

        pool.submit(task.url, task, poll)

    def _feed_done(
        self, store: Store, pool: _HostQueues, task: _FeedTask, result: object, report: CycleReport
    ) -> None:
        feed = task.url
        now = self.clock()
        if isinstance(result, FetchStopped):
            return
        if result is HOST_FAILED:
            report.feeds_waiting += 1
            log.warning("feed %s not polled: its host failed earlier in this poll", feed)
            return
        report.feeds += 1
        if isinstance(result, Exception):
            error = result if isinstance(result, FetchError) else FetchError(feed, repr(result))
            self._feed_failed(store, feed, error, now, report)
        elif isinstance(result, Download):  # 304 Not Modified
            store.record_feed_unchanged(feed, now)
            report.feeds_unchanged += 1
            log.debug("feed %s: unchanged", feed)
            if store.feed_state(feed).kind == "sitemapindex":
                self._poll_children(store, pool, task, report)
        elif isinstance(result, ParsedFeed):
            items = [ListedPage(normalise_url(i.url), i.url, i.published) for i in result.items]
            if result.kind == "sitemapindex":
                items = [ListedPage(i.url, i.url, i.published) for i in result.items]
            new = store.record_feed(
                feed,
                kind=result.kind,
                etag=result.etag,
                last_modified=result.last_modified,
                items=items,
                now=now,
            )
            log.debug("feed %s: %s, %d items, %d new", feed, result.kind, len(items), new)
            if result.kind == "sitemapindex":
                self._poll_children(store, pool, task, report)
                return
        self._submit_pages(store, pool, feed)

    def _poll_children(
        self, store: Store, pool: _HostQueues, task: _FeedTask, report: CycleReport
    ) -> None:
        if task.nested:
            log.warning("%s: a sitemap index inside a sitemap index is not followed", task.url)
            return
        now = self.clock()
        for child in store.child_feeds(task.url, self.settings.max_child_sitemaps):
            state = store.feed_state(child)
            if state.retry_at is not None and state.retry_at > now:
                report.feeds_waiting += 1
                self._submit_pages(store, pool, child)
            else:
                self._submit_feed(pool, _FeedTask(child, nested=True), state)

    def _feed_failed(
        self, store: Store, feed: str, exc: FetchError, now: datetime, report: CycleReport
    ) -> None:
        failures = store.feed_state(feed).failures + 1
        wait = min(self.settings.max_feed_retry, self.settings.feed_retry * 2 ** (failures - 1))
        store.record_feed_failure(feed, exc.reason, now=now, retry_at=now + wait)
        report.feeds_failed += 1
        report.errors.append(exc)
        log.warning("feed %s failed %d× (%s); next try after %s", feed, failures, exc.reason, wait)

    # -- pages ------------------------------------------------------------------------

    def _submit_pages(self, store: Store, pool: _HostQueues, feed: str) -> None:
        """Queue the pending pages of a feed whose time has come, whatever the feed said."""
        due = store.due_pages(feed, now=self.clock(), limit=self.settings.max_new_per_feed)
        for page in due:
            pool.submit(page.url, _PageTask(page, feed), partial(self.fetcher.get_page, page.url))

    def _page_done(
        self, store: Store, task: _PageTask, result: object, report: CycleReport
    ) -> None:
        page = task.page
        if isinstance(result, FetchStopped):
            return
        if result is HOST_FAILED:
            report.pages_deferred += 1
            log.debug("page %s: left for the next poll, its host failed", page.url)
            return
        if isinstance(result, Download):
            save_download(store, page.key, result, now=self.clock())
            report.pages_fetched += 1
            self._downloaded += 1
            log.debug(
                "page %s: %d %s, %s bytes",
                page.url,
                result.status,
                result.mime_type,
                f"{len(result.content):,}",
            )
            return
        assert isinstance(result, Exception)
        error = result if isinstance(result, FetchError) else FetchError(page.url, repr(result))
        now = self.clock()
        failures, retry_at = store.save_page_failure(
            page.key,
            error.reason,
            status=error.status,
            now=now,
            retry_at=retry_policy(
                error,
                now,
                retry=self.settings.page_retry,
                max_retry=self.settings.max_page_retry,
                attempts=self.settings.page_attempts,
            ),
        )
        report.errors.append(error)
        if retry_at is None:
            report.pages_given_up += 1
            log.warning("page %s failed %d×, given up: %s", page.url, failures, error.reason)
        else:
            report.pages_failed += 1
            log.warning(
                "page %s failed %d× (%s); next try after %s",
                page.url,
                failures,
                error.reason,
                retry_at - now,
            )

    def _ingest_some(self, report: CycleReport) -> None:
        """Ingest one batch of the pages downloaded in this cycle while downloads go on."""
        if self._downloaded:
            self._ingest(report, limit=self.settings.batch_size)

    def _ingest(self, report: CycleReport, *, limit: int | None = None) -> None:
        """Ingest downloaded pages not processed yet (``limit`` pages at most)."""
        if self.stopping:
            return
        errors = len(report.errors)
        ingest_downloaded(
            self.db,
            self.pipeline,
            report,
            link_settings=self.link_settings,
            batch_size=self.settings.batch_size,
            stop=self._stop,
            limit=limit,
        )
        self._downloaded = 0
        for error in report.errors[errors:]:
            log.warning("%s", error)


@contextlib.contextmanager
def stop_on_signals(watcher: Watcher) -> Iterator[None]:
    """While inside, SIGINT (Ctrl-C) and SIGTERM stop the watcher (`Watcher.stop`); a
    second Ctrl-C interrupts at once. Only from the main thread."""

    def handler(signum: int, frame: FrameType | None) -> None:
        if watcher.stopping and signum == signal.SIGINT:
            raise KeyboardInterrupt
        log.info(
            "%s: stopping; pages not fetched yet stay pending for the next start",
            signal.Signals(signum).name,
        )
        watcher.stop()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
