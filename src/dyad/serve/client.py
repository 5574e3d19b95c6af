"""A client of a running `dyad serve`: articles read here, processed and stored there.

While a server owns a database (docs/serving.md), other processes cannot write the file;
they send their articles to the server's write API instead, which runs the pipeline and
stores them in its own short transactions, never shutting its readers out. The client
reads the inputs as a local ingest would, and sends them in requests within the limits
the server announces (``GET /api/v1/info``). When the server is overloaded (503) or the
connection breaks, it waits and sends the same request again: re-sending is harmless,
since stored articles are skipped.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpx

from dyad.errors import InputError, ServerError, UsageError
from dyad.records import Article

API_PREFIX = "/api/v1"
RETRIES = 8  # attempts per request while the server is overloaded or unreachable


class ServerClient:
    """The write API of one server, with its write token. Use as a context manager."""

    def __init__(
        self,
        url: str,
        token: str | None,
        *,
        timeout: float = 900.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise UsageError(f"server {url!r}: expected an http:// or https:// URL")
        if not token:
            raise UsageError(
                "writing through a server needs its write token: give --token or set"
                " DYAD_WRITE_TOKEN"
            )
        self.url = url.rstrip("/")
        self.http = httpx.Client(
            base_url=self.url + API_PREFIX,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            transport=transport,
        )
        info = self._send("GET", "/info", attempts=1)  # no server there: say so at once
        if not info.get("writable"):
            self.close()
            raise ServerError(
                f"{self.url}: the server is read-only",
                hint="start it with --write-token (or DYAD_WRITE_TOKEN)",
            )
        self.max_articles = int(info["max_articles_per_request"])
        self.max_bytes = int(info["max_request_bytes"])

    def __enter__(self) -> ServerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def batches(
        self, articles: Iterable[Article], errors: list[InputError], size: int
    ) -> Iterator[list[dict[str, Any]]]:
        """Request bodies of at most ``size`` articles and the server's byte limit; an
        article larger than that limit alone goes to ``errors``."""
        batch: list[dict[str, Any]] = []
        used = 2  # the brackets of the JSON list
        size = min(size, self.max_articles)
        for article in articles:
            body = article_body(article)
            length = len(json.dumps(body, ensure_ascii=False).encode()) + 1
            if length + 2 > self.max_bytes:
                errors.append(
                    InputError(
                        article.path or article.article_id,
                        f"{length} bytes, more than the server takes in one request"
                        f" ({self.max_bytes})",
                    )
                )
                continue
            if batch and (len(batch) >= size or used + length > self.max_bytes):
                yield batch
                batch, used = [], 2
            batch.append(body)
            used += length
        if batch:
            yield batch

    def post_articles(self, batch: list[dict[str, Any]]) -> dict[str, Any]:
        """Send one batch; the server's report (``IngestOut``)."""
        return self._send("POST", "/articles", json=batch)

    def _send(
        self, method: str, path: str, *, attempts: int = RETRIES, **kwargs: Any
    ) -> dict[str, Any]:
        pause = 1.0
        for attempt in range(1, attempts + 1):
            try:
                response = self.http.request(method, path, **kwargs)
            except httpx.TransportError as exc:
                if attempt == attempts:
                    raise ServerError(
                        f"{self.url}: cannot reach the server ({exc})",
                        hint="is `dyad serve` running there?",
                    ) from exc
            else:
                if response.status_code != 503 or attempt == attempts:
                    return _answer(self.url, response)
                pause = float(response.headers.get("retry-after") or pause)
            time.sleep(pause)
            pause = min(pause * 2, 30.0)
        raise AssertionError("unreachable")


def article_body(article: Article) -> dict[str, Any]:
    """An article as the write API takes it: the text as read, before cleaning (the
    server cleans it, so its id is the one a local ingest gives)."""
    return {
        "text": article.original_text if article.original_text is not None else article.text,
        "title": article.title,
        "url": article.url,
        "published": article.published.isoformat() if article.published else None,
        "source": article.source,
        "path": article.path,
    }


def _answer(url: str, response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = {"detail": response.text[:200]}
    if response.is_success:
        return dict(body)
    detail = body.get("detail") if isinstance(body, dict) else None
    raise ServerError(
        f"{url}: HTTP {response.status_code}: {detail or response.reason_phrase}",
        hint=body.get("hint") if isinstance(body, dict) else None,
    )


__all__ = ["ServerClient", "article_body"]
