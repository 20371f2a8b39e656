"""policy_alignment: for each region with a regional and a national strategy, the shared, region-only and
national-only priority domains (pipelines/sql/policy_alignment.sql)."""
from __future__ import annotations

from ..context import BuildContext
from ..sql import run_mart_step


def run(ctx: BuildContext) -> int:
    return run_mart_step(ctx, "policy_alignment", "policy_alignment",
                         requires=["region_priority_domains", "domains"])
