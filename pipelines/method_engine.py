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
                 "partner_suggestions", "policy_alignment", "region_alignment")

OUTPUT_TABLES = ("method_parameters", "method_relation_weights", "hub_identity", "hubs_deduplicated",
                 "hub_region_membership", "hub_domain_levels", "region_hub_distances", "alignment_regions",
                 "region_priority_domains", "region_domain_status", "gaps", "unaligned_competences",
                 "partner_suggestions", "policy_alignment", "region_alignment")


def write_method_tables(con: duckdb.DuckDBPyConnection) -> None:
    """method_parameters (every threshold and weight, for readers of the warehouse) and method_relation_weights."""
    con.execute("CREATE OR REPLACE TABLE method_relation_weights (relation VARCHAR, weight DOUBLE)")
    con.executemany("INSERT INTO method_relation_weights VALUES (?, ?)", sorted(method.RELATION_WEIGHTS.items()))
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
    for name in ALIGNMENT_SQL:
        run_sql_file(con, name, extra)
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in OUTPUT_TABLES}
