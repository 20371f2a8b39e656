"""Bad values and short files in the real sources (issue 11, items 1-3): each case edits a small copy of a real raw
file, loads it with the real staging spec and asserts the quarantined rows with their reason — the other rows kept —
or the error that names the file."""
from __future__ import annotations

import json

import duckdb
import pytest

from pipelines.errors import InputFileError, SnapshotChanged

from .conftest import quarantine, staging_specs

ERDF = "treatment_erdf.csv"
PLANNED = "ESIF_2014-2020_FINANCES_PLANNED_DETAILS_190411.csv"
H2020 = "eunets_h2020_participations_cordis-2020-12-14.csv.gz"


# --- numbers that are no amounts: NaN, ±inf, absurd magnitudes, negative amounts and counts ----------------------

@pytest.mark.parametrize("file, column, value, reason", [
    (ERDF, "erdf_eur", "NaN", "column 'erdf_eur': nan is not a finite number"),
    (ERDF, "erdf_eur", "inf", "column 'erdf_eur': inf is not a finite number"),
    (ERDF, "erdf_eur", "-Infinity", "column 'erdf_eur': -inf is not a finite number"),
    (ERDF, "erdf_eur", "1e300", "column 'erdf_eur': 1e+300 is implausibly large (above 1e+15 in absolute value)"),
    (ERDF, "population", "-28983", "column 'population': -28983.0 is negative (an amount or count cannot be)"),
    (PLANNED, "EU Amount", "nan", "column 'EU Amount': nan is not a finite number"),
    (PLANNED, "National Amount", "-155173299.31", "column 'National Amount': -155173299.31 is negative"),
    (PLANNED, "Total Amount", "1e999", "column 'Total Amount': inf is not a finite number"),
    (H2020, "contribution", "-317625", "column 'contribution': -317625.0 is negative"),
    (H2020, "total_cost", "Infinity", "column 'total_cost': inf is not a finite number"),
    (H2020, "nunique", "-4", "column 'nunique': -4 is negative"),
    ("h2020_by_country.csv", "ec_contribution_eur", "1e300", "column 'ec_contribution_eur': 1e+300 is implausibly"),
    ("h2020_by_country.csv", "n_participations", "-3", "column 'n_participations': -3 is negative"),
    ("h2020_by_nuts.csv", "ec_contribution_eur", "nan", "column 'ec_contribution_eur': nan is not a finite number"),
    ("nuts2_context_panel_2010_2023.csv", "population", "-1", "column 'population': -1 is negative"),
    ("nuts2_context_panel_2010_2023.csv", "gdp_pc_pps", "inf", "column 'gdp_pc_pps': inf is not a finite number"),
    ("s3_strategy_coverage.csv", "n_priorities", "-2", "column 'n_priorities': -2 is negative"),
    ("rg_cities1000.csv.gz", "lat", "nan", "column 'lat': nan is not a finite number"),
])
def test_a_bad_number_is_quarantined_with_its_reason_and_the_other_rows_kept(case, file, column, value, reason):
    c = case(file)
    header, rows = c.rows(40)
    row = next(i for i, r in enumerate(rows) if r[header.index(column)] not in ("", "NA")) if column != "population" \
        else next(i for i, r in enumerate(rows) if r[header.index(column)] not in ("", "NA"))
    ctx, kept = c.load(c.with_value(column, value, row=row))
    q = quarantine(ctx)
    assert [r for _line, r in q if r.startswith(f"column {column!r}")] and reason in "\n".join(r for _, r in q)
    line = row + 2  # header on line 1
    assert (line, next(r for ln, r in q if ln == line)) in q
    assert next(r for ln, r in q if ln == line).startswith(reason[:40])
    record = ctx.con.execute("SELECT record FROM quarantine WHERE line = ?", [line]).fetchone()[0]
    assert json.loads(record)[column] == value  # the raw value kept as it was in the file
    # nothing else changed: every other row that the untouched copy keeps is still kept
    ctx_clean, kept_clean = c.load(c.write_rows(header, rows))
    assert kept == kept_clean - 1


def test_negative_erdf_payments_are_real_recoveries_and_kept(case):
    c = case(ERDF)
    ctx, kept = c.load(c.with_value("erdf_eur", "-7886577", row=3))
    assert not [r for _, r in quarantine(ctx) if "erdf_eur" in r]
    assert ctx.con.execute("SELECT erdf_eur FROM staging.stg_erdf_payments WHERE source_line = 5").fetchone() == (
        -7886577.0,)


def test_a_non_finite_amount_in_parquet_is_quarantined(case, tmp_path):
    c = case("participations_de_h2020_horizoneurope.parquet")
    path = tmp_path / "participations_de_h2020_horizoneurope.parquet"
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT * REPLACE (CASE file_row_number WHEN 0 THEN '-inf'::DOUBLE WHEN 1 THEN 'nan'::DOUBLE
                                          ELSE ecContribution END AS ecContribution)
                          FROM read_parquet('{c.entry.abspath}', file_row_number = true) WHERE file_row_number < 30)
                    TO '{path}' (FORMAT parquet)""")
    con.execute(f"COPY (SELECT * EXCLUDE (file_row_number) FROM read_parquet('{path}')) TO '{path}.tmp' (FORMAT parquet)")
    (tmp_path / f"{path.name}.tmp").replace(path)
    ctx, kept = c.load(path)
    assert quarantine(ctx) == [(1, "column 'ecContribution': -inf is not a finite number"),
                               (2, "column 'ecContribution': nan is not a finite number")]
    assert kept == 28


# --- empty and header-only files name the file itself ------------------------------------------------------------

DELIMITED = sorted({spec.file for spec in staging_specs().values() if not spec.file.endswith((".parquet", ".json"))})


@pytest.mark.parametrize("file", DELIMITED)
def test_a_header_only_file_is_reported_as_that_file(case, file):
    c = case(file)
    header, _rows = c.rows(1)
    path = c.write_rows(header, [])
    with pytest.raises(InputFileError) as err:
        c.load(path)
    assert str(path) in str(err.value) and "has a header but no data rows" in str(err.value)
    assert "priority_overrides" not in str(err.value)


@pytest.mark.parametrize("file", ["s3_priorities.csv", "s3_strategy_coverage.csv", ERDF])
def test_an_empty_file_is_reported_as_that_file(case, file):
    c = case(file)
    path = c.write_text("")
    with pytest.raises(InputFileError, match="the file is empty") as err:
        c.load(path)
    assert str(path) in str(err.value)


# --- a snapshot shorter than recorded, or whose totals jump, stops the build -------------------------------------

def test_erdf_payments_cut_at_half_stop_the_build_with_rows_and_total(case):
    c = case(ERDF, rows=15920, totals=(("erdf_eur", 570151270452.0),))
    header, rows = c.rows(None)
    path = c.write_rows(header, rows[: len(rows) // 2])
    with pytest.raises(SnapshotChanged) as err:
        c.load(path)
    message = str(err.value)
    assert str(path) in message and "7,960 data rows where 15,920 were recorded (-50.0%)" in message
    assert "total of 'erdf_eur'" in message and "--accept-changes" in message


def test_s3_priorities_cut_at_half_are_blamed_on_that_file_not_on_the_overrides(case):
    c = case("s3_priorities.csv", rows=1130)
    text = c.real_text()
    path = c.write_text(text[: len(text) // 2])
    with pytest.raises(SnapshotChanged) as err:
        c.load(path)
    assert str(path) in str(err.value) and "were recorded" in str(err.value)
    assert "priority_overrides" not in str(err.value)


def test_an_accepted_change_loads_and_says_so(case):
    c = case(ERDF, rows=15920, totals=(("erdf_eur", 570151270452.0),))
    header, rows = c.rows(None)
    ctx, kept = c.load(c.write_rows(header, rows[:8000]), accept_changes=True)
    assert kept == 7920  # 80 EU/EFTA aggregate rows quarantined as always
    assert any("accepted change: 8,000 data rows where 15,920 were recorded" in line for line in c.logged)


def test_a_total_that_jumps_with_the_same_rows_stops_the_build(case):
    c = case(PLANNED, rows=7524, totals=(("EU Amount", 461546379664.0),))
    header, rows = c.rows(None)
    col = header.index("EU Amount")
    for row in rows:  # amounts suddenly in cents
        row[col] = str(float(row[col]) * 100) if row[col] else row[col]
    with pytest.raises(SnapshotChanged, match=r"total of 'EU Amount' is .* where 461,546,379,664.00 was recorded"):
        c.load(c.write_rows(header, rows))


def test_a_small_drop_within_the_limit_is_logged_not_fatal(case):
    c = case(ERDF, rows=15920)
    header, rows = c.rows(None)
    ctx, kept = c.load(c.write_rows(header, rows[:15800]))
    assert kept == 15800 - sum(1 for r in rows[:15800] if r[0] in ("EU28", "EFTA"))
    assert any("15,800 data rows where 15,920 were recorded (-0.8%)" in line for line in c.logged)


def test_fewer_rows_than_the_minimum_stop_the_build(case):
    c = case("s3_strategy_coverage.csv", min_rows=200)
    header, rows = c.rows(150)
    with pytest.raises(SnapshotChanged, match="150 data rows, fewer than the minimum of 200 recorded"):
        c.load(c.write_rows(header, rows))


def test_a_totalled_column_that_disappeared_stops_the_build(case):
    c = case("h2020_by_country.csv", totals=(("ec_contribution_eur", 59062053006.72),))
    header, rows = c.rows(None)
    header[header.index("ec_contribution_eur")] = "ec_eur"
    spec_cols = [col.source for col in c.spec.columns]
    assert "ec_contribution_eur" in spec_cols
    with pytest.raises(InputFileError, match=r"missing required column\(s\) \['ec_contribution_eur'\]"):
        c.load(c.write_rows(header, rows))
