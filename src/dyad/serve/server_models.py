"""The request and response models of the REST API: its documented, stable keys.

docs/api.md lists every key (a test checks that); add keys, never rename them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from dyad import schema
from dyad.output.export import status_changes


class ErrorOut(BaseModel):
    """Every 4xx/5xx body: a one-line message, the dyad error code and a hint if any."""

    detail: str
    code: str | None = None
    hint: str | None = None
    errors: list[dict[str, Any]] | None = None


class StatusChange(BaseModel):
    published: str | None
    status: str


#: The Python type of each kind of field of the schema.
_TYPES: dict[str, Any] = {
    "text": str,
    "int": int,
    "bigint": int,
    "float": float,
    "date": dt.date,
    "texts": list[str],
    "history": list[StatusChange],
}


def _fields_model(name: str, fields: Sequence[schema.Field], base: type[BaseModel]) -> Any:
    """A model of these schema fields in this order, for a response model to derive
    from; a field that can be null may be left out (it is then null)."""
    definitions: dict[str, Any] = {
        f.name: (
            _TYPES[f.kind] if f.required else _TYPES[f.kind] | None,
            Field(... if f.required else None, description=f.doc),
        )
        for f in fields
    }
    return create_model(name, __base__=base, **definitions)


_LocationFields: Any = _fields_model("LocationFields", schema.LOCATION, BaseModel)


class LocationOut(_LocationFields):
    """A gazetteer place."""


_TYPES["location"] = LocationOut

#: The API's event, in the order it has always had: the export's event with its place
#: flat, and without the evidence's mode, context and file path.
EVENT_KEYS = (
    *("event_id", "source", "target", "source_name", "target_name", "plover", "cameo"),
    *("goldstein", "quad_class", "status", "date", "date_end", "date_precision"),
    *("location_name", "location_country", "location_admin1", "location_lat", "location_lon"),
    *("first_seen", "last_seen", "num_mentions", "num_sources", "num_articles", "confidence"),
    *("status_history", "evidence", "evidence_mention_id", "trigger", "article_id"),
    *("article_title", "article_url", "outlet", "published"),
)


def _event_fields() -> list[schema.Field]:
    flat_place = {
        f"location_{f.name}": replace(f, name=f"location_{f.name}", required=False)
        for f in schema.LOCATION
    }
    known = {f.name: f for f in schema.EVENT} | flat_place
    return [known[name] for name in EVENT_KEYS]


class _StatusHistory(BaseModel):
    @field_validator("status_history", mode="before", check_fields=False)
    @classmethod
    def _history(cls, value: Any) -> list[dict[str, Any]]:
        return status_changes(value)


_EventFields: Any = _fields_model("EventFields", _event_fields(), _StatusHistory)


class EventOut(_EventFields):
    """One linked event, with the evidence of its earliest mention."""


class EventPage(BaseModel):
    total: int = Field(description="Events matching the filters, over all pages.")
    limit: int
    offset: int
    items: list[EventOut]


def _mention_fields() -> list[schema.Field]:
    """The export record of docs/export.md with the outlet after ``published``."""
    at = schema.names(schema.MENTION).index("published") + 1
    return [*schema.MENTION[:at], schema.OUTLET, *schema.MENTION[at:]]


_MentionFields: Any = _fields_model("MentionFields", _mention_fields(), BaseModel)


class MentionOut(_MentionFields):
    """One event mention: the export record of docs/export.md plus its outlet."""


class EventDetail(EventOut):
    mentions: list[MentionOut]


class ArticleOut(BaseModel):
    article_id: str
    published: dt.date | None
    published_from: str | None
    source: str | None
    path: str | None
    url: str | None
    title: str | None
    duplicate_of: str | None
    mentions: int


class ArticlePage(BaseModel):
    limit: int
    offset: int
    items: list[ArticleOut]


class SentenceOut(BaseModel):
    sentence_index: int
    start_char: int
    end_char: int
    text: str


class ArticleDetail(BaseModel):
    article_id: str
    path: str | None
    url: str | None
    title: str | None
    source: str | None
    published: dt.date | None
    published_from: str | None
    language: str | None
    dateline: str | None
    text: str
    warnings: list[str]
    ingested_at: dt.datetime | None
    duplicate_of: str | None
    sentences: list[SentenceOut]

    @field_validator("warnings", mode="before")
    @classmethod
    def _warnings(cls, value: Any) -> list[str]:
        return list(value or [])


class ActorOut(BaseModel):
    code: str
    name: str | None
    mentions: int
    articles: int
    event_mentions: int


class ActorPage(BaseModel):
    limit: int
    items: list[ActorOut]


class TimelineRow(BaseModel):
    period: dt.date
    quad_class: int | None
    events: int
    mentions: int | None
    goldstein: float | None


class Timeline(BaseModel):
    by: str
    items: list[TimelineRow]


class UpcomingPage(BaseModel):
    limit: int
    today: dt.date | None = Field(
        description="The date plans must not have ended before: the `today` asked for, or"
        " the newest publication date stored."
    )
    items: list[EventOut]


class PlaceOut(BaseModel):
    location_name: str | None
    location_country: str | None
    location_lat: float
    location_lon: float
    events: int
    mentions: int


class PlacePage(BaseModel):
    located: int = Field(description="Matching events with a known place.")
    unlocated: int = Field(description="Matching events without coordinates (not on a map).")
    items: list[PlaceOut]


class StatsOut(BaseModel):
    articles: int
    sentences: int
    actor_mentions: int
    event_mentions: int
    events: int
    first_published: dt.date | None
    last_published: dt.date | None
    outlets: int
    near_duplicate_articles: int
    link_settings: str = Field(
        description="The link settings the database keeps: 'defaults', or the changed ones "
        "as NAME=VALUE separated by spaces."
    )


class InfoOut(BaseModel):
    version: str
    writable: bool = Field(description="Whether POST /api/v1/articles is enabled.")
    max_request_bytes: int
    max_articles_per_request: int


class ArticleIn(BaseModel):
    """One article to ingest. ``text`` is cleaned like a read file before processing."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)
    title: str | None = Field(None, max_length=1000)
    url: str | None = Field(None, max_length=2000)
    published: dt.date | None = None
    source: str | None = Field(None, max_length=200)
    path: str | None = Field(
        None, max_length=2000, description="The file it was read from (default: url)."
    )


class IngestOut(BaseModel):
    articles_added: int
    articles_skipped: int
    mentions_added: int
    events_touched: int
    article_ids: list[str]
    errors: list[str]


__all__ = [
    "ActorOut",
    "ActorPage",
    "ArticleDetail",
    "ArticleIn",
    "ArticleOut",
    "ArticlePage",
    "ErrorOut",
    "EventDetail",
    "EventOut",
    "EventPage",
    "InfoOut",
    "IngestOut",
    "LocationOut",
    "MentionOut",
    "PlaceOut",
    "PlacePage",
    "SentenceOut",
    "StatsOut",
    "StatusChange",
    "Timeline",
    "TimelineRow",
    "UpcomingPage",
]
