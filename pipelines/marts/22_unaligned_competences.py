"""unaligned_competences: hub competences in a region that match none of its applicable priority domains
(pipelines/sql/unaligned_competences.sql)."""
from __future__ import annotations

from ..context import BuildContext
from ..sql import run_mart_step


def run(ctx: BuildContext) -> int:
    return run_mart_step(ctx, "unaligned_competences", "unaligned_competences",
                         requires=["region_priority_domains", "hub_domain_levels", "domains"])
