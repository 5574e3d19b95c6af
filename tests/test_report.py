"""dyad report: a self-contained HTML page with plots, escaped evidence, optional PNGs."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

import dyad
from analysis_data import build_db
from dyad.errors import UsageError
from dyad.output.report import (
    _script_json,
    build_sections,
    describe_filters,
    write_pngs,
    write_report,
)
from dyad.store.query import Filters


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_db(tmp_path_factory.mktemp("report") / "r.duckdb")


@pytest.fixture(scope="module")
def page(db, tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / "report.html"
    with dyad.open(db) as database:
        written = write_report(database, path, title="Test <report>")
    assert written == [path]
    return path.read_text(encoding="utf-8")


def _specs(page: str) -> dict:
    match = re.search(r"const specs = (\{.*?\});\n", page, re.S)
    assert match
    return json.loads(match.group(1))


def test_page_is_self_contained(page):
    assert "<script src" not in page
    assert "<link" not in page
    assert "cdn." not in page
    assert "vegaEmbed" in page and len(page) > 300_000  # the JS bundle is inline


def test_page_has_every_plot(page):
    specs = _specs(page)
    assert set(specs) == {"timeline", "dyads", "types", "map", "upcoming", "actors"}
    for key in specs:
        assert f'id="chart-{key}"' in page
    assert all(
        spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v")
        for spec in specs.values()
    )


def test_map_has_an_offline_world_outline_and_the_located_events(page):
    layers = _specs(page)["map"]["layer"]
    formats = [layer.get("data", {}).get("format", {}) for layer in layers]
    assert {"type": "topojson", "feature": "land"} in formats
    points = next(layer for layer in layers if layer.get("mark", {}).get("type") == "circle")
    data = _specs(page)["map"]["datasets"][points["data"]["name"]]
    assert {row["location_name"] for row in data} == {"Islamabad", "Pakistan", "Boston"}


def test_evidence_and_title_are_escaped(page):
    assert "&lt;b&gt;border&lt;/b&gt;" in page
    assert "<b>border</b>" not in page
    assert "<title>Test &lt;report&gt;</title>" in page


def test_data_in_specs_cannot_close_the_script_element():
    text = _script_json({"evidence": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"evidence": "</script><script>alert(1)</script> & <!--"}


def test_upcoming_and_main_events_sections(page):
    upcoming = page[page.index('id="upcoming"') : page.index('id="actors"')]
    assert "2024-03-01 – 2024-03-31" in upcoming
    assert "Pakistan and the US will resume their dialogue in March." in upcoming
    events = page[page.index('id="events"') :]
    assert events.count("<tr>") == 6  # header and five events


def test_filters_narrow_the_report(db):
    f = Filters(dyad="USA-PAK")
    with dyad.open(db) as database:
        sections = {s.key: s for s in build_sections(database, f)}
    assert sections["events"].html.count("<tr>") == 3
    assert "IND" not in sections["dyads"].html
    assert describe_filters(f) == "dyad USA-PAK"
    assert describe_filters(Filters()) == "all events"


def test_one_of_a_thing_is_singular(db):
    with dyad.open(db) as database:
        sections = {s.key: s for s in build_sections(database, Filters(place="Boston"))}
    notes = " ".join(s.note or "" for s in sections.values())
    assert "1 event at 1 place; 0 without a location." in sections["map"].note
    assert "The 1 most-mentioned event." in notes
    assert not re.search(r"\b1 (events|places|mentions)\b", notes), notes


def test_sections_say_when_nothing_matches(db):
    with dyad.open(db) as database:
        sections = build_sections(database, Filters(date_from=date(2030, 1, 1)))
    assert all(s.chart is None for s in sections)
    assert {s.note for s in sections} >= {"No dated events match.", "No events match."}
    with dyad.open(db) as database, pytest.raises(UsageError):
        build_sections(database, Filters(), top=0)


def test_pngs(db, tmp_path):
    with dyad.open(db) as database:
        sections = [s for s in build_sections(database, Filters()) if s.key == "types"]
    (path,) = write_pngs(sections, tmp_path / "png")
    assert path.name == "types.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
