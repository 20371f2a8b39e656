"""Speed and memory benchmarks: `python -m benchmarks` runs every benchmarks/bench_*.py that defines main()."""

from pathlib import Path


def warehouse_to_measure(given: Path | None, prefix: str) -> Path:
    """The warehouse a benchmark reads: the one given, else the project's when it is current, else a fresh build in a
    temporary folder (its build time printed)."""
    import tempfile
    import time

    from pipelines import paths, runner

    if given is not None:
        return given
    if paths.WAREHOUSE.exists() and not runner.is_stale(paths.WAREHOUSE):
        return paths.WAREHOUSE
    warehouse = Path(tempfile.mkdtemp(prefix=prefix)) / "atlas.duckdb"
    t0 = time.perf_counter()
    runner.build(target=warehouse, log=lambda _m: None)
    print(f"built a fresh warehouse in {time.perf_counter() - t0:.2f}s: {warehouse}")
    return warehouse
