"""`dyad serve`: a REST API (``/api/v1``) and a web page over one event database.

The server owns its database while it runs (docs/serving.md says why): it opens the file
once, read-write when it accepts writes, read-only otherwise. Each request reads on its
own cursor of that connection, in one transaction, so it sees one state of the database
and never waits for a write, nor a write for it (DuckDB's MVCC within one process).
Writes (``POST /api/v1/articles``, which `dyad ingest --server` uses) go through the same
connection, one transaction per batch, one batch at a time; the pipeline runs in a worker
process, so its work does not hold up the readers. A 503 with ``Retry-After`` means
overload: more requests under way than the server takes at once.

No request names a file: the only file the server opens is the database it was started
with (and its own static assets, through Starlette's path-checked `StaticFiles`).
"""

from __future__ import annotations

import csv
import datetime as dt
import hmac
import io
import json
import logging
import math
import re
import threading
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Protocol

import duckdb
from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dyad import __version__
from dyad.errors import DyadError, InputError, StoreError, UsageError
from dyad.records import STATUSES, Article, ArticleResult, article_id_for
from dyad.serve.server_models import (
    ActorOut,
    ActorPage,
    ArticleDetail,
    ArticleIn,
    ArticleOut,
    ArticlePage,
    ErrorOut,
    EventDetail,
    EventOut,
    EventPage,
    InfoOut,
    IngestOut,
    PlaceOut,
    PlacePage,
    StatsOut,
    Timeline,
    TimelineRow,
    UpcomingPage,
)
from dyad.stages.clean import clean_articles
from dyad.store.query import EVENT_ORDER, Database, Filters
from dyad.store.store import BatchReport, Store, lock_timeout_setting

if TYPE_CHECKING:
    from dyad.sources.fetch import FetchSettings
    from dyad.sources.watch import Watcher, WatchSettings

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).parent / "web"
LAND = Path(__file__).parents[1] / "data" / "world" / "land-110m.json"
DEFAULT_MAX_REQUEST_BYTES = 2_000_000
MAX_ARTICLES_PER_REQUEST = 100
MAX_PAGE = 1000
RETRY_AFTER_SECONDS = 2
MAX_WRONG_TOKENS = 5  # per client address and window, then 429 until the window moves on
WRONG_TOKEN_WINDOW = 60.0
MAX_TRACKED_CLIENTS = 10_000
DEFAULT_MAX_IN_FLIGHT = 256  # requests under way at once; more get 503 (overload)
DEFAULT_CACHE_ENTRIES = 256  # distinct read answers kept until the next write
MAX_CACHED_BYTES = 256_000  # a larger answer is not kept (the cache stays under 64 MB)
WRITE_ATTEMPTS = 3
API_PREFIX = "/api/v1"

# The page, its scripts and the API docs load nothing from elsewhere.
_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
# Swagger UI sets inline styles on its own elements.
_DOCS_CSP = _CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


# -- the database owner -----------------------------------------------------------------


class _Database(Database):
    """`Database` over one cursor of the server's connection."""

    def __init__(self, store: Store) -> None:
        self.path = store.path
        self.store = store
        self.con = store.con


class _Owner:
    """The server's one connection to its database, open for the server's lifetime.

    Each reader gets a cursor (DuckDB's connection to the same database instance) and
    reads in one transaction: it sees the database as of its start and never waits for a
    writer, nor a writer for it. A `Store` opened on the same file elsewhere in this
    process (the feed watcher's) joins the same instance, with the same guarantees.
    """

    def __init__(self, path: Path, *, writable: bool, lock_timeout: float) -> None:
        self.path = path
        self.writable = writable
        self._store = Store(path, read_only=not writable, lock_timeout=lock_timeout)
        self._cursor_lock = threading.Lock()
        self._write_lock = threading.Lock()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        with self._cursor_lock:
            return self._store.con.cursor()

    @contextmanager
    def reading(self) -> Iterator[Database]:
        cursor = self._cursor()
        try:
            cursor.execute("BEGIN TRANSACTION")
            yield _Database(Store.on_connection(cursor, self.path, read_only=True))
        finally:
            cursor.close()

    def version(self) -> int:
        """A number every committed write changes: the count of stored articles (none is
        ever removed, and every write that changes events adds articles)."""
        cursor = self._cursor()
        try:
            return int(cursor.execute("SELECT count(*) FROM articles").fetchall()[0][0])
        finally:
            cursor.close()

    def write(self, results: Sequence[ArticleResult]) -> BatchReport:
        """Store a batch in one transaction; one batch of this server's at a time, tried
        again when the watcher's batch changed the same events meanwhile (DuckDB then
        aborts the later commit)."""
        with self._write_lock:
            for attempt in range(1, WRITE_ATTEMPTS + 1):
                store = Store.on_connection(self._cursor(), self.path)
                try:
                    return store.write_batch(results)
                except duckdb.TransactionException:
                    if attempt == WRITE_ATTEMPTS:
                        raise
                finally:
                    store.close()
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._store.close()


class _WrongTokens:
    """Wrong write tokens per client address: after ``limit`` of them within ``window``
    seconds the client is refused (429) until the oldest leaves the window, whatever
    token it sends, so a token cannot be guessed at speed."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, client: str) -> float:
        """Seconds this client must wait before trying a token again (0: it may)."""
        with self._lock:
            failures = self._recent(client)
            if len(failures) < self.limit:
                return 0.0
            return failures[0] + self.window - self.clock()

    def failed(self, client: str) -> None:
        with self._lock:
            self._recent(client)
            self._failures.setdefault(client, deque()).append(self.clock())
            if len(self._failures) > MAX_TRACKED_CLIENTS:  # forget the quietest first
                quietest = min(self._failures, key=lambda c: self._failures[c][-1])
                del self._failures[quietest]

    def _recent(self, client: str) -> deque[float]:
        failures = self._failures.get(client, deque())
        while failures and failures[0] <= self.clock() - self.window:
            failures.popleft()
        if not failures:
            self._failures.pop(client, None)
        return failures


class ArticleProcessor(Protocol):
    """What the writers need of a pipeline; called from several threads at once (posted
    articles and the watcher), as `dyad.pipeline.WorkerPool` may be."""

    def process(self, articles: Iterable[Article]) -> Iterable[ArticleResult | InputError]: ...


def _default_pipeline() -> ArticleProcessor:
    """The pipeline in a worker process: its work does not hold up the readers (GIL), and
    the requests of several writers queue there."""
    from dyad.pipeline import PipelineSettings, WorkerPool

    return WorkerPool(PipelineSettings(n_process=1))


class _SharedPipeline:
    """The server's one pipeline, built on first use."""

    def __init__(self, factory: Callable[[], ArticleProcessor]) -> None:
        self._factory = factory
        self._pipeline: ArticleProcessor | None = None
        self._lock = threading.Lock()

    def _built(self) -> ArticleProcessor:
        with self._lock:
            if self._pipeline is None:
                self._pipeline = self._factory()
            return self._pipeline

    def process(self, articles: Iterable[Article]) -> Iterator[ArticleResult | InputError]:
        yield from self._built().process(articles)

    def close(self) -> None:
        with self._lock:
            close = getattr(self._pipeline, "close", None)
            if close is not None:
                close()


class _Service:
    """What one app shares between requests: the database owner and the pipeline."""

    def __init__(
        self,
        owner: _Owner,
        write_token: str | None,
        pipeline: _SharedPipeline,
        wrong_tokens: _WrongTokens,
    ) -> None:
        self.owner = owner
        self.write_token = write_token
        self.pipeline = pipeline
        self.wrong_tokens = wrong_tokens

    def reading(self) -> AbstractContextManager[Database]:
        return self.owner.reading()

    def ingest(self, items: list[ArticleIn]) -> IngestOut:
        """Process the articles not stored yet, and store them in one transaction."""
        articles: list[Article] = []
        errors: list[str] = []
        for cleaned in clean_articles(_article_from(item) for item in items):
            if isinstance(cleaned, InputError):
                errors.append(str(cleaned))
            else:
                articles.append(cleaned)
        with self.owner.reading() as database:
            known = database.store.known_articles(a.article_id for a in articles)
        results: list[ArticleResult] = []
        for result in self.pipeline.process(a for a in articles if a.article_id not in known):
            if isinstance(result, InputError):
                errors.append(str(result))
            else:
                results.append(result)
        report = self.owner.write(results)
        return IngestOut(
            articles_added=report.articles_added,
            articles_skipped=report.articles_skipped + sum(a.article_id in known for a in articles),
            mentions_added=report.mentions_added,
            events_touched=report.events_touched,
            article_ids=[a.article_id for a in articles],
            errors=errors,
        )


def _article_from(item: ArticleIn) -> Article:
    return Article(
        article_id=article_id_for(item.text),
        text=item.text,
        published=item.published,
        published_from="override" if item.published else None,
        title=item.title,
        url=item.url,
        source=item.source,
        path=item.path or item.url,
    )


# -- request plumbing ------------------------------------------------------------------


class _Guard:
    """ASGI middleware: caps request bodies (413) and sets security headers."""

    def __init__(self, app: ASGIApp, max_bytes: int, max_in_flight: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_in_flight = max_in_flight
        self.in_flight = 0  # requests under way; one event loop, so no lock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.max_in_flight:
            await _busy(send)
            return
        self.in_flight += 1
        try:
            await self._guarded(scope, receive, send)
        finally:
            self.in_flight -= 1

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        csp = _DOCS_CSP if path == "/docs" else _CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                message = {**message, "headers": headers}
            await send(message)

        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(int(declared), send_with_headers)
            return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send_with_headers)
            return
        # Read the body up front (it is small by construction) so the cap also holds for
        # chunked uploads that declare no length.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(size, send_with_headers, at_least=True)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send_with_headers)

    async def _too_large(self, size: int, send: Send, *, at_least: bool = False) -> None:
        more = "more than " if at_least else ""
        response = JSONResponse(
            {
                "detail": f"request body is {more}{size} bytes; this server accepts at most"
                f" {self.max_bytes} bytes",
                "code": None,
                "hint": "send fewer or shorter articles per request",
                "errors": None,
            },
            status_code=413,
            headers={"connection": "close"},
        )
        await response({"type": "http"}, _no_receive, send)


class _AnswerCache:
    """ASGI middleware: keeps the rendered answers of ``GET /api/v1/...`` requests, by
    path, query and ``Accept`` header, until the database version moves on (every write
    moves it), so an answer is only ever served for the state it was computed on. The
    version is read before the request's own snapshot, and an answer computed while it
    moved is not kept."""

    def __init__(self, app: ASGIApp, owner: _Owner, max_entries: int) -> None:
        self.app = app
        self.owner = owner
        self.max_entries = max_entries
        self.version = -1
        self.entries: OrderedDict[tuple[bytes, ...], tuple[Message, bytes]] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not scope["path"].startswith(API_PREFIX + "/")
            or not self.max_entries
        ):
            await self.app(scope, receive, send)
            return
        version = self.owner.version()  # before the request's snapshot is taken
        if version != self.version:
            self.entries.clear()
            self.version = version
        accept = dict(scope["headers"]).get(b"accept", b"")
        key = (scope["path"].encode(), scope["query_string"], accept)
        if key in self.entries:
            self.entries.move_to_end(key)
            start, body = self.entries[key]
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        parts: list[Message] = []

        async def keep(message: Message) -> None:
            parts.append(message)
            await send(message)

        await self.app(scope, receive, keep)
        if parts and parts[0].get("status") == 200 and version == self.version:
            body = b"".join(m.get("body", b"") for m in parts[1:])
            if len(body) <= MAX_CACHED_BYTES:
                self.entries[key] = (parts[0], body)
            if len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)


async def _busy(send: Send) -> None:
    response = _error(
        503,
        "server busy: too many requests under way, retry",
        hint=f"retry in {RETRY_AFTER_SECONDS} seconds",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
    await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


def _error(status: int, detail: str, **extra: Any) -> JSONResponse:
    headers = extra.pop("headers", None)
    body = ErrorOut(detail=detail, **extra).model_dump()
    return JSONResponse(body, status_code=status, headers=headers)


_BRANCH_ERRORS = {"list_type", "model_type", "model_attributes_type", "dict_type"}


def _where(loc: Iterable[Any]) -> str:
    # Union bodies add the branch's type name ("ArticleIn", "list[ArticleIn]") to the path.
    parts = [str(p) for p in loc if not re.fullmatch(r"[A-Z]\w*|\w+\[.*\]", str(p))]
    if parts and parts[0] in ("query", "path", "header"):
        return f"{parts[0]} parameter {'.'.join(parts[1:])!r}"
    if parts and parts[0] == "body":
        return "body" + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in parts[1:])
    return ".".join(parts) or "request"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = list(exc.errors())
        # With a one-or-many body, only the errors of the branch the client chose count.
        specific = [p for p in problems if p.get("type") not in _BRANCH_ERRORS]
        problems = specific or problems
        first = problems[0] if problems else {}
        message = f"{_where(first.get('loc', ()))}: {first.get('msg', 'invalid value')}"
        if len(problems) > 1:
            message += f" (and {len(problems) - 1} more problems)"
        details = [
            {"where": _where(p.get("loc", ())), "message": p.get("msg", "")} for p in problems
        ]
        return _error(422, message, errors=details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail), headers=exc.headers)

    @app.exception_handler(StoreError)
    async def unavailable(request: Request, exc: StoreError) -> JSONResponse:
        return _error(503, str(exc), code=exc.code, hint=exc.hint)

    @app.exception_handler(UsageError)
    async def usage(request: Request, exc: UsageError) -> JSONResponse:
        return _error(400, str(exc), code=exc.code, hint=exc.hint)

    @app.exception_handler(DyadError)
    async def dyad_error(request: Request, exc: DyadError) -> JSONResponse:
        return _error(500, str(exc), code=exc.code, hint=exc.hint)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error(500, "internal error; the server log has the details")


# -- formats ---------------------------------------------------------------------------

Format = Literal["json", "csv"]
FormatQuery = Annotated[
    Format | None,
    Query(description="json or csv; without it, an `Accept: text/csv` header asks for CSV."),
]


def _wants_csv(request: Request, fmt: Format | None) -> bool:
    if fmt is not None:
        return fmt == "csv"
    for part in request.headers.get("accept", "").split(","):
        media = part.split(";", 1)[0].strip().lower()
        if media in ("application/json", "*/*", "application/*"):
            return False
        if media in ("text/csv", "text/*"):
            return True
    return False


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _csv(model: type[BaseModel], items: Sequence[BaseModel], name: str) -> Response:
    """Items as CSV, one column per field of ``model`` (nested values as JSON)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = list(model.model_fields)
    writer.writerow(columns)
    for item in items:
        row = jsonable_encoder(item)
        writer.writerow([_csv_cell(row.get(c)) for c in columns])
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="{name}.csv"'},
    )


def _list_response(
    request: Request,
    fmt: Format | None,
    page: BaseModel,
    items: Sequence[BaseModel],
    model: type[BaseModel],
    name: str,
) -> Any:
    """``page`` as JSON, or its ``items`` as CSV (columns: ``model``'s fields)."""
    if _wants_csv(request, fmt):
        return _csv(model, items, name)
    return page


def _csv_content(description: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "description": description,
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }


# -- query parameters ------------------------------------------------------------------

_Code = Annotated[str | None, Query(max_length=40)]


def filter_params(
    actor: Annotated[
        str | None, Query(max_length=40, description='Actor code or prefix, either side ("PAK").')
    ] = None,
    dyad: Annotated[
        str | None,
        Query(max_length=40, description='"USA-PAK" (either direction) or "USA>PAK" (directed).'),
    ] = None,
    source: _Code = None,
    target: _Code = None,
    sector: Annotated[
        str | None, Query(max_length=10, description="Sector code on either side (GOV, MIL).")
    ] = None,
    plover: Annotated[str | None, Query(max_length=40, description="PLOVER event type.")] = None,
    cameo: Annotated[str | None, Query(max_length=10, description="CAMEO code prefix.")] = None,
    quad_class: Annotated[int | None, Query(ge=1, le=4)] = None,
    status: Annotated[Literal[STATUSES] | None, Query()] = None,  # type: ignore[valid-type]
    date_from: Annotated[dt.date | None, Query(description="Earliest date (YYYY-MM-DD).")] = None,
    date_to: Annotated[dt.date | None, Query(description="Latest date (YYYY-MM-DD).")] = None,
    date_field: Annotated[
        Literal["event", "published"], Query(description="Which date the range applies to.")
    ] = "event",
    place: Annotated[
        str | None, Query(max_length=200, description="Place name or ISO3 country.")
    ] = None,
    text: Annotated[
        str | None, Query(max_length=200, description="Words in an evidence sentence.")
    ] = None,
) -> Filters:
    """The analysis layer's `Filters`, as query parameters."""
    return Filters(
        actor=actor or None,
        dyad=dyad or None,
        source=source or None,
        target=target or None,
        sector=sector or None,
        plover=plover or None,
        cameo=cameo or None,
        quad_class=quad_class,
        status=status,
        date_from=date_from,
        date_to=date_to,
        date_field=date_field,
        place=place or None,
        text=text or None,
    )


FiltersDep = Annotated[Filters, Depends(filter_params)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Page size (at most {MAX_PAGE}).")]
Offset = Annotated[int, Query(ge=0, le=10**9)]
_bearer = HTTPBearer(auto_error=False, description="The server's write token.")


# -- the app ---------------------------------------------------------------------------


def _api(service: _Service, max_request_bytes: int) -> APIRouter:
    errors: dict[int | str, dict[str, Any]] = {
        400: {"model": ErrorOut, "description": "A filter or option is malformed."},
        422: {"model": ErrorOut, "description": "A parameter or body fails validation."},
        503: {"model": ErrorOut, "description": "Server overloaded; see Retry-After."},
    }
    api = APIRouter(prefix=API_PREFIX, responses=errors)

    @api.get("/info", response_model=InfoOut)
    def info() -> InfoOut:
        """Server version and whether it accepts articles."""
        return InfoOut(
            version=__version__,
            writable=service.write_token is not None,
            max_request_bytes=max_request_bytes,
            max_articles_per_request=MAX_ARTICLES_PER_REQUEST,
        )

    @api.get("/stats", response_model=StatsOut)
    def stats() -> StatsOut:
        """Row counts, publication span, outlets, near-duplicate articles and the link
        settings the database keeps."""
        with service.reading() as database:
            return StatsOut(**database.stats())

    @api.get("/events", response_model=EventPage, responses=_csv_content("A page of events."))
    def events(
        request: Request,
        filters: FiltersDep,
        order: Annotated[Literal[tuple(EVENT_ORDER)], Query()] = "date",  # type: ignore[valid-type]
        descending: bool = True,
        limit: Limit = 50,
        offset: Offset = 0,
        format: FormatQuery = None,
    ) -> Any:
        """Linked events, filtered, sorted and paged, each with its earliest evidence."""
        with service.reading() as database:
            rows = database.events(
                filters,
                order=order,
                descending=descending,
                limit=limit,
                offset=offset,
                output="records",
                evidence=True,
            )
            total = database.count_events(filters)
        page = EventPage(
            total=total, limit=limit, offset=offset, items=[EventOut(**r) for r in rows]
        )
        return _list_response(request, format, page, page.items, EventOut, "events")

    not_found: dict[int | str, dict[str, Any]] = {
        404: {"model": ErrorOut, "description": "No such id."}
    }

    @api.get("/events/{event_id}", response_model=EventDetail, responses=not_found)
    def event(event_id: str) -> EventDetail:
        """One event with every mention: sentence, offsets, article and outlet."""
        if len(event_id) > 64:
            raise HTTPException(404, f"no event with id {event_id[:64]!r}…")
        with service.reading() as database:
            found = database.event(event_id)
        if found is None:
            raise HTTPException(404, f"no event with id {event_id!r}")
        if found["mentions"]:
            first = found["mentions"][0]
            found |= {
                "evidence": first["sentence"],
                "evidence_mention_id": first["mention_id"],
                "trigger": first["trigger"],
                "article_id": first["article_id"],
                "article_title": first["article_title"],
                "article_url": first["article_url"],
                "outlet": first.get("outlet"),
                "published": first["published"],
            }
        return EventDetail(**found)

    @api.get("/articles", response_model=ArticlePage, responses=_csv_content("Articles."))
    def articles(
        request: Request,
        published_from: dt.date | None = None,
        published_to: dt.date | None = None,
        source: Annotated[str | None, Query(max_length=200, description="Outlet.")] = None,
        limit: Limit = 50,
        offset: Offset = 0,
        format: FormatQuery = None,
    ) -> Any:
        """Stored articles, newest first, with how many event mentions each has."""
        with service.reading() as database:
            rows = database.articles(
                published_from=published_from,
                published_to=published_to,
                source=source or None,
                limit=limit,
                offset=offset,
                output="records",
            )
        page = ArticlePage(limit=limit, offset=offset, items=[ArticleOut(**r) for r in rows])
        return _list_response(request, format, page, page.items, ArticleOut, "articles")

    @api.get("/articles/{article_id}", response_model=ArticleDetail, responses=not_found)
    def article(article_id: str) -> ArticleDetail:
        """One article: cleaned text (all offsets refer to it) and its sentences."""
        if len(article_id) > 64:
            raise HTTPException(404, f"no article with id {article_id[:64]!r}…")
        with service.reading() as database:
            found = database.article(article_id)
        if found is None:
            raise HTTPException(404, f"no article with id {article_id!r}")
        return ArticleDetail(**found)

    @api.get("/actors", response_model=ActorPage, responses=_csv_content("Actors."))
    def actors(
        request: Request,
        actor: _Code = None,
        sector: Annotated[str | None, Query(max_length=10)] = None,
        date_from: Annotated[dt.date | None, Query(description="Published on or after.")] = None,
        date_to: Annotated[dt.date | None, Query(description="Published on or before.")] = None,
        limit: Limit = 100,
        format: FormatQuery = None,
    ) -> Any:
        """Coded actors with mention, article and event-mention counts."""
        filters = Filters(
            actor=actor or None, sector=sector or None, date_from=date_from, date_to=date_to
        )
        with service.reading() as database:
            rows = database.actors(filters, limit=limit, output="records")
        page = ActorPage(limit=limit, items=[ActorOut(**r) for r in rows])
        return _list_response(request, format, page, page.items, ActorOut, "actors")

    @api.get("/timeline", response_model=Timeline, responses=_csv_content("Timeline rows."))
    def timeline(
        request: Request,
        filters: FiltersDep,
        by: Literal["day", "week", "month", "year"] = "month",
        format: FormatQuery = None,
    ) -> Any:
        """Events per period and QuadClass (give ``dyad`` for a dyad's timeline)."""
        with service.reading() as database:
            rows = database.timeline(filters, by=by, output="records")
        page = Timeline(by=by, items=[TimelineRow(**r) for r in rows])
        return _list_response(request, format, page, page.items, TimelineRow, "timeline")

    @api.get("/upcoming", response_model=UpcomingPage, responses=_csv_content("Plans."))
    def upcoming(
        request: Request,
        filters: FiltersDep,
        today: Annotated[
            dt.date | None, Query(description="Default: the newest publication date stored.")
        ] = None,
        limit: Limit = 50,
        format: FormatQuery = None,
    ) -> Any:
        """Planned events whose dates have not passed, soonest first."""
        with service.reading() as database:
            today = today or database.last_published()
            rows = database.upcoming(filters, today=today, limit=limit, output="records")
        page = UpcomingPage(limit=limit, today=today, items=[EventOut(**r) for r in rows])
        return _list_response(request, format, page, page.items, EventOut, "upcoming")

    @api.get("/places", response_model=PlacePage, responses=_csv_content("Places."))
    def places(
        request: Request,
        filters: FiltersDep,
        limit: Limit = MAX_PAGE,
        format: FormatQuery = None,
    ) -> Any:
        """Where the matching events happen: places with coordinates and their event
        counts, most events first (the page's map)."""
        with service.reading() as database:
            rows = database.places(filters, output="records")
            total = database.count_events(filters)
        located = sum(r["events"] for r in rows)
        page = PlacePage(
            located=located,
            unlocated=total - located,
            items=[PlaceOut(**r) for r in rows[:limit]],
        )
        return _list_response(request, format, page, page.items, PlaceOut, "places")

    @api.post(
        "/articles",
        response_model=IngestOut,
        responses={
            401: {"model": ErrorOut, "description": "Missing or wrong token."},
            403: {"model": ErrorOut, "description": "The server is read-only."},
            429: {"model": ErrorOut, "description": "Too many wrong tokens; see Retry-After."},
            413: {"model": ErrorOut, "description": "Request body too large."},
        },
    )
    def post_articles(
        body: Annotated[
            ArticleIn | list[ArticleIn],
            Body(description=f"One article or a list of at most {MAX_ARTICLES_PER_REQUEST}."),
        ],
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> IngestOut:
        """Run the pipeline on posted articles and store them (needs the write token)."""
        client = request.client.host if request.client else "unknown"
        _check_token(service.write_token, credentials, service.wrong_tokens, client)
        items = body if isinstance(body, list) else [body]
        if not items:
            raise HTTPException(422, "body: give at least one article")
        if len(items) > MAX_ARTICLES_PER_REQUEST:
            raise HTTPException(
                413, f"{len(items)} articles; send at most {MAX_ARTICLES_PER_REQUEST} per request"
            )
        return service.ingest(items)

    return api


def _check_token(
    expected: str | None,
    credentials: HTTPAuthorizationCredentials | None,
    wrong_tokens: _WrongTokens,
    client: str,
) -> None:
    if expected is None:
        raise HTTPException(
            403,
            "this server is read-only; start `dyad serve` with --write-token"
            " (or DYAD_WRITE_TOKEN) to accept articles",
        )
    wait = wrong_tokens.wait(client)
    if wait > 0:
        seconds = math.ceil(wait)
        raise HTTPException(
            429,
            f"{wrong_tokens.limit} wrong tokens from {client} within {wrong_tokens.window:g}"
            f" seconds: try again in {seconds} seconds",
            headers={"Retry-After": str(seconds)},
        )
    given = credentials.credentials if credentials else ""
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        wrong_tokens.failed(client)
        raise HTTPException(
            401,
            "missing or wrong token: send `Authorization: Bearer <token>`",
            headers={"WWW-Authenticate": "Bearer"},
        )


def create_app(
    db: str | Path,
    *,
    write_token: str | None = None,
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
    cache_entries: int = DEFAULT_CACHE_ENTRIES,
    pipeline_factory: Callable[[], ArticleProcessor] = _default_pipeline,
    lock_timeout: float | None = None,
    max_wrong_tokens: int = MAX_WRONG_TOKENS,
    wrong_token_window: float = WRONG_TOKEN_WINDOW,
    watch: str | Path | Sequence[str] | None = None,
    watch_settings: WatchSettings | None = None,
    fetch_settings: FetchSettings | None = None,
) -> FastAPI:
    """The web app over database ``db``, which it opens now and holds until it shuts down
    (run it with lifespan events on, as `serve` does, or call ``app.state.close()``).

    Without ``write_token`` the API is read-only and the file is opened read-only (other
    processes may read it too, none may write it). With it, the app owns the file: ``POST
    /api/v1/articles`` accepts articles from clients that send it as a bearer token, and
    the database file is created if missing. ``pipeline_factory`` builds the pipeline on
    the first write (tests pass a light stand-in). Opening waits up to ``lock_timeout``
    seconds (default ``DYAD_LOCK_TIMEOUT`` or 10) while another process holds the file.
    More than ``max_in_flight`` requests at once get 503 with ``Retry-After``. The
    answers of the last ``cache_entries`` distinct reads are kept until the next write
    (0: none). A client address that sent ``max_wrong_tokens`` wrong tokens within
    ``wrong_token_window`` seconds gets 429 with ``Retry-After`` until the oldest of them
    is that old.

    With ``watch`` (feed URLs, or a feeds file), the app also polls those feeds while it
    runs (`dyad.sources.watch.Watcher`, in a thread), and owns the file for writing even without
    a token; the watcher's writes join the app's database instance.
    """
    path = Path(db)
    if write_token is not None and not write_token:
        raise UsageError("the write token must not be empty")
    writable = write_token is not None or watch is not None
    if not writable and not path.exists():
        raise StoreError(f"{path}: no such database", hint="run `dyad ingest` first, or give --db")
    wrong_tokens = _WrongTokens(max_wrong_tokens, wrong_token_window)
    owner = _Owner(path, writable=writable, lock_timeout=lock_timeout_setting(lock_timeout))
    pipeline = _SharedPipeline(pipeline_factory)
    watcher = None
    if watch is not None:
        from dyad.sources.watch import Watcher

        watcher = Watcher(
            watch,
            db=path,
            pipeline=pipeline,
            watch_settings=watch_settings,
            fetch_settings=fetch_settings,
        )

    def close() -> None:
        if watcher is not None:
            watcher.close()
        pipeline.close()
        owner.close()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        polling = None
        if watcher is not None:
            polling = threading.Thread(target=_poll, args=(watcher,), name="dyad-watch")
            polling.start()
        yield
        if watcher is not None and polling is not None:
            watcher.stop()
            polling.join()
        close()

    app = FastAPI(
        title="dyad",
        version=__version__,
        description="Political events from news articles: who did what to whom, when, "
        "where, and which sentence says so. See docs/api.md.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.close = close
    _install_error_handlers(app)
    service = _Service(owner, write_token, pipeline, wrong_tokens)
    app.include_router(_api(service, max_request_bytes))
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html")

    @app.get("/land.json", include_in_schema=False)
    def land() -> FileResponse:  # the map's land outline (Natural Earth 1:110m)
        return FileResponse(LAND, media_type="application/json")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse((WEB_DIR / "docs.html").read_text(encoding="utf-8"))

    app.add_middleware(_AnswerCache, owner=owner, max_entries=cache_entries)
    app.add_middleware(_Guard, max_bytes=max_request_bytes, max_in_flight=max_in_flight)
    return app


def _poll(watcher: Watcher) -> None:
    try:
        watcher.run()
    except Exception:
        log.exception("the feed watcher stopped; the server goes on without it")


def serve(
    db: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    write_token: str | None = None,
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
    cache_entries: int = DEFAULT_CACHE_ENTRIES,
    watch: str | Path | None = None,
    watch_settings: WatchSettings | None = None,
    fetch_settings: FetchSettings | None = None,
) -> None:
    """Run the app with uvicorn until interrupted (then the watcher, if any, stops after
    the article under way)."""
    import uvicorn

    app = create_app(
        db,
        write_token=write_token,
        max_request_bytes=max_request_bytes,
        cache_entries=cache_entries,
        watch=watch,
        watch_settings=watch_settings,
        fetch_settings=fetch_settings,
    )
    uvicorn.run(app, host=host, port=port, log_level="info", ws="none", lifespan="on")


__all__ = ["DEFAULT_MAX_REQUEST_BYTES", "ArticleProcessor", "create_app", "serve"]
