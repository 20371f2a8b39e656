"""Runs the build: verify checksums, then every step of staging → conformed → marts into a temporary DuckDB file,
renamed over data/warehouse/atlas.duckdb only when everything succeeded.

Staging steps each read their own raw files into their own tables, so after the first one (10_nuts_geometries: the
NUTS codes every other staging step checks against) they run two at a time, each on its own DuckDB cursor (DuckDB
releases the GIL while it executes). A staging step that reads another staging step's table names it in a module
constant `AFTER = ("20_edih_catalogue",)` and starts only once that step is done. Their quarantine and summary rows,
log lines and build_steps rows are written in step order, so the warehouse is the same as when run one by one.
The first failing step stops the build with its own error. Conformed and mart steps run one after the other."""
from __future__ import annotations

import gc
import importlib
import os
import pkgutil
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import duckdb

from . import manifest, paths
from .context import BuildContext
from .errors import PipelineError
from .method import METHOD_VERSION

LAYERS = ("staging", "conformed", "marts")
BASE_NUTS_VERSION = "2021"
CONCURRENT_LAYER = "staging"  # its steps after the first run CONCURRENT_STEPS at a time
CONCURRENT_STEPS = 2  # the target machine's cores


@dataclass(frozen=True)
class Step:
    layer: str
    name: str  # module name, e.g. "10_nuts_codes"
    run: Callable[[BuildContext], object]
    after: tuple[str, ...] = ()  # steps of the same layer whose tables this one reads (module constant AFTER)


@dataclass
class StepResult:
    number: int
    step: Step
    rows: object
    seconds: float
    cpu: float | None  # None for a step run concurrently (the process's CPU time is shared then)
    log_lines: list[str]


def discover_steps(layers=LAYERS) -> list[Step]:
    """Every module `pipelines/<layer>/NN_name.py` with a `run(ctx)` function, in layer then file-name order."""
    steps = []
    for layer in layers:
        package = importlib.import_module(f"pipelines.{layer}")
        names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name[:2].isdigit())
        for name in names:
            module = importlib.import_module(f"pipelines.{layer}.{name}")
            steps.append(Step(layer, name, module.run, tuple(getattr(module, "AFTER", ()))))
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
        numbered = list(enumerate(steps, start=1))
        staging = [(n, s) for n, s in numbered if s.layer == CONCURRENT_LAYER]  # the first layer
        for number, step in staging[:1]:
            _run_one(ctx, number, step)
        _run_concurrently(ctx, staging[1:])
        for number, step in [(n, s) for n, s in numbered if s.layer != CONCURRENT_LAYER]:
            _run_one(ctx, number, step)
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


def _run_one(ctx: BuildContext, number: int, step: Step) -> None:
    t0, cpu0 = time.perf_counter(), time.process_time()
    rows = step.run(ctx)
    _record_step(ctx, StepResult(number, step, rows, time.perf_counter() - t0, time.process_time() - cpu0, []))


def _record_step(ctx: BuildContext, result: StepResult) -> None:
    """The step's row in build_steps, then its log lines and its timing line."""
    rows = result.rows
    ctx.con.execute("INSERT INTO build_steps VALUES (?, ?, ?, ?, ?)", [result.number, result.step.layer,
                    result.step.name, result.seconds, rows if isinstance(rows, int) else None])
    for line in result.log_lines:
        ctx.log(line)
    shown = f" → {rows:,} rows" if isinstance(rows, int) else ""
    cpu = "run concurrently" if result.cpu is None else f"cpu {result.cpu:.2f}s"
    ctx.log(f"[{result.step.layer}] {result.step.name}{shown} ({result.seconds:.2f}s, {cpu})")


def _run_concurrently(ctx: BuildContext, numbered: list[tuple[int, Step]]) -> None:
    """Run the steps CONCURRENT_STEPS at a time, each once the steps it names in AFTER are done; then record them
    (and append their buffered quarantine and summary rows) in step order. After a failure no further step starts;
    the running ones finish, then the error of the first failed step (in step order) is raised."""
    names = [step.name for _, step in numbered]
    for position, (_, step) in enumerate(numbered):
        unknown = [name for name in step.after if name not in names[:position]]
        if unknown:
            raise PipelineError(f"pipelines/{step.layer}/{step.name}.py: AFTER names {unknown}, which are not "
                                f"earlier {step.layer} steps run concurrently")
    futures: dict[str, Future] = {}  # step name → (rows, seconds)
    contexts: dict[str, BuildContext] = {}
    log_lines: dict[str, list[str]] = {}
    pool = ThreadPoolExecutor(CONCURRENT_STEPS, thread_name_prefix="step")
    try:
        waiting = [step for _, step in numbered]
        while waiting and not any(f.done() and f.exception() for f in futures.values()):
            for step in [s for s in waiting if all(_succeeded(futures.get(name)) for name in s.after)]:
                waiting.remove(step)
                log_lines[step.name] = []
                contexts[step.name] = ctx.for_concurrent_step(log_lines[step.name].append)
                futures[step.name] = pool.submit(_timed_run, step, contexts[step.name])
            if waiting:
                wait([f for f in futures.values() if not f.done()], return_when=FIRST_COMPLETED)
        wait(futures.values())
        for number, step in numbered:  # in step order, up to the first step that failed or did not start
            if step.name not in futures or futures[step.name].exception():
                break
            rows, seconds = futures[step.name].result()
            contexts[step.name].write_step_buffers()
            _record_step(ctx, StepResult(number, step, rows, seconds, None, log_lines[step.name]))
        failures = [futures[name].exception() for name in names if name in futures and futures[name].exception()]
        if failures:
            raise failures[0]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for step_ctx in contexts.values():
            step_ctx.con.close()


def _succeeded(future: Future | None) -> bool:
    return future is not None and future.done() and future.exception() is None


def _timed_run(step: Step, ctx: BuildContext) -> tuple[object, float]:
    t0 = time.perf_counter()
    rows = step.run(ctx)
    return rows, time.perf_counter() - t0


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
