"""staging.stg_horizon_de: Germany's Horizon 2020 and Horizon Europe participations with NUTS 3 codes (CORDIS,
August 2026; Parquet, so source_line is the row number). Columns renamed to snake_case. No unique key: one
organisation can hold several third-party rows in one project. `ec_max_contribution` stays text, as CORDIS mixes
decimal commas and points in it."""
from __future__ import annotations

from ..context import BuildContext
from ..staging_spec import Col, StagingSpec, load

SPEC = StagingSpec(
    table="stg_horizon_de",
    source_id="horizon_cordis_de",
    file="participations_de_h2020_horizoneurope.parquet",
    columns=[
        Col("project_id", "projectID"),
        Col("organisation_id", "organisationID"),
        Col("organisation_name", "name"),
        Col("organisation_short_name", "shortName"),
        Col("is_sme", "SME", "BOOLEAN"),
        Col("activity_type", "activityType"),
        Col("post_code", "postCode"),
        Col("city", "city"),
        Col("country_code", "country"),
        Col("nuts_code", "nutsCode"),
        Col("role", "role"),
        Col("ec_contribution", "ecContribution", "DOUBLE"),
        Col("net_ec_contribution", "netEcContribution", "DOUBLE"),
        Col("programme", "programme"),
        Col("land_nuts1_code", "land"),
        Col("land_method", "land_method"),
        Col("nuts_plz_conflict", "nuts_plz_conflict", "BOOLEAN"),
        Col("lat", "lat", "DOUBLE"),
        Col("lon", "lon", "DOUBLE"),
        Col("coords_repaired", "coords_repaired", "BOOLEAN"),
        Col("acronym", "acronym"),
        Col("status", "status"),
        Col("title", "title"),
        Col("start_date", "startDate", "DATE"),
        Col("end_date", "endDate", "DATE"),
        Col("ec_max_contribution", "ecMaxContribution"),
        Col("funding_scheme", "fundingScheme"),
        Col("start_year", "start_year", "INTEGER"),
        Col("activity_label", "activity_label"),
    ],
    required=["project_id", "organisation_id", "country_code", "role", "programme"],
    allowed={
        "programme": ["Horizon 2020", "Horizon Europe"],
        "role": ["coordinator", "participant", "partner", "thirdParty", "associatedPartner"],
        "country_code": ["DE"],
    },
    nuts={"nuts_code": "mixed"},
)


def run(ctx: BuildContext) -> int:
    return load(ctx, SPEC)
