"""The alignment method as one call: `compute_alignment(con)` runs the alignment SQL (pipelines/sql/*.sql, in the order
of ALIGNMENT_SQL) on any DuckDB connection that holds the input tables, and writes the alignment tables into it.

The build calls it from its mart step (pipelines/marts/12_alignment.py) on the warehouse being built; the what-if
calls it on an in-memory DuckDB holding copies of the inputs plus a user's extra priorities or hubs, restricted to
the regions it needs. Everything it does is SQL over tables in `con`: no file paths, no global state, no side effect
outside `con`.

Inputs (tables in the connection's main schema; columns as in docs/data_contract.md):
  required  regions, region_adjacency, hubs, hub_links, hub_competences, domains, s3_strategies, s3_priorities,
            s3_priority_domains, applicable_priorities
  optional  (an empty table of the right shape is created when absent, so the marts still build)
            erdf_planned_by_region, erdf_payments_by_region, h2020_by_region (funding columns of region_alignment)
  optional  read when present, otherwise a documented fallback (temporary views `m2_*` normalise them):
            hub_service_nuts2(hub_id, nuts2_code, basis, evidence)   → hubs count at their address only
            hub_organisations(hub_id, organisation_id)               → organisations from hub_links (JRC → EDIH row)
            hub_competences.evidence_grade                           → from hub_competences.source
            applicable_priorities.scored_period, .basis              → period; basis derived from relation
            dep_edih_funding(hub_id, eu_contribution_eur, basis, is_estimate)  → partner reasons without amounts
Outputs: see OUTPUT_TABLES (and the ANALYTICS section of docs/data_contract.md).
"""
from __future__ import annotations

from collections.abc import Iterable

import duckdb

from . import method
from .errors import PipelineError
from .sql import missing_tables, run_sql_file

REQUIRED_INPUTS = ["regions", "region_adjacency", "hubs", "hub_links", "hub_competences", "domains", "s3_strategies",
                   "s3_priorities", "s3_priority_domains", "applicable_priorities"]

# Optional inputs: created empty (with these columns) when the connection does not hold them.
OPTIONAL_INPUTS = {
    "erdf_planned_by_region": "nuts_code VARCHAR, level INTEGER, to_code VARCHAR, eu_amount_eur DOUBLE, "
                              "total_amount_eur DOUBLE, n_programmes INTEGER, basis VARCHAR",
    "erdf_payments_by_region": "nuts_code VARCHAR, level INTEGER, first_year INTEGER, last_year INTEGER, "
                               "erdf_eur DOUBLE, population DOUBLE, population_basis VARCHAR, "
                               "erdf_eur_per_inhabitant DOUBLE, basis VARCHAR",
    "h2020_by_region": "nuts_code VARCHAR, level INTEGER, ec_contribution_eur DOUBLE, n_participations BIGINT, "
                       "country_ec_contribution_eur DOUBLE, country_share_placed DOUBLE, basis VARCHAR",
}

# The SQL files, in the order they run (each reads tables made by the ones before it).
ALIGNMENT_SQL = ("alignment_hubs", "region_priority_domains", "region_domain_status", "gaps", "unaligned_competences",
                 "partner_suggestions", "policy_alignment", "method_sensitivity", "region_alignment",
                 "published_benchmarks")

OUTPUT_TABLES = ("method_parameters", "method_relation_weights", "method_variants", "method_evidence_grades",
                 "hub_identity", "hubs_deduplicated", "hub_region_membership", "hub_service_membership",
                 "hub_competence_evidence", "hub_domain_levels", "hub_domain_levels_by_variant",
                 "eu_competence_shares", "region_hub_distances", "alignment_regions", "region_priority_domains",
                 "region_priority_weights_by_variant", "region_domain_status", "region_domain_status_by_variant",
                 "gaps", "unaligned_competences", "partner_suggestions", "policy_alignment", "method_sensitivity",
                 "method_sensitivity_summary", "region_alignment", "published_benchmarks")


def write_method_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The numbers of pipelines/method.py as tables: method_parameters (every threshold and weight, for readers of the
    warehouse), method_relation_weights, method_evidence_grades (source → grade fallback), method_variants (the
    sensitivity readings) and method_published_figures (the published figures compared in published_benchmarks)."""
    con.execute("CREATE OR REPLACE TABLE method_relation_weights (relation VARCHAR, weight DOUBLE)")
    con.executemany("INSERT INTO method_relation_weights VALUES (?, ?)", sorted(method.RELATION_WEIGHTS.items()))
    con.execute("CREATE OR REPLACE TABLE method_evidence_grades (source VARCHAR, evidence_grade VARCHAR)")
    con.executemany("INSERT INTO method_evidence_grades VALUES (?, ?)",
                    sorted(method.EVIDENCE_GRADE_BY_SOURCE.items()))
    con.execute("""CREATE OR REPLACE TABLE method_variants (variant VARCHAR, description VARCHAR,
        inferred_delta INTEGER, listed_delta INTEGER, declared_delta INTEGER, membership VARCHAR,
        national_weight DOUBLE, include_digital_general BOOLEAN, in_band BOOLEAN, variant_order INTEGER)""")
    con.executemany("INSERT INTO method_variants VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(*v, i) for i, v in enumerate(method.VARIANTS)])
    con.execute("""CREATE OR REPLACE TABLE method_published_figures (benchmark_id VARCHAR, figure VARCHAR,
        published_value DOUBLE, published_definition VARCHAR, atlas_definition VARCHAR, explanation VARCHAR,
        source VARCHAR, figure_order INTEGER)""")
    con.executemany("INSERT INTO method_published_figures VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [(*b, method.PUBLISHED_SOURCE, i) for i, b in enumerate(method.PUBLISHED_BENCHMARKS)])
    con.execute("CREATE OR REPLACE TABLE method_parameters (name VARCHAR, value VARCHAR, method_version VARCHAR)")
    rows = [(k, str(v), method.METHOD_VERSION) for k, v in sorted(method.sql_params().items())]
    rows += [(f"relation_weight.{k}", str(v), method.METHOD_VERSION) for k, v in sorted(method.RELATION_WEIGHTS.items())]
    con.executemany("INSERT INTO method_parameters VALUES (?, ?, ?)", rows)


def _ensure_optional_inputs(con: duckdb.DuckDBPyConnection) -> list[str]:
    created = []
    for table in missing_tables(con, list(OPTIONAL_INPUTS)):
        con.execute(f'CREATE TABLE "{table}" ({OPTIONAL_INPUTS[table]})')
        created.append(table)
    return created


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ?",
        [table]).fetchall()}


def _normalise_inputs(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Temporary views m2_* over the inputs with the columns the method reads, whatever version of the upstream
    tables the connection holds; returns which reading each optional input got (for method_parameters)."""
    used = {}
    competences = _columns(con, "hub_competences")
    default = "(SELECT value FROM method_parameters WHERE name = 'evidence_grade_default')"
    grade = (f"coalesce(c.evidence_grade, g.evidence_grade, {default})" if "evidence_grade" in competences
             else f"coalesce(g.evidence_grade, {default})")
    used["evidence_grade"] = "hub_competences.evidence_grade" if "evidence_grade" in competences else "from source"
    con.execute(f"""CREATE OR REPLACE TEMP VIEW m2_hub_competences AS
        SELECT c.hub_id, c.domain_code, c.level, c.source, c.source_label, {grade} AS evidence_grade
        FROM hub_competences c LEFT JOIN method_evidence_grades g ON g.source = c.source""")
    if not missing_tables(con, ["hub_organisations"]):
        used["organisations"] = "hub_organisations"
        con.execute("""CREATE OR REPLACE TEMP VIEW m2_hub_organisations AS
            SELECT h.hub_id, coalesce(o.organisation_id, h.hub_id) AS organisation_id
            FROM hubs h LEFT JOIN hub_organisations o ON o.hub_id = h.hub_id""")
    else:
        used["organisations"] = "hub_links"
        con.execute("""CREATE OR REPLACE TEMP VIEW m2_hub_organisations AS
            WITH links AS (
                SELECT l.jrc_hub_id, min(l.edih_hub_id) AS edih_hub_id
                FROM hub_links l JOIN hubs e ON e.hub_id = l.edih_hub_id
                GROUP BY l.jrc_hub_id)
            SELECT h.hub_id, coalesce(links.edih_hub_id, h.hub_id) AS organisation_id
            FROM hubs h LEFT JOIN links ON links.jrc_hub_id = h.hub_id""")
    if not missing_tables(con, ["hub_service_nuts2"]):
        used["service_areas"] = "hub_service_nuts2"
        con.execute("""CREATE OR REPLACE TEMP VIEW m2_hub_service_nuts2 AS
            SELECT hub_id, nuts2_code, basis, evidence FROM hub_service_nuts2""")
    else:
        used["service_areas"] = "address only (no hub_service_nuts2)"
        con.execute("""CREATE OR REPLACE TEMP VIEW m2_hub_service_nuts2 AS
            SELECT hub_id, coalesce(nuts2_code, left(nuts3_code, 4)) AS nuts2_code, 'address' AS basis,
                   'hub address' AS evidence
            FROM hubs WHERE coalesce(nuts2_code, nuts3_code) IS NOT NULL""")
    if not missing_tables(con, ["dep_edih_funding"]):
        used["dep_funding"] = "dep_edih_funding"
        con.execute("""CREATE OR REPLACE TEMP VIEW m2_dep_edih_funding AS
            SELECT hub_id, max(eu_contribution_eur) AS eu_contribution_eur, any_value(basis) AS basis,
                   bool_or(coalesce(is_estimate, false)) AS is_estimate
            FROM dep_edih_funding WHERE eu_contribution_eur IS NOT NULL GROUP BY hub_id""")
    else:
        used["dep_funding"] = "none (no dep_edih_funding)"
        con.execute("""CREATE OR REPLACE TEMP VIEW m2_dep_edih_funding AS
            SELECT NULL::VARCHAR AS hub_id, NULL::DOUBLE AS eu_contribution_eur, NULL::VARCHAR AS basis,
                   NULL::BOOLEAN AS is_estimate WHERE false""")
    applicable = _columns(con, "applicable_priorities")
    scored = "coalesce(scored_period, period)" if "scored_period" in applicable else "period"
    basis = ("coalesce(basis, CASE WHEN relation = 'national' THEN 'national' ELSE 'own' END)" if "basis" in applicable
             else "CASE WHEN relation = 'national' THEN 'national' ELSE 'own' END")
    used["scored_period"] = "applicable_priorities.scored_period" if "scored_period" in applicable else "period"
    con.execute(f"""CREATE OR REPLACE TEMP VIEW m2_applicable_priorities AS
        SELECT nuts_code, level, priority_id, strategy_id, relation, period AS list_period,
               {scored} AS period, {basis} AS basis
        FROM applicable_priorities""")
    return used


def compute_alignment(con: duckdb.DuckDBPyConnection, regions: Iterable[str] | None = None,
                      params: dict | None = None) -> dict[str, int]:
    """Run the alignment method on `con` and return the row count of every output table.

    regions: NUTS codes (any of levels 0-2) to compute region rows for; None = every EU NUTS 0-2 region. Hub-side
             tables (hubs_deduplicated, hub_domain_levels, the EU-wide competence distribution) always use every hub,
             so a region's figures are the same whether it is computed alone or with all others.
    params:  overrides of `pipelines.method.sql_params()` (for experiments; the build passes none).
    """
    absent = missing_tables(con, REQUIRED_INPUTS)
    if absent:
        raise PipelineError(f"compute_alignment needs the input table(s) {', '.join(absent)} in the connection")
    _ensure_optional_inputs(con)
    region_list = sorted({str(r).strip() for r in regions}) if regions is not None else []
    if regions is not None and not region_list:
        raise PipelineError("compute_alignment: `regions` is empty; pass None for every region")
    extra = {**(params or {}), "region_filter": region_list}
    write_method_tables(con)
    used = _normalise_inputs(con)
    con.executemany("INSERT INTO method_parameters VALUES (?, ?, ?)",
                    [(f"input.{k}", v, method.METHOD_VERSION) for k, v in sorted(used.items())])
    for name in ALIGNMENT_SQL:
        run_sql_file(con, name, extra)
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in OUTPUT_TABLES}
