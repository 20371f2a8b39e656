"""Compare: 2-4 regions side by side."""
from __future__ import annotations

PAGE = "views/compare.py"


def test_regions_from_url_side_by_side(open_page, wh):
    at = open_page(PAGE, regions="ES51,FR10,DE21", period="2021-2027")
    table = at.table[0].value.reset_index()
    names = [r[0] for r in wh.execute("""SELECT name || ' (' || nuts_code || ')' FROM mart_region_directory
                                         WHERE nuts_code IN ('ES51', 'FR10', 'DE21')""").fetchall()]
    assert set(names) <= set(table.columns)
    score = wh.execute("""SELECT coverage_pct FROM mart_map_metrics WHERE nuts_code = 'FR10'
                          AND period = '2021-2027'""").fetchone()[0]
    fr = [c for c in table.columns if c.endswith("(FR10)")][0]
    assert table.set_index("figure").loc["Coverage of priority domains", fr] == (
        f"{score:.0f} %" if score is not None else "—")
    assert len(at.get("plotly_chart")) == 1


def test_removing_a_region_updates_url_and_table(open_page):
    at = open_page(PAGE, regions="ES51,FR10,DE21")
    at.multiselect(key="regions").unselect("DE21").run()
    assert at.query_params["regions"] == "ES51,FR10"
    assert not any(c.endswith("(DE21)") for c in at.table[0].value.columns)


def test_fewer_than_two_regions_asks_for_more(open_page):
    at = open_page(PAGE, regions="ES51")
    assert at.info and "at least two" in at.info[0].value
