"""The profile's Funding tab, by period: which period the money is from, its years, amounts rounded for reading
(exact in the download), the reason for every missing figure, and the sources. Renders region_funding_mix (the
funding branch's long table) when the warehouse has it, else the 2014-2020 figures of region_alignment."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, layout
from dashboard.metrics import is_missing
from pipelines.columns import euro_text

SOURCES = {"ERDF 2014-2020 planned": "https://cohesiondata.ec.europa.eu/2014-2020-Finances/ESIF-2014-2020-FINANCES-PLANNED-DETAILS/e4v6-qrrq",
           "ERDF payments (regionalised)": "https://cohesiondata.ec.europa.eu/Other/Historic-EU-payments-regionalised-and-modelled/tc55-7ysv",
           "Horizon 2020 (CORDIS)": "https://data.europa.eu/data/datasets/cordish2020projects",
           "EDIH catalogue (Digital Europe)": "https://european-digital-innovation-hubs.ec.europa.eu/edih-catalogue"}


def _mix(region_code: str, period: str) -> pd.DataFrame | None:
    if not data.has_table("region_funding_mix"):
        return None
    return data.query("SELECT * FROM region_funding_mix WHERE nuts_code = ? AND period = ? ORDER BY funding_source",
                      (region_code, period))


def _reason_planned(row) -> str:
    if is_missing(row["erdf_planned_basis"]):
        return "no regional ERDF programme: the country's national programmes are not split by region"
    return f"basis: {row['erdf_planned_basis']}"


def render(region_code: str, region_name: str, period: str, metrics: pd.DataFrame) -> None:
    mix = _mix(region_code, period)
    if mix is not None and len(mix):
        st.markdown(f"**Money of the {period} period** in {region_name}, by programme. Amounts rounded here, "
                    "exact in the download.")
        shown = mix.assign(amount=mix.amount_eur.map(euro_text))
        cols = st.columns(min(len(shown), 4))
        for col, row in zip(cols * 3, shown.itertuples()):
            col.metric(f"{row.funding_source} ({row.years})" if not is_missing(row.years) else row.funding_source,
                       row.amount, help=None if is_missing(row.note) else str(row.note))
        layout.table(mix, f"funding_mix_{region_code}_{period}")
        _sources()
        return
    if metrics.empty:
        st.info(f"No funding figures for {region_name}: the region has no row in the warehouse for {period}.")
        return
    row = metrics.iloc[0]
    if period != "2014-2020":
        st.warning(f"**2014-2020 data shown: {period} amounts per region are not available** in the sources the "
                   "atlas uses (the 2021-2027 programmes report by programme, not by region). The figures below are "
                   "the 2014-2020 programmes'.")
    cols = st.columns(4)
    cols[0].metric("ERDF planned for R&I (TO01), 2014-2020 programmes", euro_text(row["erdf_to01_eur"]),
                   help=_reason_planned(row))
    cols[1].metric("ERDF planned for ICT (TO02), 2014-2020 programmes", euro_text(row["erdf_to02_eur"]),
                   help=_reason_planned(row))
    cols[2].metric("ERDF paid 2014-2023 (2014-2020 programmes)", euro_text(row["erdf_payments_eur"]),
                   help="Commission's regionalised payment estimates, converted to NUTS 2021"
                   + ("" if is_missing(row["erdf_payments_per_inh"]) else
                      f"; €{row['erdf_payments_per_inh']:,.0f} per inhabitant"))
    cols[3].metric("Horizon 2020 EC contribution (2014-2020)", euro_text(row["h2020_ec_eur"]),
                   help="Counted at the organisations' registered addresses")
    missing = []
    if is_missing(row["erdf_to01_eur"]):
        missing.append(f"ERDF planned: {_reason_planned(row)}.")
    if is_missing(row["erdf_payments_eur"]):
        missing.append("ERDF payments: no regionalised payment figure for this region.")
    if is_missing(row["h2020_ec_eur"]):
        missing.append("Horizon 2020: no participant of this region could be placed.")
    if missing:
        st.markdown("**Why figures are missing.** " + " ".join(missing))
    share = row["h2020_nuts_share"]
    n_dep = row.get("n_dep_funded_edih")
    st.markdown(
        "**Reading the figures.** Planned ERDF amounts exist only where a regional programme exists; national "
        "programmes are not split by region. Payments are the years 2014-2023 of the 2014-2020 programmes. Horizon "
        "2020 money is counted at the organisation's registered address, which favours capitals and headquarters"
        + (f"; {share:.0%} of the country's contribution could be placed in a region." if not is_missing(share)
           else ".")
        + (f" **Digital Europe:** {int(n_dep)} of the region's hubs are EDIHs funded by the Digital Europe programme; "
           "the amount per hub is not in open data, so no sum is shown." if not is_missing(n_dep) and n_dep else
           " **Digital Europe:** no Digital Europe-funded EDIH is placed in this region."))
    layout.table(metrics[["nuts_code", "population", "erdf_to01_eur", "erdf_to02_eur", "erdf_rd_per_inh",
                          "erdf_payments_per_inh", "h2020_ec_eur", "h2020_nuts_share", "h2020_per_inh"]],
                 f"funding_{region_code}_2014-2020")
    _sources()


def _sources() -> None:
    st.caption("Sources: " + " · ".join(f"[{name}]({url})" for name, url in SOURCES.items()))
