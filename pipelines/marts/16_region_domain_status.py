"""region_domain_status: for every EU region × priority domain, covered / weak / uncovered by the region's hubs, the
local hubs and the nearest hub outside that would cover it (pipelines/sql/region_domain_status.sql)."""
from __future__ import annotations

from ..context import BuildContext
from ..sql import run_mart_step


def run(ctx: BuildContext) -> int:
    return run_mart_step(ctx, "region_domain_status", "region_domain_status",
                         requires=["region_priority_domains", "hub_domain_levels", "region_hub_distances"])
