"""Per-article results as Parquet partitions, for a cluster to write and anyone to read.

With ``dyad ingest --dask ADDRESS --partitions DIR`` each Dask task writes the results of
its shard (articles, sentences, actor and event mentions: the rows the store keeps,
before linking) as one Parquet file per table under ``DIR``::

    DIR/articles/part-<shard>.parquet
    DIR/sentences/part-<shard>.parquet
    DIR/actor_mentions/part-<shard>.parquet
    DIR/event_mentions/part-<shard>.parquet

and sends back only the partition's name. The client reads the partitions in input order
and stores them like any other results (near-duplicates, linking and event ids need the
whole database, so they stay with the single writer). The files remain: DuckDB, pandas or
Spark read them in place (``SELECT ... FROM 'DIR/event_mentions/*.parquet'``), with the
column types of the store's tables. A partition is named by a hash of its article ids,
so writing it again (a retried task, a resumed run) replaces it with the same content.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from dyad.records import Article, ArticleResult
from dyad.store.store import MIGRATIONS, result_from_rows, result_rows

__all__ = ["PARTITION_TABLES", "partition_name", "read_partition", "write_partition"]

#: The tables a partition holds, one Parquet file each.
PARTITION_TABLES = ("articles", "sentences", "actor_mentions", "event_mentions")
#: Columns only the database fills (copies and linking): not in a partition.
_STORE_ONLY = frozenset({
    "duplicate_of", "minhash", "event_id", "block_key",
    "link_lo", "link_hi", "link_pub", "link_copy",
})  # fmt: skip


def partition_name(articles: Sequence[Article]) -> str:
    """A partition's name: 16 hex digits of a hash of its article ids, in order."""
    digest = hashlib.sha256("\n".join(a.article_id for a in articles).encode())
    return digest.hexdigest()[:16]


def _path(directory: Path, table: str, name: str) -> Path:
    return directory / table / f"part-{name}.parquet"


def write_partition(results: Sequence[ArticleResult], directory: str | Path, name: str) -> None:
    """Write the results of one shard, typed as the store's tables (a throw-away
    in-memory DuckDB casts them); each file appears whole or not at all."""
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for result in results:
        for table, table_rows in result_rows(result).items():
            rows[table].extend(table_rows)
    base = Path(directory)
    con = duckdb.connect()
    try:
        for step in MIGRATIONS:
            con.execute(step)
        for table in PARTITION_TABLES:
            if rows[table]:
                con.register("_rows", pa.Table.from_pylist(rows[table]))
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rows")
                con.unregister("_rows")
            path = _path(base, table, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            store_only = ", ".join(c for c in _columns(con, table) if c in _STORE_ONLY)
            exclude = f" EXCLUDE ({store_only})" if store_only else ""
            con.execute(f"COPY (SELECT *{exclude} FROM {table}) TO '{partial}' (FORMAT parquet)")
            partial.replace(path)
    finally:
        con.close()


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]


def read_partition(directory: str | Path, name: str) -> list[ArticleResult]:
    """The results of one partition, in the order they were written."""
    base = Path(directory)
    tables = {t: pq.read_table(_path(base, t, name)).to_pylist() for t in PARTITION_TABLES}
    articles = tables["articles"]
    by_article: dict[str, dict[str, list[Mapping[str, Any]]]] = {
        a["article_id"]: {t: [] for t in PARTITION_TABLES} for a in articles
    }
    for table, table_rows in tables.items():
        for row in table_rows:
            by_article[row["article_id"]][table].append(row)
    return [result_from_rows(by_article[a["article_id"]]) for a in articles]
