"""The PETRARCH-2 CAMEO verb dictionary → dyad trigger entries.

PETRARCH-2's ``CAMEO.2.0.txt`` holds synonym sets (``&NAME`` followed by ``+WORD`` lines)
and verb blocks::

    ---  ARRANGE   [---]  ---          block name and default code ("---": no event)
    PUT {PUTS PUTTING }                a verb (base form, irregular forms in braces)
    +CALL_OFF [160]                    a multi-word verb ('+' marks the verb) with its own code
    - * &CEASEFIRE    [0356]  # ARRANGE    a pattern: words before '*' come before the verb,
    - * (ON ALERT)    [152]   # PUT        words after it follow; (...) a prepositional
    - * {MOCK ATTACK} [150]   # STAGE      phrase, {...} a noun phrase whose last word is
                                           the head, &NAME a synonym set

A pattern applies to every verb of its block (the comment names the verb it was first
written for). ``[A:P]`` codes carry an active code A and a passive code P: PETRARCH codes A,
and a code with an empty active part (``[:173]``) makes the event with source and target
reversed, which a dyad trigger cannot say.

What dyad can check (see ``events._Run._frame``) decides what is converted:

* a verb's own or its block's default code → one entry per verb, no frame;
* ``* NOUN``, ``* &SET``, ``* {MOD NOUN}`` → ``object`` (lemmas of the noun or the set's
  members) and, for a two-word noun phrase, ``modifier``; a two-word synonym-set member
  (``SPECIAL_ENVOY``) gets an entry of its own with a modifier, unless its head word is
  a member too;
* ``* (PREP)`` or a bare ``* PREP`` → ``prep``; ``* PARTICLE ...`` (``SET * OUT VIEWS``)
  → ``particle``;
* ``+CALL_OFF`` → lemma ``call`` with ``particle: off``; ``+WAGE_WAR`` → lemma ``wage``
  with ``object: [war]``.

Everything else is skipped and counted by reason: words before the verb, source/target
markers (``$ + ^ %``), a noun inside a prepositional phrase (dyad checks only the
preposition), several noun phrases or prepositional phrases, longer noun phrases.

Later patterns win over earlier ones for the same verb and frame, as in PETRARCH's pattern
trie; a verb listed in two blocks belongs to the first (PETRARCH keeps the first). A
pattern that only names an object and whose code means "not the default event" (a null
code ``[---]``, a passive-only code, a public statement of root 01) becomes an ``unless``
word of the verb's default entry: PETRARCH would not code that verb+object with the
default code, so dyad must not either.

The PLOVER type of a code comes from the CAMEO→PLOVER crosswalk (the code, else its
3-digit code, else its root), except where dyad's ``plover.yaml`` types the code otherwise
(it wins: one source of truth) or the crosswalk has no row (root 02, appeals: REQUEST in
``plover.yaml``); the crosswalk's mode or context becomes the entry's ``mode`` when
``plover.yaml`` lists it for that type. Root 01 (public statements, which PLOVER leaves
out) and codes missing from ``cameo.yaml`` give no entry.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dyad.codebooks.ontology import PLOVER_TYPES, Ontology, TriggerEntry, bundled_ontology
from dyad.errors import CodebookError

__all__ = [
    "COMPOUND_PARTICLES",
    "PATTERN_PARTICLES",
    "PREPOSITIONS",
    "PRUNED",
    "convert_verbs",
    "noun_lemma",
    "noun_lemmas",
    "read_crosswalk",
]

#: Drop verbs without a frame whose code is their root's catch-all (see ``_pruned``).
PRUNE_CATCH_ALL = True

#: Entries removed after conversion, each with the reason: a ``"lemma"`` key removes that
#: verb's entry without a frame (its default code: its patterns stay), a ``"lemma:cameo"``
#: key every entry of that lemma with that CAMEO code, framed or not.
PRUNED: dict[str, str] = {
    # everyday verbs that PETRARCH codes by default; their framed entries stay
    "affect": "default 050: 'affect' is mostly consequences, not diplomatic cooperation",
    "aim": "default 030: 'aim to', 'aimed at' are purposes of anything",
    "best": "default 190: 'best' is almost always the adjective mis-tagged as a verb",
    "better": "default 060: 'better' is almost always the adjective or adverb",
    "break": "default 190: 'break a record', 'break the law', 'break ground', 'break news'",
    "call": "default 041: 'call for', 'call X a liar', 'called on' are rarely phone calls",
    "catch": "default 171: 'catch fire', 'catch up', 'caught on camera'",
    "check": "default 090: 'check' is everyday verification, not an investigation",
    "clear": "default 080: 'clear the way', 'clear debris', 'cleared for takeoff'",
    "conduct": "default 060: 'conduct tests', 'conduct a survey', 'conduct an attack'",
    "deal": "default 050: 'deal with' a problem is no cooperation",
    "decide": "default 030: deciding says nothing about cooperating with anyone",
    "determine": "default 030: 'determine' is mostly 'find out' or 'decide'",
    "die": "default 190: dying is no fight between actors: 'died in a crash', 'of illness'",
    "ensure": "default 030: 'ensure' is the purpose of any policy",
    "expand": "default 060: economies, programmes and fires expand",
    "expect": "default 030: 'expected to rise' is a forecast, not intent to cooperate",
    "face": "default 040: 'face charges', 'face pressure', 'face a crisis' are no meetings",
    "fill": "default 080: 'fill posts', 'fill the gap' are no concessions",
    "fire": "default 190: 'fired the minister', 'fire broke out'",
    "forgave": "inflected form listed as a verb: spaCy's lemma is 'forgive'",
    "forgiven": "inflected form listed as a verb: spaCy's lemma is 'forgive'",
    "give": "default 060: 'give' is the commonest light verb ('give a speech', 'give up')",
    "go": "default 040: 'go' is motion of anything ('prices went up', 'go ahead')",
    "handle": "default 060: 'handle a case', 'handle the crisis' are no cooperation",
    "head": "default 060: 'head to', 'headed by' are travel and leadership, not cooperation",
    "help": "default 070: 'helped to', 'help explain' are rarely aid",
    "hit": "default 190: storms, prices, sanctions and records 'hit'",
    "impact": "default 050: 'impact' is consequences, not diplomatic cooperation",
    "improve": "default 060: things improve without anyone cooperating",
    "increase": "default 060: prices and numbers increase",
    "issue": "default 060: 'issue a statement', 'issue a warning' are no cooperation",
    "lead": "default 060: 'lead to', 'led by' are causes and leadership, not cooperation",
    "learn": "default 040: learning is no consultation",
    "leave": "default 040: 'leave office', 'leave the country', 'left dead'",
    "manage": "default 060: 'managed to' is success at anything",
    "match": "default 190: 'match' is comparison ('match the offer'), not a fight",
    "mean": "default 030: 'mean' is meaning ('this means that')",
    "mine": "default 090: 'mine' is mining or the pronoun mis-tagged",
    "need": "default 100: 'need' is mostly need, not a demand on an actor",
    "object": "default 120: 'object' is mostly the noun mis-tagged",
    "pass": "default 080: 'pass a law', 'pass away', 'pass through' are no concessions",
    "pit": "default 190: 'pitted against' is competition",
    "provide": "default 060: 'provide' is any supply ('provides evidence', 'provide that')",
    "pull": "default 171: 'pull out', 'pull back' are retreats; 'pull' alone is no seizure",
    "rag": "default 140: mis-tagged noun",
    "ready": "default 030: 'ready' is almost always the adjective",
    "reason": "default 040: mostly the noun mis-tagged",
    "relate": "default 060: 'related to' is no cooperation",
    "ring": "default 190: bells and phones ring",
    "rule": "default 060: 'ruled out', courts ruling, 'rule' as governing",
    "seek": "default 030: 'seek to' states an aim, not intent to cooperate",
    "serve": "default 060: 'serve as', 'serve a sentence', 'serve in office'",
    "strike": "default 190: 'strike a deal', workers' strikes, storms striking",
    "table": "default 120: 'table a motion' proposes (British usage); mostly the noun",
    "take": "default 171: 'take' is the commonest light verb ('take part', 'take office')",
    "tender": "default 062: 'tender' is bids and resignations",
    "think": "default 040: thinking is no consultation",
    "touring": "inflected form listed as a verb: spaCy's lemma is 'tour'",
    "train": "default 030: training is no intent to cooperate",
    "vote": "default 030: votes are elections and bills",
    "want": "default 030: 'want to know', 'want more' are wishes, not intent to cooperate",
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that, after a multi-word verb's verb (``CALL_OFF``), are its particle or
#: preposition; dyad's ``particle`` check accepts a particle, preposition or adverb child.
COMPOUND_PARTICLES = _words(
    "about across after against along apart around aside at away back behind by down for "
    "forth forward from in into of off on onto out over through to together toward "
    "towards under up upon with"
)
#: Adverbial particles a pattern may name before its noun (``- * OUT VIEWS``).
PATTERN_PARTICLES = _words(
    "apart around aside away back behind down forth forward in off on out over through together up"
)
#: Words a pattern may use as prepositions, in parentheses or (when alone) bare.
PREPOSITIONS = COMPOUND_PARTICLES | _words(
    "amid among before below beneath beside besides between beyond despite during inside "
    "near outside past since until via within without"
)
_CONJUNCTIONS = _words("if unless whether that than as because while when")
_COPULAS = frozenset({"is", "was", "are", "am", "were", "be", "been"})
_MARKERS = frozenset("$+^%")
_CODE = re.compile(r"\[([^\]]*)\]")
_JOINED = re.compile(r"(?<![{&\w])([A-Za-z][\w'-]*_[\w'-]*[A-Za-z])(?![\w}])")
_UNDERSCORE = re.compile(r"&\w+|_")
_WORD = re.compile(r"[a-z][a-z'-]*")

#: Plurals the endings rules below get wrong (as spaCy's lemmatiser reads them).
_IRREGULAR = {
    "analyses": "analysis",
    "bases": "base",
    "children": "child",
    "crises": "crisis",
    "criteria": "criterion",
    "data": "datum",
    "diagnoses": "diagnosis",
    "feet": "foot",
    "knives": "knife",
    "lives": "life",
    "men": "man",
    "people": "people",
    "theses": "thesis",
}
#: Words ending in -s that spaCy leaves as they are (singular, or no singular).
_INVARIANT = _words(
    "news series species means headquarters politics economics physics ethics tactics "
    "logistics statistics mathematics diabetes measles alms chaos gas bus lens canvas "
    "atlas alias bias christmas overseas whereabouts outskirts surroundings"
)
#: Plurals spaCy's lemmatiser reads its own way ("taxes" → "taxis"): both lemmas are kept.
_SPACY_ALSO = {"bases": "basis", "headquarters": "headquarter", "taxes": "taxis"}
#: Words ending in -men that are no plural of -man.
_NOT_MEN = _words("abdomen acumen hymen omen regimen semen specimen stamen yemen")


def noun_lemma(word: str) -> str:
    """The singular lemma of an English noun written in the dictionary (lower case).

    spaCy gives the direct object's lemma, so "SANCTIONS" must become "sanction". A few
    endings and exceptions, not a lexicon; checked against spaCy's lemmatiser on every
    noun of CAMEO.2.0.txt when this was written.
    """
    word = word.lower()
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("men") and len(word) > 4 and word not in _NOT_MEN:
        return word[:-3] + "man"  # gunmen, servicemen, women
    if word in _INVARIANT or len(word) <= 3 or not word.endswith("s"):
        return word
    if word.endswith(("ss", "us", "is", "ous")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zzes")):
        return word[:-2]
    return word[:-1]


def noun_lemmas(word: str) -> tuple[str, ...]:
    """``noun_lemma`` and, for a few plurals, the other lemma spaCy gives them."""
    lemma = noun_lemma(word)
    also = _SPACY_ALSO.get(word.lower())
    return (lemma, also) if also else (lemma,)


# ---------------------------------------------------------------------------- crosswalk


@dataclass(frozen=True)
class Crosswalk:
    """CAMEO code → (PLOVER type, mode, contexts) from CAMEO2PLOVER; roots may be ambiguous."""

    rows: dict[str, tuple[str, str, tuple[str, ...]]]
    ambiguous: frozenset[str]

    def lookup(self, code: str) -> tuple[str, tuple[str, ...]] | None:
        """(PLOVER type, mode candidates) for the most specific listed prefix of ``code``."""
        for size in (len(code), 3, 2):
            key = code[:size]
            if len(key) < size or key in self.ambiguous:
                continue
            row = self.rows.get(key)
            if row is not None:
                plover, mode, contexts = row
                return plover, tuple(x for x in (mode, *contexts) if x)
        return None


def read_crosswalk(path: Path) -> Crosswalk:
    """Read CAMEO2PLOVER: ``CODE: TYPE, mode, context[; context] # name``."""
    rows: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    ambiguous: set[str] = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        code, _, rest = line.partition(":")
        code = code.strip()
        if not code.isdigit():
            continue
        parts = [p.strip() for p in rest.split(",")]
        plover = parts[0].upper()
        mode = parts[1].lower() if len(parts) > 1 else ""
        contexts = (
            tuple(c.strip().lower() for c in parts[2].split(";") if c.strip())
            if len(parts) > 2
            else ()
        )
        old = rows.get(code)
        if old is not None and old[0] != plover:
            ambiguous.add(code)  # "08: CONCEDE" and "08: RETREAT"
        rows[code] = (plover, mode, contexts)
    return Crosswalk(rows, frozenset(ambiguous))


# ---------------------------------------------------------------------------- dictionary


@dataclass(frozen=True)
class Form:
    """One verb of a block: the lemma dyad matches and the frame its extra words impose."""

    lemma: str
    particle: str | None = None
    object: str | None = None
    prep: str | None = None


@dataclass(frozen=True)
class Frame:
    """What a pattern (or a form's extra words) requires; ``objects`` is an OR list."""

    particle: str | None = None
    prep: str | None = None
    modifier: tuple[str, ...] = ()
    objects: tuple[str, ...] = ()


@dataclass
class Block:
    name: str
    code: str
    forms: list[tuple[Form, str | None]] = field(default_factory=list)  # (form, own code)
    patterns: list[tuple[list[Frame], str]] = field(default_factory=list)


class _Skip(Exception):
    """A pattern or verb form dyad cannot express; the message is the counted reason."""


def _strip_comment(line: str) -> str:
    return line.split("#", 1)[0].strip()


def _parse_form(text: str) -> Form:
    """``ASK`` → ask; ``+CALL_OFF`` → call + particle off; ``+WAGE_WAR`` → wage + object."""
    words = [w for w in text.lower().split("_") if w]
    if not words:
        raise _Skip("empty verb form")
    if len(words) > 1 and [i for i, w in enumerate(words) if w.startswith("+")] != [0]:
        raise _Skip("multi-word verb not led by its verb")  # WIRE_+TAP
    verb, *rest = (w.lstrip("+") for w in words)
    if verb in _COPULAS:
        raise _Skip("copula or auxiliary verb")
    if not _WORD.fullmatch(verb):
        raise _Skip("verb form with odd characters")
    if any(w in {"and", "or"} for w in rest):
        raise _Skip("coordinated verbs ('killed_and')")
    if not rest:
        return Form(verb)
    if len(rest) == 1:
        if rest[0] in COMPOUND_PARTICLES:
            return Form(verb, particle=rest[0])
        return Form(verb, object=noun_lemma(rest[0]))
    if len(rest) == 2 and rest[1] in COMPOUND_PARTICLES:
        if rest[0] in COMPOUND_PARTICLES:  # LIVE_UP_TO
            return Form(verb, particle=rest[0], prep=rest[1])
        return Form(verb, object=noun_lemma(rest[0]), prep=rest[1])  # GET_HOLD_OF
    raise _Skip("multi-word verb too long to express")


def _read_synsets(lines: Iterable[str]) -> dict[str, list[str]]:
    synsets: dict[str, list[str]] = {}
    label: str | None = None
    for raw in lines:
        line = _strip_comment(raw)
        if line.startswith("&"):
            label = line.split()[0]
            synsets.setdefault(label, [])
        elif line.startswith("+") and label is not None:
            synsets[label].append(line[1:].split()[0])
    return synsets


class _Patterns:
    """Turns the words after '*' into frames dyad can check."""

    def __init__(self, synsets: dict[str, list[str]], counts: Counter[str]) -> None:
        self.synsets = synsets
        self.counts = counts

    def members(self, label: str) -> list[list[str]]:
        """The words of each member of a synset (``PRIME_MINISTER`` → [prime, minister])."""
        if label not in self.synsets:
            raise _Skip("undefined synonym set")
        return [[w for w in m.lower().split("_") if w] for m in self.synsets[label]]

    def nouns(self, words: list[str]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """(modifiers, heads) choices for one noun or noun phrase; synsets expanded."""
        if len(words) > 2:
            raise _Skip("noun phrase with several modifiers")
        mods: tuple[str, ...] = ()
        if len(words) == 2:
            first = words[0]
            if first.startswith("&"):
                single = [m[0] for m in self.members(first) if len(m) == 1]
                self.counts["synset members dropped: phrase as modifier"] += len(
                    self.members(first)
                ) - len(single)
                mods = tuple(single)
            else:
                mods = (first.lower(),)
        head = words[-1]
        if head.lower() in PREPOSITIONS | _CONJUNCTIONS:
            raise _Skip("noun phrase headed by a function word ('{SLOGAN AGAINST}')")
        if not head.startswith("&"):
            return [(mods, (head.lower(),))]
        members = self.members(head)
        plain = [m[0] for m in members if len(m) == 1]
        heads = {noun_lemma(w) for w in plain}
        phrases: dict[str, list[str]] = defaultdict(list)
        for member in members:
            if len(member) == 1:
                continue
            if noun_lemma(member[-1]) in heads:
                # "CRUISE_MISSILE" beside "MISSILE": the one-word member matches it already
                self.counts["synset members dropped: head is a member too"] += 1
            elif len(member) == 2 and not mods:
                phrases[member[0]].append(member[1])
            else:
                self.counts["synset members dropped: phrase too long"] += 1
        out = [(mods, tuple(plain))] if plain else []
        out += [((mod,), tuple(words)) for mod, words in sorted(phrases.items())]
        return out

    def frames(self, post: str) -> list[Frame]:
        items = self._items(post)
        particle: str | None = None
        if self._bare(items) in PATTERN_PARTICLES:  # SET * OUT VIEWS
            particle = items.pop(0)[1][0].lower()
        first = self._bare(items)
        if first in PREPOSITIONS:  # "- * AGAINST" is "- * (AGAINST)"
            if len(items) > 1:
                raise _Skip("noun inside a prepositional phrase")
            items = [("prep", [first])]
        elif first in _CONJUNCTIONS:
            raise _Skip("conjunction ('- * IF')")
        nouns = [words for kind, words in items if kind == "word"]
        preps = [words for kind, words in items if kind == "prep"]
        if len(nouns) > 1:
            raise _Skip("several noun phrases")
        if len(preps) > 1:
            raise _Skip("several prepositional phrases")
        prep: str | None = None
        if preps:
            if len(preps[0]) > 1:
                raise _Skip("noun inside a prepositional phrase")
            prep = preps[0][0].lower()
            if prep not in PREPOSITIONS:
                raise _Skip("not a preposition ('(GUNFIRE)')")
        if not nouns:
            return [Frame(particle=particle, prep=prep)]
        out = []
        for mods, heads in self.nouns(nouns[0]):
            mods = tuple(sorted({x for m in mods if self._usable(m) for x in noun_lemmas(m)}))
            objects = tuple(sorted({x for h in heads if self._usable(h) for x in noun_lemmas(h)}))
            if objects and (mods or len(nouns[0]) == 1):
                out.append(Frame(particle=particle, prep=prep, modifier=mods, objects=objects))
        if not out:
            raise _Skip("no noun dyad can match (hyphenated or odd words)")
        return out

    @staticmethod
    def _bare(items: list[tuple[str, list[str]]]) -> str | None:
        """The first item when it is one bare word (lower case), else None."""
        if items and items[0][0] == "word" and len(items[0][1]) == 1:
            return items[0][1][0].lower()
        return None

    def _usable(self, word: str) -> bool:
        """A word spaCy gives as one token's lemma: hyphenated words are split by it."""
        if _WORD.fullmatch(word) and "-" not in word:
            return True
        self.counts["nouns dropped: hyphenated or odd"] += 1
        return False

    @staticmethod
    def _items(post: str) -> list[tuple[str, list[str]]]:
        """Group the tokens after '*' into ('word', [words]) and ('prep', [prep, words])."""
        items: list[tuple[str, list[str]]] = []
        # "_" joins consecutive words: a bare SPECIAL_CLAUSE is a noun phrase; synset names
        # (&TALKS_, &FIGHT_OF_WORDS) keep theirs
        post = _JOINED.sub(r"{\1}", post)
        tokens = _UNDERSCORE.sub(lambda m: m.group(0) if m.group(0) != "_" else " ", post).split()
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.startswith(("(", "{")):
                close = ")" if tok[0] == "(" else "}"
                group = [tok[1:]]
                while not group[-1].endswith(close):
                    i += 1
                    if i == len(tokens):
                        raise _Skip("unbalanced brackets")
                    group.append(tokens[i])
                group[-1] = group[-1][:-1]
                words = [w for w in group if w]
                if any(w.startswith(("(", "{")) for w in words):
                    raise _Skip("nested phrases")
                if any(set(w) & _MARKERS for w in words):
                    raise _Skip("source or target marker")
                items.append(("prep" if close == ")" else "word", words))
            else:
                if set(tok) & _MARKERS:
                    raise _Skip("source or target marker")
                items.append(("word", [tok]))
            i += 1
        for kind, words in items:
            if kind == "word" and not words:
                raise _Skip("empty noun phrase")
            if kind == "prep" and not words:
                raise _Skip("empty prepositional phrase")
        return items


def _read_blocks(text: str, counts: Counter[str]) -> list[Block]:
    lines = text.splitlines()
    start = next(
        (i for i, line in enumerate(lines) if line.startswith("####### VERB PATTERNS")),
        len(lines),
    )
    synsets = _read_synsets(lines[:start])
    counts["synonym sets"] = len(synsets)
    patterns = _Patterns(synsets, counts)
    blocks: list[Block] = []
    for raw in lines[start:]:
        if raw.startswith("---"):
            found = _CODE.search(raw)
            name = raw.strip("- \t").split()[0] if raw.strip("- \t") else ""
            blocks.append(Block(name, found.group(1).strip() if found else "---"))
            counts["blocks"] += 1
            continue
        if raw.startswith("~"):
            counts["transformations skipped"] += 1
            continue
        if not blocks:
            continue
        block = blocks[-1]
        if raw.startswith("-"):
            counts["patterns read"] += 1
            _read_pattern(raw[1:], block, patterns, counts)
            continue
        line = _strip_comment(raw)
        if not line or line.startswith("&"):
            continue
        counts["verb lines read"] += 1
        found = _CODE.search(line)
        own = found.group(1).strip() if found else None
        head = _CODE.sub(" ", line).split("{", 1)[0].split()
        if "{}" in line.replace(" ", ""):
            counts["verb forms skipped: inflected form (empty {})"] += 1
            continue
        try:
            if len(head) != 1:
                raise _Skip("verb line with several words")
            form = _parse_form(head[0])
        except _Skip as why:
            counts[f"verb forms skipped: {why}"] += 1
            continue
        block.forms.append((form, own))
    return blocks


def _read_pattern(body: str, block: Block, patterns: _Patterns, counts: Counter[str]) -> None:
    text = body.split("#", 1)[0]
    codes = list(_CODE.finditer(text))
    if not codes:
        counts["patterns skipped: no code"] += 1
        return
    code = codes[-1].group(1).strip()
    words = text[: codes[-1].start()]
    if "*" not in words:
        counts["patterns skipped: no verb marker '*'"] += 1
        return
    pre, post = words.split("*", 1)
    try:
        if pre.strip():
            raise _Skip("words before the verb")
        frames = patterns.frames(post)
    except _Skip as why:
        counts[f"patterns skipped: {why}"] += 1
        return
    block.patterns.append((frames, code))


# ---------------------------------------------------------------------------- codes


@dataclass(frozen=True)
class Coded:
    """A usable code: CAMEO code, PLOVER type, mode (or None)."""

    cameo: str
    plover: str
    mode: str | None


@dataclass(frozen=True)
class Uncoded:
    """A code dyad cannot use, why, and whether PETRARCH would code nothing dyad can say.

    ``negates``: the pattern means "not the default event" — a null code, a reversed
    (passive-only) event, or a public statement (CAMEO root 01, which PLOVER leaves out
    on purpose). Appeals (root 02), which the crosswalk merely does not list, do not
    negate: PLOVER counts them as REQUEST, close to the default codes of their verbs.
    """

    reason: str
    negates: bool


class _Codes:
    """Checks a dictionary code against cameo.yaml and the crosswalk; counts why not."""

    def __init__(self, crosswalk: Crosswalk, ontology: Ontology) -> None:
        self.crosswalk = crosswalk
        self.ontology = ontology
        self.cache: dict[str, Coded | Uncoded] = {}

    def resolve(self, raw: str) -> Coded | Uncoded:
        """The usable code, or why it is not usable."""
        if raw not in self.cache:
            self.cache[raw] = self._resolve(raw)
        return self.cache[raw]

    def _resolve(self, raw: str) -> Coded | Uncoded:
        code = raw
        if ":" in raw:
            active, _, _passive = raw.partition(":")
            if not active.strip():
                return Uncoded("passive-only code [:X] (source and target reversed)", True)
            code = active.strip()
        if code == "---":
            return Uncoded("null code ---", True)
        if not code.isdigit() or not 2 <= len(code) <= 4:
            return Uncoded("malformed code", False)
        try:
            self.ontology.require_cameo(code, "cameo.yaml", code)
        except CodebookError:
            return Uncoded("CAMEO code not in cameo.yaml", False)
        found = self.crosswalk.lookup(code)
        own = self.ontology.plover_of(code)
        if found is None and own is None:
            reason = f"no PLOVER type in the crosswalk (root {code[:2]})"
            return Uncoded(reason, code.startswith("01"))
        plover, modes = found or (own, ())
        # dyad's plover codebook departs from the crosswalk on purpose in a few places
        # (impose sanctions, 163, is SANCTION, not COERCE): one source of truth
        if own is not None and own != plover:
            plover, modes = own, ()
        if plover not in PLOVER_TYPES:
            return Uncoded("crosswalk type is not a PLOVER type", False)
        allowed = self.ontology.plover[plover].modes if plover in self.ontology.plover else ()
        mode = next((m for m in modes if m in allowed), None)
        return Coded(code, plover, mode)


# ---------------------------------------------------------------------------- entries

# (lemma, particle, prep, modifier, object word or None): one cell of PETRARCH's pattern trie
_Slot = tuple[str, str | None, str | None, tuple[str, ...], str | None]


def _combine(form: Form, frame: Frame) -> Frame:
    """The frame of ``frame`` applied to a multi-word ``form``; _Skip if they clash."""
    particle, prep, objects = frame.particle, frame.prep, frame.objects
    if form.particle:
        if particle and particle != form.particle:
            raise _Skip("two particles")
        particle = form.particle
    if form.prep:
        if prep and prep != form.prep:
            raise _Skip("two prepositions")
        prep = form.prep
    if form.object:
        if objects:
            raise _Skip("two objects")
        objects = (form.object,)
    return Frame(particle=particle, prep=prep, modifier=frame.modifier, objects=objects)


def _slots(form: Form, frame: Frame) -> Iterator[_Slot]:
    for obj in frame.objects or (None,):
        yield (form.lemma, frame.particle, frame.prep, frame.modifier, obj)


def _resolve_blocks(
    blocks: list[Block], codes: _Codes, counts: Counter[str]
) -> dict[_Slot, Coded | Uncoded]:
    """Every slot's code, later patterns winning inside a block, first block winning."""
    owner: dict[Form, str] = {}
    result: dict[_Slot, Coded | Uncoded] = {}
    native: dict[_Slot, bool] = {}
    for number, block in enumerate(blocks):
        forms: list[tuple[Form, str | None]] = []
        for form, own in block.forms:
            if form in owner:
                key = "in the same block" if owner[form] == f"{number}" else "in a later block"
                counts[f"verb forms skipped: repeated {key} (first kept)"] += 1
                continue
            owner[form] = f"{number}"
            forms.append((form, own))
        counts["verb forms"] += len(forms)
        for form, own in forms:
            local: dict[_Slot, Coded | Uncoded] = {}
            default = codes.resolve(own or block.code)
            if isinstance(default, Uncoded):
                counts[f"verb defaults without entry: {default.reason}"] += 1
            local.update(dict.fromkeys(_slots(form, _combine(form, Frame())), default))
            for frames, code in block.patterns:
                value = codes.resolve(code)
                for frame in frames:
                    try:
                        combined = _combine(form, frame)
                    except _Skip as why:
                        counts[f"pattern × verb skipped: {why}"] += 1
                        continue
                    for slot in _slots(form, combined):
                        local.pop(slot, None)  # re-insert: a later pattern wins
                        local[slot] = value
            for slot, value in local.items():
                is_native = form.particle is not None and form.particle == slot[1]
                if slot in result:
                    if is_native and not native[slot]:
                        counts["slot conflicts: multi-word verb wins"] += 1
                    else:
                        counts["slot conflicts: first block wins"] += 1
                        continue
                result[slot] = value
                native[slot] = is_native
    return result


def _entries(slots: dict[_Slot, Coded | Uncoded], counts: Counter[str]) -> list[dict[str, Any]]:
    grouped: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    bare: dict[tuple[str, str | None], tuple[Any, ...]] = {}
    unless: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    for (lemma, particle, prep, modifier, obj), value in slots.items():
        if isinstance(value, Uncoded):
            if value.negates and obj is not None and prep is None and not modifier:
                unless[(lemma, particle)].add(obj)
            continue
        key = (lemma, particle, prep, modifier, value, obj is None)
        if obj is None:
            grouped[key]
            if prep is None and not modifier:
                bare[(lemma, particle)] = key
        else:
            grouped[key].add(obj)
    entries = []
    for key, objects in grouped.items():
        lemma, particle, prep, modifier, value, _ = key
        entry: dict[str, Any] = {
            "lemma": lemma,
            "pos": "VERB",
            "plover": value.plover,
            "cameo": value.cameo,
        }
        if objects:
            entry["object"] = sorted(objects)
        if prep:
            entry["prep"] = [prep]
        if particle:
            entry["particle"] = particle
        if modifier:
            entry["modifier"] = list(modifier)
        if bare.get((lemma, particle)) == key and unless.get((lemma, particle)):
            entry["unless"] = sorted(unless[(lemma, particle)])
            counts["unless words (null or uncodable verb+object patterns)"] += len(entry["unless"])
        if value.mode:
            entry["mode"] = value.mode
        entries.append(entry)
    return entries


def _sort_key(entry: dict[str, Any]) -> tuple[Any, ...]:
    return (
        entry["lemma"],
        entry["cameo"],
        entry.get("particle") or "",
        entry.get("prep", []),
        entry.get("object", []),
        entry.get("modifier", []),
        entry.get("unless", []),
        entry.get("mode") or "",
        entry["plover"],
    )


def _pruned(entry: dict[str, Any]) -> str | None:
    framed = any(k in entry for k in ("object", "prep", "particle", "modifier"))
    key = f"{entry['lemma']}:{entry['cameo']}"
    if key in PRUNED:
        return key
    if not framed and entry["lemma"] in PRUNED:
        return entry["lemma"]
    if PRUNE_CATCH_ALL and not framed and len(entry["cameo"]) == 3 and entry["cameo"].endswith("0"):
        # PETRARCH's blocks with a root's catch-all code (040 consult, 060 cooperate, 110
        # disapprove ...) hold WordNet neighbours ("consider", "gather", "join" as
        # consultations; "govern", "supervise" as cooperation); dyad's own codebook has
        # the verbs that state those events
        return "a verb without a frame coded with its root's catch-all code"
    return None


def _merge(entries: list[dict[str, Any]], key: str, counts: Counter[str]) -> list[dict]:
    """Entries equal but for ``key`` (an OR list) become one with the union of its words.

    Exact for one list at a time: an entry without ``key`` (no constraint) stays apart.
    """
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for entry in entries:
        rest = tuple((k, repr(v)) for k, v in entry.items() if k != key)
        group = (*rest, key in entry)
        if group not in merged:
            merged[group] = dict(entry)
            continue
        counts[f"entries merged ({key} lists joined)"] += 1
        if key in entry:
            merged[group][key] = sorted(set(merged[group][key]) | set(entry[key]))
    return list(merged.values())


def convert_verbs(cameo_path: Path, crosswalk_path: Path) -> tuple[dict, dict[str, int]]:
    """Convert ``CAMEO.2.0.txt`` into ``{"triggers": [entry, ...]}`` and counts.

    Entries are sorted (lemma, CAMEO code, frame), identical ones merged, entries that
    differ only in their object merged into one with the union of objects; ``PRUNED``
    entries removed. Counts name what was read, written and skipped, by reason.
    """
    counts: Counter[str] = Counter()
    blocks = _read_blocks(Path(cameo_path).read_text(encoding="utf-8"), counts)
    codes = _Codes(read_crosswalk(Path(crosswalk_path)), bundled_ontology())
    for block in blocks:
        for _frames, code in block.patterns:
            value = codes.resolve(code)
            if isinstance(value, Uncoded):
                counts[f"patterns skipped: {value.reason}"] += 1
            else:
                counts["patterns converted"] += 1
    entries = _entries(_resolve_blocks(blocks, codes, counts), counts)
    entries = _merge(_merge(entries, "object", counts), "modifier", counts)
    out = []
    for entry in sorted(entries, key=_sort_key):
        why = _pruned(entry)
        if why is not None:
            counts[f"pruned: {why}"] += 1
            counts["pruned"] += 1
            continue
        TriggerEntry.model_validate(entry)
        out.append(entry)
        counts[f"entries root {entry['cameo'][:2]}"] += 1
        counts[f"entries {entry['plover']}"] += 1
    counts["entries written"] = len(out)
    return {"triggers": out}, dict(sorted(counts.items()))
