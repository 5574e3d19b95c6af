"""The events stage: who did what to whom, in which sentence, and how sure we are.

Triggers (verbs and nouns) come from YAML codebooks (dyad's own and the converted CAMEO
verb dictionary) and are found by one lookup a token of its lemma and part of speech; the
entry's frame (object, preposition, particle, modifier, doer) is then checked on the
trigger's children only. Source
and target are read from the parse (subject/object, passive agent, "with"/"to"/"between",
possessives, compound modifiers such as "US-Pakistan talks", reported speech), status
from tense, modality, negation and event-noun modifiers. docs/events.md gives the rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import combinations, permutations
from typing import Any

import pycountry
from spacy.attrs import LEMMA, LOWER, POS
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc, Span, Token

from dyad.codebooks.ontology import EventCodebook, StatusCues, TriggerEntry
from dyad.records import ActorMention, EventMention, mention_id

__all__ = ["EventCodebook", "EventExtractor", "StatusCues", "TriggerEntry"]


# Dependency labels (spaCy's English scheme) the argument rules walk.
_SUBJ = {"nsubj", "csubj"}
_OBJ = {"dobj", "dative", "iobj", "attr", "oprd"}
_PASSIVE_SUBJ = {"nsubjpass", "csubjpass"}
_NP_MODS = {"compound", "amod", "nmod", "appos", "flat", "npadvmod"}
_CLIMB = {
    "dobj",
    "pobj",
    "prep",
    "nsubj",
    "nsubjpass",
    "attr",
    "compound",
    "conj",
    "appos",
    "npadvmod",
    "nmod",
    "amod",
    "dative",
    "oprd",
    "pcomp",
}
_FACTUAL = frozenset({"occurred", "ongoing"})
# Types whose purpose clause names who benefits ("aid to help X", "a loan to support X").
_BENEFIT = frozenset({"AID", "SUPPORT"})
_TARGET_PREPS = frozenset({"with", "to", "against", "upon", "toward", "towards", "into"})
_FIRST_PERSON = frozenset({"we", "i", "us", "me", "our", "my"})
_DEFINITE = frozenset({"the", "this", "that", "these", "those"})
_TOPIC_PREPS = frozenset({"for", "about", "of", "on", "regarding", "to"})
_AFTER = frozenset({"after", "since", "following"})
_BEFORE = frozenset({"before", "ahead"})
_ORDINALS = frozenset(
    {"first", "second", "third", "fourth", "fifth", "next", "last", "latest", "new", "final"}
)

# Confidence of an argument by how it was found.
_DIRECT, _PREP, _MODIFIER, _GOVERNOR, _SPEAKER, _PRONOUN, _ANAPHORA, _LOOKBACK = (
    0.9,
    0.85,
    0.75,
    0.65,
    0.7,
    0.5,
    0.4,
    0.35,
)


@dataclass
class _Arg:
    actor: ActorMention
    confidence: float
    how: str


@dataclass
class _Candidate:
    token: Token
    span: Span
    entry: TriggerEntry
    objects: tuple[Token, ...]


@dataclass
class _Found:
    """An event before it becomes an EventMention (kept for anaphora and de-duplication)."""

    cand: _Candidate
    sent_index: int
    source: _Arg
    target: _Arg
    symmetric: bool
    status: str | None = None  # set where the event's own words do not say (a threat made)


class EventExtractor:
    """Extract event mentions from a parsed Doc and its coded actors.

    Build once per pipeline (the matcher is compiled here) and call per Doc.
    ``allow_monadic`` keeps events with only a source or only a target (default: dyads only).
    """

    def __init__(
        self, codebook: EventCodebook, nlp: Language, *, allow_monadic: bool = False
    ) -> None:
        self.codebook = codebook
        self.allow_monadic = allow_monadic
        self._entries: dict[tuple[str, str], list[TriggerEntry]] = {}
        self._user = {id(entry) for entry in codebook.triggers[codebook.bundled :]}
        # dyad's own (and a user's) entries of a word replace the imported ones of that
        # word, and words dyad reads as status cues or speech ("cancelled the visit",
        # "plans to") are no imported events: imports add the words dyad does not know
        known = {(e.pos, e.lemma) for e in codebook.triggers[codebook.imported :]}
        cues = codebook.status
        cue_words = codebook.speech_verbs | {
            w
            for words in (cues.negators, cues.planned_verbs, cues.hypothetical_verbs)
            for w in words
        }
        for number, entry in enumerate(codebook.triggers):
            imported = number < codebook.imported
            if imported and ((entry.pos, entry.lemma) in known or entry.lemma in cue_words):
                continue
            self._entries.setdefault((entry.pos, entry.lemma), []).append(entry)
        # the most specific entry first (a user's before dyad's on a tie), so the first
        # whose frame holds is the one that wins
        for entries in self._entries.values():
            entries.sort(key=lambda e: (-e.specificity, id(e) not in self._user))
        # Triggers are found by one lookup a token: one-word ones by the ids of the part of
        # speech and the lemma (in any case) as Doc.to_array gives them; the few of several
        # words ("co-host") by their first word, then the rest
        self._single: dict[tuple[int, int], list[TriggerEntry]] = {}
        self._multi: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        strings = nlp.vocab.strings
        for (pos, lemma), entries in self._entries.items():
            words = [t.text.lower() for t in nlp.tokenizer(lemma)]
            if len(words) > 1:
                self._multi.setdefault(words[0], []).append((tuple(words[1:]), pos, lemma))
                continue
            tags = ("NOUN", "PROPN") if pos == "NOUN" else (pos,)
            for tag in tags:
                for form in {lemma, lemma.capitalize(), lemma.upper()}:
                    self._single[(POS_IDS[tag], strings.add(form))] = entries
        self._cues = codebook.status
        self._speech = codebook.speech_verbs
        self._negators = {n for n in self._cues.negators if " " not in n}
        self._negator_particles = {tuple(n.split(" ", 1)) for n in self._cues.negators if " " in n}
        self._context_of: dict[str, list[str]] = {}
        for label, vocabulary in codebook.ontology.contexts.items():
            for word in vocabulary:
                self._context_of.setdefault(word, []).append(label)

    # ------------------------------------------------------------------ entry point
    def __call__(self, doc: Doc, actors: Sequence[ActorMention]) -> tuple[EventMention, ...]:
        """Event mentions of ``doc``; ``actors`` are the actors stage's mentions."""
        run = _Run(self, doc, actors)
        return run.extract()

    # ------------------------------------------------------------------ helpers used by _Run
    def matches(self, doc: Doc) -> list[tuple[Span, list[TriggerEntry]]]:
        """Every trigger word of ``doc`` with the codebook entries it may stand for."""
        out = []
        strings = doc.vocab.strings  # token texts without a Token object for every word
        for i, (pos, lemma, lower) in enumerate(doc.to_array([POS, LEMMA, LOWER]).tolist()):
            entries = self._single.get((pos, lemma))
            if entries:
                out.append((doc[i : i + 1], entries))
            for rest, tag, whole in self._multi.get(strings[lower], ()) if entries is None else ():
                span = doc[i : i + 1 + len(rest)]
                head = span[-1]
                if (
                    len(span) == 1 + len(rest)
                    and tuple(t.lower_ for t in span[1:-1]) == rest[:-1]
                    and head.lemma_.lower() == rest[-1]
                    and head.pos_ in (("NOUN", "PROPN") if tag == "NOUN" else (tag,))
                ):
                    out.append((span, self._entries[(tag, whole)]))
        return out


def _lemma(token: Token) -> str:
    return token.lemma_.lower()


class _Run:
    """State of one extraction over one Doc (nothing survives between Docs)."""

    def __init__(self, ex: EventExtractor, doc: Doc, actors: Sequence[ActorMention]) -> None:
        self.ex = ex
        self.doc = doc
        article = doc._.article
        self.article_id = article.article_id if article is not None else ""
        self.sents = list(doc.sents)
        self.sent_of = {s.start: i for i, s in enumerate(self.sents)}
        self.by_token: dict[int, list[ActorMention]] = {}
        self.tokens_of: dict[int, tuple[int, int]] = {}
        for actor in actors:
            start, end = actor.token_start, actor.token_end
            if start < 0 or end <= start:
                span = doc.char_span(actor.start, actor.end, alignment_mode="expand")
                if span is None:
                    continue
                start, end = span.start, span.end
            self.tokens_of[id(actor)] = (start, end)
            for i in range(start, end):
                self.by_token.setdefault(i, []).append(actor)
        self._subjects: dict[int, list[ActorMention]] = {}
        self._status: dict[tuple[int, str], tuple[str, str | None]] = {}
        self.found: list[_Found] = []
        self._unnamed_plans: list[tuple[_Candidate, int, bool]] = []  # ``_unnamed_protests``

    def sent_index(self, token: Token) -> int:
        return self.sent_of[token.sent.start]

    # ------------------------------------------------------------------ main loop
    def extract(self) -> tuple[EventMention, ...]:
        cands = self._candidates()
        suppressed = self._suppressed(cands)
        for cand in cands:
            if cand.token.i in suppressed:
                continue
            self._events_of(cand)
        self._unnamed_protests()
        claims, disputed = self._claims()
        self.found = [f for f in self.found if id(f) not in disputed] + claims
        self.found = [self._threat(self._allegation(self._demand(f))) for f in self.found]
        return tuple(self._mentions(self._dedupe(self.found)))

    def _candidates(self) -> list[_Candidate]:
        best: dict[int, tuple[int, bool, int, _Candidate]] = {}
        for span, entries in self.ex.matches(self.doc):
            token = span[-1]
            for entry in entries:  # most specific first: the first frame that holds wins
                objects = self._frame(token, entry)
                if objects is None:
                    continue
                rank = (entry.specificity, id(entry) in self.ex._user, len(span))
                if token.i not in best or rank > best[token.i][:3]:
                    best[token.i] = (*rank, _Candidate(token, span, entry, objects))
                break
        return [best[i][3] for i in sorted(best)]

    def _frame(self, token: Token, entry: TriggerEntry) -> tuple[Token, ...] | None:
        """The frame's matched objects (empty when it has none), or None if it fails."""
        objects: tuple[Token, ...] = ()
        if entry.subject and not self._subject_is(token, entry.subject):
            return None
        if entry.object:
            heads = [c for c in token.children if c.dep_ in _OBJ | _PASSIVE_SUBJ]
            if token.dep_ in {"acl", "relcl"} and token.tag_ == "VBN":
                heads.append(token.head)  # "sanctions imposed on X"
            if entry.prep:  # "responded with tear gas": the object of the frame's preposition
                heads += [
                    o
                    for c in token.children
                    if c.dep_ == "prep" and c.lower_ in entry.prep
                    for o in c.children
                    if o.dep_ == "pobj"
                ]
            heads += [c for h in heads for c in h.children if c.dep_ == "conj"]
            objects = tuple(h for h in heads if _lemma(h) in entry.object)
            if not objects:
                return None
        mods = {
            _lemma(c)
            for t in (token, *objects)
            for c in t.children
            if c.dep_ in _NP_MODS | {"poss"}
        }
        if entry.modifier and not mods & set(entry.modifier):
            return None
        if entry.unless:  # "news conference", "met the press"
            direct = {_lemma(c) for c in token.children if c.dep_ == "dobj"}
            if (mods | direct) & set(entry.unless):
                return None
        if entry.prep:
            preps = {
                c.lower_
                for t in (token, *objects)
                for c in t.children
                if c.dep_ in {"prep", "dative", "agent", "prt"}
            }
            if not preps & set(entry.prep):
                return None
        if entry.object_is_actor:
            heads = [c for c in token.children if c.dep_ in {"dobj", "dative", "nsubjpass"}]
            if token.dep_ == "acl" and token.tag_ == "VBN":
                heads.append(token.head)  # "the journalist detained in Tehran"
            if not any(self.np_actors(h) for h in heads):
                return None
        if entry.particle and not any(
            c.dep_ in {"prt", "prep", "advmod"} and c.lower_ == entry.particle
            for c in token.children
        ):
            return None
        return objects

    @staticmethod
    def _subject_is(token: Token, lemmas: tuple[str, ...]) -> bool:
        """The trigger's doer is one of ``lemmas``: its subject, its passive agent, or the
        noun a relative or participle clause describes ("protesters who camped")."""
        doers = [c for c in token.children if c.dep_ in _SUBJ]
        doers += [o for c in token.children if c.dep_ == "agent" for o in c.children]
        if token.dep_ in {"relcl", "acl"}:
            doers.append(token.head)
        doers += [c for d in doers for c in d.children if c.dep_ == "conj"]
        # "thousands of protesters", "a group of demonstrators"
        doers += [
            o
            for d in doers
            for c in d.children
            if c.dep_ == "prep" and c.lower_ == "of"
            for o in c.children
            if o.dep_ == "pobj"
        ]
        return any(_lemma(d) in lemmas for d in doers)

    def _suppressed(self, cands: list[_Candidate]) -> set[int]:
        """Tokens whose trigger is part of another event: frame objects and embedded clauses."""
        out: set[int] = set()
        plover = {cand.token.i: cand.entry.plover for cand in cands}
        for cand in cands:
            out.update(t.i for t in cand.objects)
            # "met X to discuss Y": the purpose of a same-type event is that event; "a
            # loan to support X" names who the aid is for
            out.update(
                c.i
                for c in self._purposes(cand)
                if plover.get(c.i) == cand.entry.plover
                or (plover.get(c.i) in _BENEFIT and cand.entry.plover in _BENEFIT)
            )
            for obj in cand.objects:  # "expressed willingness to cooperate with X"
                out.update(
                    t.i
                    for c in obj.children
                    if c.dep_ in {"acl", "xcomp"} and c != cand.token
                    for t in c.subtree
                )
            if cand.entry.embeds:
                for child in self.embedded(cand.token):
                    out.update(t.i for t in child.subtree)
        return out

    @staticmethod
    def _purposes(cand: _Candidate) -> list[Token]:
        """To-infinitive purpose clauses of a trigger or of its frame objects."""
        return [
            c
            for head in (cand.token, *cand.objects)
            for c in head.children
            if c.dep_ in {"advcl", "xcomp", "acl", "relcl"}
            and any(a.dep_ == "aux" and a.tag_ == "TO" for a in c.children)
        ]

    @staticmethod
    def embedded(token: Token) -> list[Token]:
        """The clause or phrase an embedding trigger governs ("urged X to <clause>")."""
        return [
            child
            for child in token.children
            if child.dep_ in {"xcomp", "ccomp", "dobj"}
            or (child.dep_ == "prep" and child.lower_ in {"for", "on", "upon", "against"})
        ]

    # ------------------------------------------------------------------ actors of a phrase
    def np_actors(self, token: Token) -> list[ActorMention]:
        """Actors a noun phrase headed by ``token`` names (its own words, then conjuncts)."""
        out = list(self.by_token.get(token.i, ()))
        # an apposition renames a coded head ("the AU envoy, Ghanaian diplomat X"): it is
        # the same party, not a second one; the town a place lies in is no party to what
        # happens there ("Cairo's Tahrir Square")
        skip = {"appos"} if out else set()
        if (
            token.ent_type_ in {"FAC", "LOC"}
            or _lemma(token) in self.ex.codebook.ontology.place_words
        ):
            skip.add("poss")
        stack = [c for c in token.children if c.dep_ in (_NP_MODS | {"poss"}) - skip]
        if not out:  # "a Pakistani delegation", "the ministers of Iran and Qatar"
            # "the border with China" stands for the country across it
            # "delegations from both sides", "officials from Kenya" are theirs too
            across = "with" if _lemma(token) in self.ex.codebook.ontology.border_words else "of"
            stack += [
                o
                for c in token.children
                if c.dep_ == "prep" and c.lower_ in {"of", "from", across}
                for o in c.children
                if o.dep_ == "pobj"
            ]
        else:  # coordination inside a coded phrase: "the ministers of Iran and Qatar"
            inside = {i for a in out for i in range(*self.tokens_of[id(a)])}
            stack += [
                c
                for i in sorted(inside)
                for c in self.doc[i].children
                if c.dep_ == "conj" and c.i not in inside
            ]
        while stack:  # "Kenyan and Ethiopian officials": every coded modifier counts
            child = stack.pop()
            out.extend(self.by_token.get(child.i, ()))
            stack.extend(c for c in child.children if c.dep_ in _NP_MODS | {"poss", "conj"})
        for child in token.children:
            if child.dep_ == "conj":
                out.extend(self.np_actors(child))
        return _unique(out)

    def subject_actors(self, token: Token, depth: int = 0) -> list[_Arg]:
        """Actors of a verb's subject, following control, relative clauses and pronouns."""
        # the parser sometimes hangs the subject on an auxiliary set apart from its verb
        # ("X had at the end of the visit reached ...")
        auxiliaries = [c for c in token.children if c.dep_ in {"aux", "auxpass"}]
        for child in [*token.children, *(g for a in auxiliaries for g in a.children)]:
            if child.dep_ in _SUBJ:
                found = self.np_actors(child)
                if found:
                    return [_Arg(a, _DIRECT, "subject") for a in found]
                if _lemma(child) in {"who", "which", "that"} and token.dep_ == "relcl":
                    # the antecedent, only when it is an actor itself: "the minister, who
                    # met X", not "a relationship, which will help", "resolutions that ban"
                    if token.head.i not in self.by_token:
                        return []
                    return [_Arg(a, _DIRECT, "subject") for a in self.np_actors(token.head)]
                if child.pos_ == "PRON":
                    return self.pronoun(child)
                owner = [c for c in child.children if c.dep_ == "poss" and c.pos_ == "PRON"]
                if owner:  # "his government", "their troops"
                    return self.pronoun(owner[0])
                if child.pos_ in {"VERB", "AUX"}:  # a misparsed prefix ("co-hosted")
                    return self.subject_actors(child, depth + 1)
                return []
        if token.dep_ == "relcl":
            return [_Arg(a, _DIRECT, "subject") for a in self.np_actors(token.head)]
        if _gerund_topic(token):
            return []
        if (
            depth < 3
            and token.dep_ in {"xcomp", "conj", "advcl", "acl", "acomp"}
            and token.head != token
        ):
            head = token.head
            if token.dep_ == "xcomp":
                for child in head.children:
                    if child.dep_ in {"dobj", "dative"}:
                        found = self.np_actors(child)
                        if found:
                            return [_Arg(a, _DIRECT, "object control") for a in found]
                for child in head.children:  # raising: "X is expected/set to visit"
                    if child.dep_ in _PASSIVE_SUBJ:
                        return [_Arg(a, _DIRECT, "subject") for a in self.np_actors(child)]
            if token.dep_ == "acl" and head.pos_ in {"NOUN", "PROPN"}:
                return [_Arg(a, _GOVERNOR, "head noun") for a in self.np_actors(head)]
            if head.pos_ in {"VERB", "AUX", "ADJ"}:
                return self.subject_actors(head, depth + 1)
        return []

    def pronoun(self, token: Token) -> list[_Arg]:
        """A pronoun the actors stage left uncoded: speaker for we/I, else the previous subject."""
        index = self.sent_index(token)
        if token.lower_ in _FIRST_PERSON:
            return self.speaker(token)
        clause = token.head
        while clause.pos_ not in {"VERB", "AUX"} and clause.head != clause:
            clause = clause.head
        if self._reported(clause):  # "X said they would meet Y": they = X
            speech = clause
            while _lemma(speech) not in self.ex._speech:
                speech = speech.head
            found = [a for c in speech.children if c.dep_ in _SUBJ for a in self.np_actors(c)]
            if found:
                return [_Arg(a, _SPEAKER, "speaker") for a in found]
        if index == 0:
            return []
        return [_Arg(a, _PRONOUN, "previous subject") for a in self.root_subjects(index - 1)]

    def speaker(self, token: Token) -> list[_Arg]:
        """Who says the sentence holding ``token``: the subject of a speech verb nearby."""
        index = self.sent_index(token)
        for i in (index, index + 1, index - 1):
            if not 0 <= i < len(self.sents):
                continue
            for tok in self.sents[i]:
                if _lemma(tok) in self.ex._speech and tok.pos_ == "VERB" and tok != token.head:
                    for child in tok.children:
                        if child.dep_ in _SUBJ:
                            found = self.np_actors(child)
                            if (
                                not found
                                and child.pos_ == "PRON"
                                and child.lower_ not in _FIRST_PERSON
                            ):
                                found = self.root_subjects(i - 1) if i > 0 else []
                            if found:
                                return [_Arg(a, _SPEAKER, "speaker") for a in found]
        return []

    def root_subjects(self, index: int) -> list[ActorMention]:
        """Actors in the subject of a sentence's main verb (for pronouns of the next one)."""
        if index not in self._subjects:
            self._subjects[index] = []  # guards the speaker <-> subject recursion
            root = self.sents[index].root
            found: list[ActorMention] = []
            for child in root.children:
                if child.dep_ in _SUBJ | _PASSIVE_SUBJ:
                    found = self.np_actors(child)
            if not found and root.lemma_.lower() in self.ex._speech:
                found = [a.actor for a in self.speaker(root)]
            self._subjects[index] = found
        return self._subjects[index]

    # ------------------------------------------------------------------ arguments
    def _target_preps(self, entry: TriggerEntry) -> frozenset[str]:
        kind = self.ex.codebook.ontology.plover[entry.plover]
        return _TARGET_PREPS | set(kind.target_preps) | set(entry.target_preps) | set(entry.prep)

    def _prep_args(
        self, heads: Iterable[Token], preps: frozenset[str], conf: float
    ) -> tuple[list[_Arg], list[_Arg]]:
        """(between-pairs, targets) from the prepositional children of ``heads``."""
        pair: list[_Arg] = []
        targets: list[_Arg] = []
        for head in heads:
            children = list(head.children)
            for child in children:
                if child.dep_ not in {"prep", "dative"} or child.lower_ == "according":
                    continue  # "according to UN figures" names a source of information
                objs = [c for c in child.children if c.dep_ == "pobj"]
                if not objs:  # "with protesters demanding ...": the clause's subject
                    objs = [
                        s
                        for p in child.children
                        if p.dep_ == "pcomp"
                        for s in p.children
                        if s.dep_ in _SUBJ
                    ]
                if not objs:  # "out of X", "away from X"
                    children += [c for c in child.children if c.dep_ == "prep"]
                if child.dep_ == "dative" and not objs:
                    objs = [child]
                found = [a for o in objs for a in self.np_actors(o)]
                if child.lower_ == "between" or child.lower_ == "among":
                    pair.extend(_Arg(a, conf, "between") for a in found)
                elif child.lower_ in preps:
                    targets.extend(_Arg(a, conf, child.lower_) for a in found)
        return pair, targets

    def verb_args(self, cand: _Candidate) -> tuple[list[_Arg], list[_Arg]]:
        token, entry = cand.token, cand.entry
        preps = self._target_preps(entry)
        passive = any(c.dep_ in _PASSIVE_SUBJ or c.dep_ == "auxpass" for c in token.children)
        sources: list[_Arg] = []
        targets: list[_Arg] = []
        if passive:
            for child in token.children:
                if child.dep_ == "agent":
                    sources += [
                        _Arg(a, _DIRECT, "agent") for o in child.children for a in self.np_actors(o)
                    ]
                elif child.dep_ in _PASSIVE_SUBJ and child not in cand.objects:
                    targets += [_Arg(a, _DIRECT, "passive subject") for a in self.np_actors(child)]
        else:
            sources = self.subject_actors(token) or self._stranded_subject(token)
            if token.dep_ == "acl" and token.tag_ == "VBN":  # "the delegation led by X"
                sources = [
                    _Arg(a, _DIRECT, "agent")
                    for c in token.children
                    if c.dep_ == "agent"
                    for o in c.children
                    for a in self.np_actors(o)
                ]
            for child in token.children:
                if entry.object_is_topic and child.dep_ == "dobj":
                    continue
                if child.dep_ in {"dobj", "dative", "iobj"} and child not in cand.objects:
                    targets += [_Arg(a, _DIRECT, "object") for a in self.np_actors(child)]
            clause = _among_those(token)
            if clause is not None:  # "X was not among those sanctioned": X underwent it
                targets += [
                    _Arg(a, _DIRECT, "among those")
                    for c in clause.children
                    if c.dep_ in _SUBJ
                    for a in self.np_actors(c)
                ]
        heads = [token, *cand.objects]
        heads += [c for c in token.children if c.dep_ == "dobj" and c not in cand.objects]
        heads += [c for o in cand.objects for c in o.children if c.dep_ in {"acl", "xcomp"}]
        # "imposed by the EU on Russia": a target phrase the parser hung on the agent
        heads += [o for c in token.children if c.dep_ == "agent" for o in c.children]
        pair, prep_targets = self._prep_args(heads, preps, _PREP)
        targets += prep_targets
        if not targets:  # "accepted the plan put forward by X": the plan's author
            targets = [
                _Arg(a, _PREP, "author")
                for o in cand.objects
                for c in o.children
                if c.dep_ == "acl"
                for agent in c.children
                if agent.dep_ == "agent"
                for p in agent.children
                for a in self.np_actors(p)
            ]
        if cand.objects and not targets:  # "summoned the Indian envoy", "freed Pakistani prisoners"
            targets = [
                _Arg(a, _PREP, "object phrase") for o in cand.objects for a in self.np_actors(o)
            ]
        if entry.embeds and not targets:  # "threatened to attack X": X is the target
            targets = self._embedded_targets(token)
        if entry.plover in _BENEFIT and not targets:  # "approved a loan to support X's plan"
            targets = [
                _Arg(a, _PREP, "purpose")
                for c in self._purposes(cand)
                for o in c.children
                if o.dep_ in {"dobj", "dative"}
                for a in self.np_actors(o)
            ]
        if pair:
            if sources:
                targets += pair
            else:
                sources = pair
        return sources, targets

    def _stranded_subject(self, token: Token) -> list[_Arg]:
        """Actors written right before a main verb the parser left without a subject: in
        "In addition to discussing X, Rubio and Dar also touched upon Y" it hangs the
        names on the clause before. Only for a finite main verb; words between may be
        adverbs and auxiliaries ("also", "have")."""
        if token.dep_ != "ROOT" or token.tag_ not in {"VBD", "VBZ", "VBP"}:
            return []
        if any(c.dep_ in _SUBJ | _PASSIVE_SUBJ | {"expl"} for c in token.children):
            return []
        start = token.sent.start
        i = token.i - 1
        while i >= start and self.doc[i].pos_ in {"ADV", "AUX", "PART"}:
            i -= 1
        found: list[ActorMention] = []
        while i >= start:
            actors = self.by_token.get(i)
            if actors:
                found = [a for a in actors if a not in found] + found
                i = min(self.tokens_of[id(a)][0] for a in actors) - 1
            elif self.doc[i].lower_ in {"and", ","} and found:
                i -= 1
            else:
                break
        return [_Arg(a, _GOVERNOR, "stranded subject") for a in found]

    def _embedded_targets(self, token: Token) -> list[_Arg]:
        """Targets inside the clause an embedding verb governs ("demanded that Japan apologise",
        "called for a ceasefire between X and Y", "agreed to resume talks with X")."""
        out: list[_Arg] = []
        for child in self.embedded(token):
            if child.dep_ == "dobj":
                continue
            heads = (
                [child]
                if child.dep_ != "prep"
                else [o for o in child.children if o.dep_ in {"pobj", "pcomp"}]
            )
            for head in heads:
                if child.dep_ == "ccomp":
                    out += [
                        _Arg(a, _PREP, "embedded subject")
                        for c in head.children
                        if c.dep_ in _SUBJ
                        for a in self.np_actors(c)
                    ]
                objs = [o for o in head.children if o.dep_ in {"dobj", "dative"}]
                out += [_Arg(a, _PREP, "embedded object") for o in objs for a in self.np_actors(o)]
                pair, more = self._prep_args([head, *objs], _TARGET_PREPS, _PREP)
                out += pair + more
        return out

    def _subject_args(self, verb: Token, how: str) -> list[_Arg]:
        """The actors of a verb's subject, as parties of the event noun it governs."""
        return [
            _Arg(a, _GOVERNOR, how)
            for c in verb.children
            if c.dep_ in _SUBJ | _PASSIVE_SUBJ
            for a in self.np_actors(c)
        ]

    def noun_args(self, cand: _Candidate) -> tuple[list[_Arg], list[_Arg]]:
        token, entry = cand.token, cand.entry
        kind = self.ex.codebook.ontology.plover[entry.plover]
        preps = self._target_preps(entry)
        sources: list[_Arg] = []
        targets: list[_Arg] = []
        mods: list[_Arg] = []
        covering = self.by_token.get(token.i, [])
        if len(covering) >= 2:  # "the US-Pakistan dialogue" as one token
            mods += [_Arg(a, _MODIFIER, "compound") for a in covering]
        for child in token.children:
            if child.dep_ == "poss":
                sources += [_Arg(a, _PREP, "possessive") for a in self.np_actors(child)]
            elif child.dep_ in _NP_MODS:  # "US-Pakistan talks", "a Pakistani delegation"
                for tok in child.subtree:
                    if tok.dep_ in _NP_MODS | {"conj", "poss"} or tok == child:
                        mods += [
                            _Arg(a, _MODIFIER, "compound") for a in self.by_token.get(tok.i, ())
                        ]
            elif child.dep_ == "prep" and child.lower_ in {"of", "by"}:
                found = [a for o in child.children if o.dep_ == "pobj" for a in self.np_actors(o)]
                role = "source" if child.lower_ == "by" else kind.of_role
                (sources if role == "source" else targets).extend(
                    _Arg(a, _PREP, child.lower_) for a in found
                )
            elif child.dep_ == "prep":
                sources += self._mediator(child)
        pair, prep_targets = self._prep_args([token], preps - {"of", "by"}, _PREP)
        targets += prep_targets
        mods = [
            m for m in _unique_args(mods) if all(m.actor is not s.actor for s in sources + targets)
        ]
        if pair:
            (targets if sources or mods else sources).extend(pair)
        if mods:
            if not sources:
                sources = mods
            elif not targets:
                targets = mods
        head = token.head
        gov = _governor(token)
        onto = self.ex.codebook.ontology
        if not sources and gov is not None and _held_by(token, gov, "in", onto.engage_words):
            # "X were locked in a standoff with Y", "X engaged in talks with Y": the
            # verb's subject and partner are the event's
            sources = self._subject_args(gov, "engaged")
            pair, more = self._prep_args([gov], preps, _GOVERNOR)
            targets += pair + more
        if not sources and gov is not None and _held_by(token, gov, "under", onto.undergo_words):
            # "the convoy came under attack from ISWAP fighters": the subject suffers it,
            # the "from" party does it
            targets = self._subject_args(gov, "undergoes")
            sources = [
                _Arg(a, _PREP, "from")
                for prep in (*token.children, *gov.children)
                if prep.dep_ == "prep" and prep.lower_ == "from"
                for o in prep.children
                if o.dep_ == "pobj"
                for a in self.np_actors(o)
            ]
            return sources, targets
        if (
            not sources
            and gov is not None
            and token.dep_ == "dobj"
            and token.head == gov
            and _lemma(gov) in onto.elicit_words
        ):
            # "the verdict drew condemnation from Germany", "... drew condemnation, with
            # the German minister saying ...": the party it came from reacts, and the
            # deed that drew it says at whom (the type's reacts)
            parties = [
                o
                for prep in (*token.children, *gov.children)
                if prep.dep_ == "prep" and prep.lower_ in {"from", "with"}
                for o in prep.children
                if o.dep_ == "pobj"
            ]
            parties += [  # "with X saying": the parser hangs X under the participle
                s
                for prep in (*token.children, *gov.children)
                if prep.dep_ == "prep" and prep.lower_ == "with"
                for c in prep.children
                if c.dep_ == "pcomp"
                for s in c.children
                if s.dep_ in _SUBJ
            ]
            return [_Arg(a, _PREP, "from") for o in parties for a in self.np_actors(o)], []
        if (
            not sources
            and head != token
            and gov is not None
            and (token.dep_ != "pobj" or token.head.lower_ in _TOPIC_PREPS)
        ):
            how = _GOVERNOR if token.dep_ == "pobj" else _DIRECT
            if token.dep_ not in {"nsubj", "nsubjpass"}:
                sources = [
                    _Arg(a.actor, min(a.confidence, how), "governing verb")
                    for a in self.subject_actors(gov)
                ]
                sources = [s for s in sources if all(s.actor is not t.actor for t in targets)]
            pair, more = self._prep_args([gov], preps, _GOVERNOR)
            if token.dep_ in {"nsubj", "nsubjpass", "dobj"}:
                targets += more
                if pair:
                    (targets if sources else sources).extend(pair)
        return sources, targets

    # ------------------------------------------------------------------ events
    def _events_of(self, cand: _Candidate) -> None:
        token, entry = cand.token, cand.entry
        is_noun = entry.pos == "NOUN"
        if entry.anaphoric_only:
            if any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children):
                return
            sources: list[_Arg] = []
            targets: list[_Arg] = []
        else:
            sources, targets = self.noun_args(cand) if is_noun else self.verb_args(cand)
            if entry.reversed_roles:  # "air defences shot down Ukrainian drones"
                sources, targets = targets, sources
        kind = self.ex.codebook.ontology.plover[entry.plover]
        symmetric = kind.symmetric if entry.symmetric is None else entry.symmetric
        index = self.sent_index(token)
        sources, targets = self._implied(cand, sources, targets)
        if targets and not sources and self.status(cand)[0] == "negated":
            sources = self._doer_told(cand, targets)
        sources, targets = self._without_forums(sources, targets)
        if sources and not targets and kind.threat_cameo is not None:
            # "if Russia continues to interfere, we stand ready to impose sanctions"
            targets = self._condition_doers(token)
        own = {a.actor.country for a in sources}
        if (
            sources
            and kind.refusal_cameo
            and all(t.actor.country in own for t in targets)  # "its troops"
            and self._refused(cand)
        ):
            asker = self._asker(index, sources)
            if asker is not None:
                # "Manila would not withdraw its ship": a refusal of what was asked
                entry = entry.model_copy(
                    update={"plover": "REJECT", "cameo": kind.refusal_cameo, "mode": None}
                )
                refusal = self._derived(replace(cand, entry=entry), index, sources[0], asker)
                self.found.append(replace(refusal, status="occurred"))
                return
        if sources and kind.reacts:
            # "condemned the conviction of X": the conviction is the state's deed, and the
            # reaction is aimed at that state, not at the one convicted
            targets = self._reaction_target(cand, index, sources) or targets
        if not sources and not targets:
            definite = _definite(token) if is_noun else any(_definite(o) for o in cand.objects)
            if (
                (entry.anaphoric_only or (symmetric and definite))
                and not self._anaphora(cand, index, symmetric)
                and is_noun
            ):
                self._speakers_own(cand, index, symmetric)
            elif is_noun and entry.plover == "PROTEST" and self.status(cand)[0] == "planned":
                self._unnamed_plans.append((cand, index, symmetric))
            return
        if self._background(cand) or (is_noun and self._no_act(token)):
            return
        sources = _merge_same(sources)
        targets = _merge_same(targets)
        # "Obama discussing sanctions": a topic and one party name no second party; "host
        # 29 world leaders": the other party is named (an object that is no event word),
        # only not as a country
        known = self.ex._entries
        topic_only = any(
            (c.dep_ == "dobj" and (c not in cand.objects or ("NOUN", _lemma(c)) not in known))
            or (c.dep_ == "prep" and c.lower_ in {"with", "between"})
            for c in token.children
        )
        # "Aliyev's truce offer stands": a truce, deal or meeting one party
        # offers is with the other side the story has just named
        cooperative = (
            symmetric and is_noun and self.ex.codebook.ontology.quad_class(entry.cameo) < 3
        )
        lookback = (
            (entry.plover == "CONSULT" or cooperative)
            and not _reciprocal(token)
            and not _gerund_topic(token)
            and not topic_only
        )
        if lookback and (not sources or not targets) and len(sources) + len(targets) == 1:
            other = self._lookback(index, (sources or targets)[0].actor)
            if other is not None:
                targets = targets or [other]
                sources = sources or [other]
        military = entry.mode == "military" or self._military(token)
        # a party must have a country: "governments" alone names none
        sources = [a for a in sources if a.actor.country]
        targets = [a for a in targets if a.actor.country]
        pairs = _pairs(sources, targets, symmetric)
        each_other = (
            _reciprocal(token) or _lemma(token) in self.ex.codebook.ontology.reciprocal_words
        )
        if not symmetric and not targets and len(sources) >= 2 and each_other:
            # "X and Y launched attacks on each other's capitals": each on the other
            pairs = list(permutations(sorted(sources, key=lambda a: a.actor.start)[:4], 2))
        for src, tgt in pairs:
            if any(a is not None and a.actor.sector in kind.not_with for a in (src, tgt)):
                continue
            if src is None or tgt is None:
                if not self.ex.allow_monadic:
                    continue
            elif _same_actor(src.actor, tgt.actor):
                continue
            src = self._state_part(
                src, kind.military_source if military else None, kind.bare_source
            )
            tgt = self._state_part(
                tgt, kind.military_target if military else None, kind.bare_target
            )
            self.found.append(_Found(cand, index, src, tgt, symmetric))  # type: ignore[arg-type]

    def _implied(
        self, cand: _Candidate, sources: list[_Arg], targets: list[_Arg]
    ) -> tuple[list[_Arg], list[_Arg]]:
        """The party the text leaves unnamed but the event implies, of the named party's
        country: the court that sentences ("X was sentenced to five years"), the police
        that arrest (the trigger's ``implied_source``), the government protesters march
        against (the type's ``implied_target``)."""
        onto = self.ex.codebook.ontology
        kind = onto.plover[cand.entry.plover]
        if targets and not sources and cand.entry.implied_source:
            known = targets[0].actor
            if known.country and known.country != "IGO":
                sources = [self._unnamed(cand, known.country, cand.entry.implied_source)]
        elif sources and not targets and kind.implied_target:
            known = sources[0].actor
            if known.country and known.country != "IGO" and known.sector in onto.society_sectors:
                targets = [self._unnamed(cand, known.country, kind.implied_target)]
        return sources, targets

    def _doer_told(self, cand: _Candidate, targets: list[_Arg]) -> list[_Arg]:
        """Who did not do it: "Canada froze the assets of five Iranian officials ... the
        Iranian president himself was not sanctioned", "the measures do not target the
        president" deny the event of the party the story told doing it to others (the
        latest event of the type found before, from another country than the one
        spared)."""
        spared = {t.actor.country for t in targets}
        for prev in reversed(self.found):
            if (
                prev.cand.entry.plover == cand.entry.plover
                and prev.source is not None
                and prev.source.actor.country not in spared
            ):
                return [_Arg(prev.source.actor, _ANAPHORA, "doer told before")]
        return []

    def _refused(self, cand: _Candidate) -> bool:
        """The act is refused: "would not withdraw", "will not pull out", "refused to
        withdraw"."""
        verb = cand.token if cand.entry.pos != "NOUN" else _governor(cand.token)
        if verb is None:
            return False
        kids = {c.lower_ for c in verb.children if c.dep_ in {"neg", "aux"}}
        modals = {*self.ex._cues.future_modals, "would"}
        if kids & {"not", "n't", "never"} and kids & modals:
            return True
        return verb.dep_ == "xcomp" and _lemma(verb.head) in self.ex._cues.refusal_verbs

    def _asker(self, index: int, refusers: list[_Arg]) -> _Arg | None:
        """Who asked the refusers for it: the source of the latest request to their
        country in the six sentences before."""
        countries = {r.actor.country for r in refusers}
        for prev in reversed(self.found):
            if prev.sent_index < index - 6:
                break
            if (
                prev.cand.entry.plover == "REQUEST"
                and prev.source is not None
                and prev.target is not None
                and prev.target.actor.country in countries
                and prev.source.actor.country not in countries
            ):
                return _Arg(prev.source.actor, _ANAPHORA, "asked")
        return None

    def _reaction_target(self, cand: _Candidate, index: int, reactors: list[_Arg]) -> list[_Arg]:
        """ "Britain slammed the sentence": a reaction to an act the text told before is
        aimed at the state whose act it was (the latest hostile event of the last few
        sentences)."""
        onto = self.ex.codebook.ontology
        token = cand.token
        nouns = [c for c in token.children if c.dep_ in {"dobj", "nsubjpass"}]
        nouns += [o for c in token.children if c.dep_ == "prep" for o in c.children]
        gov = _governor(token) if cand.entry.pos == "NOUN" else None
        if gov is not None and _lemma(gov) in onto.elicit_words:  # "the verdict drew ..."
            nouns += [c for c in gov.children if c.dep_ in _SUBJ]
        if not any(_lemma(n) in onto.deed_words for n in nouns) and not (
            cand.entry.pos == "NOUN" and any(_lemma(n) in onto.deed_words for n in nouns)
        ):
            return []
        for prev in reversed(self.found):
            if prev.sent_index < index - 6:
                break
            actor = prev.source.actor if prev.source else None
            if (
                actor is not None
                and actor.country
                and actor.country != "IGO"
                and onto.quad_class(prev.cand.entry.cameo) == 4
                and all(r.actor.country != actor.country for r in reactors)
            ):
                return [self._unnamed(cand, actor.country, "GOV")]
        return []

    def _claims(self) -> tuple[list[_Found], set[int]]:
        """ "X said Y rammed its ship": a hostile act a party of the victim's side reports
        is also that party's accusation of the doer (CAMEO 112). When the article has
        told the same act the other way round before ("But China said it was the
        Philippine ship that rammed its vessel"), the later claim is a counter-claim: an
        accusation only, not a second act (the ids of those acts are returned)."""
        onto = self.ex.codebook.ontology
        out = []
        disputed: set[int] = set()
        for f in self.found:
            if f.source is None or f.target is None:
                continue
            if onto.quad_class(f.cand.entry.cameo) != 4 or f.cand.entry.plover == "ACCUSE":
                continue
            # what happened, as the victim tells it; not a defence's own report of what it
            # shot down, nor what might happen
            if f.cand.entry.reversed_roles or self.status(f.cand)[0] not in _FACTUAL:
                continue
            speech = self._speech_verb(f.cand.token)
            if speech is None:
                continue
            for spk in self.subject_actors(speech):
                country = spk.actor.country
                if country == f.target.actor.country and country != f.source.actor.country:
                    entry = f.cand.entry.model_copy(
                        update={"plover": "ACCUSE", "cameo": "112", "mode": "allege"}
                    )
                    claim = _Candidate(speech, self.doc[speech.i : speech.i + 1], entry, ())
                    out.append(self._derived(claim, f.sent_index, spk, f.source))
                    if self._told_reversed(f):
                        disputed.add(id(f))
                    break
        return out, disputed

    def _told_reversed(self, f: _Found) -> bool:
        """An act of the same type, with the two countries' roles swapped, was told earlier."""
        return any(
            g.cand.entry.plover == f.cand.entry.plover
            and g.cand.token.i < f.cand.token.i
            and g.source.actor.country == f.target.actor.country
            and g.target.actor.country == f.source.actor.country
            for g in self.found
            if g.source is not None and g.target is not None
        )

    def _demand(self, f: _Found) -> _Found:
        """ "X said Y should withdraw": what a speaker says another party should or must do
        is the speaker's request of that party (CAMEO 020), not that party's act."""
        cues = self.ex._cues
        verb = f.cand.token if f.cand.entry.pos != "NOUN" else _governor(f.cand.token)
        if verb is None or f.source is None:
            return f
        modals = {c.lower_ for c in verb.children if c.dep_ == "aux" and c.tag_ == "MD"}
        if not modals & set(cues.obligation_modals):
            return f
        speech = self._speech_verb(verb)
        if speech is None:
            return f
        asked = f.source.actor
        for spk in self.subject_actors(speech):
            if spk.actor.country and spk.actor.country != asked.country:
                entry = f.cand.entry.model_copy(
                    update={"plover": "REQUEST", "cameo": "020", "mode": None}
                )
                request = _Candidate(speech, self.doc[speech.i : speech.i + 1], entry, ())
                return self._derived(request, f.sent_index, spk, f.source)
        return f

    def _clause_walk(self, token: Token) -> list[Token]:
        """The token and its heads up to the top of its clause (a reported clause ends it)."""
        walk = [token]
        while len(walk) < 6 and walk[-1].head != walk[-1] and walk[-1].dep_ != "ccomp":
            walk.append(walk[-1].head)
        return walk

    def _condition_doers(self, token: Token) -> list[_Arg]:
        """The party an "if" clause the trigger's clause depends on names: its subject,
        else the first actor in it ("unless the neighbour halts its patrols")."""
        marks = self.ex._cues.condition_marks
        for t in self._clause_walk(token):
            for c in t.children:
                if c.dep_ != "advcl" or not any(m.lower_ in marks for m in c.children):
                    continue
                found = [a for s in c.children if s.dep_ in _SUBJ for a in self.np_actors(s)]
                found = (
                    found
                    or [
                        a
                        for i in range(c.left_edge.i, c.right_edge.i + 1)
                        for a in self.by_token.get(i, ())
                    ][:1]
                )
                if found:
                    return [_Arg(a, _GOVERNOR, "condition") for a in _unique(found)]
        return []

    def _threat(self, f: _Found) -> _Found:
        """ "We are prepared to cut off trade", "if they attack us, we will
        retaliate": a hostile act held out is a threat to do it (THREATEN, the type's
        threat_cameo), made when it is said."""
        onto, cues = self.ex.codebook.ontology, self.ex._cues
        code = onto.plover[f.cand.entry.plover].threat_cameo
        if code is None:
            return f
        walk = self._clause_walk(f.cand.token)
        held_out = any(_lemma(t) in cues.threat_words for t in walk[1:])
        modals = {c.lower_ for t in walk for c in t.children if c.dep_ == "aux"}
        conditional = any(
            c.dep_ == "advcl" and any(m.lower_ in cues.condition_marks for m in c.children)
            for t in walk
            for c in t.children
        )
        if not held_out and not (conditional and modals & {"will", "would", "'ll"}):
            return f
        entry = f.cand.entry.model_copy(update={"plover": "THREATEN", "cameo": code, "mode": None})
        threat = self._derived(replace(f.cand, entry=entry), f.sent_index, f.source, f.target)
        return replace(threat, status="occurred")

    def _allegation(self, f: _Found) -> _Found:
        """ "X warned that Y could stage provocations": a warning of what the other party
        will do is an allegation (ACCUSE, CAMEO 112), not a threat; "warned that Y would
        face consequences" stays a threat."""
        if f.cand.entry.plover != "THREATEN" or not f.cand.entry.embeds or f.target is None:
            return f
        suffer = self.ex.codebook.ontology.suffer_words
        for clause in f.cand.token.children:
            if clause.dep_ != "ccomp" or _lemma(clause) in suffer:
                continue
            doers = [a for c in clause.children if c.dep_ in _SUBJ for a in self.np_actors(c)]
            if any(a.country == f.target.actor.country for a in doers):
                entry = f.cand.entry.model_copy(
                    update={"plover": "ACCUSE", "cameo": "112", "mode": "allege", "embeds": False}
                )
                return self._derived(replace(f.cand, entry=entry), f.sent_index, f.source, f.target)
        return f

    def _derived(self, cand: _Candidate, index: int, source: _Arg, target: _Arg) -> _Found:
        """An event read from another one's report, its bare countries given their part."""
        kind = self.ex.codebook.ontology.plover[cand.entry.plover]
        src = self._state_part(source, kind.bare_source) or source
        tgt = self._state_part(target, kind.bare_target) or target
        return _Found(cand, index, src, tgt, kind.symmetric)

    def _speech_verb(self, token: Token) -> Token | None:
        """The speech verb whose reported clause holds ``token`` ("said ... rammed")."""
        tok = _governor(token) if token.pos_ == "NOUN" else token
        for _ in range(5):
            if tok is None or tok.head == tok:
                return None
            # "said it was the ship that rammed": the cleft's noun is read through
            if tok.dep_ not in {"ccomp", "advcl", "xcomp", "conj", "parataxis", "relcl", "attr"}:
                return None
            tok = tok.head
            if _lemma(tok) in self.ex._speech:
                return tok
        return None

    def _mediator(self, prep: Token) -> list[_Arg]:
        """ "under the auspices of the UN", "with the mediation of Qatar": who leads."""
        words = self.ex.codebook.ontology.mediator_words
        return [
            _Arg(a, _PREP, "mediator")
            for noun in prep.children
            if noun.dep_ == "pobj" and (_lemma(noun) in words or noun.lower_ in words)
            for of in noun.children
            if of.dep_ == "prep" and of.lower_ == "of"
            for o in of.children
            if o.dep_ == "pobj"
            for a in self.np_actors(o)
        ]

    def _forum(self, actor: ActorMention) -> bool:
        """An organisation named as the setting of a meeting ("the G20 summit")."""
        if actor.country != "IGO" or id(actor) not in self.tokens_of:
            return False
        last = self.doc[self.tokens_of[id(actor)][1] - 1]
        return (
            last.dep_ in {"compound", "nmod", "poss", "amod"}
            and _lemma(last.head) in self.ex.codebook.ontology.forum_words
        )

    def _without_forums(
        self, sources: list[_Arg], targets: list[_Arg]
    ) -> tuple[list[_Arg], list[_Arg]]:
        """Drop organisations named as the meeting's setting when it has two other parties,
        or none ("the G20 summit" alone names no party to pair with another)."""
        forums = {id(a.actor) for a in sources + targets if self._forum(a.actor)}
        if not forums or len(sources) + len(targets) - len(forums) == 1:
            return sources, targets
        return (
            [a for a in sources if id(a.actor) not in forums],
            [a for a in targets if id(a.actor) not in forums],
        )

    def _unnamed(self, cand: _Candidate, country: str, sector: str) -> _Arg:
        span = cand.span
        actor = ActorMention(
            start=span.start_char,
            end=span.end_char,
            sentence_index=self.sent_index(cand.token),
            text=span.text,
            country=country,
            sector=sector,
            name=f"{_country_name(country)} ({sector})",
            resolved_by="implied",
            token_start=span.start,
            token_end=span.end,
        )
        return _Arg(actor, _GOVERNOR, "implied")

    def _state_part(self, arg: _Arg | None, *sectors: str | None) -> _Arg | None:
        """A country named bare takes the sector its role in the event implies (the first of
        ``sectors`` given; plover.yaml says which): "Pakistan and the US will hold talks"
        are their governments. IGOs, coded sectors and "the Chilean people" are kept."""
        if arg is None:
            return None
        actor = arg.actor
        sector = next((s for s in sectors if s), None)
        if actor.resolved_by == "metonym" and sector is None:
            # a capital stands for its government where governments act; where the event
            # reaches the country ("missiles hit Kyiv") it is the place itself
            return replace(arg, actor=replace(actor, sector=None))
        if actor.sector or not actor.country or actor.country == "IGO":
            return arg
        words = self.ex.codebook.ontology.people_words
        if sector is None or actor.text.rsplit(None, 1)[-1].lower() in words:
            return arg
        return replace(arg, actor=replace(actor, sector=sector))

    def _background(self, cand: _Candidate) -> bool:
        """The trigger states a condition ("if Egypt meets the targets"), a habit ("the two
        nations have long cooperated") or an open question ("how we can help X"), not an
        event."""
        cues = self.ex._cues
        verb = cand.token if cand.entry.pos != "NOUN" else _governor(cand.token)
        if verb is None:
            return False
        clause = [verb]
        if verb.dep_ == "conj":  # "how we can deepen ties and help X"
            clause.append(verb.head)
        return any(
            (c.dep_ == "mark" and c.lower_ in cues.condition_marks)
            or (c.dep_ == "advmod" and c.lower_ in cues.question_words)
            or (c.dep_ == "advmod" and c.lower_ in cues.habitual_modifiers and v is verb)
            for v in clause
            for c in v.children
        )

    def _no_act(self, token: Token) -> bool:
        """The event noun names no act of its own: it describes an actor ("riot police",
        "protest leaders"), gathers many ("a series of clashes", "as part of its battle",
        "the negotiation process") or says what an event told before was ("This was the
        fourth round", "It will be his sixth summit")."""
        if token.dep_ in {"compound", "amod"} and self.by_token.get(token.head.i):
            return True
        onto = self.ex.codebook.ontology
        whole = token.head.head if token.dep_ == "pobj" else token.head
        if token.dep_ in {"pobj", "compound"} and _lemma(whole) in onto.aggregate_words:
            return True  # "a series of clashes", "the negotiation process"
        if token.dep_ == "pobj" and token.head.lower_ == "of":  # "the fourth round of talks"
            token = token.head.head
        return (
            token.dep_ == "attr"
            and token.head.lemma_ == "be"
            and any(
                c.dep_ == "nsubj" and c.lower_ in self.ex._cues.pointer_words
                for c in token.head.children
            )
        )

    def _additional(self, cand: _Candidate) -> bool:
        """The clause reports one more event ("also met", "discussed trade as well", "in
        addition to ..., they touched upon", "Later, X met Y separately", "another
        attack"), not a retelling of one reported before."""
        marks = set(self.ex._cues.other_event_marks)
        if cand.entry.pos == "NOUN" and any(
            c.dep_ in ("det", "amod") and c.lower_ in marks for c in cand.token.children
        ):
            return True
        verb = cand.token if cand.entry.pos != "NOUN" else _governor(cand.token)
        if verb is None:
            return False
        words = set(self.ex._cues.additive_modifiers)
        for c in verb.children:
            if (
                c.dep_ == "advmod"
                and c.lower_ in words
                and (c.lower_ != "well" or any(g.lower_ == "as" for g in c.children))
            ):
                return True
            if c.dep_ == "prep" and (
                c.lower_ in words or any(o.dep_ == "pobj" and o.lower_ in words for o in c.children)
            ):
                return True
        return False

    def _military(self, token: Token) -> bool:
        """The trigger is modified by a military word ("Defence Dialogue", "military talks")."""
        words = self.ex.codebook.ontology.military_words
        return any(
            c.dep_ in {"compound", "amod"} and c.lemma_.lower() in words for c in token.children
        )

    def _anaphora(self, cand: _Candidate, index: int, symmetric: bool) -> bool:
        """ "The first round was held ...": reuse the actors of the latest same-type event."""
        for prev in reversed(self.found):
            if prev.sent_index < index - 2:
                break
            if prev.cand.entry.plover == cand.entry.plover and prev.sent_index < index:
                src = _Arg(prev.source.actor, _ANAPHORA, "anaphora")
                tgt = _Arg(prev.target.actor, _ANAPHORA, "anaphora")
                self.found.append(_Found(cand, index, src, tgt, symmetric))
                return True
        return False

    def _unnamed_protests(self) -> None:
        """ "Calls for the council to go have grown, with a mass march now slated for
        Tuesday": a protest planned without naming who, in a story of protests, is the
        movement's that the nearest protest (three sentences either side) names."""
        for cand, index, symmetric in self._unnamed_plans:
            near = [
                f
                for f in self.found
                if f.cand.entry.plover == cand.entry.plover
                and abs(f.sent_index - index) <= 3
                and f.source is not None
                and f.target is not None
            ]
            if near:
                prev = min(near, key=lambda f: abs(f.sent_index - index))
                src = _Arg(prev.source.actor, _ANAPHORA, "protest nearby")
                tgt = _Arg(prev.target.actor, _ANAPHORA, "protest nearby")
                self.found.append(_Found(cand, index, src, tgt, symmetric))

    def _speakers_own(self, cand: _Candidate, index: int, symmetric: bool) -> None:
        """ "I believe the talks will be here in Washington," he said: a speaker talking in
        the first person about a two-party event names no party, but is one; the other is
        the other country of the last sentences."""
        if not symmetric:
            return
        clause = _governor(cand.token)
        first_person = False
        while clause is not None:
            if any(c.dep_ in _SUBJ and c.lower_ in _FIRST_PERSON for c in clause.children):
                first_person = True
                break
            clause = clause.head if clause.head != clause else None
        speakers = self.speaker(cand.token) if first_person else []
        if not speakers or not speakers[0].actor.country:
            return
        speaker = speakers[0].actor
        # the party is the speaker's side, not the speaker in person
        side = replace(
            speaker, name=_country_name(speaker.country), role=None, resolved_by="context"
        )
        other = self._lookback(index, speaker)
        if other is None:
            return
        kind = self.ex.codebook.ontology.plover[cand.entry.plover]
        own = _Arg(side, _LOOKBACK, "speaker")
        other = self._state_part(other, kind.bare_target) or other
        self.found.append(_Found(cand, index, own, other, symmetric))

    def _lookback(self, index: int, known: ActorMention) -> _Arg | None:
        """The other side of a two-party event named in one of the two previous sentences."""
        for i in (index, index - 1, index - 2):
            if i < 0:
                continue
            pool = self.root_subjects(i) if i != index else []
            if i != index:
                sent = self.sents[i]
                pool = pool + sorted(
                    {
                        id(a): a
                        for t in range(sent.start, sent.end)
                        for a in self.by_token.get(t, ())
                    }.values(),
                    key=lambda a: a.start,
                )
            for actor in pool:
                if actor.country and actor.country != known.country and not self._forum(actor):
                    return _Arg(actor, _LOOKBACK, "previous sentence")
        return None

    def _dedupe(self, found: list[_Found]) -> list[_Found]:
        """One event per sentence, type and pair of parties (the most confident): parties
        are the same when their countries agree and their sectors do or one is unknown
        ("Pakistan" and "Pakistan's government"), so the government and the opposition of
        one country stay two. An event the sentence adds with "also" stays beside the one
        before it."""
        kept: list[tuple[tuple[Any, ...], list[Any], _Found]] = []
        for f in found:
            key = (
                f.sent_index,
                f.cand.entry.plover,
                self.status(f.cand)[0],  # "ambushed a convoy, killing 15": one event
                self._additional(f.cand),
            )
            sides = [f.source.actor if f.source else None, f.target.actor if f.target else None]
            for n, (other_key, other_sides, old) in enumerate(kept):
                if other_key == key and _same_parties(sides, other_sides, f.symmetric):
                    if _score(f) > _score(old):
                        kept[n] = (key, sides, f)
                    break
            else:
                kept.append((key, sides, f))
        return sorted((f for _k, _s, f in kept), key=lambda f: (f.sent_index, f.cand.token.i))

    def _mentions(self, found: list[_Found]) -> Iterable[EventMention]:
        onto = self.ex.codebook.ontology
        for f in found:
            cand, entry = f.cand, f.cand.entry
            sent = self.sents[f.sent_index]
            status, tense = self.status(cand)
            status = f.status or status
            src = f.source.actor if f.source else None
            tgt = f.target.actor if f.target else None
            conf = min(a.confidence for a in (f.source, f.target) if a is not None)
            mode = entry.mode
            if entry.plover == "CONSULT" and mode is None:
                countries = {a.country for a in self.np_actors(cand.token) if a.country}
                mode = "multilateral" if len(countries) > 2 else None
            cameo = self._repression(entry, src, tgt) or entry.cameo
            yield EventMention(
                mention_id=mention_id(
                    self.article_id,
                    f.sent_index,
                    cand.span.start_char,
                    cand.span.end_char,
                    src.code if src else None,
                    tgt.code if tgt else None,
                    entry.plover,
                ),
                article_id=self.article_id,
                sentence_index=f.sent_index,
                sentence=sent.text.rstrip(),  # not the blank lines ending a paragraph
                start_char=sent.start_char,
                end_char=sent.start_char + len(sent.text.rstrip()),
                trigger=cand.span.text,
                trigger_start=cand.span.start_char,
                trigger_end=cand.span.end_char,
                source=src,
                target=tgt,
                plover=entry.plover,
                cameo=cameo,
                goldstein=onto.goldstein(cameo),
                quad_class=onto.quad_class(cameo),
                status=status,
                mode=mode,
                context=self.context(sent),
                tense=tense,
                confidence=round(conf, 3),
                additional=self._additional(cand),
            )

    def _repression(
        self, entry: TriggerEntry, src: ActorMention | None, tgt: ActorMention | None
    ) -> str | None:
        """The type's repression code when the state's forces turn on their own society."""
        onto = self.ex.codebook.ontology
        code = onto.plover[entry.plover].repression_cameo
        if code is None or src is None or tgt is None or src.country != tgt.country:
            return None
        if src.sector in onto.state_sectors and tgt.sector in onto.society_sectors:
            return code
        return None

    def context(self, sent: Span) -> tuple[str, ...]:
        labels: set[str] = set()
        for tok in sent:
            labels.update(self.ex._context_of.get(tok.lemma_.lower(), ()))
        return tuple(sorted(labels))

    # ------------------------------------------------------------------ status
    def status(self, cand: _Candidate) -> tuple[str, str | None]:
        """(status, tense) of a trigger from its clause: negation > hypothetical >
        event-noun modifiers > planning verbs and future > progressive > past/perfect."""
        key = (cand.token.i, cand.entry.pos)
        if key not in self._status:
            status, tense = self._read_status(cand)
            if cand.entry.negated and status in _FACTUAL:
                status = "negated"  # "the sanctions spared X"
            elif cand.entry.negated and status == "negated":
                status = "occurred"  # "the sanctions did not spare X"
            self._status[key] = (status, tense)
        return self._status[key]

    def _read_status(self, cand: _Candidate) -> tuple[str, str | None]:
        cues = self.ex._cues
        token = cand.token
        verb = token if cand.entry.pos != "NOUN" else _governor(token)
        verb = _among_those(token) or verb  # "X was not among those sanctioned"
        if verb == token and not any(c.dep_ in {"aux", "auxpass"} for c in token.children):
            # a hyphenated trigger may carry its auxiliaries on a prefix ("will co-host")
            verb = next((t for t in cand.span if any(c.dep_ == "aux" for c in t.children)), token)
        chain = _verb_chain(verb) if verb is not None else []
        tensed = verb
        while tensed is not None and _infinitive(tensed):  # "will lead a team to meet X"
            tensed = tensed.head
            chain += [t for t in _verb_chain(tensed) if t not in chain]
        if tensed is not None and _participle(tensed):
            # "showed videos, saying X rammed ...", "scenes of protesters fighting police
            # were ...": the time of the verb the participle hangs on
            tensed = tensed.head if tensed.dep_ == "advcl" else _governor(tensed.head)
        tense = _tense(tensed, cues) if tensed is not None else None
        # negation
        if any(c.dep_ == "det" and c.lower_ == "no" for c in token.children):
            return "negated", tense
        for v in chain:
            if any(c.dep_ == "neg" for c in v.children) or (v != token and self._negator(v)):
                return "negated", tense
        # hypothetical
        for v in chain:
            if any(c.dep_ == "mark" and c.lower_ in cues.conditional_marks for c in v.children):
                return "hypothetical", tense
            if any(  # "would impose sanctions if the talks failed"
                c.dep_ == "advcl"
                and any(m.dep_ == "mark" and m.lower_ in cues.condition_marks for m in c.children)
                for c in v.children
            ):
                return "hypothetical", tense
            modals = {c.lower_ for c in v.children if c.dep_ == "aux" and c.tag_ == "MD"}
            if modals & set(cues.tentative_modals) and self._future_time(v, token):
                return "planned", tense
            if modals & set(cues.hypothetical_modals):
                return "hypothetical", tense
            if "would" in modals and not self._reported(v):
                return "hypothetical", tense
            if v != verb and _lemma(v) in cues.hypothetical_verbs:
                if (
                    _lemma(v) in cues.attempt_verbs
                    and tense in ("past", "perfect")
                    and verb is not None
                    and verb.head == v
                ):
                    # "tried to mediate a truce": the attempt was made; in "tried to
                    # persuade them to halt attacks" what was tried is the persuading
                    continue
                return "hypothetical", tense
        # what the event noun itself says ("the upcoming talks", "ongoing meetings")
        if cand.entry.pos == "NOUN":
            mods = [c for c in token.children if c.dep_ in _NP_MODS | {"advmod", "acl"}]
            # "a march by students now slated for Friday": the participle may hang on the
            # noun of the event's own prepositional phrase
            mods += [
                g
                for p in token.children
                if p.dep_ == "prep"
                for o in p.children
                if o.dep_ == "pobj"
                for g in o.children
                if g.dep_ == "acl" and g.i > token.i
            ]
            words = {_lemma(c) for c in mods} | {c.lower_ for c in mods}
            words |= {
                _lemma(g)
                for c in token.children
                if c.dep_ in {"poss", "npadvmod", "acl"}
                for g in c.children
            }
            if words & set(cues.ongoing_modifiers):
                return "ongoing", tense
            if words & (set(cues.planned_modifiers) | set(cues.planned_verbs)):
                return "planned", tense
            if words & set(cues.past_modifiers):
                return "occurred", tense
        if verb is None:
            return "occurred", None
        if token.dep_ == "pobj" and token.head.lower_ in _AFTER:  # "since the withdrawal"
            return "occurred", tense
        if token.dep_ == "pobj" and (
            token.head.lower_ in _BEFORE
            or (
                token.head.lower_ == "to"
                and "ahead" in {c.lower_ for c in token.head.head.children}
            )
        ):  # "ahead of the summit", "looking ahead to this week's summit"
            return "planned", tense
        if _lemma(token) in cues.planned_modifiers:  # "is due in Kabul"
            return "planned", tense or "present"
        for v in chain:
            # "is slated for Friday" (the lemmatizer reads "slated" as "slat")
            if v != token and (
                _lemma(v) in cues.planned_verbs or v.lower_ in cues.planned_modifiers
            ):
                return "planned", tense
        if tense == "future" or "would" in {c.lower_ for v in chain for c in v.children}:
            return "planned", tense
        if tense == "progressive":
            if self.ex.codebook.ontology.plover[cand.entry.plover].decision:
                # "is imposing sanctions on X": the decision is announced as taken
                planned = self._future_time(verb, token)
                return ("planned" if planned else "occurred"), tense
            return "ongoing", tense
        if cand.entry.pos == "NOUN" and _lemma(verb) in cues.start_verbs and _present_perfect(verb):
            return "ongoing", tense  # "talks have resumed in Geneva"
        if tense == "present" and any(
            c.dep_ == "advmod" and c.lower_ in cues.ongoing_adverbs for c in verb.children
        ):
            return "ongoing", tense  # "are currently locked in a standoff"
        if (
            tense == "perfect"
            and tensed is not None
            and _present_perfect(tensed)
            and self.ex.codebook.ontology.plover[cand.entry.plover].continues
        ):
            # "has deployed troops", "have staged a sit-in": a state that goes on over
            # days, told in the present perfect, still holds as the article is written
            # ("had camped" before the police cleared the square does not)
            return "ongoing", tense
        if tense == "present" and self._future_time(verb, token):
            return "planned", tense
        return "occurred", tense

    def _negator(self, verb: Token) -> bool:
        lemma = _lemma(verb)
        if lemma in self.ex._negators:
            return True
        return any(
            lemma == v and any(c.dep_ == "prt" and c.lower_ == p for c in verb.children)
            for v, p in self.ex._negator_particles
        )

    def _reported(self, verb: Token) -> bool:
        """The clause is the complement of a speech verb ("said he would visit")."""
        tok = verb
        for _ in range(4):
            if tok.dep_ not in {"ccomp", "conj", "xcomp"} or tok.head == tok:
                return False
            tok = tok.head
            if _lemma(tok) in self.ex._speech:
                return True
        return False

    def _future_time(self, verb: Token, token: Token) -> bool:
        words = set(self.ex._cues.future_time)
        for head in {verb, token}:
            for child in head.children:
                if child.dep_ in {"npadvmod", "advmod", "prep"} and any(
                    t.lower_ in words for t in child.subtree
                ):
                    return True
        return False


# ---------------------------------------------------------------------- small functions
def _country_name(code: str | None) -> str:
    country = pycountry.countries.get(alpha_3=code or "")
    if country is None:
        return code or ""
    return str(getattr(country, "common_name", None) or country.name)


def _held_by(token: Token, verb: Token, prep: str, verbs: frozenset[str]) -> bool:
    """The event noun is the object of ``prep`` right under one of ``verbs``: "locked
    in a standoff", "came under attack"."""
    return (
        token.dep_ == "pobj"
        and token.head.lower_ == prep
        and token.head.head == verb
        and _lemma(verb) in verbs
    )


def _governor(token: Token) -> Token | None:
    """The verb (or predicate adjective) whose clause holds a noun trigger."""
    tok = token
    for _ in range(6):
        if tok.dep_ not in _CLIMB or tok.head == tok:
            return None
        tok = tok.head
        if tok.pos_ in {"VERB", "AUX"} or (tok.pos_ == "ADJ" and tok.dep_ == "acomp"):
            return tok
    return None


def _among_those(token: Token) -> Token | None:
    """The verb of "X was (not) among those sanctioned" for the participle, whose patient
    is that verb's subject."""
    those = token.head
    if not (token.dep_ == "acl" and token.tag_ == "VBN" and those.lower_ in {"those", "ones"}):
        return None
    among = those.head
    if those.dep_ != "pobj" or among.lower_ != "among" or among.head.pos_ not in {"VERB", "AUX"}:
        return None
    return among.head


def _verb_chain(verb: Token) -> list[Token]:
    """The verb and the verbs it is the complement of ("refused to meet", "set to take")."""
    chain = [verb]
    tok = verb
    for _ in range(4):
        if tok.dep_ not in {"xcomp", "acomp"} and not (tok.dep_ == "acl" and tok.tag_ == "VBN"):
            if tok.head.dep_ == "acl" and tok.head.tag_ == "VBN" and tok.dep_ == "xcomp":
                pass
            break
        if tok.head == tok:
            break
        tok = tok.head
        chain.append(tok)
    if chain[-1].dep_ in {"conj"} and chain[-1].head.pos_ in {"VERB", "AUX"}:
        chain.append(chain[-1].head)
    return chain


def _tense(verb: Token, cues: StatusCues) -> str:
    """past, present, progressive, future or perfect, from the verb and its auxiliaries."""
    aux = [c for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    if not aux and verb.dep_ == "conj" and verb.head.pos_ in {"VERB", "AUX"}:
        aux = [
            c for c in verb.head.children if c.dep_ in {"aux", "auxpass"}
        ]  # "will convey ... and reaffirm"
    lowers = {a.lower_ for a in aux}
    if lowers & set(cues.future_modals) or (
        verb.head.lemma_ == "go" and verb.head.tag_ == "VBG" and verb.dep_ == "xcomp"
    ):
        return "future"
    if verb.tag_ == "VBG" and any(a.lemma_ == "be" for a in aux):
        return "progressive"
    if any(a.lemma_ == "have" for a in aux) and verb.tag_ in {"VBN", "VBD"}:
        return "perfect"
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in aux):
        return "past"
    return "present"


def _infinitive(verb: Token) -> bool:
    """A to-infinitive clause that takes its time from the verb it depends on."""
    return (
        verb.dep_ in {"advcl", "xcomp", "acl", "relcl"}
        and verb.head.pos_ in {"VERB", "AUX"}
        and any(c.dep_ == "aux" and c.tag_ == "TO" for c in verb.children)
    )


def _present_perfect(verb: Token) -> bool:
    """ "has deployed", "have resumed" (not "had camped")."""
    return any(
        c.dep_ == "aux" and c.lemma_ == "have" and c.tag_ in {"VBZ", "VBP"} for c in verb.children
    )


def _participle(verb: Token) -> bool:
    """A participle clause ("..., saying X rammed the ship"; "protesters fighting the
    police") that takes its time from the verb it hangs on (or the verb over its noun)."""
    return (
        verb.tag_ == "VBG"
        and (
            (verb.dep_ == "advcl" and verb.head.pos_ in {"VERB", "AUX"})
            or (verb.dep_ == "acl" and verb.head.pos_ in {"NOUN", "PROPN", "PRON"})
        )
        and not any(c.dep_ in {"aux", "auxpass", "mark"} for c in verb.children)
    )


def _gerund_topic(token: Token) -> bool:
    """A gerund used as a noun ("to discuss cooperating on X"): it names a topic, and its
    subject must be its own."""
    tok = token
    while tok.dep_ == "conj" and tok.head != tok:
        tok = tok.head
    return token.tag_ == "VBG" and tok.dep_ in {"dobj", "pobj", "pcomp", "nsubj", "csubj"}


def _reciprocal(token: Token) -> bool:
    """ "with each other", "with one another": the event is among the subjects."""
    return any(
        t.lower_ == "other" and t.i > 0 and t.doc[t.i - 1].lower_ in {"each", "another"}
        for t in token.subtree
    )


def _definite(token: Token) -> bool:
    return any(
        (c.dep_ == "det" and c.lower_ in _DEFINITE) or (c.dep_ == "amod" and c.lower_ in _ORDINALS)
        for c in token.children
    )


def _unique(actors: Iterable[ActorMention]) -> list[ActorMention]:
    seen: set[int] = set()
    out = []
    for actor in actors:
        if id(actor) not in seen:
            seen.add(id(actor))
            out.append(actor)
    return out


def _unique_args(args: Iterable[_Arg]) -> list[_Arg]:
    seen: set[int] = set()
    out = []
    for arg in args:
        if id(arg.actor) not in seen:
            seen.add(id(arg.actor))
            out.append(arg)
    return out


def _merge_same(args: list[_Arg]) -> list[_Arg]:
    """One argument per party: "Pakistan's minister Asif" is one actor, not two, but "the
    Syrian government and opposition" are two parties of one country."""
    out: list[_Arg] = []
    for arg in _unique_args(args):
        same = next(
            (i for i, o in enumerate(out) if _same_actor(o.actor, arg.actor)),
            None,
        )
        if same is None:
            out.append(arg)
        elif arg.actor.sector and not out[same].actor.sector:
            out[same] = arg
    return out


def _pairs(
    sources: list[_Arg], targets: list[_Arg], symmetric: bool
) -> list[tuple[_Arg | None, _Arg | None]]:
    if symmetric and not targets and len(sources) >= 2:  # in text order: "X and Y met"
        return list(combinations(sorted(sources, key=lambda a: a.actor.start)[:4], 2))
    if symmetric and not sources and len(targets) >= 2:
        return list(combinations(sorted(targets, key=lambda a: a.actor.start)[:4], 2))
    left: list[_Arg | None] = list(sources) or [None]
    right: list[_Arg | None] = list(targets) or [None]
    return [(s, t) for s in left for t in right if s or t]


def _same_parties(a: list[Any], b: list[Any], symmetric: bool) -> bool:
    """Two (source, target) pairs name the same parties (either order when symmetric)."""

    def same(x: Any, y: Any) -> bool:
        return x is y or (x is not None and y is not None and _same_actor(x, y))

    return (same(a[0], b[0]) and same(a[1], b[1])) or (
        symmetric and same(a[0], b[1]) and same(a[1], b[0])
    )


def _same_actor(a: ActorMention, b: ActorMention) -> bool:
    """Same actor, or the same country where one side has no sector ("US" and "US GOV")."""
    if a is b:
        return True
    return a.country == b.country and (a.sector == b.sector or not a.sector or not b.sector)


def _score(f: _Found) -> tuple[float, int]:
    conf = min(a.confidence for a in (f.source, f.target) if a is not None)
    sectors = sum(1 for a in (f.source, f.target) if a is not None and a.actor.sector)
    return conf, sectors
