"""`shelterdesk --self-test`: a temporary vault, end to end, then gone."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from shelterdesk.cli.common import say
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import _
from shelterdesk.store import audit, users
from shelterdesk.store.vault import Vault

_PASSPHRASE = "self-test passphrase"


def run_self_test() -> int:
    os.environ.setdefault("SHELTERDESK_KDF_PROFILE", "minimum")
    with tempfile.TemporaryDirectory(prefix="shelterdesk-selftest-") as temp:
        vault = Vault(Path(temp) / "vault")
        vault.create("selftest", _PASSPHRASE, org_name="Self-test", prefix="ST")
        with vault.unlock("selftest", _PASSPHRASE) as session:
            users.add_user(session, "worker", [Role.CASE_WORKER], _PASSPHRASE)
        with vault.unlock("worker", _PASSPHRASE) as session:
            assert session.user.roles == (Role.CASE_WORKER,)
            report = audit.verify(session.connection)
            if not report.ok:
                raise RuntimeError("audit chain")
    say(_("Self-test passed."))
    return 0
