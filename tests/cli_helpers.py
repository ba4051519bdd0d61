"""Running the real `shelterdesk` command in a subprocess, as an administrator's script would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, passphrase: str | None = None, new_passphrase: str | None = None,
            env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SHELTERDESK_")}
    environment["SHELTERDESK_KDF_PROFILE"] = "minimum"
    environment["PYTHONPATH"] = str(ROOT)
    environment["LANG"] = "en_GB.UTF-8"
    if passphrase is not None:
        environment["SHELTERDESK_PASSPHRASE"] = passphrase
    if new_passphrase is not None:
        environment["SHELTERDESK_NEW_PASSPHRASE"] = new_passphrase
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "shelterdesk", *args], capture_output=True,
                          text=True, env=environment, timeout=timeout, stdin=subprocess.DEVNULL)
