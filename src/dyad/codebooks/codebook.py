"""Loading and validating YAML codebooks, with errors that name file, line and entry.

Every codebook (actors, events, ...) is YAML data shipped in ``dyad/codebooks/`` and may be
extended by a user file. ``load_yaml_with_lines`` reads a file into plain dicts and lists
that remember the line they start on; ``validate_entries`` turns a list of such dicts into
pydantic models, so a mistake is reported as ``file:line (entry 'name'): reason``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from dyad.errors import CodebookError

__all__ = [
    "LineDict",
    "LineList",
    "codebook_error",
    "line_of",
    "load_generated",
    "load_yaml_with_lines",
    "section",
    "validate_entries",
]

ModelT = TypeVar("ModelT", bound=BaseModel)


class LineDict(dict[str, Any]):
    """A YAML mapping that remembers the 1-based line it starts on."""

    line: int | None = None


class LineList(list[Any]):
    """A YAML sequence that remembers the 1-based line it starts on."""

    line: int | None = None


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences carry their start line."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def codebook_error(
    path: str | Path, reason: str, *, node: object = None, entry: str | None = None
) -> NoReturn:
    """Raise a CodebookError naming the file, the line of ``node`` and the entry."""
    raise CodebookError(str(path), reason, line=line_of(node), entry=entry)


def line_of(node: object) -> int | None:
    """The start line of a mapping or sequence read by ``load_yaml_with_lines``."""
    return getattr(node, "line", None)


def load_yaml_with_lines(path: str | Path) -> Any:
    """Read a YAML file; mappings become LineDict and sequences LineList.

    Raises CodebookError when the file is missing or is not valid YAML.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CodebookError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    try:
        return yaml.load(text, Loader=_LineLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise CodebookError(str(path), f"invalid YAML: {exc.problem}", line=line) from exc
    except yaml.YAMLError as exc:
        raise CodebookError(str(path), f"invalid YAML: {exc}") from exc


def load_generated(path: str | Path) -> Any:
    """Read a large codebook written by ``python -m dyad.codebooks.convert``: parsed once with the
    C YAML loader and cached by its content (see `dyad.codebooks.cache`), since reading it takes
    seconds. Such files carry no line numbers: the converter's tests validate them."""
    from dyad.codebooks.cache import cache_file, cached

    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise CodebookError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def parse() -> dict[str, Any]:
        return yaml.load(content, Loader=loader) or {}  # a SafeLoader

    key = cache_file(f"codebook-{path.stem}", [content, yaml.__version__.encode()])
    return cached(key, parse, dict)


#: The events stage's word lists in plover.yaml (ontology.Ontology reads them): lower-case
#: lemmas, except the sector lists, which are upper-case codes.
WORD_LISTS = (
    "military_words",
    "people_words",
    "forum_words",
    "deed_words",
    "border_words",
    "mediator_words",
    "place_words",
    "suffer_words",
    "engage_words",
    "undergo_words",
    "reciprocal_words",
    "aggregate_words",
    "elicit_words",
)
SECTOR_LISTS = ("state_sectors", "society_sectors")

#: Every top-level section a codebook file may hold, and the stage that reads it. One
#: user file (``--codebook``) goes to every stage; each reads its own sections, and a
#: section no stage knows is an error (a typo must not be silently ignored).
SECTIONS: dict[str, str] = {
    **dict.fromkeys(
        ("countries", "ambiguous", "bodies", "media", "titles", "organisations", "groups"),
        "actors",
    ),
    **dict.fromkeys(("nouns", "collectives", "people"), "actors"),
    **dict.fromkeys(
        (
            "triggers",
            "speech_verbs",
            "status",
            "codes",
            "types",
            "quad_classes",
            "contexts",
            *WORD_LISTS,
            *SECTOR_LISTS,
        ),
        "events",
    ),
    **dict.fromkeys(("places", "landmarks"), "places"),
}


def check_sections(path: str | Path, data: Any) -> None:
    """Raise for a top-level section that no stage reads."""
    if not isinstance(data, dict):
        return
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        codebook_error(
            path, f"unknown section {unknown[0]!r}; known: {', '.join(SECTIONS)}", node=data
        )


def section(data: Any, key: str, path: str | Path) -> LineList:
    """The list under top-level ``key`` (empty when absent); anything else is an error."""
    if data is None:
        return LineList()
    if not isinstance(data, dict):
        codebook_error(path, "top level must be a mapping of sections", node=data)
    value = data.get(key)
    if value is None:
        return LineList()
    if not isinstance(value, list):
        codebook_error(path, f"section {key!r} must be a list", node=data)
    return value if isinstance(value, LineList) else LineList(value)


def validate_entries(
    path: str | Path,
    items: Sequence[Any],
    model: type[ModelT],
    *,
    name_key: str = "name",
) -> list[ModelT]:
    """Validate each mapping of ``items`` as ``model``; the first bad one raises.

    The error names the entry by its ``name_key`` value and gives the entry's line.
    """
    out: list[ModelT] = []
    for item in items:
        if not isinstance(item, dict):
            codebook_error(path, f"entry must be a mapping, got {type(item).__name__}", node=items)
        entry = item.get(name_key)
        try:
            out.append(model.model_validate(dict(item)))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            reason = f"{where}: {first['msg']}" if where else first["msg"]
            codebook_error(path, reason, node=item, entry=None if entry is None else str(entry))
    return out
