"""Shared layout: URL-bound widgets (every selection lives in st.query_params so a link reopens the same view),
presentation mode, table downloads and the notes every page carries."""
from __future__ import annotations

from typing import Callable, Sequence

import re

import pandas as pd
import streamlit as st

from pipelines import columns as dictionary
from pipelines.explain import hub_list_names  # noqa: F401 - one definition, shared with the export
from pipelines.export import csv_bytes

ATTRIBUTION = "© EuroGeographics for the administrative boundaries"

PRESENT_CSS = """
<style>
  .stApp p, .stApp li, .stApp label, .stApp input, .stMarkdown, .stButton button p { font-size: 24px !important; }
  .stApp h1, .stApp h1 * { font-size: 44px !important; } .stApp h2, .stApp h2 * { font-size: 34px !important; }
  .stApp h3, .stApp h3 * { font-size: 28px !important; }
  .stApp h1, .stApp h2, .stApp h3 { padding: 0.2rem 0 !important; line-height: 1.15 !important; }
  [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
  .stButton button:disabled { background: #e6e6e6 !important; color: #555555 !important; border-color: #999 !important; }
  .stButton button:disabled p { color: #555555 !important; }
  .stButton button p { white-space: nowrap; }
  .stButton button[kind="primary"] p { color: #ffffff !important; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"],
  [data-testid="collapsedControl"], [data-testid="stExpandSidebarButton"] { display: none !important; }
  .stApp { background: #ffffff !important; color: #000000 !important; }
  .stMarkdown, .stCaption, p, li, label { color: #000000 !important; }
  .block-container, [data-testid="stMainBlockContainer"] { max-width: 100% !important;
      padding: 0.5rem 1.2rem 0.2rem 1.2rem !important; }
  [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.4rem !important; }
</style>
"""


def is_presenting() -> bool:
    return st.query_params.get("present") == "1"


def apply_presentation_style() -> None:
    if is_presenting():
        st.html(PRESENT_CSS)


def _seen(key: str) -> str:
    return f"_url_seen_{key}"


def _sync_from_url(key: str, parse: Callable, valid: Callable, default) -> None:
    """Seed a widget's state from the URL the first time it runs in the session, and let the URL win whenever it
    changed outside the app since the app last wrote it (Back / Forward, a pasted link): so Back goes back one view
    in one press instead of being overwritten by the widget's old state."""
    raw = st.query_params.get(key)
    if key in st.session_state and st.session_state.get(_seen(key), raw) == raw:
        if not valid(st.session_state[key]):
            st.session_state[key] = default
        return
    try:
        value = parse(raw) if raw is not None else default
    except (TypeError, ValueError):
        value = default
    st.session_state[key] = value if valid(value) else default
    st.session_state[_seen(key)] = raw


def _write_url(key: str, text: str | None, default_text: str | None) -> None:
    """Write a widget's value to the URL; a default stays implicit on a URL that does not name it (no extra history
    entry on the first load, so Back leaves the page instead of landing on the same view)."""
    current = st.query_params.get(key)
    if current is None and text == default_text:
        pass
    elif text is None:
        st.query_params.pop(key, None)
    elif current != text:
        st.query_params[key] = text
    st.session_state[_seen(key)] = st.query_params.get(key)


def _init_from_url(key: str, options: Sequence, default, cast: Callable = str):
    options = list(options)
    _sync_from_url(key, cast, lambda v: v in options, default)


def _to_url(key: str, value, default=None) -> None:
    _write_url(key, None if value is None else str(value), None if default is None else str(default))


def url_value(key: str, options: Sequence, default, cast: Callable = str):
    """The current value of a URL-bound widget before the widget is drawn (from the session, else the URL)."""
    options = list(options)
    _init_from_url(key, options, default, cast)
    return st.session_state[key]


def _flag(raw: str) -> bool:
    return raw == "1"


def url_flag(key: str, default: bool = False) -> bool:
    """The current value of a URL-bound toggle before the toggle is drawn."""
    _sync_from_url(key, _flag, lambda v: isinstance(v, bool), default)
    return bool(st.session_state[key])


def url_selectbox(label: str, options: Sequence, key: str, default=None, cast: Callable = str,
                  format_func: Callable = str, container=None, **kwargs):
    options = list(options)
    default = options[0] if default is None and options else default
    _init_from_url(key, options, default, cast)
    value = (container or st).selectbox(label, options, key=key, format_func=format_func, **kwargs)
    _to_url(key, value, default)
    return value


def url_radio(label: str, options: Sequence, key: str, default=None, cast: Callable = str,
              format_func: Callable = str, container=None, **kwargs):
    options = list(options)
    default = options[0] if default is None and options else default
    _init_from_url(key, options, default, cast)
    value = (container or st).radio(label, options, key=key, format_func=format_func, **kwargs)
    _to_url(key, value, default)
    return value


def url_multiselect(label: str, options: Sequence, key: str, default: Sequence = (), max_selections=None,
                    format_func: Callable = str, container=None):
    options = list(options)

    def parse(raw: str) -> list:
        chosen = list(dict.fromkeys(c for c in raw.split(",") if c in options)) if raw else []
        return chosen[:max_selections] if max_selections else chosen

    default_list = parse(",".join(default))
    _sync_from_url(key, parse, lambda v: isinstance(v, list), default_list)
    st.session_state[key] = list(dict.fromkeys(c for c in st.session_state[key] if c in options))
    value = (container or st).multiselect(label, options, key=key, max_selections=max_selections,
                                          format_func=format_func)
    _write_url(key, ",".join(value) if value else None, ",".join(default_list) or None)
    return value


def url_toggle(label: str, key: str, default: bool = False, container=None) -> bool:
    _sync_from_url(key, _flag, lambda v: isinstance(v, bool), default)
    value = (container or st).toggle(label, key=key)
    _write_url(key, "1" if value else "0", "1" if default else "0")
    return value


def download_csv(frame: pd.DataFrame, name: str, label: str = "Download CSV", key: str | None = None,
                 container=None) -> None:
    """Every table shown can be taken away: a CSV of exactly the rows and columns on screen, through the project's
    one CSV writer (pipelines.export.csv_bytes: formulas neutralised, UTF-8 with BOM, plain numbers)."""
    try:
        payload = csv_bytes(frame)
    except Exception as exc:  # noqa: BLE001 - a failed download must say so, not vanish
        (container or st).error(f"The CSV of this table could not be made ({type(exc).__name__}: {exc}).")
        return
    (container or st).download_button(label, payload, file_name=f"{_safe_name(name)}.csv", mime="text/csv",
                                      key=key or f"dl-{name}", on_click="ignore")


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name)[:120]


WIDE_TEXT = {"title", "priority", "priority_title", "evidence", "reasons", "domains", "local_hub_names", "why_text"}
SCREEN_FORMATS = {"share": "percent", "ratio": "%.2f", "percent": "%.1f%%", "eur": "€%.0f", "eur_per_inh": "€%.2f",
                  "count": "localized", "people": "localized", "per_million": "%.1f", "km": "%.0f km",
                  "score": "%.1f", "level": "%d", "rank": "%d", "year": "%d"}


def column_config_for(frame: pd.DataFrame, overrides: dict | None = None) -> dict:
    """Labels and formats from the one column dictionary (pipelines/columns.py): the same units as in the files."""
    config: dict = {}
    for name in frame.columns:
        entry = dictionary.column(str(name))
        numeric = pd.api.types.is_numeric_dtype(frame[name]) and not pd.api.types.is_bool_dtype(frame[name])
        if entry.unit == "url":
            config[name] = st.column_config.LinkColumn(entry.label, help=entry.meaning or None)
        elif numeric:
            config[name] = st.column_config.NumberColumn(entry.label, help=entry.meaning or None,
                                                         format=SCREEN_FORMATS.get(entry.unit))
        else:
            config[name] = st.column_config.TextColumn(entry.label, help=entry.meaning or None,
                                                       width="large" if name in WIDE_TEXT else None)
    config.update(overrides or {})
    return config


def for_screen(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing text shown as '—' (never 'None' or 'nan')."""
    out = frame.copy()
    for name in out.columns:
        if out[name].dtype == object or pd.api.types.is_string_dtype(out[name]):
            out[name] = out[name].astype(object).map(
                lambda v: "—" if v is None or (isinstance(v, float) and pd.isna(v))
                or (isinstance(v, str) and v.strip() in ("nan", "NaN", "None", "<NA>")) else v)
    return out


def table(frame: pd.DataFrame, name: str, caption: str | None = None, column_config: dict | None = None,
          height: int | str = "auto") -> None:
    """A sortable table with its CSV download underneath: column labels, units and meanings from the column
    dictionary; the download carries exactly these rows and columns (code names as headers, see columns.csv)."""
    if caption:
        st.caption(caption)
    st.dataframe(for_screen(frame), hide_index=True, width="stretch",
                 column_config=column_config_for(frame, column_config), height=height)
    download_csv(frame, name)


def small_table(frame: pd.DataFrame, name: str) -> None:
    """A short table drawn as plain HTML (no data-grid code to load: the page paints sooner), labels from the
    column dictionary, with its CSV download."""
    shown = for_screen(frame).rename(columns=lambda c: dictionary.label(str(c)) if str(c) in dictionary.COLUMNS else c)
    st.table(shown.set_index(shown.columns[0]))
    download_csv(frame, name)





def footer(info: dict) -> None:
    if info:
        st.caption(f"Method {info.get('method_version', '?')} · NUTS {info.get('nuts_version', '?')} · "
                   f"warehouse built {str(info.get('built_at', '?'))[:16]} UTC · {ATTRIBUTION}")


# --- search: one box on every page (and in presentation mode) ------------------------------------------------------
PROFILE_PAGE = "views/profile.py"
KIND_WORDS = {"code": "code", "name": "name", "country": "country", "area": "area", "city": "city"}


def _found_note(row: dict) -> str | None:
    if row["nuts_code"] == row["open_code"]:
        return None
    where = f"{row['region_name']} ({row['nuts_code']}, NUTS 3)"
    subject = f"“{row['term']}” ({KIND_WORDS.get(row['kind'], row['kind'])})"
    lies = f"lies in {where}" if row["kind"] in ("city", "area") or row["term"] != row["region_name"] else f"is {where}"
    return (f"{subject} {lies}; the atlas works at NUTS 0-2, so its region {row['open_name']} "
            f"({row['open_code']}) is shown.")


def _choose(row: dict) -> None:
    st.session_state["_jump"] = row["open_code"]
    st.session_state["_found_note"] = _found_note(row)
    st.session_state.pop("_find_results", None)


def _on_find() -> None:
    from dashboard import data

    text = (st.session_state.get("find") or "").strip()
    st.session_state.pop("_find_results", None)
    if not text:
        return
    try:
        hits = data.search(text)
    except data.WarehouseMissing as exc:
        st.session_state["_find_results"] = (text, [], True)
        st.session_state["_find_error"] = str(exc)
        return
    exact = hits[hits.how == 0] if len(hits) else hits
    if len(exact):
        exact = exact.assign(open_level=exact.open_code.str.len()).sort_values(
            ["kind_order", "open_level"], ascending=[True, False])
        _choose(exact.iloc[0].to_dict())
        st.session_state["find"] = ""
        return
    if len(hits):
        st.session_state["_find_results"] = (text, hits.to_dict("records"), False)
    else:
        near = data.nearest(text)
        st.session_state["_find_results"] = (text, near[near.similarity >= 0.7].to_dict("records"), True)


def search_box(container, compact: bool = False) -> None:
    """'Find a region': names (own language or English), NUTS 0-3 codes in any case, cities. An exact match opens
    its region at once; otherwise the matches (or the nearest ones) are listed to pick from."""
    container.text_input("Find a region", key="find", on_change=_on_find,
                         placeholder="Name, NUTS code or city: Oulu, itc4, Lombardy",
                         help="Region names in their own language or English, NUTS 0-3 codes, city names.",
                         label_visibility="collapsed" if compact else "visible")
    error = st.session_state.pop("_find_error", None)
    if error:
        container.error(error)
    results = st.session_state.get("_find_results")
    if results:
        text, rows, fuzzy = results
        if fuzzy:
            container.warning(f"Nothing found for “{text}”." + (" Did you mean:" if rows else ""))
        for k, row in enumerate(rows):
            where = f" in {row['open_name']}" if row["open_code"] != row["nuts_code"] else ""
            container.button(f"{row['term']} ({KIND_WORDS.get(row['kind'], row['kind'])}){where} · {row['open_code']}",
                             key=f"find-hit-{k}", on_click=_choose, args=(row,), width="stretch")


def pending_jump() -> None:
    """After a search: open the chosen region (the story outlines it in presentation mode, else its profile)."""
    code = st.session_state.pop("_jump", None)
    if not code:
        return
    if is_presenting() and st.session_state.get("_page") == "story":
        st.query_params["region"] = code
        return
    params = {"region": code}
    if st.query_params.get("period"):
        params["period"] = st.query_params["period"]
    if is_presenting():
        params["present"] = "1"
    st.switch_page(PROFILE_PAGE, query_params=params)


def found_note() -> None:
    note = st.session_state.pop("_found_note", None)
    if note:
        st.info(note)


def unknown_code_warning(text: str, what: str = "region") -> None:
    """A link with a code that names no region: say so with the nearest matches, never show another region."""
    from dashboard import data

    near = data.nearest(text)
    st.warning(f"No {what} with the code or name “{text}” in the atlas (NUTS 2021, EU regions at NUTS 0-3). "
               + ("Nearest matches: " + ", ".join(f"{r.open_name} ({r.open_code})" for r in near.itertuples()) + "."
                  if len(near) else "Use the search box to find a region."))
    cols = st.columns(max(len(near), 1))
    for col, r in zip(cols, near.itertuples()):
        col.page_link(PROFILE_PAGE, label=f"{r.open_name} ({r.open_code})", query_params={"region": r.open_code})


# --- presentation: any page, keyboard steps ---------------------------------------------------------------------
KEYS_JS = """
<script>
(function () {
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  if (doc.__atlasKeys) return;
  doc.__atlasKeys = true;
  doc.addEventListener('keydown', function (e) {
    const t = e.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
    let which = null;
    if (['ArrowRight', 'ArrowDown', 'PageDown', ' ', 'Spacebar'].includes(e.key)) which = 'next';
    if (['ArrowLeft', 'ArrowUp', 'PageUp'].includes(e.key)) which = 'prev';
    if (!which) return;
    const btn = doc.querySelector('.st-key-' + which + ' button');
    if (btn) { e.preventDefault(); if (!btn.disabled) btn.click(); }
  }, true);
})();
</script>
"""


def keyboard_steps() -> None:
    """Arrow keys, Page Up/Down and space (what presentation clickers send) press the Previous / Next buttons."""
    st.html(KEYS_JS, unsafe_allow_javascript=True)


def exit_presentation() -> None:
    st.query_params.pop("present", None)  # the same page and view, in normal type


def presentation_bar() -> None:
    """In presentation mode, on every page: the region jump box and Exit (back to the page and view you were on)."""
    cols = st.columns([5, 1.2], vertical_alignment="center")
    search_box(cols[0], compact=True)
    cols[1].button("Exit presentation", key="exit_present", on_click=exit_presentation, width="stretch")
