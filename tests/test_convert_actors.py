"""The Phoenix actor and agent dictionaries → dyad actor codebooks (dyad.codebooks.convert.actors).

Small dictionaries written here in the Phoenix formats; a hand-made ``_Known`` stands for
the bundled codebooks so that these tests do not depend on what those hold.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from dyad.codebooks.actor_codebook import ActorCodebook
from dyad.codebooks.convert import actors
from dyad.codebooks.convert.actors import _Known, convert_actors

COUNTRIES = """\
# comment line
AFGHANISTAN_  [AFG]
+AFGHAN_
+KABUL_

BARACK_OBAMA_  # CountryInfo.txt
+OBAMA_
+PRESIDENT_OBAMA_
\t[USAELI 19610804-090120]
\t[USAGOV 090120-170120]
\t[USAELI]
MOHAMMAD_NAJIBULLAH_  # CountryInfo.txt
\t[AFGGOV 870930-871130]
\t[AFGGOV 871130-920416]
\t[AFGGOV 871130-900101]
\t[AFGELI]
HAMID_KARZAI_
+KARZAI_
\t[AFGELI 750101-000101]
\t[AFGGOV >011222]
\t[AFGELI]
ABDULLAH_ABDULLAH_
\t[AFGGOV 20011001-20050420]
\t[AFGOPP]
ADVISER_ONE_
\t[AFGGOV <050301]
LEONID_BREZHNEV_  # CountryInfo.txt
LEONID_ILYICH_BREZHNEV
\t[RUSGOV 640101-921110]
JOHN_MAJOR_
\t[GBRGOV 901128-970502]
ORLANDO_SMITH_
\t[GBRVGBGOV 030101-060101]
XANANA_GUSMAO_
\t[TMPGOV 020520-070520]
HASHIM_THACI_
\t[KSVGOV 080109-140609]
KIM_JONG_UN_
\t[PRKGOV >111217]
ONLY_ELITE_
\t[TURELI]
GEORGE_ACHEBE_
\t[NGAGOV 650101-700101]
WAYNE_KINAKUTA_
\t[KNTGOV 830101-950101]
JAVIER_SOLANA_
\t[ESPGOV 920101-950101]
\t[IGOWSTNAT 951205-991006]
ROMANO_PRODI_
\t[IGOEUREEC 960101-960630]
\t[ITAGOV 060517-080508]
MOHAMMED_ALI_ALLAHDADI
\t[IRNMIL]
AHMED_DARWISH_
\t[---]
FOREIGN_MINISTER_ABDULLAH_
\t[AFGGOV 030101-060531]
+ABDULLAH_

FEDERAL_BUREAU_OF_INVESTIGATION_
+FBI_
+DRUG_ENFORCEMENT_AGENCY_
\t[USACOP]
UNITED_STATES_SUPREME_COURT_
+SCOTUS_
\t[USAGOVJUD]
US_SECRETARY_OF_STATE_
\t[USAGOV]
FREE_SYRIAN_ARMY_
+FSA_
\t[SYRREB]
SUDAN_PEOPLE'S_LIBERATION_ARMY
+SPLA
\t[SDNREB 19830101-20110711]
\t[SSDMIL >20110711]
THINK_TANK_INSTITUTE
\t[USAELI]
"""

MILNONSTATE = """\
ADEN_ABYAN_ISLAMIC_ARMY_(AAIA)_ [YEMREB] #  kkl 21 Mar 13
+ADEN_ISLAMIC_ARMY_

ABU_NIDAL_ORGANIZATION [IMGMUSALQ]
+FATAH_REVOLUTIONARY_COUNCIL_

AL-QAEDA_IN_THE_ISLAMIC_MAGHREB [IMGMUSALQ]

1920_REVOLUTION_BRIGADES_ [IRQREB]

OSAMA_BIN_LADEN_
+BIN_LADEN
\t[IMGMUSALQ]
ALTAF_HUSSAIN__ [IMGSASMUS]
ABU_SALEM__ [IMGMUS]
ABU_SAYYAF__ [IMGSEAMUSASF]
ABU_SAYYAF_GROUP [PHLREB]
"""

INTERNATIONAL = """\
UN_ [IGOUNO]
UNICEF_\t[IGOUNOKID]# NGO_Actors
NORTH_ATLANTIC_TREATY_ORGANIZATION_
+NATO_
\t[IGOWSTNAT]
KOFI_ANNAN_
+SECRETARY-GENERAL_KOFI_ANNAN
\t[IGOUNO 970101-061231]
\t[ELI]# IGOrulers.txt
RALPH_FIENNES_\t[IGOUNOKID] #MleH 14 Jul 2009# NGO_Actors
ORGANIZATION_FOR_THE_PROHIBITION_OF_CHEMICAL_WEAPONS [IGO]
AMNESTY_INTERNATIONAL_\t[NGOHRIAMN]# NGO_Actors
HUMAN_RIGHTS_WATCH\t[NGOUSAHRI]
MEDICAL_MISSION_SISTERS_\t[NGOCHRCTHHLH]
MERRILL_LYNCH_\t[MNCUSA]\t# Investment Bankers
HAARETZ [ISRMED]
THE_GUARDIAN [MED]
"""

AGENTS = """\
# ======== SUBSTITUTION SETS ========
!PERSON! = MAN, MEN, WOMAN, WOMEN, PERSON
!MINIST! = MINISTER, MINISTERS, MINISTRY, MINISTRIES

CONGRESS!PERSON! [~LEG]
POLICE {} [~COP]
RIOT_POLICE {} [~COP]
FARMER [~AGR]
MILITIA_MEMBER [~UAF]
SPY [~SPY]
ATTORNEY [~JUD]
THIEF {THIEVES} [~CRM]
PARTY_OFFICIAL [~PTY]
HEALTH_!MINIST! [~GOV]
JUSTICE_MINISTRY [~GOV]
AMBASSADOR_AT {} [~GOV]
SECURITY_FORCE [~MIL]
SECURITY_FORCE [~COP]
CHAMBER_OF_COMMERCE {CHAMBERS_OF_COMMERCE} [~BUS]
HUMAN_RIGHTS_BODY  [NGO~]
ENVIRONMENTALIST [~ENV]
ISLAMIC_EXTREMIST
POLICEMAN [~COP]
TELEVISION [~MED]
"""


def known(**extra: Any) -> _Known:
    """What a bundled codebook knows: a country name, a title, a noun, an organisation."""
    fields: dict[str, Any] = {
        "names": frozenset({"Afghanistan", "Pentagon", "United Nations"}),
        "phrases": frozenset({"president", "minister", "police", "officials"}),
        "titles": (("minister",), ("ministers",), ("president",), ("foreign", "minister")),
        "acronyms": frozenset({"UN", "US", "UNICEF"}),
        "entry_names": frozenset({"United Nations", "police"}),
        "org_codes": frozenset({"UNO", "NAT", "ECO"}),
    }
    fields.update(extra)
    return _Known(**fields)


def convert(**texts: str) -> dict[str, tuple[dict, dict[str, int]]]:
    names = {
        "countries": "Phoenix.Countries.actors.txt",
        "milnonstate": "Phoenix.MilNonState.actors.txt",
        "international": "Phoenix.International.actors.txt",
        "agents": "Phoenix.agents.txt",
    }
    return actors._convert({names[k]: v for k, v in texts.items()}, known())


@pytest.fixture(scope="module")
def result() -> dict[str, tuple[dict, dict[str, int]]]:
    return convert(
        countries=COUNTRIES, milnonstate=MILNONSTATE, international=INTERNATIONAL, agents=AGENTS
    )


def entries(result: dict, file: str, section: str) -> dict[str, dict]:
    return {e["name"]: e for e in result[file][0].get(section, [])}


def counts(result: dict, file: str) -> dict[str, int]:
    return result[file][1]


# ---------------------------------------------------------------- dates and codes


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("090120", date(2009, 1, 20)),
        ("300101", date(2030, 1, 1)),  # 00-30: 20xx (PETRARCH's rule)
        ("310101", date(1931, 1, 1)),
        ("791227", date(1979, 12, 27)),
        ("19270101", date(1927, 1, 1)),
    ],
)
def test_dates_two_digit_years_and_centuries(text: str, day: date) -> None:
    assert actors._date(text) == day


@pytest.mark.parametrize("bad", ["2004017", "000000", "19xx0101", "0913"])
def test_unreadable_dates_raise(bad: str) -> None:
    with pytest.raises(ValueError):
        actors._date(bad)


def test_restrictions() -> None:
    before = actors._restriction("AFGGOV <050301")
    assert before is not None and (before.start, before.end) == (None, date(2005, 3, 1))
    after = actors._restriction("EGYGOV > 140608")
    assert after is not None and (after.start, after.end) == (date(2014, 6, 8), None)
    assert actors._restriction("AFGGOV 861124-791227") is None  # ends before it starts
    default = actors._restriction("AFGELI")
    assert default is not None and default.default


@pytest.mark.parametrize(
    ("code", "country", "role"),
    [
        ("USAGOV", "USA", "GOV"),
        ("AFGGOVJUD", "AFG", "GOV"),
        ("GBRVGBGOV", "VGB", "GOV"),  # a territory
        ("TMPGOV", "TLS", "GOV"),  # CAMEO's East Timor
        ("KSVGOV", "XKX", "GOV"),  # Kosovo
        ("KNTGOV", None, "GOV"),  # no ISO code
        ("IGOUNOKID", "IGO", None),
        ("MED", None, "MED"),
    ],
)
def test_codes(code: str, country: str | None, role: str | None) -> None:
    parsed = actors._parse_code(code)
    assert (parsed.country, parsed.role) == (country, role)


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("words", "org", "cased"),
    [
        ("BARACK OBAMA", False, "Barack Obama"),
        ("BASHAR AL-ASSAD", False, "Bashar al-Assad"),
        ("OSAMA BIN LADEN", False, "Osama bin Laden"),
        ("ZIA UL HAQ", False, "Zia ul Haq"),
        ("JOHN MCCAIN", False, "John McCain"),
        ("CONAN O'BRIEN", False, "Conan O'Brien"),
        ("JOHN PAUL II", False, "John Paul II"),
        ("XI JINPING", False, "Xi Jinping"),  # "XI" first is no numeral
        ("MIKHAIL S. GORBACHEV", False, "Mikhail S. Gorbachev"),
        ("AL GORE", False, "Al Gore"),  # a person's first word stays capital
        ("TEHRIK-I-TALIBAN PAKISTAN", True, "Tehrik-i-Taliban Pakistan"),
        ("REVOLUTIONARY PEOPLE'S FRONT", True, "Revolutionary People's Front"),
        (
            "UN DEPARTMENT OF PEACEKEEPING OPERATIONS",
            True,
            "UN Department of Peacekeeping Operations",
        ),
        ("AL QAIDA", True, "al Qaida"),
        ("QATAR-BASED AL-JAZEERA", True, "Qatar-based al-Jazeera"),
        ("23RD OF SEPTEMBER COMMUNIST LEAGUE", True, "23rd of September Communist League"),
        ("M23", True, "M23"),
        ("PKK", True, "PKK"),  # no vowel
        ("U.S. ARMY", True, "U.S. Army"),
        ("ERDOĞAN", False, "Erdoğan"),
    ],
)
def test_casing(words: str, org: bool, cased: str) -> None:
    casing = actors._Casing(org=org, acronyms=frozenset({"UN"}))
    assert actors._case(words, casing) == cased


def test_acronyms_from_the_records_own_phrases() -> None:
    counts: Any = __import__("collections").Counter()
    casing = actors._Casing(org=True)
    raws = ["NORTH_ATLANTIC_TREATY_ORGANIZATION_", "NATO_", "ADEN_ABYAN_ARMY_(AAA)_", "IGAD_"]
    assert actors._aliases(raws, casing, counts, org=True) == [
        "North Atlantic Treaty Organization",
        "NATO",  # the initials of another phrase
        "AAA",  # bracketed
        "Aden Abyan Army",
        "IGAD",  # one word of up to five letters
    ]


def test_garbled_and_odd_aliases_are_dropped() -> None:
    counts: Any = __import__("collections").Counter()
    casing = actors._Casing(org=False)
    aliases = actors._aliases(
        ["P\ufffdREZ", "PÃŠBLICAS", "U,S,_", "JUAN_PEREZ"], casing, counts, org=False
    )
    assert aliases == ["Juan Perez"]
    assert counts["aliases dropped: garbled characters"] == 2
    assert counts["aliases dropped: odd characters"] == 1


# ---------------------------------------------------------------- people


def test_dated_roles_elites_dropped(result: dict) -> None:
    obama = entries(result, "phoenix_people.yaml", "people")["Barack Obama"]
    assert obama["roles"] == [
        {"country": "USA", "sector": "GOV", "from": date(2009, 1, 20), "to": date(2017, 1, 20)}
    ]
    assert obama["aliases"] == ["Obama"]  # "President Obama": dyad reads the title itself
    assert counts(result, "phoenix_people.yaml")["aliases dropped: title before the name"] >= 1


def test_overlapping_roles_merge_and_centuries(result: dict) -> None:
    najibullah = entries(result, "phoenix_people.yaml", "people")["Mohammad Najibullah"]
    assert najibullah["roles"] == [
        {"country": "AFG", "sector": "GOV", "from": date(1987, 9, 30), "to": date(1992, 4, 16)}
    ]


def test_open_ended_and_default_roles(result: dict) -> None:
    people = entries(result, "phoenix_people.yaml", "people")
    assert people["Hamid Karzai"]["roles"] == [
        {"country": "AFG", "sector": "GOV", "from": date(2001, 12, 22)}
    ]
    # the undated code is the role after the last dated one
    assert people["Abdullah Abdullah"]["roles"] == [
        {"country": "AFG", "sector": "GOV", "from": date(2001, 10, 1), "to": date(2005, 4, 20)},
        {"country": "AFG", "sector": "OPP", "from": date(2005, 4, 20)},
    ]
    assert people["Adviser One"]["roles"] == [
        {"country": "AFG", "sector": "GOV", "to": date(2005, 3, 1)}
    ]
    assert people["Mohammed Ali Allahdadi"]["roles"] == [{"country": "IRN", "sector": "MIL"}]


def test_codeless_primaries_share_the_next_codes(result: dict) -> None:
    brezhnev = entries(result, "phoenix_people.yaml", "people")["Leonid Brezhnev"]
    assert brezhnev["aliases"] == ["Leonid Ilyich Brezhnev"]
    assert brezhnev["roles"][0]["from"] == date(1964, 1, 1)


def test_territories_and_cameo_countries(result: dict) -> None:
    people = entries(result, "phoenix_people.yaml", "people")
    assert people["Orlando Smith"]["roles"][0]["country"] == "VGB"
    assert people["Xanana Gusmao"]["roles"][0]["country"] == "TLS"
    assert people["Hashim Thaci"]["roles"][0]["country"] == "XKX"
    assert "Kim Jong-un" in people["Kim Jong Un"]["aliases"]


def test_persons_skipped_by_reason(result: dict) -> None:
    people = entries(result, "phoenix_people.yaml", "people")
    c = counts(result, "phoenix_people.yaml")
    for gone in ("Only Elite", "George Achebe", "Wayne Kinakuta", "Javier Solana", "Ahmed Darwish"):
        assert gone not in people
    assert c["skipped: only elite (ELI) roles"] == 1
    assert c["skipped: roles ended before 1990"] == 1
    assert c["skipped: only roles in countries without ISO 3166 code"] == 1
    assert c["skipped: latest role is in an IGO (Role.country cannot be IGO)"] == 1
    assert c["skipped: null code [---] or unreadable dates"] == 1
    assert c["roles dropped: roles without dyad sector (ELI)"] >= 4
    # an older IGO role is dropped, the later national one kept
    assert people["Romano Prodi"]["roles"] == [
        {"country": "ITA", "sector": "GOV", "from": date(2006, 5, 17), "to": date(2008, 5, 8)}
    ]
    assert people["John Major"]["roles"][0]["country"] == "GBR"  # ends in a title word


def test_a_titled_primary_gives_way_to_its_synonym(result: dict) -> None:
    people = entries(result, "phoenix_people.yaml", "people")
    assert "Foreign Minister Abdullah" not in people
    assert people["Abdullah"]["roles"][0]["from"] == date(2003, 1, 1)


# ---------------------------------------------------------------- bodies, groups


def test_places_offices_and_bodies(result: dict) -> None:
    c = counts(result, "phoenix_people.yaml")
    assert c["skipped: place name (countries come from pycountry and countries.yaml)"] == 1
    assert c["skipped: office title (dyad's titles code it)"] == 1
    assert c["skipped: organisation without dyad sector (ELI)"] == 1
    bodies = entries(result, "phoenix_bodies.yaml", "bodies")
    fbi = bodies["Federal Bureau of Investigation"]
    assert fbi == {
        "name": "Federal Bureau of Investigation",
        "aliases": ["Drug Enforcement Agency", "FBI"],
        "sector": "COP",
        "country": "USA",
    }
    assert bodies["United States Supreme Court"]["sector"] == "JUD"  # GOV, branch JUD


def test_groups(result: dict) -> None:
    groups = entries(result, "phoenix_groups.yaml", "groups")
    assert groups["AAIA"] == {
        "name": "AAIA",
        "aliases": ["Aden Abyan Islamic Army", "Aden Islamic Army"],
        "sector": "REB",
        "country": "YEM",
    }
    assert groups["Abu Nidal Organization"]["sector"] == "REB"
    assert "country" not in groups["Abu Nidal Organization"]  # IMG: the article decides
    assert groups["al-Qaeda in the Islamic Maghreb"]["aliases"] == [
        "Al-Qaeda in the Islamic Maghreb"
    ]
    assert "1920 Revolution Brigades" in groups
    assert groups["Osama bin Laden"]["aliases"] == ["Bin Laden", "bin Laden"]
    # two-word names of members of transnational groups are too ambiguous, but a short name
    # that begins a group's name is the group's
    assert "Altaf Hussain" not in groups and "Abu Salem" not in groups
    assert groups["Abu Sayyaf"]["sector"] == "REB"
    c = counts(result, "phoenix_groups.yaml")
    assert c["skipped: a militant's two-word name (too ambiguous to match)"] == 2
    assert groups["Free Syrian Army"] == {
        "name": "Free Syrian Army",
        "aliases": ["FSA"],
        "country": "SYR",
        "sector": "REB",
    }
    assert groups["Sudan People's Liberation Army"]["roles"] == [
        {"country": "SDN", "sector": "REB", "from": date(1983, 1, 1), "to": date(2011, 7, 11)},
        {"country": "SSD", "sector": "MIL", "from": date(2011, 7, 11)},
    ]


# ---------------------------------------------------------------- organisations, media


def test_organisations(result: dict) -> None:
    orgs = entries(result, "phoenix_organisations.yaml", "organisations")
    assert orgs["UN"]["code"] == "UNO"
    assert orgs["UNICEF"]["code"] == "UNICEF"
    assert orgs["North Atlantic Treaty Organization"] == {
        "code": "NAT",
        "name": "North Atlantic Treaty Organization",
        "aliases": ["NATO"],
    }
    assert orgs["Organization for the Prohibition of Chemical Weapons"]["code"] == "OPCW"
    assert orgs["Amnesty International"]["code"] == "AMN"
    assert orgs["Medical Mission Sisters"]["code"] == "NGO"
    c = counts(result, "phoenix_organisations.yaml")
    assert c["skipped: person (IGO official or member)"] == 1  # Kofi Annan
    assert c["skipped: multinational company (MNC)"] == 1
    assert "Kofi Annan" not in orgs


def test_ngos_of_one_country_and_media(result: dict) -> None:
    bodies = entries(result, "phoenix_bodies.yaml", "bodies")
    assert bodies["Human Rights Watch"] == {
        "name": "Human Rights Watch",
        "sector": "NGO",
        "country": "USA",
    }
    media = entries(result, "phoenix_bodies.yaml", "media")
    assert media["Haaretz"] == {"name": "Haaretz", "country": "ISR"}
    assert media["The Guardian"] == {"name": "The Guardian"}  # media keep their article


def test_persons_of_an_igo_are_told_from_organisations_by_given_names() -> None:
    countries = "".join(f"RALPH_{n}_\n\t[USAGOV 050101-060101]\n" for n in ("A", "B"))
    result = convert(countries=countries, international=INTERNATIONAL)
    assert "Ralph Fiennes" not in entries(result, "phoenix_organisations.yaml", "organisations")


# ---------------------------------------------------------------- agents


def test_agents(result: dict) -> None:
    nouns = entries(result, "phoenix_agents.yaml", "nouns")
    by_sector = {e["sector"]: e for e in nouns.values()}
    assert set(by_sector) == {"LEG", "COP", "CVL", "REB", "SPY", "JUD", "GOV", "MIL", "BUS", "NGO"}
    leg = by_sector["LEG"]
    assert leg["name"] == actors.NOUN_NAMES["LEG"]
    # macros expand, with no plural of their own
    assert leg["aliases"] == [
        "congressman",
        "congressmen",
        "congressperson",
        "congresswoman",
        "congresswomen",
    ]
    cop = by_sector["COP"]["aliases"]
    assert "riot police" in cop and "riot polices" not in cop  # {}: no plural
    assert "police" not in cop  # a bundled noun already
    assert {"policeman", "policemen"} <= set(cop)
    assert {"farmer", "farmers", "environmentalist"} - set(by_sector["CVL"]["aliases"]) == {
        "environmentalist"
    }
    assert {"environmentalist", "environmentalists"} <= set(by_sector["NGO"]["aliases"])
    assert {"militia member", "militia members"} <= set(by_sector["REB"]["aliases"])
    assert by_sector["SPY"]["aliases"] == ["spies", "spy"]
    assert by_sector["JUD"]["aliases"] == ["attorney", "attorneys"]
    assert by_sector["GOV"]["aliases"] == [
        "health ministries",
        "health ministry",
        "justice ministries",
        "justice ministry",
    ]
    assert by_sector["BUS"]["aliases"] == ["chamber of commerce", "chambers of commerce"]
    assert "security force" in by_sector["MIL"]["aliases"]
    assert "security force" not in by_sector["COP"]["aliases"]
    c = counts(result, "phoenix_agents.yaml")
    assert c["skipped: no dyad sector (~CRM)"] == 1
    assert c["skipped: no dyad sector (~PTY)"] == 1
    assert c["skipped: organisation code NGO~"] == 1
    assert c["skipped: no code"] == 1
    assert c["aliases dropped: a person's title (dyad's titles code it)"] == 2  # health ...
    assert c["aliases dropped: starts or ends with a function word"] == 1
    assert c["aliases dropped: already of another sector"] == 2
    assert c["aliases dropped: a thing, not an actor (AGENT_STOPLIST)"] == 2


@pytest.mark.parametrize(
    ("phrase", "plural"),
    [
        ("farmer", "farmers"),
        ("spy", "spies"),
        ("boss", "bosses"),
        ("policeman", "policemen"),
        ("head of state", "heads of state"),
        ("police", None),
        ("armed men", None),
        ("residents", None),
        ("human", "humans"),
        ("day", "days"),
    ],
)
def test_agent_plurals(phrase: str, plural: str | None) -> None:
    assert actors._agent_plural(phrase) == plural


# ---------------------------------------------------------------- shared aliases, output


def test_aliases_two_entries_share_are_dropped_and_known_names_skipped() -> None:
    countries = (
        "ALI_ONE_\n+ALI_\n\t[AFGGOV 050101-060101]\n"
        "ALI_TWO_\n+ALI_\n\t[AFGGOV 070101-080101]\n"
        "SMITH_\n\t[USAGOV 050101-060101]\n"
        "JOHN_SMITH_\n+SMITH_\n\t[GBRGOV 050101-060101]\n"
        "PENTAGON_\n+DOD_\n\t[USAMIL]\n"
        "AFGHAN_ARMY_\n+AFGHANISTAN\n\t[AFGMIL]\n"
    )
    result = convert(countries=countries)
    people = entries(result, "phoenix_people.yaml", "people")
    assert "aliases" not in people["Ali One"] and "aliases" not in people["Ali Two"]
    assert "aliases" not in people["John Smith"]  # "Smith" is another entry's name
    c = counts(result, "phoenix_people.yaml")
    assert c["aliases dropped: shared by several entries"] == 2
    assert c["aliases dropped: name of another entry"] == 1
    bodies = entries(result, "phoenix_bodies.yaml", "bodies")
    assert "Pentagon" not in bodies  # would replace dyad's own entry
    assert counts(result, "phoenix_bodies.yaml")["skipped: name already in dyad's codebooks"] == 1
    assert bodies["Afghan Army"] == {"name": "Afghan Army", "sector": "MIL", "country": "AFG"}


def test_a_name_dyad_spells_otherwise_is_skipped() -> None:
    countries = "MA_YING_JEOU_\n\t[TWNGOV >080520]\nRECEP_TAYYIP_ERDOGAN_\n\t[TURGOV >030314]\n"
    names = frozenset({"Ma Ying-jeou", "Recep Tayyip Erdoğan"})
    folded = frozenset(actors._fold(n) for n in names)
    texts = {"Phoenix.Countries.actors.txt": countries}
    result = actors._convert(texts, known(names=names, folded=folded))
    assert entries(result, "phoenix_people.yaml", "people") == {}
    c = counts(result, "phoenix_people.yaml")
    assert c["skipped: name already in dyad's codebooks, spelt otherwise"] == 2


def test_same_name_persons_merge_their_roles() -> None:
    countries = "JOHN_DOE_\n\t[USAGOV 050101-060101]\nJOHN_DOE\n\t[USAGOV 070101-080101]\n"
    people = entries(convert(countries=countries), "phoenix_people.yaml", "people")
    assert [r["from"].year for r in people["John Doe"]["roles"]] == [2005, 2007]


def test_output_is_sorted_validated_and_loads(result: dict, tmp_path: Path) -> None:
    book = ActorCodebook()
    for file, (data, file_counts) in result.items():
        assert file_counts["written"] == sum(len(v) for v in data.values())
        for items in data.values():
            names = [i["name"] for i in items]
            assert names == sorted(names, key=lambda n: (n.casefold(), n))
            for item in items:
                assert item.get("aliases", []) == sorted(
                    set(item.get("aliases", [])), key=lambda a: (a.casefold(), a)
                )
        path = tmp_path / file
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        book.add_file(path)
    assert book.names["Obama"][0] == "person"
    assert book.names["FBI"][0] == "body"
    assert book.names["NATO"][0] == "org"
    assert book.phrases["congressmen"][0] == "noun"


def test_an_invalid_entry_fails_loudly() -> None:
    out = actors._Out()
    out.add(actors.PEOPLE, "people", ["Nobody"], {"roles": [{"country": "ZZZ", "sector": "GOV"}]})
    with pytest.raises(ValueError, match="Nobody"):
        actors._finish(out)


def test_convert_actors_reads_a_folder(tmp_path: Path) -> None:
    """The public entry point, with the real bundled codebooks: dyad's own "United
    Nations" is never replaced."""
    (tmp_path / "Phoenix.Countries.actors.txt").write_text(COUNTRIES, "utf-8")
    (tmp_path / "Phoenix.MilNonState.actors.txt").write_text(MILNONSTATE, "utf-8")
    (tmp_path / "Phoenix.International.actors.txt").write_text(
        INTERNATIONAL + "UNITED_NATIONS_\t[IGOUNO]\n", "utf-8"
    )
    (tmp_path / "Phoenix.agents.txt").write_text(AGENTS, "utf-8")
    result = convert_actors(tmp_path)
    assert sorted(result) == [
        "phoenix_agents.yaml",
        "phoenix_bodies.yaml",
        "phoenix_groups.yaml",
        "phoenix_organisations.yaml",
        "phoenix_people.yaml",
    ]
    orgs = entries(result, "phoenix_organisations.yaml", "organisations")
    assert "United Nations" not in orgs
    assert "Mohammad Najibullah" in entries(result, "phoenix_people.yaml", "people")
