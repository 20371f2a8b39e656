"""Several Streamlit processes of the dashboard behind nginx, all reading one read-only warehouse (docs/deploy.md).

`python scripts/serve_multi.py [--port 8530] [--processes 3] [--warehouse data/warehouse/atlas.duckdb]` (or
`make serve-multi`): installs nginx from Debian if it is missing, starts the processes on the ports after --port,
writes deploy/nginx.conf.template filled in to artifacts/serve-multi/<port>/nginx.conf, runs nginx on --port in the
foreground of this script, and stops everything on Ctrl-C or SIGTERM.

benchmarks/bench_load.py uses `start(...)` / `Cluster.stop()` to run the load test against the same set-up.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
NAMES = "abcdefghij"


def ensure_nginx() -> str:
    """The nginx binary, installed from the Debian package when missing (like the Makefile installs chromium)."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "nginx"], check=True, env=env, stdout=subprocess.DEVNULL)
    return shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_config(port: int, backend_ports: list[int], run_dir: Path) -> str:
    names = NAMES[: len(backend_ports)]
    share = 100 / len(names)
    split = "\n".join(f"        {share:.2f}% {n};" if i < len(names) - 1 else f"        * {n};"
                      for i, n in enumerate(names))
    known = "\n".join(f"        {n} {n};" for n in names)
    upstreams = "\n".join(f"    upstream atlas_{n} {{ server 127.0.0.1:{p}; }}" for n, p in zip(names, backend_ports))
    return (TEMPLATE.read_text(encoding="utf-8").replace("{{RUN_DIR}}", str(run_dir)).replace("{{PORT}}", str(port))
            .replace("{{SPLIT}}", split).replace("{{KNOWN}}", known).replace("{{UPSTREAMS}}", upstreams))


def wait_healthy(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")
        time.sleep(0.3)


@dataclass
class Cluster:
    url: str
    run_dir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)  # streamlit processes, then nginx
    app_pids: list[int] = field(default_factory=list)

    def stop(self) -> None:
        for proc in reversed(self.processes):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.processes:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def start_streamlit(port: int, warehouse: Path, log: Path, timing: bool = True) -> subprocess.Popen:
    env = {**os.environ, "ATLAS_WAREHOUSE": str(warehouse)}
    if timing:
        env["ATLAS_TIMING"] = "1"
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "streamlit"), "run", str(ROOT / "dashboard" / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)


def start(port: int = 8530, processes: int = 3, warehouse: Path | None = None, run_dir: Path | None = None) -> Cluster:
    """Start `processes` Streamlit processes on port+1 … port+n and nginx on `port`; wait until all answer."""
    nginx = ensure_nginx()
    warehouse = Path(warehouse or ROOT / "data" / "warehouse" / "atlas.duckdb").resolve()
    if not warehouse.exists():
        raise SystemExit(f"no warehouse at {warehouse}: run `python -m pipelines build` first")
    run_dir = (run_dir or ROOT / "artifacts" / "serve-multi" / str(port)).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    backend_ports = [port + 1 + i for i in range(processes)]
    cluster = Cluster(url=f"http://127.0.0.1:{port}", run_dir=run_dir)
    try:
        for p in backend_ports:
            proc = start_streamlit(p, warehouse, run_dir / f"streamlit-{p}.log")
            cluster.processes.append(proc)
            cluster.app_pids.append(proc.pid)
        for p in backend_ports:
            wait_healthy(f"http://127.0.0.1:{p}/_stcore/health")
        conf = run_dir / "nginx.conf"
        conf.write_text(nginx_config(port, backend_ports, run_dir), encoding="utf-8")
        subprocess.run([nginx, "-t", "-q", "-p", str(run_dir), "-c", str(conf)], check=True)
        cluster.processes.append(subprocess.Popen([nginx, "-p", str(run_dir), "-c", str(conf)], cwd=run_dir))
        wait_healthy(f"{cluster.url}/_stcore/health")
    except BaseException:
        cluster.stop()
        raise
    return cluster


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8530)))
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--warehouse", type=Path, default=None)
    args = parser.parse_args(argv)
    cluster = start(args.port, args.processes, args.warehouse)
    print(f"S3 Hub Atlas: {args.processes} Streamlit processes behind nginx at {cluster.url} "
          f"(logs in {cluster.run_dir}); Ctrl-C stops them", flush=True)
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    try:
        while not stop["now"] and all(p.poll() is None for p in cluster.processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
