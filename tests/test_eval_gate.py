"""The evaluation gate: the pipeline's scores on the gold suites stay above their floors.

Floors live in eval/floors.json and only go up (docs/evaluation.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dyad.api import evaluate_articles, ingest
from dyad.evaluate import check_floors, load_gold, score
from dyad.store.query import Database

pytestmark = pytest.mark.slow

FLOORS = Path(__file__).resolve().parents[1] / "eval" / "floors.json"
SAMPLE_GOLD = Path(__file__).parent / "data" / "sample_gold.jsonl"


def test_seed_scores_stay_above_their_floors(shared_dir, pipeline, tmp_path):
    db = tmp_path / "seeds.duckdb"
    ingest([shared_dir / "seeds"], db=db, pipeline=pipeline)
    report, _ = evaluate_articles(shared_dir / "gold" / "seed_events.jsonl", db=db)
    assert check_floors(report, FLOORS, suite="seeds") == []


def test_sample_corpus_scores_stay_above_their_floors(sample_dir, pipeline, tmp_path):
    db = tmp_path / "sample.duckdb"
    ingest([sample_dir], db=db, pipeline=pipeline)
    with Database(db) as database:
        predictions = database.mentions()
    report = score(load_gold(SAMPLE_GOLD), predictions)
    assert check_floors(report, FLOORS, suite="sample") == []
