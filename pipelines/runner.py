"""Runs the build: verify checksums, then every step of staging → conformed → marts into a temporary DuckDB file,
renamed over data/warehouse/atlas.duckdb only when everything succeeded.

Staging steps each read their own raw files into their own tables, so after the first one (10_nuts_geometries: the
NUTS codes every other staging step checks against) they run two at a time, each on its own DuckDB cursor (DuckDB
releases the GIL while it executes). A staging step that reads another staging step's table names it in a module
constant `AFTER = ("20_edih_catalogue",)` and starts only once that step is done. Their quarantine and summary rows,
log lines and build_steps rows are written in step order, so the warehouse is the same as when run one by one.
The first failing step stops the build with its own error. Conformed and mart steps run one after the other."""
from __future__ import annotations

import contextlib
import fcntl
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
from .errors import BuildLocked, PipelineError
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


def lock_path(target: Path) -> Path:
    return target.with_name(f"{target.name}.lock")


@contextlib.contextmanager
def exclusive_build(target: Path, wait: bool = False, log: Callable[[str], None] = print):
    """Hold the build lock of `target` (an flock on `<target>.lock`, released by the kernel when the process dies,
    even by SIGKILL). A second build refuses with a message naming the first one's PID, or waits for it (`wait`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    path = lock_path(target)
    fh = open(path, "a+")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "unknown"
            if not wait:
                raise BuildLocked(f"another build (pid {holder}) is writing {target}; it holds {path}. Wait for it "
                                  "to finish, or run `python -m pipelines build --wait` to queue behind it") from None
            log(f"[lock] waiting for the build with pid {holder} to finish ({path})")
            fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        yield
    finally:
        fh.close()  # releases the lock; the file stays (removing it would race with a waiting build)


def remove_stale_temp_files(target: Path, log: Callable[[str], None] = print) -> list[Path]:
    """Temporary warehouses (`<target>.tmp-<pid>` and their `.wal`) of builds that died (SIGKILL, power cut) before
    they could clean up. Called while holding the build lock, so no other build of `target` is running."""
    removed = []
    for leftover in sorted(target.parent.glob(f"{target.name}.tmp-*")):
        pid = leftover.name.removeprefix(f"{target.name}.tmp-").removesuffix(".wal")
        if pid == str(os.getpid()) or not pid.isdigit():
            continue
        size = leftover.stat().st_size
        leftover.unlink(missing_ok=True)
        removed.append(leftover)
        log(f"[cleanup] removed {leftover.name} ({size / 1e6:.1f} MB) left by build pid {pid}, which did not finish")
    return removed


def build(target: Path = paths.WAREHOUSE, log: Callable[[str], None] = print,
          layers=LAYERS, sources: dict | None = None, accept_changes: bool = False, wait: bool = False,
          observed: dict | None = None) -> Path:
    """Build the warehouse into `target` atomically, holding its build lock. `accept_changes`: snapshot counts that
    differ from data/sources.yml only warn. `observed`, when given, receives the counts seen per raw file
    ({manifest path: (RawFile, rows, totals)})."""
    with exclusive_build(target, wait=wait, log=log):
        remove_stale_temp_files(target, log)
        return _build(target, log, layers, sources, accept_changes, observed)


def _build(target: Path, log: Callable[[str], None], layers, sources: dict | None, accept_changes: bool,
           observed: dict | None) -> Path:
    started, cpu_started = time.perf_counter(), time.process_time()
    sources = sources if sources is not None else manifest.load()
    t0 = time.perf_counter()
    checked = manifest.verify(sources)
    log(f"[checksums] {len(checked)} raw files verified ({time.perf_counter() - t0:.2f}s)")

    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        con.execute("SET threads TO 2")
        ctx = BuildContext(con=con, sources=sources, log=log, accept_changes=accept_changes)
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
        if staging:
            _check_remaining_counts(ctx)
            _write_source_checks(ctx)
            if observed is not None:
                observed.update(ctx.notes.get("source_counts", {}))
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


def _check_remaining_counts(ctx: BuildContext) -> None:
    """Row counts recorded for raw files that staging reads with its own code (JSON, the NUTS 2013 list): checked
    against the rows build_source_summary says were read."""
    seen = ctx.notes.setdefault("source_counts", {})
    read = dict(ctx.con.execute("SELECT file, sum(rows_read) FROM build_source_summary GROUP BY file").fetchall())
    for source in ctx.sources.values():
        for f in source.files:
            if f.path in seen or f.path not in read or (f.rows is None and f.min_rows is None and not f.totals):
                continue
            ctx.check_snapshot(f, int(read[f.path]), {})


def _write_source_checks(ctx: BuildContext) -> None:
    """build_source_checks: per raw file and check (data rows, each key total), what data/sources.yml recorded and
    what this build read."""
    ctx.con.execute("""CREATE OR REPLACE TABLE build_source_checks (
        source_id VARCHAR, file VARCHAR, check_name VARCHAR, recorded DOUBLE, minimum DOUBLE, actual DOUBLE,
        status VARCHAR)""")
    rows = []
    for path, (f, n_rows, totals) in sorted(ctx.notes.get("source_counts", {}).items()):
        blocking, notes = manifest.compare_counts(f, n_rows, totals)
        status = "changed (accepted)" if blocking else ("changed (within limits)" if notes else "ok")
        rows.append([f.source_id, path, "rows", f.rows, f.min_rows, n_rows, status])
        for column, recorded in f.totals:
            rows.append([f.source_id, path, f"total:{column}", recorded, None, totals.get(column), status])
    if rows:
        ctx.con.executemany("INSERT INTO build_source_checks VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


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
