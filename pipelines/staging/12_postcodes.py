"""staging.stg_postcodes: GISCO's postcode → NUTS 3 (2024) correspondence for 34 countries (820k rows)."""
from __future__ import annotations

from ..context import BuildContext
from ..staging_spec import Col, StagingSpec, load

SPEC = StagingSpec(
    table="stg_postcodes",
    source_id="gisco_postcodes",
    file="pc2024_nuts3.csv.gz",
    columns=[
        Col("country_code", "country_code"),
        Col("postcode", "postcode"),
        Col("nuts3_code_2024", "nuts3_code_2024"),
    ],
    required=["country_code", "postcode", "nuts3_code_2024"],
    unique=["country_code", "postcode"],
    nuts={"nuts3_code_2024": "2024"},
    checks=[
        ("length(nuts3_code_2024) = 5", "nuts3_code_2024 is not a NUTS 3 code"),
        ("left(nuts3_code_2024, 2) = country_code", "nuts3_code_2024 is not in country_code"),
    ],
)


def run(ctx: BuildContext) -> int:
    return load(ctx, SPEC)
