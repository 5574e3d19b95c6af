"""The event-mention export record (DESIGN.md, "The event export").

One flat row per event mention is what the database stores; `export_record` turns such a
row (joined with its article) into the documented JSON object. `dyad extract` (no
database) and `dyad export` (from the database) both go through `export_record`, so the
two can never drift apart.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dyad.records import ActorMention, Article, EventMention

EXPORT_FIELDS = (
    "mention_id",
    "event_id",
    "article_id",
    "article_path",
    "article_url",
    "article_title",
    "published",
    "sentence_index",
    "sentence",
    "start_char",
    "end_char",
    "trigger",
    "trigger_start",
    "trigger_end",
    "source",
    "target",
    "source_name",
    "target_name",
    "plover",
    "cameo",
    "goldstein",
    "quad_class",
    "mode",
    "context",
    "status",
    "date",
    "date_end",
    "date_precision",
    "date_text",
    "location",
    "confidence",
)

LOCATION_FIELDS = ("name", "country", "admin1", "lat", "lon", "geonames_id")


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
    loc = mention.location
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
        "location_name": loc.name if loc else None,
        "location_country": loc.country if loc else None,
        "location_admin1": loc.admin1 if loc else None,
        "location_lat": loc.lat if loc else None,
        "location_lon": loc.lon if loc else None,
        "location_geonames_id": loc.geonames_id if loc else None,
        "location_text": loc.text if loc else None,
        "location_how": loc.how if loc else None,
        "confidence": mention.confidence,
        "additional": mention.additional,
    }
    return row


def _iso(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def export_record(row: dict[str, Any], article: dict[str, Any]) -> dict[str, Any]:
    """The documented export object from a flat mention row and its article's fields
    (``path``, ``url``, ``title``, ``published``)."""
    location = None
    if row.get("location_name") is not None:
        location = {f: row.get(f"location_{f}") for f in LOCATION_FIELDS}
    record = {
        "mention_id": row["mention_id"],
        "event_id": row.get("event_id"),
        "article_id": row["article_id"],
        "article_path": article.get("path"),
        "article_url": article.get("url"),
        "article_title": article.get("title"),
        "published": _iso(article.get("published")),
        "sentence_index": row["sentence_index"],
        "sentence": row["sentence"],
        "start_char": row["start_char"],
        "end_char": row["end_char"],
        "trigger": row["trigger"],
        "trigger_start": row["trigger_start"],
        "trigger_end": row["trigger_end"],
        "source": row.get("source"),
        "target": row.get("target"),
        "source_name": row.get("source_name"),
        "target_name": row.get("target_name"),
        "plover": row["plover"],
        "cameo": row["cameo"],
        "goldstein": row["goldstein"],
        "quad_class": row["quad_class"],
        "mode": row.get("mode"),
        "context": list(row.get("context") or ()),
        "status": row["status"],
        "date": _iso(row.get("date")),
        "date_end": _iso(row.get("date_end")),
        "date_precision": row.get("date_precision"),
        "date_text": row.get("date_text"),
        "location": location,
        "confidence": row["confidence"],
    }
    return record


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
