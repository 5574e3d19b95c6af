"""Parquet partitions: a shard's results written and read back row for row."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from dyad.api import ingest
from dyad.errors import UsageError
from dyad.records import ActorMention
from dyad.store.partitions import PARTITION_TABLES, partition_name, read_partition, write_partition
from dyad.store.store import Store, result_rows
from factories import article_result


def _results():
    spec = {"source": "KEN GOV", "target": "ETH GOV", "plover": "CONSULT"}
    talks = article_result(
        "Kenya and Ethiopia held talks in Nairobi.\nThey also met again.",
        [
            {**spec, "date": "2024-03-03", "place": ("Nairobi", "KEN")},
            {**spec, "line": 1, "additional": True},
        ],
    )
    minister = ActorMention(
        start=0, end=5, sentence_index=0, text="Kenya", country="KEN", sector=None,
        name="Kenya", role="state", resolved_by="codebook",
    )  # fmt: skip
    article = replace(talks.article, metadata={"desk": "Africa", "rank": 2}, warnings=("w",))
    talks = replace(talks, article=article, actors=(minister,))
    quiet = article_result("Nothing happened in the capital today.", [], published=None)
    return [talks, quiet]


def test_a_partition_reads_back_row_for_row(tmp_path: Path) -> None:
    results = _results()
    name = partition_name([r.article for r in results])
    write_partition(results, tmp_path, name)
    back = read_partition(tmp_path, name)
    assert [result_rows(r) for r in back] == [result_rows(r) for r in results]
    assert sorted(p.parent.name for p in tmp_path.rglob("*.parquet")) == sorted(PARTITION_TABLES)
    assert not list(tmp_path.rglob("*.tmp"))


def test_partitions_have_the_store_s_column_types_and_read_in_place(tmp_path: Path) -> None:
    results = _results()
    write_partition(results[:1], tmp_path, "a")
    write_partition(results[1:], tmp_path, "b")  # no mentions at all: same schema
    con = duckdb.connect()
    rows = con.sql(
        f"SELECT plover, additional, date FROM '{tmp_path}/event_mentions/*.parquet' ORDER BY 2"
    ).fetchall()
    assert [(p, a, str(d) if d else None) for p, a, d in rows] == [
        ("CONSULT", False, "2024-03-03"),
        ("CONSULT", True, None),
    ]
    with Store(tmp_path / "x.duckdb") as store:
        stored = {row[0]: row[1] for row in store.con.execute("DESCRIBE event_mentions").fetchall()}
    described = con.sql(f"DESCRIBE SELECT * FROM '{tmp_path}/event_mentions/*.parquet'")
    parted = {row[0]: row[1] for row in described.fetchall()}
    assert len(parted) > 30
    assert {column: stored[column] for column in parted} == parted


def test_the_name_follows_the_articles() -> None:
    results = _results()
    articles = [r.article for r in results]
    assert partition_name(articles) == partition_name(list(articles))
    assert partition_name(articles) != partition_name(articles[::-1])
    assert len(partition_name(articles)) == 16


def test_partitions_need_a_cluster(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--partitions needs --dask"):
        ingest([tmp_path], db=tmp_path / "x.duckdb", partitions=tmp_path / "parts")
