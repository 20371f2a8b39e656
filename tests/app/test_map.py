"""The map page: a choropleth of every EU region at the chosen NUTS level, driven by widgets and by the URL."""
from __future__ import annotations

from .conftest import all_text, array, plotly_specs


def _drawn_regions(spec: dict) -> set[str]:
    """Regions painted with a value or as 'no data' (the coloured and grey traces of the main map and insets)."""
    return {code for trace in spec["data"] if trace["type"] == "choropleth" and trace.get("hovertemplate")
            for code in (c.split("|")[0] for c in trace["locations"])}


def test_landing_map_draws_every_eu_nuts2_region(open_page, wh):
    at = open_page()
    specs = plotly_specs(at)
    assert len(specs) == 1
    eu_nuts2 = {r[0] for r in wh.execute("SELECT nuts_code FROM mart_region_directory WHERE level = 2").fetchall()}
    assert _drawn_regions(specs[0]) == eu_nuts2
    annotations = " ".join(a["text"] for a in specs[0]["layout"]["annotations"])
    assert "© EuroGeographics for the administrative boundaries" in annotations
    headline = "coverage" if wh.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                                        "'mart_map_metrics' AND column_name = 'headline_figure'").fetchone()[0] \
        else "alignment"
    assert specs[0]["layout"]["coloraxis"]["colorbar"]["title"]["text"].startswith(
        {"coverage": "Coverage of priority domains", "alignment": "Alignment score"}[headline])
    assert at.query_params.get("metric", headline) == headline and at.query_params.get("level", "2") == "2"


def test_coloured_values_match_the_mart(open_page, wh):
    at = open_page()
    spec = plotly_specs(at)[0]
    coloured = {code.split("|")[0]: z for t in spec["data"] if t.get("coloraxis")
                for code, z in zip(t["locations"], array(t["z"]))}
    expected = dict(wh.execute("""SELECT nuts_code, alignment_score FROM mart_map_metrics
                                  WHERE level = 2 AND period = '2021-2027' AND alignment_score IS NOT NULL""").fetchall())
    assert coloured.keys() == expected.keys()
    assert all(abs(coloured[c] - expected[c]) < 1e-3 for c in expected)


def test_metric_picker_changes_map_and_url(open_page):
    at = open_page()
    at.selectbox(key="metric").set_value("hubs").run()
    assert not at.exception
    spec = plotly_specs(at)[0]
    assert spec["layout"]["coloraxis"]["colorbar"]["title"]["text"].startswith("Hubs")
    assert at.query_params["metric"] == "hubs"
    assert "Hubs" in all_text(at)


def test_url_opens_country_level_view(open_page, wh):
    at = open_page(metric="coverage", level="0", period="2014-2020", country="ES")
    assert at.selectbox(key="metric").value == "coverage"
    assert at.radio(key="level").value == 0 and at.radio(key="period").value == "2014-2020"
    spec = plotly_specs(at)[0]
    assert _drawn_regions(spec) == {"ES"}


def test_domain_filter_colours_hub_counts_of_that_domain(open_page, wh):
    domain = wh.execute("""SELECT domain_code FROM mart_map_hub_counts WHERE domain_code <> 'all' AND hub_type = 'all'
                           AND level = 2 GROUP BY 1 ORDER BY sum(n_hubs) DESC LIMIT 1""").fetchone()[0]
    at = open_page(metric="hubs", domain=domain)
    spec = plotly_specs(at)[0]
    coloured = {code.split("|")[0]: z for t in spec["data"] if t.get("coloraxis")
                for code, z in zip(t["locations"], array(t["z"]))}
    expected = dict(wh.execute("""SELECT nuts_code, n_hubs FROM mart_map_hub_counts WHERE level = 2
                                  AND hub_type = 'all' AND domain_code = ?""", [domain]).fetchall())
    assert {c: v for c, v in coloured.items() if v} == {c: float(v) for c, v in expected.items()}
    totals = dict(wh.execute("""SELECT nuts_code, n_hubs FROM mart_map_metrics WHERE level = 2
                                AND period = '2021-2027'""").fetchall())
    assert all(coloured[c] <= totals[c] for c in coloured)
    assert sum(coloured.values()) < sum(totals.values())


def test_unfiltered_hub_counts_agree_with_region_alignment(wh):
    """The map's filter counts and the alignment marts count hubs the same way."""
    differ = wh.execute("""SELECT m.nuts_code, m.n_hubs, h.n_hubs FROM mart_map_metrics m
                           LEFT JOIN mart_map_hub_counts h ON h.nuts_code = m.nuts_code AND h.hub_type = 'all'
                                AND h.domain_code = 'all'
                           WHERE m.period = '2021-2027' AND m.n_hubs <> coalesce(h.n_hubs, 0)""").fetchall()
    assert differ == []


def test_hub_type_filter_counts_only_that_type(open_page, wh):
    at = open_page(metric="hubs", hub_type="EDIH", level="0")
    spec = plotly_specs(at)[0]
    coloured = {code.split("|")[0]: z for t in spec["data"] if t.get("coloraxis")
                for code, z in zip(t["locations"], array(t["z"]))}
    expected = dict(wh.execute("""SELECT nuts_code, n_edih FROM mart_map_metrics WHERE level = 0
                                  AND period = '2021-2027'""").fetchall())
    assert coloured == {c: float(v) for c, v in expected.items()}


def test_hub_markers_follow_the_toggle(open_page):
    at = open_page()
    assert not [t for t in plotly_specs(at)[0]["data"] if t.get("name") == "Hubs"]
    at.toggle(key="hubs").set_value(True).run()
    markers = [t for t in plotly_specs(at)[0]["data"] if t["type"] == "scattergeo" and t.get("name") == "Hubs"]
    assert markers and len(array(markers[0]["lon"])) > 100
    assert at.query_params["hubs"] == "1"


def test_map_spec_is_a_valid_plotly_figure(built_warehouse, monkeypatch):
    """The map is built as a plain dict (PrebuiltFigure) to skip plotly.py's slow re-validation on every rerun;
    here plotly.py validates it once, for every level, with hubs and with a country filter."""
    import plotly.graph_objects as go

    monkeypatch.setenv("ATLAS_WAREHOUSE", str(built_warehouse))
    from dashboard import data
    from dashboard.map_figure import build_map
    from dashboard.metrics import METRICS

    period = data.periods()[-1]
    for level in (0, 1, 2):
        for country in (None, "FR"):
            regions = data.map_regions(level)
            regions = regions[regions.country_code == country] if country else regions
            figure = build_map(data.map_geometry(level), regions, data.map_values(level, period, "hubs", country=country),
                               METRICS["hubs"], data.hub_points(country=country), selected="FR10" if level == 2 else None)
            validated = go.Figure(figure.to_dict())
            assert len(validated.data) == len(figure.to_dict()["data"])
            insets = [loc for t in validated.data if t.type == "choropleth" for loc in t.locations if "|" in loc]
            if country == "FR":  # the five overseas regions, each in its inset box
                assert sorted(i.split("|")[1] for i in insets) == ["FRY1", "FRY2", "FRY3", "FRY4", "FRY5"]
            else:
                assert len(insets) == 8
