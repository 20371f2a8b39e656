"""gaps: one row per EU NUTS 0-2 region × period × applicable priority × domain, with its status, local hubs and the
nearest hub outside the region (pipelines/sql/gaps.sql)."""
from __future__ import annotations

from ..context import BuildContext
from ..sql import run_mart_step


def run(ctx: BuildContext) -> int:
    return run_mart_step(ctx, "gaps", "gaps",
                         requires=["region_domain_status", "s3_priorities", "domains"])
