"""EDIH coverage of EU NUTS 2 regions, with the definitions of the JRC's published figures (used by
benchmarks/bench_service_areas.py and the placement report section).

JRC (Dec 2023, EDIH network coverage): ~85 % of EU NUTS 2 regions have an EDIH present or serving them; AI /
cybersecurity / HPC competence is available to 91 / 73 / 61 % of the regions (EDIHs only)."""
from __future__ import annotations

PUBLISHED = {"any": 85.0, "TECH_AI": 91.0, "TECH_CYBER": 73.0, "TECH_HPC": 61.0}
VARIANTS = {
    "located": ("address",),
    "declared": ("address", "declared", "national"),
    "serving": ("address", "declared", "national", "assumed"),
    "serving_nuts1_everywhere": ("address", "declared", "national", "assumed"),
}
TECHS = ("TECH_AI", "TECH_CYBER", "TECH_HPC")


def coverage_figures(con, min_level: int = 1, declared_only: bool = False) -> dict[str, dict[str, float]]:
    """variant → {'any' | 'TECH_AI' | 'TECH_CYBER' | 'TECH_HPC': % of EU NUTS 2 regions}.

    EDIH = a Digital-Europe-funded EDIH (hubs.is_dep_funded). A region counts for 'any' when an EDIH is located in it
    or serves it (the bases of the variant), for a technology when such an EDIH — any record of its organisation
    (hub_organisations) — has that competence at `min_level` or above (graded level; `declared_only`: the level
    from declared evidence only)."""
    level_col = "level_declared" if declared_only else "level"
    out = {}
    n_regions = con.execute("SELECT count(*) FROM regions WHERE is_eu AND level = 2").fetchall()[0][0]
    for variant, bases in VARIANTS.items():
        rows = con.execute(f"""
            WITH edih AS (SELECT h.hub_id, o.organisation_id FROM hubs h JOIN hub_organisations o USING (hub_id)
                          WHERE h.is_dep_funded),
            served AS (SELECT DISTINCT s.nuts2_code, e.organisation_id FROM hub_service_nuts2 s
                       JOIN edih e USING (hub_id) WHERE list_contains(?, s.basis)
                       UNION  -- the alternative default: NUTS 1 of the address in every country
                       SELECT r.nuts_code, e.organisation_id FROM edih e JOIN hubs h USING (hub_id)
                       JOIN regions r ON r.level = 2 AND starts_with(r.nuts_code, h.nuts1_code)
                       WHERE ? AND NOT EXISTS (SELECT 1 FROM hub_service_areas a WHERE a.hub_id = e.hub_id
                                               AND a.basis IN ('declared', 'national'))),
            comp AS (SELECT DISTINCT o.organisation_id, c.domain_code FROM hub_competences c
                     JOIN hub_organisations o USING (hub_id)
                     WHERE c.{level_col} >= ? AND list_contains(?, c.domain_code))
            SELECT 'any', count(DISTINCT s.nuts2_code) FROM served s JOIN regions r ON r.nuts_code = s.nuts2_code
            WHERE r.is_eu
            UNION ALL
            SELECT c.domain_code, count(DISTINCT s.nuts2_code) FROM served s
            JOIN regions r ON r.nuts_code = s.nuts2_code AND r.is_eu
            JOIN comp c USING (organisation_id) GROUP BY c.domain_code""",
                           [list(bases), variant == "serving_nuts1_everywhere", min_level,
                            list(TECHS)]).fetchall()
        got = dict(rows)
        out[variant] = {k: 100.0 * got.get(k, 0) / n_regions for k in ("any", *TECHS)}
    return out
