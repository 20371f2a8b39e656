"""staging.stg_h2020_participations: every Horizon 2020 participation (CORDIS, 14 Dec 2020; 144,726 rows) with its
EC contribution, and staging.stg_h2020_programme_parts: the programme parts of each project (rcn). The file writes
missing values as R's "NA" (also in `country`, where it does not mean Namibia: the source's own totals call them
NA_missing)."""
from __future__ import annotations

from ..context import BuildContext
from ..staging_spec import Col, StagingSpec, load

SOURCE = "horizon_h2020_eu"

PARTICIPATIONS = StagingSpec(
    table="stg_h2020_participations",
    source_id=SOURCE,
    file="eunets_h2020_participations_cordis-2020-12-14.csv.gz",
    columns=[
        Col("rcn", "rcn", "BIGINT"),
        Col("role", "role"),
        Col("pic", "pic", "BIGINT"),
        Col("activity_type", "type"),
        Col("ec_contribution", "contribution", "DOUBLE"),
        Col("country_code", "country"),
        Col("start_date", "start_date", "DATE"),
        Col("end_date", "end_date", "DATE"),
        Col("project_max_contribution", "max_contribution", "DOUBLE"),
        Col("project_total_cost", "total_cost", "DOUBLE"),
        Col("start_year", "start_year", "INTEGER"),
        Col("end_year", "end_year", "INTEGER"),
        Col("duration_months", "duration", "INTEGER"),
        Col("country_group", "group"),
        Col("project_n_participants", "nunique", "INTEGER"),
    ],
    required=["rcn", "role", "pic", "activity_type"],
    unique=["rcn", "pic", "role"],
    allowed={
        "role": ["coordinator", "participant", "partner"],
        "activity_type": ["HES", "PRC", "REC", "PUB", "OTH"],
        "country_group": ["eu15", "eu13", "ac", "tc"],
    },
    null_markers=("NA",),
    checks=[("ec_contribution IS NULL OR ec_contribution >= 0", "negative EC contribution")],
)

PROGRAMME_PARTS = StagingSpec(
    table="stg_h2020_programme_parts",
    source_id=SOURCE,
    file="eunets_h2020_programme_parts.csv.gz",
    columns=[Col("rcn", "rcn", "BIGINT"), Col("programme_part", "programme_part")],
    required=["rcn", "programme_part"],
    unique=["rcn", "programme_part"],
    null_markers=("NA",),
)


def run(ctx: BuildContext) -> int:
    return load(ctx, PARTICIPATIONS) + load(ctx, PROGRAMME_PARTS)
