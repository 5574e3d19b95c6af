"""The Phoenix (PETRARCH-2) actor and agent dictionaries → dyad actor codebooks.

Four PETRARCH-2 dictionaries are read (FORMAT.rst in the dictionaries folder describes
them)::

    BARACK_OBAMA_                     a primary phrase ("_" joins words; a final "_" is
    +OBAMA_                           dropped), synonyms on "+" lines, and codes: dated
        [USAELI 19610804-090120]      (YYMMDD or YYYYMMDD; "<date", ">date", "from-to")
        [USAGOV 090120-170120]        or a default ("[USAELI]") that here means the role
        [USAELI]                      after the last dated one

    POLICE {} [~COP]                  an agent: phrase, {plural} ("{}": none), [~code];
    CONGRESS!PERSON! [~LEG]           "!MARK!" expands to each item of "!MARK! = A, B"

A code is an ISO-like country block and a role block: ``USAGOV``, ``AFGGOVJUD`` (the
third block, a specialisation, is ignored), ``GBRVGBGOV`` (a territory: the British
Virgin Islands), ``IGOUNOKID`` (an IGO: the United Nations' UNICEF). Two-digit years
follow PETRARCH's own rule: 00–30 are 20xx, 31–99 are 19xx. A dated role keeps its dates
as they are: its end is the day the next office holder starts (dyad's convention).

What goes where (``convert_actors`` returns one entry per output file):

* ``phoenix_people.yaml`` (``people``): persons of ``Phoenix.Countries.actors.txt`` with
  their roles mapped by ``ACTOR_SECTORS`` (overlapping or adjoining roles of one code
  merged). Roles without a dyad sector (elites ``ELI``, party membership, ...) are
  dropped, and so is a person left with none, or whose every role ended before
  ``ENDED_BEFORE``. Roles in an IGO are dropped (``Role.country`` is an ISO code); a
  person whose latest role is in an IGO is skipped, as dyad would code them by an older
  national office. An open-ended role stays open, as in Phoenix (whose data ends
  around 2014): "Hamid Karzai" is AFG GOV from 2001 on.
* ``phoenix_bodies.yaml`` (``bodies``, ``media``): institutions of the countries file with
  one undated code (ministries, forces, agencies; ``USAGOVJUD`` gives JUD, the branch
  after GOV), NGOs of the international file whose code names a country (``NGOUSAHRI``
  → USA NGO), and news media. Places (``[AFG]``, ``[GBRVGB]``) and offices
  ("US_SECRETARY_OF_STATE_") are skipped: dyad's countries and titles code them.
* ``phoenix_groups.yaml`` (``groups``): the armed groups of
  ``Phoenix.MilNonState.actors.txt``, REB, with a country when the code names one
  (regional and transnational codes such as ``IMG``, ``SAS``, ``INT`` leave it to the
  article); militants listed there by name are groups too ("Osama bin Laden"), except
  members of transnational groups known by two words ("Altaf Hussain", "Abu Salem"),
  names many others share. Also the
  organisations of the countries file that are REB or OPP or whose code is dated
  (parties and movements whose standing changed).
* ``phoenix_organisations.yaml`` (``organisations``): IGOs and NGOs of
  ``Phoenix.International.actors.txt``. The code is the most specific block
  (``IGO_CODES``, ``NGO_CODES``; ``IGOUNODEV`` is UNO), else an acronym alias, else the
  name's initials, else the region block; an NGO without its own code is ``NGO``. Persons
  (IGO and NGO officials: dated, from IGOrulers, or named with a given name that persons
  of the countries file have) and multinational companies (``MNC``) are skipped.
* ``phoenix_agents.yaml`` (``nouns``): agents, lower-cased, ``!MARK!`` expanded, with a
  regular plural added unless ``{}`` or an explicit one says otherwise (PETRARCH forms
  plurals itself; dyad does so only for titles); one noun entry per dyad sector
  (``AGENT_SECTORS``, ``NOUN_NAMES``). Dropped: agents whose head is a dyad title
  ("health minister": as a noun it would hide the title from the name after it), things
  (``AGENT_STOPLIST``), phrases ending in a function word ("ambassador at").

Aliases are what news text prints: ``_`` becomes a space, capitals become title case
("BARACK_OBAMA_" → "Barack Obama") with particles lower-case ("al-Assad", "bin Laden",
"Zia ul Haq"; a name that starts with one also gets a capitalised form), acronyms
upper-case ("NATO", "ANSF", "M23": known to dyad, spelt by the record's other phrases,
bracketed, vowel-less, or a one-word organisation name of up to five letters), Korean
and Taiwanese given names hyphenated as well ("Ma Ying-jeou"). An alias the bundled
codebooks already know, or that two converted entries share, is dropped, and an entry
whose name dyad already has is skipped (later codebook files override earlier ones, so
a Phoenix entry must never replace a curated one); so are person aliases with a title
before the name ("President Karzai": dyad reads the title itself). Every entry is
validated with dyad's codebook models before it is returned; counts say what was read,
written and skipped, by reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import pycountry
from pydantic import BaseModel, ValidationError

from dyad.codebooks.actor_codebook import (
    BUNDLED_DIR,
    BUNDLED_FILES,
    ActorCodebook,
    BodyEntry,
    GroupEntry,
    MediaEntry,
    NounEntry,
    OrgEntry,
    PersonEntry,
)

__all__ = [
    "ACTOR_SECTORS",
    "AGENT_SECTORS",
    "AGENT_STOPLIST",
    "CAMEO_COUNTRIES",
    "ENDED_BEFORE",
    "IGO_CODES",
    "NGO_CODES",
    "NOUN_NAMES",
    "convert_actors",
]

# ---------------------------------------------------------------- mapping tables


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: CAMEO role block (the three letters after the country) → dyad sector; ``None``: no
#: political role, dropped. Only the first role block counts: ``GOVJUD`` (a justice
#: minister), ``GOVMIL`` (a defence minister) are GOV, as dyad's titles code them.
ACTOR_SECTORS: dict[str, str | None] = {
    "GOV": "GOV",  # government
    "MIL": "MIL",  # military
    "COP": "COP",  # police
    "SPY": "SPY",  # intelligence
    "JUD": "JUD",  # judiciary
    "LEG": "LEG",  # legislature
    "OPP": "OPP",  # opposition
    "REB": "REB",  # rebels
    "INS": "REB",  # insurgents
    "SEP": "REB",  # separatists
    "UAF": "REB",  # unidentified armed forces
    "RAD": "REB",  # radicals, extremists
    "IMG": "REB",  # international militarised group
    "BUS": "BUS",  # business
    "MNC": "BUS",  # multinational corporation
    "MED": "MED",  # media
    "NGO": "NGO",  # non-governmental organisation
    "NGM": "NGO",  # NGO movement
    "HRI": "NGO",  # human rights (activists, groups)
    "ENV": "NGO",  # environmental (activists, groups)
    "CVL": "CVL",  # civilians
    "LAB": "CVL",  # labour
    "EDU": "CVL",  # education: students, teachers
    "AGR": "CVL",  # agriculture: farmers
    "HLH": "CVL",  # health: doctors, nurses
    "REL": "CVL",  # religious (no denomination)
    "CHR": "CVL",  # Christian
    "MUS": "CVL",  # Muslim
    "MOS": "CVL",  # Muslim (the older CAMEO block)
    "JEW": "CVL",  # Jewish
    "HIN": "CVL",  # Hindu
    "BUD": "CVL",  # Buddhist
    "SIK": "CVL",  # Sikh
    "BAH": "CVL",  # Baha'i
    "REF": "REF",  # refugees
    "ELI": None,  # elites: former officials, notables — no dyad sector
    "PTY": None,  # party (ruling or opposition is not said)
    "CRM": None,  # criminals
    "DEV": None,  # development (a specialisation, not a role)
    "UNR": None,  # unrecognised state (a place code)
    "OCC": None,  # occupied territory (a place code)
    "PPL": None,  # people in general
}

#: Agent code (after ``~``) → dyad sector; ``None``: skipped and counted. The same as
#: ``ACTOR_SECTORS``: ``~EDU``, ``~AGR``, ``~LAB``, ``~HLH`` and the religions are CVL
#: (dyad's own nouns count students, farmers, workers, worshippers as civilians),
#: ``~HRI`` and ``~ENV`` (rights and environmental activists) NGO, ``~UAF``, ``~RAD``,
#: ``~IMG`` (gunmen, extremists) REB; ``~CRM`` (criminals), ``~ELI`` (elites), ``~PTY``
#: (a party, ruling or not) and ``~PPL`` ("man", "people": too generic) have no sector.
AGENT_SECTORS: dict[str, str | None] = dict(ACTOR_SECTORS)

#: One noun entry per sector; its name is what dyad prints ("Pakistan armed groups") and
#: is matched too, so each is a phrase of that sector that no bundled entry uses.
NOUN_NAMES: dict[str, str] = {
    "GOV": "state officials",
    "MIL": "military personnel",
    "COP": "police forces",
    "SPY": "intelligence services",
    "JUD": "judicial officials",
    "LEG": "legislature members",
    "OPP": "opposition figures",
    "REB": "armed groups",
    "BUS": "business people",
    "MED": "news media",
    "NGO": "non-governmental groups",
    "CVL": "civilian population",
    "REF": "displaced people",
}

#: Persons whose every role ended before this day are left out: they are rarely news, and
#: the people file is by far the largest to load.
ENDED_BEFORE = date(1990, 1, 1)

#: CAMEO country blocks that are not (or no longer) ISO 3166 alpha-3 codes.
CAMEO_COUNTRIES: dict[str, str] = {
    "TMP": "TLS",  # East Timor
    "KSV": "XKX",  # Kosovo (dyad's code)
    "ROM": "ROU",  # Romania
    "ZAR": "COD",  # Zaire
    "GZA": "PSE",  # Gaza
    "WSB": "PSE",  # West Bank
    "PAL": "PSE",  # Palestine
    "IMY": "IMN",  # Isle of Man
}

#: Phoenix IGO blocks whose dyad code differs (``organisations.yaml``); other blocks are
#: the code as they are (``IGOWSTNAT`` → NAT, ``IGOEUREEC`` → EEC, ``IGOUNO`` → UNO).
IGO_CODES: dict[str, str] = {
    "HCR": "UNHCR",
    "KID": "UNICEF",
    "IAE": "IAEA",
    "SAA": "SAARC",
    "WAS": "ECO",  # ECOWAS
    "GOS": "G7",
    "GOE": "G8",
    "ITP": "INTPOL",
}

#: NGO blocks that name one organisation; any other NGO gets the code ``NGO``.
NGO_CODES: dict[str, str] = {
    "IRC": "ICRC",  # Red Cross / Red Crescent
    "MSF": "MSF",
    "AMN": "AMN",  # Amnesty International
    "HRW": "HRW",
    "FID": "FIDH",
    "ICG": "ICG",
    "IHF": "IHF",
    "WEF": "WEF",
}

#: Region, religion and ethnic blocks: never an organisation's own code.
_NOT_ORG_BLOCKS = _wordset(
    "AFR ARB ASA CAF CAS CAU CRB EAF EEU EIN EUR LAM MDT MEA NAF NAM NMR PGS SAF SAM "
    "SAS SCN SEA SEU WAF WEU WST BLK BLN CTH PRO ORT SUN SHI TAO ZRO JAN"
)

# ---------------------------------------------------------------- words

_CODE = re.compile(r"\[([^\]}]*)[\]}]")
_COMMENT = re.compile(r"(?:^|\s)#")
_FUNCTION = _wordset("of the and for in on at to a an by with from against without into over under")
_PARTICLES = _wordset(
    "al el bin ibn bint de da di do dos das du del della der den des van von la le "
    "les ul ud ur e i y ez"
)
_HYPHEN_LOWER = _wordset("based led backed linked affiliated run owned aligned born controlled")
_ROMAN = re.compile(r"^(?:II|III|IV|VI|VII|VIII|IX|XI|XII|XIII|XIV|XV|XVI)$")
_INITIALS = re.compile(r"^(?:[A-Z]\.)+$")
_VOWEL = re.compile(r"[AEIOU]")
_NAME_CHARS = re.compile(r"^[\w.'&/\- ]+$")
#: Countries whose given names news text hyphenates ("Ki-moon", "Ying-jeou"): Phoenix
#: writes "BAN_KI_MOON"; "Ban Ki-moon" is added beside "Ban Ki Moon".
_HYPHEN_NAMES = frozenset({"KOR", "PRK", "TWN"})
_ONE_DAY = timedelta(days=1)
_BRANCHES = frozenset({"LEG", "JUD", "SPY", "MIL", "COP"})
#: English words that dyad's codebooks spell in capitals as acronyms (WHO) but that are
#: words in organisation names.
_NOT_ACRONYMS = _wordset(
    "WHO IT AS AT ON OR IN IS BE TO NO SO DO GO ME MY WE HE AN AM BY IF UP OF US"
) - {"US"}
_UNCOUNTABLE = _wordset(
    "police media personnel staff intelligence information enforcement security "
    "justice aerospace artillery infantry cavalry clergy leadership equipment militia "
    "junta youth livestock gendarmerie gendarmery"
)
_PLURAL_ENDINGS = ("men", "people", "children", "folk")
#: Agents that are things or abstractions rather than people or organisations: as a dyad
#: noun each would make an actor of "authority to act", "said on television".
AGENT_STOPLIST = _wordset(
    "authority intelligence television tv publication website blog telecom aerospace "
    "chamber barracks"
) | {
    "intelligence information",
    "intelligence activity",
    "intelligence operation",
    "web site",
    "internet site",
}
_NOT_MAN = frozenset({"human", "german", "roman", "shaman", "ottoman", "talisman", "caiman"})

#: Words of an institution's name. A record of the countries file whose primary phrase
#: holds one of ``_ORG_STRONG`` is a body or group, not a person, even with dated roles;
#: for undated records and the international file ``_ORG_WORDS`` (which also holds words
#: that are surnames: Church, Duma, Street, Bank) decides.
_ORG_STRONG = _wordset(
    "MINISTRY MINISTRIES DEPARTMENT PARTY COUNCIL ARMY FORCES POLICE COURT PARLIAMENT "
    "ASSEMBLY AGENCY COMMISSION GOVERNMENT COMMITTEE FRONT MOVEMENT ORGANIZATION "
    "ORGANISATION UNION LEAGUE ALLIANCE CONGRESS AUTHORITY BRIGADE BRIGADES BATTALION "
    "COALITION POLITBURO REGIME JUNTA CABINET DIRECTORATE SECRETARIAT ADMINISTRATION"
)
_ORG_WORDS = _ORG_STRONG | _wordset(
    "FORCE SENATE BANK SERVICE SERVICES OFFICE BUREAU CORPS GUARD GUARDS INSTITUTE "
    "UNIVERSITY PALACE COMMAND NAVY MILITARY INTELLIGENCE DECLARATION BLOC SOCIETY "
    "ASSOCIATION FEDERATION BOARD TEAM COMMUNITY RIFLES MILITIA MILITIAS REGIMENT "
    "DIVISION TRIBUNAL CHAMBER FUND FOUNDATION PROGRAM PROGRAMME NETWORK CENTER "
    "CENTRE GROUP GROUPS CONFERENCE FORUM TRUST CAMPAIGN CONSORTIUM ACADEMY COLLEGE "
    "SCHOOL CHURCH MISSION INITIATIVE PROJECT PARTNERSHIP TREATY INTERNATIONAL WORLD "
    "GLOBAL NATIONAL UNITED FRIENDS BROTHERHOOD FELLOWSHIP CONFEDERATION COOPERATION "
    "COUNCILS RELIEF AID WATCH CLUB COOPERATIVE INSTITUTO INSTITUT FUNDACION "
    "ASOCIACION FEDERACION COMITE CENTRO STIFTUNG JABHAT AHRAR HARAKAT HARAKAH HARKAT "
    "JAYSH JAISH LIWA KATAIB KATAEB ANSAR TAHRIR HIZB HIZBUL FAYLAQ MAJLIS JAMAAT "
    "JAMAAH JEMAAH TANZEEM TEHRIK TEHREEK LASHKAR SABHA DUMA BUNDESRAT BUNDESTAG "
    "KNESSET MOSSAD SYNDICATE OPPOSITION REBELS INSURGENTS SECURITY MUJAHIDEEN MUJAHIDIN MUJAHIDEN "
    "COMPANY CELLS CELL NUCLEI NUCLEUS COMMANDOS ACTION STRUGGLE LIBERATION HOUSE YARD "
    "RESERVE TANK BET RIOT"
)
#: Words of an office ("US_SECRETARY_OF_STATE_"): dyad's titles code those.
_OFFICE_WORDS = _wordset(
    "PRESIDENT PREMIER MINISTER SECRETARY AMBASSADOR DIRECTOR ATTORNEY CHANCELLOR "
    "CHAIRMAN SPEAKER GOVERNOR ENVOY SPOKESMAN COMMANDER CHIEF HEAD GENERAL REPRESENTATIVE"
)


# ---------------------------------------------------------------- reading


@dataclass(slots=True)
class _Record:
    """One actor entry: its phrases (primary first) and raw codes, as PETRARCH groups them."""

    line: int
    phrases: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    note: str = ""


def _strip_comment(line: str) -> tuple[str, str]:
    match = _COMMENT.search(line)
    return (line[: match.start()], line[match.start() :]) if match else (line, "")


def _read_actor_records(text: str) -> list[_Record]:
    """Records as PETRARCH reads them: a primary phrase without a code and the phrases after
    it share the codes that follow (``LEONID_BREZHNEV_`` then ``LEONID_ILYICH_BREZHNEV``)."""
    records: list[_Record] = []
    cur: _Record | None = None
    for no, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.startswith(("#", "<!")):
            continue
        body, note = _strip_comment(raw)
        if not body.strip():
            continue
        if body.lstrip().startswith("["):
            if cur is not None:
                cur.codes.extend(c.strip() for c in _CODE.findall(body))
            continue
        if body.startswith("+"):
            if cur is not None:
                cur.phrases.append(body[1:].split(";")[0].split("[")[0])
            continue
        if cur is None or cur.codes:
            cur = _Record(no, note=note)
            records.append(cur)
        cur.phrases.append(body.split(";")[0].split("[")[0])
        cur.codes.extend(c.strip() for c in _CODE.findall(body))
        cur.note += note
    return records


# ---------------------------------------------------------------- codes and dates


@dataclass(frozen=True, slots=True)
class _Code:
    raw: str
    country: str | None  # ISO3, "IGO", or None (a region, a historic state, a group)
    role: str | None  # the role block after the country
    blocks: tuple[str, ...]  # every block after "IGO"/"NGO"/the country


@dataclass(frozen=True, slots=True)
class _Restricted:
    code: _Code
    start: date | None
    end: date | None
    default: bool


def _iso3(block: str) -> str | None:
    block = CAMEO_COUNTRIES.get(block, block)
    if block == "XKX" or (len(block) == 3 and pycountry.countries.get(alpha_3=block)):
        return block
    return None


def _parse_code(raw: str) -> _Code:
    blocks = [raw[i : i + 3] for i in range(0, len(raw), 3)]
    first = blocks[0]
    if first in ("IGO", "NGO", "MNC"):
        return _Code(raw, first, None, tuple(blocks[1:]))
    country = _iso3(first)
    i = 1
    if len(blocks) > 1 and blocks[1] not in ACTOR_SECTORS and (sub := _iso3(blocks[1])):
        country, i = sub, 2  # a territory: GBRVGBGOV, IDNTMPOPP
    role = blocks[i] if i < len(blocks) else None
    if country is None and role is None and first in ACTOR_SECTORS:
        role = first  # [MED], [ELI]
    return _Code(raw, country, role, tuple(blocks[i:]))


def _date(text: str) -> date:
    """YYMMDD (00–30: 20xx, else 19xx, as PETRARCH reads it) or YYYYMMDD."""
    if not text.isdigit() or len(text) not in (6, 8):
        raise ValueError(text)
    if len(text) == 6:
        yy = int(text[:2])
        year = 2000 + yy if yy <= 30 else 1900 + yy
        return date(year, int(text[2:4]), int(text[4:6]))
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def _restriction(raw: str) -> _Restricted | None:
    """A code and its date restriction; None when the dates cannot be read."""
    code, _, rest = raw.strip().partition(" ")
    rest = rest.replace(" ", "")
    parsed = _parse_code(code)
    try:
        if not rest:
            return _Restricted(parsed, None, None, True)
        if rest[0] in "<>":
            day = _date(rest[1:])
            if rest[0] == "<":
                return _Restricted(parsed, None, day, False)
            return _Restricted(parsed, day, None, False)
        first, _, second = rest.partition("-")
        start, end = _date(first), _date(second)
    except ValueError:
        return None
    if end < start:
        return None
    return _Restricted(parsed, start, end, False)


# ---------------------------------------------------------------- phrases and casing


def _garbled(text: str) -> bool:
    """U+FFFD or UTF-8 read as cp1252 ("PÃŠBLICAS")."""
    if "\ufffd" in text:
        return True
    try:
        return text.encode("cp1252").decode("utf-8") != text
    except UnicodeError:
        return False


def _split_phrase(raw: str) -> list[tuple[str, bool]]:
    """Raw phrase → (upper-case words joined by spaces, is a bracketed acronym) pairs:
    ``ADEN_ABYAN_ISLAMIC_ARMY_(AAIA)_`` → the name and ``AAIA``; a stray ``+`` splits."""
    out: list[tuple[str, bool]] = []
    for part in raw.split("+"):
        for inner in re.findall(r"\(([^)]*)\)", part):
            words = _words(inner)
            if words:
                out.append((words, " " not in words and len(words) <= 6))
        words = _words(re.sub(r"\([^)]*\)", " ", part))
        if words:
            out.append((words, False))
    return out


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("_", " ")).strip().upper()


def _cap(part: str) -> str:
    """ "MCCAIN" → "McCain", "O'BRIEN" → "O'Brien", "PEOPLE'S" → "People's"."""
    low = part.lower()
    if low.startswith("mc") and len(low) > 3 and low[2].isalpha():
        return "Mc" + low[2].upper() + low[3:]
    head, sep, tail = low.partition("'")
    out = head[:1].upper() + head[1:]
    if sep:
        out += sep + (tail[:1].upper() + tail[1:] if len(head) == 1 else tail)
    return out


@dataclass(frozen=True, slots=True)
class _Casing:
    """How to case one record's phrases."""

    org: bool  # an organisation: acronyms stay upper-case, particles lower-case first too
    acronyms: frozenset[str] = frozenset()  # words known to be acronyms here
    hyphen_lower: bool = False  # "Ki-moon", "Ying-jeou": East Asian given names


def _case_word(word: str, *, first: bool, casing: _Casing) -> str:
    if _INITIALS.match(word):
        return word
    letters = word.replace(".", "")
    ordinal = re.fullmatch(r"(\d+)(ST|ND|RD|TH|S)", word)
    if ordinal:
        return ordinal.group(1) + ordinal.group(2).lower()  # 23rd, 1920s
    if casing.org and (
        word in casing.acronyms
        or (any(c.isdigit() for c in word) and any(c.isalpha() for c in word))
        or (len(letters) >= 2 and letters.isalpha() and not _VOWEL.search(letters))
    ):
        return word
    if not first and _ROMAN.match(word):
        return word
    low = word.lower()
    if low in _PARTICLES or (low in _FUNCTION and not first):
        return low if (casing.org or not first) else _cap(word)
    parts = word.split("-")
    out: list[str] = []
    for j, part in enumerate(parts):
        plow = part.lower()
        if not part:
            out.append(part)
        elif j == 0 and len(parts) > 1 and plow in ("al", "el") and (casing.org or not first):
            out.append(plow)  # al-Assad
        elif j > 0 and (
            len(part) == 1 or plow in _PARTICLES or plow in _HYPHEN_LOWER or casing.hyphen_lower
        ):
            out.append(plow)  # Mazar-i-Sharif, Qatar-based, Ki-moon
        elif j > 0 and part in casing.acronyms:
            out.append(part)
        else:
            out.append(_cap(part))
    return "-".join(out)


def _case(words: str, casing: _Casing) -> str:
    tokens = words.split(" ")
    out = [_case_word(w, first=i == 0, casing=casing) for i, w in enumerate(tokens)]
    return unicodedata.normalize("NFC", " ".join(out))


def _initials(phrases: Iterable[str]) -> set[str]:
    """Acronyms a record's own phrases spell ("NORTH ATLANTIC TREATY ORGANIZATION" →
    NATO; "DEPARTMENT OF DEFENSE" → DOD and DD)."""
    out: set[str] = set()
    for phrase in phrases:
        words = [w for w in re.split(r"[ \-]", phrase) if w and w[0].isalpha()]
        if len(words) < 2:
            continue
        out.add("".join(w[0] for w in words))
        out.add("".join(w[0] for w in words if w.lower() not in _FUNCTION))
    return out


def _aliases(
    raws: Iterable[str],
    casing: _Casing,
    counts: Counter[str],
    *,
    org: bool,
    keep_the: bool = False,
) -> list[str]:
    """Cleaned, cased aliases of one record in source order (duplicates removed)."""
    split = [pair for raw in raws for pair in _split_phrase(raw)]
    acronyms = set(casing.acronyms) | _initials(w for w, _ in split)
    acronyms |= {w for w, bracketed in split if bracketed}
    if org:  # a one-word organisation name of up to five letters is an acronym: SADC, IGAD
        acronyms |= {w for w, _ in split if " " not in w and w.isalpha() and len(w) <= 5}
    casing = _Casing(casing.org, frozenset(acronyms), casing.hyphen_lower)
    out: dict[str, None] = {}
    for words, _bracketed in split:
        if _garbled(words):
            counts["aliases dropped: garbled characters"] += 1
            continue
        if words.startswith("THE ") and len(words) > 4 and not keep_the:
            words = words[4:]
        if not _NAME_CHARS.match(words) or not any(c.isalpha() for c in words):
            counts["aliases dropped: odd characters"] += 1
            continue
        alias = _case(words, casing)
        if len(alias) < 2:
            continue
        out[alias] = None
        if casing.hyphen_lower and re.fullmatch(r"\w+ \w+ \w+", alias):
            first, given, last = alias.split(" ")
            out[f"{first} {given}-{last.lower()}"] = None  # Ban Ki Moon → Ban Ki-moon
        if alias[0].islower():  # "al-Qaeda" also opens a sentence as "Al-Qaeda"
            out[alias[0].upper() + alias[1:]] = None
    return list(out)


# ---------------------------------------------------------------- what dyad already has


@dataclass(frozen=True, slots=True)
class _Known:
    """Surface forms of the bundled codebooks that converted entries must not take over."""

    names: frozenset[str]  # case-sensitive: places, bodies, media, orgs, groups, people
    phrases: frozenset[str]  # lower-case: titles, nouns, collectives
    titles: tuple[tuple[str, ...], ...]  # title aliases as lower-case word sequences
    acronyms: frozenset[str]  # all-capital words of bundled names ("UN", "NATO")
    entry_names: frozenset[str]  # names of bundled entries, any section
    org_codes: frozenset[str] = frozenset()  # codes of bundled organisations
    folded: frozenset[str] = frozenset()  # names, with case, accents and hyphens folded


@cache
def _bundled() -> _Known:
    # dyad's own actor codebooks only (not ActorCodebook.load(), which may one day read the
    # imported files too: the converter must not compare its output with its last output)
    book = ActorCodebook()
    book._generate_countries()
    for name in BUNDLED_FILES:
        book.add_file(BUNDLED_DIR / name)
    names = set(book.names) | set(book.places)
    titles = {
        tuple(text.split()) for text, (kind, _entry) in book.phrases.items() if kind == "title"
    }
    acronyms = {
        word
        for text in names
        for word in re.split(r"[ \-]", text)
        if len(word) >= 2 and word.isalpha() and word.isupper()
    } - _NOT_ACRONYMS
    return _Known(
        frozenset(names),
        frozenset(book.phrases),
        tuple(sorted(titles)),
        frozenset(acronyms),
        frozenset(name for _section, name in book.named),
        frozenset(e.code for (section, _n), e in book.named.items() if section == "organisations"),
        frozenset(_fold(name) for name in names),
    )


def _fold(name: str) -> str:
    """ "Ma Ying-jeou", "MA YING JEOU" and "Recep Tayyip Erdoğan", "Erdogan" alike."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[-.]", " ", text).split())


def _titled(alias: str, titles: Iterable[tuple[str, ...]]) -> bool:
    """A title before the last word: "President Karzai", "Soviet Leader Leonid Brezhnev"
    (but "John Major", "Martin Luther King" end in one)."""
    words = tuple(alias.lower().split())
    for title in titles:
        n = len(title)
        for i in range(len(words) - n):
            if words[i : i + n] == title:
                return True
    return False


# ---------------------------------------------------------------- classification


def _is_office(words: str) -> bool:
    """ "US SECRETARY OF STATE", "PRESIDENT OF THE UNITED STATES", "US ATTORNEY GENERAL"."""
    tokens = words.split()
    if not any(t in _OFFICE_WORDS for t in tokens):
        return False
    if tokens[-1] in _OFFICE_WORDS:
        return True
    return any(t in _OFFICE_WORDS and nxt in ("OF", "TO") for t, nxt in pairwise(tokens))


def _is_org(words: str, *, broad: bool) -> bool:
    """An institution rather than a person. ``broad`` for records with one undated code,
    where persons are rare: one-word names, names with function words or digits too."""
    tokens = re.split(r"[ \-]", words)
    if any(t in (_ORG_WORDS if broad else _ORG_STRONG) for t in tokens):
        return True
    if "DOWNING STREET" in words or not broad:
        return "DOWNING STREET" in words
    if len(tokens) == 1 or any(t.lower() in _FUNCTION for t in tokens):
        return True
    return any(c.isdigit() or c in "&/" for c in words) or "'S" in words


def _is_person(words: str, *, dated: bool, note: str, given: Counter[str]) -> bool:
    """A person in the international file: an IGO ruler (dated, or from IGOrulers.txt), or
    a name of two to four words with none of an institution's that starts with an initial
    or with a given name of at least two persons of the countries file ("Ralph Fiennes";
    but "Red Crescent", "Operation Smile" are organisations)."""
    if "IGOrulers" in note:
        return True
    if _is_org(words, broad=True):
        return False
    tokens = words.split(" ")
    if dated:
        return True
    if not 2 <= len(tokens) <= 4:
        return False
    return given[tokens[0]] >= 2 or any(_INITIALS.match(t) or len(t) == 1 for t in tokens)


# ---------------------------------------------------------------- roles


def _is_place_code(code: _Code) -> bool:
    """A country or territory, possibly with a status: ``AFG``, ``GBRVGB``, ``HRVUNR``
    (unrecognised), ``KWTOCC`` (occupied), ``ETHERIAUT`` (autonomous)."""
    return code.country != "IGO" and (
        code.role is None or code.role not in ACTOR_SECTORS or code.role in ("UNR", "OCC")
    )


def _org_sector(code: _Code) -> str | None:
    """An institution's sector: its branch when the code names one after GOV
    (``USAGOVJUD`` the Supreme Court, ``DEUGOVLEG`` the Bundesrat). A person's ``GOVJUD``
    is a minister of justice: GOV."""
    if code.role == "GOV" and len(code.blocks) > 1 and code.blocks[1] in _BRANCHES:
        return code.blocks[1]
    return _role_sector(code)


def _role_sector(code: _Code) -> str | None:
    return ACTOR_SECTORS.get(code.role) if code.role else None


def _roles(
    restricted: list[_Restricted],
    counts: Counter[str],
    sector_of: Callable[[_Code], str | None] = _role_sector,
) -> tuple[list[dict[str, Any]], str | None]:
    """Dated roles (merged where one continues another) and, when there are none, why."""
    dated = [r for r in restricted if not r.default]
    defaults = [r for r in restricted if r.default]
    spans = [(r.code, r.start, r.end) for r in dated]
    if defaults:
        last = defaults[-1].code
        if not dated:
            spans.append((last, None, None))
        elif all(r.end is not None for r in dated):
            spans.append((last, max(r.end for r in dated if r.end is not None), None))
        else:
            counts["roles dropped: default after an open-ended role"] += 1
    kept: list[tuple[str, str, date | None, date | None]] = []
    igo_starts: list[date] = []
    reasons: Counter[str] = Counter()
    for code, start, end in spans:
        if code.country == "IGO":
            reasons["roles in an IGO"] += 1
            igo_starts.append(start or date.min)
            continue
        sector = sector_of(code)
        if code.country is None or code.country in ("NGO", "MNC"):
            reasons["roles in a country without ISO 3166 code"] += 1
        elif sector is None:
            reasons[f"roles without dyad sector ({code.role or 'none'})"] += 1
        else:
            kept.append((code.country, sector, start, end))
    for reason, n in reasons.items():
        counts[f"roles dropped: {reason}"] += n
    latest = max((s or date.min for _c, _s, s, _e in kept), default=None)
    if igo_starts and (latest is None or max(igo_starts) > latest):
        return [], "latest role is in an IGO (Role.country cannot be IGO)"
    if not kept:
        if reasons and all(r.startswith("roles without dyad sector (ELI)") for r in reasons):
            return [], "only elite (ELI) roles"
        if reasons and all("ISO 3166" in r for r in reasons):
            return [], "only roles in countries without ISO 3166 code"
        return [], "no role with a dyad sector"
    return _merge_roles(kept), None


def _merge_roles(
    roles: list[tuple[str, str, date | None, date | None]],
) -> list[dict[str, Any]]:
    """Overlapping or adjoining roles of the same country and sector become one."""
    by_code: dict[tuple[str, str], list[tuple[date | None, date | None]]] = defaultdict(list)
    for country, sector, start, end in roles:
        by_code[(country, sector)].append((start, end))
    merged: list[tuple[str, str, date | None, date | None]] = []
    for (country, sector), spans in by_code.items():
        spans.sort(key=lambda s: s[0] or date.min)
        cur_start, cur_end = spans[0]
        for start, end in spans[1:]:
            if cur_end is None or (start or date.min) <= cur_end + _ONE_DAY:
                cur_end = None if cur_end is None or end is None else max(cur_end, end)
            else:
                merged.append((country, sector, cur_start, cur_end))
                cur_start, cur_end = start, end
        merged.append((country, sector, cur_start, cur_end))
    merged.sort(key=lambda r: (r[2] or date.min, r[3] or date.max, r[0], r[1]))
    out = []
    for country, sector, start, end in merged:
        role: dict[str, Any] = {"country": country, "sector": sector}
        if start is not None:
            role["from"] = start
        if end is not None:
            role["to"] = end
        out.append(role)
    return out


# ---------------------------------------------------------------- building entries


@dataclass(slots=True)
class _Entry:
    """A converted entry before the aliases shared with others are resolved."""

    section: str
    data: dict[str, Any]
    aliases: list[str]  # name first

    @property
    def name(self) -> str:
        return self.aliases[0]


@dataclass(slots=True)
class _Out:
    """Entries and counts per output file."""

    entries: dict[str, list[_Entry]] = field(default_factory=lambda: defaultdict(list))
    counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    given: Counter[str] = field(default_factory=Counter)  # first words of persons' names

    def add(self, file: str, section: str, aliases: list[str], data: dict[str, Any]) -> None:
        self.entries[file].append(_Entry(section, data, aliases))


PEOPLE = "phoenix_people.yaml"
BODIES = "phoenix_bodies.yaml"
GROUPS = "phoenix_groups.yaml"
ORGS = "phoenix_organisations.yaml"
AGENTS = "phoenix_agents.yaml"
_FILES = (PEOPLE, BODIES, GROUPS, ORGS, AGENTS)
_SECTION_MODELS: dict[str, type[BaseModel]] = {
    "people": PersonEntry,
    "bodies": BodyEntry,
    "media": MediaEntry,
    "groups": GroupEntry,
    "organisations": OrgEntry,
    "nouns": NounEntry,
}


def _person_aliases(
    rec: _Record, country: str | None, known: _Known, counts: Counter[str]
) -> list[str]:
    casing = _Casing(org=False, hyphen_lower=country in _HYPHEN_NAMES)
    out = []
    for alias in _aliases(rec.phrases, casing, counts, org=False):
        if _titled(alias, known.titles):
            counts["aliases dropped: title before the name"] += 1
        else:
            out.append(alias)
    return out


def _org_aliases(
    rec: _Record, known: _Known, counts: Counter[str], *, media: bool = False
) -> list[str]:
    """An organisation's aliases ("The Guardian" keeps its article; others drop it), less
    those that are an office ("German Chancellor", "General Secretary of the Central
    Committee"): dyad's titles code those, a name would hide them."""
    casing = _Casing(org=True, acronyms=known.acronyms)
    out = []
    for alias in _aliases(rec.phrases, casing, counts, org=True, keep_the=media):
        if _names_title(alias.lower().split(), known.titles):
            counts["aliases dropped: a person's title (dyad's titles code it)"] += 1
        else:
            out.append(alias)
    return out


def _convert_countries(text: str, known: _Known, out: _Out) -> None:
    """Phoenix.Countries.actors.txt → people, bodies, groups."""
    counts = out.counts[PEOPLE]
    for rec in _read_actor_records(text):
        counts["records read"] += 1
        restricted = [r for raw in rec.codes if (r := _restriction(raw)) is not None]
        if len(restricted) < len(rec.codes):
            counts["roles dropped: unreadable dates"] += len(rec.codes) - len(restricted)
        restricted = [r for r in restricted if r.code.raw != "---"]
        primary = _words(rec.phrases[0])
        if not rec.codes:
            counts["skipped: no code"] += 1
        elif not restricted:
            counts["skipped: null code [---] or unreadable dates"] += 1
        elif all(_is_place_code(r.code) for r in restricted):
            counts["skipped: place name (countries come from pycountry and countries.yaml)"] += 1
        elif _is_office(primary):
            counts["skipped: office title (dyad's titles code it)"] += 1
        elif _is_org(primary, broad=all(r.default for r in restricted)):
            _country_org(rec, restricted, known, out)
        else:
            _country_person(rec, restricted, known, out)


def _country_person(rec: _Record, restricted: list[_Restricted], known: _Known, out: _Out) -> None:
    counts = out.counts[PEOPLE]
    roles, why = _roles(restricted, counts)
    if why is not None:
        counts[f"skipped: {why}"] += 1
        return
    ends = [role.get("to") for role in roles]
    if all(ends) and max(e for e in ends if e) < ENDED_BEFORE:
        counts[f"skipped: roles ended before {ENDED_BEFORE.year}"] += 1
        return
    aliases = _person_aliases(rec, roles[-1]["country"], known, counts)
    if not aliases:
        counts["skipped: no usable name"] += 1
        return
    out.given[_words(rec.phrases[0]).split(" ")[0]] += 1
    out.add(PEOPLE, "people", aliases, {"roles": roles})


def _country_org(rec: _Record, restricted: list[_Restricted], known: _Known, out: _Out) -> None:
    counts = out.counts[PEOPLE]
    aliases = _org_aliases(rec, known, out.counts[BODIES])
    if not aliases:
        counts["skipped: no usable name"] += 1
        return
    if any(not r.default for r in restricted):
        roles, why = _roles(restricted, out.counts[GROUPS], _org_sector)
        if why is not None:
            counts[f"skipped: organisation with {why}"] += 1
            return
        counts[f"to {GROUPS}"] += 1
        out.add(GROUPS, "groups", aliases, {"roles": roles})
        return
    code = restricted[-1].code
    sector = _org_sector(code)
    if code.country in (None, "IGO"):
        counts["skipped: organisation without a country"] += 1
    elif sector is None:
        counts[f"skipped: organisation without dyad sector ({code.role})"] += 1
    elif sector in ("REB", "OPP"):
        counts[f"to {GROUPS}"] += 1
        out.add(GROUPS, "groups", aliases, {"country": code.country, "sector": sector})
    else:
        counts[f"to {BODIES}"] += 1
        out.add(BODIES, "bodies", aliases, {"sector": sector, "country": code.country})


def _convert_milnonstate(text: str, known: _Known, out: _Out) -> None:
    """Phoenix.MilNonState.actors.txt → groups, all REB."""
    counts = out.counts[GROUPS]
    records = _read_actor_records(text)
    group_names = {
        words
        for rec in records
        for raw in rec.phrases
        if _is_org(words := _words(raw), broad=False) or "GROUP" in words
    }
    for rec in records:
        counts["records read (MilNonState)"] += 1
        restricted = [r for raw in rec.codes if (r := _restriction(raw)) is not None]
        if not restricted:
            counts["skipped: no code"] += 1
            continue
        if _short_militant_name(_words(rec.phrases[0]), restricted[-1].code, group_names):
            counts["skipped: a militant's two-word name (too ambiguous to match)"] += 1
            continue
        aliases = _org_aliases(rec, known, counts)
        if not aliases:
            counts["skipped: no usable name"] += 1
            continue
        dated = [r for r in restricted if not r.default and r.code.country not in (None, "IGO")]
        if dated:
            roles = _merge_roles(
                [(r.code.country, "REB", r.start, r.end) for r in dated if r.code.country]
            )
            out.add(GROUPS, "groups", aliases, {"roles": roles})
            continue
        country = restricted[-1].code.country
        data: dict[str, Any] = {"sector": "REB"}
        if country not in (None, "IGO", "NGO", "MNC"):
            data["country"] = country
        else:
            counts["groups without country (regional or transnational code)"] += 1
        out.add(GROUPS, "groups", aliases, data)


def _short_militant_name(words: str, code: _Code, group_names: set[str]) -> bool:
    """ "ALTAF_HUSSAIN__ [IMGSASMUS]", "ABU_SALEM__ [IMGMUS]": a member of a transnational
    group (``IMG``) known by two words, a name or kunya many others share. A short name
    that begins a group's name ("ABU_SAYYAF__", "ABU_SAYYAF_GROUP") is the group's."""
    tokens = words.split(" ")
    return (
        len(tokens) == 2
        and code.raw.startswith("IMG")
        and tokens[0].lower() not in _PARTICLES
        and not _is_org(words, broad=True)
        and not any(name.startswith(words + " ") for name in group_names)
    )


def _org_code(code: _Code, aliases: list[str], taken: frozenset[str]) -> str | None:
    """An IGO's dyad code: its most specific block (``IGOUNOKID`` → UNICEF), else an
    acronym among its aliases, else the initials of its name (three to six letters), else
    its region block (``IGOSAM``: a South American organisation). Initials that are
    another organisation's code (``taken``: "ECO" is ECOWAS) are not used."""
    specific = [
        b
        for b in code.blocks
        if len(b) == 3
        and b.isalpha()
        and b not in ACTOR_SECTORS
        and b not in _NOT_ORG_BLOCKS
        and not _iso3(b)
    ]
    if specific:
        return IGO_CODES.get(specific[-1], specific[-1])
    for alias in aliases:
        if re.fullmatch(r"[A-Z][A-Z0-9]{1,5}", alias):
            return alias
    words = [w for w in aliases[0].replace("-", " ").split() if w.lower() not in _FUNCTION]
    initials = "".join(w[0] for w in words).upper()
    if re.fullmatch(r"[A-Z0-9]{3,6}", initials) and initials not in taken:
        return initials
    regions = [b for b in code.blocks if b in _NOT_ORG_BLOCKS]
    return regions[-1] if regions else None


def _convert_international(text: str, known: _Known, out: _Out) -> None:
    """Phoenix.International.actors.txt → organisations (IGOs, NGOs), NGO bodies, media."""
    counts = out.counts[ORGS]
    for rec in _read_actor_records(text):
        counts["records read"] += 1
        restricted = [r for raw in rec.codes if (r := _restriction(raw)) is not None]
        restricted = [r for r in restricted if r.code.raw != "---"]
        if not restricted:
            counts["skipped: no code"] += 1
            continue
        code = restricted[-1].code if all(r.default for r in restricted) else None
        kinds = {r.code.country for r in restricted}
        dated = any(not r.default for r in restricted)
        primary = _words(rec.phrases[0])
        if "MNC" in kinds:
            counts["skipped: multinational company (MNC)"] += 1
        elif _is_person(primary, dated=dated, note=rec.note, given=out.given):
            kind = "IGO" if "IGO" in kinds else "NGO" if "NGO" in kinds else "other"
            counts[f"skipped: person ({kind} official or member)"] += 1
        elif code is None:
            counts["skipped: organisation with dated codes"] += 1
        elif code.country == "IGO":
            _international_igo(rec, code, known, out)
        elif code.country == "NGO":
            _international_ngo(rec, code, known, out)
        elif _role_sector(code) == "MED":
            aliases = _org_aliases(rec, known, out.counts[BODIES], media=True)
            if aliases:
                data: dict[str, Any] = {}
                if code.country and _iso3(code.country):
                    data["country"] = code.country
                counts[f"to {BODIES} (media)"] += 1
                out.add(BODIES, "media", aliases, data)
        else:
            counts[f"skipped: code {code.raw} is no IGO, NGO or medium"] += 1


def _international_igo(rec: _Record, code: _Code, known: _Known, out: _Out) -> None:
    counts = out.counts[ORGS]
    aliases = _org_aliases(rec, known, counts)
    taken = known.org_codes | frozenset(IGO_CODES.values()) | frozenset(NGO_CODES.values())
    org = _org_code(code, aliases, taken) if aliases else None
    if org is None:
        counts["skipped: no organisation code"] += 1
        return
    out.add(ORGS, "organisations", aliases, {"code": org})


def _international_ngo(rec: _Record, code: _Code, known: _Known, out: _Out) -> None:
    counts = out.counts[ORGS]
    aliases = _org_aliases(rec, known, counts)
    if not aliases:
        counts["skipped: no usable name"] += 1
        return
    own = next((NGO_CODES[b] for b in code.blocks if b in NGO_CODES), None)
    country = _iso3(code.blocks[0]) if code.blocks else None
    if own is None and country is not None:
        counts[f"to {BODIES} (NGO of one country)"] += 1
        out.add(BODIES, "bodies", aliases, {"sector": "NGO", "country": country})
        return
    out.add(ORGS, "organisations", aliases, {"code": own or "NGO"})


# ---------------------------------------------------------------- agents


def _agent_plural(phrase: str) -> str | None:
    """A regular plural of the head word: the word before "of", else the last."""
    words = phrase.split(" ")
    head = words.index("of") - 1 if "of" in words[1:] else len(words) - 1
    plural = _plural_word(words[head])
    if plural is None:
        return None
    words[head] = plural
    return " ".join(words)


def _plural_word(word: str) -> str | None:
    if not word[-1:].isalpha() or word in _UNCOUNTABLE or word.endswith(_PLURAL_ENDINGS):
        return None
    if word.endswith("man") and word not in _NOT_MAN:
        return word[:-3] + "men"
    if word.endswith("child"):
        return word + "ren"
    if word.endswith("s"):
        return word + "es" if word.endswith(("ss", "us", "is")) else None  # already plural
    if word.endswith(("x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _agent_forms(body: str, markers: dict[str, list[str]]) -> Iterator[tuple[str, bool]]:
    """(raw phrase, plural wanted) for one agent line's phrase part."""
    match = re.search(r"!([^!]+)!", body)
    if match:
        for item in markers.get(match.group(1), []):
            yield body[: match.start()] + item + body[match.end() :], False
        return
    phrase, brace, rest = body.partition("{")
    if brace:
        yield phrase, False
        plural = rest.partition("}")[0]
        if plural.strip():
            yield plural, False
        return
    yield phrase, True


def _agent_phrase(raw: str) -> str:
    text = raw.replace("_", " ").lower()
    return re.sub(r"\s+", " ", text).strip()


def _convert_agents(text: str, known: _Known, out: _Out) -> None:
    """Phoenix.agents.txt → one noun entry per dyad sector."""
    counts = out.counts[AGENTS]
    markers: dict[str, list[str]] = {}
    by_sector: dict[str, dict[str, None]] = defaultdict(dict)
    sector_of: dict[str, str] = {}
    for raw in text.splitlines():
        if not raw.strip() or raw.startswith(("#", "<!")):
            continue
        body, _note = _strip_comment(raw)
        if not body.strip():
            continue
        define = re.match(r"\s*!([^!]+)!\s*=(.*)", body)
        if define:
            markers[define.group(1)] = [i.strip() for i in define.group(2).split(",") if i.strip()]
            continue
        counts["agents read"] += 1
        match = _CODE.search(body)
        if match is None:
            counts["skipped: no code"] += 1
            continue
        code = match.group(1).strip()
        if not code.startswith("~"):
            counts[f"skipped: organisation code {code}"] += 1
            continue
        block = code[1:4]
        sector = AGENT_SECTORS.get(block)
        if sector is None:
            counts[f"skipped: no dyad sector (~{block})"] += 1
            continue
        forms = list(_agent_forms(body[: match.start()], markers))
        if not forms:
            counts["skipped: unknown substitution marker"] += 1
            continue
        counts["agents converted"] += 1
        for raw_form, want_plural in forms:
            phrase = _agent_phrase(raw_form)
            phrases = [phrase]
            if want_plural and (plural := _agent_plural(phrase)):
                phrases.append(plural)
            for form in phrases:
                why = _agent_problem(form, known)
                if why is not None:
                    counts[f"aliases dropped: {why}"] += 1
                elif sector_of.setdefault(form, sector) != sector:
                    counts["aliases dropped: already of another sector"] += 1
                else:
                    by_sector[sector][form] = None
    for sector, found in by_sector.items():
        name = NOUN_NAMES[sector]
        aliases = sorted(f for f in found if f != name)
        out.add(AGENTS, "nouns", [name, *aliases], {"sector": sector})


def _agent_problem(form: str, known: _Known) -> str | None:
    words = form.split(" ")
    if not form or _garbled(form):
        return "garbled characters"
    if not re.fullmatch(r"[\w.'&/,\- ]+", form) or not any(c.isalpha() for c in form):
        return "odd characters"
    if words[-1] in _FUNCTION or words[0] in ("and", "of", "a", "an"):
        return "starts or ends with a function word"
    if form in AGENT_STOPLIST or (form.endswith("s") and form[:-1] in AGENT_STOPLIST):
        return "a thing, not an actor (AGENT_STOPLIST)"
    if form in known.phrases or form in {n.lower() for n in known.entry_names}:
        return "already in dyad's codebooks"
    if _names_title(words, known.titles):
        return "a person's title (dyad's titles code it)"
    return None


def _names_title(words: list[str], titles: Iterable[tuple[str, ...]]) -> bool:
    """A phrase whose head is one of dyad's titles: "health minister", "minister of
    health", "commander in chief", "spokesman for the opposition". As a noun it would hide
    the title from the person after it ("Health Minister X"). A title that only modifies
    ("justice ministry", "general contractor") or a complement ("council of ministers")
    is no head."""
    head = words[: words.index("of")] if "of" in words[1:] else words
    for title in titles:
        n = len(title)
        if tuple(head[-n:]) == title:
            return True
        for i in range(len(head) - n):
            if tuple(head[i : i + n]) == title and head[i + n] in _FUNCTION:
                return True
    return False


# ---------------------------------------------------------------- shared aliases


def _resolve(out: _Out, known: _Known) -> None:
    """Drop aliases dyad already knows and those two converted entries share."""
    names_kind = [(file, e) for file in _FILES if file != AGENTS for e in out.entries.get(file, [])]
    # one entry per section and name: persons of the same name are one (their roles joined)
    for file in _FILES:
        merged: dict[tuple[str, str], _Entry] = {}
        for entry in out.entries.get(file, []):
            key = (entry.section, entry.name)
            if key not in merged:
                merged[key] = entry
                continue
            counts = out.counts[file]
            first = merged[key]
            if entry.section == "people":
                roles = [_role_tuple(r) for r in first.data["roles"] + entry.data["roles"]]
                first.data["roles"] = _merge_roles(roles)
                counts["entries merged: same name"] += 1
            elif {k: v for k, v in entry.data.items()} == first.data:
                counts["entries merged: same name"] += 1
            else:
                counts["entries dropped: same name, other code"] += 1
                continue
            first.aliases += [a for a in entry.aliases if a not in first.aliases]
        out.entries[file] = list(merged.values())
    names_kind = [(file, e) for file in _FILES if file != AGENTS for e in out.entries.get(file, [])]
    # a name already in dyad: the whole entry would replace or shadow a curated one
    kept = []
    for file, entry in names_kind:
        if entry.name in known.names or entry.name.lower() in known.phrases:
            out.counts[file]["skipped: name already in dyad's codebooks"] += 1
            out.entries[file].remove(entry)
        elif _fold(entry.name) in known.folded:
            out.counts[file]["skipped: name already in dyad's codebooks, spelt otherwise"] += 1
            out.entries[file].remove(entry)
        else:
            kept.append((file, entry))
    owners: dict[str, set[int]] = defaultdict(set)
    named: dict[str, list[int]] = defaultdict(list)  # the first entry of a name keeps it
    for _file, entry in kept:
        for alias in entry.aliases:
            owners[alias].add(id(entry))
        named[entry.name].append(id(entry))
    for file, entry in kept:
        counts = out.counts[file]
        if named[entry.name][0] != id(entry):
            counts["skipped: name of an entry in another file or section"] += 1
            out.entries[file].remove(entry)
            continue
        aliases = [entry.name]
        for alias in entry.aliases[1:]:
            if alias in known.names:
                counts["aliases dropped: already in dyad's codebooks"] += 1
            elif alias.lower() in known.phrases:
                counts["aliases dropped: a dyad title or noun"] += 1
            elif set(named[alias]) - {id(entry)}:
                counts["aliases dropped: name of another entry"] += 1
            elif len(owners[alias]) > 1:
                counts["aliases dropped: shared by several entries"] += 1
            elif alias not in aliases:
                aliases.append(alias)
        entry.aliases = aliases


def _role_tuple(role: dict[str, Any]) -> tuple[str, str, date | None, date | None]:
    return role["country"], role["sector"], role.get("from"), role.get("to")


# ---------------------------------------------------------------- output


def _finish(out: _Out) -> dict[str, tuple[dict, dict[str, int]]]:
    result: dict[str, tuple[dict, dict[str, int]]] = {}
    for file in _FILES:
        sections: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for entry in sorted(out.entries.get(file, []), key=lambda e: (e.name.casefold(), e.name)):
            item: dict[str, Any] = {"name": entry.name}
            if entry.section == "organisations":
                item = {"code": entry.data["code"], "name": entry.name}
            aliases = sorted(set(entry.aliases[1:]), key=lambda a: (a.casefold(), a))
            if aliases:
                item["aliases"] = aliases
            item.update((k, v) for k, v in entry.data.items() if k != "code")
            _validate(file, entry.section, item)
            sections[entry.section].append(item)
        counts = out.counts[file]
        counts["written"] = sum(len(v) for v in sections.values())
        for section, items in sections.items():
            if len(sections) > 1:
                counts[f"written: {section}"] = len(items)
            names = Counter(i["name"] for i in items)
            dup = [n for n, k in names.items() if k > 1]
            if dup:
                raise ValueError(f"{file}: section {section!r} repeats the name {dup[0]!r}")
        counts["aliases written"] = sum(
            1 + len(i.get("aliases", [])) for v in sections.values() for i in v
        )
        result[file] = (dict(sections), dict(sorted(counts.items())))
    return result


def _validate(file: str, section: str, item: dict[str, Any]) -> None:
    try:
        _SECTION_MODELS[section].model_validate(item)
    except ValidationError as exc:
        raise ValueError(f"{file}: invalid {section} entry {item['name']!r}: {exc}") from exc


_SOURCES: tuple[tuple[str, Callable[[str, _Known, _Out], None]], ...] = (
    ("Phoenix.Countries.actors.txt", _convert_countries),
    ("Phoenix.MilNonState.actors.txt", _convert_milnonstate),
    ("Phoenix.International.actors.txt", _convert_international),
    ("Phoenix.agents.txt", _convert_agents),
)


def _convert(texts: dict[str, str], known: _Known) -> dict[str, tuple[dict, dict[str, int]]]:
    out = _Out()
    for name, convert in _SOURCES:
        if name in texts:
            convert(texts[name], known, out)
    _resolve(out, known)
    return _finish(out)


def convert_actors(src_dir: Path) -> dict[str, tuple[dict, dict[str, int]]]:
    """Convert the Phoenix actor and agent dictionaries in ``src_dir``.

    Returns ``{file name: (YAML-ready data, counts)}`` for ``phoenix_people.yaml``,
    ``phoenix_bodies.yaml``, ``phoenix_groups.yaml``, ``phoenix_organisations.yaml`` and
    ``phoenix_agents.yaml``; the data is a mapping of codebook sections (``people``,
    ``bodies`` and ``media``, ``groups``, ``organisations``, ``nouns``) to entries sorted by
    name, each validated with dyad's models (a bad one raises ``ValueError``). Counts say
    what was read, written and skipped, by reason. Nothing is written to disk.
    """
    src = Path(src_dir)
    texts = {
        name: (src / name).read_text(encoding="utf-8", errors="replace") for name, _ in _SOURCES
    }
    return _convert(texts, _bundled())
