"""Tests of the events stage: codebooks, ontology, argument and status rules, the sentence
suite in tests/data/event_sentences.yaml and the seed-article gold."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from spacy.tokens import Doc

from dyad.codebooks.ontology import PLOVER_TYPES, bundled_ontology
from dyad.errors import CodebookError
from dyad.records import ActorMention, Article, EventMention
from dyad.stages.events import EventCodebook, EventExtractor

DATA = Path(__file__).parent / "data"
SYMMETRIC = bundled_ontology().symmetric_types

# A small stand-in for the actors stage: surface form -> "CTY SEC". Used for unit tests
# (so they test this stage alone) and as a fallback when the real coder cannot run.
CAST = {
    "Chile": "CHL",
    "Pakistan": "PAK",
    "Pakistani": "PAK",
    "Somali": "SOM",
    "Lebanon": "LBN",
    "Ghanaian": "GHA",
    "Addis Ababa": "ETH GOV",
    "Indonesian": "IDN",
    "Indonesia": "IDN",
    "Malaysia": "MYS",
    "Vietnam": "VNM",
    "Philippines": "PHL",
    "Philippine": "PHL",
    "Poland": "POL",
    "Belarus": "BLR",
    "Morocco": "MAR",
    "Algeria": "DZA",
    "Thai": "THA",
    "Cambodian": "KHM",
    "Chilean": "CHL",
    "Peru": "PER",
    "Azerbaijani": "AZE",
    "Armenian": "ARM",
    "Armenia": "ARM",
    "Norway": "NOR",
    "Somalia": "SOM",
    "Argentina": "ARG",
    "Uruguay": "URY",
    "Dutch": "NLD",
    "Hungary": "HUN",
    "Serbia": "SRB",
    "Kosovo": "XKX",
    "Jordan": "JOR",
    "Canadian": "CAN",
    "Tanzania": "TZA",
    "Burundian": "BDI",
    "Greek": "GRC",
    "Greece": "GRC",
    "Sweden": "SWE",
    "Ghana": "GHA",
    "Uganda": "UGA",
    "Bolivia": "BOL",
    "Swiss": "CHE",
    "Nepali": "NPL",
    "Islamabad": "PAK GOV",
    "Pakistani army": "PAK MIL",
    "United States": "USA",
    "US": "USA",
    "U.S.": "USA",
    "America": "USA",
    "American": "USA",
    "Washington": "USA GOV",
    "Pentagon": "USA MIL",
    "State Department": "USA GOV",
    "India": "IND",
    "Indian": "IND",
    "New Delhi": "IND GOV",
    "China": "CHN",
    "Chinese": "CHN",
    "Beijing": "CHN GOV",
    "Russia": "RUS",
    "Russian": "RUS",
    "Moscow": "RUS GOV",
    "Ukraine": "UKR",
    "Ukrainian": "UKR",
    "Kyiv": "UKR GOV",
    "Iran": "IRN",
    "Iranian": "IRN",
    "Tehran": "IRN GOV",
    "Israel": "ISR",
    "Israeli": "ISR",
    "Afghanistan": "AFG",
    "Afghan": "AFG",
    "Kabul": "AFG GOV",
    "Taliban": "AFG GOV",
    "Bangladesh": "BGD",
    "Bangladeshi": "BGD",
    "Dhaka": "BGD GOV",
    "Turkey": "TUR",
    "Turkish": "TUR",
    "Ankara": "TUR GOV",
    "France": "FRA",
    "French": "FRA",
    "Paris": "FRA GOV",
    "Germany": "DEU",
    "German": "DEU",
    "Berlin": "DEU GOV",
    "Japan": "JPN",
    "Japanese": "JPN",
    "Tokyo": "JPN GOV",
    "Egypt": "EGY",
    "Egyptian": "EGY",
    "Cairo": "EGY GOV",
    "Qatar": "QAT",
    "Qatari": "QAT",
    "Doha": "QAT GOV",
    "Saudi Arabia": "SAU",
    "Saudi": "SAU",
    "Riyadh": "SAU GOV",
    "North Korea": "PRK",
    "North Korean": "PRK",
    "Pyongyang": "PRK GOV",
    "South Korea": "KOR",
    "South Korean": "KOR",
    "Seoul": "KOR GOV",
    "Britain": "GBR",
    "British": "GBR",
    "London": "GBR GOV",
    "Syria": "SYR",
    "Syrian": "SYR",
    "Damascus": "SYR GOV",
    "Nigeria": "NGA",
    "Nigerian": "NGA",
    "Kenya": "KEN",
    "Kenyan": "KEN",
    "Ethiopia": "ETH",
    "Ethiopian": "ETH",
    "Sudan": "SDN",
    "Sudanese": "SDN",
    "Venezuela": "VEN",
    "Venezuelan": "VEN",
    "Colombia": "COL",
    "Colombian": "COL",
    "Brazil": "BRA",
    "Brazilian": "BRA",
    "Mexico": "MEX",
    "Mexican": "MEX",
    "United Nations": "IGO UNO",
    "UN": "IGO UNO",
    "NATO": "IGO NAT",
    "European Union": "IGO EUR",
    "EU": "IGO EUR",
    "IMF": "IGO IMF",
}
_CAST_RE = re.compile(
    r"(?<![\w])("
    + "|".join(re.escape(k) for k in sorted(CAST, key=len, reverse=True))
    + r")(?![\w])"
)


def cast_actors(doc) -> tuple[ActorMention, ...]:
    """ActorMentions for the CAST names in ``doc`` (hyphenated pairs give two mentions)."""
    out = []
    sent_of = {s.start: i for i, s in enumerate(doc.sents)}
    for m in _CAST_RE.finditer(doc.text):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        country, _, sector = CAST[m.group(1)].partition(" ")
        out.append(
            ActorMention(
                start=m.start(),
                end=m.end(),
                sentence_index=sent_of[span.sent.start],
                text=m.group(1),
                country=country,
                sector=sector or None,
                name=m.group(1),
                resolved_by="codebook",
                token_start=span.start,
                token_end=span.end,
            )
        )
    return tuple(out)


def real_coder(nlp):
    """The actors stage's coder, or None while it cannot run (then CAST stands in)."""
    try:
        from dyad.stages.actors import ActorCodebook, ActorCoder

        coder = ActorCoder(ActorCodebook.load(), nlp)
        coder(nlp("Pakistan and the United States will hold talks."))
    except Exception:  # any failure of another stage means: use the stand-in
        return None
    return coder


@pytest.fixture(scope="module")
def codebook() -> EventCodebook:
    return EventCodebook.load()


@pytest.fixture(scope="module")
def extractor(codebook, nlp) -> EventExtractor:
    return EventExtractor(codebook, nlp)


@pytest.fixture(scope="module")
def actor_coder(nlp):
    return real_coder(nlp)


def run(nlp, extractor, text: str, published: date | None = None) -> tuple[EventMention, ...]:
    doc = nlp(text)
    doc._.article = Article(article_id="t", text=text, published=published)
    return extractor(doc, cast_actors(doc))


def short(events) -> set[tuple]:
    return {(e.source.country, e.target.country, e.plover, e.status) for e in events}


# ---------------------------------------------------------------------- codebooks
def test_bundled_codebook_is_broad(codebook):
    assert len(codebook.triggers) >= 300
    assert {t.plover for t in codebook.triggers} == set(PLOVER_TYPES)
    assert {t.pos for t in codebook.triggers} == {"VERB", "AUX", "NOUN", "ADJ"}
    assert codebook.imported > 10_000  # the converted CAMEO verb dictionary
    assert codebook.ontology.goldstein("046") == 7.0
    assert codebook.ontology.goldstein("0874") == 10.0
    assert codebook.ontology.goldstein("1831") == -10.0  # falls back to 183
    assert [codebook.ontology.quad_class(c) for c in ("018", "057", "0874", "111", "183")] == [
        1,
        1,
        2,
        3,
        4,
    ]


@pytest.mark.slow
def test_user_file_extends_and_overrides(tmp_path, nlp):
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "quad_classes: {'14': 3}\n"
        "triggers:\n  - {lemma: parley, pos: VERB, plover: CONSULT, cameo: '046'}\n"
        "  - {lemma: meet, pos: VERB, plover: CONSULT, cameo: '044'}\n",
        encoding="utf-8",
    )
    book = EventCodebook.load([extra])
    assert book.ontology.quad_class("141") == 3
    events = run(nlp, EventExtractor(book, nlp), "Pakistan parleyed with India on Monday.")
    assert short(events) == {("PAK", "IND", "CONSULT", "occurred")}
    (met,) = run(nlp, EventExtractor(book, nlp), "Pakistan met India on Monday.")
    assert met.cameo == "044"  # a user entry wins a tie with a bundled one


@pytest.mark.parametrize(
    ("body", "line", "entry", "reason"),
    [
        ("triggers:\n  - {lemma: meet, plover: CHAT, cameo: '040'}\n", 2, "meet", "PLOVER"),
        ("triggers:\n  - {lemma: meet, plover: CONSULT, cameo: '999'}\n", 2, "meet", "CAMEO"),
        (
            "triggers:\n  - {lemma: meet, plover: CONSULT, cameo: '040', colour: red}\n",
            2,
            "meet",
            "colour",
        ),
        ("codes:\n  '046': {name: Negotiate, goldstein: 70}\n", 2, "046", "goldstein"),
        ("quad_classes: {'14': 5}\n", 1, "14", "QuadClass"),
        (
            "types:\n  SANCTION: {default_cameo: '160', placed_by: nowhere}\n",
            2,
            "SANCTION",
            "placed_by",
        ),
        ("triggers: [\n", None, None, "invalid YAML"),
        (
            "triggers:\n  - {lemma: crack, plover: COERCE, cameo: '175', particle: on}\n",
            2,
            "crack",
            "quotes",
        ),
    ],
)
def test_codebook_errors_name_file_line_entry(tmp_path, body, line, entry, reason):
    bad = tmp_path / "bad.yaml"
    bad.write_text(body, encoding="utf-8")
    with pytest.raises(CodebookError) as info:
        EventCodebook.load([bad])
    err = info.value
    assert err.path == str(bad)
    assert reason in str(err)
    if line is not None:
        assert err.line == line
    assert err.entry == entry


# ---------------------------------------------------------------------- arguments
@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Pakistan and the United States will hold talks in Washington.",
            {("PAK", "USA", "CONSULT", "planned")},
        ),
        ("Iran was attacked by Israel on Sunday.", {("ISR", "IRN", "ASSAULT", "occurred")}),
        ("India imposed sanctions on Iran.", {("IND", "IRN", "SANCTION", "occurred")}),
        (
            "The US-Pakistan dialogue is taking place in Washington.",
            {("USA", "PAK", "CONSULT", "ongoing")},
        ),
        (
            "The visit of a Pakistani delegation to Afghanistan ended on Friday.",
            {("PAK", "AFG", "CONSULT", "occurred")},
        ),
        ("China's visit to Russia was cancelled.", {("CHN", "RUS", "CONSULT", "negated")}),
        (
            "Turkey will send a delegation to Egypt and Qatar.",
            {("TUR", "EGY", "CONSULT", "planned"), ("TUR", "QAT", "CONSULT", "planned")},
        ),
        (
            "Talks between India and China may resume next month.",
            {("IND", "CHN", "CONSULT", "planned")},
        ),
        (
            "Talks between India and China might resume one day.",
            {("IND", "CHN", "CONSULT", "hypothetical")},
        ),
        ("Japan urged North Korea to return to talks.", {("JPN", "PRK", "REQUEST", "occurred")}),
        ("Russia threatened to attack Ukraine.", {("RUS", "UKR", "THREATEN", "occurred")}),
        ("France did not meet Germany.", {("FRA", "DEU", "CONSULT", "negated")}),
        # attacks that stop are a truce, not one more attack
        (
            "Kenya and Somalia halted attacks on each other.",
            {("KEN", "SOM", "RETREAT", "occurred")},
        ),
        # what an attempt to persuade asks for is not done
        (
            "Egypt tried to persuade Kenya and Somalia to halt attacks on each other.",
            {("KEN", "SOM", "RETREAT", "hypothetical")},
        ),
    ],
)
def test_argument_and_status_rules(nlp, extractor, text, expected):
    assert short(run(nlp, extractor, text)) == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "status", "tense"),
    [
        ("Egypt met Qatar on Monday.", "occurred", "past"),
        ("Egypt has met Qatar twice.", "occurred", "perfect"),
        ("Egypt is meeting Qatar in Doha.", "ongoing", "progressive"),
        ("Egypt and Qatar have been discussing the border.", "ongoing", "progressive"),
        ("Egypt will meet Qatar.", "planned", "future"),
        ("Egypt meets Qatar next week.", "planned", "present"),
        ("Egypt is scheduled to meet Qatar.", "planned", "present"),
        ("Egypt said it would meet Qatar.", "planned", "present"),
        ("The upcoming talks between Egypt and Qatar were discussed.", "planned", "past"),
        ("Egypt did not meet Qatar.", "negated", "past"),
        ("Egypt cancelled its visit to Qatar.", "negated", "past"),
        ("Egypt called off talks with Qatar.", "negated", "past"),
        ("Egypt may meet Qatar.", "hypothetical", "present"),
        ("If asked, Egypt would meet Qatar.", "hypothetical", "present"),
        ("Egypt wants to meet Qatar.", "hypothetical", "present"),
        ("The ongoing talks between Egypt and Qatar were praised.", "ongoing", "past"),
        # a build-up told in the present perfect still holds; in the past perfect it is over
        ("Kenya has deployed troops to its border with Somalia.", "ongoing", "perfect"),
        # an attempt told in the past was made; the start of talks told in the present
        # perfect, and a state said to hold "currently", go on
        ("Egypt tried to meet Qatar on Sunday.", "occurred", "past"),
        ("Egypt is trying to meet Qatar.", "hypothetical", "progressive"),
        ("Talks between Egypt and Qatar have resumed in Doha.", "ongoing", "perfect"),
        ("Egypt and Qatar are currently locked in a standoff.", "ongoing", "present"),
        # a decision (``decision`` in plover.yaml) announced in the progressive is taken
        ("Kenya is imposing sanctions on Somalia.", "occurred", "progressive"),
        ("Kenya is levying new sanctions on Somalia next week.", "planned", "progressive"),
        (
            "Looking ahead to talks between Egypt and Qatar, officials were hopeful.",
            "planned",
            "past",
        ),
        # a participle takes the time of the verb over it
        ("Scenes of Egypt fighting Qatar on the border were shown.", "occurred", "past"),
        (
            "Kenya had deployed troops to its border with Somalia before the talks.",
            "occurred",
            "perfect",
        ),
    ],
)
def test_status_and_tense(nlp, extractor, text, status, tense):
    (event,) = run(nlp, extractor, text)
    assert (event.status, event.tense) == (status, tense)


@pytest.mark.slow
def test_reported_speech_makes_the_speaker_the_source(nlp, extractor):
    events = run(
        nlp, extractor, '"We seek a strong partnership with Kenya," the Brazilian envoy said.'
    )
    assert short(events) == {("BRA", "KEN", "AGREE", "occurred")}


@pytest.mark.slow
def test_pronoun_falls_back_to_previous_subject(nlp, extractor):
    events = run(
        nlp, extractor, "Egypt's foreign minister arrived on Monday. He met Sudan's president."
    )
    (event,) = events
    assert (event.source.country, event.target.country, event.sentence_index) == ("EGY", "SDN", 1)
    assert event.confidence < 0.9


@pytest.mark.slow
def test_no_event_without_actors_or_for_pure_statements(nlp, extractor):
    text = (
        "The talks were long. Officials said the situation is complex. "
        "India said prices are rising."
    )
    assert run(nlp, extractor, text) == ()


@pytest.mark.slow
def test_evidence_offsets_and_codes(nlp, extractor):
    text = "Background first. Later, Kenya strongly condemned Ethiopia over the border raid."
    (event,) = run(nlp, extractor, text)
    assert text[event.trigger_start : event.trigger_end] == event.trigger == "condemned"
    assert text[event.start_char : event.end_char] == event.sentence
    assert event.sentence_index == 1
    assert (event.plover, event.cameo, event.goldstein, event.quad_class) == (
        "ACCUSE",
        "111",
        -2.0,
        3,
    )
    assert event.source.text == "Kenya" and event.target.text == "Ethiopia"
    assert event.mode == "disapprove" and "military" in event.context
    assert event.date is None and event.location is None
    again = run(nlp, extractor, text)
    assert again[0].mention_id == event.mention_id and len(event.mention_id) == 16


# ---------------------------------------------------------------------- sentence suite
def _key(country_a, country_b, plover, cameo, status) -> tuple:
    pair = tuple(sorted((country_a, country_b))) if plover in SYMMETRIC else (country_a, country_b)
    return (pair, plover, str(cameo)[:2], status)


# Floors: with the stand-in coder the suite measures this stage alone; with the real
# actors stage it measures both stages together.
FLOORS = {"cast": 0.95, "real": 0.9}


@pytest.mark.slow
@pytest.mark.parametrize("which", ["cast", "real"])
def test_sentence_suite(nlp, extractor, actor_coder, which):
    cases = yaml.safe_load((DATA / "event_sentences.yaml").read_text(encoding="utf-8"))
    assert len(cases) >= 150
    coder = actor_coder if which == "real" else None
    if which == "real" and coder is None:
        pytest.skip("the actors stage cannot run yet")
    right = 0
    wrong = []
    for case in cases:
        doc = nlp(case["text"])
        doc._.article = Article(article_id="s", text=case["text"], published=case.get("published"))
        actors = coder(doc) if coder is not None else cast_actors(doc)
        got = {
            _key(e.source.country, e.target.country, e.plover, e.cameo, e.status)
            for e in extractor(doc, actors)
        }
        want = {
            _key(x["source"], x["target"], x["plover"], x["cameo"], x["status"])
            for x in case["expect"]
        }
        if got == want:
            right += 1
        else:
            wrong.append((case["text"], sorted(want), sorted(got)))
    rate = right / len(cases)
    print(f"sentence suite ({which} actors): {right}/{len(cases)} fully right ({rate:.0%})")
    for item in wrong:
        print("  MISS", *item, sep="\n    ")
    assert rate >= FLOORS[which], wrong[:10]


# ---------------------------------------------------------------------- seed articles
def _countries(code: str | None) -> str | None:
    return code.split()[0] if code else None


def _fold(text: str) -> str:
    text = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


def _same_dyad(gold: dict, event: EventMention) -> bool:
    want = (_countries(gold["source"]), _countries(gold["target"]))
    got = (event.source.country, event.target.country)
    if gold["plover"] != event.plover:
        return False
    return got == want or (gold["plover"] in SYMMETRIC and got == want[::-1])


def _seed_predictions(nlp, extractor, coder, seeds: Path) -> dict[str, tuple[EventMention, ...]]:
    from dyad.pipeline import read_articles
    from dyad.stages.nlp import parse

    if coder is None:
        pytest.skip("the actors stage cannot run yet")
    articles = [a for a in read_articles([seeds]) if isinstance(a, Article)]
    assert len(articles) == 5
    return {
        Path(doc._.article.path).name: extractor(doc, coder(doc)) for doc in parse(nlp, articles)
    }


@pytest.mark.slow
def test_seed_gold(nlp, extractor, actor_coder, shared_dir):
    """Required gold lines found (same sentence, PLOVER type and countries; either order for
    symmetric types), and fewer events matching no gold line than required lines found."""
    path = shared_dir / "gold" / "seed_events.jsonl"
    gold = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    predicted = _seed_predictions(nlp, extractor, actor_coder, shared_dir / "seeds")
    rows = []
    found_total = false_total = required_total = status_right = 0
    for name in sorted(predicted):
        events = predicted[name]
        lines = [g for g in gold if g["article"] == name]
        used: set[int] = set()
        found = 0
        for g in (g for g in lines if g["required"]):
            evidence = _fold(g["evidence"])[:40]
            fits = [
                i
                for i, e in enumerate(events)
                if i not in used and _same_dyad(g, e) and evidence in _fold(e.sentence)
            ]
            fits.sort(key=lambda i: events[i].status != g["status"])  # same status first
            if fits:
                used.add(fits[0])
                found += 1
                status_right += events[fits[0]].status == g["status"]
        false = [e for e in events if not any(_same_dyad(g, e) for g in lines)]
        required = sum(g["required"] for g in lines)
        rows.append((name, required, found, len(events), len(false)))
        found_total += found
        false_total += len(false)
        required_total += required
    print("\narticle  required  found  events  false")
    for row in rows:
        print("{}  {:>8}  {:>5}  {:>6}  {:>5}".format(row[0][:3], *row[1:]))
    print(f"total    {required_total:>8}  {found_total:>5}  {'':>6}  {false_total:>5}")
    print(f"status right on {status_right} of {found_total} found required lines")
    assert required_total == 18
    assert found_total >= 17
    assert false_total < found_total
    assert status_right >= found_total - 2


@pytest.mark.slow
def test_actors_given_by_character_offsets_only(nlp, extractor):
    """Actor mentions without token indices are placed by their character offsets."""
    doc = nlp("Kenya met Ethiopia.")
    actors = [
        ActorMention(
            start=0, end=5, sentence_index=0, text="Kenya", country="KEN", sector=None, name="Kenya"
        ),
        ActorMention(
            start=10,
            end=18,
            sentence_index=0,
            text="Ethiopia",
            country="ETH",
            sector=None,
            name="Ethiopia",
        ),
    ]
    (event,) = extractor(doc, actors)
    assert (event.source.country, event.target.country, event.article_id) == ("KEN", "ETH", "")
    assert extractor(nlp(""), ()) == ()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the state talks, asks, sanctions through its government
        ("Chile and Peru will hold talks on fishing rights next week.", ("CHL GOV", "PER GOV")),
        ("Norway imposed sanctions on Belarus on Friday.", ("NOR GOV", "BLR GOV")),
        ("Ghana urged Togo to reopen the border.", ("GHA GOV", "TGO GOV")),
        # aid is given to a government, as a loan or a grant is
        ("Canada sent food aid to Haiti after the storm.", ("CAN GOV", "HTI GOV")),
        # troops move into a country, attacks hit it
        ("Spain deployed troops to Latvia last month.", ("ESP MIL", "LVA")),
        ("Azerbaijan shelled Armenian positions on Sunday.", ("AZE MIL", "ARM")),
        # villages are their people (the Phoenix agents code VILLAGE as civilians)
        ("Azerbaijan shelled Armenian villages on Sunday.", ("AZE MIL", "ARM CVL")),
        # military exercises and defence talks are the armed forces'
        ("Vietnam and Japan held joint naval exercises off Da Nang.", ("VNM MIL", "JPN MIL")),
        (
            "The Mongolia-Kazakhstan defence dialogue opened in Astana on Monday.",
            ("MNG MIL", "KAZ MIL"),
        ),
        # a people stays the nation
        ("The Chilean people welcomed the agreement with Peru.", ("CHL", "PER GOV")),
    ],
)
def test_bare_country_takes_the_sector_of_its_role(nlp, extractor, actor_coder, text, expected):
    doc = nlp(text)
    doc._.article = Article(article_id="s", text=text, published=date(2025, 3, 3))
    events = extractor(doc, actor_coder(doc))
    assert [(e.source.code, e.target.code) for e in events] == [expected]


# ---------------------------------------------------------------------- story-level rules
def _coded(nlp, extractor, actor_coder, text: str) -> tuple[EventMention, ...]:
    if actor_coder is None:
        pytest.skip("the actors stage cannot run yet")
    doc = nlp(text)
    doc._.article = Article(article_id="t", text=text, published=date(2025, 3, 10))
    return extractor(doc, actor_coder(doc))


def test_a_speaker_in_the_first_person_is_a_party_to_the_talks(nlp, extractor, actor_coder):
    text = (
        "Norway and Chile have been preparing a fisheries accord for months.\n\n"
        '"I believe the talks will be here in Oslo in the first week of April," '
        "Norwegian Foreign Minister Ingrid Halvorsen said."
    )
    (talks,) = _coded(nlp, extractor, actor_coder, text)
    assert (talks.source_code, talks.target_code, talks.plover) == ("NOR GOV", "CHL GOV", "CONSULT")
    assert talks.status == "planned"
    assert talks.source is not None and talks.source.name == "Norway"  # the side, not her
    third_person = text.replace("I believe the", "The").replace(
        "Norwegian Foreign Minister Ingrid Halvorsen", "a spokesperson of the European Commission"
    )
    assert _coded(nlp, extractor, actor_coder, third_person) == ()


def test_also_keeps_a_second_event_of_one_sentence_apart(nlp, extractor, actor_coder):
    text = (
        "Norway and Chile have been preparing a fisheries accord for months.\n\n"
        '"I believe the talks will be here in Oslo in April, and we will also hold a research '
        'dialogue in May," Norwegian Foreign Minister Ingrid Halvorsen said.'
    )
    talks, dialogue = _coded(nlp, extractor, actor_coder, text)
    assert (talks.trigger, talks.additional) == ("talks", False)
    assert (dialogue.trigger, dialogue.additional) == ("hold", True)
    plain = "Kenyan President Joseph Mwangi met Ugandan President Grace Atim and held talks."
    assert len(_coded(nlp, extractor, actor_coder, plain)) == 1  # one event, told twice


def test_names_the_parser_strands_before_their_verb_are_its_subject(nlp, extractor):
    """The small model reads "..., Halvorsen and Rojas also touched upon quotas" as if the
    names belonged to the clause before; the verb has no subject, the names are right
    before it."""
    parse = [  # word, head, dependency, part of speech, tag, lemma
        ("In", 10, "prep", "ADP", "IN", "in"),
        ("addition", 0, "pobj", "NOUN", "NN", "addition"),
        ("to", 1, "prep", "ADP", "IN", "to"),
        ("discussing", 2, "pcomp", "VERB", "VBG", "discuss"),
        ("trade", 3, "dobj", "NOUN", "NN", "trade"),
        (",", 4, "punct", "PUNCT", ",", ","),
        ("Halvorsen", 4, "conj", "PROPN", "NNP", "Halvorsen"),
        ("and", 6, "cc", "CCONJ", "CC", "and"),
        ("Rojas", 6, "conj", "PROPN", "NNP", "Rojas"),
        ("also", 10, "advmod", "ADV", "RB", "also"),
        ("touched", 10, "ROOT", "VERB", "VBD", "touch"),
        ("upon", 10, "prep", "SCONJ", "IN", "upon"),
        ("quotas", 11, "pobj", "NOUN", "NNS", "quota"),
        (".", 10, "punct", "PUNCT", ".", "."),
    ]
    words, heads, deps, pos, tags, lemmas = (list(column) for column in zip(*parse, strict=True))
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos, tags=tags, lemmas=lemmas)
    doc._.article = Article(article_id="t", text=doc.text, published=date(2025, 3, 10))

    def minister(i: int, country: str) -> ActorMention:
        token = doc[i]
        return ActorMention(
            start=token.idx,
            end=token.idx + len(token),
            sentence_index=0,
            text=token.text,
            country=country,
            sector="GOV",
            name=token.text,
            token_start=i,
            token_end=i + 1,
        )

    (event,) = extractor(doc, (minister(6, "NOR"), minister(8, "CHL")))
    assert (event.trigger, event.plover, event.additional) == ("touched", "CONSULT", True)
    assert {event.source_code, event.target_code} == {"NOR GOV", "CHL GOV"}


def test_separately_and_another_mark_one_more_event(nlp, extractor, actor_coder):
    """ "Later, X met Y separately" and "another attack" are events beside those told
    before, not retellings."""
    text = (
        "Kenyan President Joseph Mwangi held talks with Ugandan President Grace Atim "
        "in Kampala.\n\n"
        "Later, Mwangi met Atim separately."
    )
    first, later = _coded(nlp, extractor, actor_coder, text)
    assert (first.additional, later.additional) == (False, True)
    attack = "Rebels launched another attack on Ugandan troops near the border."
    (event,) = _coded(nlp, extractor, actor_coder, attack)
    assert (event.plover, event.additional) == ("ASSAULT", True)


def test_coming_under_attack_is_suffering_it(nlp, extractor, actor_coder):
    """ "X came under attack from Y": Y attacks X (``undergo_words``)."""
    text = "A Nigerian army convoy came under heavy attack from Boko Haram fighters on Thursday."
    (event,) = _coded(nlp, extractor, actor_coder, text)
    assert (event.source_code, event.target_code, event.plover) == ("NGA REB", "NGA MIL", "ASSAULT")
    pressure = "The Nigerian army came under pressure from Boko Haram critics."
    assert _coded(nlp, extractor, actor_coder, pressure) == ()


@pytest.mark.parametrize(
    "denial",
    [
        "A spokesperson confirmed that the Iranian president himself had not been sanctioned.",
        "The new measures do not target the Iranian president.",
        "The Iranian president was not among those sanctioned.",
        "The sanctions spared the Iranian president.",
    ],
)
def test_whom_sanctions_left_out_is_a_negated_sanction_by_their_author(
    nlp, extractor, actor_coder, denial
):
    """A negated event with a named patient and no named doer is the story's doer not
    doing it to that patient: "X wasn't sanctioned" after "Canada froze the assets of
    ..." is Canada's negated SANCTION of X, kept apart from the sanctions imposed."""
    told = "Canada froze the assets of five Iranian officials on Monday.\n\n"
    imposed, spared = _coded(nlp, extractor, actor_coder, told + denial)
    assert (imposed.source_code, imposed.target_code, imposed.status) == (
        "CAN GOV",
        "IRN GOV",
        "occurred",
    )
    assert (spared.source_code, spared.target_code, spared.plover, spared.status) == (
        "CAN GOV",
        "IRN GOV",
        "SANCTION",
        "negated",
    )
    # without a doer told before, nobody is named
    assert _coded(nlp, extractor, actor_coder, denial) == ()


def test_sanctions_that_hit_someone_and_a_pointer_to_them_are_no_denial(
    nlp, extractor, actor_coder
):
    """ "did not spare X" says X was hit; "They are the toughest sanctions since 1979"
    says what the sanctions told before were."""
    told = "Canada froze the assets of five Iranian officials on Monday.\n\n"
    for after in (
        "The sanctions did not spare the Iranian president.",
        "They are the toughest sanctions against Iran since 1979.",
    ):
        (imposed,) = _coded(nlp, extractor, actor_coder, told + after)
        assert imposed.sentence_index == 0


@pytest.mark.slow
def test_a_protest_slated_for_a_day_is_planned_and_unnamed_takes_the_movements_parties(
    nlp, extractor, actor_coder
):
    """ "a march by students now slated for Friday" is a plan (the participle may hang on
    the noun of the march's own phrase, and the lemmatizer reads "slated" as "slat"); a
    march planned without naming who, in a story of protests, is that movement's; with no
    protest nearby it names no one and yields nothing."""
    if actor_coder is None:
        pytest.skip("the actors stage cannot run yet")

    def events(text: str) -> set[tuple]:
        doc = nlp(text)
        doc._.article = Article(article_id="p", text=text, published=None)
        return {
            (e.source.country, e.source.sector, e.target.country, e.target.sector, e.plover,
             e.status)
            for e in extractor(doc, actor_coder(doc))
        }  # fmt: skip

    students = ("CHL", "CVL", "CHL", "GOV", "PROTEST")
    assert events(
        "Demands for reform have grown, with a mass march by Chilean students against the "
        "Chilean government now slated for Friday."
    ) == {(*students, "planned")}
    assert events(
        "A march by Chilean students against the Chilean government is slated for Friday."
    ) == {(*students, "planned")}
    assert events(
        "Chilean students marched against the Chilean government on Monday. Calls for the "
        "minister to resign have grown louder, with a mass march now slated for Friday."
    ) == {(*students, "occurred"), (*students, "planned")}
    assert (
        events("Calls for reform have grown louder, with a mass march now set for Friday.") == set()
    )
