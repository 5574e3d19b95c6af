"""The web page in headless Chromium: filter to a dyad, open an event, see its sentence
highlighted in the article; keyboard use, timeline, upcoming, ingest, XSS-safety, and no
request leaving the server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from dyad.server import create_app
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
