"""The DuckDB store: schema, idempotent batches, transactions, relinking."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from dyad.api import ingest
from dyad.errors import StoreError
from dyad.records import Article, ArticleResult, article_id_for
from dyad.stages.link import LinkSettings, find_copies, minhash_signature
from dyad.store.store import SCHEMA_VERSION, Store
from factories import article_result

TALKS = "Kenya and Ethiopia held talks in Nairobi.\nThe ministers met again."


def _talks(text: str = TALKS, **kw):
    return article_result(
        text,
        [
            {
                "source": "KEN GOV",
                "target": "ETH GOV",
                "plover": "CONSULT",
                "date": "2024-03-03",
                "place": ("Nairobi", "KEN"),
            }
        ],
        **kw,
    )


def test_new_database_has_schema_version(tmp_path):
    with Store(tmp_path / "x.duckdb") as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.counts() == {
            "articles": 0,
            "sentences": 0,
            "actor_mentions": 0,
            "event_mentions": 0,
            "events": 0,
        }


def test_batch_is_stored_once(tmp_path):
    db = tmp_path / "x.duckdb"
    with Store(db) as store:
        first = store.write_batch([_talks()])
        again = store.write_batch([_talks()])
        assert (first.articles_added, first.mentions_added) == (1, 1)
        assert (again.articles_added, again.articles_skipped) == (0, 1)
        counts = store.counts()
    assert counts["articles"] == 1
    assert counts["sentences"] == 2
    assert counts["event_mentions"] == 1
    assert counts["events"] == 1


def test_duplicate_articles_within_one_batch_are_stored_once(tmp_path):
    with Store(tmp_path / "x.duckdb") as store:
        report = store.write_batch([_talks(), _talks()])
        assert report.articles_added == 1
        assert store.counts()["articles"] == 1


def test_failed_batch_leaves_nothing(tmp_path, monkeypatch):
    db = tmp_path / "x.duckdb"
    with Store(db) as store:

        def boom(*args, **kwargs):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(store, "_relink", boom)
        with pytest.raises(RuntimeError):
            store.write_batch([_talks()])
        assert store.counts()["articles"] == 0
        assert store.counts()["event_mentions"] == 0


def test_mentions_get_event_ids_and_events_are_counted(tmp_path):
    later = _talks(
        "Ethiopian and Kenyan ministers held talks on Sunday.\nNothing else.",
        source="Other Outlet",
        path="other.txt",
    )
    with Store(tmp_path / "x.duckdb") as store:
        store.write_batch([_talks()])
        store.write_batch([later])
        rows = store.con.execute("SELECT event_id FROM event_mentions").fetchall()
        assert all(r[0] for r in rows)
        events = store.con.execute("SELECT num_mentions, num_sources FROM events").fetchall()
    assert events == [(2, 2)]


def test_read_only_open_of_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="no such database"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_not_a_database_is_a_clear_error(tmp_path):
    bogus = tmp_path / "bogus.duckdb"
    bogus.write_text("hello, not a database")
    with pytest.raises(StoreError, match=r"bogus\.duckdb"):
        Store(bogus)


def test_newer_schema_is_refused(tmp_path):
    db = tmp_path / "x.duckdb"
    Store(db).close()
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="newer"):
        Store(db)


def test_inputs_marked_complete_are_remembered(tmp_path):
    db = tmp_path / "x.duckdb"
    with Store(db) as store:
        store.write_batch([_talks()], completed_inputs=[("fp1", "a.txt")])
    with Store(db) as store:
        assert store.completed_inputs() == {"fp1"}


def _undo_version_5(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP INDEX pages_feed; DROP INDEX pages_final_url")
    for column in ("state", "listed_url", "first_seen", "published"):
        con.execute(f"ALTER TABLE pages DROP COLUMN {column}")
    con.execute("CREATE INDEX pages_final_url ON pages (final_url)")
    for column in ("parent", "lastmod"):
        con.execute(f"ALTER TABLE feeds DROP COLUMN {column}")


def _ramming(text: str, day: str | None, published: date | None) -> ArticleResult:
    spec = {"source": "VNM COP", "target": "CHN COP", "plover": "ASSAULT", "date": day}
    return article_result(
        text, [{**spec, "place": ("Whitsun Reef", "VNM")}], published=published, path=text[:9]
    )


PAGE = "A patrol boat was rammed by a coast guard ship on Saturday, officials said."
RETOLD = "Officials showed videos of a coast guard ship ramming the patrol boat."


def test_a_page_without_a_publication_date_links_by_the_day_it_states(tmp_path):
    """The mirror page dates the ramming to August 31 and has no publication date; an
    undated retelling published September 1 is the same incident, whether the two are
    written together or one after the other (``test_check.py``: the migration)."""
    page = _ramming(PAGE, "2024-08-31", None)
    retold = _ramming(RETOLD, None, date(2024, 9, 1))
    for name, batches in (("one", [[page, retold]]), ("two", [[retold], [page]])):
        with Store(tmp_path / f"{name}.duckdb") as store:
            for batch in batches:
                store.write_batch(batch)
            assert store.con.execute("SELECT num_mentions FROM events").fetchall() == [(2,)]
            days = store.con.execute(
                "SELECT DISTINCT link_pub FROM event_mentions WHERE article_id = ?",
                [page.article.article_id],
            ).fetchall()
            assert days == [(date(2024, 8, 31).toordinal(),)]


def test_version_4_pages_get_their_state(tmp_path):
    """Pages kept before every listed item was recorded get a state from what they hold."""
    db = tmp_path / "v4.duckdb"
    Store(db).close()
    con = duckdb.connect(str(db))
    _undo_version_5(con)
    con.execute(
        """INSERT INTO pages (url, html, processed_at, failures, fetched_at) VALUES
        ('http://a.example/done', 'x', '2024-03-04', 0, '2024-03-04'),
        ('http://a.example/downloaded', 'x', NULL, 0, '2024-03-04'),
        ('http://a.example/failed', NULL, NULL, 2, '2024-03-04'),
        ('http://a.example/given-up', NULL, NULL, 5, '2024-03-04')"""
    )
    con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    con.close()
    with Store(db) as store:
        states = dict(store.con.execute("SELECT url, state FROM pages").fetchall())
    assert states == {
        "http://a.example/done": "done",
        "http://a.example/downloaded": "downloaded",
        "http://a.example/failed": "pending",
        "http://a.example/given-up": "given_up",
    }


def test_version_2_database_migrates_and_keeps_its_events(tmp_path):
    """A database written before the link columns were stored gets them, by one full
    re-link, and later batches link into it as they would into a new one."""
    db = tmp_path / "x.duckdb"
    later = _talks(
        "Ethiopian and Kenyan ministers held talks on Sunday.\nNothing else.",
        source="Other Outlet",
        path="other.txt",
    )
    with Store(db) as store:
        store.write_batch([_talks()])
        before = store.con.execute("SELECT mention_id, event_id FROM event_mentions").fetchall()
    con = duckdb.connect(str(db))
    con.execute("DROP INDEX event_mentions_article; DROP INDEX event_mentions_block")
    for column in ("additional", "link_lo", "link_hi", "link_pub", "link_copy"):
        con.execute(f"ALTER TABLE event_mentions DROP COLUMN {column}")
    con.execute("CREATE INDEX event_mentions_article ON event_mentions (article_id)")
    con.execute("CREATE INDEX event_mentions_block ON event_mentions (block_key)")
    con.execute("DROP TABLE minhash_bands; DELETE FROM meta WHERE key = 'minhash_banding'")
    _undo_version_5(con)
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.close()
    with Store(db) as store:
        assert store.schema_version() == SCHEMA_VERSION
        rows = store.con.execute(
            "SELECT mention_id, event_id, link_copy, link_lo FROM event_mentions"
        ).fetchall()
        assert [(m, e) for m, e, _, _ in rows] == before
        assert all(copy and lo for _, _, copy, lo in rows)
        store.write_batch([later])
        assert store.con.execute("SELECT num_mentions FROM events").fetchall() == [(2,)]


def _dated_talks(day: str, text: str) -> ArticleResult:
    spec = {"source": "KEN GOV", "target": "ETH GOV", "plover": "CONSULT", "date": day}
    return article_result(text, [{**spec, "place": ("Nairobi", "KEN")}], path=f"{day}.txt")


def _linked(store: Store) -> tuple[list[tuple], list[tuple]]:
    mentions = store.con.execute(
        "SELECT mention_id, event_id FROM event_mentions ORDER BY mention_id"
    ).fetchall()
    events = store.con.execute(
        "SELECT * EXCLUDE (block_key) FROM events ORDER BY event_id"
    ).fetchall()
    return mentions, events


def test_other_link_settings_relink_the_database_once_and_stay(tmp_path, monkeypatch):
    """Talks two days apart are one event with the default slack and two with a one-day
    slack. A database switched to the stricter settings holds what a fresh ingest with
    them holds, and later batches link with them without being told again."""
    first = _dated_talks("2024-03-03", "Kenya and Ethiopia held talks in Nairobi on trade.")
    second = _dated_talks("2024-03-05", "Kenyan and Ethiopian envoys held trade talks in Nairobi.")
    third = _dated_talks("2024-03-06", "Ethiopia and Kenya held more talks in Nairobi on trade.")
    fourth = _dated_talks("2024-03-20", "Kenya and Ethiopia resumed trade talks in Nairobi.")
    strict = LinkSettings(date_slack_days=1)
    with Store(tmp_path / "steps.duckdb") as store:
        store.write_batch([first, second])
        assert store.scalar("SELECT count(*) FROM events") == 1
        store.write_batch([third], link_settings=strict)
        assert store.link_settings() == strict

        def full_relink(*args: object) -> int:
            raise AssertionError("the settings did not change: nothing to re-link in full")

        monkeypatch.setattr(Store, "_relink_everything", full_relink)
        store.write_batch([fourth])
        steps = _linked(store)
    monkeypatch.undo()
    with Store(tmp_path / "fresh.duckdb") as store:
        store.write_batch([first, second, third, fourth], link_settings=strict)
        fresh = _linked(store)
    assert steps == fresh
    assert len(fresh[1]) == 3  # first alone; second with third; fourth


def test_relink_all_keeps_the_settings_it_was_given(tmp_path):
    strict = LinkSettings(date_slack_days=1)
    with Store(tmp_path / "x.duckdb") as store:
        store.write_batch([_dated_talks("2024-03-03", "Kenya and Ethiopia held talks.")])
        store.write_batch([_dated_talks("2024-03-05", "Kenya and Ethiopia held talks again.")])
        assert store.relink_all() == 1
        assert store.relink_all(strict) == 2
        assert store.link_settings() == strict
        assert store.relink_all() == 2


def test_version_3_database_drops_its_link_groups_and_keeps_its_events(tmp_path):
    db = tmp_path / "x.duckdb"
    with Store(db) as store:
        store.write_batch([_talks()])
        before = _linked(store)
    con = duckdb.connect(str(db))
    con.execute("ALTER TABLE event_mentions ADD COLUMN link_group VARCHAR")
    _undo_version_5(con)
    con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    con.close()
    with Store(db) as store:
        assert store.schema_version() == SCHEMA_VERSION
        columns = store.con.execute("DESCRIBE event_mentions").fetchall()
        assert "link_group" not in {c[0] for c in columns}
        assert _linked(store) == before


def test_an_event_told_with_also_stays_apart_after_a_reload(tmp_path):
    """The flag that keeps "they also met" apart is stored, so a later batch that re-links
    the group from the database keeps it apart too."""
    spec = {"source": "KEN GOV", "target": "ETH GOV", "plover": "CONSULT", "date": "2024-03-03"}
    story = article_result(
        "Kenya and Ethiopia held talks.\nThey also met again.",
        [{**spec, "line": 0}, {**spec, "line": 1, "additional": True}],
    )
    later = _talks("Kenyan and Ethiopian ministers held talks on Sunday.\nNothing else.")
    with Store(tmp_path / "x.duckdb") as store:
        store.write_batch([story])
        store.write_batch([later])  # re-links the stored group
        rows = store.con.execute(
            "SELECT sentence_index, additional, event_id FROM event_mentions "
            "WHERE article_id = ? ORDER BY sentence_index",
            [story.article.article_id],
        ).fetchall()
    assert [r[:2] for r in rows] == [(0, False), (1, True)]
    assert rows[0][2] != rows[1][2]


# ------------------------------------------------------------------ near-duplicate copies

STORY = (
    "The two governments agreed on Tuesday to reopen the border crossing that has been "
    "closed for three years, and officials said trucks would move again by the end of "
    "the month once customs staff are back at their posts on both sides of the river. "
)


def _plain(name: str, text: str) -> ArticleResult:
    return ArticleResult(article=Article(article_id=article_id_for(text), text=text, path=name))


def _copies(store: Store) -> dict[str, str | None]:
    return dict(store.con.execute("SELECT path, duplicate_of FROM articles").fetchall())


def test_copies_are_those_the_in_memory_index_finds(tmp_path):
    """The store proposes candidates from its band table, batch after batch, and finds the
    copies `find_copies` finds over the same articles in the same order."""
    batches = [
        [_plain("a", STORY + "First wire version."), _plain("b", "Rain fell all day. " * 9)],
        [_plain("c", STORY + "Second wire version.")],
        [_plain("d", STORY + "Third wire version."), _plain("e", "Grain prices rose. " * 9)],
        [_plain("f", "Grain prices rose. " * 9 + "Wheat too."), _plain("g", STORY + "Last.")],
    ]
    with Store(tmp_path / "x.duckdb") as store:
        for batch in batches:
            store.write_batch(batch)
        stored = _copies(store)
    with Store(tmp_path / "once.duckdb") as store:  # one batch: copies inside the batch
        store.write_batch([r for batch in batches for r in batch])
        assert _copies(store) == stored
    ordered = [r for batch in batches for r in batch]
    expected = find_copies(
        (r.article.article_id, minhash_signature(r.article.text)) for r in ordered
    )
    path_of = {r.article.article_id: r.article.path for r in ordered}
    assert {path_of[c]: path_of[o] for c, o in expected.items()} == {
        k: path_of[v] for k, v in stored.items() if v
    }
    first = article_id_for(STORY + "First wire version.")
    assert stored["c"] == stored["d"] == stored["g"] == first
    assert stored["f"] == article_id_for("Grain prices rose. " * 9)
    assert stored["a"] is None and stored["b"] is None


def test_other_link_settings_rebuild_the_bands(tmp_path):
    strict = LinkSettings(minhash_threshold=0.95)
    with Store(tmp_path / "x.duckdb") as store:
        store.write_batch([_plain("one", STORY + "One.")])
        store.write_batch(
            [_plain("two", STORY + "Two, with a longer ending.")], link_settings=strict
        )
        store.write_batch([_plain("three", STORY + "Three.")], link_settings=LinkSettings())
        copies = _copies(store)
        bands = store.scalar("SELECT count(DISTINCT article_id) FROM minhash_bands")
    one = article_id_for(STORY + "One.")
    assert copies == {"one": None, "two": None, "three": one}
    assert bands == 3


def _on(name: str, text: str, day: int | None) -> ArticleResult:
    published = None if day is None else date(2024, 5, 1) + timedelta(days=day)
    article = Article(article_id=article_id_for(text), text=text, path=name, published=published)
    return ArticleResult(article=article)


def test_a_copy_is_one_story_only_within_the_undated_window(tmp_path):
    """A near-duplicate is a copy of a stored story only when published within
    ``undated_window_days`` of the story's original, in one batch or batch by batch, and
    the copies' originals the shortcut is offered follow the same rule."""
    articles = [
        _on("first", STORY + "First.", 0),
        _on("sixth", STORY + "Sixth day.", 6),
        _on("twelfth", STORY + "Twelfth day.", 12),  # near "sixth", 12 days after "first"
        _on("thirteenth", STORY + "Thirteenth day.", 13),
        _on("undated", STORY + "No date.", None),
    ]
    with Store(tmp_path / "batches.duckdb") as store:
        for result in articles:
            store.write_batch([result])
        stored = _copies(store)
        probe = STORY + "Fourteenth day."
        originals = store.stored_originals(
            {"probe": minhash_signature(probe)}, published={"probe": date(2024, 5, 15)}
        )
    with Store(tmp_path / "once.duckdb") as store:
        store.write_batch(articles)
        assert _copies(store) == stored
    first, twelfth = (article_id_for(STORY + x) for x in ("First.", "Twelfth day."))
    assert stored == {
        "first": None, "sixth": first, "twelfth": None, "thirteenth": twelfth, "undated": first
    }  # fmt: skip
    assert [r.article.path for r in originals.values()] == ["twelfth"]


def _synth():
    """The benchmarks' article generator (bench/synth.py)."""
    path = Path(__file__).resolve().parents[1] / "bench" / "synth.py"
    spec = importlib.util.spec_from_file_location("synth", path)
    assert spec is not None and spec.loader is not None
    module = sys.modules.setdefault("synth", importlib.util.module_from_spec(spec))
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_a_month_of_look_alike_border_reports_is_one_event_a_day(tmp_path, pipeline):
    """The benchmarks' 28-day case, smaller: a border incident every day, told several
    times a day without a date in look-alike words, so that many reports are flagged as
    copies. Each incident is about one event, and none spans more than three days
    (copy groups used to chain the month into a few events)."""
    corpus = _synth().write_jsonl(tmp_path / "border.jsonl", 6 * 28, kind="border")
    ingest([corpus], db=tmp_path / "x.duckdb", pipeline=pipeline)
    with Store(tmp_path / "x.duckdb") as store:
        copies = store.scalar("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL")
        spans = store.con.execute(
            """SELECT max(a.published) - min(a.published)
               FROM event_mentions m JOIN articles a USING (article_id)
               WHERE m.plover = 'ASSAULT' GROUP BY m.event_id"""
        ).fetchall()
    assert copies >= 28
    assert 0.8 <= len(spans) / 28 <= 1.5, len(spans)
    assert max(days for (days,) in spans) <= 3
