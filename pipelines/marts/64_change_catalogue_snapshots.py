"""change_catalogue_snapshots: hubs that appeared, disappeared or changed between the two latest EDIH Network catalogue
snapshots listed in data/sources.yml (pipelines/sql/change_catalogue_snapshots.sql; docs/whatif.md)."""
from __future__ import annotations

from ..context import BuildContext
from ..sql import run_mart_step


def run(ctx: BuildContext) -> int:
    rows = run_mart_step(ctx, "change_catalogue_snapshots", "change_catalogue_snapshots",
                         requires=["staging.stg_edih_catalogue_snapshots"])
    snapshots = [r[0] for r in ctx.con.execute(
        "SELECT DISTINCT snapshot FROM staging.stg_edih_catalogue_snapshots ORDER BY 1").fetchall()]
    if len(snapshots) < 2:
        ctx.log(f"    change_catalogue_snapshots: one EDIH catalogue snapshot ({', '.join(snapshots) or 'none'}); "
                "add a newer one to data/raw/edih_catalogue/ and data/sources.yml to see what changed")
    return rows
