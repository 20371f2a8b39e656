"""Change-over-time page: the map of change, the region table and detail, the catalogue comparison."""
from __future__ import annotations

from .conftest import all_text, plotly_specs

PAGE = "views/change.py"


def test_map_and_tables_match_the_marts(open_page, wh):
    at = open_page(PAGE)
    n = wh.execute("SELECT count(*) FROM change_region_coverage WHERE level = 2").fetchone()[0]
    assert n > 50  # NUTS 2 regions with coded lists in both periods
    specs = plotly_specs(at)
    assert any(t.get("type") == "choropleth" for t in specs[0]["data"])
    assert len(at.dataframe[0].value) == n
    added = wh.execute("""SELECT count(*) FROM change_region_coverage WHERE level = 2
                          AND n_digital_domains_added > 0""").fetchone()[0]
    assert [m.value for m in at.metric][:2] == [str(n), str(added)]
    assert "EuroGeographics" in all_text(at)


def test_region_detail_lists_kept_dropped_and_added(open_page, wh):
    code = wh.execute("""SELECT nuts_code FROM change_region_coverage WHERE level = 2 AND n_domains_added > 0
                         AND n_domains_dropped > 0 ORDER BY nuts_code LIMIT 1""").fetchone()[0]
    at = open_page(PAGE, change_region=code)
    detail = at.dataframe[1].value
    expected = wh.execute("SELECT count(*) FROM change_priority_domains WHERE nuts_code = ?", [code]).fetchone()[0]
    assert len(detail) == expected and {"kept", "dropped", "added"} >= set(detail.change)


def test_catalogue_comparison(open_page, wh):
    at = open_page(PAGE, hub_change="new since 2022")
    new = wh.execute("SELECT count(*) FROM change_hubs WHERE change = 'new since 2022'").fetchone()[0]
    tables = [d.value for d in at.dataframe]
    hubs = next(t for t in tables if "organisation_key" in t.columns and "change" in t.columns
                and "edih_2025_hub_ids" in t.columns)
    assert len(hubs) == new and set(hubs.change) == {"new since 2022"}
    eu = wh.execute("SELECT n_new_since_2022 FROM change_catalogue_summary WHERE country_code = 'EU'").fetchone()[0]
    assert str(eu) in [m.value for m in at.metric]
