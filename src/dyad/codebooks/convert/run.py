"""``python -m dyad.codebooks.convert DICTIONARIES_DIR [--out DIR]``: write the imported codebooks.

``DICTIONARIES_DIR`` holds ``petrarch2/`` (CAMEO.2.0.txt, the Phoenix dictionaries,
LICENSE) and ``plover/CAMEO2PLOVER-2021.txt``. The output folder gets one YAML file per
codebook, each with a header naming its sources and licences, and a NOTICE with the
licence texts. The same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import dyad
from dyad.codebooks.convert.verbs import convert_verbs

__all__ = ["convert_all", "dump_yaml", "main", "write_codebook", "write_verbs"]

VERBS_FILE = "cameo_verbs.yaml"


@dataclass(frozen=True)
class Source:
    """One third-party input: how a header credits it and what NOTICE says about it."""

    credit: str  # one line for a file header
    notice: str  # a paragraph for NOTICE (the licence text is added from licence_file)
    licence_file: str | None = None  # relative to DICTIONARIES_DIR


PETRARCH_VERBS = Source(
    credit="PETRARCH-2 CAMEO verb dictionary, MIT, Copyright (c) 2015 Open Event Data Alliance",
    notice=(
        "PETRARCH-2 CAMEO verb dictionary (petrarch2/CAMEO.2.0.txt)\n"
        "  from https://github.com/openeventdata/petrarch2, petrarch2/data/dictionaries/\n"
        "  Licence: MIT. The file's own header says \"Copyright (c) 2015 Open Event Data\n"
        '  Alliance"; the repository\'s LICENSE, reproduced below, says "Copyright (c) 2014\n'
        '  Open Event Data".\n'
        "  Used in: cameo_verbs.yaml (verb lemmas, their frames and CAMEO codes, converted\n"
        "  and partly omitted; see dyad/codebooks/convert/verbs.py)."
    ),
    licence_file="petrarch2/LICENSE",
)
PETRARCH_ACTORS = Source(
    credit="PETRARCH-2 Phoenix dictionaries, MIT, Copyright (c) 2014 Open Event Data Alliance",
    notice=(
        "PETRARCH-2 Phoenix actor and agent dictionaries (petrarch2/Phoenix.*.txt)\n"
        "  from https://github.com/openeventdata/petrarch2, petrarch2/data/dictionaries/\n"
        '  Licence: MIT, "Copyright (c) 2014 Open Event Data Alliance" (file headers); the\n'
        "  repository's LICENSE is reproduced above.\n"
        "  Used in: the actor codebooks of this directory (converted; see\n"
        "  dyad/codebooks/convert/actors.py)."
    ),
)
PLOVER_CROSSWALK = Source(
    credit="CAMEO→PLOVER crosswalk 2021, CC BY-SA 4.0, Open Event Data Alliance",
    notice=(
        "CAMEO→PLOVER crosswalk 2021 (plover/CAMEO2PLOVER-2021.txt, PLOVER manual draft 0.8,\n"
        "  17 September 2021, edited by Philip Schrodt)\n"
        "  from https://github.com/openeventdata/PLOVER\n"
        "  Copyright Open Event Data Alliance. Licence: Creative Commons Attribution-ShareAlike\n"
        "  4.0 International (CC BY-SA 4.0), https://creativecommons.org/licenses/by-sa/4.0/\n"
        "  Used in: cameo_verbs.yaml, whose PLOVER type and mode of each entry are looked up\n"
        "  in the crosswalk by the entry's CAMEO code (modes kept only where dyad's\n"
        "  plover.yaml lists them). Changes: the table was read, not copied; no row was\n"
        "  altered. The crosswalk is provided as is, without warranties; see the licence."
    ),
)

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_ .'/-]*")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):  # plain, so that YAML reads a date back
        return value.isoformat()
    text = str(value)
    # a plain scalar that starts with a letter or '_' reads back as a string unless it is
    # one of YAML 1.1's booleans or null
    if _PLAIN.fullmatch(text) and text == text.strip() and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _flow(value: Any) -> str:
    """One YAML flow value: ``{key: value, ...}``, ``[a, b]`` or a scalar."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value)


def dump_yaml(data: dict[str, Any]) -> str:
    """Codebook YAML: each section's entries one flow mapping per line, in the given order."""
    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, list):
            lines.append(f"{_scalar(key)}:")
            lines.extend(f"  - {_flow(item)}" for item in value)
        elif isinstance(value, dict):
            lines.append(f"{_scalar(key)}:")
            lines.extend(f"  {_scalar(k)}: {_flow(v)}" for k, v in value.items())
        else:
            lines.append(f"{_scalar(key)}: {_flow(value)}")
    return "\n".join(lines) + "\n"


def _header(title: str, sources: list[Source]) -> str:
    lines = [
        f"# {title}",
        "#",
        "# Generated by `python -m dyad.codebooks.convert DICTIONARIES_DIR` from",
        *(f"#   - {s.credit}" for s in sources),
        "# Do not edit this file by hand: change the converter (dyad/codebooks/convert/)"
        " and re-run it.",
        "# NOTICE in this directory gives the sources and their licences.",
    ]
    return "\n".join(lines) + "\n\n"


def write_codebook(path: Path, data: dict[str, Any], title: str, sources: list[Source]) -> None:
    """Write ``data`` as YAML under a header comment crediting ``sources``."""
    path.write_text(_header(title, sources) + dump_yaml(data), encoding="utf-8")


def _notice(src: Path, sources: list[Source]) -> str:
    parts = [
        "dyad: imported codebooks",
        "",
        "The codebooks in this directory are generated by"
        " `python -m dyad.codebooks.convert` from the",
        "third-party data below. They keep those sources' licences; dyad's own licence",
        "covers the converter, not this data.",
    ]
    for number, source in enumerate(sources, 1):
        parts += ["", "-" * 78, "", f"{number}. {source.notice}"]
        if source.licence_file:
            text = (src / source.licence_file).read_text(encoding="utf-8").strip("\n")
            parts += ["", *(f"    {line}".rstrip() for line in text.splitlines())]
    return "\n".join(parts) + "\n"


def write_verbs(src: Path, out: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """Convert the verb dictionary under ``src`` into ``out/cameo_verbs.yaml``."""
    data, counts = convert_verbs(
        Path(src) / "petrarch2" / "CAMEO.2.0.txt", Path(src) / "plover" / "CAMEO2PLOVER-2021.txt"
    )
    write_codebook(
        Path(out) / VERBS_FILE,
        data,
        "dyad trigger codebook imported from the CAMEO verb-pattern dictionary",
        [PETRARCH_VERBS, PLOVER_CROSSWALK],
    )
    return data, counts


def convert_all(src: Path, out: Path) -> dict[str, dict[str, int]]:
    """Convert every dictionary under ``src`` into ``out``; counts by output file name.

    ``src`` is the dictionaries folder (``petrarch2/``, ``plover/``). The actor
    dictionaries are converted when ``dyad.codebooks.convert.actors`` exists; it reads
    ``src/petrarch2``.
    """
    src, out = Path(src), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, dict[str, int]] = {}
    _, counts[VERBS_FILE] = write_verbs(src, out)
    sources = [PETRARCH_VERBS, PLOVER_CROSSWALK]
    try:
        from dyad.codebooks.convert.actors import convert_actors
    except ModuleNotFoundError as exc:
        if exc.name != "dyad.codebooks.convert.actors":
            raise
    else:
        for name, (data, actor_counts) in sorted(convert_actors(src / "petrarch2").items()):
            write_codebook(
                out / name,
                data,
                f"dyad actor codebook imported from the Phoenix dictionaries ({name})",
                [PETRARCH_ACTORS],
            )
            counts[name] = actor_counts
        sources.insert(1, PETRARCH_ACTORS)
    (out / "NOTICE").write_text(_notice(src, sources), encoding="utf-8")
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m dyad.codebooks.convert",
        description="Convert the PETRARCH-2 / PLOVER dictionaries into dyad codebooks.",
    )
    parser.add_argument("dictionaries", type=Path, metavar="DICTIONARIES_DIR")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(dyad.__file__).parent / "codebooks" / "imported",
        metavar="DIR",
        help="output folder (default: the package's codebooks/imported)",
    )
    args = parser.parse_args(argv)
    if not (args.dictionaries / "petrarch2" / "CAMEO.2.0.txt").is_file():
        parser.error(f"{args.dictionaries}: no petrarch2/CAMEO.2.0.txt here")
    for name, counts in convert_all(args.dictionaries, args.out).items():
        print(f"{args.out / name}")
        width = max((len(key) for key in counts), default=0)
        for key, value in counts.items():
            print(f"  {key:<{width}}  {value:>7,}")
