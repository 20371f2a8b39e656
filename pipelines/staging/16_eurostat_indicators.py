"""staging.stg_eurostat_<indicator>: Eurostat regional indicators, one row per geo code and year:
gdp_pc_pps (GDP per inhabitant in PPS), gdp_mio_eur (nama_10r_2gdp), rd_gerd (tgs00042, % of GDP),
emp_rate (tgs00007, 15-64) and tertiary_share_25_64 (tgs00109). Country and NUTS 1/2 codes appear side by side;
EU aggregates are quarantined (not NUTS regions)."""
from __future__ import annotations

from ..context import BuildContext
from ..staging_spec import Col, StagingSpec, load

SOURCE = "eurostat_context"


def _sdmx(table: str, file: str, nuts_version: str, extra: list[Col] = ()) -> StagingSpec:
    """A Eurostat SDMX-CSV 2.0 extract (STRUCTURE, …, geo, TIME_PERIOD, OBS_VALUE, OBS_FLAG)."""
    return StagingSpec(
        table=table, source_id=SOURCE, file=file,
        columns=[
            Col("nuts_code", "geo"),
            Col("region_name", "Geopolitical entity (reporting)"),
            Col("year", "TIME_PERIOD", "INTEGER"),
            Col("value", "OBS_VALUE", "DOUBLE"),
            Col("unit", "unit"),
            Col("obs_flag", "OBS_FLAG"),
            Col("dataset", "STRUCTURE_ID"),
            *extra,
        ],
        required=["nuts_code", "year", "unit"],
        unique=["nuts_code", "year"],
        nuts={"nuts_code": nuts_version},
    )


SPECS = [
    StagingSpec(
        table="stg_eurostat_gdp_pc_pps", source_id=SOURCE, file="eurostat_gdp_pc_pps_nuts2.csv",
        columns=[
            Col("nuts_code", "geo"),
            Col("year", "time", "INTEGER"),
            Col("value", "obs_value", "DOUBLE"),
            Col("unit", "unit"),
        ],
        required=["nuts_code", "year", "unit"],
        unique=["nuts_code", "year"],
        allowed={"unit": ["PPS_EU27_2020_HAB"]},
        nuts={"nuts_code": "2024"},
    ),
    _sdmx("stg_eurostat_gdp_mio_eur", "eurostat_nama_10r_2gdp.csv", "2024"),
    _sdmx("stg_eurostat_rd_gerd", "eurostat_tgs00042_gerd_rd_expenditure.csv", "mixed",
          [Col("sector", "sectperf")]),
    _sdmx("stg_eurostat_emp_rate", "eurostat_tgs00007_employment_rate.csv", "mixed",
          [Col("sex", "sex"), Col("age", "age")]),
    _sdmx("stg_eurostat_tertiary_share_25_64", "eurostat_tgs00109_tertiary_education_25_64.csv", "mixed",
          [Col("sex", "sex"), Col("age", "age"), Col("isced11", "isced11")]),
]


def run(ctx: BuildContext) -> int:
    return sum(load(ctx, spec) for spec in SPECS)
