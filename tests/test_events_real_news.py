"""Kinds of political news beyond diplomacy, each on sentences written for this test: the
domestic actors, implied parties, repression, protests, reactions, claims, requests,
forums and the frames added for them (docs/events.md, "Real news")."""

from __future__ import annotations

from datetime import date

import pytest

from dyad.api import text_article

pytestmark = pytest.mark.slow


def coded(pipeline, text: str) -> set[tuple[str | None, str, str, str | None]]:
    """(source code, PLOVER type, CAMEO code, target code) of every event of ``text``."""
    result = pipeline.process_one(text_article(text, published=date(2024, 6, 3)))
    return {
        (e.source and e.source.code, e.plover, e.cameo, e.target and e.target.code)
        for e in result.events
    }


@pytest.mark.parametrize(
    ("text", "event"),
    [
        # a court sentences, the police arrest: the unnamed party of the named one's country
        (
            "A Kenyan opposition politician was sentenced to six years in prison on Monday.",
            ("KEN JUD", "COERCE", "173", "KEN OPP"),
        ),
        (
            "The Ugandan opposition leader was arrested at his home in Kampala.",
            ("UGA COP", "COERCE", "173", "UGA OPP"),
        ),
        # the state's force on its own people is violent repression (CAMEO 175)
        (
            "Kenyan riot police fired tear gas at protesters outside parliament.",
            ("KEN COP", "ASSAULT", "175", "KEN CVL"),
        ),
        (
            "Peruvian police clashed with hundreds of students demanding new elections.",
            ("PER COP", "ASSAULT", "175", "PER CVL"),
        ),
        (
            "Bolivian troops responded with tear gas and rubber bullets against the miners.",
            ("BOL MIL", "ASSAULT", "175", "BOL CVL"),
        ),
        # where protesters are is their protest, against their own government
        (
            "Thousands of Serbian demonstrators camped outside the presidency overnight.",
            ("SRB CVL", "PROTEST", "141", "SRB GOV"),
        ),
        (
            "Georgian protesters shouted slogans outside the parliament in Tbilisi.",
            ("GEO CVL", "PROTEST", "141", "GEO GOV"),
        ),
        # a border names the country across it
        (
            "The Greek army has moved more troops along the border with Turkey.",
            ("GRC MIL", "MOBILIZE", "154", "TUR"),
        ),
        (
            "Greece has increased its forces along the border with Turkey, the army said.",
            ("GRC MIL", "MOBILIZE", "154", "TUR"),
        ),
        # the beneficiary of aid in a purpose clause
        (
            "The World Bank approved a $500 million loan to support Ghana's budget.",
            ("IGO WBK", "AID", "071", "GHA GOV"),
        ),
    ],
)
def test_domestic_and_implied_parties(pipeline, text, event):
    assert event in coded(pipeline, text)


def test_a_reaction_to_a_deed_targets_the_state_that_did_it(pipeline):
    events = coded(
        pipeline,
        "A Belarusian court sentenced the opposition activist to nine years on Friday. "
        "Lithuania condemned the verdict.",
    )
    assert ("LTU GOV", "ACCUSE", "111", "BLR GOV") in events


def test_the_victims_report_of_an_attack_is_an_accusation(pipeline):
    events = coded(
        pipeline,
        "The Vietnamese coast guard said a Chinese vessel had rammed a Vietnamese fishing boat.",
    )
    accusations = {(s, t) for s, p, c, t in events if (p, c) == ("ACCUSE", "112")}
    assert [(s, (t or "")[:3]) for s, t in accusations] == [("VNM COP", "CHN")]


def test_what_a_party_says_another_should_do_is_a_request(pipeline):
    events = coded(pipeline, "Kenya said Somalia should free the detained Kenyan fishermen.")
    assert {(s, p, t) for s, p, _c, t in events} == {("KEN GOV", "REQUEST", "SOM GOV")}


def test_press_contacts_and_forums_are_no_parties(pipeline):
    events = coded(
        pipeline,
        "The Chilean foreign minister spoke to reporters in Santiago. "
        "The Chilean president met the Peruvian president on the sidelines of the APEC summit.",
    )
    assert not any("MED" in (s or "") or "MED" in (t or "") for s, _p, _c, t in events)
    consult = {frozenset({s, t}) for s, p, _c, t in events if p == "CONSULT"}
    assert consult == {frozenset({"CHL GOV", "PER GOV"})}


def test_a_warning_of_what_the_other_side_will_do_is_an_allegation(pipeline):
    alleged = coded(pipeline, "The Kenyan president warned that Somalia could stage provocations.")
    assert {(p, c) for _s, p, c, _t in alleged} == {("ACCUSE", "112")}
    threat = coded(pipeline, "Kenya warned that Somalia would face consequences.")
    assert {p for _s, p, _c, _t in threat} == {"THREATEN"}


def test_attacks_on_each_other_go_both_ways(pipeline):
    events = coded(pipeline, "Armenia and Azerbaijan shelled each other's border posts on Monday.")
    assert {(s, t) for s, p, _c, t in events if p == "ASSAULT"} >= {
        ("ARM MIL", "AZE"),
        ("AZE MIL", "ARM"),
    }


def test_downed_weapons_are_their_owners_attack(pipeline):
    events = coded(pipeline, "Israeli air defences shot down three Iranian drones overnight.")
    assert {(s, p, t) for s, p, _c, t in events} == {("IRN MIL", "ASSAULT", "ISR")}


def test_weapons_that_hit_a_capital_hit_the_country(pipeline):
    events = coded(pipeline, "Russian missiles hit Kyiv overnight.")
    assert ("RUS MIL", "ASSAULT", "190", "UKR") in events


def test_a_hostile_act_held_out_is_a_threat_against_the_conditions_doer(pipeline):
    events = coded(
        pipeline,
        '"If Somalia keeps interfering in Kenya, we stand ready to impose new sanctions," '
        "the Kenyan president said.",
    )
    assert ("KEN GOV", "THREATEN", "131", "SOM GOV") in events
    assert not any(p == "SANCTION" for _s, p, _c, _t in events)


def test_a_plan_put_forward_by_someone_is_agreed_with_them(pipeline):
    events = coded(
        pipeline, "The Libyan government accepted the peace plan put forward by the African Union."
    )
    assert ("LBY GOV", "AGREE", "030", "IGO AFU") in events


def test_a_condition_names_who_is_threatened(pipeline):
    events = coded(
        pipeline,
        '"If there is no restraint from the Sudanese army, we will retaliate," a South Sudanese '
        "general said.",
    )
    assert any(p == "THREATEN" and (t or "").startswith("SDN") for _s, p, _c, t in events)


def test_a_call_for_a_release_is_addressed_to_the_jailer(pipeline):
    events = coded(
        pipeline,
        "An Iranian court jailed the French researcher for eight years on Sunday. "
        "France called for her immediate release.",
    )
    assert ("FRA GOV", "REQUEST", "IRN GOV") in {(s, p, t) for s, p, _c, t in events}


def test_groups_of_several_countries_name_no_party(pipeline):
    assert coded(pipeline, "Western governments imposed sanctions on Russia in March.") == set()
    events = coded(pipeline, "The Kenyan president will host 20 foreign leaders in Nairobi.")
    assert not any(p == "CONSULT" for _s, p, _c, _t in events)


def test_officials_from_a_country_are_its_own(pipeline):
    events = coded(pipeline, "The Qatari envoy met delegations from Sudan and South Sudan.")
    assert {t for s, p, _c, t in events if p == "CONSULT"} == {"SDN GOV", "SSD GOV"}


def test_a_standoff_one_is_locked_in_is_both_armies(pipeline):
    events = coded(pipeline, "Indian troops have been locked in a standoff with Chinese troops.")
    assert ("IND MIL", "MOBILIZE", "150", "CHN MIL") in events


def test_event_nouns_that_name_no_act_are_no_events(pipeline):
    # an actor described by an event word, a telling that says what an event was, and
    # many events in one phrase
    riot = coded(pipeline, "A Kenyan student threw a bottle at Kenyan riot police.")
    assert not any(p == "PROTEST" for _s, p, _c, _t in riot)
    met = coded(
        pipeline,
        "The Chilean president met the Peruvian president in Lima on Monday. "
        "It was their third summit this year. This is the fourth round of talks since May.",
    )
    assert {(s, p, t) for s, p, _c, t in met} == {("CHL GOV", "CONSULT", "PER GOV")}
    series = coded(
        pipeline, "Vietnam protested to China on Monday, the latest in a series of clashes at sea."
    )
    assert not any(p == "ASSAULT" for _s, p, _c, _t in series)
    campaign = coded(
        pipeline, "The Malian army works with Dozo hunters as part of its battle against jihadists."
    )
    assert not any(p == "ASSAULT" for _s, p, _c, _t in campaign)


def test_exchanged_accusations_go_both_ways_and_claim_no_deed(pipeline):
    events = coded(
        pipeline,
        "Vietnam and China exchanged accusations of ramming fishing boats near the islands.",
    )
    assert {(s[:3], p, t[:3]) for s, p, _c, t in events if s and t} == {
        ("VNM", "ACCUSE", "CHN"),
        ("CHN", "ACCUSE", "VNM"),
    }


def test_a_counter_claim_is_an_accusation_not_a_second_deed(pipeline):
    events = coded(
        pipeline,
        "Vietnamese officials said a Chinese coast guard vessel rammed a Vietnamese boat. "
        "A Chinese spokesperson said a Vietnamese boat had deliberately rammed a Chinese vessel.",
    )
    deeds = {(s[:3], t[:3]) for s, p, _c, t in events if p == "ASSAULT"}
    claims = {(s[:3], t[:3]) for s, p, _c, t in events if p == "ACCUSE"}
    assert deeds == {("CHN", "VNM")}
    assert claims == {("VNM", "CHN"), ("CHN", "VNM")}


def test_a_host_of_leaders_of_no_country_meets_no_earlier_party(pipeline):
    events = coded(
        pipeline,
        "The Kenyan president criticised Somalia on Monday. "
        "The Kenyan government is expecting to host 20 world leaders for the jubilee parade.",
    )
    assert not any(p == "CONSULT" for _s, p, _c, _t in events)


def test_a_truce_one_side_offers_is_with_the_side_just_named(pipeline):
    events = coded(
        pipeline,
        "Dozens of Armenian drones were shot down over Azerbaijan overnight. "
        "Baku says that President Aliyev's three-day ceasefire is still on the table.",
    )
    assert ("AZE GOV", "RETREAT", "0871", "ARM") in events


def test_leaders_agreeing_to_meet_agree(pipeline):
    events = coded(
        pipeline,
        "Portuguese Prime Minister Luis Montenegro welcomed French President Emmanuel "
        "Macron to Lisbon. The Prime Minister and President Macron agreed to convene a "
        "first joint meeting of their two cabinets' envoys in October.",
    )
    agreed = {frozenset((s, t)) for s, p, _c, t in events if p == "AGREE"}
    assert agreed == {frozenset(("PRT GOV", "FRA GOV"))}


def test_condemnation_a_deed_drew_is_aimed_at_its_doer(pipeline):
    events = coded(
        pipeline,
        "A Belarusian court sentenced the Belarusian opposition leader to five years. "
        "The verdict drew sharp condemnation from Lithuania. Kenyan police raided the Somali "
        "embassy. The raid sparked criticism, with the Somali foreign minister saying it broke "
        "the law.",
    )
    assert ("LTU GOV", "ACCUSE", "111", "BLR GOV") in events
    assert ("SOM GOV", "ACCUSE", "111", "KEN GOV") in events


def test_refusing_what_was_asked_is_a_rejection(pipeline):
    events = coded(
        pipeline,
        "China demanded that Vietnam withdraw its troops. "
        "Vietnam refused to withdraw its troops from the island.",
    )
    assert ("VNM GOV", "REJECT", "124", "CHN GOV") in events
    said = coded(
        pipeline,
        "Beijing called on Manila to withdraw its ship. "
        "Manila would not pull its ship back, a Philippine spokesman said.",
    )
    assert ("PHL GOV", "REJECT", "124", "CHN GOV") in said
    # nobody asked: a plain negation is no rejection
    assert coded(pipeline, "Vietnam will not withdraw its troops from the island.") == set()
