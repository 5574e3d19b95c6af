"""The one table of settings: precedence, errors, `dyad config`, and that no module reads
the environment or names a DYAD_* variable behind its back."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dyad.errors import ConfigError
from dyad.settings import SETTINGS, setting_value, settings_in_force

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "dyad"


def test_an_option_beats_the_environment_which_beats_the_default() -> None:
    env = {"DYAD_LOCK_TIMEOUT": "2.5"}
    assert setting_value("lock_timeout", environ={}) == 10.0
    assert setting_value("lock_timeout", environ=env) == 2.5
    assert setting_value("lock_timeout", 0, environ=env) == 0.0
    assert setting_value("max_article_bytes", environ={"DYAD_MAX_ARTICLE_BYTES": "2_000"}) == 2000


@pytest.mark.parametrize(
    ("name", "env", "raw"),
    [
        ("lock_timeout", "DYAD_LOCK_TIMEOUT", "soon"),
        ("lock_timeout", "DYAD_LOCK_TIMEOUT", "-1"),
        ("max_article_bytes", "DYAD_MAX_ARTICLE_BYTES", "0"),
        ("serve_cache", "DYAD_SERVE_CACHE", "many"),
        ("progress_seconds", "DYAD_PROGRESS_SECONDS", "nan"),
    ],
)
def test_a_bad_value_names_the_variable_and_what_it_expects(name, env, raw) -> None:
    with pytest.raises(ConfigError, match=rf"^\[D400\] {env}='{re.escape(raw)}': expected "):
        setting_value(name, environ={env: raw})


def test_an_unknown_setting_is_an_error() -> None:
    with pytest.raises(ConfigError, match="no setting named 'colour'"):
        setting_value("colour")


def test_settings_in_force_say_where_each_value_comes_from() -> None:
    rows = {r.setting.name: r for r in settings_in_force({"DYAD_DB": "/data/x.duckdb"})}
    assert (rows["db"].value, rows["db"].origin) == ("/data/x.duckdb", "environment")
    assert (rows["serve_cache"].value, rows["serve_cache"].origin) == (256, "default")
    assert rows["write_token"].shown() == "not set"
    token = {r.setting.name: r for r in settings_in_force({"DYAD_WRITE_TOKEN": "s3cret"})}
    assert token["write_token"].shown() == "set"  # a secret is never printed
    bad = {r.setting.name: r for r in settings_in_force({"DYAD_LOCK_TIMEOUT": "x"})}
    assert (
        bad["lock_timeout"].problem == "[D400] DYAD_LOCK_TIMEOUT='x': expected seconds, 0 or more"
    )


def test_only_the_settings_module_reads_the_environment() -> None:
    """A module reading os.environ, or naming a DYAD_* variable the table does not list,
    is a setting outside the one table."""
    listed = {s.env for s in SETTINGS}
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if path.name != "settings.py":
            assert not re.search(r"os\.environ|getenv\(", source), path.name
        assert set(re.findall(r"\bDYAD_[A-Z_]+\b", source)) <= listed, path.name


def test_the_docs_list_every_setting() -> None:
    docs = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.env}`" in docs, setting.env
        assert f"`{setting.name}`" in docs, setting.name


def _config(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith("DYAD_")}
    return subprocess.run(
        [sys.executable, "-m", "dyad", "config", *args],
        capture_output=True,
        text=True,
        env={**clean_env, "NO_COLOR": "1", "COLUMNS": "200", **env},
        timeout=120,
    )


def test_dyad_config_shows_the_values_in_force() -> None:
    result = _config("--json", DYAD_DB="/data/events.duckdb", DYAD_WRITE_TOKEN="s3cret")
    assert result.returncode == 0, result.stderr
    rows = {r["name"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert [r["name"] for r in rows.values()] == [s.name for s in SETTINGS]
    assert rows["db"] == {
        "name": "db",
        "value": "/data/events.duckdb",
        "origin": "environment",
        "env": "DYAD_DB",
        "option": "--db",
        "problem": None,
    }
    assert rows["write_token"]["value"] == "set"
    assert "s3cret" not in result.stdout
    table = _config()
    assert table.returncode == 0
    assert re.search(r"lock_timeout\s+10\.0\s+default\s+DYAD_LOCK_TIMEOUT", table.stdout)


def test_dyad_config_fails_on_a_bad_value_and_still_shows_the_rest() -> None:
    result = _config(DYAD_SERVE_CACHE="many")
    assert result.returncode == 1
    assert "serve_cache" in result.stdout and "db" in result.stdout
    assert "DYAD_SERVE_CACHE='many': expected a whole number, 0 or more" in result.stderr
