"""The `dyad` command: a thin typer layer over the Python API.

Data goes to stdout, messages and progress to stderr. Every DyadError becomes one line
with its code (and a hint), exit code 1 (2 for usage errors).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from dyad.errors import DyadError, UsageError

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

DbOption = Annotated[
    Path | None,
    typer.Option("--db", envvar="DYAD_DB", help="Database file [default: ./dyad.duckdb]."),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Only errors on stderr.")]


def _handle_errors(func: F) -> F:
    """Turn library errors into one line on stderr and an exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DyadError as exc:
            err.print(f"[red]error[/red] {exc}", highlight=False, markup=True)
            if exc.hint:
                err.print(f"  hint: {exc.hint}", highlight=False)
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def _parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r}: expected a date as YYYY-MM-DD") from None


def _ingest_progress(quiet: bool):  # type: ignore[no-untyped-def]
    """A progress callback printing articles and articles/s on a terminal."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    if quiet or not err.is_terminal:
        return None, None
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.fields[rate]:.1f} articles/s"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    task = progress.add_task("ingesting", rate=0.0)
    started = time.perf_counter()

    def update(report) -> None:  # type: ignore[no-untyped-def]
        elapsed = max(time.perf_counter() - started, 1e-9)
        progress.update(
            task,
            description=f"{report.articles_read} read, {report.articles_added} added",
            rate=report.articles_read / elapsed,
        )

    return progress, update


def _report_ingest(report, db: Path | None, quiet: bool) -> None:  # type: ignore[no-untyped-def]
    for error in report.errors:
        err.print(f"[red]error[/red] {error}", highlight=False)
    if not quiet:
        for warning in report.warnings:
            err.print(f"[yellow]warning[/yellow] {warning}", highlight=False)
        err.print(
            f"{report.articles_read} articles read, {report.articles_added} added, "
            f"{report.articles_skipped} already stored, {report.mentions_added} event mentions, "
            f"{len(report.errors)} errors",
            highlight=False,
        )


@app.command()
@_handle_errors
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, globs, or - for stdin.")],
    db: DbOption = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date for all inputs (YYYY-MM-DD).")
    ] = None,
    codebook: Annotated[
        list[Path] | None, typer.Option(help="Extra codebook YAML file (repeatable).")
    ] = None,
    resume: Annotated[
        bool, typer.Option(help="Skip input files a previous, interrupted run finished.")
    ] = False,
    batch_size: Annotated[int, typer.Option(help="Articles per transaction.")] = 64,
    quiet: QuietOption = False,
) -> None:
    """Read articles, extract events and store them (idempotent)."""
    from dyad.api import ingest as run_ingest
    from dyad.pipeline import PipelineSettings

    settings = PipelineSettings(codebooks=tuple(str(p) for p in codebook or ()))
    progress, update = _ingest_progress(quiet)
    if progress:
        progress.start()
    try:
        report = run_ingest(
            paths,
            db=db,
            published=_parse_date(published, "--published"),
            settings=settings,
            resume=resume,
            batch_size=batch_size,
            progress=update,
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
    codebook: Annotated[list[Path] | None, typer.Option(help="Extra codebook YAML file.")] = None,
) -> None:
    """Extract event mentions without a database; print them as JSON Lines."""
    from dyad.api import extract as run_extract
    from dyad.errors import InputError
    from dyad.pipeline import PipelineSettings

    if not paths and text is None:
        raise UsageError("give files to read, - for stdin, or --text")
    errors: list[InputError] = []
    settings = PipelineSettings(codebooks=tuple(str(p) for p in codebook or ()))
    for record in run_extract(
        paths or [],
        text=text,
        published=_parse_date(published, "--published"),
        settings=settings,
        errors=errors,
    ):
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    for error in errors:
        err.print(f"[red]error[/red] {error}", highlight=False)
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


def _print_event_summary(db: Path, limit: int = 25) -> None:
    from dyad.store import Store

    with Store(db, read_only=True) as store:
        rows = store.con.execute(
            """
            SELECT date, date_end, source, target, plover, cameo, status,
                   location_name, num_mentions, num_articles
            FROM events ORDER BY num_mentions DESC, date DESC NULLS LAST LIMIT ?
            """,
            [limit],
        ).fetchall()
    table = Table(
        "date",
        "source",
        "target",
        "type",
        "cameo",
        "status",
        "where",
        "mentions",
        "articles",
        title="Most reported events",
    )
    for d, d_end, src, tgt, plover, cameo, status, place, n_m, n_a in rows:
        when = f"{d}" if not d_end or d_end == d else f"{d} – {d_end}"
        table.add_row(
            when if d else "—",
            src or "—",
            tgt or "—",
            plover,
            cameo,
            status,
            place or "—",
            str(n_m),
            str(n_a),
        )
    out.print(table)


@app.command()
@_handle_errors
def export(
    db: DbOption = None,
    format: Annotated[str, typer.Option("--format", "-f", help="jsonl, csv or parquet.")] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write [default: stdout].")
    ] = None,
) -> None:
    """Export every event mention (the documented export schema)."""
    from dyad.api import export_records

    records = export_records(db)
    if format == "jsonl":
        stream = output.open("w", encoding="utf-8") if output else sys.stdout
        try:
            for record in records:
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        finally:
            if output:
                stream.close()
        return
    if format not in ("csv", "parquet"):
        raise UsageError(f"--format {format!r}: choose jsonl, csv or parquet")
    import pandas as pd

    frame = pd.json_normalize(records, sep="_") if records else pd.DataFrame()
    if "context" in frame:
        frame["context"] = frame["context"].map(lambda c: ";".join(c))
    if format == "csv":
        frame.to_csv(output or sys.stdout, index=False)
    else:
        if output is None:
            raise UsageError("--format parquet needs --output FILE")
        frame.to_parquet(output, index=False)


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
                err.print(f"[red]error[/red] {error}", highlight=False)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), default=str) + "\n")
    else:
        render(report, out, limit=limit)
    failures = check_floors(report, floors, suite=suite) if floors else []
    for failure in failures:
        err.print(f"[red]below floor[/red] {failure}", highlight=False)
    if failures:
        raise typer.Exit(1)


def main() -> None:
    app()
