"""The runner's concurrent staging phase: AFTER dependencies are honoured, results (quarantine rows, build_steps,
log lines) land in step order whatever order the steps finish in, and a failing step stops the phase with its error."""
from __future__ import annotations

import time

import duckdb
import pytest

from pipelines import runner
from pipelines.context import BuildContext
from pipelines.errors import PipelineError


def _context(lines: list[str]) -> BuildContext:
    ctx = BuildContext(con=duckdb.connect(":memory:"), sources={}, log=lines.append)
    ctx.init()
    return ctx


def _step(name: str, seconds: float, finished: list[str], after=(), fail: bool = False) -> runner.Step:
    def run(ctx: BuildContext) -> int:
        time.sleep(seconds)
        if fail:
            raise PipelineError(f"{name} failed")
        ctx.con.execute(f"CREATE TABLE t_{name} AS SELECT 1 AS x")
        ctx.con.execute(f"INSERT INTO {ctx.quarantine_table} VALUES ('staging', ?, 'f', 1, 'r', '{{}}')", [name])
        ctx.log(f"note from {name}")
        finished.append(name)  # list.append is atomic under the GIL
        return 1

    return runner.Step("staging", name, run, tuple(after))


def test_results_are_recorded_in_step_order_and_after_is_honoured():
    lines: list[str] = []
    ctx = _context(lines)
    finished: list[str] = []
    steps = [_step("a_slow", 0.3, finished), _step("b_fast", 0.0, finished),
             _step("c_after_a", 0.0, finished, after=("a_slow",))]
    runner._run_concurrently(ctx, list(enumerate(steps, start=2)))
    assert finished.index("c_after_a") > finished.index("a_slow")  # waited for its dependency
    assert finished.index("b_fast") < finished.index("a_slow")  # ran alongside the slow one
    sources = [r[0] for r in ctx.con.execute("SELECT source_id FROM quarantine").fetchall()]
    assert sources == ["a_slow", "b_fast", "c_after_a"]  # step order, not finishing order
    assert [r[0] for r in ctx.con.execute("SELECT step FROM build_steps ORDER BY rowid").fetchall()] == \
        ["a_slow", "b_fast", "c_after_a"]
    assert [line for line in lines if line.startswith("note")] == \
        ["note from a_slow", "note from b_fast", "note from c_after_a"]


def test_a_failing_step_raises_its_error_and_its_dependants_never_start():
    ctx = _context([])
    finished: list[str] = []
    steps = [_step("a_fails", 0.05, finished, fail=True), _step("b_needs_a", 0.0, finished, after=("a_fails",))]
    with pytest.raises(PipelineError, match="a_fails failed"):
        runner._run_concurrently(ctx, list(enumerate(steps, start=2)))
    assert "b_needs_a" not in finished


def test_after_must_name_an_earlier_step():
    ctx = _context([])
    steps = [_step("a", 0.0, [], after=("z_later",)), _step("z_later", 0.0, [])]
    with pytest.raises(PipelineError, match="AFTER names"):
        runner._run_concurrently(ctx, list(enumerate(steps, start=2)))
