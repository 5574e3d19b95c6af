"""Downloading news pages politely, keeping the raw HTML, and ingesting what they say.

`Fetcher` is the only place dyad talks HTTP. It sends a user agent naming dyad, obeys
robots.txt (RFC 9309 through `urllib.robotparser`, including Crawl-delay), waits between
requests to one host, retries transient failures (timeouts, connection errors, 429 and
5xx) with exponential backoff, follows redirects itself so every hop is checked against
robots.txt, and stops reading a response at a byte cap or a total time limit. Its
`httpx.Client` is injectable, so tests and embedders choose the transport.

Downloaded pages go into the ``pages`` table before they are processed, zlib-compressed,
so an article can be re-extracted later without downloading it again (`raw_html`,
`ingest_downloaded`). URLs are remembered in a normalised form (`normalise_url`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx
from courlan import normalize_url

from dyad import __version__
from dyad.api import IngestReport, default_db
from dyad.errors import InputError
from dyad.link import LinkSettings
from dyad.pipeline import Pipeline, PipelineSettings
from dyad.read import read_html_bytes
from dyad.records import Article, ArticleResult
from dyad.store import Store

__all__ = [
    "USER_AGENT",
    "Download",
    "FetchError",
    "FetchReport",
    "FetchSettings",
    "Fetcher",
    "fetch_urls",
    "has_pending",
    "ingest_downloaded",
    "normalise_url",
    "raw_html",
    "reprocess",
]

log = logging.getLogger(__name__)

# Sites like to know who crawls them: set DYAD_CONTACT (a URL or e-mail address) to add it.
USER_AGENT = f"dyad/{__version__} (political event coder)"


def _user_agent(contact: str | None) -> str:
    return f"{USER_AGENT[:-1]}; +{contact})" if contact else USER_AGENT


ACCEPT_HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ROBOTS_MAX_BYTES = 512_000  # RFC 9309: crawlers may ignore robots.txt beyond 500 KiB
MAX_CRAWL_DELAY = 60.0  # a robots.txt cannot stall a host for longer than this per request
RETRY = timedelta(minutes=15)  # a failed page may be tried again after this, doubling
MAX_RETRY = timedelta(days=1)


class FetchError(InputError):
    """A URL could not be downloaded (or is not an HTML page); ``status`` if HTTP said so."""

    def __init__(self, url: str, reason: str, *, status: int | None = None) -> None:
        super().__init__(url, reason)
        self.url = url
        self.status = status


@dataclass(frozen=True)
class FetchSettings:
    """How politely and how patiently to download; the defaults suit public news sites."""

    user_agent: str = field(default_factory=lambda: _user_agent(os.environ.get("DYAD_CONTACT")))
    timeout: float = 15.0  # seconds to connect, and between two reads
    total_timeout: float = 60.0  # seconds for a whole response, however it trickles in
    retries: int = 2  # extra attempts after a transient failure
    backoff: float = 1.0  # seconds before the first retry, doubled for each further one
    max_backoff: float = 30.0  # cap on one wait, Retry-After included
    max_bytes: int = 5_000_000  # a longer response is abandoned while streaming
    host_interval: float = 1.0  # least seconds between two requests to one host
    max_redirects: int = 5
    robots: bool = True  # obey robots.txt
    robots_ttl: float = 6 * 3600.0  # seconds a robots.txt is trusted before reloading


@dataclass(frozen=True)
class Download:
    """One HTTP response body (empty for 304 Not Modified) and the headers dyad keeps."""

    url: str
    final_url: str
    status: int
    content: bytes
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def mime_type(self) -> str | None:
        return _mime(self.content_type)

    @property
    def charset(self) -> str | None:
        return _charset(self.content_type)


@dataclass(frozen=True)
class _Raw:
    status: int
    headers: httpx.Headers
    content: bytes


class _TooSlow(Exception):
    pass


@dataclass
class _Robots:
    parser: RobotFileParser
    expires: float


class Fetcher:
    """Polite HTTP GETs with robots.txt, per-host pacing, retries and size caps.

    Waits (pacing, backoff) end early when ``stop`` is set, so a stopping watcher is not
    held up; the request under way still completes. Use as a context manager.
    """

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.settings = settings or FetchSettings()
        self._own_client = client is None
        self.client = client or httpx.Client(
            transport=transport, timeout=httpx.Timeout(self.settings.timeout)
        )
        self.stop = stop or threading.Event()
        self._robots: dict[str, _Robots] = {}
        self._next_slot: dict[str, float] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    # -- public -----------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = ACCEPT_HTML,
    ) -> Download:
        """Download ``url`` (conditionally, given a stored ETag or Last-Modified).

        Raises FetchError for a refused, failed, oversized or error (4xx/5xx) response;
        a 304 comes back as a Download with ``not_modified``.
        """
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        final_url, raw = self._follow(url, headers, robots=self.settings.robots)
        if raw.status >= 400 or raw.status < 200 or raw.status in REDIRECT_STATUSES:
            phrase = httpx.codes.get_reason_phrase(raw.status)
            raise FetchError(url, f"HTTP {raw.status} {phrase}".strip(), status=raw.status)
        return Download(
            url=url,
            final_url=final_url,
            status=raw.status,
            content=raw.content if raw.status != 304 else b"",
            content_type=raw.headers.get("content-type"),
            etag=raw.headers.get("etag"),
            last_modified=raw.headers.get("last-modified"),
        )

    def get_page(self, url: str) -> Download:
        """Download an HTML page; anything else (a PDF, an image, JSON) is a FetchError."""
        page = self.get(url)
        if not _looks_like_html(page):
            kind = page.content_type or "no Content-Type"
            raise FetchError(url, f"not an HTML page ({kind})", status=page.status)
        return page

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's site lets dyad fetch it (loaded once per TTL)."""
        origin = _origin(url)
        entry = self._robots.get(origin)
        if entry is None or entry.expires < time.monotonic():
            entry = self._load_robots(origin)
            self._robots[origin] = entry
        return entry.parser.can_fetch(self.settings.user_agent, url)

    # -- internals ----------------------------------------------------------------

    def _follow(self, url: str, headers: dict[str, str], *, robots: bool) -> tuple[str, _Raw]:
        current = url
        for _ in range(self.settings.max_redirects + 1):
            if urlsplit(current).scheme not in ("http", "https"):
                raise FetchError(url, f"not an http(s) URL: {current}")
            if robots and not self.allowed(current):
                raise FetchError(url, f"disallowed by robots.txt: {current}")
            raw = self._with_retries(current, headers, self.settings.max_bytes)
            location = raw.headers.get("location")
            if raw.status not in REDIRECT_STATUSES or not location:
                return current, raw
            current = urljoin(current, location)
        raise FetchError(url, f"more than {self.settings.max_redirects} redirects")

    def _with_retries(self, url: str, headers: dict[str, str], cap: int) -> _Raw:
        s = self.settings
        for attempt in range(s.retries + 1):
            last = attempt == s.retries
            wait = min(s.max_backoff, s.backoff * 2**attempt)
            try:
                raw = self._once(url, headers, cap)
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
                raise FetchError(url, f"bad URL: {exc}") from None
            except httpx.TimeoutException:
                if last:
                    raise FetchError(url, f"timed out (no answer within {s.timeout:g} s)") from None
                reason = "timed out"
            except _TooSlow:
                if last:
                    raise FetchError(url, f"timed out (over {s.total_timeout:g} s)") from None
                reason = "too slow"
            except httpx.RequestError as exc:  # connection refused or dropped, bad encoding
                if last:
                    raise FetchError(url, f"connection failed: {exc}") from None
                reason = f"connection failed: {exc}"
            else:
                if raw.status not in RETRY_STATUSES or last:
                    return raw
                reason = f"HTTP {raw.status}"
                wait = max(wait, min(s.max_backoff, _retry_after(raw.headers)))
            log.debug("%s: %s; retrying in %.1f s", url, reason, wait)
            self.stop.wait(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(self, url: str, headers: dict[str, str], cap: int) -> _Raw:
        self._pace(url)
        started = time.monotonic()
        request_headers = {"User-Agent": self.settings.user_agent, **headers}
        with self.client.stream(
            "GET", url, headers=request_headers, follow_redirects=False
        ) as response:
            if not 200 <= response.status_code < 300:  # the body of an error is not needed
                return _Raw(response.status_code, response.headers, b"")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                raise FetchError(url, f"response of {int(declared):,} bytes is over {cap:,}")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > cap:
                    raise FetchError(url, f"response is over the limit of {cap:,} bytes")
                if time.monotonic() - started > self.settings.total_timeout:
                    raise _TooSlow
                chunks.append(chunk)
            return _Raw(response.status_code, response.headers, b"".join(chunks))

    def _pace(self, url: str) -> None:
        """Wait until this host may be asked again (host interval or Crawl-delay)."""
        host = (urlsplit(url).hostname or "").lower()
        interval = self.settings.host_interval
        entry = self._robots.get(_origin(url))
        if entry is not None:
            delay = entry.parser.crawl_delay(self.settings.user_agent)
            if delay:
                interval = max(interval, min(float(delay), MAX_CRAWL_DELAY))
        now = time.monotonic()
        slot = self._next_slot.get(host, now)
        if slot > now:
            self.stop.wait(slot - now)
        self._next_slot[host] = max(slot, now) + interval

    def _load_robots(self, origin: str) -> _Robots:
        """RFC 9309: a 4xx means no rules; an unreachable robots.txt means stay away."""
        parser = RobotFileParser(origin + "/robots.txt")
        ttl = self.settings.robots_ttl
        try:
            _, raw = self._follow(origin + "/robots.txt", {}, robots=False)
        except FetchError as exc:
            log.warning("%s/robots.txt unreachable (%s); not fetching from %s", origin, exc, origin)
            raw = None
        if raw is not None and 200 <= raw.status < 300:
            parser.parse(raw.content[:ROBOTS_MAX_BYTES].decode("utf-8", "replace").splitlines())
        elif raw is not None and 400 <= raw.status < 500 and raw.status != 429:
            parser.parse([])  # no rules: everything allowed
        else:
            parser.parse(["User-agent: *", "Disallow: /"])
            ttl = min(ttl, 600.0)  # ask again soon
        return _Robots(parser, time.monotonic() + ttl)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _mime(content_type: str | None) -> str | None:
    return content_type.split(";", 1)[0].strip().lower() or None if content_type else None


def _charset(content_type: str | None) -> str | None:
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _looks_like_html(page: Download) -> bool:
    if page.mime_type is not None:
        return page.mime_type in HTML_TYPES
    head = page.content[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _retry_after(headers: httpx.Headers) -> float:
    value = headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def normalise_url(url: str) -> str:
    """The form a URL is remembered by: lower-case host, no default port, sorted query
    without tracking parameters (utm_*, fbclid ...), no fragment (courlan's rules)."""
    url = url.strip()
    with contextlib.suppress(ValueError):  # courlan refuses some odd URLs: keep them as given
        url = normalize_url(url)
    return urldefrag(url).url


def utcnow() -> datetime:
    """Now in UTC, naive, as the store's TIMESTAMP columns hold it."""
    return datetime.now(UTC).replace(tzinfo=None)


# -- the pages table ---------------------------------------------------------------


def known_pages(
    store: Store,
    urls: Sequence[str],
    *,
    now: datetime | None = None,
    max_failures: int | None = None,
) -> set[str]:
    """Those of the (normalised) ``urls`` not to download: downloaded already, under
    their own name, their redirect target's or the canonical URL a page names; and,
    given ``now``, failed pages whose retry time has not come or (given
    ``max_failures``) that failed too often."""
    if not urls:
        return set()
    rows = store.con.execute(
        """
        SELECT url, final_url, html IS NOT NULL OR article_id IS NOT NULL, failures, retry_at
        FROM pages
        WHERE url IN (SELECT unnest(?)) OR final_url IN (SELECT unnest(?))
        """,
        [list(urls), list(urls)],
    ).fetchall()
    skip: set[str] = set()
    for url, final_url, downloaded, failures, retry_at in rows:
        waiting = now is not None and retry_at is not None and retry_at > now
        given_up = max_failures is not None and failures >= max_failures
        if downloaded or waiting or given_up:
            skip.update(u for u in (url, final_url) if u)
    return skip & set(urls)


def save_download(store: Store, key: str, page: Download, *, feed: str | None = None) -> None:
    """Keep a downloaded page (compressed) for processing now and re-processing later."""
    store.con.execute(
        """
        INSERT INTO pages (url, final_url, feed, status, content_type, fetched_at, html,
                           processed_at, article_id, error, failures, retry_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, 0, NULL)
        ON CONFLICT (url) DO UPDATE SET
            final_url = excluded.final_url, feed = coalesce(pages.feed, excluded.feed),
            status = excluded.status, content_type = excluded.content_type,
            fetched_at = excluded.fetched_at, html = excluded.html, processed_at = NULL,
            article_id = NULL, error = NULL, failures = 0, retry_at = NULL
        """,
        [
            key,
            normalise_url(page.final_url),
            feed,
            page.status,
            page.content_type,
            utcnow(),
            zlib.compress(page.content, 6),
        ],
    )


def save_failure(
    store: Store,
    key: str,
    error: FetchError,
    *,
    now: datetime,
    retry: timedelta,
    max_retry: timedelta,
    feed: str | None = None,
) -> int:
    """Record a failed download; it may be tried again after ``retry``, doubled for each
    earlier failure up to ``max_retry``. Returns how often this page has failed."""
    before = store.scalar("SELECT failures FROM pages WHERE url = ?", [key]) or 0
    failures = int(before) + 1
    retry_at = now + min(max_retry, retry * 2 ** min(failures - 1, 30))
    store.con.execute(
        """
        INSERT INTO pages (url, feed, status, fetched_at, error, failures, retry_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (url) DO UPDATE SET
            status = excluded.status, fetched_at = excluded.fetched_at,
            error = excluded.error, failures = excluded.failures, retry_at = excluded.retry_at
        """,
        [key, feed, error.status, now, error.reason, failures, retry_at],
    )
    return failures


def raw_html(url: str, *, db: str | Path | None = None) -> bytes | None:
    """The HTML dyad downloaded for ``url`` (as served, decompressed), or None."""
    key = normalise_url(url)
    with Store(db or default_db()) as store:
        row = store.con.execute(
            """
            SELECT html FROM pages WHERE html IS NOT NULL AND (url = ? OR final_url = ?
                OR url IN (SELECT final_url FROM pages WHERE url = ? AND html IS NULL))
            ORDER BY fetched_at DESC LIMIT 1
            """,
            [key, key, key],
        ).fetchall()
    return zlib.decompress(bytes(row[0][0])) if row else None


def has_pending(store: Store) -> bool:
    """Whether downloaded pages wait to be processed (left by an interrupted run)."""
    return bool(
        store.scalar("SELECT count(*) FROM pages WHERE html IS NOT NULL AND processed_at IS NULL")
    )


def _pending(store: Store, limit: int, *, redo: bool) -> list[tuple[Any, ...]]:
    where = "html IS NOT NULL" + ("" if redo else " AND processed_at IS NULL")
    return store.con.execute(
        f"SELECT url, final_url, content_type, html FROM pages WHERE {where}"
        " ORDER BY fetched_at, url LIMIT ?",
        [limit],
    ).fetchall()


def ingest_downloaded(
    store: Store,
    pipeline: Pipeline,
    report: IngestReport,
    *,
    link_settings: LinkSettings | None = None,
    batch_size: int = 64,
    stop: threading.Event | None = None,
) -> None:
    """Extract and ingest every downloaded page not processed yet, in batches.

    Pages whose article is already stored (the same text under another URL) are skipped;
    pages without article text are marked with the reason and not tried again.
    """
    while not (stop is not None and stop.is_set()):
        rows = _pending(store, batch_size, redo=False)
        if not rows:
            return
        _ingest_rows(store, pipeline, report, rows, link_settings)


def _ingest_rows(
    store: Store,
    pipeline: Pipeline,
    report: IngestReport,
    rows: list[tuple[Any, ...]],
    link_settings: LinkSettings | None,
) -> None:
    outcome: dict[str, tuple[str | None, str | None]] = {}  # key -> (article_id, error)
    articles: list[Article] = []
    key_of: dict[str, str] = {}  # article path (the page URL) -> page key
    canonical: dict[str, str] = {}  # page key -> the other URL the page names as its own
    for key, final_url, content_type, blob in rows:
        where = final_url or key
        item = read_html_bytes(
            zlib.decompress(bytes(blob)), url=where, charset=_charset(content_type)
        )
        if isinstance(item, InputError):
            report.errors.append(item)
            outcome[key] = (None, item.reason)
            continue
        report.articles_read += 1
        report.warnings.extend(f"{where}: {w}" for w in item.warnings)
        outcome[key] = (item.article_id, None)
        if item.url and normalise_url(item.url) not in (key, final_url):
            canonical[key] = normalise_url(item.url)
        key_of[where] = key
        articles.append(item)
    known = store.known_articles(a.article_id for a in articles)
    fresh = list({a.article_id: a for a in articles if a.article_id not in known}.values())
    report.articles_skipped += len(articles) - len(fresh)
    results: list[ArticleResult] = []
    for result in pipeline.process(fresh):
        if isinstance(result, InputError):
            report.errors.append(result)
            outcome[key_of.get(result.path, result.path)] = (None, result.reason)
        else:
            results.append(result)
    written = store.write_batch(results, link_settings=link_settings)
    report.articles_added += written.articles_added
    report.articles_skipped += written.articles_skipped
    report.mentions_added += written.mentions_added
    now = utcnow()
    store.con.executemany(
        "UPDATE pages SET processed_at = ?, article_id = ?, error = ? WHERE url = ?",
        [(now, aid, error, key) for key, (aid, error) in outcome.items()],
    )
    # Remember the canonical URL too, so a feed naming the page by it does not fetch it again.
    aliases = [
        (url, key, now, now, outcome[key][0])
        for key, url in canonical.items()
        if outcome[key][0] is not None
    ]
    if aliases:  # DuckDB's executemany refuses an empty list
        store.con.executemany(
            "INSERT INTO pages (url, final_url, fetched_at, processed_at, article_id)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (url) DO NOTHING",
            aliases,
        )


def reprocess(
    store: Store,
    pipeline: Pipeline,
    report: IngestReport,
    *,
    link_settings: LinkSettings | None = None,
    batch_size: int = 64,
) -> None:
    """Extract every stored page again (after a dyad upgrade), without downloading it.

    Articles already stored are kept as they are (ingest is idempotent); pages whose text
    now extracts differently become new articles."""
    offset = 0
    while True:
        rows = store.con.execute(
            "SELECT url, final_url, content_type, html FROM pages WHERE html IS NOT NULL"
            " ORDER BY fetched_at, url LIMIT ? OFFSET ?",
            [batch_size, offset],
        ).fetchall()
        if not rows:
            return
        _ingest_rows(store, pipeline, report, rows, link_settings)
        offset += len(rows)


# -- dyad fetch ------------------------------------------------------------------------


@dataclass
class FetchReport(IngestReport):
    """An IngestReport plus what was downloaded."""

    pages_fetched: int = 0
    pages_known: int = 0  # downloaded by an earlier run, not fetched again
    events_before: int = 0
    events_after: int = 0

    @property
    def events_added(self) -> int:
        return self.events_after - self.events_before


def fetch_urls(
    urls: Sequence[str],
    *,
    db: str | Path | None = None,
    pipeline: Pipeline | None = None,
    settings: PipelineSettings | None = None,
    fetch_settings: FetchSettings | None = None,
    client: httpx.Client | None = None,
    link_settings: LinkSettings | None = None,
    refetch: bool = False,
    batch_size: int = 64,
    progress: Callable[[FetchReport], None] | None = None,
) -> FetchReport:
    """Download pages, keep their HTML, and ingest the articles they hold.

    A URL downloaded before is not fetched again unless ``refetch``; a failing URL is
    reported in ``errors`` and the others go on. Pages downloaded by an interrupted run
    are processed too.
    """
    report = FetchReport()
    loaded: list[Pipeline] = [pipeline] if pipeline is not None else []

    def ingest_pending(store: Store) -> None:
        if has_pending(store):  # the model loads only when there is something to read
            if not loaded:
                loaded.append(Pipeline(settings))
            ingest_downloaded(store, loaded[0], report, link_settings=link_settings)
            if progress:
                progress(report)

    with Store(db or default_db()) as store, Fetcher(fetch_settings, client=client) as fetcher:
        report.events_before = _event_count(store)
        ingest_pending(store)
        for url in _unique(urls):
            key = normalise_url(url)
            if not refetch and known_pages(store, [key]):
                report.pages_known += 1
                continue
            try:
                page = fetcher.get_page(url)
            except FetchError as exc:
                report.errors.append(exc)
                save_failure(store, key, exc, now=utcnow(), retry=RETRY, max_retry=MAX_RETRY)
                continue
            save_download(store, key, page)
            report.pages_fetched += 1
            if report.pages_fetched % batch_size == 0:
                ingest_pending(store)
        ingest_pending(store)
        report.events_after = _event_count(store)
    return report


def _unique(urls: Sequence[str]) -> Iterator[str]:
    seen: set[str] = set()
    for url in urls:
        key = normalise_url(url)
        if key not in seen:
            seen.add(key)
            yield url.strip()


def _event_count(store: Store) -> int:
    return int(store.scalar("SELECT count(*) FROM events"))
