"""`shelterdesk --self-test`: this installation checked end to end on a temporary vault, then gone.

Run from source by the test suite and by ``packaging/build.sh`` on the frozen
bundle, so a missing catalog, locale, font, Qt plugin or library shows up as a
named failed step. Everything it writes is synthetic and lives in a temporary
directory that is deleted at the end.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from shelterdesk import __version__
from shelterdesk.cli.common import say
from shelterdesk.domain.clients import Case, Client
from shelterdesk.domain.referrals import Organisation
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import SUPPORTED_LANGUAGES, _, format_date, translations
from shelterdesk.i18n.territories import country_name
from shelterdesk.reports.referral_print import refer_and_render
from shelterdesk.store import audit
from shelterdesk.store.keys import users
from shelterdesk.store.records import clients, organisations
from shelterdesk.store.records.case_list import CaseFilter, list_cases
from shelterdesk.store.vault import Session, Vault

_PASSPHRASE = "self-test passphrase"
# A synthetic client; the search below finds her without the Azerbaijani letters.
_GIVEN, _FAMILY, _QUERY = "Aynur", "Məmmədova", "mammadova"


class SelfTestFailed(RuntimeError):
    """One step found something wrong; its message says what."""


def run_self_test(platform: str | None = None) -> int:
    """Run every step, print one line for each, and return 0 only if none failed.

    ``platform`` (``--platform``) names Qt's platform plugin; with ``xcb``, or on a
    Linux desktop with a display, the X11 plugin's system libraries are checked
    first, since Qt would abort the whole process if one were missing.
    """
    if platform:
        os.environ["QT_QPA_PLATFORM"] = platform
    check_xcb = _xcb_wanted()
    _default_to_offscreen()
    os.environ.setdefault("SHELTERDESK_KDF_PROFILE", "minimum")
    runtime = "frozen" if getattr(sys, "frozen", False) else "Python " + sys.version.split()[0]
    encoding = getattr(sys.stdout, "encoding", None) or "none"
    say(f"ShelterDesk {__version__} ({runtime}, output {encoding})")
    failures = 0
    with tempfile.TemporaryDirectory(prefix="shelterdesk-selftest-") as temp:
        vault_dir = Path(temp) / "vault"
        state: dict = {}
        steps: list[tuple[str, Callable[[], str]]] = [
            (_("translation catalogs"), _check_catalogs),
            (_("dates and country names"), _check_locale_data),
            (_("vault"), lambda: _check_vault(vault_dir, state)),
            (_("record"), lambda: _check_record(vault_dir, state)),
            (_("search"), lambda: _check_search(vault_dir, state)),
            (_("anonymized referral sheet"), lambda: _check_sheet(vault_dir, state)),
            (_("audit log"), lambda: _check_audit(vault_dir)),
            (_("Qt"), lambda: _check_qt(vault_dir)),
        ]
        if check_xcb:
            steps.insert(-1, (_("X11 platform libraries"), _check_xcb))
        for name, step in steps:
            try:
                detail = step()
            except Exception as error:  # noqa: BLE001 - every failure is reported by step
                failures += 1
                say(f"FAIL  {name}: {type(error).__name__}: {_reason(error)}")
            else:
                say(f"ok    {name}: {detail}")
    if failures:
        say(_("Self-test failed."))
        return 1
    say(_("Self-test passed."))
    return 0


def _default_to_offscreen() -> None:
    """With no display (a server, CI, a bundle smoke test) Qt paints off screen."""
    if sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _xcb_wanted() -> bool:
    """Asked for with --platform xcb, or Qt would pick xcb itself (Linux, an X display)."""
    if not sys.platform.startswith("linux"):
        return False
    chosen = os.environ.get("QT_QPA_PLATFORM", "")
    return chosen == "xcb" or (not chosen and bool(os.environ.get("DISPLAY")))


def _check_xcb() -> str:
    """Every library of Qt's xcb plugin resolves; else name the Debian package to install.

    Whether it passes or not, a missing display or library must not let Qt abort the
    remaining step: the Qt step then paints off screen.
    """
    from shelterdesk.ui.common.platform_libraries import missing_libraries, xcb_plugin

    plugin = xcb_plugin()
    if plugin is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        raise SelfTestFailed(_("Qt's X11 platform plugin (libqxcb.so) is not installed"))
    missing = missing_libraries(plugin)
    if missing:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        packages = sorted({item.package for item in missing if item.package})
        libraries = ", ".join(item.library for item in missing)
        if packages:
            raise SelfTestFailed(_("{libraries} not found; install: sudo apt-get install "
                                   "{packages}").format(libraries=libraries,
                                                        packages=" ".join(packages)))
        raise SelfTestFailed(_("{libraries} not found").format(libraries=libraries))
    if not os.environ.get("DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return _("{name}: every library found (no display: Qt paints off screen)").format(
            name=plugin.name)
    return _("{name}: every library found").format(name=plugin.name)


def _reason(error: BaseException) -> str:
    user_message = getattr(error, "user_message", None)
    return user_message() if callable(user_message) else str(error)


def _check_catalogs() -> str:
    """Every catalog loads, and the translated ones really translate."""
    for language in SUPPORTED_LANGUAGES:
        catalog = translations(language)
        if not catalog.info().get("language"):
            raise SelfTestFailed("no catalog for " + language)
        if language != "en" and catalog.pgettext("QPlatformTheme", "Cancel") == "Cancel":
            raise SelfTestFailed("the " + language + " catalog translates nothing")
    return ", ".join(SUPPORTED_LANGUAGES)


def _check_locale_data() -> str:
    """Babel's CLDR data for each language (a bundle carries only these locales)."""
    shown = []
    for language in SUPPORTED_LANGUAGES:
        day = format_date(date(2026, 1, 15), language)
        name = country_name("AZ", language)
        if not day or name == "AZ":
            raise SelfTestFailed("no locale data for " + language)
        shown.append(name)
    return " / ".join(shown)


def _check_vault(vault_dir: Path, state: dict) -> str:
    vault = Vault(vault_dir)
    vault.create("selftest", _PASSPHRASE, org_name="Self-test", prefix="ST")
    with vault.unlock("selftest", _PASSPHRASE) as session:
        users.add_user(session, "worker", [Role.CASE_WORKER], _PASSPHRASE)
        org = organisations.add_organisation(session, Organisation(
            name="Hüquqi Yardım Mərkəzi", kind="ngo", services=["legal", "psychosocial"]))
        state["org"] = org.name
    with _worker(vault_dir) as session:
        if session.user.roles != (Role.CASE_WORKER,):
            raise SelfTestFailed("the case worker came back with other roles")
    return _("created, unlocked by two users")


def _worker(vault_dir: Path) -> Session:
    return Vault(vault_dir).unlock("worker", _PASSPHRASE)


def _check_record(vault_dir: Path, state: dict) -> str:
    with _worker(vault_dir) as session:
        case = clients.create_intake(
            session,
            Client(given_name=_GIVEN, family_name=_FAMILY, sex="female", age_estimate=24,
                   nationality="AZ", languages=["az", "ru"]),
            Case(intake_date=date.today(), exploitation_types=["forced_labour"],
                 recruitment_channel="online_job_ad", recruitment_platform="telegram",
                 victim_status="presumed", risk_level="low"))
        client, stored = clients.get_case(session, case.id)
    if (client.given_name, client.family_name) != (_GIVEN, _FAMILY) \
            or stored.exploitation_types != ["forced_labour"]:
        raise SelfTestFailed("the record read back differs from the one written")
    state["case_id"], state["case_code"] = case.id, case.case_code
    return case.case_code


def _check_search(vault_dir: Path, state: dict) -> str:
    with _worker(vault_dir) as session:
        found = list_cases(session, CaseFilter(search=_QUERY))
    if state.get("case_id") not in {row.case_id for row in found}:
        raise SelfTestFailed("“" + _QUERY + "” did not find the record")
    return "“{query}” → {code}".format(query=_QUERY, code=state["case_code"])


def _check_sheet(vault_dir: Path, state: dict) -> str:
    """Record an anonymized referral and print its sheet in Azerbaijani (fonts embedded)."""
    with _worker(vault_dir) as session:
        _referral, pdf = refer_and_render(
            session, state["case_code"], state["org"], ["legal"], anonymized=True,
            language="az")
    if not pdf.startswith(b"%PDF-") or b"/FontFile2" not in pdf:
        raise SelfTestFailed("the sheet is not a PDF with its fonts embedded")
    if _FAMILY.encode("utf-8") in pdf or _GIVEN.encode("utf-8") in pdf:
        raise SelfTestFailed("the anonymized sheet carries the name")
    return f"az, {len(pdf)} bytes"


def _check_audit(vault_dir: Path) -> str:
    with _worker(vault_dir) as session:
        report = audit.verify(session.connection)
    if not report.ok:
        raise SelfTestFailed("the audit chain does not verify")
    return _("chain verified")


def _check_qt(vault_dir: Path) -> str:
    from shelterdesk.ui.shell.self_check import check_qt

    report = check_qt(vault_dir)
    return (f"Qt {report.qt_version}, {report.platform}, {report.width}×{report.height},"
            " qtbase_ru loaded")
