"""Gap tables: regions of a country (or the whole EU) with their scores and gaps, sortable and filterable, and the
same export files as `python -m pipelines export` (CSV, Excel with a README sheet, Parquet)."""
from __future__ import annotations

import streamlit as st

from dashboard import data, layout
from dashboard.metrics import LEVELS

st.title("Gap tables")
st.caption("Regions with their alignment scores and the priority domains their hubs cover, weakly cover or miss. "
           "Click a column header to sort. The downloads below are the files the export command writes.")

countries = data.countries()
names = dict(zip(countries.country_code, countries.name))
sidebar = st.sidebar
sidebar.header("Gap tables")
country = layout.url_selectbox("Country", ["all", *countries.country_code], "country", "all", container=sidebar,
                               format_func=lambda c: "EU-wide" if c == "all" else f"{names[c]} ({c})")
level = layout.url_radio("Level", list(LEVELS), "level", 2, cast=int, format_func=LEVELS.get, container=sidebar)
periods = data.periods()
period = layout.url_radio("S3 period", periods, "period", periods[-1] if periods else None, container=sidebar,
                          horizontal=True)
only_gaps = layout.url_toggle("Only regions with uncovered priorities", "only_gaps", container=sidebar)
search = st.text_input("Filter by region name or code", key="q", value=st.query_params.get("q", ""))
st.query_params["q"] = search
if not search:
    st.query_params.pop("q", None)

country_code = None if country == "all" else country
overview = data.gap_overview(period, level, country_code)
if only_gaps:
    overview = overview[overview.n_uncovered_priorities.fillna(0) > 0]
if search:
    needle = search.strip().lower()
    overview = overview[overview.name.str.lower().str.contains(needle, regex=False)
                        | overview.nuts_code.str.lower().str.startswith(needle)]

st.subheader(f"{len(overview)} regions · {names.get(country, 'EU-wide') if country_code else 'EU-wide'} · "
             f"{LEVELS[level]} · {period}")
layout.table(overview, f"gap_table_{country}_nuts{level}_{period}",
             column_config={"alignment_score": st.column_config.ProgressColumn(
                 "Alignment score", min_value=0, max_value=100, format="%.0f")})

st.subheader("Gaps: priority domains by status")
statuses = layout.url_multiselect("Status", ["uncovered", "weak", "covered"], "status", default=["uncovered", "weak"])
gaps = data.country_gaps(period, level, country_code, tuple(statuses))
hub_names = data.hub_names()
gaps.insert(list(gaps.columns).index("local_hubs"), "local_hub_names",
                    gaps.pop("local_hubs").map(lambda t: layout.hub_list_names(t, hub_names)))
if search:
    gaps = gaps[gaps.region_name.str.lower().str.contains(needle, regex=False)
                | gaps.nuts_code.str.lower().str.startswith(needle)]
st.caption(f"{len(gaps):,} region × priority × domain rows. Uncovered: no hub in the region has the competence; "
           "weak: only below the competence threshold. The nearest hub outside the region is shown beside each.")
layout.table(gaps, f"gaps_{country}_nuts{level}_{period}")

st.subheader("Export files")
st.markdown(f"Regions, gaps, partner suggestions and unaligned competences for "
            f"**{names.get(country, 'the whole EU') if country_code else 'the whole EU'}** (all levels and periods), "
            "with a README (method version, data dates, NUTS version, sources and licences). The same files as "
            f"`python -m pipelines export{' --country ' + country if country_code else ''} --format xlsx`.")
problem = data.export_problem()
if problem:  # a failed download says so, instead of a button that silently never starts
    st.error(f"The export files cannot be made now. {problem}")
else:
    cols = st.columns(3)
    for col, (fmt, label) in zip(cols, [("csv", "CSV (zip)"), ("xlsx", "Excel"), ("parquet", "Parquet (zip)")]):
        col.download_button(f"Download {label}", lambda fmt=fmt: data.export_bytes(country_code, fmt),
                            file_name=data.export_file_name(country_code, fmt), key=f"export-{fmt}",
                            on_click="ignore", width="stretch")
layout.footer(data.build_info())
