"""hubs_deduplicated, hub_identity, hub_region_membership, hub_domain_levels, region_hub_distances: the hubs as the
alignment counts them (one unit per organisation across the EDIH and JRC catalogues), their competences, regions and
distances to every EU region (pipelines/sql/alignment_hubs.sql)."""
from __future__ import annotations

from ..context import BuildContext
from ..sql import run_mart_step


def run(ctx: BuildContext) -> int:
    return run_mart_step(ctx, "alignment_hubs", "hubs_deduplicated",
                         requires=["hubs", "hub_links", "hub_competences", "regions", "region_adjacency"])
