"""Exports of the alignment marts for people without a browser, and the same files for the dashboard's downloads.

- `export_frames(con, country)`: the tables of one country (or EU-wide when `country` is None) — regions, gaps,
  partner_suggestions, unaligned_competences — plus a README table (method version, data snapshot dates, NUTS version,
  sources and licences), read from the warehouse marts only.
- `to_bytes(frames, fmt)`: one xlsx workbook (README sheet first) or a zip of csv / parquet files (README.md and
  README.<fmt> included). Text cells that begin with =, +, -, @, a tab or a carriage return are prefixed with a single
  quote so no spreadsheet runs them as formulas.
- `export(country, fmt, out, warehouse)`: what `python -m pipelines export` calls; writes files and returns their paths.
"""
from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from . import columns as column_dictionary
from . import explain
from . import export_target, method, paths
from .errors import PipelineError

FORMATS = ("xlsx", "csv", "parquet")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
COUNTRY_ALIASES = {"GR": "EL", "GB": "UK"}  # ISO codes people type → the Eurostat codes NUTS uses

# table in the export → (mart, columns in order, sort order). Every mart row carries method_version.
TABLES: dict[str, tuple[str, list[str], str]] = {
    "regions": ("region_alignment", [
        "nuts_code", "name", "level", "country_code", "period", "headline_figure", "coverage_all", "coverage_label",
        "coverage_declared", "coverage_low", "coverage_high", "fit", "basis", "why_text", "is_ranked",
        "not_ranked_reason", "rank_in_country", "rank_in_eu", "n_tied_in_eu", "alignment_score", "coverage", "focus",
        "no_score_reason", "hub_note", "coverage_note", "low_confidence_weight_share", "n_priorities",
        "n_priority_domains", "n_domains_covered", "n_domains_weak", "n_domains_uncovered", "n_hubs",
        "n_hubs_located", "n_edih", "n_seal", "n_dih", "n_dep_funded_edih", "hubs_per_million", "population",
        "erdf_to01_eur", "erdf_to02_eur", "erdf_planned_basis", "erdf_payments_eur", "erdf_payments_per_inh",
        "h2020_ec_eur", "h2020_nuts_share", "method_version"], "level, nuts_code, period"),
    "gaps": ("gaps", [
        "nuts_code", "region_name", "level", "period", "strategy_id", "relation", "priority_id", "priority_title",
        "domain_code", "domain_label", "status", "local_hubs", "local_hub_names", "best_local_level", "nearest_hub_id",
        "nearest_hub_name", "nearest_hub_distance_km", "method_version"], "level, nuts_code, period, priority_id, domain_code"),
    "partner_suggestions": ("partner_suggestions", [
        "nuts_code", "region_name", "level", "period", "domain_code", "domain_label", "rank", "hub_id", "hub_name",
        "hub_type", "hub_country_code", "hub_nuts2_code", "hub_website", "score", "reasons", "competence_level",
        "distance_km", "method_version", "suggestion_type", "rule", "evidence_grade", "is_associated_country"],
                            "level, nuts_code, period, domain_code, rank"),
    "unaligned_competences": ("unaligned_competences", [
        "nuts_code", "region_name", "level", "period", "hub_id", "hub_name", "hub_type", "domain_code",
        "domain_label", "level_of_competence", "competence_source", "method_version"],
                              "level, nuts_code, period, hub_id, domain_code"),
}

CAVEATS = [
    "Hub competences are self-declared by the hubs (EDIH catalogue levels 1-5) or inferred from descriptions.",
    "Horizon 2020 money is placed by the organisation's registered address; only part of it has a region "
    "(h2020_nuts_share shows the placed share of the country's money).",
    "S3 priority lists are partial for some strategies (see the data-quality report).",
    "No Digital Europe amounts per EDIH exist in open data: only which hubs are Digital Europe-funded EDIHs.",
    "ERDF figures are 2014-2020 planned amounts and 2014-2023 payments; 2021-2027 ERDF per region is not available.",
]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def valid_countries(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT DISTINCT country_code FROM region_alignment WHERE country_code IS NOT NULL ORDER BY 1").fetchall()]


def normalise_country(con: duckdb.DuckDBPyConnection, country: str | None) -> str | None:
    """The Eurostat country code for `country` (None → EU-wide); unknown codes → PipelineError listing valid ones."""
    if country is None or str(country).strip().upper() in ("", "EU", "EU27", "ALL"):
        return None
    code = COUNTRY_ALIASES.get(str(country).strip().upper(), str(country).strip().upper())
    valid = valid_countries(con)
    if code not in valid:
        raise PipelineError(f"unknown country code {country!r}: valid codes are {', '.join(valid)} "
                            "(Eurostat codes, EL for Greece), or omit --country for the whole EU")
    return code


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) with a single quote.
    The one neutralisation of the project: every file it writes (export CLI, the dashboard's Export buttons, every
    per-table download, what-if downloads) passes through here, via `to_bytes` or `csv_bytes`."""
    out = frame.copy()
    out.columns = [("'" + c if isinstance(c, str) and c.startswith(FORMULA_PREFIXES) else c) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v)
    return out


MISSING_TEXT = ("nan", "NaN", "None", "<NA>", "NaT")


def blank_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that only spell a missing value ('nan', 'None' … left by an upstream conversion) become empty."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: None if isinstance(v, str) and v.strip() in MISSING_TEXT else v)
    return out


def plain_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Whole-number float columns (a NULL made pandas read BIGINT as float) back to integers, so files say
    5005851340, not 5005851340.0; missing values stay empty, never 'nan' or 'None'."""
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_float_dtype(series):
            finite = series.dropna()
            if len(finite) and (finite == finite.round()).all() and finite.abs().max() < 2 ** 53:
                out[col] = series.astype("Int64")
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A CSV file of `frame`: formulas neutralised, UTF-8 with a byte-order mark (Excel reads Andalucía right),
    plain numbers (no 5005851340.0, no 1e+09), empty cells for missing values."""
    safe = plain_numbers(blank_missing(neutralise_formulas(frame)))
    return safe.to_csv(index=False, float_format="%.15g", na_rep="").encode("utf-8-sig")


def readme_frame(con: duckdb.DuckDBPyConnection, country: str | None, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    info = con.execute("SELECT method_version, nuts_version, built_at FROM build_info LIMIT 1").fetchone()
    method_version, nuts_version, built_at = info if info else (None, None, None)
    rows = [
        ("title", "S3 Hub Atlas: alignment of Digital Innovation Hubs with smart-specialisation priorities"),
        ("scope", f"country {country}" if country else "EU-wide"),
        ("method_version", method_version),
        ("nuts_version", f"NUTS {nuts_version}"),
        ("warehouse_built_at", str(built_at)),
        ("exported_at", datetime.now(timezone.utc).isoformat(timespec="seconds")),
        ("methodology", "docs/methodology.md in the S3 Hub Atlas repository (every formula, threshold and weight)"),
        ("method:headline", "coverage_all (= coverage; alignment_score = 100 x coverage_all): weighted share of a "
                            "region's S3 priority domains covered by a hub SERVING the region (address, declared, "
                            f"national or assumed area) at competence level >= {method.COVERED_LEVEL}; "
                            "'Digital transformation (general)' is left out"),
        ("method:coverage_declared", "the same on the levels EDIHs declared in the catalogue only"),
        ("method:coverage_low/high", "smallest / largest coverage across the documented alternative readings "
                                     "(method_sensitivity)"),
        ("method:fit", "share of the serving hubs' competence in the region's priority domains / the share expected "
                       "for those domains from the EU-wide distribution (> 1: hubs lean towards the priorities)"),
        ("method:focus", "share of the serving hubs' competence levels that fall in the region's priority domains"),
        ("method:ranks", "only regions with enough evidence are ranked (is_ranked; not_ranked_reason says why); "
                         "by coverage in whole percent, ties share a rank"),
        ("method:partner_score", f"{method.PARTNER_POINTS_PER_LEVEL:g} x competence level + "
                                 f"{method.PARTNER_DECLARED_POINTS:g} declared level + "
                                 f"{method.PARTNER_PROXIMITY_POINTS:g} x (1 - km / {method.PARTNER_MAX_DISTANCE_KM:g})"
                                 f" + {method.PARTNER_SAME_COUNTRY_POINTS:g} same country + "
                                 f"{method.PARTNER_NEIGHBOUR_POINTS:g} bordering region + "
                                 f"{method.PARTNER_DEP_FUNDED_POINTS:g} Digital Europe-funded EDIH (max 100); hubs in "
                                 f"the EU or Digital Europe associated countries within "
                                 f"{method.PARTNER_MAX_DISTANCE_KM:g} km or next door"),
    ]
    rows += [(f"table:{name}", f"{len(frame):,} rows — {TABLE_MEANING[name]}") for name, frame in tables.items()]
    rows += [("table:columns", "every column of every table with its label, unit and one-line meaning"),
             ("how_to_filter", "every table has a `level` column (0 = country, 1 = major region, 2 = region) and a "
                               "`period` column: use the filter arrows in the header row to keep one level and one "
                               "period"),
             ("units", "shares (coverage, focus) are fractions 0-1 shown as % in Excel; amounts are exact euros "
                       "(rounded only on screen); distances in km; empty cells mean 'no data'")]
    for source_id, title, snapshot, licence, publisher in con.execute(
            "SELECT source_id, title, snapshot, licence, publisher FROM source_catalogue ORDER BY source_id").fetchall():
        rows.append((f"source:{source_id}", f"{title} — {publisher}; snapshot {snapshot}; licence: {licence}"))
    rows += [(f"caveat:{i}", text) for i, text in enumerate(CAVEATS, start=1)]
    return pd.DataFrame(rows, columns=["field", "value"])


TABLE_MEANING = {
    "regions": "coverage (headline) with its range, fit, ranks, hubs and funding per region (NUTS 0-2) and period",
    "gaps": "each applicable priority domain of a region: covered / weak / uncovered, local hubs, nearest hub outside",
    "partner_suggestions": "top 5 hubs elsewhere for each uncovered or weak region × domain, with score and reasons",
    "unaligned_competences": "hub competences in a region that match none of its priority domains",
}


def export_frames(con: duckdb.DuckDBPyConnection, country: str | None) -> dict[str, pd.DataFrame]:
    """The export tables of one country (Eurostat code; None = EU-wide) and a README table, formulas neutralised."""
    code = normalise_country(con, country)
    frames: dict[str, pd.DataFrame] = {}
    for name, (mart, columns, order) in TABLES.items():
        present = {r[0] for r in con.execute(f"DESCRIBE {_quote(mart)}").fetchall()}
        select = ", ".join(_quote(c) for c in columns if c in present)
        where = "WHERE left(nuts_code, 2) = ?" if code else ""
        frames[name] = con.execute(f"SELECT {select} FROM {_quote(mart)} {where} ORDER BY {order}",
                                   [code] if code else []).df()
    if "local_hubs" in frames["gaps"]:  # hub names beside the IDs
        names = dict(con.execute("SELECT hub_id, name FROM hubs_deduplicated").fetchall())
        gaps = frames["gaps"]
        gaps.insert(list(gaps.columns).index("local_hubs") + 1, "local_hub_names",
                    gaps["local_hubs"].map(lambda t: explain.hub_list_names(t, names)))
    why = _region_why(con)
    if why is not None:
        regions = frames["regions"].drop(columns=["why_text"], errors="ignore")
        regions = regions.merge(why, on=["nuts_code", "period"], how="left")
        order = [c for c in TABLES["regions"][1] if c in regions.columns]
        frames["regions"] = regions[order]
    result = {"README": readme_frame(con, code, frames), **frames,
              "columns": column_dictionary.dictionary_frame({n: list(f.columns) for n, f in frames.items()})}
    return {name: neutralise_formulas(frame) for name, frame in result.items()}


def _region_why(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    """The 'why this figure' sentence per region × period (mart_region_why), when the warehouse has it."""
    present = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'mart_region_why'"
                          ).fetchone()[0]
    return con.execute("SELECT nuts_code, period, why_text FROM mart_region_why").df() if present else None


def readme_markdown(readme: pd.DataFrame) -> str:
    lines = ["# S3 Hub Atlas export", ""]
    lines += [f"- **{field}**: {value}" for field, value in readme.itertuples(index=False)]
    return "\n".join(lines) + "\n"


EXCEL_FORMATS = {"share": "0.0%", "ratio": "0.00", "eur": "€#,##0", "eur_per_inh": "€#,##0.00", "count": "#,##0",
                 "people": "#,##0", "per_million": "#,##0.0", "km": "#,##0", "score": "0.0", "percent": "0.0",
                 "level": "0", "rank": "0", "year": "0"}
TEXT_WIDTHS = {"url": 40, "text": 36, "code": 12}


def _column_width(name: str, unit: str, values: list) -> int:
    longest = max((len(str(v)) for v in values[:500] if v is not None), default=0)
    cap = 60 if unit == "text" else TEXT_WIDTHS.get(unit, 16)
    return int(min(max(len(name) + 2, longest + 2, 8), cap))


def _xlsx_bytes(frames: dict[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per frame, written with xlsxwriter (several times faster than openpyxl). Text is
    written as text (never parsed as a formula, number or URL); missing values as empty cells. Cells are formatted
    by the column dictionary's unit (%, €, thousands), headers frozen and filterable, long text wrapped."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False,
                                            "nan_inf_to_errors": True})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                  "valign": "top"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    number_formats = {unit: workbook.add_format({"num_format": f}) for unit, f in EXCEL_FORMATS.items()}
    for name, frame in frames.items():
        sheet = workbook.add_worksheet(name[:31])
        sheet.write_row(0, 0, [str(c) for c in frame.columns], header)
        sheet.freeze_panes(1, 0)
        if len(frame.columns):
            sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
        for col, column in enumerate(frame.columns):
            series = frame[column]
            unit = column_dictionary.unit(str(column))
            numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
            values = series.astype(object).where(series.notna(), None).tolist()
            if name in ("README", "columns") and not numeric:
                width = 100 if column in ("value", "meaning") else min(
                    max((len(str(v)) for v in values if v is not None), default=8) + 2, 40)
                sheet.set_column(col, col, width, wrap if column in ("value", "meaning") else None)
            else:
                width = _column_width(str(column), unit, values)
                sheet.set_column(col, col, width, number_formats.get(unit) if numeric else
                                 (wrap if unit == "text" and width >= 36 else None))
            for row, value in enumerate(values, start=1):
                if value is None:
                    continue
                if numeric:
                    sheet.write_number(row, col, float(value))
                elif isinstance(value, bool):
                    sheet.write_boolean(row, col, value)
                else:
                    sheet.write_string(row, col, str(value))
    workbook.close()
    return buffer.getvalue()


def _prepared(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Formulas neutralised, missing values blank, README first: what every written file holds."""
    frames = {name: blank_missing(neutralise_formulas(frame)) for name, frame in frames.items()}
    if "README" in frames:
        frames = {"README": frames["README"], **{k: v for k, v in frames.items() if k != "README"}}
    return frames


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise PipelineError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")


def to_bytes(frames: dict[str, pd.DataFrame], fmt: str) -> bytes:
    """xlsx: one workbook, a sheet per frame (README first); csv / parquet: a zip with a file per frame + README.md."""
    _check_format(fmt)
    frames = _prepared(frames)
    if fmt == "xlsx":
        return _xlsx_bytes(frames)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in _file_bytes(frames, fmt).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def file_payloads(frames: dict[str, pd.DataFrame], fmt: str, code: str | None) -> dict[str, bytes]:
    """The files of an export by file name: one workbook for xlsx; README.md plus a file per table for csv / parquet
    (the same bytes as inside `to_bytes`'s zip)."""
    _check_format(fmt)
    frames = _prepared(frames)
    if fmt == "xlsx":
        return {f"{export_target.stem(code)}.xlsx": _xlsx_bytes(frames)}
    return _file_bytes(frames, fmt)


def _file_bytes(frames: dict[str, pd.DataFrame], fmt: str) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    if "README" in frames:
        files["README.md"] = readme_markdown(frames["README"]).encode("utf-8")
    for name, frame in frames.items():
        if fmt == "csv":
            # UTF-8 with a byte-order mark, so spreadsheet programs read accented names right
            files[f"{name}.csv"] = csv_bytes(frame)
        else:
            buffer = io.BytesIO()
            frame.to_parquet(buffer, index=False)
            files[f"{name}.parquet"] = buffer.getvalue()
    return files


def export(country: str | None, fmt: str, out: Path | None, warehouse: Path = paths.WAREHOUSE,
           force: bool = False) -> list[Path]:
    """Write the export of `country` (None = EU-wide) as xlsx (one file) or csv / parquet (a folder of files), after
    the checks of `export_target.check_targets` (no overwrite without `force`, no silent mkdir), atomically. The
    command line's `export` is this function; warehouse errors become `export_target.WarehouseProblem`."""
    _check_format(fmt)
    warehouse = Path(warehouse)
    con = export_target.open_warehouse(warehouse)
    try:
        code = normalise_country(con, country)
        payloads = file_payloads(export_frames(con, code), fmt, code)
    except duckdb.Error as exc:
        raise export_target.warehouse_problem(exc, warehouse) from exc
    finally:
        con.close()
    files, default_folder = export_target.planned_files(fmt, out, code, list(payloads))
    export_target.check_targets(files, force, default_folder)
    try:
        return export_target.write_files(list(payloads.values()), files)
    except OSError as exc:
        raise export_target.write_problem(exc, files) from exc
