"""`python3 -m benchmarks [name ...]`: run the benchmarks and print their tables."""

from __future__ import annotations

import importlib
import sys

ALL = ["vault_open", "records", "referrals", "statistics", "backup", "case_list_ui", "sync",
       "relay"]


def main(names: list[str]) -> int:
    for name in names or ALL:
        if name not in ALL:
            print(f"unknown benchmark {name!r}; choose from {', '.join(ALL)}", file=sys.stderr)
            return 2
        importlib.import_module(f"benchmarks.{name}").run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
