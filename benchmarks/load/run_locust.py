"""Run the Locust users of locustfile.py as a library, bounded, and print the figures as one JSON line.

`python -m benchmarks.load.run_locust --host http://127.0.0.1:8521 --users 50 --spawn-rate 10 --max-seconds 120`

Bounded twice: each user runs its scenario ATLAS_LOAD_REPEATS times and stops; the whole run is stopped after
--max-seconds whatever happens. Runs in its own process because Locust monkey-patches the standard library (gevent).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from gevent import monkey

monkey.patch_all()

import gevent  # noqa: E402
from locust import events  # noqa: E402
from locust.env import Environment  # noqa: E402

from benchmarks.load.locustfile import DashboardUser  # noqa: E402


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--max-seconds", type=float, default=180)
    args = parser.parse_args(argv)

    times: dict[str, list[float]] = {}
    failures: dict[str, list[str]] = {}
    timeline: list[tuple[float, str, float, bool]] = []  # (wall-clock end, interaction, ms, failed)

    @events.request.add_listener
    def _record(request_type, name, response_time, response_length, exception=None, **_kw):
        times.setdefault(name, [])
        timeline.append((time.time(), name, response_time, exception is not None))
        if exception is None:
            times[name].append(response_time)
        else:
            failures.setdefault(name, []).append(str(exception)[:300])

    env = Environment(user_classes=[DashboardUser], host=args.host, events=events)
    runner = env.create_local_runner()
    started = time.perf_counter()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    peak_users = 0
    stopped_by_limit = False
    while True:
        gevent.sleep(0.5)
        peak_users = max(peak_users, runner.user_count)
        spawned = peak_users >= args.users or time.perf_counter() - started > args.users / args.spawn_rate + 5
        if spawned and runner.user_count == 0:
            break
        if time.perf_counter() - started > args.max_seconds:
            stopped_by_limit = True
            break
    runner.quit()
    elapsed = time.perf_counter() - started
    interactions = {}
    for name, values in times.items():
        interactions[name] = {
            "n": len(values) + len(failures.get(name, [])), "failed": len(failures.get(name, [])),
            "p50_ms": percentile(values, 0.5), "p95_ms": percentile(values, 0.95),
            "max_ms": max(values) if values else None,
            "mean_ms": statistics.fmean(values) if values else None,
        }
    print(json.dumps({"users": args.users, "peak_concurrent_users": peak_users, "seconds": elapsed,
                      "stopped_by_time_limit": stopped_by_limit, "interactions": interactions,
                      "failure_samples": {k: v[:3] for k, v in failures.items()}, "timeline": timeline}),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
