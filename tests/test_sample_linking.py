"""Linking on the bundled sample corpus: events written to be reported several times come
out as one event each, with the right counts, and the syndicated copy is flagged."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from dyad.api import ingest
from dyad.evaluate import load_gold, score
from dyad.store.query import Database

pytestmark = pytest.mark.slow

GOLD = Path(__file__).parent / "data" / "sample_gold.jsonl"


@pytest.fixture(scope="module")
def sample_db(sample_dir, pipeline, tmp_path_factory):
    db = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    ingest([sample_dir], db=db, pipeline=pipeline)
    return db


def test_repeated_events_are_one_event_each(sample_db):
    gold = load_gold(GOLD)
    with Database(sample_db) as database:
        report = score(gold, database.mentions())
        events = {e["event_id"]: e for e in database.events(output="records")}
    found: dict[str, set[str]] = collections.defaultdict(set)
    for match in report.matches:
        found[match.event_key].add(match.event_id)
    articles: dict[str, set[str]] = collections.defaultdict(set)
    for line in gold:
        articles[line.event_key].add(line.article)
    repeated = [k for k, a in articles.items() if len(a) > 1 and len(found[k]) >= 1]
    merged = [k for k in repeated if len(found[k]) == 1]
    assert len(merged) / len(repeated) >= 0.85, sorted(set(repeated) - set(merged))

    # the most reported event: talks announced, under way and held, in four articles
    (talks,) = found["ken-eth-border-talks-2025-03-nairobi"]
    assert events[talks]["num_articles"] == 4
    assert events[talks]["num_sources"] >= 3
    assert events[talks]["status"] == "occurred"


def test_the_syndicated_copy_is_flagged_and_counted_once(sample_db):
    with Database(sample_db) as database:
        copies = database.con.execute(
            "SELECT c.path, o.path FROM articles c JOIN articles o ON c.duplicate_of = o.article_id"
        ).fetchall()
    assert [(c.rsplit("/", 1)[-1], o.rsplit("/", 1)[-1]) for c, o in copies] == [
        ("014_kasangga_shield_begins_republished.txt", "013_kasangga_shield_begins_wire.txt")
    ]


@pytest.fixture(scope="module")
def sample_results(sample_dir, pipeline):
    from dyad.pipeline import read_articles

    articles = [a for a in read_articles([sample_dir]) if not isinstance(a, Exception)]
    return list(pipeline.process(articles))


def _linked(db: Path) -> tuple[dict[str, str], list[tuple]]:
    with Database(db) as database:
        assignment = dict(
            database.con.execute("SELECT mention_id, event_id FROM event_mentions").fetchall()
        )
        events = database.con.execute(
            "SELECT * EXCLUDE (block_key) FROM events ORDER BY event_id"
        ).fetchall()
    return assignment, events


@pytest.mark.parametrize("batch", [1, 5, 16])
def test_incremental_ingest_equals_one_batch(sample_results, tmp_path, batch):
    """Articles arriving a few at a time, newest first, link into the same events as the
    whole corpus written at once."""
    from dyad.store.store import Store

    with Store(tmp_path / "once.duckdb") as store:
        store.write_batch(sample_results)
    newest_first = sorted(sample_results, key=lambda r: str(r.article.published), reverse=True)
    with Store(tmp_path / "steps.duckdb") as store:
        for start in range(0, len(newest_first), batch):
            store.write_batch(newest_first[start : start + batch])
    once, steps = _linked(tmp_path / "once.duckdb"), _linked(tmp_path / "steps.duckdb")
    assert len(set(once[0].values())) < len(once[0])  # some mentions are linked
    assert steps == once
