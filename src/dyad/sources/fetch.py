"""Downloading news pages politely, keeping the raw HTML, and ingesting what they say.

`Fetcher` is the only place dyad talks HTTP. It sends a user agent naming dyad, obeys
robots.txt (RFC 9309 through `urllib.robotparser`, including Crawl-delay), waits between
requests to one host, retries transient failures (timeouts, connection errors, 429 and
5xx) with exponential backoff within a time budget per URL, follows redirects itself so
every hop is checked against robots.txt, and stops reading a response at a byte cap.
Its `httpx.Client` is injectable, so tests and embedders choose the transport.

Downloaded pages go into the store's ``pages`` table before they are processed,
zlib-compressed, so an article can be re-extracted later without downloading it again
(`raw_html`, `reprocess`); they are ingested through `dyad.api.ingest_articles`. URLs are
remembered in a normalised form (`normalise_url`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx
from courlan import normalize_url

from dyad import __version__
from dyad.api import IngestReport, default_db, ingest_articles
from dyad.errors import InputError
from dyad.pipeline import Pipeline, PipelineSettings, Processor
from dyad.records import Article
from dyad.settings import setting_value
from dyad.stages.clean import clean_articles
from dyad.stages.link import LinkSettings
from dyad.stages.read import read_html_bytes
from dyad.store.store import DownloadedPage, Store

__all__ = [
    "USER_AGENT",
    "Download",
    "FetchError",
    "FetchReport",
    "FetchSettings",
    "FetchStopped",
    "Fetcher",
    "fetch_urls",
    "ingest_downloaded",
    "normalise_url",
    "raw_html",
    "reprocess",
    "retry_policy",
    "save_download",
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
PERMANENT_STATUSES = frozenset({410, 451})  # gone, or unavailable for legal reasons
ROBOTS_UNAVAILABLE_WAIT = 600.0  # seconds a site is skipped while its robots.txt fails
ROBOTS_MAX_BYTES = 512_000  # RFC 9309: crawlers may ignore robots.txt beyond 500 KiB
MAX_CRAWL_DELAY = 60.0  # a robots.txt cannot stall a host for longer than this per request
RETRY = timedelta(minutes=15)  # a failed page may be tried again after this, doubling
MAX_RETRY = timedelta(days=1)


class FetchError(InputError):
    """A URL could not be downloaded (or is not an HTML page); ``status`` if HTTP said so.

    ``permanent``: asking again will not help (not HTML, forbidden by robots.txt, too
    large, 410 Gone). ``host_failed``: the host cannot be reached (refused, no
    connection, or no answer for its robots.txt), so its other pages need not be tried
    now.
    """

    def __init__(
        self,
        url: str,
        reason: str,
        *,
        status: int | None = None,
        permanent: bool = False,
        host_failed: bool = False,
    ) -> None:
        super().__init__(url, reason)
        self.url = url
        self.status = status
        self.permanent = permanent
        self.host_failed = host_failed


class FetchStopped(Exception):
    """The fetcher was asked to stop while a request was under way; nothing failed."""


@dataclass(frozen=True)
class FetchSettings:
    """How politely and how patiently to download; the defaults suit public news sites."""

    user_agent: str = field(default_factory=lambda: _user_agent(setting_value("contact")))
    connect_timeout: float = 5.0  # seconds to open a connection
    timeout: float = 10.0  # seconds to the first byte of an answer, and between two reads
    total_timeout: float = 30.0  # seconds for one URL, retries and redirects included
    retries: int = 2  # extra attempts after a transient failure, while time is left
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
    unavailable: str | None = None  # why the whole site is skipped until ``expires``


class Fetcher:
    """Polite HTTP GETs with robots.txt, per-host pacing, retries and a time budget.

    Each URL gets ``total_timeout`` seconds, retries and redirects included; each read
    ``timeout`` seconds and each connection ``connect_timeout``, so a host that never
    answers or trickles bytes costs seconds. When ``stop`` is set, waits end at once and
    a download under way is abandoned (`FetchStopped`) at its next read. One thread per
    host at a time may use it (the pacing of a host is not locked). Use as a context
    manager.
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
            transport=transport,
            timeout=httpx.Timeout(self.settings.timeout, connect=self.settings.connect_timeout),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
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

        Raises FetchError for a refused, failed, oversized or error (4xx/5xx) response,
        FetchStopped when stopped; a 304 comes back as a Download with ``not_modified``.
        """
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        deadline = time.monotonic() + self.settings.total_timeout
        final_url, raw = self._follow(url, headers, deadline, robots=self.settings.robots)
        if raw.status >= 400 or raw.status < 200 or raw.status in REDIRECT_STATUSES:
            phrase = httpx.codes.get_reason_phrase(raw.status)
            raise FetchError(
                url,
                f"HTTP {raw.status} {phrase}".strip(),
                status=raw.status,
                permanent=raw.status in PERMANENT_STATUSES,
            )
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
            raise FetchError(url, f"not an HTML page ({kind})", status=page.status, permanent=True)
        return page

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's site lets dyad fetch it (loaded once per TTL).

        Raises FetchError when the site cannot be reached, or while its robots.txt is
        unavailable (429, 5xx): RFC 9309 asks crawlers to stay away then."""
        try:
            self._check_robots(url, url, time.monotonic() + self.settings.total_timeout)
        except FetchError as exc:
            if exc.permanent:
                return False
            raise
        return True

    # -- internals ----------------------------------------------------------------

    def _robots_of(self, url: str, deadline: float) -> _Robots:
        origin = _origin(url)
        entry = self._robots.get(origin)
        if entry is None or entry.expires < time.monotonic():
            entry = self._load_robots(origin, deadline)
            self._robots[origin] = entry
        return entry

    def _check_robots(self, url: str, current: str, deadline: float) -> None:
        """Raise FetchError (for ``url``) unless robots.txt lets dyad fetch ``current``."""
        try:
            entry = self._robots_of(current, deadline)
        except FetchError as exc:  # the host did not answer for its robots.txt
            raise FetchError(url, exc.reason, host_failed=True) from None
        if entry.unavailable:
            raise FetchError(url, entry.unavailable)
        if not entry.parser.can_fetch(self.settings.user_agent, current):
            raise FetchError(url, f"disallowed by robots.txt: {current}", permanent=True)

    def _follow(
        self, url: str, headers: dict[str, str], deadline: float, *, robots: bool
    ) -> tuple[str, _Raw]:
        current = url
        for _ in range(self.settings.max_redirects + 1):
            if urlsplit(current).scheme not in ("http", "https"):
                raise FetchError(url, f"not an http(s) URL: {current}", permanent=True)
            if robots:
                self._check_robots(url, current, deadline)
            raw = self._with_retries(current, headers, deadline)
            location = raw.headers.get("location")
            if raw.status not in REDIRECT_STATUSES or not location:
                return current, raw
            current = urljoin(current, location)
        raise FetchError(url, f"more than {self.settings.max_redirects} redirects", permanent=True)

    def _with_retries(self, url: str, headers: dict[str, str], deadline: float) -> _Raw:
        s = self.settings
        for attempt in range(s.retries + 1):
            wait = min(s.max_backoff, s.backoff * 2**attempt)
            try:
                raw = self._once(url, headers, deadline)
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
                raise FetchError(url, f"bad URL: {exc}", permanent=True) from None
            except httpx.ConnectTimeout:
                failure = FetchError(
                    url, f"no connection within {s.connect_timeout:g} s", host_failed=True
                )
            except httpx.ConnectError as exc:
                failure = FetchError(url, f"cannot connect: {exc}", host_failed=True)
            except httpx.TimeoutException:
                failure = FetchError(url, f"timed out (no answer within {s.timeout:g} s)")
            except _TooSlow:
                failure = FetchError(url, f"timed out (over {s.total_timeout:g} s)")
            except httpx.RequestError as exc:  # connection dropped, bad encoding
                failure = FetchError(url, f"connection failed: {exc}")
            else:
                if raw.status not in RETRY_STATUSES:
                    return raw
                wait = max(wait, min(s.max_backoff, _retry_after(raw.headers)))
                phrase = httpx.codes.get_reason_phrase(raw.status)
                failure = FetchError(url, f"HTTP {raw.status} {phrase}".strip(), status=raw.status)
                if attempt == s.retries or time.monotonic() + wait >= deadline:
                    return raw
            if attempt == s.retries or time.monotonic() + wait >= deadline:
                raise failure
            log.debug("%s: %s; retrying in %.1f s", url, failure.reason, wait)
            if self.stop.wait(wait):
                raise FetchStopped(url)
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(self, url: str, headers: dict[str, str], deadline: float) -> _Raw:
        self._pace(url)
        left = deadline - time.monotonic()
        if left <= 0:
            raise _TooSlow
        s = self.settings
        timeout = httpx.Timeout(min(s.timeout, left), connect=min(s.connect_timeout, left))
        request_headers = {"User-Agent": s.user_agent, **headers}
        with self.client.stream(
            "GET", url, headers=request_headers, follow_redirects=False, timeout=timeout
        ) as response:
            if not 200 <= response.status_code < 300:  # the body of an error is not needed
                return _Raw(response.status_code, response.headers, b"")
            cap = s.max_bytes
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                raise FetchError(
                    url, f"response of {int(declared):,} bytes is over {cap:,}", permanent=True
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                if self.stop.is_set():
                    raise FetchStopped(url)
                size += len(chunk)
                if size > cap:
                    raise FetchError(
                        url, f"response is over the limit of {cap:,} bytes", permanent=True
                    )
                if time.monotonic() > deadline:
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
        if self.stop.is_set():
            raise FetchStopped(url)
        now = time.monotonic()
        slot = self._next_slot.get(host, now)
        if slot > now and self.stop.wait(slot - now):
            raise FetchStopped(url)
        self._next_slot[host] = max(slot, now) + interval

    def _load_robots(self, origin: str, deadline: float) -> _Robots:
        """RFC 9309: a 4xx means no rules; a 429 or 5xx means stay away for a while. A host
        that does not answer at all is a FetchError (nothing is cached)."""
        parser = RobotFileParser(origin + "/robots.txt")
        try:
            _, raw = self._follow(origin + "/robots.txt", {}, deadline, robots=False)
        except FetchError as exc:
            if exc.status is None and not exc.permanent:  # no answer: refused, timed out
                raise FetchError(exc.url, exc.reason, host_failed=True) from None
            raw = _Raw(exc.status or 0, httpx.Headers(), b"")  # too many redirects, too large
        if 200 <= raw.status < 300:
            parser.parse(raw.content[:ROBOTS_MAX_BYTES].decode("utf-8", "replace").splitlines())
        elif 400 <= raw.status < 500 and raw.status != 429:
            parser.parse([])  # no rules: everything allowed
        else:
            wait = ROBOTS_UNAVAILABLE_WAIT
            why = f"HTTP {raw.status}" if raw.status else "unreadable"
            reason = f"{origin}/robots.txt unavailable ({why}); site skipped for {wait / 60:g} min"
            log.warning("%s", reason)
            return _Robots(parser, time.monotonic() + wait, unavailable=reason)
        return _Robots(parser, time.monotonic() + self.settings.robots_ttl)


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


def retry_policy(
    error: FetchError,
    now: datetime,
    *,
    retry: timedelta = RETRY,
    max_retry: timedelta = MAX_RETRY,
    attempts: int | None = None,
) -> Callable[[int], datetime | None]:
    """When a page that failed ``failures`` times may be tried again: after ``retry``,
    doubled per failure up to ``max_retry``; never (None) after a permanent failure or
    ``attempts`` failures."""

    def when(failures: int) -> datetime | None:
        if error.permanent or (attempts is not None and failures >= attempts):
            return None
        return now + min(max_retry, retry * 2 ** min(failures - 1, 30))

    return when


def save_download(store: Store, key: str, page: Download, *, now: datetime | None = None) -> None:
    """Keep a downloaded page (compressed) for processing now and re-processing later."""
    store.save_page(
        key,
        final_url=normalise_url(page.final_url),
        status=page.status,
        content_type=page.content_type,
        html=page.content,
        now=now or utcnow(),
    )


def raw_html(url: str, *, db: str | Path | None = None) -> bytes | None:
    """The HTML dyad downloaded for ``url`` (as served, decompressed), or None."""
    with Store(db or default_db()) as store:
        return store.page_html(normalise_url(url))


def ingest_downloaded(
    db: str | Path,
    pipeline: Processor,
    report: IngestReport,
    *,
    link_settings: LinkSettings | None = None,
    batch_size: int = 64,
    stop: threading.Event | None = None,
    redo: bool = False,
    limit: int | None = None,
) -> None:
    """Extract and ingest every downloaded page not processed yet (with ``redo``, every
    downloaded page; ``limit`` pages at most), a batch at a time, through
    `dyad.api.ingest_articles`. The database is held only to read a batch and to mark it
    done.

    Pages whose article is already stored (the same text under another URL) are skipped;
    pages without article text are marked with the reason and not tried again.
    """
    done = 0
    while not (stop is not None and stop.is_set()) and (limit is None or done < limit):
        size = batch_size if limit is None else min(batch_size, limit - done)
        with Store(db) as store:
            pages = store.downloaded_pages(size, offset=done if redo else 0, redo=redo)
        if not pages:
            return
        done += len(pages)
        _ingest_pages(db, pages, pipeline, report, link_settings)


def _ingest_pages(
    db: str | Path,
    pages: Sequence[DownloadedPage],
    pipeline: Processor,
    report: IngestReport,
    link_settings: LinkSettings | None,
) -> None:
    outcome: dict[str, tuple[str | None, str | None]] = {}  # key -> (article_id, error)
    articles: list[Article] = []
    key_of: dict[str, str] = {}  # article path (the page URL) -> page key
    canonical: dict[str, str] = {}  # page key -> the other URL the page names as its own
    for page in pages:
        where = page.final_url or page.key
        page_article = read_html_bytes(page.html, url=where, charset=_charset(page.content_type))
        item = next(clean_articles([page_article]))
        if isinstance(item, InputError):
            report.errors.append(item)
            outcome[page.key] = (None, item.reason)
            continue
        report.warnings.extend(f"{where}: {w}" for w in item.warnings)
        outcome[page.key] = (item.article_id, None)
        if item.url and normalise_url(item.url) not in (page.key, page.final_url):
            canonical[page.key] = normalise_url(item.url)
        key_of[where] = page.key
        articles.append(item)
    written = ingest_articles(
        articles, db=db, pipeline=pipeline, link_settings=link_settings, batch_size=len(pages)
    )
    for error in written.errors:
        outcome[key_of.get(error.path, error.path)] = (None, error.reason)
    report.errors.extend(written.errors)
    report.articles_read += written.articles_read
    report.articles_added += written.articles_added
    report.articles_skipped += written.articles_skipped
    report.mentions_added += written.mentions_added
    with Store(db) as store:
        store.mark_pages_processed(outcome, canonical=canonical, now=utcnow())


def reprocess(
    db: str | Path,
    pipeline: Processor,
    report: IngestReport,
    *,
    link_settings: LinkSettings | None = None,
    batch_size: int = 64,
) -> None:
    """Extract every stored page again (after a dyad upgrade), without downloading it.

    Articles already stored are kept as they are (ingest is idempotent); pages whose text
    now extracts differently become new articles."""
    ingest_downloaded(
        db, pipeline, report, link_settings=link_settings, batch_size=batch_size, redo=True
    )


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
    are processed too. The database is held only while a page is looked up or written.
    """
    report = FetchReport()
    path = db or default_db()
    loaded: list[Pipeline] = [pipeline] if pipeline is not None else []

    def ingest_pending() -> None:
        with Store(path) as store:
            waiting = store.page_counts().get("downloaded", 0)
        if waiting:  # the model loads only when there is something to read
            if not loaded:
                loaded.append(Pipeline(settings))
            ingest_downloaded(
                path, loaded[0], report, link_settings=link_settings, batch_size=batch_size
            )
            if progress:
                progress(report)

    with Fetcher(fetch_settings, client=client) as fetcher:
        report.events_before = _event_count(path)
        ingest_pending()
        for url in _unique(urls):
            key = normalise_url(url)
            if not refetch:
                with Store(path) as store:
                    known = store.known_pages([key])
                if known:
                    report.pages_known += 1
                    continue
            try:
                page = fetcher.get_page(url)
            except FetchError as exc:
                report.errors.append(exc)
                now = utcnow()
                with Store(path) as store:
                    store.save_page_failure(
                        key, exc.reason, status=exc.status, now=now, retry_at=retry_policy(exc, now)
                    )
                continue
            with Store(path) as store:
                save_download(store, key, page)
            report.pages_fetched += 1
            if report.pages_fetched % batch_size == 0:
                ingest_pending()
        ingest_pending()
        report.events_after = _event_count(path)
    return report


def _unique(urls: Sequence[str]) -> Iterator[str]:
    seen: set[str] = set()
    for url in urls:
        key = normalise_url(url)
        if key not in seen:
            seen.add(key)
            yield url.strip()


def _event_count(db: str | Path) -> int:
    with Store(db) as store:
        return store.counts()["events"]
