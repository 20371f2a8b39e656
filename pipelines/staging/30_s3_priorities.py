"""staging.stg_s3_priorities and staging.stg_s3_strategy_coverage: the curated S3 priorities (one row per priority
area of the national and regional strategies found) and the coverage log of every strategy looked for.

Snapshots from 2026-12 on add `check_note` (what was checked, for added or corrected rows) and `row_status`
('unchanged' | 'corrected' | 'added', against the previous snapshot) to both files; they are optional, so an older
snapshot still loads (the columns are then NULL)."""
from __future__ import annotations

import csv
from dataclasses import replace

from ..context import BuildContext
from ..staging_spec import Col, StagingSpec, load

PERIODS = ["2014-2020", "2021-2027"]

PRIORITIES = StagingSpec(
    table="stg_s3_priorities",
    source_id="s3_priorities_curated",
    file="s3_priorities.csv",
    columns=[
        Col("strategy_id", "strategy_id"),
        Col("country_code", "country_code"),
        Col("territory_name", "territory_name"),
        Col("nuts_code", "nuts_code"),
        Col("nuts_level", "nuts_level", "INTEGER"),
        Col("period", "period"),
        Col("priority_no", "priority_no", "INTEGER"),
        Col("priority_title", "priority_title"),
        Col("priority_title_original", "priority_title_original"),
        Col("description", "description"),
        Col("source_url", "source_url"),
        Col("source_kind", "source_kind"),
        Col("confidence", "confidence"),
    ],
    # optional columns: see OPTIONAL
    required=["strategy_id", "country_code", "nuts_code", "nuts_level", "period", "priority_no", "priority_title",
              "source_url", "source_kind", "confidence"],
    unique=["strategy_id", "priority_no"],
    allowed={
        "period": PERIODS,
        "source_kind": ["official", "platform", "secondary"],
        "confidence": ["high", "medium", "low"],
        "nuts_level": ["0", "1", "2", "3"],
    },
    nuts={"nuts_code": "2021", "country_code": "2021"},
    checks=[
        ("length(nuts_code) - 2 = nuts_level", "nuts_level does not match the length of nuts_code"),
        ("left(nuts_code, 2) = country_code", "nuts_code is not in country_code"),
        ("strategy_id = nuts_code || '-' || period", "strategy_id is not <nuts_code>-<period>"),
    ],
)

COVERAGE = StagingSpec(
    table="stg_s3_strategy_coverage",
    source_id="s3_priorities_curated",
    file="s3_strategy_coverage.csv",
    columns=[
        Col("strategy_id", "strategy_id"),
        Col("country_code", "country_code"),
        Col("territory_name", "territory_name"),
        Col("nuts_code", "nuts_code"),
        Col("status", "status"),
        Col("n_priorities", "n_priorities", "INTEGER"),
        Col("note", "note"),
    ],
    required=["strategy_id", "country_code", "nuts_code", "status", "n_priorities"],
    unique=["strategy_id"],
    allowed={"status": ["found", "partial", "not_found"]},
    # optional columns: see OPTIONAL
    nuts={"nuts_code": "2021", "country_code": "2021"},
    checks=[("left(nuts_code, 2) = country_code", "nuts_code is not in country_code")],
)


ROW_STATUSES = ["unchanged", "corrected", "added"]
# optional raw columns per staging table: (column, allowed values or None)
OPTIONAL = {
    "stg_s3_priorities": [("check_note", None), ("row_status", ROW_STATUSES)],
    "stg_s3_strategy_coverage": [("row_status", ROW_STATUSES)],
}


def _header(ctx: BuildContext, spec: StagingSpec) -> list[str]:
    raw = ctx.raw_file(spec.source_id, spec.file)
    with open(raw.abspath, newline="", encoding=raw.encoding or "utf-8") as f:
        return next(csv.reader(f, delimiter=raw.delimiter or ","), [])


def with_optional_columns(spec: StagingSpec, header: list[str]) -> tuple[StagingSpec, list[str]]:
    """The spec extended by the optional columns the file has, and the optional columns it lacks."""
    present = [(name, allowed) for name, allowed in OPTIONAL[spec.table] if name in header]
    missing = [name for name, _ in OPTIONAL[spec.table] if name not in header]
    allowed = dict(spec.allowed) | {name: values for name, values in present if values}
    return replace(spec, columns=spec.columns + [Col(name, name) for name, _ in present], allowed=allowed), missing


def _load(ctx: BuildContext, spec: StagingSpec) -> int:
    full, missing = with_optional_columns(spec, _header(ctx, spec))
    kept = load(ctx, full)
    for name in missing:  # an older snapshot: the column exists, empty
        ctx.con.execute(f'ALTER TABLE staging.{spec.table} ADD COLUMN "{name}" VARCHAR')
    return kept


def run(ctx: BuildContext) -> int:
    return _load(ctx, PRIORITIES) + _load(ctx, COVERAGE)
