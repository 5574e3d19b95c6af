"""Query latency on a large synthetic database (run on demand, not a test).

    .venv/bin/python bench/bench_query.py [--events 1000000] [--db /tmp/bench.duckdb]

Generates events, event mentions and articles straight into a dyad database with DuckDB
SQL (no Python loop of inserts): countries drawn with a skew like news coverage, sectors,
PLOVER/CAMEO types with their Goldstein and QuadClass, statuses (mostly occurred, some
planned), dates over ten years, places with coordinates, and one or two evidence
sentences per event. Then it times the queries the CLI, the report and the web page run,
and prints the median of five runs of each.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import dyad
from dyad.store.store import Store

COUNTRIES = [
    "USA", "CHN", "RUS", "UKR", "ISR", "IND", "PAK", "IRN", "GBR", "FRA", "DEU", "TUR",
    "SYR", "AFG", "SAU", "JPN", "KOR", "PRK", "EGY", "NGA", "KEN", "ETH", "SDN", "MLI",
    "BRA", "MEX", "COL", "VEN", "IRQ", "YEM", "LBN", "PSE", "BGD", "LKA", "IDN", "PHL",
]  # fmt: skip
SECTORS = ["GOV", "GOV", "GOV", "MIL", "MIL", "REB", "OPP", "BUS", "MED", "NGO", "CVL", "COP"]
# (plover, cameo, goldstein, quad_class, verb)
TYPES = [
    ("CONSULT", "040", 1.0, 1, "held talks with"),
    ("CONSULT", "042", 1.9, 1, "visited"),
    ("AGREE", "057", 8.0, 1, "signed an agreement with"),
    ("SUPPORT", "051", 3.4, 1, "praised"),
    ("COOPERATE", "061", 6.4, 2, "expanded trade with"),
    ("AID", "073", 7.4, 2, "sent humanitarian aid to"),
    ("DEMAND", "100", -5.0, 3, "demanded concessions from"),
    ("ACCUSE", "112", -2.0, 3, "accused"),
    ("REJECT", "120", -4.0, 3, "rejected a proposal from"),
    ("THREATEN", "138", -7.0, 3, "threatened"),
    ("SANCTION", "163", -8.0, 4, "imposed sanctions on"),
    ("PROTEST", "141", -6.5, 4, "staged protests against"),
    ("COERCE", "173", -5.0, 4, "arrested members of"),
    ("ASSAULT", "183", -10.0, 4, "bombed"),
    ("FIGHT", "190", -10.0, 4, "clashed with"),
    ("RETREAT", "0871", 9.0, 2, "declared a ceasefire with"),
]
PLACES = [
    ("Washington", "USA", 38.9, -77.04), ("Beijing", "CHN", 39.9, 116.4),
    ("Moscow", "RUS", 55.75, 37.62), ("Kyiv", "UKR", 50.45, 30.52),
    ("Islamabad", "PAK", 33.72, 73.04), ("New Delhi", "IND", 28.61, 77.21),
    ("Tehran", "IRN", 35.69, 51.39), ("London", "GBR", 51.51, -0.13),
    ("Nairobi", "KEN", -1.29, 36.82), ("Bamako", "MLI", 12.65, -8.0),
    ("Bogota", "COL", 4.71, -74.07), ("Jakarta", "IDN", -6.2, 106.85),
]  # fmt: skip


def _sql_list(values: list[Any]) -> str:
    def lit(v: Any) -> str:
        if isinstance(v, str):
            return "'" + v.replace("'", "''") + "'"
        if isinstance(v, tuple):
            return "(" + ", ".join(lit(x) for x in v) + ")"
        return repr(v)

    return "[" + ", ".join(lit(v) for v in values) + "]"


def generate(path: Path, n_events: int) -> None:
    """Fill a fresh dyad database with ``n_events`` synthetic events."""
    path.unlink(missing_ok=True)
    with Store(path) as store:
        con = store.con
        con.execute("SELECT setseed(0.42)")
        types = _sql_list([t[0] for t in TYPES])
        cameo = _sql_list([t[1] for t in TYPES])
        gold = _sql_list([t[2] for t in TYPES])
        quad = _sql_list([t[3] for t in TYPES])
        verbs = _sql_list([t[4] for t in TYPES])
        countries, sectors = _sql_list(COUNTRIES), _sql_list(SECTORS)
        pname = _sql_list([p[0] for p in PLACES])
        pcty = _sql_list([p[1] for p in PLACES])
        plat = _sql_list([p[2] for p in PLACES])
        plon = _sql_list([p[3] for p in PLACES])
        nc, ns, nt, np_ = len(COUNTRIES), len(SECTORS), len(TYPES), len(PLACES)
        con.execute(
            f"""
            CREATE TEMP TABLE draw AS
            SELECT i,
                1 + floor(pow(random(), 2.2) * {nc})::INT AS s,
                1 + floor(pow(random(), 2.2) * {nc})::INT AS t,
                1 + floor(random() * {ns})::INT AS ss,
                1 + floor(random() * {ns})::INT AS ts,
                1 + floor(random() * {nt})::INT AS k,
                1 + floor(random() * {np_})::INT AS p,
                random() AS r_status, random() AS r_place, random() AS r_mentions,
                DATE '2015-01-01' + floor(random() * 3652)::INT AS d
            FROM range({n_events}) r(i)
            """
        )
        con.execute(
            f"""
            INSERT INTO events BY NAME
            SELECT printf('%016x', hash(i)) AS event_id, 'b' || (i % 50000) AS block_key,
                   {countries}[s] || ' ' || {sectors}[ss] AS source,
                   {countries}[t] || ' ' || {sectors}[ts] AS target,
                   {countries}[s] AS source_name, {countries}[t] AS target_name,
                   {types}[k] AS plover, {cameo}[k] AS cameo, {gold}[k] AS goldstein,
                   {quad}[k] AS quad_class,
                   CASE WHEN r_status < 0.08 THEN 'planned' WHEN r_status < 0.10 THEN 'negated'
                        WHEN r_status < 0.14 THEN 'ongoing' ELSE 'occurred' END AS status,
                   CASE WHEN r_status < 0.97 THEN d END AS date,
                   CASE WHEN r_status < 0.08 THEN d + 3 END AS date_end,
                   CASE WHEN r_status < 0.97 THEN 'day' END AS date_precision,
                   CASE WHEN r_place < 0.6 THEN {pname}[p] END AS location_name,
                   CASE WHEN r_place < 0.6 THEN {pcty}[p] END AS location_country,
                   CASE WHEN r_place < 0.6 THEN {plat}[p] END AS location_lat,
                   CASE WHEN r_place < 0.6 THEN {plon}[p] END AS location_lon,
                   d + CASE WHEN r_status < 0.08 THEN -10 ELSE 1 END AS first_seen,
                   d + 2 AS last_seen,
                   1 + floor(pow(r_mentions, 4) * 20)::INT AS num_mentions,
                   1 AS num_sources, 1 AS num_articles, '[]' AS status_history,
                   0.7 AS confidence
            FROM draw
            """
        )
        # one evidence mention per event, a second for a third of them; an article each
        con.execute(
            f"""
            INSERT INTO event_mentions BY NAME
            SELECT printf('%016x', hash(i, m)) AS mention_id, printf('%016x', hash(i)) AS event_id,
                   'b' || (i % 50000) AS block_key,
                   printf('a%09d', i) AS article_id, m AS sentence_index,
                   {countries}[s] || ' ' || {verbs}[k] || ' ' || {countries}[t]
                       || CASE WHEN r_place < 0.6 THEN ' in ' || {pname}[p] ELSE '' END
                       || ' on ' || strftime(d, '%B %d') || '.' AS sentence,
                   0 AS start_char, 80 AS end_char, 'said' AS trigger,
                   {countries}[s] || ' ' || {sectors}[ss] AS source,
                   {countries}[t] || ' ' || {sectors}[ts] AS target,
                   {countries}[s] AS source_name, {countries}[t] AS target_name,
                   {countries}[s] AS source_country, {sectors}[ss] AS source_sector,
                   {countries}[t] AS target_country, {sectors}[ts] AS target_sector,
                   {types}[k] AS plover, {cameo}[k] AS cameo, {gold}[k] AS goldstein,
                   {quad}[k] AS quad_class, 'occurred' AS status, d AS date, 0.7 AS confidence
            FROM draw, (SELECT unnest([0, 1]) AS m) ms
            WHERE m = 0 OR r_mentions < 0.33
            """
        )
        con.execute(
            """
            INSERT INTO articles BY NAME
            SELECT printf('a%09d', i) AS article_id, printf('wire/%09d.txt', i) AS path,
                   'Wire ' || (i % 40) AS source, d + 1 AS published, 'synthetic' AS text,
                   'en' AS language, now()::TIMESTAMP AS ingested_at
            FROM draw
            """
        )
        con.execute("DROP TABLE draw")
        con.execute("CHECKPOINT")


def timed(fn: Callable[[], Any], runs: int = 5) -> tuple[float, Any]:
    fn()  # warm the cache once
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _size(result: Any) -> str:
    if isinstance(result, int):
        return str(result)
    return f"{len(result)} rows"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/dyad-bench.duckdb"))
    parser.add_argument("--reuse", action="store_true", help="Keep an existing database.")
    args = parser.parse_args()
    if not (args.reuse and args.db.exists()):
        start = time.perf_counter()
        generate(args.db, args.events)
        print(f"generated {args.events:,} events in {time.perf_counter() - start:.1f} s")
    with dyad.open(args.db) as db:
        stats = db.stats()
        print(
            f"{stats['events']:,} events, {stats['event_mentions']:,} mentions,"
            f" {stats['articles']:,} articles\n"
        )
        cases: list[tuple[str, Callable[[], Any]]] = [
            ("events(dyad=USA-PAK, limit=100)", lambda: db.events(dyad="USA-PAK", limit=100)),
            (
                "events(dyad=USA-PAK, limit=100, evidence)",
                lambda: db.events(dyad="USA-PAK", limit=100, evidence=True),
            ),
            ("count_events(dyad=USA-PAK)", lambda: db.count_events(dyad="USA-PAK")),
            ("count_events()", lambda: db.count_events()),
            ("timeline(dyad=USA-PAK, by=week)", lambda: db.timeline(dyad="USA-PAK", by="week")),
            ("timeline(dyad=USA-PAK, by=month)", lambda: db.timeline(dyad="USA-PAK", by="month")),
            ("timeline(by=month) all events", lambda: db.timeline(by="month")),
            ("upcoming(limit=50)", lambda: db.upcoming(limit=50)),
            ("upcoming(dyad=USA-CHN, limit=50)", lambda: db.upcoming(dyad="USA-CHN", limit=50)),
            ("events(text=ceasefire, limit=100)", lambda: db.events(text="ceasefire", limit=100)),
            ("count_events(text=ceasefire)", lambda: db.count_events(text="ceasefire")),
            (
                "events(actor=PAK, type=ASSAULT, from 2020, limit=100)",
                lambda: db.events(
                    actor="PAK", plover="ASSAULT", date_from=date(2020, 1, 1), limit=100
                ),
            ),
            ("dyads(limit=10)", lambda: db.dyads(limit=10)),
        ]
        width = max(len(name) for name, _ in cases)
        print(f"{'query':<{width}}  {'median':>9}  result")
        for name, fn in cases:
            seconds, result = timed(fn)
            print(f"{name:<{width}}  {seconds * 1000:7.1f} ms  {_size(result)}")


if __name__ == "__main__":
    main()
