"""Benchmark: one country's export (all tables + README → xlsx bytes, as `python -m pipelines export` and the
dashboard's download do), median of 5 runs, against a baseline measured in the same run: a plain
`SELECT * FROM gaps WHERE left(nuts_code, 2) = ?` into pandas. Target: ≤ 2 s per country export.

    .venv/bin/python benchmarks/bench_export.py [--country ES] [--warehouse PATH]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from benchmarks import warehouse_to_measure
from pipelines import export  # noqa: E402

RUNS = 5


def median_seconds(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--country", default="ES")
    parser.add_argument("--warehouse", type=Path, default=None)
    args = parser.parse_args(argv)
    warehouse = warehouse_to_measure(args.warehouse, "bench_export_")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        code = export.normalise_country(con, args.country)
        frames = export.export_frames(con, code)
        sizes = ", ".join(f"{name} {len(frame):,}" for name, frame in frames.items())
        baseline = median_seconds(lambda: con.execute(
            "SELECT * FROM gaps WHERE left(nuts_code, 2) = ?", [code]).df())
        frames_only = median_seconds(lambda: export.export_frames(con, code))
        results = {}
        for fmt in export.FORMATS:
            results[fmt] = median_seconds(lambda: export.to_bytes(export.export_frames(con, code), fmt))
    finally:
        con.close()
    print(f"country {code}: rows {sizes}")
    print(f"baseline  SELECT * FROM gaps (one country) → pandas: {baseline * 1000:8.1f} ms (median of {RUNS})")
    print(f"export_frames (5 tables + README):                {frames_only * 1000:8.1f} ms")
    for fmt, seconds in results.items():
        flag = "ok" if seconds <= 2.0 else "OVER the 2 s target"
        print(f"export {fmt:<8} (frames + bytes):                 {seconds * 1000:8.1f} ms  "
              f"({seconds / baseline:5.1f}× baseline; {flag})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
