"""Calendar dates written out in full, as pages and feeds give a publication date.

Read (a feed's or a JSON line's ``published`` value) and clean (a "Published: ..." line)
take a publication date the same way, so both use this one parser.
"""

from __future__ import annotations

import re
from datetime import date

import dateparser

__all__ = ["parse_date"]

_DATE_SETTINGS = {
    "PREFER_DAY_OF_MONTH": "first",
    "REQUIRE_PARTS": ["day", "month", "year"],
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PREFER_DATES_FROM": "past",
}


def parse_date(value: str) -> date | None:
    """A full calendar date (day, month and year all written) in ``value``, else None."""
    value = value.strip()
    # "6 hours ago" fills every part from the clock of whoever reads it: no written date
    if not value or not re.search(r"\b\d{4}\b", value) or len(value) > 80:
        return None
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value):
        try:
            return date(*map(int, value.split("-")))
        except ValueError:
            return None
    parsed = dateparser.parse(value, languages=["en"], settings=_DATE_SETTINGS)
    return parsed.date() if parsed else None
