"""Read a dyad database: events, mentions, articles, actors and timelines with filters.

`dyad.open(path)` returns a `Database`. Every query builds one parameterised SQL
statement (no string-pasted values) and returns pandas, Arrow or plain records.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow as pa

from dyad.codebooks.ontology import PLOVER_TYPES
from dyad.errors import UsageError
from dyad.output.export import export_record, status_changes
from dyad.records import STATUSES
from dyad.store.store import Store

Output = Literal["pandas", "polars", "arrow", "records"]
Period = Literal["day", "week", "month", "year"]

_CAMEO_PREFIX = re.compile(r"\d{1,4}")
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
    Every value is taken literally (``%`` and ``_`` are characters, not wildcards), and
    a value no event can have (an unknown status or type, an empty date range) is a
    `UsageError` naming the allowed values rather than an empty answer.
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

    def __post_init__(self) -> None:
        if self.status is not None:
            _check_choice("status", self.status.lower(), STATUSES)
        if self.plover is not None:
            _check_choice("plover type", self.plover.upper(), PLOVER_TYPES)
        if self.cameo is not None and not _CAMEO_PREFIX.fullmatch(self.cameo):
            raise UsageError(
                f"cameo {self.cameo!r}: expected a CAMEO code or its leading digits"
                " (1 to 4 digits, e.g. 04 or 112)"
            )
        if self.quad_class is not None and self.quad_class not in (1, 2, 3, 4):
            raise UsageError(f"quad class {self.quad_class!r}: choose 1, 2, 3 or 4")
        if self.date_field not in ("event", "published"):
            raise UsageError(f"date field {self.date_field!r}: choose event or published")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise UsageError(
                f"date range {self.date_from} to {self.date_to} is empty: the start is after"
                " the end",
                hint="swap the two dates",
            )


def _check_choice(what: str, value: str, allowed: Sequence[str]) -> None:
    if value in allowed:
        return
    close = difflib.get_close_matches(value, allowed, n=1)
    raise UsageError(
        f"{what} {value!r} is not one of {', '.join(allowed)}",
        hint=f"did you mean {close[0]}?" if close else None,
    )


def _literal_like(value: str) -> str:
    """``value`` as a LIKE pattern that matches only itself (used with ESCAPE '\\')."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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
    """The code itself or a longer code starting with it ("PAK" matches "PAK GOV")."""
    params.extend([code.upper(), code.upper() + " "])
    return f"({column} = ? OR starts_with({column}, ?))"


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
        clauses.append(f"starts_with({alias}.cameo, ?)")
        params.append(f.cameo)
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
        clauses.append(
            f"({alias}.location_name ILIKE ? ESCAPE '\\' OR {alias}.location_country = ?)"
        )
        params += [_literal_like(f.place), f.place.upper()]
    return " AND ".join(clauses) or "TRUE", params


def arrow_of(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> pa.Table:
    """Run a parameterised query straight into an Arrow table (no DB-API row copy)."""
    return con.sql(sql, params=list(params)).to_arrow_table()


def _contains(column: str, words: str, params: list[Any]) -> str:
    """``column`` holds ``words`` as they are, in any letter case."""
    params.append(f"%{_literal_like(words)}%")
    return f"{column} ILIKE ? ESCAPE '\\'"


def _event_where(f: Filters) -> tuple[str, list[Any]]:
    """Conditions on ``events e``, including the evidence text search over its mentions."""
    where, params = _where(f, "e", published_expr="e.first_seen")
    if f.text:
        where += (
            " AND e.event_id IN (SELECT m.event_id FROM event_mentions m"
            f" WHERE {_contains('m.sentence', f.text, params)})"
        )
    return where, params


def _output(table: pa.Table, output: Output) -> Any:
    if output == "arrow":
        return table
    if output == "records":
        return table.to_pylist()
    if output == "pandas":
        return table.to_pandas()
    if output == "polars":
        try:
            import polars
        except ImportError:
            raise UsageError(
                "output 'polars' needs the polars package",
                hint="pip install polars, or use output='pandas' or 'arrow'",
            ) from None
        return polars.from_arrow(table)
    raise UsageError(f"output {output!r}: choose pandas, polars, arrow or records")


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
        result = _output(arrow_of(self.con, sql, params), output)
        if output == "records":
            for row in result:
                if "status_history" in row:
                    row["status_history"] = status_changes(row["status_history"])
        return result

    def events(
        self,
        filters: Filters | None = None,
        *,
        order: str = "date",
        descending: bool = True,
        limit: int | None = None,
        offset: int = 0,
        output: Output = "pandas",
        evidence: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Linked events (one row per real-world event), filtered and sorted.

        With ``evidence``, each row also carries its earliest mention (sentence, trigger,
        mode, context, article url/path/title, outlet, publication and ingest time) and
        ``lead_sentence``, the smallest sentence index among its mentions.
        """
        f = filters or Filters(**kwargs)
        where, params = _event_where(f)
        sql = f"SELECT e.* EXCLUDE (block_key) FROM events e WHERE {where}"
        sql += _order(order, descending, allowed=EVENT_ORDER, alias="e")
        sql += _page(limit, offset, params)
        if evidence:
            sql = _with_evidence(sql, _order(order, descending, allowed=EVENT_ORDER, alias="page"))
        return self._run(sql, params, output)

    def count_events(self, filters: Filters | None = None, **kwargs: Any) -> int:
        """How many events match (same filters as `events`)."""
        where, params = _event_where(filters or Filters(**kwargs))
        return int(self.store.scalar(f"SELECT count(*) FROM events e WHERE {where}", params))

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
            where += f" AND {_contains('m.sentence', f.text, params)}"
        sql = (
            "SELECT m.*, a.path AS a_path, a.url AS a_url, a.title AS a_title,"
            " a.published AS a_published FROM event_mentions m JOIN articles a USING (article_id)"
            f" WHERE {where} ORDER BY a.published NULLS LAST, m.article_id, m.sentence_index,"
            " m.trigger_start, m.mention_id"
        )
        sql += _page(limit, offset, params)
        rows = arrow_of(self.con, sql, params)
        return [_export(row) for row in rows.to_pylist()]

    def event(self, event_id: str) -> dict[str, Any] | None:
        """One event with all its mentions, their sentences, outlets and dates."""
        rows = self._run(
            "SELECT * EXCLUDE (block_key) FROM events WHERE event_id = ?", [event_id], "records"
        )
        if not rows:
            return None
        event = rows[0]
        mention_rows = arrow_of(
            self.con,
            "SELECT m.*, a.path AS a_path, a.url AS a_url, a.title AS a_title,"
            " a.published AS a_published, a.source AS a_source"
            " FROM event_mentions m JOIN articles a USING (article_id)"
            " WHERE m.event_id = ? ORDER BY a.published NULLS LAST, m.article_id,"
            " m.sentence_index, m.trigger_start, m.mention_id",
            [event_id],
        )
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
        clauses: list[str] = ["TRUE"]
        params: list[Any] = []
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

    def actors(
        self,
        filters: Filters | None = None,
        *,
        limit: int | None = None,
        output: Output = "pandas",
        **kwargs: Any,
    ) -> Any:
        """Actors by code and name, with how often they are mentioned and in events.

        Only the ``actor`` (code prefix), ``sector`` and ``date_from``/``date_to``
        (publication date of the article) filters apply to actors.
        """
        f = filters or Filters(**kwargs)
        allowed = {"actor", "sector", "date_from", "date_to", "date_field"}
        extra = sorted(k for k, v in vars(f).items() if k not in allowed and v is not None)
        if extra:
            raise UsageError(f"actors: filter {', '.join(extra)} does not apply to actors")
        clauses: list[str] = ["am.code IS NOT NULL"]
        params: list[Any] = []
        if f.actor:
            clauses.append(_prefix("am.code", f.actor, params))
        if f.sector:
            clauses.append("am.sector = ?")
            params.append(f.sector.upper())
        if f.date_from:
            clauses.append("a.published >= ?")
            params.append(f.date_from)
        if f.date_to:
            clauses.append("a.published <= ?")
            params.append(f.date_to)
        sql = f"""
            WITH named AS (
                SELECT am.code, am.name, count(*) AS mentions,
                       count(DISTINCT am.article_id) AS articles,
                       list(DISTINCT am.article_id) AS article_ids
                FROM actor_mentions am JOIN articles a USING (article_id)
                WHERE {" AND ".join(clauses)} GROUP BY am.code, am.name
            ), in_events AS (
                SELECT code, name, article_id, count(*) AS n FROM (
                    SELECT source AS code, source_name AS name, article_id FROM event_mentions
                    UNION ALL
                    SELECT target, target_name, article_id FROM event_mentions
                ) WHERE code IS NOT NULL GROUP BY ALL
            )
            SELECT n.code, n.name, n.mentions, n.articles,
                   coalesce(sum(i.n), 0)::BIGINT AS event_mentions
            FROM named n LEFT JOIN in_events i
              ON i.code = n.code AND i.name = n.name
             AND list_contains(n.article_ids, i.article_id)
            GROUP BY n.code, n.name, n.mentions, n.articles
            ORDER BY n.mentions DESC, n.code, n.name
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
        where, params = _event_where(filters or Filters(**kwargs))
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
        filters: Filters | None = None,
        *,
        today: date | None = None,
        limit: int | None = None,
        output: Output = "pandas",
        evidence: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Planned events not (yet) reported as held, soonest first.

        ``today`` (default: the newest publication date stored) hides plans whose whole
        date range has passed. Other filters narrow the list as in `events`.
        """
        where, params = _event_where(filters or Filters(**kwargs))
        params.append(today or self.last_published())
        sql = (
            f"SELECT e.* EXCLUDE (block_key) FROM events e WHERE e.status = 'planned' AND {where}"
            " AND (coalesce(e.date_end, e.date) IS NULL"
            " OR coalesce(e.date_end, e.date) >= ?)" + _UPCOMING_ORDER.format(alias="e")
        )
        sql += _page(limit, 0, params)
        if evidence:
            sql = _with_evidence(sql, _UPCOMING_ORDER.format(alias="page"))
        return self._run(sql, params, output)

    def places(
        self,
        filters: Filters | None = None,
        *,
        limit: int | None = None,
        output: Output = "pandas",
        **kwargs: Any,
    ) -> Any:
        """Where the matching events happen: one row per place with coordinates (name,
        country, lat, lon), its number of events and mentions, most events first.
        Events without coordinates are left out (`count_events` minus their sum)."""
        where, params = _event_where(filters or Filters(**kwargs))
        sql = f"""
            SELECT e.location_name, e.location_country, e.location_lat, e.location_lon,
                   count(*) AS events, sum(e.num_mentions)::BIGINT AS mentions
            FROM events e
            WHERE e.location_lat IS NOT NULL AND e.location_lon IS NOT NULL AND {where}
            GROUP BY ALL ORDER BY events DESC, mentions DESC, e.location_name
        """
        return self._run(sql + _page(limit, 0, params), params, output)

    def last_published(self) -> date | None:
        """The newest publication date stored: `upcoming`'s default "today"."""
        value = self.store.scalar("SELECT max(published) FROM articles", [])
        return value if isinstance(value, date) else None

    def dyads(
        self,
        filters: Filters | None = None,
        *,
        limit: int | None = 10,
        output: Output = "pandas",
        **kwargs: Any,
    ) -> Any:
        """Country pairs (either direction, e.g. "PAK-USA") by number of events, with
        mentions and mean Goldstein. Events with one side unknown are left out."""
        where, params = _event_where(filters or Filters(**kwargs))
        sql = f"""
            SELECT least(a, b) || '-' || greatest(a, b) AS dyad, count(*) AS events,
                   sum(num_mentions) AS mentions, round(avg(goldstein), 2) AS goldstein
            FROM (SELECT split_part(e.source, ' ', 1) AS a, split_part(e.target, ' ', 1) AS b,
                         e.num_mentions, e.goldstein
                  FROM events e WHERE {where}) pairs
            WHERE a <> '' AND b <> '' AND a <> b
            GROUP BY ALL ORDER BY events DESC, mentions DESC, dyad
        """
        return self._run(sql + _page(limit, 0, params), params, output)

    def breakdown(
        self,
        by: Literal["plover", "cameo_root", "quad_class", "status", "actor", "country"],
        filters: Filters | None = None,
        *,
        limit: int | None = None,
        output: Output = "pandas",
        **kwargs: Any,
    ) -> Any:
        """Events counted by one field (``actor``/``country`` count either side), with
        mentions and mean Goldstein, largest first."""
        keys = {
            "plover": "e.plover",
            "cameo_root": "left(e.cameo, 2)",
            "quad_class": "e.quad_class::VARCHAR",
            "status": "e.status",
            "actor": "unnest([e.source, e.target])",
            "country": "unnest([split_part(e.source, ' ', 1), split_part(e.target, ' ', 1)])",
        }
        if by not in keys:
            raise UsageError(f"breakdown by {by!r}: choose {', '.join(keys)}")
        where, params = _event_where(filters or Filters(**kwargs))
        sql = f"""
            SELECT key AS {by}, count(DISTINCT event_id) AS events,
                   sum(num_mentions) AS mentions, round(avg(goldstein), 2) AS goldstein
            FROM (SELECT DISTINCT {keys[by]} AS key, e.event_id, e.num_mentions, e.goldstein
                  FROM events e WHERE {where})
            WHERE key IS NOT NULL AND key <> ''
            GROUP BY key ORDER BY events DESC, key
        """
        return self._run(sql + _page(limit, 0, params), params, output)

    def stats(self) -> dict[str, Any]:
        """Row counts, publication span, outlets, near-duplicate articles, and the link
        settings the database keeps."""
        counts: dict[str, Any] = dict(self.store.counts())
        row = self.con.execute(
            "SELECT min(published), max(published), count(DISTINCT source),"
            " count(*) FILTER (WHERE duplicate_of IS NOT NULL) FROM articles"
        ).fetchall()[0]
        return counts | {
            "first_published": row[0],
            "last_published": row[1],
            "outlets": row[2],
            "near_duplicate_articles": row[3],
            "link_settings": " ".join(self.store.link_settings().options()) or "defaults",
        }


_UPCOMING_ORDER = " ORDER BY {alias}.date NULLS LAST, {alias}.num_mentions DESC, {alias}.event_id"

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


def _with_evidence(page_sql: str, order_by: str) -> str:
    """Wrap a page of events with the fields of each event's earliest mention."""
    return f"""
        WITH page AS ({page_sql}),
        ranked AS (
            SELECT m.event_id, m.mention_id AS evidence_mention_id, m.sentence AS evidence,
                   m.sentence_index AS evidence_sentence_index, m.start_char AS evidence_start,
                   m.end_char AS evidence_end, m.trigger, m.mode, m.context,
                   m.source_text, m.target_text,
                   m.source_country, m.source_sector, m.target_country, m.target_sector,
                   a.article_id, a.url AS article_url, a.path AS article_path,
                   a.title AS article_title, a.source AS outlet, a.published,
                   a.ingested_at, a.language,
                   min(m.sentence_index) OVER w AS lead_sentence,
                   row_number() OVER (w ORDER BY a.published NULLS LAST, m.article_id,
                                      m.sentence_index, m.trigger_start, m.mention_id) AS rank
            FROM event_mentions m JOIN articles a USING (article_id)
            WHERE m.event_id IN (SELECT event_id FROM page)
            WINDOW w AS (PARTITION BY m.event_id)
        )
        SELECT page.*, r.* EXCLUDE (event_id, rank)
        FROM page LEFT JOIN ranked r ON r.event_id = page.event_id AND r.rank = 1
        {order_by}
    """


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
