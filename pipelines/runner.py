"""Runs the build: verify checksums, then every step of staging → conformed → marts into a temporary DuckDB file,
renamed over data/warehouse/atlas.duckdb only when everything succeeded."""
from __future__ import annotations

import gc
import importlib
import os
import pkgutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import duckdb

from . import manifest, paths
from .context import BuildContext
from .method import METHOD_VERSION

LAYERS = ("staging", "conformed", "marts")
BASE_NUTS_VERSION = "2021"


@dataclass(frozen=True)
class Step:
    layer: str
    name: str  # module name, e.g. "10_nuts_codes"
    run: Callable[[BuildContext], object]


def discover_steps(layers=LAYERS) -> list[Step]:
    """Every module `pipelines/<layer>/NN_name.py` with a `run(ctx)` function, in layer then file-name order."""
    steps = []
    for layer in layers:
        package = importlib.import_module(f"pipelines.{layer}")
        names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name[:2].isdigit())
        for name in names:
            module = importlib.import_module(f"pipelines.{layer}.{name}")
            steps.append(Step(layer, name, module.run))
    return steps


def input_paths() -> list[Path]:
    """Everything a build depends on: raw files, taxonomy, pipeline code. Used to decide whether a build is stale."""
    files = [f.abspath for s in manifest.load().values() for f in s.files]
    files += [paths.SOURCES_MANIFEST]
    files += sorted(paths.TAXONOMY.rglob("*.csv"))
    files += sorted((paths.ROOT / "pipelines").rglob("*.py"))
    files += sorted((paths.ROOT / "pipelines").rglob("*.sql"))
    return files


def is_stale(target: Path = paths.WAREHOUSE) -> bool:
    if not target.exists():
        return True
    built = target.stat().st_mtime
    return any(p.exists() and p.stat().st_mtime > built for p in input_paths())


def build(target: Path = paths.WAREHOUSE, log: Callable[[str], None] = print,
          layers=LAYERS, sources: dict | None = None) -> Path:
    started, cpu_started = time.perf_counter(), time.process_time()
    sources = sources if sources is not None else manifest.load()
    t0 = time.perf_counter()
    checked = manifest.verify(sources)
    log(f"[checksums] {len(checked)} raw files verified ({time.perf_counter() - t0:.2f}s)")

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        con.execute("SET threads TO 2")
        ctx = BuildContext(con=con, sources=sources, log=log)
        ctx.init()
        steps = discover_steps(layers)
        # The modules just imported (pandas, shapely, the steps) live as long as the build: freezing them spares the
        # cyclic garbage collector from scanning them again at every full collection the steps' objects trigger
        gc.freeze()
        for number, step in enumerate(steps, start=1):
            t0, cpu0 = time.perf_counter(), time.process_time()
            rows = step.run(ctx)
            seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
            con.execute("INSERT INTO build_steps VALUES (?, ?, ?, ?, ?)",
                        [number, step.layer, step.name, seconds, rows if isinstance(rows, int) else None])
            shown = f" → {rows:,} rows" if isinstance(rows, int) else ""
            log(f"[{step.layer}] {step.name}{shown} ({seconds:.2f}s, cpu {cpu:.2f}s)")
        _write_build_info(ctx, sources, time.perf_counter() - started)
        con.execute("CHECKPOINT")
        con.close()
        gc.unfreeze()
    except BaseException:
        gc.unfreeze()
        con.close()
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
        raise
    os.replace(tmp, target)
    log(f"[done] warehouse written to {target} in {time.perf_counter() - started:.2f}s "
        f"(cpu {time.process_time() - cpu_started:.2f}s)")
    return target


def _write_build_info(ctx: BuildContext, sources: dict, seconds: float) -> None:
    con = ctx.con
    con.execute("""CREATE OR REPLACE TABLE build_info (
        method_version VARCHAR, nuts_version VARCHAR, built_at TIMESTAMP WITH TIME ZONE,
        build_seconds DOUBLE, duckdb_version VARCHAR)""")
    con.execute("INSERT INTO build_info VALUES (?, ?, ?, ?, ?)",
                [METHOD_VERSION, BASE_NUTS_VERSION, datetime.now(timezone.utc), seconds, duckdb.__version__])
    con.execute("""CREATE OR REPLACE TABLE source_catalogue (
        source_id VARCHAR, title VARCHAR, publisher VARCHAR, snapshot VARCHAR, upstream_url VARCHAR,
        licence VARCHAR, nuts_version VARCHAR, files VARCHAR)""")
    con.executemany("INSERT INTO source_catalogue VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
        [s.source_id, s.title, s.publisher, s.snapshot, s.upstream_url, s.licence, s.nuts_version,
         "; ".join(f"{f.path} (sha256 {f.sha256})" for f in s.files)]
        for s in sources.values()
    ])


def print_summary(target: Path = paths.WAREHOUSE, log: Callable[[str], None] = print) -> None:
    con = duckdb.connect(str(target), read_only=True)
    try:
        rows = con.execute("""
            SELECT source_id, sum(rows_read), sum(rows_kept), sum(rows_quarantined)
            FROM build_source_summary GROUP BY source_id ORDER BY source_id""").fetchall()
        log("")
        log(f"{'source':<30} {'read':>10} {'kept':>10} {'quarantined':>12}")
        for source_id, read, kept, q in rows:
            log(f"{source_id:<30} {read:>10,} {kept:>10,} {q:>12,}")
        reasons = con.execute("""
            SELECT source_id, regexp_replace(reason, '''[^'']*''|"[^"]*"|[0-9]+', '…', 'g') AS kind, count(*)
            FROM quarantine GROUP BY ALL ORDER BY 3 DESC LIMIT 12""").fetchall()
        if reasons:
            log("\nmain quarantine reasons:")
            for source_id, kind, n in reasons:
                log(f"  {n:>7,}  {source_id}: {kind}")
    finally:
        con.close()
