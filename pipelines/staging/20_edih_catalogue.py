"""staging.stg_edih_catalogue: the EDIH Network catalogue export, one row per hub, columns renamed and typed."""
from __future__ import annotations

from ..context import BuildContext
from ..staging_spec import Col, StagingSpec, load

SPEC = StagingSpec(
    table="stg_edih_catalogue",
    source_id="edih_catalogue",
    file="edih_catalogue_2025-04.csv",
    columns=[
        Col("edih_name", "EDIH Name"),
        Col("edih_title", "EDIH Title"),
        Col("description", "Description (indexed field)"),
        Col("country_name", "Country"),
        Col("country_code", "cntr_code_eurostat"),
        Col("contact_location", "Contact Location"),
        Col("hub_type", "EDIH/SoE"),
        Col("website", "Website"),
        Col("sectors_formatted", "Formatted sectors"),
        Col("services_formatted", "Formatted services"),
        Col("technologies_formatted", "Formatted technologies"),
    ],
    required=["edih_name", "edih_title", "country_name", "country_code", "hub_type"],
    # "EDIH Name" repeats for different hubs (CIH in CZ and SK, NEST in IT and AL, DATAlife as DIH and as EDIH in
    # ES): the hub is its name together with its title. (edih_name, country_name, hub_type) is unique too, and is
    # how edih_tags_long.csv refers to a hub.
    unique=["edih_name", "edih_title"],
    allowed={"hub_type": ["EDIH", "Seal of Excellence", "DIH"]},
    nuts={"country_code": "2024"},
)


def run(ctx: BuildContext) -> int:
    return load(ctx, SPEC)
