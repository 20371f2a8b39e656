"""The alignment method in numbers: every threshold and weight the marts use, and the method version stamped in every
mart row, in build_info and in every export. docs/methodology.md explains each of them; change both together and bump
METHOD_VERSION whenever a number here changes."""
from __future__ import annotations

METHOD_VERSION = "atlas-method-1.0"

PERIODS = ("2014-2020", "2021-2027")
REGION_LEVELS = (0, 1, 2)  # EU NUTS 0, 1 and 2 regions get alignment rows

# --- coverage -------------------------------------------------------------------------------------------------------
COVERED_LEVEL = 3  # a priority domain is 'covered' when a hub in the region has level >= 3 in it
WEAK_LEVEL = 1  # levels 1..COVERED_LEVEL-1 make it 'weak'; no hub with the domain at all: 'uncovered'

# How much a priority counts towards a region's priority-domain weights, by how its strategy applies to the region
# (applicable_priorities.relation). Relations not listed count RELATION_WEIGHT_DEFAULT.
RELATION_WEIGHTS = {"own": 1.0, "shared": 1.0, "national": 1.0, "parent": 1.0, "child": 1.0}
RELATION_WEIGHT_DEFAULT = 1.0

# --- partner suggestions --------------------------------------------------------------------------------------------
PARTNER_MIN_LEVEL = COVERED_LEVEL  # only hubs that would cover the domain are suggested
PARTNER_TOP_N = 5
PARTNER_POINTS_PER_LEVEL = 10.0  # competence level 1-5 → 10-50 points
PARTNER_PROXIMITY_POINTS = 25.0  # × 1 / (1 + distance_km / PARTNER_DISTANCE_HALF_KM)
PARTNER_DISTANCE_HALF_KM = 250.0  # at this distance the proximity points are halved
PARTNER_SAME_COUNTRY_POINTS = 10.0
PARTNER_NEIGHBOUR_POINTS = 10.0  # the hub lies in a region (same NUTS level) that shares a border with the region
PARTNER_DEP_FUNDED_POINTS = 5.0  # the hub is a Digital Europe-funded EDIH
# maximum score: 50 + 25 + 10 + 10 + 5 = 100

# --- funding --------------------------------------------------------------------------------------------------------
ERDF_THEMATIC_OBJECTIVES = ("01", "02")  # TO01 research & innovation, TO02 ICT
ERDF_PAYMENTS_FIRST_YEAR = 2014
ERDF_PAYMENTS_LAST_YEAR = 2023  # payments made in calendar years 2014-2023 (from all programming periods)

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius used for great-circle (haversine) distances


def sql_params() -> dict[str, object]:
    """The numbers above as named parameters for the mart SQL ($covered_level, …)."""
    return {
        "method_version": METHOD_VERSION,
        "covered_level": COVERED_LEVEL,
        "weak_level": WEAK_LEVEL,
        "partner_min_level": PARTNER_MIN_LEVEL,
        "partner_top_n": PARTNER_TOP_N,
        "points_per_level": PARTNER_POINTS_PER_LEVEL,
        "proximity_points": PARTNER_PROXIMITY_POINTS,
        "distance_half_km": PARTNER_DISTANCE_HALF_KM,
        "same_country_points": PARTNER_SAME_COUNTRY_POINTS,
        "neighbour_points": PARTNER_NEIGHBOUR_POINTS,
        "dep_funded_points": PARTNER_DEP_FUNDED_POINTS,
        "earth_radius_km": EARTH_RADIUS_KM,
        "relation_weight_default": RELATION_WEIGHT_DEFAULT,
        "periods": list(PERIODS),
        "region_levels": list(REGION_LEVELS),
        "erdf_thematic_objectives": list(ERDF_THEMATIC_OBJECTIVES),
        "erdf_payments_first_year": ERDF_PAYMENTS_FIRST_YEAR,
        "erdf_payments_last_year": ERDF_PAYMENTS_LAST_YEAR,
    }

# Domains whose coverage the data-quality report prints as a sanity check against published figures.
REPORT_CHECK_DOMAINS = {"TECH_AI": "artificial intelligence", "TECH_CYBER": "cybersecurity",
                        "TECH_HPC": "high-performance computing"}
# Published reference figures for that sanity check: JRC technical report "Characteristics and regional coverage of the
# European Digital Innovation Hubs network" (December 2023), as summarised by the EDIH Network on 18 December 2023
# (https://european-digital-innovation-hubs.ec.europa.eu/de/node/11739): EDIHs present in 85 % of European regions
# (servicing nearly 90 %); support for AI in 91 % of regions, cybersecurity 73 %, HPC 61 % (regions serviced, which
# includes hubs' service areas beyond their own region).
PUBLISHED_EDIH_PRESENCE_SHARE = 0.85
PUBLISHED_DOMAIN_SHARES = {"TECH_AI": 0.91, "TECH_CYBER": 0.73, "TECH_HPC": 0.61}
PUBLISHED_SOURCE = ("JRC, Characteristics and regional coverage of the EDIH network (Dec 2023), "
                    "https://european-digital-innovation-hubs.ec.europa.eu/de/node/11739")
