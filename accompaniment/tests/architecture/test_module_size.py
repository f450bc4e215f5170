"""No module of the product is over 500 lines: a bigger one becomes a package of modules by
responsibility (``clients/services/``, ``accompaniment/dashboard/``, ``staff/models/``…).
Tests and migrations are not product modules; exceptions, if ever, are listed with a reason."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[3]
APPS = ["core", "clients", "staff", "programs", "sales", "accompaniment"]
MOST_LINES = 500
EXCEPTIONS: dict[str, str] = {}  # "path": "why it stays whole"


def product_modules():
    for app in APPS:
        for path in (BASE_DIR / app).rglob("*.py"):
            parts = path.relative_to(BASE_DIR).parts
            if "tests" not in parts and "migrations" not in parts:
                yield path


def test_no_product_module_is_over_500_lines():
    sizes = {str(path.relative_to(BASE_DIR)): len(path.read_text(encoding="utf-8").splitlines())
             for path in product_modules()}
    assert len(sizes) > 100  # the walk found the product
    assert {path: lines for path, lines in sizes.items() if lines > MOST_LINES and path not in EXCEPTIONS} == {}
