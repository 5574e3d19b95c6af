"""The dyad command: exit codes, one-line errors, data on stdout."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def run(*args: str, cwd=None, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("DYAD_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "dyad", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        input=stdin,
        env=env,
        timeout=300,
    )


def test_help_lists_the_commands():
    result = run("--help")
    assert result.returncode == 0
    for command in ("ingest", "extract", "articles", "stats", "demo", "export", "eval"):
        assert command in result.stdout


def test_ingest_then_query_then_export(tmp_path, sample_dir):
    db = str(tmp_path / "x.duckdb")
    source = str(sample_dir / "txt" / "001_kenya_ethiopia_talks_announced.txt")
    first = run("ingest", source, "--db", db)
    assert first.returncode == 0, first.stderr
    assert "1 added" in first.stderr
    again = run("ingest", source, "--db", db)
    assert "0 added" in again.stderr
    stats = json.loads(run("stats", "--db", db, "--json").stdout)
    assert stats["articles"] == 1
    lines = run("export", "--db", db).stdout.splitlines()
    assert lines and all(json.loads(line)["article_path"] == source for line in lines)


def test_bad_input_exits_non_zero_with_one_line_naming_the_file(tmp_path, sample_dir):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    db = str(tmp_path / "x.duckdb")
    good = str(sample_dir / "txt" / "002_kenya_ethiopia_talks_underway.txt")
    result = run("ingest", good, str(empty), "--db", db)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1
    assert "empty.txt" in errors[0]
    assert json.loads(run("stats", "--db", db, "--json").stdout)["articles"] == 1


def test_usage_errors_exit_2(tmp_path):
    result = run("ingest", "x.txt", "--published", "yesterday", "--db", str(tmp_path / "x.duckdb"))
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr


def test_link_settings_stay_with_the_database(tmp_path, sample_dir):
    db = str(tmp_path / "x.duckdb")
    source = str(sample_dir / "txt" / "001_kenya_ethiopia_talks_announced.txt")
    ingested = run("ingest", source, "--db", db, "--link", "date_slack_days=1")
    assert ingested.returncode == 0, ingested.stderr
    assert json.loads(run("stats", "--db", db, "--json").stdout)["link_settings"] == (
        "date_slack_days=1"
    )
    relinked = run("relink", "--db", db, "--link", "min_text_similarity=0.5")
    assert relinked.returncode == 0, relinked.stderr
    assert "link settings: date_slack_days=1 min_text_similarity=0.5" in relinked.stderr
    bad = run("relink", "--db", db, "--link", "slack=1")
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0
    assert "--link 'slack=1'" in bad.stderr
    missing = run("relink", "--db", str(tmp_path / "nope.duckdb"))
    assert missing.returncode == 1
    assert "no such database" in missing.stderr
    assert not (tmp_path / "nope.duckdb").exists()


def test_missing_database_is_a_clear_error(tmp_path):
    result = run("stats", "--db", str(tmp_path / "nope.duckdb"))
    assert result.returncode == 1
    assert "no such database" in result.stderr
    assert "Traceback" not in result.stderr


def test_extract_from_stdin_prints_json_lines():
    text = " date 2024-03-06\nKenya and Ethiopia signed a border security agreement in Nairobi."
    result = run("extract", "-", stdin=text)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert any(r["plover"] == "AGREE" for r in records)
