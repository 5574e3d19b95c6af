"""DESIGN.md's dependency rules, checked on the imports of the package's modules."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "dyad"

#: The per-article stages: each runs alone (in a test, a worker or on Dask).
STAGES = frozenset({"read", "clean", "nlp", "actors", "events", "when", "place", "link"})
#: What a stage may use besides the records: errors, codebooks and their caches.
STAGE_MAY_IMPORT = frozenset(
    {
        *("records", "errors", "codebook", "ontology", "actor_codebook", "gazetteer", "cache"),
        *("dates", "settings", "geonames"),
    }
)


def dyad_imports(source: str) -> set[str]:
    """The dyad modules a module's source imports, at any depth (lazy imports count)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "dyad" and node.level == 0:
            names = [f"dyad.{alias.name}" for alias in node.names]  # from dyad import geonames
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "dyad" and len(parts) > 1:
                found.add(parts[1])
    return found


def violations(module: str, source: str) -> list[str]:
    """The dependency rules a module named ``module`` with this source breaks."""
    imports = dyad_imports(source) - {module}
    out = []
    if module == "records" and imports:
        out.append(f"records imports {sorted(imports)}")
    if module in STAGES:
        out += [f"stage {module} imports {name}" for name in sorted(imports - STAGE_MAY_IMPORT)]
    if module not in {"cli", "__main__"} and "cli" in imports:
        out.append(f"{module} imports cli")
    return out


def test_the_package_keeps_the_dependency_rules() -> None:
    found = {
        path.stem: violations(path.stem, path.read_text(encoding="utf-8"))
        for path in PACKAGE.glob("*.py")
    }
    assert {module: v for module, v in found.items() if v} == {}
    assert set(found) >= STAGES, "a stage module was renamed: update STAGES"


def test_a_deliberate_violation_is_caught() -> None:
    stage_with_store = "from dyad.records import Article\nfrom dyad.store import Store\n"
    assert violations("events", stage_with_store) == ["stage events imports store"]
    lazy = "def f():\n    import dyad.link\n"
    assert violations("place", lazy) == ["stage place imports link"]
    assert violations("records", "from dyad.errors import InputError\n") == [
        "records imports ['errors']"
    ]
    assert violations("report", "from dyad.cli import app\n") == ["report imports cli"]
    assert violations("report", "from dyad.api import ingest\n") == []
    assert violations("read", "from dyad.clean import clean\n") == ["stage read imports clean"]
    assert violations("place", "from dyad import store\n") == ["stage place imports store"]
