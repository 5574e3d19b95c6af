"""The REST API through a real uvicorn server on localhost: reads, CSV, errors, writes,
size limits, a busy database, and schema fuzzing with schemathesis."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

import dyad
from dyad.errors import StoreError
from dyad.records import Article
from dyad.serve.server import create_app
from dyad.serve.server_models import EventOut
from live_server import TOKEN, FakePipeline, build_db, live_server
from local_site import Site, article_html, rss

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("serve") / "events.duckdb"
    build_db(path)
    return path


@pytest.fixture(scope="module")
def base_url(db_path) -> Iterator[str]:
    with live_server(create_app(db_path)) as url:
        yield url


@pytest.fixture(scope="module")
def client(base_url) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url + "/api/v1", timeout=10) as c:
        yield c


@pytest.fixture
def writable(tmp_path):
    """A writable server over a fresh database, with a counting fake pipeline."""
    built: list[FakePipeline] = []

    def factory() -> FakePipeline:
        built.append(FakePipeline())
        return built[-1]

    path = tmp_path / "w.duckdb"
    build_db(path)
    app = create_app(path, write_token=TOKEN, max_request_bytes=20_000, pipeline_factory=factory)
    with live_server(app) as url, httpx.Client(base_url=url + "/api/v1", timeout=10) as c:
        yield c, built


# -- reads -------------------------------------------------------------------------------


def test_info_and_stats(client):
    info = client.get("/info").json()
    assert info["writable"] is False
    stats = client.get("/stats").json()
    assert stats["articles"] == 4
    assert stats["events"] == 6
    assert stats["first_published"] == "2024-03-04"
    assert stats["link_settings"] == "defaults"


def test_events_filters_paging_and_sorting(client):
    page = client.get("/events", params={"dyad": "KEN-ETH"}).json()
    assert page["total"] == 4
    assert {e["plover"] for e in page["items"]} == {"CONSULT", "ACCUSE", "SANCTION"}
    directed = client.get("/events", params={"dyad": "ETH>KEN"}).json()
    assert [e["status"] for e in directed["items"]] == ["planned"]
    assert client.get("/events", params={"text": "police post"}).json()["total"] == 1
    for wildcard in ({"text": "_"}, {"actor": "%"}, {"source": "K%"}, {"place": "%"}):
        assert client.get("/events", params=wildcard).json()["total"] == 0, wildcard
    assert client.get("/events", params={"place": "Gao", "quad_class": 4}).json()["total"] == 1
    ascending = client.get("/events", params={"descending": "false", "limit": 2, "offset": 1})
    body = ascending.json()
    assert (body["limit"], body["offset"], body["total"]) == (2, 1, 6)
    dates = [
        e["date"] for e in client.get("/events", params={"descending": "false"}).json()["items"]
    ]
    assert [e["date"] for e in body["items"]] == dates[1:3]
    first = page["items"][0]
    assert first["evidence"] and first["article_id"] and first["outlet"] is not None
    assert set(first) == set(EventOut.model_fields)


def test_events_as_csv_by_parameter_and_by_accept_header(client):
    by_param = client.get("/events", params={"dyad": "KEN-ETH", "format": "csv"})
    by_header = client.get("/events", params={"dyad": "KEN-ETH"}, headers={"Accept": "text/csv"})
    for response in (by_param, by_header):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert len(rows) == 4
        assert list(rows[0]) == list(EventOut.model_fields)
    assert by_param.text == by_header.text
    json_wins = client.get("/events", headers={"Accept": "application/json, text/csv"})
    assert json_wins.headers["content-type"].startswith("application/json")
    empty = client.get("/events", params={"text": "no such words", "format": "csv"})
    assert empty.text.strip() == ",".join(EventOut.model_fields)


def test_event_detail_offsets_point_into_the_article_text(client):
    event_id = client.get("/events", params={"plover": "ACCUSE"}).json()["items"][0]["event_id"]
    detail = client.get(f"/events/{event_id}").json()
    mention = detail["mentions"][0]
    assert mention["sentence"] == "Kenya accused Ethiopia of delays."
    assert detail["evidence"] == mention["sentence"]
    article = client.get(f"/articles/{mention['article_id']}").json()
    text = article["text"]
    assert text[mention["start_char"] : mention["end_char"]] == mention["sentence"]
    assert [s["text"] for s in article["sentences"]][1] == mention["sentence"]


def test_articles_actors_timeline_upcoming(client):
    articles = client.get("/articles", params={"source": "Coastal Wire"}).json()
    assert [a["path"] for a in articles["items"]] == ["b.txt"]
    assert (
        client.get("/articles", params={"published_from": "2024-04-15"}).json()["items"][0]["path"]
        == "c.txt"
    )
    assert client.get("/actors").json()["items"] == []  # the hand-made articles code no actors
    timeline = client.get("/timeline", params={"dyad": "KEN-ETH", "by": "month"}).json()
    assert [(r["period"], r["quad_class"], r["events"]) for r in timeline["items"]] == [
        ("2024-03-01", 1, 1),
        ("2024-03-01", 3, 1),
        ("2024-04-01", 4, 1),
        ("2024-05-01", 1, 1),
    ]
    upcoming_page = client.get("/upcoming").json()
    assert upcoming_page["today"] == client.get("/stats").json()["last_published"]
    upcoming = upcoming_page["items"]
    assert [(e["plover"], e["date"]) for e in upcoming] == [("CONSULT", "2024-05-01")]
    assert client.get("/upcoming", params={"today": "2024-07-01"}).json()["items"] == []
    assert client.get("/timeline", params={"format": "csv"}).text.startswith("period,quad_class")


def test_places_follow_the_filters(client):
    every = client.get("/places").json()
    assert (every["located"], every["unlocated"]) == (2, 4)
    assert [(p["location_name"], p["location_lat"], p["events"]) for p in every["items"]] == [
        ("Gao", 16.27, 1),
        ("Nairobi", -1.29, 1),
    ]
    kenya = client.get("/places", params={"dyad": "KEN-ETH"}).json()
    assert [p["location_name"] for p in kenya["items"]] == ["Nairobi"]
    assert (kenya["located"], kenya["unlocated"]) == (1, 3)
    assert client.get("/places", params={"place": "%"}).json()["items"] == []
    rows = list(csv.DictReader(io.StringIO(client.get("/places", params={"format": "csv"}).text)))
    assert [r["location_name"] for r in rows] == ["Gao", "Nairobi"]


# -- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "status", "words"),
    [
        ("/events", {"dyad": "KEN ETH"}, 400, "dyad 'KEN ETH'"),
        ("/events", {"limit": 0}, 422, "query parameter 'limit'"),
        ("/events", {"limit": 5000}, 422, "less than or equal to 1000"),
        ("/events", {"date_from": "March"}, 422, "query parameter 'date_from'"),
        ("/events", {"status": "rumoured"}, 422, "query parameter 'status'"),
        ("/events", {"plover": "bogus"}, 400, "plover type 'BOGUS' is not one of AGREE"),
        ("/timeline", {"cameo": "%"}, 400, "cameo '%'"),
        (
            "/events",
            {"date_from": "2024-05-01", "date_to": "2024-03-01"},
            400,
            "start is after the end",
        ),
        ("/events", {"order": "random"}, 422, "query parameter 'order'"),
        ("/events", {"format": "xml"}, 422, "query parameter 'format'"),
        ("/timeline", {"by": "fortnight"}, 422, "query parameter 'by'"),
        ("/events/nope", {}, 404, "no event with id 'nope'"),
        ("/articles/nope", {}, 404, "no article with id 'nope'"),
        ("/nothing-here", {}, 404, "Not Found"),
    ],
)
def test_bad_requests_get_a_clear_4xx_and_the_server_keeps_serving(
    client, path, params, status, words
):
    bad = client.get(path, params=params)
    assert bad.status_code == status
    body = bad.json()
    assert words in body["detail"]
    assert set(body) == {"detail", "code", "hint", "errors"}
    good = client.get("/events", params={"limit": 1})
    assert good.status_code == 200
    assert len(good.json()["items"]) == 1


def test_read_only_server_refuses_writes(client):
    response = client.post("/articles", json={"text": "Kenya met Ethiopia."})
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]


def test_static_files_stay_inside_the_web_directory(base_url):
    with httpx.Client(base_url=base_url) as c:
        for path in ("/static/../server.py", "/static/%2e%2e/server.py", "/static/..%2fstore.py"):
            response = c.get(path)
            assert response.status_code == 404, path
            assert "import" not in response.text
        page = c.get("/")
        assert page.status_code == 200
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["x-content-type-options"] == "nosniff"
        docs = c.get("/docs")
        assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text
        assert "cdn" not in docs.text.lower()
        schema = c.get("/openapi.json").json()
        assert {"/api/v1/events", "/api/v1/events/{event_id}", "/api/v1/articles"} <= set(
            schema["paths"]
        )


def test_missing_database_is_an_error_unless_writable(tmp_path):
    with pytest.raises(StoreError, match="no such database"):
        create_app(tmp_path / "missing.duckdb")
    create_app(tmp_path / "new.duckdb", write_token=TOKEN)
    assert (tmp_path / "new.duckdb").exists()


def test_serve_command_reports_a_missing_database(tmp_path):
    from dyad.serve.cli import app

    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "no such database" in result.output


# -- one owner: readers and a writer at once ---------------------------------------------


@pytest.fixture
def parked_write(tmp_path, monkeypatch):
    """A database whose writes stop inside their transaction until the test lets them go
    on."""
    from dyad.store.store import Store

    path = tmp_path / "w.duckdb"
    build_db(path)
    inside, go_on = threading.Event(), threading.Event()
    relink = Store._relink

    def parked(self, *args, **kwargs):
        inside.set()
        assert go_on.wait(20), "the test never let the write go on"
        return relink(self, *args, **kwargs)

    monkeypatch.setattr(Store, "_relink", parked)
    return path, inside, go_on


def _post(url: str, articles: list[dict], answers: list[httpx.Response]) -> None:
    with httpx.Client(base_url=url + "/api/v1", timeout=30) as c:
        answers.append(c.post("/articles", json=articles, headers=AUTH))


def test_reads_go_on_while_a_write_is_under_way_and_then_see_it(parked_write):
    path, inside, go_on = parked_write
    app = create_app(path, write_token=TOKEN, pipeline_factory=FakePipeline)
    mix = ["/events", "/events?dyad=KEN-ETH", "/events?text=talks", "/timeline", "/upcoming"]
    with live_server(app) as url, httpx.Client(base_url=url + "/api/v1", timeout=30) as c:
        before = {p: c.get(p).json() for p in [*mix, "/stats"]}  # computed and cached
        answers: list[httpx.Response] = []
        writer = threading.Thread(
            target=_post,
            args=(url, [{"text": f"Kenya met Ethiopia, round {i}."} for i in range(3)], answers),
        )
        writer.start()
        assert inside.wait(20)
        during: list[tuple[str, int, Any]] = []

        def read(paths: list[str]) -> None:
            with httpx.Client(base_url=url + "/api/v1", timeout=30) as reader:
                for p in paths * 3:
                    r = reader.get(p)
                    during.append((p, r.status_code, r.json()))

        readers = [threading.Thread(target=read, args=([*mix, "/stats"],)) for _ in range(4)]
        for t in readers:
            t.start()
        for t in readers:
            t.join(20)
        parked = not go_on.is_set() and writer.is_alive()
        go_on.set()
        writer.join(20)
        assert parked, "the reads had to wait for the write"
        assert len(during) == 4 * 3 * (len(mix) + 1)
        assert all(status == 200 for _, status, _ in during)
        assert all(body == before[p] for p, _, body in during)  # the state before the write
        assert answers[0].status_code == 200 and answers[0].json()["articles_added"] == 3
        after = c.get("/stats").json()
        assert after["articles"] == before["/stats"]["articles"] + 3
        assert c.get("/events").json()["total"] > before["/events"]["total"]


@pytest.mark.parametrize("entries", [256, 0])
def test_read_answers_are_kept_until_the_next_write(tmp_path, monkeypatch, entries):
    from dyad.store.query import Database

    queries: list[str] = []
    timeline = Database.timeline

    def counted(self, *args, **kwargs):
        queries.append("timeline")
        return timeline(self, *args, **kwargs)

    monkeypatch.setattr(Database, "timeline", counted)
    path = tmp_path / "w.duckdb"
    build_db(path)
    app = create_app(path, write_token=TOKEN, pipeline_factory=FakePipeline, cache_entries=entries)
    with live_server(app) as url, httpx.Client(base_url=url + "/api/v1", timeout=30) as c:
        first = c.get("/timeline", params={"by": "year"})
        again = c.get("/timeline", params={"by": "year"})
        as_csv = c.get("/timeline", params={"by": "year"}, headers={"Accept": "text/csv"})
        assert first.content == again.content and as_csv.text.startswith("period,")
        posted = c.post("/articles", json={"text": "Kenya met Ethiopia."}, headers=AUTH)
        assert posted.status_code == 200
        after = c.get("/timeline", params={"by": "year"})
    assert sum(r["events"] for r in after.json()["items"]) == 1 + sum(
        r["events"] for r in first.json()["items"]
    )
    assert len(queries) == (3 if entries else 4)


def test_more_requests_than_the_server_takes_get_503_with_retry_after(parked_write):
    path, inside, go_on = parked_write
    app = create_app(path, write_token=TOKEN, pipeline_factory=FakePipeline, max_in_flight=1)
    with live_server(app) as url, httpx.Client(base_url=url + "/api/v1", timeout=30) as c:
        answers: list[httpx.Response] = []
        writer = threading.Thread(
            target=_post, args=(url, [{"text": "Kenya met Ethiopia."}], answers)
        )
        writer.start()
        assert inside.wait(20)
        busy = c.get("/stats")
        go_on.set()
        writer.join(20)
        assert busy.status_code == 503
        assert busy.headers["retry-after"] == "2"
        assert "too many requests" in busy.json()["detail"]
        assert answers[0].status_code == 200
        assert c.get("/stats").status_code == 200


def test_a_served_database_is_held_open_for_writing(tmp_path):
    """While a writable server runs, no other process can write the file behind its back."""
    path = tmp_path / "w.duckdb"
    build_db(path)
    with live_server(create_app(path, write_token=TOKEN, pipeline_factory=FakePipeline)):
        code = "import duckdb, sys; duckdb.connect(sys.argv[1])"
        other = subprocess.run(
            [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60
        )
        assert other.returncode != 0 and "lock" in other.stderr
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=60)


def test_dyad_ingest_through_the_server_while_clients_read(tmp_path):
    """A real writer (`dyad ingest --server`, another process) and concurrent readers on
    one served file: every read answers, the ingest completes, and re-running it adds
    nothing. The ids are those a local ingest gives the same files."""
    from dyad.api import ingest

    path = tmp_path / "w.duckdb"
    build_db(path)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(30):
        (corpus / f"{i:02}.txt").write_text(
            f"date 2024-06-{1 + i % 28:02}\nKenya and Ethiopia met for talks, round {i}.\n"
        )
    app = create_app(path, write_token=TOKEN, pipeline_factory=FakePipeline)
    command = [sys.executable, "-m", "dyad", "ingest", str(corpus), "--batch-size", "4"]
    env = {**os.environ, "DYAD_WRITE_TOKEN": TOKEN}
    with live_server(app) as url, httpx.Client(base_url=url + "/api/v1", timeout=30) as c:
        writer = subprocess.Popen(
            [*command, "--server", url], env=env, stderr=subprocess.PIPE, text=True
        )
        seen: list[tuple[int, int]] = []

        def read() -> None:
            with httpx.Client(base_url=url + "/api/v1", timeout=30) as reader:
                while writer.poll() is None:
                    for p in ["/events?dyad=KEN-ETH", "/events?text=talks", "/timeline"]:
                        assert reader.get(p).status_code == 200
                    stats = reader.get("/stats")
                    seen.append((stats.status_code, stats.json()["articles"]))

        readers = [threading.Thread(target=read) for _ in range(4)]
        for t in readers:
            t.start()
        _, stderr = writer.communicate(timeout=120)
        for t in readers:
            t.join(30)
        assert writer.returncode == 0, stderr
        assert "30 articles read, 30 added" in stderr
        assert seen and all(status == 200 for status, _ in seen)
        assert seen[-1][1] <= 34 and c.get("/stats").json()["articles"] == 34
        again = subprocess.run(
            [*command, "--server", url], env=env, capture_output=True, text=True, timeout=120
        )
        assert "30 already stored" in again.stderr
        served = {a["article_id"]: a["path"] for a in c.get("/articles?limit=100").json()["items"]}
    local = tmp_path / "local.duckdb"
    ingest([str(corpus)], db=local, pipeline=FakePipeline())
    with dyad.open(local) as database:
        here = {a["article_id"]: a["path"] for a in database.articles(output="records")}
    assert here.items() <= served.items() and len(here) == 30


def test_ingest_through_a_server_says_what_is_wrong(tmp_path, base_url):
    from dyad.serve.cli import app

    runner = CliRunner()
    (tmp_path / "a.txt").write_text("Kenya met Ethiopia.")
    read_only = runner.invoke(app, ["ingest", str(tmp_path), "--server", base_url, "--token", "x"])
    assert read_only.exit_code == 1
    assert "D302" in read_only.output and "read-only" in read_only.output
    mixed = runner.invoke(
        app, ["ingest", str(tmp_path), "--server", base_url, "--token", "x", "--resume"]
    )
    assert mixed.exit_code == 2 and "--resume: only for an ingest here" in mixed.output
    gone = runner.invoke(
        app, ["ingest", str(tmp_path), "--server", "http://127.0.0.1:9", "--token", "x"]
    )
    assert gone.exit_code == 1 and "cannot reach the server" in gone.output


def test_serve_watch_polls_feeds_while_clients_read(tmp_path):
    """The server polls a local feed itself (`dyad serve --watch`) while clients read:
    every read answers, every item is stored, and the reads see them arrive in order."""
    from dyad.sources.fetch import FetchSettings
    from dyad.sources.watch import WatchSettings

    path = tmp_path / "w.duckdb"
    build_db(path)
    towns = ["Kisumu", "Nakuru", "Eldoret", "Garissa", "Malindi", "Thika"]
    with Site() as site:
        for town in towns:
            site.add(
                f"/news/{town}.html",
                article_html(
                    f"Envoys meet in {town}",
                    [
                        f"Kenyan and Ethiopian envoys met in {town} on Monday to talk about "
                        "the shared border and the grazing season ahead.",
                        "Both delegations said the talks were friendly and would go on in "
                        "the spring, when the rains have come and gone.",
                        f"Traders in {town} said they hoped for a calmer market season.",
                    ],
                ),
            )
        day = "Mon, 03 Jun 2024 08:00:00 GMT"
        items = [(site.url(f"/news/{town}.html"), day) for town in towns]
        site.add("/world.rss", rss(items), content_type="application/rss+xml")
        site.add("/robots.txt", "User-agent: *\n", content_type="text/plain")
        app = create_app(
            path,
            pipeline_factory=FakePipeline,
            watch=[site.url("/world.rss")],
            watch_settings=WatchSettings(every=3600),
            fetch_settings=FetchSettings(host_interval=0),
        )
        with live_server(app) as url, httpx.Client(base_url=url + "/api/v1", timeout=30) as c:
            counts: list[int] = []
            deadline = time.monotonic() + 60
            while (not counts or counts[-1] < 4 + len(towns)) and time.monotonic() < deadline:
                for p in ["/events?dyad=KEN-ETH", "/events?text=envoys", "/timeline", "/upcoming"]:
                    assert c.get(p).status_code == 200
                stats = c.get("/stats")
                assert stats.status_code == 200
                counts.append(stats.json()["articles"])
            assert c.get("/info").json()["writable"] is False  # no token: no POST
    assert counts[-1] == 4 + len(towns)
    assert counts == sorted(counts)  # never a step back
    assert all(site.hits[f"/news/{town}.html"] == 1 for town in towns)


# -- writes ------------------------------------------------------------------------------


def test_write_needs_the_token(writable):
    client, built = writable
    no_token = client.post("/articles", json={"text": "Kenya met Ethiopia."})
    assert no_token.status_code == 401
    assert no_token.headers["www-authenticate"] == "Bearer"
    wrong = client.post(
        "/articles", json={"text": "x"}, headers={"Authorization": "Bearer " + TOKEN[:-1]}
    )
    assert wrong.status_code == 401
    assert "wrong token" in wrong.json()["detail"]
    assert built == []  # the pipeline is not loaded for refused requests
    assert client.get("/info").json()["writable"] is True


def test_wrong_tokens_are_limited_per_client(tmp_path):
    path = tmp_path / "w.duckdb"
    build_db(path)
    app = create_app(
        path,
        write_token=TOKEN,
        pipeline_factory=FakePipeline,
        max_wrong_tokens=3,
        wrong_token_window=2.0,
    )
    article = {"text": "Kenyan and Ethiopian envoys met again in Addis Ababa."}
    right = {"Authorization": f"Bearer {TOKEN}"}
    wrong = {"Authorization": "Bearer guess"}
    with live_server(app) as url:
        guesser = httpx.Client(base_url=url + "/api/v1", timeout=10)
        # Another client address on this machine (Linux routes all of 127/8 to lo).
        other = httpx.Client(
            base_url=url + "/api/v1",
            timeout=10,
            transport=httpx.HTTPTransport(local_address="127.0.0.2"),
        )
        with guesser, other:
            assert [guesser.post("/articles", json=article, headers=wrong).status_code
                    for _ in range(3)] == [401, 401, 401]  # fmt: skip
            refused = guesser.post("/articles", json=article, headers=wrong)
            assert refused.status_code == 429
            assert "3 wrong tokens from 127.0.0.1 within 2 seconds" in refused.json()["detail"]
            assert 1 <= int(refused.headers["retry-after"]) <= 2
            # Locked out even with the right token, so guessing gains nothing.
            assert guesser.post("/articles", json=article, headers=right).status_code == 429
            assert other.post("/articles", json=article, headers=right).status_code == 200
            time.sleep(float(refused.headers["retry-after"]) + 0.1)
            assert guesser.post("/articles", json=article, headers=right).status_code == 200
            assert guesser.get("/info").status_code == 200  # reads are never limited


def test_write_ingests_articles_and_reads_see_them(writable):
    client, built = writable
    auth = {"Authorization": f"Bearer {TOKEN}"}
    one = {
        "text": "Kenyan and Ethiopian envoys met in Addis Ababa.",
        "title": "Envoys meet",
        "url": "https://example.org/envoys",
        "published": "2024-06-02",
        "source": "Lake Post",
    }
    first = client.post("/articles", json=one, headers=auth)
    assert first.status_code == 200, first.text
    report = first.json()
    assert (report["articles_added"], report["mentions_added"]) == (1, 1)
    article = client.get(f"/articles/{report['article_ids'][0]}").json()
    assert (article["title"], article["source"], article["published"]) == (
        "Envoys meet",
        "Lake Post",
        "2024-06-02",
    )
    assert client.get("/events", params={"date_from": "2024-06-01"}).json()["total"] == 1
    again = client.post(
        "/articles",
        json=[one, {"text": "Ethiopia hosted Kenya for more talks."}, {"text": "FAIL here"}],
        headers=auth,
    ).json()
    assert (again["articles_added"], again["articles_skipped"]) == (1, 1)
    assert len(again["errors"]) == 1 and "processing failed" in again["errors"][0]
    assert len(built) == 1  # loaded once, on the first write


def test_posted_text_is_cleaned_like_a_read_file(writable, tmp_path):
    """The server runs the same clean stage as a local ingest: same article id, and a
    text that is only page chrome is an error naming it, not an empty article."""
    from dyad.pipeline import read_articles

    client, _ = writable
    auth = {"Authorization": f"Bearer {TOKEN}"}
    text = "Share this:\n\nKenyan and Ethiopian envoys met in Addis Ababa.\n\nAdvertisement\n"
    (tmp_path / "envoys.txt").write_text(text, encoding="utf-8")
    (local,) = read_articles([tmp_path / "envoys.txt"])
    assert isinstance(local, Article)
    posted = [{"text": text}, {"text": "Advertisement\n\nShare this:\n", "path": "menu.txt"}]
    report = client.post("/articles", json=posted, headers=auth).json()
    assert report["article_ids"] == [local.article_id]
    assert report["errors"] == ["[D100] menu.txt: no article text left after removing boilerplate"]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"text": ""}, 422, "body.text"),
        ({"text": "ok", "author": "me"}, 422, "body.author"),
        ({"text": "ok", "published": "yesterday"}, 422, "body.published"),
        ([], 422, "at least one article"),
        ([{"text": f"article {i}"} for i in range(101)], 413, "at most 100"),
    ],
)
def test_bad_bodies_are_refused(writable, body, status, words):
    client, _ = writable
    response = client.post("/articles", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == status
    assert words in response.json()["detail"]


def test_request_size_is_capped_with_413(writable):
    client, _ = writable
    auth = {"Authorization": f"Bearer {TOKEN}"}
    big = {"text": "word " * 10_000}
    declared = client.post("/articles", json=big, headers=auth)
    assert declared.status_code == 413
    assert "at most 20000 bytes" in declared.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer
        yield b'{"text": "'
        for _ in range(50):
            yield b"word " * 100
        yield b'"}'

    streamed = client.post(
        "/articles", content=chunks(), headers={**auth, "Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    assert "more than" in streamed.json()["detail"]
    assert client.get("/stats").status_code == 200


# -- fuzzing -------------------------------------------------------------------------------


def test_schema_fuzzing_finds_no_server_errors(base_url):
    """Every operation, ~24 generated requests each (valid and invalid): never a 5xx,
    and every response matches its documented schema."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis.checks import not_a_server_error
    from schemathesis.generation import GenerationMode
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.openapi.from_url(base_url + "/openapi.json")
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    statuses: dict[int, int] = {}
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=12,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case) -> None:
                response = case.call_and_validate(base_url=base_url, checks=checks)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

            try:
                run()
            except Unsatisfiable:
                # An operation without parameters (/info) has no invalid request to make.
                assert mode == GenerationMode.NEGATIVE
    assert time.monotonic() - started < 60
    assert sum(statuses.values()) > 150
    assert not [code for code in statuses if code >= 500]
    assert {200, 422} <= set(statuses)


@pytest.mark.slow
def test_write_with_the_real_pipeline(tmp_path):
    """The default pipeline factory: spaCy and the codebooks, loaded on the first write."""
    app = create_app(tmp_path / "real.duckdb", write_token=TOKEN)
    with live_server(app) as url, httpx.Client(base_url=url + "/api/v1", timeout=120) as c:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        text = (
            "NAIROBI, March 3 (Test Wire) - Kenya's foreign minister met his Ethiopian"
            " counterpart in Nairobi on Monday to discuss the border."
        )
        report = c.post("/articles", json={"text": text, "published": "2025-03-03"}, headers=auth)
        assert report.status_code == 200, report.text
        assert report.json()["articles_added"] == 1
        events = c.get("/events").json()
        assert events["total"] >= 1
        mention = c.get(f"/events/{events['items'][0]['event_id']}").json()["mentions"][0]
        article = c.get(f"/articles/{mention['article_id']}").json()
        assert article["text"][mention["start_char"] : mention["end_char"]] == mention["sentence"]


def test_docs_cover_every_endpoint_and_key(base_url):
    from pathlib import Path

    from dyad.serve import server_models as server

    doc = (Path(__file__).parents[1] / "docs" / "api.md").read_text(encoding="utf-8")
    schema = httpx.get(base_url + "/openapi.json").json()
    for path, methods in schema["paths"].items():
        for method in methods:
            assert f"{method.upper()} {path}" in doc, f"{method} {path} is not in docs/api.md"
    models = [server.EventOut, server.MentionOut, server.ArticleOut, server.ArticleDetail]
    models += [server.ActorOut, server.TimelineRow, server.StatsOut, server.InfoOut]
    models += [server.IngestOut, server.ErrorOut, server.PlaceOut]
    for model in models:
        for key in model.model_fields:
            assert f"`{key}`" in doc, f"{model.__name__}.{key} is not in docs/api.md"
    for page_key in ("total", "today", "located", "unlocated"):
        assert f"`{page_key}`" in doc, f"page key {page_key} is not in docs/api.md"
