"""`dyad check`: a sound database passes; each kind of damage is named on its own line."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dyad.records import ArticleResult, article_id_for
from dyad.store.check import check_database
from dyad.store.store import SCHEMA_VERSION, Store
from factories import article_result

TALKS = "Kenya and Ethiopia held talks in Nairobi.\nThe ministers met again."
LATER = "Ethiopian and Kenyan ministers held talks on Sunday.\nNothing else."
RAID = "Police raided a market in Mombasa.\nTraders protested."


def _result(text: str, events: list[dict], **kw) -> ArticleResult:
    """A factory result whose article id is the real hash of its text, as ingest makes it."""
    made = article_result(text, events, **kw)
    aid = article_id_for(text)
    return replace(
        made,
        article=replace(made.article, article_id=aid),
        events=tuple(replace(m, article_id=aid) for m in made.events),
    )


TALK = {"source": "KEN GOV", "target": "ETH GOV", "plover": "CONSULT", "date": "2024-03-03"}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "x.duckdb"
    with Store(path) as store:
        store.write_batch([_result(TALKS, [TALK])])
        store.write_batch([_result(LATER, [TALK], source="Other", path="b.txt")])
        store.write_batch(
            [_result(RAID, [{"source": "KEN COP", "target": "KEN CVL", "plover": "ASSAULT"}])]
        )
    return path


def _damage(path: Path, *statements: str) -> None:
    con = duckdb.connect(str(path))
    for sql in statements:
        con.execute(sql)
    con.close()


def test_sound_database_passes(db: Path) -> None:
    report = check_database(db)
    assert report.ok, report.problems
    assert report.schema_version == SCHEMA_VERSION
    assert report.counts["articles"] == 3
    assert report.counts["event_mentions"] == 3
    assert report.counts["events"] == 2  # the two talks are one event


RAID_ID = article_id_for(RAID)

DAMAGE = [
    pytest.param(
        [f"DELETE FROM articles WHERE article_id = '{RAID_ID}'"],
        {
            "sentences: 2 sentences whose article is not stored",
            "event_mentions: 1 event mentions whose article is not stored",
        },
        id="article-lost",
    ),
    pytest.param(
        [f"DELETE FROM sentences WHERE article_id = '{RAID_ID}' AND sentence_index = 0"],
        {"event_mentions: 1 event mentions whose sentence is not stored"},
        id="sentence-lost",
    ),
    pytest.param(
        ["INSERT INTO actor_mentions (article_id, actor_index) VALUES ('gone', 0)"],
        {"actor_mentions: 1 actor mentions whose article is not stored"},
        id="orphan-actor",
    ),
    pytest.param(
        [f"UPDATE event_mentions SET event_id = NULL WHERE article_id = '{RAID_ID}'"],
        {
            "event_mentions: 1 event mentions without an event id",
            "events: 1 events without any mention",
        },
        id="mention-unlinked",
    ),
    pytest.param(
        [
            f"DELETE FROM events WHERE event_id IN (SELECT event_id FROM event_mentions "
            f"WHERE article_id = '{RAID_ID}')"
        ],
        {"event_mentions: 1 event mentions whose event_id is not in events"},
        id="event-lost",
    ),
    pytest.param(
        ["UPDATE events SET num_mentions = num_mentions + 1"],
        {"events: 2 events whose num_mentions differs from their mention count"},
        id="miscounted",
    ),
    pytest.param(
        ["UPDATE events SET num_articles = 5"],
        {"events: 2 events counting more articles than their mentions come from"},
        id="articles-overcounted",
    ),
    pytest.param(
        [
            f"UPDATE events SET block_key = 'elsewhere' WHERE event_id IN (SELECT event_id "
            f"FROM event_mentions WHERE article_id = '{RAID_ID}')"
        ],
        {"event_mentions: 1 event mentions in another link block than their event"},
        id="wrong-block",
    ),
    pytest.param(
        [
            "INSERT INTO articles (article_id, text) SELECT 'copy0000copy0000', text "
            f"FROM articles WHERE article_id = '{RAID_ID}'"
        ],
        {
            "articles: 1 article ids are not the hash of their text",
            "articles: 1 articles store the same text as another",
        },
        id="article-twice",
    ),
    pytest.param(
        [f"UPDATE articles SET duplicate_of = 'gone' WHERE article_id = '{RAID_ID}'"],
        {"articles: 1 articles marked as copies of an article that is not stored"},
        id="copy-of-nothing",
    ),
]


@pytest.mark.parametrize(("statements", "expected"), DAMAGE)
def test_each_damage_is_named(db: Path, statements: list[str], expected: set[str]) -> None:
    _damage(db, *statements)
    report = check_database(db)
    found = {f"{p.check}: {p.message}" for p in report.problems}
    assert found == expected
    assert all(p.count >= 1 and p.examples for p in report.problems)


def test_problem_line_names_examples(db: Path) -> None:
    _damage(db, "INSERT INTO actor_mentions (article_id, actor_index) VALUES ('gone', 7)")
    (problem,) = check_database(db).problems
    assert str(problem) == (
        "actor_mentions: 1 actor mentions whose article is not stored (e.g. gone#7)"
    )


def test_other_schema_version_is_one_problem(db: Path) -> None:
    _damage(db, "UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    (problem,) = check_database(db).problems
    assert problem.check == "database"
    assert f"schema version 1, expected {SCHEMA_VERSION}" in problem.message


def test_missing_and_foreign_files_are_problems(tmp_path: Path) -> None:
    (missing,) = check_database(tmp_path / "none.duckdb").problems
    assert "no such database" in missing.message
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"not a database at all" * 100)
    (foreign,) = check_database(junk).problems
    assert "junk.duckdb" in foreign.message


def _dyad(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dyad", *args], capture_output=True, text=True, timeout=60
    )


def test_cli_exit_codes_and_lines(db: Path) -> None:
    good = _dyad("check", "--db", str(db))
    assert good.returncode == 0, good.stderr
    assert good.stdout == ""
    assert f"ok: schema {SCHEMA_VERSION}; 3 articles" in good.stderr
    _damage(
        db,
        "UPDATE events SET num_mentions = 9",
        "INSERT INTO sentences VALUES ('gone', 0, 0, 1, 'x')",
    )
    bad = _dyad("check", "--db", str(db))
    assert bad.returncode == 1
    lines = bad.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("sentences: 1 sentences whose article is not stored")
    assert lines[1].startswith("events: 2 events whose num_mentions differs")


def test_an_event_of_three_parties_spans_their_blocks_and_passes(tmp_path: Path) -> None:
    """A trilateral coded as three pairs is one event over three link blocks, stored in
    two batches as ingest writes them."""
    trilateral = "Kenya, Ethiopia and Uganda held trilateral talks in Nairobi.\nNothing else."
    pairs = [("KEN GOV", "ETH GOV"), ("KEN GOV", "UGA GOV"), ("ETH GOV", "UGA GOV")]
    day = {"plover": "CONSULT", "date": "2024-03-03", "place": ("Nairobi", "KEN")}
    path = tmp_path / "x.duckdb"
    with Store(path) as store:
        store.write_batch(
            [_result(trilateral, [{"source": s, "target": t, **day} for s, t in pairs])]
        )
        one_pair = {"source": "UGA GOV", "target": "KEN GOV", **day}
        store.write_batch([_result(LATER, [one_pair], source="Other", path="b.txt")])
    report = check_database(path)
    assert report.ok, report.problems
    con = duckdb.connect(str(path), read_only=True)
    events = con.execute("SELECT block_key FROM events").fetchall()
    mentions = con.execute("SELECT count(DISTINCT event_id), count(*) FROM event_mentions")
    assert mentions.fetchone() == (1, 4)
    assert events == [("ETH|KEN|CONSULT;ETH|UGA|CONSULT;KEN|UGA|CONSULT",)]
    con.close()


def test_a_database_written_before_pages_had_a_report_day_passes_and_relink_fills_it(tmp_path):
    """A page without a publication date keeps the day it reports from in ``link_pub``;
    one written before (``link_pub`` empty) still passes, and ``relink_all`` fills it."""
    path = tmp_path / "old.duckdb"
    page = "A patrol boat was rammed by a coast guard ship on Saturday, officials said."
    ramming = {"source": "VNM COP", "target": "CHN COP", "plover": "ASSAULT"}
    with Store(path) as store:
        store.write_batch([_result(page, [{**ramming, "date": "2024-08-31"}], published=None)])
    assert check_database(path).ok
    day = [(date(2024, 8, 31).toordinal(),)]
    with Store(path) as store:
        assert store.con.execute("SELECT link_pub FROM event_mentions").fetchall() == day
        store.con.execute("UPDATE event_mentions SET link_pub = NULL")
    assert check_database(path).ok
    with Store(path) as store:
        store.relink_all()
        assert store.con.execute("SELECT link_pub FROM event_mentions").fetchall() == day
    assert check_database(path).ok
