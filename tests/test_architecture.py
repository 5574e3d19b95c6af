"""DESIGN.md's dependency rules, checked on the imports of the package's modules.

Modules are named by their path in the package: ``stages.when``, ``store.query``,
``records``.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "dyad"

#: The per-article stages: each runs alone (in a test, a worker or on Dask).
STAGES = frozenset(
    f"stages.{name}"
    for name in ("read", "clean", "nlp", "actors", "events", "when", "place", "link")
)
#: What every stage and codebook may use: the records, errors and settings.
SHARED = frozenset({"records", "errors", "settings"})
#: A stage may use, besides those, the codebooks and the date parser read and clean share.
STAGE_MAY_IMPORT = SHARED | {"stages.dates"}
#: The sub-packages whose ``from dyad.<room> import name`` names a module.
ROOMS = frozenset(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())


def module_name(path: Path) -> str:
    """A module's name in the package from its file: ``stages/when.py`` → ``stages.when``."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def dyad_imports(source: str) -> set[str]:
    """The dyad modules a module's source imports, at any depth (lazy imports count)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            room = node.module.removeprefix("dyad").lstrip(".")
            if node.module == "dyad" or room in ROOMS:  # from dyad.codebooks import geonames
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found |= {n.removeprefix("dyad.") for n in names if n.startswith("dyad.")}
    return found - {"__version__"}


def violations(module: str, source: str) -> list[str]:
    """The dependency rules a module named ``module`` with this source breaks."""
    imports = dyad_imports(source) - {module}
    out = []
    if module in {"records", "schema"} and imports:
        out.append(f"{module} imports {sorted(imports)}")
    if module in STAGES:
        out += [
            f"stage {module} imports {name}"
            for name in sorted(imports - STAGE_MAY_IMPORT)
            if not name.startswith("codebooks")
        ]
    if module.startswith("codebooks"):
        out += [
            f"codebook {module} imports {name}"
            for name in sorted(imports - SHARED)
            if not name.startswith("codebooks")
        ]
    if module not in {"serve.cli", "__main__"} and "serve.cli" in imports:
        out.append(f"{module} imports serve.cli")
    return out


def test_the_package_keeps_the_dependency_rules() -> None:
    found = {
        module_name(path): violations(module_name(path), path.read_text(encoding="utf-8"))
        for path in PACKAGE.rglob("*.py")
    }
    assert {module: v for module, v in found.items() if v} == {}
    assert set(found) >= STAGES, "a stage module was renamed: update STAGES"


def test_a_deliberate_violation_is_caught() -> None:
    stage_with_store = "from dyad.records import Article\nfrom dyad.store.store import Store\n"
    assert violations("stages.events", stage_with_store) == [
        "stage stages.events imports store.store"
    ]
    lazy = "def f():\n    import dyad.stages.link\n"
    assert violations("stages.place", lazy) == ["stage stages.place imports stages.link"]
    assert violations("records", "from dyad.errors import InputError\n") == [
        "records imports ['errors']"
    ]
    assert violations("schema", "from dyad.records import Article\n") == [
        "schema imports ['records']"
    ]
    from_cli = "from dyad.serve.cli import app\n"
    assert violations("output.report", from_cli) == ["output.report imports serve.cli"]
    assert violations("output.report", "from dyad.api import ingest\n") == []
    assert violations("stages.read", "from dyad.stages.clean import clean\n") == [
        "stage stages.read imports stages.clean"
    ]
    assert violations("stages.place", "from dyad.stages import when\n") == [
        "stage stages.place imports stages.when"
    ]
    assert violations("stages.place", "from dyad import store\n") == [
        "stage stages.place imports store"
    ]
    assert violations("stages.place", "from dyad.codebooks import geonames\n") == []
    assert violations("codebooks.gazetteer", "from dyad.stages.nlp import parse\n") == [
        "codebook codebooks.gazetteer imports stages.nlp"
    ]


def test_the_rules_see_the_real_tree() -> None:
    """A rule over names that match no file would pass on anything."""
    assert module_name(PACKAGE / "stages" / "when.py") == "stages.when"
    assert module_name(PACKAGE / "store" / "__init__.py") == "store"
    assert {"stages", "store", "codebooks", "serve"} <= ROOMS
