"""Event ontology tables: CAMEO codes with Goldstein scores, the 16 PLOVER types, the CAMEO
root → QuadClass mapping and the context vocabulary.

They are data (``codebooks/cameo.yaml``, ``plover.yaml``, ``quadclass.yaml``) because
projects disagree on details such as the QuadClass of a root; a user file passed to
``EventCodebook.load`` may override any entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dyad.codebook import codebook_error, line_of

__all__ = ["PLOVER_TYPES", "CameoCode", "Ontology", "PloverType"]

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


@dataclass
class Ontology:
    """CAMEO, PLOVER, QuadClass and context tables, merged from the bundled and user files."""

    cameo: dict[str, CameoCode] = field(default_factory=dict)
    plover: dict[str, PloverType] = field(default_factory=dict)
    quad_classes: dict[str, int] = field(default_factory=dict)
    contexts: dict[str, frozenset[str]] = field(default_factory=dict)

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


def _validate(model: type[_Model], value: Any, path: str | Path, entry: str, parent: object) -> Any:
    if not isinstance(value, dict):
        codebook_error(path, "entry must be a mapping", node=parent, entry=entry)
    try:
        return model.model_validate(dict(value))
    except ValidationError as exc:
        first = exc.errors()[0]
        reason = f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
        codebook_error(path, reason, node=value if line_of(value) else parent, entry=entry)
