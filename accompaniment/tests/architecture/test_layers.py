"""The apps stand in layers: core ← clients ← staff ← programs ← sales ← accompaniment, with the
development tools (accompaniment.devtools: the demo club, the bench) above them all. A lower
layer never imports a higher one, from the import graph: its code, its tests and its conftest.py
files alike (a test of a lower app that needs a higher one belongs under accompaniment/tests/).

The project's root conftest.py is the test run's own configuration (it loads the Celery app), not
a layer: the tests may import its helpers.
"""

import ast
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[3]
DEVTOOLS = "accompaniment.devtools"
LAYERS = ["core", "clients", "staff", "programs", "sales", "accompaniment", DEVTOOLS]

# file → {imported module: why this import against the layers is accepted}
EXCEPTIONS = {
    "accompaniment/tests/spreadsheets/conftest.py": {
        "accompaniment.devtools.demo.catalog": (
            "the sample spreadsheets of docs/import name the demo club's blocks and plans; the catalog "
            "(plain data, no code) is where they are written once"
        ),
    },
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(BASE_DIR).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str | None:
    if module == DEVTOOLS or module.startswith(DEVTOOLS + "."):
        return DEVTOOLS
    top = module.split(".")[0]
    return top if top in LAYERS else None


def imports(path: Path) -> set[str]:
    """Every module (or module.name) the file imports, anywhere in it (inside functions too),
    relative imports resolved."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.update(f"{module}.{alias.name}" for alias in node.names)  # a name or a submodule
    return names


def files_of(layer: str, tests: bool) -> list[Path]:
    """The layer's product modules, or its test modules and conftest.py files."""
    found = []
    for path in (BASE_DIR / layer.replace(".", "/")).rglob("*.py"):
        if layer_of(module_name(path)) != layer or "migrations" in path.parts:
            continue
        is_test = "tests" in path.relative_to(BASE_DIR).parts or path.name == "conftest.py"
        if is_test == tests:
            found.append(path)
    return found


def against_the_layers(layer: str, tests: bool) -> dict[str, list[str]]:
    higher = set(LAYERS[LAYERS.index(layer) + 1 :])
    offending = {}
    for path in files_of(layer, tests):
        name = str(path.relative_to(BASE_DIR))
        accepted = EXCEPTIONS.get(name, {})
        wrong = sorted(m for m in imports(path) if layer_of(m) in higher and m not in accepted)
        if wrong:
            offending[name] = wrong
    return offending


@pytest.mark.parametrize("layer", LAYERS[:-1])
def test_a_lower_apps_code_never_imports_a_higher_one(layer):
    assert files_of(layer, tests=False)
    assert against_the_layers(layer, tests=False) == {}


@pytest.mark.parametrize("layer", LAYERS[:-1])
def test_a_lower_apps_tests_never_import_a_higher_one(layer):
    assert files_of(layer, tests=True)
    assert against_the_layers(layer, tests=True) == {}


def test_every_exception_is_still_needed():
    for name, accepted in EXCEPTIONS.items():
        path = BASE_DIR / name
        assert path.exists(), name
        assert set(accepted) <= imports(path), f"{name} no longer imports {set(accepted) - imports(path)}"


def test_the_graph_sees_imports_inside_functions_and_relative_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(__import__(__name__, fromlist=["BASE_DIR"]), "BASE_DIR", tmp_path)
    module = tmp_path / "clients" / "tests" / "views" / "test_x.py"
    module.parent.mkdir(parents=True)
    module.write_text("def test():\n    from sales.models import Sale\nfrom ..support import x\nfrom . import factories\n")
    assert imports(module) == {"sales.models.Sale", "clients.tests.support.x", "clients.tests.views.factories"}
    assert against_the_layers("clients", tests=True) == {"clients/tests/views/test_x.py": ["sales.models.Sale"]}
