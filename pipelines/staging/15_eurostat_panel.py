"""staging.stg_eurostat_panel: the NUTS 2 context panel 2010-2023 (population, GDP, R&D, education, labour market,
2014-2020 cohesion category), one row per region and year. Region codes are of mixed NUTS versions."""
from __future__ import annotations

from ..context import BuildContext
from ..staging_spec import Col, StagingSpec, load

CATEGORIES = ["less_developed", "transition", "more_developed"]

SPEC = StagingSpec(
    table="stg_eurostat_panel",
    source_id="eurostat_context",
    file="nuts2_context_panel_2010_2023.csv",
    columns=[
        Col("nuts_code", "nuts2_id"),
        Col("country_code", "country"),
        Col("year", "year", "INTEGER"),
        Col("population", "population", "BIGINT"),
        Col("gdp_mio_eur", "gdp_mio_eur", "DOUBLE"),
        Col("gdp_pc", "gdp_pc", "DOUBLE"),
        Col("gdp_pc_pps", "gdp_pc_pps", "DOUBLE"),
        Col("rd_gerd", "rd_gerd", "DOUBLE"),
        Col("tertiary_share_25_64", "tertiary_share_25_64", "DOUBLE"),
        Col("emp_rate", "emp_rate", "DOUBLE"),
        Col("unemp_rate", "unemp_rate", "DOUBLE"),
        Col("category_2014_2020", "category_2014_2020"),
    ],
    required=["nuts_code", "country_code", "year"],
    unique=["nuts_code", "year"],
    allowed={"category_2014_2020": CATEGORIES},
    nuts={"nuts_code": "mixed"},
    checks=[
        ("length(nuts_code) = 4", "nuts2_id is not a NUTS 2 code"),
        ("left(nuts_code, 2) = country_code", "nuts2_id is not in country"),
        ("year BETWEEN 1990 AND 2030", "year out of range"),
    ],
)


def run(ctx: BuildContext) -> int:
    return load(ctx, SPEC)
