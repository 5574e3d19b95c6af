"""A small hand-made event database for the analysis tests (exports, CLI, report)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from dyad.records import ArticleResult, Location
from dyad.store.store import Store
from factories import article_result

ISLAMABAD = Location(
    name="Islamabad",
    country="PAK",
    admin1="PK.08",
    lat=33.72,
    lon=73.04,
    geonames_id=1176615,
    text="Islamabad",
)
PAKISTAN = Location(name="Pakistan", country="PAK", lat=30.0, lon=70.0, geonames_id=1168579)
BOSTON = Location(
    name="Boston", country="USA", admin1="Massachusetts", lat=42.36, lon=-71.06, geonames_id=4930956
)


def _with_locations(result: ArticleResult, locations: list[Location | None]) -> ArticleResult:
    events = tuple(
        replace(m, location=loc) for m, loc in zip(result.events, locations, strict=True)
    )
    return replace(result, events=events)


def _with_actors(result: ArticleResult) -> ArticleResult:
    """The actor mentions the events name, as the actor stage would have found them."""
    actors = tuple(a for m in result.events for a in (m.source, m.target) if a is not None)
    return replace(result, actors=actors)


def results() -> list[ArticleResult]:
    first = article_result(
        "US and Pakistani envoys held talks in Islamabad on Monday.\n"
        "Pakistan accused India of shelling <b>border</b> posts.\n"
        "The UN sent aid to flood victims in Pakistan.",
        [
            {
                "source": "USA GOV",
                "source_name": "United States",
                "target": "PAK GOV",
                "target_name": "Pakistan",
                "plover": "CONSULT",
                "date": "2024-02-12",
            },
            {
                "line": 1,
                "source": "PAK GOV",
                "source_name": "Pakistan",
                "target": "IND MIL",
                "target_name": "Indian Army",
                "plover": "ACCUSE",
                "date": "2024-02-13",
            },
            {
                "line": 2,
                "source": "IGO UNO",
                "source_name": "United Nations",
                "target": "PAK",
                "target_name": "Pakistan",
                "plover": "AID",
            },
        ],
        published=date(2024, 2, 14),
        source="Capital Wire",
        path="first.txt",
    )
    first = _with_locations(first, [ISLAMABAD, None, PAKISTAN])
    first = replace(
        first,
        article=replace(
            first.article,
            url="https://news.example/first",
            ingested_at=datetime(2024, 2, 15, 8, 30, 5),
        ),
    )
    second = article_result(
        "Pakistan and the US will resume their dialogue in March.\n"
        "Protesters in Boston denounced the government over the war.",
        [
            {
                "source": "PAK GOV",
                "source_name": "Pakistan",
                "target": "USA GOV",
                "target_name": "United States",
                "plover": "CONSULT",
                "status": "planned",
                "date": "2024-03-01",
                "date_end": "2024-03-31",
                "precision": "month",
            },
            {
                "line": 1,
                "source": "USA CVL",
                "source_name": "Protesters",
                "target": "USA GOV",
                "target_name": "United States",
                "plover": "ACCUSE",
                "cameo": "111",
                "date": "2024-02-18",
            },
        ],
        published=date(2024, 2, 20),
        source="Harbour Post",
        path="second.txt",
    )
    second = _with_locations(second, [None, BOSTON])
    return [_with_actors(first), _with_actors(second)]


def build_db(path: Path) -> Path:
    with Store(path) as store:
        store.write_batch(results())
    return path
