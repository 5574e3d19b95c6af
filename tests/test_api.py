"""The Python API end to end: ingest is idempotent, resumable, and loses no good input."""

from __future__ import annotations

import gc
import json
import shutil
from datetime import date

import pytest

import dyad
from dyad.api import extract, ingest, stats

pytestmark = pytest.mark.slow


def _gold_articles(shared_dir):
    lines = (shared_dir / "gold" / "seed_articles.jsonl").read_text().splitlines()
    return {json.loads(line)["article"]: json.loads(line) for line in lines}


def test_seeds_are_stored_once_with_their_publication_dates(tmp_path, shared_dir, pipeline):
    db = tmp_path / "seeds.duckdb"
    first = ingest([shared_dir / "seeds"], db=db, pipeline=pipeline)
    assert (first.articles_read, first.articles_added, first.errors) == (5, 5, [])
    again = ingest([shared_dir / "seeds"], db=db, pipeline=pipeline)
    assert (again.articles_added, again.articles_skipped, again.mentions_added) == (0, 5, 0)

    gold = _gold_articles(shared_dir)
    with dyad.open(db) as database:
        rows = database.articles(output="records")
        assert len(rows) == 5
        for row in rows:
            name = row["path"].rsplit("/", 1)[-1]
            assert row["published"].isoformat() == gold[name]["published"], name
        texts = [database.article(r["article_id"])["text"] for r in rows]
    boilerplate = ("Also Read", "LEAVE A REPLY", "Please enter your", "Popular Articles")
    for text in texts:
        for line in boilerplate:
            assert line not in text
    assert stats(db)["articles"] == 5


def test_the_loaded_pipeline_is_out_of_the_collectors_scans_while_ingest_runs(
    tmp_path, sample_dir, pipeline
):
    frozen: list[int] = []

    class Watched:
        def process(self, articles):
            frozen.append(gc.get_freeze_count())
            return pipeline.process(articles)

    story = sample_dir / "txt" / "001_kenya_ethiopia_talks_announced.txt"
    report = ingest([story], db=tmp_path / "x.duckdb", pipeline=Watched())
    assert report.articles_added == 1
    assert frozen and frozen[0] > 100_000  # the model, codebooks and gazetteer
    assert gc.get_freeze_count() == 0  # given back: nothing is kept from the collector


def test_each_article_is_shingled_once_for_the_copy_shortcut_and_the_store(
    tmp_path, sample_dir, pipeline, monkeypatch
):
    from dyad.stages import link

    shingled: list[str] = []
    shingles = link._shingles

    def counted(text: str, size: int) -> set[bytes]:
        shingled.append(text)
        return shingles(text, size)

    monkeypatch.setattr(link, "_shingles", counted)
    stories = []
    for story in sorted((sample_dir / "txt").glob("00*.txt")):
        stories.append(tmp_path / story.name)  # texts no other test has shingled
        stories[-1].write_text(f"{story.read_text()}\nFiled under {tmp_path.name}.\n")
    report = ingest(stories, db=tmp_path / "x.duckdb", pipeline=pipeline)
    assert report.articles_read == len(stories) > 1
    # an earlier test may have shingled a text already (the signatures are kept)
    assert len(stories) - 1 <= len(shingled) == len(set(shingled))


def test_bad_inputs_are_reported_and_good_ones_still_go_in(tmp_path, sample_dir, pipeline):
    corpus = tmp_path / "in"
    corpus.mkdir()
    shutil.copy(sample_dir / "txt" / "001_kenya_ethiopia_talks_announced.txt", corpus)
    (corpus / "empty.txt").write_text("")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 50)
    (corpus / "broken.jsonl").write_text(
        '{"text": "Kenya and Ethiopia signed a trade pact in Nairobi on Monday.", '
        '"published": "2024-03-05"}\n{not json\n'
    )
    db = tmp_path / "x.duckdb"
    report = ingest([corpus], db=db, pipeline=pipeline)
    assert report.articles_added == 2
    failed = sorted(str(e) for e in report.errors)
    assert len(failed) == 3
    assert any("broken.jsonl:2" in e for e in failed)
    assert any("empty.txt" in e for e in failed)
    assert any("binary.txt" in e for e in failed)
    assert all("\n" not in e for e in failed)
    assert stats(db)["articles"] == 2


def test_resume_skips_finished_files(tmp_path, sample_dir, pipeline):
    db = tmp_path / "x.duckdb"
    files = sorted((sample_dir / "txt").glob("00*.txt"))[:3]
    ingest(files[:2], db=db, pipeline=pipeline, batch_size=1)
    resumed = ingest(files, db=db, pipeline=pipeline, resume=True, batch_size=1)
    assert resumed.inputs_skipped == 2  # finished files are not even read again
    assert resumed.articles_read == 1
    assert resumed.articles_added == 1
    assert resumed.articles_skipped == 0


def test_extract_yields_export_records_without_a_database(pipeline):
    records = list(
        extract(
            text="Kenya and Ethiopia signed a border security agreement in Nairobi on Monday.",
            published=date(2024, 3, 6),
            pipeline=pipeline,
        )
    )
    assert records, "a plain agreement sentence must give an event"
    record = records[0]
    assert record["plover"] == "AGREE"
    assert {record["source"].split()[0], record["target"].split()[0]} == {"KEN", "ETH"}
    assert record["date"] == "2024-03-04"
    assert record["article_path"] == "<text>"


def test_extract_from_text_cleans_it_like_a_file(pipeline, tmp_path):
    """The clean stage runs on every entry: a teaser line typed with the text is no event,
    and the offsets are those of the text a file of the same words gives."""
    body = "Kenya and Ethiopia signed a border security agreement in Nairobi on Monday."
    text = f"Also Read | Chile and Peru sign a fishing accord\n\n{body}\n"
    typed = list(extract(text=text, published=date(2024, 3, 6), pipeline=pipeline))
    path = tmp_path / "story.txt"
    path.write_text(text, encoding="utf-8")
    read = list(extract([path], published=date(2024, 3, 6), pipeline=pipeline))
    assert [(r["plover"], r["sentence"], r["start_char"]) for r in typed] == [("AGREE", body, 0)]
    assert [(r["article_id"], r["start_char"]) for r in typed] == [
        (r["article_id"], r["start_char"]) for r in read
    ]
