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


# S3 snapshot 2026-12: the 2026-11 rows (unchanged unless marked corrected) + the lists found for issue 13
S3_ROWS, S3_STRATEGIES = 1_196, 236
S3_STRATEGIES_BY_PERIOD = {"2021-2027": 132, "2014-2020": 104}
S3_ROWS_BY_PERIOD_AND_CONFIDENCE = {
    ("2014-2020", "high"): 213, ("2014-2020", "medium"): 180, ("2014-2020", "low"): 114,
    ("2021-2027", "high"): 251, ("2021-2027", "medium"): 279, ("2021-2027", "low"): 159,
}
S3_COVERAGE_ROWS = 288
S3_ROW_STATUS = {"unchanged": 1_125, "corrected": 5, "added": 66}


def test_curated_s3_priorities(wh):
    assert wh.execute("SELECT count(*), count(DISTINCT strategy_id) FROM staging.stg_s3_priorities").fetchall() == [
        (S3_ROWS, S3_STRATEGIES)]
    assert dict(wh.execute("SELECT period, count(DISTINCT strategy_id) FROM staging.stg_s3_priorities GROUP BY 1"
                           ).fetchall()) == S3_STRATEGIES_BY_PERIOD
    by_conf = {(p, c): n for p, c, n in wh.execute(
        "SELECT period, confidence, count(*) FROM staging.stg_s3_priorities GROUP BY 1, 2").fetchall()}
    assert by_conf == S3_ROWS_BY_PERIOD_AND_CONFIDENCE
    assert one(wh, "SELECT count(*) FROM staging.stg_s3_strategy_coverage") == S3_COVERAGE_ROWS
    assert dict(wh.execute("SELECT row_status, count(*) FROM staging.stg_s3_priorities GROUP BY 1").fetchall()) == {
        k: v for k, v in S3_ROW_STATUS.items() if v}
    # every added or corrected row says what was checked
    assert one(wh, """SELECT count(*) FROM staging.stg_s3_priorities
                      WHERE row_status <> 'unchanged' AND coalesce(check_note, '') = ''""") == 0


def test_bavaria_2021_2027_list_applies_to_its_seven_nuts2_regions(wh):
    assert wh.execute("""SELECT nuts_level, count(*), min(confidence), max(source_kind) FROM staging.stg_s3_priorities
                         WHERE strategy_id = 'DE2-2021-2027' GROUP BY 1""").fetchall() == [(1, 5, "medium", "official")]
    assert wh.execute("""SELECT status FROM staging.stg_s3_strategy_coverage WHERE strategy_id = 'DE2-2021-2027'
                      """).fetchall() == [("found",)]
    assert wh.execute("""SELECT list(DISTINCT nuts_code ORDER BY nuts_code) FROM applicable_priorities
                         WHERE strategy_id = 'DE2-2021-2027' AND level = 2""").fetchall()[0][0] == [
        "DE21", "DE22", "DE23", "DE24", "DE25", "DE26", "DE27"]


def test_grand_est_and_occitanie_2021_2027_lists_apply_to_their_nuts2_regions(wh):
    assert wh.execute("""SELECT strategy_id, nuts_level, count(*), min(confidence) FROM staging.stg_s3_priorities
                         WHERE strategy_id IN ('FRF-2021-2027', 'FRJ-2021-2027') GROUP BY 1, 2 ORDER BY 1""").fetchall() == [
        ("FRF-2021-2027", 1, 3, "medium"), ("FRJ-2021-2027", 1, 3, "low")]
    assert wh.execute("""SELECT list(DISTINCT nuts_code ORDER BY nuts_code) FROM applicable_priorities
                         WHERE strategy_id IN ('FRF-2021-2027', 'FRJ-2021-2027') AND level = 2""").fetchall()[0][0] == [
        "FRF1", "FRF2", "FRF3", "FRJ1", "FRJ2"]


def test_eu_nuts2_regions_with_a_2021_2027_list(wh):
    # issue 13: 198 (2026-11) -> 209 (first pass) -> 215 (second pass: Grand Est 3, Occitanie 2, Carinthia 1)
    # -> 216 (third pass: Sud-Est RO22, S3 Platform region page, partial/low)
    # -> 217 (fourth pass: Estonia EE00, national RDIE 2021-2035 smart specialisation areas, medium)
    assert one(wh, """SELECT count(DISTINCT ap.nuts_code) FROM applicable_priorities ap
                      JOIN regions r ON r.nuts_code = ap.nuts_code AND r.is_eu
                      WHERE ap.level = 2 AND ap.period = '2021-2027'""") == 217


def test_s3_snapshot_keeps_every_2026_11_row_and_marks_the_changes(wh):
    # the five corrected rows are Ireland's national objectives, now described as objectives, not domains
    assert wh.execute("""SELECT strategy_id, count(*), bool_and(description LIKE 'Horizontal objective%')
                         FROM staging.stg_s3_priorities WHERE row_status = 'corrected' GROUP BY 1""").fetchall() == [
        ("IE-2021-2027", 5, True)]
    # a strategy found now replaces its not_found coverage row (no '?' left for it) and says what it was
    assert wh.execute("""SELECT strategy_id, status FROM staging.stg_s3_strategy_coverage
                         WHERE note LIKE '2026-12 (was %' ORDER BY 1""").fetchall() == [
        ("AT21-2021-2027", "partial"), ("AT22-2021-2027", "partial"), ("DE2-2021-2027", "found"), ("EE-2021-2027", "found"),
        ("FRF-2021-2027", "found"), ("FRJ-2021-2027", "partial"), ("IE04-2021-2027", "partial"),
        ("IE05-2021-2027", "partial"), ("IE06-2021-2027", "partial"), ("ITC2-2014-2020", "found"),
        ("ITI3-2021-2027", "found"), ("RO22-2021-2027", "partial")]
    # every strategy in the priorities file has a coverage row with its number of priorities
    assert one(wh, """SELECT count(*) FROM (SELECT strategy_id, count(*) n FROM staging.stg_s3_priorities GROUP BY 1) p
                      LEFT JOIN staging.stg_s3_strategy_coverage c USING (strategy_id)
                      WHERE c.strategy_id IS NULL OR c.n_priorities <> p.n""") == 0


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
    assert f"| `staging.stg_s3_priorities` | {S3_ROWS:,} |" in md
    assert "statistical aggregate" in md  # quarantine reasons with examples
    assert "<table>" in html_path.read_text(encoding="utf-8")


def test_estonia_2021_2027_list_is_national_and_applies_to_ee00(wh):
    # fourth pass: the four smart specialisation areas of the RDIE (TAIE) strategy 2021-2035, read from a news report
    # of the ministry's TemTA call (secondary, medium); Estonia is one NUTS 2 region
    assert wh.execute("""SELECT nuts_level, count(*), min(confidence), max(source_kind) FROM staging.stg_s3_priorities
                         WHERE strategy_id = 'EE-2021-2027' GROUP BY 1""").fetchall() == [(0, 4, "medium", "secondary")]
    assert wh.execute("""SELECT list(DISTINCT nuts_code ORDER BY nuts_code) FROM applicable_priorities
                         WHERE strategy_id = 'EE-2021-2027' AND level = 2""").fetchall()[0][0] == ["EE00"]
