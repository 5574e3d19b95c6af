"""Every setting dyad reads from the environment, in one table.

A setting has a name, a ``DYAD_*`` environment variable, a default and, where there is
one, the command-line option that overrides it (precedence: option > environment >
default). The modules that need a value ask :func:`setting_value`; ``dyad config`` prints
:func:`settings_in_force`; docs/configuration.md lists the same table. Nothing here reads
a file or keeps state: the environment is read at each call, so a test or a server can
change it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dyad.errors import ConfigError

__all__ = [
    "SETTINGS",
    "Setting",
    "SettingInForce",
    "env_var",
    "setting_value",
    "settings_in_force",
]


def _bytes(raw: str) -> int:
    value = int(raw.replace("_", ""))
    if value < 1:
        raise ValueError("expected 1 byte or more")
    return value


def _seconds(raw: str) -> float:
    value = float(raw)
    if not math.isfinite(value) or value < 0:
        raise ValueError("expected seconds, 0 or more")
    return value


def _count(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError("expected 0 or more")
    return value


@dataclass(frozen=True)
class Setting:
    """One setting: where it comes from, what it is for and how its text is read."""

    name: str
    env: str
    default: Any  # a value, or a callable giving it (for defaults that depend on the home)
    help: str
    parse: Callable[[str], Any] = str
    option: str | None = None  # the command-line option that overrides it
    expected: str = "text"  # what a value looks like, for the error message
    secret: bool = False  # shown as "set" or "not set", never printed

    def default_value(self) -> Any:
        return self.default() if callable(self.default) else self.default


#: Every setting, in the order ``dyad config`` shows them.
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "db",
        "DYAD_DB",
        "dyad.duckdb",
        "Database file of every command that reads or writes one.",
        option="--db",
        expected="a file path",
    ),
    Setting(
        "max_article_bytes",
        "DYAD_MAX_ARTICLE_BYTES",
        10_000_000,
        "Largest input file, JSON line or stdin text read, in bytes.",
        _bytes,
        "ingest/extract --max-bytes",
        "a number of bytes, 1 or more",
    ),
    Setting(
        "lock_timeout",
        "DYAD_LOCK_TIMEOUT",
        10.0,
        "Seconds to wait while another process holds the database.",
        _seconds,
        expected="seconds, 0 or more",
    ),
    Setting(
        "cache_dir",
        "DYAD_CACHE_DIR",
        lambda: str(Path.home() / ".cache" / "dyad"),
        "Folder of the built gazetteer and codebook caches (safe to delete).",
        expected="a folder path",
    ),
    Setting(
        "progress_seconds",
        "DYAD_PROGRESS_SECONDS",
        10.0,
        "Seconds between progress lines when stderr is a log, not a terminal.",
        _seconds,
        expected="seconds, 0 or more",
    ),
    Setting(
        "contact",
        "DYAD_CONTACT",
        None,
        "A URL or e-mail address added to the user agent of fetch and watch.",
        expected="a URL or e-mail address",
    ),
    Setting(
        "write_token",
        "DYAD_WRITE_TOKEN",
        None,
        "Bearer token of the server's write API (serve, and ingest --server).",
        option="--write-token / --token",
        secret=True,
    ),
    Setting(
        "serve_cache",
        "DYAD_SERVE_CACHE",
        256,
        "Read answers the server keeps until the next write (0: none).",
        _count,
        "serve --cache",
        "a whole number, 0 or more",
    ),
)

_BY_NAME = {setting.name: setting for setting in SETTINGS}


def _setting(name: str) -> Setting:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ConfigError(f"no setting named {name!r}") from None


def env_var(name: str) -> str:
    """The environment variable of the setting ``name`` (for an option's ``envvar``)."""
    return _setting(name).env


def setting_value(name: str, given: Any = None, environ: Mapping[str, str] | None = None) -> Any:
    """The value in force: ``given`` (an option), else the environment, else the default.

    A value that cannot be read is a `ConfigError` naming the variable and what it
    expects.
    """
    setting = _setting(name)
    if given is not None:
        return _checked(setting, given, f"{setting.name} {given!r}")
    raw = (os.environ if environ is None else environ).get(setting.env, "").strip()
    if not raw:
        return setting.default_value()
    return _checked(setting, raw, f"{setting.env}={raw!r}")


def _checked(setting: Setting, value: Any, shown: str) -> Any:
    try:
        return setting.parse(value) if isinstance(value, str) else setting.parse(str(value))
    except ValueError:
        raise ConfigError(f"{shown}: expected {setting.expected}") from None


@dataclass(frozen=True)
class SettingInForce:
    """A setting with its value now, where that value comes from, and what is wrong
    with it (a value the environment gives that cannot be read)."""

    setting: Setting
    value: Any
    origin: str  # "environment" or "default"
    problem: str | None = None

    def shown(self) -> str:
        if self.setting.secret:
            return "set" if self.value else "not set"
        return "" if self.value is None else str(self.value)


def settings_in_force(environ: Mapping[str, str] | None = None) -> list[SettingInForce]:
    """Every setting with the value this process would use (options aside)."""
    env = os.environ if environ is None else environ
    found = []
    for setting in SETTINGS:
        raw = env.get(setting.env, "").strip()
        origin = "environment" if raw else "default"
        try:
            found.append(SettingInForce(setting, setting_value(setting.name, environ=env), origin))
        except ConfigError as exc:
            found.append(SettingInForce(setting, raw, origin, problem=str(exc)))
    return found
