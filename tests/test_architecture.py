"""The layers of docs/ARCHITECTURE.md, enforced: import-linter contracts and module size."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command;"
         " sys.exit(lint_imports_command())"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower() or " 0 broken" in result.stdout


def test_no_module_grows_into_two_things() -> None:
    too_long = [
        (str(path.relative_to(ROOT)), n)
        for path in (ROOT / "shelterdesk").rglob("*.py")
        if (n := len(path.read_text("utf-8").splitlines())) > 600
    ]
    assert not too_long, too_long


def test_every_module_says_what_it_is_for() -> None:
    import ast

    missing = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "shelterdesk").rglob("*.py")
        if (text := path.read_text("utf-8")).strip() and ast.get_docstring(ast.parse(text)) is None
    ]
    assert not missing, missing


def test_no_import_circle() -> None:
    """No module imports one that (directly or through others) imports it back: a circle
    means two modules are one thing, or a shared piece is in the wrong place. Imports made
    inside functions and under TYPE_CHECKING count too (grimp, as import-linter sees them)."""
    import grimp

    graph = grimp.build_graph("shelterdesk")
    circles = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if graph.chain_exists(importer=imported, imported=module):
                circles.add(tuple(sorted((module, imported))))
    assert not circles, sorted(circles)


def test_ui_and_store_are_grouped_by_concern() -> None:
    """Each section of the window, and each concern of the store, is a package: the flat
    directories hold only their package's entry points."""
    for package, allowed in (("ui", {"__init__.py"}),
                             ("store", {"__init__.py", "access.py", "audit.py",
                                        "audit_query.py", "connection.py", "errors.py",
                                        "migrate.py", "rows.py", "settings.py", "vault.py",
                                        "vault_location.py"})):
        loose = {p.name for p in (ROOT / "shelterdesk" / package).glob("*.py")} - allowed
        assert not loose, f"shelterdesk/{package}/ has loose modules: {sorted(loose)}"
