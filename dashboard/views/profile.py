"""Region profile: why its figure is what it is, strategies and priorities, hubs and competences, priority × hub
coverage, gaps with partner suggestions, funding by period, and the region against its national strategy."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dashboard import data, funding, layout
from dashboard.metrics import METRICS, is_missing

directory = data.regions()
codes = list(directory.nuts_code)
labels = {r.nuts_code: f"{r.name} ({r.nuts_code})" for r in directory.itertuples()}
sidebar = st.sidebar
sidebar.header("Region")
raw = st.query_params.get("region")
region_code, note = data.resolve_region(raw)
choice = sidebar.selectbox("Region", codes, index=codes.index(region_code) if region_code else None,
                           format_func=labels.get, placeholder="Pick a region", key=f"region_pick_{region_code}")
if choice and choice != region_code:
    st.query_params["region"] = choice
    st.rerun()
if raw and not region_code:
    st.title("Region profile")
    layout.unknown_code_warning(raw)
    st.stop()
if not region_code:
    st.title("Region profile")
    st.info("Find a region with the search box (name in any language, NUTS code or city) or pick one in the "
            "sidebar; or click a region on the map.")
    st.stop()
if raw != region_code:
    st.query_params["region"] = region_code  # lower case or NUTS 3 in the link: the URL names what is shown
layout.found_note()
if note:
    st.info(note)

periods = data.periods()
period = layout.url_radio("S3 period", periods, "period", periods[-1] if periods else None, container=sidebar,
                          horizontal=True)
region = data.region(region_code)
st.title(region["name"])
level = int(region["level"])
st.caption(f"{region_code} · NUTS {level} · {data.region(region['country_code'])['name'] if level else 'country'}"
           f"{' · outermost region' if region.get('is_outermost') else ''} · {period}")

metrics = data.region_metrics([region_code], period)
why = data.region_why(region_code, period)
if metrics.empty:
    st.warning(f"No figures for {region['name']} in {period}: no applicable strategy or no data.")
else:
    row = metrics.iloc[0]
    keys = (["coverage", "coverage_declared", "fit", "hubs", "edih", "uncovered"] if data.is_method2() else
            ["alignment", "coverage", "focus", "hubs", "edih", "uncovered"])
    cols = st.columns(6)
    for col, key in zip(cols, keys):
        col.metric(METRICS[key].short_label, METRICS[key].format(row[METRICS[key].column]).replace("no data", "—"),
                   help=METRICS[key].explanation)
    if "coverage_label" in row and not is_missing(row["coverage_label"]):
        basis = str(row["basis"]).replace("carried_forward_2014_2020", "2014-2020 list carried forward").replace(
            "national_fallback", "national strategy as fallback").replace("_", " ")
        ranked = not is_missing(row.get("is_ranked")) and bool(row.get("is_ranked"))
        tied = row.get("n_tied_in_eu", 1)
        rank = (f"rank {row['rank_in_eu']:.0f} in the EU" + (f" (tied with {tied - 1:.0f} others)" if tied > 1 else "")
                if ranked else f"not ranked: {row.get('not_ranked_reason') or 'no figure'}")
        st.caption(f"{str(row['coverage_label']).capitalize()} · basis: {basis} · {rank}")
if why.get("why_text"):
    st.markdown(f"**Why this figure.** {why['why_text']}")

TABS = ["Strategies & priorities", "Hubs & competences", "Coverage matrix", "Gaps & partners", "Funding",
        "Region vs national strategy"]
tabs = st.tabs(TABS, key="tab", bind="query-params", on_change="rerun")
hub_names = data.hub_names()

priorities = data.region_priorities(region_code, period)
coded = data.priority_domains(priorities.priority_id.tolist())
with tabs[0]:
    if tabs[0].open:
        st.markdown("The S3 priorities that apply to this region: its national strategy, its own regional strategy, "
                    "and strategies of a parent or child region where the strategy sits at another NUTS level.")
        layout.table(priorities[["relation", "strategy_id", "priority_no", "title", "domains", "confidence",
                                 "source_kind", "source_url"]], f"priorities_{region_code}_{period}")
        with st.expander(f"How the priorities were coded into domains ({len(coded)} links, with evidence)"):
            layout.table(coded, f"priority_domains_{region_code}_{period}")

hubs = data.region_hubs(region_code)
competences = data.hub_competences(hubs.hub_id.tolist())
with tabs[1]:
    if tabs[1].open:
        st.markdown(f"**{len(hubs)} hubs** counted in {region['name']}, with the competences they declare (EDIH "
                    "levels 1-5) or that were inferred from their descriptions (marked as inferred, at a lower level).")
        layout.table(hubs, f"hubs_{region_code}")
        layout.table(competences.merge(hubs[["hub_id", "name"]], on="hub_id")[
            ["name", "hub_id", "domain_label", "facet", "level", "source", "evidence"]], f"hub_competences_{region_code}")

with tabs[2]:
    if tabs[2].open and (priorities.empty or hubs.empty):
        st.info("No matrix: the region has no applicable priorities or no hubs.")
    elif tabs[2].open:
        links = coded.merge(competences, on="domain_code")
        best = links.groupby(["priority_id", "hub_id"])["level"].max().unstack(fill_value=0)
        best = best.reindex(index=priorities.priority_id.unique(), columns=hubs.hub_id, fill_value=0)
        titles = priorities.drop_duplicates("priority_id").set_index("priority_id")["title"].str.slice(0, 60)
        names = hubs.set_index("hub_id")["name"].str.slice(0, 40)
        fig = go.Figure(go.Heatmap(z=best.values, x=[names[h] for h in best.columns],
                                   y=[titles[p] for p in best.index], colorscale="Blues", zmin=0, zmax=5,
                                   colorbar=dict(title="best competence level (0-5)"),
                                   hovertemplate="%{y}<br>%{x}<br>best competence level %{z}<extra></extra>"))
        fig.update_layout(height=max(300, 28 * len(best) + 150), margin=dict(l=10, r=10, t=10, b=10),
                          xaxis=dict(tickangle=-40), yaxis=dict(autorange="reversed"))
        st.markdown("Each cell: the highest competence level a hub has in any domain the priority is coded to "
                    "(0 = none).")
        st.plotly_chart(fig, config={"displaylogo": False}, key="matrix")
        layout.download_csv(best.rename(index=titles, columns=names).reset_index(),
                            f"coverage_matrix_{region_code}_{period}")

with tabs[3]:
    if tabs[3].open:
        gaps = data.region_gaps(region_code, period)
        gaps.insert(list(gaps.columns).index("local_hubs"), "local_hub_names",
                    gaps.pop("local_hubs").map(lambda t: layout.hub_list_names(t, hub_names)))
        counts = gaps.status.value_counts()
        st.markdown(f"Priority × domain links: **{counts.get('covered', 0)} covered**, "
                    f"**{counts.get('weak', 0)} weakly covered**, **{counts.get('uncovered', 0)} uncovered** by hubs "
                    "in the region. For uncovered domains, hubs elsewhere that could partner, with the reasons.")
        layout.table(gaps.drop(columns=["priority_id", "domain_code"]), f"gaps_{region_code}_{period}")
        st.subheader("Partner suggestions")
        partners = data.partner_suggestions(region_code, period)
        layout.table(partners.drop(columns=["domain_code"]), f"partners_{region_code}_{period}")
        unaligned = data.unaligned_competences(region_code, period)
        st.subheader("Hub competences outside the region's priorities")
        layout.table(unaligned.drop(columns=["domain_code"]), f"unaligned_{region_code}_{period}")

with tabs[4]:
    if tabs[4].open:
        funding.render(region_code, region["name"], period, metrics)

with tabs[5]:
    if tabs[5].open:
        policy = data.policy_alignment(region_code, period)
        relations = set(priorities.relation)
        if policy.empty:
            if level == 0:
                st.info("This is a country: its strategy is the national one, there is nothing to compare.")
            elif "national" not in relations:
                st.info(f"No national strategy of this country for {period} is in the data, so the region's "
                        "priorities cannot be compared with it.")
            elif not relations - {"national"}:
                st.info(f"No regional strategy of {region['name']} for {period} is in the data: only the national "
                        "one applies, so there is nothing to compare.")
            else:
                st.info("The region's strategy and the national one share no coded domain data to compare.")
        else:
            cols = st.columns(3)
            for col, (relation, title) in zip(cols, [("shared", "Shared with the national strategy"),
                                                      ("region_only", "Only in the regional strategy"),
                                                      ("national_only", "Only in the national strategy")]):
                col.subheader(title)
                col.markdown("\n".join(f"- {d}" for d in policy[policy.relation == relation].domain) or "_none_")
            layout.table(policy, f"policy_alignment_{region_code}_{period}")

layout.footer(data.build_info())
