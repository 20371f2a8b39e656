"""change_catalogue_snapshots on two hand-made catalogue snapshots (what a newer EDIH catalogue dropped into
data/raw/edih_catalogue/ produces): appeared, disappeared and changed hubs, each worked out by hand."""
from __future__ import annotations

import importlib

import duckdb
import pandas as pd

from pipelines.context import BuildContext

COLUMNS = ["snapshot", "edih_name", "edih_title", "country_code", "hub_type", "website", "technologies_formatted",
           "sectors_formatted", "services_formatted", "source_line"]


def _run(rows: list[tuple]) -> list[tuple]:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging")
    frame = pd.DataFrame(rows, columns=COLUMNS)
    con.register("f", frame)
    con.execute("CREATE TABLE staging.stg_edih_catalogue_snapshots AS SELECT * FROM f")
    logged = []
    importlib.import_module("pipelines.marts.64_change_catalogue_snapshots").run(
        BuildContext(con=con, sources={}, log=logged.append))
    out = con.execute("""SELECT previous_snapshot, current_snapshot, edih_name, hub_type, change, changed_fields
                         FROM change_catalogue_snapshots ORDER BY edih_name, hub_type""").fetchall()
    return out, logged


def test_two_snapshots():
    old, new = "2025-04", "2026-01"
    rows = [(old, "Alpha", "Alpha EDIH", "DE", "EDIH", "a.eu", "AI", "Health", "Testing", 2),
            (new, "Alpha", "Alpha EDIH", "DE", "EDIH", "a.eu", "AI; HPC", "Health", "Testing", 2),  # HPC added
            (old, "Beta", "Beta Seal", "FR", "Seal of Excellence", "b.eu", "AI", "", "", 3),
            (new, "Beta", "Beta EDIH", "FR", "EDIH", "b.eu", "AI", "", "", 3),  # promoted: gone as Seal, new as EDIH
            (old, "Gamma", "Gamma DIH", "IT", "DIH", "g.eu", "IoT", "", "", 4),  # gone
            (new, "Delta", "Delta EDIH", "PL", "EDIH", "d.eu", "Cyber", "", "", 5),  # new
            (old, "Same", "Same DIH", "ES", "DIH", "s.eu", "", "", "", 6),
            (new, "Same", "Same DIH", "ES", "DIH", "s.eu", "", "", "", 6),  # unchanged: not listed
            ("2022-01", "Gamma", "Gamma DIH", "IT", "DIH", "g.eu", "IoT", "", "", 4)]  # older: ignored
    got, _ = _run(rows)
    assert got == [(old, new, "Alpha", "EDIH", "changed", "technologies"),
                   (old, new, "Beta", "EDIH", "appeared", None),
                   (old, new, "Beta", "Seal of Excellence", "disappeared", None),
                   (old, new, "Delta", "EDIH", "appeared", None),
                   (old, new, "Gamma", "DIH", "disappeared", None)]


def test_one_snapshot_gives_an_empty_table_and_says_how_to_add_one():
    got, logged = _run([("2025-04", "Alpha", "Alpha EDIH", "DE", "EDIH", "a.eu", "AI", "", "", 2)])
    assert got == [] and "add a newer one to data/raw/edih_catalogue/" in logged[0]
