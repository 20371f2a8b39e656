"""staging.stg_s3_priorities and staging.stg_s3_strategy_coverage: the curated S3 priorities (one row per priority
area of 220 national and regional strategies) and the coverage log of every strategy looked for."""
from __future__ import annotations

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
    nuts={"nuts_code": "2021", "country_code": "2021"},
    checks=[("left(nuts_code, 2) = country_code", "nuts_code is not in country_code")],
)


def run(ctx: BuildContext) -> int:
    return load(ctx, PRIORITIES) + load(ctx, COVERAGE)
