"""The region profile: priorities, hubs, coverage matrix, gaps and partners, funding, region vs nation."""
from __future__ import annotations

from .conftest import all_text, plotly_specs

PAGE = "views/profile.py"


def test_profile_from_url_shows_every_section(open_page, wh):
    at = open_page(PAGE, region="ES51", period="2021-2027")
    assert at.title[0].value == wh.execute("SELECT name FROM mart_region_directory WHERE nuts_code = 'ES51'").fetchone()[0]
    assert [t.label for t in at.tabs] == ["Strategies & priorities", "Hubs & competences", "Coverage matrix",
                                         "Gaps & partners", "Funding", "Region vs national strategy"]
    n_priorities = wh.execute("""SELECT count(*) FROM mart_region_priorities
                                 WHERE nuts_code = 'ES51' AND period = '2021-2027'""").fetchone()[0]
    assert n_priorities > 0 and len(at.dataframe[0].value) == n_priorities
    n_hubs = wh.execute("""SELECT n_hubs FROM mart_map_metrics WHERE nuts_code = 'ES51'
                           AND period = '2021-2027'""").fetchone()[0]
    assert n_hubs > 0 and f"{n_hubs} hubs" in all_text(at)  # the same count as on the map
    assert any(spec["data"][0]["type"] == "heatmap" for spec in plotly_specs(at))
    assert len(at.get("download_button")) == len(at.dataframe) + 1  # + the coverage matrix


def test_changing_region_updates_page_and_url(open_page, wh):
    at = open_page(PAGE, region="ES51")
    at.selectbox(key="region").set_value("FR10").run()
    assert not at.exception
    assert at.query_params["region"] == "FR10"
    assert at.title[0].value == wh.execute("SELECT name FROM mart_region_directory WHERE nuts_code = 'FR10'").fetchone()[0]


def test_country_profile_counts_all_its_hubs(open_page, wh):
    at = open_page(PAGE, region="AT")
    n_hubs = wh.execute("""SELECT n_hubs FROM mart_map_metrics WHERE nuts_code = 'AT'
                           AND period = '2021-2027'""").fetchone()[0]
    assert f"{n_hubs} hubs" in all_text(at)


def test_unknown_region_in_url_falls_back_to_default(open_page):
    at = open_page(PAGE, region="XX99")
    assert at.selectbox(key="region").value == "ES51"


def test_region_without_score_says_why(open_page, wh):
    code, reason = wh.execute("""SELECT nuts_code, no_score_reason FROM mart_map_metrics
                                 WHERE level = 2 AND period = '2021-2027' AND no_score_reason IS NOT NULL
                                 ORDER BY nuts_code LIMIT 1""").fetchone()
    at = open_page(PAGE, region=code, period="2021-2027")
    assert not at.exception
    assert any(reason in i.value for i in at.info)
