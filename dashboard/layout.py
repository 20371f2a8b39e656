"""Shared layout: URL-bound widgets (every selection lives in st.query_params so a link reopens the same view),
presentation mode, table downloads and the notes every page carries."""
from __future__ import annotations

from typing import Callable, Sequence

import pandas as pd
import streamlit as st

ATTRIBUTION = "© EuroGeographics for the administrative boundaries"

PRESENT_CSS = """
<style>
  html, body, [class*="st-"], .stMarkdown p, .stMarkdown li { font-size: 1.35rem !important; }
  .stApp h1, .stApp h1 * { font-size: 3rem !important; } .stApp h2, .stApp h2 * { font-size: 2.4rem !important; }
  .stApp h3, .stApp h3 * { font-size: 1.8rem !important; }
  .stButton button p { font-size: 1.3rem !important; white-space: nowrap; }
  .stButton button[kind="primary"] p { color: #ffffff !important; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"],
  [data-testid="collapsedControl"], [data-testid="stExpandSidebarButton"] { display: none !important; }
  .stApp { background: #ffffff !important; color: #000000 !important; }
  .stMarkdown, .stCaption, p, li, label { color: #000000 !important; }
  .block-container { max-width: 100% !important; padding-top: 1.5rem !important; }
</style>
"""


def is_presenting() -> bool:
    return st.query_params.get("present") == "1"


def apply_presentation_style() -> None:
    if is_presenting():
        st.html(PRESENT_CSS)


def _init_from_url(key: str, options: Sequence, default, cast: Callable = str):
    """Seed a widget's state from the URL the first time this page runs in the session; keep it valid."""
    if key not in st.session_state:
        raw = st.query_params.get(key)
        try:
            value = cast(raw) if raw is not None else default
        except (TypeError, ValueError):
            value = default
        st.session_state[key] = value if value in options else default
    elif st.session_state[key] not in options:
        st.session_state[key] = default


def _to_url(key: str, value) -> None:
    if value is None:
        st.query_params.pop(key, None)
    elif st.query_params.get(key) != str(value):
        st.query_params[key] = str(value)


def url_value(key: str, options: Sequence, default, cast: Callable = str):
    """The current value of a URL-bound widget before the widget is drawn (from the session, else the URL)."""
    options = list(options)
    _init_from_url(key, options, default, cast)
    return st.session_state[key]


def url_flag(key: str, default: bool = False) -> bool:
    """The current value of a URL-bound toggle before the toggle is drawn."""
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(key, "1" if default else "0") == "1"
    return bool(st.session_state[key])


def url_selectbox(label: str, options: Sequence, key: str, default=None, cast: Callable = str,
                  format_func: Callable = str, container=None, **kwargs):
    options = list(options)
    default = options[0] if default is None and options else default
    _init_from_url(key, options, default, cast)
    value = (container or st).selectbox(label, options, key=key, format_func=format_func, **kwargs)
    _to_url(key, value)
    return value


def url_radio(label: str, options: Sequence, key: str, default=None, cast: Callable = str,
              format_func: Callable = str, container=None, **kwargs):
    options = list(options)
    default = options[0] if default is None and options else default
    _init_from_url(key, options, default, cast)
    value = (container or st).radio(label, options, key=key, format_func=format_func, **kwargs)
    _to_url(key, value)
    return value


def url_multiselect(label: str, options: Sequence, key: str, default: Sequence = (), max_selections=None,
                    format_func: Callable = str, container=None):
    options = list(options)
    if key not in st.session_state:
        raw = st.query_params.get(key)
        chosen = [c for c in (raw.split(",") if raw else default) if c in options]
        st.session_state[key] = chosen[:max_selections] if max_selections else chosen
    else:
        st.session_state[key] = [c for c in st.session_state[key] if c in options]
    value = (container or st).multiselect(label, options, key=key, max_selections=max_selections,
                                          format_func=format_func)
    if value:
        st.query_params[key] = ",".join(value)
    else:
        st.query_params.pop(key, None)
    return value


def url_toggle(label: str, key: str, default: bool = False, container=None) -> bool:
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(key, "1" if default else "0") == "1"
    value = (container or st).toggle(label, key=key)
    st.query_params[key] = "1" if value else "0"
    return value


def download_csv(frame: pd.DataFrame, name: str, label: str = "Download CSV", key: str | None = None) -> None:
    """Every table shown can be taken away: a CSV of exactly the rows and columns on screen."""
    st.download_button(label, frame.to_csv(index=False).encode("utf-8"), file_name=f"{name}.csv",
                       mime="text/csv", key=key or f"dl-{name}", on_click="ignore")


def table(frame: pd.DataFrame, name: str, caption: str | None = None, column_config: dict | None = None,
          height: int | str = "auto") -> None:
    """A sortable table with its CSV download underneath."""
    if caption:
        st.caption(caption)
    st.dataframe(frame, hide_index=True, width="stretch", column_config=column_config, height=height)
    download_csv(frame, name)


def footer(info: dict) -> None:
    if info:
        st.caption(f"Method {info.get('method_version', '?')} · NUTS {info.get('nuts_version', '?')} · "
                   f"warehouse built {str(info.get('built_at', '?'))[:16]} UTC · {ATTRIBUTION}")
