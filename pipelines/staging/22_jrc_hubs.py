"""staging.stg_jrc_hubs: the JRC S3 Platform catalogue of Digital Innovation Hubs (Feb 2022), one row per hub.
`sectors` stays the raw semicolon list (conformed 36_hub_competences splits it with string_split)."""
from __future__ import annotations

from ..context import BuildContext
from ..staging_spec import Col, StagingSpec, load

SPEC = StagingSpec(
    table="stg_jrc_hubs",
    source_id="jrc_dih_catalogue",
    file="jrc_dih_catalogue_2022-02.csv",
    columns=[
        Col("jrc_hub_id", "jrc_hub_id", "INTEGER"),
        Col("title", "title"),
        Col("website", "website"),
        Col("country_name", "country"),
        Col("locality", "locality"),
        Col("street_address", "street_address"),
        Col("sectors", "sectors"),
        Col("description", "description"),
    ],
    required=["jrc_hub_id", "title", "country_name"],
    unique=["jrc_hub_id"],
)


def run(ctx: BuildContext) -> int:
    return load(ctx, SPEC)
