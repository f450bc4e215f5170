"""The apps stand in layers: core ← clients ← staff ← programs ← sales ← accompaniment. A lower
app's code never imports a higher one (its tests may use higher apps' factories)."""

import ast
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[3]
LAYERS = ["core", "clients", "staff", "programs", "sales", "accompaniment"]


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & set(LAYERS)


@pytest.mark.parametrize("app", LAYERS[:-1])
def test_a_lower_app_never_imports_a_higher_one(app):
    higher = set(LAYERS[LAYERS.index(app) + 1 :])
    offending = {
        str(path.relative_to(BASE_DIR)): sorted(imported_apps(path) & higher)
        for path in (BASE_DIR / app).rglob("*.py")
        if "tests" not in path.relative_to(BASE_DIR).parts and imported_apps(path) & higher
    }
    assert offending == {}
