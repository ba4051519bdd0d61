"""The command-line twin of the Laptops tab and of "who" in conflicts: names and users in
``device list``, ``device rename``, and the laptops and users in ``conflicts list``."""

from __future__ import annotations

import json
from pathlib import Path

from shelterdesk.domain.referrals import Organisation
from shelterdesk.store.records import organisations
from shelterdesk.store.vault import Vault
from shelterdesk.sync import devices
from tests.cli_helpers import run_cli
from tests.test_cli_sync import PASS, _laptops, _ok


def _sync(laptop: Path, folder: Path) -> None:
    _ok(run_cli("sync", "--folder", str(folder), "--data-dir", str(laptop), "--user", "aysel",
                "--json", passphrase=PASS))


def _devices(laptop: Path) -> list[dict]:
    listed = _ok(run_cli("device", "list", "--json", "--data-dir", str(laptop), "--user",
                         "aysel", passphrase=PASS))
    return json.loads(listed.stdout)


def test_device_list_rename_and_conflicts_name_laptops_and_users(tmp_path: Path) -> None:
    a, b, folder = _laptops(tmp_path, clients=1)
    for laptop in (a, b, a):
        _sync(laptop, folder)
    found = _devices(a)
    assert len(found) == 2
    host = devices.default_name()
    for device in found:  # the old fields stay, the new ones are added
        assert {"device_id", "this", "added_at", "added_by", "revoked_after",
                "revoked_at"} <= set(device)
        assert device["name"] == host and device["user"] == "aysel"
        assert device["epoch"] == 1
    other = next(d for d in found if not d["this"])
    assert other["last_seen"]

    renamed = _ok(run_cli("device", "rename", other["device_id"], "  Laptop in room 2 ",
                          "--data-dir", str(a), "--user", "aysel", passphrase=PASS))
    assert "Laptop in room 2" in renamed.stdout
    bad = run_cli("device", "rename", other["device_id"], "", "--data-dir", str(a), "--user",
                  "aysel", passphrase=PASS)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
    assert "60 characters" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    for laptop in (a, b):
        _sync(laptop, folder)
    names = {d["this"]: d["name"] for d in _devices(b)}
    assert names == {True: "Laptop in room 2", False: host}
    text = _ok(run_cli("device", "list", "--data-dir", str(b), "--user", "aysel",
                       passphrase=PASS)).stdout
    assert "Laptop in room 2" in text and "aysel" in text

    # A conflict made on both laptops offline: the list says on which laptop, by whom.
    with Vault(a).unlock("aysel", PASS) as session:
        organisations.add_organisation(session, Organisation("Shared NGO", "ngo"))
    for laptop in (a, b):
        _sync(laptop, folder)
    for laptop, phone in ((a, "+994 12 111"), (b, "+994 12 222")):
        with Vault(laptop).unlock("aysel", PASS) as session:
            org = next(o for o in organisations.list_organisations(session)
                       if o.name == "Shared NGO")
            org.phone = phone
            organisations.update_organisation(session, org)
    for laptop in (a, b, a):
        _sync(laptop, folder)
    listed = _ok(run_cli("conflicts", "list", "--json", "--data-dir", str(a), "--user", "aysel",
                         passphrase=PASS))
    conflict = next(c for c in json.loads(listed.stdout) if c["column"] == "phone")
    assert {conflict["winner_laptop"], conflict["loser_laptop"]} == {host, "Laptop in room 2"}
    assert conflict["winner_user"] == conflict["loser_user"] == "aysel"
    assert "detail" in conflict  # the old fields stay
    text = _ok(run_cli("conflicts", "list", "--data-dir", str(a), "--user", "aysel",
                       passphrase=PASS)).stdout
    assert "Laptop in room 2 / aysel" in text and f"{host} / aysel" in text
