"""Dashboard marts for the region profile, comparison and pickers (views, so they cost no build time):

- mart_region_directory: every EU region at NUTS 0-2 with its name, country, parent and label point.
- mart_region_priorities: the S3 priorities that apply to a region (relation national / own / parent / child …)
  with their strategy, source link and confidence, and their coded domains as one readable line. `period` is the
  period in which the priority counts for the region (applicable_priorities.scored_period: a 2014-2020 list carried
  forward is listed under 2021-2027 too, `strategy_period` says it is older, `basis` that it is a fallback).
- mart_priority_domains: each priority's coded domains with label, facet, coding method and evidence.
- mart_region_hubs: every hub as the alignment counts it (hubs_deduplicated: a JRC hub linked to an EDIH-catalogue
  row is that row, listed in merged_hub_ids), with its NUTS codes and placement.
- mart_hub_competences: each hub's competences with the domain label and facet.
"""
from __future__ import annotations

from ..context import BuildContext
from ..errors import PipelineError

INPUTS = ["regions", "applicable_priorities", "s3_priorities", "s3_priority_domains", "domains", "hubs",
          "hubs_deduplicated", "hub_competences"]

VIEWS = {
    "mart_region_directory": """
        SELECT nuts_code, CAST(level AS TINYINT) AS level, name, country_code, parent_code, label_lon, label_lat,
               population, is_outermost
        FROM regions WHERE is_eu AND level BETWEEN 0 AND 2""",
    "mart_priority_domains": """
        SELECT pd.priority_id, pd.domain_code, d.label AS domain_label, d.facet, pd.method, pd.evidence, pd.weight
        FROM s3_priority_domains pd LEFT JOIN domains d USING (domain_code)""",
    "mart_region_priorities": """
        SELECT a.nuts_code, CAST(a.level AS TINYINT) AS level, a.scored_period AS period, a.relation, a.strategy_id,
               p.nuts_code AS strategy_nuts_code, p.priority_id, p.priority_no, p.title, p.title_original,
               p.description, p.confidence, p.source_url, p.source_kind,
               (SELECT string_agg(coalesce(d.label, pd.domain_code), '; ' ORDER BY coalesce(d.label, pd.domain_code))
                FROM s3_priority_domains pd LEFT JOIN domains d USING (domain_code)
                WHERE pd.priority_id = p.priority_id) AS domains,
               a.basis, a.period AS strategy_period
        FROM applicable_priorities a JOIN s3_priorities p USING (priority_id)""",
    "mart_region_hubs": """
        SELECT d.hub_id, d.source, d.name, h.title, d.hub_type, d.country_code, d.nuts1_code, d.nuts2_code,
               d.nuts3_code, d.lon, d.lat, h.placement_method, h.placement_confidence, d.website, d.is_dep_funded,
               d.merged_hub_ids
        FROM hubs_deduplicated d LEFT JOIN hubs h USING (hub_id)""",
    "mart_hub_competences": """
        SELECT c.hub_id, c.domain_code, d.label AS domain_label, d.facet, c.level, c.source, c.source_label,
               c.evidence
        FROM hub_competences c LEFT JOIN domains d USING (domain_code)""",
}


def _missing(con, tables: list[str]) -> list[str]:
    present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
    return [t for t in tables if t not in present]


def run(ctx: BuildContext) -> int:
    con = ctx.con
    missing = _missing(con, INPUTS)
    if missing:
        raise PipelineError(f"the dashboard profile views need {', '.join(missing)}: no step built it")
    for name, sql in VIEWS.items():
        con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")
    return con.execute("SELECT count(*) FROM mart_region_directory").fetchone()[0]
