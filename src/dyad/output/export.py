"""The event-mention export record (DESIGN.md, "The event export").

One flat row per event mention is what the database stores; `export_record` turns such a
row (joined with its article) into the documented JSON object. `dyad extract` (no
database) and `dyad export` (from the database) both go through `export_record`, so the
two can never drift apart.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from dyad.records import ActorMention, Article, EventMention, Location
from dyad.schema import LOCATION, LOCATION_STORED, MENTION, Field, names

EXPORT_FIELDS = names(MENTION)
LOCATION_FIELDS = names(LOCATION)


def _actor_columns(prefix: str, actor: ActorMention | None) -> dict[str, Any]:
    if actor is None:
        return {
            prefix: None,
            f"{prefix}_name": None,
            f"{prefix}_country": None,
            f"{prefix}_sector": None,
            f"{prefix}_text": None,
            f"{prefix}_start": None,
            f"{prefix}_end": None,
            f"{prefix}_resolved_by": None,
        }
    return {
        prefix: actor.code,
        f"{prefix}_name": actor.name,
        f"{prefix}_country": actor.country,
        f"{prefix}_sector": actor.sector,
        f"{prefix}_text": actor.text,
        f"{prefix}_start": actor.start,
        f"{prefix}_end": actor.end,
        f"{prefix}_resolved_by": actor.resolved_by,
    }


def flatten_mention(mention: EventMention) -> dict[str, Any]:
    """The flat row stored in ``event_mentions`` for one mention."""
    row: dict[str, Any] = {
        "mention_id": mention.mention_id,
        "event_id": mention.event_id,
        "article_id": mention.article_id,
        "sentence_index": mention.sentence_index,
        "sentence": mention.sentence,
        "start_char": mention.start_char,
        "end_char": mention.end_char,
        "trigger": mention.trigger,
        "trigger_start": mention.trigger_start,
        "trigger_end": mention.trigger_end,
    }
    row |= _actor_columns("source", mention.source)
    row |= _actor_columns("target", mention.target)
    row |= {
        "plover": mention.plover,
        "cameo": mention.cameo,
        "goldstein": mention.goldstein,
        "quad_class": mention.quad_class,
        "mode": mention.mode,
        "context": list(mention.context),
        "status": mention.status,
        "tense": mention.tense,
        "date": mention.date,
        "date_end": mention.date_end,
        "date_precision": mention.date_precision,
        "date_text": mention.date_text,
        **location_columns(mention.location),
        "confidence": mention.confidence,
        "additional": mention.additional,
    }
    return row


def location_columns(location: Location | None) -> dict[str, Any]:
    """A place as the ``location_*`` columns of a stored mention or event row."""
    return {
        f"location_{f.name}": getattr(location, f.name) if location else None
        for f in LOCATION_STORED
    }


def iso_date(value: object) -> str | None:
    """A date field's JSON value: ``YYYY-MM-DD`` from a date, datetime or ISO string."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            return None
    return None


def location_of(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """The exported place of a flat row, from its ``location_*`` columns, or None."""
    if row.get("location_name") is None:
        return None
    return {f: row.get(f"location_{f}") for f in LOCATION_FIELDS}


def status_changes(history: Any) -> list[dict[str, Any]]:
    """An event's status history in its one public shape, from the stored JSON or pairs:
    ``[{"published": "2024-02-20", "status": "planned"}, …]``, oldest first."""
    if isinstance(history, str):
        history = json.loads(history or "[]")
    return [
        dict(c) if isinstance(c, Mapping) else {"published": c[0], "status": c[1]}
        for c in history or ()
    ]


def shaped(fields: tuple[Field, ...], row: Mapping[str, Any]) -> dict[str, Any]:
    """A record of these schema fields from a flat row: the place nested from its
    ``location_*`` columns, dates as ISO strings, lists as lists, the status history as
    its changes."""
    record: dict[str, Any] = {}
    for f in fields:
        value = row.get(f.name)
        if f.kind == "location":
            value = location_of(row)
        elif f.kind == "date":
            value = iso_date(value)
        elif f.kind == "texts":
            value = list(value or ())
        elif f.kind == "history":
            value = status_changes(value)
        record[f.name] = value
    return record


#: The mention fields that come from its article's row (``path``, ``url``, …).
_FROM_ARTICLE = {
    "article_path": "path",
    "article_url": "url",
    "article_title": "title",
    "published": "published",
}


def export_record(row: dict[str, Any], article: dict[str, Any]) -> dict[str, Any]:
    """The documented export object from a flat mention row and its article's fields
    (``path``, ``url``, ``title``, ``published``)."""
    return shaped(MENTION, row | {k: article.get(v) for k, v in _FROM_ARTICLE.items()})


def article_fields(article: Article) -> dict[str, Any]:
    return {
        "path": article.path,
        "url": article.url,
        "title": article.title,
        "published": article.published,
    }


def mention_record(mention: EventMention, article: Article) -> dict[str, Any]:
    """Export object straight from records (used without a database)."""
    return export_record(flatten_mention(mention), article_fields(article))
