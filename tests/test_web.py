"""The web page in headless Chromium: filter to a dyad, open an event, see its sentence
highlighted in the article; keyboard use, timeline, upcoming, ingest, XSS-safety, and no
request leaving the server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from dyad.serve.server import create_app
from live_server import TOKEN, FakePipeline, build_db, live_server

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    for candidate in ("chromium", "chromium-browser"):
        found = shutil.which(candidate)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium: install it (apt-get install -y chromium) to run browser tests")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("web") / "events.duckdb"
    build_db(path)
    with live_server(create_app(path)) as url:
        yield url


@pytest.fixture
def page(browser, site):
    """A fresh page that records every request it makes and every script error."""
    # The page's CSP forbids eval, which Playwright's wait_for_function needs; without the
    # CSP the XSS test below is also stricter (no second line of defence).
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    opened = context.new_page()
    opened.requests = []
    opened.errors = []
    opened.on("request", lambda request: opened.requests.append(request.url))
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    yield opened
    context.close()


def load(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")


def test_filter_to_a_dyad_open_an_event_and_see_its_sentence(page, site, tmp_path):
    load(page, site + "/")
    assert page.locator("#events-table tbody tr[data-id]").count() == 6
    dyad = page.locator("#view-events").get_by_label("Dyad", exact=True)
    dyad.fill("KEN-ETH")
    dyad.press("Enter")
    page.wait_for_function("location.hash.includes('dyad=KEN-ETH')")
    page.wait_for_function(
        "document.querySelectorAll('#events-table tbody tr[data-id]').length === 4"
    )
    assert "of 4" in page.inner_text("#events-count")
    row = page.locator("#events-table tbody tr", has_text="accused")
    row.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#mentions mark")
    assert page.inner_text("#event-title") == "KEN GOV → ETH: ACCUSE"
    mark = page.locator("#mentions mark")
    assert mark.inner_text() == "Kenya accused Ethiopia of delays."
    assert mark.locator("strong").inner_text() == "accused"
    article = page.inner_text("#mentions .article-text")
    assert article.startswith("Kenya and Ethiopia held talks in Nairobi.")
    shot = tmp_path / "event.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("DYAD_SCREENSHOT_DIR"):
        shutil.copy(shot, Path(os.environ["DYAD_SCREENSHOT_DIR"]) / "event.png")
    assert not page.errors
    outside = [u for u in page.requests if not u.startswith(site)]
    assert outside == []  # works offline: nothing from elsewhere


def test_keyboard_slash_searches_escape_goes_back(page, site):
    load(page, site + "/#/events")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search"
    page.keyboard.type("police post")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.querySelectorAll('#events-table tbody tr[data-id]').length === 1"
    )
    page.keyboard.press("Escape")  # leaves the search box
    page.locator("#events-table tbody tr[data-id]").first.focus()
    opened_id = page.locator("#events-table tbody tr[data-id]").first.get_attribute("data-id")
    page.keyboard.press("Enter")
    page.wait_for_selector("#view-event:not([hidden]) #mentions mark")
    assert "police post" in page.inner_text("#mentions mark")
    page.keyboard.press("Escape")
    page.wait_for_selector("#view-events:not([hidden])")
    page.wait_for_function("document.activeElement && document.activeElement.dataset.id")
    assert page.evaluate("document.activeElement.dataset.id") == opened_id
    assert page.get_by_label("Search evidence").input_value() == "police post"


def test_arrow_keys_move_between_rows(page, site):
    load(page, site + "/")
    rows = page.locator("#events-table tbody tr[data-id]")
    rows.first.focus()
    page.keyboard.press("ArrowDown")
    second = rows.nth(1).get_attribute("data-id")
    assert page.evaluate("document.activeElement.dataset.id") == second


def test_dyad_timeline_chart(page, site):
    load(page, site + "/#/timeline?dyad=KEN-ETH&by=month")
    page.wait_for_selector("#chart svg")
    bars = page.locator("#chart svg rect[class^=q] title")
    titles = [bars.nth(i).text_content() for i in range(bars.count())]
    assert "2024-03-01: 1 verbal cooperation" in titles
    assert "2024-04-01: 1 material conflict" in titles
    assert page.locator("#timeline-table tbody tr").count() == 4
    assert page.get_by_role("img", name="Events per month for KEN-ETH").count() == 1


def test_upcoming_lists_plans(page, site):
    load(page, site + "/#/upcoming")
    page.wait_for_selector("#upcoming-table tbody tr[data-id]")
    rows = page.locator("#upcoming-table tbody tr[data-id]")
    assert rows.count() == 1
    assert "planned" in rows.first.inner_text()
    assert page.locator("#nav-ingest").is_hidden()  # read-only server: no ingest box


def test_data_is_text_never_markup(page, site):
    load(page, site + "/?#/events?plover=SANCTION")
    page.locator("#events-table tbody tr[data-id]").first.click()
    page.wait_for_selector("#mentions mark")
    assert page.locator("#mentions img, #mentions script, #mentions b").count() == 0
    assert page.evaluate("window.pwned") is None
    meta = page.inner_text("#mentions .mention-meta")
    assert '<img src=x onerror="window.pwned=1">' in meta
    assert '<script>alert("x")</script>' in meta
    assert "<b>Friday</b>" in page.inner_text("#mentions mark")


def test_ingest_box_adds_an_article(browser, tmp_path):
    path = tmp_path / "w.duckdb"
    build_db(path)
    app = create_app(path, write_token=TOKEN, pipeline_factory=FakePipeline)
    with live_server(app) as url:
        context = browser.new_context(bypass_csp=True)
        page = context.new_page()
        load(page, url + "/")
        page.wait_for_function("document.querySelector('#stats').textContent.includes('6 events')")
        page.get_by_role("link", name="Add articles").click()
        page.get_by_label("Write token").fill("wrong")
        page.get_by_label("Article text").fill("Kenyan and Ethiopian envoys met again.")
        page.get_by_role("button", name="Add article").click()
        page.wait_for_function(
            "document.querySelector('#ingest-result').textContent.includes('Not added')"
        )
        assert "wrong token" in page.inner_text("#ingest-result")
        page.get_by_label("Write token").fill(TOKEN)
        page.get_by_role("button", name="Add article").click()
        page.wait_for_function(
            "document.querySelector('#ingest-result').textContent.includes('added')"
        )
        assert page.inner_text("#ingest-result").startswith("1 added")
        page.wait_for_function("document.querySelector('#stats').textContent.includes('7 events')")
        context.close()


def test_api_docs_render_offline(browser, site):
    context = browser.new_context()  # with the server's CSP in force
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site + "/docs")
    page.wait_for_selector(".swagger-ui .opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/events" in p for p in paths)
    assert [u for u in requests if not u.startswith(site)] == []
    context.close()


# -- the events map, error states, dates and the upcoming note ------------------------------

MAP_WIDTH, MAP_NORTH, MAP_SOUTH = 960, 84, -58
RED, SEA, LAND = (192, 57, 43), (238, 244, 248), (220, 220, 210)


def pixels(page, png: bytes, points: list[tuple[float, float]]) -> list[tuple[int, int, int]]:
    """The colours of a screenshot at CSS-pixel points, decoded by the browser itself."""
    import base64

    found = page.evaluate(
        """async ([data, points]) => {
            const image = new Image();
            image.src = "data:image/png;base64," + data;
            await image.decode();
            const canvas = document.createElement("canvas");
            [canvas.width, canvas.height] = [image.width, image.height];
            const context = canvas.getContext("2d");
            context.drawImage(image, 0, 0);
            return points.map(([x, y]) => Array.from(context.getImageData(x, y, 1, 1).data));
        }""",
        [base64.b64encode(png).decode(), [[round(x), round(y)] for x, y in points]],
    )
    return [tuple(rgba[:3]) for rgba in found]


def near(colour: tuple[int, int, int], expected: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


def on_map(page, lon: float, lat: float) -> tuple[float, float]:
    """Where a longitude and latitude fall in a screenshot of the map, in CSS pixels."""
    scale = page.locator("#map svg").bounding_box()["width"] / MAP_WIDTH
    x = (lon + 180) / 360 * MAP_WIDTH
    y = (MAP_NORTH - lat) / (MAP_NORTH - MAP_SOUTH) * (MAP_WIDTH * (MAP_NORTH - MAP_SOUTH) / 360)
    return x * scale, y * scale


def test_events_map_follows_the_filters_and_filters_by_place(browser, site, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # CSP in force
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda r: None if r.url.startswith(site) else outside.append(r.url))
    load(page, site + "/")
    page.wait_for_selector("#map svg circle.place")
    assert page.locator("#map circle.place").count() == 2
    caption = page.inner_text("#map-caption")
    assert caption.startswith("2 events at 2 places; 4 without a known place.")
    nairobi, gao = on_map(page, 36.82, -1.29), on_map(page, -0.04, 16.27)
    atlantic, sahara = on_map(page, -30.0, 0.0), on_map(page, 20.0, 12.0)
    shot = page.locator("#map svg").screenshot()
    colours = pixels(page, shot, [nairobi, gao, atlantic, sahara])
    assert near(colours[0], RED) and near(colours[1], RED), colours
    assert near(colours[2], SEA, 8) and near(colours[3], LAND, 8), colours
    if os.environ.get("DYAD_SCREENSHOT_DIR"):
        page.screenshot(path=str(Path(os.environ["DYAD_SCREENSHOT_DIR"]) / "map.png"))

    page.goto(site + "/#/events?dyad=KEN-ETH")
    page.wait_for_selector("#map-caption:has-text('1 event at 1 place')")
    assert page.inner_text("#map-caption").startswith("1 event at 1 place; 3 without")
    colours = pixels(page, page.locator("#map svg").screenshot(), [nairobi, gao])
    assert near(colours[0], RED) and near(colours[1], LAND, 8), colours  # Gao is gone

    page.locator("#map circle.place").click()
    page.wait_for_selector("#events-count:has-text('of 1.')")
    assert "place=Nairobi" in page.url and "dyad=KEN-ETH" in page.url
    assert page.locator("#events-table tbody tr[data-id]").count() == 1
    assert "Nairobi" in page.inner_text("#events-table tbody")
    assert errors == [] and outside == []
    context.close()


def test_an_error_clears_the_answer_it_replaces(page, site):
    load(page, site + "/")
    page.wait_for_selector("#map circle.place")
    nairobi = on_map(page, 36.82, -1.29)
    page.goto(site + "/#/events?plover=BOGUS")
    page.wait_for_selector("#status.error")
    assert "plover type 'BOGUS' is not one of AGREE" in page.inner_text("#status")
    assert page.locator("#events-table tbody tr").count() == 0
    assert page.inner_text("#events-count") == "" and page.inner_text("#map-caption") == ""
    assert page.locator("#prev").is_disabled() and page.locator("#next").is_disabled()
    shot = page.screenshot(full_page=True)
    box = page.locator("#map").bounding_box()
    (where,) = pixels(page, shot, [(box["x"] + nairobi[0], box["y"] + nairobi[1])])
    assert not near(where, RED), where  # no dot of the old map left on screen
    if os.environ.get("DYAD_SCREENSHOT_DIR"):
        (Path(os.environ["DYAD_SCREENSHOT_DIR"]) / "error.png").write_bytes(shot)

    page.goto(site + "/#/events?date_from=2024-05-01&date_to=2024-03-01")
    page.wait_for_selector("#status.error:has-text('start is after the end')")
    assert page.locator("#events-table tbody tr").count() == 0

    load(page, site + "/#/events?plover=ACCUSE")
    page.locator("#events-table tbody tr[data-id]").first.click()
    page.wait_for_selector("#mentions mark")
    page.goto(site + "/#/event/nope")
    page.wait_for_selector("#status.error:has-text(\"no event with id 'nope'\")")
    assert page.inner_text("#event-title") == ""
    assert page.locator("#mentions li, #event-facts dt").count() == 0


def test_date_filters_are_iso_dates(page, site):
    load(page, site + "/")
    date_from = page.locator("#view-events").get_by_label("From")
    assert date_from.get_attribute("placeholder") == "yyyy-mm-dd"
    assert date_from.evaluate("input => input.type") == "text"
    date_from.fill("04/01/2024")
    page.locator("#filters button[type=submit]").click()
    assert date_from.evaluate("input => input.validity.patternMismatch") is True
    assert "date_from" not in page.url  # the browser refuses to send a wrong date
    date_from.fill("2024-04-01")
    page.locator("#filters button[type=submit]").click()
    page.wait_for_function("location.hash.includes('date_from=2024-04-01')")
    page.wait_for_function("document.querySelector('#events-count').textContent.includes('of 3')")


def test_upcoming_says_which_day_it_counts_from(page, site):
    import httpx

    newest = httpx.get(site + "/api/v1/stats").json()["last_published"]
    load(page, site + "/#/upcoming")
    page.wait_for_selector("#upcoming-table tbody tr[data-id]")
    note = page.inner_text("#upcoming-note")
    assert f"as of {newest}, the newest publication date stored" in note
    page.get_by_label("As of").fill("2024-07-01")
    page.get_by_label("As of").press("Enter")
    page.wait_for_selector("#upcoming-note:has-text('No plans are due on or after 2024-07-01')")
    assert "Set “As of” to an earlier date" in page.inner_text("#upcoming-note")
    assert page.locator("#upcoming-table tbody tr[data-id]").count() == 0
