"""`shelterdesk --self-test` from source, and how a frozen bundle finds its catalogs and resources.

The same self-test runs on the PyInstaller bundle in ``packaging/build.sh``;
running it here on every commit keeps it from rotting between releases.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from shelterdesk.i18n import catalogs
from tests.cli_helpers import run_cli

STEPS = ("translation catalogs", "dates and country names", "vault", "record", "search",
         "anonymized referral sheet", "audit log", "Qt")


@pytest.mark.slow
def test_self_test_passes_from_source() -> None:
    result = run_cli("--self-test", "--lang", "en", env={"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ShelterDesk ")
    assert lines[-1] == "Self-test passed."
    for step in STEPS:
        assert any(line.split(":")[0].split(None, 1)[-1] == step for line in lines), step
    assert all(line.startswith("ok    ") for line in lines[1:-1]), lines
    assert re.search(r"^ok    anonymized referral sheet: az, \d+ bytes$", result.stdout, re.M)
    assert "“mammadova” → ST-" in result.stdout
    assert "offscreen" in result.stdout and "qtbase_ru loaded" in result.stdout


def test_self_test_names_the_failed_step(monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    from shelterdesk.cli import self_test

    def broken() -> str:
        raise self_test.SelfTestFailed("no catalog for az")

    monkeypatch.setattr(self_test, "_check_catalogs", broken)
    monkeypatch.setattr(self_test, "_check_qt", lambda _vault_dir: "not started here")
    assert self_test.run_self_test() == 1
    out = capsys.readouterr().out
    assert "FAIL  translation catalogs: SelfTestFailed: no catalog for az" in out
    assert "ok    search:" in out
    assert out.rstrip().endswith("Self-test failed.")


def test_frozen_bundle_reads_compiled_catalogs(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    source = Path(catalogs.__file__).resolve().parents[2] / "translations"
    bundle = tmp_path / "_internal"
    written = catalogs.compile_catalogs(source, bundle / "translations")
    assert {p.parent.parent.name for p in written} == {"az", "ru", "en"}
    assert not list((bundle / "translations").rglob("*.po"))
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert catalogs.catalog_root() == bundle / "translations"
    az = catalogs.load_translations("az")
    assert az.pgettext("QPlatformTheme", "Cancel") == "Ləğv et"


def test_compiled_catalogs_carry_pending_fragments(tmp_path: Path) -> None:
    """Translations still in translations/pending/ reach wheels and bundles too."""
    lc = tmp_path / "az" / "LC_MESSAGES"
    lc.mkdir(parents=True)
    header = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
              '"Language: az\\n"\n\n')
    (lc / "shelterdesk.po").write_text(header + 'msgid "Lock"\nmsgstr "Kilidlə"\n', "utf-8")
    (tmp_path / "pending").mkdir()
    (tmp_path / "pending" / "topic_az.po").write_text(
        header + 'msgid "Print"\nmsgstr "Çap et"\n', "utf-8")
    catalogs.compile_catalogs(tmp_path, tmp_path / "out")
    with (tmp_path / "out" / "az" / "LC_MESSAGES" / "shelterdesk.mo").open("rb") as handle:
        import gettext

        compiled = gettext.GNUTranslations(handle)
    assert compiled.gettext("Lock") == "Kilidlə"
    assert compiled.gettext("Print") == "Çap et"


def test_frozen_bundle_finds_its_resources(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from shelterdesk.ui.common import resources

    (tmp_path / "resources" / "icons").mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    resources.resources_dir.cache_clear()
    try:
        assert resources.resources_dir() == tmp_path / "resources"
    finally:
        monkeypatch.undo()
        resources.resources_dir.cache_clear()
