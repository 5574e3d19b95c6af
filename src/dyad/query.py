"""Read a dyad database: events, mentions, articles, actors and timelines with filters.

`dyad.open(path)` returns a `Database`. Every query builds one parameterised SQL
statement (no string-pasted values) and returns pandas, Arrow or plain records.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from dyad.errors import UsageError
from dyad.export import export_record
from dyad.store import Store

Output = Literal["pandas", "arrow", "records"]
Period = Literal["day", "week", "month", "year"]

_DYAD = re.compile(
    r"^\s*([A-Za-z]{3}(?:\s+[A-Za-z]{3})?)\s*(-|>|<)\s*([A-Za-z]{3}(?:\s+[A-Za-z]{3})?)\s*$"
)


@dataclass(frozen=True)
class Filters:
    """Event filters shared by the Python API, the CLI and the web API.

    ``actor``: a code or code prefix ("PAK", "PAK GOV") on either side.
    ``dyad``: "USA-PAK" (either direction) or "USA>PAK" (USA source, PAK target).
    ``date_from``/``date_to``: on the event date, or on publication with
    ``date_field="published"``. ``text``: words that must appear in an evidence sentence.
    """

    actor: str | None = None
    dyad: str | None = None
    source: str | None = None
    target: str | None = None
    sector: str | None = None
    plover: str | None = None
    cameo: str | None = None
    quad_class: int | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    date_field: Literal["event", "published"] = "event"
    place: str | None = None
    text: str | None = None


def parse_dyad(value: str) -> tuple[str, str, bool]:
    """'USA-PAK' -> ('USA', 'PAK', False); 'USA>PAK' -> ('USA', 'PAK', True)."""
    match = _DYAD.match(value)
    if not match:
        raise UsageError(
            f"dyad {value!r}: expected two actor codes joined by - (either way) or > (directed),"
            " e.g. USA-PAK"
        )
    left, op, right = match.groups()
    if op == "<":
        left, right = right, left
    return left.upper(), right.upper(), op != "-"


def _prefix(column: str, code: str, params: list[Any]) -> str:
    params.extend([code.upper(), code.upper() + " %"])
    return f"({column} = ? OR {column} LIKE ?)"


def _where(
    f: Filters, alias: str = "e", *, published_expr: str | None = None
) -> tuple[str, list[Any]]:
    """SQL conditions for the filters over an events-shaped relation ``alias``."""
    clauses: list[str] = []
    params: list[Any] = []
    src, tgt = f"{alias}.source", f"{alias}.target"
    if f.actor:
        clauses.append(f"({_prefix(src, f.actor, params)} OR {_prefix(tgt, f.actor, params)})")
    if f.dyad:
        left, right, directed = parse_dyad(f.dyad)
        forward = f"({_prefix(src, left, params)} AND {_prefix(tgt, right, params)})"
        if directed:
            clauses.append(forward)
        else:
            backward = f"({_prefix(src, right, params)} AND {_prefix(tgt, left, params)})"
            clauses.append(f"({forward} OR {backward})")
    if f.source:
        clauses.append(_prefix(src, f.source, params))
    if f.target:
        clauses.append(_prefix(tgt, f.target, params))
    if f.sector:
        clauses.append(f"(split_part({src}, ' ', 2) = ? OR split_part({tgt}, ' ', 2) = ?)")
        params += [f.sector.upper(), f.sector.upper()]
    if f.plover:
        clauses.append(f"{alias}.plover = ?")
        params.append(f.plover.upper())
    if f.cameo:
        clauses.append(f"{alias}.cameo LIKE ?")
        params.append(f.cameo + "%")
    if f.quad_class is not None:
        clauses.append(f"{alias}.quad_class = ?")
        params.append(f.quad_class)
    if f.status:
        clauses.append(f"{alias}.status = ?")
        params.append(f.status.lower())
    if f.date_field == "published" and published_expr:
        lo, hi = published_expr, published_expr
    else:
        lo, hi = f"coalesce({alias}.date_end, {alias}.date)", f"{alias}.date"
    if f.date_from:
        clauses.append(f"{lo} >= ?")
        params.append(f.date_from)
    if f.date_to:
        clauses.append(f"{hi} <= ?")
        params.append(f.date_to)
    if f.place:
        clauses.append(f"({alias}.location_name ILIKE ? OR {alias}.location_country = ?)")
        params += [f.place, f.place.upper()]
    return " AND ".join(clauses) or "TRUE", params


def _output(table: pa.Table, output: Output) -> Any:
    if output == "arrow":
        return table
    if output == "records":
        return table.to_pylist()
    if output == "pandas":
        return table.to_pandas()
    raise UsageError(f"output {output!r}: choose pandas, arrow or records")


class Database:
    """A dyad database opened for reading."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.store = Store(self.path, read_only=True)
        self.con = self.store.con

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def _run(self, sql: str, params: Sequence[Any], output: Output) -> Any:
        return _output(self.con.execute(sql, list(params)).fetch_arrow_table(), output)

    def events(
        self,
        filters: Filters | None = None,
        *,
        order: str = "date",
        descending: bool = True,
        limit: int | None = None,
        offset: int = 0,
        output: Output = "pandas",
        **kwargs: Any,
    ) -> Any:
        """Linked events (one row per real-world event), filtered and sorted."""
        f = filters or Filters(**kwargs)
        where, params = _where(f, "e", published_expr="e.first_seen")
        if f.text:
            where += (
                " AND EXISTS (SELECT 1 FROM event_mentions m WHERE m.event_id = e.event_id"
                " AND m.sentence ILIKE ?)"
            )
            params.append(f"%{f.text}%")
        sql = f"SELECT e.* EXCLUDE (block_key) FROM events e WHERE {where}"
        sql += _order(order, descending, allowed=EVENT_ORDER, alias="e")
        return self._run(sql + _page(limit, offset, params), params, output)

    def count_events(self, filters: Filters | None = None, **kwargs: Any) -> int:
        f = filters or Filters(**kwargs)
        where, params = _where(f, "e", published_expr="e.first_seen")
        if f.text:
            where += (
                " AND EXISTS (SELECT 1 FROM event_mentions m WHERE m.event_id = e.event_id"
                " AND m.sentence ILIKE ?)"
            )
            params.append(f"%{f.text}%")
        row = self.con.execute(f"SELECT count(*) FROM events e WHERE {where}", params).fetchone()
        return int(row[0]) if row else 0

    def mentions(
        self,
        filters: Filters | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        **kwargs: Any,
    ) -> list[dict[str, Any]]:
        """Event mentions as export records (DESIGN.md schema), filtered."""
        f = filters or Filters(**kwargs)
        where, params = _where(f, "m", published_expr="a.published")
        if f.text:
            where += " AND m.sentence ILIKE ?"
            params.append(f"%{f.text}%")
        sql = (
            "SELECT m.*, a.path AS a_path, a.url AS a_url, a.title AS a_title,"
            " a.published AS a_published FROM event_mentions m JOIN articles a USING (article_id)"
            f" WHERE {where} ORDER BY a.published NULLS LAST, m.article_id, m.sentence_index,"
            " m.trigger_start"
        )
        rows = self.con.execute(sql + _page(limit, offset, params), params).fetch_arrow_table()
        return [_export(row) for row in rows.to_pylist()]

    def event(self, event_id: str) -> dict[str, Any] | None:
        """One event with all its mentions, their sentences, outlets and dates."""
        rows = self._run(
            "SELECT * EXCLUDE (block_key) FROM events WHERE event_id = ?", [event_id], "records"
        )
        if not rows:
            return None
        event = rows[0]
        mention_rows = self.con.execute(
            "SELECT m.*, a.path AS a_path, a.url AS a_url, a.title AS a_title,"
            " a.published AS a_published, a.source AS a_source"
            " FROM event_mentions m JOIN articles a USING (article_id)"
            " WHERE m.event_id = ? ORDER BY a.published NULLS LAST, m.article_id, m.sentence_index",
            [event_id],
        ).fetch_arrow_table()
        event["mentions"] = [
            _export(row) | {"outlet": row["a_source"]} for row in mention_rows.to_pylist()
        ]
        return event

    def articles(
        self,
        *,
        published_from: date | None = None,
        published_to: date | None = None,
        source: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        output: Output = "pandas",
    ) -> Any:
        """Stored articles with their mention counts (text left out; see `article`)."""
        clauses, params = ["TRUE"], []
        if published_from:
            clauses.append("a.published >= ?")
            params.append(published_from)
        if published_to:
            clauses.append("a.published <= ?")
            params.append(published_to)
        if source:
            clauses.append("a.source = ?")
            params.append(source)
        sql = (
            "SELECT a.article_id, a.published, a.published_from, a.source, a.path, a.url,"
            " a.title, a.duplicate_of, count(m.mention_id) AS mentions"
            " FROM articles a LEFT JOIN event_mentions m USING (article_id)"
            f" WHERE {' AND '.join(clauses)} GROUP BY ALL"
            " ORDER BY a.published DESC NULLS LAST, a.path"
        )
        return self._run(sql + _page(limit, offset, params), params, output)

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One article with its cleaned text and its sentences."""
        rows = self._run(
            "SELECT * EXCLUDE (minhash, original_text) FROM articles WHERE article_id = ?",
            [article_id],
            "records",
        )
        if not rows:
            return None
        article = rows[0]
        article["sentences"] = self._run(
            "SELECT sentence_index, start_char, end_char, text FROM sentences"
            " WHERE article_id = ? ORDER BY sentence_index",
            [article_id],
            "records",
        )
        return article

    def actors(self, *, limit: int | None = None, output: Output = "pandas") -> Any:
        """Actors by code and name, with how often they are mentioned and in events."""
        params: list[Any] = []
        sql = """
            WITH in_events AS (
                SELECT source AS code, source_name AS name FROM event_mentions
                WHERE source IS NOT NULL
                UNION ALL
                SELECT target, target_name FROM event_mentions
                WHERE target IS NOT NULL
            ), named AS (
                SELECT code, name, count(*) AS mentions, count(DISTINCT article_id) AS articles
                FROM actor_mentions WHERE code IS NOT NULL GROUP BY code, name
            )
            SELECT n.code, n.name, n.mentions, n.articles,
                   (SELECT count(*) FROM in_events i WHERE i.code = n.code AND i.name = n.name)
                   AS event_mentions
            FROM named n ORDER BY n.mentions DESC, n.code, n.name
        """
        return self._run(sql + _page(limit, 0, params), params, output)

    def timeline(
        self,
        filters: Filters | None = None,
        *,
        by: Period = "month",
        output: Output = "pandas",
        **kwargs: Any,
    ) -> Any:
        """Events per period and QuadClass with mean Goldstein, by event date.

        Events whose date is unknown are left out (they have no place on a time axis).
        """
        if by not in ("day", "week", "month", "year"):
            raise UsageError(f"by {by!r}: choose day, week, month or year")
        f = filters or Filters(**kwargs)
        where, params = _where(f, "e", published_expr="e.first_seen")
        sql = (
            f"SELECT date_trunc('{by}', e.date)::DATE AS period, e.quad_class,"
            " count(*) AS events, sum(e.num_mentions) AS mentions,"
            " round(avg(e.goldstein), 2) AS goldstein"
            f" FROM events e WHERE e.date IS NOT NULL AND {where}"
            " GROUP BY ALL ORDER BY period, e.quad_class"
        )
        return self._run(sql, params, output)

    def upcoming(
        self,
        *,
        today: date | None = None,
        limit: int | None = None,
        output: Output = "pandas",
    ) -> Any:
        """Planned events not (yet) reported as held, soonest first.

        ``today`` (default: the newest publication date stored) hides plans whose whole
        date range has passed.
        """
        params: list[Any] = []
        reference = "?" if today else "(SELECT max(published) FROM articles)"
        if today:
            params.append(today)
        sql = (
            "SELECT * EXCLUDE (block_key) FROM events WHERE status = 'planned'"
            f" AND (coalesce(date_end, date) IS NULL OR coalesce(date_end, date) >= {reference})"
            " ORDER BY date NULLS LAST, num_mentions DESC"
        )
        return self._run(sql + _page(limit, 0, params), params, output)

    def stats(self) -> dict[str, Any]:
        """Row counts, publication span, outlets and near-duplicate articles."""
        counts: dict[str, Any] = dict(self.store.counts())
        row = self.con.execute(
            "SELECT min(published), max(published), count(DISTINCT source),"
            " count(*) FILTER (WHERE duplicate_of IS NOT NULL) FROM articles"
        ).fetchone()
        assert row is not None
        return counts | {
            "first_published": row[0],
            "last_published": row[1],
            "outlets": row[2],
            "near_duplicate_articles": row[3],
        }


EVENT_ORDER = {
    "date": "date",
    "mentions": "num_mentions",
    "articles": "num_articles",
    "goldstein": "goldstein",
    "first_seen": "first_seen",
    "last_seen": "last_seen",
    "confidence": "confidence",
}


def _order(order: str, descending: bool, *, allowed: dict[str, str], alias: str) -> str:
    column = allowed.get(order)
    if column is None:
        raise UsageError(f"order {order!r}: choose one of {', '.join(sorted(allowed))}")
    direction = "DESC" if descending else "ASC"
    return f" ORDER BY {alias}.{column} {direction} NULLS LAST, {alias}.event_id"


def _page(limit: int | None, offset: int, params: list[Any]) -> str:
    if limit is None and not offset:
        return ""
    if (limit is not None and limit < 0) or offset < 0:
        raise UsageError("limit and offset must not be negative")
    params.extend([limit if limit is not None else 2**62, offset])
    return " LIMIT ? OFFSET ?"


def _export(row: dict[str, Any]) -> dict[str, Any]:
    article = {
        "path": row["a_path"],
        "url": row["a_url"],
        "title": row["a_title"],
        "published": row["a_published"],
    }
    return export_record(row, article)


def open(path: str | Path) -> Database:
    """Open a dyad database for reading."""
    return Database(path)
