"""Case records at scale: search, a page of the case list, a client file, an intake.

Builds (once, cached under benchmarks/out/) a vault of N synthetic clients
with about ten service records each, then copies it to a plain SQLite file
with the same schema and data (``sqlcipher_export``), and runs the very same
store functions on both connections, printed side by side.

    python3 -m benchmarks records            # 100,000 clients, ~1,000,000 services
    BENCH_CLIENTS=20000 python3 -m benchmarks records
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from datetime import date
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlcipher

from benchmarks.common import measure, print_engine_table
from shelterdesk.store.records import case_list, client_file, clients, demo
from shelterdesk.store.vault import Session, Vault
from tests.records_helpers import make_case, make_client

OUT = Path(__file__).resolve().parent / "out"
USER, PASSPHRASE = "bench", "benchmark passphrase"


def _build(clients_count: int) -> tuple[Vault, float]:
    directory = OUT / f"records-{clients_count}"
    vault = Vault(directory / "vault")
    if (directory / "ready").exists():
        return vault, float((directory / "ready").read_text())
    shutil.rmtree(directory, ignore_errors=True)
    os.environ.setdefault("SHELTERDESK_KDF_PROFILE", "minimum")
    vault.create(USER, PASSPHRASE, prefix="BN")
    with vault.unlock(USER, PASSPHRASE) as session:
        start = time.perf_counter()
        demo.generate(session, clients_count, seed=42, services_per_client=10.0)
        took = time.perf_counter() - start
        session.connection.execute("ANALYZE")
        session.connection.execute("ATTACH DATABASE ? AS plain KEY ''",
                                   (str(directory / "plain.db"),))
        session.connection.execute("SELECT sqlcipher_export('plain')")
        session.connection.execute("DETACH DATABASE plain")
    (directory / "ready").write_text(f"{took:.1f}")
    return vault, took


def _plain_session(encrypted: Session, path: Path, engine=sqlite3) -> Session:
    """The plain copy on Python's sqlite3, or (``engine=sqlcipher3``) on SQLCipher's own
    SQLite with no key: the same engine version as the vault, so only encryption differs."""
    connection = engine.connect(str(path), isolation_level=None, check_same_thread=False)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON",
                   "temp_store = MEMORY", "cache_size = 20000"):
        connection.execute(f"PRAGMA {pragma}")
    return Session(encrypted.vault, connection, encrypted.user, bytearray(32))


def run() -> None:
    count = int(os.environ.get("BENCH_CLIENTS", "100000"))
    vault, generation = _build(count)
    encrypted = vault.unlock(USER, PASSPHRASE)
    plain = _plain_session(encrypted, vault.directory.parent / "plain.db")
    unkeyed = _plain_session(encrypted, vault.directory.parent / "plain.db", sqlcipher)
    services = encrypted.connection.execute(
        "SELECT (SELECT count(*) FROM legal_consultations) + (SELECT count(*) FROM"
        " medical_services) + (SELECT count(*) FROM other_services)").fetchone()[0]
    some_case = case_list.list_cases(encrypted, limit=1, offset=count // 2)[0].case_id
    phone = encrypted.connection.execute(
        "SELECT phone FROM clients WHERE phone != '' LIMIT 1 OFFSET ?", (count // 3,)).fetchone()[0]
    local_phone = "0" + "".join(ch for ch in phone if ch.isdigit())[3:]
    code = case_list.list_cases(encrypted, limit=1, offset=count // 4)[0].case_code

    def workloads(session: Session) -> dict[str, object]:
        return {
            "search 'mammadova' (first 100)": lambda: case_list.list_cases(
                session, case_list.CaseFilter(search="mammadova"), limit=100),
            "search a phone typed locally (0501234567)": lambda: case_list.list_cases(
                session, case_list.CaseFilter(search=local_phone), limit=100),
            "search a case code": lambda: case_list.list_cases(
                session, case_list.CaseFilter(search=code), limit=100),
            "search a note word ('dubai')": lambda: case_list.list_cases(
                session, case_list.CaseFilter(search="dubai"), limit=100),
            "case list page 1 (last activity)": lambda: case_list.list_cases(session, limit=100),
            "case list page 50 (last activity)": lambda: case_list.list_cases(
                session, offset=4900, limit=100),
            "case list page 1 filtered (dating_app)": lambda: case_list.list_cases(
                session, case_list.CaseFilter(recruitment_channel="dating_app"), limit=100),
            "open a client file (overview)": lambda: client_file.open_file(session, some_case),
            "insert an intake": lambda: clients.create_intake(
                session, make_client(), make_case(intake_date=date(2026, 3, 1))),
        }

    rows = []
    targets = {"search 'mammadova' (first 100)": "< 50 ms", "case list page 1 (last activity)":
               "< 50 ms", "open a client file (overview)": "< 30 ms"}
    plain_work, unkeyed_work = workloads(plain), workloads(unkeyed)
    for name, work in workloads(encrypted).items():
        rows.append((name, measure(work, repeat=15), measure(plain_work[name], repeat=15),
                     measure(unkeyed_work[name], repeat=15), targets.get(name, "—")))
    print_engine_table(f"Case records: {count:,} clients, {services:,} service records", rows)
    print(f"\ndemo-data generation of {count:,} clients with {services:,} services: "
          f"{generation:.1f} s (target for 100,000 clients: < 120 s)")
    plain.connection.close()
    unkeyed.connection.close()
    encrypted.close()
