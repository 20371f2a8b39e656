"""change_priority_domains, change_region_coverage, change_hubs, change_hub_competences, change_catalogue_summary:
what changed between the 2014-2020 and 2021-2027 S3 lists and between the JRC 2022 and EDIH 2025 hub catalogues
(pipelines/sql/change_over_time.sql; docs/whatif.md)."""
from __future__ import annotations

from ..context import BuildContext
from ..sql import require_tables, run_mart_step

REQUIRES = ["region_priority_domains", "region_domain_status", "region_alignment", "hub_identity", "hubs",
            "hubs_deduplicated", "hub_links", "hub_competences", "domains", "regions"]
CARRIED_FORWARD = "carried_forward_2014_2020"  # a 2014-2020 list standing in for a missing 2021-2027 one


def run(ctx: BuildContext) -> int:
    require_tables(ctx.con, "change_priority_domains", REQUIRES)
    columns = {r[0] for r in ctx.con.execute("DESCRIBE region_priority_domains").fetchall()}
    # a list carried forward from 2014-2020 is not a 2021-2027 list: comparing it with itself would show no change
    where = f"WHERE coalesce(basis, '') <> '{CARRIED_FORWARD}'" if "basis" in columns else ""
    ctx.con.execute(f"CREATE OR REPLACE TEMP VIEW _change_priority_domains AS SELECT * FROM region_priority_domains {where}")
    rows = run_mart_step(ctx, "change_over_time", "change_region_coverage", requires=REQUIRES)
    ctx.con.execute("DROP VIEW _change_priority_domains")
    return rows
