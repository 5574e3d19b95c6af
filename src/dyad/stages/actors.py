"""The actors stage: find political actors in a parsed article and code them.

An actor code is an ISO 3166 alpha-3 country (or "IGO") plus a sector (see ``SECTORS``).
Codebooks (YAML in ``dyad/codebooks/actors/`` and the converted Phoenix dictionaries in
``codebooks/imported/``, extendable with user files) give country names, adjectives and
seats of government, bodies, titles, organisations, armed groups, generic group nouns and
persons with dated roles. ``ActorCoder`` matches them with an index of their token
sequences built once, then combines matches with the parse and the named entities: a
person takes the country and sector of the titles and bodies before it
("US State Department Counsellor Derek Chollet"), later short forms ("Chollet", "the
counsellor", "he") take the full actor's code, and phrases without a country word take it
from the sentence or the article.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from dyad.codebooks.actor_codebook import (
    SECTORS,
    ActorCodebook,
    MediaEntry,
    PersonEntry,
    country_name,
    pick_role,
)
from dyad.codebooks.cache import cache_file, cached
from dyad.records import ActorMention

__all__ = [
    "SECTORS",
    "ActorCodebook",
    "ActorCoder",
    "country_name",
]

_LOCATIVE = frozenset(
    {
        "in",
        "at",
        "near",
        "inside",
        "outside",
        "across",
        "around",
        "within",
        "throughout",
        "into",
        "to",
        "via",
        "through",
    }
)
_GLUE = frozenset(
    {
        "of",
        "the",
        "'s",
        "’s",
        "(",
        ")",
        "-",
        "–",
        "senior",
        "top",
        "former",
        "acting",
        "interim",
        "then",
        "caretaker",
        "federal",
        "incumbent",
        "outgoing",
        "visiting",
        "newly",
        "appointed",
        "high",
        "level",
        "high-level",
        "joint",
        "special",
    }
)
_DESTINATION = frozenset({"to", "for"})
_DETERMINERS = frozenset({"the", "'s", "’s", "its", "their", "his", "her"})
_MEDIA_WORDS = frozenset(
    {
        "post",
        "times",
        "journal",
        "herald",
        "tribune",
        "news",
        "gazette",
        "daily",
        "telegraph",
        "chronicle",
        "express",
        "observer",
    }
)
_MOVES = frozenset({"visit", "leave", "reach", "tour", "enter", "flee", "evacuate"})
_PRONOUNS = frozenset({"he", "she"})
_MANY_COUNTRIES = frozenset(
    {"other", "foreign", "world", "western", "various", "several", "international", "regional"}
)
_SUBJECT = frozenset({"nsubj", "nsubjpass"})


class _PhraseIndex:
    """Token sequences and their labels, found in a Doc by their first token. Unlike
    spaCy's PhraseMatcher it puts no codebook word into the model's vocabulary, which
    costs seconds for tens of thousands of names."""

    def __init__(self, *, lower: bool) -> None:
        self.lower = lower
        self._by_first: dict[str, dict[int, dict[tuple[str, ...], int]]] = {}

    def add(self, words: list[str], label: int) -> None:
        key = tuple(w.lower() for w in words) if self.lower else tuple(words)
        self._by_first.setdefault(key[0], {}).setdefault(len(key), {})[key] = label

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        """(label, start, end) of every match, all lengths."""
        texts = [t.lower_ if self.lower else t.text for t in doc]
        out = []
        for i, text in enumerate(texts):
            for n, keys in self._by_first.get(text, {}).items():
                label = keys.get(tuple(texts[i : i + n]))
                if label is not None:
                    out.append((label, i, i + n))
        return out


def _tokenized(texts: list[str], nlp: Language) -> dict[str, list[str]]:
    """Each codebook phrase as the model's tokenizer splits it, kept in a cache file (the
    tokenizer takes seconds over tens of thousands of names; see `dyad.codebooks.cache`)."""
    key = "\n".join(texts).encode("utf-8")
    meta = f"{nlp.meta.get('name')} {nlp.meta.get('version')}".encode()

    def tokenize() -> dict[str, list[str]]:
        return {t: [tok.text for tok in nlp.make_doc(t)] for t in texts}

    return cached(cache_file("actor-tokens", [key, meta]), tokenize, dict)


# ---------------------------------------------------------------- coding a document


@dataclass(slots=True)
class _Atom:
    """One codebook match in a Doc (tokens start:end; chars cstart:cend)."""

    start: int
    end: int
    cstart: int
    cend: int
    kind: str  # place, body, media, org, group, person, title, noun, collective
    entry: Any
    locative: bool = False
    used: bool = False
    destination: bool = False
    compound: bool = False


@dataclass(slots=True)
class _Code:
    country: str | None
    sector: str | None
    name: str
    role: str | None
    resolved_by: str


@dataclass(slots=True)
class _Known:
    """A person coded in this article, for later short forms."""

    keys: frozenset[tuple[str, ...]]
    titles: frozenset[str]
    code: _Code
    token: int


class ActorCoder:
    """Codes the actors of parsed Docs; build once per model and codebook, call per Doc."""

    def __init__(self, codebook: ActorCodebook, nlp: Language) -> None:
        self.codebook = codebook
        self._names = _PhraseIndex(lower=False)
        self._phrases = _PhraseIndex(lower=True)
        self._entries: dict[int, tuple[str, Any]] = {}
        surface: dict[str, tuple[str, Any]] = {w: ("place", p) for w, p in codebook.places.items()}
        surface.update(codebook.names)
        words = _tokenized([*surface, *codebook.phrases], nlp)
        self._add(self._names, surface, words)
        self._add(self._phrases, codebook.phrases, words)

    def _add(
        self, index: _PhraseIndex, surface: dict[str, tuple[str, Any]], words: dict[str, list[str]]
    ) -> None:
        labels: dict[tuple[str, object], int] = {}
        for text, value in surface.items():
            ident = (value[0], value[1] if value[0] == "place" else id(value[1]))
            label = labels.setdefault(ident, len(self._entries))
            self._entries[label] = value
            if words[text]:
                index.add(words[text], label)

    def __call__(self, doc: Doc) -> tuple[ActorMention, ...]:
        article = doc._.article
        day = article.published if article is not None else None
        mentions = _DocCoder(self, doc, day).run()
        doc._.actors = mentions
        return mentions

    def atoms(self, doc: Doc) -> list[_Atom]:
        """Non-overlapping codebook matches, longest first, case-sensitive names first."""
        found: list[tuple[int, int, int, int]] = []
        for rank, matcher in enumerate((self._names, self._phrases)):
            for label, start, end in matcher(doc):
                found.append((start, end, rank, label))
        found.sort(key=lambda m: (m[0] - m[1], m[2], m[0]))
        taken = bytearray(len(doc))
        atoms: list[_Atom] = []
        for start, end, _rank, label in found:
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            kind, entry = self._entries[label]
            atoms.append(
                _Atom(start, end, doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), kind, entry)
            )
        atoms.extend(self._hyphen_compounds(doc, taken))
        atoms.sort(key=lambda a: (a.start, a.cstart))
        return atoms

    def _hyphen_compounds(self, doc: Doc, taken: bytearray) -> list[_Atom]:
        """Country words joined by hyphens inside one token ("U.S.-Pakistan")."""
        out: list[_Atom] = []
        places = self.codebook.places
        for tok in doc:
            text = tok.text
            if taken[tok.i] or "-" not in text or len(text) < 4:
                continue
            parts = text.split("-")
            if not all(p in places for p in parts if p):
                continue
            offset = tok.idx
            for part in parts:
                if part:
                    out.append(
                        _Atom(
                            tok.i,
                            tok.i + 1,
                            offset,
                            offset + len(part),
                            "place",
                            places[part],
                            compound=True,
                        )
                    )
                offset += len(part) + 1
        return out


_CHAIN_KINDS = frozenset({"place", "title", "body", "org", "group"})
_GOV_LIKE = frozenset({"GOV", "LEG", "JUD", "MIL", "SPY"})
_SENTENCE_END = frozenset({".", "!", "?", '"', "”", "’", "'", ":", ";"})
_ORDER = (
    frozenset({"title"}),
    frozenset({"body", "noun"}),
    frozenset({"org", "group", "media"}),
    frozenset({"place"}),
)
_DROP_ENTS = frozenset(
    {"PERSON", "DATE", "TIME", "MONEY", "CARDINAL", "ORDINAL", "PERCENT", "QUANTITY", "WORK_OF_ART"}
)


class _DocCoder:
    """The state of coding one Doc; thrown away afterwards."""

    def __init__(self, coder: ActorCoder, doc: Doc, day: date | None) -> None:
        self.book = coder.codebook
        self.doc = doc
        self.text = doc.text  # Doc.text is rebuilt on every access
        self.day = day
        self.sents = list(doc.sents)
        self.sent_of: list[int] = []
        for i, sent in enumerate(self.sents):
            self.sent_of.extend([i] * len(sent))
        self.ent_of: list[Span | None] = [None] * len(doc)
        for ent in doc.ents:
            for i in range(ent.start, ent.end):
                self.ent_of[i] = ent
        atoms = coder.atoms(doc)
        self.start_at = {a.start: a for a in atoms if not a.compound}
        self.atoms = self._keep_places(atoms)
        self.end_at = {a.end: a for a in self.atoms if not a.compound}
        self.start_at = {a.start: a for a in self.atoms if not a.compound}
        self.covered = bytearray(len(doc))
        self.out: list[ActorMention] = []
        self.persons: list[tuple[ActorMention, str]] = []  # mention, dep of its last token
        self.known: list[_Known] = []
        self.followed: _Code | None = None
        self.bodies: dict[str, str] = {}  # generic body -> its country in this article
        counts = Counter(
            self._place(a)
            for a in self.atoms
            if a.kind == "place" and not (a.locative and a.entry.form == "capital")
        )
        # places where things happen ("in Cairo") name the story's country when no
        # country word does; they come after the country words
        where = Counter(
            self._place(a) for a in self.atoms if a.kind == "place" and a.locative
        ) + Counter(
            self.book.cities.get(e.text) for e in doc.ents if e.label_ in ("GPE", "LOC", "FAC")
        )
        self.salient: list[str] = [
            c for c, _n in [*counts.most_common(), *where.most_common()] if c is not None
        ]
        self.salient = list(dict.fromkeys(self.salient))
        self.free: dict[int, set[str]] = {}
        self.where: dict[int, list[tuple[int, str]]] = {}

    # ------------------------------------------------------------ overall order

    def run(self) -> tuple[ActorMention, ...]:
        chains = self._person_chains()
        self._index_sentences()
        for start, end, entry, parts, dest in chains:
            self._code_person(start, end, entry, parts, dest)
        self._short_forms()
        for kinds in _ORDER:
            for atom in self.atoms:
                if (
                    atom.kind in kinds
                    and not atom.used
                    and (atom.compound or not any(self.covered[atom.start : atom.end]))
                ):
                    self._code_atom(atom)
        for atom in self.atoms:
            if atom.kind == "collective":
                self._code_collective(atom)
        self._pronouns()
        return tuple(sorted(self.out, key=lambda m: (m.start, m.end, m.country or "")))

    # ------------------------------------------------------------ matches kept

    def _keep_places(self, atoms: list[_Atom]) -> list[_Atom]:
        """Drop country words that are people, parts of other names or ambiguous here."""
        kept: list[_Atom] = []
        doc = self.doc
        for atom in atoms:
            if atom.kind != "place":
                kept.append(atom)
                continue
            ent = self.ent_of[atom.start]
            label = ent.label_ if ent is not None else ""
            if label in _DROP_ENTS and not self._possessor(atom) and not self._misread(atom, ent):
                continue
            if not atom.entry.trusted and label != "GPE":
                continue
            if (
                ent is not None
                and not atom.compound
                and "\n" not in ent.text  # an entity across paragraphs is a misreading
                and self._inside_longer(ent, atoms)
            ):
                if label == "ORG" and ent[-1].lower_ in _MEDIA_WORDS:
                    kept.append(self._outlet(ent, atom))
                    continue
                if label in ("GPE", "LOC", "FAC", "ORG", "NORP"):
                    continue
            if not self._plausible(atom):
                continue
            atom.locative = self._is_locative(atom)
            kept.append(atom)
        for a, b in pairwise(kept):
            if (
                a.kind == b.kind == "place"
                and b.start == a.end + 1
                and doc[a.end].text in "-–"
                and not doc[a.end - 1].whitespace_
            ):
                a.compound = b.compound = True
        return kept

    def _misread(self, atom: _Atom, ent: Span | None) -> bool:
        """A nationality adjective NER took for a person: "senior [Bangladeshi] officials"."""
        if ent is None or ent.label_ != "PERSON" or atom.entry.form != "adjective":
            return False
        tok = self.doc[atom.end - 1]
        return ent.start == atom.start and ent.end == atom.end and tok.head.pos_ == "NOUN"

    def _possessor(self, atom: _Atom) -> bool:
        """ "Jordan's King", "Bangladeshi Foreign Minister": a country word before a title
        or body is a country, whatever NER says."""
        doc, end = self.doc, atom.end
        if end + 1 < len(doc) and doc[end].lower_ in ("'s", "’s"):
            end += 1
        nxt = self.start_at.get(end)
        return nxt is not None and nxt.kind in ("title", "body", "noun")

    def _is_locative(self, atom: _Atom) -> bool:
        """Object of "in", "at", "to" ... (or a conjunct of one): a place, not an actor."""
        doc = self.doc
        if (
            atom.start > 0
            and doc[atom.start - 1].lower_ in _LOCATIVE
            and doc[atom.start - 1].pos_ == "ADP"
        ):
            return True
        tok = doc[atom.end - 1]
        if tok.dep_ == "conj":
            tok = tok.head
        if tok.dep_ == "dobj" and tok.head.lemma_ in _MOVES:
            return True
        return tok.dep_ == "pobj" and tok.head.lower_ in _LOCATIVE

    def _inside_longer(self, ent: Span, atoms: list[_Atom]) -> bool:
        """True when the entity has words no codebook match explains ("New Jersey")."""
        inside: set[int] = set()
        for a in atoms:
            if a.start < ent.end and a.end > ent.start:
                inside.update(range(a.start, a.end))
        return any(
            i not in inside and not t.is_punct and t.lower_ not in ("the", "'s", "’s")
            for i, t in zip(range(ent.start, ent.end), ent, strict=True)
        )

    def _outlet(self, ent: Span, atom: _Atom) -> _Atom:
        start = ent.start + (1 if ent[0].lower_ == "the" else 0)
        entry = MediaEntry(name=self.doc[start : ent.end].text, country=self._place(atom))
        return _Atom(start, ent.end, self.doc[start].idx, ent.end_char, "media", entry)

    def _plausible(self, atom: _Atom) -> bool:
        text = self.text[atom.cstart : atom.cend]
        rule = self.book.ambiguous.get(text)
        if rule is None:
            return True
        sent = self.sents[self.sent_of[atom.start]]
        words = {t.lower_ for t in sent}
        if words & {w.lower() for w in rule.unless_words}:
            return False
        if rule.unless_after_place and atom.start >= 2 and self.doc[atom.start - 1].text == ",":
            before = self.ent_of[atom.start - 2]
            if before is not None and before.label_ in ("GPE", "LOC"):
                return False
        return True

    # ------------------------------------------------------------ context

    def _place(self, atom: _Atom) -> str | None:
        kind, entry = atom.kind, atom.entry
        if kind == "place":
            return entry.iso3
        if kind == "org":
            return "IGO"
        if kind == "group":
            role = pick_role(entry.roles, self.day)
            return role.country if role else entry.country
        if kind in ("body", "media"):
            return entry.country
        return None

    def _index_sentences(self) -> None:
        """Per sentence: countries of places where things happen, and free country words."""
        for atom in self.atoms:
            if atom.kind != "place":
                continue
            s = self.sent_of[atom.start]
            if atom.locative:
                self.where.setdefault(s, []).append((atom.start, atom.entry.iso3))
            if not atom.used and not (atom.locative and atom.entry.form == "capital"):
                self.free.setdefault(s, set()).add(atom.entry.iso3)
        for atom in self.atoms:
            if atom.kind in ("body", "group") and not atom.used and (iso3 := self._place(atom)):
                self.free.setdefault(self.sent_of[atom.start], set()).add(iso3)
        atom_tokens = {i for a in self.atoms for i in range(a.start, a.end)}
        for ent in self.doc.ents:
            if ent.start in atom_tokens:
                continue
            iso3 = None
            if ent.label_ in ("GPE", "LOC", "FAC"):
                iso3 = self.book.cities.get(ent.text)
            if iso3 is None and len(ent) > 2 and ent[1].lower_ in ("'s", "’s"):
                iso3 = self.book.cities.get(ent[0].text)
            if iso3:
                self.where.setdefault(self.sent_of[ent.start], []).append((ent.start, iso3))

    def _context(self, token: int, sector: str | None) -> str | None:
        """The country a phrase without a country word belongs to; none for phrases that
        say they are of several or other countries ("other leaders", "foreign officials",
        "29 world leaders", "Western governments").

        Government-like sectors: the one free country word of the sentence; then for all:
        the nearest place of the sentence; for others the last place of the sentence before;
        then the article's most mentioned country.
        """
        before = {t.lower_ for t in self.doc[max(0, token - 2) : token]}
        if before & _MANY_COUNTRIES:
            return None
        s = self.sent_of[token]
        free = self.free.get(s, set())
        if sector in _GOV_LIKE and len(free) == 1:
            return next(iter(free))
        # a place of another clause is not where this party is from: "prosecutors accused
        # him after he criticised the war in Ukraine"; one of the party's own relative
        # clause is ("terrorists, who killed 80 people in Peshawar")
        party = self.doc[token]
        clause = _clause_verb(party)
        where = [
            w
            for w in self.where.get(s, ())
            if _clause_verb(self.doc[w[0]]) == clause or party.is_ancestor(self.doc[w[0]])
        ]
        if where:
            return min(where, key=lambda w: abs(w[0] - token))[1]
        if sector not in _GOV_LIKE and self.where.get(s - 1):
            return self.where[s - 1][-1][1]
        return self.salient[0] if self.salient else None

    # ------------------------------------------------------------ chains

    def _clause_start(self, token: int) -> int:
        """Start of the sentence, or of the one before when the parser split mid-sentence."""
        s = self.sent_of[token]
        start = self.sents[s].start
        if s > 0 and self.doc[start - 1].text not in _SENTENCE_END:
            start = self.sents[s - 1].start
        return start

    def _after_destination(self, atom: _Atom) -> bool:
        """ "to (the) Pakistan" in "Ambassador to Pakistan": where an envoy is sent."""
        j = atom.start - 1
        if j > 0 and self.doc[j].lower_ == "the":
            j -= 1
        return j >= 0 and self.doc[j].lower_ in _DESTINATION

    def _left_chain(self, start: int) -> tuple[list[_Atom], set[int]]:
        """Titles, bodies and country words right before ``start`` ("US Ambassador")."""
        doc, parts, dest = self.doc, [], set()
        reached = 0
        lo = max(self._clause_start(start), start - 14)
        i = start
        while i > lo:
            atom = self.end_at.get(i)
            if (
                atom is not None
                and atom.kind in _CHAIN_KINDS
                and not atom.used
                and (not atom.locative or self._after_destination(atom))
            ):
                parts.append(atom)
                i = atom.start
                continue
            low = doc[i - 1].lower_
            if low in _DESTINATION and parts and parts[-1].kind in ("place", "body", "org"):
                dest.add(id(parts[-1]))
                reached = len(parts)
            elif low == "and" and parts and parts[-1].kind == "title":
                prev = self.end_at.get(i - 1)
                if prev is None or prev.kind != "title":
                    break
                if prev.entry.head and parts[-1].entry.head and prev.entry is not parts[-1].entry:
                    break  # "the Prime Minister and President Biden": two persons
            elif low not in _GLUE:
                break
            i -= 1
        if dest and len(parts) == reached:
            # "conveyed concerns to the Chinese Embassy": no title before "to" is sent
            # there, so the country word is the body's own
            dest = set()
        return parts, dest

    def _right_chain(self, end: int, *, apposition: bool) -> tuple[list[_Atom], set[int]]:
        """ "of the US Department of State" after a title, or ", the US envoy," after a name."""
        doc, parts, dest = self.doc, [], set()
        i = end
        if apposition:
            if i >= len(doc) or doc[i].text != ",":
                return [], set()
            i += 1
        elif i >= len(doc) or doc[i].lower_ != "of":
            return [], set()
        stop = min(len(doc), i + 12, self.sents[self.sent_of[end - 1]].end)
        after_dest = False
        while i < stop:
            atom = self.start_at.get(i)
            if (
                atom is not None
                and atom.kind in _CHAIN_KINDS
                and not atom.used
                and not atom.locative
            ):
                parts.append(atom)
                if after_dest:
                    dest.add(id(atom))
                after_dest = False
                i = atom.end
                continue
            low = doc[i].lower_
            if low in _DESTINATION:
                after_dest = True
            elif low not in _GLUE and low not in ("a", "an"):
                break
            i += 1
        if apposition and not any(p.kind == "title" for p in parts):
            return [], set()
        return parts, dest

    def _chain_code(
        self, parts: list[_Atom], dest: set[int]
    ) -> tuple[str | None, str | None, str | None]:
        """(country, sector, role) from chain parts, nearest part first."""
        placed = [c for p in parts if id(p) not in dest and (c := self._place(p))]
        # the nearest country word; beside an international organisation, the first word
        # names the employer: a "U.N. Syria envoy" works for the UN, a "US UN ambassador"
        # for the US
        country = placed[-1] if "IGO" in placed else next(iter(placed), None)
        titles = [p.entry for p in parts if p.kind == "title"]
        orgs = [p.entry for p in parts if p.kind == "org"]
        strong = [t for t in titles if not t.generic]
        bodies = [p.entry for p in parts if p.kind == "body"]
        if country == "IGO" and orgs:
            sector: str | None = orgs[0].code
        elif strong:
            sector = strong[0].sector
        elif bodies:
            sector = bodies[0].sector
        else:
            sector = titles[0].sector if titles else None
        if country is None:
            country = next((t.country for t in titles if t.country), None)
        role = ", ".join(dict.fromkeys(t.name for t in reversed(titles))) or None
        return country, sector, role

    # ------------------------------------------------------------ persons

    def _person_chains(self) -> list[tuple[int, int, PersonEntry | None, list[_Atom], set[int]]]:
        doc = self.doc
        found: list[tuple[int, int, PersonEntry | None]] = [
            (a.start, a.end, a.entry) for a in self.atoms if a.kind == "person"
        ]
        taken = {
            i for a in self.atoms if a.kind not in ("title", "noun") for i in range(a.start, a.end)
        }
        titled = {i: a.end for a in self.atoms if a.kind == "title" for i in range(a.start, a.end)}
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            start, end = ent.start, ent.end
            while start < end and (doc[start].lower_ in _DETERMINERS or start in titled):
                start = titled.get(start, start + 1)
            while end > start and doc[end - 1].lower_ in ("'s", "’s"):
                end -= 1
            while start > 0 and start - 1 not in taken and start - 1 not in titled:
                prev = doc[start - 1]  # NER often drops a first name: "Masood [Khan]"
                if prev.pos_ != "PROPN" or not prev.is_title or prev.is_sent_start:
                    break
                start -= 1
            if end > start and not any(i in taken for i in range(start, end)):
                found.append((start, end, None))
        found.sort(key=lambda f: f[0])
        chains = []
        for start, end, entry in found:
            parts, dest = self._left_chain(start)
            right, rdest = self._right_chain(end, apposition=True)
            for atom in (*parts, *right):
                atom.used = True
            chains.append((start, end, entry, parts + right, dest | rdest))
        return chains

    def _code_person(
        self, start: int, end: int, entry: PersonEntry | None, parts: list[_Atom], dest: set[int]
    ) -> None:
        doc = self.doc
        span = doc[start:end]
        keys = self._keys(span, entry)
        country, sector, role = self._chain_code(parts, dest)
        titles = frozenset(p.entry.name for p in parts if p.kind == "title")
        left = min([start, *(p.start for p in parts if p.start < start)])
        name = entry.name if entry is not None else span.text
        code: _Code | None = None
        known = self._find_known(keys)
        if entry is not None:
            held = pick_role(entry.roles, self.day)
            if held is not None and country not in (None, held.country):
                # "Jordan's King Abdullah": the text's country word names another person of
                # that name than the codebook's
                code = _Code(country, sector, span.text, role, "title")
            elif held is not None:
                code = _Code(held.country, held.sector, name, held.office, "codebook")
            elif country or role:
                latest = (
                    max(entry.roles, key=lambda r: r.start or date.min) if entry.roles else None
                )
                country = country or (latest.country if latest else None)
                code = _Code(country, sector, name, role, "title")
            elif entry.roles:
                last = max(entry.roles, key=lambda r: r.start or date.min)
                code = _Code(last.country, None, name, None, "codebook")
        elif known is not None and country in (None, known.code.country):
            code = _Code(
                known.code.country, known.code.sector, known.code.name, known.code.role, "coref"
            )
        elif country is not None:
            code = _Code(country, sector, name, role, "title")
        elif role is not None:
            code = _Code(self._context(start, sector), sector, name, role, "context")
        if code is None:
            return
        mention = self._emit(left, end, code)
        if mention is None:
            return
        self.persons.append((mention, doc[end - 1].dep_))
        if code.resolved_by != "coref":
            self.known.append(_Known(keys, titles, code, start))

    def _keys(self, span: Span, entry: PersonEntry | None) -> frozenset[tuple[str, ...]]:
        """Token sequences that later refer to this person: full name, surname, aliases."""
        texts = [t.text for t in span]
        keys = {tuple(texts)}
        if len(texts) > 1:
            keys.add((texts[-1],))
            if "-" in texts:
                keys.add(tuple(texts[texts.index("-") - 1 :]))
            if len(texts) > 2:
                keys.add(tuple(texts[1:]))
        if entry is not None:
            keys.update((alias,) for alias in entry.aliases if " " not in alias)
        return frozenset(k for k in keys if k and k[-1][:1].isupper())

    def _find_known(self, keys: frozenset[tuple[str, ...]]) -> _Known | None:
        for known in reversed(self.known):
            if keys & known.keys:
                return known
        return None

    def _short_forms(self) -> None:
        """Later (or headline) surnames of persons coded in this article: "Chollet"."""
        if not self.known:
            return
        firsts: dict[str, list[tuple[tuple[str, ...], _Known]]] = {}
        for known in self.known:
            for key in known.keys:
                firsts.setdefault(key[0], []).append((key, known))
        doc = self.doc
        for tok in doc:
            if tok.text not in firsts or self.covered[tok.i]:
                continue
            for key, known in sorted(firsts[tok.text], key=lambda kk: -len(kk[0])):
                end = tok.i + len(key)
                if (
                    end <= len(doc)
                    and tuple(t.text for t in doc[tok.i : end]) == key
                    and not any(self.covered[tok.i : end])
                ):
                    start = tok.i
                    title = self.end_at.get(start)
                    if title is not None and title.kind == "title" and not title.used:
                        title.used = True
                        start = title.start
                    code = _Code(
                        known.code.country,
                        known.code.sector,
                        known.code.name,
                        known.code.role,
                        "coref",
                    )
                    mention = self._emit(start, end, code)
                    if mention is not None:
                        self.persons.append((mention, doc[end - 1].dep_))
                    break

    def _pronouns(self) -> None:
        """ "he"/"she" as a subject: the latest person of this or the two previous sentences."""
        if not self.persons:
            return
        for tok in self.doc:
            if tok.lower_ not in _PRONOUNS or tok.dep_ not in _SUBJECT:
                continue
            s = self.sent_of[tok.i]
            for back in (s, s - 1, s - 2):
                cands = [
                    (m, dep)
                    for m, dep in self.persons
                    if m.sentence_index == back and m.token_end <= tok.i
                ]
                if not cands:
                    continue
                subjects = [m for m, dep in cands if dep in _SUBJECT]
                names = {m.name for m, _dep in cands}
                pick = subjects[-1] if subjects else (cands[-1][0] if len(names) == 1 else None)
                if pick is not None:
                    code = _Code(pick.country, pick.sector, pick.name, pick.role, "coref")
                    self._emit(tok.i, tok.i + 1, code)
                break

    # ------------------------------------------------------------ other phrases

    def _code_atom(self, atom: _Atom) -> None:
        kind, entry = atom.kind, atom.entry
        if kind == "org":
            self._emit_atom(atom, _Code("IGO", entry.code, entry.name, None, "codebook"))
        elif kind == "media":
            self._emit_atom(atom, _Code(entry.country, "MED", entry.name, None, "codebook"))
        elif kind == "group":
            role = pick_role(entry.roles, self.day)
            country = role.country if role else entry.country
            sector = role.sector if role else entry.sector
            how = "codebook" if country else "context"
            self._emit_atom(
                atom,
                _Code(
                    country or self._context(atom.start, sector),
                    sector,
                    entry.name,
                    role.office if role else None,
                    how,
                ),
            )
        elif kind == "body":
            self._code_body(atom)
        elif kind == "title":
            self._code_title(atom)
        elif kind == "noun":
            self._code_noun(atom)
        elif kind == "place":
            self._code_place(atom)

    def _code_place(self, atom: _Atom) -> None:
        place = atom.entry
        if place.form == "capital":
            name = f"{country_name(place.iso3)} government"
            self._emit_atom(atom, _Code(place.iso3, "GOV", name, None, "metonym"))
        elif atom.compound:
            self._emit_atom(
                atom, _Code(place.iso3, None, country_name(place.iso3), None, "compound")
            )
        else:
            self._emit_atom(
                atom, _Code(place.iso3, None, country_name(place.iso3), None, "codebook")
            )

    def _code_body(self, atom: _Atom) -> None:
        entry = atom.entry
        parts, dest = self._left_chain(atom.start)
        parts = [p for p in parts if p.kind == "place"][:1]
        right, rdest = self._right_chain(atom.end, apposition=False)
        parts += [p for p in right if p.kind == "place"][:1]
        country = entry.country or next(
            (p.entry.iso3 for p in parts if id(p) not in dest | rdest), None
        )
        how = "codebook"
        if country is None and entry.name in self.bodies:
            country, how = self.bodies[entry.name], "coref"
        elif country is None:
            country, how = self._context(atom.start, entry.sector), "context"
        if country is not None:
            self.bodies.setdefault(entry.name, country)
        for p in parts:
            p.used = True
        start = min([atom.start, *(p.start for p in parts)])
        end = max([atom.end, *(p.end for p in parts)])
        name = (
            entry.name
            if entry.country
            else f"{country_name(country)} {entry.name}"
            if country
            else entry.name
        )
        self._emit(start, end, _Code(country, entry.sector, name, None, how))

    def _code_title(self, atom: _Atom) -> None:
        entry, doc = atom.entry, self.doc
        last = doc[atom.end - 1]
        if (
            last.dep_ in ("compound", "amod")
            and last.head.pos_ == "NOUN"
            and last.head.i >= atom.end
        ) or (entry.prefix and last.tag_ in ("NNS", "NNPS")):
            # a title before a name is no group: "White House representatives"
            return
        parts, dest = self._left_chain(atom.start)
        right, rdest = self._right_chain(atom.end, apposition=False)
        chain = [atom, *parts, *right]
        country, sector, role = self._chain_code(chain, dest | rdest)
        explicit = any(p.kind != "title" for p in parts + right)
        prev = doc[atom.start - 1].lower_ if atom.start > 0 else ""
        start = min(p.start for p in chain)
        end = max(p.end for p in chain)
        holders = [
            k
            for k in self.known
            if entry.name in k.titles and (not explicit or country == k.code.country)
        ]
        before = [k for k in holders if k.token < atom.start]
        if holders:
            known = before[-1] if before else holders[0]
            code = _Code(
                known.code.country, known.code.sector, known.code.name, known.code.role, "coref"
            )
        elif explicit or (not entry.prefix and (prev in _DETERMINERS or doc[atom.start].is_title)):
            how = "title"
            if country is None:
                country, how = self._context(atom.start, sector), "context"
            org = next((p.entry.name for p in chain if p.kind == "org"), None)
            owner = org if country == "IGO" and org else country_name(country) if country else None
            name = f"{owner} {role}" if owner else role or entry.name
            code = _Code(country, sector, name, role, how)
            # a later bare "the envoy" refers to this office holder
            self.known.append(_Known(frozenset(), frozenset({entry.name}), code, atom.start))
        else:
            return
        for p in chain:
            p.used = True
        mention = self._emit(start, end, code)
        if mention is not None:
            self.persons.append((mention, doc[end - 1].dep_))
        first = min(chain, key=lambda p: p.start)
        if first.kind == "place" and not holders:
            self._coordinated(first, code.sector, role or entry.name)

    def _code_noun(self, atom: _Atom) -> None:
        entry, doc = atom.entry, self.doc
        last = doc[atom.end - 1]
        if last.pos_ not in ("NOUN", "PROPN") or (
            last.dep_ == "compound" and last.head.i >= atom.end
        ):
            return
        owner: _Atom | None = None
        i = atom.start
        while i > max(0, atom.start - 5):
            found = self.end_at.get(i)
            if (
                found is not None
                and found.kind in ("place", "org", "group", "body")
                and not found.locative
            ):
                owner = found
                break
            tok = doc[i - 1]
            if tok.lower_ in _GLUE or tok.pos_ == "ADJ" or tok.lower_ == "-":
                i -= 1
                continue
            break
        sector = entry.sector
        if owner is not None:
            country = self._place(owner)
            if owner.kind == "org":
                sector = owner.entry.code
            how, start = "codebook", owner.start
            owner.used = True
        elif entry.sector is None and entry.bare_sector is None:
            return
        elif entry.follow and self.followed is not None:
            country, how, start = self.followed.country, "coref", atom.start
        elif (shared := self._conjunct_country(last)) is not None:
            country, how, start = shared, "context", atom.start
        else:
            sector = entry.bare_sector or sector
            country, how, start = self._context(atom.start, sector), "context", atom.start
        name = f"{country_name(country)} {entry.name}" if country else entry.name
        if entry.sector is None and owner is not None and country:
            name = country_name(country)
        code = _Code(country, sector, name, None, how)
        if entry.follow and owner is not None:
            self.followed = code
        self._emit(start, atom.end, code)
        if owner is not None:
            self._coordinated(owner, sector, entry.name)

    def _conjunct_country(self, token: Token) -> str | None:
        """ "the Syrian government and opposition groups": a noun joined to a coded one
        shares its country word."""
        if token.dep_ != "conj":
            return None
        head = token.head.i
        return next(
            (
                m.country
                for m in self.out
                if m.token_start <= head < m.token_end and m.country and m.country != "IGO"
            ),
            None,
        )

    def _coordinated(self, first: _Atom, sector: str | None, what: str) -> None:
        """ "Kenyan and Ethiopian officials": the other country words share the noun."""
        doc, i = self.doc, first.start
        while i > 1 and doc[i - 1].lower_ in ("and", ",", "or", "&"):
            other = self.end_at.get(i - 1)
            if other is None or other.kind != "place" or other.used or other.locative:
                break
            iso3 = other.entry.iso3
            name = f"{country_name(iso3)} {what}" if sector else country_name(iso3)
            self._emit_atom(other, _Code(iso3, sector, name, None, "codebook"))
            i = other.start

    def _code_collective(self, atom: _Atom) -> None:
        """ "the two countries": one mention for each of the two parties in view."""
        s = self.sent_of[atom.start]
        pair: list[str] = []
        if atom.entry.sector is not None:  # "the two leaders": the persons in view
            recent = [m.country for m, _dep in self.persons if m.start < atom.cstart and m.country]
            pair = list(dict.fromkeys(reversed(recent)))[:2]
        for back in (s, s - 1):
            if len(pair) == 2:
                break
            seen: list[str] = [
                m.country
                for m in self.out
                if m.sentence_index == back
                and m.country is not None
                and m.country != "IGO"
                and (m.sector is None or m.sector in _GOV_LIKE)
                and (back < s or m.start < atom.cstart)
            ]
            pair = [c for c, _n in Counter(seen).most_common(2)]
        if len(pair) < 2:
            pair = (pair + [c for c in self.salient if c not in pair])[:2]
        for country in pair:
            self._emit_atom(
                atom,
                _Code(country, atom.entry.sector, country_name(country), None, "context"),
                shared=True,
            )

    # ------------------------------------------------------------ output

    def _emit_atom(self, atom: _Atom, code: _Code, *, shared: bool = False) -> ActorMention | None:
        atom.used = True
        return self._emit(
            atom.start, atom.end, code, atom.cstart, atom.cend, shared=shared or atom.compound
        )

    def _emit(
        self,
        start: int,
        end: int,
        code: _Code,
        cstart: int | None = None,
        cend: int | None = None,
        *,
        shared: bool = False,
    ) -> ActorMention | None:
        if not shared and any(self.covered[start:end]):
            return None
        doc = self.doc
        cstart = doc[start].idx if cstart is None else cstart
        cend = doc[end - 1].idx + len(doc[end - 1]) if cend is None else cend
        self.covered[start:end] = b"\x01" * (end - start)
        mention = ActorMention(
            start=cstart,
            end=cend,
            sentence_index=self.sent_of[start],
            text=self.text[cstart:cend],
            country=code.country,
            sector=code.sector,
            name=code.name,
            role=code.role,
            resolved_by=code.resolved_by,
            token_start=start,
            token_end=end,
        )
        self.out.append(mention)
        return mention


def _clause_verb(token: Token) -> Token:
    """The verb of the clause ``token`` is in (the root when it has none)."""
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
        token = token.head
    return token
