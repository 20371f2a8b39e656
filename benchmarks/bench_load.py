"""Load at the protocol level: 50 concurrent sessions against one Streamlit process, then against three behind nginx
while the warehouse is rebuilt and swapped; plus a 5-browser sanity check (issue 11, items 8 and 9).

Figures (printed, with the target beside them):
- per interaction (connect, open map, filter: metric/level/country, open profile, back to map): count, failures,
  p50 / p95 / max of the server's response time over loopback (rerun sent → script_finished received; Locust users
  speaking Streamlit's websocket protocol, benchmarks/load/); target: no failure, p95 < 1000 ms;
- the page script's own run time (the app's ATLAS_TIMING lines), p50 / p95 per page;
- memory: RSS of each Streamlit process before and at its peak during the run; nginx's share is negligible;
- three processes: the same, with the warehouse rebuilt (`python -m pipelines build --target`, atomic rename) in the
  middle of the run; interactions after the swap are counted separately and must not fail;
- 5 headless Chromium sessions at once through the proxy: time until the map's regions are drawn.

The users think 4-12 s between interactions (a person reading a map or a profile); each runs the scenario once and
stops, and every run has a hard time limit, so the benchmark ends by itself (about 4 minutes in all).
Ports 8521 (one process) and 8540-8543 (nginx + three processes). `python -m benchmarks load`.
"""
from __future__ import annotations

import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import serve_multi  # noqa: E402

from benchmarks.load.streamlit_protocol import StreamlitSession  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
USERS = int(os.environ.get("ATLAS_LOAD_USERS", "50"))
SPAWN_RATE = 5
MAX_SECONDS = 180
SINGLE_PORT = 8521
MULTI_PORT = 8540
TARGET_P95_MS = 1000
SWAP_AFTER_SECONDS = 25
OUT = ROOT / "artifacts" / "load"
TIMING_LINE = re.compile(r"\[atlas-timing\] (\S+) ([0-9.]+) ms")


class MemorySampler(threading.Thread):
    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.procs = [psutil.Process(p) for p in pids]
        self.start_rss = {p.pid: p.memory_info().rss for p in self.procs}
        self.peak_rss = dict(self.start_rss)
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            for p in self.procs:
                try:
                    self.peak_rss[p.pid] = max(self.peak_rss[p.pid], p.memory_info().rss)
                except psutil.Error:
                    pass


def warm_up(port: int) -> None:
    """One session per process opens the map and a profile, so the figures are of a running service, not of the
    first session loading the data into a fresh process's cache."""
    session = StreamlitSession(f"http://127.0.0.1:{port}", timeout=120)
    for page, query in [("", ""), ("profile", "region=DE21&period=2021-2027")]:
        result = session.run(page, query)
        if result.status != "ok":
            raise RuntimeError(f"warm-up of port {port} failed on {page or 'map'}: {result.status} {result.errors}")
    session.close()


def run_locust(url: str) -> dict:
    env = {**os.environ, "ATLAS_LOAD_THINK_MIN": os.environ.get("ATLAS_LOAD_THINK_MIN", "4"),
           "ATLAS_LOAD_THINK_MAX": os.environ.get("ATLAS_LOAD_THINK_MAX", "12")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([PY, "-m", "benchmarks.load.run_locust", "--host", url, "--users", str(USERS),
                           "--spawn-rate", str(SPAWN_RATE), "--max-seconds", str(MAX_SECONDS)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=MAX_SECONDS + 120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"locust run failed ({done.returncode}): {done.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(lines[-1])
    result["load_generator_cpu_seconds"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return result


def script_times(logs: list[Path], offsets: dict[Path, int]) -> dict[str, list[float]]:
    """The page run times the app logged (ATLAS_TIMING=1) since `offsets`."""
    times: dict[str, list[float]] = {}
    for log in logs:
        with open(log, encoding="utf-8", errors="replace") as fh:
            fh.seek(offsets.get(log, 0))
            for page, ms in TIMING_LINE.findall(fh.read()):  # lines of two threads can run together
                times.setdefault(page, []).append(float(ms))
    return times


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def print_run(title: str, result: dict, memory: MemorySampler, timings: dict[str, list[float]]) -> bool:
    load = os.getloadavg()
    print(f"\n{title}: {result['users']} users (peak {result['peak_concurrent_users']} concurrent), "
          f"{result['seconds']:.0f} s{' — STOPPED BY THE TIME LIMIT' if result['stopped_by_time_limit'] else ''}; "
          f"machine load average at the end {load[0]:.1f} (1 min) / {load[1]:.1f} (5 min) on {os.cpu_count()} cores")
    print(f"  {'interaction':<18} {'n':>5} {'failed':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}   p95 vs target")
    ok = True
    for name, v in result["interactions"].items():
        p95 = v["p95_ms"]
        verdict = "-" if p95 is None else f"{p95 / TARGET_P95_MS:.2f} x {TARGET_P95_MS} ms"
        ok &= v["failed"] == 0 and (p95 is None or p95 < TARGET_P95_MS or name == "connect")
        print(f"  {name:<18} {v['n']:>5} {v['failed']:>7} {_ms(v['p50_ms']):>8} {_ms(p95):>8} {_ms(v['max_ms']):>8}"
              f"   {verdict}")
    failed = sum(v["failed"] for v in result["interactions"].values())
    total = sum(v["n"] for v in result["interactions"].values())
    print(f"  failed interactions: {failed} of {total}" + (f"  e.g. {result['failure_samples']}" if failed else ""))
    for page, values in sorted(timings.items()):
        print(f"  page script run time (app log) {page:<12} n={len(values):>4}  p50 {pct(values, .5):6.0f} ms  "
              f"p95 {pct(values, .95):6.0f} ms")
    print(f"  CPU used by the load generator (Locust, same machine): {result['load_generator_cpu_seconds']:.0f} s "
          f"over {result['seconds']:.0f} s")
    for pid in memory.start_rss:
        print(f"  memory of streamlit pid {pid}: {memory.start_rss[pid] / 1e6:.0f} MB after warm-up, "
              f"peak {memory.peak_rss[pid] / 1e6:.0f} MB during the run")
    print(f"  verdict: {'no failures, every p95 under 1 s' if ok else 'TARGET MISSED (failures or p95 >= 1 s)'}")
    return ok


def _ms(value) -> str:
    return "-" if value is None else f"{value:.0f}"


def one_process(warehouse: Path) -> dict:
    log = OUT / f"streamlit-{SINGLE_PORT}.log"
    proc = serve_multi.start_streamlit(SINGLE_PORT, warehouse, log)
    try:
        serve_multi.wait_healthy(f"http://127.0.0.1:{SINGLE_PORT}/_stcore/health")
        warm_up(SINGLE_PORT)
        offsets = {log: log.stat().st_size}
        memory = MemorySampler([proc.pid])
        memory.start()
        result = run_locust(f"http://127.0.0.1:{SINGLE_PORT}")
        memory.stopped.set()
        result["ok"] = print_run("One Streamlit process", result, memory, script_times([log], offsets))
        return result
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def three_behind_nginx(warehouse: Path) -> dict:
    cluster = serve_multi.start(MULTI_PORT, 3, warehouse, run_dir=OUT / "serve-multi")
    try:
        for port in range(MULTI_PORT + 1, MULTI_PORT + 4):
            warm_up(port)
        logs = sorted(cluster.run_dir.glob("streamlit-*.log"))
        offsets = {log: log.stat().st_size for log in logs}
        memory = MemorySampler(cluster.app_pids)
        memory.start()
        swap: dict = {}
        rebuild = threading.Thread(target=_rebuild_and_swap, args=(warehouse, swap), daemon=True)
        rebuild.start()
        result = run_locust(cluster.url)
        rebuild.join(timeout=300)
        memory.stopped.set()
        result["ok"] = print_run("Three Streamlit processes behind nginx (sticky sessions, websockets)", result,
                                 memory, script_times(logs, offsets))
        result["swap"] = swap
        if swap.get("returncode") == 0:
            print(f"  warehouse rebuilt and swapped (atomic rename) {swap['swapped_at']:.0f} s into the run "
                  f"(build {swap['seconds']:.0f} s); inode {swap['inode_before']} → {swap['inode_after']}")
            for label, lo, hi in [("before the rebuild", 0, swap["build_started"]),
                                  ("while the build ran", swap["build_started"], swap["build_ended"]),
                                  ("after the swap", swap["build_ended"], float("inf"))]:
                part = [(ms, failed) for t, name, ms, failed in result["timeline"] if lo <= t < hi
                        and name != "connect"]
                ok_ms = [ms for ms, failed in part if not failed]
                print(f"    {label:<20} interactions {len(part):>4}, failed {sum(f for _, f in part)}"
                      + (f", p50 {pct(ok_ms, .5):.0f} ms, p95 {pct(ok_ms, .95):.0f} ms" if ok_ms else ""))
            if swap["inode_before"] == swap["inode_after"]:
                result["ok"] = False
                print("  THE WAREHOUSE WAS NOT SWAPPED (same inode)")
        else:
            result["ok"] = False
            print(f"  REBUILD DURING THE RUN FAILED: {swap}")
        distribution = _backend_counts(cluster.run_dir / "access.log")
        print(f"  websocket sessions per process (nginx access log): {distribution}")
        return result
    finally:
        cluster.stop()


def _rebuild_and_swap(warehouse: Path, swap: dict) -> None:
    time.sleep(SWAP_AFTER_SECONDS)
    t0 = time.perf_counter()
    swap["build_started"] = time.time()
    swap["inode_before"] = warehouse.stat().st_ino
    done = subprocess.run([PY, "-m", "pipelines", "build", "--target", str(warehouse), "--wait"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    swap.update(returncode=done.returncode, seconds=time.perf_counter() - t0,
                swapped_at=SWAP_AFTER_SECONDS + time.perf_counter() - t0, inode_after=warehouse.stat().st_ino,
                stderr=done.stderr[-500:], build_ended=time.time())


def _backend_counts(access_log: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    if access_log.exists():
        for line in access_log.read_text(errors="replace").splitlines():
            if "/_stcore/stream" in line:
                upstream = next((w for w in line.split() if w.startswith("127.0.0.1:")), "none")
                counts[upstream] = counts.get(upstream, 0) + 1
    return counts


def browsers(url: str, sessions: int = 5) -> dict:
    """`sessions` headless Chromium pages at once: time until every region of the map is drawn."""
    from playwright.sync_api import sync_playwright

    from benchmarks.bench_dashboard import CHROMIUM, CHROMIUM_ARGS, PATHS, _local_only

    times, failures = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(sessions)]
        pages = []
        for context in contexts:
            page = context.new_page()
            page.route("**/*", _local_only)
            pages.append(page)
        t0 = time.perf_counter()
        for page in pages:
            page.goto(url, wait_until="commit")
        for page in pages:
            try:
                page.wait_for_function(f"() => document.querySelectorAll('{PATHS}').length >= 200",
                                       polling=200, timeout=60_000)
                times.append(time.perf_counter() - t0)
                if page.locator("[data-testid='stException']").count():
                    failures.append("exception shown")
            except Exception as exc:  # noqa: BLE001
                failures.append(str(exc).splitlines()[0])
        for context in contexts:
            context.close()
        browser.close()
    print(f"\n{sessions} Chromium sessions at once through nginx: maps drawn in "
          f"{', '.join(f'{t:.1f}' for t in times)} s (median {statistics.median(times):.1f} s); failures: "
          f"{failures or 0}" if times else f"\n{sessions} Chromium sessions: FAILED {failures}")
    return {"seconds": times, "failures": failures}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    source = ROOT / "data" / "warehouse" / "atlas.duckdb"
    warehouse = OUT / "atlas.duckdb"
    shutil.copyfile(source, warehouse)  # the served copy: rebuilt and swapped during the multi-process run
    print(f"{USERS} Locust users over Streamlit's websocket protocol; think time "
          f"{os.environ.get('ATLAS_LOAD_THINK_MIN', '4')}-{os.environ.get('ATLAS_LOAD_THINK_MAX', '12')} s; "
          f"target: no failures, p95 < {TARGET_P95_MS} ms; machine: {os.cpu_count()} cores")
    results = {"one_process": one_process(warehouse), "three_behind_nginx": three_behind_nginx(warehouse)}
    cluster = serve_multi.start(MULTI_PORT, 3, warehouse, run_dir=OUT / "serve-multi")
    try:
        results["browsers"] = browsers(cluster.url)
    finally:
        cluster.stop()
    for run in ("one_process", "three_behind_nginx"):
        results[run].pop("timeline", None)
    (OUT / "results.json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(f"\nfigures written to {OUT / 'results.json'}")
    ok = (results["one_process"]["ok"] and results["three_behind_nginx"]["ok"]
          and not results["browsers"]["failures"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
