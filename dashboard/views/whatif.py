"""What-if: upload draft priorities or hubs (CSV or Excel, in the templates below), see row-level validation, then the
alignment, gaps and partner suggestions of the affected regions before and after, recomputed with the method's own
code in a private in-memory copy (nothing stored on the server, nothing visible to another session)."""
from __future__ import annotations

import hashlib

import plotly.graph_objects as go
import streamlit as st

from dashboard import data, data_whatif, layout
from pipelines import whatif

KINDS = {"priorities": "Draft S3 priorities", "hubs": "New or planned hubs"}

st.title("What-if: your own priorities or hubs")
st.caption("Upload a draft list of S3 priorities or a list of hubs and see which gaps open or close, how coverage "
           "changes and who could partner, for the regions concerned. The file is processed in memory for this "
           "browser session only: it is not stored on the server and no one else sees it.")

kind = layout.url_radio("What do you upload?", list(KINDS), "kind", "priorities", format_func=KINDS.get,
                        horizontal=True)
mode = "add"
if kind == "priorities":
    mode = st.radio("The uploaded priorities …", whatif.MODES, horizontal=True, key="whatif_mode",
                    format_func={"replace": "replace the territory's own 2021-2027 list",
                                 "add": "are added to what already applies"}.get)

with st.expander("Templates and rules", expanded=False):
    if kind == "priorities":
        st.markdown("Columns: **nuts_code** (NUTS 2021 code of the strategy's territory, e.g. DE60), **title**, "
                    "optional **description**, optional **domains** (taxonomy codes or labels separated by `;`). "
                    "Without domains, the title (and, if it gives none, the description) is coded with the same "
                    "keyword rules as the real S3 priorities. Priorities count for 2021-2027.")
    else:
        st.markdown("Columns: **name**, **address** (ending with postcode, town, country) or **nuts_code**, "
                    "optional **served_nuts_codes** (`;`-separated), **competences** as `domain:level; …` with "
                    "levels 1-5 as in the EDIH catalogue (e.g. `TECH_AI:4; SEC_HEALTH:3`), optional **hub_type** "
                    f"({', '.join(whatif.HUB_TYPES)}).")
    st.markdown(f"At most **{whatif.MAX_BYTES / 1e6:.0f} MB** and **{whatif.MAX_ROWS} rows**; CSV in UTF-8 "
                "(`,` or `;` separated) or Excel .xlsx. Cells starting with `=`, `+` or `@` are refused "
                "(formulas are never run).")
    c1, c2 = st.columns(2)
    c1.download_button("Template (CSV)", data_whatif.template_bytes(kind), f"whatif_{kind}_template.csv",
                       "text/csv", on_click="ignore", key=f"tpl-csv-{kind}")
    c2.download_button("Template (Excel)", data_whatif.template_bytes(kind, "xlsx"),
                       f"whatif_{kind}_template.xlsx", on_click="ignore", key=f"tpl-xlsx-{kind}")
    domains = data_whatif.domain_list()
    st.dataframe(domains, hide_index=True, height=220)
    st.download_button("Domain list (CSV)", whatif.csv_bytes(domains), "taxonomy_domains.csv", "text/csv",
                       on_click="ignore", key="dl-domains")

uploaded = st.file_uploader(f"{KINDS[kind]} file (CSV or Excel)", type=["csv", "txt", "xlsx"],
                            key=f"whatif_file_{kind}")
if uploaded is None:
    st.info("Download a template above, fill it in and upload it here.")
    layout.footer(data.build_info())
    st.stop()


def _download_table(frame, name: str, caption: str | None = None) -> None:
    layout.table(frame, f"whatif_{name}", caption)  # the project's table: labels, '—' for missing, CSV download


content = uploaded.getvalue()
key = (kind, mode, hashlib.sha256(content).hexdigest())
state = st.session_state.get("whatif_state")
if not state or state["key"] != key:
    with st.spinner("Checking the file and recomputing …"):
        upload = data_whatif.parse(content, uploaded.name, kind)
        result, error = None, None
        if upload.rows:
            try:
                result = data_whatif.run(upload, mode)
            except whatif.PipelineError as exc:
                error = str(exc)
        state = {"key": key, "upload": upload, "result": result, "error": error}
        st.session_state["whatif_state"] = state
upload, result = state["upload"], state["result"]

problems = upload.problems_frame()
errors = problems[problems.severity == "error"]
st.subheader(f"{uploaded.name}: {len(upload.rows)} of {upload.n_rows} rows usable")
whole_file = errors[errors.row.isna() | (errors.row == 1)]  # the file or its header: nothing can be used
row_errors = errors[errors.row > 1]
for p in whole_file.itertuples():
    st.error(f"{'Column ' + p.column + ': ' if isinstance(p.column, str) else ''}{p.problem}. Expected: {p.expected}.")
if len(row_errors):
    st.warning(f"{len(row_errors)} problem(s): the rows concerned are left out of the what-if (listed below).")
for p in problems[problems.severity != "error"].itertuples():
    (st.warning if p.severity == "warning" else st.info)(
        f"{'Row ' + str(int(p.row)) + ': ' if p.row == p.row and p.row else ''}{p.problem}")
if len(row_errors):
    _download_table(problems, "validation", "Validation messages: row (as in a spreadsheet, header = row 1), "
                    "column, what is wrong and what is expected.")
if state["error"]:
    st.error(state["error"])
if result is None:
    layout.footer(data.build_info())
    st.stop()

st.success(f"Recomputed {len(result.affected)} region(s) in {result.seconds:.2f} s with method "
           f"{whatif.method.METHOD_VERSION}: {', '.join(result.affected)}.")
fig = result.figures
first = upload.rows[0]["nuts_code"][:4]  # the (first) territory of the file, as a region of level ≤ 2
focus = fig[fig.nuts_code == first].iloc[0] if (fig.nuts_code == first).any() else fig.iloc[-1]
cols = st.columns(4)
cols[0].metric(f"Coverage of {focus['name']} ({focus.nuts_code})", f"{100 * focus.coverage_all_after:.0f} %" if focus.coverage_all_after == focus.coverage_all_after else "–",
               delta=f"{100 * focus.coverage_all_change:+.0f} pts" if focus.coverage_all_change == focus.coverage_all_change
               and round(100 * focus.coverage_all_change) != 0 else None)
closed = (result.gap_changes.change == "gap closed").sum()
opened = result.gap_changes.change.str.contains("gap opened").sum()
cols[1].metric("Gaps closed", int(closed))
cols[2].metric("Gaps opened", int(opened))
cols[3].metric("Partner suggestions changed", len(result.new_partners))

chart = go.Figure()
labels = [f"{r.name} ({r.nuts_code})" for r in fig.itertuples()]
chart.add_bar(y=labels, x=100 * fig.coverage_all_before, name="before", orientation="h", marker_color="#9aa5b1")
chart.add_bar(y=labels, x=100 * fig.coverage_all_after, name="after", orientation="h", marker_color="#1f77b4")
chart.update_layout(barmode="group", height=120 + 40 * len(fig), xaxis_title="coverage of priority domains, all evidence (coverage_all, %)",
                    margin=dict(l=10, r=10, t=40, b=40), legend=dict(orientation="h", y=1.02, yanchor="bottom"))
st.plotly_chart(chart, width="stretch", config={"displaylogo": False})

tabs = st.tabs(["Figures before / after", "Gaps opened and closed", "Partner suggestions", "Your rows as used",
                "Validation"])
with tabs[0]:
    _download_table(fig, "figures", "Every figure of the affected regions (2021-2027) before (the warehouse) and after "
                    "(with your file); rank_in_eu after = the new score ranked among all other regions' scores.")
with tabs[1]:
    _download_table(result.gap_changes, "gap_changes", "Priority domains whose status changed: closed (now covered "
                    "by a hub in the region), opened, new or dropped priority domains.")
with tabs[2]:
    _download_table(result.new_partners, "partner_changes", "Partner suggestions that appear or disappear.")
with tabs[3]:
    _download_table(result.applied, "uploaded_rows", "How your rows were coded (priorities: domains with the "
                    "evidence and weight) or placed (hubs).")
with tabs[4]:
    _download_table(problems, "validation_all")
if "xlsx" not in state:  # written once per result, not on every rerun of the page
    state["xlsx"] = whatif.result_xlsx(result)
st.download_button("Download everything (Excel)", state["xlsx"], "whatif_result.xlsx",
                   on_click="ignore", key="dl-whatif-xlsx", type="primary")
layout.footer(data.build_info())
