"""Polite downloading against a real HTTP server on 127.0.0.1 (no internet)."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import date

import httpx
import pytest
from typer.testing import CliRunner

from dyad.api import IngestReport
from dyad.errors import InputError
from dyad.serve.cli import app
from dyad.sources.fetch import (
    USER_AGENT,
    Fetcher,
    FetchError,
    FetchSettings,
    FetchStopped,
    fetch_urls,
    normalise_url,
    raw_html,
    reprocess,
)
from dyad.stages.read import read_html_bytes
from dyad.store.store import Store
from local_site import Site, article_html, refused_url, story

FAST = FetchSettings(  # a 1 s timeout leaves room for a busy test machine
    timeout=1.0,
    total_timeout=3.0,
    retries=1,
    backoff=0.01,
    max_backoff=0.05,
    max_bytes=100_000,
    host_interval=0.0,
)


@pytest.fixture
def site():
    with Site() as s:
        s.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        s.add("/news/kenya.html", story("kenya"))
        s.add("/news/harbour.html", story("harbour"))
        s.add("/private/memo.html", story("council"))
        yield s


def test_normalise_url_drops_trackers_fragments_and_default_ports():
    assert (
        normalise_url(" HTTP://Example.COM:80/a/b.html?utm_source=rss&id=7&fbclid=x#comments ")
        == "http://example.com/a/b.html?id=7"
    )
    assert normalise_url("https://example.com/a?b=2&a=1") == "https://example.com/a?a=1&b=2"
    assert normalise_url("http://127.0.0.1:8123/x.html") == "http://127.0.0.1:8123/x.html"


def test_pages_are_fetched_with_dyad_user_agent_and_robots_txt_obeyed(site):
    with Fetcher(FAST) as fetcher:
        page = fetcher.get_page(site.url("/news/kenya.html"))
        assert page.status == 200 and b"Nairobi" in page.content
        assert page.mime_type == "text/html" and page.charset == "utf-8"
        with pytest.raises(FetchError, match=r"disallowed by robots\.txt"):
            fetcher.get_page(site.url("/private/memo.html"))
        fetcher.get_page(site.url("/news/harbour.html"))
    assert site.hits["/private/memo.html"] == 0
    assert site.hits["/robots.txt"] == 1  # read once per fetcher
    agents = {headers.get("User-Agent") for _, _, headers in site.requests}
    assert agents == {USER_AGENT}
    assert USER_AGENT.startswith("dyad/")


def test_contact_goes_into_the_user_agent(monkeypatch):
    monkeypatch.setenv("DYAD_CONTACT", "ops@example.org")
    assert FetchSettings().user_agent.endswith("; +ops@example.org)")


def test_redirects_are_followed_and_each_hop_checked_against_robots(site):
    site.redirect("/old/kenya.html", "/news/kenya.html")
    site.redirect("/old/memo.html", "/private/memo.html", status=302)
    with Fetcher(FAST) as fetcher:
        page = fetcher.get_page(site.url("/old/kenya.html"))
        assert page.final_url == site.url("/news/kenya.html")
        assert page.url == site.url("/old/kenya.html")
        with pytest.raises(FetchError, match="robots"):
            fetcher.get_page(site.url("/old/memo.html"))
    assert site.hits["/private/memo.html"] == 0


def test_redirect_loops_end(site):
    site.redirect("/loop/a", "/loop/b")
    site.redirect("/loop/b", "/loop/a")
    with Fetcher(FAST) as fetcher, pytest.raises(FetchError, match="redirects"):
        fetcher.get(site.url("/loop/a"))
    assert site.hits["/loop/a"] + site.hits["/loop/b"] == FAST.max_redirects + 1


def test_failures_become_fetch_errors_and_transient_ones_are_retried(site):
    site.add("/news/broken.html", "oops", status=500)
    site.add("/news/slow.html", story("rail"), delay=3.0)
    site.add("/news/huge.html", stream=2_000_000)
    site.add("/news/declared-huge.html", "x" * 150_000)
    site.add("/news/brochure.pdf", b"%PDF-1.4 not really", content_type="application/pdf")
    with Fetcher(FAST) as fetcher:
        with pytest.raises(FetchError, match="404") as missing:
            fetcher.get_page(site.url("/news/missing.html"))
        assert missing.value.status == 404 and isinstance(missing.value, InputError)
        with pytest.raises(FetchError, match="500"):
            fetcher.get_page(site.url("/news/broken.html"))
        started = time.monotonic()
        with pytest.raises(FetchError, match="timed out"):
            fetcher.get_page(site.url("/news/slow.html"))
        assert time.monotonic() - started < 2.9  # two attempts of 1 s, not the 3 s sleep
        with pytest.raises(FetchError, match="over the limit"):
            fetcher.get_page(site.url("/news/huge.html"))
        with pytest.raises(FetchError, match="150,000 bytes"):
            fetcher.get_page(site.url("/news/declared-huge.html"))
        with pytest.raises(FetchError, match=r"not an HTML page \(application/pdf\)"):
            fetcher.get_page(site.url("/news/brochure.pdf"))
        with pytest.raises(FetchError, match="http"):
            fetcher.get_page("ftp://127.0.0.1/file.html")
    assert site.hits["/news/missing.html"] == 1  # a 404 is not retried at once
    assert site.hits["/news/broken.html"] == 2  # a 500 is, once (retries=1)
    assert site.hits["/news/slow.html"] == 2


def test_conditional_requests_get_304_without_a_body(site):
    site.add("/feed.xml", "<rss/>", content_type="application/rss+xml", etag='"v1"')
    with Fetcher(FAST) as fetcher:
        first = fetcher.get(site.url("/feed.xml"))
        assert first.etag == '"v1"' and not first.not_modified
        again = fetcher.get(site.url("/feed.xml"), etag=first.etag)
    assert again.not_modified and again.content == b""
    assert site.not_modified["/feed.xml"] == 1


def test_a_trickling_response_is_cut_at_the_total_time_limit():
    def slow_body():
        for _ in range(50):
            time.sleep(0.02)
            yield b"<p>more</p>"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=slow_body())

    settings = FetchSettings(total_timeout=0.2, retries=0, host_interval=0.0)
    fetcher = Fetcher(settings, transport=httpx.MockTransport(handler))
    with fetcher, pytest.raises(FetchError, match=r"over 0.2 s"):
        fetcher.get_page("http://news.invalid/a.html")


def test_requests_to_one_host_are_spaced(site):
    settings = FetchSettings(host_interval=0.15, timeout=2.0)
    sent: list[float] = []  # when the client sends, not when a busy server gets to it
    hooks = {"request": [lambda request: sent.append(time.monotonic())]}
    with httpx.Client(event_hooks=hooks) as client, Fetcher(settings, client=client) as fetcher:
        for _ in range(3):
            fetcher.get_page(site.url("/news/kenya.html"))
    gaps = [b - a for a, b in itertools.pairwise(sent)]
    assert len(gaps) == 3  # robots.txt, then three pages
    assert min(gaps) >= 0.13


def test_robots_txt_errors(site):
    with Site() as bare:  # no robots.txt: a 404 means everything is allowed
        bare.add("/news/a.html", story("dam"))
        with Fetcher(FAST) as fetcher:
            assert fetcher.get_page(bare.url("/news/a.html")).status == 200
    with Site() as down:  # robots.txt failing with 5xx: stay away
        down.add("/robots.txt", "busy", status=503)
        down.add("/news/a.html", story("dam"))
        with Fetcher(FAST) as fetcher, pytest.raises(FetchError, match="robots"):
            fetcher.get_page(down.url("/news/a.html"))
        assert down.hits["/news/a.html"] == 0
    with Fetcher(FetchSettings(robots=False, host_interval=0.0)) as fetcher:
        assert fetcher.get_page(site.url("/private/memo.html")).status == 200


def test_read_html_bytes_uses_the_declared_charset_and_the_page_url():
    html = article_html(
        "Mayor visits Bogotá",
        [
            "The mayor of the fictional town of Lakeside visited Bogotá on Thursday to "
            "study the city's bus lanes and its Sunday closures of main roads to cars.",
            "She said the visit would shape a plan to be put to the council in spring.",
        ],
        published="2024-05-02",
    ).replace('<meta charset="utf-8">', "")
    article = read_html_bytes(
        html.encode("iso-8859-1"), url="http://127.0.0.1/news/bogota.html", charset="iso-8859-1"
    )
    assert not isinstance(article, InputError)
    assert "Bogotá on Thursday" in article.text
    assert article.path == "http://127.0.0.1/news/bogota.html"
    assert article.url == "http://127.0.0.1/news/bogota.html"
    assert article.published == date(2024, 5, 2)
    empty = read_html_bytes(b"<html><body><img src=a.png></body></html>", url="http://x/y")
    assert isinstance(empty, InputError) and empty.path == "http://x/y"


@pytest.mark.slow
def test_fetch_ingests_pages_once_and_keeps_their_html(site, tmp_path, pipeline):
    db = tmp_path / "fetch.duckdb"
    urls = [
        site.url("/news/kenya.html"),
        site.url("/news/harbour.html?utm_source=newsletter"),
        site.url("/news/missing.html"),
        site.url("/news/kenya.html#comments"),  # the same page
    ]
    report = fetch_urls(urls, db=db, pipeline=pipeline, fetch_settings=FAST)
    assert (report.pages_fetched, report.articles_added, len(report.errors)) == (2, 2, 1)
    assert "404" in str(report.errors[0])
    assert site.hits["/news/kenya.html"] == 1
    assert raw_html(site.url("/news/kenya.html"), db=db) == story("kenya").encode()
    assert raw_html(site.url("/news/unknown.html"), db=db) is None

    with Store(db) as store:
        rows = store.con.execute(
            "SELECT a.url, a.published, count(m.mention_id) FROM articles a"
            " LEFT JOIN event_mentions m USING (article_id) GROUP BY ALL ORDER BY a.url"
        ).fetchall()
    assert [r[0] for r in rows] == [site.url("/news/harbour.html"), site.url("/news/kenya.html")]
    assert all(r[1] == date(2024, 3, 4) for r in rows)
    kenya_mentions = rows[1][2]
    assert kenya_mentions >= 1, "the signed agreement is an event"
    assert report.events_added >= 1

    again = fetch_urls(urls, db=db, pipeline=pipeline, fetch_settings=FAST)
    assert (again.pages_fetched, again.pages_known, again.articles_added) == (0, 2, 0)
    assert site.hits["/news/kenya.html"] == 1 and site.hits["/news/harbour.html"] == 1
    assert site.hits["/news/missing.html"] == 2  # a failed URL asked for again is retried

    with Store(db) as store:  # re-extraction from the kept HTML, without the network
        redo = IngestReport()
        reprocess(db, pipeline, redo)
    assert (redo.articles_read, redo.articles_added, redo.articles_skipped) == (2, 0, 2)
    assert site.hits["/news/kenya.html"] == 1


def test_cli_fetch_reports_failures_with_exit_code_1(site, tmp_path):
    args = ["fetch", site.url("/news/missing.html"), "--db", str(tmp_path / "f.duckdb")]
    result = CliRunner().invoke(app, [*args, "--delay", "0"])
    assert result.exit_code == 1
    assert "404" in result.stderr and "0 pages downloaded" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_refused_connection_is_said_so_and_not_mistaken_for_robots_txt():
    base = refused_url()
    with Fetcher(FAST) as fetcher:
        with pytest.raises(FetchError, match="cannot connect") as refused:
            fetcher.get_page(base + "/news/a.html")
        assert refused.value.host_failed and not refused.value.permanent
        assert "robots" not in str(refused.value)
        port = int(base.rsplit(":", 1)[1])
        with Site(port=port) as site:  # the host comes up: nothing about it was remembered
            site.add("/news/a.html", story("kenya"))
            assert fetcher.get_page(base + "/news/a.html").status == 200


def test_a_page_that_is_no_article_or_forbidden_is_a_permanent_failure(site):
    site.add("/news/brochure.pdf", b"%PDF-1.4", content_type="application/pdf")
    site.add("/news/gone.html", "gone", status=410)
    with Fetcher(FAST) as fetcher:
        for path in ("/news/brochure.pdf", "/private/memo.html", "/news/gone.html"):
            with pytest.raises(FetchError) as failed:
                fetcher.get_page(site.url(path))
            assert failed.value.permanent, path
        with pytest.raises(FetchError) as missing:  # may be published later: try again
            fetcher.get_page(site.url("/news/missing.html"))
        assert not missing.value.permanent


def test_a_stop_makes_no_further_request_and_skips_no_host_delay(site):
    stop = threading.Event()
    settings = FetchSettings(host_interval=2.0, timeout=2.0)
    with Fetcher(settings, stop=stop) as fetcher:
        fetcher.get_page(site.url("/news/kenya.html"))
        threading.Timer(0.3, stop.set).start()  # arrives while the host's 2 s delay runs
        started = time.monotonic()
        with pytest.raises(FetchStopped):
            fetcher.get_page(site.url("/news/harbour.html"))
        assert time.monotonic() - started < 1.5
        with pytest.raises(FetchStopped):
            fetcher.get_page(site.url("/news/harbour.html"))
    assert site.hits["/news/harbour.html"] == 0


def test_allowed_answers_from_robots_txt(site):
    with Fetcher(FAST) as fetcher:
        assert fetcher.allowed(site.url("/news/kenya.html"))
        assert not fetcher.allowed(site.url("/private/memo.html"))
        with pytest.raises(FetchError, match="cannot connect"):
            fetcher.allowed(refused_url() + "/news/a.html")
