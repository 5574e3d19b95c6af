"""Hand-made records for tests of the store, queries and exports (no spaCy needed)."""

from __future__ import annotations

import hashlib
from datetime import date

from dyad.records import ActorMention, Article, ArticleResult, EventMention, Location, Sentence

GOLDSTEIN = {"CONSULT": 1.0, "ACCUSE": -2.0, "ASSAULT": -10.0, "AID": 7.0, "SANCTION": -8.0}
QUAD = {"CONSULT": 1, "ACCUSE": 3, "ASSAULT": 4, "AID": 2, "SANCTION": 4}
CAMEO = {"CONSULT": "040", "ACCUSE": "112", "ASSAULT": "183", "AID": "070", "SANCTION": "163"}


def actor(code: str | None, name: str, start: int = 0) -> ActorMention | None:
    if code is None:
        return None
    country, _, sector = code.partition(" ")
    return ActorMention(
        start=start,
        end=start + len(name),
        sentence_index=0,
        text=name,
        country=country,
        sector=sector or None,
        name=name,
    )


def article_result(
    text: str,
    events: list[dict],
    *,
    published: date | None = date(2024, 3, 4),
    source: str | None = "Test Wire",
    path: str = "test.txt",
) -> ArticleResult:
    """An ArticleResult whose one sentence per line carries the given events.

    Each event dict: line (sentence index), source, target, plover, status, date,
    date_end, precision, place (name, country[, lat, lon]), additional.
    """
    article_id = hashlib.sha256(text.encode()).hexdigest()[:16]
    article = Article(
        article_id=article_id,
        text=text,
        published=published,
        published_from="date line" if published else None,
        source=source,
        path=path,
        title=text.split("\n", 1)[0][:60],
    )
    sentences = []
    offset = 0
    for i, line in enumerate(text.split("\n")):
        sentences.append(Sentence(index=i, start=offset, end=offset + len(line), text=line))
        offset += len(line) + 1
    mentions = []
    for spec in events:
        sentence = sentences[spec.get("line", 0)]
        plover = spec["plover"]
        place = spec.get("place")
        if place and len(place) == 2:  # (name, country): anywhere will do
            place = (*place, 1.0, 2.0)
        mention = EventMention(
            mention_id=hashlib.sha256(f"{article_id}|{len(mentions)}".encode()).hexdigest()[:16],
            article_id=article_id,
            sentence_index=sentence.index,
            sentence=sentence.text,
            start_char=sentence.start,
            end_char=sentence.end,
            trigger=spec.get("trigger", "met"),
            trigger_start=sentence.start,
            trigger_end=sentence.start + 3,
            source=actor(spec.get("source"), spec.get("source_name", spec.get("source") or "")),
            target=actor(spec.get("target"), spec.get("target_name", spec.get("target") or "")),
            plover=plover,
            cameo=spec.get("cameo", CAMEO[plover]),
            goldstein=GOLDSTEIN[plover],
            quad_class=QUAD[plover],
            status=spec.get("status", "occurred"),
            date=spec.get("date"),
            date_end=spec.get("date_end"),
            date_precision=spec.get("precision", "day" if spec.get("date") else None),
            location=Location(name=place[0], country=place[1], lat=place[2], lon=place[3])
            if place
            else None,
            confidence=0.8,
            additional=spec.get("additional", False),
        )
        mentions.append(mention)
    return ArticleResult(article=article, sentences=tuple(sentences), events=tuple(mentions))
