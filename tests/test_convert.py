"""The CAMEO verb dictionary → trigger codebook converter (dyad.codebooks.convert.verbs, .run)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

import dyad
from dyad.codebooks.convert import verbs
from dyad.codebooks.convert.run import convert_all, dump_yaml, main, write_verbs
from dyad.codebooks.convert.verbs import convert_verbs, noun_lemma
from dyad.codebooks.ontology import EventCodebook, TriggerEntry

DICTIONARIES = Path(__file__).resolve().parents[2] / "shared" / "dictionaries"
IMPORTED = Path(dyad.__file__).parent / "codebooks" / "imported"

VERB_DICTIONARY = """\
# A tiny verb dictionary in the PETRARCH-2 format, written for these tests.

####### SYNONYM SETS #######

&ARMS
+WEAPON
+RIFLES
+MISSILE
+CRUISE_MISSILE  # its head is a member too
+ARMORED_PERSONNEL_CARRIER

&TALKS_
+TALKS
+NEGOTIATIONS

&ENVOY
+ENVOY
+SPECIAL_REPRESENTATIVE

####### VERB PATTERNS #######

---  MEET   [040]  ---
MEET {MEETS MET MEETING}
CONFER
- * (WITH)                      [043]   # MEET
- * REPORTERS                   [---]   # MEET
- * STATEMENT                   [010]   # MEET
- * &TALKS_                     [046]   # MEET
- * {PEACE ENVOYS}              [042]   # MEET
- * (IN CAPITAL)                [044]   # MEET
- * TROOPS TOWARD +             [040]   # MEET
- LEADERS *                     [040]   # MEET
- * &ENVOY                      [041]   # MEET

---  SUPPLY   [---]  ---
SUPPLY
+HAND_OVER [070]
WIRE_+TAP
- * &ARMS                       [072]   # SUPPLY
- * {FIGHTER JETS}              [072]   # SUPPLY
- * (TO) (FOR)                  [070]   # SUPPLY
- * AID                         [0234]  # SUPPLY
- * FOOD                        [:073]  # HAND_OVER

---  CANCEL   [---]  ---
+CALL_OFF [160]
CANCEL [160]
- * TALKS                       [164]   # CANCEL
- * OFF VISIT                   [164]   # CANCEL
- * SUMMIT                      [999]   # CANCEL
- * TRIP                        [190:194]  # CANCEL
- * TAXES                       [164]   # CANCEL
- * IF                          [160]   # CANCEL
- * (GUNFIRE)                   [160]   # CANCEL
- * AGAINST                     [160]   # CANCEL

---  GIVE   [060]  ---
GIVE {GAVE GIVEN GIVES GIVING}
+WAGE_WAR [190]
YIELD [080]

~ a (a b ATTACK) SAY = a b 015
"""

CROSSWALK = """\
# A tiny CAMEO → PLOVER table in the CAMEO2PLOVER-2021 format, written for these tests.
04: CONSULT
040: CONSULT, ,  # Consult
041: CONSULT, phone,   # Discuss by telephone
042: CONSULT, visit,   # Make a visit
043: CONSULT, visit,   # Host a visit
046: CONSULT,   , diplomatic    # Engage in negotiation
06: COOPERATE
07: AID
070: AID,   ,  # Provide aid
072: AID,   ,   military # Provide military aid
08: CONCEDE
080: CONCEDE,   ,  # Yield
08: RETREAT
16: SANCTION
160: SANCTION,   ,  # Reduce relations
164: SANCTION, withdraw,   diplomatic # Halt negotiations
19: ASSAULT
190: ASSAULT, , military # Use conventional military force
"""


@pytest.fixture
def dictionaries(tmp_path: Path) -> Path:
    (tmp_path / "petrarch2").mkdir()
    (tmp_path / "plover").mkdir()
    (tmp_path / "petrarch2" / "CAMEO.2.0.txt").write_text(VERB_DICTIONARY, encoding="utf-8")
    (tmp_path / "petrarch2" / "LICENSE").write_text("Fixture licence text.\n", encoding="utf-8")
    (tmp_path / "plover" / "CAMEO2PLOVER-2021.txt").write_text(CROSSWALK, encoding="utf-8")
    return tmp_path


def _convert(dictionaries: Path) -> tuple[list[dict], dict[str, int]]:
    data, counts = convert_verbs(
        dictionaries / "petrarch2" / "CAMEO.2.0.txt",
        dictionaries / "plover" / "CAMEO2PLOVER-2021.txt",
    )
    return data["triggers"], counts


@pytest.fixture
def converted(dictionaries: Path) -> tuple[list[dict], dict[str, int]]:
    return _convert(dictionaries)


def _bare(entries: list[dict], lemma: str, **frame: object) -> list[dict]:
    """Entries of ``lemma`` without a frame (its default code)."""
    framed = ("object", "prep", "modifier")
    return [e for e in _of(entries, lemma, **frame) if not any(k in e for k in framed)]


def _of(entries: list[dict], lemma: str, **frame: object) -> list[dict]:
    return [
        e for e in entries if e["lemma"] == lemma and all(e.get(k) == v for k, v in frame.items())
    ]


def test_default_codes_give_frameless_entries_with_crosswalk_types(dictionaries, monkeypatch):
    monkeypatch.delitem(verbs.PRUNED, "give")
    monkeypatch.setattr(verbs, "PRUNE_CATCH_ALL", False)
    entries, counts = _convert(dictionaries)
    (meet,) = _bare(entries, "meet")
    assert meet["plover"] == "CONSULT" and meet["cameo"] == "040"
    # the null pattern and the public statement (root 01) are "not the default event"
    assert meet["unless"] == ["reporter", "statement"]
    assert _of(entries, "confer", cameo="040")[0]["unless"] == ["reporter", "statement"]
    (cancel,) = _bare(entries, "cancel", cameo="160")
    assert cancel["plover"] == "SANCTION" and "object" not in cancel
    # a code the crosswalk lists only by its root (06) takes the root's type
    (give,) = _of(entries, "give")
    assert give["cameo"] == "060" and give["plover"] == "COOPERATE"
    assert _of(entries, "yield", cameo="080")[0]["plover"] == "CONCEDE"
    assert counts["verb defaults without entry: null code ---"] == 1  # supply


def test_prep_frames_and_modes(converted):
    entries, _ = converted
    # a bare preposition is read as one in parentheses
    assert _of(entries, "cancel", cameo="160", prep=["against"])
    (host,) = _of(entries, "meet", cameo="043")
    assert host["prep"] == ["with"] and host["plover"] == "CONSULT"
    assert host["mode"] == "visit"  # the crosswalk's mode, which dyad's CONSULT allows
    (talks,) = _of(entries, "meet", cameo="046")
    assert "mode" not in talks  # "diplomatic" is no CONSULT mode in plover.yaml


def test_object_frames_expand_synsets_to_singular_lemmas(converted):
    entries, counts = converted
    (talks,) = _of(entries, "meet", cameo="046")
    assert talks["object"] == ["negotiation", "talk"]
    (arms,) = [e for e in _of(entries, "supply", cameo="072") if "modifier" not in e]
    assert arms["object"] == ["missile", "rifle", "weapon"]
    assert arms["mode"] == "military"
    assert counts["synset members dropped: head is a member too"] == 1  # CRUISE_MISSILE
    assert counts["synset members dropped: phrase too long"] == 1
    # a two-word noun phrase: head → object, first word → modifier
    (jets,) = _of(entries, "supply", modifier=["fighter"])
    assert jets["object"] == ["jet"] and jets["cameo"] == "072"
    (envoy,) = _of(entries, "meet", cameo="042")
    assert envoy["object"] == ["envoy"] and envoy["modifier"] == ["peace"]
    # a two-word synset member whose head is no member: its own entry with a modifier
    special = _of(entries, "meet", cameo="041")
    assert [(e["object"], e.get("modifier")) for e in special] == [
        (["envoy"], None),
        (["representative"], ["special"]),
    ]
    # spaCy lemmatises "taxes" as "taxis": both are kept
    (taxes,) = [e for e in _of(entries, "cancel", cameo="164") if "tax" in e["object"]]
    assert "taxis" in taxes["object"]


def test_particles_and_multiword_verbs(converted):
    entries, counts = converted
    (call_off,) = _bare(entries, "call", cameo="160")
    assert call_off["particle"] == "off" and "object" not in call_off
    # "- * TALKS" and "- * OFF VISIT" both apply to CALL_OFF: one entry, objects merged
    (halt,) = _of(entries, "call", cameo="164")
    assert halt["particle"] == "off" and halt["object"] == ["talk", "tax", "taxis", "visit"]
    # for CANCEL the particle pattern stays apart from the plain object pattern
    cancel = _of(entries, "cancel", cameo="164")
    assert {(e.get("particle"), tuple(e["object"])) for e in cancel} == {
        (None, ("talk", "tax", "taxis")),
        ("off", ("visit",)),
    }
    (hand,) = _of(entries, "hand", cameo="070")
    assert hand["particle"] == "over"
    assert hand["unless"] == ["food"]  # [:073]: PETRARCH codes the reversed event
    (wage,) = _of(entries, "wage")
    assert wage["object"] == ["war"] and wage["plover"] == "ASSAULT"
    assert counts["verb forms skipped: multi-word verb not led by its verb"] == 1  # WIRE_+TAP


def test_colon_codes_take_the_active_code(converted):
    entries, counts = converted
    (trip,) = _of(entries, "cancel", object=["trip"])
    assert trip["cameo"] == "190" and trip["plover"] == "ASSAULT"
    assert counts["patterns skipped: passive-only code [:X] (source and target reversed)"] == 1


def test_skips_are_counted_by_reason(converted):
    _, counts = converted
    assert counts["blocks"] == 4
    assert counts["patterns read"] == 22
    assert counts["patterns skipped: noun inside a prepositional phrase"] == 1
    assert counts["patterns skipped: source or target marker"] == 1
    assert counts["patterns skipped: words before the verb"] == 1
    assert counts["patterns skipped: several prepositional phrases"] == 1
    assert counts["patterns skipped: null code ---"] == 1
    assert counts["patterns skipped: no PLOVER type in the crosswalk (root 01)"] == 1
    # root 02 (appeal) has no crosswalk row: dyad's plover codebook types it (REQUEST)
    assert "patterns skipped: no PLOVER type in the crosswalk (root 02)" not in counts
    assert counts["patterns skipped: CAMEO code not in cameo.yaml"] == 1
    assert counts["patterns skipped: conjunction ('- * IF')"] == 1
    assert counts["patterns skipped: not a preposition ('(GUNFIRE)')"] == 1
    assert counts["transformations skipped"] == 1
    skipped = sum(v for k, v in counts.items() if k.startswith("patterns skipped:"))
    assert counts["patterns converted"] + skipped == counts["patterns read"]
    assert counts["entries written"] == sum(
        v for k, v in counts.items() if k.startswith("entries root")
    )


def test_catch_all_defaults_are_pruned_and_dyads_types_win(converted):
    entries, counts = converted
    # MEET [040], CANCEL [160] and YIELD [080] are their roots' catch-all codes
    assert _bare(entries, "meet") == [] and _bare(entries, "yield") == []
    assert counts["pruned: a verb without a frame coded with its root's catch-all code"] >= 3
    assert _of(entries, "meet", cameo="043")  # the framed entries stay
    (appeal,) = _of(entries, "supply", cameo="0234")
    assert appeal["plover"] == "REQUEST"  # no crosswalk row: dyad's plover codebook


def test_pruning(converted, dictionaries, monkeypatch):
    entries, counts = converted
    # "give" is pruned by default: its default entry goes, "wage war" in its block stays
    assert _of(entries, "give") == []
    assert counts["pruned: give"] == 1 and counts["pruned"] >= 1
    monkeypatch.setitem(verbs.PRUNED, "call:164", "test: only this code")
    monkeypatch.setitem(verbs.PRUNED, "meet", "test: only the default")
    pruned, counts = _convert(dictionaries)
    assert _of(pruned, "call", cameo="164") == [] and _of(pruned, "call", cameo="160")
    assert _of(pruned, "meet", cameo="040") == [] and _of(pruned, "meet", cameo="043")
    assert counts["pruned: call:164"] == 1 and counts["pruned: meet"] == 1


@pytest.fixture(scope="module")
def book() -> EventCodebook:
    return EventCodebook.load()


def test_output_is_sorted_deduplicated_and_valid(converted, book):
    entries, _ = converted
    keys = [(e["lemma"], e["cameo"]) for e in entries]
    assert keys == sorted(keys)
    assert len({repr(e) for e in entries}) == len(entries)
    for entry in entries:
        TriggerEntry.model_validate(entry)
        book.ontology.require_cameo(entry["cameo"], "test", entry["lemma"])


def test_noun_lemmas():
    cases = {
        "SANCTIONS": "sanction",
        "RALLIES": "rally",
        "TALKS": "talk",
        "MARCHES": "march",
        "GUNMEN": "gunman",
        "WOMEN": "woman",
        "KNIVES": "knife",
        "CRISIS": "crisis",
        "PROCESS": "process",
        "STATUS": "status",
        "NEWS": "news",
        "ARMS": "arm",
        "CRITICS": "critic",
        "POLITICS": "politics",
        "GAS": "gas",
        "AID": "aid",
    }
    assert {w: noun_lemma(w) for w in cases} == cases


def test_yaml_dump_round_trips_and_quotes_yaml_words():
    data = {
        "triggers": [
            {"lemma": "call", "cameo": "160", "particle": "off", "object": ["on", "yes", "war"]},
            {"lemma": "re-examine", "cameo": "0874", "unless": ["pa'anga", "a: b", "#x"]},
        ],
        "people": [
            {"name": "Ruler, The", "roles": [{"from": date(2008, 3, 1), "to": None}]},
            {"name": "Ça va", "n": 3, "ok": True, "aliases": []},
        ],
    }
    text = dump_yaml(data)
    assert yaml.safe_load(text) == data
    assert text.splitlines()[1] == (
        '  - {lemma: call, cameo: "160", particle: "off", object: ["on", "yes", war]}'
    )
    assert 'cameo: "0874"' in text  # a code is always quoted, even where YAML would not need it


def test_convert_all_writes_headers_and_notice(dictionaries, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "dyad.codebooks.convert.actors", None)  # as if not written yet
    out = tmp_path / "out"
    main([str(dictionaries), "--out", str(out)])
    assert sorted(p.name for p in out.iterdir()) == ["NOTICE", "cameo_verbs.yaml"]
    text = (out / "cameo_verbs.yaml").read_text(encoding="utf-8")
    header = text.split("\n\n", 1)[0]
    assert "python -m dyad.codebooks.convert" in header and "Do not edit" in header
    assert "PETRARCH-2 CAMEO verb dictionary, MIT, Copyright (c) 2015 Open Event Data" in header
    assert "CAMEO→PLOVER crosswalk 2021, CC BY-SA 4.0, Open Event Data Alliance" in header
    notice = (out / "NOTICE").read_text(encoding="utf-8")
    assert "Fixture licence text." in notice and "CC BY-SA 4.0" in notice
    assert "cameo_verbs.yaml" in capsys.readouterr().out
    # the same inputs give the same bytes
    again = tmp_path / "again"
    counts = convert_all(dictionaries, again)
    assert set(counts) == {"cameo_verbs.yaml"}
    for name in ("cameo_verbs.yaml", "NOTICE"):
        assert (again / name).read_bytes() == (out / name).read_bytes()


# ---------------------------------------------------------------------- the real dictionaries


@pytest.fixture(scope="module")
def real_dictionaries() -> Path:
    if not (DICTIONARIES / "petrarch2" / "CAMEO.2.0.txt").is_file():
        pytest.skip(f"{DICTIONARIES} not found: the open dictionaries live beside the repo")
    return DICTIONARIES


def test_committed_verb_codebook_is_reproduced_and_valid(real_dictionaries, tmp_path, book):
    data, counts = write_verbs(real_dictionaries, tmp_path)
    committed = IMPORTED / "cameo_verbs.yaml"
    assert (tmp_path / "cameo_verbs.yaml").read_bytes() == committed.read_bytes(), (
        "re-run `python -m dyad.codebooks.convert ../shared/dictionaries`"
    )
    entries = data["triggers"]
    assert counts["entries written"] == len(entries) > 10_000
    for entry in entries:
        TriggerEntry.model_validate(entry)
        book.ontology.require_cameo(entry["cameo"], committed, entry["lemma"])
    # what the file says is what was converted (every 20th line, to stay fast)
    lines = committed.read_text(encoding="utf-8").split("\ntriggers:\n", 1)[1].splitlines()
    assert len(lines) == len(entries)
    for number in range(0, len(lines), 20):
        assert yaml.safe_load(lines[number].removeprefix("  - ")) == entries[number]


@pytest.mark.slow  # the actor converter, when present, takes several seconds
def test_committed_imported_directory_is_reproduced(real_dictionaries, tmp_path):
    counts = convert_all(real_dictionaries, tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted([*counts, "NOTICE"])
    committed = sorted(p.name for p in IMPORTED.iterdir() if p.is_file())
    assert committed == written
    for name in written:
        assert (tmp_path / name).read_bytes() == (IMPORTED / name).read_bytes(), name
