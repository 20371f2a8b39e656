"""Staging of the curated S3 snapshot: `check_note` and `row_status` (2026-12 on) are optional columns, so both the
older snapshot layout and the new one load, into the same table shape."""
from __future__ import annotations

import importlib
from pathlib import Path

import duckdb

from pipelines import manifest
from pipelines.context import BuildContext

step = importlib.import_module("pipelines.staging.30_s3_priorities")

OLD_HEADER = ("strategy_id,country_code,territory_name,nuts_code,nuts_level,period,priority_no,priority_title,"
              "priority_title_original,description,source_url,source_kind,confidence")
ROW = "DE2-2021-2027,DE,Bavaria,DE2,1,2021-2027,1,Energy,Energie,,https://example.org/by,official,medium"
COV_HEADER = "strategy_id,country_code,territory_name,nuts_code,status,n_priorities,note"
COV_ROW = "DE2-2021-2027,DE,Bavaria,DE2,found,1,note"


def context(tmp_path: Path, priorities: str, coverage: str) -> BuildContext:
    files = []
    for name, text in (("s3_priorities.csv", priorities), ("s3_strategy_coverage.csv", coverage)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        files.append(manifest.RawFile("s3_priorities_curated", str(path), manifest.sha256_of(path), "csv", ",",
                                      "utf-8", "2021"))
    source = manifest.Source("s3_priorities_curated", "S3", "", "", "", "", "2021", tuple(files))
    ctx = BuildContext(con=duckdb.connect(), sources={"s3_priorities_curated": source}, log=lambda _m: None)
    ctx.init()
    ctx.con.execute("""CREATE TABLE staging.stg_nuts_codes AS SELECT * FROM (VALUES
        ('2021', 'DE', 0, 'DE', 'Deutschland'), ('2021', 'DE2', 1, 'DE', 'Bayern'))
        AS t(nuts_version, nuts_code, level, country_code, name)""")
    return ctx


def columns(ctx, table):
    return [r[0] for r in ctx.con.execute(f"DESCRIBE staging.{table}").fetchall()]


def test_the_older_layout_loads_with_empty_optional_columns(tmp_path):
    ctx = context(tmp_path, f"{OLD_HEADER}\n{ROW}\n", f"{COV_HEADER}\n{COV_ROW}\n")
    assert step.run(ctx) == 2
    assert {"check_note", "row_status"} <= set(columns(ctx, "stg_s3_priorities"))
    assert ctx.con.execute("SELECT check_note, row_status FROM staging.stg_s3_priorities").fetchall() == [(None, None)]
    assert ctx.con.execute("SELECT row_status FROM staging.stg_s3_strategy_coverage").fetchall() == [(None,)]


def test_the_new_layout_keeps_check_note_and_rejects_an_unknown_row_status(tmp_path):
    ctx = context(tmp_path,
                  f"{OLD_HEADER},check_note,row_status\n{ROW},read on the page,added\n"
                  f"{ROW.replace(',1,Energy', ',2,Energy')},read,renamed\n",
                  f"{COV_HEADER},row_status\n{COV_ROW},corrected\n")
    assert step.run(ctx) == 2
    assert ctx.con.execute("SELECT priority_no, check_note, row_status FROM staging.stg_s3_priorities").fetchall() == [
        (1, "read on the page", "added")]
    reasons = [r[0] for r in ctx.con.execute(f"SELECT reason FROM {ctx.quarantine_table}").fetchall()]
    assert reasons == ["column 'row_status': value renamed is not one of unchanged, corrected, added"]
    assert ctx.con.execute("SELECT row_status FROM staging.stg_s3_strategy_coverage").fetchall() == [("corrected",)]
