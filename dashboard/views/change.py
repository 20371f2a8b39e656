"""Change over time: S3 priority domains kept, dropped and added between the 2014-2020 and 2021-2027 lists of the same
region and how coverage moved; hubs and competences between the JRC 2022 and EDIH 2025 catalogues."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dashboard import data, data_whatif, layout
from dashboard.map_figure import PLOTLY_CONFIG, build_map
from dashboard.metrics import LEVELS, Metric

CHANGE_METRICS = {
    "n_digital_domains_added": Metric("n_digital_domains_added", "Technology domains added", "value", "", ".0f",
                                      "technology (digital) priority domains in the 2021-2027 list and not in "
                                      "the 2014-2020 one"),
    "n_domains_added": Metric("n_domains_added", "Priority domains added", "value", "", ".0f",
                              "priority domains in the 2021-2027 list and not in the 2014-2020 one"),
    "n_domains_dropped": Metric("n_domains_dropped", "Priority domains dropped", "value", "", ".0f",
                                "priority domains of 2014-2020 no longer in the 2021-2027 list"),
    "share_of_domains_kept": Metric("share_of_domains_kept", "Share of domains kept (%)", "value", " %", ".0f",
                                    "domains in both lists / domains in either"),
    "coverage_change": Metric("coverage_change", "Coverage change (points)", "value", " pts", "+.0f",
                              "coverage 2021-2027 minus coverage 2014-2020, same hubs"),
}

st.title("Change over time")
st.caption("How regions' S3 priorities moved from 2014-2020 to 2021-2027, and how the hub landscape moved from the "
           "JRC catalogue (February 2022) to the EDIH Network catalogue (April 2025).")
tab_priorities, tab_hubs = st.tabs(["S3 priorities 2014-2020 → 2021-2027", "Hubs: JRC 2022 → EDIH 2025"])

with tab_priorities:
    c1, c2 = st.columns([2, 1])
    metric_key = layout.url_selectbox("Colour regions by", list(CHANGE_METRICS), "change_metric",
                                      "n_digital_domains_added", format_func=lambda k: CHANGE_METRICS[k].label,
                                      container=c1)
    level = layout.url_radio("Level", [2, 1, 0], "level", 2, cast=int, format_func=LEVELS.get, container=c2,
                             horizontal=True)
    coverage = data_whatif.change_region_coverage(level)
    metric = CHANGE_METRICS[metric_key]
    scale = 100 if metric_key in ("share_of_domains_kept", "coverage_change") else 1
    values = coverage.assign(value=coverage[metric_key] * scale, name=coverage.region_name, no_score_reason=None,
                             n_priorities=coverage.n_priorities_2021_2027)
    figure = build_map(data.map_geometry(level), data.map_regions(level), values, metric, height=560,
                       colorscale="RdBu" if metric_key == "coverage_change" else "Blues")
    st.plotly_chart(figure, config=PLOTLY_CONFIG, width="stretch", key="change_map")
    n = len(coverage)
    added_digital = int((coverage.n_digital_domains_added > 0).sum())
    m = st.columns(4)
    m[0].metric("Regions with lists in both periods", n)
    m[1].metric("… that added a technology domain", added_digital)
    m[2].metric("… that dropped one", int((coverage.n_digital_domains_dropped > 0).sum()))
    m[3].metric("Median share of domains kept", f"{100 * coverage.share_of_domains_kept.median():.0f} %"
                if n else "–")
    st.markdown("Grey regions have no coded priority list in one of the two periods. Both periods are scored "
                "against the same, current hubs: a change of coverage here is a change of priorities, not of hubs. "
                "Lists are as collected (some are partial; see the data-quality report); a domain can look "
                "'dropped' because the newer list words it differently.")
    layout.table(coverage.drop(columns=["note", "method_version"]), f"change_region_coverage_nuts{level}")
    regions = coverage.nuts_code.tolist()
    names = dict(zip(coverage.nuts_code, coverage.region_name))
    if regions:
        pick = layout.url_selectbox("Region detail", regions, "change_region", regions[0],
                                    format_func=lambda c: f"{names[c]} ({c})")
        detail = data_whatif.change_priority_domains(pick)
        st.markdown(f"**{names[pick]}**: " + ", ".join(f"{(detail.change == c).sum()} {c}"
                                                      for c in ("kept", "dropped", "added")))
        layout.table(detail[["domain_label", "facet", "change", "weight_2014_2020", "weight_2021_2027",
                             "relations_2014_2020", "relations_2021_2027", "status_with_current_hubs"]],
                     f"change_priority_domains_{pick}")

with tab_hubs:
    summary = data_whatif.change_catalogue_summary()
    eu = summary[summary.country_code == "EU"]
    if len(eu):
        row = eu.iloc[0]
        m = st.columns(4)
        m[0].metric("Organisations in the JRC 2022 catalogue (EU)", int(row.n_organisations_2022))
        m[1].metric("In the EDIH 2025 catalogue (EU)", int(row.n_organisations_2025))
        m[2].metric("New since 2022", int(row.n_new_since_2022), help=f"of which {int(row.n_new_edih)} EDIHs")
        m[3].metric("Not in the 2025 catalogue", int(row.n_not_in_2025))
    per_country = summary[(summary.country_code != "EU") & summary.is_eu]
    chart = go.Figure()
    for column, label, colour in [("n_in_both", "in both catalogues", "#1f77b4"),
                                  ("n_new_since_2022", "new since 2022", "#2ca02c"),
                                  ("n_not_in_2025", "not in the 2025 catalogue", "#d62728")]:
        chart.add_bar(x=per_country.country_code, y=per_country[column], name=label, marker_color=colour)
    chart.update_layout(barmode="stack", height=380, margin=dict(l=10, r=10, t=30, b=30),
                        yaxis_title="hub organisations", legend=dict(orientation="h", y=1.12))
    st.plotly_chart(chart, width="stretch", config={"displaylogo": False})
    st.markdown("Records of the two catalogues count as one organisation when they are linked (same website or "
                "name, see the data contract). 'Not in the 2025 catalogue' means the JRC-listed DIH has no linked "
                "record in the EDIH Network catalogue — it may still exist, renamed or outside the network. "
                "Competences are compared for sectors only: the JRC catalogue lists no technologies.")
    layout.table(per_country.drop(columns=["is_eu", "method_version"]), "change_catalogue_summary")
    change = layout.url_selectbox("Hubs", ["all", "new since 2022", "not in the 2025 catalogue",
                                           "in both catalogues"], "hub_change", "new since 2022")
    hubs = data_whatif.change_hubs(None if change == "all" else change)
    layout.table(hubs.drop(columns=["method_version"]), f"change_hubs_{change.replace(' ', '_')}")
    competences = data_whatif.change_hub_competences()
    st.markdown(f"**Sector competences of the {competences.organisation_key.nunique()} organisations in both "
                "catalogues**: " + ", ".join(f"{(competences.change == c).sum()} {c}"
                                             for c in ("kept", "dropped", "added")))
    layout.table(competences.drop(columns=["method_version"]), "change_hub_competences")
    st.subheader("Since the previous EDIH catalogue snapshot")
    snapshots = data_whatif.change_catalogue_snapshots()
    if snapshots.empty:
        st.caption("One EDIH Network catalogue snapshot (April 2025) is loaded. When a newer export is added under "
                   "data/raw/edih_catalogue/ and listed in data/sources.yml (docs/whatif.md), the next build lists "
                   "here the hubs that appeared, disappeared or changed since the previous snapshot.")
    else:
        row = snapshots.iloc[0]
        st.markdown(f"**{row.previous_snapshot} → {row.current_snapshot}**: " + ", ".join(
            f"{(snapshots.change == c).sum()} {c}" for c in ("appeared", "disappeared", "changed")))
        layout.table(snapshots.drop(columns=["method_version"]), "change_catalogue_snapshots")
layout.footer(data.build_info())
