"""Syndicated copies are built from their originals: same database, fewer parses."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from dyad.api import ingest
from dyad.copies import CopyShortcut, plan_copy
from dyad.errors import InputError
from dyad.records import Article, article_id_for
from dyad.store.query import Database

STORY = """ISLAMABAD, March 3 - Pakistani Foreign Minister Omar Siddiqui met his Afghan \
counterpart in Islamabad on Monday to discuss border trade.

The two ministers agreed to reopen the Torkham crossing next week, officials said.

Afghanistan accused Pakistan of shelling villages in Kunar province on Sunday.

Pakistan rejected the accusation and said its troops had only returned fire."""

CLOSING = "This story was first published in the evening edition."
# read alone it names no party; after the story, its villages are Afghan
REACTION = "On Tuesday, India condemned the shelling of the villages."


def _record(text: str, outlet: str, title: str, day: str = "2025-03-03") -> dict[str, str]:
    return {"title": title, "source": outlet, "published": day, "text": text}


def _write(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _copies() -> list[dict[str, str]]:
    return [
        _record(STORY, "Frontier Post", "Ministers meet on trade"),
        _record("By Sana Mir\n\n" + STORY, "Valley Wire", "Border trade talks"),
        _record(STORY + "\n\n" + CLOSING, "Evening Ledger", "Ministers meet"),
        _record(STORY + "\n\n" + REACTION, "Delhi Daily", "India reacts"),
    ]


def _database(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with Database(db) as database:
        # everything but the file an article was read from
        mentions = sorted(
            tuple(str(r[k]) for k in sorted(r) if k != "article_path") for r in database.mentions()
        )
        events = sorted(
            tuple(str(v) for v in e.values()) for e in database.events(output="records")
        )
    return mentions, events


class Counting:
    """A processor that counts what it is given to parse."""

    def __init__(self, pipeline):
        self.pipeline = pipeline
        self.texts: list[str] = []

    def process(self, articles):
        def seen():
            for a in articles:
                self.texts.append(a.text)
                yield a

        return self.pipeline.process(seen())


@pytest.mark.slow
def test_copies_give_the_database_a_parse_gives_and_parse_only_what_differs(
    pipeline, tmp_path: Path
) -> None:
    corpus = _write(tmp_path / "feed.jsonl", _copies())
    counting = Counting(pipeline)
    report = ingest([corpus], db=tmp_path / "short.duckdb", pipeline=counting)
    assert report.articles_copied == 1
    ingest([corpus], db=tmp_path / "full.duckdb", pipeline=pipeline, reuse_copies=False)
    short, full = _database(tmp_path / "short.duckdb"), _database(tmp_path / "full.duckdb")
    assert short == full
    assert len(short[0]) >= 8  # mentions
    # the story once; the byline copy cleans to the same text (one article); of the
    # third only its closing line is parsed; the fourth's own line names a party, so it
    # is parsed whole, after its line alone showed that
    body = STORY.split(" - ", 1)[1]  # cleaning lifts the dateline
    assert counting.texts == [body, CLOSING, REACTION, body + "\n\n" + REACTION]
    with Database(tmp_path / "short.duckdb") as database:
        rows = database.mentions()
        assert len({r["article_id"] for r in rows}) == 3
        india = [r for r in rows if r["source"] and r["source"].startswith("IND")]
        assert india and india[0]["sentence"] == REACTION
        meeting = [e for e in database.events(output="records") if e["plover"] == "CONSULT"]
        assert [(e["num_mentions"], e["num_sources"]) for e in meeting] == [(3, 3)]


@pytest.mark.slow
def test_a_copy_before_its_original_or_in_a_later_run_gives_the_same_database(
    pipeline, tmp_path: Path
) -> None:
    first, _, copy, reacted = _copies()
    reference = tmp_path / "reference.duckdb"
    ingest([_write(tmp_path / "a.jsonl", [first, copy, reacted])], db=reference, pipeline=pipeline)
    backwards = tmp_path / "backwards.duckdb"
    ingest([_write(tmp_path / "b.jsonl", [reacted, copy, first])], db=backwards, pipeline=pipeline)
    later = tmp_path / "later.duckdb"
    counting = Counting(pipeline)
    ingest([_write(tmp_path / "c.jsonl", [first])], db=later, pipeline=pipeline)
    ingest([_write(tmp_path / "d.jsonl", [copy, reacted])], db=later, pipeline=counting)
    body = STORY.split(" - ", 1)[1]
    assert counting.texts == [CLOSING, REACTION, body + "\n\n" + REACTION]  # stored story used
    assert _database(backwards) == _database(reference) == _database(later)


@pytest.mark.slow
def test_a_copy_whose_original_failed_is_parsed_whole(pipeline) -> None:
    class FailsFirst:
        def __init__(self) -> None:
            self.calls = 0

        def process(self, articles):
            for result in pipeline.process(articles):
                self.calls += 1
                if self.calls == 1:
                    yield InputError("first", "broken")
                else:
                    yield result

    original = Article(article_id_for(STORY), STORY, published=date(2025, 3, 3))
    text = STORY + "\n\n" + CLOSING
    copy = Article(article_id_for(text), text, published=date(2025, 3, 3))
    shortcut = CopyShortcut(FailsFirst())
    results = list(shortcut.process([original, copy]))
    assert isinstance(results[0], InputError)
    assert results[1].article.article_id == copy.article_id
    assert len(results[1].events) == len(pipeline.process_one(copy).events)
    assert shortcut.copies == 0


def _article(text: str, day: date = date(2025, 3, 3), dateline: str | None = None) -> Article:
    return Article(article_id_for(text), text, published=day, dateline=dateline)


def test_a_plan_keeps_shared_paragraphs_and_parses_the_rest() -> None:
    original = _article("One.\n\nTwo two.\n\nThree.")
    plan = plan_copy(original, _article("Zero.\n\nOne.\n\nTwo two.\n\nThree.\n\nFour."))
    assert plan is not None and plan.part is not None
    assert plan.part.text == "Zero.\n\nFour."
    assert plan.kept.delta(6, 14) == 7  # "Two two." moved by the new first paragraph
    assert plan.part_moves.delta(7, 12) == 31 - 7  # "Four." ends the copy
    same = plan_copy(original, _article("One.\n\n  Two two.\n\nThree.\n"))
    assert same is not None and same.part is None


def test_no_plan_where_dates_or_places_would_resolve_differently() -> None:
    original = _article("One.\n\nTwo two.\n\nThree.")
    assert plan_copy(original, _article(original.text, day=date(2025, 3, 4))) is None
    assert plan_copy(original, _article(original.text, dateline="KABUL")) is None
    rewritten = _article("Another one.\n\nAnother two.\n\nAnother three.\n\nThree.")
    assert plan_copy(original, rewritten) is None  # most of it is its own
