"""Horizon 2020 tables made while collecting the data (from the participations file and the PIC → NUTS look-up):
staging.stg_h2020_by_nuts (per NUTS 3 where the organisation's PIC is in the look-up, else per country at level 0),
staging.stg_h2020_by_country (complete country totals and their NUTS coverage) and staging.stg_h2020_pic_nuts."""
from __future__ import annotations

from ..context import BuildContext
from ..staging_spec import Col, StagingSpec, load

SOURCE = "horizon_h2020_eu"
NUTS_SOURCES = ["cordis_2026-08_DE", "h2020_dashboard_export_2021"]

BY_NUTS = StagingSpec(
    table="stg_h2020_by_nuts",
    source_id=SOURCE,
    file="h2020_by_nuts.csv",
    columns=[
        Col("programme", "programme"),
        Col("nuts_code", "nuts_code"),
        Col("nuts_level", "nuts_level", "INTEGER"),
        Col("nuts2_code", "nuts2_code"),
        Col("country_code", "country"),
        Col("role", "role"),
        Col("activity_type", "activity_type"),
        Col("n_participations", "n_participations", "INTEGER"),
        Col("n_projects", "n_projects", "INTEGER"),
        Col("n_organisations", "n_organisations", "INTEGER"),
        Col("ec_contribution_eur", "ec_contribution_eur", "DOUBLE"),
        Col("net_ec_contribution_eur", "net_ec_contribution_eur", "DOUBLE"),
        Col("nuts_source", "nuts_source"),
    ],
    required=["programme", "nuts_level", "country_code", "role", "n_participations", "nuts_source"],
    unique=["programme", "nuts_code", "country_code", "role", "activity_type", "nuts_source"],
    allowed={"programme": ["H2020"], "nuts_level": ["0", "3"], "nuts_source": NUTS_SOURCES + ["none_country_only"]},
    nuts={"nuts_code": "mixed", "nuts2_code": "mixed"},
    checks=[
        ("(nuts_level = 0 AND nuts_code IS NULL) OR (nuts_level = 3 AND length(nuts_code) = 5)",
         "nuts_level does not match nuts_code"),
        ("nuts2_code IS NULL OR nuts2_code = left(nuts_code, 4)", "nuts2_code is not the parent of nuts_code"),
    ],
)

BY_COUNTRY = StagingSpec(
    table="stg_h2020_by_country",
    source_id=SOURCE,
    file="h2020_by_country.csv",
    columns=[
        Col("programme", "programme"),
        Col("country_code", "country"),  # 'NA_missing': participations without a country
        Col("n_participations", "n_participations", "INTEGER"),
        Col("n_projects", "n_projects", "INTEGER"),
        Col("n_organisations", "n_organisations", "INTEGER"),
        Col("ec_contribution_eur", "ec_contribution_eur", "DOUBLE"),
        Col("ec_contribution_with_nuts_eur", "ec_contribution_with_nuts_eur", "DOUBLE"),
        Col("share_ec_with_nuts", "share_ec_with_nuts", "DOUBLE"),
    ],
    required=["programme", "country_code", "n_participations", "ec_contribution_eur"],
    unique=["programme", "country_code"],
    allowed={"programme": ["H2020"]},
    checks=[("share_ec_with_nuts IS NULL OR share_ec_with_nuts BETWEEN 0 AND 1", "share_ec_with_nuts outside 0-1")],
)

PIC_NUTS = StagingSpec(
    table="stg_h2020_pic_nuts",
    source_id=SOURCE,
    file="pic_nuts_lookup.csv",
    columns=[Col("pic", "pic", "BIGINT"), Col("nuts_code", "nuts_code"), Col("nuts_source", "nuts_source")],
    required=["pic", "nuts_code", "nuts_source"],
    unique=["pic"],
    allowed={"nuts_source": NUTS_SOURCES},
    nuts={"nuts_code": "mixed"},
)


def run(ctx: BuildContext) -> int:
    return load(ctx, BY_NUTS) + load(ctx, BY_COUNTRY) + load(ctx, PIC_NUTS)
