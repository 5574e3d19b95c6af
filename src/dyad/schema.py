"""The record schema, written once: every field of the exported mention and event records.

The export columns (`dyad.output.export`, `dyad.output.formats`), the Arrow/Parquet
schema, the REST API's models (`dyad.serve.server_models`) and the stored location
columns derive from these tables, and a test holds the database tables and
docs/export.md to them. Fields are only ever added, never renamed or removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: text, int (BIGINT when ``bigint``), float, date (ISO in JSON, date32 in Parquet),
#: texts (a list of strings), location (the nested place), history (status changes).
Kind = Literal["text", "int", "bigint", "float", "date", "texts", "location", "history"]


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a record: its name, kind, meaning, and whether it can be null."""

    name: str
    kind: Kind
    doc: str
    required: bool = False  # never null


def names(fields: tuple[Field, ...]) -> tuple[str, ...]:
    return tuple(f.name for f in fields)


#: A gazetteer place as exported (``location``); CSV and Parquet flatten it into
#: ``location_name``, ``location_country`` and so on.
LOCATION: tuple[Field, ...] = (
    Field("name", "text", "the place's name", required=True),
    Field("country", "text", "ISO 3166 alpha-3 country"),
    Field("admin1", "text", "GeoNames first-level division code"),
    Field("lat", "float", "latitude"),
    Field("lon", "float", "longitude"),
    Field("geonames_id", "bigint", "GeoNames id"),
)
#: What the database keeps of a place besides: the words that gave it, and how.
LOCATION_STORED: tuple[Field, ...] = (
    *LOCATION,
    Field("text", "text", "the words that gave the place"),
    Field("how", "text", "sentence, dateline, here, visit or context"),
)

# Fields both records have, written once.
_ACTORS = (
    Field("source", "text", "source actor code: ISO 3166 alpha-3 country, then sector (USA GOV)"),
    Field("target", "text", "target actor code"),
    Field("source_name", "text", "the source actor as a canonical name"),
    Field("target_name", "text", "the target actor as a canonical name"),
)
_TYPE = (
    Field("plover", "text", "PLOVER event type", required=True),
    Field("cameo", "text", "CAMEO event code", required=True),
    Field("goldstein", "float", "CAMEO Goldstein score (-10 to +10)"),
    Field("quad_class", "int", "QuadClass 1-4"),
)
_DATES = (
    Field("date", "date", "the event's first day"),
    Field("date_end", "date", "the event's last day"),
    Field("date_precision", "text", "day, week, month or year"),
)
_MODE = Field("mode", "text", "PLOVER mode")
_CONTEXT = Field("context", "texts", "PLOVER context labels", required=True)
_PLACE = Field("location", "location", "where the event happened")
_CONFIDENCE = Field("confidence", "float", "0-1, how directly the parse supports the coding")
_PATH = Field("article_path", "text", "the file as ingested")
_URL = Field("article_url", "text", "the article's address")
_TITLE = Field("article_title", "text", "the article's title")
_PUBLISHED = Field("published", "date", "the article's publication date")

#: The event-mention export record (DESIGN.md, "The event export"; docs/export.md).
MENTION: tuple[Field, ...] = (
    Field("mention_id", "text", "this mention (16 hex digits)", required=True),
    Field("event_id", "text", "the linked real-world event, the same across articles"),
    Field("article_id", "text", "hash of the article's normalised cleaned text", required=True),
    *(_PATH, _URL, _TITLE, _PUBLISHED),
    Field("sentence_index", "int", "the evidence sentence's index", required=True),
    Field("sentence", "text", "the evidence sentence", required=True),
    Field("start_char", "int", "sentence start in the article text", required=True),
    Field("end_char", "int", "sentence end in the article text", required=True),
    Field("trigger", "text", "the words that carry the event", required=True),
    Field("trigger_start", "int", "trigger start in the article text", required=True),
    Field("trigger_end", "int", "trigger end in the article text", required=True),
    *_ACTORS,
    *_TYPE,
    *(_MODE, _CONTEXT),
    Field("status", "text", "occurred, ongoing, planned, negated or hypothetical", required=True),
    *_DATES,
    Field("date_text", "text", "the words that gave the date"),
    *(_PLACE, _CONFIDENCE),
)

#: The outlet (the article's source) the API and ``Database.event`` add to a mention.
OUTLET = Field("outlet", "text", "the outlet that published the article")

#: The event-level export record: one linked event with the evidence of its earliest
#: mention (docs/analysis.md, "Event records").
EVENT: tuple[Field, ...] = (
    Field("event_id", "text", "the linked event (16 hex digits)", required=True),
    *_ACTORS,
    *_TYPE,
    Field("status", "text", "the event's status now", required=True),
    *_DATES,
    _PLACE,
    Field("first_seen", "date", "publication date of the first report"),
    Field("last_seen", "date", "publication date of the last report"),
    Field("num_mentions", "int", "mentions linked to the event", required=True),
    Field("num_sources", "int", "outlets that reported it", required=True),
    Field("num_articles", "int", "articles that reported it", required=True),
    _CONFIDENCE,
    Field("status_history", "history", "status changes, oldest first", required=True),
    # the evidence: the event's earliest mention
    *(_MODE, _CONTEXT),
    Field("trigger", "text", "the words that carry the event"),
    Field("evidence", "text", "sentence of the earliest mention"),
    Field("evidence_mention_id", "text", "the earliest mention"),
    Field("article_id", "text", "the earliest mention's article"),
    *(_PATH, _URL, _TITLE, OUTLET, _PUBLISHED),
)
