"""Referral documents: rendering one sheet or form, and the whole refer-and-print use case.

Builds a throwaway vault of BENCH_REFERRAL_CLIENTS synthetic clients (default
5,000) plus one richly filled client, copies it to plain SQLite, and times
rendering alone (no database) and ``refer_and_render`` (record, consent check,
rare-nationality count, render, audit) on both connections.

    python3 -m benchmarks referrals
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from benchmarks.common import measure, print_table
from shelterdesk.domain import disclosure
from shelterdesk.i18n import translator_for
from shelterdesk.reports.anonymized_sheet import render_anonymized_sheet
from shelterdesk.reports.referral_form import ReferralFormData, render_referral_form
from shelterdesk.reports.referral_print import refer_and_render
from shelterdesk.store.records import clients, demo, referrals
from shelterdesk.store.vault import Session, Vault

USER, PASSPHRASE = "bench", "benchmark passphrase"


def _plain_session(encrypted: Session, path: Path) -> Session:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON",
                   "temp_store = MEMORY"):
        connection.execute(f"PRAGMA {pragma}")
    return Session(encrypted.vault, connection, encrypted.user, bytearray(32))


def run() -> None:
    from tests.referral_helpers import build_world, consent_for

    count = int(os.environ.get("BENCH_REFERRAL_CLIENTS", "5000"))
    os.environ.setdefault("SHELTERDESK_KDF_PROFILE", "minimum")
    with tempfile.TemporaryDirectory() as temp:
        vault = Vault(Path(temp) / "vault")
        vault.create(USER, PASSPHRASE, org_name="Təmiz Ürək NGO", prefix="BN")
        encrypted = vault.unlock(USER, PASSPHRASE)
        demo.generate(encrypted, count, seed=7)
        world = build_world(encrypted)
        consent_for(encrypted, world)
        encrypted.connection.execute("ATTACH DATABASE ? AS plain KEY ''",
                                     (str(Path(temp) / "plain.db"),))
        encrypted.connection.execute("SELECT sqlcipher_export('plain')")
        encrypted.connection.execute("DETACH DATABASE plain")
        plain = _plain_session(encrypted, Path(temp) / "plain.db")

        referral, _pdf = refer_and_render(encrypted, world.case.id, world.org.id,
                                          ["legal", "medical"], anonymized=True)
        client, case = clients.get_case(encrypted, world.case.id)
        sheet = disclosure.anonymize(client, case, referral, from_org="Təmiz Ürək NGO",
                                     to_org=world.org.name, nationality_count=lambda _c: 1)
        identified = referrals.get_referral(encrypted, referral.id)
        identified.anonymized = False
        form = ReferralFormData(identified, client, case, "Təmiz Ürək NGO", "bench",
                                world.org.name)
        rows: list[tuple[str, float, float | None, str]] = []
        for language in ("az", "ru", "en"):
            tr = translator_for(language)
            rows.append((f"render an anonymized sheet ({language}, PDF only)",
                         measure(lambda tr=tr: render_anonymized_sheet(sheet, tr)), None,
                         "< 100 ms"))
        tr = translator_for("ru")
        rows.append(("render an identified form (ru, PDF only)",
                     measure(lambda: render_referral_form(form, tr)), None, "—"))

        def use_case(session: Session, anonymized: bool):
            return lambda: refer_and_render(session, world.case.id, world.org.id,
                                            ["legal", "medical"], anonymized=anonymized,
                                            language="az")

        for label, anonymized in (("anonymized sheet", True), ("identified form", False)):
            rows.append((f"refer_and_render: {label} (az)",
                         measure(use_case(encrypted, anonymized), repeat=10),
                         measure(use_case(plain, anonymized), repeat=10), "—"))
        print_table(f"Referral documents ({count:,} clients in the vault)", rows)
        plain.connection.close()
        encrypted.close()
