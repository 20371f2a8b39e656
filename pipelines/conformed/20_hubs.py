"""hubs and hubs_unplaced: both hub catalogues in one table, every hub placed in a NUTS 2021 region if it can be.

Placement, first rule that works (docs/geography.md):
1. `postcode` (high): a postcode in the address, in the country's format (pipelines/placement.py), found in GISCO's
   postcode → NUTS 3 (2024) table, converted to NUTS 2021 (the 2021 region with the largest area share).
2. `postcode_area` (medium): NL/PT only — the 4-digit area part of an unknown full postcode, when every postcode of
   that area lies in one NUTS 3 region.
3. `city` (medium; low when several places of that name lie in different NUTS 2 regions, or the name came from an
   earlier part of the address): a place name of the address (the JRC locality first) found in the GeoNames
   gazetteer for that country, placed by point-in-polygon in the 2021 NUTS 3 polygons of that country (or the
   nearest one within ~20 km, for coastal places the 1:20M coastline cuts off).
4. `single_region_country` (medium): countries with one NUTS 2 region (EE, LV, LU, CY, MT, …) — NUTS 2 only, and
   NUTS 3 too when the country has a single NUTS 3.
Every placement keeps `placement_evidence` (the matched postcode or place). Hubs that stay unplaced are in
`hubs_unplaced` with the reason, and in `hubs` with NULL NUTS codes.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np
import pandas as pd
import shapely

from .. import placement as pl
from ..context import BuildContext
from ..geo import load_polygons

NEAREST_MAX_DEG = 0.2  # ~20 km: a gazetteer point in the sea next to a 1:20M coastline still belongs to that coast


def _hub_frame(con) -> pd.DataFrame:
    edih = con.execute("""
        SELECT 'edih:' || source_line AS hub_id, 'edih_2025' AS source, edih_name AS source_key, edih_name AS name,
               edih_title AS title, hub_type, country_code, country_name, contact_location AS address,
               NULL AS locality, website, description, hub_type = 'EDIH' AS is_dep_funded, source_line
        FROM staging.stg_edih_catalogue""").df()
    jrc = con.execute("""
        SELECT 'jrc:' || jrc_hub_id AS hub_id, 'jrc_2022' AS source, CAST(jrc_hub_id AS VARCHAR) AS source_key,
               title AS name, title, 'JRC DIH' AS hub_type, NULL AS country_code, country_name,
               street_address AS address, locality, website, description, FALSE AS is_dep_funded, source_line
        FROM staging.stg_jrc_hubs""").df()
    names = dict(zip(edih.country_name, edih.country_code)) | pl.COUNTRY_CODES_EXTRA
    jrc["country_code"] = jrc.country_name.map(names)
    hubs = pd.concat([edih, jrc], ignore_index=True)
    hubs["website"] = hubs.website.map(pl.clean_website)
    return hubs


def _records(frame: pd.DataFrame) -> list:
    """The rows of a frame as named tuples (like itertuples), read column by column: iterating the Arrow-backed
    string columns of pandas 3 value by value is slow."""
    row = namedtuple("Row", ["Index", *frame.columns])
    return [row(*values) for values in zip(frame.index.tolist(), *(frame[c].tolist() for c in frame.columns))]


def _postcode_matches(con, hubs: list) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """hub_id → (postcode, nuts3 2024, nuts3 2021) of the best candidate found in the table; and the same for NL/PT
    postcode areas (4 digits) that lie in a single NUTS 3 region."""
    rows = []
    for h in hubs:
        text = ", ".join(t for t in (h.address, h.locality) if isinstance(t, str))
        for rank, code in enumerate(pl.postcode_candidates(h.country_code, text)):
            rows.append((h.hub_id, rank, h.country_code, code, pl.postcode_prefix(h.country_code, code)))
    cand = pd.DataFrame(rows, columns=["hub_id", "rank", "country_code", "postcode", "area"])
    if cand.empty:
        return {}, {}
    con.register("_cand", cand)
    to2021 = """(SELECT from_code, arg_max(to_code, weight) AS to_code FROM nuts_conversion
                 WHERE from_version = '2024' AND level = 3 GROUP BY from_code)"""
    exact = con.execute(f"""
        SELECT c.hub_id, arg_min(c.postcode, c.rank), arg_min(p.nuts3_code_2024, c.rank), arg_min(t.to_code, c.rank)
        FROM _cand c JOIN staging.stg_postcodes p ON p.country_code = c.country_code AND p.postcode = c.postcode
        LEFT JOIN {to2021} t ON t.from_code = p.nuts3_code_2024
        GROUP BY c.hub_id""").fetchall()
    area = con.execute(f"""
        WITH hits AS (
            SELECT c.hub_id, c.rank, c.area, count(DISTINCT p.nuts3_code_2024) AS n, any_value(p.nuts3_code_2024) AS n3
            FROM _cand c JOIN staging.stg_postcodes p
              ON p.country_code = c.country_code AND left(p.postcode, 4) = c.area
            WHERE c.area IS NOT NULL AND p.country_code IN ('NL', 'PT')
            GROUP BY ALL)
        SELECT h.hub_id, arg_min(h.area, h.rank), arg_min(h.n3, h.rank), arg_min(t.to_code, h.rank)
        FROM hits h LEFT JOIN {to2021} t ON t.from_code = h.n3 WHERE h.n = 1 GROUP BY h.hub_id""").fetchall()
    con.unregister("_cand")
    return ({r[0]: r[1:] for r in exact}, {r[0]: r[1:] for r in area})


_KEY_SQL = "trim(regexp_replace(lower(strip_accents(name)), '[^0-9a-z]+', ' ', 'g'))"


class _Gazetteer:
    """The GeoNames places whose names the hubs' addresses could mean, placed in 2021 NUTS 3 by point-in-polygon.

    Only places matching a wanted key are loaded: by the whole name, by its first word (for "Garching" →
    "Garching bei Munchen") or by its vowel-less skeleton (for names the JRC scraper damaged)."""

    def __init__(self, con, countries: list[str], keys: set[str]):
        iso = {pl.ISO_FROM_EUROSTAT.get(c, c): c for c in countries}
        skeletons = {s for s in map(pl.skeleton, keys) if len(s.replace(" ", "")) >= 3}
        con.register("_wanted", pd.DataFrame({"key": sorted(keys | skeletons)}))
        places = con.execute(f"""
            WITH g AS (SELECT lat, lon, name, admin1, admin2, country_iso2, source_line, {_KEY_SQL} AS key
                       FROM staging.stg_gazetteer_cities WHERE list_contains(?, country_iso2)),
            k AS (SELECT *, split_part(key, ' ', 1) AS first_word,
                         trim(regexp_replace(regexp_replace(key, '[aeiouy]', '', 'g'), ' +', ' ', 'g')) AS skel
                  FROM g)
            SELECT * FROM k WHERE key IN (SELECT key FROM _wanted) OR first_word IN (SELECT key FROM _wanted)
                               OR skel IN (SELECT key FROM _wanted)
            ORDER BY source_line""", [list(iso)]).df()
        con.unregister("_wanted")
        places["country_code"] = places.country_iso2.map(iso)
        polys = load_polygons(con, "2021", levels=(3,))
        polys = polys[polys.country_code.isin(countries)].reset_index(drop=True)
        places["nuts3"] = self._locate(places, polys)
        self.places = places[places.nuts3.notna()].reset_index(drop=True)
        self.exact: dict[tuple[str, str], list[int]] = {}
        self.first: dict[tuple[str, str], list[int]] = {}
        self.skel: dict[tuple[str, str], list[int]] = {}
        self.keys = self.places.key.tolist()
        self.nuts3 = self.places.nuts3.tolist()
        self.admins = list(zip(self.places.admin1.tolist(), self.places.admin2.tolist()))
        self.rows = [dict(name=n, admin1=a, lat=lat, lon=lon) for n, a, lat, lon in zip(
            *(self.places[c].tolist() for c in ("name", "admin1", "lat", "lon")))]
        for i, (cc, key, first, skel) in enumerate(zip(self.places.country_code.tolist(), self.keys,  # lists:
                                                         self.places.first_word.tolist(),  # iterating a column
                                                         self.places.skel.tolist())):  # is slow
            self.exact.setdefault((cc, key), []).append(i)
            self.first.setdefault((cc, first), []).append(i)
            self.skel.setdefault((cc, skel), []).append(i)

    @staticmethod
    def _locate(places: pd.DataFrame, polys: pd.DataFrame) -> list[str | None]:
        """NUTS 3 of each place: the polygon of its own country containing it, else the nearest within ~20 km."""
        points = shapely.points(places.lon.values, places.lat.values)
        tree = shapely.STRtree(polys.geometry.values)
        poly_cc, poly_code = polys.country_code.to_numpy(), polys.nuts_code.to_numpy()
        place_cc = places.country_code.to_numpy()
        out: list[str | None] = [None] * len(places)
        pi, gi = tree.query(points, predicate="within")
        for p, g in zip(pi.tolist(), gi.tolist()):
            if out[p] is None and poly_cc[g] == place_cc[p]:
                out[p] = poly_code[g]
        missing = np.array([i for i, v in enumerate(out) if v is None], dtype=int)
        if len(missing):
            (pi, gi), dist = tree.query_nearest(points[missing], max_distance=NEAREST_MAX_DEG, return_distance=True,
                                                all_matches=True)
            for p, g, _ in sorted(zip(pi.tolist(), gi.tolist(), dist.tolist()), key=lambda t: t[2]):
                i = missing[p]
                if out[i] is None and poly_cc[g] == place_cc[i]:
                    out[i] = poly_code[g]
        return out

    def find(self, country: str, key: str, how: str) -> list[int]:
        if how == "exact":
            return self.exact.get((country, key), [])
        if how == "prefix" and len(key) >= 5:
            return [i for i in self.first.get((country, key.split()[0]), [])
                    if self.keys[i].startswith(key + " ")]
        if how == "dropped_letters" and len(key) >= 4:
            return [i for i in self.skel.get((country, pl.skeleton(key)), [])
                    if pl.is_dropped_letters_of(key, self.keys[i])]
        return []


def _hub_place_parts(h, country_names: tuple[str, ...]) -> tuple[list[str], int]:
    """Address parts that may name the hub's city: the JRC locality first, then the address from its end, without
    parts that name a street."""
    locality = [p for p in pl.address_parts(h.locality if isinstance(h.locality, str) else None, country_names)]
    address = [p for p in pl.address_parts(h.address if isinstance(h.address, str) else None, country_names)
               if not pl.looks_like_street(p)]
    return locality + address, len(locality)


def _place_by_city(gaz: _Gazetteer, h, parts: list[str], n_locality: int, prefer: str | None = None):
    """(nuts3, lon, lat, confidence, evidence) from the first address part with a place name in the gazetteer:
    exact names in any part first; then, in the locality (or the last address part) only, names that begin with
    the words ("Garching" → "Garching bei Munchen") or that lost letters ("Kecskemt" → "Kecskemet").
    `prefer`: a NUTS 3 code the postcode gave — places of that name there are taken first."""
    text_key = pl.place_key(" ".join(t for t in (h.address, h.locality) if isinstance(t, str)))
    fuzzy_parts = parts[:max(n_locality, 1)]
    passes = [("exact", parts, False), ("fuzzy", fuzzy_parts, True)]
    for how, search_parts, fuzzy in passes:
        for part_no, part in enumerate(search_parts):
            for key in pl.place_candidates(part):
                hits, kind = [], how
                for kind in (("prefix", "dropped_letters") if fuzzy else ("exact",)):
                    hits = gaz.find(h.country_code, key, kind)
                    if hits:
                        break
                if not hits:
                    continue
                all_hits = hits
                regions = {gaz.nuts3[i] for i in hits}
                if prefer and len(regions) > 1:
                    hits = ([i for i in hits if gaz.nuts3[i] == prefer]
                            or [i for i in hits if gaz.nuts3[i][:4] == prefer[:4]] or hits)
                if len({gaz.nuts3[i] for i in hits}) > 1:  # prefer places whose province is written in the address
                    named = [i for i in hits if any(
                        isinstance(a, str) and pl.place_key(a) and pl.place_key(a) in text_key
                        for a in gaz.admins[i])]
                    hits = named or hits
                best = hits[0]
                p, n3 = gaz.rows[best], gaz.nuts3[best]
                from_locality = part_no < n_locality or part_no == 0
                unique = len({r[:4] for r in regions}) == 1
                confidence = "medium" if unique and from_locality and kind != "dropped_letters" else "low"
                evidence = f"place '{key}' ({kind.replace('_', ' ')} match) = GeoNames {p['name']} " \
                           f"({p['admin1']}; {p['lat']:.4f}, {p['lon']:.4f}) in {n3}"
                if len(regions) > 1:
                    evidence += f"; {len(all_hits)} places of that name in {len(regions)} NUTS 3 regions"
                return n3, float(p["lon"]), float(p["lat"]), confidence, evidence
    return None


def run(ctx: BuildContext) -> int:
    con = ctx.con
    hubs = _hub_frame(con)
    hub_rows = _records(hubs)
    exact, area = _postcode_matches(con, hub_rows)
    nuts_countries = {r[0] for r in con.execute("SELECT DISTINCT country_code FROM regions").fetchall()}
    country_names = tuple(sorted(set(hubs.country_name.dropna()))) + ("Netherlands", "The Netherlands")
    parts = {h.hub_id: _hub_place_parts(h, country_names) for h in hub_rows}
    keys = {k for p, _ in parts.values() for part in p for k in pl.place_candidates(part)}
    gaz = _Gazetteer(con, sorted(nuts_countries & set(hubs.country_code.dropna())), keys)
    single = dict(con.execute("""
        SELECT country_code, CASE WHEN count(*) FILTER (WHERE level = 2) = 1
                                  THEN any_value(nuts_code) FILTER (WHERE level = 2) END
        FROM regions WHERE has_polygon GROUP BY country_code""").fetchall())
    single3 = dict(con.execute("""SELECT country_code, any_value(nuts_code) FROM regions WHERE level = 3
                                  AND has_polygon GROUP BY country_code HAVING count(*) = 1""").fetchall())
    split_2024: dict[str, list[str]] = {}
    for from_code, to_code in con.execute("""SELECT from_code, to_code FROM nuts_conversion
            WHERE from_version = '2024' AND level = 3 AND method = 'area_overlap' ORDER BY weight DESC""").fetchall():
        split_2024.setdefault(from_code, []).append(to_code)
    labels = {r[0]: (r[1], r[2]) for r in con.execute(
        "SELECT nuts_code, label_lon, label_lat FROM regions").fetchall()}

    out = []
    for h in hub_rows:
        rec = dict(hub_id=h.hub_id, nuts3=None, nuts2=None, lon=None, lat=None, method=None, confidence=None,
                   evidence=None, coord_source=None, reason=None)
        cc = h.country_code
        if not isinstance(cc, str):
            rec["reason"] = f"country {h.country_name!r} has no Eurostat country code"
        elif cc not in nuts_countries:
            rec["reason"] = f"{h.country_name} ({cc}) has no NUTS 2021 regions"
        else:
            postcode = exact.get(h.hub_id) if h.hub_id in exact and exact[h.hub_id][2] else None
            postcode_area = area.get(h.hub_id) if h.hub_id in area and area[h.hub_id][2] else None
            pc_nuts3 = (postcode or postcode_area or (None, None, None))[2]
            city = _place_by_city(gaz, h, *parts[h.hub_id], prefer=pc_nuts3)
            if postcode:
                code, n24, n21 = postcode
                rec.update(nuts3=n21, method="postcode", confidence="high",
                           evidence=f"postcode {code} → NUTS 2024 {n24} → NUTS 2021 {n21}")
                targets = split_2024.get(n24, [])
                if len(targets) > 1:  # the 2024 region spans several 2021 ones: the named place decides
                    if city and city[0] in targets:
                        rec["nuts3"] = city[0]
                        rec["evidence"] = (f"postcode {code} → NUTS 2024 {n24}, which spans NUTS 2021 "
                                           f"{' + '.join(targets)}; the address's place is in {city[0]}")
                    else:
                        rec["confidence"] = "medium"
                        rec["evidence"] += f" (largest area share of {' + '.join(targets)})"
            elif postcode_area:
                prefix, n24, n21 = postcode_area
                rec.update(nuts3=n21, method="postcode_area", confidence="medium",
                           evidence=f"every postcode {prefix}… lies in NUTS 2024 {n24} → NUTS 2021 {n21}")
            elif city:
                rec.update(nuts3=city[0], lon=city[1], lat=city[2], method="city", confidence=city[3],
                           evidence=city[4], coord_source="gazetteer")
            elif single.get(cc):
                rec.update(nuts2=single[cc], nuts3=single3.get(cc), method="single_region_country",
                           confidence="medium", evidence=f"{cc} has a single NUTS 2 region, {single[cc]}")
            if rec["method"] in ("postcode", "postcode_area") and city:
                if city[0] == rec["nuts3"]:
                    rec.update(lon=city[1], lat=city[2], coord_source="gazetteer")
                    rec["evidence"] += f"; confirmed by {city[4]}"
                elif city[0][:4] != rec["nuts3"][:4] and city[3] == "medium":
                    rec["confidence"] = "medium"
                    rec["evidence"] += f"; but the address also names {city[4]}"
            if rec["method"] is None:
                rec["reason"] = ("no postcode in the format of " + cc + " found in the postcode table, no place name "
                                 "found in the gazetteer: " + repr(", ".join(
                                     t for t in (h.address, h.locality) if isinstance(t, str))))
        if rec["nuts3"]:
            rec["nuts2"] = rec["nuts3"][:4]
        code = rec["nuts3"] or rec["nuts2"]
        if code and rec["lon"] is None:
            rec["lon"], rec["lat"] = labels.get(code, (None, None))
            rec["coord_source"] = f"label point of {code}"
        out.append(rec)

    placed = pd.DataFrame(out)
    hubs = hubs.merge(placed, on="hub_id")
    con.register("_hubs", hubs)
    con.execute("""
        CREATE OR REPLACE TABLE hubs AS
        SELECT hub_id, source, source_key, name, title, hub_type, country_code, country_name,
               nuts3 AS nuts3_code, nuts2 AS nuts2_code, left(nuts2, 3) AS nuts1_code,
               CAST(lon AS DOUBLE) AS lon, CAST(lat AS DOUBLE) AS lat, coord_source,
               method AS placement_method, confidence AS placement_confidence, evidence AS placement_evidence,
               website, description, is_dep_funded,
               coalesce(country_code IN (SELECT country_code FROM regions WHERE is_eu), FALSE) AS is_eu,
               address, locality, source_line
        FROM _hubs ORDER BY source, hub_id""")
    con.execute("""
        CREATE OR REPLACE TABLE hubs_unplaced AS
        SELECT hub_id, source, name, country_code, reason FROM _hubs WHERE nuts2 IS NULL ORDER BY source, hub_id""")
    con.unregister("_hubs")
    stats = con.execute("""
        SELECT count(*) FILTER (WHERE nuts2_code IS NOT NULL) / count(*) FROM hubs
        WHERE source = 'edih_2025' AND is_eu""").fetchall()[0][0]
    ctx.log(f"    hubs: {stats:.1%} of the EU-27 EDIH catalogue rows placed at NUTS 2 (before linked hubs)")
    return len(hubs)
