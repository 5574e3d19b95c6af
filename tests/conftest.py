"""Shared fixtures: the spaCy model is loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLE = Path(__file__).resolve().parents[1] / "src" / "dyad" / "data" / "sample"


@pytest.fixture(scope="session")
def nlp():
    from dyad.stages.nlp import load_model

    return load_model()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} not found: the seed articles and gold live beside the repo")
    return SHARED


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def pipeline(nlp):
    """The whole per-article pipeline, sharing the session's spaCy model."""
    from dyad.pipeline import Pipeline

    return Pipeline(nlp=nlp)
