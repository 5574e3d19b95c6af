"""dyad: news articles in, a traceable political event dataset out.

The public API is imported lazily, so ``import dyad.records`` (on a Dask worker, say)
does not load spaCy, DuckDB and every stage.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "ingest": "dyad.api",
    "extract": "dyad.api",
    "stats": "dyad.api",
    "relink": "dyad.api",
    "list_articles": "dyad.api",
    "sample_corpus": "dyad.api",
    "open": "dyad.store.query",
    "Database": "dyad.store.query",
    "Filters": "dyad.store.query",
    "Pipeline": "dyad.pipeline",
    "PipelineSettings": "dyad.pipeline",
    "DyadError": "dyad.errors",
    "InputError": "dyad.errors",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'dyad' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
