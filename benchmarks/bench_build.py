"""Benchmark: the full warehouse build from the raw snapshots (`python -m pipelines build`), median wall time of 3
runs, median CPU time (user + system, all threads, start-up included: the figure the machine's other load disturbs
least) and peak memory (max resident set size of the build process), against a baseline measured in the same run:
a plain DuckDB load of every raw CSV / gzip / Parquet file into one database (no checks, no types) — the floor
that reading the data costs on this machine. Targets (issue 2): ≤ 10 s on 2 cores, ≤ 1 GB.

    .venv/bin/python -m benchmarks build      (or: .venv/bin/python benchmarks/bench_build.py [--runs 3])
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

TARGET_SECONDS = 10.0
TARGET_MB = 1024.0

BASELINE_SCRIPT = r"""
import sys, duckdb
sys.path.insert(0, sys.argv[2])
from pipelines import manifest
con = duckdb.connect(sys.argv[1])
con.execute("SET threads TO 2")
for n, f in enumerate(f for s in manifest.load().values() for f in s.files):
    if f.format in ("csv", "csv.gz"):
        con.execute(f"CREATE TABLE t{n} AS SELECT * FROM read_csv(?, delim = ?, header = true, all_varchar = true)",
                    [str(f.abspath), f.delimiter or ","])
    elif f.format == "parquet":
        con.execute(f"CREATE TABLE t{n} AS SELECT * FROM read_parquet(?)", [str(f.abspath)])
    elif f.format in ("geojson", "json"):
        con.execute(f"CREATE TABLE t{n} AS SELECT ? AS doc", [f.abspath.read_text(encoding="utf-8")])
con.execute("CHECKPOINT")
con.close()
"""


def timed_child(args: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak resident memory (MB) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{err}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # ru_maxrss is in KB on Linux


def measure(make_args, runs: int) -> tuple[list[float], list[float], float, dict[str, float]]:
    times, cpu_times, peak = [], [], 0.0
    with tempfile.TemporaryDirectory(prefix="bench_build_") as tmp:
        for i in range(runs):
            target = Path(tmp) / f"run{i}" / "atlas.duckdb"
            target.parent.mkdir()
            seconds, cpu, mb = timed_child(make_args(target))
            times.append(seconds)
            cpu_times.append(cpu)
            peak = max(peak, mb)
            last = target
        layers = layer_seconds(last) if last.exists() else {}
    return times, cpu_times, peak, layers


def layer_seconds(warehouse: Path) -> dict[str, float]:
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
        rows = con.execute("SELECT layer, sum(seconds) FROM build_steps GROUP BY 1 ORDER BY min(step_no)").fetchall()
        slowest = con.execute("SELECT layer || '/' || step, seconds FROM build_steps ORDER BY seconds DESC LIMIT 5"
                              ).fetchall()
        con.close()
    except duckdb.Error:
        return {}
    # staging steps after the first run two at a time (pipelines/runner.py): their sum is CPU-bound work, not wall time
    return {**{f"layer {k}" + (" (sum; steps run 2 at a time)" if k == "staging" else ""): v for k, v in rows},
            **{f"step {k}": v for k, v in slowest}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    py = sys.executable
    print(f"machine: {os.cpu_count()} CPUs, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}")

    base_times, base_cpu, base_mb, _ = measure(lambda t: [py, "-c", BASELINE_SCRIPT, str(t), str(ROOT)], args.runs)
    build_times, build_cpu, build_mb, layers = measure(
        lambda t: [py, "-m", "pipelines", "build", "--target", str(t)], args.runs)

    base, build = statistics.median(base_times), statistics.median(build_times)
    base_c, build_c = statistics.median(base_cpu), statistics.median(build_cpu)
    print(f"baseline (plain DuckDB load of every raw file): median {base:.2f} s wall, {base_c:.2f} s CPU "
          f"(runs {', '.join(f'{x:.2f}' for x in base_times)}), peak {base_mb:.0f} MB")
    print(f"full build (python -m pipelines build):        median {build:.2f} s wall, {build_c:.2f} s CPU "
          f"(runs {', '.join(f'{x:.2f}' for x in build_times)}), peak {build_mb:.0f} MB")
    print(f"ratio build / baseline: {build / base:.1f}x wall time, {build_c / base_c:.1f}x CPU time, "
          f"{build_mb / base_mb:.1f}x memory")
    for name, seconds in layers.items():
        print(f"  {name:<45} {seconds:6.2f} s")
    print(f"target ≤ {TARGET_SECONDS:.0f} s: {'met' if build <= TARGET_SECONDS else 'NOT met'} "
          f"(CPU time {build_c:.2f} s{': within it even on one core' if build_c <= TARGET_SECONDS else ''}); "
          f"target ≤ {TARGET_MB:.0f} MB: {'met' if build_mb <= TARGET_MB else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
