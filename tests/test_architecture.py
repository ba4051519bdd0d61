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
