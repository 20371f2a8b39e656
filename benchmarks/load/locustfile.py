"""Locust users that drive the dashboard over Streamlit's websocket protocol (benchmarks/load/streamlit_protocol.py).

Each user is one browser tab of a regional-policy officer: it opens the map, changes filters (the metric, the level,
the country), opens two region profiles and goes back to the map, with a think time between interactions; then it
stops (StopUser), so a run is bounded by its users × SCENARIO_REPEATS as well as by the run time.

Every interaction is reported to Locust as a request of type "ws" named after it, with the time from sending the
rerun to receiving `script_finished` (the server's cost over loopback) and the bytes received; a timeout, a lost
connection, a script that did not finish, or an exception or error alert on the page is a failure.

Run standalone: `locust -f benchmarks/load/locustfile.py --headless -u 50 -r 10 -t 90s --host http://127.0.0.1:8520`
(benchmarks/bench_load.py runs it as a library and prints the figures).
"""
from __future__ import annotations

import os
import random
import sys
from pathlib import Path

from locust import User, between, events, task
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from benchmarks.load.streamlit_protocol import StreamlitSession  # noqa: E402

REGIONS = ["AT11", "AT13", "BE10", "CZ01", "CZ06", "DE21", "DE30", "DEA1", "DEB1", "DK01", "EL30", "ES21", "ES30",
           "ES51", "FI1B", "FR10", "FRK2", "HU11", "IE06", "ITC4", "ITF3", "NL32", "PL91", "PT17", "RO32", "SE11"]
SCENARIO_REPEATS = int(os.environ.get("ATLAS_LOAD_REPEATS", "1"))
THINK_SECONDS = (float(os.environ.get("ATLAS_LOAD_THINK_MIN", "1")), float(os.environ.get("ATLAS_LOAD_THINK_MAX", "3")))


class DashboardUser(User):
    wait_time = between(*THINK_SECONDS)

    def on_start(self) -> None:
        # nginx keeps a session on one process by the cookie it sets on the first HTTP response (sticky sessions):
        # fetch the page first, like a browser, and send the cookie with the websocket upgrade
        self.cookie = _sticky_cookie(self.host)
        self.session = StreamlitSession(self.host, timeout=float(os.environ.get("ATLAS_LOAD_TIMEOUT", "30")),
                                        cookie=self.cookie)
        self.rounds = 0

    def on_stop(self) -> None:
        self.session.close()

    def _report(self, name: str, result) -> None:
        failed = result.status != "ok"
        events.request.fire(request_type="ws", name=name, response_time=1000 * result.seconds,
                            response_length=result.bytes_received, context={},
                            exception=RuntimeError(f"{result.status}: {'; '.join(result.errors)[:300]}") if failed
                            else None)

    def _step(self, name: str, call) -> None:
        try:
            result = call()
        except Exception as exc:  # noqa: BLE001 — any failure of an interaction is counted, not raised
            events.request.fire(request_type="ws", name=name, response_time=0, response_length=0, context={},
                                exception=exc)
            self.session.close()
            return
        self._report(name, result)
        self.wait()

    @task
    def policy_officer(self) -> None:
        s = self.session
        self._step("connect", lambda: _connected(s))
        self._step("open map", lambda: s.run("", ""))
        self._step("filter: metric", lambda: s.change("Colour regions by", lambda o: random.choice(o[1:])))
        self._step("filter: level", lambda: s.change("Level", lambda o: random.choice(o[:2])))
        self._step("filter: country", lambda: s.change("Country", lambda o: random.choice(o[1:])))
        for region in random.sample(REGIONS, 2):
            self._step("open profile", lambda: s.run("profile", f"region={region}&period=2021-2027"))
        self._step("back to map", lambda: s.run("", "level=2"))
        s.close()
        self.rounds += 1
        if self.rounds >= SCENARIO_REPEATS:
            raise StopUser()


class _Connected:
    def __init__(self, seconds: float):
        self.seconds, self.bytes_received, self.status, self.errors = seconds, 0, "ok", []


def _connected(session: StreamlitSession) -> _Connected:
    session.close()
    return _Connected(session.connect())


def _sticky_cookie(host: str) -> str | None:
    import urllib.request

    with urllib.request.urlopen(host.rstrip("/") + "/", timeout=30) as response:
        cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
    return "; ".join(cookies) or None
