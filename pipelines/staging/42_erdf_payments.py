"""staging.stg_erdf_payments: ERDF payments per NUTS 2 region and calendar year 1986-2025 (regionalised and modelled
by the Commission), with population and per-capita values; staging.stg_erdf_eligibility: the 2014-2020 cohesion
category per NUTS 2 region. Region codes are of mixed NUTS versions; the pseudo-codes EU28 and EFTA are quarantined."""
from __future__ import annotations

from ..context import BuildContext
from ..staging_spec import Col, StagingSpec, load

SOURCE = "erdf_payments_regionalised"

PAYMENTS = StagingSpec(
    table="stg_erdf_payments",
    source_id=SOURCE,
    file="treatment_erdf.csv",
    columns=[
        Col("nuts_code", "nuts2_id"),
        Col("year", "year", "INTEGER"),
        Col("erdf_eur", "erdf_eur", "DOUBLE"),
        Col("population", "population", "DOUBLE"),  # Eurostat population; often missing
        Col("erdf_eur_pc", "erdf_eur_pc", "DOUBLE"),
    ],
    required=["nuts_code", "year", "erdf_eur"],
    unique=["nuts_code", "year"],
    nuts={"nuts_code": "mixed"},
    checks=[("year BETWEEN 1980 AND 2030", "year out of range")],
    # net payments: recoveries and corrections make a region-year negative (6 real rows, e.g. UKM3 2019, -7.9 M EUR)
    signed=["erdf_eur", "erdf_eur_pc"],
)

ELIGIBILITY = StagingSpec(
    table="stg_erdf_eligibility",
    source_id=SOURCE,
    file="eligibility_categories_2014_2020.csv",
    columns=[
        Col("nuts_code", "nuts2_id"),
        Col("category_2014_2020", "category_2014_2020"),
    ],
    required=["nuts_code", "category_2014_2020"],
    unique=["nuts_code"],
    allowed={"category_2014_2020": ["less_developed", "transition", "more_developed"]},
    nuts={"nuts_code": "mixed"},
)


def run(ctx: BuildContext) -> int:
    return load(ctx, PAYMENTS) + load(ctx, ELIGIBILITY)
