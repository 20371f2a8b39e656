"""Data-quality report section: how the hubs were placed on the NUTS 2021 map (rates per source and method, the
target for the EU-27 rows of the EDIH catalogue, the unplaced hubs with their reasons), the NUTS conversion table and
the map geometry sizes."""
from __future__ import annotations

import duckdb

from . import markdown_table as _table
from . import table_exists as _exists

TARGET_EU_EDIH_NUTS2 = 0.95


def eu_edih_nuts2_rate(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(EU-27 rows of the EDIH catalogue, of which placed at NUTS 2)."""
    return tuple(con.execute("""
        SELECT count(*), count(nuts2_code) FROM hubs WHERE source = 'edih_2025' AND is_eu""").fetchall()[0])


def served_areas(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Served areas per basis and the EDIH coverage of EU NUTS 2 regions beside the JRC's published figures."""
    if not _exists(con, "hub_service_nuts2"):
        return []
    from ..hub_coverage import PUBLISHED, coverage_figures

    rows = con.execute("""
        SELECT a.basis, count(*), count(DISTINCT a.hub_id), count(DISTINCT a.hub_id) FILTER (WHERE h.is_dep_funded)
        FROM hub_service_areas a JOIN hubs h USING (hub_id) GROUP BY 1
        ORDER BY CASE a.basis WHEN 'address' THEN 1 WHEN 'declared' THEN 2 WHEN 'national' THEN 3 ELSE 4 END""").fetchall()
    lines = ["### Where hubs serve (hub_service_areas)", ""]
    lines += _table(["basis", "rows", "hubs", "of which Digital-Europe EDIHs"], rows)
    n_q = con.execute("""SELECT count(*) FROM quarantine WHERE file = 'hubs (description)'""").fetchall()[0][0]
    lines += ["", f"Declared candidates rejected (quarantine, with the reason): {n_q}. Rules and precision on 64 "
              "hand-judged descriptions: docs/geography.md.", "", "EU NUTS 2 regions with a Digital-Europe EDIH "
              "located in them or serving them, and with AI / cybersecurity / HPC competence so available (%):", ""]
    figs = coverage_figures(con)
    labels = {"located": "located (address)", "declared": "+ declared + national", "serving": "+ assumed (all bases)"}
    table = [("JRC published (Dec 2023)", *(PUBLISHED[k] for k in ("any", "TECH_AI", "TECH_CYBER", "TECH_HPC")))]
    table += [(label, *(round(figs[v][k], 1) for k in ("any", "TECH_AI", "TECH_CYBER", "TECH_HPC")))
              for v, label in labels.items()]
    lines += _table(["definition", "any EDIH", "AI", "cyber", "HPC"], table) + [""]
    return lines


def section(con: duckdb.DuckDBPyConnection) -> str:
    if not _exists(con, "hubs"):
        return "## Hub placement\n\nThe `hubs` table is not built."
    n, placed = eu_edih_nuts2_rate(con)
    rate = placed / n if n else 0.0
    lines = ["## Hub placement", "",
             f"EU-27 rows of the EDIH catalogue placed at NUTS 2: **{placed} of {n} ({rate:.1%})** — target "
             f"{TARGET_EU_EDIH_NUTS2:.0%}: {'met' if rate >= TARGET_EU_EDIH_NUTS2 else '**not met**'}.", "",
             "### Placement per source", ""]
    rows = con.execute("""
        SELECT source, count(*), count(nuts2_code), round(100.0 * count(nuts2_code) / count(*), 1),
               count(*) FILTER (WHERE is_eu), count(nuts2_code) FILTER (WHERE is_eu),
               round(100.0 * count(nuts2_code) FILTER (WHERE is_eu) / nullif(count(*) FILTER (WHERE is_eu), 0), 1)
        FROM hubs GROUP BY source ORDER BY source""").fetchall()
    lines += _table(["source", "hubs", "placed at NUTS 2", "%", "EU-27 hubs", "EU-27 placed", "EU-27 %"], rows)
    lines += ["", "### Placement per method and confidence", ""]
    rows = con.execute("""
        SELECT source, coalesce(placement_method, '(unplaced)'), coalesce(placement_confidence, ''), count(*),
               count(nuts3_code)
        FROM hubs GROUP BY ALL ORDER BY 1, 4 DESC""").fetchall()
    lines += _table(["source", "method", "confidence", "hubs", "with NUTS 3"], rows)
    lines += ["", "Methods: `postcode` — postcode of the address found in GISCO's postcode → NUTS 3 table (2024 "
              "codes converted to 2021); `postcode_area` — NL/PT postcode area; `city` — place name found in the "
              "GeoNames gazetteer and located in the 2021 NUTS 3 polygons; `single_region_country` — the country "
              "has one NUTS 2 region; `linked_hub` — the same hub in the other catalogue was placed. Every hub keeps "
              "its `placement_evidence`.", ""]
    n_pc, n_same, n_other = con.execute("""
        SELECT count(*), count(*) FILTER (WHERE placement_evidence LIKE '%confirmed by%'),
               count(*) FILTER (WHERE placement_evidence LIKE '%but the address also names%')
        FROM hubs WHERE placement_method = 'postcode'""").fetchall()[0]
    lines += [f"Cross-check of the city method: of {n_pc} hubs placed by postcode, the place named in the address "
              f"lies in the same NUTS 3 region for {n_same} and in another NUTS 2 region for {n_other} (where a "
              "name is ambiguous the postcode's region is preferred, so this flatters the city method a little).",
              ""]
    if _exists(con, "hub_links"):
        rows = con.execute("""SELECT match_method, confidence, count(*) FROM hub_links GROUP BY ALL
                              ORDER BY 3 DESC, 1""").fetchall()
        lines += ["### Hubs in both catalogues (hub_links)", ""] + _table(["match", "confidence", "pairs"], rows)
        lines += [""]
    if _exists(con, "hub_organisations"):
        n_rec, n_org, n_multi, n_dup = con.execute("""
            SELECT count(*), count(DISTINCT organisation_id),
                   count(DISTINCT organisation_id) FILTER (WHERE n_records > 1),
                   (SELECT count(*) FROM hub_duplicates) FROM hub_organisations""").fetchall()[0]
        lines += [f"One record per organisation (hub_organisations): {n_rec} hub records are **{n_org} "
                  f"organisations**, {n_multi} of them with several records; {n_dup} same-catalogue duplicates. "
                  "Rules and their precision/recall on 109 hand-checked pairs: docs/geography.md.", ""]
    lines += served_areas(con)
    unplaced = con.execute("""
        SELECT u.hub_id, u.source, u.country_code, u.name, u.reason FROM hubs_unplaced u
        ORDER BY u.source, u.country_code, u.hub_id""").fetchall()
    lines += [f"### Unplaced hubs ({len(unplaced)})", ""]
    lines += _table(["hub", "source", "country", "name", "reason"], unplaced) if unplaced else ["None."]
    if _exists(con, "nuts_conversion"):
        rows = con.execute("""
            SELECT from_version, count(DISTINCT from_code), count(*) FILTER (WHERE method = 'identity'),
                   count(*) FILTER (WHERE method = 'area_overlap'), string_agg(DISTINCT rule, ', ' ORDER BY rule)
            FROM nuts_conversion GROUP BY 1 ORDER BY 1""").fetchall()
        lines += ["", "### NUTS conversion to 2021", ""]
        lines += _table(["from version", "codes", "identity rows", "area-overlap rows", "rules"], rows)
    if _exists(con, "region_geometry_sizes"):
        rows = con.execute("SELECT level, n_regions, round(geojson_bytes / 1000.0) FROM region_geometry_sizes"
                           " ORDER BY level").fetchall()
        lines += ["", "### Map geometries (region_geometries)", ""]
        lines += _table(["NUTS level", "shapes", "GeoJSON KB"], rows)
    return "\n".join(lines)
