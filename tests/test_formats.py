"""Export formats: GDELT-shaped TSV, PLOVER JSON, and CSV/Parquet/JSON round trips."""

from __future__ import annotations

import csv
import io
import json
import re

import pyarrow.parquet as pq
import pytest

import dyad
from analysis_data import build_db
from dyad.errors import UsageError
from dyad.output.formats import (
    EVENT_FIELDS,
    GDELT_COLUMNS,
    check_format,
    event_record,
    flatten,
    gdelt_row,
    global_event_id,
    plover_event,
    plover_mention,
    to_arrow,
    write_csv,
    write_gdelt,
    write_json,
    write_jsonl,
    write_parquet,
)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_db(tmp_path_factory.mktemp("formats") / "f.duckdb")


@pytest.fixture(scope="module")
def events(db):
    with dyad.open(db) as database:
        return database.events(evidence=True, output="records")


@pytest.fixture(scope="module")
def mentions(db):
    with dyad.open(db) as database:
        return database.mentions()


def _by_type(events, plover, status="occurred"):
    return next(e for e in events if e["plover"] == plover and e["status"] == status)


def _gdelt(events):
    buffer = io.StringIO()
    write_gdelt(events, buffer)
    lines = buffer.getvalue().splitlines()
    return [dict(zip(GDELT_COLUMNS, line.split("\t"), strict=True)) for line in lines], lines


def test_gdelt_columns_are_the_61_of_gdelt_2_in_order():
    assert len(GDELT_COLUMNS) == 61
    assert GDELT_COLUMNS[:5] == ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate")
    assert GDELT_COLUMNS[5:8] == ("Actor1Code", "Actor1Name", "Actor1CountryCode")
    assert GDELT_COLUMNS[25:35] == (
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
    )
    assert GDELT_COLUMNS[35] == "Actor1Geo_Type" and GDELT_COLUMNS[51] == "ActionGeo_Type"
    assert GDELT_COLUMNS[-2:] == ("DATEADDED", "SOURCEURL")


def test_gdelt_lines_have_61_tab_separated_cells_and_no_header(events):
    rows, lines = _gdelt(events)
    assert len(lines) == len(events) == 5
    assert all(line.count("\t") == 60 for line in lines)
    assert not lines[0].startswith("GLOBALEVENTID")
    for row in rows:
        assert re.fullmatch(r"\d{8}", row["SQLDATE"])
        assert row["MonthYear"] == row["SQLDATE"][:6] and row["Year"] == row["SQLDATE"][:4]
        assert re.fullmatch(r"\d{4}\.\d{4}", row["FractionDate"])
        assert re.fullmatch(r"\d{14}", row["DATEADDED"])
        assert row["AvgTone"] == ""
        assert row["GLOBALEVENTID"].isdigit()


def test_gdelt_header_only_when_asked(events):
    buffer = io.StringIO()
    write_gdelt(events[:1], buffer, header=True)
    header, line = buffer.getvalue().splitlines()
    assert header.split("\t") == list(GDELT_COLUMNS)
    assert len(line.split("\t")) == 61


def test_gdelt_event_fields(events):
    talks = _by_type(events, "CONSULT")
    row = dict(zip(GDELT_COLUMNS, gdelt_row(talks), strict=True))
    assert row["GLOBALEVENTID"] == str(global_event_id(talks["event_id"]))
    assert row["SQLDATE"] == "20240212"
    assert row["FractionDate"] == "2024.1148"  # day 43 of 366
    assert (row["Actor1Code"], row["Actor1CountryCode"], row["Actor1Type1Code"]) == (
        "USAGOV",
        "USA",
        "GOV",
    )
    assert row["Actor1Name"] == "UNITED STATES"
    assert (row["Actor2Code"], row["Actor2CountryCode"]) == ("PAKGOV", "PAK")
    assert (row["EventCode"], row["EventBaseCode"], row["EventRootCode"]) == ("040", "040", "04")
    assert (row["QuadClass"], row["GoldsteinScale"], row["NumMentions"]) == ("1", "1", "1")
    assert row["IsRootEvent"] == "1"
    assert row["Actor1Geo_Type"] == "0" and row["Actor1Geo_FullName"] == ""
    # ActionGeo: a world city, FIPS country code (Pakistan is PK in both), admin1 appended
    assert row["ActionGeo_Type"] == "4"
    assert row["ActionGeo_FullName"] == "Islamabad"
    assert row["ActionGeo_CountryCode"] == "PK"
    assert row["ActionGeo_ADM1Code"] == "PK08"
    assert (row["ActionGeo_Lat"], row["ActionGeo_Long"]) == ("33.72", "73.04")
    assert row["ActionGeo_FeatureID"] == "1176615"
    assert row["DATEADDED"] == "20240215083005"
    assert row["SOURCEURL"] == "https://news.example/first"


def test_gdelt_igo_actor_undated_event_country_geo_and_us_city(events):
    rows, _ = _gdelt(events)
    aid = next(r for r in rows if r["EventRootCode"] == "07")
    assert (aid["Actor1Code"], aid["Actor1CountryCode"], aid["Actor1KnownGroupCode"]) == (
        "IGOUNO",
        "",
        "UNO",
    )
    assert aid["Actor1Type1Code"] == "IGO"
    assert aid["SQLDATE"] == "20240214"  # undated: first_seen, the publication date
    assert (aid["ActionGeo_Type"], aid["ActionGeo_FeatureID"]) == ("1", "PK")
    assert aid["IsRootEvent"] == "1"
    protest = next(r for r in rows if r["EventCode"] == "111")
    assert protest["ActionGeo_Type"] == "3"
    assert protest["ActionGeo_CountryCode"] == "US"
    assert protest["ActionGeo_ADM1Code"] == "USMA"
    assert protest["SOURCEURL"] == "second.txt"  # no URL: the ingested file


def test_gdelt_cells_never_hold_tabs_or_newlines(events):
    event = dict(events[0], source_name="A\tB\nC")
    row = gdelt_row(event)
    assert len(row) == 61
    assert all("\t" not in cell and "\n" not in cell for cell in row)
    assert row[6] == "A B C"


def test_global_event_id_is_stable_and_distinct():
    assert global_event_id("abc") == global_event_id("abc")
    assert global_event_id("abc") != global_event_id("abd")
    assert 0 < global_event_id("abc") < 2**60


def test_plover_event_fields(events):
    record = plover_event(_by_type(events, "CONSULT"))
    assert record["id"] == _by_type(events, "CONSULT")["event_id"]
    assert record["date"] == "2024-02-12"
    assert record["event"] == ["CONSULT"]
    assert record["source"] == [
        {
            "code": "USA",
            "sector": "GOV",
            "actor_text": "United States",
            "identifier_text": "United States",
        }
    ]
    assert record["recipient"][0]["code"] == "PAK"
    assert record["quad_code"] == 1 and record["event_scale"] == 1.0
    assert record["event_loc"]["name"] == "Islamabad"
    assert record["event_loc"]["country code"] == "PK"
    assert record["event_loc"]["cc3"] == "PAK"
    assert record["text"].startswith("US and Pakistani envoys")
    assert record["text_info"] == {"sequence": 0, "start": 0, "end": 58}
    assert record["cite_info"]["publication"] == "Capital Wire"
    assert record["story_date"] == "2024-02-14"
    assert record["status"] == "occurred"
    json.dumps(record)  # serialisable as is


def test_plover_planned_event_keeps_status_and_range(events):
    record = plover_event(_by_type(events, "CONSULT", "planned"))
    assert (record["date"], record["enddate"]) == ("2024-03-01", "2024-03-31")
    assert record["status"] == "planned" and record["date_precision"] == "month"
    assert record["event_loc"] is None


def test_plover_mention_links_to_its_event(mentions):
    record = plover_mention(mentions[0])
    assert record["id"] == mentions[0]["mention_id"]
    assert record["link"] == mentions[0]["event_id"]
    assert record["text"] == mentions[0]["sentence"]
    assert record["cite_info"]["citation"] == mentions[0]["article_path"]


def test_event_record_fields(events):
    record = event_record(_by_type(events, "AID"))
    assert tuple(record) == EVENT_FIELDS
    assert record["date"] is None and record["first_seen"] == "2024-02-14"
    assert record["location"]["name"] == "Pakistan"
    assert record["status_history"] == [{"published": "2024-02-14", "status": "occurred"}]
    assert record["evidence"] == "The UN sent aid to flood victims in Pakistan."


def test_flatten_nested_values(mentions):
    row = flatten(dict(mentions[0], context=["a", "b"]))
    assert row["context"] == "a;b"
    assert row["location_name"] == "Islamabad"
    assert "location" not in row


def test_csv_round_trip(mentions):
    buffer = io.StringIO()
    assert write_csv(mentions, buffer) == len(mentions)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert len(rows) == len(mentions)
    for row, record in zip(rows, mentions, strict=True):
        flat = flatten(record)
        assert list(row) == list(flat)
        assert row == {k: "" if v is None else str(v) for k, v in flat.items()}


def test_csv_of_nothing_with_fields_writes_a_header():
    buffer = io.StringIO()
    assert write_csv([], buffer, fields=("event_id", "location")) == 0
    assert buffer.getvalue().strip().split(",")[:2] == ["event_id", "location_name"]


def test_parquet_round_trip_keeps_types(tmp_path, events):
    records = [event_record(e) for e in events]
    path = tmp_path / "events.parquet"
    assert write_parquet(records, path) == len(records)
    table = pq.read_table(path)
    assert str(table.schema.field("date").type) == "date32[day]"
    assert str(table.schema.field("goldstein").type) == "double"
    back = table.to_pylist()
    for row, record in zip(back, records, strict=True):
        flat = flatten(record)
        assert set(row) == set(flat)
        for key, value in flat.items():
            got = row[key]
            assert (got.isoformat() if hasattr(got, "isoformat") else got) == value, key


def test_to_arrow_of_mentions_has_date_columns(mentions):
    table = to_arrow(mentions)
    assert table.num_rows == len(mentions)
    assert str(table.schema.field("published").type) == "date32[day]"


def test_json_and_jsonl(events):
    records = [event_record(e) for e in events]
    lines, array = io.StringIO(), io.StringIO()
    assert write_jsonl(records, lines) == 5
    write_json(records, array)
    assert [json.loads(line) for line in lines.getvalue().splitlines()] == records
    assert json.loads(array.getvalue()) == records


@pytest.mark.parametrize(
    ("fmt", "level", "message"),
    [("xml", "event", "format"), ("csv", "story", "level"), ("gdelt", "mention", "one row")],
)
def test_check_format_rejects(fmt, level, message):
    with pytest.raises(UsageError, match=message):
        check_format(fmt, level)
