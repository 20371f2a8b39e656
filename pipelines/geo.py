"""NUTS geography helpers shared by the conformed steps and the funding conversions.

- `geometry_work(ctx)`: the expensive polygon work (equal-area areas, NUTS 2024 → 2021 overlaps, simplified map
  geometries), computed once per input checksum and cached under data/cache/ as Parquet.
- `convert_to_nuts2021(con, table, code_column, value_columns, from_version)`: converts a table keyed by NUTS codes
  of another version to NUTS 2021 with the `nuts_conversion` table and quarantines the rows it cannot convert.
See docs/geography.md for the method.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import shapely

from . import paths

# Bump when the geometry method changes in a way the source checksum of this file would not reveal.
GEOMETRY_METHOD = "geo-1"
SIMPLIFY_TOLERANCE_DEG = {0: 0.03, 1: 0.025, 2: 0.025, 3: 0.012}  # coverage simplification tolerance per level
COORD_GRID_DEG = 0.001  # coordinates rounded to 3 decimals (~100 m)
MIN_OVERLAP_SHARE = 0.02  # overlaps below 2 % of a region's area are generalisation slivers, not territory
IDENTITY_MIN_SHARE = 0.5  # same code in both versions and ≥50 % of the area overlapping = the same region

EU27 = ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT", "LT",
        "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK")
OUTERMOST_PREFIXES = ("FRY", "PT2", "PT3", "ES7")  # French overseas, Azores, Madeira, Canary Islands
CONVERTIBLE_VERSIONS = ("2010", "2013", "2016", "2021", "2024", "mixed")
# Aggregates that appear in funding files in the place of a region code.
PSEUDO_CODES = {"EU", "EU27", "EU27_2020", "EU28", "EU15", "EA", "EA19", "EA20", "EFTA", "EEA", "NMS", "TOTAL"}


def is_outermost(nuts_code: str | None) -> bool:
    return bool(nuts_code) and nuts_code.startswith(OUTERMOST_PREFIXES)


def is_extra_regio(nuts_code: str) -> bool:
    """Extra-regio codes (BEZ, BEZZ, BEZZZ …): territory outside any region (continental shelf, embassies)."""
    return len(nuts_code) >= 3 and nuts_code[2:] == "Z" * (len(nuts_code) - 2)


def nuts_level(nuts_code: str) -> int:
    return len(nuts_code) - 2


def normalise_name(text: str | None) -> str:
    """Lower case, no accents, letters and digits only, single spaces (for matching region or place names)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("ß", "ss").replace("ø", "o").replace("æ", "ae").replace("đ", "d").replace("ł", "l")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def unconvertible_reason(code: str | None, from_version: str) -> str:
    """Why a code has no NUTS 2021 equivalent, in words (for the quarantine)."""
    if code is None or str(code).strip() == "":
        return "missing NUTS code"
    code = str(code).strip()
    if code.upper() in PSEUDO_CODES:
        return f"pseudo-code {code!r} is an aggregate of countries, not a region: cannot be converted to NUTS 2021"
    if is_extra_regio(code):
        return f"extra-regio code {code!r} (territory outside any region): cannot be converted to NUTS 2021"
    if not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{0,3}", code):
        return f"{code!r} is not a NUTS code"
    return f"NUTS {from_version} code {code!r} has no known NUTS 2021 equivalent"


# --- geometry ------------------------------------------------------------------------------------------------
def _to_laea(geoms: np.ndarray) -> np.ndarray:
    """WGS84 lon/lat → ETRS89-LAEA (EPSG:3035), an equal-area projection for areas in km²."""
    transformer = _laea_transformer()

    def project(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.make_valid(shapely.transform(geoms, project))


@functools.lru_cache(maxsize=1)
def _laea_transformer():
    import pyproj

    return pyproj.Transformer.from_crs(4326, 3035, always_xy=True)


def load_polygons(con: duckdb.DuckDBPyConnection, version: str, levels=(0, 1, 2, 3)) -> pd.DataFrame:
    frame = con.execute("""
        SELECT nuts_code, level, country_code, geometry_wkb FROM staging.stg_nuts_regions
        WHERE nuts_version = ? AND list_contains(?, level) ORDER BY level, nuts_code""",
                        [version, list(levels)]).df()
    frame["geometry"] = shapely.from_wkb([bytes(b) for b in frame.pop("geometry_wkb")])
    return frame


def _cache_key(ctx) -> str:
    digest = hashlib.sha256(GEOMETRY_METHOD.encode())
    for raw in ctx.sources["nuts_geometries"].files:
        digest.update((raw.path + (raw.sha256 or "")).encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:20]


@dataclass
class GeometryWork:
    areas: pd.DataFrame  # nuts_version, nuts_code, level, area_km2, inner_lon, inner_lat (a point inside)
    # level, from_code (2024), to_code (2021), overlap_km2, from_km2, to_km2; a 2024 region overlapping its
    # same-code 2021 region by ≥ IDENTITY_MIN_SHARE has only that row (its other overlaps are never read)
    overlaps: pd.DataFrame
    simplified: pd.DataFrame  # nuts_code, level, geojson (NUTS 2021, coverage-simplified, rounded)
    cache_hit: bool


def geometry_work(ctx) -> GeometryWork:
    """The polygon work every geography step needs, cached by the checksums of the NUTS files and this module."""
    cached = ctx.notes.get("geometry_work")
    if cached is not None:
        return cached
    folder = paths.CACHE / f"nuts-geometry-{_cache_key(ctx)}"
    names = ("areas", "overlaps", "simplified")
    if all((folder / f"{n}.parquet").exists() for n in names):
        work = GeometryWork(*(pd.read_parquet(folder / f"{n}.parquet") for n in names), cache_hit=True)
    else:
        work = _compute_geometry_work(ctx.con)
        for stale in paths.CACHE.glob("nuts-geometry-*"):  # caches of older inputs or code
            if stale != folder and stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        for n in names:
            tmp = folder / f"{n}.parquet.tmp-{os.getpid()}"  # concurrent builds never share a temp file
            getattr(work, n).to_parquet(tmp, index=False)
            tmp.replace(folder / f"{n}.parquet")
    ctx.notes["geometry_work"] = work
    return work


def _compute_geometry_work(con) -> GeometryWork:
    r21, r24 = load_polygons(con, "2021"), load_polygons(con, "2024")
    with ThreadPoolExecutor(1) as pool:  # shapely releases the GIL: the map shapes are simplified on another core
        simplified = pool.submit(_simplified_map_shapes, r21)
        areas, overlaps = _areas_and_overlaps(r21, r24)
        return GeometryWork(areas, overlaps, simplified.result(), cache_hit=False)


def _areas_and_overlaps(r21: pd.DataFrame, r24: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    p21, p24 = _to_laea(r21.geometry.values), _to_laea(r24.geometry.values)
    km2_21, km2_24 = shapely.area(p21) / 1e6, shapely.area(p24) / 1e6
    areas = []
    for version, frame, km2 in (("2021", r21, km2_21), ("2024", r24, km2_24)):
        inner = shapely.point_on_surface(frame.geometry.values)
        areas.append(pd.DataFrame({
            "nuts_version": version, "nuts_code": frame.nuts_code, "level": frame.level, "area_km2": km2,
            "inner_lon": shapely.get_x(inner), "inner_lat": shapely.get_y(inner)}))
    areas = pd.concat(areas, ignore_index=True)

    overlaps = []
    for level in (0, 1, 2, 3):
        i21 = np.flatnonzero(r21.level.values == level)
        i24 = np.flatnonzero(r24.level.values == level)
        src, dst = shapely.STRtree(p21[i21]).query(p24[i24], predicate="intersects")
        src, dst = i24[src], i21[dst]
        from_code, to_code = r24.nuts_code.values[src], r21.nuts_code.values[dst]
        inter = np.full(len(src), np.nan)
        same = from_code == to_code
        inter[same] = shapely.area(shapely.intersection(p24[src[same]], p21[dst[same]])) / 1e6
        # a region that continued unchanged (same code, mostly the same polygon) needs no other overlap
        unchanged = from_code[same][inter[same] / km2_24[src[same]] >= IDENTITY_MIN_SHARE]
        rest = ~same & ~pd.Series(from_code).isin(unchanged).to_numpy()
        inter[rest] = shapely.area(shapely.intersection(p24[src[rest]], p21[dst[rest]])) / 1e6
        keep = same | rest
        overlaps.append(pd.DataFrame({
            "level": level, "from_code": from_code[keep], "to_code": to_code[keep], "overlap_km2": inter[keep],
            "from_km2": km2_24[src[keep]], "to_km2": km2_21[dst[keep]]}))
    overlaps = pd.concat(overlaps, ignore_index=True)
    return areas, overlaps[overlaps.overlap_km2 > 0].reset_index(drop=True)


def _simplified_map_shapes(r21: pd.DataFrame) -> pd.DataFrame:
    simplified = []
    for level in (0, 1, 2, 3):
        part = r21[r21.level == level]
        # coverage_simplify simplifies every shared border once, so neighbours stay gap- and overlap-free
        geoms = shapely.coverage_simplify(part.geometry.values, tolerance=SIMPLIFY_TOLERANCE_DEG[level])
        geoms = shapely.set_precision(geoms, COORD_GRID_DEG)
        simplified.append(pd.DataFrame({"nuts_code": part.nuts_code.values, "level": level,
                                        "geojson": shapely.to_geojson(geoms)}))
    return pd.concat(simplified, ignore_index=True)


# --- conversion of tables ------------------------------------------------------------------------------------
def convert_to_nuts2021(con: duckdb.DuckDBPyConnection, table: str, code_column: str, value_columns: list[str],
                        from_version: str, *, source_id: str | None = None, stage: str = "conformed",
                        quarantine: bool = True) -> pd.DataFrame:
    """Rows of `table` with `code_column` converted to NUTS 2021 codes via `nuts_conversion`.

    A row whose code maps to several 2021 regions is split: one output row per target region, every column in
    `value_columns` multiplied by the conversion weight (so additive values such as EUR or persons keep their
    totals). Added columns: `<code_column>_original`, `conversion_weight`, `conversion_method`. Non-additive
    columns (rates, shares) must not be listed in `value_columns`: they are copied unchanged.
    `from_version`: '2013' | '2016' | '2021' | '2024' | '2010' | 'mixed' (codes of several versions: a code is read as
    2021 if it exists there, else 2024, 2016, 2013, 2010). Rows whose code cannot be converted (pseudo-codes such
    as EU28 or EFTA, extra-regio, unknown codes, empty) are written to `quarantine` with the reason and left out.
    """
    if from_version not in CONVERTIBLE_VERSIONS:
        raise ValueError(f"from_version must be one of {CONVERTIBLE_VERSIONS}, not {from_version!r}")
    columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    for col in [code_column, *value_columns]:
        if col not in columns:
            raise ValueError(f"{table} has no column {col!r} (columns: {', '.join(columns)})")
    q = lambda name: '"' + name.replace('"', '""') + '"'  # noqa: E731 — identifier quoting
    passthrough = ", ".join(f"t.{q(c)}" for c in columns if c != code_column and c not in value_columns)
    scaled = ", ".join(f"t.{q(c)} * c.weight AS {q(c)}" for c in value_columns)
    select = ", ".join(s for s in [passthrough, f"c.to_code AS {q(code_column)}",
                                   f"t.{q(code_column)} AS {q(code_column + '_original')}",
                                   "c.weight AS conversion_weight", "c.method AS conversion_method", scaled] if s)
    converted = con.execute(f"""
        SELECT {select} FROM {table} t
        JOIN nuts_conversion c ON c.from_version = ? AND c.from_code = trim(t.{q(code_column)})""",
                            [from_version]).df()
    if quarantine:
        rejected = con.execute(f"""
            SELECT * FROM {table} t WHERE NOT EXISTS (
                SELECT 1 FROM nuts_conversion c WHERE c.from_version = ? AND c.from_code = trim(t.{q(code_column)}))""",
                               [from_version]).df()
        if not rejected.empty:
            line = rejected["source_line"] if "source_line" in rejected else pd.Series([None] * len(rejected))
            rows = [(stage, source_id or table, table, None if pd.isna(ln) else int(ln),
                     unconvertible_reason(None if pd.isna(code) else code, from_version),
                     json.dumps(rec, default=str, ensure_ascii=False))
                    for code, ln, rec in zip(rejected[code_column], line, rejected.to_dict("records"))]
            con.executemany("INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?)", rows)
    return converted


def convert_table_to_nuts2021(con: duckdb.DuckDBPyConnection, table: str, target: str, code_column: str,
                              value_columns: list[str], from_version: str, *, source_id: str,
                              keep_where: str | None = None) -> None:
    """`convert_to_nuts2021` written to the temp table `target` (optionally only the converted rows matching the
    constant SQL condition `keep_where`, e.g. "length(nuts_code) = 4")."""
    converted = convert_to_nuts2021(con, table, code_column, value_columns, from_version, source_id=source_id)
    frame_name = f"{target}_frame"
    con.register(frame_name, converted)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {target} AS SELECT * FROM {frame_name}"
                + (f" WHERE {keep_where}" if keep_where else ""))
    con.unregister(frame_name)

