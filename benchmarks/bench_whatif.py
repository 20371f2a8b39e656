"""Benchmark: what-if recomputation after an upload, as the dashboard does it (input tables and reference data cached
once per warehouse; per upload: validation, coding, private in-memory copy, method_engine.compute_alignment for the
affected regions, before/after comparison). Median of 5 runs, against a baseline measured in the same run: the same
copy + compute_alignment over every EU region (no restriction). Targets: one region ≤ 1 s, one country ≤ 5 s.

    .venv/bin/python benchmarks/bench_whatif.py [--warehouse PATH]
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
from pipelines import whatif  # noqa: E402
from pipelines.coding import PriorityCoder, load_taxonomy  # noqa: E402
from pipelines.method_engine import compute_alignment  # noqa: E402

RUNS = 5
REGION_FILE = b"""nuts_code,title,description,domains
DE60,Maritime economy and port logistics,"Shipbuilding, offshore wind and port logistics",
DE60,Artificial intelligence in health care,,TECH_AI; SEC_HEALTH
DE60,Quantum computing,,TECH_QUANTUM
"""
COUNTRY_FILE = b"""nuts_code,title,description,domains
DE,Artificial intelligence and data economy,,
DE,Hydrogen and renewable energy systems,,
DE,Health research and medical technology,,
DE,Sustainable mobility and automotive,,
DE,Quantum technologies and microelectronics,,
DE,Bioeconomy and circular economy,,
"""
HUB_FILE = b"""name,nuts_code,served_nuts_codes,competences,hub_type
Harbour Cyber Hub,DE60,DEF0,TECH_CYBER:4; SEC_MARITIME:4,EDIH
"""


def median_seconds(fn, runs: int = RUNS) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=None)
    args = parser.parse_args(argv)
    warehouse = warehouse_to_measure(args.warehouse, "bench_whatif_")
    source = duckdb.connect(str(warehouse), read_only=True)
    try:
        t0 = time.perf_counter()
        inputs = whatif.load_inputs(source)
        ref = whatif.load_reference(source)
        ref.coder = PriorityCoder.from_taxonomy(load_taxonomy())
        print(f"once per warehouse (cached by the dashboard): inputs and reference data {time.perf_counter() - t0:.2f} s")

        def baseline():
            con = whatif.scenario_connection(inputs)
            compute_alignment(con)
            con.close()

        base, _ = median_seconds(baseline)
        print(f"baseline: copy + compute_alignment for every EU region  {base:6.2f} s")
        cases = [("one region (DE60, 3 priorities, replace)", "priorities", REGION_FILE, 1.0),
                 ("one country (DE national list, 6 priorities)", "priorities", COUNTRY_FILE, 5.0),
                 ("one hub (DE60, served DEF0)", "hubs", HUB_FILE, 1.0)]
        for label, kind, content, target in cases:
            def run():
                upload = whatif.parse_upload(content, f"{kind}.csv", kind, ref)
                return whatif.run_whatif(source, upload, ref, inputs, "replace")
            seconds, result = median_seconds(run)
            verdict = "OK" if seconds <= target else "OVER TARGET"
            print(f"{label:46s} {seconds:6.2f} s  ({len(result.affected)} regions; {seconds / base:.2f}× baseline; "
                  f"target ≤ {target:.0f} s: {verdict})")
    finally:
        source.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
