"""`dyad report`: one self-contained HTML file with plots and the main events.

The page carries its own Vega, Vega-Lite and Vega-Embed (the bundle vl-convert ships)
and a world outline (Natural Earth land, public domain), so it opens offline and can be
mailed as one file. Every plot is an Altair chart built from `Database` queries; the
same charts can be written as PNG images through vl-convert.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from dyad import __version__
from dyad.errors import UsageError
from dyad.store.query import Database, Filters

QUAD_LABELS = {
    1: "1 verbal cooperation",
    2: "2 material cooperation",
    3: "3 verbal conflict",
    4: "4 material conflict",
}
QUAD_COLORS = ["#4c9f70", "#2b6e99", "#e0a030", "#c0392b"]
WIDTH = 700  # plot area; legends sit to the right inside a 1000px page
MAX_MAP_POINTS = 3000


def _count_axis(maximum: float) -> alt.Axis:
    """An axis for counts: whole numbers only, even when the largest count is small."""
    return alt.Axis(format="d", tickCount=max(1, min(int(maximum), 5)))


@dataclass(frozen=True)
class Section:
    """One part of the report: a heading, an optional chart, optional HTML, a note."""

    key: str
    title: str
    chart: alt.TopLevelMixin | None = None
    html: str = ""
    note: str = ""


def _quad_scale() -> alt.Scale:
    return alt.Scale(domain=list(QUAD_LABELS.values()), range=QUAD_COLORS)


def _period_for(span_days: int) -> str:
    """A time bucket giving a readable number of bars for the span covered."""
    if span_days <= 120:
        return "week" if span_days > 21 else "day"
    return "month" if span_days <= 365 * 4 else "year"


# How far before the first report and after the last one the time plots reach: stories
# look back at recent events and ahead to planned ones.
LOOK_BACK_DAYS = 90
LOOK_AHEAD_DAYS = 365
_BUCKET_DAYS = {"day": 0, "week": 6, "month": 30, "year": 365}


@dataclass(frozen=True)
class Window:
    """The stretch of event dates the time plots show, and the bucket they use.

    Stories also date events long past ("the treaty signed in 1972"); plotted, a few such
    dates would squash the period the corpus covers into one corner. So the plots span
    the events' reporting period (first to last publication, from LOOK_BACK_DAYS before
    to LOOK_AHEAD_DAYS after) and the note says how many dated events fall outside.
    """

    first: date
    last: date
    by: str
    outside: int

    def narrow(self, f: Filters) -> Filters:
        lo = max(self.first, f.date_from) if f.date_from else self.first
        hi = min(self.last, f.date_to) if f.date_to else self.last
        return replace(f, date_from=lo, date_to=hi, date_field="event")

    def keep(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Timeline rows whose bucket starts inside the window (an event whose interval
        merely overlaps it is counted at its start date, which may lie far before)."""
        slack = timedelta(days=_BUCKET_DAYS[self.by])
        periods = frame["period"]
        return frame[(periods >= self.first - slack) & (periods <= self.last)]

    def note(self) -> str:
        if not self.outside:
            return ""
        return (
            f" {_count(self.outside, 'event')} dated outside {self.first} – {self.last}"
            f" {'is' if self.outside == 1 else 'are'} not shown."
        )


def time_window(database: Database, f: Filters) -> Window | None:
    """The window of event dates to plot, or None when no event is dated."""
    days = database.timeline(f, by="day")
    if days.empty:
        return None
    per_day = days.groupby("period")["events"].sum().sort_index()
    first, last = per_day.index[0], per_day.index[-1]
    earliest = database.events(f, order="first_seen", descending=False, limit=1, output="records")
    latest = database.events(f, order="last_seen", limit=1, output="records")
    if earliest[0]["first_seen"] and latest[0]["last_seen"]:
        first = max(first, earliest[0]["first_seen"] - timedelta(days=LOOK_BACK_DAYS))
        last = min(last, latest[0]["last_seen"] + timedelta(days=LOOK_AHEAD_DAYS))
    inside = int(per_day[(per_day.index >= first) & (per_day.index <= last)].sum())
    return Window(first, last, _period_for((last - first).days), int(per_day.sum()) - inside)


def timeline_chart(database: Database, f: Filters, window: Window | None) -> Section:
    if window is None:
        return Section("timeline", "Events over time", note="No dated events match.")
    by = window.by
    frame = window.keep(database.timeline(window.narrow(f), by=by))  # type: ignore[arg-type]
    frame["quad"] = frame["quad_class"].map(QUAD_LABELS)
    unit = {"day": "yearmonthdate", "week": "yearmonthdate", "month": "yearmonth", "year": "year"}
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("period:T", timeUnit=unit[by], title=f"event date (by {by})"),  # type: ignore[arg-type]
            y=alt.Y(
                "sum(events):Q",
                title="events",
                axis=_count_axis(frame.groupby("period")["events"].sum().max()),
            ),
            color=alt.Color("quad:N", scale=_quad_scale(), title="QuadClass"),
            tooltip=["period:T", "quad:N", "events:Q", "mentions:Q", "goldstein:Q"],
        )
        .properties(width=WIDTH, height=220)
    )
    return Section(
        "timeline",
        "Events over time by QuadClass",
        chart,
        note=f"Linked events by the date they happen, per {by}; undated events are left out."
        + window.note(),
    )


def dyad_chart(database: Database, f: Filters, top: int, window: Window | None) -> Section:
    dyads = database.dyads(f, limit=top)
    if dyads.empty:
        return Section("dyads", "Goldstein trend of the top dyads", note="No dyads match.")
    if window is None:
        return Section("dyads", "Goldstein trend of the top dyads", note="No dated events.")
    by = window.by
    frames = []
    for name in dyads["dyad"]:
        frame = window.keep(
            database.timeline(replace(window.narrow(f), dyad=name), by=by)  # type: ignore[arg-type]
        )
        if frame.empty:
            continue
        weighted = frame.assign(total=frame["goldstein"] * frame["events"])
        per = weighted.groupby("period", as_index=False)[["total", "events"]].sum()
        per["goldstein"] = (per["total"] / per["events"]).round(2)
        per["dyad"] = name
        frames.append(per[["period", "dyad", "goldstein", "events"]])
    if not frames:
        return Section("dyads", "Goldstein trend of the top dyads", note="No dated dyad events.")
    data = pd.concat(frames, ignore_index=True)
    base = alt.Chart(data).encode(
        x=alt.X("period:T", title=f"event date (by {by})"),
        y=alt.Y("goldstein:Q", title="mean Goldstein", scale=alt.Scale(domain=[-10, 10])),
        color=alt.Color("dyad:N", title="dyad"),
        tooltip=["dyad:N", "period:T", "goldstein:Q", "events:Q"],
    )
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#999").encode(y="y:Q")
    chart = (zero + base.mark_line(point=True)).properties(width=WIDTH, height=240)
    table = _table(
        ["dyad", "events", "mentions", "mean Goldstein"],
        [[r.dyad, r.events, r.mentions, f"{r.goldstein:+.2f}"] for r in dyads.itertuples()],
    )
    return Section(
        "dyads",
        "Goldstein trend of the top dyads",
        chart,
        html=table,
        note="Country pairs in either direction, by number of events; −10 is the most"
        " conflictual, +10 the most cooperative (CAMEO Goldstein scale)." + window.note(),
    )


def type_chart(database: Database, f: Filters) -> Section:
    mix = database.breakdown("plover", f)
    if mix.empty:
        return Section("types", "Event-type mix", note="No events match.")
    quad = database.events(f, output="pandas")[["plover", "quad_class"]]
    quad = quad.groupby("plover")["quad_class"].agg(lambda q: q.mode().iloc[0])
    mix["quad"] = mix["plover"].map(quad).map(QUAD_LABELS)
    chart = (
        alt.Chart(mix)
        .mark_bar()
        .encode(
            x=alt.X("events:Q", title="events", axis=_count_axis(mix["events"].max())),
            y=alt.Y("plover:N", sort="-x", title="PLOVER type"),
            color=alt.Color("quad:N", scale=_quad_scale(), title="QuadClass"),
            tooltip=["plover:N", "events:Q", "mentions:Q", "goldstein:Q"],
        )
        .properties(width=WIDTH - 160, height=alt.Step(22))
    )
    return Section("types", "Event-type mix", chart)


def _land() -> dict[str, Any]:
    text = resources.files("dyad").joinpath("data/world/land-110m.json").read_text("utf-8")
    return json.loads(text)


def map_chart(database: Database, f: Filters) -> Section:
    places = database.places(f, output="pandas")
    if places.empty:
        return Section("map", "Where events happen", note="No event has a known location.")
    located = int(places["events"].sum())
    shown = places.head(MAX_MAP_POINTS)
    land = alt.Data(values=_land(), format=alt.DataFormat(type="topojson", feature="land"))
    background = alt.Chart(alt.sphere()).mark_geoshape(fill="#eef4f8", stroke="#c9d6df")
    grid = alt.Chart(alt.graticule(step=[30, 30])).mark_geoshape(stroke="#dde5ea", strokeWidth=0.5)
    outline = alt.Chart(land).mark_geoshape(fill="#dcdcd2", stroke="#b8b8aa", strokeWidth=0.5)
    points = (
        alt.Chart(shown)
        .mark_circle(color="#c0392b", opacity=0.75, stroke="white", strokeWidth=0.5)
        .encode(
            longitude="location_lon:Q",
            latitude="location_lat:Q",
            size=alt.Size(
                "events:Q",
                scale=alt.Scale(range=[30, 900]),
                legend=alt.Legend(format="d", tickCount=max(1, min(int(shown["events"].max()), 4))),
                title="events",
            ),
            tooltip=["location_name:N", "location_country:N", "events:Q", "mentions:Q"],
        )
    )
    chart = (
        (background + grid + outline + points)
        .project(type="equalEarth")
        .properties(width=WIDTH, height=440)
    )
    missing = database.count_events(f) - located
    return Section(
        "map",
        "Where events happen",
        chart,
        note=f"{_count(located, 'event')} at {_count(len(places), 'place')};"
        f" {missing} without a location. Land outline: Natural Earth 1:110m.",
    )


def _count(n: int, noun: str) -> str:
    """'1 event', '2 events'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def upcoming_section(database: Database, f: Filters, today: date | None) -> Section:
    plans = database.upcoming(f, today=today, limit=40, evidence=True, output="records")
    if not plans:
        return Section("upcoming", "Upcoming planned events", note="No planned events pending.")
    rows = []
    for p in plans:
        label = f"{p.get('source') or '?'} → {p.get('target') or '?'} {p['plover']}"
        rows.append(
            {
                "label": label[:60],
                "start": p["date"].isoformat() if p.get("date") else None,
                "end": (p.get("date_end") or p.get("date")).isoformat() if p.get("date") else None,
                "mentions": p["num_mentions"],
                "evidence": p.get("evidence") or "",
            }
        )
    dated = pd.DataFrame([r for r in rows if r["start"]])
    chart = None
    if not dated.empty:
        chart = (
            alt.Chart(dated)
            .mark_bar(height=12, color="#2b6e99", cornerRadius=2)
            .encode(
                x=alt.X("start:T", title="planned date"),
                x2="end:T",
                y=alt.Y("label:N", sort=None, title=None),
                tooltip=["label:N", "start:T", "end:T", "mentions:Q", "evidence:N"],
            )
            .properties(width=WIDTH - 300, height=alt.Step(22))
        )
    table = _table(
        ["when", "who and what", "mentions", "evidence"],
        [
            [_when(p), r["label"], p["num_mentions"], r["evidence"]]
            for p, r in zip(plans, rows, strict=True)
        ],
    )
    return Section(
        "upcoming",
        "Upcoming planned events",
        chart,
        html=table,
        note="Planned events not (yet) reported as held, soonest first.",
    )


def actors_chart(database: Database, f: Filters, top: int) -> Section:
    actors = database.breakdown("actor", f, limit=top * 2)
    if actors.empty:
        return Section("actors", "Top actors", note="No coded actors.")
    chart = (
        alt.Chart(actors)
        .mark_bar(color="#5b6c8f")
        .encode(
            x=alt.X(
                "events:Q", title="events (either side)", axis=_count_axis(actors["events"].max())
            ),
            y=alt.Y("actor:N", sort="-x", title="actor code"),
            tooltip=["actor:N", "events:Q", "mentions:Q", "goldstein:Q"],
        )
        .properties(width=WIDTH - 160, height=alt.Step(22))
    )
    return Section("actors", "Top actors", chart)


def events_section(database: Database, f: Filters, limit: int = 30) -> Section:
    rows = database.events(f, order="mentions", limit=limit, evidence=True, output="records")
    if not rows:
        return Section("events", "Main events", note="No events match.")
    body = _table(
        ["date", "source → target", "type", "status", "where", "mentions", "evidence", "source"],
        [
            [
                _when(r),
                f"{r.get('source') or '—'} → {r.get('target') or '—'}",
                f"{r['plover']} ({r['cameo']})",
                r["status"],
                r.get("location_name") or "—",
                r["num_mentions"],
                r.get("evidence") or "",
                " ".join(str(x) for x in (r.get("outlet"), r.get("published")) if x),
            ]
            for r in rows
        ],
    )
    return Section(
        "events", "Main events", html=body, note=f"The {_count(len(rows), 'most-mentioned event')}."
    )


def _when(row: dict[str, Any]) -> str:
    start, end = row.get("date"), row.get("date_end")
    if not start:
        return "undated"
    return str(start) if not end or end == start else f"{start} – {end}"


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """An HTML table; every cell is escaped (evidence is untrusted article text)."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def describe_filters(f: Filters) -> str:
    """The active filters in words, for the report header."""
    parts = []
    for field in fields(f):
        value = getattr(f, field.name)
        if value is None or (field.name == "date_field" and value == "event"):
            continue
        parts.append(f"{field.name.replace('_', ' ')} {value}")
    return "; ".join(parts) or "all events"


def build_sections(
    database: Database, filters: Filters, *, top: int = 6, today: date | None = None
) -> list[Section]:
    """Every section of the report, in order."""
    if top < 1:
        raise UsageError("top must be at least 1")
    window = time_window(database, filters)
    return [
        timeline_chart(database, filters, window),
        dyad_chart(database, filters, top, window),
        type_chart(database, filters),
        map_chart(database, filters),
        upcoming_section(database, filters, today),
        actors_chart(database, filters, top),
        events_section(database, filters),
    ]


_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2933;
background:#f7f8fa}
header{background:#1f2d3d;color:#fff;padding:20px 32px}
header h1{margin:0 0 6px;font-size:24px}header p{margin:2px 0;color:#c5d0db;font-size:14px}
main{max-width:1000px;margin:0 auto;padding:16px 32px 48px}
section{background:#fff;border:1px solid #e3e7ec;border-radius:6px;margin:18px 0;padding:16px 20px}
h2{font-size:18px;margin:0 0 8px}.note{color:#5f6b7a;font-size:13px;margin:6px 0}
.stats{display:flex;gap:28px;flex-wrap:wrap;margin:6px 0 0}
.stats div{font-size:13px;color:#c5d0db}.stats b{display:block;font-size:20px;color:#fff}
table{border-collapse:collapse;width:100%;font-size:13px;margin-top:10px}
th,td{border-bottom:1px solid #e8ebef;padding:5px 6px;text-align:left;vertical-align:top}
th{background:#f1f3f6}footer{color:#8a96a3;font-size:12px;text-align:center;margin:24px}
"""


def spec_of(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite spec as plain JSON values (dates as ISO strings)."""
    return json.loads(json.dumps(chart.to_dict(), default=str))


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element (no '</script>' or '<!--' can appear)."""
    return (
        json.dumps(value, ensure_ascii=False, default=str)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@cache
def _vega_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one script (built once per process: it is the
    same for a given vl-convert version, and building it takes seconds)."""
    import vl_convert

    return vl_convert.javascript_bundle()  # type: ignore[call-arg]  # stub: snippet optional


def render_html(
    sections: Sequence[Section], *, title: str, subtitle: str, stats: dict[str, Any]
) -> str:
    """The whole report page, scripts and data inline."""
    bundle = _vega_bundle()
    specs = {s.key: spec_of(s.chart) for s in sections if s.chart is not None}
    parts = []
    for s in sections:
        chart_div = f'<div id="chart-{s.key}"></div>' if s.chart is not None else ""
        note = f'<p class="note">{html.escape(s.note)}</p>' if s.note else ""
        parts.append(
            f'<section id="{s.key}"><h2>{html.escape(s.title)}</h2>{note}{chart_div}{s.html}'
            "</section>"
        )
    stat_cells = "".join(
        f"<div><b>{html.escape(str(v))}</b>{html.escape(k)}</div>" for k, v in stats.items()
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="dyad {html.escape(__version__)}">
<title>{html.escape(title)}</title><style>{_STYLE}</style>
<script>{bundle}</script></head>
<body><header><h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p>
<div class="stats">{stat_cells}</div></header>
<main>{"".join(parts)}</main>
<footer>Made by dyad {html.escape(__version__)}. Every event links to the sentences that
report it: <code>dyad show EVENT_ID</code>.</footer>
<script>
const specs = {_script_json(specs)};
for (const [key, spec] of Object.entries(specs)) {{
  vegaEmbed("#chart-" + key, spec, {{actions: false, renderer: "svg"}}).catch(console.error);
}}
</script></body></html>
"""


def write_pngs(sections: Sequence[Section], directory: Path, *, scale: float = 2.0) -> list[Path]:
    """Each chart as ``<key>.png`` in ``directory`` (rendered by vl-convert, offline)."""
    import vl_convert

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for s in sections:
        if s.chart is None:
            continue
        path = directory / f"{s.key}.png"
        path.write_bytes(vl_convert.vegalite_to_png(spec_of(s.chart), scale=scale))
        written.append(path)
    return written


def write_report(
    database: Database,
    path: str | Path,
    filters: Filters | None = None,
    *,
    title: str | None = None,
    top: int = 6,
    today: date | None = None,
    png_dir: str | Path | None = None,
) -> list[Path]:
    """Write the HTML report (and, with ``png_dir``, one PNG per plot); return the paths."""
    f = filters or Filters()
    sections = build_sections(database, f, top=top, today=today)
    info = database.stats()
    span = (
        f"{info['first_published']} to {info['last_published']}"
        if info.get("first_published")
        else "no dated articles"
    )
    stats = {
        "events": database.count_events(f),
        "of all events": info["events"],
        "mentions": info["event_mentions"],
        "articles": info["articles"],
        "outlets": info["outlets"],
    }
    subtitle = (
        f"{describe_filters(f)} · database {database.path.name} · articles published {span}"
        f" · made {datetime.now().strftime('%Y-%m-%d %H:%M')}"
    )
    page = render_html(sections, title=title or "dyad event report", subtitle=subtitle, stats=stats)
    out = Path(path)
    out.write_text(page, encoding="utf-8")
    written = [out]
    if png_dir is not None:
        written += write_pngs(sections, Path(png_dir))
    return written


__all__ = ["Section", "build_sections", "describe_filters", "render_html", "write_report"]
