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


def _render_mix(mix: pd.DataFrame, region_name: str, period: str, metrics: pd.DataFrame) -> None:
    """region_funding_mix (funding branch): one figure per programme of the period, with its years, rounding for
    reading, the reason when there is no amount, and its source."""
    found = mix.amount_eur.notna()
    st.markdown(f"**Money of the {period} programmes** for {region_name}. Amounts rounded here, exact in the "
                "download; each figure says which years it covers.")
    if not found.any():
        st.warning(f"No {period} amount per region is available in the sources the atlas uses (reasons below). "
                   "The 2014-2020 figures are under the 2014-2020 period (sidebar); they are not carried over.")
    cols = st.columns(len(mix))
    for col, row in zip(cols, mix.itertuples()):
        label = row.programme if not is_missing(row.programme) else row.funding_source
        value = euro_text(row.amount_eur) if not is_missing(row.amount_eur) else "not available"
        col.metric(label, value, help=None if is_missing(row.note) else str(row.note))
        lines = [f"Years: {row.years}" if not is_missing(row.years) else ""]
        if not is_missing(row.per_capita_eur):
            lines.append(f"€{row.per_capita_eur:,.0f} per inhabitant")
        if not is_missing(row.placed_share) and row.amount_eur == row.amount_eur:
            lines.append(f"{row.placed_share:.0%} of the country's money could be placed in a region")
        if is_missing(row.amount_eur) and not is_missing(row.note):
            lines.append(f"Why: {row.note}")
        if not is_missing(row.source_url):
            lines.append(f"[source]({row.source_url})")
        col.caption(" · ".join(x for x in lines if x))
    if period == "2014-2020" and not metrics.empty and not is_missing(metrics.iloc[0].get("erdf_payments_eur")):
        st.markdown(f"ERDF paid 2014-2023 under the 2014-2020 programmes: "
                    f"**{euro_text(metrics.iloc[0]['erdf_payments_eur'])}** (Commission's regionalised estimate; "
                    "payments are not split by thematic objective, so they are not in the mix above).")
    layout.table(mix[["funding_source", "programme", "amount_eur", "per_capita_eur", "years", "basis", "is_estimate",
                      "placed_share", "note", "source_url"]], f"funding_mix_{region_name}_{period}")
    _sources()


def _reason_planned(row) -> str:
    if is_missing(row["erdf_planned_basis"]):
        return "no regional ERDF programme: the country's national programmes are not split by region"
    return f"basis: {row['erdf_planned_basis']}"


def render(region_code: str, region_name: str, period: str, metrics: pd.DataFrame) -> None:
    mix = _mix(region_code, period)
    if mix is not None and len(mix):
        _render_mix(mix, region_name, period, metrics)
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
