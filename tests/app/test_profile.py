"""The region profile: why this figure, priorities, hubs, coverage matrix, gaps and partners, funding by period,
region vs nation; the open tab in the URL; codes in any case, NUTS 3 codes and unknown codes in a link."""
from __future__ import annotations

from .conftest import all_text, plotly_specs

PAGE = "views/profile.py"
TABS = ["Strategies & priorities", "Hubs & competences", "Coverage matrix", "Gaps & partners", "Funding",
        "Region vs national strategy"]


def test_profile_from_url_shows_why_and_the_first_tab(open_page, wh):
    at = open_page(PAGE, region="ES51", period="2021-2027")
    assert at.title[0].value == wh.execute("SELECT name FROM mart_region_directory WHERE nuts_code = 'ES51'").fetchone()[0]
    assert [t.label for t in at.tabs] == TABS
    why = wh.execute("SELECT why_text FROM mart_region_why WHERE nuts_code = 'ES51' AND period = '2021-2027'"
                     ).fetchone()[0]
    assert f"**Why this figure.** {why}" in all_text(at) and "Hubs serving Cataluña cover 100 %" in why
    n_priorities = wh.execute("""SELECT count(*) FROM mart_region_priorities
                                 WHERE nuts_code = 'ES51' AND period = '2021-2027'""").fetchone()[0]
    assert n_priorities > 0 and len(at.dataframe[0].value) == n_priorities
    assert "None" not in at.dataframe[0].value.to_string()  # missing text shows as '—'


def test_each_tab_opens_from_the_url(open_page, wh):
    n_hubs = wh.execute("""SELECT n_hubs FROM mart_map_metrics WHERE nuts_code = 'ES51'
                           AND period = '2021-2027'""").fetchone()[0]
    at = open_page(PAGE, region="ES51", period="2021-2027", tab="Hubs & competences")
    assert n_hubs > 0 and f"{n_hubs} hubs" in all_text(at)  # the same count as on the map
    at = open_page(PAGE, region="ES51", period="2021-2027", tab="Coverage matrix")
    assert any(spec["data"][0]["type"] == "heatmap" for spec in plotly_specs(at))
    at = open_page(PAGE, region="ES51", period="2021-2027", tab="Gaps & partners")
    local = at.dataframe[0].value["local_hub_names"].dropna()
    assert len(local) and not local.str.contains(r"edih:\d+ \(level").any()
    assert local.str.contains(r"\(level \d").all()  # hub names, not IDs with levels
    assert len(at.get("download_button")) == len(at.dataframe)


def test_funding_tab_says_which_period_the_money_is_from(open_page):
    at = open_page(PAGE, region="ES51", period="2021-2027", tab="Funding")
    text = " ".join(w.value for w in at.warning)
    assert ("2014-2020 data shown" in text or "No 2021-2027 amount per region is available" in text)
    assert "Sources:" in all_text(at) and "Years:" in all_text(at)
    at = open_page(PAGE, region="ES51", period="2014-2020", tab="Funding")
    values = [m.value for m in at.metric]
    assert any(v.startswith("€") and v.endswith(" m") for v in values), values  # rounded: €410 m, not €409,993,248


def test_changing_region_updates_page_and_url(open_page, wh):
    at = open_page(PAGE, region="ES51")
    at.selectbox(key="region_pick_ES51").set_value("FR10").run()
    assert not at.exception
    assert at.query_params["region"] == "FR10"
    assert at.title[0].value == wh.execute("SELECT name FROM mart_region_directory WHERE nuts_code = 'FR10'").fetchone()[0]


def test_country_profile_counts_all_its_hubs(open_page, wh):
    at = open_page(PAGE, region="AT", tab="Hubs & competences")
    n_hubs = wh.execute("""SELECT n_hubs FROM mart_map_metrics WHERE nuts_code = 'AT'
                           AND period = '2021-2027'""").fetchone()[0]
    assert f"{n_hubs} hubs" in all_text(at)


def test_unknown_region_in_url_warns_with_nearest_matches_and_shows_no_region(open_page):
    at = open_page(PAGE, region="ES5l")
    assert at.warning and "ES5l" in at.warning[0].value and "Cataluña (ES51)" in at.warning[0].value
    assert at.title[0].value == "Region profile" and not at.metric and not at.tabs


def test_lower_case_and_nuts3_codes_open_their_region(open_page):
    at = open_page(PAGE, region="itc4")
    assert at.title[0].value == "Lombardia" and at.query_params["region"] == "ITC4"
    at = open_page(PAGE, region="FI1D9")
    assert at.title[0].value == "Pohjois- ja Itä-Suomi"
    assert any("Pohjois-Pohjanmaa (FI1D9)" in i.value for i in at.info)


def test_no_region_asks_for_one_instead_of_opening_catalonia(open_page):
    at = open_page(PAGE)
    assert at.title[0].value == "Region profile" and "search box" in at.info[0].value


def test_region_without_score_says_why_in_plain_words(open_page, wh):
    code = wh.execute("""SELECT nuts_code FROM mart_map_metrics WHERE level = 2 AND period = '2021-2027'
                         AND no_score_reason LIKE '%?%' ORDER BY nuts_code LIMIT 1""").fetchone()[0]
    at = open_page(PAGE, region=code, period="2021-2027")
    text = all_text(at)
    assert "has no figure for 2021-2027" in text and "-?" not in text
