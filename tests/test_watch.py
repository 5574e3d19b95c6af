"""Feed polling against a real HTTP server on 127.0.0.1: new items once, unchanged feeds
for free, failures isolated and backed off, restarts that fetch nothing twice."""

from __future__ import annotations

import gzip
import logging
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from typer.testing import CliRunner

import watch_child
from dyad.errors import InputError
from dyad.serve.cli import app
from dyad.sources.fetch import FetchSettings, normalise_url, raw_html
from dyad.sources.watch import (
    Watcher,
    WatchSettings,
    parse_feed,
    parse_interval,
    read_feeds_file,
    stop_on_signals,
)
from dyad.store.check import check_database
from dyad.store.store import Store
from live_server import FakePipeline
from local_site import SilentHost, Site, numbered_story, rss, story

FAST = FetchSettings(  # a 1 s timeout leaves room for a busy test machine
    timeout=1.0,
    total_timeout=3.0,
    retries=0,
    backoff=0.01,
    max_backoff=0.05,
    max_bytes=100_000,
    host_interval=0.0,
)
T0 = datetime(2024, 3, 4, 12, 0)
DATE = "Mon, 04 Mar 2024 08:00:00 GMT"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


# -- feeds files and feed parsing ----------------------------------------------------


def test_feeds_file_has_one_url_per_line_and_comments(tmp_path):
    path = tmp_path / "feeds.txt"
    path.write_text(
        "# world news\n"
        "https://news.example.org/world/rss.xml\n"
        "\n"
        "  https://news.example.org/sitemap-news.xml   # the news sitemap\n"
        "https://example.net/feed#section  \n"
        "https://news.example.org/world/rss.xml\n"
    )
    assert read_feeds_file(path) == [
        "https://news.example.org/world/rss.xml",
        "https://news.example.org/sitemap-news.xml",
        "https://example.net/feed#section",
    ]
    path.write_text("https://ok.example.org/rss\nnews.example.org/rss\n")
    with pytest.raises(InputError, match=r"feeds.txt:2: not an http\(s\) URL"):
        read_feeds_file(path)
    path.write_text("# nothing yet\n")
    with pytest.raises(InputError, match="no feed URLs"):
        read_feeds_file(path)
    with pytest.raises(InputError, match="cannot read"):
        read_feeds_file(tmp_path / "missing.txt")


def test_intervals_are_read_with_units():
    assert [parse_interval(v) for v in ("90", "90s", "15m", "1.5h", "1d")] == [
        90.0,
        90.0,
        900.0,
        5400.0,
        86400.0,
    ]
    with pytest.raises(ValueError, match="duration"):
        parse_interval("every hour")


def test_rss_items_resolve_relative_links_newest_first():
    data = rss(
        [
            ("/news/a.html", "Mon, 04 Mar 2024 08:00:00 GMT"),
            ("http://other.example/b.html", "Tue, 05 Mar 2024 08:00:00 GMT"),
        ]
    ).encode()
    feed = parse_feed(data, "http://site.example/feeds/world.xml")
    assert feed.kind == "rss"
    assert [i.url for i in feed.items] == [
        "http://other.example/b.html",
        "http://site.example/news/a.html",
    ]
    assert feed.items[0].published == datetime(2024, 3, 5, 8, 0)


def test_atom_feeds_are_read():
    data = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Courier</title><id>urn:x</id>
<updated>2024-03-04T10:00:00Z</updated>
<entry><title>One</title><id>urn:1</id><link href="http://site.example/1.html"/>
<updated>2024-03-04T10:00:00Z</updated></entry>
</feed>"""
    feed = parse_feed(data, "http://site.example/atom.xml")
    assert feed.kind == "atom"
    assert [i.url for i in feed.items] == ["http://site.example/1.html"]


def test_sitemaps_news_sitemaps_indexes_and_gzip():
    sitemap = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>http://site.example/old.html</loc><lastmod>2024-01-02</lastmod></url>
  <url><loc>http://site.example/new.html</loc>
    <news:news><news:publication_date>2024-03-04T09:30:00+01:00</news:publication_date>
    </news:news></url>
  <url><loc>  </loc></url>
</urlset>"""
    feed = parse_feed(sitemap, "http://site.example/sitemap.xml")
    assert feed.kind == "sitemap"
    assert [(i.url, i.published) for i in feed.items] == [
        ("http://site.example/new.html", datetime(2024, 3, 4, 8, 30)),
        ("http://site.example/old.html", datetime(2024, 1, 2)),
    ]
    assert parse_feed(gzip.compress(sitemap), "http://site.example/sitemap.xml.gz") == feed
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>http://site.example/sitemap-1.xml</loc></sitemap></sitemapindex>"""
    parsed = parse_feed(index, "http://site.example/index.xml")
    assert parsed.kind == "sitemapindex"
    assert parsed.items[0].url == "http://site.example/sitemap-1.xml"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html><body><p>Welcome to our shop</p></body></html>", "not an RSS or Atom"),
        (b"   \n", "empty"),
        (b"\x1f\x8bnot gzip at all", "gzip"),
        (gzip.compress(b"<urlset>" + b" " * 2000 + b"</urlset>"), "over 1,000 bytes"),
    ],
)
def test_what_is_not_a_feed_is_a_value_error(data, reason):
    with pytest.raises(ValueError, match=reason):
        parse_feed(data, "http://site.example/feed", max_bytes=1000)


# -- polling a live site ---------------------------------------------------------------


@pytest.fixture
def news():
    """A site with two good feeds, a sitemap, two broken feeds and a mix of pages."""
    with Site() as site:
        site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        for name in ("kenya", "harbour", "council", "rail", "dam"):
            site.add(f"/news/{name}.html", story(name))
        site.redirect("/old/council.html", "/news/council.html")
        site.add("/news/broken.html", "server trouble", status=500)
        site.add("/news/slow.html", story("market"), delay=3.0)
        site.add("/news/huge.html", stream=1_000_000)
        site.add("/news/brochure.pdf", b"%PDF-1.4", content_type="application/pdf")
        site.add("/private/memo.html", story("bridge"))
        world = [
            "/news/kenya.html",
            "/news/harbour.html",
            "/old/council.html",
            "/news/missing.html",
            "/news/broken.html",
            "/news/slow.html",
            "/news/huge.html",
            "/news/brochure.pdf",
            "/private/memo.html",
        ]
        site.add(
            "/world.rss",
            rss([(site.url(p), DATE) for p in world]),
            content_type="application/rss+xml",
            etag='"w1"',
        )
        site.add(
            "/local.rss",  # harbour again, as a tracked link with a fragment
            rss([("/news/rail.html", DATE), ("/news/harbour.html?utm_source=rss#top", DATE)]),
            content_type="application/rss+xml",
            last_modified=DATE,
        )
        site.add(  # no validators: the server sends it in full every time
            "/sitemap.xml",
            f"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc>{site.url("/news/dam.html")}</loc><lastmod>2024-03-04</lastmod></url>
            </urlset>""",
            content_type="application/xml",
        )
        site.add("/broken.rss", "<html><body>Moved to our app!</body></html>")
        site.add("/slow.rss", rss([]), delay=3.0, content_type="application/rss+xml")
        yield site


def _feeds(site, tmp_path, names=("world.rss", "broken.rss", "slow.rss", "local.rss")):
    path = tmp_path / "feeds.txt"
    lines = ["# feeds for the test site"] + [site.url(f"/{n}") for n in names]
    path.write_text("\n".join([*lines, site.url("/sitemap.xml")]) + "\n")
    return path


def _stored(db):
    with Store(db) as store:
        urls = [r[0] for r in store.con.execute("SELECT url FROM articles ORDER BY url").fetchall()]
        failures = dict(
            store.con.execute("SELECT url, failures FROM feeds WHERE failures > 0").fetchall()
        )
    return urls, failures


@pytest.mark.slow
def test_watch_ingests_new_items_once_and_isolates_failures(news, tmp_path, pipeline, caplog):
    db = tmp_path / "watch.duckdb"
    feeds = _feeds(news, tmp_path)
    clock = Clock()
    caplog.set_level(logging.INFO, logger="dyad.sources.watch")
    with Watcher(feeds, db=db, pipeline=pipeline, fetch_settings=FAST, clock=clock) as watcher:
        first = watcher.run_once()

        # every good page once, whichever feeds list it and however the link is spelled
        good = ["kenya", "harbour", "council", "rail", "dam"]
        assert first.articles_added == 5 and first.pages_fetched == 5
        urls, failing_feeds = _stored(db)
        assert urls == sorted(news.url(f"/news/{n}.html") for n in good)
        assert all(news.hits[f"/news/{n}.html"] == 1 for n in good)
        assert news.hits["/private/memo.html"] == 0
        # every failure is reported, none stopped the feeds after it
        assert first.feeds == 5 and first.feeds_failed == 2
        assert set(failing_feeds) == {news.url("/broken.rss"), news.url("/slow.rss")}
        reasons = " | ".join(str(e) for e in first.errors)
        for expected in ("404", "500", "timed out", "over the limit", "application/pdf"):
            assert expected in reasons
        assert "robots.txt" in reasons and "not an RSS or Atom feed" in reasons
        assert len(first.errors) == 8
        assert first.events_added >= 1, "the Kenya-Ethiopia agreement is an event"
        assert "5 new articles" in caplog.text and "2 failed" in caplog.text

        # second cycle: unchanged feeds answer 304; nothing is downloaded again
        pages_before = news.page_hits()
        second = watcher.run_once()
        assert news.not_modified["/world.rss"] == 1 and news.not_modified["/local.rss"] == 1
        assert news.hits["/sitemap.xml"] == 2  # no validators: read again, items all known
        assert news.page_hits() == pages_before  # failed pages wait for their retry time
        assert news.hits["/broken.rss"] == 1 and second.feeds_waiting == 2
        assert (second.pages_fetched, second.articles_added, second.errors) == (0, 0, [])

        # a new item in a feed: only that page is fetched
        news.add("/news/market.html", story("market"))
        items = [(news.url("/news/market.html"), DATE), (news.url("/news/kenya.html"), DATE)]
        news.add("/world.rss", rss(items), content_type="application/rss+xml", etag='"w2"')
        third = watcher.run_once()
        assert (third.pages_fetched, third.articles_added) == (1, 1)
        assert news.hits["/news/market.html"] == 1 and news.hits["/news/kenya.html"] == 1

    # restart, two days later: state comes from the database
    clock.now = T0 + timedelta(days=2)
    with Watcher(feeds, db=db, pipeline=pipeline, fetch_settings=FAST, clock=clock) as again:
        restarted = again.run_once()
    assert news.not_modified["/world.rss"] == 2  # the stored ETag was sent
    for name in [*good, "market"]:
        assert news.hits[f"/news/{name}.html"] == 1, name
    assert news.hits["/broken.rss"] == 2  # backoff over: failed feeds are tried again
    assert news.hits["/news/missing.html"] == 2  # and so are failed pages of a 304 feed
    assert restarted.articles_added == 0
    assert len(_stored(db)[0]) == 6


@pytest.mark.slow
def test_a_page_named_by_its_canonical_url_is_not_fetched_again(tmp_path, pipeline):
    db = tmp_path / "canon.duckdb"
    with Site() as site:
        canonical = site.url("/news/bridge.html")
        link = f'<link rel="canonical" href="{canonical}">'
        amp = story("bridge").replace("</title>", "</title>" + link)
        site.add("/amp/bridge.html", amp)
        site.add("/news/bridge.html", story("bridge"))
        site.add("/a.rss", rss([(site.url("/amp/bridge.html"), DATE)]), content_type="text/xml")
        site.add("/b.rss", rss([(canonical + "?utm_medium=social", DATE)]), content_type="text/xml")
        with Watcher([site.url("/a.rss")], db=db, pipeline=pipeline, fetch_settings=FAST) as w:
            report = w.run_once()
        assert (report.pages_fetched, report.articles_added) == (1, 1)
        feeds = [site.url("/a.rss"), site.url("/b.rss")]  # b.rss names it by its canonical URL
        with Watcher(feeds, db=db, pipeline=pipeline, fetch_settings=FAST) as watcher:
            report = watcher.run_once()
        assert (report.pages_fetched, report.articles_added) == (0, 0)
        assert site.hits["/amp/bridge.html"] == 1 and site.hits["/news/bridge.html"] == 0
    assert raw_html(canonical, db=db) == amp.encode()


def test_failing_feed_backs_off_and_recovers(tmp_path):
    clock = Clock()
    with Site() as site:
        site.add("/feed.rss", "not xml at all", status=503)
        feeds = [site.url("/feed.rss")]
        settings = WatchSettings(feed_retry=timedelta(minutes=5))
        db = tmp_path / "w.duckdb"
        with Watcher(
            feeds, db=db, fetch_settings=FAST, watch_settings=settings, clock=clock
        ) as watcher:
            assert watcher.run_once().feeds_failed == 1
            assert watcher.run_once().feeds_waiting == 1
            assert site.hits["/feed.rss"] == 1
            clock.now = T0 + timedelta(minutes=6)
            watcher.run_once()
            assert site.hits["/feed.rss"] == 2
            clock.now = T0 + timedelta(minutes=12)  # second failure: ten minutes wait
            assert watcher.run_once().feeds_waiting == 1
            site.add("/feed.rss", rss([]), content_type="application/rss+xml", etag='"e"')
            clock.now = T0 + timedelta(minutes=17)
            report = watcher.run_once()
        assert (report.feeds_failed, report.errors) == (0, [])
        with Store(db) as store:
            row = store.con.execute("SELECT failures, retry_at, etag, error FROM feeds").fetchone()
        assert row == (0, None, '"e"', None)


@pytest.mark.slow
def test_stop_between_articles_and_continue_after_restart(tmp_path, pipeline):
    db = tmp_path / "stop.duckdb"
    names = ["kenya", "harbour", "council", "rail"]
    with Site() as site:
        for name in names:
            site.add(f"/news/{name}.html", story(name))
        site.add(
            "/feed.rss",
            rss([(site.url(f"/news/{n}.html"), DATE) for n in names]),
            content_type="application/rss+xml",
        )
        site.add("/other.rss", rss([]), content_type="application/rss+xml")
        feeds = [site.url("/feed.rss"), site.url("/other.rss")]
        with Watcher(feeds, db=db, pipeline=pipeline, fetch_settings=FAST) as watcher:
            site.routes["/news/harbour.html"].on_request = watcher.stop  # Ctrl-C arrives here
            report = watcher.run_once()
        # pages go in the order listed first (one date for all: then by URL); the page
        # under way when the stop came is abandoned, nothing after it is asked for
        assert report.stopped and report.pages_fetched == 1 and report.articles_added == 0
        assert site.hits["/news/council.html"] == 1 and site.hits["/news/harbour.html"] == 1
        assert site.hits["/news/kenya.html"] == 0
        with Store(db) as store:
            assert store.page_counts() == {"downloaded": 1, "pending": 3}

        site.routes["/news/harbour.html"].on_request = None
        with Watcher(feeds, db=db, pipeline=pipeline, fetch_settings=FAST) as again:
            resumed = again.run_once()
        assert not resumed.stopped
        assert resumed.pages_fetched == 3 and resumed.articles_added == 4
        assert [site.hits[f"/news/{n}.html"] for n in names] == [1, 2, 1, 1]
        with Store(db) as store:
            assert store.page_counts() == {"done": 4}


def test_run_polls_every_interval_until_stopped_and_rereads_the_feeds_file(tmp_path):
    with Site() as site:
        site.add("/feed.rss", rss([]), content_type="application/rss+xml", etag='"x"')
        site.add("/more.rss", rss([]), content_type="application/rss+xml")
        feeds = tmp_path / "feeds.txt"
        feeds.write_text(site.url("/feed.rss") + "\n")
        settings = WatchSettings(every=0.0)
        with Watcher(
            feeds, db=tmp_path / "r.duckdb", fetch_settings=FAST, watch_settings=settings
        ) as watcher:
            watcher.run(cycles=3)
            assert site.hits["/feed.rss"] == 3 and site.not_modified["/feed.rss"] == 2
            feeds.write_text(f"{site.url('/feed.rss')}\n{site.url('/more.rss')}\n")
            assert watcher.run_once().feeds == 2
            feeds.write_text("not a url\n")  # a broken edit: keep polling the last good list
            assert watcher.run_once().feeds == 2
            watcher.stop()
            watcher.run()  # returns at once: stopped
        assert site.hits["/feed.rss"] == 5 and site.hits["/more.rss"] == 2


def test_sigterm_and_ctrl_c_ask_the_watcher_to_stop(tmp_path):
    with Watcher(["http://127.0.0.1:9/feed.rss"], db=tmp_path / "s.duckdb") as watcher:
        before = signal.getsignal(signal.SIGTERM)
        with stop_on_signals(watcher):
            os.kill(os.getpid(), signal.SIGTERM)
            assert watcher.stopping
            with pytest.raises(KeyboardInterrupt):  # a second Ctrl-C does not wait
                os.kill(os.getpid(), signal.SIGINT)
        assert signal.getsignal(signal.SIGTERM) is before


# -- the command ------------------------------------------------------------------------


def _dyad(*args: str) -> list[str]:
    return [sys.executable, "-m", "dyad", *args]


def _env() -> dict[str, str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("DYAD_DB", None)
    return env


@pytest.fixture
def dyad_logger():
    """The CLI points the ``dyad`` logger at stderr; put it back after the test."""
    logger = logging.getLogger("dyad")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    yield logger
    logger.handlers, logger.level, logger.propagate = saved


def test_cli_watch_once_logs_each_feed_and_page_and_fails_when_a_feed_does(tmp_path, dyad_logger):
    with Site() as site:
        site.add("/feed.rss", rss([]), content_type="application/rss+xml", etag='"x"')
        site.add("/news/a.pdf", b"%PDF-1.4", content_type="application/pdf")
        site.add("/files.rss", rss([(site.url("/news/a.pdf"), DATE)]), etag='"f"')
        feeds = tmp_path / "feeds.txt"
        feeds.write_text(f"# two feeds\n{site.url('/feed.rss')}\n{site.url('/files.rss')}\n")
        args = ["watch", str(feeds), "--db", str(tmp_path / "cli.duckdb"), "--delay", "0"]
        once = CliRunner().invoke(app, [*args, "--once", "-v"])
        assert once.exit_code == 0, once.stderr
        assert "INFO 2 feeds polled (0 unchanged, 0 failed" in once.stderr
        assert f"feed {site.url('/feed.rss')}: rss, 0 items, 0 new" in once.stderr
        assert f"page {site.url('/news/a.pdf')} failed 1×, given up: not an HTML" in once.stderr
        quiet = CliRunner().invoke(app, [*args, "--once", "--quiet"])
        assert quiet.exit_code == 0 and quiet.stderr == ""
        assert site.hits["/feed.rss"] == 2 and site.hits["/news/a.pdf"] == 1

        site.add("/feed.rss", "gone", status=410)
        failed = CliRunner().invoke(app, [*args, "--once"])
        assert failed.exit_code == 1  # for cron: a feed needs attention
        assert "1 failed" in failed.stderr and "HTTP 410 Gone" in failed.stderr
        waiting = CliRunner().invoke(app, [*args, "--once"])
        assert waiting.exit_code == 1 and "1 backing off" in waiting.stderr


def test_cli_watch_exits_within_seconds_of_sigterm_with_a_silent_host_in_flight(tmp_path):
    """systemd waits 90 s and docker 10 s before SIGKILL: the watcher must be gone well
    before, and what it was fetching stays pending."""
    with Site() as site, SilentHost("127.0.0.2") as silent:
        site.add("/feed.rss", rss([(silent + "/news/a.html", DATE)]), etag='"x"')
        feeds = tmp_path / "feeds.txt"
        feeds.write_text(f"{site.url('/feed.rss')}\n")
        db = tmp_path / "cli.duckdb"
        proc = subprocess.Popen(
            _dyad("watch", str(feeds), "--db", str(db), "--timeout", "60", "--every", "15m"),
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        try:
            deadline = time.monotonic() + 60
            while not site.hits["/feed.rss"] and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(1.0)  # the silent host's robots.txt is being waited for
            sent = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            _, stderr = proc.communicate(timeout=30)
            took = time.monotonic() - sent
        finally:
            proc.kill()
    assert proc.returncode == 0, stderr
    assert took <= 10.0, f"exit took {took:.1f} s"
    assert "SIGTERM: stopping" in stderr and "Traceback" not in stderr
    assert list(_pages(db).values()) == ["pending"]


def test_cli_watch_reports_bad_feeds_files_and_intervals(tmp_path):
    feeds = tmp_path / "feeds.txt"
    feeds.write_text("# feeds\nwww.example.org/rss\n")
    db = str(tmp_path / "x.duckdb")
    bad_file = CliRunner().invoke(app, ["watch", str(feeds), "--db", db, "--once"])
    assert bad_file.exit_code == 1
    assert "[D100]" in bad_file.stderr and "feeds.txt:2" in bad_file.stderr
    bad_every = CliRunner().invoke(app, ["watch", str(feeds), "--every", "hourly"])
    assert bad_every.exit_code == 2 and "--every" in bad_every.stderr
    too_often = CliRunner().invoke(app, ["watch", str(feeds), "--every", "0"])
    assert too_often.exit_code == 2 and "at least 60 s between polls" in too_often.stderr


# -- no listed item is ever lost ---------------------------------------------------------


def _site_with(site: Site, names: Sequence[str], feed: str = "/feed.rss", **options: object):
    for name in names:
        site.add(f"/news/{name}.html", story(name))
    items = [(site.url(f"/news/{n}.html"), DATE) for n in names]
    site.add(feed, rss(items), content_type="application/rss+xml", etag='"v1"', **options)
    return site.url(feed)


def _pages(db) -> dict[str, str]:
    with Store(db) as store:
        return dict(store.con.execute("SELECT url, state FROM pages").fetchall())


def test_max_new_leaves_the_rest_pending_for_the_next_polls(tmp_path):
    db = tmp_path / "max-new.duckdb"
    names = ["kenya", "harbour", "council"]
    settings = WatchSettings(max_new_per_feed=1)
    with Site() as site:
        feed = _site_with(site, names)
        with Watcher(
            [feed], db=db, pipeline=FakePipeline(), fetch_settings=FAST, watch_settings=settings
        ) as watcher:
            first = watcher.run_once()
            # all three listed items are recorded with the feed's ETag, one is fetched
            assert sorted(_pages(db).values()) == ["done", "pending", "pending"]
            later = [watcher.run_once() for _ in range(2)]
        assert site.not_modified["/feed.rss"] == 2  # the feed said nothing new
        assert [r.pages_fetched for r in (first, *later)] == [1, 1, 1]
        assert all(site.hits[f"/news/{n}.html"] == 1 for n in names)
    assert list(_pages(db).values()) == ["done"] * 3
    with Store(db) as store:
        assert store.counts()["articles"] == 3


def _child(db, *feeds: str) -> subprocess.Popen[str]:
    child = Path(__file__).parent / "watch_child.py"
    return subprocess.Popen(
        [sys.executable, str(child), str(db), *feeds],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )


def test_sigterm_after_two_of_five_pages_and_a_restart_gets_all_five(tmp_path):
    db = tmp_path / "sigterm.duckdb"
    names = ["kenya", "harbour", "council", "rail", "dam"]  # fetched in this order (by URL)
    order = sorted(names)
    with Site() as site:
        feed = _site_with(site, names)
        proc = _child(db, feed)
        third = site.routes[f"/news/{order[2]}.html"]
        third.on_request = lambda: proc.send_signal(signal.SIGTERM)
        third.delay = 1.0  # a slow page under way when the signal comes
        try:
            _, stderr = proc.communicate(timeout=60)
        finally:
            proc.kill()
        assert "SIGTERM: stopping" in stderr and "Traceback" not in stderr
        assert [site.hits[f"/news/{n}.html"] for n in order] == [1, 1, 1, 0, 0]
        states = _pages(db)
        assert sorted(states.values()).count("pending") == 3  # the third was abandoned
        assert site.not_modified["/feed.rss"] == 0

        third.on_request = None
        again = _child(db, feed)
        _, stderr = again.communicate(timeout=60)
        assert again.returncode == 0, stderr
        assert site.not_modified["/feed.rss"] == 1  # the feed answered 304: nothing new
        assert [site.hits[f"/news/{n}.html"] for n in order] == [1, 1, 2, 1, 1]
    assert list(_pages(db).values()) == ["done"] * 5
    with Store(db) as store:
        assert store.counts()["articles"] == 5


def test_permanent_failures_are_given_up_at_once_and_retry_times_start_at_the_failure(
    tmp_path,
):
    db = tmp_path / "permanent.duckdb"
    clock = Clock()
    with Site() as site:
        site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        site.add("/news/brochure.pdf", b"%PDF-1.4", content_type="application/pdf")
        site.add("/private/memo.html", story("bridge"))
        broken = site.add("/news/broken.html", "server trouble", status=500)
        broken.on_request = lambda: setattr(clock, "now", T0 + timedelta(minutes=4))
        listed = ["/news/brochure.pdf", "/private/memo.html", "/news/broken.html"]
        site.add("/feed.rss", rss([(site.url(p), DATE) for p in listed]), etag='"v1"')
        feeds = [site.url("/feed.rss")]
        with Watcher(
            feeds, db=db, pipeline=FakePipeline(), fetch_settings=FAST, clock=clock
        ) as watcher:
            first = watcher.run_once()
            assert (first.pages_given_up, first.pages_failed) == (2, 1)
            with Store(db) as store:
                rows = store.con.execute("SELECT url, state, retry_at FROM pages").fetchall()
            by_path = {urlsplit(url).path: (state, when) for url, state, when in rows}
            assert by_path["/news/brochure.pdf"] == ("given_up", None)
            assert by_path["/private/memo.html"] == ("given_up", None)
            # 15 minutes from when it failed (4 minutes into the poll), not from the start
            assert by_path["/news/broken.html"] == ("pending", T0 + timedelta(minutes=19))
            clock.now = T0 + timedelta(days=2)
            watcher.run_once()
    assert site.hits["/news/brochure.pdf"] == 1 and site.hits["/private/memo.html"] == 0
    assert site.hits["/news/broken.html"] == 2


def test_a_silent_host_and_a_trickling_host_hold_up_no_other_page(tmp_path):
    """Pages of three hosts in one feed, the bad ones listed first: the good host's pages
    are all asked for within a second or so. A slow page costs its host one time budget;
    a host that cannot be reached costs one timeout, and its other pages wait for the
    next poll without counting as failures."""
    db = tmp_path / "hosts.duckdb"
    with Site() as good, Site("127.0.0.2") as trickler, SilentHost("127.0.0.3") as silent:
        trickler.add("/news/slow.html", numbered_story(100), trickle=0.05)
        trickler.add("/news/next.html", numbered_story(101))
        for number in range(6):
            good.add(f"/news/{number}.html", numbered_story(number))
        newer = "Tue, 05 Mar 2024 08:00:00 GMT"
        items = [
            (silent + "/news/a.html", newer),
            (silent + "/news/b.html", newer),
            (trickler.url("/news/slow.html"), newer),
            (trickler.url("/news/next.html"), DATE),
            *[(good.url(f"/news/{n}.html"), DATE) for n in range(6)],
        ]
        good.add("/feed.rss", rss(items), content_type="application/rss+xml")
        with Watcher(
            [good.url("/feed.rss")], db=db, pipeline=FakePipeline(), fetch_settings=FAST
        ) as watcher:
            started = time.monotonic()
            report = watcher.run_once()
            took = time.monotonic() - started
        asked = [when for path, when, _ in good.requests if path.startswith("/news/")]
    assert len(asked) == 6 and report.articles_added == 7
    assert max(asked) - started < 2.0, "the good pages waited for the bad hosts"
    assert took < FAST.total_timeout + 3.0
    assert (report.pages_fetched, report.pages_failed, report.pages_deferred) == (7, 2, 1)
    reasons = sorted(e.reason for e in report.errors)
    assert reasons == ["timed out (no answer within 1 s)", "timed out (over 3 s)"]
    assert trickler.hits["/news/next.html"] == 1
    assert sorted(_pages(db).values()) == ["done"] * 7 + ["pending"] * 3


def test_a_reader_gets_through_while_a_poll_is_under_way(tmp_path):
    """The watcher holds the database only for short writes: `dyad stats` in another
    process answers while a page is still downloading (it waits at most 2 s here)."""
    db = tmp_path / "busy.duckdb"
    arrived, release = threading.Event(), threading.Event()

    def hold() -> None:
        arrived.set()
        release.wait(60)

    patient = FetchSettings(timeout=60.0, total_timeout=90.0, retries=0, host_interval=0.0)
    with Site() as site:
        feed = _site_with(site, ["kenya", "harbour"])
        site.routes["/news/kenya.html"].on_request = hold
        with Watcher([feed], db=db, pipeline=FakePipeline(), fetch_settings=patient) as watcher:
            poll = threading.Thread(target=watcher.run_once)
            poll.start()
            try:
                assert arrived.wait(30)
                stats = subprocess.run(
                    _dyad("stats", "--db", str(db)),
                    capture_output=True,
                    text=True,
                    env={**_env(), "DYAD_LOCK_TIMEOUT": "2"},
                    timeout=120,
                )
                still_polling = poll.is_alive()
            finally:
                release.set()
                poll.join(60)
    assert still_polling
    assert stats.returncode == 0, stats.stderr
    assert "articles" in stats.stdout


def test_kill_9_at_random_moments_loses_and_duplicates_nothing(tmp_path, monkeypatch):
    """20 watchers killed with SIGKILL at random moments (recording items, downloading,
    ingesting, writing), while the feeds keep listing more; then one poll to the end."""
    db = tmp_path / "killed.duckdb"
    rng = random.Random(25)
    # Children fork from a server that imported the watcher once, so each starts at once.
    tests = str(Path(__file__).parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([tests, os.environ.get("PYTHONPATH", "")]))
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["watch_child"])
    mid_work = 0  # kills that left listed items not yet done
    with Site() as one, Site("127.0.0.2") as two:
        sites = (one, two)
        listed: dict[Site, list[tuple[str, str]]] = {one: [], two: []}

        def publish(number: int) -> None:
            site = sites[number % 2]
            site.add(f"/news/{number}.html", numbered_story(number), delay=0.05)
            listed[site].append((site.url(f"/news/{number}.html"), DATE))
            site.add("/feed.rss", rss(listed[site]), etag=f'"{len(listed[site])}"')

        feeds = [one.url("/feed.rss"), two.url("/feed.rss")]
        number = 0
        for _ in range(20):
            for _ in range(3):
                publish(number)
                number += 1
            asked = one.hits["/feed.rss"]
            child = context.Process(target=watch_child.poll, args=(str(db), feeds))
            child.start()
            deadline = time.monotonic() + 60
            while one.hits["/feed.rss"] == asked and time.monotonic() < deadline:
                time.sleep(0.01)  # at work now (a busy machine may take a while to get here)
            time.sleep(rng.uniform(0.0, 0.6))
            child.kill()  # SIGKILL; a child that already exited is left alone
            child.join(10)
            if db.exists() and set(_pages(db).values()) - {"done"}:
                mid_work += 1
        finished = context.Process(target=watch_child.poll, args=(str(db), feeds))
        finished.start()
        finished.join(120)
        assert finished.exitcode == 0
    assert mid_work >= 10, "the kills should land while there is work under way"
    report = check_database(db)
    assert report.ok, report.problems
    assert _pages(db) == {normalise_url(u): "done" for s in sites for u, _ in listed[s]}
    with Store(db) as store:
        counts = store.counts()
        stored = {r[0] for r in store.con.execute("SELECT path FROM articles").fetchall()}
    assert stored == {u for s in sites for u, _ in listed[s]}
    assert counts["articles"] == counts["event_mentions"] == number == 60
