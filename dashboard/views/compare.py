"""Compare 2-4 regions side by side: scores, priorities, domains covered and funding."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import data, layout
from dashboard.metrics import METRICS, is_missing

st.title("Compare regions")
directory = data.regions()
labels = {r.nuts_code: f"{r.name} ({r.nuts_code})" for r in directory.itertuples()}
sidebar = st.sidebar
sidebar.header("Compare")
periods = data.periods()
period = layout.url_radio("S3 period", periods, "period", periods[-1] if periods else None, container=sidebar,
                          horizontal=True)
defaults = [c for c in ("ES51", "ITC4", "DE21") if c in labels] or list(directory.nuts_code[:2])
MAX_REGIONS = 4
if "regions" not in st.session_state and st.query_params.get("regions"):
    # a link's list, cleaned: any case, duplicates removed, unknown codes and a fifth code refused with a message
    asked = [c.strip().upper() for c in st.query_params["regions"].split(",") if c.strip()]
    unique = list(dict.fromkeys(asked))
    unknown = [c for c in unique if c not in labels]
    valid = [c for c in unique if c in labels]
    problems = []
    if len(unique) < len(asked):
        problems.append("repeated codes were counted once")
    if unknown:
        problems.append(f"unknown code{'s' if len(unknown) > 1 else ''} {', '.join(unknown[:5])} left out "
                        "(use the search box to find a region)")
    if len(valid) > MAX_REGIONS:
        problems.append(f"at most {MAX_REGIONS} regions can be compared: {', '.join(valid[MAX_REGIONS:])} left out")
    if problems:
        st.warning("The link's region list was adjusted: " + "; ".join(problems) + ".")
    st.session_state["regions"] = valid[:MAX_REGIONS]
    st.query_params["regions"] = ",".join(valid[:MAX_REGIONS])
chosen = layout.url_multiselect("Regions (2 to 4)", list(directory.nuts_code), "regions", defaults,
                                max_selections=MAX_REGIONS, format_func=labels.get)
if len(chosen) < 2:
    st.info("Pick at least two regions to compare.")
    st.stop()

metrics = data.region_metrics(chosen, period).set_index("nuts_code").reindex(chosen)
rows = {METRICS[k].label: [METRICS[k].format(metrics.loc[c, METRICS[k].column]) for c in chosen]
        for k in data.metric_keys()}
if "coverage_label" in metrics:
    rows["Coverage range across readings"] = ["—" if is_missing(metrics.loc[c, "coverage_label"]) else
                                              metrics.loc[c, "coverage_label"] for c in chosen]
    rows["Basis"] = ["—" if is_missing(metrics.loc[c, "basis"]) else metrics.loc[c, "basis"].replace("_", " ")
                     for c in chosen]
rows["S3 priorities applicable"] = [METRICS["hubs"].format(metrics.loc[c, "n_priorities"]) for c in chosen]
rows["Population"] = ["no data" if is_missing(metrics.loc[c, "population"]) else f"{metrics.loc[c, 'population']:,.0f}"
                      for c in chosen]
if metrics.no_score_reason.notna().any():
    rows["Why no score"] = ["" if is_missing(metrics.loc[c, "no_score_reason"]) else metrics.loc[c, "no_score_reason"]
                            for c in chosen]
side_by_side = pd.DataFrame(rows, index=[labels[c] for c in chosen]).T.reset_index(names="figure")
st.subheader(f"Scores and funding · {period}")
layout.small_table(side_by_side, f"compare_{'_'.join(chosen)}_{period}")

fig = go.Figure()
for key in [k for k in ("alignment", "coverage", "coverage_declared", "focus") if k in data.metric_keys()]:
    m = METRICS[key]
    fig.add_trace(go.Bar(name=m.label, x=[labels[c] for c in chosen], y=[metrics.loc[c, m.column] for c in chosen]))
fig.update_layout(barmode="group", height=340, margin=dict(l=10, r=10, t=10, b=10), yaxis=dict(range=[0, 100]),
                  legend=dict(orientation="h", y=1.12))
st.plotly_chart(fig, config={"displaylogo": False}, key="compare_bars")

st.subheader("Priority domains and their coverage")
status_rows = []
for code in chosen:
    gaps = data.region_gaps(code, period)
    best = gaps.groupby("domain")["status"].agg(
        lambda s: "covered" if (s == "covered").any() else "weak" if (s == "weak").any() else "uncovered")
    status_rows.append(best.rename(labels[code]))
domains_table = pd.concat(status_rows, axis=1).fillna("not a priority")
for code, column in zip(chosen, status_rows):
    if column.empty:  # no applicable priority at all: say so rather than 'not a priority' everywhere
        domains_table[labels[code]] = "no S3 priorities in the data"
st.caption("For each domain any applicable priority is coded to: covered, weakly covered or uncovered by the "
           "region's own hubs.")
layout.small_table(domains_table.reset_index(names="domain"), f"compare_domains_{'_'.join(chosen)}_{period}")
layout.footer(data.build_info())
