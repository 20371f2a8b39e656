"""The alignment method in numbers: every threshold and weight the marts use, and the method version stamped in every
mart row, in build_info and in every export. docs/methodology.md explains each of them; change both together and bump
METHOD_VERSION whenever a number here changes."""
from __future__ import annotations

METHOD_VERSION = "atlas-method-2.0"

PERIODS = ("2014-2020", "2021-2027")
REGION_LEVELS = (0, 1, 2)  # EU NUTS 0, 1 and 2 regions get alignment rows

# --- coverage -------------------------------------------------------------------------------------------------------
COVERED_LEVEL = 3  # a priority domain is 'covered' when a hub in the region has level >= 3 in it
WEAK_LEVEL = 1  # levels 1..COVERED_LEVEL-1 make it 'weak'; no hub with the domain at all: 'uncovered'

# How much a priority counts towards a region's priority-domain weights, by how its strategy applies to the region
# (applicable_priorities.relation). Relations not listed count RELATION_WEIGHT_DEFAULT.
RELATION_WEIGHTS = {"own": 1.0, "shared": 1.0, "national": 1.0, "parent": 1.0, "child": 1.0}
RELATION_WEIGHT_DEFAULT = 1.0
# National priorities next to a regional list of the same period (own, shared, parent's or children's strategy) count
# this much; where the region has no regional list in the period they are its list and count RELATION_WEIGHTS.
NATIONAL_WEIGHT_WITH_REGIONAL = 0.5
# "Digital transformation (general)": a priority of most strategies and covered by any EDIH technology tag. Kept out
# of the coverage denominator and of fit (shown separately as "digital priority: yes/no"), unless a variant adds it.
DIGITAL_GENERAL_DOMAIN = "TECH_DIGITAL"

# --- evidence grades -----------------------------------------------------------------------------------------------
# hub_competences.evidence_grade: 'declared' (EDIH catalogue level), 'listed' (JRC 2022 sector list), 'inferred'
# (description text). When the input has no evidence_grade column (an older warehouse) it is read from `source`.
EVIDENCE_GRADE_BY_SOURCE = {"edih_tag": "declared", "jrc_sector": "listed", "inferred_description": "inferred"}
EVIDENCE_GRADE_DEFAULT = "inferred"  # an unknown source is treated as the weakest evidence

# --- serving hubs --------------------------------------------------------------------------------------------------
# A hub counts in every NUTS 2 region it serves (hub_service_nuts2: address, declared, national, assumed) and in the
# NUTS 1 and 0 regions containing them. Without hub_service_nuts2 in the input, hubs count at their address only.
SERVICE_BASES = ("address", "declared", "national", "assumed")

# --- ranks ---------------------------------------------------------------------------------------------------------
RANK_COVERAGE_DECIMALS = 2  # ranks compare coverage rounded to whole percent: smaller differences are ties
LOW_CONFIDENCE_MAX_SHARE = 0.5  # a region is not ranked when more than this share of its weight is low-confidence
# Regions scored on a fallback (their 2014-2020 list carried forward, or the national strategy where a regional one
# is missing: applicable_priorities.basis) keep their figures, flagged, but are not ranked against regions scored on a
# list of their own: a rank would compare a region's own choices with somebody else's (issue 9 item 4, issue 13).
RANK_FALLBACK_BASIS = False

# --- sensitivity ---------------------------------------------------------------------------------------------------
# Each variant is one plausible alternative reading of the same evidence. `in_band`: the variant spans
# coverage_low / coverage_high. declared_only is reported as coverage_declared, not part of the band.
#            variant                 description                                                   inferred listed declared membership national digital in_band
VARIANTS = (
    ("default", "the method as documented", 0, 0, 0, "served", NATIONAL_WEIGHT_WITH_REGIONAL, False, True),
    ("inferred_plus1", "competences inferred from descriptions one level higher", 1, 0, 0, "served",
     NATIONAL_WEIGHT_WITH_REGIONAL, False, True),
    ("inferred_minus1", "competences inferred from descriptions one level lower", -1, 0, 0, "served",
     NATIONAL_WEIGHT_WITH_REGIONAL, False, True),
    ("listed_plus1", "JRC 2022 sector lists one level higher", 0, 1, 0, "served", NATIONAL_WEIGHT_WITH_REGIONAL,
     False, True),
    ("listed_minus1", "JRC 2022 sector lists one level lower", 0, -1, 0, "served", NATIONAL_WEIGHT_WITH_REGIONAL,
     False, True),
    ("address_only", "hubs count only in the region of their address, not where they serve", 0, 0, 0, "address",
     NATIONAL_WEIGHT_WITH_REGIONAL, False, True),
    ("national_weight_1", "national priorities at full weight next to a regional list", 0, 0, 0, "served", 1.0,
     False, True),
    ("with_digital_general", "'Digital transformation (general)' counted as a priority domain", 0, 0, 0, "served",
     NATIONAL_WEIGHT_WITH_REGIONAL, True, True),
    ("declared_only", "only levels the EDIHs declared in the catalogue (no JRC lists, no inferred competences)",
     -9, -9, 0, "served", NATIONAL_WEIGHT_WITH_REGIONAL, False, False),
)

# --- partner suggestions --------------------------------------------------------------------------------------------
PARTNER_MIN_LEVEL = COVERED_LEVEL  # only hubs that would cover the domain are suggested
PARTNER_TOP_N = 5
# Who may be suggested: hubs in the EU, and (flagged) hubs in countries associated to the Digital Europe programme.
EU_COUNTRIES = ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT", "LT",
                "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK")
# Digital Europe associated countries (EEA: https://digital-strategy.ec.europa.eu/en/activities/digital-programme;
# Western Balkans: association agreements signed 2022-2023, https://digital-strategy.ec.europa.eu/en/news/digital-
# europe-programme-opens-candidate-countries-montenegro-north-macedonia-albania-and-serbia; Türkiye 2023; Ukraine and
# Moldova 2022; Kosovo 2023 — the EDIH catalogue lists Digital-Europe-funded EDIHs in each of these). Not associated:
# the United Kingdom, Switzerland, Israel, Bosnia and Herzegovina (no association found in the sources consulted).
DEP_ASSOCIATED_COUNTRIES = ("NO", "IS", "LI", "AL", "ME", "MK", "RS", "TR", "UA", "MD", "XK")
# Where a partner may be: within PARTNER_MAX_DISTANCE_KM of the region's label point, or in (or serving) a region that
# borders it (any country), or serving the region itself. Only when no hub meets the rule for a gap are the nearest
# hubs of the same country suggested, flagged rule = 'nearest in country (beyond the distance rule)'.
PARTNER_MAX_DISTANCE_KM = 500.0
PARTNER_POINTS_PER_LEVEL = 8.0  # competence level 3-5 → 24-40 points
PARTNER_DECLARED_POINTS = 5.0  # the level is the hub's own declaration (evidence grade 'declared')
PARTNER_PROXIMITY_POINTS = 30.0  # × (1 − distance_km / PARTNER_MAX_DISTANCE_KM), 0 beyond
PARTNER_SAME_COUNTRY_POINTS = 10.0
PARTNER_NEIGHBOUR_POINTS = 10.0  # the hub lies in, or serves, a region (same NUTS level) that borders the region
PARTNER_DEP_FUNDED_POINTS = 5.0  # the hub is a Digital Europe-funded EDIH
# How a hub whose level in the domain rests only on a JRC 2022 sector list (evidence grade 'listed') is suggested:
#   'as_others'  — scored like the others (no evidence points), the plain score order;
#   'last'       — within a rule tier, after every hub whose level is declared in the EDIH catalogue or inferred from
#                  its own description (suggested only where fewer than PARTNER_TOP_N such hubs meet the rule);
#   'no_alternative' — only where no hub with a declared or inferred level meets the same rule tier (so a gap that
#                  only listed hubs can fill keeps its suggestions; the other lists are shorter than PARTNER_TOP_N).
# The hand-judged sample tests/fixtures/partner_suggestions_sample.csv found 1 of 14 'listed' suggestions plausible
# against 21 of 32 for the other grades (docs/methodology.md, T6).
PARTNER_LISTED_RULE = "no_alternative"
# maximum score: 40 + 5 + 30 + 10 + 10 + 5 = 100. Every suggested hub already has the covering level; among them a
# hub next door comes before a stronger one far away (Mazowieckie's agri-food gap: the Warsaw EDIH at level 3, 79 km,
# neighbour, 79.3 points, before Wrocław's at level 5, 294 km, 72.4), and at equal competence a hub of the same country
# and of a neighbouring region ranks first. One level (8 points) outweighs 133 km.

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
        "partner_max_distance_km": PARTNER_MAX_DISTANCE_KM,
        "eu_countries": list(EU_COUNTRIES),
        "associated_countries": list(DEP_ASSOCIATED_COUNTRIES),
        "points_per_level": PARTNER_POINTS_PER_LEVEL,
        "declared_points": PARTNER_DECLARED_POINTS,
        "proximity_points": PARTNER_PROXIMITY_POINTS,
        "same_country_points": PARTNER_SAME_COUNTRY_POINTS,
        "neighbour_points": PARTNER_NEIGHBOUR_POINTS,
        "dep_funded_points": PARTNER_DEP_FUNDED_POINTS,
        "partner_listed_rule": PARTNER_LISTED_RULE,
        "earth_radius_km": EARTH_RADIUS_KM,
        "relation_weight_default": RELATION_WEIGHT_DEFAULT,
        "national_weight_with_regional": NATIONAL_WEIGHT_WITH_REGIONAL,
        "digital_general_domain": DIGITAL_GENERAL_DOMAIN,
        "rank_coverage_decimals": RANK_COVERAGE_DECIMALS,
        "evidence_grade_default": EVIDENCE_GRADE_DEFAULT,
        "manufacturing_domains": list(MANUFACTURING_DOMAINS),
        "low_confidence_max_share": LOW_CONFIDENCE_MAX_SHARE,
        "rank_fallback_basis": RANK_FALLBACK_BASIS,
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
MANUFACTURING_DOMAINS = ("SEC_MANUFACTURING", "TECH_ADVANCED_MANUFACTURING")
# The published figures set beside the warehouse's (table published_benchmarks; report section published_figures).
# (benchmark_id, figure, published share, published definition, atlas definition, why the two can differ)
PUBLISHED_BENCHMARKS = (
    ("edih_present", "EU NUTS 2 regions with an EDIH present", 0.85,
     "share of European NUTS 2 regions with at least one EDIH (Digital Europe-funded) located in them",
     "share of EU-27 NUTS 2021 level-2 regions (extra-regio excluded) with at least one Digital Europe-funded EDIH "
     "of the April 2025 EDIH catalogue at its address",
     "the catalogue gives one address per EDIH, but an EDIH is a consortium whose members work from several regions; "
     "the JRC's presence counts where the hubs operate, which the catalogue cannot reproduce (its 'served' figure is "
     "the comparable one); the catalogue date (2025 against the 2023 network) differs too"),
    ("edih_serving", "EU NUTS 2 regions served by an EDIH", 0.90,
     "share of European NUTS 2 regions inside the declared service area of at least one EDIH",
     "share of EU NUTS 2 regions served by a Digital Europe-funded EDIH: address, declared area, national scope "
     "or the assumed default of hub_service_areas",
     "the JRC used the hubs' own service-area declarations in their proposals; the atlas reads service areas from "
     "the catalogue wording and assumes the NUTS 1 region only where it is the regional-government level (DE, BE, "
     "FR), so hubs serving more than their address region without saying so in the catalogue are missed"),
    ("ai_serving", "EU NUTS 2 regions served by an EDIH with AI", 0.91,
     "share of regions serviced by at least one EDIH offering artificial intelligence",
     "share of EU NUTS 2 regions served by a Digital Europe-funded EDIH with the domain TECH_AI at any level",
     "the JRC read technologies from the 2021-2023 proposals, the atlas from the 2025 catalogue's self-declared tags "
     "(and description text for untagged EDIHs): an EDIH offering AI without tagging it is missed (lower), while any "
     "declared level counts and an assumed NUTS 1 service area spreads a hub's tags over every region of it (higher)"),
    ("cyber_serving", "EU NUTS 2 regions served by an EDIH with cybersecurity", 0.73,
     "share of regions serviced by at least one EDIH offering cybersecurity",
     "share of EU NUTS 2 regions served by a Digital Europe-funded EDIH with the domain TECH_CYBER at any level",
     "as for AI: the catalogue's service areas are narrower than the proposals' and untagged offers are missed "
     "(lower), while any declared level counts (higher; see the level >= 3 column)"),
    ("hpc_serving", "EU NUTS 2 regions served by an EDIH with HPC", 0.61,
     "share of regions serviced by at least one EDIH offering high-performance computing",
     "share of EU NUTS 2 regions served by a Digital Europe-funded EDIH with the domain TECH_HPC at any level",
     "the atlas is higher: hubs that broker access to HPC centres tag HPC too, often at a low level (the level >= 3 "
     "column is closer to the JRC), and national-scope EDIHs with HPC serve every region of their country"),
    ("edih_manufacturing", "EDIHs targeting manufacturing", 0.64,
     "share of EDIHs that name manufacturing among their target sectors",
     "share of Digital Europe-funded EDIHs (organisations) with SEC_MANUFACTURING or TECH_ADVANCED_MANUFACTURING at "
     "any level",
     "the atlas counts an EDIH whose catalogue entry has machinery/general manufacturing or advanced manufacturing at "
     "any level (level >= 3 only: see that column), including tags inferred from descriptions, while the JRC counted "
     "the sectors an EDIH named as its targets in its proposal"),
)
