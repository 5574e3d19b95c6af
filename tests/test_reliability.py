"""Interruptions and concurrent use lose nothing.

* An ingest process killed with SIGKILL at random points and re-run with ``--resume``
  ends with every article stored exactly once, `dyad check` clean, and the same mentions
  and events as one uninterrupted run; resumed runs do not read finished files again.
* Readers (CLI queries, the Python API) keep working while an ingest writes, and a second
  writer waits its turn; a database held too long gives a clear StoreLockedError.
* Size limits (``--max-bytes``, ``DYAD_MAX_ARTICLE_BYTES``) give clear per-file errors.

``DYAD_KILL_CYCLES`` sets how many kill-and-resume cycles the interruption test runs
(default 3) for longer manual runs; docs/reliability.md records the numbers.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from dyad.errors import ConfigError, InputError, StoreError, StoreLockedError
from dyad.pipeline import read_articles
from dyad.stages.read import iter_articles, max_bytes_setting
from dyad.store.check import check_database
from dyad.store.store import Store, lock_timeout_setting

# -- a corpus of small fictional articles --------------------------------------------------

_PAIRS = [
    ("Kenya", "Kenyan", "Nairobi", "Ethiopia", "Ethiopian"),
    ("Ghana", "Ghanaian", "Accra", "Togo", "Togolese"),
    ("Peru", "Peruvian", "Lima", "Chile", "Chilean"),
    ("Vietnam", "Vietnamese", "Hanoi", "Laos", "Laotian"),
    ("Poland", "Polish", "Warsaw", "Lithuania", "Lithuanian"),
    ("Morocco", "Moroccan", "Rabat", "Tunisia", "Tunisian"),
    ("Nepal", "Nepalese", "Kathmandu", "Bhutan", "Bhutanese"),
    ("Uruguay", "Uruguayan", "Montevideo", "Paraguay", "Paraguayan"),
]
_STORIES = [
    "{A} and {B} held talks on {topic} in {city} on {day}, officials said.",
    "The {a} foreign minister met her {b} counterpart in {city} on {day} to discuss {topic}.",
    "{A} accused {B} on {day} of breaking an agreement on {topic}.",
    "{A} will host {b} officials in {city} next week for talks on {topic}.",
    "{a} police arrested {n} protesters in {city} on {day} after a march over {topic}.",
    "{A} sent {n} tonnes of food aid to {B} on {day}, the {a} government said.",
]
_TOPICS = ["water sharing", "border trade", "fishing rights", "rail links", "power lines"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def _story(i: int) -> tuple[date, str, str]:
    """Article ``i``: its publication date, a title and a body unlike every other one."""
    a_name, a_adj, city, b_name, b_adj = _PAIRS[i % len(_PAIRS)]
    topic = _TOPICS[(i // len(_PAIRS)) % len(_TOPICS)]
    published = date(2024, 1, 1) + timedelta(days=i // 3)
    fill = {
        "A": a_name,
        "a": a_adj,
        "B": b_name,
        "b": b_adj,
        "city": city,
        "topic": topic,
        "day": _DAYS[i % len(_DAYS)],
        "n": 10 + i,
    }
    first = _STORIES[i % len(_STORIES)].format(**fill)
    second = _STORIES[(i + 2) % len(_STORIES)].format(**fill)
    title = f"{a_name} and {b_name}: report {i} on {topic}"
    body = f"{first}\n\n{second}\n\nThe dispatch is number {i} of a fictional test series."
    return published, title, body


def write_corpus(root: Path, *, texts: int = 130, lines: int = 20) -> int:
    """``texts`` .txt files and one JSON Lines file of ``lines`` articles; returns the total."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(texts):
        published, title, body = _story(i)
        (root / f"{i:03d}.txt").write_text(f"date {published}\n{title}\n\n{body}\n")
    with (root / "wire.jsonl").open("w") as handle:
        for i in range(texts, texts + lines):
            published, title, body = _story(i)
            record = {"title": title, "text": body, "published": str(published)}
            handle.write(json.dumps(record) + "\n")
    return texts + lines


# -- helpers -------------------------------------------------------------------------------

SUMMARY = re.compile(
    r"(?P<read>\d+) articles read, (?P<added>\d+) added, (?P<skipped>\d+) already stored, "
    r"(?P<mentions>\d+) event mentions, (?P<errors>\d+) errors"
    r"(?:, (?P<files>\d+) finished files not read again)?"
)


def _dyad(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "dyad", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _ingest(corpus: Path, db: Path, *extra: str) -> subprocess.Popen[str]:
    return _dyad(
        "ingest",
        str(corpus),
        "--db",
        str(db),
        "--batch-size",
        "8",
        "--resume",
        *extra,
        cwd=db.parent,
    )


def _summary(stderr: str) -> dict[str, int]:
    match = SUMMARY.search(stderr)
    assert match, stderr
    return {k: int(v or 0) for k, v in match.groupdict().items()}


def _stored(db: Path) -> set[str]:
    """Article ids stored now, read as any reader would (waiting for the writer)."""
    if not db.exists():
        return set()
    with Store(db, read_only=True) as store:
        return {r[0] for r in store.con.execute("SELECT article_id FROM articles").fetchall()}


def _wait_for_progress(proc: subprocess.Popen[str], db: Path, before: int) -> int:
    """Poll until the ingest has stored more than ``before`` articles (or has ended)."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return len(_stored(db))
        try:
            now = len(_stored(db))
        except StoreError:  # not created yet, or no schema yet
            now = before
        if now > before:
            return now
        time.sleep(0.1)
    raise AssertionError("ingest made no progress in 180 s")


def _links(db: Path) -> tuple[set[str], set[frozenset[str]]]:
    """Mention ids, and the events as sets of mention ids (ids of events aside)."""
    with Store(db, read_only=True) as store:
        rows = store.con.execute("SELECT mention_id, event_id FROM event_mentions").fetchall()
    groups: dict[str, set[str]] = {}
    for mention_id, event_id in rows:
        groups.setdefault(event_id, set()).add(mention_id)
    return {r[0] for r in rows}, {frozenset(g) for g in groups.values()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    root = tmp_path_factory.mktemp("corpus")
    total = write_corpus(root)
    ids = {a.article_id for a in read_articles([root]) if not isinstance(a, InputError)}
    assert len(ids) == total == 150
    return root, ids


@pytest.fixture(scope="module")
def reference(corpus, pipeline, tmp_path_factory) -> Path:
    """The corpus ingested once, uninterrupted, in this process."""
    from dyad.api import ingest

    db = tmp_path_factory.mktemp("reference") / "reference.duckdb"
    report = ingest([corpus[0]], db=db, pipeline=pipeline)
    assert report.ok and report.articles_added == 150
    return db


# -- interruption --------------------------------------------------------------------------


@pytest.mark.slow
def test_killed_ingest_resumes_and_loses_nothing(corpus, reference, tmp_path) -> None:
    """SIGKILL an ingest at random points, re-run it with --resume, repeat; then finish.

    Kills land after the cycle's first batch write plus a random 0-1 s, so they hit
    reading, parsing, linking and writing alike. After every kill the database passes
    every integrity check and holds a subset of the corpus; the finished database holds
    each article once and the same mentions and events as an uninterrupted run.
    """
    root, expected = corpus
    db = tmp_path / "killed.duckdb"
    rng = random.Random(int(os.environ.get("DYAD_KILL_SEED", "20240304")))
    cycles = int(os.environ.get("DYAD_KILL_CYCLES", "3"))
    history: list[tuple[int, int]] = []  # (stored before, stored after) per killed run
    for _ in range(cycles):
        before = len(_stored(db))
        proc = _ingest(root, db, "-q")
        _wait_for_progress(proc, db, before)
        time.sleep(rng.uniform(0.0, 1.0))
        if proc.poll() is not None:  # it finished first: nothing left to interrupt
            _, err = proc.communicate()
            assert proc.returncode == 0, err
            break
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        stored = _stored(db)
        assert stored <= expected  # nothing foreign, nothing half-written
        report = check_database(db)
        assert report.ok, report.problems
        assert len(stored) >= before  # a kill never undoes committed batches
        history.append((before, len(stored)))
    assert any(0 < after < len(expected) for _, after in history), history

    with Store(db, read_only=True) as store:
        finished_files = store.scalar("SELECT count(*) FROM inputs")
    left = len(expected) - len(_stored(db))
    final = _ingest(root, db)
    _, err = final.communicate(timeout=300)
    assert final.returncode == 0, err
    summary = _summary(err)
    assert summary["files"] == finished_files  # finished files were not read again
    assert summary["added"] == left  # it continued where the killed runs stopped
    assert summary["errors"] == 0

    assert _stored(db) == expected  # every article exactly once (ids are primary keys)
    report = check_database(db)
    assert report.ok, report.problems
    assert report.counts["articles"] == len(expected)
    assert _links(db) == _links(reference)
    print(f"kill cycles: {len(history)}; stored after each: {[a for _, a in history]}")


# -- concurrent use ------------------------------------------------------------------------


@pytest.mark.slow
def test_readers_and_a_second_writer_while_an_ingest_writes(
    corpus, reference, pipeline, tmp_path
) -> None:
    """One process ingests; this process ingests the same corpus in a thread and reads
    through the API and the CLI meanwhile. Every read succeeds, both writers finish,
    and the database holds each article once with the reference's events."""
    db = tmp_path / "shared.duckdb"
    first = _ingest(corpus[0], db, "-q")
    try:
        _check_concurrent(first, corpus, reference, pipeline, db)
    finally:
        first.kill()
        first.communicate()


def _check_concurrent(first, corpus, reference, pipeline, db: Path) -> None:
    from dyad.api import ingest, stats
    from dyad.store.query import Database

    root, expected = corpus
    _wait_for_progress(first, db, 0)
    outcome: dict[str, object] = {}

    def second_writer() -> None:
        outcome["report"] = ingest([root], db=db, pipeline=pipeline, batch_size=8)

    writer = threading.Thread(target=second_writer)
    writer.start()
    seen: list[int] = []
    while writer.is_alive() or first.poll() is None:
        seen.append(stats(db)["articles"])
        with Database(db) as database:
            assert len(database.events(limit=3, output="records")) <= 3
        if len(seen) == 3:  # one CLI query in a process of its own, mid-ingest
            cli = subprocess.run(
                [sys.executable, "-m", "dyad", "stats", "--db", str(db), "--json"],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert cli.returncode == 0, cli.stderr
            seen.append(json.loads(cli.stdout)["articles"])
        time.sleep(0.2)
    writer.join()
    _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err

    assert seen == sorted(seen)  # readers saw whole batches arrive, never a loss
    assert any(0 < n < len(expected) for n in seen), seen  # they read mid-ingest
    report = outcome["report"]
    with Store(db, read_only=True) as store:
        assert store.counts()["articles"] == len(expected)
    assert _stored(db) == expected
    assert report.articles_added < len(expected)  # the other process stored some
    check = check_database(db)
    assert check.ok, check.problems
    assert _links(db) == _links(reference)


def test_in_one_process_a_reader_waits_for_the_writer(tmp_path) -> None:
    """A read-only connection cannot open beside a writing one of the same process
    (DuckDB refuses the other configuration); it waits like it would for a process."""
    db = tmp_path / "x.duckdb"
    writer = Store(db)
    threading.Timer(0.3, writer.close).start()
    with Store(db, read_only=True, lock_timeout=10) as reader:
        assert reader.counts()["articles"] == 0
    with Store(db, lock_timeout=10) as again, pytest.raises(StoreLockedError):
        Store(db, read_only=True, lock_timeout=0.1)
    assert again.read_only is False


def _hold(db: Path) -> subprocess.Popen[str]:
    """Another process holding the database open for writing until told to let go."""
    code = (
        "import duckdb, sys\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "print('held', flush=True)\n"
        "sys.stdin.readline()\n"
        "con.close()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_held_database_makes_others_wait_then_fail_clearly(tmp_path, monkeypatch) -> None:
    db = tmp_path / "x.duckdb"
    Store(db).close()
    holder = _hold(db)
    try:
        for read_only in (True, False):
            started = time.monotonic()
            with pytest.raises(
                StoreLockedError, match=r"in use by another process.* \(waited 0.4 s\)"
            ):
                Store(db, read_only=read_only, lock_timeout=0.4)
            assert time.monotonic() - started >= 0.4  # it waited before giving up
        monkeypatch.setenv("DYAD_LOCK_TIMEOUT", "0.2")
        cli = subprocess.run(
            [sys.executable, "-m", "dyad", "check", "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert cli.returncode == 1
        assert "[D301]" in cli.stderr and "DYAD_LOCK_TIMEOUT" in cli.stderr
        assert len(cli.stderr.strip().splitlines()) == 2  # the error and its hint
        monkeypatch.delenv("DYAD_LOCK_TIMEOUT")
        threading.Timer(0.5, holder.communicate, kwargs={"input": "go\n"}).start()
        with Store(db, lock_timeout=30) as store:  # waits for the holder, then writes
            assert store.counts()["articles"] == 0
        assert holder.wait(timeout=10) == 0
    finally:
        holder.kill()


@pytest.mark.parametrize("raw", ["ten", "-1", "nan"])
def test_bad_lock_timeout_is_a_config_error(monkeypatch, raw) -> None:
    monkeypatch.setenv("DYAD_LOCK_TIMEOUT", raw)
    with pytest.raises(ConfigError, match=r"DYAD_LOCK_TIMEOUT|lock timeout"):
        lock_timeout_setting()


def test_lock_timeout_setting_order(monkeypatch) -> None:
    monkeypatch.delenv("DYAD_LOCK_TIMEOUT", raising=False)
    assert lock_timeout_setting() == 10.0
    monkeypatch.setenv("DYAD_LOCK_TIMEOUT", "2.5")
    assert lock_timeout_setting() == 2.5
    assert lock_timeout_setting(0) == 0


# -- limits --------------------------------------------------------------------------------

STORY = "Kenya and Ethiopia held talks on water sharing in Nairobi on Monday, officials said.\n"


def test_max_bytes_from_argument_and_environment(tmp_path, monkeypatch) -> None:
    small, big = tmp_path / "small.txt", tmp_path / "big.txt"
    small.write_text(STORY)
    big.write_text(STORY * 4)
    monkeypatch.delenv("DYAD_MAX_ARTICLE_BYTES", raising=False)
    assert max_bytes_setting() == 10_000_000
    items = list(iter_articles([small, big], max_bytes=200))
    assert not isinstance(items[0], InputError)
    assert isinstance(items[1], InputError)
    assert str(items[1]).endswith(
        f"big.txt: file is {len(STORY) * 4:,} bytes, over the limit of 200"
    )
    monkeypatch.setenv("DYAD_MAX_ARTICLE_BYTES", "200")
    assert [type(i) for i in iter_articles([small, big])] == [type(items[0]), InputError]
    for raw in ("ten", "0", "-5"):
        monkeypatch.setenv("DYAD_MAX_ARTICLE_BYTES", raw)
        with pytest.raises(ConfigError, match=r"DYAD_MAX_ARTICLE_BYTES|maximum article size"):
            list(iter_articles([small]))


def test_stdin_is_bounded(monkeypatch) -> None:
    monkeypatch.delenv("DYAD_MAX_ARTICLE_BYTES", raising=False)
    (error,) = iter_articles(["-"], stdin=io.StringIO(STORY * 10), max_bytes=300)
    assert isinstance(error, InputError)
    assert "<stdin>: input is over the limit of 300 bytes" in str(error)
    long_line = json.dumps({"text": STORY * 10})
    lines = "\n" + "\n".join([json.dumps({"text": STORY}), long_line, json.dumps({"text": STORY})])
    items = list(iter_articles(["-"], stdin=io.StringIO(lines), max_bytes=300))
    assert [type(i).__name__ for i in items] == ["Article", "InputError", "Article"]
    assert items[0].path == "<stdin>#2" and items[2].path == "<stdin>#4"
    assert str(items[1]).startswith("[D100] <stdin>:3: line is")


@pytest.mark.slow
def test_article_longer_than_the_parser_takes_is_one_error(pipeline, monkeypatch) -> None:
    from dyad.records import Article, ArticleResult, article_id_for

    monkeypatch.setattr(pipeline.nlp, "max_length", 300)
    long_text, short_text = STORY * 5, STORY
    articles = [
        Article(article_id=article_id_for(t), text=t, path=p)
        for t, p in (
            (short_text, "a.txt"),
            (long_text, "long.txt"),
            (short_text + "Again.", "b.txt"),
        )
    ]
    results = list(pipeline.process(articles))
    assert [type(r) for r in results].count(ArticleResult) == 2
    (error,) = [r for r in results if isinstance(r, InputError)]
    assert error.path == "long.txt"
    assert f"article is {len(long_text):,} characters, over the parser's limit of 300" in str(error)


@pytest.mark.slow
def test_cli_limits_and_unsafe_text_in_messages(tmp_path, pipeline, monkeypatch) -> None:
    """--max-bytes gives one clear error line; input text that looks like console markup
    is printed as it is (it once crashed the report)."""
    from typer.testing import CliRunner

    from dyad.serve.cli import app

    monkeypatch.setattr("dyad.api.Pipeline", lambda settings=None: pipeline)
    (tmp_path / "big.txt").write_text(STORY * 4)
    odd = {"text": STORY, "published": "[/x] [bold]soon"}
    (tmp_path / "odd.jsonl").write_text(json.dumps(odd) + "\n")
    db = str(tmp_path / "x.duckdb")
    runner = CliRunner()
    result = runner.invoke(
        app, ["ingest", str(tmp_path), "--db", db, "--max-bytes", "200", "--batch-size", "1"]
    )
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    size = len(STORY) * 4
    assert any(
        line.endswith(f"big.txt: file is {size} bytes, over the limit of 200") for line in lines
    )
    assert any("unparseable 'published' value '[/x] [bold]soon'" in line for line in lines)
    assert lines[-1].startswith("1 articles read, 1 added")
    bad = runner.invoke(app, ["ingest", str(tmp_path), "--db", db, "--max-bytes", "0"])
    assert bad.exit_code == 2
