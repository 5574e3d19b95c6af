"""The `dyad` command: a thin typer layer over the Python API.

Data goes to stdout, messages and progress to stderr. Every DyadError becomes one line
with its code (and a hint), exit code 1 (2 for usage errors).
"""

from __future__ import annotations

import inspect
import json
import sys
import time
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, TypeVar, get_args

import typer
import typer.core
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dyad.errors import DyadError, UsageError
from dyad.output.export import EXPORT_FIELDS
from dyad.settings import env_var, setting_value

if TYPE_CHECKING:
    from dyad.pipeline import PipelineSettings

app = typer.Typer(
    name="dyad",
    help="Turn dated news articles into a political event dataset.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def _show_version(value: bool) -> None:
    if value:
        from dyad import __version__

        out.print(f"dyad {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Turn dated news articles into a political event dataset."""


DbOption = Annotated[
    Path | None,
    typer.Option("--db", envvar=env_var("db"), help="Database file \\[default: ./dyad.duckdb]."),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Only errors on stderr.")]
CodebookOption = Annotated[
    list[Path] | None, typer.Option(help="Extra codebook YAML file (repeatable).")
]
LinkOption = Annotated[
    list[str] | None,
    typer.Option(
        "--link",
        metavar="NAME=VALUE",
        help="A linking setting (repeatable), e.g. date_slack_days=5 (docs/linking.md). "
        "The database keeps it; a change re-links all its events once.",
    ),
]


def _pipeline_settings(codebook: list[Path] | None, n_process: int = 1) -> PipelineSettings:
    """The pipeline of a command given ``--codebook`` files."""
    from dyad.pipeline import PipelineSettings

    return PipelineSettings(codebooks=tuple(str(p) for p in codebook or ()), n_process=n_process)


def _handle_errors(func: F) -> F:
    """Turn library errors into one line on stderr and an exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DyadError as exc:
            err.print(f"[red]error[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
            if exc.hint:
                err.print(f"  hint: {escape(exc.hint)}", highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def _parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r}: expected a date as YYYY-MM-DD") from None


def _ingest_progress(quiet: bool, console: Console | None = None):  # type: ignore[no-untyped-def]
    """A progress display and its callback: on a terminal a bar with articles/s and the
    time left (a spinner while the total is unknown); in a log, one line every
    ``DYAD_PROGRESS_SECONDS`` (default 10)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = console or err
    if quiet:
        return None, None
    started = time.perf_counter()
    if not console.is_terminal:
        every = float(setting_value("progress_seconds"))
        last = started

        def log_line(report) -> None:  # type: ignore[no-untyped-def]
            nonlocal last
            now = time.perf_counter()
            if now - last >= every and report.articles_done:
                last = now
                console.print(_progress_line(report, now - started), highlight=False)

        return None, log_line
    progress = Progress(
        SpinnerColumn(),
        TextColumn("ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]:.1f} articles/s"),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = progress.add_task("ingesting", total=None, rate=0.0)

    def update(report) -> None:  # type: ignore[no-untyped-def]
        elapsed = max(time.perf_counter() - started, 1e-9)
        progress.update(
            task,
            total=report.articles_total,
            completed=report.articles_done,
            rate=report.articles_done / elapsed,
        )

    return progress, update


def _progress_line(report, elapsed: float) -> str:  # type: ignore[no-untyped-def]
    """'ingest: 120/500 articles (24%), 3.1 articles/s, 2m03s left'."""
    done, total = report.articles_done, report.articles_total
    rate = done / max(elapsed, 1e-9)
    if not total:
        return f"ingest: {done} articles, {rate:.1f} articles/s, {_duration(elapsed)} so far"
    left = (total - done) / rate if rate else 0.0
    return (
        f"ingest: {done}/{total} articles ({100 * done // total}%), {rate:.1f} articles/s,"
        f" {_duration(left)} left"
    )


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


def _report_ingest(report, db: Path | None, quiet: bool) -> None:  # type: ignore[no-untyped-def]
    for error in report.errors:
        err.print(f"[red]error[/red] {escape(str(error))}", highlight=False, soft_wrap=True)
    if not quiet:
        for warning in report.warnings:
            err.print(
                f"[yellow]warning[/yellow] {escape(warning)}", highlight=False, soft_wrap=True
            )
        resumed = report.inputs_skipped
        err.print(
            f"{report.articles_read} articles read, {report.articles_added} added, "
            f"{report.articles_skipped} already stored, {report.mentions_added} event mentions, "
            f"{len(report.errors)} errors"
            + (f", {resumed} finished files not read again" if resumed else "")
            + (f", {copied} built from copies" if (copied := report.articles_copied) else ""),
            highlight=False,
            soft_wrap=True,
        )


@app.command()
@_handle_errors
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, globs, or - for stdin.")],
    db: DbOption = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date for all inputs (YYYY-MM-DD).")
    ] = None,
    codebook: CodebookOption = None,
    resume: Annotated[
        bool, typer.Option(help="Skip input files a previous, interrupted run finished.")
    ] = False,
    batch_size: Annotated[int, typer.Option(min=1, help="Articles per transaction.")] = 64,
    max_bytes: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Largest file or JSON line read, in bytes "
            "\\[default: $DYAD_MAX_ARTICLE_BYTES or 10 MB].",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Processes running the pipeline on this machine.")
    ] = 1,
    dask: Annotated[
        str | None,
        typer.Option(
            metavar="ADDRESS",
            help="Run the stages on a Dask cluster: local:N (N worker processes here) or a "
            "scheduler address such as tcp://host:8786. See docs/scale.md.",
        ),
    ] = None,
    shard_size: Annotated[
        int, typer.Option(min=1, help="Articles per Dask task (with --dask).")
    ] = 64,
    partitions: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="With --dask: workers write their results here as Parquet (one file per "
            "table and shard), read in place or merged into the database.",
        ),
    ] = None,
    reuse_copies: Annotated[
        bool,
        typer.Option(
            "--reuse-copies/--parse-copies",
            help="Build a near-duplicate of an article read before from that article's "
            "result, parsing only its own paragraphs (same database, less time).",
        ),
    ] = True,
    link: LinkOption = None,
    server: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="Send the articles to this running `dyad serve`, which processes and "
            "stores them in the database it owns (see docs/serving.md).",
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            envvar=env_var("write_token"),
            help="The server's write token (with --server).",
            show_default=False,
        ),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Read articles, extract events and store them (idempotent)."""
    from dyad.api import ingest as run_ingest
    from dyad.api import link_settings

    where: dict[str, Any]  # the database here, or the server that owns one
    if server is None:
        where = {
            "db": db,
            "settings": _pipeline_settings(codebook, n_process=workers),
            "resume": resume,
            "dask": dask,
            "shard_size": shard_size,
            "partitions": partitions,
            "link_settings": link_settings(db, link) if link else None,
            "reuse_copies": reuse_copies,
        }
    else:
        local = {
            "--codebook": codebook,
            "--workers": workers != 1,
            "--resume": resume,
            "--dask": dask,
            "--partitions": partitions,
            "--link": link,
            "--parse-copies": not reuse_copies,
        }
        if any(local.values()):
            given = ", ".join(name for name, value in local.items() if value)
            raise UsageError(f"{given}: only for an ingest here, not with --server")
        where = {"server": server, "token": token}
    progress, update = _ingest_progress(quiet)
    if progress:
        progress.start()
    try:
        report = run_ingest(
            paths,
            published=_parse_date(published, "--published"),
            batch_size=batch_size,
            progress=update,
            max_bytes=max_bytes,
            **where,
        )
    finally:
        if progress:
            progress.stop()
    _report_ingest(report, db, quiet)
    if report.errors:
        raise typer.Exit(1)


@app.command()
@_handle_errors
def extract(
    paths: Annotated[list[str] | None, typer.Argument(help="Files, directories, or -.")] = None,
    text: Annotated[str | None, typer.Option(help="Extract from this text instead.")] = None,
    published: Annotated[str | None, typer.Option(help="Publication date (YYYY-MM-DD).")] = None,
    codebook: CodebookOption = None,
) -> None:
    """Extract event mentions without a database; print them as JSON Lines."""
    from dyad.api import extract as run_extract
    from dyad.errors import InputError

    if not paths and text is None:
        raise UsageError("give files to read, - for stdin, or --text")
    errors: list[InputError] = []
    settings = _pipeline_settings(codebook)
    for record in run_extract(
        paths or [],
        text=text,
        published=_parse_date(published, "--published"),
        settings=settings,
        errors=errors,
    ):
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    for error in errors:
        err.print(f"[red]error[/red] {escape(str(error))}", highlight=False, soft_wrap=True)
    if errors:
        raise typer.Exit(1)


@app.command()
@_handle_errors
def articles(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines instead of a table.")] = False,
) -> None:
    """List stored articles."""
    from dyad.api import list_articles

    rows = list_articles(db, limit=limit)
    if as_json:
        for row in rows:
            sys.stdout.write(json.dumps(row, default=str, ensure_ascii=False) + "\n")
        return
    table = Table("published", "from", "outlet", "path", "events", "id")
    for row in rows:
        table.add_row(
            str(row["published"] or "—"),
            row["published_from"] or "—",
            row["source"] or "—",
            row["path"] or "—",
            str(row["mentions"]),
            row["article_id"],
        )
    out.print(table)


@app.command()
@_handle_errors
def stats(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """Counts of articles, mentions and events in a database."""
    from dyad.api import stats as get_stats

    values = get_stats(db)
    if as_json:
        sys.stdout.write(json.dumps(values) + "\n")
        return
    table = Table("what", "value")
    for key, value in values.items():
        table.add_row(key, str(value))
    out.print(table)


@app.command()
@_handle_errors
def check(db: DbOption = None, quiet: QuietOption = False) -> None:
    """Verify a database's integrity: one line per problem on stdout, exit 1 if any."""
    from dyad.api import default_db
    from dyad.store.check import check_database, table_counts

    report = check_database(db or default_db())
    for problem in report.problems:
        out.print(escape(str(problem)), highlight=False, soft_wrap=True)
    if report.problems:
        raise typer.Exit(1)
    if not quiet:
        err.print(
            f"ok: schema {report.schema_version}; {table_counts(report)}",
            highlight=False,
            soft_wrap=True,
        )


@app.command()
@_handle_errors
def relink(db: DbOption = None, link: LinkOption = None, quiet: QuietOption = False) -> None:
    """Re-link every stored mention into events, with the database's link settings as
    changed by --link."""
    from dyad.api import link_settings
    from dyad.api import relink as run_relink

    settings = link_settings(db, link or ())
    events = run_relink(db, link_settings=settings)
    if not quiet:
        shown = " ".join(settings.options()) or "defaults"
        err.print(f"{events} events; link settings: {shown}", highlight=False, soft_wrap=True)


@app.command()
@_handle_errors
def demo(db: DbOption = None, quiet: QuietOption = False) -> None:
    """Ingest the bundled sample corpus and print a summary of its events."""
    from dyad.api import ingest as run_ingest
    from dyad.api import sample_corpus
    from dyad.api import stats as get_stats

    target = db or Path("dyad.duckdb")
    report = run_ingest([str(sample_corpus())], db=target)
    _report_ingest(report, target, quiet)
    _print_event_summary(target)
    values = get_stats(target)
    err.print(
        f"{values['articles']} articles, {values['event_mentions']} event mentions, "
        f"{values['events']} events in {target}",
        highlight=False,
    )
    if report.errors:
        raise typer.Exit(1)


def _print_event_summary(db: Path, limit: int = 20) -> None:
    """The most reported events of a database."""
    from dyad.output.formats import event_record
    from dyad.store.query import Database

    with Database(db) as database:
        rows = database.events(order="mentions", limit=limit, output="records")
    out.print(_events_table([event_record(r) for r in rows], "Most reported events"))


# -- query commands: one shared bundle of filter options ---------------------------------

_FILTER_OPTIONS: dict[str, tuple[Any, Any]] = {
    "actor": (str | None, typer.Option("--actor", help="Actor code or prefix on either side.")),
    "dyad": (
        str | None,
        typer.Option("--dyad", help="USA-PAK (either direction) or USA>PAK (directed)."),
    ),
    "source": (str | None, typer.Option("--source", help="Source actor code or prefix.")),
    "target": (str | None, typer.Option("--target", help="Target actor code or prefix.")),
    "sector": (str | None, typer.Option("--sector", help="Sector on either side (GOV, MIL …).")),
    "plover": (str | None, typer.Option("--type", "--plover", help="PLOVER event type.")),
    "cameo": (str | None, typer.Option("--cameo", help="CAMEO code or root prefix (04, 112).")),
    "quad_class": (
        int | None,
        typer.Option("--quad", min=1, max=4, help="QuadClass 1–4."),
    ),
    "status": (
        str | None,
        typer.Option("--status", help="occurred, ongoing, planned, negated or hypothetical."),
    ),
    "date_from": (str | None, typer.Option("--from", help="On or after YYYY-MM-DD.")),
    "date_to": (str | None, typer.Option("--to", help="On or before YYYY-MM-DD.")),
    "date_field": (
        str,
        typer.Option("--date-field", help="Dates filter the event date or the publication."),
    ),
    "place": (str | None, typer.Option("--place", help="Place name or ISO3 country code.")),
    "text": (str | None, typer.Option("--text", help="Words in an evidence sentence.")),
}
_FILTER_DEFAULTS: dict[str, Any] = {"date_field": "event"}


def _filters(values: dict[str, Any]) -> Any:
    """A query Filters object from the raw option values (dates checked here)."""
    from dyad.store.query import Filters

    if values.get("date_field", "event") not in ("event", "published"):
        raise UsageError(f"--date-field {values['date_field']!r}: choose event or published")
    values = dict(values)
    values["date_from"] = _parse_date(values.get("date_from"), "--from")
    values["date_to"] = _parse_date(values.get("date_to"), "--to")
    return Filters(**values)


def with_filters(only: tuple[str, ...] | None = None) -> Callable[[F], F]:
    """Give a command the shared filter options; it receives them as ``filters``.

    Defined once here, so every query command spells and documents them the same way.
    """
    names = tuple(n for n in _FILTER_OPTIONS if only is None or n in only)

    def decorate(func: F) -> F:
        signature = inspect.signature(func, eval_str=True)
        params = [p for p in signature.parameters.values() if p.name != "filters"]
        extra = [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=_FILTER_DEFAULTS.get(name),
                annotation=Annotated[_FILTER_OPTIONS[name][0], _FILTER_OPTIONS[name][1]],
            )
            for name in names
        ]

        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            values = {name: kwargs.pop(name, _FILTER_DEFAULTS.get(name)) for name in names}
            return func(*args, filters=_filters(values), **kwargs)

        new = signature.replace(parameters=[*params, *extra])
        wrapper.__signature__ = new  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in new.parameters.values()}
        return wrapper  # type: ignore[return-value]

    return decorate


WIDE = 140  # table width when writing to a file or a pipe (a terminal uses its own)
QUERY_FORMATS = ("table", "csv", "json", "jsonl", "parquet")
FormatOption = Annotated[
    str, typer.Option("--format", "-f", help="table, csv, json, jsonl or parquet.")
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="File to write \\[default: stdout].")
]
LimitOption = Annotated[int, typer.Option(min=0, help="At most this many rows (0: all).")]


def _open(db: Path | None):  # type: ignore[no-untyped-def]
    from dyad.api import default_db
    from dyad.store.query import Database

    return Database(db or default_db())


def _write(
    records: list[dict[str, Any]],
    fmt: str,
    output: Path | None,
    table: Callable[[list[dict[str, Any]]], Table] | None = None,
    *,
    fields: tuple[str, ...] = (),
) -> None:
    """Write records in one of the query formats, to ``output`` or stdout."""
    from dyad.output import formats

    if fmt not in QUERY_FORMATS:
        raise UsageError(f"--format {fmt!r}: choose {', '.join(QUERY_FORMATS)}")
    if fmt == "parquet":
        if output is None:
            raise UsageError("--format parquet needs --output FILE")
        formats.write_parquet(records, output, fields=fields)
        return
    if fmt == "table":
        if table is None:
            raise UsageError("this command has no table view: choose csv, json or jsonl")
        if output:
            with output.open("w", encoding="utf-8") as handle:
                Console(file=handle, width=WIDE).print(table(records))
        else:
            (out if out.is_terminal else Console(width=WIDE)).print(table(records))
        return
    writer = {"csv": formats.write_csv, "json": formats.write_json, "jsonl": formats.write_jsonl}
    stream: IO[str] = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if fmt == "csv":
            formats.write_csv(records, stream, fields=fields)
        else:
            writer[fmt](records, stream)
    finally:
        if output:
            stream.close()


def _when(row: dict[str, Any]) -> str:
    """'2024-03-01', or an interval in short ISO form: '2024-03-01/03-31'."""
    start, end = row.get("date"), row.get("date_end")
    if not start:
        return "—"
    if not end or end == start:
        return str(start)
    common = 5 if str(end)[:4] == str(start)[:4] else 0
    return f"{start}/{str(end)[common:]}"


def _events_table(rows: list[dict[str, Any]], title: str | None = None) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD)
    table.add_column("date", no_wrap=True)
    table.add_column("actors")
    table.add_column("type")
    table.add_column("status")
    table.add_column("where")
    table.add_column("n", justify="right")
    table.add_column("event id", no_wrap=True, min_width=16)
    for row in rows:
        table.add_row(
            _when(row),
            f"{row.get('source') or '—'} → {row.get('target') or '—'}",
            f"{row['plover']} {row['cameo']}",
            row["status"],
            (row.get("location") or {}).get("name") or "—",
            str(row["num_mentions"]),
            row["event_id"],
        )
    return table


@app.command()
@_handle_errors
@with_filters()
def events(
    filters: Any,
    db: DbOption = None,
    order: Annotated[
        str, typer.Option(help="date, mentions, articles, goldstein, first_seen, …")
    ] = "date",
    ascending: Annotated[bool, typer.Option("--asc", help="Oldest / smallest first.")] = False,
    limit: LimitOption = 50,
    offset: Annotated[int, typer.Option(help="Skip this many rows first.")] = 0,
    fmt: FormatOption = "table",
    output: OutputOption = None,
) -> None:
    """List linked events (one row per real-world event) matching the filters."""
    from dyad.output.formats import EVENT_FIELDS, event_record

    with _open(db) as database:
        rows = database.events(
            filters,
            order=order,
            descending=not ascending,
            limit=limit or None,
            offset=offset,
            evidence=True,
            output="records",
        )
        total = database.count_events(filters) if fmt == "table" else len(rows)
    records = [event_record(r) for r in rows]
    title = f"{len(records)} of {total} events" if fmt == "table" else None
    _write(records, fmt, output, lambda rs: _events_table(rs, title), fields=EVENT_FIELDS)


@app.command()
@_handle_errors
@with_filters()
def timeline(
    filters: Any,
    db: DbOption = None,
    by: Annotated[str, typer.Option(help="day, week, month or year.")] = "month",
    fmt: FormatOption = "table",
    output: OutputOption = None,
) -> None:
    """Events per period and QuadClass, with mentions and mean Goldstein (by event date)."""
    with _open(db) as database:
        rows = database.timeline(filters, by=by, output="records")
    records = [dict(r, period=r["period"].isoformat()) for r in rows]

    def table(rs: list[dict[str, Any]]) -> Table:
        view = Table("period", "quad class", "events", "mentions", "mean goldstein")
        for r in rs:
            view.add_row(
                r["period"],
                str(r["quad_class"]),
                str(r["events"]),
                str(r["mentions"]),
                f"{r['goldstein']:+.2f}",
            )
        return view

    _write(records, fmt, output, table)


@app.command()
@_handle_errors
@with_filters()
def upcoming(
    filters: Any,
    db: DbOption = None,
    today: Annotated[
        str | None,
        typer.Option(help="Hide plans ended before this date \\[default: newest publication]."),
    ] = None,
    limit: LimitOption = 50,
    fmt: FormatOption = "table",
    output: OutputOption = None,
) -> None:
    """Planned events not (yet) reported as held, soonest first."""
    from dyad.output.formats import EVENT_FIELDS, event_record

    with _open(db) as database:
        as_of = _parse_date(today, "--today")
        why = "" if as_of else ", the newest publication date stored"
        as_of = as_of or database.last_published()
        planned = database.upcoming(
            filters, today=as_of, limit=limit or None, evidence=True, output="records"
        )
    records = [event_record(r) for r in planned]
    title = f"Planned, not yet reported as held, as of {as_of or 'no publication date'}{why}"
    _write(
        records,
        fmt,
        output,
        lambda rs: _events_table(rs, title),
        fields=EVENT_FIELDS,
    )


@app.command()
@_handle_errors
def show(
    event_id: Annotated[str, typer.Argument(help="An event id (from `dyad events`).")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of text.")] = False,
) -> None:
    """One event with every mention: sentence, outlet, publication and dates."""
    with _open(db) as database:
        event = database.event(event_id)
    if event is None:
        raise UsageError(f"no event {event_id!r}", hint="list ids with `dyad events`")
    if as_json:
        sys.stdout.write(json.dumps(event, default=str, ensure_ascii=False) + "\n")
        return
    head = Table(show_header=False, box=None)
    for key in (
        "event_id",
        "source",
        "target",
        "plover",
        "cameo",
        "goldstein",
        "quad_class",
        "status",
        "date",
        "date_end",
        "date_precision",
        "location_name",
        "first_seen",
        "last_seen",
        "num_mentions",
        "num_sources",
        "num_articles",
    ):
        value = event.get(key)
        head.add_row(key, escape("—" if value is None else str(value)))
    out.print(head)
    for i, m in enumerate(event["mentions"], 1):
        where = m.get("article_url") or m.get("article_path") or m["article_id"]
        out.print(
            f"\n[bold]{i}.[/bold] {escape(str(m.get('published') or '—'))}"
            f"  {escape(m.get('outlet') or '—')}  {escape(where)}"
            f"  sentence {m['sentence_index']}, chars {m['start_char']}–{m['end_char']}",
            highlight=False,
        )
        out.print(f"   {escape(m['sentence'])}", highlight=False)
        dated = f"{m.get('date') or '—'}" + (f" ({m['date_text']})" if m.get("date_text") else "")
        out.print(
            f"   [dim]{escape(m['status'])}; date {escape(dated)};"
            f" {escape(m.get('source') or '—')} → {escape(m.get('target') or '—')}[/dim]",
            highlight=False,
        )


@app.command()
@_handle_errors
@with_filters(only=("actor", "sector", "date_from", "date_to"))
def actors(
    filters: Any,
    db: DbOption = None,
    limit: LimitOption = 50,
    fmt: FormatOption = "table",
    output: OutputOption = None,
) -> None:
    """Actors with how often they are mentioned, in how many articles and in events."""
    with _open(db) as database:
        rows = database.actors(filters, limit=limit or None, output="records")

    def table(rs: list[dict[str, Any]]) -> Table:
        view = Table("code", "name", "mentions", "articles", "in events")
        for r in rs:
            view.add_row(
                r["code"],
                r["name"],
                str(r["mentions"]),
                str(r["articles"]),
                str(r["event_mentions"]),
            )
        return view

    _write(rows, fmt, output, table)


@app.command()
@_handle_errors
@with_filters()
def export(
    filters: Any,
    db: DbOption = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="jsonl, json, csv, parquet, gdelt or plover.")
    ] = "jsonl",
    level: Annotated[
        str | None,
        typer.Option(help="mention or event \\[default: mention; event for gdelt and plover]."),
    ] = None,
    header: Annotated[bool, typer.Option(help="GDELT: write a header line.")] = False,
    output: OutputOption = None,
) -> None:
    """Export event mentions (the documented schema) or events, in several formats."""
    from dyad.output import formats

    level = level or ("event" if fmt in ("gdelt", "plover") else "mention")
    formats.check_format(fmt, level)
    if fmt == "parquet" and output is None:
        raise UsageError("--format parquet needs --output FILE")
    with _open(db) as database:
        if level == "mention":
            records = database.mentions(filters)
            fields: tuple[str, ...] = EXPORT_FIELDS
        else:
            records = database.events(
                filters, order="date", descending=False, evidence=True, output="records"
            )
            fields = formats.EVENT_FIELDS
    if fmt == "parquet":
        rows = records if level == "mention" else [formats.event_record(r) for r in records]
        formats.write_parquet(rows, output, fields=fields)  # type: ignore[arg-type]
        return
    stream: IO[str] = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if fmt == "gdelt":
            formats.write_gdelt(records, stream, header=header)
        elif fmt == "plover":
            convert = formats.plover_mention if level == "mention" else formats.plover_event
            formats.write_jsonl((convert(r) for r in records), stream)
        else:
            rows = records if level == "mention" else [formats.event_record(r) for r in records]
            if fmt == "csv":
                formats.write_csv(rows, stream, fields=fields)
            elif fmt == "json":
                formats.write_json(rows, stream)
            else:
                formats.write_jsonl(rows, stream)
    finally:
        if output:
            stream.close()


@app.command()
@_handle_errors
@with_filters()
def report(
    filters: Any,
    db: DbOption = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path(
        "report.html"
    ),
    png: Annotated[
        Path | None, typer.Option("--png", help="Also write each plot as PNG into DIR.")
    ] = None,
    title: Annotated[str | None, typer.Option(help="Report title.")] = None,
    top: Annotated[int, typer.Option(help="How many dyads and actors to show.")] = 6,
    quiet: QuietOption = False,
) -> None:
    """Write a self-contained HTML report (plots and main events) that works offline."""
    from dyad.output.report import write_report

    with _open(db) as database:
        written = write_report(database, output, filters, title=title, top=top, png_dir=png)
    if not quiet:
        for path in written:
            err.print(f"wrote {path}", highlight=False)


@app.command("eval")
@_handle_errors
def evaluate(
    articles: Annotated[
        list[str] | None, typer.Argument(help="Articles to run the pipeline on.")
    ] = None,
    gold: Annotated[
        Path | None, typer.Option(help="Gold event mentions (JSON Lines, article format).")
    ] = None,
    sentences: Annotated[
        Path | None, typer.Option(help="Sentence-level suite (JSON Lines) instead of --gold.")
    ] = None,
    db: Annotated[
        Path | None, typer.Option("--db", help="Score this database instead of running.")
    ] = None,
    floors: Annotated[
        Path | None, typer.Option(help="Fail when a score is below these floors (JSON).")
    ] = None,
    suite: Annotated[str, typer.Option(help="Which floors of the file apply.")] = "seeds",
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of tables.")] = False,
    limit: Annotated[int, typer.Option(help="Rows of misses and false events shown.")] = 50,
) -> None:
    """Score the pipeline against gold annotations (see docs/evaluation.md)."""
    from dyad.api import evaluate_articles, evaluate_sentences
    from dyad.evaluate import check_floors, render

    if (gold is None) == (sentences is None):
        raise UsageError("give exactly one of --gold FILE or --sentences FILE")
    if sentences is not None:
        report: Any = evaluate_sentences(sentences)
    else:
        assert gold is not None
        report, ingested = evaluate_articles(gold, articles or [], db=db)
        if ingested is not None:
            for error in ingested.errors:
                err.print(f"[red]error[/red] {escape(str(error))}", highlight=False, soft_wrap=True)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), default=str) + "\n")
    else:
        render(report, out, limit=limit)
    failures = check_floors(report, floors, suite=suite) if floors else []
    for failure in failures:
        err.print(f"[red]below floor[/red] {failure}", highlight=False)
    if failures:
        raise typer.Exit(1)


# -- fetching pages and watching feeds (docs/watch.md) ------------------------------------


def _log_to_stderr(quiet: bool, verbose: int) -> None:
    """Send dyad's log records (one line per watch cycle, failures) to stderr."""
    import logging

    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    logger = logging.getLogger("dyad")
    logger.handlers = [handler]
    logger.setLevel(level)
    logger.propagate = False


TimeoutOption = Annotated[float, typer.Option(min=0.1, help="Seconds to wait for a server.")]
DelayOption = Annotated[
    float, typer.Option(min=0.0, help="Least seconds between two requests to one host.")
]
RobotsOption = Annotated[
    bool, typer.Option(help="Obey robots.txt (turn off only for your own site).")
]


@app.command()
@_handle_errors
def fetch(
    urls: Annotated[list[str], typer.Argument(help="Page URLs to download and ingest.")],
    db: DbOption = None,
    refetch: Annotated[
        bool, typer.Option(help="Download pages again even if stored before.")
    ] = False,
    codebook: CodebookOption = None,
    timeout: TimeoutOption = 15.0,
    delay: DelayOption = 1.0,
    robots: RobotsOption = True,
    quiet: QuietOption = False,
) -> None:
    """Download news pages, keep their HTML, and ingest their articles."""
    from dyad.sources.fetch import FetchSettings, fetch_urls

    report = fetch_urls(
        urls,
        db=db,
        settings=_pipeline_settings(codebook),
        fetch_settings=FetchSettings(timeout=timeout, host_interval=delay, robots=robots),
        refetch=refetch,
    )
    if not quiet:
        err.print(
            f"{report.pages_fetched} pages downloaded, {report.pages_known} stored before, "
            f"{report.events_added} new events",
            highlight=False,
        )
    _report_ingest(report, db, quiet)
    if report.errors:
        raise typer.Exit(1)


@app.command()
@_handle_errors
def watch(
    feeds_file: Annotated[
        Path, typer.Argument(help="Feed and sitemap URLs, one per line; # starts a comment.")
    ],
    db: DbOption = None,
    every: Annotated[
        str, typer.Option(help="Time between polls: 90s, 15m, 1h … (at least 1m).")
    ] = "15m",
    once: Annotated[
        bool, typer.Option(help="Poll every feed once, then exit (1 if a feed failed).")
    ] = False,
    max_new: Annotated[
        int, typer.Option(min=1, help="Newest unseen items fetched per feed and poll.")
    ] = 50,
    codebook: CodebookOption = None,
    timeout: TimeoutOption = 15.0,
    delay: DelayOption = 1.0,
    robots: RobotsOption = True,
    quiet: QuietOption = False,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="A line per feed and page.")
    ] = 0,
) -> None:
    """Poll RSS/Atom feeds and sitemaps, ingesting new articles, until Ctrl-C or SIGTERM."""
    from dyad.sources.fetch import FetchSettings
    from dyad.sources.watch import (
        MIN_EVERY,
        Watcher,
        WatchSettings,
        parse_interval,
        stop_on_signals,
    )

    try:
        seconds = parse_interval(every)
    except ValueError as exc:
        raise UsageError(f"--every {exc}") from None
    if seconds < MIN_EVERY and not once:
        raise UsageError(
            f"--every {every}: at least {MIN_EVERY:g} s between polls, "
            "so that the sites you follow are not hammered"
        )
    watcher = Watcher(  # reads the feeds file: a bad line stops here, before any polling
        feeds_file,
        db=db,
        settings=_pipeline_settings(codebook),
        watch_settings=WatchSettings(every=seconds, max_new_per_feed=max_new),
        fetch_settings=FetchSettings(timeout=timeout, host_interval=delay, robots=robots),
    )
    _log_to_stderr(quiet, verbose)
    with watcher, stop_on_signals(watcher):
        if not once:
            watcher.run()
            return
        report = watcher.run_once()
    if not report.feeds_ok:  # for cron and service managers: a feed needs attention
        raise typer.Exit(1)


@app.command()
@_handle_errors
def config(
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines instead of a table.")] = False,
) -> None:
    """Show every setting with the value in force and where it comes from (an option
    given to a command overrides it; docs/configuration.md). Exit 1 if a value set in
    the environment cannot be read."""
    from dyad.settings import settings_in_force

    rows = settings_in_force()
    if as_json:
        for row in rows:
            record = {
                "name": row.setting.name,
                "value": row.shown() if row.setting.secret else row.value,
                "origin": row.origin,
                "env": row.setting.env,
                "option": row.setting.option,
                "problem": row.problem,
            }
            sys.stdout.write(json.dumps(record) + "\n")
    else:
        table = Table(box=box.SIMPLE_HEAD)
        for column in ("setting", "value", "from", "variable"):
            table.add_column(column, overflow="fold")
        for row in rows:
            origin = f"[red]{row.origin}: bad value[/red]" if row.problem else row.origin
            table.add_row(row.setting.name, escape(row.shown()), origin, row.setting.env)
        out.print(table)
    problems = [row.problem for row in rows if row.problem]
    for problem in problems:
        err.print(f"[red]error[/red] {escape(problem)}", highlight=False, soft_wrap=True)
    if problems:
        raise typer.Exit(1)


@app.command()
@_handle_errors
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    write_token: Annotated[
        str | None,
        typer.Option(
            envvar=env_var("write_token"),
            help="Accept POST /api/v1/articles from clients sending this bearer token.",
            show_default=False,
        ),
    ] = None,
    cache: Annotated[
        int,
        typer.Option(
            min=0,
            envvar=env_var("serve_cache"),
            help="Read answers kept until the next write (0: none).",
        ),
    ] = 256,
    watch: Annotated[
        Path | None,
        typer.Option(
            metavar="FEEDS_FILE",
            help="Also poll these feeds and sitemaps (one URL a line), as `dyad watch` "
            "does, writing through the server's own connection (docs/serving.md).",
        ),
    ] = None,
    every: Annotated[str, typer.Option(help="With --watch: time between polls.")] = "15m",
    delay: DelayOption = 1.0,
) -> None:
    """Serve the REST API (/api/v1, docs at /docs) and the web page (/) over a database.

    The server owns the database while it runs: other processes write through it
    (`dyad ingest --server URL`, with --write-token) or let it poll feeds (--watch)."""
    from dyad.api import default_db
    from dyad.serve.server import serve as run_server
    from dyad.sources.fetch import FetchSettings
    from dyad.sources.watch import MIN_EVERY, WatchSettings, parse_interval

    try:
        seconds = parse_interval(every)
    except ValueError as exc:
        raise UsageError(f"--every {exc}") from None
    if seconds < MIN_EVERY:
        raise UsageError(f"--every {every}: at least {MIN_EVERY:g} s between polls")
    if watch is not None:
        _log_to_stderr(quiet=False, verbose=0)
    run_server(
        db or default_db(),
        host=host,
        port=port,
        write_token=write_token,
        cache_entries=cache,
        watch=watch,
        watch_settings=WatchSettings(every=seconds),
        fetch_settings=FetchSettings(host_interval=delay),
    )


class _Argument(typer.core.TyperArgument):
    def display_type_rich(self, ctx: Any) -> str | None:
        return None  # the metavar says it: PATHS..., EVENT_ID


def _name_values_in_words(params: list[Any]) -> None:
    """Help that names values in words (TEXT, PATH, INTEGER) rather than Python types."""
    for param in params:
        if isinstance(param, typer.core.TyperArgument):
            param.__class__ = _Argument
            param.metavar = param.metavar or (param.name or "").upper()
        elif isinstance(param, typer.core.TyperOption) and param.metavar is None:
            param.metavar = "" if param.is_flag or param.count else _value_kind(param)


class _Command(typer.core.TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        _name_values_in_words(params)
        return params


class _Group(typer.core.TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        _name_values_in_words(params)
        return params


def _value_kind(option: typer.core.TyperOption) -> str:
    annotation = option.type_descriptor.annotation
    if option.type_descriptor.is_list:
        (annotation,) = get_args(annotation)
    return {int: "INTEGER", float: "NUMBER", Path: "PATH"}.get(annotation, "TEXT")


# Every command, whichever decorator made it, gets the help that names values in words.
app.info.cls = _Group
for _info in app.registered_commands:
    _info.cls = _Command


def main() -> None:
    app()
