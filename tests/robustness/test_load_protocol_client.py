"""The load test's protocol client (benchmarks/load/streamlit_protocol.py) against a real Streamlit process: it opens
the map, changes a filter, opens a profile, and reports an exception on a page as a failure — so `make bench`'s
figures rest on interactions that really ran."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.load.streamlit_protocol import StreamlitSession  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(built_warehouse, tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("protocol") / "streamlit.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env={**os.environ, "ATLAS_WAREHOUSE": str(built_warehouse)}, stdout=open(log, "w"),
        stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError(f"streamlit did not start: {log.read_text()[-2000:]}")
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def test_a_session_opens_the_map_changes_a_filter_and_opens_a_profile(app_url):
    session = StreamlitSession(app_url, timeout=120)
    first = session.run("", "")
    assert first.status == "ok" and first.bytes_received > 50_000  # the map's regions
    assert {"Colour regions by", "Level", "Country"} <= {w.label for w in session.widgets.values()}
    level = session.change("Level", lambda options: options[0])  # countries: a much smaller map
    assert level.status == "ok" and level.bytes_received < first.bytes_received
    profile = session.run("profile", "region=ES51&period=2021-2027")
    assert profile.status == "ok" and profile.messages > 10
    session.close()


def test_an_exception_or_error_alert_on_the_page_is_recorded():
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    session = StreamlitSession("http://127.0.0.1:1")
    errors: list[str] = []
    crash = ForwardMsg()
    crash.delta.new_element.exception.type = "ValueError"
    crash.delta.new_element.exception.message = "The truth value of a Series is ambiguous"
    alert = ForwardMsg()
    alert.delta.new_element.alert.body = "The warehouse cannot be read"
    alert.delta.new_element.alert.format = alert.delta.new_element.alert.ERROR
    fine = ForwardMsg()
    fine.delta.new_element.markdown.body = "all good"
    for msg in (crash, alert, fine):
        session._read_delta(msg, errors)
    assert errors == ["exception: ValueError: The truth value of a Series is ambiguous",
                      "error alert: The warehouse cannot be read"]
