"""The record schema is written once: exports, Parquet, the API models and the tables agree."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pytest

from dyad.output.export import EXPORT_FIELDS, mention_record
from dyad.output.formats import arrow_schema, to_arrow
from dyad.records import ActorMention, Article, EventMention, article_id_for
from dyad.schema import EVENT, LOCATION, LOCATION_STORED, MENTION, names
from dyad.serve.server_models import EventOut, MentionOut
from dyad.store.store import Store

DOCS = Path(__file__).resolve().parents[1] / "docs"

#: The DuckDB type of each kind of field the tables store flat.
DUCKDB = {
    "text": "VARCHAR",
    "int": "INTEGER",
    "bigint": "BIGINT",
    "float": "DOUBLE",
    "date": "DATE",
    "texts": "VARCHAR[]",
    "history": "JSON",
}


def _mention(**changes: object) -> tuple[EventMention, Article]:
    text = "Kenya and Ethiopia held talks in Nairobi on Monday."
    article = Article(article_id=article_id_for(text), text=text, path="talks.txt")
    kenya = ActorMention(0, 5, 0, "Kenya", "KEN", "GOV", "Kenya")
    fields: dict[str, object] = {
        "mention_id": "m1",
        "article_id": article.article_id,
        "sentence_index": 0,
        "sentence": text,
        "start_char": 0,
        "end_char": len(text),
        "trigger": "held talks",
        "trigger_start": 19,
        "trigger_end": 29,
        "source": kenya,
        "target": None,
        "plover": "CONSULT",
        "cameo": "040",
        "goldstein": 1.0,
        "quad_class": 1,
    }
    return EventMention(**(fields | changes)), article  # type: ignore[arg-type]


def test_export_records_have_the_schema_s_fields_in_order() -> None:
    mention, article = _mention()
    record = mention_record(mention, article)
    assert tuple(record) == names(MENTION)
    assert record["context"] == [] and record["location"] is None
    assert record["article_path"] == "talks.txt"


def test_the_export_docs_list_every_field_of_the_schema() -> None:
    table = (DOCS / "export.md").read_text(encoding="utf-8").split("| field |", 1)[1]
    documented = set(re.findall(r"`(\w+)`", table.split("\n\n", 1)[0]))
    assert set(names(MENTION)) <= documented
    place = re.search(r"`\{name, country \(ISO3\), admin1, lat, lon, geonames_id\}`", table)
    assert place and names(LOCATION) == ("name", "country", "admin1", "lat", "lon", "geonames_id")


def test_parquet_columns_have_the_schema_s_types_even_when_all_null() -> None:
    """A column of nulls only (no mention has a mode here) stays a text column, so
    files from different runs can be read as one dataset."""
    mention, article = _mention(date="2025-03-03")
    table = to_arrow([mention_record(mention, article)], fields=EXPORT_FIELDS)
    assert table.schema.field("mode").type == pa.string()
    assert table.schema.field("date_end").type == pa.date32()
    assert table.schema.field("location_geonames_id").type == pa.int64()
    assert table.schema.field("date").type == pa.date32()
    assert table.schema == arrow_schema(MENTION)


@pytest.mark.parametrize(("model", "fields"), [(MentionOut, MENTION), (EventOut, EVENT)])
def test_the_api_models_take_their_types_and_meanings_from_the_schema(model, fields) -> None:
    by_name = {f.name: f for f in fields}
    shared = [name for name in model.model_fields if name in by_name]
    assert len(shared) >= 25
    for name in shared:
        assert model.model_fields[name].description == by_name[name].doc
        assert model.model_fields[name].is_required() == by_name[name].required, name
    assert list(MentionOut.model_fields) == [*EXPORT_FIELDS[:7], "outlet", *EXPORT_FIELDS[7:]]


def test_the_tables_store_the_schema_s_fields_with_its_types(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        tables = {
            table: dict(
                store.con.execute(
                    f"SELECT column_name, column_type FROM (DESCRIBE {table})"
                ).fetchall()
            )
            for table in ("event_mentions", "events")
        }
    for table, fields in (("event_mentions", MENTION), ("events", EVENT)):
        columns = tables[table]
        stored = [f for f in fields if f.name in columns or f.kind == "location"]
        assert len(stored) >= 20, table
        for f in stored:
            if f.kind == "location":
                for g in LOCATION_STORED:
                    assert columns[f"location_{g.name}"] == DUCKDB[g.kind], (table, g.name)
            else:
                assert columns[f.name] == DUCKDB[f.kind], (table, f.name)
