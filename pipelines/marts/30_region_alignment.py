"""region_alignment: coverage, focus and alignment score per EU NUTS 0, 1, 2 region and period, with hub counts,
funding and ranks (pipelines/sql/region_alignment.sql)."""
from __future__ import annotations

from ..context import BuildContext
from ..sql import run_mart_step


def run(ctx: BuildContext) -> int:
    return run_mart_step(ctx, "region_alignment", "region_alignment",
                         requires=["region_domain_status", "s3_strategies", "erdf_planned_by_region", "erdf_payments_by_region",
                                   "h2020_by_region"])
