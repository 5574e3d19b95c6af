"""Scale-out: a Dask run stores exactly what a single-process run stores."""

from __future__ import annotations

import pickle
from pathlib import Path

import duckdb
import pytest

from dyad.api import IngestReport, ingest
from dyad.errors import InputError, UsageError
from dyad.pipeline import PipelineSettings, WorkerPool
from dyad.records import Article, article_id_for
from dyad.scale import PipelinePlugin, _local_workers, dask_client
from dyad.store.partitions import PARTITION_TABLES


def _rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return sorted(con.execute(sql).fetchall(), key=repr)
    finally:
        con.close()


def _tables(db: Path) -> dict[str, list[tuple]]:
    return {
        "events": _rows(db, "SELECT * FROM events"),
        "event_mentions": _rows(db, "SELECT * FROM event_mentions"),
        # ingested_at is the wall clock
        "articles": _rows(db, "SELECT * EXCLUDE (ingested_at) FROM articles"),
        "actor_mentions": _rows(db, "SELECT * FROM actor_mentions"),
    }


@pytest.fixture(scope="module")
def single(tmp_path_factory, sample_dir, pipeline) -> tuple[Path, IngestReport]:
    """The sample corpus ingested by one process, as the runs below must store it."""
    db = tmp_path_factory.mktemp("single") / "single.duckdb"
    return db, ingest([sample_dir], db=db, pipeline=pipeline, batch_size=16)


@pytest.mark.slow
def test_worker_processes_store_what_one_process_stores(tmp_path, sample_dir, single):
    db, one = single
    pooled = tmp_path / "pool.duckdb"
    settings = PipelineSettings(n_process=2, batch_size=3)  # many shards over both workers
    two = ingest([sample_dir], db=pooled, settings=settings, batch_size=16)
    assert two.ok and two.articles_added == one.articles_added > 30
    expected, got = _tables(db), _tables(pooled)
    for table in expected:
        assert got[table] == expected[table], table


@pytest.mark.slow
def test_worker_pool_keeps_input_order_and_sends_errors_back():
    texts = [f"Kenya and Ethiopia held talks in Nairobi on day {n}." for n in range(7)]
    articles = [
        Article(article_id=article_id_for(t), text=t, path=f"{n}.txt") for n, t in enumerate(texts)
    ]
    huge = Article(article_id="huge", text="word " * 220_000, path="huge.txt")
    with WorkerPool(PipelineSettings(n_process=2, batch_size=2)) as pool:
        results = list(pool.process([*articles[:3], huge, *articles[3:]]))
    errors = [r for r in results if isinstance(r, InputError)]
    done = [r for r in results if not isinstance(r, InputError)]
    assert [r.article.path for r in done] == [f"{n}.txt" for n in range(7)]
    assert [e.path for e in errors] == ["huge.txt"] and "parser's limit" in errors[0].reason
    assert all(r.events for r in done)


@pytest.mark.slow
def test_dask_local_cluster_stores_what_one_process_stores(tmp_path, sample_dir, single):
    from distributed import Client, LocalCluster

    single, one = single
    spread = tmp_path / "dask.duckdb"
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        # small shards: many tasks over both workers, finishing out of order
        many = ingest([sample_dir], db=spread, dask=client, shard_size=5, batch_size=16)
        # the same again with the workers writing Parquet partitions the client reads
        parts = tmp_path / "parts"
        parted = tmp_path / "parted.duckdb"
        ingest([sample_dir], db=parted, dask=client, shard_size=7, batch_size=16, partitions=parts)
        loads = client.run(_pipelines_built)
    assert one.ok and many.ok
    assert many.articles_added == one.articles_added > 30
    assert many.mentions_added == one.mentions_added > 0
    expected = _tables(single)
    assert len(expected["events"]) > 10
    for db in (spread, parted):
        got = _tables(db)
        for table in expected:
            assert got[table] == expected[table], (db.name, table)
    # the model loaded once per worker, however many shards each ran
    assert sorted(loads.values()) == [1, 1]
    # the partitions stay, readable in place: one file per table and shard
    files = sorted(p.relative_to(parts).parts[0] for p in parts.rglob("*.parquet"))
    shards = -(-one.articles_added // 7)
    assert files == sorted([*PARTITION_TABLES] * shards)
    con = duckdb.connect()
    in_place = con.execute(f"SELECT count(*) FROM '{parts}/event_mentions/*.parquet'").fetchone()
    assert in_place == (one.mentions_added,)


def _pipelines_built(dask_worker) -> int:
    return sum(
        1
        for p in dask_worker.plugins.values()
        if isinstance(p, PipelinePlugin) and p._pipeline is not None
    )


def test_local_address_is_checked():
    assert _local_workers("local:3") == 3
    for bad in ("local:", "local:0", "local:two"):
        with pytest.raises(UsageError, match="local:N"), dask_client(bad):
            pass


def test_unreachable_scheduler_is_a_usage_error():
    with (
        pytest.raises(UsageError, match="cannot reach a Dask scheduler"),
        dask_client("tcp://127.0.0.1:9", timeout=1.0),
    ):
        pass


def test_input_errors_survive_the_trip_from_a_worker():
    error = pickle.loads(pickle.dumps(InputError("a.txt", "processing failed", line=3)))
    assert isinstance(error, InputError)
    assert (error.path, error.reason, error.line) == ("a.txt", "processing failed", 3)


def test_plugin_name_depends_on_settings_only():
    a = PipelinePlugin(PipelineSettings(n_process=1))
    assert a.name == PipelinePlugin(PipelineSettings(n_process=4)).name  # workers use 1
    assert a.name != PipelinePlugin(PipelineSettings(batch_size=8)).name
    assert pickle.loads(pickle.dumps(a)).name == a.name
