"""The event codebook: trigger entries, status cues and the ontology tables — CAMEO codes
with Goldstein scores, the 16 PLOVER types, the CAMEO root → QuadClass mapping and the
context vocabulary.

All of it is data (``codebooks/triggers.yaml``, ``cameo.yaml``, ``plover.yaml``,
``quadclass.yaml``) because projects disagree on details such as the QuadClass of a
root; a user file passed to ``EventCodebook.load`` may add or override entries.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dyad.codebooks.cache import built_from, cached
from dyad.codebooks.codebook import (
    SECTOR_LISTS,
    WORD_LISTS,
    codebook_error,
    line_of,
    load_generated,
    load_yaml_with_lines,
    section,
    validate_entries,
)

__all__ = [
    "PLOVER_TYPES",
    "CameoCode",
    "EventCodebook",
    "Ontology",
    "PloverType",
    "StatusCues",
    "TriggerEntry",
    "bundled_ontology",
]

CODEBOOK_DIR = Path(__file__).resolve().parent
BUNDLED = ("cameo.yaml", "quadclass.yaml", "plover.yaml", "triggers.yaml")
#: Trigger codebooks converted from the open CAMEO dictionaries
#: (``python -m dyad.codebooks.convert``).
IMPORTED = ("imported/cameo_verbs.yaml",)

PLOVER_TYPES = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CameoCode(_Model):
    """One CAMEO code: its name and Goldstein score."""

    name: str
    goldstein: float = Field(ge=-10.0, le=10.0)


class PloverType(_Model):
    """A PLOVER event type and how its trigger nouns' arguments are read."""

    cameo_roots: tuple[str, ...] = ()
    default_cameo: str
    symmetric: bool = False
    of_role: str = Field(default="source", pattern="^(source|target)$")
    target_preps: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    bare_source: str | None = Field(default=None, pattern="^[A-Z]{3}$")
    bare_target: str | None = Field(default=None, pattern="^[A-Z]{3}$")
    military_source: str | None = Field(default=None, pattern="^[A-Z]{3}$")
    military_target: str | None = Field(default=None, pattern="^[A-Z]{3}$")
    implied_target: str | None = Field(default=None, pattern="^[A-Z]{3}$")
    repression_cameo: str | None = None
    not_with: tuple[str, ...] = ()
    reacts: bool = False
    threat_cameo: str | None = None
    refusal_cameo: str | None = None
    placed_by: str = Field(default="source", pattern="^(source|either|clause)$")
    on_the_ground: bool = False
    continues: bool = False
    decision: bool = False


@dataclass
class Ontology:
    """CAMEO, PLOVER, QuadClass and context tables, merged from the bundled and user files."""

    cameo: dict[str, CameoCode] = field(default_factory=dict)
    plover: dict[str, PloverType] = field(default_factory=dict)
    quad_classes: dict[str, int] = field(default_factory=dict)
    contexts: dict[str, frozenset[str]] = field(default_factory=dict)
    military_words: frozenset[str] = frozenset()
    people_words: frozenset[str] = frozenset()
    forum_words: frozenset[str] = frozenset()
    deed_words: frozenset[str] = frozenset()
    border_words: frozenset[str] = frozenset()
    mediator_words: frozenset[str] = frozenset()
    place_words: frozenset[str] = frozenset()
    suffer_words: frozenset[str] = frozenset()
    engage_words: frozenset[str] = frozenset()
    undergo_words: frozenset[str] = frozenset()
    reciprocal_words: frozenset[str] = frozenset()
    aggregate_words: frozenset[str] = frozenset()
    elicit_words: frozenset[str] = frozenset()
    state_sectors: frozenset[str] = frozenset()
    society_sectors: frozenset[str] = frozenset()

    def add(self, data: Any, path: str | Path) -> None:
        """Merge the ontology sections of one parsed codebook file (later files win)."""
        codes = data.get("codes") or {}
        for code, value in codes.items():
            code = str(code)
            if not code.isdigit() or not 2 <= len(code) <= 4:
                codebook_error(path, "CAMEO codes are 2 to 4 digits", node=codes, entry=code)
            self.cameo[code] = _validate(CameoCode, value, path, code, codes)
        types = data.get("types") or {}
        for name, value in types.items():
            if name not in PLOVER_TYPES:
                codebook_error(
                    path,
                    f"unknown PLOVER type (one of {', '.join(PLOVER_TYPES)})",
                    node=types,
                    entry=str(name),
                )
            self.plover[name] = _validate(PloverType, value, path, name, types)
        quads = data.get("quad_classes") or {}
        for root, value in quads.items():
            root = str(root)
            if len(root) != 2 or not root.isdigit() or value not in (1, 2, 3, 4):
                codebook_error(
                    path,
                    "QuadClass maps a two-digit CAMEO root to 1, 2, 3 or 4",
                    node=quads,
                    entry=root,
                )
            self.quad_classes[root] = int(value)
        contexts = data.get("contexts") or {}
        for label, words in contexts.items():
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                codebook_error(
                    path, "a context is a list of words", node=contexts, entry=str(label)
                )
            self.contexts[str(label)] = frozenset(w.lower() for w in words)
        for key in (*WORD_LISTS, *SECTOR_LISTS):
            words = data.get(key)
            if words is None:
                continue
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                codebook_error(path, f"{key} is a list of words", entry=key)
            upper = key in SECTOR_LISTS
            setattr(self, key, frozenset(w.upper() if upper else w.lower() for w in words))

    @property
    def symmetric_types(self) -> frozenset[str]:
        """PLOVER types whose two parties may be named in either order."""
        return frozenset(name for name, kind in self.plover.items() if kind.symmetric)

    @property
    def symmetric_roots(self) -> frozenset[str]:
        """Two-digit CAMEO roots of the symmetric types."""
        return frozenset(
            root[:2] for name in self.symmetric_types for root in self.plover[name].cameo_roots
        )

    def plover_of(self, code: str) -> str | None:
        """The PLOVER type dyad's plover codebook gives a CAMEO code: the type whose
        ``cameo_roots`` holds the longest prefix of it, when only one type does."""
        best: list[tuple[int, str]] = [
            (len(root), name)
            for name, kind in self.plover.items()
            for root in kind.cameo_roots
            if code.startswith(root)
        ]
        if not best:
            return None
        longest = max(n for n, _ in best)
        names = {name for n, name in best if n == longest}
        return names.pop() if len(names) == 1 else None

    def check(self, path: str | Path) -> None:
        """Every PLOVER type is defined and its default CAMEO code exists."""
        for name in PLOVER_TYPES:
            if name not in self.plover:
                codebook_error(path, "PLOVER type is not defined", entry=name)
            self.require_cameo(self.plover[name].default_cameo, path, name)

    def require_cameo(self, code: str, path: str | Path, entry: str, node: object = None) -> None:
        """Raise a CodebookError unless ``code`` (or its root) is a known CAMEO code."""
        if not code.isdigit() or self._lookup(code) is None or code[:2] not in self.quad_classes:
            codebook_error(path, f"unknown CAMEO code {code!r}", node=node, entry=entry)

    def _lookup(self, code: str) -> CameoCode | None:
        for size in range(len(code), 1, -1):
            found = self.cameo.get(code[:size])
            if found is not None:
                return found
        return None

    def goldstein(self, code: str) -> float:
        """Goldstein score of a CAMEO code, falling back to its 3-digit code, then its root."""
        found = self._lookup(code)
        return found.goldstein if found is not None else 0.0

    def quad_class(self, code: str) -> int:
        """QuadClass of a CAMEO code, from its two-digit root."""
        return self.quad_classes[code[:2]]


def _bundled_cache() -> Path:
    """The cache file of the bundled event codebook, named by everything it is built from."""
    files = [Path(__file__), *(CODEBOOK_DIR / n for n in (*IMPORTED, *BUNDLED))]
    return built_from("events-codebook", files, ["pydantic"])


@functools.cache
def bundled_ontology() -> Ontology:
    """The ontology tables of the bundled codebooks alone (no triggers), read once."""
    ontology = Ontology()
    for name in ("cameo.yaml", "quadclass.yaml", "plover.yaml"):
        path = CODEBOOK_DIR / name
        ontology.add(load_yaml_with_lines(path), path)
    ontology.check(CODEBOOK_DIR / "plover.yaml")
    return ontology


def _validate(model: type[_Model], value: Any, path: str | Path, entry: str, parent: object) -> Any:
    if not isinstance(value, dict):
        codebook_error(path, "entry must be a mapping", node=parent, entry=entry)
    try:
        return model.model_validate(dict(value))
    except ValidationError as exc:
        first = exc.errors()[0]
        reason = f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
        codebook_error(path, reason, node=value if line_of(value) else parent, entry=entry)


_BOOL_WORDS = "YAML reads on/off/yes/no as true/false: put such words in quotes"


def _lower_list(value: Any) -> Any:
    if isinstance(value, list) and any(isinstance(v, bool) for v in value):
        raise ValueError(_BOOL_WORDS)
    if isinstance(value, str):
        return (value.lower(),)
    if isinstance(value, list | tuple):
        return tuple(str(v).lower() for v in value)
    return value


class TriggerEntry(_Model):
    """One trigger: a lemma, an optional dependency frame, and how to code the event."""

    lemma: str = Field(min_length=1)
    pos: str = Field(default="VERB", pattern="^(VERB|AUX|NOUN|ADJ)$")
    plover: str
    cameo: str
    object: tuple[str, ...] = ()
    prep: tuple[str, ...] = ()
    particle: str | None = None
    modifier: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    target_preps: tuple[str, ...] = ()
    mode: str | None = None
    embeds: bool = False
    symmetric: bool | None = None
    object_is_actor: bool = False
    object_is_topic: bool = False
    anaphoric_only: bool = False
    implied_source: str | None = Field(default=None, pattern="^[A-Z]{3}$")
    subject: tuple[str, ...] = ()
    reversed_roles: bool = False
    negated: bool = False

    _lists = field_validator(
        "object", "prep", "modifier", "unless", "target_preps", "subject", mode="before"
    )(_lower_list)

    @field_validator("plover")
    @classmethod
    def _plover(cls, value: str) -> str:
        if value not in PLOVER_TYPES:
            raise ValueError(f"unknown PLOVER type {value!r}")
        return value

    @field_validator("lemma", "particle", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(_BOOL_WORDS)
        return value.lower() if isinstance(value, str) else value

    @property
    def specificity(self) -> int:
        """How many constraints the frame has; the most specific matching entry wins."""
        return sum(
            bool(x)
            for x in (
                self.object,
                self.prep,
                self.particle,
                self.modifier,
                self.object_is_actor,
                self.subject,
            )
        )


class StatusCues(_Model):
    """Word lists the status rules use (docs/events.md gives the order they apply in)."""

    negators: tuple[str, ...] = ()
    planned_verbs: tuple[str, ...] = ()
    hypothetical_verbs: tuple[str, ...] = ()
    hypothetical_modals: tuple[str, ...] = ()
    future_modals: tuple[str, ...] = ()
    conditional_marks: tuple[str, ...] = ()
    planned_modifiers: tuple[str, ...] = ()
    ongoing_modifiers: tuple[str, ...] = ()
    past_modifiers: tuple[str, ...] = ()
    future_time: tuple[str, ...] = ()
    tentative_modals: tuple[str, ...] = ()
    habitual_modifiers: tuple[str, ...] = ()
    condition_marks: tuple[str, ...] = ()
    question_words: tuple[str, ...] = ()
    pointer_words: tuple[str, ...] = ()
    additive_modifiers: tuple[str, ...] = ()
    other_event_marks: tuple[str, ...] = ()
    obligation_modals: tuple[str, ...] = ()
    threat_words: tuple[str, ...] = ()
    refusal_verbs: tuple[str, ...] = ()
    attempt_verbs: tuple[str, ...] = ()
    start_verbs: tuple[str, ...] = ()
    ongoing_adverbs: tuple[str, ...] = ()

    _lists = field_validator("*", mode="before")(_lower_list)


@dataclass
class EventCodebook:
    """Trigger entries, speech verbs, status cues and the ontology tables."""

    triggers: list[TriggerEntry] = field(default_factory=list)
    speech_verbs: frozenset[str] = frozenset()
    status: StatusCues = field(default_factory=StatusCues)
    ontology: Ontology = field(default_factory=Ontology)
    bundled: int = 0  # triggers[:bundled] are bundled; a user's entry wins a tie with them
    imported: int = 0  # triggers[:imported] come from the open dictionaries; dyad's own win ties

    @classmethod
    def load(cls, extra: Sequence[str | Path] = ()) -> EventCodebook:
        """The bundled codebooks, then each user file in ``extra`` (later entries win).

        A user file may hold any events section of ``codebook.SECTIONS`` (triggers,
        speech verbs, status cues, CAMEO codes, PLOVER types, QuadClasses, contexts and the
        word lists of ``codebook.WORD_LISTS``). Errors name file, line, entry. The bundled
        part is built once and kept in a cache file (`dyad.codebooks.cache`).
        """
        book = cached(_bundled_cache(), cls._bundled, EventCodebook)  # a fresh copy
        for path in map(Path, extra):
            book._add_file(path)
        return book

    @classmethod
    def _bundled(cls) -> EventCodebook:
        """The imported, then dyad's own codebooks (kept in a cache file: see load)."""
        book = cls()
        for name in IMPORTED:  # the converted open dictionaries, before dyad's own
            path = CODEBOOK_DIR / name
            book._add_triggers(load_generated(path), path, checked=True)
        book.imported = len(book.triggers)
        for name in BUNDLED:
            book._add_file(CODEBOOK_DIR / name)
        book.ontology.check(CODEBOOK_DIR / "plover.yaml")
        book.bundled = len(book.triggers)
        return book

    def _add_file(self, path: Path) -> None:
        data = load_yaml_with_lines(path)
        if data is None:
            return
        if not isinstance(data, dict):
            codebook_error(path, "top level must be a mapping of sections", node=data)
        self.ontology.add(data, path)
        self._add_triggers(data, path)

    def _add_triggers(self, data: dict[str, Any], path: Path, *, checked: bool = False) -> None:
        items = section(data, "triggers", path)
        entries = validate_entries(path, items, TriggerEntry, name_key="lemma")
        if not checked:  # generated files are checked by the converter's tests
            for item, entry in zip(items, entries, strict=True):
                self.ontology.require_cameo(entry.cameo, path, entry.lemma, node=item)
        self.triggers.extend(entries)
        verbs = data.get("speech_verbs")
        if verbs is not None:
            if not isinstance(verbs, list):
                codebook_error(path, "speech_verbs must be a list of lemmas", node=data)
            self.speech_verbs = self.speech_verbs | {str(v).lower() for v in verbs}
        cues = data.get("status")
        if cues is not None:
            if not isinstance(cues, dict):
                codebook_error(path, "status must be a mapping of word lists", node=data)
            merged = self.status.model_dump()
            for key, words in validate_entries(path, [cues], StatusCues)[0].model_dump().items():
                if key in cues:
                    merged[key] = tuple(dict.fromkeys((*merged[key], *words)))
            self.status = StatusCues.model_validate(merged)
