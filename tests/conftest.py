"""Shared fixtures: fast-but-real key derivation, offscreen Qt, a fresh vault per test."""

from __future__ import annotations

import ctypes
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The RFC 9106 floor (64 MiB, 3 passes, 4 lanes) without the 0.5–1 s calibration.
os.environ["SHELTERDESK_KDF_PROFILE"] = "minimum"
os.environ.pop("SHELTERDESK_PASSPHRASE", None)
os.environ.pop("SHELTERDESK_NEW_PASSPHRASE", None)

# PySide6 6.12 on Python 3.11 drops one reference to None (and to True/False) on every
# call of a Qt method that returns nothing (measured: 3,000 ``QLineEdit.setText`` calls
# take None from ~5,200 references to ~2,200; ~5,300 abort with "none_dealloc"). A test
# session makes hundreds of thousands of such calls, so it holds enough references of
# its own for the singletons never to reach zero, and never gives them back (freeing
# them at exit would hit zero there). Not a fix: see docs/DEVELOPING.md.
_SINGLETON_REFERENCES = [None, True, False] * 2_000_000
ctypes.pythonapi.Py_IncRef(ctypes.py_object(_SINGLETON_REFERENCES))

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from shelterdesk.i18n import set_language  # noqa: E402
from shelterdesk.store.vault import Session, Vault  # noqa: E402
from tests.relay_helpers import relay_store  # noqa: E402,F401 - the relay's store fixture

ADMIN = "aysel"
ADMIN_PASSPHRASE = "coordinator passphrase"
WORKER_PASSPHRASE = "case worker passphrase"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--onscreen", action="store_true", help="show Qt windows while testing")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--onscreen"):
        os.environ["QT_QPA_PLATFORM"] = "xcb"


@pytest.fixture(autouse=True)
def english() -> None:
    set_language("en")


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def created_vault(vault_dir: Path) -> tuple[Vault, str]:
    vault = Vault(vault_dir)
    created = vault.create(ADMIN, ADMIN_PASSPHRASE, org_name="Təmiz Ürək NGO", prefix="TU")
    return vault, created.recovery_key


@pytest.fixture
def vault(created_vault: tuple[Vault, str]) -> Vault:
    return created_vault[0]


@pytest.fixture
def admin_session(vault: Vault) -> Session:
    session = vault.unlock(ADMIN, ADMIN_PASSPHRASE)
    yield session
    session.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Let background work finish before pytest-qt calls ``QApplication.processEvents()``.

    That static call racing a thread inside SQLite can corrupt a reference count in
    PySide6 6.12 / Python 3.11 (see docs/DEVELOPING.md); our wrapper runs inside
    pytest-qt's, so the pool is idle by the time it processes events.
    """
    try:
        return (yield)
    finally:
        import sys

        if "PySide6.QtCore" in sys.modules:
            from PySide6.QtCore import QThreadPool

            QThreadPool.globalInstance().waitForDone(30_000)
