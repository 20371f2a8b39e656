"""The strict readers: physical line numbers, quoting, gzip, and the DuckDB fast path giving exactly what the Python
reader gives (values, line numbers, rejected rows), falling back whenever it could differ."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines import manifest
from pipelines.errors import InputFileError
from pipelines.readers import LINE_COLUMN, load_delimited, load_parquet, read_delimited, read_json

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "fixtures" / "bad_input"


def raw(source_id: str, name: str) -> manifest.RawFile:
    return manifest.raw_file(manifest.load(), source_id, name)


def both_paths(path: Path, **kw) -> tuple[duckdb.DuckDBPyConnection, object, object]:
    con = duckdb.connect()
    fast = load_delimited(con, path, "fast_rows", fast=True, **kw)
    slow = load_delimited(con, path, "slow_rows", fast=False, **kw)
    return con, fast, slow


def assert_same_tables(con) -> None:
    for a, b in [("fast_rows", "slow_rows"), ("slow_rows", "fast_rows")]:
        assert con.execute(f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})").fetchall() == [(0,)]


def test_records_keep_the_physical_line_where_they_start(tmp_path):
    f = tmp_path / "multi.csv"
    f.write_text('id,text\n1,"first line\nsecond line"\n2,plain\n\n3,"a ""quoted"" word"\n', encoding="utf-8")
    result = read_delimited(f)
    assert result.frame[LINE_COLUMN].tolist() == [2, 4, 6]
    assert result.frame["text"].tolist() == ["first line\nsecond line", "plain", 'a "quoted" word']


def test_crlf_and_cr_only_line_endings_are_read(tmp_path):
    for ending in ("\r\n", "\r"):
        f = tmp_path / "endings.csv"
        f.write_bytes(ending.join(["a,b", "1,x", "2,y", ""]).encode())
        assert read_delimited(f).frame[["a", "b"]].values.tolist() == [["1", "x"], ["2", "y"]]


def test_utf8_bom_is_dropped_from_the_header(tmp_path):
    f = tmp_path / "bom.csv"
    f.write_bytes("\ufeffMS;CCI\nBE;2014BE16RFOP001\n".encode("utf-8"))
    assert list(read_delimited(f, delimiter=";", encoding="utf-8-sig").frame.columns) == ["MS", "CCI", LINE_COLUMN]


def test_a_repeated_header_column_is_a_file_error(tmp_path):
    f = tmp_path / "dupe_header.csv"
    f.write_text("a,b,a\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"dupe_header.csv: the header repeats column\(s\) \['a'\]"):
        read_delimited(f)


def test_fast_path_reads_the_h2020_gzip_exactly_like_the_python_reader():
    f = raw("horizon_h2020_eu", "eunets_h2020_programme_parts.csv.gz")
    con, fast, slow = both_paths(f.abspath)
    assert fast.frame is None and slow.frame is not None  # the fast path was really taken
    assert fast.rows_read == slow.rows_read == 37_441
    assert_same_tables(con)
    assert con.execute(f"SELECT rcn, programme_part, {LINE_COLUMN} FROM fast_rows ORDER BY {LINE_COLUMN} LIMIT 2"
                       ).fetchall() == [("221856", "SC4", 2), ("223246", "SC5", 3)]


def test_fast_path_reads_the_erdf_csv_exactly_like_the_python_reader():
    f = raw("erdf_2014_2020_planned", "ESIF_2014-2020_FINANCES_PLANNED_DETAILS_190411.csv")
    con, fast, slow = both_paths(f.abspath)
    assert fast.frame is None and fast.rows_read == slow.rows_read == 7_524
    assert_same_tables(con)
    total = con.execute("""SELECT sum(CAST("EU Amount" AS DOUBLE)) FROM fast_rows
                           WHERE "Fund" = 'ERDF' AND "TO_code" = '01'""").fetchall()[0][0]
    assert total == pytest.approx(41.766e9, rel=1e-4)


def test_fast_path_handles_the_semicolon_bom_file():
    f = raw("erdf_2014_2020_planned", "ERDF_2014-2020_regions_match.csv")
    con, fast, slow = both_paths(f.abspath, delimiter=";", encoding="utf-8-sig")
    assert fast.frame is None and fast.rows_read == 291
    assert_same_tables(con)


def test_fast_path_falls_back_when_records_span_lines():
    """The EDIH catalogue has descriptions with line breaks: DuckDB's row numbers would drift, so the Python
    reader is used, and the line numbers are the physical ones."""
    f = raw("edih_catalogue", "edih_catalogue_2025-04.csv")
    con, fast, slow = both_paths(f.abspath)
    assert fast.frame is not None  # fell back
    assert fast.rows_read == 457
    assert_same_tables(con)
    lines = [r[0] for r in con.execute(f"SELECT {LINE_COLUMN} FROM fast_rows ORDER BY 1").fetchall()]
    assert lines[0] == 2 and lines[-1] > 457 + 1  # records span several physical lines


def test_fast_path_falls_back_on_a_truncated_file_and_rejects_the_same_rows():
    con, fast, slow = both_paths(BAD / "truncated.csv")
    assert [(r.line, r.reason) for r in fast.rejected] == [(r.line, r.reason) for r in slow.rejected]
    assert [r.line for r in fast.rejected] == [3, 4]
    assert_same_tables(con)


def test_parquet_rows_are_numbered_from_one(tmp_path):
    f = tmp_path / "t.parquet"
    duckdb.connect().execute(f"COPY (SELECT * FROM (VALUES (1, 'a'), (2, NULL)) t(id, name)) TO '{f}' (FORMAT parquet)")
    con = duckdb.connect()
    result = load_parquet(con, f, "rows", required_columns=["id"])
    assert result.rows_read == 2
    assert con.execute(f"SELECT id, name, {LINE_COLUMN} FROM rows ORDER BY 3").fetchall() == [(1, "a", 1), (2, None, 2)]
    with pytest.raises(InputFileError, match=r"missing required column\(s\) \['code'\]"):
        load_parquet(con, f, "rows", required_columns=["code"])


def test_a_file_that_is_not_parquet_is_a_clear_error():
    with pytest.raises(InputFileError, match="good.csv: not a readable Parquet file"):
        load_parquet(duckdb.connect(), BAD / "good.csv", "rows")


def test_json_and_geojson_are_read_strictly():
    doc = read_json(raw("cz_ris3_domains", "kraje_kodovnik.json").abspath)
    assert len(doc["kraje"]) == 14
    with pytest.raises(InputFileError, match="broken.json: line 2"):
        read_json(BAD / "broken.json")
    with pytest.raises(InputFileError, match="empty.csv: the file is empty"):
        read_json(BAD / "empty.csv")


@pytest.mark.parametrize("fast", [True, False])
def test_an_all_empty_column_is_still_text_on_both_paths(tmp_path, fast):
    f = tmp_path / "empty_column.csv"
    f.write_text("a,b\n1,\n2,\n", encoding="utf-8")
    con = duckdb.connect()
    load_delimited(con, f, "rows", fast=fast)
    assert [r[1] for r in con.execute("DESCRIBE rows").fetchall()] == ["VARCHAR", "VARCHAR", "BIGINT"]
    assert con.execute(f"SELECT a, b, {LINE_COLUMN} FROM rows").fetchall() == [("1", None, 2), ("2", None, 3)]
