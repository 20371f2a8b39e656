"""Policy questions of the DIH working group, answered from the warehouse: each with a chart, a table and its caveats
(marts policy_q_*, pipelines/sql/policy_questions.sql)."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dashboard import data, data_whatif, layout

CHART = {"displaylogo": False}
st.title("Policy questions")
st.caption("The DIH working group's questions, answered from the atlas's data. Each answer says what it rests on "
           "and what it cannot tell.")
QUESTIONS = {
    "a": "a. Are Digital Europe-funded EDIHs more specialised in AI, cybersecurity and HPC?",
    "b": "b. Does ERDF R&I and ICT money go where hubs cover the S3 priorities?",
    "c": "c. Where do regional and national strategies diverge?",
    "d": "d. Which cross-border hub pairs could close each other's gaps?",
}
question = layout.url_radio("Question", list(QUESTIONS), "q", "a", format_func=QUESTIONS.get)
st.header(QUESTIONS[question])

if question == "a":
    spec = data_whatif.policy_table("policy_q_specialisation")
    chart = go.Figure()
    for group, colour in zip(spec.hub_group.unique(), ["#1f77b4", "#ff7f0e", "#9aa5b1"]):
        part = spec[spec.hub_group == group]
        chart.add_bar(x=part.domain_label, y=100 * part.share_with_domain, name=group, marker_color=colour,
                      error_y=dict(type="data", symmetric=False, array=100 * (part.share_high_95 - part.share_with_domain),
                                   arrayminus=100 * (part.share_with_domain - part.share_low_95)))
    chart.update_layout(barmode="group", height=400, yaxis_title="% of hubs declaring level ≥ 3",
                        margin=dict(l=10, r=10, t=30, b=30), legend=dict(orientation="h", y=1.12))
    st.plotly_chart(chart, width="stretch", config=CHART)
    dep = spec[spec.hub_group.str.startswith("Digital")].set_index("domain_code").share_with_domain
    other = spec[spec.hub_group.str.startswith("other")].set_index("domain_code").share_with_domain
    more = all(dep.get(d, 0) > other.get(d, 0) for d in ("TECH_AI", "TECH_CYBER", "TECH_HPC"))
    st.markdown(f"**Answer:** {'yes' if more else 'not in every domain'}. {100 * dep.get('TECH_AI', 0):.0f} % of Digital Europe-funded EDIHs declare AI at "
                f"level 3 or more against {100 * other.get('TECH_AI', 0):.0f} % of the other DIHs in the same "
                f"catalogue; cybersecurity {100 * dep.get('TECH_CYBER', 0):.0f} % vs "
                f"{100 * other.get('TECH_CYBER', 0):.0f} %, HPC {100 * dep.get('TECH_HPC', 0):.0f} % vs "
                f"{100 * other.get('TECH_HPC', 0):.0f} % (bars: 95 % intervals). Where a hub declares the domain, "
                "its level is about the same in every group: the difference is how many hubs offer it.")
    layout.table(spec.drop(columns="method_version"), "policy_q_specialisation")
    st.subheader("Where regions lack them")
    regions = data_whatif.policy_table("policy_q_specialisation_regions")
    lacking = regions[regions.n_lacking > 0]
    st.markdown(f"{len(regions) - len(lacking)} of {len(regions)} EU NUTS 2 regions have a Digital Europe-funded "
                f"EDIH located in them offering all three; {int((regions.n_lacking == 3).sum())} have none of the "
                f"three locally. AI locally in {int(regions.has_ai.sum())}, cybersecurity in "
                f"{int(regions.has_cybersecurity.sum())}, HPC in {int(regions.has_hpc.sum())} regions. "
                "The nearest such EDIH elsewhere is given in km.")
    layout.table(regions.drop(columns="method_version"), "policy_q_specialisation_regions")
    st.info("Caveats: levels are what hubs declare in the EDIH Network catalogue (April 2025), not audited; hubs "
            "count where their address is, so an EDIH serving several regions counts in one (the JRC's 2023 "
            "report counts regions *serviced*: AI 91 %, cybersecurity 73 %, HPC 61 % — higher than regions with a "
            "local EDIH here). JRC 2022-only hubs are left out: their catalogue lists no technologies.")

elif question == "b":
    money = data_whatif.policy_table("policy_q_funding_alignment")
    bands = (money.groupby("coverage_band", dropna=False)
             .agg(regions=("nuts_code", "size"), population=("population", "sum"),
                  planned_eur=("erdf_ri_ict_planned_eur", "sum"), payments_eur=("erdf_payments_eur", "sum"))
             .reset_index())
    bands["planned_per_inh"] = (bands.planned_eur / bands.population).round(1)
    bands["payments_per_inh"] = (bands.payments_eur / bands.population).round(1)
    chart = go.Figure()
    chart.add_bar(x=bands.coverage_band, y=bands.planned_per_inh, name="ERDF TO01+TO02 planned 2014-2020, € per inh.")
    chart.add_bar(x=bands.coverage_band, y=bands.payments_per_inh / 10,
                  name="ERDF payments 2014-2023 (all themes), € per inh. ÷ 10")
    chart.update_layout(barmode="group", height=380, xaxis_title="coverage of the region's priorities by its hubs",
                        margin=dict(l=10, r=10, t=30, b=30), legend=dict(orientation="h", y=1.15))
    st.plotly_chart(chart, width="stretch", config=CHART)
    ranked = money.dropna(subset=["coverage_2014_2020", "erdf_ri_ict_planned_per_inh"])
    ranked = ranked[ranked.erdf_to01_eur.notna()]
    rho = ranked.coverage_2014_2020.rank().corr(ranked.erdf_ri_ict_planned_per_inh.rank()) if len(ranked) > 2 else None
    verdict = ("no data to tell" if rho is None else "no visible link" if abs(rho) < 0.15
               else "somewhat, yes" if rho > 0 else "rather the opposite")
    per_band = bands[bands.coverage_band.str.match(r"^\d")].set_index("coverage_band").planned_per_inh
    st.markdown(f"**Answer:** {verdict}. Regions whose hubs cover more of their priorities "
                + ("do not receive" if rho is None or rho < 0.15 else "receive")
                + " more ERDF research-and-innovation and ICT money per inhabitant"
                + (f" (Spearman ρ = {rho:.2f} over {len(ranked)} regions with a 2014-2020 coverage figure)"
                   if rho is not None else "")
                + (f"; €{per_band.iloc[0]:.0f} per inhabitant planned where coverage is lowest, "
                   f"€{per_band.iloc[-1]:.0f} where it is highest." if len(per_band) > 1 else "."))
    layout.table(bands, "policy_q_funding_by_coverage_band")
    layout.table(money.drop(columns="method_version"), "policy_q_funding_alignment")
    st.info("Caveats: ERDF amounts are 2014-2020 plans (thematic objectives 01 and 02) and 2014-2023 payments of all "
            "themes, placed on regions by programme area (national programmes shared by population); 2021-2027 ERDF "
            "per region is not available. Coverage uses today's hubs for both periods. Less developed regions get "
            "more ERDF by design and also tend to have fewer hubs: this is a correlation, not an evaluation.")

elif question == "c":
    mis = data_whatif.policy_table("policy_q_strategy_misalignment")
    period = layout.url_radio("Period", sorted(mis.period.unique(), reverse=True), "pq_period", None, horizontal=True)
    part = mis[(mis.period == period) & (mis.level == 2)].sort_values("overlap")
    chart = go.Figure()
    labels = [f"{n} ({c})" for n, c in zip(part.name, part.nuts_code)]
    for column, name, colour in [("n_shared", "in both", "#1f77b4"), ("n_region_only", "regional only", "#ff7f0e"),
                                 ("n_national_only", "national only", "#9aa5b1")]:
        chart.add_bar(y=labels, x=part[column], name=name, orientation="h", marker_color=colour)
    chart.update_layout(barmode="stack", height=160 + 22 * len(part), xaxis_title="priority domains",
                        margin=dict(l=10, r=10, t=30, b=30), legend=dict(orientation="h", y=1.05),
                        yaxis=dict(autorange="reversed"))
    st.plotly_chart(chart, width="stretch", config=CHART)
    st.markdown(f"**Answer:** {len(part)} NUTS 2 regions have both a regional and a national list for {period}; "
                f"their median overlap is {100 * part.overlap.median():.0f} % of the domains of either list, and "
                f"{int((part.overlap < 0.25).sum())} share less than a quarter. The least aligned are at the top.")
    layout.table(part.drop(columns="method_version"), f"policy_q_strategy_misalignment_{period}")
    st.info("Caveats: only regions for which both lists were found; domains come from the automatic coding of "
            "priority titles (precision and recall in the data-quality report), so different wording can look "
            "like different content. A region-only domain is not a contradiction: regions are meant to specialise.")

else:
    pairs = data_whatif.policy_table("policy_q_cross_border_pairs")
    mutual = pairs[pairs.both_directions]
    by_border = (pairs.assign(border=pairs.country_a + "–" + pairs.country_b)
                 .groupby("border").agg(pairs=("hub_id_a", "size"), both_directions=("both_directions", "sum"))
                 .reset_index().sort_values("both_directions", ascending=False))
    chart = go.Figure()
    chart.add_bar(x=by_border.border, y=by_border.pairs - by_border.both_directions, name="one direction",
                  marker_color="#9aa5b1")
    chart.add_bar(x=by_border.border, y=by_border.both_directions, name="both directions", marker_color="#1f77b4")
    chart.update_layout(barmode="stack", height=380, yaxis_title="hub pairs", margin=dict(l=10, r=10, t=30, b=30),
                        legend=dict(orientation="h", y=1.12))
    st.plotly_chart(chart, width="stretch", config=CHART)
    st.markdown(f"**Answer:** {len(pairs)} pairs of hubs across a border (neighbouring regions or ≤ 150 km) could "
                f"close a gap of the other's region; in {len(mutual)} pairs, on {mutual.country_a.add(mutual.country_b).nunique()} "
                "borders, each hub closes a gap of the other's region.")
    only_mutual = st.toggle("Only pairs that help in both directions", value=True, key="pq_mutual")
    layout.table((mutual if only_mutual else pairs).drop(columns="method_version"),
                 "policy_q_cross_border_pairs" + ("_both_directions" if only_mutual else ""))
    st.info("Caveats: a gap is a 2021-2027 priority domain of the region that no hub located there covers at level "
            "3 or more (uncovered or weak); competences are declared or inferred, levels of JRC 2022 sectors are "
            "fixed at 3. Distance is between hub points (or region label points). Language, legal form and "
            "Interreg eligibility are not checked.")
layout.footer(data.build_info())
