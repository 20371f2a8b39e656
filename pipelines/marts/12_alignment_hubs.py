"""hubs_deduplicated, hub_identity, hub_region_membership, hub_domain_levels, region_hub_distances: the hubs as the
alignment counts them (one unit per organisation across the EDIH and JRC catalogues), their competences, regions and
distances to every EU region (pipelines/sql/alignment_hubs.sql). Competence rows with a domain but a level outside
1-5 go to quarantine with the reason; rows without a domain (EDIH service tags, which the taxonomy maps to no domain
by design) are not domain competences and are left aside."""
from __future__ import annotations

from ..context import BuildContext
from ..sql import require_tables, run_mart_step

REQUIRES = ["hubs", "hub_links", "hub_competences", "regions", "region_adjacency"]


def run(ctx: BuildContext) -> int:
    require_tables(ctx.con, "hubs_deduplicated", REQUIRES)
    ctx.quarantine_query("marts", "hub_competences", "hub_competences", """
        SELECT NULL AS line,
               'hub competence level ' || coalesce(level::VARCHAR, 'NULL')
               || ' is not in 1-5: not used by the alignment' AS reason,
               to_json(c)::VARCHAR AS record
        FROM hub_competences c
        WHERE domain_code IS NOT NULL AND (level IS NULL OR level NOT BETWEEN 1 AND 5)""")
    return run_mart_step(ctx, "alignment_hubs", "hubs_deduplicated", requires=REQUIRES)
