"""The place stage: where an event happened, resolved to a GeoNames place.

An event's place comes, in this order, from

1. its own clause: a locative phrase ("in Islamabad", "at a Peshawar mosque", "inside a
   mosque in Peshawar's Police Lines", "to Bangladesh and Pakistan" after a word of
   travel, "visited Moscow", "at the State Department" through the landmark codebook,
   "in Tahrir Square" and "near Sabina Shoal" through the features codebook, "there"),
   "to its border", or talks named after a city; a first-level area there (a state, a
   sea) is refined to the one finer place inside it the story names;
2. "here" in its clause: the article's setting (below);
3. another sentence placing the same named event ("the counterterrorism dialogue, which
   may be held in Islamabad", "during the G20 summit");
4. an international organisation's organ: its seat;
5. "hosted": the capital of the host (the source actor's country) — low confidence;
6. the previous sentence of the same paragraph, when its main clause has a locative;
7. a court's act: "a Moscow court", where the story holds the trial, else the capital;
8. for an event done on the ground, where the story is set: the place its locative
   phrases name most often;
9. the article's setting: the dateline; else the place of a press briefing, news
   conference or interview the article mentions; else, when the article says "here",
   the city of the first government landmark it names ("the State Department") — only
   for a recent event that is done and whose side is the setting's country, and not
   for a written statement;
10. a domestic event done on the ground: its country.

Talks by telephone or video, and sanctions, get only a place their sentence names.
``carry_places`` then places a mention the way the other tellings of the same event are
placed by their clauses, and the unplaced parts of a dated plan from the plan's own
sentence.

A place name counts only inside a locative phrase: "a Washington think tank", "the
Washington Post", "the Geneva conventions", "Moscow-backed", "New York-based", "the
Paris Agreement" and "the Kabul government" are not places of the event. Names are
resolved by :class:`Gazetteer`, which prefers the countries of the event's actors, then
capitals and populous places. See docs/places.md.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from dyad.codebooks.gazetteer import Gazetteer, name_key
from dyad.codebooks.ontology import bundled_ontology
from dyad.records import ActorMention, Article, EventMention, Location, Sentence, status_phase

__all__ = ["Gazetteer", "carry_places", "locate"]

# --- finding locative phrases -------------------------------------------------------

_TOKEN_RE = re.compile(r"[^\W\d_][\w'’.-]*\w|[^\W\d_]|\d+|[^\w\s]")
_LOCATIVE = frozenset({
    "in", "at", "inside", "outside", "near", "within", "throughout", "across", "through",
})  # fmt: skip
_DIRECTIONAL = frozenset({"to", "into", "towards", "toward", "from"})
_WELCOME = frozenset({"welcomed", "welcomes", "welcoming", "hosted"})
_WELCOME_REACH = 14  # tokens: the guest's titles and name may stand between
_VISIT_VERBS = frozenset({"visit", "visits", "visited", "visiting", "toured", "tours", "tour"})
_STRIKE_VERBS = frozenset({
    "shelled", "shells", "shelling", "bombed", "bombs", "bombing", "struck", "strikes",
    "attacked", "attacks", "raided", "stormed", "captured", "seized", "recaptured",
    "invaded", "invades", "occupied", "besieged", "entered", "enters", "hit", "hits",
    "targeted", "targets", "targeting", "pounded", "pounds",
})  # fmt: skip
# "an attack on Moscow", "strikes on Kyiv": the place the attack fell on
_ATTACK_NOUNS = frozenset({
    "attack", "attacks", "strike", "strikes", "raid", "raids", "assault", "bombardment",
    "offensive", "airstrike", "airstrikes",
})  # fmt: skip
_DIRECTIONS = frozenset({
    "northern", "southern", "eastern", "western", "central", "northeastern", "northwestern",
    "southeastern", "southwestern", "north-eastern", "north-western", "south-eastern",
    "south-western", "north", "south", "east", "west", "northeast", "northwest",
    "southeast", "southwest", "north-east", "north-west", "south-east", "south-west",
    "upper", "lower", "coastal", "restive", "rural", "occupied", "downtown", "greater", "suburban",
})  # fmt: skip
_MOTION = frozenset({
    "visit", "visits", "visited", "visiting", "trip", "trips", "travel", "travels",
    "traveled", "travelled", "traveling", "travelling", "journey", "tour", "delegation",
    "mission", "fly", "flew", "flies", "flight", "go", "goes", "went", "going", "come",
    "came", "comes", "arrive", "arrived", "arrives", "return", "returned", "returns",
    "head", "headed", "heads", "heading", "moved", "deployed", "deployment", "welcomed",
    "welcomes", "welcome", "hosted", "hosts",
    "troops", "withdrawal", "withdrew", "withdraw", "pulled", "evacuated", "fled",
    "expelled", "deported", "march", "marched", "convoy", "due",
})  # fmt: skip
_OTHER_EVENTS = frozenset({
    "attack", "attacks", "bombing", "bombings", "blast", "blasts", "explosion", "shooting",
    "killing", "killings", "massacre", "raid", "raids", "floods", "flood", "earthquake",
    "war", "fighting", "violence", "clashes", "protests", "riots", "election", "elections",
    "crisis", "strike", "strikes", "offensive", "siege",
})  # fmt: skip
_EVENT_NOUNS = frozenset({
    "dialogue", "talks", "summit", "conference", "meeting", "meetings", "negotiations",
    "consultations", "forum", "round", "visit",
})  # fmt: skip
_GENERIC = frozenset({
    "a", "an", "the", "its", "their", "his", "her", "our", "next", "last", "this", "that",
    "first", "second", "third", "new", "further", "more", "separate", "such", "bilateral",
    "two", "same", "another", "upcoming", "planned", "recent",
})  # fmt: skip
_DETERMINERS = frozenset({"the", "a", "an"})
_DESCRIPTORS = frozenset({
    "city", "town", "village", "capital", "province", "region", "district", "county",
    "port", "state", "suburb", "suburbs", "outskirts", "area", "neighbourhood", "island",
})  # fmt: skip
_FACILITIES = frozenset({
    "mosque", "church", "temple", "synagogue", "shrine", "school", "university", "college",
    "hospital", "market", "bazaar", "hotel", "airport", "base", "camp", "compound",
    "headquarters", "office", "offices", "embassy", "consulate", "station", "square",
    "stadium", "prison", "jail", "court", "parliament", "palace", "residence", "building",
    "checkpoint", "border", "area", "district", "suburb", "suburbs", "outskirts", "region",
    "city", "port", "harbour", "harbor", "bridge", "road", "highway", "airbase", "garrison",
    "cantonment", "village", "neighbourhood", "neighborhood", "park", "centre", "center",
})  # fmt: skip
_NOT_AFTER = frozenset({
    "government", "governments", "regime", "administration", "authorities", "officials",
    "agreement", "accord", "accords", "convention", "conventions", "protocol", "process",
    "format", "consensus", "post", "times", "declaration", "summit", "think", "tank",
    "establishment",
})  # fmt: skip
_FUNCTION = frozenset({
    "on", "in", "at", "for", "with", "from", "to", "by", "of", "next", "last", "this",
    "that", "today", "yesterday", "tomorrow", "tonight", "and", "or", "but", "where",
    "when", "which", "who", "as", "after", "before", "during", "since", "until", "earlier",
    "later", "recently", "early", "late", "over", "under", "about", "while", "is", "was",
    "were", "are", "will", "would", "has", "had", "have", "said", "says", "amid",
    "following", "ahead", "again", "too", "also", "soon", "now", "then", "here", "there",
    "these", "those",
})  # fmt: skip
_NOT_PLACES = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "i", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec",
})  # fmt: skip
# Capitalised institutions that GeoNames also knows as small towns (Congress, Arizona;
# Union, New Jersey): standing alone after "in/at" they are the institution.
_INSTITUTIONS = frozenset({
    "congress", "union", "senate", "parliament", "assembly", "council", "commission",
    "cabinet", "court", "legislature", "house", "chamber", "presidency", "treasury",
    "ministry", "embassy", "capitol",
})  # fmt: skip
_CONNECTORS = frozenset({",", "and", "or", "&"})
STORY_LEAD = 3  # sentences (headline first) whose place alone sets the story

_RELATIVE_REACH = 5  # words from a trigger to a relative pronoun still about it
BACKGROUND_DAYS = 31  # an event this long before publication is background
_CLAUSE_BREAK_RE = re.compile(
    r";|…|\.\.\.|\s[—–]\s|[“”\"]|,\s+(?:and|but|while|whereas|so|or|yet)\s"
    r"|\b(?:and|but|so)\s+(?:we|I|he|she|they|it)\b|\b(?:that|whether|who|which|whose)\b"
    # a condition ("unless the rebels leave Kidal, we ...") and the act an
    # accusation or a reason names ("accused Moscow of bombing targets in Ukraine")
    r"|\b(?:if|unless)\b|\bof\s+(?=[a-z]+ing\b)"
    # a subordinate clause with its own verb: "... after the first round was held in X"
    r"|\b(?:after|before|when|while|since|until|because|although|though)\b"
    r"(?=(?:\s+[\w'’-]+){1,5}?\s+(?:was|were|is|are|had|has|have|will|would|did)\b)"
)
# a fronted condition ends at its comma: "If Russia moves into Georgia, we will act"
_CONDITION_RE = re.compile(r"\b(?:[Ii]f|[Uu]nless)\b[^,;]*,")
_RELATIVE_RE = re.compile(r",\s*(?:who|which|whose|whom|where)\b[^,;]*")
_HERE_RE = re.compile(r"\bhere\b(?!\s+(?:is|are|was|were|comes?|'s|’s)\b)", re.IGNORECASE)
# Talks held at a distance have no one place: only a place the sentence names counts.
_REMOTE_RE = re.compile(
    r"\b(?:by\s+(?:tele)?phone|over\s+the\s+(?:tele)?phone|(?:tele)?phone\s+(?:call|conversation|talks?)"
    r"|video\s*(?:call|link|conference)|videoconference|virtual(?:ly)?\s+(?:meeting|summit|talks))",
    re.IGNORECASE,
)
_HOST_RE = re.compile(r"\b(?:co-?)?host(?:s|ed|ing)?\b", re.IGNORECASE)
_PRESS_RE = re.compile(
    r"\b(?:press|news|media) (?:briefing|conference|talk)s?\b|\bbriefing\b|\binterview\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


@dataclass(frozen=True, slots=True)
class _Found:
    """One place named in a locative phrase (offsets local to the sentence)."""

    name: str  # the words that name it, without a possessive 's
    start: int
    end: int
    prep: str
    landmark: bool = False
    possessive: bool = False
    owner: tuple[int, int] | None = None  # an event noun the phrase belongs to


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.group(0), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


@lru_cache(maxsize=4096)
def _locatives(text: str, gazetteer: Gazetteer) -> tuple[tuple[_Found, ...], ...]:
    """`_Reader.locatives` of one sentence, read once: locating each mention of an
    article reads the same sentences again."""
    return tuple(tuple(phrase) for phrase in _Reader(text, gazetteer).locatives())


def _possessive(text: str) -> str | None:
    for suffix in ("'s", "’s"):
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return None


class _Reader:
    """Finds locative phrases in one sentence against one gazetteer."""

    def __init__(self, text: str, gazetteer: Gazetteer) -> None:
        self.text = text
        self.gaz = gazetteer
        self.toks = _tokens(text)

    def locatives(self) -> list[list[_Found]]:
        """Each locative phrase as the list of places it names ("to A and B" → two)."""
        out: list[list[_Found]] = []
        for i, tok in enumerate(self.toks):
            low = tok.lower
            if low in _VISIT_VERBS:
                prep = "visit"
            elif low in _STRIKE_VERBS or (
                low == "on" and i > 0 and self.toks[i - 1].lower in _ATTACK_NOUNS
            ):
                prep = "object"
            elif low in _LOCATIVE or low in _DIRECTIONAL:
                if low in _DIRECTIONAL and not self._after_motion(i):
                    continue
                prep = low
            else:
                continue
            found = self._run(self._skip_descriptor(i + 1), prep)
            if not found and prep != "object":
                found = self._adjective_capital(i + 1, prep)
            if found and i > 0 and self.toks[i - 1].lower in _OTHER_EVENTS:
                owner = (self.toks[i - 1].start, self.toks[i - 1].end)
                found = [dataclasses.replace(f, owner=owner) for f in found]
            if found:
                out.append(found)
        return out

    def _adjective_capital(self, j: int, prep: str) -> list[_Found]:
        """ "in the German capital": the capital of the country the adjective names."""
        toks = self.toks
        if j + 2 >= len(toks) or toks[j].lower != "the" or toks[j + 2].lower != "capital":
            return []
        country = self.gaz.country_of_adjective(toks[j + 1].text)
        capital = self.gaz.capital(country) if country else None
        if capital is None:
            return []
        # like a landmark, it stands for a city even where "German" is coded as an actor
        return [_Found(capital.name, toks[j + 1].start, toks[j + 2].end, prep, landmark=True)]

    def _after_motion(self, i: int) -> bool:
        """A word of travel shortly before, or a host's welcome further back ("welcomed
        the visiting Chancellor of Germany to the Elysee Palace")."""
        return any(t.lower in _MOTION for t in self.toks[max(0, i - 6) : i]) or (
            self.toks[i].lower == "to"
            and any(t.lower in _WELCOME for t in self.toks[max(0, i - _WELCOME_REACH) : i])
        )

    def _skip_descriptor(self, j: int) -> int:
        """Past "the northwestern city of" / "the Pakistani capital" / "southern"."""
        while j < len(self.toks) and self.toks[j].text in _DIRECTIONS:
            j += 1
        if j < len(self.toks) and self.toks[j].lower in _DETERMINERS:
            for k in range(j + 1, min(j + 5, len(self.toks))):
                if self.toks[k].text in _DESCRIPTORS:
                    k += 1
                    while k < len(self.toks) and self.toks[k].lower in {"of", ","}:
                        k += 1
                    if k < len(self.toks) and self.toks[k].capitalised:
                        return k
                    break
        return j

    def _run(self, j: int, prep: str) -> list[_Found]:
        determiner = j < len(self.toks) and self.toks[j].lower in _DETERMINERS
        if determiner:
            j += 1
        first = self._match(j, prep)
        if first is None or not self._stands_alone(first[0], first[1], determiner):
            return []
        found, nxt = first
        places = [found]
        while nxt < len(self.toks) and self.toks[nxt].lower in _CONNECTORS:
            k = nxt
            while k < len(self.toks) and (
                self.toks[k].lower in _CONNECTORS or self.toks[k].lower in _DETERMINERS
            ):
                k += 1
            more = self._match(k, prep)
            if more is None or not self._stands_alone(more[0], more[1], False):
                break
            places.append(more[0])
            nxt = more[1]
        return places

    def _match(self, j: int, prep: str) -> tuple[_Found, int] | None:
        """The longest gazetteer name starting at token j, possibly qualified
        ("Paris, Texas"); returns it and the index of the token after it."""
        toks = self.toks
        if j >= len(toks) or not toks[j].capitalised or toks[j].lower in _NOT_PLACES:
            return None
        for n in range(min(6, len(toks) - j), 0, -1):
            last = toks[j + n - 1]
            if not last.capitalised and not _possessive(last.text):
                continue
            stem = _possessive(last.text)
            end = last.end - (len(last.text) - len(stem)) if stem else last.end
            if "." in last.text and self.text[end : end + 1] == ".":
                end += 1  # "D.C." keeps its last dot
            name = self.text[toks[j].start : end]
            if any(t.text in {"(", ")", "“", "”", '"', ";"} for t in toks[j : j + n]):
                continue
            if not self.gaz.knows(name) or (n == 1 and toks[j].lower in _INSTITUTIONS):
                continue
            landmark = self.gaz.landmark(name) is not None
            nxt = j + n
            if stem is None:
                qualified = self._qualifier(toks[j].start, nxt)
                if qualified:
                    name, end, nxt = qualified
            if stem is not None:
                inner = self._possessed_place(j + n, prep)
                if inner:
                    return inner
            found = _Found(name, toks[j].start, end, prep, landmark, stem is not None)
            return found, (nxt if stem is None else len(toks))  # a possessive ends the run
        return None

    def _possessed_place(self, k: int, prep: str) -> tuple[_Found, int] | None:
        """ "Georgia's capital Tbilisi": the place after a possessive and a descriptor."""
        toks = self.toks
        if k < len(toks) and toks[k].text in _DESCRIPTORS:
            k += 1
            if k < len(toks) and toks[k].text == ",":
                k += 1
            return self._match(k, prep)
        inner = self._match(k, prep) if k < len(toks) and toks[k].capitalised else None
        if inner is not None:  # "Kenya's Lamu county", "Pakistan's Punjab province"
            after = inner[1]
            if after < len(toks) and toks[after].text in _DESCRIPTORS:
                return inner
        return None

    def _qualifier(self, start: int, k: int) -> tuple[str, int, int] | None:
        """ "Paris, Texas": a comma and the state or country the place lies in."""
        toks = self.toks
        if k + 1 >= len(toks) or toks[k].text != "," or not toks[k + 1].capitalised:
            return None
        for n in range(min(3, len(toks) - k - 1), 0, -1):
            end = toks[k + n].end
            whole = self.text[start:end]
            ends = k + n + 1 >= len(toks) or not toks[k + n + 1].capitalised
            if ends and self.gaz.is_qualified(whole):
                return whole, end, k + n + 1
        return None

    def _stands_alone(self, found: _Found, nxt: int, determiner: bool) -> bool:
        """False when the name modifies something else: "Washington Post", "Geneva
        conventions", "Moscow-backed", "a Washington think tank"."""
        if found.possessive or nxt >= len(self.toks):
            return True
        if self.text[found.end : found.end + 1] in {"-", "'", "’"}:
            return False
        after = self.toks[nxt]
        if after.capitalised and after.lower not in _NOT_PLACES:
            return False
        if after.lower in _NOT_AFTER:
            return False
        return not (
            determiner
            and after.text[:1].isalpha()
            and after.lower not in _FACILITIES
            and after.lower not in _FUNCTION
        )


def _clause(text: str, pos: int) -> tuple[int, int]:
    """An id for the clause holding offset ``pos``: the number of clause breaks before
    it, and the relative clause (", who ...,") it lies in, if any."""
    break_starts, condition_ends, relatives = _clause_marks(text)
    breaks = sum(1 for start in break_starts if start < pos)
    breaks += sum(1 for end in condition_ends if end <= pos)
    relative = -1
    for n, (start, end) in enumerate(relatives):
        if start <= pos < end:
            relative = n
    return breaks, relative


@lru_cache(maxsize=4096)
def _clause_marks(
    text: str,
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[tuple[int, int], ...]]:
    """Where a sentence's clause breaks start, its conditions end and its relative
    clauses lie; `_clause` asks for them once per place and mention."""
    return (
        tuple(m.start() for m in _CLAUSE_BREAK_RE.finditer(text)),
        tuple(m.end() for m in _CONDITION_RE.finditer(text)),
        tuple(m.span() for m in _RELATIVE_RE.finditer(text)),
    )


def _weights(mention: EventMention, actors: Sequence[ActorMention]) -> dict[str, float]:
    """Country preferences: the mention's actors and its sentence's actors weigh 2, the
    rest of the article's actors 1."""
    weights: dict[str, float] = {}
    for actor in actors:
        if actor.country:
            weights.setdefault(actor.country, 1.0)
            if actor.sentence_index == mention.sentence_index:
                weights[actor.country] = 2.0
    for party in (mention.source, mention.target):
        if party and party.country:
            weights[party.country] = 2.0
    return weights


def _place_of(
    found: _Found, gazetteer: Gazetteer, weights: Mapping[str, float], how: str
) -> Location | None:
    return gazetteer.resolve(found.name, weights, how=how)


def _is_place(found: _Found, offset: int, actors: Sequence[ActorMention]) -> bool:
    """False when the words are part of a longer actor's name ("to Lincoln Chafee").
    Capitals coded as actors stay places here: "to"/"from" already need a word of
    travel, so "a letter to Washington" is not located while "a trip to Moscow" is."""
    start, end = found.start + offset, found.end + offset
    return found.landmark or not any(
        actor.start < end and start < actor.end and name_key(actor.text) != name_key(found.name)
        for actor in actors
    )


def _sentence_of(mention: EventMention, sentences: Sequence[Sentence]) -> Sentence:
    for sentence in sentences:
        if sentence.index == mention.sentence_index:
            return sentence
    return Sentence(mention.sentence_index, mention.start_char, mention.end_char, mention.sentence)


def _in_sentence(
    mention: EventMention,
    sentence: Sentence,
    actors: Sequence[ActorMention],
    gazetteer: Gazetteer,
    weights: Mapping[str, float],
    there: tuple[int, Location] | None = None,
) -> Location | None:
    """The place named in the trigger's own clause, nearest the trigger; "there" counts
    as the place it points to (``_there``)."""
    text = sentence.text
    trigger = max(0, mention.trigger_start - sentence.start)
    clause = _clause(text, trigger)
    best: tuple[int, Location] | None = None
    if there is not None and _clause(text, there[0]) == clause:
        best = (abs(there[0] - trigger), there[1])
    for phrase in _locatives(text, gazetteer):
        phrase = tuple(f for f in phrase if _is_place(f, sentence.start, actors))
        if not phrase:
            continue
        if _clause(text, phrase[0].start) != clause and not _describes_trigger(
            text, trigger, phrase[0].start
        ):
            continue
        if mention.status in ("occurred", "ongoing") and _FUTURE_RE.search(
            text, trigger, max(trigger, phrase[0].start)
        ):
            continue  # "agreed to cut tariffs and to meet again in Warsaw": a later event's
        owner = phrase[0].owner
        if owner and owner[0] > trigger:
            continue  # "condolences on the bombing in Peshawar": the bombing's place
        how = "visit" if phrase[0].prep in _DIRECTIONAL | {"visit"} else "sentence"
        if phrase[0].prep == "from":
            how = "sentence"
        chosen = _pick(phrase, mention, gazetteer, weights, how)
        if chosen is None:
            continue
        distance = min(abs(phrase[0].start - trigger), abs(phrase[-1].end - trigger))
        if best is None or distance < best[0]:
            best = (distance, chosen)
    return best[1] if best else None


# Words after which a clause speaks of what is still to come.
_FUTURE_RE = re.compile(r"\b(?:will|would|shall|and\s+to|again)\b|['’]ll\b", re.IGNORECASE)
_EVENT_REFERENCE_RE = re.compile(
    r"\b(?:during|at|after|following)\s+(?:the\s+(?:end|conclusion|close)\s+of\s+)?the\s+"
    r"(?:meeting|talks|visit|summit|conference|"
    r"negotiations|session)\b",
    re.IGNORECASE,
)
_RELATIVE_OPEN_RE = re.compile(r"\b(?:that|which|where)\b")


_SAYING = frozenset({
    "said", "says", "demands", "insists", "urges", "warns", "argues", "claims", "asks",
    "accuses", "denies", "agrees", "announces", "states",
})  # fmt: skip


def _saying_verb(word: str) -> bool:
    """A verb whose "that" opens what is said or asked, not a relative clause."""
    low = word.lower()
    return low.endswith("ed") or low in _SAYING


def _describes_trigger(text: str, trigger: int, start: int) -> bool:
    """A relative clause opening right after the trigger describes the trigger's event:
    "talks between the two countries that were due to open in Athens next week"."""
    if start <= trigger:
        return False
    between = text[trigger:start]
    opener = _RELATIVE_OPEN_RE.search(between)
    if opener is not None and opener.group(0) == "that":
        words = between[: opener.start()].split()
        if len(words) == 1 and _saying_verb(words[0]):
            return False  # "demanded that India withdraw from X": what is demanded
    return (
        opener is not None
        and len(between[: opener.start()].split()) <= _RELATIVE_REACH
        and not re.search(r"[,;:()—–\"“”]", between)
        and _RELATIVE_OPEN_RE.search(between, opener.end()) is None
    )


def _pick(
    phrase: Sequence[_Found],
    mention: EventMention,
    gazetteer: Gazetteer,
    weights: Mapping[str, float],
    how: str,
) -> Location | None:
    """One place of a list ("to Bangladesh and Pakistan"): the one in the target's
    country, else the source's, else the first."""
    places = [p for p in (_place_of(f, gazetteer, weights, how) for f in phrase) if p]
    for actor in (mention.target, mention.source):
        for place in places:
            if actor and actor.country and place.country == actor.country:
                return place
    return places[0] if places else None


def _main_clause_place(
    sentence: Sentence, gazetteer: Gazetteer, weights: Mapping[str, float]
) -> Location | None:
    """The first "in/at" or visited place of a sentence's main clause (before any "that",
    "who" …): "An IMF mission had visited Islamabad. ... at the conclusion of the visit
    reached an agreement" was reached in Islamabad."""
    for phrase in _locatives(sentence.text, gazetteer):
        own = phrase[0].prep in _LOCATIVE or phrase[0].prep == "visit"
        if own and _clause(sentence.text, phrase[0].start) == (0, -1):
            return _place_of(phrase[0], gazetteer, weights, "context")
    return None


def _setting(
    article: Article,
    sentences: Sequence[Sentence],
    gazetteer: Gazetteer,
    weights: Mapping[str, float],
) -> Location | None:
    """Where the article is written from: its dateline; else the place of a briefing,
    news conference or interview it reports; else, when it says "here", the city of the
    first government landmark it names."""
    if article.dateline:
        place = gazetteer.resolve(article.dateline, weights, how="dateline")
        if place:
            return place
    for sentence in sentences:
        for press in _PRESS_RE.finditer(sentence.text):
            for phrase in _locatives(sentence.text, gazetteer):
                near = 0 <= phrase[0].start - press.end() <= 60
                if near and phrase[0].prep in _LOCATIVE:
                    located = _place_of(phrase[0], gazetteer, weights, "context")
                    if located:
                        return located
    if _HERE_RE.search(article.text):
        found = gazetteer.first_landmark(article.text)
        if found:
            return dataclasses.replace(found[0], how="context")
    return None


def _previous(
    sentence: Sentence, sentences: Sequence[Sentence], article: Article
) -> Sentence | None:
    """The sentence before, when it is in the same paragraph."""
    for candidate in sentences:
        if candidate.index == sentence.index - 1:
            visible_end = candidate.start + len(candidate.text.rstrip())
            between = article.text[visible_end : sentence.start]
            return None if "\n" in between else candidate
    return None


def locate(
    mention: EventMention,
    article: Article,
    sentences: Sequence[Sentence],
    actors: Sequence[ActorMention],
    gazetteer: Gazetteer,
) -> EventMention:
    """The mention with ``location`` set to where its event happened, or unchanged when
    nothing says where. ``Location.how`` tells which rule gave it (see module doc)."""
    sentence = _sentence_of(mention, sentences)
    weights = _weights(mention, actors)
    there = _there(sentence, sentences, gazetteer, weights)
    located = _in_sentence(mention, sentence, actors, gazetteer, weights, there)
    if located is None:
        located = _own_border(mention, sentence, gazetteer) or _named_after_city(
            mention, sentence, gazetteer, weights
        )
    if located is not None and located.feature == "admin1":
        located = _finer(mention, located, article, sentences, gazetteer, weights) or located
    if located is None and not _REMOTE_RE.search(sentence.text):
        located = _from_context(mention, sentence, article, sentences, gazetteer, weights)
    return dataclasses.replace(mention, location=located) if located else mention


# "there" as a place: not "there is/are ...", "there's"
_THERE_RE = re.compile(
    r"\bthere\b(?!\s+(?:is|are|was|were|will|would|has|have|had|may|might|could|can|must|"
    r"should|seems?|appears?|remains?|exists?|being|been)\b)(?!['’]s)",
    re.IGNORECASE,
)
_THERE_REACH = 3  # sentences back that "there" may point to
_REFINE_LEAD = 5  # sentences (headline, dateline line and lede included)
_YEAR_RE = re.compile(r"\b((?:19|20)\d\d)\b")
_OWN_BORDER_RE = re.compile(
    r"\b(?:to|along)\s+(?:its|their)\s+(?!shared\b|common\b)(?:[a-z-]+\s+){0,2}borders?\b"
)


def _there(
    sentence: Sentence,
    sentences: Sequence[Sentence],
    gazetteer: Gazetteer,
    weights: Mapping[str, float],
) -> tuple[int, Location] | None:
    """Where "there" in a sentence points: the last place a locative phrase of the
    ``_THERE_REACH`` sentences before it names ("the vessel will remain at Sabina Shoal
    ... China rammed a Philippine vessel there"), with the offset of "there"."""
    found = _THERE_RE.search(sentence.text)
    if found is None or found.start() == 0:
        return None
    position = next((n for n, s in enumerate(sentences) if s.index == sentence.index), None)
    if position is None:
        return None
    for earlier in reversed(sentences[max(0, position - _THERE_REACH) : position]):
        for phrase in reversed(_locatives(earlier.text, gazetteer)):
            if phrase[0].prep in _LOCATIVE:
                place = _place_of(phrase[0], gazetteer, weights, "sentence")
                if place is not None:
                    return found.start(), dataclasses.replace(place, text=found.group(0))
    return None


# talks named after the city they are held in: "the Geneva talks", "the Astana process"
_CITY_TALKS_RE = re.compile(
    r"\b((?:[A-Z][\w'’.-]+\s+){1,2}?)(?:peace\s+)?(?:talks|negotiations|summit|conference|"
    r"dialogue|process|meeting|meetings)\b"
)


def _named_after_city(
    mention: EventMention, sentence: Sentence, gazetteer: Gazetteer, weights: Mapping[str, float]
) -> Location | None:
    """A meeting whose clause first names its talks after a city ("the latest round of
    Geneva talks ... was limited to meetings with the envoy") was held there. Only a
    city: the "Ukraine talks" are about Ukraine, not held in it. Not the trigger's own
    words: "supporting the Geneva conference" may be said of a conference elsewhere."""
    if mention.plover != "CONSULT":
        return None
    text = sentence.text
    trigger = max(0, mention.trigger_start - sentence.start)
    clause = _clause(text, trigger)
    for found in _CITY_TALKS_RE.finditer(text):
        if found.end() > trigger or _clause(text, found.start()) != clause:
            continue  # the talks named first, then what happened at them
        place = gazetteer.resolve(found.group(1).strip(), weights, how="sentence")
        if place is not None and place.feature == "city":
            return dataclasses.replace(place, text=found.group(0))
    return None


def _own_border(mention: EventMention, sentence: Sentence, gazetteer: Gazetteer) -> Location | None:
    """ "deployed troops to its border with China": the source's own country."""
    if mention.source is None or not mention.source.country:
        return None
    text = sentence.text
    trigger = max(0, mention.trigger_start - sentence.start)
    for found in _OWN_BORDER_RE.finditer(text):
        if found.start() >= trigger and _clause(text, found.start()) == _clause(text, trigger):
            country = gazetteer.country(mention.source.country)
            if country is not None:
                return dataclasses.replace(country, how="sentence", text=found.group(0))
    return None


def _finer(
    mention: EventMention,
    area: Location,
    article: Article,
    sentences: Sequence[Sentence],
    gazetteer: Gazetteer,
    weights: Mapping[str, float],
) -> Location | None:
    """The one finer place the story names inside a first-level area its clause gives,
    for an event done on the ground: "ambushed a convoy in the state of Borno" told as
    "the ambush in the forest near Gudumbali" happened at Gudumbali; "rammed in the South
    China Sea" of a story about Sabina Shoal, at the shoal. Outside the US the gazetteer
    does not know which subdivision a city lies in, so any city of the area's country
    the story names counts: one named twice or in the first ``_REFINE_LEAD`` sentences;
    with two or more candidates nothing is refined. Sentences about earlier years are
    background ("the county has suffered attacks since 2014, when dozens were killed in
    the town of X") and do not count."""
    if not _on_the_ground(mention) or mention.status in ("planned", "hypothetical"):
        return None
    texts = tuple(s.text for s in sentences)
    named = _named_places(texts, gazetteer)
    finer: dict[tuple[str | None, str], Location] = {}
    for n, name in named:
        if n >= _REFINE_LEAD and sum(1 for _, other in named if other == name) < 2:
            continue
        if article.published and any(
            int(year) < article.published.year for year in _YEAR_RE.findall(texts[n])
        ):
            continue
        place = gazetteer.resolve(name, weights, how=area.how)
        if place is None:
            continue
        inside = gazetteer.lies_within(place, area) or (
            place.feature == "city"
            and area.country not in (None, "USA")
            and place.country == area.country
        )
        if inside:
            finer.setdefault((place.country, place.name), place)
    return next(iter(finer.values())) if len(finer) == 1 else None


def _from_context(
    mention: EventMention,
    sentence: Sentence,
    article: Article,
    sentences: Sequence[Sentence],
    gazetteer: Gazetteer,
    weights: Mapping[str, float],
) -> Location | None:
    text = sentence.text
    clause = _clause(text, max(0, mention.trigger_start - sentence.start))
    here = [m for m in _HERE_RE.finditer(text) if _clause(text, m.start()) == clause]
    if here:
        setting = _setting(article, sentences, gazetteer, weights)
        if setting:
            return dataclasses.replace(setting, how="here", text=here[0].group(0))
    named = _named_event(mention, sentence, sentences, gazetteer, weights)
    if named:
        return named
    seat = _seat(mention, sentence, gazetteer)
    if seat:
        return seat
    host = next((m for m in _HOST_RE.finditer(text) if _clause(text, m.start()) == clause), None)
    if host and mention.source and mention.source.country:
        capital = gazetteer.capital(mention.source.country)
        if capital:
            return dataclasses.replace(capital, how="host", text=host.group(0))
    previous = _previous(sentence, sentences, article)
    if previous is None and _EVENT_REFERENCE_RE.search(text):
        # "during the meeting" points back to the meeting named before, even across a
        # paragraph break
        previous = next((s for s in sentences if s.index == sentence.index - 1), None)
    if previous:
        carried = _main_clause_place(previous, gazetteer, weights)
        if carried:
            return carried
    if _placed_by(mention) == "clause":
        return None
    court = _court(mention, sentence, sentences, gazetteer, weights)
    if court is not None:
        return court
    story = _story_place(mention, sentences, gazetteer, weights)
    if story is not None:
        return story
    setting = _setting(article, sentences, gazetteer, weights)
    if (
        setting
        and _happens_at_setting(mention, article, setting)
        and not _written(mention, sentence, sentences, article)
    ):
        return setting
    return _home_country(mention, gazetteer)


# words saying a statement was written or posted, not spoken somewhere
_WRITTEN_RE = re.compile(
    r"\bin\s+an?\s+(?:written\s+|joint\s+|separate\s+|brief\s+)?(?:statement|letter|post)\b"
    r"|\btweet(?:ed|s)?\b|\bposted\b|\bon\s+(?:X|Twitter|Facebook|Telegram|social\s+media)\b",
)
_PRONOUN_START_RE = re.compile(r"^(?:He|She|They|It)\b")


def _written(
    mention: EventMention, sentence: Sentence, sentences: Sequence[Sentence], article: Article
) -> bool:
    """A statement, letter or post by words of its own sentence, or of the sentence before
    when this one goes on with a pronoun ("Liu said in a statement ... He called on
    Manila to withdraw"): it has no place, not even the dateline's."""
    if _on_the_ground(mention):
        return False
    if _WRITTEN_RE.search(sentence.text):
        return True
    previous = _previous(sentence, sentences, article)
    return bool(
        previous and _PRONOUN_START_RE.match(sentence.text) and _WRITTEN_RE.search(previous.text)
    )


# the organs of an international organisation that meet at its seat
_ORGAN_RE = re.compile(
    r"\b(?:executive\s+board|board\s+of\s+(?:directors|governors)|board|Security\s+Council|"
    r"General\s+Assembly|governing\s+(?:body|council)|council\s+of\s+ministers)\b",
    re.IGNORECASE,
)


def _seat(mention: EventMention, sentence: Sentence, gazetteer: Gazetteer) -> Location | None:
    """A decision of an international organisation's organ that no clause places ("the
    IMF's executive board approved a loan") was taken at the organisation's seat
    (``seats`` in features.yaml)."""
    source = mention.source
    if (
        source is None
        or source.country != "IGO"
        or not source.sector
        or mention.status not in ("occurred", "ongoing")
        or not _ORGAN_RE.search(sentence.text)
    ):
        return None
    seat = gazetteer.seat(source.sector)
    return dataclasses.replace(seat, how="seat", text=source.text) if seat else None


_COURT_NAME_RE = re.compile(
    r"\b(?:[Aa]n?|[Tt]he|by)\s+((?:[A-Z][\w'’-]+\s+){1,3}?)(?:(?:district|city|regional|"
    r"military|high|supreme|appeals?|criminal|provincial|federal)\s+)*[Cc]ourt\b"
)
_TRIAL_RE = re.compile(
    r"\b(?:court|courts|courtroom|trial|trials|tribunal|verdict)\b", re.IGNORECASE
)


def _court(
    mention: EventMention,
    sentence: Sentence,
    sentences: Sequence[Sentence],
    gazetteer: Gazetteer,
    weights: Mapping[str, float],
) -> Location | None:
    """Where a court acted, for an act of the judiciary done on the ground (a sentence,
    an arrest) that no clause places: the city of "a Moscow court"; else a place the
    story gives a trial or court ("standing trial in Minsk"); else the capital of the
    court's country (how "capital")."""
    source = mention.source
    if source is None or source.sector != "JUD" or not source.country or source.country == "IGO":
        return None
    if not _on_the_ground(mention):
        return None  # prosecutors' accusations and a court's words are said, not done
    for found in _COURT_NAME_RE.finditer(sentence.text):
        name = found.group(1).strip()
        if name[:1].isupper():
            place = gazetteer.resolve(name, weights, how="sentence")
            if place is not None and place.feature == "city" and place.country == source.country:
                return dataclasses.replace(place, text=found.group(0))
    for other in sentences:
        for word in _TRIAL_RE.finditer(other.text):
            for phrase in _locatives(other.text, gazetteer):
                near = 0 <= phrase[0].start - word.end() <= 40
                if near and phrase[0].prep in _LOCATIVE:
                    place = _place_of(phrase[0], gazetteer, weights, "context")
                    if place is not None and place.country == source.country:
                        return place
    capital = gazetteer.capital(source.country)
    return dataclasses.replace(capital, how="capital") if capital else None


def _home_country(mention: EventMention, gazetteer: Gazetteer) -> Location | None:
    """The country of a domestic event done on the ground that nothing places more
    finely: "the opposition's protests against the president", both sides of one
    country, happened (or, planned, will happen) in that country (how "country"). One
    side alone does not tell where: "protesters rallied" may be abroad."""
    if not _on_the_ground(mention) or mention.status == "hypothetical":
        return None
    if mention.source is None or mention.target is None:
        return None
    countries = {mention.source.country, mention.target.country}
    if len(countries) != 1 or None in countries or "IGO" in countries:
        return None
    place = gazetteer.country(countries.pop() or "")
    return dataclasses.replace(place, how="country") if place else None


# a clause about what is still to come: its places are not where the story is set
_PLAN_RE = re.compile(
    r"\b(?:will|would|shall|set\s+to|due\s+to|scheduled|expected\s+to|plans?\s+to|"
    r"planned|upcoming|next)\b|['’]ll\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=256)
def _named_places(texts: tuple[str, ...], gazetteer: Gazetteer) -> tuple[tuple[int, str], ...]:
    """(sentence number, name) of each place a locative phrase of the story names ("in
    Tahrir Square", "near Gudumbali", "visited Osaka"), leaving out phrases after a word
    of plans ("set to take place in Islamabad")."""
    return tuple(
        (n, found.name)
        for n, text in enumerate(texts)
        for phrase in _locatives(text, gazetteer)
        for found in phrase[:1]
        if (found.prep in _LOCATIVE or found.prep == "visit")
        and not _PLAN_RE.search(text, 0, found.start)
    )


def _placed_by(mention: EventMention) -> str:
    """Where a type's event no clause places may be put (``placed_by`` in plover.yaml)."""
    kind = bundled_ontology().plover.get(mention.plover)
    return kind.placed_by if kind else "source"


def _on_the_ground(mention: EventMention) -> bool:
    """Done somewhere on the ground (``on_the_ground`` in plover.yaml): a meeting, a
    demonstration, a material act."""
    kind = bundled_ontology().plover.get(mention.plover)
    return bool(kind and kind.on_the_ground)


def _story_place(
    mention: EventMention,
    sentences: Sequence[Sentence],
    gazetteer: Gazetteer,
    weights: Mapping[str, float],
) -> Location | None:
    """Where the story is set, for an event done on the ground that no clause places:
    the place the story's locative phrases name most often, counting only one named at
    least twice or in the first ``STORY_LEAD`` sentences (headline first); ties go to
    the earliest. It must lie in a country of the event's sides, or in none (a sea, a
    disputed area). Plans and hypotheses take none: where they will happen is not where
    the story is."""
    if not _on_the_ground(mention) or mention.status in ("planned", "hypothetical"):
        return None
    counts: dict[tuple[str | None, str], list[int]] = {}
    places: dict[tuple[str | None, str], Location] = {}
    for n, name in _named_places(tuple(s.text for s in sentences), gazetteer):
        place = gazetteer.resolve(name, weights, how="story")
        if place is None:
            continue
        key = (place.country, place.name)
        counts.setdefault(key, []).append(n)
        places.setdefault(key, place)
    for key, area in list(places.items()):
        # a shoal named in a story about its sea: the sea's sightings go to the shoal
        finer = [k for k, p in places.items() if k != key and gazetteer.lies_within(p, area)]
        if len(finer) == 1:
            counts[finer[0]] = sorted(counts[finer[0]] + counts.pop(key))
            del places[key]
    sides = {p.country for p in (mention.source, mention.target) if p and p.country}
    order = list(places)  # reading order breaks ties within a sentence
    ranked = sorted(
        (-len(seen), seen[0], order.index(key), key)
        for key, seen in counts.items()
        if len(seen) >= 2 or seen[0] < STORY_LEAD
    )
    for _, _, _, key in ranked:
        if key[0] is None or key[0] in sides:
            return places[key]
    return None


def _happens_at_setting(mention: EventMention, article: Article, setting: Location) -> bool:
    """Whether an event no sentence places may be put where the article is written from.

    Not a plan or a hypothesis (where it will happen is not where the reporter is), not an
    event dated more than ``BACKGROUND_DAYS`` before publication (background), and, when
    the actors are known, only an event whose source (or, for meetings and cooperation
    and for material actions such as attacks and aid, either side) belongs to the
    setting's country: a Cairo story's "the IMF urged Egypt" did not happen in Cairo, its
    "the minister praised" did."""
    if mention.status in ("planned", "hypothetical"):
        return False
    if mention.date and article.published:
        try:
            last = date.fromisoformat(mention.date_end or mention.date)
        except ValueError:
            last = None
        if last is not None and (article.published - last).days > BACKGROUND_DAYS:
            return False
    parties = [mention.source]
    if _placed_by(mention) == "either":
        parties.append(mention.target)
    countries = {p.country for p in parties if p is not None and p.country}
    if not countries or not setting.country:
        return mention.source is None or not mention.source.country
    return setting.country in countries


def _event_name(mention: EventMention, sentence: Sentence) -> str | None:
    """A specific name for the event: the trigger or the noun after it with a modifier
    ("a counterterrorism dialogue", "climate talks"), without generic words."""
    local = mention.trigger_start - sentence.start
    words = re.findall(r"[\w-]+", sentence.text[max(0, local) :])[:5]
    for n, word in enumerate(words):
        if word.lower() in _EVENT_NOUNS:
            before = sentence.text[: max(0, local)].split()[-1:] if n == 0 else words[:n]
            modifiers = [w for w in before if w.lower() not in _GENERIC and w.isalpha()]
            if modifiers:
                return f"{modifiers[-1]} {word}"
            return None
    gathering = _GATHERING_RE.search(sentence.text)
    if gathering:
        words = gathering.group(1).split()
        modifiers = [w for w in words[:-1] if w.lower() not in _GENERIC]
        if modifiers:
            return f"{modifiers[-1]} {words[-1]}"
    return None


# "during the G20 summit", "on the sidelines of the UN General Assembly": a meeting held
# at a gathering that another sentence places
_GATHERING_RE = re.compile(
    r"\b(?:during|at|on\s+the\s+(?:sidelines|margins)\s+of|in\s+the\s+margins\s+of)\s+"
    r"(?:the\s+|this\s+week['’]s\s+)?((?:[\w-]+\s+){1,3}?(?:summit|conference|forum|assembly))\b",
    re.IGNORECASE,
)


def _named_event(
    mention: EventMention,
    sentence: Sentence,
    sentences: Sequence[Sentence],
    gazetteer: Gazetteer,
    weights: Mapping[str, float],
) -> Location | None:
    """The place another sentence gives the same named event ("the counterterrorism
    dialogue, which may be held in Islamabad")."""
    name = _event_name(mention, sentence)
    if name is None:
        return None
    pattern = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
    for other in sentences:
        if other.index == sentence.index:
            continue
        for hit in pattern.finditer(other.text):
            for phrase in _locatives(other.text, gazetteer):
                after = 0 <= phrase[0].start - hit.end() <= 80
                before = (
                    0 <= hit.start() - phrase[-1].end <= 60
                )  # "in Osaka ahead of the G20 summit"
                if (after or before) and phrase[0].prep in _LOCATIVE and phrase[0].owner is None:
                    return _place_of(phrase[0], gazetteer, weights, "context")
    return None


_WEAK_HOWS = frozenset({"story", "dateline"})  # a guess from the article, not the clause
_OWN_HOWS = frozenset({"sentence", "visit"})


def _dates_meet(a: EventMention, b: EventMention) -> bool:
    """Undated, or dated to days that overlap: the dates allow one event."""
    if a.date is None or b.date is None:
        return True
    try:
        a_end, b_end = (date.fromisoformat(m.date_end or m.date or "") for m in (a, b))
        return date.fromisoformat(a.date) <= b_end and date.fromisoformat(b.date) <= a_end
    except ValueError:
        return True


def _same_event_place(mention: EventMention, others: Sequence[EventMention]) -> Location | None:
    """The place the other mentions of the same event (same type, same countries, same
    phase, dates that meet) name in their own clauses, when they agree on one: "ambushed a convoy in
    Borno" told again as "the convoy came under attack near Gudumbali"."""
    countries = {a.country for a in (mention.source, mention.target) if a and a.country}
    if not countries:
        return None
    named: dict[tuple[str | None, str], Location] = {}
    for other in others:
        loc = other.location
        if (
            loc is not None
            and loc.how in _OWN_HOWS
            and other.plover == mention.plover
            and status_phase(other.status) == status_phase(mention.status)
            and {a.country for a in (other.source, other.target) if a and a.country} == countries
            and other.sentence_index != mention.sentence_index
            and _dates_meet(other, mention)
        ):
            named.setdefault((loc.country, loc.name), loc)
    return next(iter(named.values())) if len(named) == 1 else None


def carry_places(mentions: Sequence[EventMention]) -> list[EventMention]:
    """Place a mention that has no place of its own clause where the other mentions of
    the same event are placed by their clauses (``_same_event_place``). Then place the
    unplaced parts of a dated plan: a planned mention with no place of its
    own takes the place a sentence gave the nearest earlier planned mention with the same
    dates and a country in common, preferring one with the same target country ("will
    lead a delegation to A and B from May 4-8. In B, the delegation will meet ... The
    envoy will also convey condolences" → B). ``how`` is "context". Order is kept."""
    out = list(mentions)
    for i, mention in enumerate(mentions):
        if (
            mention.status == "hypothetical"
            or _placed_by(mention) == "clause"
            or not (mention.location is None or mention.location.how in _WEAK_HOWS)
            or _REMOTE_RE.search(mention.sentence)
        ):
            continue
        same = _same_event_place(mention, mentions)
        if same is not None:
            out[i] = dataclasses.replace(mention, location=dataclasses.replace(same, how="context"))

    order = sorted(range(len(out)), key=lambda i: (out[i].sentence_index, out[i].trigger_start))
    for pos, i in enumerate(order):
        mention = out[i]
        if mention.location is not None or mention.status != "planned" or mention.date is None:
            continue
        countries = {a.country for a in (mention.source, mention.target) if a and a.country}
        target = mention.target.country if mention.target else None
        best: tuple[tuple[bool, int], Location] | None = None
        for j in order[:pos]:
            other = out[j]
            loc = other.location
            if (
                loc is None
                or loc.how not in ("sentence", "visit")
                or other.status != "planned"
                or (other.date, other.date_end) != (mention.date, mention.date_end)
                or other.sentence_index >= mention.sentence_index
            ):
                continue
            shared = {a.country for a in (other.source, other.target) if a and a.country}
            if not shared & countries:
                continue
            same_target = (
                bool(target) and other.target is not None and other.target.country == target
            )
            key = (same_target, other.sentence_index)
            if best is None or key > best[0]:
                best = (key, loc)
        if best is not None:
            out[i] = dataclasses.replace(
                mention, location=dataclasses.replace(best[1], how="context")
            )
    return out
