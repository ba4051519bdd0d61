"""Test helper run as a subprocess: unlock a vault and write in a loop until killed.

Each iteration is one store call (one transaction): an audit entry through the
session, now and then a setting, and every 100th a passphrase change (a key-slot
rewrite). A line is printed and flushed only after the call returned, i.e.
after COMMIT: "w N" for entry N, "pw I" after passphrase I became current.

    python -m tests.crash_writer DATA_DIR START PASSPHRASE_INDEX
"""

from __future__ import annotations

import os
import random
import sys

os.environ["SHELTERDESK_KDF_PROFILE"] = "minimum"

from shelterdesk.store import settings  # noqa: E402
from shelterdesk.store.keys import users
from shelterdesk.store.vault import Vault  # noqa: E402

USER = "aysel"
PASSPHRASES = ("coordinator passphrase", "second coordinator passphrase")


def main(data_dir: str, start: int, passphrase_index: int) -> None:
    session = Vault(data_dir).unlock(USER, PASSPHRASES[passphrase_index])
    print("ready", flush=True)
    rng = random.Random(start)
    counter = start
    while True:
        session.audit("crash.write", "test", str(counter), n=counter,
                      pad="x" * rng.choice((0, 50, 600, 3000, 12000)))
        print(f"w {counter}", flush=True)
        if counter % 7 == 0:
            settings.set_value(session, "auto_lock_minutes", counter % 60 + 1)
        if counter % 100 == 99:
            new_index = 1 - passphrase_index
            users.change_own_passphrase(session, PASSPHRASES[passphrase_index],
                                        PASSPHRASES[new_index])
            passphrase_index = new_index
            print(f"pw {passphrase_index}", flush=True)
        counter += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
