"""staging.stg_erdf_planned: ESIF 2014-2020 planned finances (every fund, programme, priority axis, thematic
objective and category of region; EU, national and total amounts in EUR) and staging.stg_erdf_programme_regions:
DW's match of ERDF programmes (CCI) to NUTS 2013 regions (empty for national and multi-regional programmes)."""
from __future__ import annotations

from ..context import BuildContext
from ..staging_spec import Col, StagingSpec, load

FUNDS = ["ERDF", "CF", "ESF", "YEI", "EAFRD", "EMFF", "IPAE"]
CATEGORIES_OF_REGION = ["More developed", "Transition", "Less developed", "Outermost or Northern Sparsely Populated",
                        "VOID"]

PLANNED = StagingSpec(
    table="stg_erdf_planned",
    source_id="erdf_2014_2020_planned",
    file="ESIF_2014-2020_FINANCES_PLANNED_DETAILS_190411.csv",
    columns=[
        Col("ms", "MS"),  # member state as the Commission writes it: GR for Greece, TC for territorial co-operation
        Col("ms_name", "MS Name"),
        Col("cci", "CCI"),
        Col("programme_version", "Ver"),  # "10", "5.2", …
        Col("programme_title", "Programme Title"),
        Col("fund", "Fund"),
        Col("priority", "Priority"),
        Col("to_code", "TO_code"),
        Col("to_short", "To short"),
        Col("to_long", "TO long"),
        Col("category_of_region", "Category of region"),
        Col("eafrd_measure_code", "EAFRD Measure code"),
        Col("eafrd_focus_area_code", "EAFRD Focus Area code"),
        Col("eu_amount", "EU Amount", "DOUBLE"),
        Col("national_amount", "National Amount", "DOUBLE"),
        Col("total_amount", "Total Amount", "DOUBLE"),
        Col("eu_cofinancing_rate", "EU co-financing", "DOUBLE"),
    ],
    required=["ms", "cci", "fund", "to_code", "eu_amount"],  # Priority is empty for EAFRD technical assistance and EMFF
    unique=["cci", "fund", "priority", "to_code", "category_of_region", "eafrd_measure_code",
            "eafrd_focus_area_code"],
    allowed={"fund": FUNDS, "category_of_region": CATEGORIES_OF_REGION},
    checks=[
        ("regexp_matches(cci, '^20[0-9]{2}[A-Z]{2}[0-9A-Z]+$')", "CCI is not a programme code (e.g. 2014FR16RFOP001)"),
        ("regexp_matches(to_code, '^([0-9]{2}|TA|DM|IPA-TA|VOID)$')",
         "TO_code is not a thematic objective (01-12), TA, DM, IPA-TA or VOID"),
        ("eu_amount >= 0", "negative EU amount"),
    ],
)

PROGRAMME_REGIONS = StagingSpec(
    table="stg_erdf_programme_regions",
    source_id="erdf_2014_2020_planned",
    file="ERDF_2014-2020_regions_match.csv",
    columns=[
        Col("ms", "MS"),
        Col("nuts1_code_2013", "NUTS 1"),
        Col("nuts2_code_2013", "NUTS 2"),
        Col("ms_name", "MS.Name"),
        Col("region_name", "Region.Name"),
        Col("nuts_description", "NUTS.Description"),
        Col("cci", "CCI"),
    ],
    required=["ms", "cci"],
    unique=["cci"],
    nuts={"nuts1_code_2013": "2013", "nuts2_code_2013": "2013"},
    checks=[
        ("nuts1_code_2013 IS NULL OR length(nuts1_code_2013) = 3", "NUTS 1 is not a NUTS 1 code"),
        ("nuts2_code_2013 IS NULL OR length(nuts2_code_2013) = 4", "NUTS 2 is not a NUTS 2 code"),
    ],
)


def run(ctx: BuildContext) -> int:
    return load(ctx, PLANNED) + load(ctx, PROGRAMME_REGIONS)
