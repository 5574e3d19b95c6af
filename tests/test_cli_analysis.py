"""The query commands: events, timeline, upcoming, show, actors, export, report."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import dyad
from analysis_data import build_db
from dyad.output.formats import GDELT_COLUMNS
from dyad.serve.cli import _FILTER_OPTIONS, app

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return str(build_db(tmp_path_factory.mktemp("cli") / "c.duckdb"))


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def jsonl(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ([], 5),
        (["--dyad", "USA-PAK"], 2),
        (["--dyad", "USA>PAK"], 1),
        (["--actor", "IND"], 1),
        (["--source", "IGO"], 1),
        (["--target", "USA GOV"], 2),
        (["--sector", "CVL"], 1),
        (["--type", "accuse"], 2),
        (["--cameo", "11"], 2),
        (["--quad", "2"], 1),
        (["--status", "planned"], 1),
        (["--from", "2024-02-13", "--to", "2024-02-28"], 2),
        (["--date-field", "published", "--from", "2024-02-20"], 2),
        (["--place", "PAK"], 2),
        (["--place", "boston"], 1),
        (["--text", "flood"], 1),
        (["--text", "_"], 0),
        (["--actor", "%"], 0),
        (["--place", "%"], 0),
    ],
)
def test_events_filters(db, options, expected):
    rows = jsonl(run("events", "--db", db, "-f", "jsonl", *options))
    assert len(rows) == expected


def test_every_query_command_shares_the_filter_options():
    for command in ("events", "timeline", "upcoming", "export", "report"):
        help_text = run(command, "--help").stdout
        for option in ("--dyad", "--type", "--quad", "--from", "--date-field", "--text"):
            assert option in help_text, (command, option)
    assert len(_FILTER_OPTIONS) == 14


def test_events_table_and_paging(db):
    result = run("events", "--db", db, "--limit", "2", "--order", "date", "--asc")
    assert result.exit_code == 0
    assert "2 of 5 events" in result.stdout
    assert "2024-02-12" in result.stdout and "2024-03-01/03-31" not in result.stdout


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_events_text_formats(db, fmt):
    result = run("events", "--db", db, "-f", fmt, "--dyad", "USA-PAK")
    assert result.exit_code == 0
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
    elif fmt == "json":
        rows = json.loads(result.stdout)
    else:
        rows = jsonl(result)
    assert len(rows) == 2
    assert {r["source"] for r in rows} == {"USA GOV", "PAK GOV"}


def test_events_parquet_needs_a_file(db, tmp_path):
    result = run("events", "--db", db, "-f", "parquet")
    assert result.exit_code == 2
    assert "needs --output" in result.output
    path = tmp_path / "e.parquet"
    assert run("events", "--db", db, "-f", "parquet", "-o", str(path)).exit_code == 0
    assert pq.read_table(path).num_rows == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["events", "--from", "2024-02-30"], "--from"),
        (["events", "--dyad", "USA PAK"], "dyad"),
        (["events", "--date-field", "ingested"], "--date-field"),
        (["events", "--order", "size"], "order"),
        (["events", "-f", "xml"], "--format"),
        (["timeline", "--by", "fortnight"], "fortnight"),
        (["export", "-f", "gdelt", "--level", "mention"], "one row per event"),
        (["show", "nope"], "no event"),
        (["events", "--status", "planed"], "status 'planed' is not one of occurred, ongoing"),
        (["events", "--type", "FOO"], "plover type 'FOO' is not one of AGREE, CONSULT"),
        (["timeline", "--cameo", "%"], "cameo '%'"),
        (["export", "--from", "2024-05-01", "--to", "2024-03-01"], "start is after the end"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(db, args, message):
    result = run(*args, "--db", db)
    assert result.exit_code == 2
    assert message in result.output
    assert result.output.splitlines()[0].startswith("error [D500] ")


def test_missing_database_is_an_error(tmp_path):
    result = run("events", "--db", str(tmp_path / "none.duckdb"))
    assert result.exit_code == 1
    assert "no such database" in result.output
    assert result.output.startswith("error [D300] ") and len(result.output.splitlines()) == 2


def test_timeline(db):
    rows = jsonl(run("timeline", "--db", db, "--dyad", "USA-PAK", "--by", "month", "-f", "jsonl"))
    assert [(r["period"], r["quad_class"], r["events"]) for r in rows] == [
        ("2024-02-01", 1, 1),
        ("2024-03-01", 1, 1),
    ]
    table = run("timeline", "--db", db, "--by", "week")
    assert table.exit_code == 0 and "2024-02-12" in table.stdout


def test_upcoming(db):
    rows = jsonl(run("upcoming", "--db", db, "-f", "jsonl"))
    assert [(r["plover"], r["date"], r["date_end"]) for r in rows] == [
        ("CONSULT", "2024-03-01", "2024-03-31")
    ]
    assert rows[0]["evidence"] == "Pakistan and the US will resume their dialogue in March."
    assert jsonl(run("upcoming", "--db", db, "-f", "jsonl", "--today", "2024-04-01")) == []
    assert jsonl(run("upcoming", "--db", db, "-f", "jsonl", "--dyad", "IND-PAK")) == []
    with dyad.open(db) as database:
        newest = database.last_published()
    table = " ".join(run("upcoming", "--db", db).stdout.split())
    assert f"as of {newest}, the newest publication date stored" in table
    table = " ".join(run("upcoming", "--db", db, "--today", "2024-04-01").stdout.split())
    assert "as of 2024-04-01" in table and "newest" not in table


def test_show(db):
    (event,) = jsonl(run("events", "--db", db, "-f", "jsonl", "--place", "Islamabad"))
    result = run("show", event["event_id"], "--db", db)
    assert result.exit_code == 0
    assert "US and Pakistani envoys held talks in Islamabad on Monday." in result.stdout
    assert "Capital Wire" in result.stdout and "2024-02-14" in result.stdout
    detail = json.loads(run("show", event["event_id"], "--db", db, "--json").stdout)
    assert detail["mentions"][0]["outlet"] == "Capital Wire"


def test_status_history_has_one_shape_everywhere(db):
    from dyad.serve.server_models import EventOut

    (event,) = jsonl(run("events", "--db", db, "-f", "jsonl", "--place", "Islamabad"))
    (as_json,) = json.loads(run("events", "--db", db, "-f", "json", "--place", "Islamabad").stdout)
    shown = json.loads(run("show", event["event_id"], "--db", db, "--json").stdout)
    (exported,) = jsonl(run("export", "--db", db, "--level", "event", "--place", "Islamabad"))
    expected = [{"published": "2024-02-14", "status": "occurred"}]
    assert event["status_history"] == as_json["status_history"] == expected
    assert shown["status_history"] == exported["status_history"] == expected
    api = EventOut(**{**shown, "evidence": None}).model_dump(mode="json")["status_history"]
    assert api == expected


def test_show_does_not_interpret_markup(db):
    (event,) = jsonl(run("events", "--db", db, "-f", "jsonl", "--text", "shelling"))
    result = run("show", event["event_id"], "--db", db)
    assert "<b>border</b>" in result.stdout


def test_actors(db):
    rows = jsonl(run("actors", "--db", db, "-f", "jsonl"))
    top = rows[0]
    assert (top["code"], top["mentions"], top["articles"]) in {
        ("PAK GOV", 3, 2),
        ("USA GOV", 3, 2),
    }
    only = jsonl(run("actors", "--db", db, "-f", "jsonl", "--actor", "IGO"))
    assert [(r["code"], r["name"]) for r in only] == [("IGO UNO", "United Nations")]
    assert "--dyad" not in run("actors", "--help").stdout


def test_export_mentions_default_and_filters(db):
    rows = jsonl(run("export", "--db", db))
    assert len(rows) == 5 and "mention_id" in rows[0] and "sentence" in rows[0]
    assert len(jsonl(run("export", "--db", db, "--dyad", "PAK-IND"))) == 1


def test_export_events_csv(db, tmp_path):
    path = tmp_path / "events.csv"
    assert (
        run("export", "--db", db, "-f", "csv", "--level", "event", "-o", str(path)).exit_code == 0
    )
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(rows) == 5 and rows[0]["event_id"] and "location_name" in rows[0]


def test_export_gdelt(db):
    result = run("export", "--db", db, "-f", "gdelt")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    assert all(len(line.split("\t")) == 61 for line in lines)
    with_header = run("export", "--db", db, "-f", "gdelt", "--header").stdout.splitlines()
    assert with_header[0].split("\t") == list(GDELT_COLUMNS)


def test_export_plover_event_and_mention_levels(db):
    events = jsonl(run("export", "--db", db, "-f", "plover"))
    assert len(events) == 5 and all("link" not in e for e in events)
    mentions = jsonl(run("export", "--db", db, "-f", "plover", "--level", "mention"))
    assert {m["link"] for m in mentions} == {e["id"] for e in events}


def test_export_parquet_mentions(db, tmp_path):
    path = tmp_path / "m.parquet"
    assert run("export", "--db", db, "-f", "parquet", "-o", str(path)).exit_code == 0
    table = pq.read_table(path)
    assert table.num_rows == 5 and "location_name" in table.column_names


def test_report_command(db, tmp_path):
    path = tmp_path / "r.html"
    result = run("report", "--db", db, "--dyad", "USA-PAK", "-o", str(path))
    assert result.exit_code == 0
    page = path.read_text(encoding="utf-8")
    assert "dyad USA-PAK" in page and "vegaEmbed" in page


def test_docs_cover_every_command_and_option():
    import typer.main

    from conftest import SAMPLE

    docs = (SAMPLE.parents[3] / "docs" / "cli.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert f"## dyad {name}" in docs, name
        for param in command.params:
            for flag in param.opts:
                if flag.startswith("--") and flag != "--help":
                    assert f"`{flag}" in docs or f"{flag} " in docs or f"[{flag}" in docs, (
                        name,
                        flag,
                    )
