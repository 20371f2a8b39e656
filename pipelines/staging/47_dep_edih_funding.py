"""staging.stg_dep_edih_funding: published Digital Europe money for EDIHs (country EU budgets, per-EDIH EU
contributions, and figures kept only for traceability), and staging.stg_funding_search_log: what was looked for,
found or not, and where (raw snapshot dep_edih_funding/2026-12b, collected by hand; see its SOURCE.md)."""
from __future__ import annotations

from ..context import BuildContext
from ..staging_spec import Col, StagingSpec, load

SOURCE = "dep_edih_funding"
# used as EU contributions: country_eu_budget, country_eu_budget_derived (EU share worked out from a published
# national or EU + national figure, see the row's note), edih_eu_contribution, edih_eu_contribution_approx,
# edih_eu_contribution_derived (one EDIH's EU share worked out from its published total budget or co-financing);
# kept for traceability only: the others (see SOURCE.md)
FIGURE_KINDS = ["country_eu_budget", "country_eu_budget_derived", "edih_eu_contribution", "edih_eu_contribution_approx",
                "edih_eu_contribution_derived", "eu_total_budget",
                "country_eu_budget_programme", "edih_eu_plus_national_per_year", "all_sources_total",
                "national_cofinancing", "edih_amount_unclear"]

FIGURES = StagingSpec(
    table="stg_dep_edih_funding",
    source_id=SOURCE,
    file="dep_edih_funding_figures.csv",
    columns=[
        Col("figure_id", "figure_id"),
        Col("country_code", "country_code"),
        Col("edih_name", "edih_name"),
        Col("figure_kind", "figure_kind"),
        Col("amount_eur", "amount_eur", "DOUBLE"),
        Col("grant_years", "grant_years", "INTEGER"),
        Col("call", "call"),
        Col("year", "year", "INTEGER"),
        Col("source_url", "source_url"),
        Col("publisher", "publisher"),
        Col("published_on", "published_on"),
        Col("what_the_source_says", "what_the_source_says"),
        Col("note", "note"),
    ],
    required=["figure_id", "country_code", "figure_kind", "amount_eur", "source_url"],
    unique=["figure_id"],
    allowed={"figure_kind": FIGURE_KINDS},
    checks=[("amount_eur > 0", "amount not positive"),
            ("figure_kind NOT LIKE 'edih_eu_contribution%' OR edih_name IS NOT NULL", "per-EDIH figure without edih_name")],
)

SEARCH_LOG = StagingSpec(
    table="stg_funding_search_log",
    source_id=SOURCE,
    file="search_log.csv",
    columns=[Col("item", "item"), Col("country_code", "country_code"), Col("status", "status"),
             Col("looked_where", "looked_where")],
    required=["item", "country_code", "status", "looked_where"],
    unique=["item", "country_code"],
    allowed={"status": ["found", "derived", "partial", "partial_not_usable", "not_found"]},
)


def run(ctx: BuildContext) -> int:
    return load(ctx, FIGURES) + load(ctx, SEARCH_LOG)
