"""Running the real `shelterdesk` command in a subprocess, as an administrator's script would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _environment(passphrase: str | None, new_passphrase: str | None,
                 env: dict[str, str] | None) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SHELTERDESK_")}
    environment["SHELTERDESK_KDF_PROFILE"] = "minimum"
    environment["PYTHONPATH"] = str(ROOT)
    environment["LANG"] = "en_GB.UTF-8"
    if passphrase is not None:
        environment["SHELTERDESK_PASSPHRASE"] = passphrase
    if new_passphrase is not None:
        environment["SHELTERDESK_NEW_PASSPHRASE"] = new_passphrase
    environment.update(env or {})
    return environment


def run_cli(*args: str, passphrase: str | None = None, new_passphrase: str | None = None,
            env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    environment = _environment(passphrase, new_passphrase, env)
    return subprocess.run([sys.executable, "-m", "shelterdesk", *args], capture_output=True,
                          text=True, env=environment, timeout=timeout, stdin=subprocess.DEVNULL)


def enroll_with_cli(code: str, where: list[str], inviter: list[str], joiner: list[str], *,
                    passphrase: str, timeout: float = 240) -> subprocess.CompletedProcess:
    """`enroll` on the new laptop while the coordinator runs `device confirm` with the
    digits it shows, as two people at two laptops would."""
    import re

    command = [sys.executable, "-m", "shelterdesk", "enroll", "--code", code, *where, *joiner]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, text=True,
                               env=_environment(passphrase, None, None))
    assert process.stderr is not None
    # the coordinator's laptop answers the request and shows its digits
    shown = run_cli("device", "confirm", "--code", code, "--json", *where, *inviter,
                    passphrase=passphrase, timeout=timeout)
    assert shown.returncode == 0, shown.stderr
    expected = "".join(ch for ch in shown.stdout if ch.isdigit())
    seen = []
    digits = ""
    for line in process.stderr:
        seen.append(line)
        found = re.search(r"(\d{3}) (\d{3})", line)
        if found:
            digits = found.group(1) + found.group(2)
            break
    if digits:
        assert digits == expected, (digits, expected)
        confirmed = run_cli("device", "confirm", "--code", code, "--sas", digits, *where,
                            *inviter, passphrase=passphrase, timeout=timeout)
        assert confirmed.returncode == 0, confirmed.stderr
    out, err = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(command, process.returncode, out, "".join(seen) + err)
