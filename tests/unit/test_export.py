"""Exports (pipelines/export.py) of the hand-built alignment world: the tables of a country, the README part, the
three formats, the formula neutralisation and the error for unknown country codes."""
from __future__ import annotations

import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from pipelines import cli, export, method
from pipelines.errors import PipelineError
from tests.unit.test_alignment_world import build_world

CATALOGUE = [("edih_catalogue", "EDIH catalogue", "European Commission", "2025-04-28", "https://example.invalid",
              "CC BY 4.0", "2021", "x.csv")]


def add_build_tables(con) -> None:
    con.execute("""CREATE TABLE build_info AS SELECT ? AS method_version, '2021' AS nuts_version,
                   TIMESTAMPTZ '2026-11-26 10:00:00+00' AS built_at""", [method.METHOD_VERSION])
    con.execute("""CREATE TABLE source_catalogue (source_id VARCHAR, title VARCHAR, publisher VARCHAR,
                   snapshot VARCHAR, upstream_url VARCHAR, licence VARCHAR, nuts_version VARCHAR, files VARCHAR)""")
    con.executemany("INSERT INTO source_catalogue VALUES (?, ?, ?, ?, ?, ?, ?, ?)", CATALOGUE)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export_world")
    path = folder / "atlas.duckdb"
    con = build_world(folder, database=str(path))
    add_build_tables(con)
    con.close()
    return path


@pytest.fixture
def con(warehouse):
    import duckdb

    c = duckdb.connect(str(warehouse), read_only=True)
    yield c
    c.close()


def test_export_frames_of_one_country(con):
    frames = export.export_frames(con, "aa")  # case does not matter
    assert list(frames) == ["README", "regions", "gaps", "partner_suggestions", "unaligned_competences", "columns"]
    assert set(frames["regions"].nuts_code) == {"AA", "AA1", "AA11", "AA12"}
    assert set(frames["gaps"].nuts_code) == {"AA", "AA1", "AA11", "AA12"}
    # atlas-method-2.0 (tests/unit/test_alignment_world.py): AA11 × CYB 2 and × TOUR 1, AA12 × CYB 3; AA1 and AA × CYB
    # (weak) 3 each: edih:3, no:1 and far:1 (serves BB1 / BB, which border them); jrc:11's levels come from a JRC
    # sector list and give way to declared hubs (PARTNER_LISTED_RULE)
    assert len(frames["partner_suggestions"]) == 12
    assert set(frames["unaligned_competences"].nuts_code) == {"AA", "AA1", "AA11", "AA12"}
    for name in ("regions", "gaps", "partner_suggestions", "unaligned_competences"):
        assert set(frames[name].method_version) == {method.METHOD_VERSION}, name
    readme = dict(frames["README"].itertuples(index=False))
    assert readme["method_version"] == method.METHOD_VERSION
    assert readme["nuts_version"] == "NUTS 2021"
    assert readme["scope"] == "country AA"
    assert "snapshot 2025-04-28" in readme["source:edih_catalogue"] and "CC BY 4.0" in readme["source:edih_catalogue"]
    assert readme["table:gaps"].startswith(f"{len(frames['gaps'])} rows")


def test_eu_wide_export_has_every_country(con):
    frames = export.export_frames(con, None)
    assert set(frames["regions"].country_code) == {"AA", "BB"}
    assert dict(frames["README"].itertuples(index=False))["scope"] == "EU-wide"


def test_unknown_country_lists_the_valid_codes(con):
    with pytest.raises(PipelineError, match=r"unknown country code 'XX': valid codes are AA, BB"):
        export.export_frames(con, "XX")


def test_xlsx_has_the_readme_sheet_first_and_the_same_values(con):
    frames = export.export_frames(con, "AA")
    data = export.to_bytes(frames, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames == ["README", "regions", "gaps", "partner_suggestions", "unaligned_competences",
                               "columns"]
    gaps = pd.read_excel(io.BytesIO(data), sheet_name="gaps")
    assert len(gaps) == len(frames["gaps"])
    assert list(gaps.columns) == list(frames["gaps"].columns)
    scores = pd.read_excel(io.BytesIO(data), sheet_name="regions").set_index(["nuts_code", "period"]).alignment_score
    assert scores[("AA11", "2021-2027")] == 50.0  # atlas-method-2.0: 100 × coverage_all (tests/unit/test_alignment_world.py)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_zip_formats_carry_a_readme_and_every_table(con, fmt):
    frames = export.export_frames(con, "BB")
    archive = zipfile.ZipFile(io.BytesIO(export.to_bytes(frames, fmt)))
    names = set(archive.namelist())
    assert names == {"README.md"} | {f"{n}.{fmt}" for n in frames}
    assert method.METHOD_VERSION in archive.read("README.md").decode()
    read = pd.read_csv if fmt == "csv" else pd.read_parquet
    regions = read(io.BytesIO(archive.read(f"regions.{fmt}")))
    assert sorted(regions.nuts_code.unique()) == ["BB", "BB1", "BB11"]


def test_formula_cells_are_neutralised_in_every_format():
    crafted = pd.DataFrame({
        "text": ["=HYPERLINK(\"http://x\")", "+SUM(A1:A2)", "-2+3", "@cmd", "\tTAB", "plain", "a=b"],
        "number": [-5, 1, 2, 3, 4, 5, 6],
    })
    expected = ["'=HYPERLINK(\"http://x\")", "'+SUM(A1:A2)", "'-2+3", "'@cmd", "'\tTAB", "plain", "a=b"]
    book = openpyxl.load_workbook(io.BytesIO(export.to_bytes({"data": crafted}, "xlsx")))
    cells = [row for row in book["data"].iter_rows(min_row=2, values_only=True)]
    assert [c[0] for c in cells] == expected
    assert [c[1] for c in cells] == [-5, 1, 2, 3, 4, 5, 6]  # numbers, even negative ones, are left alone
    assert all(book["data"].cell(row=r, column=1).data_type == "s" for r in range(2, 9))
    for fmt, read in (("csv", lambda b: pd.read_csv(io.BytesIO(b), keep_default_na=False)),
                      ("parquet", lambda b: pd.read_parquet(io.BytesIO(b)))):
        archive = zipfile.ZipFile(io.BytesIO(export.to_bytes({"data": crafted}, fmt)))
        got = read(archive.read(f"data.{fmt}"))
        assert got.text.tolist() == expected


def test_cli_writes_the_files_and_rejects_unknown_countries(warehouse, tmp_path, capsys):
    out = tmp_path / "aa.xlsx"
    assert cli.main(["export", "--country", "AA", "--format", "xlsx", "--out", str(out),
                     "--warehouse", str(warehouse)]) == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "README"
    folder = tmp_path / "csv"
    assert cli.main(["export", "--format", "csv", "--out", str(folder), "--warehouse", str(warehouse)]) == 0
    assert (folder / "README.md").exists() and (folder / "gaps.csv").exists()
    assert cli.main(["export", "--country", "ZZ", "--warehouse", str(warehouse)]) == 2
    assert "unknown country code 'ZZ': valid codes are AA, BB" in capsys.readouterr().err


def test_carriage_return_and_already_quoted_cells():
    frame = export.neutralise_formulas(pd.DataFrame({"t": ["\rx", "'=kept once", None]}))
    assert frame.t.tolist()[:2] == ["'\rx", "'=kept once"]  # idempotent: a quoted cell is not quoted twice
    assert frame.t.isna().tolist() == [False, False, True]
