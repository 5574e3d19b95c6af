"""Keeping a database current: poll news feeds and sitemaps, ingest what is new.

A `Watcher` polls each feed (RSS, Atom, sitemap, sitemap index, news sitemap) with the
ETag / Last-Modified it stored last time, so an unchanged feed costs one 304 and nothing
else. Item URLs are normalised and looked up in the ``pages`` table; only pages never
downloaded are fetched (`dyad.fetch.Fetcher`), kept, and ingested through the whole
pipeline. A failing feed or page is logged and tried again later, with a backoff stored
in the database; it never stops the others. All state lives in the database, so a
restarted watcher continues where the last one stopped.

The library logs (logger ``dyad.watch``: one INFO line per cycle, a WARNING per failure)
and never prints; `stop_on_signals` lets a command stop it cleanly on Ctrl-C / SIGTERM.
"""

from __future__ import annotations

import contextlib
import logging
import re
import signal
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx
from lxml import etree

from dyad.api import default_db
from dyad.errors import InputError, StoreLockedError
from dyad.fetch import (
    Fetcher,
    FetchError,
    FetchReport,
    FetchSettings,
    has_pending,
    ingest_downloaded,
    known_pages,
    normalise_url,
    save_download,
    save_failure,
    utcnow,
)
from dyad.link import LinkSettings
from dyad.pipeline import Pipeline, PipelineSettings
from dyad.store import Store

__all__ = [
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


@dataclass
class CycleReport(FetchReport):
    """What one polling cycle did; ``summary()`` is the line logged for it."""

    feeds: int = 0
    feeds_unchanged: int = 0
    feeds_failed: int = 0
    feeds_waiting: int = 0  # skipped: backing off after failures
    stopped: bool = False
    started: datetime = field(default_factory=utcnow)

    def summary(self) -> str:
        return (
            f"{self.feeds} feeds polled ({self.feeds_unchanged} unchanged, "
            f"{self.feeds_failed} failed, {self.feeds_waiting} backing off), "
            f"{self.pages_fetched} pages fetched, {self.articles_added} new articles, "
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


class Watcher:
    """Polls feeds into a database, one cycle at a time (`run_once`) or until stopped.

    ``feeds`` is a list of URLs or a feeds file, read again at every cycle so edits apply
    without a restart. The database is opened for each cycle and closed between cycles,
    so other dyad commands can query it while the watcher waits. Use as a context manager.
    """

    def __init__(
        self,
        feeds: Sequence[str] | str | Path,
        *,
        db: str | Path | None = None,
        pipeline: Pipeline | None = None,
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
        self.fetcher = Fetcher(fetch_settings, client=client, stop=self._stop)

    def __enter__(self) -> Watcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.fetcher.close()

    def stop(self) -> None:
        """Ask the watcher to stop after the article under way (safe from a signal)."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    @property
    def pipeline(self) -> Pipeline:
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
            except StoreLockedError as exc:  # a long ingest holds the file: try next time
                log.warning("%s; polling again in %g s", exc, self.settings.every)
            done += 1
            if cycles is not None and done >= cycles:
                return
            self._stop.wait(max(0.0, self.settings.every - (time.monotonic() - started)))

    def run_once(self) -> CycleReport:
        """One cycle: finish pages an earlier run downloaded, then poll every feed."""
        report = CycleReport()
        now = self.clock()
        with Store(self.db) as store:
            report.events_before = int(store.scalar("SELECT count(*) FROM events"))
            self._ingest(store, report)
            for feed in self.feeds():
                if self.stopping:
                    break
                self._poll(store, feed, report, now)
            report.stopped = self.stopping
            report.events_after = int(store.scalar("SELECT count(*) FROM events"))
        log.info("%s", report.summary())
        return report

    # -- one feed ---------------------------------------------------------------------

    def _poll(
        self, store: Store, feed: str, report: CycleReport, now: datetime, *, nested: bool = False
    ) -> None:
        state = store.con.execute(
            "SELECT etag, last_modified, failures, retry_at FROM feeds WHERE url = ?", [feed]
        ).fetchall()
        etag, last_modified, failures, retry_at = state[0] if state else (None, None, 0, None)
        if retry_at is not None and retry_at > now:
            report.feeds_waiting += 1
            return
        report.feeds += 1
        try:
            download = self.fetcher.get(
                feed, etag=etag, last_modified=last_modified, accept=ACCEPT_FEED
            )
            if download.not_modified:
                store.con.execute("UPDATE feeds SET polled_at = ? WHERE url = ?", [now, feed])
                report.feeds_unchanged += 1
                self._fetch_items(store, feed, self._due_failures(store, feed, now), report, now)
                return
            try:
                parsed = parse_feed(download.content, download.final_url)
            except ValueError as exc:
                raise FetchError(feed, str(exc), status=download.status) from None
        except FetchError as exc:
            self._feed_failed(store, feed, exc, failures, now, report)
            return
        store.con.execute(
            """
            INSERT OR REPLACE INTO feeds (url, kind, etag, last_modified, polled_at,
                changed_at, items, error, failures, retry_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 0, NULL)
            """,
            [feed, parsed.kind, download.etag, download.last_modified, now, now, len(parsed.items)],
        )
        if parsed.kind == "sitemapindex":
            if nested:
                log.warning("%s: a sitemap index inside a sitemap index is not followed", feed)
                return
            for child in parsed.items[: self.settings.max_child_sitemaps]:
                if self.stopping:
                    return
                self._poll(store, child.url, report, now, nested=True)
            return
        self._fetch_items(store, feed, parsed.items, report, now)

    def _feed_failed(
        self,
        store: Store,
        feed: str,
        exc: FetchError,
        failures: int,
        now: datetime,
        report: CycleReport,
    ) -> None:
        failures += 1
        wait = min(self.settings.max_feed_retry, self.settings.feed_retry * 2 ** (failures - 1))
        store.con.execute(
            """
            INSERT INTO feeds (url, polled_at, error, failures, retry_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (url) DO UPDATE SET polled_at = excluded.polled_at,
                error = excluded.error, failures = excluded.failures, retry_at = excluded.retry_at
            """,
            [feed, now, exc.reason, failures, now + wait],
        )
        report.feeds_failed += 1
        report.errors.append(exc)
        log.warning("feed %s failed %d× (%s); next try after %s", feed, failures, exc.reason, wait)

    def _fetch_items(
        self,
        store: Store,
        feed: str,
        items: Sequence[FeedItem],
        report: CycleReport,
        now: datetime,
    ) -> None:
        urls: dict[str, str] = {}  # normalised -> as listed
        for item in items:
            urls.setdefault(normalise_url(item.url), item.url)
        skip = known_pages(store, list(urls), now=now, max_failures=self.settings.page_attempts)
        new = [(key, url) for key, url in urls.items() if key not in skip]
        for key, url in new[: self.settings.max_new_per_feed]:
            if self.stopping:
                return
            try:
                page = self.fetcher.get_page(url)
            except FetchError as exc:
                count = save_failure(
                    store,
                    key,
                    exc,
                    now=now,
                    retry=self.settings.page_retry,
                    max_retry=self.settings.max_page_retry,
                    feed=feed,
                )
                report.errors.append(exc)
                log.warning("page %s failed %d× (%s)", url, count, exc.reason)
                continue
            save_download(store, key, page, feed=feed)
            report.pages_fetched += 1
        self._ingest(store, report)

    def _due_failures(self, store: Store, feed: str, now: datetime) -> list[FeedItem]:
        """Pages of an unchanged feed that failed and may be tried again now."""
        rows = store.con.execute(
            "SELECT url FROM pages WHERE feed = ? AND html IS NULL AND retry_at <= ?"
            " AND failures < ? ORDER BY url",
            [feed, now, self.settings.page_attempts],
        ).fetchall()
        return [FeedItem(url) for (url,) in rows]

    def _ingest(self, store: Store, report: CycleReport) -> None:
        """Ingest downloaded pages not processed yet (none are left after a clean cycle)."""
        if self.stopping or not has_pending(store):
            return
        errors = len(report.errors)
        ingest_downloaded(
            store,
            self.pipeline,
            report,
            link_settings=self.link_settings,
            batch_size=self.settings.batch_size,
            stop=self._stop,
        )
        for error in report.errors[errors:]:
            log.warning("%s", error)


@contextlib.contextmanager
def stop_on_signals(watcher: Watcher) -> Iterator[None]:
    """While inside, SIGINT (Ctrl-C) and SIGTERM stop the watcher after the article under
    way; a second Ctrl-C interrupts at once. Only from the main thread."""

    def handler(signum: int, frame: FrameType | None) -> None:
        if watcher.stopping and signum == signal.SIGINT:
            raise KeyboardInterrupt
        log.info("%s: stopping after the current article", signal.Signals(signum).name)
        watcher.stop()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
