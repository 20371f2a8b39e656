"""funding_question_hub_groups: does Digital Europe money go to hubs specialised in AI / cybersecurity / HPC, and are
hubs serving their regions' S3 priorities where ERDF money is? Figures per hub group, with the limits in
docs/funding.md. SQL: pipelines/sql/funding_question_hub_groups.sql."""
from __future__ import annotations

from ..context import BuildContext
from ..sql import require_tables, run_sql_file

REQUIRES = ["hubs", "hub_organisations", "hub_competences", "hub_service_nuts2", "applicable_priorities",
            "s3_priority_domains", "dep_edih_funding", "erdf_planned_by_region", "regions"]


def run(ctx: BuildContext) -> int:
    con = ctx.con
    require_tables(con, "funding_question_hub_groups", REQUIRES)
    run_sql_file(con, "funding_question_hub_groups")
    for group, n, ai, prio in con.execute("""SELECT hub_group, n_hubs, share_ai_cyber_hpc, share_serving_priority
                                            FROM funding_question_hub_groups ORDER BY 1""").fetchall():
        ctx.log(f"    {group}: {n} hubs, AI/cyber/HPC {ai:.0%}, serving a regional S3 priority {prio:.0%}")
    return con.execute("SELECT count(*) FROM funding_question_hub_groups").fetchone()[0]
