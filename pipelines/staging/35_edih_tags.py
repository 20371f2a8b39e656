"""staging.stg_edih_tags: the EDIH catalogue's technology, sector and service tags in long form (one row per hub and
tag, with the 1-5 level the hub declares). A hub is (edih_name, country_name, hub_type), as in the catalogue."""
from __future__ import annotations

from ..context import BuildContext
from ..staging_spec import Col, StagingSpec, load

AFTER = ("20_edih_catalogue",)  # the check below reads staging.stg_edih_catalogue

SPEC = StagingSpec(
    table="stg_edih_tags",
    source_id="edih_catalogue",
    file="edih_tags_long.csv",
    columns=[
        Col("edih_name", "edih_name"),
        Col("country_name", "country"),
        Col("hub_type", "edih_soe"),
        Col("kind", "kind"),
        Col("label", "label"),
        Col("level", "level", "INTEGER"),
    ],
    required=["edih_name", "country_name", "hub_type", "kind", "label", "level"],
    # The same tag listed twice for one hub (sometimes with two levels) keeps its first listing.
    unique=["edih_name", "country_name", "hub_type", "kind", "label"],
    allowed={
        "hub_type": ["EDIH", "Seal of Excellence", "DIH"],
        "kind": ["technology", "sector", "service"],
        "level": ["1", "2", "3", "4", "5"],
    },
    checks=[(
        "EXISTS (SELECT 1 FROM staging.stg_edih_catalogue c WHERE c.edih_name = _t.edih_name "
        "AND c.country_name = _t.country_name AND c.hub_type = _t.hub_type)",
        "no hub with this (edih_name, country, edih_soe) in the EDIH catalogue",
    )],
)


def run(ctx: BuildContext) -> int:
    return load(ctx, SPEC)
