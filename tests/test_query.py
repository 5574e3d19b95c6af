"""dyad.open: filters, ordering, paging, timelines, upcoming events and event detail."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dyad
from dyad.errors import UsageError
from dyad.store.query import Filters, parse_dyad
from dyad.store.store import Store
from factories import article_result


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("q") / "q.duckdb"
    results = [
        article_result(
            "Kenya and Ethiopia held talks in Nairobi.\nKenya accused Ethiopia of delays.",
            [
                {
                    "source": "KEN GOV",
                    "target": "ETH GOV",
                    "plover": "CONSULT",
                    "date": "2024-03-01",
                    "place": ("Nairobi", "KEN"),
                },
                {
                    "line": 1,
                    "source": "KEN GOV",
                    "target": "ETH",
                    "plover": "ACCUSE",
                    "date": "2024-03-02",
                },
            ],
            published=date(2024, 3, 4),
            path="a.txt",
        ),
        article_result(
            "Rebels attacked a police post in Mali.\nJapan sent aid to the Philippines.",
            [
                {
                    "source": "MLI REB",
                    "target": "MLI COP",
                    "plover": "ASSAULT",
                    "date": "2024-04-10",
                    "place": ("Gao", "MLI"),
                },
                {
                    "line": 1,
                    "source": "JPN GOV",
                    "target": "PHL",
                    "plover": "AID",
                    "date": "2024-04-11",
                },
            ],
            published=date(2024, 4, 12),
            source="Coastal Wire",
            path="b.txt",
        ),
        article_result(
            "Kenya and Ethiopia will meet in May.\nNo more.",
            [
                {
                    "source": "ETH GOV",
                    "target": "KEN GOV",
                    "plover": "CONSULT",
                    "status": "planned",
                    "date": "2024-05-01",
                    "date_end": "2024-05-31",
                    "precision": "month",
                },
            ],
            published=date(2024, 4, 20),
            path="c.txt",
        ),
    ]
    with Store(path) as store:
        store.write_batch(results)
    return path


def test_parse_dyad():
    assert parse_dyad("usa-pak") == ("USA", "PAK", False)
    assert parse_dyad("USA>PAK") == ("USA", "PAK", True)
    assert parse_dyad("PAK<USA") == ("USA", "PAK", True)
    assert parse_dyad("USA GOV-PAK MIL") == ("USA GOV", "PAK MIL", False)
    with pytest.raises(UsageError, match="USA PAK"):
        parse_dyad("USA PAK")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), {"CONSULT", "ACCUSE", "ASSAULT", "AID"}),
        (Filters(dyad="ETH-KEN"), {"CONSULT", "ACCUSE"}),
        (Filters(dyad="ETH>KEN"), {"CONSULT"}),
        (Filters(actor="JPN"), {"AID"}),
        (Filters(source="MLI REB"), {"ASSAULT"}),
        (Filters(target="PHL"), {"AID"}),
        (Filters(sector="COP"), {"ASSAULT"}),
        (Filters(plover="accuse"), {"ACCUSE"}),
        (Filters(cameo="18"), {"ASSAULT"}),
        (Filters(quad_class=2), {"AID"}),
        (Filters(status="planned"), {"CONSULT"}),
        (Filters(date_from=date(2024, 4, 1)), {"ASSAULT", "AID", "CONSULT"}),
        (Filters(date_to=date(2024, 3, 31)), {"CONSULT", "ACCUSE"}),
        (Filters(date_field="published", date_from=date(2024, 4, 15)), {"CONSULT"}),
        (Filters(place="Gao"), {"ASSAULT"}),
        (Filters(place="ken"), {"CONSULT"}),
        (Filters(text="police post"), {"ASSAULT"}),
    ],
)
def test_event_filters(db, filters, expected):
    with dyad.open(db) as database:
        rows = database.events(filters, output="records")
        assert {r["plover"] for r in rows} == expected
        assert database.count_events(filters) == len(rows)


def test_directed_dyad_keeps_direction(db):
    with dyad.open(db) as database:
        rows = database.events(dyad="KEN>ETH", output="records")
    assert {(r["source"], r["target"], r["plover"]) for r in rows} == {
        ("KEN GOV", "ETH GOV", "CONSULT"),
        ("KEN GOV", "ETH", "ACCUSE"),
    }


def test_order_and_paging(db):
    with dyad.open(db) as database:
        by_date = database.events(order="date", descending=False, output="records")
        dates = [r["date"] for r in by_date]
        assert dates == sorted(dates)
        page = database.events(order="date", descending=False, limit=2, offset=1, output="records")
        assert [r["event_id"] for r in page] == [r["event_id"] for r in by_date[1:3]]
        with pytest.raises(UsageError, match="order"):
            database.events(order="nonsense")


def test_output_kinds(db):
    with dyad.open(db) as database:
        frame = database.events()
        table = database.events(output="arrow")
        assert len(frame) == table.num_rows == 5
        assert "event_id" in frame.columns


def test_timeline_by_month(db):
    with dyad.open(db) as database:
        rows = database.timeline(by="month", output="records")
        assert [(str(r["period"]), r["quad_class"], r["events"]) for r in rows] == [
            ("2024-03-01", 1, 1),
            ("2024-03-01", 3, 1),
            ("2024-04-01", 2, 1),
            ("2024-04-01", 4, 1),
            ("2024-05-01", 1, 1),
        ]
        dyad_rows = database.timeline(dyad="KEN-ETH", by="year", output="records")
        assert sum(r["events"] for r in dyad_rows) == 3
        with pytest.raises(UsageError):
            database.timeline(by="fortnight")


def test_upcoming_lists_plans_not_yet_past(db):
    with dyad.open(db) as database:
        rows = database.upcoming(output="records")
        assert [(r["plover"], r["status"]) for r in rows] == [("CONSULT", "planned")]
        assert database.upcoming(today=date(2024, 6, 1), output="records") == []


def test_event_detail_has_mentions_with_sentences(db):
    with dyad.open(db) as database:
        event_id = database.events(plover="ASSAULT", output="records")[0]["event_id"]
        detail = database.event(event_id)
        assert detail is not None
        assert detail["mentions"][0]["sentence"] == "Rebels attacked a police post in Mali."
        assert detail["mentions"][0]["outlet"] == "Coastal Wire"
        assert database.event("nope") is None


def test_mentions_are_export_records(db):
    with dyad.open(db) as database:
        records = database.mentions(plover="CONSULT")
    assert len(records) == 2
    first = records[0]
    assert first["article_path"] == "a.txt"
    assert first["location"]["name"] == "Nairobi"
    assert first["published"] == "2024-03-04"


def test_articles_and_article_detail(db):
    with dyad.open(db) as database:
        rows = database.articles(output="records")
        assert [r["path"] for r in rows] == ["c.txt", "b.txt", "a.txt"]
        assert database.articles(source="Coastal Wire", output="records")[0]["path"] == "b.txt"
        detail = database.article(rows[0]["article_id"])
        assert detail is not None
        assert [s["text"] for s in detail["sentences"]] == [
            "Kenya and Ethiopia will meet in May.",
            "No more.",
        ]


def test_polars_output_needs_polars(db):
    """polars is optional: without it the error says how to get it."""
    with dyad.open(db) as database:
        try:
            import polars  # noqa: F401
        except ImportError:
            with pytest.raises(UsageError, match="polars"):
                database.events(output="polars")
        else:
            assert database.events(output="polars").height == 5


def test_events_with_evidence(db):
    with dyad.open(db) as database:
        rows = database.events(plover="ASSAULT", evidence=True, output="records")
    (row,) = rows
    assert row["evidence"] == "Rebels attacked a police post in Mali."
    assert (row["outlet"], row["article_path"], row["lead_sentence"]) == (
        "Coastal Wire",
        "b.txt",
        0,
    )
    assert (row["source_country"], row["source_sector"]) == ("MLI", "REB")


def test_text_filter_applies_to_timeline_and_upcoming(db):
    with dyad.open(db) as database:
        assert sum(r["events"] for r in database.timeline(text="aid", output="records")) == 1
        assert database.upcoming(text="meet", output="records")
        assert database.upcoming(text="police", output="records") == []
        assert (
            database.upcoming(dyad="KEN-ETH", evidence=True, output="records")[0]["evidence"]
            == "Kenya and Ethiopia will meet in May."
        )


def test_dyads_and_breakdown(db):
    with dyad.open(db) as database:
        dyads = database.dyads(output="records")
        assert dyads[0] == {"dyad": "ETH-KEN", "events": 3, "mentions": 3, "goldstein": 0.0}
        by_type = {r["plover"]: r["events"] for r in database.breakdown("plover", output="records")}
        assert by_type == {"CONSULT": 2, "ACCUSE": 1, "ASSAULT": 1, "AID": 1}
        countries = database.breakdown("country", dyad="KEN-ETH", output="records")
        assert {(r["country"], r["events"]) for r in countries} == {("KEN", 3), ("ETH", 3)}
        with pytest.raises(UsageError):
            database.breakdown("colour")


def test_actor_filters(db):
    with dyad.open(db) as database:
        with pytest.raises(UsageError, match="dyad"):
            database.actors(dyad="KEN-ETH")
        assert database.actors(actor="KEN", output="records") == []  # factories store no actors


@pytest.mark.parametrize(
    "filters",
    [
        {"text": "_"},
        {"text": "%"},
        {"text": "Kenya%Ethiopia"},
        {"actor": "%"},
        {"actor": "_EN"},
        {"source": "K%"},
        {"target": "%"},
        {"place": "%"},
        {"place": "N_irobi"},
        {"cameo": "1"},
    ],
)
def test_wildcard_characters_are_taken_literally(db, filters):
    with dyad.open(db) as database:
        rows = database.events(output="records", **filters)
        mentions = database.mentions(**filters)
    if filters == {"cameo": "1"}:  # a true prefix: every code starting with 1
        assert {r["cameo"] for r in rows} == {"112", "183"}
    else:
        assert rows == [] and mentions == []


@pytest.mark.parametrize(
    ("filters", "message", "hint"),
    [
        (
            {"status": "planed"},
            "status 'planed' is not one of occurred, ongoing, planned",
            "planned",
        ),
        ({"plover": "FOO"}, "plover type 'FOO' is not one of AGREE, CONSULT,", None),
        ({"plover": "bogus"}, "plover type 'BOGUS' is not one of", None),
        ({"plover": "consul"}, "plover type 'CONSUL'", "CONSULT"),
        ({"cameo": "%"}, "cameo '%': expected a CAMEO code", None),
        ({"quad_class": 5}, "quad class 5: choose 1, 2, 3 or 4", None),
        ({"date_field": "seen"}, "date field 'seen': choose event or published", None),
        (
            {"date_from": date(2024, 5, 1), "date_to": date(2024, 3, 1)},
            "date range 2024-05-01 to 2024-03-01 is empty",
            "swap",
        ),
    ],
)
def test_values_no_event_can_have_are_errors_naming_the_choices(filters, message, hint):
    with pytest.raises(UsageError) as caught:
        Filters(**filters)
    assert message in str(caught.value)
    assert (caught.value.hint is None) if hint is None else (hint in caught.value.hint)


# Characters that mean something to LIKE, regular expressions, SQL or shells.
_SPECIAL = "%_\\[]^*?.'\"-> ;()|$!"
# Values that match events in the fixture, to be spiked with special characters.
_REAL = ["KEN", "KEN GOV", "ETH", "MLI REB", "GOV", "COP", "Nairobi", "Gao", "police post"]


@st.composite
def filter_values(draw: st.DrawFn) -> str:
    """A real value or random text, with special characters put in or over its letters."""
    chars = list(draw(st.sampled_from(_REAL) | st.text(min_size=1, max_size=6)))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(chars)))
        special = draw(st.sampled_from(_SPECIAL))
        if at < len(chars) and draw(st.booleans()):
            chars[at] = special
        else:
            chars.insert(at, special)
    return "".join(chars)


def _literal_match(event: dict, mentions: list[dict], field: str, value: str) -> bool:
    """What ``field=value`` means for one event, spelled out in Python."""
    sides = [event["source"], event["target"]]

    def prefix(code: str | None, wanted: str) -> bool:
        wanted = wanted.upper()
        return code is not None and (code == wanted or code.startswith(wanted + " "))

    if field == "actor":
        return any(prefix(code, value) for code in sides)
    if field in ("source", "target"):
        return prefix(event[field], value)
    if field == "sector":
        return any(code and code.partition(" ")[2] == value.upper() for code in sides)
    if field == "place":
        return (event["location_name"] or "").lower() == value.lower() or event[
            "location_country"
        ] == value.upper()
    assert field == "text"
    return any(value.lower() in m["sentence"].lower() for m in mentions)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    field=st.sampled_from(["actor", "source", "target", "sector", "place", "text"]),
    value=filter_values(),
)
def test_no_filter_value_matches_more_than_its_literal_meaning(db, field, value):
    with dyad.open(db) as database:
        everything = database.events(output="records")
        by_event = {r["event_id"]: database.event(r["event_id"])["mentions"] for r in everything}
        found = {r["event_id"] for r in database.events(output="records", **{field: value})}
        counted = database.count_events(**{field: value})
    literal = {
        r["event_id"]
        for r in everything
        if _literal_match(r, by_event[r["event_id"]], field, value)
    }
    assert found <= literal
    assert found == literal  # and, taken literally, nothing is missed either
    assert counted == len(found)
