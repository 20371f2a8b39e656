"""partner_suggestions: the top hubs elsewhere for each uncovered region × priority domain, with a documented score
and the reasons in words (pipelines/sql/partner_suggestions.sql)."""
from __future__ import annotations

from ..context import BuildContext
from ..sql import run_mart_step


def run(ctx: BuildContext) -> int:
    return run_mart_step(ctx, "partner_suggestions", "partner_suggestions",
                         requires=["region_domain_status", "region_hub_distances", "domains"])
