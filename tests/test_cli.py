"""The dyad command: exit codes, one-line errors, data on stdout."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def run(
    *args: str, cwd=None, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
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


def test_help_names_values_in_words_and_shows_defaults():
    from typer.testing import CliRunner

    from dyad.serve.cli import app

    runner = CliRunner()
    commands = [info.name or info.callback.__name__ for info in app.registered_commands]
    assert len(commands) >= 18
    for command in ["", *commands]:
        args = [command, "--help"] if command else ["--help"]
        result = runner.invoke(app, args, env={"COLUMNS": "200", "NO_COLOR": "1"})
        assert result.exit_code == 0, (command, result.output)
        for python_type in ("<bool>", "<str>", "<int", "<float", "<path>", "<list[", "<Path"):
            assert python_type not in result.output, (command, python_type)
        if command == "events":
            assert "Database file [default: ./dyad.duckdb]." in result.output
            assert "File to write [default: stdout]." in result.output
            assert re.search(r"--limit\s+INTEGER \[x>=0\]", result.output)
            assert re.search(r"--asc\s+Oldest", result.output)  # a flag takes no value


def test_version():
    from dyad import __version__

    result = run("--version")
    assert (result.returncode, result.stdout) == (0, f"dyad {__version__}\n")


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


def test_progress_in_a_log_is_one_line_at_a_time_with_rate_and_time_left(tmp_path, sample_dir):
    files = sorted(str(p) for p in (sample_dir / "txt").glob("*.txt"))[:3]
    result = run(
        "ingest", *files, "--db", str(tmp_path / "x.duckdb"), "--batch-size", "1",
        env={"DYAD_PROGRESS_SECONDS": "0"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("ingest:")]
    assert [line.split(" articles")[0] for line in lines] == [
        "ingest: 1/3",
        "ingest: 2/3",
        "ingest: 3/3",
        "ingest: 3/3",  # the final report after the last batch
    ]
    assert re.fullmatch(
        r"ingest: 1/3 articles \(33%\), \d+\.\d articles/s, \d+m\d\ds left", lines[0]
    )
    assert "\x1b" not in result.stderr  # no terminal codes in a log


def test_progress_on_a_terminal_is_a_bar_with_total_rate_and_eta():
    import io

    from rich.console import Console

    from dyad.api import IngestReport
    from dyad.serve.cli import _ingest_progress

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=160, color_system=None)
    progress, update = _ingest_progress(False, console)
    progress.start()
    update(IngestReport(articles_added=30, articles_skipped=10, articles_total=160))
    progress.refresh()
    progress.stop()
    shown = screen.getvalue()
    for part in ("ingesting", "40/160", "25%", "articles/s", "ETA"):
        assert part in shown, (part, shown)


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
