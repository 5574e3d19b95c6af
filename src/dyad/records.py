"""Typed records passed between pipeline stages.

These frozen dataclasses are the contract between stages: every stage takes some of them
and returns new ones (``dataclasses.replace`` to fill in later fields). They import
nothing else of dyad and are picklable, so the same stage functions run in a test, in a
process pool or on a Dask worker.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

__all__ = [
    "ActorMention",
    "Article",
    "ArticleResult",
    "Event",
    "EventMention",
    "Location",
    "Segment",
    "Sentence",
    "article_id_for",
    "mention_id",
    "normalise_text",
]

# ``Event.date`` (an ISO string) shadows the date type inside that class.
Day = date

STATUSES = ("occurred", "ongoing", "planned", "negated", "hypothetical")
PRECISIONS = ("day", "week", "month", "year")


def status_phase(status: str) -> str:
    """What a status says of the event: done (occurred, ongoing), due (planned), or the
    status itself (negated, hypothetical). Mentions of one event share a phase."""
    return {"occurred": "done", "ongoing": "done", "planned": "due"}.get(status, status)


def normalise_text(text: str) -> str:
    """Text as compared for identity: NFKC, lower case, whitespace folded."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", " ", folded).strip()


def article_id_for(text: str) -> str:
    """Stable article id: the first 16 hex digits of SHA-256 of the normalised text."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:16]


def mention_id(
    article_id: str,
    sentence_index: int,
    trigger_start: int,
    trigger_end: int,
    source_code: str | None,
    target_code: str | None,
    plover: str,
) -> str:
    """Stable mention id (16 hex digits): where the trigger is in which article, and what
    the event stage made of it. A copy's mentions built from its original's get the ids a
    parse of the copy would give."""
    key = "|".join(
        str(x)
        for x in (
            article_id,
            sentence_index,
            trigger_start,
            trigger_end,
            source_code or "",
            target_code or "",
            plover,
        )
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of cleaned text copied from the original: ``clean[start:start+length]``
    equals ``original[original_start:original_start+length]``."""

    start: int
    original_start: int
    length: int


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as read (and later cleaned).

    ``text`` is the text every later offset refers to. After cleaning, ``original_text``
    keeps what was read and ``segments`` map cleaned offsets back to it.
    ``published_from`` says how the publication date was found: "override", "date line",
    "published line", "meta", "url", "feed", "jsonl", "page text" or None.
    """

    article_id: str
    text: str
    published: date | None = None
    published_from: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    path: str | None = None
    language: str = "en"
    dateline: str | None = None
    original_text: str | None = None
    segments: tuple[Segment, ...] = ()
    metadata: dict[str, object] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    ingested_at: datetime | None = None

    def original_offset(self, offset: int, *, end: bool = False) -> int:
        """Map an offset in ``text`` to the offset in ``original_text``.

        A character position maps into the segment holding it. With ``end=True`` an
        exclusive span end maps to just after the character before it, so a mapped span
        never swallows text that cleaning removed between two segments.
        """
        if not self.segments:
            return offset
        if end and offset > 0:
            return self.original_offset(offset - 1) + 1
        i = bisect.bisect_right(self.segments, offset, key=lambda seg: seg.start) - 1
        if i >= 0:
            seg = self.segments[i]
            if offset < seg.start + seg.length:
                return seg.original_start + (offset - seg.start)
        last = self.segments[-1]
        return last.original_start + last.length


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article: index and character offsets in ``Article.text``."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class ActorMention:
    """A coded political actor mentioned in an article.

    ``country`` is ISO 3166 alpha-3 (or "IGO" for international organisations, with the
    organisation code such as "UNO" in ``sector``-like ``org``). ``resolved_by`` says how
    the code was found: "codebook", "title", "ner", "metonym", "coref", "compound",
    "context".
    """

    start: int
    end: int
    sentence_index: int
    text: str
    country: str | None
    sector: str | None
    name: str
    role: str | None = None
    resolved_by: str = "codebook"
    token_start: int = -1
    token_end: int = -1

    @property
    def code(self) -> str | None:
        """Actor code as "CTY SEC", "CTY", or None when nothing is known."""
        parts = [p for p in (self.country, self.sector) if p]
        return " ".join(parts) if parts else None


@dataclass(frozen=True, slots=True)
class Location:
    """A gazetteer place. ``country`` is ISO 3166 alpha-3."""

    name: str
    country: str | None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None
    feature: str = "city"  # city, country, admin1
    text: str | None = None  # the words that gave it
    how: str | None = None  # sentence, dateline, here, visit, context


@dataclass(frozen=True, slots=True)
class EventMention:
    """One event as one sentence of one article states it, with its evidence."""

    mention_id: str
    article_id: str
    sentence_index: int
    sentence: str
    start_char: int  # sentence start in Article.text
    end_char: int  # sentence end in Article.text
    trigger: str
    trigger_start: int
    trigger_end: int
    source: ActorMention | None
    target: ActorMention | None
    plover: str
    cameo: str
    goldstein: float
    quad_class: int
    status: str = "occurred"
    mode: str | None = None
    context: tuple[str, ...] = ()
    tense: str | None = None  # past, present, progressive, future, perfect
    date: str | None = None  # ISO date YYYY-MM-DD (start of interval)
    date_end: str | None = None
    date_precision: str | None = None
    date_text: str | None = None
    location: Location | None = None
    confidence: float = 0.5
    event_id: str | None = None
    # the sentence reports it as one more beside what the article said before ("also")
    additional: bool = False

    @property
    def source_code(self) -> str | None:
        return self.source.code if self.source else None

    @property
    def target_code(self) -> str | None:
        return self.target.code if self.target else None


@dataclass(frozen=True, slots=True)
class ArticleResult:
    """Everything the per-article stages found in one article."""

    article: Article
    sentences: tuple[Sentence, ...] = ()
    actors: tuple[ActorMention, ...] = ()
    events: tuple[EventMention, ...] = ()


@dataclass(frozen=True, slots=True)
class Event:
    """One real-world event, linked from one or more mentions across articles."""

    event_id: str
    source: str | None
    target: str | None
    source_name: str | None
    target_name: str | None
    plover: str
    cameo: str
    goldstein: float
    quad_class: int
    status: str
    date: str | None
    date_end: str | None
    date_precision: str | None
    location: Location | None
    first_seen: Day | None  # publication dates of the first and last report
    last_seen: Day | None
    num_mentions: int
    num_sources: int
    num_articles: int
    mention_ids: tuple[str, ...]
    status_history: tuple[tuple[str, str], ...] = ()  # (published date, status)
    confidence: float = 0.5
