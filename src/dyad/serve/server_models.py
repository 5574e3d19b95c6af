"""The request and response models of the REST API: its documented, stable keys.

docs/api.md lists every key (a test checks that); add keys, never rename them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dyad.output.formats import status_changes


class ErrorOut(BaseModel):
    """Every 4xx/5xx body: a one-line message, the dyad error code and a hint if any."""

    detail: str
    code: str | None = None
    hint: str | None = None
    errors: list[dict[str, Any]] | None = None


class StatusChange(BaseModel):
    published: str | None
    status: str


class EventOut(BaseModel):
    """One linked event, with the evidence of its earliest mention."""

    event_id: str
    source: str | None
    target: str | None
    source_name: str | None
    target_name: str | None
    plover: str
    cameo: str
    goldstein: float | None
    quad_class: int | None
    status: str
    date: dt.date | None
    date_end: dt.date | None
    date_precision: str | None
    location_name: str | None
    location_country: str | None
    location_admin1: str | None
    location_lat: float | None
    location_lon: float | None
    first_seen: dt.date | None
    last_seen: dt.date | None
    num_mentions: int
    num_sources: int
    num_articles: int
    confidence: float | None
    status_history: list[StatusChange]
    evidence: str | None = Field(None, description="Sentence of the earliest mention.")
    evidence_mention_id: str | None = None
    trigger: str | None = None
    article_id: str | None = None
    article_title: str | None = None
    article_url: str | None = None
    outlet: str | None = None
    published: dt.date | None = None

    @field_validator("status_history", mode="before")
    @classmethod
    def _history(cls, value: Any) -> list[dict[str, Any]]:
        return status_changes(value)


class EventPage(BaseModel):
    total: int = Field(description="Events matching the filters, over all pages.")
    limit: int
    offset: int
    items: list[EventOut]


class LocationOut(BaseModel):
    name: str
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None


class MentionOut(BaseModel):
    """One event mention: the export record of docs/export.md plus its outlet."""

    mention_id: str
    event_id: str | None
    article_id: str
    article_path: str | None
    article_url: str | None
    article_title: str | None
    published: str | None
    outlet: str | None = None
    sentence_index: int
    sentence: str
    start_char: int = Field(description="Sentence start in the article text.")
    end_char: int
    trigger: str
    trigger_start: int = Field(description="Trigger start in the article text.")
    trigger_end: int
    source: str | None
    target: str | None
    source_name: str | None
    target_name: str | None
    plover: str
    cameo: str
    goldstein: float | None
    quad_class: int | None
    mode: str | None
    context: list[str]
    status: str
    date: str | None
    date_end: str | None
    date_precision: str | None
    date_text: str | None
    location: LocationOut | None
    confidence: float | None


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
