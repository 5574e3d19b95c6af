"""The generic YAML codebook loader: line numbers, validation errors naming file/line/entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from dyad.codebooks.codebook import (
    LineDict,
    LineList,
    codebook_error,
    line_of,
    load_yaml_with_lines,
    section,
    validate_entries,
)
from dyad.errors import CodebookError


class Thing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    size: int = 1


def write(tmp_path: Path, text: str, name: str = "book.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_mappings_and_lists_remember_their_line(tmp_path: Path) -> None:
    path = write(tmp_path, "# comment\nthings:\n  - name: a\n    size: 2\n\n  - {name: b}\n")
    data = load_yaml_with_lines(path)
    assert isinstance(data, LineDict)
    assert line_of(data) == 2
    things = data["things"]
    assert isinstance(things, LineList)
    assert line_of(things) == 3
    assert [line_of(t) for t in things] == [3, 6]
    assert things[0] == {"name": "a", "size": 2}


def test_scalars_have_no_line() -> None:
    assert line_of("text") is None
    assert line_of(None) is None


def test_empty_file_reads_as_none(tmp_path: Path) -> None:
    assert load_yaml_with_lines(write(tmp_path, "")) is None


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(CodebookError) as err:
        load_yaml_with_lines(tmp_path / "nope.yaml")
    assert "nope.yaml" in str(err.value)
    assert err.value.code == "D200"


def test_invalid_yaml_gives_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "things:\n  - name: a\n  - name: [unclosed\n")
    with pytest.raises(CodebookError) as err:
        load_yaml_with_lines(path)
    assert err.value.line is not None and err.value.line >= 3
    assert str(path) in str(err.value)


def test_duplicate_keys_are_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "things: []\nthings: []\n")
    with pytest.raises(CodebookError) as err:
        load_yaml_with_lines(path)
    assert "duplicate key" in str(err.value)
    assert err.value.line == 2


def test_validate_entries_returns_models(tmp_path: Path) -> None:
    path = write(tmp_path, "things:\n  - {name: a, size: 3}\n  - {name: b}\n")
    items = section(load_yaml_with_lines(path), "things", path)
    things = validate_entries(path, items, Thing)
    assert [(t.name, t.size) for t in things] == [("a", 3), ("b", 1)]


def test_bad_entry_names_file_line_and_entry(tmp_path: Path) -> None:
    path = write(tmp_path, "things:\n  - {name: a}\n  - name: big\n    size: huge\n")
    items = section(load_yaml_with_lines(path), "things", path)
    with pytest.raises(CodebookError) as err:
        validate_entries(path, items, Thing)
    assert err.value.line == 3
    assert err.value.entry == "big"
    assert "size" in str(err.value)
    assert f"{path}:3" in str(err.value)


def test_unknown_field_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "things:\n  - {name: a, colour: red}\n")
    with pytest.raises(CodebookError, match="colour"):
        validate_entries(path, section(load_yaml_with_lines(path), "things", path), Thing)


def test_entry_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "things:\n  - just a string\n")
    with pytest.raises(CodebookError, match="mapping") as err:
        validate_entries(path, section(load_yaml_with_lines(path), "things", path), Thing)
    assert err.value.line == 2


def test_section_absent_is_empty_and_wrong_type_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "other: []\nthings: nope\n")
    data = load_yaml_with_lines(path)
    assert section(data, "missing", path) == []
    with pytest.raises(CodebookError, match="must be a list"):
        section(data, "things", path)
    with pytest.raises(CodebookError, match="mapping of sections"):
        section(LineList([1]), "things", path)
    assert section(None, "things", path) == []


def test_codebook_error_helper_uses_node_line(tmp_path: Path) -> None:
    node = LineDict(name="x")
    node.line = 7
    with pytest.raises(CodebookError) as err:
        codebook_error(tmp_path / "f.yaml", "bad thing", node=node, entry="x")
    assert err.value.line == 7
    assert "(entry 'x')" in str(err.value)


def test_one_user_file_can_extend_every_stage(tmp_path: Path) -> None:
    """`--codebook FILE` goes to every stage; each reads its own sections."""
    from dyad.stages.actors import ActorCodebook
    from dyad.stages.events import EventCodebook
    from dyad.stages.place import Gazetteer

    user = tmp_path / "mine.yaml"
    user.write_text(
        "bodies:\n"
        "  - {name: Harbour Authority, country: KEN, sector: GOV}\n"
        "landmarks:\n"
        "  Harbour House: {geonames: 186301}\n"
    )
    assert ActorCodebook.load([user]) is not None
    assert EventCodebook.load([user]) is not None
    assert Gazetteer.load([user]) is not None


def test_a_section_no_stage_reads_is_an_error(tmp_path: Path) -> None:
    from dyad.stages.actors import ActorCodebook

    user = tmp_path / "typo.yaml"
    user.write_text("landmark:\n  Harbour House: {city: Mombasa}\n")
    with pytest.raises(CodebookError, match="unknown section 'landmark'"):
        ActorCodebook.load([user])
