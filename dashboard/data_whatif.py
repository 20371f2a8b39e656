"""Data access of the what-if, change-over-time and policy-question pages (read-only, cached like dashboard/data.py).

The what-if keeps nothing on the server: the input tables are read once per warehouse version (shared, read-only
Arrow tables), and each recomputation runs in a private in-memory DuckDB created for that call and closed after it;
its result lives only in the user's session state.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data
from pipelines import whatif


@st.cache_resource(show_spinner=False, max_entries=1)
def _inputs(path: str, mtime: float) -> dict:
    cursor = data._connection(path, mtime).cursor()
    try:
        return whatif.load_inputs(cursor)
    finally:
        cursor.close()


@st.cache_resource(show_spinner=False, max_entries=1)
def _reference(path: str, mtime: float) -> whatif.Reference:
    cursor = data._connection(path, mtime).cursor()
    try:
        ref = whatif.load_reference(cursor)
    finally:
        cursor.close()
    from pipelines.coding import PriorityCoder, load_taxonomy

    ref.coder = PriorityCoder.from_taxonomy(load_taxonomy())
    return ref


def reference() -> whatif.Reference:
    return _reference(*data.version())


def parse(data_bytes: bytes, file_name: str, kind: str) -> whatif.Upload:
    return whatif.parse_upload(data_bytes, file_name, kind, reference())


def run(upload: whatif.Upload, mode: str) -> whatif.WhatIfResult:
    path, mtime = data.version()
    cursor = data._connection(path, mtime).cursor()
    try:
        return whatif.run_whatif(cursor, upload, reference(), _inputs(path, mtime), mode)
    finally:
        cursor.close()


@st.cache_data(show_spinner=False)
def template_bytes(kind: str, fmt: str = "csv") -> bytes:
    """The upload templates never change: written once, not on every rerun."""
    return whatif.template_bytes(kind, fmt)


def domain_list() -> pd.DataFrame:
    return data.query("SELECT domain_code, label, facet FROM domains ORDER BY facet DESC, domain_code")


# --- change over time (marts 60-69) ------------------------------------------------------------------------------
def change_region_coverage(level: int) -> pd.DataFrame:
    return data.query("SELECT * FROM change_region_coverage WHERE level = ? ORDER BY nuts_code", (level,))


def change_priority_domains(nuts_code: str | None = None) -> pd.DataFrame:
    return data.query("""SELECT * FROM change_priority_domains WHERE (? IS NULL OR nuts_code = ?)
                         ORDER BY nuts_code, change, domain_label""", (nuts_code, nuts_code))


def change_hubs(change: str | None = None) -> pd.DataFrame:
    return data.query("""SELECT * FROM change_hubs WHERE (? IS NULL OR change = ?)
                         ORDER BY country_code, change, name""", (change, change))


def change_hub_competences(hub_key: str | None = None) -> pd.DataFrame:
    return data.query("""SELECT * FROM change_hub_competences WHERE (? IS NULL OR organisation_key = ?)
                         ORDER BY organisation_key, change, domain_label""", (hub_key, hub_key))


def change_catalogue_summary() -> pd.DataFrame:
    return data.query("SELECT * FROM change_catalogue_summary ORDER BY country_code")


# --- policy questions (marts 70-79) -------------------------------------------------------------------------------
def policy_table(name: str) -> pd.DataFrame:
    allowed = {"policy_q_specialisation", "policy_q_specialisation_regions", "policy_q_funding_alignment",
               "policy_q_strategy_misalignment", "policy_q_cross_border_pairs"}
    if name not in allowed:  # table names come from this list only, never from the user
        raise ValueError(name)
    return data.query(f'SELECT * FROM "{name}"')


def change_catalogue_snapshots() -> pd.DataFrame:
    return data.query("SELECT * FROM change_catalogue_snapshots ORDER BY country_code, change, edih_name")
