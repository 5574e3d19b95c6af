"""Score extracted events against an analyst's gold annotations.

Two gold formats (docs/evaluation.md gives every rule):

- **article gold**: JSON Lines, one line per event mention an analyst codes in an article
  (article, event_key, source, target, plover, cameo, status, date, date_end, date_alt,
  location, required ...). ``score`` matches predicted event mentions (export records)
  one-to-one to gold lines and reports event precision/recall/F1, per-field accuracy over
  the matches, pairwise linking scores, a per-article table, misses and false events.
- **sentence suites**: JSON Lines ``{"id", "text", "date", "expected": [{source, target,
  cameo}]}``. ``score_sentences`` reports CAMEO root, country and full-code agreement.

``check_floors`` compares a report with the pinned floors (eval/floors.json) so a build can
fail when a score drops. The library never prints: ``render`` draws a report on a rich
console the caller owns.
"""

from __future__ import annotations

import calendar
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pycountry
from rich.console import Console
from rich.table import Table
from scipy.optimize import linear_sum_assignment

from dyad.codebooks import geonames
from dyad.codebooks.ontology import bundled_ontology
from dyad.errors import InputError
from dyad.records import STATUSES

__all__ = [
    "PRF",
    "EvalReport",
    "ExpectedEvent",
    "FalseEvent",
    "FieldScore",
    "GoldMention",
    "Match",
    "Miss",
    "SentenceCase",
    "SentenceScores",
    "check_floors",
    "group_predictions",
    "load_gold",
    "load_predictions",
    "load_sentence_gold",
    "render",
    "score",
    "score_sentences",
    "split_code",
]

#: Fields scored over matched mentions, in report order.
FIELDS = ("cameo_root", "sector", "status", "date", "date_exact", "location")
#: Days a predicted date may lie outside the gold day or range and still count for
#: ``date`` (an overnight attack, a report's day); ``date_exact`` allows none.
DATE_SLACK_DAYS = 1

Prediction = Mapping[str, Any]


# --------------------------------------------------------------------------- codes, dates


def normalise_code(code: object) -> str | None:
    """Actor code as space-separated upper-case blocks; run-together CAMEO-style codes
    ("USAGOV", "IGOUNO") are cut into blocks of three."""
    if code is None:
        return None
    text = str(code).strip().upper()
    if not text:
        return None
    if " " not in text and len(text) > 3 and len(text) % 3 == 0 and text.isalnum():
        text = " ".join(text[i : i + 3] for i in range(0, len(text), 3))
    return " ".join(text.split())


def parties(code: object) -> list[str]:
    """The actor codes of one side of a gold line; "EGY COP|EGY MIL" lists two parties, any
    of which a prediction may name."""
    if code is None:
        return []
    return [n for part in str(code).split("|") if (n := normalise_code(part)) is not None]


def normalise_side(code: object) -> str | None:
    """A side of a gold line, each party normalised ("egy cop|EGY MIL" -> "EGY COP|EGY MIL")."""
    return "|".join(parties(code)) or None


def side_countries(code: object) -> set[str | None]:
    """The countries a side of a gold line allows (``{None}`` for an empty side)."""
    return {split_code(p)[0] for p in parties(code)} or {None}


def split_code(code: object) -> tuple[str | None, str | None]:
    """(country, sector) of an actor code. The country is the first block, except for
    international organisations, where "IGO UNO" as a whole plays the country's part."""
    norm = normalise_code(code)
    if norm is None:
        return None, None
    blocks = norm.split()
    n = 2 if blocks[0] == "IGO" and len(blocks) > 1 else 1
    return " ".join(blocks[:n]), " ".join(blocks[n:]) or None


def _cameo(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, int):  # JSON numbers lose the leading zero
        return str(value).zfill(3)
    return str(value).strip()


_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:$|T)")


def date_span(value: str | None) -> tuple[date, date] | None:
    """First and last day an ISO date of day, month or year precision covers."""
    if not value:
        return None
    m = _DATE.match(str(value).strip())
    if not m:
        return None
    year = int(m[1])
    try:
        if m[3]:
            day = date(year, int(m[2]), int(m[3]))
            return day, day
        if m[2]:
            month = int(m[2])
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None


def _interval(start: str | None, end: str | None) -> tuple[date, date] | None:
    first, last = date_span(start), date_span(end or start)
    if first is None or last is None or last[1] < first[0]:
        return None
    return first[0], last[1]


# --------------------------------------------------------------------------- places


def _norm_name(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = re.sub(r"[.'’]", "", plain)
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def _same_place(a: str, b: str) -> bool:
    """Names agree when one's words begin the other's ("Washington" ~ "Washington DC")."""
    ta, tb = _norm_name(a.split(",")[0]).split(), _norm_name(b.split(",")[0]).split()
    if not ta or not tb:
        return False
    short, long_ = sorted((ta, tb), key=len)
    return long_[: len(short)] == short


class _Countries:
    """Country name or code → ISO 3166 alpha-3, from pycountry then the GeoNames names."""

    def __init__(self) -> None:
        self._by_name = {_norm_name(c["name"]): c["iso3"] for c in geonames.countries().values()}

    def iso3(self, text: str | None) -> str | None:
        if not text or not text.strip():
            return None
        try:
            return str(pycountry.countries.lookup(text.strip()).alpha_3)
        except LookupError:
            return self._by_name.get(_norm_name(text))


@dataclass(frozen=True, slots=True)
class _GoldPlace:
    city: str | None
    country: str | None  # ISO3 when known
    country_text: str | None


def _gold_place(text: str | None, countries: _Countries) -> _GoldPlace | None:
    if not text or not text.strip():
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    last = parts[-1]
    iso = countries.iso3(last)
    if len(parts) == 1 and iso is None:
        return _GoldPlace(city=last, country=None, country_text=None)
    return _GoldPlace(city=parts[0] if len(parts) > 1 else None, country=iso, country_text=last)


def _location_ok(gold: _GoldPlace | None, pred: object, countries: _Countries) -> bool:
    if gold is None:
        return not pred
    if not isinstance(pred, Mapping):
        return False
    name = str(pred.get("name") or "")
    pred_country = str(pred.get("country") or "").upper() or countries.iso3(name)
    if gold.city is not None:
        countries_agree = gold.country is None or not pred_country or pred_country == gold.country
        return bool(name) and _same_place(gold.city, name) and countries_agree
    if gold.country is not None:
        return pred_country == gold.country
    return bool(name) and _same_place(gold.country_text or "", name)


# --------------------------------------------------------------------------- gold loading


@dataclass(frozen=True, slots=True)
class GoldMention:
    """One line of article gold: an event mention an analyst codes."""

    article: str
    plover: str
    source: str | None
    target: str | None
    cameo: str | None = None
    status: str | None = None
    date: str | None = None
    date_end: str | None = None
    date_alt: str | None = None
    location: str | None = None
    event_key: str | None = None
    required: bool = True
    evidence: str | None = None
    source_name: str | None = None
    target_name: str | None = None
    line: int = 0


def _jsonl(path: str | Path) -> Iterable[tuple[int, dict[str, Any]]]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(str(path), f"not JSON: {exc.msg}", line=number) from exc
        if not isinstance(obj, dict):
            raise InputError(str(path), "expected a JSON object", line=number)
        yield number, obj


#: Field names of the development-set schema and the article-gold names they stand for.
_GOLD_ALIASES = {"article_id": "article", "cameo_root": "cameo", "event_date": "date"}


def load_gold(path: str | Path) -> list[GoldMention]:
    """Read article gold (JSON Lines); a bad line raises InputError naming file and line.

    Both the seed-gold schema (article, cameo, date) and the development-set schema
    (article_id, cameo_root, event_date) are read; a side may list several parties
    joined by "|"."""
    gold = []
    for number, obj in _jsonl(path):
        obj = {_GOLD_ALIASES.get(k, k): v for k, v in obj.items()}
        for key in ("article", "plover"):
            if not obj.get(key):
                raise InputError(str(path), f"missing {key!r}", line=number)
        for key in ("date", "date_end", "date_alt"):
            if obj.get(key) and date_span(obj[key]) is None:
                raise InputError(
                    str(path), f"{key} {obj[key]!r} is not YYYY[-MM[-DD]]", line=number
                )
        if obj.get("status") is not None and obj["status"] not in STATUSES:
            raise InputError(
                str(path), f"status {obj['status']!r} is not one of {STATUSES}", line=number
            )
        if obj.get("date") and _interval(obj["date"], obj.get("date_end")) is None:
            raise InputError(str(path), "date_end is before date", line=number)
        gold.append(
            GoldMention(
                article=str(obj["article"]),
                plover=str(obj["plover"]).upper(),
                source=normalise_side(obj.get("source")),
                target=normalise_side(obj.get("target")),
                cameo=_cameo(obj.get("cameo")),
                status=obj.get("status"),
                date=obj.get("date"),
                date_end=obj.get("date_end"),
                date_alt=obj.get("date_alt"),
                location=obj.get("location"),
                event_key=obj.get("event_key"),
                required=obj.get("required", True) is not False,
                evidence=obj.get("evidence"),
                source_name=obj.get("source_name"),
                target_name=obj.get("target_name"),
                line=number,
            )
        )
    return gold


def load_predictions(path: str | Path) -> list[dict[str, Any]]:
    """Read an event export written with ``--format jsonl``."""
    return [obj for _, obj in _jsonl(path)]


# --------------------------------------------------------------------------- report records


def _ratio(hits: int, total: int) -> float | None:
    return hits / total if total else None


def _f1(precision: float | None, recall: float | None) -> float | None:
    if precision == 0 or recall == 0:
        return 0.0
    if precision is None or recall is None:
        return None
    return 2 * precision * recall / (precision + recall)


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision = precise/predicted, recall = found/gold; a zero denominator gives None."""

    precise: int
    predicted: int
    found: int
    gold: int

    @property
    def precision(self) -> float | None:
        return _ratio(self.precise, self.predicted)

    @property
    def recall(self) -> float | None:
        return _ratio(self.found, self.gold)

    @property
    def f1(self) -> float | None:
        return _f1(self.precision, self.recall)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True, slots=True)
class FieldScore:
    correct: int
    total: int

    @property
    def accuracy(self) -> float | None:
        return _ratio(self.correct, self.total)


@dataclass(frozen=True, slots=True)
class Match:
    """A gold line and the prediction matched to it, with each field's verdict
    (None where the field is not scored for this pair)."""

    article: str
    gold_line: int
    event_key: str | None
    required: bool
    plover: str
    mention_id: str | None
    event_id: str | None
    swapped: bool
    fields: dict[str, bool | None]
    gold_values: dict[str, Any]
    predicted_values: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Miss:
    """A required gold line no prediction matched, and what came closest."""

    article: str
    gold_line: int
    event_key: str | None
    source: str | None
    target: str | None
    plover: str
    date: str | None
    evidence: str | None
    hint: str


@dataclass(frozen=True, slots=True)
class FalseEvent:
    """A prediction in a scored article that matched no gold line."""

    article: str
    mention_id: str | None
    source: str | None
    target: str | None
    plover: str | None
    cameo: str | None
    sentence: str | None
    hint: str


@dataclass(frozen=True, slots=True)
class ArticleRow:
    article: str
    gold_required: int
    gold_optional: int
    predicted: int
    found: int
    found_optional: int
    false_events: int
    repeats: int = 0  # further mentions of an event already matched in this article

    @property
    def prf(self) -> PRF:
        return PRF(self.found + self.found_optional, self.predicted, self.found, self.gold_required)


@dataclass
class EvalReport:
    """Everything ``score`` measured; ``metrics()`` are the numbers floors pin."""

    event: PRF
    fields: dict[str, FieldScore]
    linking: PRF
    articles: list[ArticleRow]
    matches: list[Match]
    misses: list[Miss]
    false_events: list[FalseEvent]
    ignored_predictions: int = 0
    by_type: dict[str, PRF] = field(default_factory=dict)
    cross_linking: PRF = field(default_factory=lambda: PRF(0, 0, 0, 0))

    @property
    def repeats(self) -> int:
        """False events that fit a gold line an event of the same article already matched:
        one real event told again in an article and counted as another event."""
        return sum(f.hint == _DUPLICATE_HINT for f in self.false_events)

    @property
    def repeats_per_event(self) -> float | None:
        """Extra events from repeats per required event found."""
        return _ratio(self.repeats, self.event.found)

    def metrics(self) -> dict[str, float | None]:
        out: dict[str, float | None] = {
            "event_precision": self.event.precision,
            "event_recall": self.event.recall,
            "event_f1": self.event.f1,
        }
        out.update({f"{name}_accuracy": fs.accuracy for name, fs in self.fields.items()})
        out.update(
            {
                "linking_precision": self.linking.precision,
                "linking_recall": self.linking.recall,
                "linking_f1": self.linking.f1,
                "cross_linking_precision": self.cross_linking.precision,
                "cross_linking_recall": self.cross_linking.recall,
                "cross_linking_f1": self.cross_linking.f1,
            }
        )
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict with stable keys (the ``--json`` output)."""
        return {
            "metrics": self.metrics(),
            "event": self.event.to_dict(),
            "fields": {
                name: {"correct": fs.correct, "total": fs.total, "accuracy": fs.accuracy}
                for name, fs in self.fields.items()
            },
            "linking": self.linking.to_dict(),
            "cross_linking": self.cross_linking.to_dict(),
            "repeats": self.repeats,
            "repeats_per_event": self.repeats_per_event,
            "ignored_predictions": self.ignored_predictions,
            "articles": [{**asdict(row), **row.prf.to_dict()} for row in self.articles],
            "matches": [asdict(m) for m in self.matches],
            "misses": [asdict(m) for m in self.misses],
            "false_events": [asdict(f) for f in self.false_events],
            "by_type": {name: prf.to_dict() for name, prf in self.by_type.items()},
        }


# --------------------------------------------------------------------------- article scoring


def path_keys(value: object) -> list[str]:
    """A path and each of its trailing parts, longest first, then the file's stem
    ("corpus/d001.json#1" -> ..., "d001.json#1", "d001")."""
    if not value:
        return []
    parts = re.split(r"[\\/]", str(value))
    keys = ["/".join(parts[i:]) for i in range(len(parts)) if parts[i]]
    stem = parts[-1].split("#", 1)[0].rsplit(".", 1)[0]
    return [*keys, stem] if stem and stem not in keys else keys


def _article_of(pred: Prediction, articles: set[str]) -> str | None:
    """The gold article a prediction belongs to: its article_path (or URL) or one of its
    trailing parts, or its article_id, names a gold article."""
    for key in (*path_keys(pred.get("article_path")), *path_keys(pred.get("article_url"))):
        if key in articles:
            return key
    article_id = pred.get("article_id")
    return str(article_id) if article_id is not None and str(article_id) in articles else None


def symmetric_types() -> frozenset[str]:
    """PLOVER types scored in either order, as the bundled plover codebook defines them."""
    return bundled_ontology().symmetric_types


def _orientation(gold: GoldMention, pred: Prediction) -> bool | None:
    """False when the countries agree in order, True when only swapped (symmetric types),
    None when the pair cannot match. A side listing several parties accepts any of them."""
    if str(pred.get("plover") or "").upper() != gold.plover:
        return None
    sources, targets = side_countries(gold.source), side_countries(gold.target)
    p = (split_code(pred.get("source"))[0], split_code(pred.get("target"))[0])
    if p[0] in sources and p[1] in targets:
        return False
    if gold.plover in symmetric_types() and p[1] in sources and p[0] in targets:
        return True
    return None


def _sector_ok(gold: GoldMention, pred: Prediction, swapped: bool) -> bool | None:
    """Each side whose gold parties of the predicted country carry a sector must name one
    of those sectors; None when no side has a sector to compare."""
    sides = [(gold.source, pred.get("source")), (gold.target, pred.get("target"))]
    if swapped:
        sides = [(gold.source, pred.get("target")), (gold.target, pred.get("source"))]
    verdicts = []
    for side, code in sides:
        country, sector = split_code(code)
        allowed = {s for c, s in map(split_code, parties(side)) if c == country}
        if allowed - {None}:
            verdicts.append(sector in allowed)
    return all(verdicts) if verdicts else None


def _date_ok(gold: GoldMention, pred: Prediction, slack: int = 0) -> bool:
    if pred.get("date") is None:
        return gold.date is None
    if gold.date is None:
        return False
    span = _interval(pred.get("date"), pred.get("date_end"))
    if span is None:
        return False
    accepted = [_interval(gold.date, gold.date_end), _interval(gold.date_alt, None)]
    pad = timedelta(days=slack)
    if pred.get("date_precision") == "day" and pred.get("date_end"):
        # a run of days ("from April 29 to May 11"): analysts code its first day
        span = (span[0], span[0])
    return any(g is not None and g[0] - pad <= span[0] and span[1] <= g[1] + pad for g in accepted)


def _judge(
    gold: GoldMention, pred: Prediction, swapped: bool, countries: _Countries
) -> dict[str, bool | None]:
    gold_cameo, pred_cameo = gold.cameo, _cameo(pred.get("cameo"))
    return {
        "cameo_root": None if gold_cameo is None else (pred_cameo or "")[:2] == gold_cameo[:2],
        "sector": _sector_ok(gold, pred, swapped),
        "status": None if gold.status is None else pred.get("status") == gold.status,
        "date": _date_ok(gold, pred, DATE_SLACK_DAYS),
        "date_exact": _date_ok(gold, pred),
        "location": _location_ok(
            _gold_place(gold.location, countries), pred.get("location"), countries
        ),
        "cameo": None if gold_cameo is None else pred_cameo == gold_cameo,
        "codes": normalise_code(pred.get("source")) in parties(gold.source)
        and normalise_code(pred.get("target")) in parties(gold.target),
    }


_EVIDENCE_WORD = re.compile(r"[^\W_]+")


def _holds_evidence(gold: GoldMention, pred: Prediction) -> bool:
    """The predicted mention's sentence quotes the gold line's evidence (four in five of
    its words), so the pair is the analyst's sentence and not another one that fits."""
    words = _EVIDENCE_WORD.findall((gold.evidence or "").lower())
    sentence = set(_EVIDENCE_WORD.findall(str(pred.get("sentence") or "").lower()))
    return bool(words) and sum(w in sentence for w in words) >= 0.8 * len(words)


def _assign(weights: np.ndarray) -> list[tuple[int, int]]:
    """Maximum-weight one-to-one assignment; zero weight means "cannot match"."""
    if weights.size == 0:
        return []
    rows, cols = linear_sum_assignment(weights, maximize=True)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if weights[r, c] > 0]


def _miss_hint(gold: GoldMention, preds: Sequence[Prediction]) -> str:
    g = side_countries(gold.source) | side_countries(gold.target)
    candidates = [p for p in preds if _orientation(gold, p) is not None]
    if candidates:
        return "a prediction that fits was matched to another gold line"
    for p in preds:
        if {split_code(p.get("source"))[0], split_code(p.get("target"))[0]} <= g:
            return f"predicted {p.get('plover')} ({p.get('cameo')}) for these actors"
    for p in preds:
        if str(p.get("plover") or "").upper() == gold.plover:
            return f"predicted {gold.plover} between {p.get('source')} and {p.get('target')}"
    return "no prediction with these actors or this type"


def score(
    gold: Sequence[GoldMention],
    predictions: Iterable[Prediction],
    *,
    articles: Iterable[str] | None = None,
) -> EvalReport:
    """Match predictions to gold one-to-one per article and score them.

    ``articles`` names the scored articles (default: those the gold mentions); predictions
    from other articles are ignored and counted in ``ignored_predictions``. An article
    listed here with no gold line makes every prediction in it a false event.
    """
    scored = {g.article for g in gold} | set(articles or ())
    countries = _Countries()
    gold_by: dict[str, list[GoldMention]] = {a: [] for a in scored}
    for g in gold:
        gold_by[g.article].append(g)
    preds_by: dict[str, list[Prediction]] = {a: [] for a in scored}
    ignored = 0
    for pred in predictions:
        article = _article_of(pred, scored)
        if article is None:
            ignored += 1
        else:
            preds_by[article].append(pred)

    matches: list[Match] = []
    misses: list[Miss] = []
    false_events: list[FalseEvent] = []
    rows: list[ArticleRow] = []
    for article in sorted(scored):
        row = _score_article(article, gold_by[article], _in_order(preds_by[article]), countries)
        rows.append(row.row)
        matches += row.matches
        misses += row.misses
        false_events += row.false_events

    event = PRF(
        precise=len(matches),
        predicted=sum(r.predicted for r in rows),
        found=sum(r.found for r in rows),
        gold=sum(r.gold_required for r in rows),
    )
    fields = {
        name: FieldScore(
            correct=sum(m.fields[name] is True for m in matches),
            total=sum(m.fields[name] is not None for m in matches),
        )
        for name in FIELDS
    }
    return EvalReport(
        by_type=_by_type(gold_by, matches, false_events),
        event=event,
        fields=fields,
        linking=_linking(matches),
        cross_linking=_linking(matches, across=True),
        articles=rows,
        matches=matches,
        misses=misses,
        false_events=false_events,
        ignored_predictions=ignored,
    )


def _in_order(preds: list[Prediction]) -> list[Prediction]:
    """Predictions in one fixed order (position, then id): the one-to-one matching breaks
    ties by order, so the same predictions always score the same."""
    return sorted(
        preds,
        key=lambda p: (
            p.get("sentence_index") or 0,
            p.get("trigger_start") or 0,
            str(p.get("mention_id") or ""),
        ),
    )


def _by_type(
    gold_by: Mapping[str, Sequence[GoldMention]],
    matches: Sequence[Match],
    false_events: Sequence[FalseEvent],
) -> dict[str, PRF]:
    """Event precision and recall per PLOVER type (gold type for recall, predicted for
    precision; a matched pair has one type)."""
    required = Counter(g.plover for golds in gold_by.values() for g in golds if g.required)
    matched = Counter(m.plover for m in matches)
    found = Counter(m.plover for m in matches if m.required)
    false = Counter(str(f.plover or "").upper() for f in false_events)
    return {
        name: PRF(matched[name], matched[name] + false[name], found[name], required[name])
        for name in sorted(set(required) | set(matched) | set(false))
    }


@dataclass(frozen=True, slots=True)
class _ArticleScore:
    row: ArticleRow
    matches: list[Match]
    misses: list[Miss]
    false_events: list[FalseEvent]


def _score_article(
    article: str, golds: list[GoldMention], preds: list[Prediction], countries: _Countries
) -> _ArticleScore:
    """One-to-one matching inside one article: most matches first, then most required
    lines, then gold lines paired with the mention of the sentence their evidence
    quotes, then most agreeing fields."""
    judged: dict[tuple[int, int], tuple[bool, dict[str, bool | None]]] = {}
    weights = np.zeros((len(golds), len(preds)))
    for i, g in enumerate(golds):
        for j, p in enumerate(preds):
            swapped = _orientation(g, p)
            if swapped is None:
                continue
            verdicts = _judge(g, p, swapped, countries)
            judged[i, j] = (swapped, verdicts)
            agreement = sum(v is True for v in verdicts.values()) + (not swapped)
            weights[i, j] = 1000 + 100 * g.required + 10 * _holds_evidence(g, p) + agreement
    pairs = _assign(weights)
    used_gold, used_pred = {i for i, _ in pairs}, {j for _, j in pairs}
    fitting = {j for _, j in judged}
    misses = [
        Miss(
            article,
            g.line,
            g.event_key,
            g.source,
            g.target,
            g.plover,
            g.date,
            g.evidence,
            _miss_hint(g, preds),
        )
        for i, g in enumerate(golds)
        if g.required and i not in used_gold
    ]
    # An analyst codes an event once per article: more mentions of a matched event are
    # neither a hit nor a false event, and an unmatched event told several times is one
    # false event. Mentions are one event when linking gave them one event_id, or when
    # they share a trigger (a multi-party event told as pairs: "X met Y and Z").
    group = _event_groups(preds)
    seen = {group[j] for _, j in pairs}
    repeats = set()
    for j in range(len(preds)):
        if j in used_pred:
            continue
        if group[j] in seen:
            repeats.add(j)
        seen.add(group[j])
    false_events = [
        FalseEvent(
            article,
            p.get("mention_id"),
            normalise_code(p.get("source")),
            normalise_code(p.get("target")),
            p.get("plover"),
            _cameo(p.get("cameo")),
            p.get("sentence"),
            _DUPLICATE_HINT if j in fitting else "",
        )
        for j, p in enumerate(preds)
        if j not in used_pred and j not in repeats
    ]
    found = sum(golds[i].required for i in used_gold)
    row = ArticleRow(
        article=article,
        gold_required=sum(g.required for g in golds),
        gold_optional=sum(not g.required for g in golds),
        predicted=len(preds) - len(repeats),
        found=found,
        found_optional=len(pairs) - found,
        false_events=len(false_events),
        repeats=len(repeats),
    )
    matches = [_match(golds[i], preds[j], *judged[i, j]) for i, j in pairs]
    return _ArticleScore(row, matches, misses, false_events)


_DUPLICATE_HINT = "duplicate: the gold line it fits is matched already"


def _event_groups(preds: Sequence[Prediction]) -> list[int]:
    """For each prediction, the index of the first prediction of its event: mentions
    sharing an event_id or a trigger (same offsets and type) are one event."""
    parent = list(range(len(preds)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[Any, ...], int] = {}
    for j, p in enumerate(preds):
        keys: list[tuple[Any, ...]] = []
        if p.get("event_id") is not None:
            keys.append(("event", p.get("event_id")))
        if p.get("trigger_start") is not None:
            keys.append(("trigger", p.get("trigger_start"), p.get("plover")))
        for key in keys:
            other = first.setdefault(key, j)
            parent[max(root(j), root(other))] = min(root(j), root(other))
    return [root(j) for j in range(len(preds))]


def _match(g: GoldMention, p: Prediction, swapped: bool, verdicts: dict[str, bool | None]) -> Match:
    loc = p.get("location")
    return Match(
        article=g.article,
        gold_line=g.line,
        event_key=g.event_key,
        required=g.required,
        plover=g.plover,
        mention_id=p.get("mention_id"),
        event_id=p.get("event_id"),
        swapped=swapped,
        fields={name: verdicts[name] for name in FIELDS},
        gold_values={
            "cameo_root": g.cameo,
            "sector": f"{g.source} → {g.target}",
            "status": g.status,
            "date": g.date if not g.date_end else f"{g.date}..{g.date_end}",
            "date_exact": g.date if not g.date_end else f"{g.date}..{g.date_end}",
            "location": g.location,
        },
        predicted_values={
            "cameo_root": _cameo(p.get("cameo")),
            "sector": f"{normalise_code(p.get('source'))} → {normalise_code(p.get('target'))}",
            "status": p.get("status"),
            "date": p.get("date") if not p.get("date_end") else f"{p['date']}..{p['date_end']}",
            "date_exact": p.get("date")
            if not p.get("date_end")
            else f"{p['date']}..{p['date_end']}",
            "location": None
            if not isinstance(loc, Mapping)
            else ", ".join(str(v) for v in (loc.get("name"), loc.get("country")) if v),
        },
    )


def _pairs(counts: Iterable[int]) -> int:
    return sum(math.comb(n, 2) for n in counts)


def _linking(matches: Sequence[Match], *, across: bool = False) -> PRF:
    """Pairwise linking over matched mentions: a pair is linked in gold when both share an
    event_key, and in the prediction when both share an event_id. ``across`` counts only
    pairs from two different articles (one event told by several outlets); the default
    counts pairs within an article too, where two gold events merged into one is an error
    of its own."""
    gold_keys = Counter(m.event_key for m in matches if m.event_key is not None)
    pred_ids = Counter(m.event_id for m in matches if m.event_id is not None)
    both = Counter(
        (m.event_key, m.event_id)
        for m in matches
        if m.event_key is not None and m.event_id is not None
    )
    if across:
        # pairs within one article are taken out of each count
        def per_article(key: Callable[[Match], object]) -> int:
            return _pairs(
                Counter((key(m), m.article) for m in matches if key(m) is not None).values()
            )

        tp = _pairs(both.values()) - per_article(lambda m: (m.event_key, m.event_id))
        predicted = _pairs(pred_ids.values()) - per_article(lambda m: m.event_id)
        gold = _pairs(gold_keys.values()) - per_article(lambda m: m.event_key)
        return PRF(precise=tp, predicted=predicted, found=tp, gold=gold)
    tp = _pairs(both.values())
    return PRF(
        precise=tp, predicted=_pairs(pred_ids.values()), found=tp, gold=_pairs(gold_keys.values())
    )


# --------------------------------------------------------------------------- sentence suites


@dataclass(frozen=True, slots=True)
class ExpectedEvent:
    source: str | None
    target: str | None
    cameo: str | None


@dataclass(frozen=True, slots=True)
class SentenceCase:
    """One sentence of a suite and the events it should yield (none for a negative case)."""

    id: str
    text: str
    date: str | None
    expected: tuple[ExpectedEvent, ...]
    line: int = 0


@dataclass(frozen=True, slots=True)
class SentencePair:
    expected: ExpectedEvent
    predicted: ExpectedEvent | None
    root: bool
    country: bool
    full: bool


@dataclass(frozen=True, slots=True)
class SentenceResult:
    id: str
    text: str
    pairs: tuple[SentencePair, ...]
    extra: tuple[ExpectedEvent, ...]

    @property
    def correct(self) -> bool:
        return not self.extra and all(p.full for p in self.pairs)


@dataclass
class SentenceScores:
    """Agreement of predicted codes with a sentence suite; ``metrics()`` feed floors."""

    results: list[SentenceResult]

    @property
    def expected(self) -> int:
        return sum(len(r.pairs) for r in self.results)

    @property
    def predicted(self) -> int:
        return sum(
            len(r.extra) + sum(p.predicted is not None for p in r.pairs) for r in self.results
        )

    def _count(self, what: str) -> int:
        return sum(getattr(p, what) for r in self.results for p in r.pairs)

    def metrics(self) -> dict[str, float | None]:
        precise = sum(p.root and p.country for r in self.results for p in r.pairs)
        return {
            "root_agreement": _ratio(self._count("root"), self.expected),
            "country_agreement": _ratio(self._count("country"), self.expected),
            "full_agreement": _ratio(self._count("full"), self.expected),
            "precision": _ratio(precise, self.predicted),
            "sentence_accuracy": _ratio(sum(r.correct for r in self.results), len(self.results)),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "metrics": self.metrics(),
            "sentences": len(self.results),
            "expected": self.expected,
            "predicted": self.predicted,
            "results": [{**asdict(r), "correct": r.correct} for r in self.results],
        }


def load_sentence_gold(path: str | Path) -> list[SentenceCase]:
    """Read a sentence suite (JSON Lines); a bad line raises InputError."""
    cases = []
    for number, obj in _jsonl(path):
        if not obj.get("id") or not isinstance(obj.get("text"), str):
            raise InputError(str(path), "needs 'id' and 'text'", line=number)
        expected = obj.get("expected", [])
        if not isinstance(expected, list) or not all(isinstance(e, dict) for e in expected):
            raise InputError(str(path), "'expected' must be a list of objects", line=number)
        cases.append(
            SentenceCase(
                id=str(obj["id"]),
                text=obj["text"],
                date=obj.get("date"),
                expected=tuple(
                    ExpectedEvent(
                        normalise_code(e.get("source")),
                        normalise_code(e.get("target")),
                        _cameo(e.get("cameo")),
                    )
                    for e in expected
                ),
                line=number,
            )
        )
    return cases


def group_predictions(
    predictions: Iterable[Prediction], ids: Iterable[str]
) -> dict[str, list[Prediction]]:
    """Predictions keyed by suite id: the id is the article_id, the article_path, one of
    its trailing parts, or its file name without extension."""
    wanted = set(ids)
    grouped: dict[str, list[Prediction]] = {i: [] for i in wanted}
    for pred in predictions:
        keys = [str(pred.get("article_id")), *path_keys(pred.get("article_path"))]
        keys += [k.rsplit(".", 1)[0] for k in keys if "." in k]
        hit = next((k for k in keys if k in wanted), None)
        if hit is not None:
            grouped[hit].append(pred)
    return grouped


def _codes_agree(exp: ExpectedEvent, got: ExpectedEvent) -> tuple[bool, bool, bool]:
    root = exp.cameo is not None and (got.cameo or "")[:2] == exp.cameo[:2]
    e = (split_code(exp.source)[0], split_code(exp.target)[0])
    g = (split_code(got.source)[0], split_code(got.target)[0])
    symmetric = exp.cameo is not None and exp.cameo[:2] in bundled_ontology().symmetric_roots
    country = e == g or (symmetric and e == g[::-1])
    full_codes = (exp.source, exp.target) == (got.source, got.target) or (
        symmetric and (exp.source, exp.target) == (got.target, got.source)
    )
    return root, country, full_codes and exp.cameo == got.cameo


def score_sentences(
    cases: Sequence[SentenceCase], predictions_by_id: Mapping[str, Iterable[Prediction]]
) -> SentenceScores:
    """Pair each expected event with at most one prediction of its sentence (best
    agreement first) and count root, country and full-code agreement."""
    results = []
    for case in cases:
        got = [
            ExpectedEvent(
                normalise_code(p.get("source")),
                normalise_code(p.get("target")),
                _cameo(p.get("cameo")),
            )
            for p in predictions_by_id.get(case.id, [])
        ]
        verdicts = {
            (i, j): _codes_agree(e, g)
            for i, e in enumerate(case.expected)
            for j, g in enumerate(got)
        }
        weights = np.zeros((len(case.expected), len(got)))
        for (i, j), (root, country, full) in verdicts.items():
            weights[i, j] = 1 + 8 * country + 4 * root + 2 * full
        pairs = dict(_assign(weights))
        results.append(
            SentenceResult(
                id=case.id,
                text=case.text,
                pairs=tuple(
                    SentencePair(e, got[pairs[i]], *verdicts[i, pairs[i]])
                    if i in pairs
                    else SentencePair(e, None, False, False, False)
                    for i, e in enumerate(case.expected)
                ),
                extra=tuple(g for j, g in enumerate(got) if j not in pairs.values()),
            )
        )
    return SentenceScores(results)


# --------------------------------------------------------------------------- floors


def check_floors(
    report: EvalReport | SentenceScores, floors_path: str | Path, suite: str = "seeds"
) -> list[str]:
    """Each metric below its pinned floor, as "event_recall 0.61 < floor 0.80".

    A metric that cannot be computed (no gold, no predictions) fails any floor above 0.
    """
    path = str(floors_path)
    try:
        floors = json.loads(Path(floors_path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not JSON: {exc.msg}", line=exc.lineno) from exc
    if not isinstance(floors, dict) or not isinstance(floors.get(suite), dict):
        raise InputError(path, f"no floors for suite {suite!r}")
    metrics = report.metrics()
    failures = []
    for name, floor in floors[suite].items():
        if name not in metrics:
            raise InputError(path, f"unknown metric {name!r} in suite {suite!r}")
        if not isinstance(floor, int | float) or isinstance(floor, bool):
            raise InputError(path, f"floor of {name!r} must be a number")
        value = metrics[name]
        if value is None and floor > 0:
            failures.append(f"{name} n/a < floor {floor:.2f}")
        elif value is not None and value < floor:
            failures.append(f"{name} {value:.2f} < floor {floor:.2f}")
    return failures


# --------------------------------------------------------------------------- rendering


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def render(report: EvalReport | SentenceScores, console: Console, *, limit: int = 50) -> None:
    """Draw a report as rich tables: scores, per article, misses and false events
    (at most ``limit`` rows each)."""
    if isinstance(report, SentenceScores):
        _render_sentences(report, console, limit)
        return
    summary = Table(title="Scores", title_justify="left")
    for col in ("measure", "score", "count"):
        summary.add_column(col, justify="left" if col == "measure" else "right")
    ev, ln = report.event, report.linking
    summary.add_row("event precision", _fmt(ev.precision), f"{ev.precise}/{ev.predicted}")
    summary.add_row("event recall", _fmt(ev.recall), f"{ev.found}/{ev.gold}")
    summary.add_row("event F1", _fmt(ev.f1), "")
    for name, fs in report.fields.items():
        summary.add_row(
            f"{name.replace('_', ' ')} accuracy", _fmt(fs.accuracy), f"{fs.correct}/{fs.total}"
        )
    summary.add_row("linking precision", _fmt(ln.precision), f"{ln.precise}/{ln.predicted} pairs")
    summary.add_row("linking recall", _fmt(ln.recall), f"{ln.found}/{ln.gold} pairs")
    summary.add_row("linking F1", _fmt(ln.f1), "")
    cl = report.cross_linking
    summary.add_row(
        "cross-article linking precision", _fmt(cl.precision), f"{cl.precise}/{cl.predicted} pairs"
    )
    summary.add_row("cross-article linking recall", _fmt(cl.recall), f"{cl.found}/{cl.gold} pairs")
    summary.add_row(
        "repeats per event found", _fmt(report.repeats_per_event), f"{report.repeats} repeats"
    )
    console.print(summary)
    if report.ignored_predictions:
        console.print(
            f"{report.ignored_predictions} predictions from articles without gold ignored"
        )

    per = Table(title="Per article", title_justify="left")
    for col in ("article", "required", "found", "optional found", "false", "P", "R", "F1"):
        per.add_column(col, justify="left" if col == "article" else "right")
    for row in report.articles:
        prf = row.prf
        per.add_row(
            row.article,
            str(row.gold_required),
            str(row.found),
            str(row.found_optional),
            str(row.false_events),
            _fmt(prf.precision),
            _fmt(prf.recall),
            _fmt(prf.f1),
        )
    console.print(per)

    types = Table(title="Per PLOVER type", title_justify="left")
    for col in ("type", "required", "found", "predicted", "precise", "P", "R", "F1"):
        types.add_column(col, justify="left" if col == "type" else "right")
    for name, prf in report.by_type.items():
        types.add_row(
            name,
            str(prf.gold),
            str(prf.found),
            str(prf.predicted),
            str(prf.precise),
            _fmt(prf.precision),
            _fmt(prf.recall),
            _fmt(prf.f1),
        )
    console.print(types)

    wrong = [
        (m, f)
        for m in report.matches
        for f in FIELDS
        if m.fields[f] is False and not (f == "date_exact" and m.fields["date"] is False)
    ]
    if wrong:
        table = Table(title="Field errors in matched events", title_justify="left")
        for col in ("article", "event", "field", "gold", "predicted"):
            table.add_column(col, overflow="fold")
        for m, f in wrong[:limit]:
            table.add_row(
                m.article,
                m.event_key or f"line {m.gold_line}",
                f,
                str(m.gold_values[f]),
                str(m.predicted_values[f]),
            )
        console.print(table)
    if report.misses:
        table = Table(title=f"Misses ({len(report.misses)})", title_justify="left")
        for col in ("article", "gold", "evidence", "why"):
            table.add_column(col, overflow="fold")
        for miss in report.misses[:limit]:
            what = f"{miss.source} {miss.plover} {miss.target} {miss.date or ''}".strip()
            table.add_row(miss.article, what, miss.evidence or "", miss.hint)
        console.print(table)
    if report.false_events:
        table = Table(title=f"False events ({len(report.false_events)})", title_justify="left")
        for col in ("article", "predicted", "sentence", "note"):
            table.add_column(col, overflow="fold")
        for fe in report.false_events[:limit]:
            what = f"{fe.source} {fe.plover} ({fe.cameo}) {fe.target}"
            table.add_row(fe.article, what, fe.sentence or "", fe.hint)
        console.print(table)


def _code_str(ev: ExpectedEvent | None) -> str:
    return "–" if ev is None else f"{ev.source} {ev.cameo} {ev.target}"


def _render_sentences(scores: SentenceScores, console: Console, limit: int) -> None:
    summary = Table(title="Sentence suite", title_justify="left")
    summary.add_column("measure")
    summary.add_column("score", justify="right")
    for name, value in scores.metrics().items():
        summary.add_row(name.replace("_", " "), _fmt(value))
    console.print(summary)
    wrong = [r for r in scores.results if not r.correct]
    if wrong:
        table = Table(title=f"Sentences not fully right ({len(wrong)})", title_justify="left")
        for col in ("id", "expected", "predicted", "agrees on"):
            table.add_column(col, overflow="fold")
        for r in wrong[:limit]:
            for p in r.pairs:
                agrees = [
                    n
                    for n, ok in (("root", p.root), ("countries", p.country), ("full", p.full))
                    if ok
                ]
                table.add_row(
                    r.id,
                    _code_str(p.expected),
                    _code_str(p.predicted),
                    ", ".join(agrees) or "nothing",
                )
            for extra in r.extra:
                table.add_row(r.id, "–", _code_str(extra), "extra prediction")
        console.print(table)
