"""Region profile: strategies and priorities, hubs and competences, priority × hub coverage, gaps with partner
suggestions, funding with its caveats, and the region against its national strategy."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dashboard import data, layout
from dashboard.metrics import METRICS, is_missing

directory = data.regions()
labels = {r.nuts_code: f"{r.name} ({r.nuts_code})" for r in directory.itertuples()}
sidebar = st.sidebar
sidebar.header("Region")
region_code = layout.url_selectbox("Region", list(directory.nuts_code), "region", "ES51" if "ES51" in labels else None,
                                   format_func=labels.get, container=sidebar)
periods = data.periods()
period = layout.url_radio("S3 period", periods, "period", periods[-1] if periods else None, container=sidebar,
                          horizontal=True)
region = data.region(region_code)
st.title(region["name"])
level = int(region["level"])
st.caption(f"{region_code} · NUTS {level} · {data.region(region['country_code'])['name'] if level else 'country'}"
           f"{' · outermost region' if region.get('is_outermost') else ''}")

metrics = data.region_metrics([region_code], period)
if metrics.empty:
    st.warning(f"No alignment figures for {region_code} in {period}: no applicable strategy or no data.")
else:
    row = metrics.iloc[0]
    cols = st.columns(6)
    for col, key in zip(cols, ["alignment", "coverage", "focus", "hubs", "edih", "uncovered"]):
        col.metric(METRICS[key].short_label, METRICS[key].format(row[METRICS[key].column]), help=METRICS[key].explanation)
    if not is_missing(row.get("no_score_reason")):
        st.info(f"No alignment score for {period}: {row['no_score_reason']}.")
    if not is_missing(row.get("rank_in_eu")):
        st.caption(f"Rank {row['rank_in_country']:.0f} in its country and {row['rank_in_eu']:.0f} in the EU "
                   f"(alignment score, same NUTS level, {period}).")

tabs = st.tabs(["Strategies & priorities", "Hubs & competences", "Coverage matrix", "Gaps & partners",
                "Funding", "Region vs national strategy"])

priorities = data.region_priorities(region_code, period)
with tabs[0]:
    st.markdown("The S3 priorities that apply to this region: its national strategy, its own regional strategy, "
                "and strategies of a parent or child region where the strategy sits at another NUTS level.")
    layout.table(priorities[["relation", "strategy_id", "priority_no", "title", "domains", "confidence",
                             "source_kind", "source_url"]],
                 f"priorities_{region_code}_{period}",
                 column_config={"source_url": st.column_config.LinkColumn("source"),
                                "domains": st.column_config.TextColumn("coded domains", width="large")})
    coded = data.priority_domains(priorities.priority_id.tolist())
    with st.expander(f"How the priorities were coded into domains ({len(coded)} links, with evidence)"):
        layout.table(coded, f"priority_domains_{region_code}_{period}")

hubs = data.region_hubs(region_code)
competences = data.hub_competences(hubs.hub_id.tolist())
with tabs[1]:
    st.markdown(f"**{len(hubs)} hubs** placed in {region['name']}, with the competences they declare (EDIH "
                "levels 1-5) or that were inferred from their descriptions (marked as inferred, at a lower level).")
    layout.table(hubs, f"hubs_{region_code}", column_config={"website": st.column_config.LinkColumn("website")})
    layout.table(competences.merge(hubs[["hub_id", "name"]], on="hub_id")[
        ["name", "domain_label", "facet", "level", "source", "evidence"]], f"hub_competences_{region_code}")

with tabs[2]:
    if priorities.empty or hubs.empty:
        st.info("No matrix: the region has no applicable priorities or no hubs.")
    else:
        links = coded.merge(competences, on="domain_code")
        best = links.groupby(["priority_id", "hub_id"])["level"].max().unstack(fill_value=0)
        best = best.reindex(index=priorities.priority_id.unique(), columns=hubs.hub_id, fill_value=0)
        titles = priorities.drop_duplicates("priority_id").set_index("priority_id")["title"].str.slice(0, 60)
        names = hubs.set_index("hub_id")["name"].str.slice(0, 40)
        fig = go.Figure(go.Heatmap(z=best.values, x=[names[h] for h in best.columns],
                                   y=[titles[p] for p in best.index], colorscale="Blues", zmin=0, zmax=5,
                                   colorbar=dict(title="best level"),
                                   hovertemplate="%{y}<br>%{x}<br>best competence level %{z}<extra></extra>"))
        fig.update_layout(height=max(300, 28 * len(best) + 150), margin=dict(l=10, r=10, t=10, b=10),
                          xaxis=dict(tickangle=-40), yaxis=dict(autorange="reversed"))
        st.markdown("Each cell: the highest competence level a hub has in any domain the priority is coded to "
                    "(0 = none).")
        st.plotly_chart(fig, config={"displaylogo": False}, key="matrix")
        layout.download_csv(best.rename(index=titles, columns=names).reset_index(),
                            f"coverage_matrix_{region_code}_{period}")

with tabs[3]:
    gaps = data.region_gaps(region_code, period)
    counts = gaps.status.value_counts()
    st.markdown(f"Priority × domain links: **{counts.get('covered', 0)} covered**, "
                f"**{counts.get('weak', 0)} weakly covered**, **{counts.get('uncovered', 0)} uncovered** by hubs "
                "in the region. For uncovered domains, hubs elsewhere that could partner, with the reasons.")
    layout.table(gaps.drop(columns=["priority_id", "domain_code", "nearest_hub_id"]), f"gaps_{region_code}_{period}")
    st.subheader("Partner suggestions")
    partners = data.partner_suggestions(region_code, period)
    layout.table(partners.drop(columns=["domain_code", "hub_id"]), f"partners_{region_code}_{period}")
    unaligned = data.unaligned_competences(region_code, period)
    st.subheader("Hub competences outside the region's priorities")
    layout.table(unaligned.drop(columns=["hub_id", "domain_code"]), f"unaligned_{region_code}_{period}")

with tabs[4]:
    if metrics.empty:
        st.info("No funding figures for this region.")
    else:
        row = metrics.iloc[0]
        euro = lambda v: "no data" if is_missing(v) else f"€{v:,.0f}"  # noqa: E731
        cols = st.columns(4)
        cols[0].metric("ERDF 2014-2020 planned, R&I (TO01)", euro(row["erdf_to01_eur"]))
        cols[1].metric("ERDF 2014-2020 planned, ICT (TO02)", euro(row["erdf_to02_eur"]))
        cols[2].metric("ERDF payments per inhabitant", euro(row["erdf_payments_per_inh"]))
        share = row["h2020_nuts_share"]
        cols[3].metric("Horizon 2020 EC contribution", euro(row["h2020_ec_eur"]),
                       help="Only the part of Horizon 2020 that could be placed in a region.")
        st.markdown(
            "**Caveats.** ERDF planned amounts exist only where a regional operational programme exists; national "
            "programmes are not split by region. Horizon 2020 money is counted at the organisation's registered "
            "address, which favours capitals and headquarters regions"
            + (f"; for this region's country {share:.0%} of the contribution could be placed in a region."
               if not is_missing(share) else ".")
            + " Payments are the Commission's regionalised estimates, converted to NUTS 2021.")
        layout.table(metrics[["nuts_code", "population", "erdf_to01_eur", "erdf_to02_eur", "erdf_rd_per_inh",
                              "erdf_payments_per_inh", "h2020_ec_eur", "h2020_nuts_share", "h2020_per_inh"]],
                     f"funding_{region_code}_{period}")

with tabs[5]:
    policy = data.policy_alignment(region_code, period)
    if policy.empty:
        st.info("Only regions with their own strategy are compared with their national strategy.")
    else:
        cols = st.columns(3)
        for col, (relation, title) in zip(cols, [("shared", "Shared with the national strategy"),
                                                  ("region_only", "Only in the regional strategy"),
                                                  ("national_only", "Only in the national strategy")]):
            col.subheader(title)
            col.markdown("\n".join(f"- {d}" for d in policy[policy.relation == relation].domain) or "_none_")
        layout.table(policy, f"policy_alignment_{region_code}_{period}")

layout.footer(data.build_info())
