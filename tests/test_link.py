"""Tests of the link stage: blocking, clustering rules, events, near-duplicate articles."""

from __future__ import annotations

import dataclasses
import itertools
import json
import pickle
import random
import re
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dyad.errors import ConfigError, UsageError
from dyad.records import ActorMention, EventMention, Location
from dyad.stages.link import (
    LinkInput,
    LinkSettings,
    NearDuplicates,
    _candidate_pairs,
    _ClusterVetoes,
    _evidence,
    _Linker,
    _may_compare,
    _vetoed,
    block_key,
    build_events,
    event_id_for,
    find_copies,
    link,
    link_into,
    link_window,
    may_pair,
    minhash_signature,
    report_day,
    stated_report_day,
)


def actor(code: str | None, name: str | None = None) -> ActorMention | None:
    if code is None:
        return None
    country, _, sector = code.partition(" ")
    return ActorMention(
        start=0,
        end=1,
        sentence_index=0,
        text=name or code,
        country=country,
        sector=sector or None,
        name=name or code,
    )


def city(name: str, country: str, geonames_id: int | None = None) -> Location:
    return Location(name=name, country=country, feature="city", geonames_id=geonames_id)


def country(code: str) -> Location:
    return Location(name=code, country=code, feature="country")


def mention(
    mid: str,
    article: str,
    *,
    published: date | None = date(2023, 2, 10),
    sentence_index: int = 0,
    sentence: str = "The two sides held talks on trade and investment.",
    source: str | None = "USA GOV",
    target: str | None = "PAK GOV",
    source_name: str | None = None,
    target_name: str | None = None,
    plover: str = "CONSULT",
    cameo: str = "046",
    status: str = "occurred",
    day: str | None = None,
    end: str | None = None,
    precision: str | None = None,
    date_text: str | None = None,
    location: Location | None = None,
    confidence: float = 0.5,
    outlet: str | None = None,
    duplicate_of: str | None = None,
    additional: bool = False,
    mode: str | None = None,
) -> LinkInput:
    if precision is None and day is not None:
        precision = {4: "year", 7: "month"}.get(len(day), "day")
    m = EventMention(
        mention_id=mid,
        article_id=article,
        sentence_index=sentence_index,
        sentence=sentence,
        start_char=0,
        end_char=len(sentence),
        trigger="",
        trigger_start=0,
        trigger_end=0,
        source=actor(source, source_name),
        target=actor(target, target_name),
        plover=plover,
        cameo=cameo,
        goldstein=1.0,
        quad_class=1,
        status=status,
        date=day,
        date_end=end,
        date_precision=precision,
        date_text=date_text,
        location=location,
        confidence=confidence,
        additional=additional,
        mode=mode,
    )
    return LinkInput(
        mention=m,
        published=published,
        source_outlet=outlet,
        article_id=article,
        duplicate_of=duplicate_of,
    )


def same_event(assignment: dict[str, str], *ids: str) -> bool:
    return len({assignment[i] for i in ids}) == 1


# --------------------------------------------------------------------------------------
# The seed gold: linking rules alone, on the analyst's own codes


def _place(text: str | None) -> Location | None:
    if not text:
        return None
    parts = [p.strip() for p in text.split(",")]
    try:
        iso = pycountry.countries.lookup(parts[-1]).alpha_3
    except LookupError:
        iso = pycountry.countries.search_fuzzy(parts[-1])[0].alpha_3
    if len(parts) == 1:
        return Location(name=parts[0], country=iso, feature="country")
    return Location(name=parts[0], country=iso, feature="city")


def _sentence_index(text: str, evidence: str) -> int:
    at = text.find(evidence)
    assert at >= 0, evidence
    return len(re.findall(r"[.!?][”\"']?\s+|\n+", text[:at]))


def gold_inputs(shared: Path) -> tuple[list[LinkInput], dict[str, str]]:
    """LinkInputs built from every gold line, and each mention's gold event key."""
    published = {}
    for line in (shared / "gold" / "seed_articles.jsonl").read_text().splitlines():
        row = json.loads(line)
        published[row["article"]] = date.fromisoformat(row["published"])
    inputs, keys = [], {}
    lines = (shared / "gold" / "seed_events.jsonl").read_text().splitlines()
    for n, line in enumerate(lines):
        g = json.loads(line)
        text = (shared / "seeds" / g["article"]).read_text()
        day, end, precision = g["date"], g["date_end"], None
        if day and len(day) == 7:
            precision = "month"
        elif day:
            precision = "day"
        mid = f"{g['article']}#{n}"
        inp = mention(
            mid,
            g["article"],
            published=published[g["article"]],
            sentence_index=_sentence_index(text, g["evidence"]),
            sentence=g["evidence"],
            source=g["source"],
            target=g["target"],
            source_name=g["source_name"],
            target_name=g["target_name"],
            plover=g["plover"],
            cameo=g["cameo"],
            status=g["status"],
            day=day,
            end=end,
            precision=precision,
            date_text=g["date_expression"],
            location=_place(g["location"]),
        )
        inputs.append(inp)
        keys[mid] = g["event_key"]
    return inputs, keys


def pairwise(assignment: dict[str, str], gold: dict[str, str]) -> tuple[float, float]:
    """Pairwise precision and recall of a clustering against gold keys."""
    ids = sorted(gold)
    predicted = {p for p in itertools.combinations(ids, 2) if assignment[p[0]] == assignment[p[1]]}
    truth = {p for p in itertools.combinations(ids, 2) if gold[p[0]] == gold[p[1]]}
    hit = len(predicted & truth)
    precision = hit / len(predicted) if predicted else 1.0
    recall = hit / len(truth) if truth else 1.0
    return precision, recall


def test_gold_pairwise_precision_and_recall(shared_dir: Path) -> None:
    inputs, gold = gold_inputs(shared_dir)
    assert len(inputs) == len(gold) >= 28
    assignment = link(inputs)
    precision, recall = pairwise(assignment, gold)
    assert precision >= 0.9, (precision, recall)
    assert recall >= 0.9, (precision, recall)


def test_gold_events_are_consistent(shared_dir: Path) -> None:
    inputs, _ = gold_inputs(shared_dir)
    assignment = link(inputs)
    events = build_events(inputs, assignment)
    assert sum(e.num_mentions for e in events) == len(inputs)
    assert {e.event_id for e in events} == set(assignment.values())
    for e in events:
        assert e.num_articles <= e.num_mentions
        assert e.first_seen is not None and e.last_seen is not None
        assert e.first_seen <= e.last_seen


def test_gold_linking_ignores_input_order(shared_dir: Path) -> None:
    inputs, _ = gold_inputs(shared_dir)
    expected = link(inputs)
    rng = random.Random(7)
    for _ in range(20):
        shuffled = inputs[:]
        rng.shuffle(shuffled)
        assert link(shuffled) == expected


# --------------------------------------------------------------------------------------
# Blocking


def test_block_key_is_unordered_pair_and_type() -> None:
    a = mention("a", "x", source="USA GOV", target="PAK MIL").mention
    b = mention("b", "y", source="PAK", target="USA MIL").mention
    c = mention("c", "y", source="PAK", target="USA", plover="ACCUSE", cameo="112").mention
    assert block_key(a) == block_key(b) == "PAK|USA|CONSULT"
    assert block_key(c) != block_key(a)
    un = mention("d", "z", source="PAK GOV", target="IGO UNO").mention
    nato = mention("e", "z", source="PAK GOV", target="IGO NAT").mention
    assert block_key(un) != block_key(nato)
    unknown = mention("f", "z", source=None, target="PAK COP").mention
    assert block_key(unknown) == "-|PAK|CONSULT"


def test_different_blocks_never_link() -> None:
    inputs = [
        mention("a", "x", day="2023-02-14"),
        mention("b", "y", day="2023-02-14", target="AFG GOV"),
        mention("c", "z", day="2023-02-14", plover="COOPERATE", cameo="050"),
    ]
    assignment = link(inputs)
    assert len(set(assignment.values())) == 3


# --------------------------------------------------------------------------------------
# Clustering rules


def test_planned_then_occurred_is_one_event_with_history() -> None:
    planned = mention(
        "p",
        "a1",
        published=date(2023, 2, 10),
        status="planned",
        day="2023-02-13",
        end="2023-02-16",
        location=city("Washington", "USA"),
        outlet="Wire",
    )
    held = mention(
        "h",
        "a2",
        published=date(2023, 2, 17),
        status="occurred",
        day="2023-02-13",
        end="2023-02-16",
        location=country("USA"),
        outlet="Daily",
    )
    assignment = link([held, planned])
    assert same_event(assignment, "p", "h")
    assert assignment["p"] == event_id_for("p")  # the earliest report names the event
    (event,) = build_events([planned, held], assignment)
    assert event.status == "occurred"
    assert event.status_history == (("2023-02-10", "planned"), ("2023-02-17", "occurred"))
    assert (event.first_seen, event.last_seen) == (date(2023, 2, 10), date(2023, 2, 17))
    assert event.location is not None and event.location.name == "Washington"
    assert (event.num_mentions, event.num_articles, event.num_sources) == (2, 2, 2)


def test_later_planned_report_does_not_undo_occurrence() -> None:
    held = mention("h", "a1", published=date(2023, 2, 17), day="2023-02-14")
    stale = mention("s", "a2", published=date(2023, 2, 18), status="planned", day="2023-02-14")
    assignment = link([held, stale])
    assert same_event(assignment, "h", "s")
    (event,) = build_events([held, stale], assignment)
    assert event.status == "occurred"


def test_look_alike_events_in_different_months_stay_apart() -> None:
    first = mention(
        "r1",
        "a1",
        published=date(2023, 2, 12),
        sentence="The first round of the defence dialogue was held in January 2021.",
        day="2021-01",
    )
    second = mention(
        "r2",
        "a1",
        published=date(2023, 2, 12),
        sentence_index=3,
        sentence="The second round of the defence dialogue is taking place this February.",
        status="ongoing",
        day="2023-02",
    )
    repeat = mention(
        "r3",
        "a2",
        published=date(2023, 2, 14),
        sentence="The first round of the defence dialogue was held in January 2021.",
        day="2021-01",
    )
    assignment = link([first, second, repeat])
    assert same_event(assignment, "r1", "r3")
    assert not same_event(assignment, "r1", "r2")


def test_day_dates_must_be_within_slack() -> None:
    base = mention("a", "x", day="2023-02-13")
    near = mention("b", "y", day="2023-02-16")
    far = mention("c", "z", day="2023-02-20")
    assignment = link([base, near, far])
    assert same_event(assignment, "a", "b")
    assert not same_event(assignment, "a", "c")
    strict = link([base, near], LinkSettings(date_slack_days=1))
    assert not same_event(strict, "a", "b")


def test_days_apart_need_words_in_common_and_the_same_day_does_not() -> None:
    """Two meetings of one dyad two days apart in other words are two meetings; reports of
    one day, or in common words, may be one."""
    monday = mention("a", "x", day="2023-02-13", sentence="Envoys met to discuss grain exports.")
    other = "Defence chiefs talked about naval drills."
    wednesday = mention("b", "y", day="2023-02-15", sentence=other)
    same_day = mention("c", "z", day="2023-02-13", sentence=other)
    worded = mention("d", "w", day="2023-02-15", sentence="Grain exports were on the agenda.")
    assert not same_event(link([monday, wednesday]), "a", "b")
    assert same_event(link([monday, same_day]), "a", "c")
    assert same_event(link([monday, worded]), "a", "d")


def test_month_interval_matches_a_day_inside_it_when_wording_agrees() -> None:
    plan = mention(
        "plan",
        "a1",
        published=date(2023, 2, 5),
        status="planned",
        sentence="Both sides will hold a counterterrorism dialogue next month.",
        day="2023-03",
        date_text="next month",
    )
    held = mention(
        "held",
        "a2",
        published=date(2023, 3, 20),
        sentence="The counterterrorism dialogue was held in Islamabad on Monday.",
        day="2023-03-13",
        date_text="on Monday",
        location=city("Islamabad", "PAK"),
    )
    other = mention(
        "other",
        "a3",
        published=date(2023, 3, 27),
        sentence="The commerce secretary discussed tariffs with the finance minister.",
        day="2023-03-25",
        location=city("Islamabad", "PAK"),
    )
    assignment = link([plan, held, other])
    assert same_event(assignment, "plan", "held")
    assert not same_event(assignment, "plan", "other")


def test_coming_week_matches_a_stated_range() -> None:
    announced = mention(
        "w",
        "a1",
        published=date(2023, 2, 12),
        status="planned",
        sentence="The envoy is due in the capital the coming week for talks.",
        day="2023-02-13",
        end="2023-02-19",
        precision="week",
        location=city("Islamabad", "PAK"),
    )
    ranged = mention(
        "r",
        "a2",
        published=date(2023, 2, 14),
        status="planned",
        sentence="The counsellor will lead a delegation to the region.",
        target="PAK",
        day="2023-02-14",
        end="2023-02-18",
        location=country("PAK"),
    )
    assignment = link([announced, ranged])
    assert same_event(assignment, "w", "r")
    (event,) = build_events([announced, ranged], assignment)
    assert (event.date, event.date_end) == ("2023-02-14", "2023-02-18")
    assert event.target == "PAK GOV"


def test_ongoing_report_pins_the_event_to_its_publication_day() -> None:
    dialogue = mention(
        "d", "a1", published=date(2023, 2, 12), status="planned", day="2023-02-13", end="2023-02-16"
    )
    ongoing = mention(
        "o",
        "a2",
        published=date(2023, 2, 24),
        status="ongoing",
        sentence="The ongoing ministerial meetings on trade continue.",
        day="2023-02",
    )
    tifa = mention(
        "t",
        "a3",
        published=date(2023, 2, 12),
        status="planned",
        sentence="Trade talks will be held in the last week of February.",
        day="2023-02-20",
        end="2023-02-28",
        precision="week",
    )
    assignment = link([dialogue, ongoing, tifa])
    assert same_event(assignment, "o", "t")
    assert not same_event(assignment, "o", "d")
    event = next(
        e for e in build_events([dialogue, ongoing, tifa], assignment) if "t" in e.mention_ids
    )
    assert (event.date, event.date_end, event.status) == ("2023-02-20", "2023-02-28", "ongoing")


def test_symmetric_types_are_the_codebooks() -> None:
    """One list: plover.yaml's symmetric types are linking's default (AGREE included)."""
    from dyad.codebooks.ontology import bundled_ontology

    assert LinkSettings().symmetric_types == bundled_ontology().symmetric_types
    assert "AGREE" in LinkSettings().symmetric_types


def test_symmetric_types_link_in_either_order() -> None:
    one = mention("a", "x", source="USA GOV", target="PAK GOV", day="2023-02-14", confidence=0.9)
    two = mention("b", "y", source="PAK", target="USA", day="2023-02-14")
    assignment = link([one, two])
    assert same_event(assignment, "a", "b")
    (event,) = build_events([one, two], assignment)
    assert (event.source, event.target) == ("USA GOV", "PAK GOV")


def test_asymmetric_types_keep_direction() -> None:
    accuse = dict(
        plover="ACCUSE", cameo="112", day="2023-02-14", sentence="Officials accused the other side."
    )
    ab = mention("ab", "x", source="USA GOV", target="PAK GOV", **accuse)
    ba = mention("ba", "y", source="PAK GOV", target="USA GOV", **accuse)
    ab2 = mention("ab2", "z", source="USA", target="PAK", **accuse)
    assert block_key(ab.mention) == block_key(ba.mention)
    assignment = link([ab, ba, ab2])
    assert not same_event(assignment, "ab", "ba")
    assert same_event(assignment, "ab", "ab2")


def test_domestic_attack_with_swapped_sectors_stays_apart() -> None:
    attack = dict(plover="ASSAULT", cameo="180", day="2023-01-30")
    rebels = mention("r", "x", source="PAK REB", target="PAK COP", **attack)
    police = mention("p", "y", source="PAK COP", target="PAK REB", **attack)
    assert not same_event(link([rebels, police]), "r", "p")


def test_places_must_be_compatible() -> None:
    when = dict(day="2023-02-14")
    isb = mention("isb", "a", location=city("Islamabad", "PAK"), **when)
    isb2 = mention("isb2", "b", location=city("islamabad", "PAK"), **when)
    pak = mention("pak", "c", location=country("PAK"), **when)
    none = mention("none", "d", **when)
    lahore = mention("lhr", "e", location=city("Lahore", "PAK"), **when)
    usa = mention("usa", "f", location=city("Washington", "USA"), **when)
    assignment = link([isb, isb2, pak, none, lahore, usa])
    assert same_event(assignment, "isb", "isb2", "pak", "none")
    assert not same_event(assignment, "isb", "lhr")
    assert not same_event(assignment, "isb", "usa")
    assert not same_event(assignment, "lhr", "usa")


def test_undated_mentions_need_place_wording_and_close_publication() -> None:
    attack = dict(plover="ASSAULT", cameo="183", source="PAK REB", target="PAK COP", day=None)
    first = mention(
        "u1",
        "a1",
        published=date(2023, 2, 12),
        sentence="Terrorists recently killed scores of people inside a mosque in Peshawar.",
        location=city("Peshawar", "PAK"),
        **attack,
    )
    second = mention(
        "u2",
        "a2",
        published=date(2023, 2, 14),
        sentence="Condolences were offered for the recent terrorist attack at the Peshawar mosque.",
        location=city("Peshawar", "PAK"),
        **attack,
    )
    later = mention(
        "u3",
        "a3",
        published=date(2023, 4, 1),
        sentence="Terrorists recently attacked a mosque in Peshawar.",
        location=city("Peshawar", "PAK"),
        **attack,
    )
    nowhere = mention(
        "u4",
        "a4",
        published=date(2023, 2, 13),
        sentence="Terrorists recently attacked a mosque.",
        **attack,
    )
    unlike = mention(
        "u5",
        "a5",
        published=date(2023, 2, 13),
        sentence="Gunmen fired on a police checkpoint near the university.",
        location=city("Peshawar", "PAK"),
        **attack,
    )
    assignment = link([first, second, later, nowhere, unlike])
    assert same_event(assignment, "u1", "u2")
    for other in ("u3", "u4", "u5"):
        assert not same_event(assignment, "u1", other), other


def test_mentions_within_one_article() -> None:
    twice = [
        mention(
            "s1",
            "a",
            sentence_index=1,
            status="planned",
            day="2023-03",
            sentence="They will hold a dialogue next month.",
        ),
        mention(
            "s2",
            "a",
            sentence_index=5,
            status="planned",
            day="2023-03",
            sentence="The dialogue next month will cover security.",
        ),
    ]
    assert same_event(link(twice), "s1", "s2")
    same_sentence = [
        mention("t1", "b", sentence_index=2, day="2023-02-14"),
        mention("t2", "b", sentence_index=2, day="2023-02-14"),
    ]
    assert not same_event(link(same_sentence), "t1", "t2")
    sub_events = [
        mention(
            "m1",
            "c",
            sentence_index=1,
            cameo="043",
            day="2023-02-14",
            sentence="The minister met his counterpart today.",
        ),
        mention(
            "m2",
            "c",
            sentence_index=4,
            cameo="040",
            day="2023-02-14",
            sentence="They also discussed cooperation.",
        ),
        mention(
            "m3",
            "d",
            sentence_index=0,
            cameo="043",
            day="2023-02-14",
            sentence="The two ministers met on Tuesday.",
        ),
    ]
    assignment = link(sub_events)
    assert not same_event(assignment, "m1", "m2")
    assert same_event(assignment, "m1", "m3")


_TRILATERAL = "Modi held a trilateral meeting with Trump and Abe in Osaka on Friday."


def _trilateral(article: str, pairs: list[tuple[str, str]], **kw: Any) -> list[LinkInput]:
    """The pairs the events stage codes from one multi-party word of one sentence."""
    kw = {"day": "2019-06-28", "location": city("Osaka", "JPN"), "cameo": "040", **kw}
    kw.setdefault("sentence", _TRILATERAL)
    return [
        mention(f"{article}-{src}-{tgt}", article, source=src, target=tgt, **kw)
        for src, tgt in pairs
    ]


def test_pairs_of_a_multi_party_event_are_one_event_across_articles() -> None:
    """One article codes the three pairs of a trilateral; others code one pair each,
    not the same one: all are the one meeting."""
    full = _trilateral(
        "a", [("IND GOV", "USA GOV"), ("IND GOV", "JPN GOV"), ("JPN GOV", "USA GOV")]
    )
    one = _trilateral("b", [("USA GOV", "IND GOV")], sentence="The three-way meeting took place.")
    other = _trilateral(
        "c", [("IND GOV", "JPN GOV")], sentence="The leaders met in Osaka.", mode="multilateral"
    )
    assignment = link(full + one + other)
    assert same_event(assignment, *(i.mention.mention_id for i in full + one + other))
    assert len(build_events(full + one + other, assignment)) == 1


def test_several_pairs_of_one_word_need_a_multi_party_mark() -> None:
    """ "will also meet Xi and Putin" codes two meetings of one word: no mark, two events.
    A trilateral of another month is another event."""
    plans = _trilateral(
        "a", [("IND GOV", "CHN GOV"), ("IND GOV", "RUS GOV")],
        sentence="Modi will also meet Xi and Putin in Osaka on Friday.", status="planned",
    )  # fmt: skip
    assignment = link(plans)
    assert not same_event(assignment, *(i.mention.mention_id for i in plans))
    june = _trilateral("b", [("IND GOV", "USA GOV"), ("IND GOV", "JPN GOV")])
    december = _trilateral("c", [("IND GOV", "JPN GOV"), ("JPN GOV", "USA GOV")], day="2018-12-01")
    assignment = link(june + december)
    assert same_event(assignment, *(i.mention.mention_id for i in june))
    assert same_event(assignment, *(i.mention.mention_id for i in december))
    assert not same_event(assignment, june[0].mention.mention_id, december[0].mention.mention_id)


_JOINT = "The United States and the European Union imposed sanctions on Belarus on Monday."


def test_the_sides_of_a_joint_actor_are_one_event_that_reports_of_either_side_join() -> None:
    """ "The US and the EU imposed sanctions on Belarus" is coded once per doer from one
    word: one event. A report naming only the US, or only the EU, joins it through its
    own block. Two accusations of one word in opposite directions ("accused each
    other") stay two."""
    sanction = {"plover": "SANCTION", "cameo": "163", "target": "BLR GOV", "day": "2011-01-31",
                "published": date(2011, 1, 31)}  # fmt: skip
    joint = [
        mention(f"joint-{src}", "a", source=src, sentence=_JOINT, **sanction)
        for src in ("USA GOV", "IGO EEC")
    ]
    us_only = mention("us", "b", source="USA GOV", sentence="Washington sanctioned Belarus.",
                      **sanction)  # fmt: skip
    eu_only = mention("eu", "c", source="IGO EEC", sentence="Brussels sanctioned Belarus.",
                      **sanction)  # fmt: skip
    assignment = link([*joint, us_only, eu_only])
    assert same_event(assignment, "joint-USA GOV", "joint-IGO EEC", "us", "eu")
    assert len(build_events([*joint, us_only, eu_only], assignment)) == 1
    # without the joint report, the two are two events (other blocks)
    assert not same_event(link([us_only, eu_only]), "us", "eu")
    accused = [
        mention(name, "d", source=src, target=tgt, plover="ACCUSE", cameo="112",
                day="2024-08-31", sentence="The two countries accused each other of ramming.")
        for name, src, tgt in (("phl", "PHL GOV", "CHN GOV"), ("chn", "CHN GOV", "PHL GOV"))
    ]  # fmt: skip
    assert not same_event(link(accused), "phl", "chn")


def test_cameo_roots_must_agree() -> None:
    a = mention("a", "x", plover="SUPPORT", cameo="018", day="2023-02-03")
    b = mention("b", "y", plover="SUPPORT", cameo="051", day="2023-02-03")
    c = mention("c", "z", plover="SUPPORT", cameo="010", day="2023-02-03")
    assignment = link([a, b, c])
    assert not same_event(assignment, "a", "b")
    assert same_event(assignment, "a", "c")


def test_bridging_mention_cannot_merge_incompatible_events() -> None:
    wording = "The two delegations held talks on security cooperation."
    early = mention("e", "a1", published=date(2023, 2, 20), day="2023-02-06", sentence=wording)
    late = mention("l", "a2", published=date(2023, 2, 28), day="2023-02-24", sentence=wording)
    month = mention("m", "a3", published=date(2023, 3, 2), day="2023-02", sentence=wording)
    assignment = link([early, late, month])
    assert not same_event(assignment, "e", "l")
    assert same_event(assignment, "m", "e") or same_event(assignment, "m", "l")


# --------------------------------------------------------------------------------------
# Determinism, stable ids, incremental linking


def _mixed_inputs(months: int = 3, count: int = 60) -> list[LinkInput]:
    rng = random.Random(3)
    words = [
        "talks",
        "trade",
        "security",
        "dialogue",
        "visit",
        "energy",
        "water",
        "border",
        "investment",
    ]
    inputs = []
    for n in range(count):
        month = rng.randint(1, months)
        precise = rng.random() < 0.6
        day = (
            f"2023-{month:02d}-{rng.randint(1, 27):02d}"
            if precise
            else (f"2023-{month:02d}" if rng.random() < 0.8 else None)
        )
        inputs.append(
            mention(
                f"m{n}",
                f"art{n // 3}",
                published=date(2023, month, 28),
                sentence_index=n % 3,
                sentence=" ".join(rng.sample(words, 4)),
                source=rng.choice(["USA GOV", "PAK GOV", "USA MIL"]),
                target=rng.choice(["PAK GOV", "USA GOV", "AFG GOV"]),
                plover=rng.choice(["CONSULT", "ACCUSE"]),
                cameo=rng.choice(["040", "046"]),
                status=rng.choice(["occurred", "planned", "ongoing"]),
                day=day,
                location=rng.choice(
                    [None, city("Islamabad", "PAK"), country("PAK"), city("Washington", "USA")]
                ),
            )
        )
    return [i for i in inputs if i.mention.plover != "ACCUSE" or i.mention.cameo == "046"]


def test_shuffled_inputs_give_identical_mapping() -> None:
    inputs = _mixed_inputs()
    expected = link(inputs)
    assert len(set(expected.values())) < len(inputs)  # something links
    rng = random.Random(11)
    for _ in range(20):
        shuffled = inputs[:]
        rng.shuffle(shuffled)
        assert link(shuffled) == expected


@settings(max_examples=25, deadline=None)
@given(st.permutations(list(range(30))))
def test_order_independence_property(order: list[int]) -> None:
    inputs = _mixed_inputs()[:30]
    assert link([inputs[i] for i in order]) == link(inputs)


def test_unrelated_mentions_never_rename_events() -> None:
    inputs = _mixed_inputs()
    before = link(inputs[:30])
    extra = [
        mention(f"x{n}", f"other{n}", source="IND GOV", target="CHN GOV", day="2023-02-01")
        for n in range(5)
    ]
    after = link(inputs[:30] + extra)
    assert {k: after[k] for k in before} == before


def _pair_key(inp: LinkInput) -> tuple[tuple[int, int] | None, int | None, str]:
    return link_window(inp), report_day(inp), inp.duplicate_of or inp.article_id


def _same_word(a: EventMention, b: EventMention) -> bool:
    fields = ("article_id", "sentence_index", "trigger_start", "trigger_end", "plover")
    return all(getattr(a, f) == getattr(b, f) for f in fields)


class _Stored:
    """Stored mentions and their events, answering ``link_into`` as the store does;
    ``read`` counts the stored mentions it handed out as members of events."""

    def __init__(self) -> None:
        self.inputs: dict[str, LinkInput] = {}
        self.events: dict[str, str] = {}
        self.read = 0

    def near(self, mentions):
        return [
            (old, self.events[mid])
            for mid, old in self.inputs.items()
            if any(
                (
                    block_key(old.mention) == block_key(inp.mention)
                    and may_pair(_pair_key(old), _pair_key(inp))
                )
                or _same_word(old.mention, inp.mention)
                for inp in mentions
            )
        ]

    def members(self, event_ids):
        found = [(self.inputs[m], e) for m, e in self.events.items() if e in event_ids]
        self.read += len(found)
        return found


def _link_incrementally(
    batches: list[list[LinkInput]], reread: list[int] | None = None, rounds: list[int] | None = None
) -> dict[str, str]:
    """What the store does: per batch, link the new mentions into the stored events
    (``link_into``) and overwrite the event ids it reports. ``reread`` gets the number
    of stored mentions each batch re-linked, ``rounds`` how many clusterings it took."""
    stored = _Stored()
    for new in batches:
        stored.read = 0
        result = link_into(new, stored)
        assert set(result.before) <= set(stored.inputs)
        stored.events.update(result.events)
        stored.inputs.update((i.mention.mention_id, i) for i in new)
        if reread is not None:
            reread.append(stored.read)
        if rounds is not None:
            rounds.append(result.rounds)
    return stored.events


def test_incremental_linking_equals_batch() -> None:
    inputs = _mixed_inputs()
    shuffled = inputs[:]
    random.Random(5).shuffle(shuffled)
    batches = [shuffled[start : start + 13] for start in range(0, len(shuffled), 13)]
    assert _link_incrementally(batches) == link(inputs)


@settings(max_examples=15, deadline=None)
@given(
    st.randoms(use_true_random=False),
    st.integers(min_value=1, max_value=20),
    st.sampled_from([3, 12]),
)
def test_incremental_equals_batch_property(rnd: random.Random, size: int, months: int) -> None:
    inputs = _mixed_inputs(months=months, count=20 * months)
    shuffled = inputs[:]
    rnd.shuffle(shuffled)
    batches = [shuffled[start : start + size] for start in range(0, len(shuffled), size)]
    assert _link_incrementally(batches) == link(inputs)


@settings(max_examples=10, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(min_value=1, max_value=12))
def test_incremental_equals_batch_with_multi_party_events(rnd: random.Random, size: int) -> None:
    """The pairs of one trilateral, and the sides of a joint doer, arriving in different
    batches join as in one batch."""
    pairs = [("USA GOV", "PAK GOV"), ("PAK GOV", "AFG GOV"), ("AFG GOV", "USA GOV")]
    inputs = _mixed_inputs(count=30)
    for n, month in enumerate((1, 1, 2)):
        inputs += _trilateral(
            f"tri{n}", pairs[n : n + 2] if n else pairs, day=f"2023-{month:02d}-10",
            location=city("Islamabad", "PAK"), published=date(2023, month, 28), mode="multilateral",
        )  # fmt: skip
        # a joint doer: one accusation of one word by two countries
        inputs += _trilateral(
            f"joint{n}", [("USA GOV", "IRN GOV"), ("GBR GOV", "IRN GOV")][: 2 - n % 2],
            day=f"2023-{month:02d}-12", plover="ACCUSE", cameo="112", location=None,
            published=date(2023, month, 28), sentence="The US and Britain accused Iran.",
        )  # fmt: skip
    shuffled = inputs[:]
    rnd.shuffle(shuffled)
    batches = [shuffled[start : start + size] for start in range(0, len(shuffled), size)]
    assert _link_incrementally(batches) == link(inputs)


def test_a_batch_rereads_only_the_events_it_reaches() -> None:
    """News arrives roughly in date order: a batch of this month's mentions re-links a
    small part of a year of stored mentions, not the whole block."""
    inputs = sorted(_mixed_inputs(months=12, count=240), key=lambda i: i.published or date.min)
    batches = [inputs[start : start + 20] for start in range(0, len(inputs), 20)]
    reread: list[int] = []
    assert _link_incrementally(batches, reread) == link(inputs)
    assert max(reread[-3:]) < len(inputs) / 4


def test_a_daily_chain_of_reports_is_read_a_few_days_deep() -> None:
    """One dyad meeting every day for a year, each meeting reported on its day and the
    next in overlapping words: every report has edges to the days around it, so the
    edges chain through the whole year. A batch still reads only the events of the
    days next to its own, and the result is that of linking the year at once."""
    inputs = []
    start = date(2023, 1, 1).toordinal()
    for day in range(365):
        for k, lag in enumerate((0, 1)):
            inputs.append(
                mention(
                    f"m{day:03d}{k}",
                    f"a{day:03d}{k}",
                    day=date.fromordinal(start + day).isoformat(),
                    published=date.fromordinal(start + day + lag),
                    sentence=f"The envoys met again for talks on the border, round {day}.",
                    outlet=f"Outlet {k}",
                )
            )
    batches = [inputs[i : i + 6] for i in range(0, len(inputs), 6)]
    reread: list[int] = []
    rounds: list[int] = []
    assert _link_incrementally(batches, reread, rounds) == link(inputs)
    assert len(set(link(inputs).values())) < len(inputs)  # reports of one day link
    assert max(reread) < 40
    assert max(rounds) <= 4


def _border_month(reports: int = 4, seed: int = 3) -> list[LinkInput]:
    """A border incident every day for 28 days, each told ``reports`` times on its day
    without a date, at one place and in look-alike words (only the numbers differ)."""
    rnd = random.Random(seed)
    verbs = ["exchanged fire with", "fired on", "shelled the posts of", "clashed with"]
    inputs = []
    for day in range(28):
        dead = rnd.randint(2, 9)
        for k in range(reports):
            inputs.append(
                mention(
                    f"d{day:02d}r{k}",
                    f"a{day:02d}r{k}",
                    plover="ASSAULT",
                    cameo="190",
                    source="PAK MIL",
                    target="IND MIL",
                    published=date(2024, 5, 1) + timedelta(days=day),
                    sentence=f"Pakistani troops {rnd.choice(verbs)} Indian soldiers near "
                    f"Kupwara, killing {dead} soldiers, officials said.",
                    location=city("Kupwara", "IND", 1265859),
                    outlet=f"Outlet {k}",
                )
            )
    return inputs


def _about_one_event_a_day(inputs: list[LinkInput], assignment: dict[str, str], n: int) -> None:
    """0.8 to 1.5 events for each of ``n`` daily incidents, none spanning over three days."""
    published = {i.mention.mention_id: i.published for i in inputs}
    events = defaultdict(set)
    for mid, eid in assignment.items():
        events[eid].add(published[mid])
    assert 0.8 <= len(events) / n <= 1.5, len(events)
    assert max((max(days) - min(days)).days for days in events.values()) <= 3


def test_undated_daily_reports_do_not_chain_into_one_event() -> None:
    inputs = _border_month()
    assignment = link(inputs)
    _about_one_event_a_day(inputs, assignment, 28)
    shuffled = inputs[:]
    random.Random(1).shuffle(shuffled)
    batches = [shuffled[start : start + 10] for start in range(0, len(shuffled), 10)]
    assert _link_incrementally(batches) == assignment


def test_an_undated_report_and_a_page_without_a_publication_date_go_by_its_stated_day() -> None:
    """A mirror page carries no publication date but dates the ramming to August 31;
    another outlet's undated retelling, published September 1, is the same incident.
    Without the page's stated day the pair was never compared; a page whose latest
    stated day is a month earlier is not this report's news."""
    ramming = {"plover": "ASSAULT", "cameo": "182", "source": "VNM COP", "target": "CHN COP"}
    reef = city("Whitsun Reef", "VNM", 7)
    told = "Officials showed videos of a coast guard ship ramming the patrol boat."
    undated = mention("told", "a", published=date(2024, 9, 1), location=reef, sentence=told,
                      **ramming)  # fmt: skip
    stated = "A patrol boat was rammed by a coast guard ship on Saturday, officials said."
    page = mention("page", "b", published=None, day="2024-08-31", location=reef, sentence=stated,
                   **ramming)  # fmt: skip
    assert stated_report_day([page.mention]) == date(2024, 8, 31)
    assert not same_event(link([undated, page]), "told", "page")
    dated_page = dataclasses.replace(page, reported=date(2024, 8, 31))
    assert same_event(link([undated, dated_page]), "told", "page")
    stale_page = dataclasses.replace(page, reported=date(2024, 7, 30))
    stale = dataclasses.replace(stale_page, mention=dataclasses.replace(page.mention, date=None))
    assert not same_event(link([undated, stale]), "told", "page")
    # what the page plans ahead does not date it
    plan = dataclasses.replace(page.mention, status="planned", date="2024-10-01")
    assert stated_report_day([page.mention, plan]) == date(2024, 8, 31)


def test_an_undated_report_joins_one_event_but_never_bridges_two() -> None:
    """Two days' talks, dated and worded apart; an undated report of the talks, close
    to both, joins one of them and does not make them one."""
    first = mention("a", "x", day="2023-02-06", published=date(2023, 2, 6),
                    sentence="Officials met in Lahore to discuss visas.",
                    location=city("Lahore", "PAK", 1172451))  # fmt: skip
    second = mention("b", "y", day="2023-02-08", published=date(2023, 2, 8),
                     sentence="Envoys gathered in Lahore over water sharing.",
                     location=city("Lahore", "PAK", 1172451))  # fmt: skip
    undated = mention("c", "z", published=date(2023, 2, 8),
                      sentence="Officials and envoys met in Lahore over visas and water.",
                      location=city("Lahore", "PAK", 1172451))  # fmt: skip
    assert not same_event(link([first, second]), "a", "b")
    assignment = link([first, second, undated])
    assert not same_event(assignment, "a", "b")
    assert same_event(assignment, "a", "c") or same_event(assignment, "b", "c")


def test_vetoes_by_class_are_the_pairwise_vetoes() -> None:
    """Across stories a mention's veto class stands for it (``_veto_class``): on every
    pair of a varied corpus the class answer is ``_vetoed``'s, and with its wording
    ``_evidence``'s. A new rule reading a field the class leaves out fails here. The
    one-pair test of candidates (``linked_to``) agrees with the sweep's."""
    statuses = ["occurred", "negated", "planned", "hypothetical", "ongoing"]
    alike = [  # one report told many ways: only status and series differ
        mention(f"s{k}", f"story{k}", day="2023-02-01", status=statuses[k % 5],
                sentence=f"Troops attacked the town for a {('second', 'third')[k % 2]} night.")
        for k in range(10)
    ]  # fmt: skip
    inputs = _mixed_inputs(months=3, count=120) + alike
    varied = [
        dataclasses.replace(
            inp, mention=dataclasses.replace(inp.mention, status=statuses[k % len(statuses)])
        )
        for k, inp in enumerate(inputs[:-10])
    ] + alike
    s = LinkSettings()
    checked = 0
    blocks = _Linker(s).blocks(varied).values()
    for items in blocks:
        vetoes = _ClusterVetoes(items, s)
        first, second = _candidate_pairs(items, s)
        candidates = list(zip(first.tolist(), second.tolist(), strict=True))
        pairs = set(candidates)
        assert len(pairs) == len(candidates)
        edges = {}
        for i, j, rank, sim in zip(*(a.tolist() for a in vetoes.edges(first, second)), strict=True):
            edges[(i, j)] = (rank, sim)
        for i, j in itertools.combinations(range(len(items)), 2):
            assert vetoes.pair(i, j) == _vetoed(items[i], items[j], s)
            assert vetoes.evidence(i, j) == _evidence(items[i], items[j], s)
            assert _may_compare(items[i], items[j], s) == ((i, j) in pairs)
            expected = None if vetoes.pair(i, j) else _evidence(items[i], items[j], s)
            assert edges.get((i, j)) == (expected if (i, j) in pairs else None)
            checked += items[i].group != items[j].group
    assert checked > 400  # pairs of two stories


def test_empty_input() -> None:
    assert link([]) == {}
    assert build_events([], {}) == []


def test_duplicate_mentions() -> None:
    a = mention("a", "x", day="2023-02-14")
    assert link([a, a]) == link([a])
    changed = mention("a", "x", day="2023-02-15")
    with pytest.raises(UsageError):
        link([a, changed])


def test_build_events_needs_every_mention_assigned() -> None:
    a = mention("a", "x", day="2023-02-14")
    with pytest.raises(UsageError):
        build_events([a], {})


def test_settings_are_validated() -> None:
    with pytest.raises(ConfigError):
        LinkSettings(date_slack_days=-1)
    with pytest.raises(ConfigError):
        LinkSettings(minhash_threshold=1.5)


def test_settings_take_options_and_round_trip() -> None:
    tuned = LinkSettings().with_options(
        [
            "date_slack_days=5",
            " min_text_similarity = 0.3",
            "symmetric_types=AGREE,CONSULT,COOPERATE",
        ]
    )
    assert tuned == LinkSettings(date_slack_days=5, min_text_similarity=0.3)
    assert tuned.options() == ["date_slack_days=5", "min_text_similarity=0.3"]
    assert LinkSettings().options() == []
    assert LinkSettings().with_options(tuned.options()) == tuned
    assert LinkSettings.from_json(tuned.to_json()) == tuned
    only = LinkSettings().with_options(["symmetric_types=CONSULT"])
    assert only.symmetric_types == frozenset({"CONSULT"})
    assert LinkSettings.from_json(only.to_json()) == only
    assert only.options() == ["symmetric_types=CONSULT"]


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("slack=5", "NAME one of continuing_days, date_slack_days"),
        ("date_slack_days", "expected NAME=VALUE"),
        ("date_slack_days=soon", "date_slack_days=soon: expected an integer"),
        ("min_text_similarity=high", "expected a number"),
    ],
)
def test_bad_link_options_are_usage_errors(option: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        LinkSettings().with_options([option])


def test_an_option_out_of_range_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="date_slack_days must be >= 0"):
        LinkSettings().with_options(["date_slack_days=-2"])


def test_large_block_links_quickly() -> None:
    rng = random.Random(1)
    inputs = []
    for n in range(2000):
        day = date.fromordinal(date(2023, 1, 1).toordinal() + n // 4)
        topic = f"topic {rng.randint(0, 50)} and item {rng.randint(0, 50)}"
        inputs.append(
            mention(
                f"b{n}",
                f"art{n}",
                published=day,
                sentence=f"Officials met to discuss {topic}.",
                day=day.isoformat(),
            )
        )
    started = time.perf_counter()
    assignment = link(inputs)
    assert time.perf_counter() - started < 20
    assert len(set(assignment.values())) < len(inputs)


# --------------------------------------------------------------------------------------
# Counts and near-duplicate articles

STORY = (
    "The finance ministry announced on Tuesday that the country will receive a new loan "
    "to rebuild bridges, schools and irrigation canals damaged by last summer's floods. "
    "Officials said the first payment would arrive before the end of the quarter and that "
    "an independent panel of engineers would audit every contract above a fixed amount. "
    "Opposition lawmakers welcomed the money but asked why the audit reports would not be "
    "published in full, and several provincial governments asked for a larger share of the "
    "funds for districts in the south, where thousands of families still live in tents. "
    "The ministry replied that a summary of each audit would be released within a month and "
    "that the allocation formula followed the damage assessment prepared with the help of "
    "international experts last autumn. Farmers' unions said the canals must be repaired "
    "before the sowing season begins, otherwise the harvest would fall for a second year. "
    "Economists at two private banks estimated that the loan would cover less than a third of "
    "the total cost of reconstruction, and urged the government to raise more revenue at home "
    "by widening the tax base instead of relying on foreign lenders. The central bank governor, "
    "speaking at a conference in the port city, said reserves had stabilised after months of "
    "decline and that inflation was expected to ease slowly during the next financial year. "
    "Aid agencies meanwhile warned that outbreaks of waterborne disease remained a risk in camps "
    "where clean drinking water is scarce, and called for faster delivery of medical supplies."
)
COPY = (
    STORY.replace("Tuesday", "Wednesday")
    .replace("Opposition lawmakers", "Opposition members")
    .replace("thousands of", "many")
)
OTHER = (
    "Engineers inspecting flood damage in the south reported on Tuesday that dozens of bridges "
    "remain closed and that irrigation canals in three districts are still blocked by silt. "
    "The provincial government said it had asked the finance ministry for emergency money and "
    "warned that families living in tents would face a hard winter. Farmers said they feared "
    "another poor harvest if water did not reach their fields before the sowing season. A "
    "spokesman for the ministry said talks on a new loan were continuing and that any money "
    "would be audited by an independent panel."
)


def test_near_duplicate_copy_is_flagged_and_other_story_is_not() -> None:
    index = NearDuplicates(LinkSettings())
    assert index.add("orig", STORY) is None
    assert index.add("copy", COPY) == "orig"
    assert index.add("other", OTHER) is None
    assert index.add("copy", COPY) == "orig"  # idempotent
    assert index.add("empty", "") is None
    assert len(index) == 4 and "copy" in index


def test_near_duplicates_persist_and_rebuild_from_signatures() -> None:
    index = NearDuplicates()
    index.add("orig", STORY)
    restored = pickle.loads(pickle.dumps(index))
    assert restored.add("copy", COPY) == "orig"
    signatures = [
        (aid, minhash_signature(text))
        for aid, text in (("orig", STORY), ("other", OTHER), ("copy", COPY))
    ]
    assert find_copies(signatures) == {"copy": "orig"}
    assert minhash_signature("") is None
    with pytest.raises(UsageError):
        NearDuplicates(LinkSettings(num_perm=64)).add_signature("x", signatures[0][1])


def test_copies_count_once_and_outlets_are_distinct() -> None:
    sentence = "The two governments signed a loan agreement for flood reconstruction."
    kw = dict(
        plover="COOPERATE", cameo="050", day="2023-02-14", sentence=sentence, sentence_index=2
    )
    original = mention("o", "orig", outlet="Wire", **kw)
    copy = mention(
        "c", "copy", outlet="Daily", duplicate_of="orig", published=date(2023, 2, 9), **kw
    )
    other = mention(
        "x",
        "other",
        outlet="Wire",
        **{**kw, "sentence": "A loan deal was signed.", "sentence_index": 0},
    )
    inputs = [original, copy, other]
    assignment = link(inputs)
    assert same_event(assignment, "o", "c", "x")
    (event,) = build_events(inputs, assignment)
    assert event.num_mentions == 3
    assert event.num_articles == 2
    assert event.num_sources == 2
    assert event.mention_ids[0] == "c"  # published first
    assert 0.5 < event.confidence < 1


def test_copy_sentences_link_even_when_dates_differ() -> None:
    kw = dict(sentence="Talks were held on Monday.", day="2023-02-13", sentence_index=4)
    original = mention("o", "orig", published=date(2023, 2, 14), **kw)
    copy = mention(
        "c", "copy", published=date(2023, 2, 21), duplicate_of="orig", **{**kw, "day": "2023-02-20"}
    )
    assert same_event(link([original, copy]), "o", "c")


def test_status_vote_and_canonical_fields() -> None:
    a = mention(
        "a", "x", day="2023-02-14", cameo="040", confidence=0.3, source_name="United States"
    )
    b = mention(
        "b", "y", day="2023-02-14", cameo="046", confidence=0.8, source_name="Secretary of State"
    )
    c = mention(
        "c", "z", day="2023-02-14", cameo="046", confidence=0.4, source_name="Secretary of State"
    )
    inputs = [a, b, c]
    (event,) = build_events(inputs, link(inputs))
    assert event.cameo == "046"
    assert event.source_name == "Secretary of State"
    ids = defaultdict(list)
    for e in build_events(inputs, {"a": "e1", "b": "e2", "c": "e2"}):
        ids[e.event_id] = list(e.mention_ids)
    assert ids == {"e1": ["a"], "e2": ["b", "c"]}


def test_hypothetical_never_overrides_and_negation_does() -> None:
    held = mention("h", "a1", published=date(2023, 2, 15), day="2023-02-14")
    maybe = mention("m", "a2", published=date(2023, 2, 16), status="hypothetical", day="2023-02-14")
    (event,) = build_events([held, maybe], {"h": "e", "m": "e"})
    assert event.status == "occurred"
    plan = mention("p", "b1", published=date(2023, 2, 1), status="planned", day="2023-02-20")
    off = mention("o", "b2", published=date(2023, 2, 10), status="negated", day="2023-02-20")
    (event,) = build_events([plan, off], {"p": "e", "o": "e"})
    assert event.status == "negated"
    assert event.status_history == (("2023-02-01", "planned"), ("2023-02-10", "negated"))


def test_copy_given_as_original_article_id() -> None:
    """A store may pass the original's id as ``article_id`` and keep the copy's own id on
    the mention; that says "copy" just as ``duplicate_of`` does."""
    kw = dict(sentence="Talks were held on Monday.", day="2023-02-13", sentence_index=4)
    original = mention("o", "orig", outlet="Wire", **kw)
    copied = mention("c", "copy", outlet="Daily", **kw)
    copied = LinkInput(copied.mention, copied.published, "Daily", article_id="orig")
    assignment = link([original, copied])
    assert same_event(assignment, "o", "c")
    (event,) = build_events([original, copied], assignment)
    assert (event.num_articles, event.num_sources, event.num_mentions) == (1, 2, 2)


def test_a_copy_is_one_story_only_within_the_undated_window() -> None:
    """A near-duplicate published more than ``undated_window_days`` after its story's
    original tells a new story, and a copy group never grows beyond that window: daily
    reports in one template do not chain a month into one story."""
    day = date(2024, 5, 1)
    index = NearDuplicates()
    assert index.add("orig", STORY, day) is None
    assert index.add("week", COPY, day + timedelta(days=7)) == "orig"
    assert index.add("later", COPY + " Updated.", day + timedelta(days=8)) is None
    chain = NearDuplicates()
    assert chain.add("first", STORY, day) is None
    assert chain.add("sixth", COPY, day + timedelta(days=6)) == "first"
    # close to "sixth" only in time: its story began twelve days before
    assert chain.add("twelfth", COPY + " Again.", day + timedelta(days=12)) is None
    assert chain.add("undated", COPY + " More.") == "first"  # no date: no evidence apart
    texts = [("orig", STORY), ("week", COPY), ("later", COPY + " Updated.")]
    published = {"orig": day, "week": day + timedelta(days=7), "later": day + timedelta(days=8)}
    signatures = [(aid, minhash_signature(text)) for aid, text in texts]
    assert find_copies(signatures, published=published) == {"week": "orig"}


def test_undated_copies_of_other_days_are_other_tellings() -> None:
    """A week of look-alike undated reports that copy detection put in one story: what
    each day's copies tell without a date is that day's news, linked by the rules
    between stories (no bridging), not by the story's; same-day copies still link."""
    week = [dataclasses.replace(i, duplicate_of="a00r0") for i in _border_month()[: 4 * 7]]
    assignment = link(week)
    _about_one_event_a_day(week, assignment, 7)
    assert same_event(assignment, "d03r0", "d03r1", "d03r2", "d03r3")
    shuffled = week[:]
    random.Random(2).shuffle(shuffled)
    assert _link_incrementally([shuffled[:9], shuffled[9:17], shuffled[17:]]) == assignment


def test_signature_of_an_indexed_article() -> None:
    index = NearDuplicates()
    index.add("orig", STORY)
    assert index.signature("orig") == minhash_signature(STORY)
    assert index.signature("missing") is None


# --------------------------------------------------------------------------------------
# Robustness to extraction noise


def _person(inp: LinkInput, side: str, name: str) -> LinkInput:
    who = getattr(inp.mention, side)
    named = dataclasses.replace(who, name=name, text=name, resolved_by="title")
    return dataclasses.replace(inp, mention=dataclasses.replace(inp.mention, **{side: named}))


def test_different_people_for_one_country_are_different_meetings() -> None:
    visit = _person(mention("a", "x", day="2023-02-13", end="2023-02-19", status="planned",
                            published=date(2023, 2, 12), location=city("Islamabad", "PAK", 1)),
                    "source", "Derek Chollet")  # fmt: skip
    other = mention("b", "y", day="2023-02-10", end="2023-02-24", published=date(2023, 2, 24),
                    location=city("Islamabad", "PAK", 1))  # fmt: skip
    other = _person(_person(other, "source", "Donald Blome"), "target", "Khawaja Asif")
    assert not same_event(link([visit, other]), "a", "b")
    # the same person, or a body rather than a person, does not stand in the way
    same = _person(other, "source", "Derek Chollet")
    assert same_event(link([visit, same]), "a", "b")
    body = _person(other, "source", "United States Embassy")
    assert same_event(link([visit, body]), "a", "b")


def test_an_undated_report_is_before_its_publication_and_a_plan_after() -> None:
    held = mention("a", "x", published=date(2023, 2, 5), location=city("Washington", "USA", 2))
    due = mention("b", "y", status="planned", day="2023-03", published=date(2023, 2, 6),
                  location=city("Washington", "USA", 2))  # fmt: skip
    assert not same_event(link([held, due]), "a", "b")
    # a plan reported earlier may be what the undated report says happened
    early = mention("c", "z", status="planned", published=date(2023, 2, 1),
                    location=city("Washington", "USA", 2))  # fmt: skip
    assert same_event(link([held, early]), "a", "c")


def test_a_stored_location_keeps_its_level() -> None:
    """A table that does not store ``feature`` gives a city-featured country back; its
    GeoNames id still makes it a country, which contains the city."""
    pakistan = Location(name="Pakistan", country="PAK", geonames_id=1168579)
    assert pakistan.feature == "city"
    a = mention("a", "x", day="2023-02-14", end="2023-02-18", status="planned",
                published=date(2023, 2, 13), location=pakistan)  # fmt: skip
    b = mention("b", "y", day="2023-02-13", end="2023-02-19", status="planned",
                published=date(2023, 2, 12), location=city("Islamabad", "PAK", 1))  # fmt: skip
    assert same_event(link([a, b]), "a", "b")


def test_a_visit_and_its_talks_are_one_event_in_one_article() -> None:
    visit = mention("a", "x", cameo="042", day="2025-04-14", end="2025-04-20", status="planned")
    talks = mention("b", "x", cameo="040", day="2025-04-14", end="2025-04-20", status="planned",
                    sentence_index=1)  # fmt: skip
    call = mention("c", "x", cameo="041", day="2025-04-14", end="2025-04-20", status="planned",
                   sentence_index=2)  # fmt: skip
    got = link([visit, talks, call])
    assert same_event(got, "a", "b") and not same_event(got, "a", "c")


def test_talks_announced_in_two_words_are_one_plan() -> None:
    talks = mention("a", "x", cameo="046", day="2023-03", status="planned")
    conference = mention("b", "x", cameo="040", day="2023-03", status="planned", sentence_index=4)
    assert same_event(link([talks, conference]), "a", "b")
    # reports of what happened keep their codes apart in one article
    held = mention("c", "x", cameo="046", day="2023-02-03")
    met = mention("d", "x", cameo="040", day="2023-02-03", sentence_index=4)
    assert not same_event(link([held, met]), "c", "d")


def _worded(inp: LinkInput, trigger: str) -> LinkInput:
    return dataclasses.replace(inp, mention=dataclasses.replace(inp.mention, trigger=trigger))


def test_a_general_code_and_a_specific_one_of_one_word_told_again_are_one_occasion() -> None:
    """A headline says "approves a rescue package" (070), the body "approved a loan"
    (071): one approval. Another word under the two codes, or other words, are two
    events, and consultations keep their codes apart (above)."""
    aid = {"plover": "AID", "source": "IGO WBK", "target": "KEN GOV", "day": "2024-03-06"}
    package = _worded(mention("package", "x", cameo="070", sentence_index=0, **aid,
                      sentence="World Bank board approves a $750 million rescue package for Kenya"),
                      "approves")  # fmt: skip
    loan = _worded(mention("loan", "x", cameo="071", sentence_index=3, **aid,
                   sentence="The board approved on Wednesday a $750 million loan to Kenya."),
                   "approved")  # fmt: skip
    grain = _worded(mention("grain", "x", cameo="070", sentence_index=5, **aid,
                    sentence="The board sent wheat flour to refugee camps in Kenya."),
                    "sent")  # fmt: skip
    linked = link([package, loan, grain])
    assert same_event(linked, "package", "loan")
    assert not same_event(linked, "loan", "grain")
    # not for two codes of one root that are both specific
    vaccine = _worded(mention("vaccine", "x", cameo="073", sentence_index=4, **aid,
                      sentence="The board approved a $750 million loan for vaccines in Kenya."),
                      "approved")  # fmt: skip
    assert not same_event(link([loan, vaccine]), "loan", "vaccine")


def test_an_event_the_article_adds_with_also_stays_apart_from_those_before() -> None:
    """ "X met Y today." ... "They also discussed Z." is a second event; a later sentence
    that retells without "also" may join either."""
    common = {"cameo": "040", "day": "2025-03-07", "location": city("Kampala", "UGA")}
    met = mention("met", "a", sentence_index=0, **common)
    also = mention("also", "a", sentence_index=2, additional=True, **common)
    later = mention("later", "a", sentence_index=5, **common)
    elsewhere = mention("other", "b", sentence_index=0, additional=True, **common)
    linked = link([met, also, later, elsewhere])
    assert not same_event(linked, "met", "also")
    assert same_event(linked, "met", "later") or same_event(linked, "also", "later")
    assert same_event(linked, "met", "other")  # "also" is about its own article only


def test_a_denied_event_is_not_the_one_that_happened() -> None:
    """ "sanctioned seven officials" and "did not sanction the president" (another
    outlet, same day) are two events, as are a sanction and one only threatened; a plan
    later called off is one."""
    common = {"plover": "SANCTION", "cameo": "163", "target": "RUS GOV", "day": "2014-03-17"}
    done = mention("done", "a", **common)
    denied = mention("denied", "b", status="negated", **common)
    plan = mention("plan", "c", status="planned", published=date(2014, 3, 10), **common)
    supposed = mention("supposed", "d", status="hypothetical", **common)
    linked = link([done, denied, plan, supposed])
    assert not same_event(linked, "done", "denied")
    assert not same_event(linked, "done", "supposed")
    assert same_event(linked, "plan", "denied") or same_event(linked, "plan", "done")


def test_one_story_keeps_a_plan_and_a_deed_and_two_parties_apart() -> None:
    """In one article "will hold a march on Tuesday" is not the sit-in held today, and a
    meeting with the government's delegation is not the one with the opposition's."""
    held = mention("held", "a", sentence_index=0, plover="PROTEST", cameo="141",
                   source="EGY CVL", target="EGY GOV")  # fmt: skip
    march = mention("march", "a", sentence_index=3, plover="PROTEST", cameo="141",
                    source="EGY CVL", target="EGY GOV", status="planned")  # fmt: skip
    gov = mention("gov", "b", sentence_index=0, source="IGO UNO", target="SYR GOV")
    opp = mention("opp", "b", sentence_index=2, source="IGO UNO", target="SYR OPP")
    again = mention("again", "b", sentence_index=4, source="IGO UNO", target="SYR GOV")
    linked = link([held, march, gov, opp, again])
    assert not same_event(linked, "held", "march")
    assert not same_event(linked, "gov", "opp")
    assert same_event(linked, "gov", "again")


def test_different_nights_of_a_series_stay_apart() -> None:
    """ "for a second straight night" and "for the third consecutive night" are two
    attacks even when the reports' dates overlap."""
    common = {"plover": "ASSAULT", "cameo": "195", "source": "UKR MIL", "target": "RUS"}
    second = mention("second", "a", sentence="Drones hit the city for a second straight night.",
                     day="2025-05-05", end="2025-05-06", **common)  # fmt: skip
    third = mention("third", "b", sentence="Drones struck for the third consecutive night.",
                    day="2025-05-06", **common)  # fmt: skip
    retold = mention("retold", "c", sentence="It was the third night of drone raids.",
                     day="2025-05-06", **common)  # fmt: skip
    linked = link([second, third, retold])
    assert not same_event(linked, "second", "third")
    assert same_event(linked, "third", "retold")


def test_a_report_without_an_ordinal_does_not_bridge_two_nights_of_a_series() -> None:
    """A report that names no night and whose dates cover both links to one of them at
    most: the ordinals veto at the level of the event, not only pair by pair."""
    common = {"plover": "ASSAULT", "cameo": "195", "source": "UKR MIL", "target": "RUS"}
    second = mention("second", "a", sentence="Drones hit the city for a second straight night.",
                     day="2025-05-05", **common)  # fmt: skip
    bridge = mention("bridge", "b", sentence="Drones have hit the city in recent days.",
                     day="2025-05-04", end="2025-05-06", **common)  # fmt: skip
    third = mention("third", "c", sentence="Drones struck for the third consecutive night.",
                    day="2025-05-06", **common)  # fmt: skip
    for order in ([second, bridge, third], [third, bridge, second], [bridge, third, second]):
        assert not same_event(link(order), "second", "third")


def test_one_story_telling_an_event_again_in_other_words_is_one_event() -> None:
    """ "X met Y on Tuesday" ... "both sides recently discussed": one article, dates that
    meet, no words in common beyond the actors; in another article they stay apart."""
    recently = {"cameo": "040", "day": "2025-04-02", "end": "2025-04-16"}
    met = mention("met", "a", sentence_index=0, cameo="040", day="2025-04-15",
                  sentence="The minister met her counterpart here on Tuesday.")  # fmt: skip
    again = mention("again", "a", sentence_index=3, sentence="Both sides discussed the river.",
                    **recently)  # fmt: skip
    other = mention("other", "b", sentence_index=3, sentence="Officials talked about water.",
                    **recently)  # fmt: skip
    linked = link([met, again, other])
    assert same_event(linked, "met", "again")
    assert not same_event(linked, "met", "other")


def test_a_place_guessed_from_the_dateline_never_keeps_two_reports_apart() -> None:
    """A Beijing-datelined and a Manila-datelined report of one ramming at sea."""
    common = {"plover": "ASSAULT", "cameo": "180", "source": "CHN COP", "target": "PHL COP",
              "day": "2024-08-31"}  # fmt: skip
    beijing = Location("Beijing", "CHN", feature="city", geonames_id=1816670, how="dateline")
    manila = Location("Manila", "PHL", feature="city", geonames_id=1701668, how="dateline")
    stated = Location("Manila", "PHL", feature="city", geonames_id=1701668, how="sentence")
    a = mention("a", "a", location=beijing, **common)
    b = mention("b", "b", location=manila, **common)
    linked = link([a, b])
    assert same_event(linked, "a", "b")
    c = mention("c", "c", location=dataclasses.replace(beijing, how="sentence"), **common)
    d = mention("d", "d", location=stated, **common)
    assert not same_event(link([c, d]), "c", "d")


def test_an_event_that_goes_on_over_days_is_one_event_across_its_reports() -> None:
    """A sit-in reported on its first and its fifth day (``continues`` in plover.yaml)
    is one event, "for a third day" included; two attacks five days apart are two."""
    sit_in = {"plover": "PROTEST", "cameo": "141", "source": "EGY CVL", "target": "EGY GOV"}
    first = mention("first", "a", day="2011-11-18", published=date(2011, 11, 18),
                    sentence="Protesters camped in the square.", **sit_in)  # fmt: skip
    fifth = mention("fifth", "b", day="2011-11-22", published=date(2011, 11, 22),
                    sentence="Protesters stayed in the square for a third day.",
                    **sit_in)  # fmt: skip
    attack = {"plover": "ASSAULT", "cameo": "190", "source": "EGY COP", "target": "EGY CVL"}
    one = mention("one", "c", day="2011-11-18", published=date(2011, 11, 18),
                  sentence="Police stormed the square.", **attack)  # fmt: skip
    other = mention("other", "d", day="2011-11-22", published=date(2011, 11, 22),
                    sentence="Police stormed the square.", **attack)  # fmt: skip
    linked = link([first, fifth, one, other])
    assert same_event(linked, "first", "fifth")
    assert not same_event(linked, "one", "other")


def test_a_sit_in_told_in_other_words_days_apart_at_one_place_is_one_event() -> None:
    """ "Protesters camped in the square" (Nov 18) and "crowds were back on Sunday
    morning" (Nov 20) in Cairo share no words, yet an event that goes on over days at one
    place is one; told of another city, or as a plan, it is not merged."""
    sit_in = {"plover": "PROTEST", "cameo": "141", "source": "EGY CVL", "target": "EGY GOV"}
    cairo = city("Cairo", "EGY", 360630)
    first = mention("first", "a", day="2011-11-18", published=date(2011, 11, 18),
                    location=cairo, sentence="Protesters camped in the square.",
                    **sit_in)  # fmt: skip
    later = mention("later", "b", day="2011-11-20", published=date(2011, 11, 20),
                    location=cairo, sentence="Crowds were back on Sunday morning.",
                    **sit_in)  # fmt: skip
    alex = mention("alex", "c", day="2011-11-20", published=date(2011, 11, 20),
                   location=city("Alexandria", "EGY", 361058),
                   sentence="Crowds were back on Sunday morning.", **sit_in)  # fmt: skip
    linked = link([first, later, alex])
    assert same_event(linked, "first", "later")
    assert not same_event(linked, "first", "alex")


def test_a_deed_reported_before_the_day_of_a_plan_is_not_that_plan() -> None:
    """A march told as held in a report of Nov 20 is not the march "slated for Tuesday"
    (Nov 22), though two days are within the date slack; one reported on Nov 22 is."""
    protest = {"plover": "PROTEST", "cameo": "141", "source": "EGY CVL", "target": "EGY GOV",
               "location": city("Cairo", "EGY", 360630)}  # fmt: skip
    done = mention("done", "a", day="2011-11-20", published=date(2011, 11, 20),
                   sentence="Protesters marched to the square.", **protest)  # fmt: skip
    plan = mention("plan", "b", day="2011-11-22", published=date(2011, 11, 21), status="planned",
                   sentence="A march to the square is slated for Tuesday.",
                   **protest)  # fmt: skip
    held = mention("held", "c", day="2011-11-22", published=date(2011, 11, 22),
                   sentence="Protesters marched to the square on Tuesday.",
                   **protest)  # fmt: skip
    assert not same_event(link([done, plan]), "done", "plan")
    assert same_event(link([plan, held]), "plan", "held")
