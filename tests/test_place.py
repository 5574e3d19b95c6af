"""Tests of the place stage: gazetteer resolution, locative phrases, context rules, and
agreement with the seed gold."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pycountry
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyad.errors import CodebookError
from dyad.records import ActorMention, Article, EventMention, Location, Sentence
from dyad.stages.place import Gazetteer, locate


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


# --- helpers: hand-made articles -----------------------------------------------------


def _sentences(text: str) -> list[Sentence]:
    spans = [m for m in re.finditer(r"[^.!?\n]+(?:[.!?]+|$)", text, re.M) if m.group().strip()]
    out = []
    for i, m in enumerate(spans):
        lead = len(m.group()) - len(m.group().lstrip())
        out.append(Sentence(i, m.start() + lead, m.end(), m.group().strip()))
    return out


def _actor(code: str, text: str, sentence: Sentence, article: str, **kw: str) -> ActorMention:
    country, _, sector = code.partition(" ")
    found = article.find(text, sentence.start, sentence.end) if text else -1
    start = found if found >= 0 else sentence.start
    end = start + len(text) if found >= 0 else start
    return ActorMention(
        start, end, sentence.index, text, country, sector or None, text or code, **kw
    )


def _locate(
    gaz: Gazetteer,
    text: str,
    trigger: str,
    *,
    source: tuple[str, str] | None = None,
    target: tuple[str, str] | None = None,
    others: tuple[tuple[str, str, str], ...] = (),
    dateline: str | None = None,
    status: str = "occurred",
    plover: str = "CONSULT",
    published: str | None = None,
    day: str | None = None,
) -> Location | None:
    """Locate the event whose trigger is the first whole-word ``trigger`` in ``text``.
    ``others``: (code, words, resolved_by) of further actors of the same sentence."""
    sentences = _sentences(text)
    at = re.search(rf"\b{re.escape(trigger)}\b", text)
    assert at, trigger
    sentence = next(s for s in sentences if s.start <= at.start() < s.end)
    src = _actor(*source, sentence, text) if source else None
    tgt = _actor(*target, sentence, text) if target else None
    rest = [_actor(code, words, sentence, text, resolved_by=how) for code, words, how in others]
    actors = [a for a in (src, tgt, *rest) if a]
    article = Article(
        article_id="t",
        text=text,
        dateline=dateline,
        published=date.fromisoformat(published) if published else None,
    )
    mention = EventMention(
        mention_id="m",
        article_id="t",
        sentence_index=sentence.index,
        sentence=sentence.text,
        start_char=sentence.start,
        end_char=sentence.end,
        trigger=trigger,
        trigger_start=at.start(),
        trigger_end=at.end(),
        source=src,
        target=tgt,
        plover=plover,
        cameo="040",
        goldstein=1.0,
        quad_class=1,
        status=status,
        date=day,
    )
    result = locate(mention, article, sentences, actors, gaz)
    if result.location is None:
        assert result is mention
    return result.location


# --- the gazetteer -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "countries", "expected", "feature"),
    [
        ("Washington", (), ("Washington", "USA"), "city"),
        ("WASHINGTON", (), ("Washington", "USA"), "city"),
        ("Washington D.C.", (), ("Washington", "USA"), "city"),
        ("Hyderabad", ("PAK",), ("Hyderabad", "PAK"), "city"),
        ("Hyderabad", ("IND",), ("Hyderabad", "IND"), "city"),
        ("Georgia", (), ("Georgia", "GEO"), "country"),
        ("Georgia", ("USA",), ("Georgia", "USA"), "admin1"),
        ("Tripoli", (), ("Tripoli", "LBY"), "city"),
        ("Tripoli", ("LBN",), ("Tripoli", "LBN"), "city"),
        ("Paris", ("USA",), ("Paris", "FRA"), "city"),
        ("Paris, Texas", (), ("Paris", "USA"), "city"),
        ("the United States", (), ("United States", "USA"), "country"),
        ("U.S.", (), ("United States", "USA"), "country"),
        ("Kyiv", (), ("Kyiv", "UKR"), "city"),
        ("Khyber Pakhtunkhwa", (), ("Khyber Pakhtunkhwa", "PAK"), "admin1"),
    ],
)
def test_lookup_disambiguates(gaz, name, countries, expected, feature):
    place = gaz.lookup(name, countries=countries)
    assert place is not None
    assert (place.name, place.country) == expected
    assert place.feature == feature


def test_lookup_gives_gazetteer_fields(gaz):
    place = gaz.lookup("Islamabad")
    assert place.geonames_id == 1176615
    assert place.lat == pytest.approx(33.72, abs=0.05)
    assert place.lon == pytest.approx(73.04, abs=0.05)
    assert place.admin1
    assert gaz.lookup("Texas").admin1 == "Texas"
    assert gaz.lookup("Nowhereville Flats") is None
    assert gaz.capital("PAK").name == "Islamabad"
    assert gaz.landmark("the White House").name == "Washington"


def test_small_towns_only_in_the_actors_countries(gaz):
    # Mehamn is a Norwegian village of under a thousand people.
    assert gaz.lookup("Mehamn") is None
    assert gaz.lookup("Mehamn", countries=("NOR",)).country == "NOR"


def test_extra_codebook_adds_aliases(gaz, tmp_path: Path):
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "places:\n  Pindi: {geonames: 1166993}\nlandmarks:\n  GHQ: {geonames: 1166993}\n"
    )
    mine = gaz.extended([extra])
    assert mine.lookup("Pindi").name == "Rawalpindi"
    assert mine.landmark("GHQ").name == "Rawalpindi"


@pytest.mark.parametrize(
    ("body", "line", "entry"),
    [
        ("places:\n  Foo: {geonames: 1}\n", 2, "Foo"),
        ("places:\n  Bar: {country: XXX}\n", 2, "Bar"),
        ("places:\n  Ok: {country: PAK}\n  Baz: Islamabad\n", 3, "Baz"),
    ],
)
def test_bad_codebook_names_line_and_entry(gaz, tmp_path: Path, body, line, entry):
    bad = tmp_path / "bad.yaml"
    bad.write_text(body)
    with pytest.raises(CodebookError) as info:
        gaz.extended([bad])
    assert info.value.line == line
    assert info.value.entry == entry
    assert str(bad) in str(info.value)


# --- the event's own sentence --------------------------------------------------------


def test_in_city(gaz):
    loc = _locate(gaz, "The two ministers met in Islamabad on Tuesday.", "met")
    assert (loc.name, loc.country, loc.how, loc.text) == (
        "Islamabad",
        "PAK",
        "sentence",
        "Islamabad",
    )


def test_in_country(gaz):
    loc = _locate(gaz, "The first round of talks was held in Kenya last year.", "held")
    assert (loc.name, loc.feature, loc.country) == ("Kenya", "country", "KEN")


def test_possessive_and_facility(gaz):
    text = "Gunmen stormed a church in Quetta's cantonment area, killing six."
    assert _locate(gaz, text, "stormed").name == "Quetta"
    text = "A bomb exploded at a Lahore market on Friday."
    assert _locate(gaz, text, "exploded").name == "Lahore"


def test_descriptor_before_the_name(gaz):
    text = "Clashes broke out in the northwestern city of Peshawar overnight."
    assert _locate(gaz, text, "Clashes").name == "Peshawar"
    text = "Envoys gathered in the Kenyan capital, Nairobi, for the signing."
    assert _locate(gaz, text, "gathered").name == "Nairobi"


def test_visit_target_picks_target_country(gaz):
    text = "The envoy will travel to Nepal and Bhutan next week to meet officials."
    loc = _locate(gaz, text, "travel", source=("USA GOV", "The envoy"), target=("BTN GOV", ""))
    assert (loc.name, loc.how) == ("Bhutan", "visit")
    loc = _locate(gaz, text, "travel", source=("USA GOV", "The envoy"), target=("NPL GOV", ""))
    assert loc.name == "Nepal"


def test_visit_verb_and_trip(gaz):
    assert _locate(gaz, "The minister visited Ankara in May.", "visited").name == "Ankara"
    text = "He raised the matter with Chinese leaders during his trip to Beijing."
    loc = _locate(gaz, text, "raised")
    assert (loc.name, loc.how) == ("Beijing", "visit")


def test_to_without_travel_is_not_a_place(gaz):
    text = "The ambassador to Chile sent a protest note on Monday."
    assert _locate(gaz, text, "sent") is None


def test_landmark_stands_for_its_city(gaz):
    text = "The president received the delegation at the White House on Monday."
    loc = _locate(gaz, text, "received")
    assert (loc.name, loc.country, loc.text) == ("Washington", "USA", "White House")
    text = "The two leaders met at the Kremlin."
    assert _locate(gaz, text, "met").name == "Moscow"


def test_hyderabad_by_the_actors(gaz):
    text = "Police fired tear gas at protesters in Hyderabad on Sunday."
    loc = _locate(gaz, text, "fired", source=("PAK COP", "Police"))
    assert loc.country == "PAK"
    loc = _locate(gaz, text, "fired", source=("IND COP", "Police"))
    assert loc.country == "IND"


def test_georgia_state_or_country(gaz):
    text = "Voters protested in Georgia after the count."
    assert _locate(gaz, text, "protested", source=("USA CVL", "Voters")).feature == "admin1"
    assert _locate(gaz, text, "protested", source=("GEO CVL", "Voters")).country == "GEO"


def test_washington_capital_not_state(gaz):
    loc = _locate(gaz, "The envoys met in Washington on Friday.", "met")
    assert (loc.name, loc.admin1, loc.feature) == ("Washington", "District of Columbia", "city")
    # an American actor prefers American places, but the capital still beats the state
    text = "US and Omani envoys met in Washington on Friday."
    loc = _locate(gaz, text, "met", source=("USA GOV", "US"), target=("OMN GOV", "Omani"))
    assert (loc.admin1, loc.feature) == ("District of Columbia", "city")
    assert _locate(gaz, text, "met", dateline="WASHINGTON", source=("USA GOV", "US")).admin1 == (
        "District of Columbia"
    )


def test_paris_texas_and_paris(gaz):
    text = "The senator held a rally in Paris, Texas, on Saturday."
    loc = _locate(gaz, text, "held", source=("USA GOV", "The senator"))
    assert (loc.country, loc.admin1) == ("USA", "Texas")
    text = "The senator held talks in Paris on Saturday."
    assert _locate(gaz, text, "held", source=("USA GOV", "The senator")).country == "FRA"


def test_tripoli_by_context(gaz):
    text = "The Lebanese army said clashes erupted in Tripoli overnight."
    loc = _locate(gaz, text, "clashes", others=(("LBN MIL", "The Lebanese army", "ner"),))
    assert loc.country == "LBN"
    text = "Militias clashed in Tripoli overnight."
    assert _locate(gaz, text, "clashed").country == "LBY"


def test_nearest_place_in_the_triggers_clause(gaz):
    text = "In an interview in Berlin, the minister said militants had attacked a school in Kunduz."
    assert _locate(gaz, text, "attacked").name == "Kunduz"
    assert _locate(gaz, text, "interview").name == "Berlin"


def test_place_in_another_clause_is_skipped(gaz):
    text = "The minister, who was in Madrid last week, signed the deal today."
    assert _locate(gaz, text, "signed") is None
    text = "The minister, who was in Madrid last week, signed the deal today."
    assert _locate(gaz, text, "signed", dateline="ROME").name == "Rome"


# --- places that are not the event's place -------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "A Washington think tank said the talks had failed.",
        "The report appeared in the Washington Post on Monday.",
        "The group accused the army of breaches of the Geneva conventions.",
        "Fighting with Moscow-backed separatists resumed on Monday.",
        "Analysts at a New York-based institute said the talks had failed.",
        "Both states reaffirmed their commitments under the Paris Agreement.",
        "Aid workers said the Kabul government had stopped the convoys.",
        "Investors said their confidence in the Tokyo government had fallen.",
        "The talks were described in a letter to Washington on Monday.",
    ],
)
def test_not_the_events_place(gaz, text):
    trigger = next(
        w
        for w in ("said", "resumed", "accused", "reaffirmed", "described", "appeared")
        if w in text
    )
    assert _locate(gaz, text, trigger) is None


def test_capital_as_actor_after_to_or_from(gaz):
    text = "The rebels received weapons from Moscow after the split."
    loc = _locate(gaz, text, "received", others=(("RUS GOV", "Moscow", "metonym"),))
    assert loc is None
    text = "The minister sent a letter to Washington on Monday."
    assert _locate(gaz, text, "sent", others=(("USA GOV", "Washington", "metonym"),)) is None
    text = "The prime minister's visit to Washington ended on Monday."
    loc = _locate(gaz, text, "visit", target=("USA GOV", "Washington"))
    assert (loc.name, loc.how) == ("Washington", "visit")


def test_person_named_like_a_place_is_not_a_place(gaz):
    text = "The award went to Lincoln Chafee in Providence."
    loc = _locate(gaz, text, "award", others=(("USA GOV", "Lincoln Chafee", "ner"),))
    assert loc.name == "Providence"


# --- context: dateline, "here", host, previous sentence --------------------------------


def test_dateline_when_the_sentence_names_no_place(gaz):
    text = "The two sides agreed to resume talks, officials said."
    loc = _locate(gaz, text, "agreed", dateline="WASHINGTON")
    assert (loc.name, loc.country, loc.how, loc.text) == (
        "Washington",
        "USA",
        "dateline",
        "WASHINGTON",
    )
    assert _locate(gaz, text, "agreed") is None


def test_here_is_the_dateline(gaz):
    text = "The second round of talks is taking place here this week."
    loc = _locate(gaz, text, "taking", dateline="Nairobi")
    assert (loc.name, loc.how, loc.text) == ("Nairobi", "here", "here")


def test_here_without_dateline_is_the_press_conference_place(gaz):
    text = (
        "At a press conference in Brussels, the spokesperson spoke about the trade talks.\n"
        "The talks are being held here and will end on Friday."
    )
    loc = _locate(gaz, text, "held")
    assert (loc.name, loc.how) == ("Brussels", "here")


def test_here_without_dateline_is_the_seat_of_a_named_government_office(gaz):
    text = (
        "The State Department has welcomed the agreement.\n"
        "The dialogue is taking place here and will last four days."
    )
    loc = _locate(gaz, text, "taking")
    assert (loc.name, loc.country, loc.how) == ("Washington", "USA", "here")


def test_here_in_a_named_city(gaz):
    text = "The next round will be here in Geneva in March."
    loc = _locate(gaz, text, "round", dateline="Washington", status="planned")
    assert (loc.name, loc.how) == ("Geneva", "sentence")


def test_hosted_meeting_is_at_the_hosts_capital(gaz):
    text = "Kenya hosted a regional summit on the drought."
    loc = _locate(gaz, text, "hosted", source=("KEN GOV", "Kenya"))
    assert (loc.name, loc.country, loc.how) == ("Nairobi", "KEN", "host")
    text = "Kenya hosted a regional summit in Mombasa on the drought."
    assert _locate(gaz, text, "hosted", source=("KEN GOV", "Kenya")).name == "Mombasa"


def test_previous_sentence_main_clause_carries_over(gaz):
    text = (
        "The defence minister met the ambassador in Colombo on Monday. "
        "He stressed the need for closer naval cooperation."
    )
    loc = _locate(gaz, text, "stressed")
    assert (loc.name, loc.how) == ("Colombo", "context")
    text = (
        "He said that militants may be active in Somalia. "
        "He stressed the need for closer naval cooperation."
    )
    assert _locate(gaz, text, "stressed") is None


def test_previous_paragraph_does_not_carry_over(gaz):
    text = "The minister met the ambassador in Colombo.\nHe stressed the need for cooperation."
    assert _locate(gaz, text, "stressed") is None


# --- the seed gold -------------------------------------------------------------------

_SEEDS_FLOOR = 0.9


def _gold_matches(location: Location | None, gold: str) -> bool:
    if location is None:
        return False
    parts = [p.strip() for p in gold.split(",")]
    country = pycountry.countries.search_fuzzy(parts[-1])[0].alpha_3
    if location.country != country:
        return False
    return len(parts) == 1 or location.name.casefold() == parts[0].casefold()


def seed_results(nlp, shared_dir: Path, gaz: Gazetteer) -> list[tuple[dict, Location | None, bool]]:
    """Each gold line with a location, located from its evidence sentence with the gold
    actors' countries: (gold line, location found, agrees)."""
    from dyad.pipeline import read_articles
    from dyad.stages.nlp import sentences_of

    articles = {Path(a.path).name: a for a in read_articles([shared_dir / "seeds"])}
    docs = {name: nlp(a.text) for name, a in articles.items()}
    lines = (shared_dir / "gold" / "seed_events.jsonl").read_text().splitlines()
    results = []
    for line in lines:
        gold = json.loads(line)
        if not gold.get("location"):
            continue
        article, doc = articles[gold["article"]], docs[gold["article"]]
        sentences = sentences_of(doc)
        at = article.text.find(gold["evidence"])
        assert at >= 0, gold["evidence"]
        sentence = next(s for s in sentences if s.start <= at < s.end)
        span = doc.char_span(at, at + len(gold["evidence"]), alignment_mode="expand")
        trigger = span.root  # a stand-in for the trigger the events stage finds
        actors = []
        for code in (gold["source"], gold["target"]):
            country, _, sector = (code or "").partition(" ")
            actors.append(
                ActorMention(
                    trigger.idx, trigger.idx, sentence.index, "", country, sector or None, code
                )
            )
        mention = EventMention(
            mention_id=str(len(results)),
            article_id=article.article_id,
            sentence_index=sentence.index,
            sentence=sentence.text,
            start_char=sentence.start,
            end_char=sentence.end,
            trigger=trigger.text,
            trigger_start=trigger.idx,
            trigger_end=trigger.idx + len(trigger.text),
            source=actors[0],
            target=actors[1],
            plover=gold["plover"],
            cameo=gold["cameo"],
            goldstein=0.0,
            quad_class=1,
            status=gold["status"],
        )
        located = locate(mention, article, sentences, actors, gaz).location
        results.append((gold, located, _gold_matches(located, gold["location"])))
    return results


@pytest.mark.slow
def test_seed_gold_locations(nlp, shared_dir, gaz):
    """≥90% of the gold locations agree on the city (or the country, when gold names
    only a country). Some gold places come only from linking with other articles; they
    are counted like the rest."""
    results = seed_results(nlp, shared_dir, gaz)
    share = sum(ok for _, _, ok in results) / len(results)
    misses = [
        (g["article"][:3], g["evidence"][:40], g["location"], loc and loc.name)
        for g, loc, ok in results
        if not ok
    ]
    assert share >= _SEEDS_FLOOR, (share, misses)


@pytest.mark.slow
def test_other_stages_sections_are_left_alone(gaz, tmp_path: Path):
    shared = tmp_path / "mine.yaml"
    shared.write_text("titles:\n  - {name: Envoy}\nplaces:\n  Pindi: {geonames: 1166993}\n")
    assert gaz.extended([shared]).lookup("Pindi").name == "Rawalpindi"


@pytest.mark.slow
def test_load_takes_extra_codebooks(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("places:\n  Nowhere: {country: XXX}\n")
    with pytest.raises(CodebookError):
        Gazetteer.load(extra=[bad])


def test_place_of_another_event_named_after_the_trigger(gaz):
    text = "The envoy conveyed condolences on the bombing in Quetta to the minister."
    assert _locate(gaz, text, "conveyed") is None
    text = "The bombing in Quetta killed nine people."
    assert _locate(gaz, text, "killed").name == "Quetta"


def test_struck_place_and_direction_words(gaz):
    assert _locate(gaz, "Artillery shelled Kharkiv overnight.", "shelled").name == "Kharkiv"
    text = "Jets struck targets in southern Lebanon on Tuesday."
    assert _locate(gaz, text, "struck").country == "LBN"
    text = "Police arrested 20 protesters in Georgia's capital Tbilisi."
    assert _locate(gaz, text, "arrested").name == "Tbilisi"


_WORDS = [
    "in", "at", "to", "the", "a", "visited", "trip", "here", "Paris", "Texas", ",", "and",
    "Washington", "Post", "Georgia's", "capital", "Tbilisi", "-based", "who", "said", "that",
    "met", "Peshawar’s", "of", "city", "hosted", "D.C.", "“", "”", "—", "May", "Kabul",
]  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=14), st.booleans())
def test_any_text_gives_a_place_from_its_own_words(gaz, words, dateline):
    text = " ".join(["Officials", "met", *words]) + "."
    loc = _locate(gaz, text, "met", dateline="Islamabad" if dateline else None)
    if loc is not None:
        assert loc.how in {"sentence", "visit", "here", "host", "context", "dateline"}
        assert loc.text in text or loc.text == "Islamabad"
        assert loc.country and len(loc.country) == 3


def test_preference_does_not_lift_a_small_namesake(gaz):
    # Geneva, Illinois must not beat Geneva because an American actor is in the story.
    assert gaz.lookup("Geneva", countries=("USA",)).country == "CHE"
    assert gaz.lookup("Tripoli", countries=("LBN",)).country == "LBN"


def test_host_only_in_the_triggers_clause(gaz):
    text = "Kenya, which hosted the games, signed a trade pact with Uganda."
    loc = _locate(gaz, text, "signed", source=("KEN GOV", "Kenya"), target=("UGA GOV", "Uganda"))
    assert loc is None


def test_paragraph_break_inside_the_previous_sentence_span(gaz):
    # A parser may keep the blank line at the end of the previous sentence.
    text = "The minister met the ambassador in Colombo.\n\nHe stressed the need for cooperation."
    sentences = [
        Sentence(0, 0, 45, text[0:45]),
        Sentence(1, 45, len(text), text[45:]),
    ]
    at = text.index("stressed")
    mention = EventMention(
        "m", "t", 1, sentences[1].text, 45, len(text), "stressed", at, at + 8,
        None, None, "CONSULT", "040", 1.0, 1,
    )  # fmt: skip
    assert locate(mention, Article("t", text), sentences, [], gaz).location is None


# --- the article's setting, and what it does not locate -----------------------------


def test_the_setting_locates_what_its_own_side_did(gaz):
    text = "The minister praised the neighbours for their restraint."
    loc = _locate(gaz, text, "praised", dateline="NAIROBI", source=("KEN GOV", "The minister"),
                  target=("ETH", "the neighbours"))  # fmt: skip
    assert (loc.name, loc.how) == ("Nairobi", "dateline")
    # a foreign body's statement is not made where the reporter is
    text = "The fund urged the government to speed up asset sales."
    got = _locate(gaz, text, "urged", dateline="CAIRO", source=("IGO IMF", "The fund"),
                  target=("EGY GOV", "the government"), plover="REQUEST")  # fmt: skip
    assert got is None
    # an attack happens where its target is
    text = "Soldiers fired on a guard post overnight."
    loc = _locate(gaz, text, "fired", dateline="SEOUL", source=("PRK MIL", "Soldiers"),
                  target=("KOR MIL", "a guard post"), plover="ASSAULT")  # fmt: skip
    assert loc.country == "KOR"


def test_the_setting_does_not_locate_plans_or_background(gaz):
    text = "The two governments will hold talks on water sharing."
    kw = dict(dateline="DHAKA", source=("BGD GOV", "governments"))
    assert _locate(gaz, text, "talks", status="planned", **kw) is None
    assert _locate(gaz, text, "talks", **kw).name == "Dhaka"
    text = "The two governments signed a water treaty."
    old = _locate(gaz, text, "signed", published="2025-03-10", day="1996-12-12", **kw)
    assert old is None
    assert _locate(gaz, text, "signed", published="2025-03-10", day="2025-03-09", **kw).name == (
        "Dhaka"
    )


def test_talks_by_telephone_have_no_place(gaz):
    text = "The two foreign ministers spoke by telephone and condemned the launch."
    assert _locate(gaz, text, "spoke", dateline="TOKYO", source=("JPN GOV", "ministers")) is None
    text = "The leaders met in Tokyo and later held a video call with the president."
    assert _locate(gaz, text, "met", dateline="SEOUL").name == "Tokyo"  # a place it names


def test_a_relative_clause_right_after_the_trigger_places_it(gaz):
    text = "A round of talks between the two sides that was due to open in Athens has been put off."
    assert _locate(gaz, text, "talks").name == "Athens"
    text = "The talks ended, and the ministers said the summit which follows will be in Athens."
    assert _locate(gaz, text, "talks") is None


def test_a_place_in_a_subordinate_clause_is_another_event_s(gaz):
    text = "The statement said the talks will be the second round after the first was held in Oslo."
    assert _locate(gaz, text, "talks") is None
    assert _locate(gaz, text, "held").name == "Oslo"
    text = "The minister met the envoy in Oslo after the ceremony."
    assert _locate(gaz, text, "met").name == "Oslo"


def test_a_later_plan_does_not_place_what_was_done(gaz):
    text = "The ministers agreed to fight smuggling and to meet again in Warsaw in the autumn."
    assert _locate(gaz, text, "agreed", dateline="BERLIN").name == "Berlin"
    assert _locate(gaz, text, "meet", status="planned").name == "Warsaw"


def test_a_place_named_after_its_country(gaz):
    text = "Militants attacked a police post in Kenya's Lamu county on Sunday."
    loc = _locate(gaz, text, "attacked", target=("KEN COP", "a police post"))
    assert (loc.name, loc.country) == ("Lamu", "KEN")


def test_the_capital_of_a_country_adjective(gaz):
    text = "The two foreign ministers held talks in the German capital on Wednesday."
    loc = _locate(gaz, text, "talks", dateline="WARSAW", source=("POL GOV", "ministers"))
    assert (loc.name, loc.country, loc.how) == ("Berlin", "DEU", "sentence")
    text = "The two foreign ministers held talks in the Kenyan capital, Nairobi, on Monday."
    assert _locate(gaz, text, "talks").name == "Nairobi"
    assert _locate(gaz, "They met in the capital on Monday.", "met") is None


def test_the_parts_of_a_dated_plan_take_its_place():
    from dataclasses import replace as rep

    from dyad.stages.place import carry_places

    def planned(index: int, target: str, loc: Location | None, day: str = "2024-05-14"):
        return EventMention(
            mention_id=str(index), article_id="t", sentence_index=index, sentence="s",
            start_char=0, end_char=1, trigger="t", trigger_start=0, trigger_end=1,
            source=_actor("USA GOV", "s", Sentence(index, 0, 1, "s"), "s"),
            target=_actor(target, "s", Sentence(index, 0, 1, "s"), "s"),
            plover="CONSULT", cameo="040", goldstein=1.0, quad_class=1, status="planned",
            date=day, date_end="2024-05-18", location=loc,
        )  # fmt: skip

    oman = Location("Oman", "OMN", feature="country", how="sentence")
    qatar = Location("Qatar", "QAT", feature="country", how="sentence")
    parts = [planned(1, "OMN GOV", oman), planned(2, "QAT GOV", qatar),
             planned(3, "OMN", None), planned(4, "OMN", None, day="2024-06-01")]  # fmt: skip
    got = carry_places(parts)
    assert (got[2].location.name, got[2].location.how) == ("Oman", "context")
    assert got[3].location is None  # other dates: another plan
    dateline = rep(oman, how="dateline")
    assert (
        carry_places([planned(1, "OMN GOV", dateline), planned(3, "OMN", None)])[1].location is None
    )


def test_during_the_meeting_reaches_back_across_a_paragraph(gaz):
    text = (
        "The two ministers held talks in Colombo on Monday.\n\n"
        "One minister raised the fishing dispute during the meeting."
    )
    assert _locate(gaz, text, "raised").name == "Colombo"
    text = "The two ministers held talks in Colombo on Monday.\n\nOne minister raised the dispute."
    assert _locate(gaz, text, "raised") is None


@pytest.mark.parametrize(
    ("text", "trigger", "source", "expected"),
    [
        ("Lawmakers debated the bill in Congress on Tuesday.", "debated", "USA LEG", None),
        ("The minister spoke at the Union on Monday.", "spoke", "GBR GOV", None),
        ("Police arrested five men in Mobile on Monday.", "arrested", "USA COP", "Mobile"),
        ("The leaders met in Victoria on Monday.", "met", "SYC GOV", ("Victoria", "SYC")),
        ("The leaders met in Victoria on Monday.", "met", "CAN GOV", ("Victoria", "CAN")),
        ("The envoy met officials in Calcutta on Monday.", "met", "IND GOV", ("Kolkata", "IND")),
    ],
)
def test_common_words_and_other_names(gaz, text, trigger, source, expected):
    """Institutions are not the small towns named after them; a place called by its own
    name beats one called by an old or alternate name, unless that one is far larger."""
    loc = _locate(gaz, text, trigger, source=(source, text.split()[0]))
    if expected is None:
        assert loc is None
    elif isinstance(expected, str):
        assert loc.name == expected
    else:
        assert (loc.name, loc.country) == expected


def test_the_built_gazetteer_is_cached_and_rebuilt_when_unreadable(tmp_path, monkeypatch):
    from dyad.codebooks.gazetteer import Gazetteer, cache_path

    monkeypatch.setenv("DYAD_CACHE_DIR", str(tmp_path))
    first = Gazetteer.load()
    path = cache_path()
    assert path.parent == tmp_path and path.exists()
    cached = Gazetteer.load()
    assert cached.lookup("Nairobi") == first.lookup("Nairobi")
    path.write_bytes(b"not a pickle")
    rebuilt = Gazetteer.load()
    assert rebuilt.lookup("Islamabad") == first.lookup("Islamabad")
    assert path.read_bytes() != b"not a pickle"


def test_a_month_abbreviation_is_no_place(gaz):
    """GeoNames knows a village "Nov"; in a date it is the month."""
    text = "Egyptian protesters first rallied in Nov. 2011."
    assert _locate(gaz, text, "rallied", source=("EGY CVL", "Egyptian protesters")) is None


def test_an_event_on_the_ground_no_clause_places_is_where_the_story_is(gaz):
    text = (
        "Fuel protests spread in Freetown\n\n"
        "Thousands of students rallied in Freetown on Monday against the price rise.\n\n"
        "Students marched again on Tuesday, witnesses said."
    )
    students = ("SLE CVL", "Students")
    loc = _locate(gaz, text, "marched", source=students, plover="PROTEST")
    assert (loc.name, loc.country, loc.how) == ("Freetown", "SLE", "story")
    # a plan, or a statement, is not placed by the story
    assert (
        _locate(gaz, text, "marched", source=students, plover="PROTEST", status="planned") is None
    )
    assert _locate(gaz, text, "marched", source=students, plover="ACCUSE") is None
    # a place of another country than the sides' does not set the story for them
    assert _locate(gaz, text, "marched", source=("GHA CVL", "Students"), plover="PROTEST") is None


def test_a_sanction_takes_no_place_from_the_dateline(gaz):
    text = "The Treasury froze the assets of three Ruritanian officials on Monday."
    treasury = ("USA GOV", "The Treasury")
    assert (
        _locate(gaz, text, "froze", source=treasury, plover="SANCTION", dateline="WASHINGTON")
        is None
    )
    loc = _locate(gaz, text, "froze", source=treasury, plover="CONSULT", dateline="WASHINGTON")
    assert loc is not None and loc.name == "Washington"


def test_a_march_through_a_city_is_in_it(gaz):
    text = "Thousands of protesters marched through central Nairobi on Tuesday."
    loc = _locate(gaz, text, "marched", source=("KEN CVL", "protesters"), plover="PROTEST")
    assert (loc.name, loc.country) == ("Nairobi", "KEN")


def test_the_same_event_told_again_takes_the_place_its_other_telling_names():
    from dyad.stages.place import carry_places

    def told(index: int, loc: Location | None, day: str | None = None) -> EventMention:
        return EventMention(
            mention_id=str(index), article_id="t", sentence_index=index, sentence="s",
            start_char=0, end_char=1, trigger="t", trigger_start=0, trigger_end=1,
            source=_actor("NGA REB", "s", Sentence(index, 0, 1, "s"), "s"),
            target=_actor("NGA MIL", "s", Sentence(index, 0, 1, "s"), "s"),
            plover="ASSAULT", cameo="190", goldstein=-10.0, quad_class=4, status="occurred",
            date=day, location=loc,
        )  # fmt: skip

    town = Location("Gudumbali", "NGA", feature="city", how="sentence")
    other = Location("Damboa", "NGA", feature="city", how="sentence")
    got = carry_places([told(0, None), told(2, town)])
    assert (got[0].location.name, got[0].location.how) == ("Gudumbali", "context")
    # two tellings that disagree, or dates that cannot meet: no place is carried
    assert carry_places([told(0, None), told(2, town), told(3, other)])[0].location is None
    got = carry_places([told(0, None, "2021-03-01"), told(2, town, "2021-03-11")])
    assert got[0].location is None


@pytest.mark.parametrize(
    ("text", "trigger", "plover", "expected"),
    [
        ("Police clashed with students in downtown Nairobi on Friday.", "clashed", "ASSAULT",
         "Nairobi"),
        ("Missiles targeted the city of Odesa before dawn.", "targeted", "ASSAULT", "Odesa"),
        ("The drone attack on Moscow was the largest yet.", "attack", "ASSAULT", "Moscow"),
        ("The prime minister welcomed the president to Downing Street.", "welcomed", "CONSULT",
         "London"),
    ],
)  # fmt: skip
def test_more_ways_of_naming_where(gaz, text, trigger, plover, expected):
    """ "in downtown X", the object of "targeted", "an attack on X", "welcomed Y to X"."""
    loc = _locate(gaz, text, trigger, plover=plover)
    assert loc is not None and loc.name == expected


# --- named features, sites and seats (codebooks/features.yaml) -----------------------


@pytest.mark.parametrize(
    ("name", "expected", "country", "feature"),
    [
        ("Scarborough Shoal", "Scarborough Shoal", None, "shoal"),
        ("Bajo de Masinloc", "Scarborough Shoal", None, "shoal"),  # another of its names
        ("the Strait of Hormuz", "Strait of Hormuz", None, "admin1"),  # an area
        ("Khyber Pass", "Khyber Pass", "PAK", "pass"),
        ("Golan Heights", "Golan Heights", "SYR", "admin1"),
        ("Rafah crossing", "Rafah crossing", "PSE", "crossing"),
        ("Taksim Square", "Istanbul", "TUR", "city"),  # a site stands for its city
        ("Red Square", "Moscow", "RUS", "city"),
        ("Crete", "Crete", "GRC", "admin1"),  # not Crete, Illinois
        ("Bali", "Bali", "IDN", "admin1"),  # not Bari, one of whose other names it is
    ],
)
def test_named_features_and_sites(gaz, name, expected, country, feature):
    place = gaz.lookup(name)
    assert place is not None
    assert (place.name, place.country, place.feature) == (expected, country, feature)


def test_a_site_of_two_cities_goes_to_the_storys_country(gaz):
    assert gaz.lookup("Tahrir Square", countries=("EGY",)).name == "Cairo"
    assert gaz.lookup("Tahrir Square", countries=("IRQ",)).name == "Baghdad"


def test_a_feature_lies_within_its_area(gaz):
    sea, shoal = gaz.lookup("South China Sea"), gaz.lookup("Second Thomas Shoal")
    gulf = gaz.lookup("Gulf of Tonkin")
    assert gaz.lies_within(shoal, sea) and gaz.lies_within(gulf, sea)
    assert not gaz.lies_within(sea, shoal)
    assert not gaz.lies_within(shoal, gaz.lookup("East China Sea"))
    assert gaz.lies_within(gaz.lookup("Austin"), gaz.lookup("Texas"))
    assert gaz.lies_within(gaz.lookup("Lahore"), gaz.lookup("Pakistan"))
    assert gaz.seat("IMF").name == "Washington"
    assert gaz.seat("NOPE") is None


def test_extra_codebook_adds_features_sites_and_seats(gaz, tmp_path: Path):
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "features:\n"
        "  Bayside Flats: {kind: shoal, country: KEN, within: Indian Ocean, also: [The Flats]}\n"
        "sites:\n  Freedom Corner: {city: Nairobi, country: KEN}\n"
        "seats:\n  EAC: {city: Arusha, country: TZA}\n"
    )
    mine = gaz.extended([extra])
    flats = mine.lookup("The Flats")
    assert (flats.name, flats.country, flats.feature) == ("Bayside Flats", "KEN", "shoal")
    assert mine.lies_within(flats, mine.lookup("Indian Ocean"))
    assert mine.lookup("Freedom Corner").name == "Nairobi"
    assert mine.seat("EAC").name == "Arusha"
    assert gaz.lookup("Freedom Corner") is None  # the bundled one is unchanged


@pytest.mark.parametrize(
    ("body", "line", "entry"),
    [
        ("features:\n  Nameless Reef: {country: PHL}\n", 2, "Nameless Reef"),
        ("features:\n  Far Reef: {kind: reef, lat: 123}\n", 2, "Far Reef"),
        ("features:\n  Odd Reef: {kind: reef, country: XXX}\n", 2, "Odd Reef"),
        ("sites:\n  Ok Square: {city: Cairo, country: EGY}\n  Lost Square: {city: Atlantis, "
         "country: EGY}\n", 3, "Lost Square"),
        ("seats:\n  XYZ: Geneva\n", 2, "XYZ"),
    ],
)  # fmt: skip
def test_bad_feature_codebook_names_line_and_entry(gaz, tmp_path: Path, body, line, entry):
    bad = tmp_path / "bad.yaml"
    bad.write_text(body)
    with pytest.raises(CodebookError) as info:
        gaz.extended([bad])
    assert info.value.line == line
    assert info.value.entry == entry


# --- where a story's event happened: features, finer places, courts, seats --------------


def test_a_clash_at_a_shoal_of_a_sea_story_is_at_the_shoal(gaz):
    text = (
        "Manila and Beijing traded accusations over a collision in the South China Sea.\n"
        "The collision near Second Thomas Shoal was the third this month.\n"
        "A Chinese vessel rammed the Philippine boat, the coast guard said."
    )
    loc = _locate(
        gaz, text, "rammed", source=("CHN COP", "Chinese vessel"),
        target=("PHL COP", "Philippine boat"), plover="ASSAULT", dateline="Beijing",
    )  # fmt: skip
    assert (loc.name, loc.how) == ("Second Thomas Shoal", "story")


def test_drills_across_the_island_of_luzon(gaz):
    text = "Allied troops began drills across the northern island of Luzon on Monday."
    loc = _locate(gaz, text, "drills", source=("USA MIL", "Allied troops"),
                  target=("PHL MIL", ""), plover="COOPERATE")  # fmt: skip
    assert (loc.name, loc.country) == ("Luzon", "PHL")


def test_there_points_to_the_place_named_just_before(gaz):
    text = (
        "The cutter will stay at Second Thomas Shoal, the spokesman said.\n"
        "Last week a Chinese ship fired a water cannon at a supply boat there and blocked a "
        "mission from Manila."
    )
    loc = _locate(gaz, text, "fired", source=("CHN COP", "Chinese ship"), plover="ASSAULT")
    assert (loc.name, loc.text) == ("Second Thomas Shoal", "there")
    assert _locate(gaz, "There were no injuries in the clash.", "clash", plover="ASSAULT") is None


def test_a_state_is_refined_to_the_town_the_story_names(gaz):
    text = (
        "Gunmen ambushed an army patrol in the northeastern state of Borno, killing six.\n"
        "The patrol was attacked near Damboa on Tuesday, officials said."
    )
    args = dict(source=("NGA REB", "Gunmen"), target=("NGA MIL", "army patrol"),
                plover="ASSAULT", published="2024-03-10")  # fmt: skip
    loc = _locate(gaz, text, "ambushed", **args)
    assert (loc.name, loc.country) == ("Damboa", "NGA")
    # two towns: which one is unclear, so the state stays
    two = text + "\nSoldiers later reinforced a base near Bama, officials said."
    two = two.replace("Bama, officials", "Bama, officials")
    assert _locate(gaz, two + " Troops also patrolled in Bama.", "ambushed", **args).name == "Borno"
    # a town of an earlier year's attack is background
    old = text.replace("The patrol was attacked near Damboa on Tuesday", "In 2014 dozens died "
                       "near Damboa")  # fmt: skip
    assert _locate(gaz, old, "ambushed", **args).name == "Borno"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A Moscow court sentenced the activist to ten years on Monday.", "Moscow"),
        ("The activist was sentenced to ten years by a Kazan city court.", "Kazan"),
        ("The activist was sentenced to ten years in prison.", "Moscow"),  # the capital
    ],
)  # fmt: skip
def test_a_courts_act_is_placed_at_the_court(gaz, text, expected):
    loc = _locate(gaz, text, "sentenced", source=("RUS JUD", ""), target=("RUS OPP", "activist"),
                  plover="COERCE")  # fmt: skip
    assert loc is not None and loc.name == expected


def test_a_prosecutors_accusation_is_not_placed_at_the_court(gaz):
    text = "State prosecutors accused the activist of treason."
    got = _locate(gaz, text, "accused", source=("RUS JUD", "prosecutors"),
                  target=("RUS OPP", "activist"), plover="ACCUSE")  # fmt: skip
    assert got is None


def test_a_court_is_placed_where_the_story_holds_the_trial(gaz):
    text = (
        "Five candidates are standing trial in Kazan for the protest.\n"
        "The first of them was sentenced to five years."
    )
    loc = _locate(gaz, text, "sentenced", source=("RUS JUD", ""), plover="COERCE")
    assert loc.name == "Kazan"


def test_an_organisations_board_decides_at_its_seat(gaz):
    text = "The IMF executive board approved a loan of three billion dollars for Egypt on Friday."
    loc = _locate(gaz, text, "approved", source=("IGO IMF", "IMF"), target=("EGY GOV", "Egypt"),
                  plover="AID", dateline="Cairo")  # fmt: skip
    assert (loc.name, loc.how) == ("Washington", "seat")
    # the organisation's staff, not an organ, speaks from anywhere
    text = "The IMF said it approved a loan of three billion dollars for Egypt on Friday."
    loc = _locate(gaz, text, "approved", source=("IGO IMF", "IMF"), target=("EGY GOV", "Egypt"),
                  plover="AID")  # fmt: skip
    assert loc is None or loc.how != "seat"


def test_a_domestic_event_nothing_places_is_in_its_country(gaz):
    text = "The opposition led protests against the president after the vote."
    loc = _locate(gaz, text, "protests", source=("BLR OPP", "opposition"),
                  target=("BLR GOV", "president"), plover="PROTEST")  # fmt: skip
    assert (loc.name, loc.country, loc.how) == ("Belarus", "BLR", "country")
    # a plan between them will happen there too; two countries: no guess
    assert _locate(gaz, text, "protests", source=("BLR OPP", "opposition"),
                   target=("RUS GOV", "president"), plover="PROTEST") is None  # fmt: skip
    planned = _locate(gaz, text, "protests", source=("BLR OPP", "opposition"),
                      target=("BLR GOV", ""), plover="PROTEST", status="planned")  # fmt: skip
    assert planned.name == "Belarus"


def test_troops_sent_to_their_own_border_are_in_their_country(gaz):
    text = "India deployed 10,000 more soldiers to its border with China."
    loc = _locate(gaz, text, "deployed", source=("IND MIL", "India"), target=("CHN", "China"),
                  plover="MOBILIZE")  # fmt: skip
    assert (loc.name, loc.country) == ("India", "IND")
    text = "The ministers agreed to cooperate against smuggling along their shared border."
    assert _locate(gaz, text, "agreed", source=("DEU GOV", "ministers"),
                   target=("POL GOV", ""), plover="AGREE") is None  # fmt: skip


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ('"If Moscow continues to interfere in Georgia, we stand ready to act," he said.', "act"),
        ("The exiled writer has accused Moscow of shelling hospitals in Syria.", "accused"),
    ],
)
def test_a_condition_or_an_accused_act_does_not_place_the_event(gaz, text, trigger):
    assert _locate(gaz, text, trigger, source=("USA GOV", ""), plover="ACCUSE") is None


def test_a_meeting_during_a_summit_is_where_the_story_places_the_summit(gaz):
    text = (
        "Leaders met in Osaka on Friday, a day before the G20 summit opened.\n"
        "The prime minister will also meet the Chinese president during the G20 summit on Saturday."
    )
    loc = _locate(gaz, text, "meet", source=("IND GOV", "prime minister"),
                  target=("CHN GOV", "Chinese president"), status="planned")  # fmt: skip
    assert loc.name == "Osaka"


def test_an_agreement_at_the_end_of_a_visit_is_where_the_visit_was(gaz):
    text = (
        "A fund mission visited Islamabad for two weeks.\n\n"
        "At the conclusion of the visit the two sides reached an agreement on a loan."
    )
    loc = _locate(gaz, text, "reached", source=("PAK GOV", ""), plover="AGREE")
    assert loc.name == "Islamabad"


def test_talks_by_video_take_no_place_from_their_other_tellings():
    from dyad.stages.place import carry_places

    def told(index: int, sentence: str, loc: Location | None) -> EventMention:
        return EventMention(
            mention_id=str(index), article_id="t", sentence_index=index, sentence=sentence,
            start_char=0, end_char=1, trigger="t", trigger_start=0, trigger_end=1,
            source=_actor("SDN GOV", "s", Sentence(index, 0, 1, "s"), "s"),
            target=_actor("SDN REB", "s", Sentence(index, 0, 1, "s"), "s"),
            plover="CONSULT", cameo="040", goldstein=1.0, quad_class=1, status="occurred",
            location=loc,
        )  # fmt: skip

    hotel = Location("Khartoum", "SDN", feature="city", how="sentence")
    got = carry_places([told(0, "They resumed talks by video conference.", None),
                        told(1, "They talked from a hotel in Khartoum.", hotel)])  # fmt: skip
    assert got[0].location is None
    got = carry_places([told(0, "They resumed talks.", None),
                        told(1, "They talked in Khartoum.", hotel)])  # fmt: skip
    assert got[0].location.name == "Khartoum"


def test_what_is_demanded_is_not_where_the_demand_was_made(gaz):
    text = "Ankara demanded that Athens withdraw its soldiers from Imia."
    assert _locate(gaz, text, "demanded", source=("TUR GOV", "Ankara"), plover="REQUEST") is None
    # a relative clause after an event noun still describes it
    text = "The talks that were due to open in Athens were postponed."
    assert _locate(gaz, text, "talks").name == "Athens"


def test_talks_named_after_a_city_were_held_there(gaz):
    text = "The last round of Astana talks was limited to meetings with the envoy."
    loc = _locate(gaz, text, "meetings", source=("SYR GOV", ""), target=("IGO UNO", "envoy"))
    assert (loc.name, loc.country) == ("Astana", "KAZ")
    # talks named after a country are about it; the trigger's own words are not enough
    text = "The last round of Ukraine talks was limited to meetings with the envoy."
    assert _locate(gaz, text, "meetings", source=("RUS GOV", "")) is None
    text = "The minister thanked them for supporting the Astana conference."
    assert _locate(gaz, text, "conference", source=("SYR GOV", "")) is None


def test_a_written_statement_takes_no_place_from_the_dateline(gaz):
    kw = dict(dateline="BEIJING", source=("CHN GOV", "spokesman"), target=("PHL GOV", "Manila"))
    text = "The spokesman said in a statement that Manila had provoked the clash."
    assert _locate(gaz, text, "said", plover="ACCUSE", **kw) is None
    text = "The spokesman said in a statement that Manila was to blame. He called on Manila to go."
    assert _locate(gaz, text, "called", plover="REQUEST", **kw) is None
    text = "The spokesman told reporters that Manila had provoked the clash."
    assert _locate(gaz, text, "told", plover="ACCUSE", **kw).name == "Beijing"
