"""Facts of the real raw data, checked on a warehouse built from the committed snapshots (fixture `wh`)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.pipeline

ROOT = Path(__file__).resolve().parents[2]


def one(wh, sql, params=None):
    return wh.execute(sql, params or []).fetchall()[0][0]


def test_edih_catalogue_keeps_all_457_hubs_by_type(wh):
    assert one(wh, "SELECT count(*) FROM staging.stg_edih_catalogue") == 457
    assert dict(wh.execute("SELECT hub_type, count(*) FROM staging.stg_edih_catalogue GROUP BY 1").fetchall()) == {
        "EDIH": 168, "Seal of Excellence": 83, "DIH": 206}
    # names that repeat for different hubs are all there
    assert wh.execute("""SELECT edih_name, count(*) FROM staging.stg_edih_catalogue GROUP BY 1 HAVING count(*) > 1
                         ORDER BY 1""").fetchall() == [("CIH", 2), ("DATAlife", 2), ("NEST", 2)]


def test_edih_tags_refer_to_catalogue_hubs(wh):
    assert one(wh, "SELECT count(*) FROM staging.stg_edih_tags") == 8_217 - 18  # 18 repeated tags quarantined
    assert one(wh, """SELECT count(*) FROM staging.stg_edih_tags t ANTI JOIN staging.stg_edih_catalogue c
                      ON c.edih_name = t.edih_name AND c.country_name = t.country_name AND c.hub_type = t.hub_type""") == 0


def test_jrc_catalogue_has_701_hubs(wh):
    assert one(wh, "SELECT count(DISTINCT jrc_hub_id) FROM staging.stg_jrc_hubs") == 701


def test_curated_s3_priorities(wh):
    assert wh.execute("SELECT count(*), count(DISTINCT strategy_id) FROM staging.stg_s3_priorities").fetchall() == [
        (1_130, 220)]
    assert dict(wh.execute("SELECT period, count(DISTINCT strategy_id) FROM staging.stg_s3_priorities GROUP BY 1"
                           ).fetchall()) == {"2021-2027": 120, "2014-2020": 100}
    assert one(wh, "SELECT count(*) FROM staging.stg_s3_strategy_coverage") == 281


def test_erdf_2014_2020_planned_research_and_innovation(wh):
    to01 = one(wh, "SELECT sum(eu_amount) FROM staging.stg_erdf_planned WHERE fund = 'ERDF' AND to_code = '01'")
    assert to01 == pytest.approx(41.8e9, rel=0.005)
    assert one(wh, "SELECT count(*) FROM staging.stg_erdf_planned") == 7_524
    assert one(wh, "SELECT count(*) FROM staging.stg_erdf_programme_regions") == 291


def test_horizon_2020_ec_contribution(wh):
    assert one(wh, "SELECT count(*) FROM staging.stg_h2020_participations") == 144_726
    total = one(wh, "SELECT sum(ec_contribution) FROM staging.stg_h2020_participations")
    assert total == pytest.approx(59.06e9, rel=0.001)
    # the collected aggregates add up to the same money
    assert one(wh, "SELECT sum(ec_contribution_eur) FROM staging.stg_h2020_by_nuts") == pytest.approx(total, rel=1e-9)
    assert one(wh, "SELECT sum(ec_contribution_eur) FROM staging.stg_h2020_by_country") == pytest.approx(total, rel=1e-9)


def test_nuts_2021_has_333_level_2_regions(wh):
    assert one(wh, """SELECT count(*) FROM staging.stg_nuts_regions
                      WHERE nuts_version = '2021' AND level = 2""") == 333


def test_postcodes_and_gazetteer_are_complete(wh):
    assert one(wh, "SELECT count(*) FROM staging.stg_postcodes") == 820_329
    assert one(wh, "SELECT count(DISTINCT country_code) FROM staging.stg_postcodes") == 34
    assert one(wh, "SELECT count(*) FROM staging.stg_gazetteer_cities") == 144_561  # 2 places without a name


def test_every_quarantined_row_says_where_and_why(wh):
    assert one(wh, "SELECT count(*) FROM quarantine WHERE reason IS NULL OR file IS NULL") == 0
    assert one(wh, "SELECT count(*) FROM quarantine WHERE stage = 'staging' AND line IS NULL") == 0
    # pseudo-codes are quarantined as aggregates, never kept as regions
    assert one(wh, "SELECT count(*) FROM staging.stg_erdf_payments WHERE nuts_code IN ('EU28', 'EFTA')") == 0
    assert one(wh, """SELECT count(*) FROM quarantine WHERE source_id = 'erdf_payments_regionalised'
                      AND reason LIKE '%statistical aggregate%'""") == 80


def test_source_summary_adds_up(wh):
    assert one(wh, """SELECT count(*) FROM build_source_summary
                      WHERE rows_read <> rows_kept + rows_quarantined""") == 0
    staged = {r[0] for r in wh.execute("SELECT DISTINCT source_id FROM build_source_summary").fetchall()}
    listed = {r[0] for r in wh.execute("SELECT source_id FROM source_catalogue").fetchall()}
    assert staged == listed


def test_every_staging_table_keeps_source_line(wh):
    tables = [r[0] for r in wh.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'staging'").fetchall()]
    assert len(tables) >= 28
    for table in tables:
        cols = [r[0] for r in wh.execute(f"DESCRIBE staging.{table}").fetchall()]
        assert "source_line" in cols, table


def test_cli_build_help():
    out = subprocess.run([sys.executable, "-m", "pipelines", "build", "--help"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0
    assert "--target" in out.stdout and "--if-stale" in out.stdout


def test_cli_error_on_a_missing_warehouse_is_one_line_and_exit_3(tmp_path):
    out = subprocess.run([sys.executable, "-m", "pipelines", "report", "--warehouse", str(tmp_path / "none.duckdb"),
                          "--out", str(tmp_path / "reports")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 3  # exit codes in `python -m pipelines export --help`: 3 = warehouse missing or unreadable
    assert out.stderr.startswith("error: ") and "none.duckdb" in out.stderr and "Traceback" not in out.stderr


def test_report_on_the_real_warehouse(built_warehouse, tmp_path):
    from pipelines import report

    md_path, html_path = report.write_report(built_warehouse, tmp_path)
    md = md_path.read_text(encoding="utf-8")
    for source_id in ("edih_catalogue", "jrc_dih_catalogue", "s3_priorities_curated", "erdf_2014_2020_planned",
                      "horizon_h2020_eu", "gisco_postcodes", "eurostat_context"):
        assert f"`{source_id}`" in md
    assert "| `staging.stg_s3_priorities` | 1,130 |" in md
    assert "statistical aggregate" in md  # quarantine reasons with examples
    assert "<table>" in html_path.read_text(encoding="utf-8")
