"""Dependencies run one way: search and uploads build on calls, calls imports neither.

Read from the source (ast), so that an import anywhere in a module counts, inside a function too.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CALLS = ROOT / "calls"


def imported_modules(path: Path, *, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == package or module.startswith(f"{package}.") for package in packages)


CALLS_MODULES = sorted(CALLS.rglob("*.py"))


@pytest.mark.parametrize("path", CALLS_MODULES, ids=lambda path: str(path.relative_to(ROOT)))
def test_calls_imports_neither_search_nor_uploads(path):
    wrong = sorted(m for m in imported_modules(path) if within(m, ("search", "uploads")))
    assert not wrong, f"{path.relative_to(ROOT)} imports {', '.join(wrong)}"


def test_the_modules_are_found():
    names = {str(path.relative_to(CALLS)) for path in CALLS_MODULES}
    assert {"services.py", "admin.py", "pages.py", "views.py", "management/commands/ingest.py"} <= names


def test_querysets_only_query():
    # Reading files (calls.ingestion, calls.parsing) is no business of the reads.
    wrong = imported_modules(CALLS / "querysets.py", top_level_only=True)
    assert not {m for m in wrong if within(m, ("calls.ingestion", "calls.parsing", "calls.services"))}


@pytest.mark.parametrize("name", ["text.py", "parsing"])
def test_pure_modules_know_nothing_of_django(name):
    paths = [CALLS / name] if name.endswith(".py") else sorted((CALLS / name).rglob("*.py"))
    for path in paths:
        wrong = sorted(m for m in imported_modules(path) if within(m, ("django",)))
        assert not wrong, f"{path.relative_to(ROOT)} imports {', '.join(wrong)}"
