"""`dyad serve`: a REST API (``/api/v1``) and a web page over one event database.

Reads open the database read-only for the length of one request, so a `dyad ingest` in
another process can take the write lock between requests; while it holds the lock a
read gets 503 with ``Retry-After`` instead of failing. Writing (``POST /api/v1/articles``)
exists only when the server is started with a token: the pipeline is then loaded once,
on the first write, and results go through `Store`. Within this process a
readers-writer gate keeps read-only connections and the writing one apart (DuckDB
refuses to hold both on one file in one process).

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
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

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
from dyad.clean import clean
from dyad.errors import DyadError, InputError, StoreError, StoreLockedError, UsageError
from dyad.query import EVENT_ORDER, Database, Filters
from dyad.records import STATUSES, Article, ArticleResult, article_id_for
from dyad.server_models import (
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
from dyad.store import Store

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).parent / "web"
LAND = Path(__file__).parent / "data" / "world" / "land-110m.json"
DEFAULT_MAX_REQUEST_BYTES = 2_000_000
MAX_ARTICLES_PER_REQUEST = 100
MAX_PAGE = 1000
RETRY_AFTER_SECONDS = 2
READ_LOCK_TIMEOUT = 1.0  # an ingest batch commits in well under this; then 503
WRITE_LOCK_TIMEOUT = 10.0
MAX_WRONG_TOKENS = 5  # per client address and window, then 429 until the window moves on
WRONG_TOKEN_WINDOW = 60.0
MAX_TRACKED_CLIENTS = 10_000
API_PREFIX = "/api/v1"

# The page, its scripts and the API docs load nothing from elsewhere.
_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
# Swagger UI sets inline styles on its own elements.
_DOCS_CSP = _CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


# -- the database gate -----------------------------------------------------------------


class _ReadWriteGate:
    """Many readers or one writer; a waiting writer holds new readers back."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing and not self._writers_waiting)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            self._cond.wait_for(lambda: not self._writing and not self._readers)
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


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
    """What the write endpoint needs of a `dyad.pipeline.Pipeline`."""

    def process(self, articles: Iterable[Article]) -> Iterable[ArticleResult | InputError]: ...


def _default_pipeline() -> ArticleProcessor:
    from dyad.pipeline import Pipeline

    return Pipeline()


class _RequestDatabase(Database):
    """`Database` opened with the server's (short) wait for another process's lock."""

    def __init__(self, path: Path, lock_timeout: float) -> None:
        self.path = path
        self.store = Store(path, read_only=True, lock_timeout=lock_timeout)
        self.con = self.store.con


class _Service:
    """The state one app shares between requests: paths, the gate, the lazy pipeline."""

    def __init__(
        self,
        db: Path,
        write_token: str | None,
        pipeline_factory: Callable[[], ArticleProcessor],
        lock_timeout: float,
        wrong_tokens: _WrongTokens,
    ) -> None:
        self.db = db
        self.write_token = write_token
        self.wrong_tokens = wrong_tokens
        self.lock_timeout = lock_timeout
        self.gate = _ReadWriteGate()
        self._pipeline_factory = pipeline_factory
        self._pipeline: ArticleProcessor | None = None
        self._pipeline_lock = threading.Lock()

    @contextmanager
    def reading(self) -> Iterator[Database]:
        with self.gate.read(), _RequestDatabase(self.db, self.lock_timeout) as database:
            yield database

    def process(self, articles: list[Article]) -> tuple[list[ArticleResult], list[str]]:
        """Run the pipeline (built on first use; one request at a time, as spaCy's
        objects are not meant to be shared between threads)."""
        results: list[ArticleResult] = []
        errors: list[str] = []
        with self._pipeline_lock:
            if self._pipeline is None:
                self._pipeline = self._pipeline_factory()
            for result in self._pipeline.process(articles):
                if isinstance(result, InputError):
                    errors.append(str(result))
                else:
                    results.append(result)
        return results, errors

    def ingest(self, items: list[ArticleIn]) -> IngestOut:
        articles = [_article_from(item) for item in items]
        results, errors = self.process(articles)
        with self.gate.write(), Store(self.db, lock_timeout=WRITE_LOCK_TIMEOUT) as store:
            report = store.write_batch(results)
        return IngestOut(
            articles_added=report.articles_added,
            articles_skipped=report.articles_skipped,
            mentions_added=report.mentions_added,
            events_touched=report.events_touched,
            article_ids=[a.article_id for a in articles],
            errors=errors,
        )


def _article_from(item: ArticleIn) -> Article:
    article = Article(
        article_id=article_id_for(item.text),
        text=item.text,
        published=item.published,
        published_from="override" if item.published else None,
        title=item.title,
        url=item.url,
        source=item.source,
        path=item.url,
    )
    return clean(article)


# -- request plumbing ------------------------------------------------------------------


class _Guard:
    """ASGI middleware: caps request bodies (413) and sets security headers."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
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

    @app.exception_handler(StoreLockedError)
    async def busy(request: Request, exc: StoreLockedError) -> JSONResponse:
        return _error(
            503,
            "database busy (another process is writing it), retry",
            code=exc.code,
            hint=f"retry in {RETRY_AFTER_SECONDS} seconds",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

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
        503: {"model": ErrorOut, "description": "Database busy or missing; see Retry-After."},
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
    pipeline_factory: Callable[[], ArticleProcessor] = _default_pipeline,
    lock_timeout: float = READ_LOCK_TIMEOUT,
    max_wrong_tokens: int = MAX_WRONG_TOKENS,
    wrong_token_window: float = WRONG_TOKEN_WINDOW,
) -> FastAPI:
    """The web app over database ``db``.

    Without ``write_token`` the API is read-only. With it, ``POST /api/v1/articles``
    accepts articles from clients that send it as a bearer token; the database file is
    created if missing. ``pipeline_factory`` builds the pipeline on the first write
    (tests pass a light stand-in). A read waits up to ``lock_timeout`` seconds while
    another process writes the database, then answers 503 with ``Retry-After``. A client
    address that sent ``max_wrong_tokens`` wrong tokens within ``wrong_token_window``
    seconds gets 429 with ``Retry-After`` until the oldest of them is that old.
    """
    path = Path(db)
    if write_token is not None and not write_token:
        raise UsageError("the write token must not be empty")
    if write_token is not None and not path.exists():
        Store(path).close()
    elif not path.exists():
        raise StoreError(f"{path}: no such database", hint="run `dyad ingest` first, or give --db")
    wrong_tokens = _WrongTokens(max_wrong_tokens, wrong_token_window)
    service = _Service(path, write_token, pipeline_factory, lock_timeout, wrong_tokens)
    app = FastAPI(
        title="dyad",
        version=__version__,
        description="Political events from news articles: who did what to whom, when, "
        "where, and which sentence says so. See docs/api.md.",
        docs_url=None,
        redoc_url=None,
    )
    _install_error_handlers(app)
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

    app.add_middleware(_Guard, max_bytes=max_request_bytes)
    return app


def serve(
    db: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    write_token: str | None = None,
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
) -> None:
    """Run the app with uvicorn until interrupted."""
    import uvicorn

    app = create_app(db, write_token=write_token, max_request_bytes=max_request_bytes)
    uvicorn.run(app, host=host, port=port, log_level="info", ws="none", lifespan="off")


__all__ = ["DEFAULT_MAX_REQUEST_BYTES", "ArticleProcessor", "create_app", "serve"]
