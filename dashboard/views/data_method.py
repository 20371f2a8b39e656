"""Data & method: where every number comes from (sources, snapshot dates, licences), how much of each source made
it into the warehouse, the methodology and its known limits — in plain language."""
from __future__ import annotations

import streamlit as st

from dashboard import data, layout
from pipelines import paths

st.title("Data & method")
info = data.build_info()
st.markdown(
    "The atlas joins three things that arrive in different shapes: **hubs** (the EDIH Network catalogue of 2025 and "
    "the JRC catalogue of 2022), **smart-specialisation priorities** (national and regional strategies collected "
    "from public sources) and **funding** (ERDF 2014-2020, Horizon 2020). Everything is converted to one geography "
    "(NUTS 2021) and one vocabulary of technology and sector domains, and every score can be traced back to a hub, "
    "a priority and a source row.")
if info:
    cols = st.columns(3)
    cols[0].metric("Method version", info.get("method_version", "?"))
    cols[1].metric("NUTS version", info.get("nuts_version", "?"))
    cols[2].metric("Warehouse built (UTC)", str(info.get("built_at", "?"))[:16])

tabs = st.tabs(["Sources", "Coverage of each source", "Methodology", "Known limits"])
with tabs[0]:
    st.markdown("Every source is a dated snapshot kept unchanged in the repository, checked by its checksum "
                "before each build.")
    layout.table(data.source_catalogue(), "sources",
                 column_config={"upstream_url": st.column_config.LinkColumn("upstream"),
                                "licence": st.column_config.TextColumn("licence", width="large"),
                                "title": st.column_config.TextColumn("title", width="large")})
with tabs[1]:
    st.markdown("Rows read from each source, kept, and set aside in quarantine (with the reason) because they "
                "could not be used — nothing is dropped silently.")
    layout.table(data.source_coverage(), "source_coverage")
    st.subheader("Most frequent quarantine reasons")
    layout.table(data.quarantine_reasons(), "quarantine_reasons")
with tabs[2]:
    methodology = paths.ROOT / "docs" / "methodology.md"
    if methodology.exists():
        st.markdown(methodology.read_text(encoding="utf-8"))
    else:
        st.info("docs/methodology.md is not there yet.")
with tabs[3]:
    st.markdown("""
- **Hub competences are self-declared.** EDIH levels come from the hubs' own catalogue entries; competences of
  hubs without tags are inferred from their descriptions and counted at a lower level.
- **S3 priority lists are partial.** Some strategies list only titles, some were collected from secondary sources;
  each priority carries its source link and a confidence.
- **Horizon 2020 follows registered addresses**, which favours capitals and headquarters regions; only the share
  of the money that could be placed in a region is mapped, and that share is shown beside it.
- **ERDF planned amounts** exist only where a regional programme exists; national programmes are not split.
- **Borders changed.** Figures published for NUTS 2013, 2016 or 2024 are converted to NUTS 2021 by area overlap
  where boundaries moved; codes that cannot be converted are in quarantine.
- **A gap is not a failure.** A priority without a local hub may be served by hubs elsewhere — see the partner
  suggestions on each region's profile.
""")
layout.footer(info)
