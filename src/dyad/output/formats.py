"""Export formats: the event and mention records as JSON Lines, JSON, CSV and Parquet,
and shaped like the two datasets analysts already have tools for: GDELT 2.0's event table
(61 tab-separated columns) and PLOVER/POLECAT JSON.

The functions here take plain records (``Database.mentions()`` export records, or
``Database.events(evidence=True, output="records")`` rows) and know nothing of the
database, so the CLI, the web server and a user's script all write the same files.
docs/analysis.md documents every mapping and every gap.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dyad import __version__
from dyad.codebooks import geonames
from dyad.errors import UsageError
from dyad.output.export import LOCATION_FIELDS, iso_date, location_of, shaped, status_changes
from dyad.schema import EVENT, LOCATION, MENTION, Field, names

# -- GDELT 2.0 event table ------------------------------------------------------------

_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
_ACTOR = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)

GDELT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *(f"Actor1{c}" for c in _ACTOR),
    *(f"Actor2{c}" for c in _ACTOR),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(f"Actor1Geo_{c}" for c in _GEO),
    *(f"Actor2Geo_{c}" for c in _GEO),
    *(f"ActionGeo_{c}" for c in _GEO),
    "DATEADDED",
    "SOURCEURL",
)

# A mention in one of an article's first sentences counts as "in the lead", GDELT's
# IsRootEvent (it uses the first paragraph, which dyad does not keep).
LEAD_SENTENCES = 3

# GDELT's ActionGeo_Type values.
GEO_COUNTRY, GEO_US_STATE, GEO_US_CITY, GEO_WORLD_CITY, GEO_WORLD_STATE = 1, 2, 3, 4, 5


def global_event_id(event_id: str) -> int:
    """A stable positive integer for an event id (the first 60 bits of its SHA-256), so
    the GDELT-shaped export keeps GDELT's integer key and the same event keeps its number
    across exports and databases."""
    return int(hashlib.sha256(event_id.encode("utf-8")).hexdigest()[:15], 16)


def _as_date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _as_datetime(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def _clean(value: object) -> str:
    """A TSV cell: None is empty; tabs and line breaks inside values become spaces."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return " ".join(str(value).split()) if any(c in str(value) for c in "\t\r\n") else str(value)


@cache
def _country_table() -> Mapping[str, Mapping[str, Any]]:
    """ISO 3166 alpha-3 -> geonames country record (with its FIPS 10-4 code)."""
    countries = geonames.countries()
    return MappingProxyType({c["iso3"]: c for c in countries.values()})


@cache
def _us_state_codes() -> Mapping[str, str]:
    states = geonames.us_states()
    return MappingProxyType({s["name"].casefold(): code for code, s in states.items()})


def fips_country(iso3: str | None) -> str | None:
    """The FIPS 10-4 country code GDELT's geography fields use, from ISO 3166 alpha-3."""
    if not iso3:
        return None
    record = _country_table().get(iso3.upper())
    return record.get("fips") or None if record else None


def iso2_country(iso3: str | None) -> str | None:
    if not iso3:
        return None
    record = _country_table().get(iso3.upper())
    return record["iso"] if record else None


def split_actor(code: str | None) -> tuple[str | None, str | None, str | None]:
    """'USA GOV' -> ('USA', None, 'GOV'); 'IGO UNO' -> (None, 'UNO', 'IGO'):
    (country, known group, type)."""
    if not code:
        return None, None, None
    parts = code.split()
    if parts[0] == "IGO":
        return None, (parts[1] if len(parts) > 1 else None), "IGO"
    return parts[0], None, (parts[1] if len(parts) > 1 else None)


def _actor_cells(code: str | None, name: str | None) -> list[str]:
    country, group, kind = split_actor(code)
    run_together = "".join(code.split()) if code else None
    return [
        _clean(run_together),
        _clean(name.upper() if name else None),
        _clean(country),
        _clean(group),
        "",  # EthnicCode: not coded
        "",  # Religion1Code
        "",  # Religion2Code
        _clean(kind),
        "",  # Type2Code
        "",  # Type3Code
    ]


def _geo_type(row: Mapping[str, Any]) -> int:
    country = row.get("location_country")
    name = (row.get("location_name") or "").casefold()
    admin1 = row.get("location_admin1")
    record = _country_table().get((country or "").upper())
    if record and (
        row.get("location_geonames_id") == record.get("geonameid")
        or (admin1 is None and name == str(record.get("name", "")).casefold())
    ):
        return GEO_COUNTRY
    is_us = country == "USA"
    if admin1 is not None and name == str(admin1).casefold():
        return GEO_US_STATE if is_us else GEO_WORLD_STATE
    return GEO_US_CITY if is_us else GEO_WORLD_CITY


def _adm1_code(row: Mapping[str, Any], fips: str | None) -> str | None:
    """GDELT's ADM1Code: FIPS country code, then the first-order division's code."""
    admin1 = row.get("location_admin1")
    if not fips or not admin1:
        return fips
    if row.get("location_country") == "USA":
        state = _us_state_codes().get(str(admin1).casefold())
        return f"US{state}" if state else fips
    _, dot, code = str(admin1).partition(".")
    return f"{fips}{code}" if dot and code else fips


def _action_geo(row: Mapping[str, Any]) -> list[str]:
    if row.get("location_name") is None:
        return ["0", *([""] * (len(_GEO) - 1))]
    fips = fips_country(row.get("location_country"))
    kind = _geo_type(row)
    adm1 = fips if kind == GEO_COUNTRY else _adm1_code(row, fips)
    feature: object = row.get("location_geonames_id")
    if kind == GEO_COUNTRY:
        feature = fips
    elif kind in (GEO_US_STATE, GEO_WORLD_STATE):
        feature = adm1
    return [
        str(kind),
        _clean(row.get("location_name")),
        _clean(fips),
        _clean(adm1),
        "",  # ADM2Code: not resolved
        _clean(row.get("location_lat")),
        _clean(row.get("location_lon")),
        _clean(feature),
    ]


def gdelt_row(event: Mapping[str, Any]) -> list[str]:
    """The 61 GDELT 2.0 event-table cells for one event row with evidence
    (``Database.events(evidence=True, output="records")``)."""
    when = _as_date(event.get("date")) or _as_date(event.get("first_seen"))
    if when:
        days = (date(when.year + 1, 1, 1) - date(when.year, 1, 1)).days
        fraction = f"{when.year + (when.timetuple().tm_yday - 1) / days:.4f}"
        date_cells = [
            when.strftime("%Y%m%d"),
            when.strftime("%Y%m"),
            str(when.year),
            fraction,
        ]
    else:
        date_cells = ["", "", "", ""]
    cameo = str(event.get("cameo") or "")
    lead = event.get("lead_sentence")
    added = _as_datetime(event.get("ingested_at"))
    cells = [
        str(global_event_id(str(event["event_id"]))),
        *date_cells,
        *_actor_cells(event.get("source"), event.get("source_name")),
        *_actor_cells(event.get("target"), event.get("target_name")),
        "1" if lead is not None and lead < LEAD_SENTENCES else "0",
        cameo,
        cameo[:3],
        cameo[:2],
        _clean(event.get("quad_class")),
        _clean(float(event["goldstein"]) if event.get("goldstein") is not None else None),
        _clean(event.get("num_mentions")),
        _clean(event.get("num_sources")),
        _clean(event.get("num_articles")),
        "",  # AvgTone: dyad does not score tone
        "0",
        *([""] * (len(_GEO) - 1)),  # Actor1Geo: actors are not geolocated
        "0",
        *([""] * (len(_GEO) - 1)),  # Actor2Geo
        *_action_geo(event),
        added.strftime("%Y%m%d%H%M%S") if added else "",
        _clean(event.get("article_url") or event.get("article_path")),
    ]
    assert len(cells) == len(GDELT_COLUMNS)
    return cells


def write_gdelt(
    events: Iterable[Mapping[str, Any]], stream: IO[str], *, header: bool = False
) -> int:
    """Write events as GDELT 2.0 event-table lines (no header line unless asked)."""
    n = 0
    if header:
        stream.write("\t".join(GDELT_COLUMNS) + "\n")
    for event in events:
        stream.write("\t".join(gdelt_row(event)) + "\n")
        n += 1
    return n


# -- PLOVER / POLECAT JSON ----------------------------------------------------------


def _plover_actor(code: str | None, name: str | None, text: str | None) -> list[dict[str, Any]]:
    if not code and not name:
        return []
    parts = (code or "").split()
    return [
        {
            "code": parts[0] if parts else None,
            "sector": " ".join(parts[1:]) or None,
            "actor_text": text or None,
            "identifier_text": name or None,
        }
    ]


def _plover_location(loc: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not loc or loc.get("name") is None:
        return None
    return {
        "geonameid": loc.get("geonames_id"),
        "name": loc.get("name"),
        "latitude": loc.get("lat"),
        "longitude": loc.get("lon"),
        "country code": iso2_country(loc.get("country")),
        "cc3": loc.get("country"),
        "admin1 code": loc.get("admin1"),
    }


def plover_event(event: Mapping[str, Any]) -> dict[str, Any]:
    """One PLOVER JSON record for one linked event (row with evidence)."""
    added = _as_datetime(event.get("ingested_at"))
    return {
        "id": event["event_id"],
        "date": iso_date(event.get("date")),
        "enddate": iso_date(event.get("date_end")),
        "source": _plover_actor(
            event.get("source"), event.get("source_name"), event.get("source_text")
        ),
        "recipient": _plover_actor(
            event.get("target"), event.get("target_name"), event.get("target_text")
        ),
        "event": [event["plover"]],
        "mode": event.get("mode"),
        "context": list(event.get("context") or ()),
        "quad_code": event.get("quad_class"),
        "event_scale": event.get("goldstein"),
        "event_loc": _plover_location(location_of(event)),
        "event_text": [event["trigger"]] if event.get("trigger") else [],
        "text": event.get("evidence"),
        "text_info": {
            "sequence": event.get("evidence_sentence_index"),
            "start": event.get("evidence_start"),
            "end": event.get("evidence_end"),
        },
        "cite_info": {
            "citation": event.get("article_id"),
            "url": event.get("article_url"),
            "title": event.get("article_title"),
            "language": event.get("language"),
            "publication": event.get("outlet"),
            "coder": f"dyad {__version__}",
        },
        "coder": f"dyad {__version__}",
        "coded_date": added.date().isoformat() if added else None,
        # dyad's own fields (PLOVER allows providers to add named fields)
        "story_date": iso_date(event.get("published")),
        "cameo": event.get("cameo"),
        "status": event.get("status"),
        "date_precision": event.get("date_precision"),
        "num_mentions": event.get("num_mentions"),
        "num_sources": event.get("num_sources"),
        "num_articles": event.get("num_articles"),
        "confidence": event.get("confidence"),
    }


def plover_mention(record: Mapping[str, Any]) -> dict[str, Any]:
    """One PLOVER JSON record for one event mention (an export record); ``link`` is the
    linked event it belongs to."""
    return {
        "id": record["mention_id"],
        "date": record.get("date"),
        "enddate": record.get("date_end"),
        "source": _plover_actor(record.get("source"), record.get("source_name"), None),
        "recipient": _plover_actor(record.get("target"), record.get("target_name"), None),
        "event": [record["plover"]],
        "mode": record.get("mode"),
        "context": list(record.get("context") or ()),
        "quad_code": record.get("quad_class"),
        "event_scale": record.get("goldstein"),
        "event_loc": _plover_location(record.get("location")),
        "event_text": [record["trigger"]] if record.get("trigger") else [],
        "link": record.get("event_id"),
        "text": record.get("sentence"),
        "text_info": {
            "sequence": record.get("sentence_index"),
            "start": record.get("start_char"),
            "end": record.get("end_char"),
        },
        "cite_info": {
            "citation": record.get("article_path") or record.get("article_id"),
            "url": record.get("article_url"),
            "title": record.get("article_title"),
            "coder": f"dyad {__version__}",
        },
        "coder": f"dyad {__version__}",
        "story_date": record.get("published"),
        "cameo": record.get("cameo"),
        "status": record.get("status"),
        "date_precision": record.get("date_precision"),
        "date_text": record.get("date_text"),
        "confidence": record.get("confidence"),
    }


# -- event records and tabular writers ------------------------------------------------

EVENT_FIELDS = names(EVENT)


def event_record(event: Mapping[str, Any]) -> dict[str, Any]:
    """The event-level export object (one per linked event) from a row with evidence."""
    return shaped(EVENT, event)


def flatten(record: Mapping[str, Any]) -> dict[str, Any]:
    """A flat row for CSV and Parquet: ``location`` becomes ``location_*`` columns,
    lists are joined with ``;`` (status history as ``date:status``)."""
    row: dict[str, Any] = {}
    for key, value in record.items():
        if key == "location":
            loc = value or {}
            for f in LOCATION_FIELDS:
                row[f"location_{f}"] = loc.get(f)
        elif key == "status_history":
            changes = status_changes(value)
            row[key] = ";".join(f"{c['published']}:{c['status']}" for c in changes) or None
        elif isinstance(value, list | tuple):
            row[key] = ";".join(str(v) for v in value) or None
        else:
            row[key] = value
    return row


def write_jsonl(records: Iterable[Mapping[str, Any]], stream: IO[str]) -> int:
    n = 0
    for record in records:
        stream.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        n += 1
    return n


def write_json(records: Iterable[Mapping[str, Any]], stream: IO[str]) -> int:
    """One JSON array (for tools that cannot read JSON Lines)."""
    items = list(records)
    json.dump(items, stream, ensure_ascii=False, default=str, indent=1)
    stream.write("\n")
    return len(items)


def write_csv(
    records: Iterable[Mapping[str, Any]], stream: IO[str], *, fields: Sequence[str] = ()
) -> int:
    """CSV with a header line; nested values flattened (see `flatten`)."""
    rows = (flatten(r) for r in records)
    first = next(rows, None)
    columns = list(flatten(dict.fromkeys(fields)).keys()) if fields else []
    if first is not None and not columns:
        columns = list(first)
    if not columns:
        return 0
    writer = csv.DictWriter(stream, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in _chain(first, rows):
        writer.writerow(row)
        n += 1
    return n


def _chain(
    first: dict[str, Any] | None, rest: Iterator[dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    if first is not None:
        yield first
    yield from rest


#: The Arrow type of each kind of field, as CSV and Parquet flatten it.
_ARROW_TYPES: dict[str, pa.DataType] = {
    "text": pa.string(),
    "int": pa.int64(),
    "bigint": pa.int64(),
    "float": pa.float64(),
    "date": pa.date32(),
    "texts": pa.string(),
    "history": pa.string(),
}
#: Every field of either record, by name.
_KNOWN = {f.name: f for f in (*MENTION, *EVENT)}


def arrow_schema(fields: Sequence[Field]) -> pa.Schema:
    """The flat Arrow schema of records of these fields: a place as its ``location_*``
    columns, lists and the status history joined into strings, dates as date32."""
    columns: list[pa.Field] = []
    for f in fields:
        if f.kind == "location":
            columns += [pa.field(f"location_{g.name}", _ARROW_TYPES[g.kind]) for g in LOCATION]
        else:
            columns.append(pa.field(f.name, _ARROW_TYPES[f.kind]))
    return pa.schema(columns)


def to_arrow(records: Iterable[Mapping[str, Any]], *, fields: Sequence[str] = ()) -> pa.Table:
    """Flattened records as an Arrow table: the records' fields (``fields``, else the
    first record's keys) typed by the schema, even when a column holds only nulls."""
    rows = [flatten(r) for r in records]
    columns = (
        list(flatten(dict.fromkeys(fields)).keys()) if fields else list(rows[0] if rows else [])
    )
    table = pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows])
    typed = arrow_schema([_KNOWN[name] for name in (fields or columns) if name in _KNOWN])
    for column in typed:
        if column.name in table.column_names:
            i = table.column_names.index(column.name)
            table = table.set_column(i, column, _as_type(table[column.name], column.type))
    return table


def _as_type(values: pa.ChunkedArray, to: pa.DataType) -> pa.ChunkedArray:
    if pa.types.is_date32(to) and pa.types.is_string(values.type):
        return pc.cast(pc.strptime(values, format="%Y-%m-%d", unit="s"), to)
    return values.cast(to)


def write_parquet(
    records: Iterable[Mapping[str, Any]], path: str | Path, *, fields: Sequence[str] = ()
) -> int:
    table = to_arrow(records, fields=fields)
    pq.write_table(table, str(path))
    return table.num_rows


FORMATS = ("jsonl", "json", "csv", "parquet", "gdelt", "plover")


def check_format(fmt: str, level: str) -> None:
    """Raise a UsageError for an unknown format or level, or GDELT at mention level."""
    if fmt not in FORMATS:
        raise UsageError(f"format {fmt!r}: choose {', '.join(FORMATS)}")
    if level not in ("mention", "event"):
        raise UsageError(f"level {level!r}: choose mention or event")
    if fmt == "gdelt" and level == "mention":
        raise UsageError(
            "GDELT's event table has one row per event: use --level event with --format gdelt"
        )


__all__ = [
    "EVENT_FIELDS",
    "FORMATS",
    "GDELT_COLUMNS",
    "check_format",
    "event_record",
    "flatten",
    "gdelt_row",
    "global_event_id",
    "plover_event",
    "plover_mention",
    "to_arrow",
    "write_csv",
    "write_gdelt",
    "write_json",
    "write_jsonl",
    "write_parquet",
]
