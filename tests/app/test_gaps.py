"""Gap tables: filterable region table and the export files, which must match the export CLI's files."""
from __future__ import annotations

import io

import pandas as pd

from .conftest import all_text

PAGE = "views/gaps.py"


def test_eu_table_lists_every_nuts2_region(open_page, wh):
    at = open_page(PAGE)
    n = wh.execute("SELECT count(*) FROM mart_map_metrics WHERE level = 2 AND period = '2021-2027'").fetchone()[0]
    assert len(at.dataframe[0].value) == n
    assert [b.label for b in at.get("download_button")][-3:] == ["Download CSV (zip)", "Download Excel",
                                                                 "Download Parquet (zip)"]


def test_country_from_url_and_widget(open_page):
    at = open_page(PAGE, country="ES", level="2")
    table = at.dataframe[0].value
    assert len(table) > 5 and set(table.country_code) == {"ES"}
    at.selectbox(key="country").set_value("IT").run()
    assert set(at.dataframe[0].value.country_code) == {"IT"} and at.query_params["country"] == "IT"
    assert "python -m pipelines export --country IT" in all_text(at)


def test_only_gaps_and_search_filter(open_page):
    at = open_page(PAGE, country="ES")
    every = at.dataframe[0].value
    at.toggle(key="only_gaps").set_value(True).run()
    gapped = at.dataframe[0].value
    assert (gapped.n_uncovered_priorities > 0).all() and len(gapped) <= len(every)
    at.text_input(key="q").input("ES51").run()
    assert list(at.dataframe[0].value.nuts_code) in ([], ["ES51"])


def test_download_is_the_export_cli_content(built_warehouse, monkeypatch, wh, tmp_path):
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(built_warehouse))
    from dashboard import data
    from pipelines import export

    downloaded = pd.read_excel(io.BytesIO(data.export_bytes("ES", "xlsx")), sheet_name=None)
    written = export.export("ES", "xlsx", tmp_path / "es.xlsx", warehouse=built_warehouse)[0]
    from_cli = pd.read_excel(written, sheet_name=None)
    assert list(downloaded) == list(from_cli) and list(downloaded)[0] == "README"
    for frames in (downloaded, from_cli):  # the only cell allowed to differ: when each file was written
        frames["README"] = frames["README"][frames["README"].field != "exported_at"].reset_index(drop=True)
    for sheet in from_cli:
        pd.testing.assert_frame_equal(downloaded[sheet], from_cli[sheet])


def test_gap_detail_table_follows_status_filter(open_page, wh):
    at = open_page(PAGE, country="ES", level="2")
    detail = at.dataframe[1].value
    expected = wh.execute("""SELECT count(*) FROM gaps WHERE country_code = 'ES' AND level = 2
                             AND period = '2021-2027' AND status IN ('uncovered', 'weak')""").fetchone()[0]
    assert len(detail) == expected and set(detail.status) <= {"uncovered", "weak"}
    at.multiselect(key="status").set_value(["covered"]).run()
    covered = at.dataframe[1].value
    assert len(covered) > 0 and set(covered.status) == {"covered"}
    assert at.query_params["status"] == "covered"
