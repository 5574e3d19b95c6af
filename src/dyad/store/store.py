"""The store: one embedded DuckDB file holding articles, sentences, actor and event
mentions, and linked events.

Writes are transactional per batch: a batch of articles goes in with all its sentences,
mentions and the re-linked events, or not at all, so a killed ingest never leaves a
half-written article. Keys are content hashes, so re-ingesting changes nothing.
"""

from __future__ import annotations

import json
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple, Self

import duckdb
import pyarrow as pa

from dyad.errors import StoreError, StoreLockedError
from dyad.output.export import flatten_mention, location_columns
from dyad.records import (
    ActorMention,
    Article,
    ArticleResult,
    Event,
    EventMention,
    Location,
    Sentence,
)
from dyad.settings import env_var, setting_value
from dyad.stages.link import (
    LinkInput,
    LinkSettings,
    block_key,
    build_events,
    copy_in_time,
    is_copy,
    link,
    link_into,
    link_window,
    lsh_banding,
    minhash_bands,
    minhash_signature,
    report_day,
    stated_report_day,
)

SCHEMA_VERSION = 5

_ACTOR_COLUMNS = """
    {p} VARCHAR, {p}_name VARCHAR, {p}_country VARCHAR, {p}_sector VARCHAR, {p}_text VARCHAR,
    {p}_start INTEGER, {p}_end INTEGER, {p}_resolved_by VARCHAR"""

_LOCATION_COLUMNS = """
    location_name VARCHAR, location_country VARCHAR, location_admin1 VARCHAR,
    location_lat DOUBLE, location_lon DOUBLE, location_geonames_id BIGINT,
    location_text VARCHAR, location_how VARCHAR"""

# Each migration moves the schema from version i to i + 1; never edit a released one.
MIGRATIONS: tuple[str, ...] = (
    f"""
    CREATE TABLE articles (
        article_id VARCHAR PRIMARY KEY,
        path VARCHAR, url VARCHAR, title VARCHAR, source VARCHAR,
        published DATE, published_from VARCHAR, language VARCHAR, dateline VARCHAR,
        text VARCHAR NOT NULL, original_text VARCHAR,
        warnings VARCHAR[], metadata JSON,
        ingested_at TIMESTAMP, duplicate_of VARCHAR, minhash BLOB
    );
    CREATE TABLE sentences (
        article_id VARCHAR NOT NULL, sentence_index INTEGER NOT NULL,
        start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, text VARCHAR NOT NULL,
        PRIMARY KEY (article_id, sentence_index)
    );
    CREATE TABLE actor_mentions (
        article_id VARCHAR NOT NULL, actor_index INTEGER NOT NULL,
        sentence_index INTEGER, start_char INTEGER, end_char INTEGER, text VARCHAR,
        code VARCHAR, country VARCHAR, sector VARCHAR, name VARCHAR, role VARCHAR,
        resolved_by VARCHAR,
        PRIMARY KEY (article_id, actor_index)
    );
    CREATE TABLE event_mentions (
        mention_id VARCHAR PRIMARY KEY,
        event_id VARCHAR, block_key VARCHAR,
        article_id VARCHAR NOT NULL, sentence_index INTEGER, sentence VARCHAR,
        start_char INTEGER, end_char INTEGER,
        trigger VARCHAR, trigger_start INTEGER, trigger_end INTEGER,
        {_ACTOR_COLUMNS.format(p="source")},
        {_ACTOR_COLUMNS.format(p="target")},
        plover VARCHAR, cameo VARCHAR, goldstein DOUBLE, quad_class INTEGER,
        mode VARCHAR, context VARCHAR[], status VARCHAR, tense VARCHAR,
        date DATE, date_end DATE, date_precision VARCHAR, date_text VARCHAR,
        {_LOCATION_COLUMNS},
        confidence DOUBLE
    );
    CREATE TABLE events (
        event_id VARCHAR PRIMARY KEY, block_key VARCHAR,
        source VARCHAR, target VARCHAR, source_name VARCHAR, target_name VARCHAR,
        plover VARCHAR, cameo VARCHAR, goldstein DOUBLE, quad_class INTEGER, status VARCHAR,
        date DATE, date_end DATE, date_precision VARCHAR,
        {_LOCATION_COLUMNS},
        first_seen DATE, last_seen DATE,
        num_mentions INTEGER, num_sources INTEGER, num_articles INTEGER,
        status_history JSON, confidence DOUBLE
    );
    CREATE TABLE inputs (
        fingerprint VARCHAR PRIMARY KEY, path VARCHAR, completed_at TIMESTAMP
    );
    CREATE INDEX event_mentions_article ON event_mentions (article_id);
    CREATE INDEX event_mentions_block ON event_mentions (block_key);
    """,
    # 2: downloaded pages (raw HTML kept zlib-compressed) and polled feeds (sources.fetch, .watch)
    """
    CREATE TABLE pages (
        url VARCHAR PRIMARY KEY, final_url VARCHAR, feed VARCHAR,
        status INTEGER, content_type VARCHAR, fetched_at TIMESTAMP, html BLOB,
        processed_at TIMESTAMP, article_id VARCHAR, error VARCHAR,
        failures INTEGER NOT NULL DEFAULT 0, retry_at TIMESTAMP
    );
    CREATE INDEX pages_final_url ON pages (final_url);
    CREATE TABLE feeds (
        url VARCHAR PRIMARY KEY, kind VARCHAR, etag VARCHAR, last_modified VARCHAR,
        polled_at TIMESTAMP, changed_at TIMESTAMP, items INTEGER, error VARCHAR,
        failures INTEGER NOT NULL DEFAULT 0, retry_at TIMESTAMP
    );
    """,
    # 3: what incremental linking needs per mention (dyad.stages.link.may_pair): the days its
    # event can lie in, its publication day, its story's copy group (and a link group,
    # dropped by 4); and whether the sentence reports it as one more event ("also").
    # Filled for stored mentions by `Store._migrate` (a full re-link).
    """
    ALTER TABLE event_mentions ADD COLUMN additional BOOLEAN;
    ALTER TABLE event_mentions ADD COLUMN link_lo INTEGER;
    ALTER TABLE event_mentions ADD COLUMN link_hi INTEGER;
    ALTER TABLE event_mentions ADD COLUMN link_pub INTEGER;
    ALTER TABLE event_mentions ADD COLUMN link_copy VARCHAR;
    ALTER TABLE event_mentions ADD COLUMN link_group VARCHAR;
    CREATE TABLE minhash_bands (key BIGINT NOT NULL, article_id VARCHAR NOT NULL);
    """,
    # 4: linking reads the stored events near a batch, not link groups (dyad.stages.link.link_into)
    """
    DROP INDEX event_mentions_article;
    DROP INDEX event_mentions_block;
    ALTER TABLE event_mentions DROP COLUMN link_group;
    CREATE INDEX event_mentions_article ON event_mentions (article_id);
    CREATE INDEX event_mentions_block ON event_mentions (block_key);
    """,
    # 5: every item a feed lists is a page row from the moment it is listed (its state
    # says how far it got), and the sitemaps of a sitemap index are remembered with it
    """
    ALTER TABLE pages ADD COLUMN state VARCHAR;
    ALTER TABLE pages ADD COLUMN listed_url VARCHAR;
    ALTER TABLE pages ADD COLUMN first_seen TIMESTAMP;
    ALTER TABLE pages ADD COLUMN published TIMESTAMP;
    UPDATE pages SET first_seen = fetched_at, state = CASE
        WHEN processed_at IS NOT NULL THEN 'done'
        WHEN html IS NOT NULL THEN 'downloaded'
        WHEN failures >= 5 THEN 'given_up'
        ELSE 'pending' END;
    CREATE INDEX pages_feed ON pages (feed);
    ALTER TABLE feeds ADD COLUMN parent VARCHAR;
    ALTER TABLE feeds ADD COLUMN lastmod TIMESTAMP;
    """,
)

TABLES = ("articles", "sentences", "actor_mentions", "event_mentions", "events")


class _Candidate(NamedTuple):
    """A stored article a new one may copy: its MinHash signature, the original it
    copies (None: it is one), and when its story (the original) was published."""

    signature: bytes
    original: str | None
    story_published: date | None


@dataclass(frozen=True, slots=True)
class BatchReport:
    """What one written batch changed."""

    articles_added: int
    articles_skipped: int
    mentions_added: int
    events_touched: int


@dataclass(frozen=True, slots=True)
class ListedPage:
    """An item a feed lists: its normalised URL (the page's key), as listed, its date."""

    key: str
    url: str
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class PageToFetch:
    """A pending page: its key, the URL to ask for, how often it failed so far."""

    key: str
    url: str
    failures: int = 0


@dataclass(frozen=True, slots=True)
class DownloadedPage:
    key: str
    final_url: str | None
    content_type: str | None
    html: bytes


@dataclass(frozen=True, slots=True)
class FeedState:
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    retry_at: datetime | None = None
    kind: str | None = None


def _arrow(rows: list[dict[str, Any]], columns: Sequence[str]) -> pa.Table:
    return pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows])


def lock_timeout_setting(value: float | None = None) -> float:
    """Seconds to wait for another process's lock on the database: ``value``, else
    ``DYAD_LOCK_TIMEOUT``, else 10 (`dyad.settings`)."""
    return float(setting_value("lock_timeout", value))


def _in_use(exc: duckdb.Error) -> bool:
    """Whether a failed connect means "someone else has the file open, try later": another
    process's lock, or a connection of this process opened the other way (read-only
    while writing, or the reverse)."""
    text = str(exc).lower()
    if isinstance(exc, duckdb.IOException):
        return "lock" in text
    if isinstance(exc, duckdb.ConnectionException):
        return "different configuration" in text
    # the same file being attached by another connection of this process at this moment
    return "file handle conflict" in text or "already attached" in text


def _connect(path: Path, read_only: bool, timeout: float) -> duckdb.DuckDBPyConnection:
    """Connect, retrying while another process holds the file (DuckDB allows one writing
    process, or any number of reading ones); StoreLockedError after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    pause = 0.02
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            if not _in_use(exc):
                if isinstance(exc, duckdb.IOException):
                    raise StoreError(f"{path}: cannot open database ({exc})") from exc
                raise StoreError(f"{path}: not a dyad database ({exc})") from exc
            left = deadline - time.monotonic()
            if left <= 0:
                raise StoreLockedError(
                    f"{path}: database is in use by another process or connection"
                    f" (waited {timeout:g} s)",
                    hint="an ingest writes between batches; wait for it, raise "
                    f"{env_var('lock_timeout')}, or use another --db (a running `dyad serve`"
                    " keeps it: write through it with `dyad ingest --server URL`)",
                ) from exc
            time.sleep(min(pause, left))
            pause = min(pause * 2, 0.2)


class Store:
    """A dyad database file. Use as a context manager, or call ``close()``."""

    def __init__(
        self,
        path: str | Path,
        *,
        read_only: bool = False,
        lock_timeout: float | None = None,
        create: bool = True,
    ) -> None:
        """Open (and migrate) the database, creating it unless ``read_only`` or not
        ``create``; wait up to ``lock_timeout`` seconds (default: ``DYAD_LOCK_TIMEOUT`` or
        10) while another process holds it."""
        self.path = Path(path)
        if (read_only or not create) and not self.path.exists():
            raise StoreError(f"{self.path}: no such database", hint="run `dyad ingest` first")
        self.con = _connect(self.path, read_only, lock_timeout_setting(lock_timeout))
        self.read_only = read_only
        if not read_only:
            self._migrate()
        elif self.schema_version() != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {self.schema_version()}, expected {SCHEMA_VERSION}",
                hint="open it once without read-only access to migrate it",
            )

    @classmethod
    def on_connection(
        cls, con: duckdb.DuckDBPyConnection, path: str | Path, *, read_only: bool = False
    ) -> Self:
        """A store over an open, migrated connection, such as a cursor of the one
        connection a server keeps: closing it closes that cursor, not the database."""
        store = cls.__new__(cls)
        store.path = Path(path)
        store.con = con
        store.read_only = read_only
        return store

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    # -- schema -----------------------------------------------------------------

    def schema_version(self) -> int:
        if not self.scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
        ):
            return 0
        value = self.scalar("SELECT value FROM meta WHERE key = 'schema_version'")
        return int(value) if value is not None else 0

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first value of a query's first row (None when there is no row).

        Reads every row, so the connection is free for the next statement."""
        rows = self.con.execute(sql, list(params)).fetchall()
        return rows[0][0] if rows else None

    def _migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this dyad ({SCHEMA_VERSION})",
                hint="upgrade dyad",
            )
        if version == SCHEMA_VERSION:
            return
        self.con.execute("BEGIN")
        try:
            self.con.execute(
                "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)"
            )
            for step in MIGRATIONS[version:]:
                self.con.execute(step)
            if 0 < version < 3:
                self._relink_everything(LinkSettings())
            self._set_meta("schema_version", str(SCHEMA_VERSION))
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    # -- writing ----------------------------------------------------------------

    def known_articles(self, article_ids: Iterable[str]) -> set[str]:
        ids = list(set(article_ids))
        if not ids:
            return set()
        rows = self.con.execute(
            "SELECT article_id FROM articles WHERE article_id IN (SELECT unnest(?))", [ids]
        ).fetchall()
        return {r[0] for r in rows}

    def completed_inputs(self) -> set[str]:
        return {r[0] for r in self.con.execute("SELECT fingerprint FROM inputs").fetchall()}

    def mark_inputs_complete(self, items: Iterable[tuple[str, str]]) -> None:
        """Record inputs (fingerprint, path) whose every article is stored, for ``--resume``."""
        now = datetime.now(UTC).replace(tzinfo=None)
        rows = [(fp, path, now) for fp, path in items]
        if rows:
            self.con.executemany("INSERT OR IGNORE INTO inputs VALUES (?, ?, ?)", rows)

    def write_batch(
        self,
        results: Sequence[ArticleResult],
        *,
        link_settings: LinkSettings | None = None,
        completed_inputs: Iterable[tuple[str, str]] = (),
    ) -> BatchReport:
        """Store a batch of processed articles and re-link the events they touch, in one
        transaction. Articles already stored are skipped (ingest is idempotent).

        ``link_settings`` default to those the database was linked with; other settings
        re-link the whole database once, then stay with it."""
        settings = link_settings or self.link_settings()
        known = self.known_articles(r.article.article_id for r in results)
        fresh: list[ArticleResult] = []
        seen: set[str] = set()
        for result in results:
            aid = result.article.article_id
            if aid in known or aid in seen:
                continue
            seen.add(aid)
            fresh.append(result)
        self.con.execute("BEGIN")
        try:
            self._use_link_settings(settings)
            duplicates, signatures = self._near_duplicates(fresh, settings)
            mentions = self._insert_articles(fresh, duplicates, signatures)
            touched = self._relink(mentions, settings) if mentions else 0
            self.mark_inputs_complete(completed_inputs)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return BatchReport(
            articles_added=len(fresh),
            articles_skipped=len(results) - len(fresh),
            mentions_added=len(mentions),
            events_touched=touched,
        )

    def _near_duplicates(
        self, fresh: Sequence[ArticleResult], settings: LinkSettings
    ) -> tuple[dict[str, str], dict[str, bytes | None]]:
        """Which fresh articles copy an earlier one (``{copy: original}``), and their
        MinHash signatures. Candidates come from the ``minhash_bands`` table (what
        ``NearDuplicates``' LSH would propose, without holding an index in memory); the
        Jaccard estimate decides, the earliest close article is the copy's original, and
        an article of the batch may copy one before it in the batch."""
        self._check_banding(settings)
        signatures = {
            r.article.article_id: minhash_signature(r.article.text, settings) for r in fresh
        }
        keys = {aid: minhash_bands(sig, settings) if sig else [] for aid, sig in signatures.items()}
        days = {r.article.article_id: r.article.published for r in fresh}
        candidates, stored, order = self._stored_candidates(keys, days, settings)
        copies: dict[str, str] = {}
        by_key: dict[int, list[str]] = defaultdict(list)  # keys of the batch's earlier articles
        # each candidate's story: its original (or itself) and when that was published
        story = {aid: (c.original or aid, c.story_published) for aid, c in stored.items()}
        for position, result in enumerate(fresh):
            aid = result.article.article_id
            published = result.article.published
            signature = signatures[aid]
            if signature is None:
                continue
            earlier = {other: signatures[other] for k in keys[aid] for other in by_key[k]}
            pool = {**{other: stored[other].signature for other in candidates[aid]}, **earlier}
            close = [
                other
                for other, sig in pool.items()
                if sig
                and copy_in_time(published, story[other][1], settings)
                and is_copy(signature, sig, settings)
            ]
            story[aid] = (aid, published)
            if close:
                story[aid] = story[min(close, key=order.__getitem__)]
                copies[aid] = story[aid][0]
            for k in keys[aid]:
                by_key[k].append(aid)
            order[aid] = (1, position, aid)
        self._insert(
            "minhash_bands",
            [{"key": k, "article_id": aid} for aid, ks in keys.items() for k in ks],
        )
        return copies, signatures

    def _stored_candidates(
        self,
        keys: Mapping[str, list[int]],
        published: Mapping[str, date | None],
        settings: LinkSettings,
    ) -> tuple[dict[str, set[str]], dict[str, _Candidate], dict[str, tuple[Any, ...]]]:
        """For articles by their LSH band keys: the stored articles sharing a key with each
        whose story is in time (``copy_in_time``: copy candidates), what those articles
        are, and their order (ingest time, id)."""
        probe = [
            {"key": k, "fresh": aid, "published": published.get(aid)}
            for aid, ks in keys.items()
            for k in ks
        ]
        candidates: dict[str, set[str]] = {aid: set() for aid in keys}
        stored: dict[str, _Candidate] = {}
        order: dict[str, tuple[Any, ...]] = {}
        if not probe:
            return candidates, stored, order
        self.con.register("_probe", pa.Table.from_pylist(probe))
        try:
            rows = self.con.execute(
                """SELECT DISTINCT p.fresh, a.article_id, a.minhash, a.duplicate_of,
                          o.published, a.ingested_at
                   FROM _probe p JOIN minhash_bands b USING (key)
                   JOIN articles a ON a.article_id = b.article_id
                   JOIN articles o ON o.article_id = coalesce(a.duplicate_of, a.article_id)
                   WHERE p.published IS NULL OR o.published IS NULL
                      OR abs(p.published - o.published) <= ?""",
                [settings.undated_window_days],
            ).fetchall()
        finally:
            self.con.unregister("_probe")
        for new, aid, blob, original, story_published, ingested in rows:
            candidates[new].add(aid)
            stored[aid] = _Candidate(bytes(blob), original, story_published)
            order[aid] = (0, ingested, aid)
        return candidates, stored, order

    def stored_originals(
        self,
        signatures: Mapping[str, bytes],
        settings: LinkSettings | None = None,
        published: Mapping[str, date | None] | None = None,
    ) -> dict[str, ArticleResult]:
        """For articles not stored yet, by MinHash signature (and publication date, when
        given: ``copy_in_time``): the stored result of the earliest stored article each
        near-duplicates (``dyad.copies`` builds copies from them)."""
        settings = settings or self.link_settings()
        if self.scalar("SELECT value FROM meta WHERE key = 'minhash_banding'") != "{}x{}".format(
            *lsh_banding(settings)
        ):
            return {}  # bands of other settings: the next write rebuilds them
        keys = {aid: minhash_bands(sig, settings) for aid, sig in signatures.items()}
        candidates, stored, order = self._stored_candidates(keys, published or {}, settings)
        chosen = {}
        for aid, found in candidates.items():
            day = (published or {}).get(aid)
            close = [
                o
                for o in found
                if copy_in_time(day, stored[o].story_published, settings)
                and is_copy(signatures[aid], stored[o].signature, settings)
            ]
            if close:
                first = min(close, key=order.__getitem__)
                chosen[aid] = stored[first].original or first
        results = self.results(chosen.values())
        return {aid: results[o] for aid, o in chosen.items() if o in results}

    def results(self, article_ids: Iterable[str]) -> dict[str, ArticleResult]:
        """The stored articles with their sentences, actors and event mentions."""
        ids = sorted(set(article_ids))
        if not ids:
            return {}
        rows: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(
            lambda: {t: [] for t in ("articles", "sentences", "actor_mentions", "event_mentions")}
        )
        for table in ("articles", "sentences", "actor_mentions", "event_mentions"):
            found = self.con.sql(
                f"SELECT * FROM {table} WHERE article_id IN (SELECT unnest($ids))",
                params={"ids": ids},
            ).to_arrow_table()
            for row in found.to_pylist():
                rows[row["article_id"]][table].append(row)
        return {aid: result_from_rows(r) for aid, r in rows.items() if r["articles"]}

    def link_settings(self) -> LinkSettings:
        """The settings the stored events were linked with (the defaults in a new
        database)."""
        stored = self.scalar("SELECT value FROM meta WHERE key = 'link_settings'")
        return LinkSettings.from_json(stored) if stored else LinkSettings()

    def _use_link_settings(self, settings: LinkSettings) -> None:
        """Make ``settings`` the database's: when its events were linked with others,
        re-link all of it once, so that what comes next links as a fresh ingest would."""
        wanted = settings.to_json()
        stored = self.scalar("SELECT value FROM meta WHERE key = 'link_settings'")
        if stored == wanted:
            return
        if stored is None and not self.scalar("SELECT count(*) FROM event_mentions"):
            self._set_meta("link_settings", wanted)
            return
        self._relink_everything(settings)

    def _set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def _check_banding(self, settings: LinkSettings) -> None:
        """Keep ``minhash_bands`` made with the settings' banding; rebuild it from the
        stored signatures when the settings changed (once, then it matches)."""
        banding = "{}x{}".format(*lsh_banding(settings))
        if self.scalar("SELECT value FROM meta WHERE key = 'minhash_banding'") == banding:
            return
        self.con.execute("DELETE FROM minhash_bands")
        rows = self.con.execute(
            "SELECT article_id, minhash FROM articles WHERE minhash IS NOT NULL"
        ).fetchall()
        self._insert(
            "minhash_bands",
            [
                {"key": k, "article_id": aid}
                for aid, blob in rows
                for k in minhash_bands(bytes(blob), settings)
            ],
        )
        self._set_meta("minhash_banding", banding)

    def _insert_articles(
        self,
        fresh: Sequence[ArticleResult],
        duplicates: dict[str, str],
        signatures: dict[str, bytes | None],
    ) -> list[LinkInput]:
        """Insert the articles with all they hold; returns their mentions as link inputs."""
        if not fresh:
            return []
        now = datetime.now(UTC).replace(tzinfo=None)
        rows = [result_rows(r) for r in fresh]
        article_rows = []
        for r, row in zip(fresh, rows, strict=True):
            (article,) = row["articles"]
            aid = r.article.article_id
            article_rows.append(
                {
                    **article,
                    "ingested_at": article["ingested_at"] or now,
                    "duplicate_of": duplicates.get(aid),
                    "minhash": signatures[aid],
                }
            )
        self._insert("articles", article_rows)
        for table in ("sentences", "actor_mentions"):
            self._insert(table, [x for row in rows for x in row[table]])
        mention_rows = []
        inputs = []
        for r, row in zip(fresh, rows, strict=True):
            aid = r.article.article_id
            reported = None if r.article.published else stated_report_day(r.events)
            for m, mention_row in zip(r.events, row["event_mentions"], strict=True):
                inp = LinkInput(
                    m, r.article.published, r.article.source, aid, duplicates.get(aid), reported
                )
                mention_rows.append({**mention_row, **_link_columns(inp)})
                inputs.append(inp)
        self._insert("event_mentions", mention_rows, or_ignore=True)
        return inputs

    def _insert(self, table: str, rows: list[dict[str, Any]], *, or_ignore: bool = False) -> None:
        if not rows:
            return
        columns = [r[0] for r in self.con.execute(f"DESCRIBE {table}").fetchall()]
        verb = "INSERT OR IGNORE INTO" if or_ignore else "INSERT INTO"
        self.con.register("_rows", _arrow(rows, columns))
        try:
            self.con.execute(f"{verb} {table} BY NAME SELECT * FROM _rows")
        finally:
            self.con.unregister("_rows")

    # -- linking ----------------------------------------------------------------

    def _relink(self, new: Sequence[LinkInput], settings: LinkSettings) -> int:
        """Link freshly inserted mentions into the stored events (``dyad.stages.link.link_into``,
        which asks for the stored mentions near the ones it looks at, and for whole
        events), and rewrite the events that changed. A batch reads what its dates reach,
        not the database; the result is that of linking everything at once."""
        relinking = link_into(new, _StoredEvents(self, settings), settings)
        return self._replace_events(relinking.inputs, relinking.events, relinking.before, settings)

    def _stored_inputs(
        self, where: str, params: dict[str, Any]
    ) -> list[tuple[LinkInput, str | None]]:
        """The stored mentions ``where`` selects, as link inputs, with their event ids."""
        rows = self.con.sql(
            f"""
            SELECT m.*, a.published AS article_published, a.source AS article_source,
                   a.duplicate_of AS article_duplicate_of
            FROM event_mentions m JOIN articles a USING (article_id)
            WHERE {where}
            """,
            params=params,
        ).to_arrow_table()
        return [
            (
                LinkInput(
                    mention=mention_from_row(row),
                    published=row["article_published"],
                    source_outlet=row["article_source"],
                    article_id=row["article_id"],
                    duplicate_of=row["article_duplicate_of"],
                    # a page without a publication date: link_pub keeps its report day
                    reported=None
                    if row["article_published"] or row["link_pub"] is None
                    else date.fromordinal(row["link_pub"]),
                ),
                row["event_id"],
            )
            for row in rows.to_pylist()
        ]

    def _replace_events(
        self,
        inputs: Sequence[LinkInput],
        events: Mapping[str, str],
        before: Mapping[str, str],
        settings: LinkSettings,
    ) -> int:
        """Store each mention's event (``events``; the stored ones had those ``before``)
        and rewrite the events whose members changed; an event with the same id and
        members is left as it is."""
        was: dict[str, set[str]] = defaultdict(set)
        for mid, eid in before.items():
            was[eid].add(mid)
        now: dict[str, set[str]] = defaultdict(set)
        for mid, eid in events.items():
            now[eid].add(mid)
        kept = {eid for eid, members in now.items() if was.get(eid) == members}
        self._update_mentions(
            [
                {"mention_id": mid, "event_id": eid}
                for mid, eid in events.items()
                if before.get(mid) != eid
            ]
        )
        stale = sorted(set(was) - kept)
        if stale:
            self.con.execute("DELETE FROM events WHERE event_id IN (SELECT unnest(?))", [stale])
        changed = [i for i in inputs if events[i.mention.mention_id] not in kept]
        built = build_events(
            changed, {i.mention.mention_id: events[i.mention.mention_id] for i in changed}, settings
        )
        block_of = {i.mention.mention_id: block_key(i.mention) for i in changed}
        self._insert(
            "events",
            [
                # a multi-party event spans the blocks of its pairs
                _event_row(e, ";".join(sorted({block_of[m] for m in e.mention_ids})))
                for e in built
            ],
        )
        return len(built)

    def _update_mentions(self, rows: list[dict[str, Any]]) -> None:
        """Set the given columns of the mentions named by each row's ``mention_id``."""
        if not rows:
            return
        columns = [c for c in rows[0] if c != "mention_id"]
        self.con.register("_updates", pa.Table.from_pylist(rows))
        try:
            self.con.execute(
                "UPDATE event_mentions SET "
                + ", ".join(f"{c} = _updates.{c}" for c in columns)
                + " FROM _updates WHERE event_mentions.mention_id = _updates.mention_id"
            )
        finally:
            self.con.unregister("_updates")

    def _relink_everything(self, settings: LinkSettings) -> int:
        """Recompute every mention's link columns, re-cluster the whole database and
        remember the settings."""
        self._set_meta("link_settings", settings.to_json())
        inputs = _with_report_days([inp for inp, _ in self._stored_inputs("true", {})])
        if not inputs:
            return 0
        self._update_mentions(
            [{"mention_id": i.mention.mention_id, **_link_columns(i)} for i in inputs]
        )
        self.con.execute("DELETE FROM events")
        return self._replace_events(inputs, link(inputs, settings), {}, settings)

    def relink_all(self, settings: LinkSettings | None = None) -> int:
        """Re-cluster the whole database with ``settings`` (default: its own), which
        then become its settings. Returns the number of events."""
        self.con.execute("BEGIN")
        try:
            touched = self._relink_everything(settings or self.link_settings())
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return touched

    # -- pages and feeds (dyad.sources.fetch, dyad.sources.watch) ------------------------

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN")
        try:
            yield
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def feed_state(self, url: str) -> FeedState:
        """What the last poll of a feed left: validators and backoff (all empty if never)."""
        rows = self.con.execute(
            "SELECT etag, last_modified, failures, retry_at, kind FROM feeds WHERE url = ?", [url]
        ).fetchall()
        return FeedState(*rows[0]) if rows else FeedState()

    def record_feed(
        self,
        url: str,
        *,
        kind: str,
        etag: str | None,
        last_modified: str | None,
        items: Sequence[ListedPage],
        now: datetime,
        parent: str | None = None,
    ) -> int:
        """Remember a feed's new validators together with every item it lists, in one
        transaction: a validator is never saved without the items it stands for. A
        sitemap index's items are feeds (``kind`` sitemapindex); other items become
        pending pages unless known already (under their URL, as a redirect target or as a
        canonical URL). Returns the number of new items."""
        keys = list(dict.fromkeys(i.key for i in items))
        with self._transaction():
            self.con.execute(
                """
                INSERT INTO feeds (url, kind, etag, last_modified, polled_at, changed_at,
                    items, error, failures, retry_at, parent)
                VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 0, NULL, ?)
                ON CONFLICT (url) DO UPDATE SET kind = excluded.kind, etag = excluded.etag,
                    last_modified = excluded.last_modified, polled_at = excluded.polled_at,
                    changed_at = excluded.changed_at, items = excluded.items, error = NULL,
                    failures = 0, retry_at = NULL, parent = coalesce(excluded.parent, parent)
                """,
                [url, kind, etag, last_modified, now, now, len(keys), parent],
            )
            if kind == "sitemapindex":
                return self._record_children(url, items)
            known = set(self.known_pages(keys, downloaded_only=False))
            fresh = {i.key: i for i in reversed(items) if i.key not in known}
            rows = [(i.key, i.url, url, now, i.published) for i in fresh.values()]
            if rows:
                self.con.executemany(
                    "INSERT INTO pages (url, listed_url, feed, first_seen, published, state)"
                    " VALUES (?, ?, ?, ?, ?, 'pending') ON CONFLICT (url) DO NOTHING",
                    rows,
                )
        return len(rows)

    def _record_children(self, index: str, sitemaps: Sequence[ListedPage]) -> int:
        known = {r[0] for r in self.con.execute("SELECT url FROM feeds").fetchall()}
        rows = [(s.url, index, s.published) for s in sitemaps]
        if rows:
            self.con.executemany(
                "INSERT INTO feeds (url, parent, lastmod) VALUES (?, ?, ?) ON CONFLICT (url)"
                " DO UPDATE SET parent = excluded.parent, lastmod = excluded.lastmod",
                rows,
            )
        return sum(s.url not in known for s in sitemaps)

    def child_feeds(self, index: str, limit: int) -> list[str]:
        """The newest ``limit`` sitemaps a sitemap index listed."""
        rows = self.con.execute(
            "SELECT url FROM feeds WHERE parent = ? ORDER BY lastmod DESC NULLS LAST, url LIMIT ?",
            [index, limit],
        ).fetchall()
        return [r[0] for r in rows]

    def record_feed_unchanged(self, url: str, now: datetime) -> None:
        self.con.execute(
            "UPDATE feeds SET polled_at = ?, error = NULL, failures = 0, retry_at = NULL"
            " WHERE url = ?",
            [now, url],
        )

    def record_feed_failure(
        self, url: str, reason: str, *, now: datetime, retry_at: datetime
    ) -> int:
        """Remember a failed poll (validators and items stay); returns failures in a row."""
        self.con.execute(
            """
            INSERT INTO feeds (url, polled_at, error, failures, retry_at) VALUES (?, ?, ?, 1, ?)
            ON CONFLICT (url) DO UPDATE SET polled_at = excluded.polled_at,
                error = excluded.error, failures = feeds.failures + 1,
                retry_at = excluded.retry_at
            """,
            [url, now, reason, retry_at],
        )
        return int(self.scalar("SELECT failures FROM feeds WHERE url = ?", [url]))

    def due_pages(self, feed: str, *, now: datetime, limit: int) -> list[PageToFetch]:
        """Up to ``limit`` pending pages of a feed whose (retry) time has come, newest
        first, then in the order they were first listed."""
        rows = self.con.execute(
            """
            SELECT url, coalesce(listed_url, url), failures FROM pages
            WHERE feed = ? AND state = 'pending' AND (retry_at IS NULL OR retry_at <= ?)
            ORDER BY published DESC NULLS LAST, first_seen, url LIMIT ?
            """,
            [feed, now, limit],
        ).fetchall()
        return [PageToFetch(key, url, failures) for key, url, failures in rows]

    def page_counts(self) -> dict[str, int]:
        """How many pages are in each state (pending, downloaded, done, given_up)."""
        return dict(self.con.execute("SELECT state, count(*) FROM pages GROUP BY state").fetchall())

    def known_pages(self, keys: Sequence[str], *, downloaded_only: bool = True) -> set[str]:
        """Those of the (normalised) ``keys`` dyad has: downloaded already, under their own
        name, as a redirect target or as the canonical URL a page names; with
        ``downloaded_only`` false, also any page listed before, whatever its state."""
        if not keys:
            return set()
        rows = self.con.execute(
            """
            SELECT url, final_url FROM pages
            WHERE (url IN (SELECT unnest($keys)) OR final_url IN (SELECT unnest($keys)))
              AND (NOT $downloaded_only OR html IS NOT NULL OR article_id IS NOT NULL)
            """,
            {"keys": list(keys), "downloaded_only": downloaded_only},
        ).fetchall()
        return {u for row in rows for u in row if u} & set(keys)

    def save_page(
        self,
        key: str,
        *,
        final_url: str,
        status: int,
        content_type: str | None,
        html: bytes,
        now: datetime,
    ) -> None:
        """Keep a downloaded page (compressed) for processing now and re-processing later."""
        self.con.execute(
            """
            INSERT INTO pages (url, final_url, status, content_type, fetched_at, html,
                               first_seen, state)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'downloaded')
            ON CONFLICT (url) DO UPDATE SET
                final_url = excluded.final_url, status = excluded.status,
                content_type = excluded.content_type, fetched_at = excluded.fetched_at,
                html = excluded.html, processed_at = NULL, article_id = NULL, error = NULL,
                retry_at = NULL, state = 'downloaded'
            """,
            [key, final_url, status, content_type, now, zlib.compress(html, 6), now],
        )

    def save_page_failure(
        self,
        key: str,
        reason: str,
        *,
        status: int | None,
        now: datetime,
        retry_at: Callable[[int], datetime | None],
    ) -> tuple[int, datetime | None]:
        """Record a failed download. ``retry_at(failures)`` says when to try again, or None
        to give the page up. Returns the failures so far and the retry time."""
        failures = int(self.scalar("SELECT failures FROM pages WHERE url = ?", [key]) or 0) + 1
        when = retry_at(failures)
        self.con.execute(
            """
            INSERT INTO pages (url, status, fetched_at, first_seen, error, failures, retry_at,
                               state)
            VALUES ($key, $status, $now, $now, $reason, $failures, $when, $state)
            ON CONFLICT (url) DO UPDATE SET status = excluded.status,
                fetched_at = excluded.fetched_at, error = excluded.error,
                failures = excluded.failures, retry_at = excluded.retry_at,
                state = excluded.state
            """,
            {
                "key": key,
                "status": status,
                "now": now,
                "reason": reason,
                "failures": failures,
                "when": when,
                "state": "pending" if when is not None else "given_up",
            },
        )
        return failures, when

    def downloaded_pages(
        self, limit: int, *, offset: int = 0, redo: bool = False
    ) -> list[DownloadedPage]:
        """Downloaded pages not processed yet (with ``redo``, every downloaded page)."""
        where = "html IS NOT NULL" + ("" if redo else " AND processed_at IS NULL")
        rows = self.con.execute(
            f"SELECT url, final_url, content_type, html FROM pages WHERE {where}"
            " ORDER BY fetched_at, url LIMIT ? OFFSET ?",
            [limit, offset],
        ).fetchall()
        return [
            DownloadedPage(key, final_url, content_type, zlib.decompress(bytes(blob)))
            for key, final_url, content_type, blob in rows
        ]

    def mark_pages_processed(
        self,
        outcome: Mapping[str, tuple[str | None, str | None]],
        *,
        canonical: Mapping[str, str],
        now: datetime,
    ) -> None:
        """Record what processing made of each page (``{key: (article_id, error)}``), and
        remember the canonical URL a page names as known too (``{key: canonical}``)."""
        rows = [(now, aid, error, key) for key, (aid, error) in outcome.items()]
        aliases = [
            (url, key, now, now, now, outcome[key][0])
            for key, url in canonical.items()
            if outcome.get(key, (None, None))[0] is not None
        ]
        with self._transaction():
            if rows:
                self.con.executemany(
                    "UPDATE pages SET processed_at = ?, article_id = ?, error = ?,"
                    " state = 'done' WHERE url = ?",
                    rows,
                )
            if aliases:  # DuckDB's executemany refuses an empty list
                self.con.executemany(
                    "INSERT INTO pages (url, final_url, first_seen, fetched_at, processed_at,"
                    " article_id, state) VALUES (?, ?, ?, ?, ?, ?, 'done')"
                    " ON CONFLICT (url) DO UPDATE SET final_url = excluded.final_url,"
                    " article_id = excluded.article_id, state = 'done'"
                    " WHERE pages.html IS NULL AND pages.state <> 'done'",
                    aliases,
                )

    def page_html(self, key: str) -> bytes | None:
        """The HTML kept for a page (as served, decompressed), under its URL, its redirect
        target or the canonical URL it names; None if never downloaded."""
        rows = self.con.execute(
            """
            SELECT html FROM pages WHERE html IS NOT NULL AND (url = ? OR final_url = ?
                OR url IN (SELECT final_url FROM pages WHERE url = ? AND html IS NULL))
            ORDER BY fetched_at DESC LIMIT 1
            """,
            [key, key, key],
        ).fetchall()
        return zlib.decompress(bytes(rows[0][0])) if rows else None

    # -- reading ----------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        out = {}
        for table in TABLES:
            out[table] = int(self.scalar(f"SELECT count(*) FROM {table}"))
        return out


class _StoredEvents:
    """The store's answers to ``dyad.stages.link.link_into``: ``may_pair`` in SQL over the
    stored link windows (windows within ``reach_days``, or one undated and reported
    within ``undated_window_days``: ``link_pub`` is the ``report_day``, or copies of one
    story), and whole events."""

    def __init__(self, store: Store, settings: LinkSettings) -> None:
        self.store = store
        self.settings = settings
        # the mentions read so far: a batch's rounds ask for many of them again
        self.read: dict[str, tuple[LinkInput, str | None]] = {}

    def _linked(self, where: str, params: dict[str, Any]) -> list[tuple[LinkInput, str]]:
        """The linked mentions ``where`` selects; each is read from the database once."""
        rows = self.store.con.execute(
            f"SELECT m.mention_id FROM event_mentions m WHERE {where}", params
        ).fetchall()
        ids = [mid for (mid,) in rows]
        missing = [mid for mid in ids if mid not in self.read]
        if missing:
            for inp, eid in self.store._stored_inputs(
                "m.mention_id IN (SELECT unnest($ids))", {"ids": missing}
            ):
                self.read[inp.mention.mention_id] = (inp, eid)
        return [(inp, eid) for inp, eid in map(self.read.__getitem__, ids) if eid is not None]

    def near(self, mentions: Sequence[LinkInput]) -> list[tuple[LinkInput, str]]:
        return self._linked(
            """m.mention_id IN (
                SELECT o.mention_id
                FROM event_mentions n JOIN event_mentions o ON o.block_key = n.block_key
                WHERE n.mention_id IN (SELECT unnest($focus)) AND o.event_id IS NOT NULL
                  AND (o.link_copy = n.link_copy
                       OR (o.link_lo IS NOT NULL AND n.link_lo IS NOT NULL
                           AND o.link_lo <= n.link_hi + $slack
                           AND n.link_lo <= o.link_hi + $slack)
                       OR ((o.link_lo IS NULL OR n.link_lo IS NULL)
                           AND abs(o.link_pub - n.link_pub) <= $window))
                UNION ALL
                -- the other pairs coded from the same word (a multi-party event)
                SELECT o.mention_id
                FROM event_mentions n JOIN event_mentions o USING (article_id, sentence_index,
                    trigger_start, trigger_end, plover)
                WHERE n.mention_id IN (SELECT unnest($focus)) AND o.event_id IS NOT NULL)""",
            {
                "focus": [i.mention.mention_id for i in mentions],
                "slack": self.settings.reach_days,
                "window": self.settings.undated_window_days,
            },
        )

    def members(self, event_ids: Set[str]) -> list[tuple[LinkInput, str]]:
        return self._linked("m.event_id IN (SELECT unnest($events))", {"events": sorted(event_ids)})


def result_rows(result: ArticleResult) -> dict[str, list[dict[str, Any]]]:
    """One processed article as the rows of the ``articles``, ``sentences``,
    ``actor_mentions`` and ``event_mentions`` tables, without what only the database
    knows (copies, link columns, event ids); the inverse of ``result_from_rows``."""
    a = result.article
    return {
        "articles": [
            {
                "article_id": a.article_id,
                "path": a.path,
                "url": a.url,
                "title": a.title,
                "source": a.source,
                "published": a.published,
                "published_from": a.published_from,
                "language": a.language,
                "dateline": a.dateline,
                "text": a.text,
                "original_text": a.original_text,
                "warnings": list(a.warnings),
                "metadata": json.dumps(a.metadata, default=str, ensure_ascii=False),
                "ingested_at": a.ingested_at,
            }
        ],
        "sentences": [
            {
                "article_id": a.article_id,
                "sentence_index": s.index,
                "start_char": s.start,
                "end_char": s.end,
                "text": s.text,
            }
            for s in result.sentences
        ],
        "actor_mentions": [_actor_row(a.article_id, i, x) for i, x in enumerate(result.actors)],
        "event_mentions": [flatten_mention(m) for m in result.events],
    }


def result_from_rows(rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> ArticleResult:
    """Rebuild one article's result from its rows (as ``result_rows`` gives them)."""
    (a,) = rows["articles"]
    article = Article(
        article_id=a["article_id"],
        text=a["text"],
        published=a["published"],
        published_from=a["published_from"],
        title=a["title"],
        url=a["url"],
        source=a["source"],
        path=a["path"],
        language=a["language"],
        dateline=a["dateline"],
        original_text=a["original_text"],
        metadata=json.loads(a["metadata"] or "{}"),
        warnings=tuple(a["warnings"] or ()),
        ingested_at=a["ingested_at"],
    )
    sentences = tuple(
        Sentence(
            index=s["sentence_index"], start=s["start_char"], end=s["end_char"], text=s["text"]
        )
        for s in sorted(rows["sentences"], key=lambda s: s["sentence_index"])
    )
    actors = tuple(
        ActorMention(
            start=x["start_char"],
            end=x["end_char"],
            sentence_index=x["sentence_index"],
            text=x["text"],
            country=x["country"],
            sector=x["sector"],
            name=x["name"],
            role=x["role"],
            resolved_by=x["resolved_by"],
        )
        for x in sorted(rows["actor_mentions"], key=lambda x: x["actor_index"])
    )
    events = tuple(mention_from_row(dict(m)) for m in rows["event_mentions"])
    return ArticleResult(article=article, sentences=sentences, actors=actors, events=events)


def _actor_row(article_id: str, index: int, actor: ActorMention) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "actor_index": index,
        "sentence_index": actor.sentence_index,
        "start_char": actor.start,
        "end_char": actor.end,
        "text": actor.text,
        "code": actor.code,
        "country": actor.country,
        "sector": actor.sector,
        "name": actor.name,
        "role": actor.role,
        "resolved_by": actor.resolved_by,
    }


def _with_report_days(inputs: list[LinkInput]) -> list[LinkInput]:
    """The inputs with the report day of each page without a publication date
    (``stated_report_day`` of its mentions), as writing its article gives them."""
    undated: dict[str, list[EventMention]] = defaultdict(list)
    for inp in inputs:
        if inp.published is None:
            undated[inp.mention.article_id].append(inp.mention)
    days = {aid: stated_report_day(mentions) for aid, mentions in undated.items()}
    return [
        replace(inp, reported=days[inp.mention.article_id]) if inp.published is None else inp
        for inp in inputs
    ]


def _link_columns(inp: LinkInput) -> dict[str, Any]:
    """The columns incremental linking selects on (see ``_StoredEvents.near``)."""
    window = link_window(inp)
    return {
        "block_key": block_key(inp.mention),
        "link_lo": window[0] if window else None,
        "link_hi": window[1] if window else None,
        "link_pub": report_day(inp),
        "link_copy": inp.duplicate_of or inp.article_id,
    }


def _event_row(event: Event, block: str) -> dict[str, Any]:
    return {
        "event_id": event.event_id,
        "block_key": block,
        "source": event.source,
        "target": event.target,
        "source_name": event.source_name,
        "target_name": event.target_name,
        "plover": event.plover,
        "cameo": event.cameo,
        "goldstein": event.goldstein,
        "quad_class": event.quad_class,
        "status": event.status,
        "date": event.date,
        "date_end": event.date_end,
        "date_precision": event.date_precision,
        **location_columns(event.location),
        "first_seen": event.first_seen,
        "last_seen": event.last_seen,
        "num_mentions": event.num_mentions,
        "num_sources": event.num_sources,
        "num_articles": event.num_articles,
        "status_history": json.dumps(event.status_history),
        "confidence": event.confidence,
    }


def _actor_from_row(row: dict[str, Any], prefix: str) -> ActorMention | None:
    if row.get(f"{prefix}_name") is None and row.get(prefix) is None:
        return None
    return ActorMention(
        start=row.get(f"{prefix}_start") or 0,
        end=row.get(f"{prefix}_end") or 0,
        sentence_index=row.get("sentence_index") or 0,
        text=row.get(f"{prefix}_text") or "",
        country=row.get(f"{prefix}_country"),
        sector=row.get(f"{prefix}_sector"),
        name=row.get(f"{prefix}_name") or "",
        resolved_by=row.get(f"{prefix}_resolved_by") or "codebook",
    )


def _iso(value: object) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else (str(value) if value else None)


def mention_from_row(row: dict[str, Any]) -> EventMention:
    """Rebuild an EventMention record from its stored flat row."""
    location = None
    if row.get("location_name") is not None:
        location = Location(
            name=row["location_name"],
            country=row.get("location_country"),
            admin1=row.get("location_admin1"),
            lat=row.get("location_lat"),
            lon=row.get("location_lon"),
            geonames_id=row.get("location_geonames_id"),
            text=row.get("location_text"),
            how=row.get("location_how"),
        )
    return EventMention(
        mention_id=row["mention_id"],
        article_id=row["article_id"],
        sentence_index=row["sentence_index"],
        sentence=row["sentence"],
        start_char=row["start_char"],
        end_char=row["end_char"],
        trigger=row["trigger"],
        trigger_start=row["trigger_start"],
        trigger_end=row["trigger_end"],
        source=_actor_from_row(row, "source"),
        target=_actor_from_row(row, "target"),
        plover=row["plover"],
        cameo=row["cameo"],
        goldstein=row["goldstein"],
        quad_class=row["quad_class"],
        status=row["status"],
        mode=row.get("mode"),
        context=tuple(row.get("context") or ()),
        tense=row.get("tense"),
        date=_iso(row.get("date")),
        date_end=_iso(row.get("date_end")),
        date_precision=row.get("date_precision"),
        date_text=row.get("date_text"),
        location=location,
        confidence=row["confidence"],
        event_id=row.get("event_id"),
        additional=bool(row.get("additional")),
    )


__all__ = [
    "BatchReport",
    "DownloadedPage",
    "FeedState",
    "ListedPage",
    "PageToFetch",
    "Store",
    "mention_from_row",
    "result_from_rows",
    "result_rows",
]
