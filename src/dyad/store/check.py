"""Integrity checks of a dyad database (``dyad check``).

A lost or doubled row silently corrupts event counts, so this module verifies what the
schema cannot enforce by itself: every sentence, actor and event mention belongs to a
stored article, every mention's event exists and every event has its mentions, each
event's ``num_mentions`` is its real mention count, article ids are the hash of their text
(so no article is stored twice), and the schema version is the one this dyad writes.

The checks only read; they open the database read-only (waiting briefly if an ingest is
writing, as every reader does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dyad.errors import StoreError, StoreLockedError
from dyad.records import article_id_for
from dyad.store.store import TABLES, Store

__all__ = ["CheckReport", "Problem", "check_database"]

#: How many offending keys a problem line names.
EXAMPLES = 3


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a database: which check, how many rows, a few examples."""

    check: str
    message: str
    count: int = 1
    examples: tuple[str, ...] = ()

    def __str__(self) -> str:
        shown = f" (e.g. {', '.join(self.examples)})" if self.examples else ""
        return f"{self.check}: {self.message}{shown}"


@dataclass
class CheckReport:
    """Row counts and the problems found; ``ok`` when there are none."""

    path: str
    schema_version: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# (check name, message with {n}, SQL selecting the offending keys). Each query returns one
# text column; an empty result means the check passed.
_SQL_CHECKS: tuple[tuple[str, str, str], ...] = (
    (
        "articles",
        "{n} article ids stored more than once",
        "SELECT article_id FROM articles GROUP BY article_id HAVING count(*) > 1",
    ),
    (
        "sentences",
        "{n} sentences whose article is not stored",
        """SELECT s.article_id || '#' || s.sentence_index FROM sentences s
           ANTI JOIN articles a USING (article_id)""",
    ),
    (
        "sentences",
        "{n} sentences stored more than once",
        """SELECT article_id || '#' || sentence_index FROM sentences
           GROUP BY article_id, sentence_index HAVING count(*) > 1""",
    ),
    (
        "actor_mentions",
        "{n} actor mentions whose article is not stored",
        """SELECT m.article_id || '#' || m.actor_index FROM actor_mentions m
           ANTI JOIN articles a USING (article_id)""",
    ),
    (
        "event_mentions",
        "{n} event mentions whose article is not stored",
        "SELECT m.mention_id FROM event_mentions m ANTI JOIN articles a USING (article_id)",
    ),
    (
        "event_mentions",
        "{n} event mention ids stored more than once",
        "SELECT mention_id FROM event_mentions GROUP BY mention_id HAVING count(*) > 1",
    ),
    (
        "event_mentions",
        "{n} event mentions whose sentence is not stored",
        """SELECT m.mention_id FROM event_mentions m
           ANTI JOIN sentences s USING (article_id, sentence_index)""",
    ),
    (
        "event_mentions",
        "{n} event mentions without an event id",
        "SELECT mention_id FROM event_mentions WHERE event_id IS NULL",
    ),
    (
        "event_mentions",
        "{n} event mentions whose event_id is not in events",
        """SELECT m.mention_id FROM event_mentions m
           WHERE m.event_id IS NOT NULL
             AND m.event_id NOT IN (SELECT event_id FROM events)""",
    ),
    (
        "event_mentions",
        "{n} event mentions in another link block than their event",
        """SELECT m.mention_id FROM event_mentions m JOIN events e USING (event_id)
           WHERE NOT coalesce(list_contains(string_split(e.block_key, ';'), m.block_key),
                              false)""",
    ),
    (
        "event_mentions",
        "{n} event mentions without the columns incremental linking selects on",
        "SELECT mention_id FROM event_mentions WHERE link_copy IS NULL OR block_key IS NULL",
    ),
    (
        "events",
        "{n} event ids stored more than once",
        "SELECT event_id FROM events GROUP BY event_id HAVING count(*) > 1",
    ),
    (
        "events",
        "{n} events without any mention",
        "SELECT e.event_id FROM events e ANTI JOIN event_mentions m USING (event_id)",
    ),
    (
        "events",
        "{n} events whose num_mentions differs from their mention count",
        """SELECT e.event_id || ' says ' || e.num_mentions || ', has ' || count(m.mention_id)
           FROM events e JOIN event_mentions m USING (event_id)
           GROUP BY e.event_id, e.num_mentions
           HAVING e.num_mentions <> count(m.mention_id)""",
    ),
    (
        "events",
        "{n} events counting more articles than their mentions come from",
        """SELECT e.event_id FROM events e JOIN event_mentions m USING (event_id)
           GROUP BY e.event_id, e.num_articles
           HAVING e.num_articles > count(DISTINCT m.article_id) OR e.num_articles < 1""",
    ),
    (
        "articles",
        "{n} articles marked as copies of an article that is not stored",
        """SELECT a.article_id FROM articles a
           WHERE a.duplicate_of IS NOT NULL
             AND a.duplicate_of NOT IN (SELECT article_id FROM articles)""",
    ),
)


def check_database(path: str | Path, *, lock_timeout: float | None = None) -> CheckReport:
    """Run every integrity check on the database at ``path``.

    A database that cannot be opened, or has another schema version, is one problem
    (the other checks need the schema). Raises StoreLockedError when a writer holds the
    database longer than ``lock_timeout`` seconds.
    """
    report = CheckReport(path=str(path))
    try:
        store = Store(path, read_only=True, lock_timeout=lock_timeout)
    except StoreLockedError:
        raise
    except StoreError as exc:
        report.problems.append(Problem("database", str(exc.args[0])))
        return report
    with store:
        report.schema_version = store.schema_version()
        report.counts = store.counts()
        for name, message, sql in _SQL_CHECKS:
            _run(store.con, report, name, message, sql)
        _check_article_ids(store.con, report)
    return report


def _run(
    con: duckdb.DuckDBPyConnection, report: CheckReport, name: str, message: str, sql: str
) -> None:
    keys = [str(r[0]) for r in con.execute(sql).fetchall()]
    if keys:
        report.problems.append(
            Problem(name, message.format(n=len(keys)), len(keys), tuple(keys[:EXAMPLES]))
        )


def _check_article_ids(
    con: duckdb.DuckDBPyConnection, report: CheckReport, chunk: int = 2048
) -> None:
    """Ids must be the hash of the stored text: else one text can be stored twice."""
    wrong: list[str] = []
    first_of: dict[str, str] = {}
    doubled: list[str] = []
    cursor = con.execute("SELECT article_id, text FROM articles ORDER BY article_id")
    while rows := cursor.fetchmany(chunk):
        for article_id, text in rows:
            expected = article_id_for(text)
            if expected != article_id:
                wrong.append(article_id)
            if expected in first_of:
                doubled.append(f"{article_id}={first_of[expected]}")
            else:
                first_of[expected] = article_id
    if wrong:
        report.problems.append(
            Problem(
                "articles",
                f"{len(wrong)} article ids are not the hash of their text",
                len(wrong),
                tuple(wrong[:EXAMPLES]),
            )
        )
    if doubled:
        report.problems.append(
            Problem(
                "articles",
                f"{len(doubled)} articles store the same text as another",
                len(doubled),
                tuple(doubled[:EXAMPLES]),
            )
        )


def table_counts(report: CheckReport) -> str:
    """'47 articles, 812 sentences, ...' for the summary line."""
    return ", ".join(f"{report.counts.get(t, 0)} {t.replace('_', ' ')}" for t in TABLES)
