"""The search box on every page, malformed URL values, per-table downloads, fixed colour scales, country framing,
and a warehouse that is empty, damaged or missing a table: a message saying what to do, never a traceback."""
from __future__ import annotations

import shutil

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from .conftest import APP, plotly_specs

PAGES = [None, "views/profile.py", "views/gaps.py", "views/compare.py", "views/data_method.py", "views/story.py"]


@pytest.mark.parametrize("page", PAGES)
def test_search_box_on_every_page(open_page, page):
    at = open_page(page, region="ES51") if page == "views/profile.py" else open_page(page)
    assert at.sidebar.text_input(key="find").label == "Find a region"


@pytest.mark.parametrize("typed, region, note", [
    ("Milano", "ITC4", "Milano"), ("oulu", "FI1D", "Pohjois-Pohjanmaa (FI1D9, NUTS 3)"),
    ("Pohjois-Pohjanmaa", "FI1D", "FI1D9"), ("lombardy", "ITC4", None), ("es51", "ES51", None),
    ("Andalucia", "ES61", None), ("Northern Ostrobothnia", "FI1D", "FI1D9"), ("Spain", "ES", None)])
def test_search_by_name_code_or_city_opens_its_region(open_page, typed, region, note):
    at = open_page(None)
    at.sidebar.text_input(key="find").input(typed).run()
    assert not at.exception
    assert at.query_params["region"] == region
    if note:
        assert any(note in i.value for i in at.info)


def test_partial_text_lists_matches_and_nonsense_suggests_nearest(open_page):
    at = open_page(None)
    at.sidebar.text_input(key="find").input("Pohjois").run()
    hits = [b for b in at.sidebar.button if b.key and b.key.startswith("find-hit-")]
    assert len(hits) >= 2 and all("Pohjois" in b.label for b in hits)
    hits[0].click().run()
    assert at.query_params["region"].startswith("FI")
    at = open_page(None)
    at.sidebar.text_input(key="find").input("Catalunia").run()
    assert "Nothing found" in at.sidebar.warning[0].value
    assert any("ES51" in b.label for b in at.sidebar.button if b.key and b.key.startswith("find-hit-"))


def test_compare_link_with_duplicates_and_five_codes_warns(open_page):
    at = open_page("views/compare.py", regions="ES51,ES51")
    assert not at.exception and "counted once" in at.warning[0].value
    assert at.query_params["regions"] == "ES51"
    at = open_page("views/compare.py", regions="ES51,fr10,DE21,ITC4,PL91,XX1")
    text = at.warning[0].value
    assert "at most 4" in text and "PL91" in text and "XX1" in text
    assert at.query_params["regions"] == "ES51,FR10,DE21,ITC4"


def test_step_and_country_of_wrong_type_warn(open_page):
    at = open_page("views/story.py", step="abc")
    assert at.warning and "not a step number" in at.warning[0].value
    at = open_page(None, country="Narnia")
    assert at.warning and "Narnia" in at.warning[0].value


def test_per_table_csv_has_bom_and_plain_numbers(built_warehouse, monkeypatch):
    import pandas as pd

    from pipelines.export import csv_bytes

    data = csv_bytes(pd.DataFrame({"name": ["Andalucía", "=1+1", None], "amount": [5005851340.0, None, 2.0],
                                   "share": [0.825, 0.5, None]}))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "5005851340," in text and "5005851340.0" not in text and "'=1+1" in text
    assert "nan" not in text and "None" not in text and "Andalucía" in text


def test_colour_scale_is_fixed_across_views(open_page):
    eu = plotly_specs(open_page(None, metric="alignment"))[0]["layout"]["coloraxis"]
    pl = plotly_specs(open_page(None, metric="alignment", country="PL"))[0]["layout"]["coloraxis"]
    assert (eu["cmin"], eu["cmax"]) == (pl["cmin"], pl["cmax"]) == (0, 100)
    hubs_eu = plotly_specs(open_page(None, metric="hubs"))[0]["layout"]["coloraxis"]
    hubs_pl = plotly_specs(open_page(None, metric="hubs", country="PL"))[0]["layout"]["coloraxis"]
    assert hubs_eu["cmax"] == hubs_pl["cmax"] > 0


def test_not_a_priority_is_not_no_data(open_page, wh):
    domain = wh.execute("""SELECT domain_code FROM mart_map_domain_status WHERE level = 2 AND period = '2021-2027'
                           GROUP BY 1 ORDER BY count(*) LIMIT 1""").fetchone()[0]
    spec = plotly_specs(open_page(None, metric="coverage", domain=domain))[0]
    names = {t.get("name") for t in spec["data"]}
    assert {"Not a priority", "No data (hover: why)"} <= names
    grey = [t for t in spec["data"] if t.get("name") == "No data"]
    assert not grey or all("-?" not in row[3] for row in grey[0]["customdata"])


@pytest.mark.parametrize("country", ["PL", "FI", "ES", "FR", "PT"])
def test_country_view_is_centred_on_the_country(open_page, wh, country):
    geo = plotly_specs(open_page(None, country=country))[0]["layout"]["geo"]
    lon, lat = wh.execute("SELECT label_lon, label_lat FROM mart_region_directory WHERE nuts_code = ?",
                          [country]).fetchone()
    assert abs(geo["projection"]["rotation"]["lon"] - lon) < 8 and abs(geo["projection"]["rotation"]["lat"] - lat) < 6


def _broken(tmp_path, kind: str, built_warehouse):
    path = tmp_path / "atlas.duckdb"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "corrupt":
        path.write_bytes(b"this is not a DuckDB file" * 1000)
    else:
        shutil.copy(built_warehouse, path)
        con = duckdb.connect(str(path))
        con.execute("DROP TABLE region_alignment")
        con.execute("DROP TABLE mart_search_index")
        con.execute("DROP TABLE mart_map_metrics")
        con.close()
    return path


@pytest.mark.parametrize("kind", ["empty", "corrupt", "missing_table"])
@pytest.mark.parametrize("page", [None, "views/profile.py", "views/gaps.py", "views/compare.py"])
def test_broken_warehouse_gives_a_message_not_a_traceback(tmp_path_factory, built_warehouse, monkeypatch, kind,
                                                          page):
    path = _broken(tmp_path_factory.mktemp(kind), kind, built_warehouse)
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(path))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["regions"] = "ES51,ES51,FR10"
    at.query_params["region"] = "ES51"
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    assert str(path) in errors and ("make warehouse" in errors or "Rebuild" in errors), errors


def test_every_exported_column_is_in_the_dictionary(wh):
    from pipelines import columns, export

    frames = export.export_frames(wh, "ES")
    missing = {(t, c) for t, f in frames.items() if t not in ("README", "columns") for c in f.columns
               if c not in columns.COLUMNS}
    assert not missing, sorted(missing)
    described = frames["columns"]
    assert (described.meaning != "").all() and (described.label != "").all()
