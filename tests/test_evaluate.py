"""The evaluation scorer on small hand-made gold and prediction sets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from dyad.errors import InputError
from dyad.evaluate import (
    GoldMention,
    check_floors,
    group_predictions,
    load_gold,
    load_predictions,
    load_sentence_gold,
    render,
    score,
    score_sentences,
    split_code,
)

REPO = Path(__file__).resolve().parents[1]


def gold(**kw: Any) -> GoldMention:
    base: dict[str, Any] = {
        "article": "a.txt",
        "plover": "CONSULT",
        "source": "USA GOV",
        "target": "PAK GOV",
        "cameo": "042",
        "status": "occurred",
        "date": "2023-02-13",
        "location": "Islamabad, Pakistan",
        "event_key": "k1",
    }
    base.update(kw)
    return GoldMention(**base)


def pred(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "mention_id": "m1",
        "event_id": "e1",
        "article_id": "0123456789abcdef",
        "article_path": "corpus/a.txt",
        "source": "USA GOV",
        "target": "PAK GOV",
        "plover": "CONSULT",
        "cameo": "042",
        "status": "occurred",
        "date": "2023-02-13",
        "date_end": None,
        "location": {"name": "Islamabad", "country": "PAK"},
        "sentence": "A sentence.",
    }
    base.update(kw)
    return base


# --------------------------------------------------------------------------- event P/R/F1


def test_perfect_predictions_score_one_everywhere() -> None:
    golds = [
        gold(),
        gold(plover="ACCUSE", cameo="112", source="PAK GOV", target="USA", event_key="k2"),
    ]
    preds = [
        pred(),
        pred(
            mention_id="m2",
            event_id="e2",
            plover="ACCUSE",
            cameo="112",
            source="PAK GOV",
            target="USA",
        ),
    ]
    report = score(golds, preds)
    assert set(report.metrics().values()) - {None} == {1.0}
    assert report.repeats_per_event == 0.0
    assert report.metrics()["linking_recall"] is None  # no two mentions share a key
    assert report.event.precise == 2 and report.event.found == 2
    assert report.misses == [] and report.false_events == []


def test_empty_predictions_give_zero_recall_and_f1() -> None:
    report = score([gold(), gold(event_key="k2")], [])
    assert report.event.precision is None
    assert report.event.recall == 0.0
    assert report.event.f1 == 0.0
    assert len(report.misses) == 2


def test_empty_gold_with_listed_article_makes_every_prediction_false() -> None:
    report = score([], [pred(), pred(mention_id="m2", event_id="e2")], articles=["a.txt"])
    assert report.event.precision == 0.0
    assert report.event.recall is None
    assert report.event.f1 == 0.0
    assert [f.mention_id for f in report.false_events] == ["m1", "m2"]


def test_an_unmatched_event_told_twice_is_one_false_event() -> None:
    report = score([], [pred(), pred(mention_id="m2")], articles=["a.txt"])
    assert [f.mention_id for f in report.false_events] == ["m1"]
    assert report.event.predicted == 1 and report.articles[0].repeats == 1


def test_development_schema_with_several_parties_on_a_side(tmp_path: Path) -> None:
    line = {
        "article_id": "d001",
        "event_key": "k",
        "source": "egy cop|EGY MIL",
        "target": "EGY CVL",
        "plover": "ASSAULT",
        "cameo_root": "17",
        "event_date": "2011-11",
        "required": False,
    }
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(line) + "\n")
    (g,) = load_gold(path)
    assert (g.article, g.source, g.cameo, g.date, g.required) == (
        "d001",
        "EGY COP|EGY MIL",
        "17",
        "2011-11",
        False,
    )
    either = pred(
        article_path="corpus/d001.json#1",
        source="EGY MIL",
        target="EGY CVL",
        plover="ASSAULT",
        cameo="175",
        date="2011-11-20",
    )
    report = score([g], [either])
    assert report.event.precise == 1 and report.fields["sector"].accuracy == 1.0
    wrong_sector = {**either, "source": "EGY GOV"}
    assert score([g], [wrong_sector]).fields["sector"].accuracy == 0.0
    other_country = {**either, "source": "LBY MIL"}
    assert score([g], [other_country]).event.precise == 0


def test_per_type_scores() -> None:
    report = score(
        [gold(), gold(plover="ACCUSE", event_key="k2")],
        [pred(), pred(mention_id="m2", event_id="e2", plover="PROTEST")],
    )
    assert report.by_type["CONSULT"].recall == 1.0
    assert report.by_type["ACCUSE"].recall == 0.0
    assert report.by_type["PROTEST"].precision == 0.0


def test_predictions_outside_gold_articles_are_ignored() -> None:
    report = score([gold()], [pred(), pred(mention_id="x", article_path="other/b.txt")])
    assert report.ignored_predictions == 1
    assert report.event.predicted == 1
    assert report.event.f1 == 1.0


def test_symmetric_consult_matches_with_actors_swapped() -> None:
    report = score([gold()], [pred(source="PAK GOV", target="USA GOV")])
    assert report.event.f1 == 1.0
    assert report.matches[0].swapped is True
    assert report.fields["sector"].accuracy == 1.0


def test_asymmetric_accuse_does_not_match_swapped() -> None:
    g = gold(plover="ACCUSE", cameo="112", source="PAK GOV", target="USA GOV")
    report = score([g], [pred(plover="ACCUSE", cameo="112", source="USA GOV", target="PAK GOV")])
    assert report.event.precision == 0.0
    assert report.event.recall == 0.0
    assert len(report.false_events) == 1 and len(report.misses) == 1


def test_wrong_plover_type_does_not_match() -> None:
    report = score([gold()], [pred(plover="COOPERATE", cameo="050")])
    assert (report.event.precise, report.event.found) == (0, 0)
    assert report.misses[0].hint == "predicted COOPERATE (050) for these actors"


def test_wrong_country_does_not_match_and_hint_names_the_actors() -> None:
    report = score([gold()], [pred(target="AFG GOV")])
    assert report.event.f1 == 0.0
    assert report.misses[0].hint == "predicted CONSULT between USA GOV and AFG GOV"


def test_igo_code_acts_as_country() -> None:
    g = gold(plover="COOPERATE", cameo="050", source="PAK GOV", target="IGO UNO")
    ok = score([g], [pred(plover="COOPERATE", cameo="050", source="PAK", target="IGO UNO")])
    other_igo = score([g], [pred(plover="COOPERATE", cameo="050", source="PAK", target="IGO WHO")])
    assert ok.event.f1 == 1.0
    assert other_igo.event.f1 == 0.0


def test_optional_line_gives_precision_credit_but_no_recall_and_no_miss() -> None:
    golds = [gold(), gold(plover="SUPPORT", cameo="018", required=False, event_key="k2")]
    only_required = score(golds, [pred()])
    both = score(golds, [pred(), pred(mention_id="m2", plover="SUPPORT", cameo="018")])
    assert (only_required.event.precision, only_required.event.recall) == (1.0, 1.0)
    assert only_required.misses == []
    assert (both.event.precise, both.event.predicted, both.event.found, both.event.gold) == (
        2,
        2,
        1,
        1,
    )
    assert both.articles[0].found_optional == 1


def test_duplicate_prediction_is_a_false_event() -> None:
    report = score([gold()], [pred(), pred(mention_id="m2", event_id="e2")])
    assert report.event.precision == 0.5
    assert report.event.recall == 1.0
    assert report.event.f1 == pytest.approx(2 / 3)
    assert [f.mention_id for f in report.false_events] == ["m2"]
    assert report.false_events[0].hint.startswith("duplicate")


def test_another_mention_of_a_matched_event_is_a_repeat_not_a_false_event() -> None:
    report = score([gold()], [pred(), pred(mention_id="m2")])  # both linked to event e1
    assert (report.event.precise, report.event.predicted) == (1, 1)
    assert report.false_events == []
    assert report.articles[0].repeats == 1


def test_one_to_one_assignment_prefers_agreeing_fields() -> None:
    golds = [gold(date="2023-02-13", event_key="k1"), gold(date="2023-03-01", event_key="k2")]
    preds = [pred(mention_id="m1", date="2023-03-01"), pred(mention_id="m2", date="2023-02-13")]
    report = score(golds, preds)
    assert report.fields["date"].accuracy == 1.0
    assert {(m.event_key, m.mention_id) for m in report.matches} == {("k1", "m2"), ("k2", "m1")}


def test_a_gold_line_pairs_with_the_mention_of_the_sentence_it_quotes() -> None:
    """Two mentions fit both lines equally; each line takes the one its evidence is in,
    even where the other sentence agrees on one more field."""
    golds = [
        gold(event_key="meeting", evidence="the envoy met the minister at the ministry"),
        gold(event_key="topic", evidence="they also touched upon water rights", date=None),
    ]
    preds = [
        pred(mention_id="m1", event_id="e1", sentence="Later they also touched upon water rights."),
        pred(
            mention_id="m2", event_id="e2", sentence="The envoy met the minister at the ministry."
        ),
    ]
    report = score(golds, preds)
    assert {(m.event_key, m.mention_id) for m in report.matches} == {
        ("meeting", "m2"),
        ("topic", "m1"),
    }
    assert report.linking.predicted == 0


def test_prediction_fitting_required_and_optional_line_counts_for_recall() -> None:
    golds = [
        gold(required=False, event_key="opt", date="2023-02-13"),
        gold(required=True, event_key="req", date="2023-05-01", status="planned"),
    ]
    report = score(golds, [pred()])  # agrees better with the optional line
    assert report.event.recall == 1.0
    assert report.matches[0].event_key == "req"


# --------------------------------------------------------------------------- fields


def test_date_outside_gold_range_is_wrong() -> None:
    g = gold(date="2023-02-13", date_end="2023-02-16")
    inside = score([g], [pred(date="2023-02-14")])
    next_day = score([g], [pred(date="2023-02-17")])
    outside = score([g], [pred(date="2023-02-18")])
    overhang = score([g], [pred(date="2023-02-13", date_end="2023-02-19")])
    assert inside.fields["date"].accuracy == inside.fields["date_exact"].accuracy == 1.0
    # one day off counts for ``date`` (an overnight event, a report's day), not exactly
    assert next_day.fields["date"].accuracy == 1.0
    assert next_day.fields["date_exact"].accuracy == 0.0
    assert outside.fields["date"].accuracy == 0.0
    assert overhang.fields["date"].accuracy == 0.0


def test_date_within_gold_month() -> None:
    g = gold(date="2023-02")
    assert score([g], [pred(date="2023-02-10")]).fields["date"].accuracy == 1.0
    assert score([g], [pred(date="2023-02")]).fields["date"].accuracy == 1.0
    assert (
        score([g], [pred(date="2023-02-27", date_end="2023-03-02")]).fields["date"].accuracy == 0.0
    )
    assert score([g], [pred(date="2023-03-02")]).fields["date"].accuracy == 0.0
    assert score([g], [pred(date="2023-03-01")]).fields["date_exact"].accuracy == 0.0


def test_date_alt_is_accepted() -> None:
    g = gold(date="2026-01-25", date_alt="2025-07-25")
    assert score([g], [pred(date="2025-07-25")]).fields["date"].accuracy == 1.0
    assert score([g], [pred(date="2026-01-25")]).fields["date"].accuracy == 1.0
    assert score([g], [pred(date="2025-07-27")]).fields["date"].accuracy == 0.0
    assert score([g], [pred(date="2025-07-26")]).fields["date_exact"].accuracy == 0.0


def test_gold_without_date_is_right_only_for_undated_prediction() -> None:
    g = gold(date=None)
    assert score([g], [pred(date=None)]).fields["date"].correct == 1
    dated = score([g], [pred(date="2023-01-30")]).fields["date"]
    assert (dated.correct, dated.total) == (0, 1)


def test_cameo_root_and_status_accuracy() -> None:
    golds = [gold(cameo="046"), gold(cameo="046", event_key="k2", date="2023-02-20")]
    preds = [
        pred(cameo="042"),
        pred(mention_id="m2", cameo=36, date="2023-02-20", status="planned"),
    ]
    report = score(golds, preds)
    assert (report.fields["cameo_root"].correct, report.fields["cameo_root"].total) == (1, 2)
    assert report.fields["status"].accuracy == 0.5


def test_sector_scored_only_where_gold_gives_one() -> None:
    g = gold(source="USA GOV", target="PAK")
    assert score([g], [pred(source="USA GOV", target="PAK MIL")]).fields["sector"].accuracy == 1.0
    assert score([g], [pred(source="USA MIL", target="PAK GOV")]).fields["sector"].accuracy == 0.0
    no_sector = score([gold(source="USA", target="PAK")], [pred()]).fields["sector"]
    assert (no_sector.correct, no_sector.total) == (0, 0)


def test_location_city_and_country_rules() -> None:
    city = gold(location="Washington, USA")
    country = gold(location="Pakistan")

    def acc(g: GoldMention, loc: object) -> float | None:
        return score([g], [pred(location=loc)]).fields["location"].accuracy

    assert acc(city, {"name": "Washington, D.C.", "country": "USA"}) == 1.0
    assert acc(city, {"name": "Washington", "country": None}) == 1.0
    assert acc(city, {"name": "New York", "country": "USA"}) == 0.0
    assert acc(city, {"name": "Washington", "country": "GBR"}) == 0.0
    assert acc(country, {"name": "Peshawar", "country": "PAK"}) == 1.0
    assert acc(country, {"name": "Pakistan", "country": None}) == 1.0
    assert acc(country, {"name": "Kabul", "country": "AFG"}) == 0.0
    assert acc(city, None) == 0.0
    assert acc(gold(location="Moscow, Russia"), {"name": "Moskva", "country": "RUS"}) == 0.0
    assert acc(gold(location="Geneva, Switzerland"), {"name": "Genève", "country": "CHE"}) == 0.0
    assert acc(gold(location=None), None) == 1.0


# --------------------------------------------------------------------------- linking


def _linked(event_ids: list[str]) -> float | None:
    keys = ["k1", "k1", "k2", "k2"]
    golds = [
        gold(article=f"{n % 2}.txt", event_key=k, date=f"2023-02-1{n}") for n, k in enumerate(keys)
    ]
    preds = [
        pred(mention_id=f"m{n}", event_id=e, article_path=f"{n % 2}.txt", date=f"2023-02-1{n}")
        for n, e in enumerate(event_ids)
    ]
    return score(golds, preds).linking


def test_linking_perfect_clustering_across_articles() -> None:
    link = _linked(["a", "a", "b", "b"])
    assert (link.precision, link.recall, link.f1) == (1.0, 1.0, 1.0)


def test_linking_all_in_one_cluster_loses_precision() -> None:
    link = _linked(["a", "a", "a", "a"])
    assert (link.precise, link.predicted, link.gold) == (2, 6, 2)
    assert link.precision == pytest.approx(1 / 3)
    assert link.recall == 1.0
    assert link.f1 == pytest.approx(0.5)


def test_linking_all_singletons_has_zero_recall() -> None:
    link = _linked(["a", "b", "c", "d"])
    assert link.precision is None
    assert link.recall == 0.0
    assert link.f1 == 0.0


# --------------------------------------------------------------------------- articles, codes


def test_split_code_handles_sectors_igos_and_run_together_codes() -> None:
    assert split_code("USA GOV") == ("USA", "GOV")
    assert split_code("PAK") == ("PAK", None)
    assert split_code("IGO UNO") == ("IGO UNO", None)
    assert split_code("USAGOV") == ("USA", "GOV")
    assert split_code("igouno") == ("IGO UNO", None)
    assert split_code("PAKMILREB") == ("PAK", "MIL REB")
    assert split_code(None) == (None, None)


def test_predictions_find_their_article_by_path_suffix_or_id() -> None:
    golds = [gold(article="wire.jsonl#3"), gold(article="b.txt"), gold(article="0123abcd")]
    preds = [
        pred(mention_id="1", article_path="/data/wire.jsonl#3"),
        pred(mention_id="2", article_path="C:\\news\\b.txt"),
        pred(mention_id="3", article_path=None, article_id="0123abcd"),
        pred(mention_id="4", article_path="/data/wire.jsonl#4"),
    ]
    report = score(golds, preds)
    assert [r.found for r in report.articles] == [1, 1, 1]
    assert report.ignored_predictions == 1


def test_per_article_rows() -> None:
    golds = [
        gold(article="a.txt"),
        gold(article="a.txt", event_key="k2", plover="ACCUSE"),
        gold(article="b.txt"),
    ]
    preds = [
        pred(),
        pred(mention_id="x", event_id="e9", plover="THREATEN"),
        pred(article_path="b.txt"),
    ]
    rows = {r.article: r for r in score(golds, preds).articles}
    a = rows["a.txt"]
    assert (a.gold_required, a.predicted, a.found, a.false_events) == (2, 2, 1, 1)
    assert (a.prf.precision, a.prf.recall) == (0.5, 0.5)
    assert rows["b.txt"].prf.f1 == 1.0


# --------------------------------------------------------------------------- loading, floors


def test_load_gold_reads_fields_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    lines = [
        {
            "article": "a.txt",
            "plover": "consult",
            "source": "USAGOV",
            "target": "PAK",
            "cameo": "042",
            "date": "2023-02",
            "required": False,
        },
        {"article": "a.txt", "plover": "ACCUSE", "source": "PAK", "target": "USA"},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    first, second = load_gold(path)
    assert (first.plover, first.source, first.required, first.line) == (
        "CONSULT",
        "USA GOV",
        False,
        1,
    )
    assert (second.required, second.line, second.date) == (True, 2, None)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "not JSON"),
        ('{"article": "a", "plover": "X", "status": "done"}', "status 'done' is not one of"),
        ('{"plover": "CONSULT"}', "missing 'article'"),
        ('{"article": "a", "plover": "X", "date": "Feb 2023"}', "is not YYYY"),
        (
            '{"article": "a", "plover": "X", "date": "2023-02-10", "date_end": "2023-02-01"}',
            "before date",
        ),
    ],
)
def test_load_gold_names_file_and_line_of_a_bad_line(
    tmp_path: Path, line: str, reason: str
) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text('{"article": "a", "plover": "CONSULT"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_gold(path)
    assert err.value.line == 2
    assert reason in str(err.value)


def test_seed_gold_loads_and_scores_perfectly_against_itself(shared_dir: Path) -> None:
    path = shared_dir / "gold" / "seed_events.jsonl"
    golds = load_gold(path)
    lines = [x for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    assert len(golds) == len(lines)
    preds = [
        pred(
            mention_id=str(n),
            event_id=g.event_key,
            article_path=f"seeds/{g.article}",
            source=g.source,
            target=g.target,
            plover=g.plover,
            cameo=g.cameo,
            status=g.status,
            date=g.date,
            date_end=g.date_end,
            location={"name": (g.location or "").split(",")[0]},
        )
        for n, g in enumerate(golds)
    ]
    metrics = score(golds, preds).metrics()
    assert {k: v for k, v in metrics.items() if v != 1.0} == {}


def _floors(tmp_path: Path, floors: dict[str, Any]) -> Path:
    path = tmp_path / "floors.json"
    path.write_text(json.dumps(floors), encoding="utf-8")
    return path


def test_check_floors_reports_each_metric_below_its_floor(tmp_path: Path) -> None:
    report = score([gold(), gold(event_key="k2", plover="ACCUSE")], [pred()])
    path = _floors(
        tmp_path,
        {
            "seeds": {
                "event_recall": 0.8,
                "event_precision": 1.0,
                "linking_f1": 0.5,
                "date_accuracy": 0.0,
            }
        },
    )
    assert check_floors(report, path) == [
        "event_recall 0.50 < floor 0.80",
        "linking_f1 n/a < floor 0.50",
    ]


def test_check_floors_rejects_unknown_metric_and_missing_suite(tmp_path: Path) -> None:
    report = score([gold()], [pred()])
    with pytest.raises(InputError, match="unknown metric 'event_f2'"):
        check_floors(report, _floors(tmp_path, {"seeds": {"event_f2": 0.1}}))
    with pytest.raises(InputError, match="no floors for suite 'seeds'"):
        check_floors(report, _floors(tmp_path, {"other": {}}))


def test_pinned_floors_file_names_only_known_metrics() -> None:
    report = score([gold()], [pred()])
    # an unknown metric or suite raises; a toy report may well be under the real floors
    check_floors(report, REPO / "eval" / "floors.json", suite="seeds")
    check_floors(report, REPO / "eval" / "floors.json", suite="sample")
    floors = json.loads((REPO / "eval" / "floors.json").read_text(encoding="utf-8"))
    assert set(floors["seeds"]) == set(report.metrics())


# --------------------------------------------------------------------------- sentence suites


def _suite(tmp_path: Path) -> Path:
    cases = [
        {
            "id": "s1",
            "text": "One.",
            "date": "2024-01-01",
            "expected": [{"source": "USAGOV", "target": "PAKMIL", "cameo": "042"}],
        },
        {
            "id": "s2",
            "text": "Two.",
            "date": "2024-01-01",
            "expected": [{"source": "PAK", "target": "IGOUNO", "cameo": "046"}],
        },
        {
            "id": "s3",
            "text": "Three.",
            "date": "2024-01-01",
            "expected": [{"source": "RUS", "target": "UKR", "cameo": "190"}],
        },
        {"id": "s4", "text": "Nothing happens.", "date": "2024-01-01", "expected": []},
    ]
    path = tmp_path / "suite.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in cases), encoding="utf-8")
    return path


def test_sentence_suite_codes_are_split_and_scored(tmp_path: Path) -> None:
    cases = load_sentence_gold(_suite(tmp_path))
    assert cases[0].expected[0].source == "USA GOV"
    assert cases[1].expected[0].target == "IGO UNO"
    predictions = {
        "s1": [{"source": "USA GOV", "target": "PAK MIL", "cameo": "042"}],  # full
        "s2": [{"source": "IGO UNO", "target": "PAK GOV", "cameo": "043"}],  # swapped consult
        "s3": [{"source": "UKR", "target": "RUS", "cameo": "190"}],  # asymmetric, swapped
        "s4": [{"source": "USA", "target": "CHN", "cameo": "010"}],  # false event
    }
    scores = score_sentences(cases, predictions)
    assert scores.metrics() == {
        "root_agreement": 1.0,
        "country_agreement": 2 / 3,
        "full_agreement": 1 / 3,
        "precision": 0.5,
        "sentence_accuracy": 0.25,
    }
    assert (scores.expected, scores.predicted) == (3, 4)


def test_sentence_suite_extra_and_missing_predictions(tmp_path: Path) -> None:
    cases = load_sentence_gold(_suite(tmp_path))
    scores = score_sentences(
        cases,
        {
            "s1": [
                {"source": "CHN", "target": "PAK", "cameo": "04"},
                {"source": "USAGOV", "target": "PAKMIL", "cameo": 42},
            ]
        },
    )
    s1 = scores.results[0]
    assert s1.pairs[0].full is True and len(s1.extra) == 1
    assert scores.metrics()["full_agreement"] == 1 / 3
    assert scores.metrics()["sentence_accuracy"] == 0.25  # only the negative case is right


def test_group_predictions_by_suite_id() -> None:
    preds = [
        {"article_id": "s1", "article_path": None},
        {"article_id": "zz", "article_path": "/tmp/suite/s2.txt"},
        {"article_id": "zz", "article_path": "s3"},
        {"article_id": "zz", "article_path": "nope.txt"},
    ]
    grouped = group_predictions(preds, ["s1", "s2", "s3", "s4"])
    assert {k: len(v) for k, v in grouped.items()} == {"s1": 1, "s2": 1, "s3": 1, "s4": 0}


def test_load_sentence_gold_rejects_bad_expected(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "x", "text": "t", "expected": "USA"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="'expected' must be a list"):
        load_sentence_gold(path)


# --------------------------------------------------------------------------- output


def test_report_dict_is_json_and_render_shows_why(tmp_path: Path) -> None:
    golds = [gold(evidence="talks were held"), gold(event_key="k2", plover="ACCUSE")]
    odd = pred(plover="THREATEN", sentence="Odd one.", event_id="e9")
    report = score(golds, [pred(date="2024-01-01"), odd])
    data = json.loads(json.dumps(report.to_dict()))
    assert data["metrics"]["event_recall"] == 0.5
    assert data["articles"][0]["false_events"] == 1
    assert data["matches"][0]["fields"]["date"] is False
    console = Console(record=True, width=200)
    render(report, console)
    text = console.export_text()
    for expected in ("Misses (1)", "False events (1)", "Odd one.", "2024-01-01", "Per article"):
        assert expected in text
    suite_console = Console(record=True, width=200)
    render(score_sentences(load_sentence_gold(_suite(tmp_path)), {}), suite_console)
    suite_text = suite_console.export_text()
    assert "root agreement" in suite_text
    assert "s3" in suite_text and "extra prediction" not in suite_text


def test_load_predictions_reads_an_export_and_score_takes_a_stream(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    second = pred(mention_id="m2", event_id="e2")
    path.write_text(json.dumps(pred()) + "\n" + json.dumps(second), encoding="utf-8")
    predictions = load_predictions(path)
    assert [p["mention_id"] for p in predictions] == ["m1", "m2"]
    report = score([gold()], (p for p in predictions))
    assert (report.event.precise, report.event.predicted) == (1, 2)
    path.write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected a JSON object"):
        load_predictions(path)


def test_pairs_of_one_trigger_are_one_event() -> None:
    """ "X met Y and Z" told as two pairs is one event: matched once, no false event."""
    trilateral = gold(target="PAK GOV|JPN GOV")
    pairs = [
        pred(trigger_start=5, event_id="e1"),
        pred(mention_id="m2", event_id="e2", trigger_start=5, target="JPN GOV"),
    ]
    report = score([trilateral], pairs)
    assert report.event.precise == 1 and report.event.predicted == 1
    assert report.false_events == []
    elsewhere = [pairs[0], {**pairs[1], "trigger_start": 40}]
    assert len(score([trilateral], elsewhere).false_events) == 1


def test_a_run_of_days_is_judged_by_its_first_day() -> None:
    """Analysts code "from April 29 to May 11" by its start; a week is not a run of days."""
    g = gold(date="2019-04-29")
    run = pred(date="2019-04-29", date_end="2019-05-11", date_precision="day")
    week = pred(date="2019-04-29", date_end="2019-05-05", date_precision="week")
    assert score([g], [run]).fields["date"].accuracy == 1.0
    assert score([g], [week]).fields["date"].accuracy == 0.0


def test_the_same_predictions_in_another_order_score_the_same() -> None:
    """Ties in the one-to-one matching go the same way whatever order the database
    returns the predictions in."""
    golds = [gold(), gold(source="PAK GOV", target="USA", event_key="k2")]
    preds = [pred(mention_id=f"m{n}", event_id=f"e{n}") for n in range(4)]
    first, second = score(golds, preds), score(golds, preds[::-1])
    assert [m.mention_id for m in first.matches] == [m.mention_id for m in second.matches]
    assert first.metrics() == second.metrics()
