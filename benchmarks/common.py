"""Timing helpers and a table printer shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def measure(fn: Callable[[], object], repeat: int = 20, warmup: int = 2) -> float:
    """Median wall time in milliseconds."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def print_table(title: str, rows: list[tuple[str, float, float | None, str]]) -> None:
    """rows: (workload, encrypted ms, plain ms or None, target)."""
    print(f"\n## {title}\n")
    header = f"| {'workload':<44} | {'SQLCipher ms':>12} | {'sqlite3 ms':>10} | {'ratio':>6} |"
    print(header + " target |")
    print(f"|{'-' * 46}|{'-' * 14}|{'-' * 12}|{'-' * 8}|--------|")
    for name, encrypted, plain, target in rows:
        plain_text = f"{plain:10.2f}" if plain is not None else f"{'—':>10}"
        ratio = f"{encrypted / plain:6.2f}" if plain else f"{'—':>6}"
        print(f"| {name:<44} | {encrypted:12.2f} | {plain_text} | {ratio} | {target} |")


def print_engine_table(title: str, rows: list[tuple[str, float, float, float, str]]) -> None:
    """rows: (workload, encrypted ms, plain sqlite3 ms, SQLCipher's engine unkeyed ms, target).

    Python's ``sqlite3`` links the system SQLite, which is older than the one inside
    SQLCipher; the unkeyed column runs the same plain file on SQLCipher's own engine, so
    its ratio is the cost of the encryption alone.
    """
    print(f"\n## {title}\n")
    print(f"| {'workload':<44} | SQLCipher ms | sqlite3 ms |  ratio | unkeyed ms | ratio "
          "| target |")
    print(f"|{'-' * 46}|{'-' * 14}|{'-' * 12}|{'-' * 8}|{'-' * 12}|{'-' * 7}|--------|")
    for name, encrypted, plain, unkeyed, target in rows:
        print(f"| {name:<44} | {encrypted:12.2f} | {plain:10.2f} | {encrypted / plain:6.2f} "
              f"| {unkeyed:10.2f} | {encrypted / unkeyed:5.2f} | {target} |")


def print_relay_table(title: str, rows: list[tuple]) -> None:
    """rows: (store, devices, envelopes/s, push p50, push p95, pull p50, pull p95 [ms],
    errors, lost, duplicated)."""
    print(f"\n## {title}\n")
    print("| store      | devices | envelopes/s | push p50 ms | push p95 ms | pull p50 ms "
          "| pull p95 ms | errors | lost | duplicated |")
    print("|------------|--------:|------------:|------------:|------------:|------------:"
          "|------------:|-------:|-----:|-----------:|")
    for store, devices, rate, p50, p95, q50, q95, errors, lost, dup in rows:
        print(f"| {store:<10} | {devices:7d} | {rate:11.1f} | {p50:11.2f} | {p95:11.2f} "
              f"| {q50:11.2f} | {q95:11.2f} | {errors:6d} | {lost:4d} | {dup:10d} |")
