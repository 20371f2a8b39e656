"""region_adjacency: pairs of NUTS 2021 regions (levels 0, 1, 2) that share a border, computed once from the GISCO
polygons in staging.stg_nuts_regions (shapely `intersects` of the 1:20M boundaries, which share their vertices along
common borders) and cached under data/cache/ by a checksum of the input geometries."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import shapely

from .. import method, paths
from ..context import BuildContext
from ..sql import require_tables

LEVELS = method.REGION_LEVELS  # the NUTS levels that get alignment rows
CACHE_VERSION = "1"  # bump when the way adjacency is computed changes


def _geometries(con) -> pd.DataFrame:
    return con.execute("""
        SELECT nuts_code, level, geometry_wkb FROM staging.stg_nuts_regions
        WHERE nuts_version = '2021' AND list_contains(?, level) AND geometry_wkb IS NOT NULL
        ORDER BY level, nuts_code""", [list(LEVELS)]).df()


def _checksum(frame: pd.DataFrame) -> str:
    digest = hashlib.sha256(CACHE_VERSION.encode())
    for code, level, wkb in frame.itertuples(index=False):
        digest.update(f"{code}|{level}|".encode())
        digest.update(bytes(wkb))
    return digest.hexdigest()[:16]


def compute_adjacency(frame: pd.DataFrame) -> pd.DataFrame:
    """Every ordered pair (nuts_code, neighbour_code) of same-level regions whose polygons touch or overlap."""
    out = []
    for level, part in frame.groupby("level", sort=True):
        codes = part["nuts_code"].to_numpy()
        geoms = shapely.from_wkb([bytes(w) for w in part["geometry_wkb"]])
        tree = shapely.STRtree(geoms)
        left, right = tree.query(geoms, predicate="intersects")
        keep = left != right
        out.append(pd.DataFrame({"nuts_code": codes[left[keep]], "neighbour_code": codes[right[keep]],
                                 "level": int(level)}))
    result = pd.concat(out, ignore_index=True) if out else pd.DataFrame(
        {"nuts_code": [], "neighbour_code": [], "level": []})
    result["cross_border"] = result["nuts_code"].str[:2] != result["neighbour_code"].str[:2]
    return result.sort_values(["level", "nuts_code", "neighbour_code"], ignore_index=True)


def run(ctx: BuildContext) -> int:
    require_tables(ctx.con, "region_adjacency", ["staging.stg_nuts_regions"])
    frame = _geometries(ctx.con)
    cache_dir = Path(ctx.notes.get("cache_dir", paths.CACHE))  # tests point this at a temporary folder
    cached = cache_dir / f"region_adjacency_{_checksum(frame)}.parquet"
    if cached.exists():
        adjacency = pd.read_parquet(cached)
        ctx.notes["region_adjacency_cache"] = "hit"
    else:
        adjacency = compute_adjacency(frame)
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        adjacency.to_parquet(tmp, index=False)
        tmp.replace(cached)
        ctx.notes["region_adjacency_cache"] = "miss"
    ctx.con.register("region_adjacency_frame", adjacency)
    ctx.con.execute("""CREATE OR REPLACE TABLE region_adjacency AS
        SELECT nuts_code::VARCHAR AS nuts_code, neighbour_code::VARCHAR AS neighbour_code, level::INTEGER AS level,
               cross_border::BOOLEAN AS cross_border
        FROM region_adjacency_frame""")
    ctx.con.unregister("region_adjacency_frame")
    return len(adjacency)
