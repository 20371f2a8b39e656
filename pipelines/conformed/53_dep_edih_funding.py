"""dep_edih_funding (per DEP-funded EDIH: EU contribution, basis published | country_budget_share (estimate) |
not_found, source_url, call, year) and dep_edih_funding_by_region (split over served NUTS 2 regions by population).
SQL: pipelines/sql/dep_edih_funding.sql; method: docs/funding.md."""
from __future__ import annotations

from ..context import BuildContext
from ..sql import require_tables, run_sql_file

REQUIRES = ["staging.stg_dep_edih_funding", "hubs", "hub_service_nuts2", "regions"]


def run(ctx: BuildContext) -> int:
    con = ctx.con
    require_tables(con, "dep_edih_funding", REQUIRES)
    run_sql_file(con, "dep_edih_funding")
    for basis, n, n_countries, eur in con.execute(
            """SELECT basis, count(*), count(DISTINCT country_code), sum(eu_contribution_eur)
               FROM dep_edih_funding GROUP BY 1 ORDER BY 1""").fetchall():
        ctx.log(f"    dep_edih_funding: {basis}: {n} EDIHs in {n_countries} countries, EUR {(eur or 0) / 1e6:.1f} m")
    return con.execute("SELECT count(*) FROM dep_edih_funding").fetchone()[0]
