"""The time stage: the date an event happens, not the date the article was published.

Every event mention gets ``date`` / ``date_end`` (ISO ``YYYY-MM-DD``, the interval's first
and last day; ``date_end`` is None for a single day), ``date_precision`` (day, week, month,
year) and ``date_text`` (the words that gave it), resolved against ``Article.published``.

Common forms are found by compiled patterns (fast, and guarded against false dates such
as "may be held", "80 people", "the March on Washington"); dateparser resolves what they
do not cover (numeric dates, free text passed to :func:`resolve_expression`).
:func:`carry_dates` then dates, across one article, what the sentence left undated: from
an earlier mention of the same event, or from the story's day. The rules are described,
with examples, in docs/dates.md.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Literal

from dateparser.date import DateDataParser
from spacy.tokens import Doc, Token

from dyad.records import ActorMention, Article, EventMention, Sentence, status_phase

__all__ = [
    "DateSpan",
    "Direction",
    "carry_dates",
    "direction_for",
    "find_date_expressions",
    "resolve_dates",
    "resolve_expression",
]

Direction = Literal["past", "future", "present"]

VAGUE_DAYS = 30  # "soon": this many days after publication
RECENT_DAYS = 14  # "recently", "a recent ...": this many days before publication
CARRY_SENTENCES = 3  # how far back a story's last date carries (see carry_dates)
FORWARD_SENTENCES = 2  # how far ahead "The convoy came under attack on Thursday" reaches
LEDE_SENTENCES = 2  # a story's opening sentences, which its later paragraphs retell


@dataclass(frozen=True, slots=True)
class DateSpan:
    """A resolved calendar interval (inclusive) and the words that gave it."""

    start: date
    end: date
    precision: str
    text: str


# --------------------------------------------------------------------------- patterns

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "a couple of": 2,
}  # fmt: skip
# Seasons of the northern hemisphere (meteorological): first month and length.
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}

# Month and weekday names must be capitalised: "may" and "march" are also verbs.
MON = (
    r"(?-i:(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
)
WD = r"(?-i:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?!\d)(?:st|nd|rd|th)?\b"
YEAR = r"(?<![\d$£€.,])(?:1[89]\d\d|20\d\d)(?![\d%])"
NUM = (
    r"(?:\d{1,2}|a\s+couple\s+of|an?|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve)"
)
PREFIX = r"(?:(?P<from>from\s+)|(?P<btw>between\s+))?"
SEP = r"\s*(?:-|–|—|\s(?:to|through|thru|till|until|(?(btw)and|(?!)))\s)\s*"
QUAL = r"(?:early|earlier|mid|late|later|the\s+(?:beginning|start|middle|end)\s+of)"
# Words after a year that show it is not modifying a noun ("in 2022 and 2023", "2022 was").
_FUNCTION_WORDS = (
    r"(?:and|or|but|nor|to|in|on|at|for|of|with|by|from|as|than|was|were|is|are|has|had|have|"
    r"when|where|which|that|who|while|after|before|until|since|through|onwards?|alone|itself)"
)
CUE = r"(?:in|since|until|till|by|during|through|throughout|from|before|after|this|next|last)"


@dataclass(frozen=True, slots=True)
class _Found:
    """A date expression found in a sentence. ``attached`` = the noun phrase it modifies
    (for "recent talks", "next month's conference", "the 2022 floods"): such an
    expression dates only an event whose trigger lies in that phrase."""

    start: int
    end: int
    text: str
    rule: str
    attached: tuple[int, int] | None = None


_Resolver = Callable[["re.Match[str]", date | None, Direction], tuple[date, date, str] | None]
_RULES: list[tuple[str, re.Pattern[str], _Resolver]] = []


def _rule(name: str, pattern: str) -> Callable[[_Resolver], _Resolver]:
    def register(fn: _Resolver) -> _Resolver:
        _RULES.append((name, re.compile(r"(?<![\w$£€])" + pattern, re.I | re.X), fn))
        return fn

    return register


# ------------------------------------------------------------------ calendar helpers


def _month_no(name: str) -> int:
    return _MONTHS[name.lower()[:3]]


def _weekday_no(name: str) -> int:
    return _WEEKDAYS.index(name.lower())


def _day_no(text: str) -> int:
    return int(re.match(r"\d+", text).group())  # type: ignore[union-attr]


def _year_no(text: str, century_of: int | None = None) -> int:
    value = int(text)
    if value < 100 and century_of is not None:
        value += century_of // 100 * 100
    return value


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_span(year: int, month: int) -> tuple[date, date, str]:
    return date(year, month, 1), _month_end(year, month), "month"


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + n
    return index // 12, index % 12 + 1


def _week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _precision_for(start: date, end: date) -> str:
    """Precision of a vague interval, from its length."""
    days = (end - start).days + 1
    if days <= 1:
        return "day"
    if days <= 10:
        return "week"
    if days <= 62:
        return "month"
    return "year"


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _pick_year(
    month: int,
    day: int | None,
    published: date,
    direction: Direction,
    weekday: int | None = None,
) -> int:
    """Year for a year-less date: the nearest occurrence in the direction of the event
    (on or before publication for the past, on or after for the future, nearest for the
    present). A weekday in the text ("February 13 (Monday)") must agree when it can."""

    def first_last(year: int) -> tuple[date, date] | None:
        if day is None:
            return date(year, month, 1), _month_end(year, month)
        d = _safe_date(year, month, day)
        return (d, d) if d else None

    # Four years each way, so that "February 29" finds a leap year.
    spans = {y: s for y in range(published.year - 4, published.year + 5) if (s := first_last(y))}
    if weekday is not None and day is not None:
        near = (published.year - 1, published.year, published.year + 1)
        agreeing = [y for y in near if y in spans and spans[y][0].weekday() == weekday]
        if agreeing:
            spans = {y: spans[y] for y in agreeing}
    if direction == "past":
        # "May 9" in a story of May 6 is the coming one, about something else, not a
        # year ago: the caller then finds it does not fit a past event
        soon = [y for y, (s, _e) in spans.items() if day and 0 < (s - published).days <= VAGUE_DAYS]
        if soon:
            return min(soon)
        ok = [y for y, (s, _e) in spans.items() if s <= published]
        if ok:
            return max(ok)
    elif direction == "future":
        ok = [y for y, (_s, e) in spans.items() if e >= published]
        if ok:
            return min(ok)

    def distance(y: int) -> int:
        s, e = spans[y]
        return (
            0 if s <= published <= e else min(abs((s - published).days), abs((e - published).days))
        )

    return min(spans, key=distance)


def _weekday_date(weekday: int, published: date, direction: Direction, mod: str) -> date:
    """The weekday meant: "last"/past → the one before publication, "next"/future → the
    one after, "this"/present → the one in the publication week. The publication's own
    weekday is the publication day (news writes "on Friday" in a Friday story)."""
    mod = re.sub(r"\s+", " ", mod.lower()).strip()
    if weekday == published.weekday() and mod in ("", "on"):
        return published
    if mod in ("last", "past", "previous", "this past"):
        direction = "past"
    elif mod in ("next", "coming", "this coming", "on the coming"):
        direction = "future"
    elif mod == "this":
        direction = "present"
    if direction == "past":
        back = (published.weekday() - weekday) % 7 or 7
        return published - timedelta(days=back)
    if direction == "future":
        ahead = (weekday - published.weekday()) % 7 or 7
        return published + timedelta(days=ahead)
    return _week_of(published)[0] + timedelta(days=weekday)


def _qualify(start: date, end: date, qual: str | None, published: date | None) -> tuple[date, date]:
    """Narrow a calendar interval by "early", "mid", "late", "earlier", "later", "the end of"."""
    if not qual:
        return start, end
    q = qual.lower().split()[-2] if qual.lower().startswith("the") else qual.lower()
    days = (end - start).days + 1
    if q == "earlier" and published and start <= published <= end:
        return start, max(start, published - timedelta(days=1))
    if q == "later" and published and start <= published <= end:
        return min(end, published + timedelta(days=1)), end
    if end.month == 12 and start.month == 1 and days >= 365:  # a year: thirds are months
        thirds = [(1, 4), (5, 8), (9, 12)]
        pick = {"early": 0, "earlier": 0, "beginning": 0, "start": 0, "mid": 1, "middle": 1}
        first, last = thirds[pick.get(q, 2)]
        return date(start.year, first, 1), _month_end(start.year, last)
    third = max(1, days // 3)
    if q in ("early", "earlier", "beginning", "start"):
        return start, start + timedelta(days=third - 1)
    if q in ("mid", "middle"):
        return start + timedelta(days=third), start + timedelta(days=2 * third - 1)
    return end - timedelta(days=days - 2 * third - 1), end


# ------------------------------------------------------------------------ the rules


def _g(m: re.Match[str], name: str) -> str | None:
    return m.groupdict().get(name)


@_rule("range_month_days", PREFIX + rf"(?P<m1>{MON})\s*(?P<d1>{DAY})(?:\s*\((?P<w1>{WD})\))?"
       rf"(?:,?\s+(?P<y1>{YEAR}))?{SEP}(?:(?P<m2>{MON})\s*)?(?P<d2>{DAY})"
       rf"(?:\s*\((?P<w2>{WD})\))?(?:,?\s+(?P<y>{YEAR}))?")  # fmt: skip
def _range_month_days(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    return _range_of_days(m, pub, direction)


@_rule("range_days_month", PREFIX + rf"(?:the\s+)?(?P<d1>{DAY})(?:\s+(?:of\s+)?(?P<m1>{MON}))?"
       rf"(?:\s+(?P<y1>{YEAR}))?{SEP}(?:the\s+)?(?P<d2>{DAY})\s+(?:of\s+)?(?P<m2>{MON})"
       rf"(?:,?\s+(?P<y>{YEAR}))?")  # fmt: skip
def _range_days_month(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    return _range_of_days(m, pub, direction)


def _range_of_days(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    m1 = _month_no(_g(m, "m1") or _g(m, "m2") or "")
    m2 = _month_no(_g(m, "m2") or _g(m, "m1") or "")
    d1, d2 = _day_no(m["d1"]), _day_no(m["d2"])
    year_text = _g(m, "y1") or _g(m, "y")
    w1 = _weekday_no(w) if (w := _g(m, "w1")) else None
    if year_text:
        y1 = int(year_text)
    elif pub is None:
        return None
    else:
        y1 = _pick_year(m1, d1, pub, direction, w1)
    y2 = int(_g(m, "y") or y1)
    if (m2, d2) < (m1, d1) and not _g(m, "y"):
        y2 = y1 + 1
    start, end = _safe_date(y1, m1, d1), _safe_date(y2, m2, d2)
    if start is None or end is None or end < start or (end - start).days > 366:
        return None
    return start, end, "day"


@_rule("range_weekdays", rf"(?:(?P<from>from\s+)|(?P<btw>(?:between|on)\s+))?(?P<w1>{WD}){SEP}"
       rf"(?P<w2>{WD})")  # fmt: skip
def _range_weekdays(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    if pub is None:
        return None
    start = _weekday_date(_weekday_no(m["w1"]), pub, direction, "")
    if (
        direction == "past"
        and start + timedelta(days=(_weekday_no(m["w2"]) - start.weekday()) % 7) > pub
    ):
        start -= timedelta(days=7)  # a past range must have ended by publication
    end = start + timedelta(days=(_weekday_no(m["w2"]) - start.weekday()) % 7)
    return start, end, "day"


@_rule("range_months", rf"(?:(?P<from>from\s+)|(?P<btw>between\s+))(?P<m1>{MON}){SEP}(?P<m2>{MON})"
       rf"(?:,?\s+(?P<y>{YEAR}))?")  # fmt: skip
def _range_months(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    m1, m2 = _month_no(m["m1"]), _month_no(m["m2"])
    if m["y"]:
        y2 = int(m["y"])
        y1 = y2 if m1 <= m2 else y2 - 1
    elif pub is None:
        return None
    else:
        y1 = _pick_year(m1, None, pub, direction)
        y2 = y1 if m1 <= m2 else y1 + 1
    return date(y1, m1, 1), _month_end(y2, m2), "month"


@_rule("range_years", PREFIX + rf"(?P<y1>{YEAR}){SEP}(?P<y2>{YEAR}|\d\d(?!\d))")
def _range_years(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    y1 = int(m["y1"])
    y2 = _year_no(m["y2"], y1)
    if not y1 < y2 <= y1 + 50:
        return None
    return date(y1, 1, 1), date(y2, 12, 31), "year"


@_rule("decade", r"(?:the\s+)?(?:(?P<q>early|mid|late)[\s-]+)?(?P<y>(?:1[89]|20)\d0)['’]?s\b")
def _decade(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    start, end = date(int(m["y"]), 1, 1), date(int(m["y"]) + 9, 12, 31)
    if m["q"]:
        q = m["q"].lower()
        first = {"early": 0, "mid": 3}.get(q, 7)
        start, end = date(start.year + first, 1, 1), date(start.year + first + 2, 12, 31)
    return start, end, "year"


@_rule("iso", rf"(?P<y>{YEAR})-(?P<mo>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?!\d)")
def _iso(m: re.Match[str], pub: date | None, direction: Direction) -> tuple[date, date, str] | None:
    d = _safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return (d, d, "day") if d else None


@_rule("numeric", r"\d{1,4}[/.]\d{1,2}[/.]\d{2,4}(?![\d/]|\.\d)")
def _numeric(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    found = _dateparser(m.group(), pub, direction)
    return (found.start, found.end, found.precision) if found else None


@_rule("day_month_first", rf"(?:(?P<w>{WD}),?\s+)?(?P<m>{MON})\s*(?P<d>{DAY})"
       rf"(?:\s*\((?P<w2>{WD})\))?"
       rf"(?:,?\s+(?P<y>{YEAR}))?")  # fmt: skip
def _day_month_first(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    return _single_day(m, pub, direction)


@_rule("day_first", rf"(?:(?P<w>{WD}),?\s+)?(?:the\s+)?(?P<d>{DAY})\s+(?:of\s+)?(?P<m>{MON})"
       rf"(?:,?\s+(?P<y>{YEAR}))?")  # fmt: skip
def _day_first(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    return _single_day(m, pub, direction)


def _single_day(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    month, day = _month_no(m["m"]), _day_no(m["d"])
    weekday = _g(m, "w") or _g(m, "w2")
    if m["y"]:
        year = int(m["y"])
    elif pub is None:
        return None
    else:
        year = _pick_year(month, day, pub, direction, _weekday_no(weekday) if weekday else None)
    d = _safe_date(year, month, day)
    return (d, d, "day") if d else None


@_rule("week_of_month", rf"the\s+(?P<ord>first|second|third|fourth|last|final)\s+week\s+of\s+"
       rf"(?:(?P<m>{MON})|(?P<rel>this|next|last)\s+month)(?:,?\s+(?P<y>{YEAR}))?")  # fmt: skip
def _week_of_month(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    if m["m"]:
        month = _month_no(m["m"])
        if m["y"]:
            year = int(m["y"])
        elif pub is None:
            return None
        else:
            year = _pick_year(month, None, pub, direction)
    elif pub is None:
        return None
    else:
        year, month = _add_months(
            pub.year, pub.month, {"this": 0, "next": 1, "last": -1}[m["rel"].lower()]
        )
    first, last = date(year, month, 1), _month_end(year, month)
    order = m["ord"].lower()
    if order in ("last", "final"):
        # From the Monday of the last full Monday-Sunday week to the month's last day.
        anchor = last - timedelta(days=6)
        return anchor - timedelta(days=anchor.weekday()), last, "week"
    start = first + timedelta(days=7 * ("first", "second", "third", "fourth").index(order))
    return start, start + timedelta(days=6), "week"


@_rule("month_year", rf"(?:(?P<q>{QUAL})[\s-]+)?(?P<m>{MON}),?\s+(?:of\s+)?(?P<y>{YEAR})")
def _month_year(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    start, end, _p = _month_span(int(m["y"]), _month_no(m["m"]))
    start, end = _qualify(start, end, m["q"], pub)
    return start, end, "week" if m["q"] else "month"


@_rule(
    "month",
    rf"(?:(?P<cue>{CUE})\s+(?:(?P<q>{QUAL})[\s-]+)?|(?P<q2>{QUAL})[\s-]+)(?P<m>{MON})(?!\s*\d)",
)
def _month(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    cue = (m["cue"] or "").lower()
    qual = m["q"] or m["q2"]
    if pub is None:
        return None
    month = _month_no(m["m"])
    if cue == "this":
        year = pub.year
    elif cue == "next":
        year = pub.year if month > pub.month else pub.year + 1
    elif cue == "last":
        year = pub.year if month < pub.month else pub.year - 1
    else:
        year = _pick_year(month, None, pub, direction)
    start, end, _p = _month_span(year, month)
    start, end = _qualify(start, end, qual, pub)
    return start, end, "week" if qual else "month"


@_rule("year", rf"(?:(?:(?P<cue>in|since|until|till|by|during|throughout|from|before|after)\s+)"
       rf"(?:(?P<q>{QUAL})[\s-]+)?|(?P<q2>{QUAL})[\s-]+)(?P<y>{YEAR})")  # fmt: skip
def _year(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    year = int(m["y"])
    qual = m["q"] or m["q2"]
    start, end = _qualify(date(year, 1, 1), date(year, 12, 31), qual, pub)
    return start, end, "year" if not qual else "month"


@_rule("year_modifier", rf"(?P<y>{YEAR})(?=[\s-]+(?!{_FUNCTION_WORDS}\b)[a-z])")
def _year_modifier(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    year = int(m["y"])
    return date(year, 1, 1), date(year, 12, 31), "year"


@_rule("day_word", r"(?:(?P<two>the\s+day\s+(?:before\s+yesterday|after\s+tomorrow))|"
       r"(?:(?:earlier|later)\s+)?(?P<w>today|tonight|yesterday|tomorrow)"
       r"(?:\s+(?:morning|afternoon|evening|night))?|(?P<this>this|last)\s+"
       r"(?P<part>morning|afternoon|evening|night))\b")  # fmt: skip
def _day_word(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    if pub is None:
        return None
    if m["two"]:
        shift = -2 if "before" in m["two"].lower() else 2
    elif m["w"]:
        shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[m["w"].lower()]
    else:
        shift = -1 if m["this"].lower() == "last" and m["part"].lower() == "night" else 0
    d = pub + timedelta(days=shift)
    return d, d, "day"


@_rule("weekday", rf"(?:(?P<mod>on|this\s+past|this\s+coming|on\s+the\s+coming|this|last|"
       rf"next|coming|"
       rf"past|previous)\s+)?(?P<w>{WD})(?:\s+(?:morning|afternoon|evening|night))?")  # fmt: skip
def _weekday(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    if pub is None:
        return None
    d = _weekday_date(_weekday_no(m["w"]), pub, direction, m["mod"] or "")
    return d, d, "day"


@_rule("unit", rf"(?:(?P<q>{QUAL})\s+(?:(?:in|during)\s+)?)?"
       rf"(?P<mod>this|last|next|past|previous|coming|current|"
       r"the\s+coming|"
       r"the\s+past|the\s+previous|the\s+next|the\s+current|"
       r"(?(q)the|(?!)))\s+"
       r"(?P<u>week|weekend|month|year)\b")  # fmt: skip
def _unit(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    if pub is None:
        return None
    mod = re.sub(r"^the\s+", "", m["mod"].lower())
    unit = m["u"].lower()
    if mod == "past" and not m["q"]:  # a trailing window: "the past week" = the last 7 days
        length = {"week": 7, "weekend": 7, "month": 30, "year": 365}[unit]
        return (
            pub - timedelta(days=length),
            pub,
            {"week": "week", "weekend": "week"}.get(unit, unit),
        )
    shift = {"last": -1, "previous": -1, "past": -1, "next": 1, "coming": 1}.get(mod, 0)
    if unit in ("week", "weekend"):
        monday = _week_of(pub)[0] + timedelta(days=7 * shift)
        start, end = monday, monday + timedelta(days=6)
        if unit == "weekend":
            start = monday + timedelta(days=5)
    elif unit == "month":
        y, mo = _add_months(pub.year, pub.month, shift)
        start, end = date(y, mo, 1), _month_end(y, mo)
    else:
        start, end = date(pub.year + shift, 1, 1), date(pub.year + shift, 12, 31)
    if m["q"]:
        start, end = _qualify(start, end, m["q"], pub)
        return start, end, {"year": "month", "month": "week"}.get(unit, "day")
    return start, end, "week" if unit == "weekend" else unit


@_rule("season", rf"(?:(?P<q>early|mid|late)[\s-]+)?(?:(?P<mod>this|last|next|past|coming|"
       rf"the\s+coming|"
       rf"the\s+past|in\s+the|during\s+the|over\s+the)\s+(?:(?P<q2>early|mid|late)[\s-]+)?"
       rf"(?P<s>spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?(?P<y>{YEAR}))?|"
       rf"(?P<s2>spring|summer|autumn|fall|winter)\s+(?:of\s+)?(?P<y2>{YEAR}))")  # fmt: skip
def _season(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    season = (m["s"] or m["s2"]).lower()
    first = _SEASONS[season]
    year_text = m["y"] or m["y2"]
    mod = re.sub(r"^(the|in the|during the|over the)\s*", "", (m["mod"] or "").lower()).strip()

    def span(season_year: int) -> tuple[date, date]:
        end_y, end_m = _add_months(season_year, first, 2)
        return date(season_year, first, 1), _month_end(end_y, end_m)

    if year_text:
        start, end = span(int(year_text))
    elif pub is None:
        return None
    else:
        # The occurrence containing publication, or the ones around it.
        options = [span(y) for y in (pub.year - 2, pub.year - 1, pub.year, pub.year + 1)]
        current = next((s for s in options if s[0] <= pub <= s[1]), None)
        before = [s for s in options if s[1] < pub]
        after = [s for s in options if s[0] > pub]
        if mod in ("last", "past"):
            start, end = before[-1]
        elif mod in ("next", "coming"):
            start, end = after[0]
        elif mod == "this":
            start, end = current or next(s for s in options if s[0].year == pub.year)
        else:
            pick = {"past": before[-1], "future": after[0]}.get(direction, current or after[0])
            start, end = current if current and direction != "past" else pick
    qual = m["q"] or m["q2"]
    if qual:
        start, end = _qualify(start, end, qual, pub)
    return start, end, "month"


@_rule("weekend", r"(?:over|at|during)\s+the\s+weekend\b")
def _weekend(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    """ "Over the weekend": the last Saturday-Sunday (this one when published on it) for the
    past, the next one for the future."""
    if pub is None:
        return None
    saturday = _week_of(pub)[0] + timedelta(days=5)
    if direction == "past" and pub < saturday:
        saturday -= timedelta(days=7)
    elif direction == "future" and pub > saturday + timedelta(days=1):
        saturday += timedelta(days=7)
    return saturday, saturday + timedelta(days=1), "week"


@_rule("overnight", r"overnight\b(?!\s+(?:stay|trip|visit|flight|bus|train)\b)")
def _overnight(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    """ "Overnight" in a news story: the night before publication."""
    return (pub - timedelta(days=1), pub, "day") if pub else None


@_rule("quarter", rf"(?:in\s+)?the\s+(?P<ord>first|second|third|fourth|last|final|1st|2nd|3rd|"
       rf"4th)\s+"
       rf"(?P<u>quarter|half)\s+of\s+(?:(?P<y>{YEAR})|(?P<rel>this|next|last)\s+year)|"
       rf"(?-i:Q(?P<q>[1-4])|H(?P<h>[12]))\s+(?P<y2>{YEAR})")  # fmt: skip
def _quarter(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    """ "The second quarter of 2023", "Q3 2024", "the first half of next year"."""
    if m["y"] or m["y2"]:
        year = int(m["y"] or m["y2"])
    elif pub is None:
        return None
    else:
        year = pub.year + {"this": 0, "next": 1, "last": -1}[m["rel"].lower()]
    if m["q"] or m["h"]:
        size, index = (3, int(m["q"]) - 1) if m["q"] else (6, int(m["h"]) - 1)
    else:
        size = 3 if m["u"].lower() == "quarter" else 6
        order = m["ord"].lower()[:3]
        ordinal = {"fir": 0, "1st": 0, "sec": 1, "2nd": 1, "thi": 2, "3rd": 2, "fou": 3, "4th": 3}
        index = ordinal.get(order, 12 // size - 1)
        if index >= 12 // size:
            return None  # "the third half"
    first = 1 + index * size
    return date(year, first, 1), _month_end(year, first + size - 1), "month"


@_rule("in_n_units", rf"(?:in|within)\s+(?P<n>{NUM})\s+(?P<u>day|week|month|year)s?\b"
       r"(?:['’]s?\s+time)?"
       r"(?!\s+of\b)")  # fmt: skip
def _in_n_units(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    return _shifted(m, pub, 1, within=m.group().lower().startswith("within"))


@_rule("n_units_ago", rf"(?P<n>{NUM})\s+(?P<u>day|week|month|year)s?\s+ago")
def _n_units_ago(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    return _shifted(m, pub, -1, within=False)


@_rule("lasting", rf"for\s+(?:(?:nearly|almost|about|around|roughly|some|over|more\s+than|"
       rf"at\s+least)\s+)?(?P<n>{NUM})\s+(?P<u>day|week|month|year)s?\b"
       r"(?!\s+(?:of|in)\b)")  # fmt: skip
def _lasting(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    """ "have been locked in a standoff for nearly seven weeks": it began that long before
    publication (see `_pick_in_sentence` for the events it dates). A length in weeks is
    seldom exact ("nearly", "about"), so its start is known to the month."""
    shifted = _shifted(m, pub, -1, within=False)
    if shifted is None or shifted[2] != "week":
        return shifted
    return _month_span(shifted[0].year, shifted[0].month)


@_rule("trailing", rf"(?:(?:in|over|during|for)\s+)?the\s+(?P<dir>past|last|next|coming)\s+"
       rf"(?P<n>{NUM})\s+"
       r"(?P<u>day|week|month|year)s?")  # fmt: skip
def _trailing(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    sign = 1 if m["dir"].lower() in ("next", "coming") else -1
    return _shifted(m, pub, sign, within=True)


def _shifted(
    m: re.Match[str], pub: date | None, sign: int, *, within: bool
) -> tuple[date, date, str] | None:
    """ "in two weeks", "three days ago" (a point, at the unit's precision) or a window
    ("within two weeks", "the past three months")."""
    if pub is None:
        return None
    n_text = re.sub(r"\s+", " ", m["n"].lower())
    n = int(n_text) if n_text.isdigit() else _NUMBERS[n_text]
    unit = m["u"].lower()
    if unit in ("day", "week"):
        target = pub + timedelta(days=sign * n * (7 if unit == "week" else 1))
    else:
        y, mo = _add_months(pub.year, pub.month, sign * n * (12 if unit == "year" else 1))
        target = _safe_date(y, mo, pub.day) or _month_end(y, mo)
    if within:
        start, end = sorted((pub, target))
        return start, end, _precision_for(start, end)
    if unit == "day":
        return target, target, "day"
    if unit == "week":
        return *_week_of(target), "week"
    if unit == "month":
        return _month_span(target.year, target.month)
    return date(target.year, 1, 1), date(target.year, 12, 31), "year"


@_rule(
    "vague_past",
    r"(?:recently|lately|of\s+late|(?:in|over|during)\s+recent\s+(?P<u>days|weeks|months|years))\b",
)
def _vague_past(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    if pub is None:
        return None
    days = {"days": 7, "weeks": VAGUE_DAYS, "months": 180, "years": 3 * 365}.get(
        (_g(m, "u") or "").lower(), RECENT_DAYS
    )
    return pub - timedelta(days=days), pub, _precision_for(pub - timedelta(days=days), pub)


@_rule("recent", r"(?:(?:the|a|his|her|their|its|our)\s+)?(?:most\s+)?recent(?=\s+[a-z])")
def _recent(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    return _vague_past(m, pub, direction) if pub else None


@_rule("vague_future", r"(?:(?<!as\s)(?:soon|shortly)"
       r"(?!\s+(?:after|before|afterwards|thereafter|as)\b)|"
       r"in\s+the\s+(?:near|not\s+too\s+distant)\s+future|"
       r"in\s+the\s+(?:coming|next\s+few)\s+(?P<u>days|weeks|months)|"
       r"in\s+the\s+(?P<u2>days|weeks|months)\s+ahead|"
       r"(?:within|in)\s+(?:a\s+few\s+)?(?P<u3>days|weeks|months)\b(?!\s+of\b))")  # fmt: skip
def _vague_future(
    m: re.Match[str], pub: date | None, direction: Direction
) -> tuple[date, date, str] | None:
    if pub is None:
        return None
    unit = (m["u"] or m["u2"] or m["u3"] or "").lower()
    days = {"days": 7, "weeks": VAGUE_DAYS, "months": 180}.get(unit, VAGUE_DAYS)
    end = pub + timedelta(days=days)
    return pub, end, "month" if days == VAGUE_DAYS else _precision_for(pub, end)


_ATTACHING = {"recent", "year_modifier"}
_STOP_AFTER = re.compile(r"\s*(?:[a-z][\w-]*|[A-Z][\w.-]*)", re.U)


def _attached_phrase(text: str, end: int, words: int = 2) -> tuple[int, int]:
    """The words after a modifier: the noun phrase it dates ("next month's
    counterterrorism conference", "the recent visit of"), stopping at a function word or,
    after the first word, at what looks like a verb ("the April 6 movement called")."""
    pos = end
    for i in range(words):
        m = _STOP_AFTER.match(text, pos)
        if not m:
            break
        word = m.group().strip()
        if re.fullmatch(_FUNCTION_WORDS, word, re.I) or (i and _VERB_LIKE.fullmatch(word)):
            break
        pos = m.end()
    return end, pos


# "MANILA, April 22 (Coastal Wire) –": the day the story was filed, not an event's date.
_DATELINE = re.compile(
    rf"\s*[A-Z][\w .'’-]{{1,40}},\s+{MON}\s*{DAY}(?:,?\s+{YEAR})?\s*(?:\([^)]{{1,40}}\))?\s*[-–—:]"
)


_VERB_LIKE = re.compile(
    r"[a-z]+ed|said|says|say|will|would|could|can|may|might|must|should|did|does|do", re.I
)
_DAY_RULES = {"day_month_first", "day_first"}
_DETERMINER_END = re.compile(r"(?:^|\b(?:the|a|an|his|her|its|their|our|this|that))\s*$", re.I)
_NOUN_NEXT = re.compile(rf"\s+(?!{_FUNCTION_WORDS}\b)[a-z]")


def _names_a_noun(sentence: str, start: int, end: int) -> bool:
    """A day used as a name or modifier ("the April 6 movement", "Sept. 11 attacks"): after
    a determiner or at the sentence start, and followed by a lower-case noun."""
    return bool(_DETERMINER_END.search(sentence[:start]) and _NOUN_NEXT.match(sentence, end))


@lru_cache(maxsize=8192)
def _find(sentence: str) -> tuple[_Found, ...]:
    candidates: list[tuple[int, int, int, _Found]] = []
    dateline = _DATELINE.match(sentence)
    skip_to = dateline.end() if dateline else 0
    for order, (name, pattern, _fn) in enumerate(_RULES):
        for m in pattern.finditer(sentence, skip_to):
            start, end = m.span()
            text = m.group().strip()
            attached = None
            possessive = re.match(r"['’]s\b", sentence[end : end + 3])
            if possessive:  # "next month's conference", "Monday's meeting"
                end += 2
                text = sentence[start:end]
                attached = _attached_phrase(sentence, end)
            elif name in _ATTACHING:
                attached = (start, _attached_phrase(sentence, end)[1])
            elif name in _DAY_RULES and _names_a_noun(sentence, start, end):
                attached = _attached_phrase(sentence, end)
            candidates.append(
                (start, -(end - start), order, _Found(start, end, text, name, attached))
            )
    chosen: list[_Found] = []
    for *_key, found in sorted(candidates, key=lambda c: (c[1], c[0], c[2])):
        if all(found.end <= c.start or found.start >= c.end for c in chosen):
            chosen.append(found)
    return tuple(sorted(chosen, key=lambda f: f.start))


def find_date_expressions(sentence: str) -> list[tuple[int, int, str]]:
    """Spans (start, end, text) of the date words in a sentence, guarded against false
    dates ("may be held", "80 people", "$9 billion", "the March on Washington")."""
    return [(f.start, f.end, f.text) for f in _find(sentence)]


# ------------------------------------------------------------------------ resolution


@lru_cache(maxsize=4096)
def _dateparser(text: str, published: date | None, direction: Direction) -> DateSpan | None:
    """dateparser for what the patterns do not cover; its period gives the precision."""
    settings: dict[str, object] = {
        "PREFER_DATES_FROM": {"past": "past", "future": "future"}.get(direction, "current_period"),
        "RETURN_TIME_AS_PERIOD": False,
    }
    if published:
        settings["RELATIVE_BASE"] = datetime(published.year, published.month, published.day)
    data = DateDataParser(languages=["en"], settings=settings).get_date_data(text)
    if data.date_obj is None:
        return None
    day = data.date_obj.date()
    period = data.period if data.period in ("day", "week", "month", "year") else "day"
    if period == "week":
        start, end = _week_of(day)
    elif period == "month":
        start, end = date(day.year, day.month, 1), _month_end(day.year, day.month)
    elif period == "year":
        start, end = date(day.year, 1, 1), date(day.year, 12, 31)
    else:
        start = end = day
    return DateSpan(start, end, period, text)


def _resolve_found(
    found: _Found, sentence: str, published: date | None, direction: Direction
) -> DateSpan | None:
    for name, pattern, fn in _RULES:
        if name == found.rule:
            m = pattern.match(sentence, found.start)
            if m is None:
                return None
            since = found.text.lower().startswith("since")
            try:
                out = fn(m, published, "past" if since else direction)
            except OverflowError:  # "last week" of a page dated 0001-01-01: no such day
                return None
            if out is None:
                return None
            start, end, precision = out
            if since and published and start <= published:
                end = max(end, published)  # "since March": from then until publication
            return DateSpan(start, end, precision, found.text)
    return None


@lru_cache(maxsize=16384)
def resolve_expression(
    text: str, published: date | None, *, direction: Direction
) -> DateSpan | None:
    """Resolve one date expression ("next month", "February 14-18", "last summer")
    against the publication date; ``direction`` says where a year-less or weekday date
    lies (past, future or present). None when the words give no date."""
    text = text.strip()
    found = _find(text)
    if found:
        return _resolve_found(found[0], text, published, direction)
    if not re.search(r"\d", text) and not re.search(MON + "|" + WD, text):
        return None  # dateparser reads "second", "may" or "now" as dates: not these
    return _dateparser(text, published, direction)


# ------------------------------------------------------------- dating a mention

_STATUS_DIRECTION: dict[str, Direction] = {
    "occurred": "past",
    "planned": "future",
    "ongoing": "present",
}
_TENSE_DIRECTION: dict[str, Direction] = {
    "past": "past", "perfect": "past", "future": "future", "present": "present",
    "progressive": "present",
}  # fmt: skip
# Words that open a new clause: a date across one belongs less to the trigger.
_BOUNDARY = re.compile(
    r"[,;:()…—–\"“”]|\s-\s|\b(?:and|but|while|whereas|although|though|because|after|before|when|"
    r"which|who|whom|where|that|so|as)\b",
    re.I,
)
_RELATIVE_REACH = 4  # words between a trigger and a relative pronoun still about it
_RELATIVE = re.compile(r"\b(?:who|whom|whose|which|where|that)\b", re.I)
# Words that put the rest of their clause in the future: modals, "plans to", "agreed to".
_FUTURE_MARKER = re.compile(
    r"\b(?:will|would|shall|could|might|may(?!\s+have)|going\s+to|(?:is|are|was|were)\s+to|"
    r"(?:[Pp]lan(?:s|ned)?|[Aa]gree[sd]?|[Dd]ecided?s?|[Pp]romise[sd]?|[Pp]ledge[sd]?|[Vv]ow(?:s|ed)?|"
    r"[Ii]ntend(?:s|ed)?|[Hh]ope[sd]?|[Ww]ant(?:s|ed)?|[Aa]im(?:s|ed)?|expected|due|set|"
    r"scheduled|ready|prepared)\s+to)\b|['’]ll\b"
)
_PRONOUN_START = re.compile(r"^\W*(?:he|she|they)\b", re.I)
_QUOTE_START = re.compile(r"^\s*[\"“‘']")
_ATTRIBUTION = re.compile(r"\b(?:added|continued|went\s+on|further\s+(?:said|stated))\b", re.I)
_CONTINUATION_STEPS = 3
# "during the press briefing": a temporal preposition and a definite event noun phrase.
_EVENT_REFERENCE = re.compile(
    r"\b(?:during|at|after|following|before|since)\s+the\s+"
    r"(?:(?P<edge>end|close|conclusion|start|beginning|opening)\s+of\s+the\s+)?"
    r"(?P<np>(?:[a-z][\w-]*\s+){0,2}"
    r"(?:meeting|talks|briefing|conference|visit|summit|trip|session|dialogue|interview|"
    r"call|event|ceremony|hearing|negotiations|round|attack|bombing|election|vote|incident|"
    r"clashes|raid|strike|strikes|protest|protests|signing|launch|shooting|explosion|blast))\b",
    re.I,
)


_EVENT_NOUN = re.compile(
    r"\b(?:meeting|talks|visit|summit|conference|attack|attacks|bombing|launch|election|vote|"
    r"strike|strikes|protest|protests|clashes|raid|shooting|explosion|blast|ceasefire|"
    r"incident|operation|offensive|exercise|drills|ambush)\b",
    re.I,
)


def direction_for(status: str, tense: str | None) -> Direction | None:
    """Where the event lies relative to publication: the status decides (planned → future,
    occurred → past, ongoing → present); for a negated event the tense does (none without
    a tense); a hypothetical one is future unless its tense is past or perfect ("could
    release the money in December if Egypt meets the targets"); an ongoing one told in
    the perfect ("has deployed troops") began in the past."""
    if status == "ongoing" and tense == "perfect":
        return "past"  # "has deployed troops since June": it began before the report
    if status in _STATUS_DIRECTION:
        return _STATUS_DIRECTION[status]
    by_tense = _TENSE_DIRECTION.get(tense or "")
    if status == "hypothetical":
        return "past" if by_tense == "past" else "future"
    return by_tense


def _fits(span: DateSpan, published: date | None, direction: Direction | None) -> bool:
    """A date the event's direction allows: a planned event is not "last week"."""
    if published is None or direction is None:
        return True
    if direction == "past":
        return span.start <= published
    if direction == "future":  # "since May" (ending at publication) is not the future
        return span.start >= published or span.end > published
    return span.start <= published + timedelta(days=7) and span.end >= published - timedelta(days=7)


def _boundaries(sentence: str, a: int, b: int, masked: Sequence[_Found]) -> int:
    """Clause boundaries between two offsets, not counting those inside date words."""
    lo, hi = sorted((a, b))
    count = 0
    for m in _BOUNDARY.finditer(sentence, lo, hi):
        if not any(f.start <= m.start() < f.end for f in masked):
            count += 1
    return count


def _clause_direction(
    sentence: str, found: _Found, direction: Direction | None, trigger: tuple[int, int] | None
) -> Direction:
    """The direction a date is read in: the event's, except that a date in a clause that
    speaks of the future ("said he would visit in October"), or after a future word that
    follows the trigger ("agreed to cut tariffs and to meet again in the autumn"), is read
    forward even when the event reported is past."""
    if direction in ("future", "present"):
        return direction
    starts = [m.end() for m in _BOUNDARY.finditer(sentence, 0, found.start)]
    begin = starts[-1] if starts else 0
    if (
        trigger is not None
        and trigger[1] <= found.start
        and not re.search(r"[,;:()…—–\"“”]", sentence[trigger[1] : found.start])
    ):
        begin = min(begin, trigger[0])
    clause = sentence[begin : found.start]
    return "future" if _FUTURE_MARKER.search(clause) else direction or "past"


def _spans_in(
    sentence: str,
    published: date | None,
    direction: Direction | None,
    trigger: tuple[int, int] | None = None,
) -> list[tuple[_Found, DateSpan | None]]:
    """The sentence's date expressions that may date the event: those whose date fits
    its direction, and those that cannot be resolved (no publication date), which still
    hold their place so that a farther date is not taken instead."""
    out: list[tuple[_Found, DateSpan | None]] = []
    for found in _find(sentence):
        own = _clause_direction(sentence, found, direction, trigger)
        span = _resolve_found(found, sentence, published, own)
        if span is None or _fits(span, published, direction):
            out.append((found, span))
    return out


def _pick_in_sentence(
    sentence: str,
    trigger: tuple[int, int],
    published: date | None,
    direction: Direction | None,
    *,
    continuing: bool = True,
    done: bool = True,
) -> DateSpan | None:
    """The date attached to the trigger: a modifier of the trigger's own phrase first
    ("next month's conference"), else the expression with the fewest clause boundaries
    between it and the trigger, then the nearest. A date that dates the report ("...,
    sources said Saturday") comes last, and only for what is done: the report is the
    latest day the deed can have been, never the day a plan is due or a state began.
    "Since X" starts a span, so it dates only a ``continuing`` event ("have held talks
    since March"), never one told in the simple past or as the first since ("held their
    first summit since 2019"). "For seven weeks" likewise dates only the start of what
    has gone on that long ("have been locked in a standoff for seven weeks")."""
    spans = _spans_in(sentence, published, direction, trigger)
    found_all = _find(sentence)
    best: tuple[tuple[int, int], DateSpan | None] | None = None
    report: DateSpan | None = None
    for found, span in spans:
        lo, hi = sorted((trigger[0], found.start))
        if _PARAGRAPH_BREAK.search(sentence, lo, hi):
            continue  # a "sentence" that runs over a blank line is two paragraphs
        if _dates_the_report(sentence, found, trigger):
            if report is None and done and direction == "past":
                report = span
            continue
        if found.text.lower().startswith("since") and (
            not continuing or _FIRST_SINCE.search(sentence, 0, found.start)
        ):
            continue
        if found.rule == "lasting" and (not continuing or direction == "future"):
            continue  # "talks lasted for three days", "will meet for two days": no start
        if found.attached is not None:
            lo, hi = found.attached
            if min(trigger[1], hi) > max(
                trigger[0], found.start if found.rule in _ATTACHING else lo
            ):
                return span
            reaction = _reaction_to(sentence, trigger, found, span, published, direction)
            if reaction is not None:
                return reaction
            continue
        if found.start >= trigger[1] and _in_other_relative_clause(
            sentence, trigger[1], found.start
        ):
            continue
        gap = max(found.start - trigger[1], trigger[0] - found.end, 0)
        edge = found.start if found.start >= trigger[1] else found.end
        anchor = trigger[1] if found.start >= trigger[1] else trigger[0]
        boundaries = _boundaries(sentence, anchor, edge, found_all)
        if found.start >= trigger[1] and _EVENT_NOUN.search(sentence, trigger[1], found.start):
            boundaries += 1  # "condemned the launch ... on Sunday": the launch's date
        key = (boundaries, gap)
        if best is None or key < best[0]:
            best = (key, span)
    return best[1] if best else report


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
# "the first summit since 2019", "the worst floods since 1998": the date is the last time,
# not this one.
_FIRST_SINCE = re.compile(
    r"\b(?:first|only|biggest|largest|highest|lowest|worst|deadliest|heaviest|strongest|"
    r"longest|most)\b[^.;:]{0,80}$",
    re.I,
)
_OBJECT_GAP = re.compile(r"\s*(?:(?:the|a|an|this|that|its|their)\s+)?$", re.I)
REACTION_DAYS = 3  # how long before publication a reaction to a dated deed is still news


def _reaction_to(
    sentence: str,
    trigger: tuple[int, int],
    found: _Found,
    span: DateSpan | None,
    published: date | None,
    direction: Direction | None,
) -> DateSpan | None:
    """A reaction whose object is a dated deed ("condemned Saturday's verdict", "welcomed
    Monday's agreement") came after it and before the report: that day to the
    publication day, when the two are at most ``REACTION_DAYS`` apart."""
    if span is None or published is None or direction != "past" or found.start < trigger[1]:
        return None
    if not _OBJECT_GAP.fullmatch(sentence, trigger[1], found.start):
        return None
    if not 0 <= (published - span.start).days <= REACTION_DAYS:
        return None
    return DateSpan(span.start, published, "day", span.text)


# A reporting verb and up to three words before a date: "a statement issued today",
# "officials said on Monday", "told reporters on Friday".
_REPORTED = re.compile(
    r"\b(?:said|says|told|tells|announced|announces|stated|states|added|reported|issued|"
    r"released|published|tweeted|wrote|confirmed)\b"
    r"(?:[\s(]+(?!that\b)[\w'’-]+\)?){0,3}[\s,(]*$",  # "says that May 8's ..." is what is said
    re.I,
)


def _dates_the_report(sentence: str, found: _Found, trigger: tuple[int, int]) -> bool:
    """A date right after a reporting verb that is not the trigger dates the report ("a
    press release issued today said the talks will ...", "..., sources said Saturday"),
    not the event reported."""
    said = _REPORTED.search(sentence, 0, found.start)
    return said is not None and not (said.start() <= trigger[0] < found.start)


def _in_other_relative_clause(sentence: str, after: int, before: int) -> bool:
    """A date in a relative clause about some other noun ("urged them to disarm militias
    near the town, where raids have gone on since last year") does not date the trigger;
    a relative clause close after the trigger ("the talks between the two sides, which
    began on Monday") does."""
    for m in _RELATIVE.finditer(sentence, after, before):
        if len(sentence[after : m.start()].split()) > _RELATIVE_REACH:
            return True
    return False


def _free_dates(text: str, published: date | None, direction: Direction | None) -> list[DateSpan]:
    """Dates of a sentence that modify no particular noun phrase (nor a duration: "for
    seven weeks" is not the day of the story)."""
    return [
        span
        for found, span in _spans_in(text, published, direction)
        if found.attached is None and span is not None and found.rule != "lasting"
    ]


def _attribution(index: int, by_index: dict[int, Sentence]) -> str | None:
    """For a sentence that opens a quotation, the words after the quotation closes
    ("..., Price added."), looked for in this and the next few sentences."""
    if not _QUOTE_START.match(by_index[index].text):
        return None
    for step in range(4):
        sentence = by_index.get(index + step)
        if sentence is None:
            return None
        text = sentence.text.lstrip()[1:] if step == 0 else sentence.text
        close = re.search(r"[”\"]", text)
        if close:
            return text[close.end() :]
    return None


def _anaphoric(
    index: int, by_index: dict[int, Sentence], published: date | None, direction: Direction | None
) -> DateSpan | None:
    """ "During the meeting", "after the incident" refer back to an event named before:
    the previous sentence, when it is dated ("... held talks on Wednesday. During the
    meeting, ..."), or an earlier phrase that carries its own date ("at a recent press
    briefing", "Monday's meeting") with the same head noun. "At the end of the visit"
    is the last day of the visit's dates, "at the start of" the first."""
    for ref in _EVENT_REFERENCE.finditer(by_index[index].text):
        previous = by_index.get(index - 1)
        if previous is not None:
            free = _free_dates(previous.text, published, direction)
            if free:
                return _edge_of(free[-1], ref["edge"])
        head = ref["np"].split()[-1].lower()
        for earlier in range(index - 1, -1, -1):
            sentence = by_index.get(earlier)
            if sentence is None:
                break
            for found, span in _spans_in(sentence.text, published, direction):
                if found.attached is None or span is None:
                    continue
                phrase = sentence.text[found.attached[0] : found.attached[1]].lower()
                if re.search(rf"\b{re.escape(head)}\b", phrase):
                    return _edge_of(span, ref["edge"])
    return None


def _edge_of(span: DateSpan, edge: str | None) -> DateSpan:
    """The first or last day of a run of days, for "the start of" / "the end of" it."""
    if edge is None or span.precision != "day" or span.start == span.end:
        return span
    day = span.start if edge.lower() in ("start", "beginning", "opening") else span.end
    return DateSpan(day, day, "day", span.text)


def _from_context(
    mention: EventMention,
    sentences: Sequence[Sentence],
    published: date | None,
    direction: Direction | None,
) -> DateSpan | None:
    """A date from outside the mention's sentence, only where the text clearly ties them:
    a quotation is dated by its attribution ("...,” he said on Monday"); a quotation
    attributed with "added"/"continued", and a sentence opening with he/she/they, carry on
    the previous sentence (whose last free-standing date that fits is taken)."""
    by_index = {s.index: s for s in sentences}
    by_index.setdefault(
        mention.sentence_index,
        Sentence(mention.sentence_index, mention.start_char, mention.end_char, mention.sentence),
    )
    index = mention.sentence_index
    for _ in range(_CONTINUATION_STEPS):
        anaphoric = _anaphoric(index, by_index, published, direction)
        if anaphoric:
            return anaphoric
        attribution = _attribution(index, by_index)
        if attribution is not None:
            own = _free_dates(attribution, published, direction)
            if own:
                return own[-1]
            carries_on = bool(_ATTRIBUTION.search(attribution))
        else:
            carries_on = bool(_PRONOUN_START.match(by_index[index].text))
        if not carries_on or (index - 1) not in by_index:
            return None
        index -= 1
        free = _free_dates(by_index[index].text, published, direction)
        if free:
            return free[-1]
    return None


def _day_of_an_undated_page(
    mention: EventMention,
    article: Article,
    sentences: Sequence[Sentence],
    trigger: tuple[int, int],
    direction: Direction | None,
) -> DateSpan | None:
    """A page without a publication date: a year-less day of the mention's own clause
    ("warned on May 3") takes the year of a full date the page gives ("May 5, 2025") when
    it falls at most ``VAGUE_DAYS`` before it, as news tells what is days old. The page
    includes what cleaning took away (an embedded post's signature line "— @name May 5,
    2025"): only its year is used, and only for a day just before it. Nothing else is read
    against that date: it is not the day the page was written."""
    if direction not in ("past", None):
        return None
    found = _find(mention.sentence)
    yearless = {f.text for f in found if f.rule in _DAY_RULES and not re.search(YEAR, f.text)}
    if not yearless:
        return None
    lines = [s.text for s in sentences]
    if article.original_text is not None:
        lines += article.original_text.splitlines()
    full = sorted(
        {
            span.start
            for line in lines
            for _found, span in _spans_in(line, None, None)
            if span is not None and span.precision == "day"
        },
        reverse=True,
    )
    for anchor in full:
        span = _pick_in_sentence(mention.sentence, trigger, anchor, "past")
        if (
            span is not None
            and span.text in yearless
            and 0 <= (anchor - span.start).days <= VAGUE_DAYS
        ):
            return span
    return None


# "..., two weeks after Bamako expelled the ambassador": a clause set off from the main one
_OFFSET = re.compile(
    rf"\b(?:(?P<n>{NUM})\s+)?(?P<u>hour|day|week)s?\s+(?P<rel>after|before)\b", re.I
)
_CLAUSE_END = re.compile(r"[,;:()\"“”]")


def _offset_clause(sentence: str, trigger: tuple[int, int]) -> re.Match[str] | None:
    """The "two days after ..." / "hours before ..." that opens the trigger's clause, if
    any: what it tells happened that long before (after) the main clause's time."""
    for m in _OFFSET.finditer(sentence, 0, trigger[0]):
        between = sentence[m.end() : trigger[0]]
        # a date of the clause's own is read as usual
        if not _CLAUSE_END.search(between) and len(between.split()) <= 8:
            return None if _find(sentence[m.end() :]) else m
    return None


def _before_or_after(
    sentence: str, offset: re.Match[str], published: date | None, direction: Direction | None
) -> DateSpan | None:
    """The day of a clause set off from the main one ("Gunmen killed twelve villagers on
    Tuesday, two days after militants ambushed a convoy" → Sunday): the main clause's day
    (its report's day too) moved by the offset; hours leave the day as it is, weeks give
    the week. Nothing when the main clause has no day or the offset no number ("days
    after"): the clause is not at the main clause's time."""
    if direction != "past" or (offset["n"] is None and offset["u"].lower() != "hour"):
        return None
    main = _pick_in_sentence(sentence[: offset.start()], (offset.start(),) * 2, published, "past")
    if main is None or main.precision != "day" or main.start != main.end:
        return None
    n_text = re.sub(r"\s+", " ", (offset["n"] or "0").lower())
    n = int(n_text) if n_text.isdigit() else _NUMBERS[n_text]
    unit = offset["u"].lower()
    days = {"hour": 0, "day": n, "week": 7 * n}[unit]
    day = main.start + timedelta(days=-days if offset["rel"].lower() == "after" else days)
    if unit == "week":
        return DateSpan(*_week_of(day), "week", offset.group())
    return DateSpan(day, day, "day", offset.group())


def _own_date_ahead(sentence: str, trigger: tuple[int, int], published: date | None) -> bool:
    """The event's own date, a modifier of its noun ("the general's June 8-10 truce is
    still on offer", "next week's summit is still on"), lies wholly after publication: the
    event is yet to come, whatever "still" or the present tense say."""
    if published is None:
        return False
    for found in _find(sentence):
        own = (
            found.attached is not None and found.attached[0] <= trigger[0] < found.attached[1]
        ) or (found.end <= trigger[0] and not sentence[found.end : trigger[0]].strip())
        if own:
            span = _resolve_found(found, sentence, published, "present")  # the nearest
            return span is not None and span.start > published
    return False


def resolve_dates(
    mention: EventMention, article: Article, sentences: Sequence[Sentence]
) -> EventMention:
    """Fill ``date``, ``date_end``, ``date_precision`` and ``date_text`` of a mention from
    its sentence (or the sentence it clearly continues), against the publication date.
    An ongoing event whose own date lies ahead ("the June 8-10 truce is still on offer")
    is planned: its status is set so.

    No date words → no date, except an event in progress ("is massing troops") and a
    decision announced in the progressive ("is imposing sanctions"), which are dated to
    the publication day. A single day has ``date_end`` None."""
    published = article.published
    direction = direction_for(mention.status, mention.tense)
    if mention.status == "negated":
        # What did not happen may have been due any time ("talks due to open next week
        # have been postponed"): no date is filtered out; a clause's own future words
        # still read its dates forward.
        direction = None
    trigger = (mention.trigger_start - mention.start_char, mention.trigger_end - mention.start_char)
    if mention.status == "ongoing" and _own_date_ahead(mention.sentence, trigger, published):
        mention, direction = replace(mention, status="planned"), "future"
    continuing = mention.status == "ongoing" or mention.tense != "past"
    offset = _offset_clause(mention.sentence, trigger)
    if offset is not None:
        span = _before_or_after(mention.sentence, offset, published, direction)
        return _with_span(mention, span)
    span = _pick_in_sentence(
        mention.sentence,
        trigger,
        published,
        direction,
        continuing=continuing,
        done=mention.status == "occurred",
    )
    if span is None:
        span = _from_context(mention, sentences, published, direction)
    if span is None and published is None:
        span = _day_of_an_undated_page(mention, article, sentences, trigger, direction)
    in_progress = direction == "present" and mention.tense != "present"
    announced = mention.status == "occurred" and mention.tense == "progressive"
    if span is None and (in_progress or announced) and published:
        # "is massing troops", "the ongoing meetings": under way as the article is
        # written (not "are currently locked in a standoff": a state whose start the text
        # does not give); "is imposing sanctions": decided as the article is written
        return replace(
            mention,
            date=published.isoformat(),
            date_end=None,
            date_precision="day",
            date_text=None,
        )
    return _with_span(mention, span)


def _with_span(mention: EventMention, span: DateSpan | None) -> EventMention:
    if span is None:
        return replace(mention, date=None, date_end=None, date_precision=None, date_text=None)
    return _dated(mention, span)


# ------------------------------------------------------------- dates across a story


def _carries(mention: EventMention) -> bool:
    """Mentions that may take a date from elsewhere in the story: a simple past report of
    something that happened (or a present tense reported by a past verb), or a plan. Not
    the present ("maintains a dialogue"), the
    perfect ("have long cooperated", "had asked": before the story's time), negated or
    hypothetical events."""
    if mention.date is not None:
        return False
    if mention.status == "occurred":
        return mention.tense == "past" or (
            mention.tense == "present" and _reported_in_past(mention)
        )
    return mention.status == "planned" and mention.tense not in ("past", "perfect")


_REPORTED_PAST = re.compile(
    r"\b(?:said|told|assured|stated|added|noted|stressed|insisted|declared|wrote|tweeted|"
    r"announced|confirmed|reiterated|pledged)\b",
    re.I,
)


_QUOTATION = re.compile(r"[\"“][^\"“”]*[\"”]")


def _reported_in_past(mention: EventMention) -> bool:
    """A present tense reported by a past verb is as old as the report: "... who assured
    him that the US stands with Pakistan" happened when he said it, and so did a quotation
    attributed after it ("“We stand ready to impose sanctions,” he said")."""
    local = mention.trigger_start - mention.start_char
    if _REPORTED_PAST.search(mention.sentence, 0, max(0, local)):
        return True
    quoted = next(
        (q for q in _QUOTATION.finditer(mention.sentence) if q.start() < local < q.end()), None
    )
    return quoted is not None and bool(_REPORTED_PAST.search(mention.sentence, quoted.end()))


def _countries(mention: EventMention) -> set[str]:
    return {a.country for a in (mention.source, mention.target) if a and a.country}


def _same_event(
    mention: EventMention, earlier: Sequence[EventMention], later: Sequence[EventMention] = ()
) -> EventMention | None:
    """The nearest dated mention of what is plainly the same event: same PLOVER type,
    same two countries, same phase (done or due); an earlier one first, else a later one
    (a headline or lede told again with its date further down)."""
    pair = _countries(mention)
    if mention.source is None or mention.target is None or len(pair) == 0:
        return None
    for other in (*reversed(earlier), *later):
        if (
            other.date is not None
            and other.plover == mention.plover
            and status_phase(other.status) == status_phase(mention.status)
            and other.source is not None
            and other.target is not None
            and _countries(other) == pair
            and {other.source.country, other.target.country}
            == {mention.source.country, mention.target.country}
        ):
            return other
    return None


_DAYS = ("day", "week")  # a story's time is a day or a few ("in the past two years" is not)


def _story_date(
    mention: EventMention,
    published: date | None,
    by_index: dict[int, Sentence],
    actors_in: dict[int, set[str]],
    dated_in: dict[int, list[EventMention]],
) -> DateSpan | None:
    """The date of the story so far: the first day or week (fitting the mention's
    direction) of the nearest of the previous ``CARRY_SENTENCES`` sentences that has one,
    when that sentence names an actor of the mention's countries ("X met Y on Friday. ...
    The minister also had a separate meeting with Z"); or the day or week of a dated
    mention in such a sentence that shares a country and a phase with this one ("... will
    visit A and B from May 4-8. In B, the delegation will meet ... The envoy will also
    convey ...")."""
    wanted = _countries(mention)
    if not wanted:
        return None
    direction = direction_for(mention.status, mention.tense)
    for back in range(1, CARRY_SENTENCES + 1):
        sentence = by_index.get(mention.sentence_index - back)
        if sentence is None:
            return None
        free = [d for d in _free_dates(sentence.text, published, direction) if d.precision in _DAYS]
        if free:
            return free[0] if actors_in.get(sentence.index, set()) & wanted else None
        for other in dated_in.get(sentence.index, ()):
            if (
                status_phase(other.status) == status_phase(mention.status)
                and _countries(other) & wanted
                and other.date_precision in _DAYS
            ):
                return _span_of(other)
    return None


# "the verdict immediately drew condemnation": a reaction on the day of what it answers
_PROMPT = re.compile(r"\b(?:immediately|promptly|swiftly|within hours)\b", re.I)


def _prompted_by(earlier: Sequence[EventMention]) -> DateSpan | None:
    """The day of the nearest earlier event that happened on a stated day: what a
    reaction told as immediate answers."""
    for other in reversed(earlier):
        if other.status in ("occurred", "ongoing") and other.date_precision == "day":
            return _span_of(other)
    return None


def _span_of(mention: EventMention) -> DateSpan | None:
    if mention.date is None:
        return None
    start = date.fromisoformat(mention.date)
    end = date.fromisoformat(mention.date_end) if mention.date_end else start
    return DateSpan(start, end, mention.date_precision or "day", mention.date_text or "")


def _trigger_token(doc: Doc | None, mention: EventMention) -> Token | None:
    """The head word of the mention's trigger in the article's parse."""
    if doc is None:
        return None
    span = doc.char_span(mention.trigger_start, mention.trigger_end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _names_an_event(token: Token | None) -> bool:
    """A noun trigger ("Ukraine's drone attack ... comes as ...") names one event, whatever
    the tense of the verb it hangs on: no habit."""
    return token is not None and token.pos_ in ("NOUN", "PROPN")


def _before_the_story(token: Token | None) -> bool:
    """ "Since their last meeting, ...", "since the crackdown, ...": the event the story
    runs from, not one the story tells; it takes no date from the story."""
    if token is None:
        return False
    if token.dep_ == "pobj" and token.head.lower_ == "since":
        return True
    # a noun read as a clause of its own ("Since the two leaders' last meeting, ...")
    return _names_an_event(token) and any(
        c.dep_ == "mark" and c.lower_ == "since" for c in token.children
    )


def _report_day(mention: EventMention) -> DateSpan | None:
    """The mention's date, when its own sentence gives it only as the day of the report
    ("..., security sources said Saturday")."""
    trigger = (mention.trigger_start - mention.start_char, mention.trigger_end - mention.start_char)
    for found in _find(mention.sentence):
        if found.text == mention.date_text and _dates_the_report(mention.sentence, found, trigger):
            return _span_of(mention)
    return None


def _told_next(
    mention: EventMention,
    doc: Doc | None,
    by_index: dict[int, Sentence],
    published: date | None,
    report: DateSpan | None,
) -> DateSpan | None:
    """A wire lede tells the deed and the day it was reported; the next sentences, opening
    on the same thing ("Gunmen ambushed a convoy ..., sources said Saturday. **The
    convoy** came under attack ... on Thursday") or on the event itself ("**The attack**
    that took place on Thursday ..."), give its day: their first day-precision date that
    is no later than the report, at most ``FORWARD_SENTENCES`` ahead."""
    if doc is None:
        return None
    own = doc.char_span(mention.start_char, mention.end_char, alignment_mode="expand")
    if own is None:
        return None
    nouns = {t.lemma_.lower() for t in own if t.pos_ == "NOUN"}
    for step in range(1, FORWARD_SENTENCES + 1):
        sentence = by_index.get(mention.sentence_index + step)
        if sentence is None:
            return None
        span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        first = next((t for t in span if not (t.is_space or t.is_quote)), None) if span else None
        # "The convoy ...": the first word is "the", and the noun it goes with names the thing
        head = first.head if first is not None and first.lower_ == "the" else None
        if head is None or not (head.lemma_.lower() in nouns or _EVENT_NOUN.fullmatch(head.text)):
            continue
        for day in _free_dates(sentence.text, published, "past"):
            if day.precision == "day" and (report is None or day.start <= report.start):
                return day
    return None


# "..., prompting Beijing to accuse India": what the deed set off at once
_SETTING_OFF = frozenset({"prompt", "spark", "trigger", "provoke", "cause"})


def _a_consequence(token: Token | None) -> bool:
    """ "The army's assault on the camp provoked sanctions": the object of a verb of setting
    off is what the cause led to, some time after it; the story's date is the cause's."""
    return (
        token is not None
        and token.dep_ in ("dobj", "nsubjpass")
        and token.head.lemma_.lower() in _SETTING_OFF
    )


def _told_before(
    token: Token | None,
    mention: EventMention,
    by_index: dict[int, Sentence],
    published: date | None,
) -> DateSpan | None:
    """A deed told again in a later sentence by the same verb and object ("The bank has
    signed a draft accord ..., its spokeswoman said on Monday. ... told journalists the
    two sides had signed a provisional accord"): the date the first telling gives it, at
    most ``CARRY_SENTENCES`` back or in the lede (the first ``LEDE_SENTENCES``, which the
    rest of a story retells). The retelling adds detail, not another deed."""
    if token is None or token.pos_ != "VERB":
        return None
    objects = {c.lemma_.lower() for c in token.children if c.dep_ == "dobj" and c.pos_ == "NOUN"}
    if not objects:
        return None
    doc = token.doc
    here = mention.sentence_index
    lede = sorted(i for i in by_index if i < here)[:LEDE_SENTENCES]
    for index in sorted({*range(max(0, here - CARRY_SENTENCES), here), *lede}, reverse=True):
        sentence = by_index.get(index)
        if sentence is None:
            continue
        span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        for verb in span or ():
            if verb.lemma_ != token.lemma_ or verb.pos_ != "VERB":
                continue
            if not any(c.dep_ == "dobj" and c.lemma_.lower() in objects for c in verb.children):
                continue
            at = (verb.idx - sentence.start, verb.idx + len(verb) - sentence.start)
            day = _pick_in_sentence(sentence.text, at, published, "past")
            if day is not None:
                return day
    return None


def _set_off_by(
    token: Token | None, dated: Sequence[tuple[Token, EventMention]]
) -> DateSpan | None:
    """An event told as set off by a dated deed of its own sentence ("India deployed
    troops, **prompting** Beijing to accuse it of trespassing") answered it at once: the
    deed's date."""
    if token is None:
        return None
    cause = token.head
    if cause.lemma_.lower() not in _SETTING_OFF or cause.tag_ != "VBG" or cause.dep_ != "advcl":
        return None
    return next((_span_of(m) for t, m in dated if t == cause.head), None)


# A court's act told by a verb ("has been sentenced") is named again by its outcome
# ("denounced Friday's decision", "the June 2 conviction").
_JUDICIAL = frozenset({"sentence", "convict", "jail", "imprison", "acquit"})
_VERDICT_NOUNS = frozenset(
    {"verdict", "sentence", "sentencing", "conviction", "ruling", "decision", "judgment"}
)


def _named_later(
    token: Token | None,
    mention: EventMention,
    by_index: dict[int, Sentence],
    published: date | None,
) -> DateSpan | None:
    """An event named again further on with its own day ("held a trilateral meeting" ...
    "**Today's** meeting of the three was productive"): a later phrase whose date modifies
    the event's own noun (the trigger, or the object of its verb; for a court's act, its
    outcome: "has been sentenced" ... "denounced **Friday's** decision") gives that day.
    "Friday's decision to appeal" names another act."""
    if token is None:
        return None
    doc = token.doc
    nouns = [token] if _names_an_event(token) else [c for c in token.children if c.dep_ == "dobj"]
    lemmas = {n.lemma_.lower() for n in nouns if n.pos_ == "NOUN"}
    if token.lemma_.lower() in _JUDICIAL:
        lemmas |= _VERDICT_NOUNS
    if not lemmas:
        return None
    direction = direction_for(mention.status, mention.tense)
    for index in sorted(i for i in by_index if i > mention.sentence_index):
        sentence = by_index[index]
        if not any(f.attached for f in _find(sentence.text)):
            continue  # most sentences have no dated noun phrase: skip resolving them
        for found, span in _spans_in(sentence.text, published, direction):
            if found.attached is None or span is None or span.precision != "day":
                continue
            phrase = doc.char_span(
                sentence.start + found.attached[0],
                sentence.start + found.attached[1],
                alignment_mode="expand",
            )
            if phrase is not None and any(
                t.lemma_.lower() in lemmas and not any(c.dep_ == "acl" for c in t.children)
                for t in phrase
            ):
                return span
    return None


# "rallies against the party's victory in the 2019 election": prepositions that tie an event to what
# it answers or takes place in (not "after" or "since", which put it at another time)
_OF_THE_TIME = frozenset({"in", "at", "during", "against", "over", "of"})


def _year_of_its_object(
    token: Token | None,
    mention: EventMention,
    by_index: dict[int, Sentence],
    published: date | None,
) -> DateSpan | None:
    """An event noun whose phrase reaches, through "against", "over", "in" ..., a noun
    dated by its year ("rallies against the party's victory in the 2019 election") happened
    that year: a year is coarse enough to hold the deed and what answered it. Days and
    months are not taken: a protest against "the May 3 verdict" may come weeks later."""
    if not _names_an_event(token) or token is None:
        return None
    sentence = by_index.get(mention.sentence_index)
    if sentence is None:
        return None
    years = [
        (found, span)
        for found, span in _spans_in(sentence.text, published, "past")
        if found.rule == "year_modifier" and found.attached is not None and span is not None
    ]
    if not years:
        return None
    nouns, seen = [token], 0
    while seen < len(nouns) and seen < 6:
        noun = nouns[seen]
        seen += 1
        at = noun.idx - sentence.start
        for found, span in years:
            if found.start <= at < found.attached[1]:  # type: ignore[index]
                return span
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ in _OF_THE_TIME:
                nouns.extend(c for c in prep.children if c.dep_ == "pobj")
    return None


def carry_dates(
    mentions: Sequence[EventMention],
    article: Article,
    sentences: Sequence[Sentence],
    actors: Sequence[ActorMention],
    doc: Doc | None = None,
) -> list[EventMention]:
    """Date the undated mentions of one article from the story they belong to, after
    :func:`resolve_dates` has dated each mention from its own sentence.

    A mention with no date words of its own takes, in this order, the date of the nearest
    earlier mention of the same event (same type, same two countries, both done or both
    due: "the meeting between the two ministers marked ..." after "... met ... today"),
    or the story's date: the first date of the nearest earlier sentence with one (at most
    ``CARRY_SENTENCES`` back), when that sentence names one of the mention's countries
    ("... told reporters on Friday. During his stay, the minister met ..."), or the date
    of the nearest later mention of the same event (a headline takes the date its body
    gives), or, for a reaction told as immediate ("immediately drew condemnation"), the
    day of the nearest earlier event that happened on a stated day. The same event's
    date goes to any report but a habit in the plain present ("maintains a dialogue");
    the story's date only to simple past reports and plans (see ``_carries``).
    A negated mention with no date words takes the date of the nearest earlier one of the
    same type and two countries that happened (what an act left out). ``date_text`` keeps
    the words that gave the date, which are then not in the mention's own sentence. Order
    is kept."""
    by_index = {s.index: s for s in sentences}
    actors_in: dict[int, set[str]] = {}
    for actor in actors:
        if actor.country:
            actors_in.setdefault(actor.sentence_index, set()).add(actor.country)
    order = sorted(
        range(len(mentions)), key=lambda i: (mentions[i].sentence_index, mentions[i].trigger_start)
    )
    out = list(mentions)
    for pos, i in enumerate(order):
        mention = out[i]
        report = _report_day(mention) if mention.status == "occurred" else None
        if report is not None:
            told = _told_next(mention, doc, by_index, article.published, report)
            if told is not None:
                out[i] = _dated(mention, told)
            continue
        if mention.date is None and mention.status == "negated":
            # "Canada froze the assets of five Iranian officials on Monday ... the
            # Iranian president was not sanctioned": whom the act left out, it left out
            # on the day it was done
            earlier = [
                out[j] for j in order[:pos] if out[j].sentence_index < mention.sentence_index
            ]
            done = _same_event(replace(mention, status="occurred"), earlier)
            span = _span_of(done) if done is not None else None
            if span is not None:
                out[i] = _dated(mention, span)
            continue
        # a line without a verb ("Key takeaways from the meeting") only names an event
        # told before: it may take that event's date, never the story's
        if mention.date is not None or mention.status not in ("occurred", "ongoing", "planned"):
            continue
        token = _trigger_token(doc, mention)
        at = (mention.trigger_start - mention.start_char, mention.trigger_end - mention.start_char)
        if _before_the_story(token) or _offset_clause(mention.sentence, at):
            continue  # before the story, or at a time the sentence sets off from it
        earlier = [out[j] for j in order[:pos] if out[j].sentence_index < mention.sentence_index]
        earlier_here = [
            out[j] for j in order[:pos] if out[j].sentence_index == mention.sentence_index
        ]
        later = [
            mentions[j]
            for j in order[pos + 1 :]
            if mentions[j].sentence_index > mention.sentence_index
        ]
        # the same event told again takes its date in a past, perfect or verbless report
        # ("has been sentenced" ... "Saturday's verdict"), not in the plain present of a
        # habit ("maintains a dialogue"); the story's date goes only to a simple report
        habitual = (
            mention.tense == "present"
            and not _reported_in_past(mention)
            and not _names_an_event(token)
        )
        same = None if habitual else _same_event(mention, earlier)
        span = _span_of(same) if same is not None else None
        if span is None and _carries(mention) and not _a_consequence(token):
            dated_in: dict[int, list[EventMention]] = {}
            for other in earlier:
                if other.date is not None:
                    dated_in.setdefault(other.sentence_index, []).append(other)
            span = _story_date(mention, article.published, by_index, actors_in, dated_in)
        if span is None and not habitual:
            later_same = _same_event(mention, (), later)
            span = _span_of(later_same) if later_same is not None else None
        if span is None and mention.status == "occurred" and mention.tense in ("past", "perfect"):
            span = _told_before(token, mention, by_index, article.published) or _told_next(
                mention, doc, by_index, article.published, None
            )
        if span is None and mention.status == "occurred" and not habitual:
            dated = [
                (t, m)
                for m in earlier_here
                if m.date is not None and (t := _trigger_token(doc, m)) is not None
            ]
            span = (
                _set_off_by(token, dated)
                or _named_later(token, mention, by_index, article.published)
                or _year_of_its_object(token, mention, by_index, article.published)
            )
        if span is None and mention.status == "occurred" and _PROMPT.search(mention.sentence):
            span = _prompted_by(earlier)
        if span is not None:
            out[i] = _dated(mention, span)
    return out


def _dated(mention: EventMention, span: DateSpan) -> EventMention:
    return replace(
        mention,
        date=span.start.isoformat(),
        date_end=None if span.end == span.start else span.end.isoformat(),
        date_precision=span.precision,
        date_text=span.text,
    )
