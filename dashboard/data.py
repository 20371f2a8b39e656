"""The dashboard's only door to the warehouse: one cached read-only DuckDB connection and cached, parameterised
queries over the marts. Pages never write SQL themselves.

The warehouse path comes from ATLAS_WAREHOUSE (tests point it at their own build) and defaults to
data/warehouse/atlas.duckdb. A rebuilt warehouse (new modification time) gets a new connection and fresh caches.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from pipelines import paths

from .metrics import ALIASES, DEFAULT_METRIC, HEADLINE_METRIC, METRICS

WAREHOUSE_ENV = "ATLAS_WAREHOUSE"


class WarehouseMissing(RuntimeError):
    """The warehouse cannot serve the page (file missing, empty, damaged, locked, or a mart missing): the message
    says what is wrong and what to do. Pages and app.py show it instead of a traceback."""


REBUILD = "Rebuild it with `make warehouse` (or `.venv/bin/python -m pipelines build`), then reload this page."


def friendly_error(exc: BaseException, path: str) -> WarehouseMissing:
    """Any error of opening or querying the warehouse, in words: what is wrong and what to do."""
    text = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
    if isinstance(exc, duckdb.CatalogException):
        return WarehouseMissing(f"The warehouse at {path} lacks a table this page needs ({text}). {REBUILD}")
    if isinstance(exc, (duckdb.IOException, duckdb.SerializationException, duckdb.InvalidInputException,
                        duckdb.InternalException)) or "not a valid DuckDB database" in text:
        if "lock" in text.lower():
            return WarehouseMissing(f"The warehouse at {path} is locked by another program (a build still "
                                    "writing it?). Wait for the build to finish, then reload this page.")
        return WarehouseMissing(f"The warehouse at {path} is empty or damaged and cannot be read ({text}). {REBUILD}")
    if isinstance(exc, PermissionError):
        return WarehouseMissing(f"The warehouse at {path} cannot be read: permission denied. Give the dashboard's "
                                "user read access to the file.")
    if isinstance(exc, OSError):
        return WarehouseMissing(f"The warehouse at {path} cannot be read ({text}). {REBUILD}")
    return WarehouseMissing(f"The warehouse at {path} could not answer this page ({type(exc).__name__}: {text}). "
                            f"{REBUILD}")


def warehouse_path() -> Path:
    return Path(os.environ.get(WAREHOUSE_ENV) or paths.WAREHOUSE)


def version() -> tuple[str, float]:
    """(path, modification time) of the warehouse: part of every cache key, so a rebuild refreshes everything."""
    path = warehouse_path()
    if not path.exists():
        raise WarehouseMissing(f"No warehouse at {path}. Build it with `make warehouse` "
                               f"(or `.venv/bin/python -m pipelines build`).")
    stat = path.stat()
    if stat.st_size == 0:
        raise WarehouseMissing(f"The warehouse at {path} is an empty file (0 bytes). {REBUILD}")
    return str(path), stat.st_mtime


@st.cache_resource(show_spinner=False, max_entries=2)
def _connection(path: str, mtime: float) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path, read_only=True)
    con.execute("SET threads TO 2")
    return con


@st.cache_data(show_spinner=False, max_entries=512)
def _query(path: str, mtime: float, sql: str, params: tuple) -> pd.DataFrame:
    cursor = _connection(path, mtime).cursor()  # a cursor per query: safe across Streamlit's session threads
    try:
        return cursor.execute(sql, list(params)).df()
    finally:
        cursor.close()


def query(sql: str, params: tuple | list = ()) -> pd.DataFrame:
    path, mtime = version()
    try:
        return _query(path, mtime, sql, tuple(params))
    except (duckdb.Error, OSError) as exc:
        raise friendly_error(exc, path) from exc


def has_table(name: str) -> bool:
    return bool(len(query("SELECT 1 FROM information_schema.tables WHERE table_name = ?", (name,))))


# --- build facts, sources -------------------------------------------------------------------------------------
def build_info() -> dict:
    frame = query("SELECT * FROM build_info")
    return frame.iloc[0].to_dict() if len(frame) else {}


def source_catalogue() -> pd.DataFrame:
    return query("SELECT source_id, snapshot, licence, title, publisher, nuts_version, upstream_url "
                 "FROM source_catalogue ORDER BY source_id")


def source_coverage() -> pd.DataFrame:
    return query("""SELECT source_id, sum(rows_read) AS rows_read, sum(rows_kept) AS rows_kept,
                           sum(rows_quarantined) AS rows_quarantined
                    FROM build_source_summary GROUP BY source_id ORDER BY source_id""")


def quarantine_reasons() -> pd.DataFrame:
    return query("""SELECT source_id, reason, count(*) AS rows FROM quarantine
                    GROUP BY ALL ORDER BY rows DESC LIMIT 50""")


# --- pickers ---------------------------------------------------------------------------------------------------
def metric_columns() -> set[str]:
    return set(query("SELECT column_name FROM information_schema.columns WHERE table_name = 'mart_map_metrics'"
                     ).column_name)


def is_method2() -> bool:
    """An atlas-method-2.0 warehouse: coverage is the headline (headline_figure), with its range and basis."""
    return "headline_figure" in metric_columns()


def metric_keys() -> list[str]:
    """The map's metrics this warehouse has (data-driven: method 2.0 adds coverage of declared competences and fit
    and drops the alignment score, which there is 100 × coverage)."""
    columns = metric_columns()
    keys = [k for k, m in METRICS.items() if m.column in columns]
    return [k for k in keys if k != "alignment"] if is_method2() else keys


def metric_key(key: str | None) -> str:
    """A metric key from a link or a story, mapped onto this warehouse's metrics (alignment → coverage in 2.0)."""
    keys = metric_keys()
    key = ALIASES.get(key, key) if key not in keys else key
    return key if key in keys else default_metric()


def default_metric() -> str:
    return HEADLINE_METRIC if is_method2() else DEFAULT_METRIC


def periods() -> list[str]:
    return query("SELECT DISTINCT period FROM mart_map_metrics ORDER BY period")["period"].tolist()


def countries() -> pd.DataFrame:
    return query("SELECT nuts_code AS country_code, name FROM mart_region_directory WHERE level = 0 ORDER BY nuts_code")


def regions(level: int | None = None, country: str | None = None) -> pd.DataFrame:
    return query("""SELECT nuts_code, level, name, country_code, parent_code FROM mart_region_directory
                    WHERE (? IS NULL OR level = ?) AND (? IS NULL OR country_code = ?) ORDER BY level, nuts_code""",
                 (level, level, country, country))


def region(nuts_code: str) -> dict | None:
    frame = query("SELECT * FROM mart_region_directory WHERE nuts_code = ?", (nuts_code,))
    return frame.iloc[0].to_dict() if len(frame) else None


def domains() -> pd.DataFrame:
    return query("SELECT domain_code, facet, label FROM domains ORDER BY facet DESC, label")


def hub_types() -> list[str]:
    return query("SELECT DISTINCT hub_type FROM mart_hub_points WHERE hub_type IS NOT NULL ORDER BY 1")["hub_type"].tolist()


# --- map -------------------------------------------------------------------------------------------------------
def map_values(level: int, period: str, metric_key: str, hub_type: str = "all", domain: str = "all",
               country: str | None = None) -> pd.DataFrame:
    """One row per region: name, the metric's value (with the filters applied where they change the metric) and
    the key figures shown on hover."""
    metric = METRICS[metric_key]
    if not metric.by_hub_type:
        hub_type = "all"
    if not metric.by_domain:
        domain = "all"
    filtered = hub_type != "all" or domain != "all"
    value_sql = metric.filtered_sql if filtered else f"m.{metric.column}"  # SQL text from METRICS only
    extra = "".join(f", m.{c}" for c in ("basis", "coverage_label", "is_ranked") if c in metric_columns())
    return query(f"""
        SELECT m.nuts_code, m.name, m.country_code, {value_sql} AS value{extra},
               m.alignment_score, m.n_hubs, m.n_priorities, m.coverage_pct, m.no_score_reason,
               w.no_data_reason, s.domain_code IS NOT NULL AS is_priority
        FROM mart_map_metrics m
        LEFT JOIN mart_region_why w ON w.nuts_code = m.nuts_code AND w.period = m.period
        LEFT JOIN mart_map_hub_counts h ON h.nuts_code = m.nuts_code AND h.hub_type = ? AND h.domain_code = ?
        LEFT JOIN mart_map_domain_status s ON s.nuts_code = m.nuts_code AND s.period = m.period
             AND s.domain_code = ?
        WHERE m.level = ? AND m.period = ? AND (? IS NULL OR m.country_code = ?)
        ORDER BY m.nuts_code""", (hub_type, domain, domain, level, period, country, country))


def map_regions(level: int) -> pd.DataFrame:
    """EU regions of a level with their names (regions without any metric row are drawn as 'no data')."""
    return query("SELECT nuts_code, name, country_code FROM mart_region_directory WHERE level = ? ORDER BY nuts_code",
                 (level,))


@st.cache_resource(show_spinner=False, max_entries=16)  # shared, never copied: callers must not modify it
def _geometry(path: str, mtime: float, level: int) -> dict:
    frame = _query(path, mtime, """SELECT nuts_code, view, inset_code, inset_name, geojson, lon_min, lat_min, lon_max,
               lat_max
        FROM mart_map_geometry WHERE level = ? OR (level = 0 AND view <> 'inset')
        ORDER BY view, nuts_code, inset_code""", (level,))
    out: dict = {"main": {}, "context": {}, "countries": {}, "insets": [], "bounds": {}}
    for row in frame.itertuples():
        geometry = json.loads(row.geojson)
        if row.view == "main" and len(row.nuts_code) == 2:
            out["countries"][row.nuts_code] = geometry  # EU countries, context around a country filter
        if row.view == "main" and len(row.nuts_code) != 2 + level:
            continue
        if row.view == "inset":
            out["insets"].append({"territory": row.inset_code, "name": row.inset_name, "nuts_code": row.nuts_code,
                                  "geometry": geometry, "box": (row.lon_min, row.lat_min, row.lon_max, row.lat_max)})
        else:
            out[row.view][row.nuts_code] = geometry
            out["bounds"][row.nuts_code] = (row.lon_min, row.lat_min, row.lon_max, row.lat_max)
    return out


def map_geometry(level: int) -> dict:
    """{'main': {code: geometry} of the level, 'context': non-EU countries, 'countries': EU countries,
    'insets': [{territory, name, nuts_code, geometry (already moved into its box), box}], 'bounds': {code: bbox}}"""
    path, mtime = version()
    try:
        return _geometry(path, mtime, level)
    except (duckdb.Error, OSError) as exc:
        raise friendly_error(exc, path) from exc


def hub_points(hub_type: str = "all", domain: str = "all", country: str | None = None) -> pd.DataFrame:
    return query("""SELECT hub_id, name, hub_type, country_code, nuts2_code, lon, lat FROM mart_hub_points
                    WHERE (? = 'all' OR hub_type = ?) AND (? = 'all' OR list_contains(domain_codes, ?))
                      AND (? IS NULL OR country_code = ?)""",
                 (hub_type, hub_type, domain, domain, country, country))


# --- region profile --------------------------------------------------------------------------------------------
def region_metrics(nuts_codes: list[str], period: str) -> pd.DataFrame:
    return query("SELECT * FROM mart_map_metrics WHERE list_contains(?, nuts_code) AND period = ? ORDER BY nuts_code",
                 (nuts_codes, period))


def region_priorities(nuts_code: str, period: str) -> pd.DataFrame:
    return query("""SELECT relation, strategy_id, strategy_nuts_code, priority_id, priority_no, title, title_original,
                           domains, confidence, source_url, source_kind
                    FROM mart_region_priorities WHERE nuts_code = ? AND period = ?
                    ORDER BY CASE relation WHEN 'national' THEN 0 ELSE 1 END, strategy_id, priority_no""",
                 (nuts_code, period))


def priority_domains(priority_ids: list[str]) -> pd.DataFrame:
    return query("""SELECT priority_id, domain_code, domain_label, facet, method, evidence, weight
                    FROM mart_priority_domains WHERE list_contains(?, priority_id) ORDER BY priority_id, domain_label""",
                 (priority_ids,))


def region_hubs(nuts_code: str) -> pd.DataFrame:
    """The hubs the alignment counts in a region (hub_service_membership: located or serving), as on the map."""
    return query("""SELECT hub_id, name, title, hub_type, nuts2_code, placement_method, placement_confidence, website,
                           merged_hub_ids
                    FROM mart_region_hubs
                    WHERE hub_id IN (SELECT hub_id FROM hub_service_membership WHERE nuts_code = ?)
                    ORDER BY hub_type, name""", (nuts_code,))


def hub_competences(hub_ids: list[str]) -> pd.DataFrame:
    return query("""SELECT hub_id, domain_code, domain_label, facet, level, source, evidence FROM mart_hub_competences
                    WHERE list_contains(?, hub_id) ORDER BY hub_id, level DESC""", (hub_ids,))


def region_gaps(nuts_code: str, period: str) -> pd.DataFrame:
    return query("""SELECT priority_id, priority_title AS priority, relation, domain_code, domain_label AS domain,
                           status, local_hubs, best_local_level, nearest_hub_id, nearest_hub_name AS nearest_hub,
                           nearest_hub_distance_km
                    FROM gaps WHERE nuts_code = ? AND period = ?
                    ORDER BY CASE status WHEN 'uncovered' THEN 0 WHEN 'weak' THEN 1 ELSE 2 END, priority_title,
                             domain_label""", (nuts_code, period))


def partner_suggestions(nuts_code: str, period: str) -> pd.DataFrame:
    return query("""SELECT domain_label AS domain, rank, hub_name AS hub, hub_type, hub_country_code AS country,
                           hub_nuts2_code AS nuts2_code, round(distance_km) AS distance_km, round(score, 3) AS score,
                           reasons, domain_code, hub_id
                    FROM partner_suggestions WHERE nuts_code = ? AND period = ? ORDER BY domain_label, rank""",
                 (nuts_code, period))


def policy_alignment(nuts_code: str, period: str) -> pd.DataFrame:
    return query("""SELECT p.relation, p.domain_label AS domain, d.facet, p.domain_code FROM policy_alignment p
                    LEFT JOIN domains d USING (domain_code)
                    WHERE p.nuts_code = ? AND p.period = ? ORDER BY p.relation, p.domain_label""", (nuts_code, period))


def unaligned_competences(nuts_code: str, period: str) -> pd.DataFrame:
    return query("""SELECT hub_name AS hub, hub_type, domain_label AS domain, domain_facet AS facet,
                           level_of_competence, competence_source, hub_id, domain_code
                    FROM unaligned_competences WHERE nuts_code = ? AND period = ? ORDER BY hub, domain""",
                 (nuts_code, period))


# --- gap tables and exports ------------------------------------------------------------------------------------
def gap_overview(period: str, level: int, country: str | None) -> pd.DataFrame:
    return query("""
        WITH g AS (SELECT nuts_code, count(*) FILTER (WHERE status = 'uncovered') AS uncovered_links,
                          count(*) FILTER (WHERE status = 'weak') AS weak_links,
                          count(*) FILTER (WHERE status = 'covered') AS covered_links
                   FROM gaps WHERE period = ? GROUP BY nuts_code)
        SELECT m.nuts_code, m.name, m.country_code, m.alignment_score, m.coverage_pct / 100 AS coverage,
               m.focus_pct / 100 AS focus,
               m.n_priorities, m.n_uncovered_priorities, m.n_hubs, m.n_edih, m.hubs_per_million,
               g.covered_links, g.weak_links, g.uncovered_links, m.rank_in_country, m.rank_in_eu
        FROM mart_map_metrics m LEFT JOIN g USING (nuts_code)
        WHERE m.period = ? AND m.level = ? AND (? IS NULL OR m.country_code = ?)
        ORDER BY m.alignment_score DESC NULLS LAST""", (period, period, level, country, country))


def country_gaps(period: str, level: int, country: str | None, statuses: tuple[str, ...]) -> pd.DataFrame:
    """One row per region × applicable priority × domain with its status, for a country (or the EU)."""
    return query("""SELECT nuts_code, region_name, priority_title AS priority, relation, domain_label AS domain, status,
                           local_hubs, best_local_level, nearest_hub_id, nearest_hub_name AS nearest_hub,
                           round(nearest_hub_distance_km) AS nearest_hub_distance_km, priority_id, domain_code
                    FROM gaps
                    WHERE period = ? AND level = ? AND (? IS NULL OR country_code = ?) AND list_contains(?, status)
                    ORDER BY nuts_code, CASE status WHEN 'uncovered' THEN 0 WHEN 'weak' THEN 1 ELSE 2 END,
                             priority_title, domain_label""", (period, level, country, country, list(statuses)))


@st.cache_data(show_spinner=False, max_entries=64)
def _export_bytes(path: str, mtime: float, country: str | None, fmt: str) -> bytes:
    from pipelines import export  # the export CLI's own code, so downloads and CLI files are byte-for-byte alike

    cursor = _connection(path, mtime).cursor()
    try:
        return export.to_bytes(export.export_frames(cursor, country), fmt)
    finally:
        cursor.close()


def export_bytes(country: str | None, fmt: str) -> bytes:
    """The export file for a country (None: EU-wide): xlsx workbook, or a zip of csv / parquet files."""
    path, mtime = version()
    try:
        return _export_bytes(path, mtime, country, fmt)
    except (duckdb.Error, OSError) as exc:
        raise friendly_error(exc, path) from exc


def export_problem() -> str | None:
    """Why the export files cannot be made now (a mart missing, the warehouse unreadable), or None."""
    from pipelines import export

    try:
        for mart, columns, _ in export.TABLES.values():
            if not has_table(mart):
                return (f"The export needs the table {mart}, which this warehouse lacks. "
                        "Rebuild it with `make warehouse`, then reload this page.")
    except WarehouseMissing as exc:
        return str(exc)
    return None


def export_file_name(country: str | None, fmt: str) -> str:
    return f"s3-hub-atlas_{country or 'EU'}_{fmt}.{'xlsx' if fmt == 'xlsx' else 'zip'}"


# --- search, explanations ----------------------------------------------------------------------------------------
SEARCH_COLUMNS = "term, kind, nuts_code, level, region_name, country_code, open_code, open_name"


def search(text: str, limit: int = 8) -> pd.DataFrame:
    """Regions matching what a person typed: NUTS 0-3 codes in any case, names in their own language or English,
    city names (mapped to their region). Exact matches first, then prefixes, then names containing the text."""
    key = (text or "").strip()[:100]
    if not key:
        return pd.DataFrame(columns=SEARCH_COLUMNS.split(", ") + ["how", "kind_order"])
    return query(f"""
        WITH k AS (SELECT lower(strip_accents(?)) AS key)
        SELECT {SEARCH_COLUMNS}, how, kind_order FROM (
            SELECT s.*, row_number() OVER (PARTITION BY s.open_code ORDER BY s.term_key = k.key DESC, s.kind_order,
                                                    length(s.term)) AS n,
                   CASE WHEN s.term_key = k.key THEN 0 WHEN starts_with(s.term_key, k.key) THEN 1 ELSE 2 END AS how
            FROM mart_search_index s, k
            WHERE s.term_key = k.key OR starts_with(s.term_key, k.key)
               OR (length(k.key) >= 4 AND contains(s.term_key, k.key) AND s.kind <> 'city'))
        WHERE n = 1
        ORDER BY how, kind_order, length(term), term LIMIT ?""", (key, limit))


def nearest(text: str, limit: int = 5) -> pd.DataFrame:
    """The regions whose codes or names are closest to a mistyped text (Jaro-Winkler similarity)."""
    key = (text or "").strip()[:100]
    return query(f"""
        WITH k AS (SELECT lower(strip_accents(?)) AS key)
        SELECT {SEARCH_COLUMNS}, similarity FROM (
            SELECT s.*, jaro_winkler_similarity(s.term_key, k.key) AS similarity,
                   row_number() OVER (PARTITION BY s.open_code
                                      ORDER BY jaro_winkler_similarity(s.term_key, k.key) DESC) AS n
            FROM mart_search_index s, k WHERE s.kind <> 'city' AND s.level <= 2)
        WHERE n = 1 ORDER BY similarity DESC, length(term) LIMIT ?""", (key, limit))


def resolve_region(text: str | None) -> tuple[str | None, str | None]:
    """(NUTS 0-2 code to open, note) for a code typed or linked in any case; a NUTS 3 code opens its NUTS 2 parent
    with a note. Unknown codes → (None, None): the caller warns with the nearest matches, never another region."""
    if not text:
        return None, None
    code = str(text).strip().upper()
    if region(code):
        return code, None
    hit = query("""SELECT nuts_code, region_name, open_code, open_name FROM mart_search_index
                   WHERE kind = 'code' AND term_key = lower(?) LIMIT 1""", (code,))
    if len(hit):
        r = hit.iloc[0]
        return r.open_code, (f"{r.region_name} ({r.nuts_code}) is a NUTS 3 region; the atlas works at NUTS 0-2, so "
                             f"its NUTS 2 region {r.open_name} ({r.open_code}) is shown.")
    return None, None


def region_why(nuts_code: str, period: str) -> dict:
    frame = query("SELECT why_text, no_data_reason FROM mart_region_why WHERE nuts_code = ? AND period = ?",
                  (nuts_code, period))
    return frame.iloc[0].to_dict() if len(frame) else {}


def hub_names() -> dict[str, str]:
    frame = query("SELECT hub_id, name FROM mart_region_hubs")
    return dict(zip(frame.hub_id, frame.name))


def metric_range(level: int, period: str, column: str) -> tuple[float, float]:
    """(0, EU-wide maximum) of a metric at a level and period: the same colours in every view and country."""
    frame = query(f"SELECT max({column}) AS hi FROM mart_map_metrics WHERE level = ? AND period = ?", (level, period))
    hi = frame.iloc[0].hi if len(frame) else None
    return 0.0, float(hi) if hi is not None and not pd.isna(hi) and hi > 0 else 1.0
