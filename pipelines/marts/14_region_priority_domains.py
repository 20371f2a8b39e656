"""method_parameters, alignment_regions, region_priority_domains: the method's numbers as a table, every EU NUTS 0-2
region × period, and the weighted priority domains that apply to each (pipelines/sql/region_priority_domains.sql)."""
from __future__ import annotations

from .. import method
from ..context import BuildContext
from ..sql import require_tables, run_mart_step

REQUIRES = ["regions", "applicable_priorities", "s3_priority_domains"]


def write_method_tables(con) -> None:
    """method_parameters (every threshold and weight, for readers of the warehouse) and method_relation_weights."""
    con.execute("CREATE OR REPLACE TABLE method_relation_weights (relation VARCHAR, weight DOUBLE)")
    con.executemany("INSERT INTO method_relation_weights VALUES (?, ?)", sorted(method.RELATION_WEIGHTS.items()))
    con.execute("CREATE OR REPLACE TABLE method_parameters (name VARCHAR, value VARCHAR, method_version VARCHAR)")
    rows = [(k, str(v), method.METHOD_VERSION) for k, v in sorted(method.sql_params().items())]
    rows += [(f"relation_weight.{k}", str(v), method.METHOD_VERSION) for k, v in sorted(method.RELATION_WEIGHTS.items())]
    con.executemany("INSERT INTO method_parameters VALUES (?, ?, ?)", rows)


def run(ctx: BuildContext) -> int:
    require_tables(ctx.con, "region_priority_domains", REQUIRES)
    write_method_tables(ctx.con)
    return run_mart_step(ctx, "region_priority_domains", "region_priority_domains", requires=REQUIRES)
