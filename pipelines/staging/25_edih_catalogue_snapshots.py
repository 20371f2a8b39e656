"""staging.stg_edih_catalogue_snapshots: every EDIH Network catalogue snapshot listed under source `edih_catalogue`
in data/sources.yml (files named edih_catalogue_<YYYY-MM>.csv), one row per hub and snapshot, so that
change_catalogue_snapshots can show what changed since the previous snapshot (docs/whatif.md, "A newer catalogue").

The snapshot the alignment uses (the file 20_edih_catalogue reads) is taken from staging.stg_edih_catalogue; any other
snapshot is read with the same staging spec (same columns, checks and quarantine)."""
from __future__ import annotations

import dataclasses
import importlib
import re

from ..context import BuildContext
from ..staging_spec import load

AFTER = ("20_edih_catalogue",)
SNAPSHOT_FILE = re.compile(r"^edih_catalogue_(\d{4}-\d{2})\.csv$")
COLUMNS = ["edih_name", "edih_title", "country_code", "hub_type", "website", "technologies_formatted",
           "sectors_formatted", "services_formatted"]


def run(ctx: BuildContext) -> int:
    spec = importlib.import_module("pipelines.staging.20_edih_catalogue").SPEC
    cols = ", ".join(COLUMNS)
    ctx.con.execute(f"""CREATE OR REPLACE TABLE staging.stg_edih_catalogue_snapshots AS
                        SELECT ''::VARCHAR AS snapshot, {cols}, source_line FROM staging.stg_edih_catalogue LIMIT 0""")
    files = [f for f in ctx.sources[spec.source_id].files if SNAPSHOT_FILE.match(f.name)] \
        if spec.source_id in ctx.sources else []
    for f in sorted(files, key=lambda f: f.name):
        snapshot = SNAPSHOT_FILE.match(f.name).group(1)
        table = "staging.stg_edih_catalogue"
        if f.name != spec.file:  # an earlier or newer snapshot: same spec, its own temporary staging table
            load(ctx, dataclasses.replace(spec, table="stg_edih_catalogue_other_snapshot", file=f.name))
            table = "staging.stg_edih_catalogue_other_snapshot"
        ctx.con.execute(f"""INSERT INTO staging.stg_edih_catalogue_snapshots
                            SELECT ?, {cols}, source_line FROM {table}""", [snapshot])
        if f.name != spec.file:
            ctx.con.execute(f"DROP TABLE {table}")
    return ctx.con.execute("SELECT count(*) FROM staging.stg_edih_catalogue_snapshots").fetchone()[0]
