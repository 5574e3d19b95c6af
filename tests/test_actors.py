"""The actors stage: codebook loading and validation, and coding of actor mentions."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest

from dyad.errors import CodebookError
from dyad.records import ActorMention, Article
from dyad.stages.actors import SECTORS, ActorCodebook, ActorCoder, country_name

# ---------------------------------------------------------------- codebook (no model)


@pytest.fixture(scope="module")
def codebook() -> ActorCodebook:
    return ActorCodebook.load()


def test_every_pycountry_country_has_a_name(codebook: ActorCodebook) -> None:
    import pycountry

    iso3s = {p.iso3 for p in codebook.places.values()}
    missing = [c.alpha_3 for c in pycountry.countries if c.alpha_3 not in iso3s]
    assert missing == []


def test_demonyms_adjectives_and_capitals(codebook: ActorCodebook) -> None:
    places = codebook.places
    assert (places["Pakistani"].iso3, places["Pakistani"].form) == ("PAK", "adjective")
    assert (places["U.S."].iso3, places["U.S."].form) == ("USA", "name")
    assert (places["Americans"].iso3, places["Americans"].form) == ("USA", "demonym")
    assert (places["Islamabad"].iso3, places["Islamabad"].form) == ("PAK", "capital")
    assert places["Moscow"].trusted and places["Kabul"].iso3 == "AFG"
    assert places["Ouagadougou"].iso3 == "BFA"


def test_country_name() -> None:
    assert country_name("PAK") == "Pakistan"
    assert country_name("USA") == "United States"
    assert country_name("IGO") == "international organisation"
    assert country_name("ZZZ") == "ZZZ"


def test_sectors_are_documented() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "actors.md").read_text()
    for code in SECTORS:
        assert f"`{code}`" in doc


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line", "entry", "words"),
    [
        ("people:\n  - name: A B\n    roles: [{country: XXX, sector: GOV}]\n", 2, "A B", "XXX"),
        ("titles:\n  - {name: Boss, sector: BOSS}\n", 2, "Boss", "sector"),
        ("bodies:\n  - {name: X}\n  - {name: Y, sector: GOV, colour: red}\n", 2, "X", "sector"),
        ("organisations:\n  - {code: un, name: UN}\n", 2, "UN", "code"),
        (
            "groups:\n  - {name: G, roles: [{country: PAK, sector: GOV, from: soon}]}\n",
            2,
            "G",
            "from",
        ),
        ("countries:\n  - {iso3: PAK}\n  - {iso3: PAKI, names: [P]}\n", 3, "PAKI", "iso3"),
    ],
)
def test_bad_user_entries_name_file_line_and_entry(
    tmp_path: Path, text: str, line: int, entry: str, words: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(CodebookError) as err:
        ActorCodebook.load([path])
    assert err.value.path == str(path)
    assert err.value.line == line
    assert err.value.entry == entry
    assert words in str(err.value)


def test_unknown_section_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="unknown section 'actors'"):
        ActorCodebook.load([write(tmp_path, "actors: []\n")])


def test_bundled_codebooks_are_valid_and_nonempty(codebook: ActorCodebook) -> None:
    kinds = {kind for kind, _entry in codebook.names.values()}
    assert kinds == {"body", "media", "org", "group", "person"}
    phrase_kinds = {kind for kind, _entry in codebook.phrases.values()}
    assert phrase_kinds == {"title", "noun", "collective"}


# ---------------------------------------------------------------- coding (model)


@pytest.fixture(scope="module")
def coder(nlp) -> ActorCoder:
    return ActorCoder(ActorCodebook.load(), nlp)


def code(nlp, coder: ActorCoder, text: str, published: date | None = None) -> list[ActorMention]:
    doc = nlp(text)
    doc._.article = Article(article_id="t", text=text, published=published)
    mentions = coder(doc)
    assert doc._.actors == mentions
    return list(mentions)


def codes_of(mentions: Iterable[ActorMention], span: str) -> set[str | None]:
    return {m.code for m in mentions if span in m.text}


CASES = [
    # persons by title, with the country of the title phrase
    ("US Ambassador Donald Blome met officials in Islamabad.", "Donald Blome", "USA GOV", "title"),
    (
        "Pakistan's Defence Minister Tariq Khan spoke to reporters.",
        "Tariq Khan",
        "PAK GOV",
        "title",
    ),
    (
        "The UK's Ambassador to Pakistan Jane Marriott met the press.",
        "Jane Marriott",
        "GBR GOV",
        "title",
    ),
    (
        "Pakistan's Ambassador to the US Masood Khan met lawmakers.",
        "Masood Khan",
        "PAK GOV",
        "title",
    ),
    ("US State Department's counselor Tom Baker visited Dhaka.", "Tom Baker", "USA GOV", "title"),
    (
        "Counsellor of the US Department of State Tom Baker arrived.",
        "Tom Baker",
        "USA GOV",
        "title",
    ),
    (
        "State Department Spokesperson Ann Lee told reporters on Monday.",
        "Ann Lee",
        "USA GOV",
        "title",
    ),
    ("Pentagon spokesman John Ryder declined to comment.", "John Ryder", "USA MIL", "title"),
    (
        "Indian Foreign Minister Ravi Kumar met his Chinese counterpart.",
        "Ravi Kumar",
        "IND GOV",
        "title",
    ),
    (
        "Egyptian Army Chief Gen Ahmed Fathy inspected the troops.",
        "Ahmed Fathy",
        "EGY MIL",
        "title",
    ),
    (
        "Kenyan police chief Peter Mwangi said the suspects fled.",
        "Peter Mwangi",
        "KEN COP",
        "title",
    ),
    ("French Senator Marie Dubois criticised the bill.", "Marie Dubois", "FRA LEG", "title"),
    ("Nigerian Chief Justice Ade Bello swore in the cabinet.", "Ade Bello", "NGA JUD", "title"),
    ("UN Secretary-General Ana Silva called for calm.", "Ana Silva", "IGO UNO", "title"),
    (
        "U.S. Secretary of State Mark Hill met Japanese Foreign Minister Aiko Sato.",
        "Mark Hill",
        "USA GOV",
        "title",
    ),
    (
        "U.S. Secretary of State Mark Hill met Japanese Foreign Minister Aiko Sato.",
        "Aiko Sato",
        "JPN GOV",
        "title",
    ),
    ("Secretary of State Mark Hill will travel to Ghana.", "Mark Hill", "USA GOV", "title"),
    (
        "Pakistani Deputy Prime Minister and Foreign Minister Ali Raza met envoys.",
        "Ali Raza",
        "PAK GOV",
        "title",
    ),
    ("Britain's Defence Secretary Tom Gray spoke.", "Tom Gray", "GBR GOV", "title"),
    ("Defense Secretary Paul Ward will visit Japan.", "Paul Ward", "USA GOV", "title"),
    (
        "The Kenyan delegation was led by Chief of General Staff Lt Gen Omar Bile.",
        "Omar Bile",
        "KEN MIL",
        None,
    ),
    (
        "Kenyan Foreign Minister Ann Wanjiru met her Ugandan counterpart Sam Okello.",
        "Sam Okello",
        "UGA GOV",
        "title",
    ),
    (
        "Indian Minister Raj Patel met Bangladeshi Foreign Minister Nadia Haq.",
        "Nadia Haq",
        "BGD GOV",
        "title",
    ),
    # bodies and metonyms
    (
        "Japan's foreign ministry said the launch was a threat.",
        "foreign ministry",
        "JPN GOV",
        "codebook",
    ),
    ("The State Department said talks would continue.", "State Department", "USA GOV", "codebook"),
    ("The Pentagon announced new aid.", "Pentagon", "USA MIL", "codebook"),
    (
        "The US Defence Department hosted the delegation.",
        "US Defence Department",
        "USA MIL",
        "codebook",
    ),
    ("Pakistan's Foreign Office rejected the claim.", "Foreign Office", "PAK GOV", "codebook"),
    (
        "India's Ministry of External Affairs issued a statement.",
        "Ministry of External Affairs",
        "IND GOV",
        None,
    ),
    ("The Kremlin denied the report.", "Kremlin", "RUS GOV", "metonym"),
    ("Washington wants Islamabad to act against militants.", "Washington", "USA GOV", "metonym"),
    ("Washington wants Islamabad to act against militants.", "Islamabad", "PAK GOV", "metonym"),
    ("Moscow and Kabul signed a deal.", "Moscow", "RUS GOV", "metonym"),
    ("The Bundestag approved the budget.", "Bundestag", "DEU LEG", "codebook"),
    ("Iran's Supreme Court upheld the sentence.", "Supreme Court", "IRN JUD", "codebook"),
    # organisations and groups
    ("The United Nations called for a ceasefire.", "United Nations", "IGO UNO", "codebook"),
    ("NATO leaders met in Brussels.", "NATO leaders", "IGO NAT", "title"),
    ("NATO said it would respond.", "NATO", "IGO NAT", "codebook"),
    ("Kenyan and Ethiopian officials met.", "Kenyan", "KEN GOV", "codebook"),
    ("Kenyan and Ethiopian officials met.", "Ethiopian officials", "ETH GOV", "codebook"),
    ("The Pakistani and Indian foreign ministers met.", "Pakistani", "PAK GOV", "codebook"),
    (
        "The Pakistani and Indian foreign ministers met.",
        "Indian foreign ministers",
        "IND GOV",
        None,
    ),
    ("The Saudi king pledged support.", "Saudi king", "SAU GOV", "title"),
    ("Iran rejected the American proposal.", "American", "USA", "codebook"),
    ("A Turkish envoy travelled to Damascus.", "Damascus", "SYR GOV", "metonym"),
    ("The IMF approved a loan.", "IMF", "IGO IMF", "codebook"),
    ("The World Bank and the EU pledged funds.", "World Bank", "IGO WBK", "codebook"),
    ("The World Bank and the EU pledged funds.", "EU", "IGO EEC", "codebook"),
    ("The IAEA sent inspectors.", "IAEA", "IGO IAEA", "codebook"),
    ("The SCO summit opened.", "SCO", "IGO SCO", "codebook"),
    ("The TTP claimed the attack.", "TTP", "PAK REB", "codebook"),
    ("Boko Haram fighters raided a village.", "Boko Haram", "NGA REB", "codebook"),
    ("Hezbollah fired rockets.", "Hezbollah", "LBN REB", "codebook"),
    # bare countries and group nouns
    ("Pakistan wants better ties.", "Pakistan", "PAK", "codebook"),
    ("The United States wants better ties.", "United States", "USA", "codebook"),
    ("America looks forward to cooperation.", "America", "USA", "codebook"),
    ("The US seeks a partnership.", "US", "USA", "codebook"),
    ("Russian officials welcomed the visit.", "Russian officials", "RUS GOV", "codebook"),
    ("He met senior Bangladeshi officials.", "Bangladeshi officials", "BGD GOV", "codebook"),
    ("US troops withdrew last year.", "US troops", "USA MIL", "codebook"),
    ("The Pakistan Army launched an operation.", "Pakistan Army", "PAK MIL", "codebook"),
    ("Pakistani forces killed five militants.", "Pakistani forces", "PAK MIL", "codebook"),
    ("Police in Lahore arrested two men.", "Police", "PAK COP", "context"),
    ("Gunmen attacked a checkpoint near Quetta.", "Gunmen", "PAK REB", "context"),
    ("Militants stormed a school in Kano.", "Militants", "NGA REB", "context"),
    ("Protesters gathered outside the embassy in Nairobi.", "Protesters", "KEN CVL", "context"),
    ("Residents of Mosul fled the fighting in Iraq.", "Residents", "IRQ CVL", "context"),
    ("The Kenyan opposition rejected the result.", "Kenyan opposition", "KEN OPP", "codebook"),
    (
        "American business leaders welcomed the deal.",
        "American business leaders",
        "USA BUS",
        "codebook",
    ),
    ("Pakistani journalists protested.", "Pakistani journalists", "PAK MED", "codebook"),
    ("Indian civil society groups objected.", "Indian civil society groups", "IND NGO", "codebook"),
    ("We stand with the Pakistani people.", "Pakistani people", "PAK", "codebook"),
    ("Syrian refugees crossed the border.", "Syrian refugees", "SYR REF", "codebook"),
    ("Israeli lawmakers voted on the bill.", "Israeli lawmakers", "ISR LEG", "codebook"),
    ("Pakistan's inter-agency delegation arrived.", "delegation", "PAK GOV", "codebook"),
    # media outlets are MED, never GOV
    ("The Washington Post reported the meeting.", "Washington Post", "USA MED", "codebook"),
    ("The New York Times reported the meeting.", "New York Times", "USA MED", "codebook"),
    ("The Nairobi Daily reported the meeting.", "Nairobi Daily", None, None),
    # a congress named without a country is the legislature of the context's country
    ("Colombia's president addressed Congress on Monday.", "Congress", "COL LEG", "context"),
    ("Chilean miners marched to the Congress building.", "Congress", "CHL LEG", "context"),
    ("The White House asked Congress for more money.", "Congress", "USA LEG", "context"),
    ("The U.S. Congress approved the aid package.", "Congress", "USA LEG", "codebook"),
    # a place of another clause is not where a party is from
    (
        "Prosecutors had accused the activist of insulting the Kenyan army after he "
        "criticised what Nairobi calls its mission in Somalia.",
        "Prosecutors",
        "KEN JUD",
        "context",
    ),
    (
        "In an interview in Washington, the American envoy stressed the need to help "
        "Islamabad fight terrorists, who had killed 80 people inside a mosque in Peshawar.",
        "terrorists",
        "PAK REB",
        "context",
    ),
    # a country word in the body's own name, not a destination ("envoy to Pakistan")
    (
        "Hanoi lodged a formal complaint about the fishing boats with the "
        "Chinese Embassy in Hanoi and the Vietnamese Embassy in Beijing.",
        "Chinese Embassy",
        "CHN GOV",
        None,
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "span", "expected", "how"), CASES)
def test_actor_codes(
    nlp, coder, text: str, span: str, expected: str | None, how: str | None
) -> None:
    mentions = code(nlp, coder, text, date(2023, 2, 14))
    found = [m for m in mentions if span in m.text]
    if expected is None:
        assert not any(m.sector == "GOV" for m in found), found
        return
    assert found, f"no actor for {span!r} in {mentions}"
    assert expected in {m.code for m in found}, found
    if how is not None:
        assert how in {m.resolved_by for m in found if m.code == expected}


NOT_ACTORS = [
    ("The Washington Post said sources confirmed it.", "Washington", "USA GOV"),
    ("Michael Jordan said the game was close.", "Jordan", "JOR"),
    ("Chad Smith said the game was close.", "Chad", "TCD"),
    ("Chad will play guard for the team next season.", "Chad", "TCD"),
    ("Families roasted a Turkey at Thanksgiving dinner.", "Turkey", "TUR"),
    ("She moved to Atlanta, Georgia, last year.", "Georgia", "GEO"),
    ("Georgia's governor signed the bill in Atlanta.", "Georgia", "GEO"),
    ("In March, protesters gathered.", "March", None),
    ("The talks took place in May.", "May", None),
    ("He lives in New Jersey now.", "Jersey", "JEY"),
    ("George Washington crossed the river.", "Washington", "USA GOV"),
    ("They agreed to press Japan for a statement.", "press", None),
    ("The Chinese ship heaved in its anchor on Saturday.", "anchor", None),
    ("The envoys met White House representatives in October.", "representatives", "USA LEG"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "word", "code_"), NOT_ACTORS)
def test_not_actors(nlp, coder, text: str, word: str, code_: str | None) -> None:
    mentions = code(nlp, coder, text)
    bad = [m for m in mentions if word in m.text and (code_ is None or m.code == code_)]
    assert bad == []


@pytest.mark.slow
def test_georgia_the_country_still_codes(nlp, coder) -> None:
    mentions = code(nlp, coder, "Georgia and Armenia signed a border deal in Tbilisi.")
    assert "GEO" in codes_of(mentions, "Georgia")


@pytest.mark.slow
def test_jordan_the_country_owning_a_title(nlp, coder) -> None:
    mentions = code(nlp, coder, "Jordan's King Abdullah met the envoy.")
    assert "JOR GOV" in codes_of(mentions, "Abdullah")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        ("The US-Pakistan dialogue resumed.", "USA", "PAK"),
        ("The Pakistan-US dialogue resumed.", "PAK", "USA"),
        ("The U.S.-Pakistan dialogue resumed.", "USA", "PAK"),
        ("Pak-US relations improved.", "PAK", "USA"),
        ("The India-China border talks failed.", "IND", "CHN"),
    ],
)
def test_compounds_give_two_actors(nlp, coder, text: str, first: str, second: str) -> None:
    mentions = [m for m in code(nlp, coder, text) if m.resolved_by == "compound"]
    assert [m.country for m in mentions] == [first, second]
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert m.text in {"US", "U.S.", "Pakistan", "Pak", "India", "China"}
        assert m.token_end > m.token_start >= 0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "phrase", "pair", "sector"),
    [
        (
            "Pakistan and the United States held talks. The two countries agreed to meet.",
            "two countries",
            {"PAK", "USA"},
            None,
        ),
        (
            "The India-China talks ended. Both sides said they made progress.",
            "Both sides",
            {"IND", "CHN"},
            None,
        ),
        (
            "Kenya hosted Uganda. Japan sent aid. The two nations will trade more.",
            "two nations",
            {"JPN", "KEN"},
            None,
        ),
        (
            "French President Paul Roy met German Chancellor Eva Klein. The two leaders agreed.",
            "two leaders",
            {"FRA", "DEU"},
            "GOV",
        ),
    ],
)
def test_collectives_name_both_parties(
    nlp, coder, text: str, phrase: str, pair: set[str], sector: str | None
) -> None:
    found = [m for m in code(nlp, coder, text) if phrase in m.text]
    assert {m.country for m in found} == pair
    assert all(m.resolved_by == "context" and m.sector == sector for m in found)


@pytest.mark.slow
def test_later_short_forms_resolve_to_the_full_actor(nlp, coder) -> None:
    text = (
        "US State Department Counsellor Tom Baker met Pakistani officials. "
        "Pakistan's Foreign Minister Ali Raza welcomed him. "
        "Baker said the talks went well. The foreign minister agreed. "
        "He said more talks would follow. The counsellor left on Friday."
    )
    mentions = code(nlp, coder, text)
    by_text = {(m.text, m.sentence_index): m for m in mentions}
    assert by_text[("Baker", 2)].name == "Tom Baker"
    assert by_text[("Baker", 2)].code == "USA GOV"
    assert by_text[("Baker", 2)].resolved_by == "coref"
    assert by_text[("foreign minister", 3)].name == "Ali Raza"
    assert by_text[("He", 4)].name == "Ali Raza"
    assert by_text[("counsellor", 5)].name == "Tom Baker"


@pytest.mark.slow
def test_abbreviated_title_resolves_to_person(nlp, coder) -> None:
    text = (
        "The Egyptian team is headed by Chief of General Staff (CGS) Lt Gen Omar Fathy. "
        "The CGS is the second most senior officer."
    )
    mentions = code(nlp, coder, text)
    later = [m for m in mentions if m.text == "CGS"][-1]
    assert (later.code, later.name, later.resolved_by) == ("EGY MIL", "Omar Fathy", "coref")


@pytest.mark.slow
def test_pronoun_is_not_resolved_without_a_person(nlp, coder) -> None:
    mentions = code(nlp, coder, "Pakistan wants peace. He said so.")
    assert not any(m.text == "He" for m in mentions)


@pytest.mark.slow
def test_delegation_follows_the_one_introduced(nlp, coder) -> None:
    text = "A Nigerian delegation arrived in Accra. The delegation will meet Ghanaian officials."
    mentions = code(nlp, coder, text)
    later = [m for m in mentions if m.text == "delegation" and m.sentence_index == 1]
    assert later and later[0].code == "NGA GOV" and later[0].resolved_by == "coref"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("Imran Khan addressed a rally.", date(2020, 6, 1), "PAK GOV"),
        ("Imran Khan addressed a rally.", date(2023, 6, 1), "PAK OPP"),
        ("Vladimir Putin spoke.", date(2010, 1, 1), "RUS GOV"),
        ("The Taliban seized a district.", date(2019, 5, 1), "AFG REB"),
        ("The Taliban announced a decree.", date(2023, 5, 1), "AFG GOV"),
        ("Donald Trump said he would run.", date(2022, 11, 15), "USA"),
        ("Donald Trump said he would run.", date(2018, 11, 15), "USA GOV"),
        ("Businessman Donald Trump said he would run.", date(2015, 6, 16), "USA BUS"),
    ],
)
def test_dated_roles(nlp, coder, text: str, published: date, expected: str) -> None:
    mentions = code(nlp, coder, text, published)
    assert mentions[0].code == expected


@pytest.mark.slow
def test_role_of_known_person(nlp, coder) -> None:
    mentions = code(nlp, coder, "Putin met Modi in Delhi.", date(2021, 12, 6))
    assert [(m.name, m.role, m.resolved_by) for m in mentions[:2]] == [
        ("Vladimir Putin", "President", "codebook"),
        ("Narendra Modi", "Prime Minister", "codebook"),
    ]


@pytest.mark.slow
def test_user_codebook_extends_and_overrides(nlp, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "groups:\n  - {name: Red Hand, aliases: [Red Hand], country: GBR, sector: REB}\n"
        "bodies:\n  - {name: US Department of Defense, aliases: [Pentagon],"
        " country: USA, sector: GOV}\n",
    )
    coder = ActorCoder(ActorCodebook.load([path]), nlp)
    mentions = code(nlp, coder, "The Red Hand threatened the Pentagon.")
    assert codes_of(mentions, "Red Hand") == {"GBR REB"}
    assert codes_of(mentions, "Pentagon") == {"USA GOV"}
    # the replaced entry's other aliases are gone: the generic body, with no country, applies
    assert codes_of(code(nlp, coder, "The Department of Defense said so."), "Defense") == {"MIL"}


@pytest.mark.slow
def test_every_mention_has_consistent_offsets(nlp, coder) -> None:
    text = (
        "The U.S.-Pakistan talks began. US Ambassador Donald Blome met Pakistan's Interior "
        "Minister Ali Raza in Islamabad. The two countries agreed. He said police and "
        "militants clashed in Quetta, and the UN called for calm."
    )
    doc = nlp(text)
    mentions = coder(doc)
    assert len(mentions) >= 8
    for m in mentions:
        assert text[m.start : m.end] == m.text
        span = doc[m.token_start : m.token_end]
        assert span.start_char <= m.start < m.end <= span.end_char
        assert m.sentence_index == next(
            i for i, s in enumerate(doc.sents) if s.start <= m.token_start < s.end
        )
        assert m.resolved_by in {
            "codebook",
            "title",
            "ner",
            "metonym",
            "coref",
            "compound",
            "context",
        }
        assert m.sector is None or m.sector in SECTORS or m.country == "IGO"


# ---------------------------------------------------------------- seed gold


def _norm(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'").lower()


def score_seeds(shared: Path, nlp, coder: ActorCoder, codebook: ActorCodebook) -> dict[str, object]:
    """Precision and recall of actor codes on the named actors of the seed gold.

    Every source_name/target_name is looked up in its article: the whole name, or each part
    of it split at brackets and commas, or that part without its first words ("CGS Lt Gen
    X" -> "Lt Gen X"); a bare country name also matches the country's other names ("United
    States" -> "U.S."). A name counts as found when some actor
    mention overlaps an occurrence, and as correct when such a mention has the gold country
    and, unless the name is a bare country or capital (whose sector the gold takes from the
    event), the gold sector. Recall = correct / located names; precision = correct / found.
    Per occurrence: the share of mentions over occurrences that carry the gold country.
    """
    published = {
        (row := json.loads(line))["article"]: date.fromisoformat(row["published"])
        for line in (shared / "gold" / "seed_articles.jsonl").read_text().splitlines()
        if line.strip()
    }
    gold: dict[tuple[str, str], str] = {}
    for line in (shared / "gold" / "seed_events.jsonl").read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            for side in ("source", "target"):
                if row[f"{side}_name"] and row[side]:
                    gold[(row["article"], row[f"{side}_name"])] = row[side]
    docs: dict[str, tuple[str, str, tuple[ActorMention, ...]]] = {}
    located = found = correct = occ_found = occ_correct = 0
    unlocated: list[str] = []
    missed: list[str] = []
    for (article, name), gold_code in sorted(gold.items()):
        if article not in docs:
            text = (shared / "seeds" / article).read_text(encoding="utf-8")
            doc = nlp(text)
            doc._.article = Article(article_id=article, text=text, published=published[article])
            docs[article] = (text, _norm(text), coder(doc))
        original, text, mentions = docs[article]
        country, _, sector = gold_code.partition(" ")
        pieces = [name, *re.split(r"[(),]", name)]
        spans: list[tuple[int, int]] = []
        bare = False
        for piece in (p.strip() for p in pieces):
            words = re.sub(r"^the ", "", _norm(piece)).split()
            for first in range(max(1, len(words) - 1)):
                if spans or len(words) < 1:
                    break
                piece = " ".join(words[first:])
                spans = [(m.start(), m.end()) for m in re.finditer(re.escape(piece), text)]
            place = next((p for w, p in codebook.places.items() if _norm(w) == piece), None)
            if place is not None:
                bare = True
                if not spans:
                    forms = [w for w, p in codebook.places.items() if p.iso3 == place.iso3]
                    pattern = "|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in forms)
                    spans = [(m.start(), m.end()) for m in re.finditer(pattern, original)]
            if spans:
                break
        if not spans:
            unlocated.append(f"{article[:3]} {name}")
            continue
        located += 1
        over = [m for m in mentions for a, b in spans if m.start < b and m.end > a]
        for m in over:
            occ_found += 1
            occ_correct += m.country == country
        ok = [
            m for m in over if m.country == country and (bare or not sector or m.sector == sector)
        ]
        found += bool(over)
        correct += bool(ok)
        if not ok:
            missed.append(
                f"{article[:3]} {name} {gold_code}: {sorted({m.code or '-' for m in over})}"
            )
    return {
        "names": len(gold),
        "located": located,
        "recall": correct / located,
        "precision": correct / found,
        "occurrence_precision": occ_correct / occ_found,
        "unlocated": unlocated,
        "missed": missed,
    }


@pytest.mark.slow
def test_seed_gold_actors(shared_dir: Path, nlp, coder, codebook: ActorCodebook) -> None:
    scores = score_seeds(shared_dir, nlp, coder, codebook)
    assert isinstance(scores["located"], int) and isinstance(scores["names"], int)
    assert scores["located"] >= 0.8 * scores["names"], scores
    assert scores["recall"] >= 0.95, scores
    assert scores["precision"] >= 0.95, scores
    assert scores["occurrence_precision"] >= 0.9, scores


@pytest.mark.slow
def test_without_a_date_the_latest_role_applies(nlp, coder) -> None:
    assert code(nlp, coder, "Imran Khan addressed a rally.")[0].code == "PAK OPP"


@pytest.mark.slow
def test_coder_pickles_for_worker_processes(nlp, coder) -> None:
    import pickle

    again = pickle.loads(pickle.dumps(coder))
    doc = nlp("US troops met Pakistani officials.")
    assert [m.code for m in again(doc)] == ["USA MIL", "PAK GOV"]


@pytest.mark.slow
def test_two_heads_joined_by_and_are_two_persons(nlp, coder) -> None:
    mentions = code(
        nlp,
        coder,
        "Irish Prime Minister Simon Harris welcomed US President Joe Biden to Dublin. "
        "Later the Prime Minister and President Biden planted a tree together.",
    )
    second = {m.text: m.code for m in mentions if m.sentence_index == 1}
    assert second == {"Prime Minister": "IRL GOV", "President Biden": "USA GOV"}
    one = code(nlp, coder, "Deputy Prime Minister and Foreign Minister Ishaq Dar met the envoy.")
    assert "PAK GOV" in codes_of(one, "Deputy Prime Minister and Foreign Minister Ishaq Dar")
