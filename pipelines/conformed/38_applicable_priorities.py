"""applicable_priorities: which S3 priorities apply to every EU NUTS 0, 1 and 2 region, and why (relation):

- 'national': the country's national strategy (also for the country itself);
- 'own': the strategy of the region itself;
- 'parent': a strategy at a higher level containing the region (French and German strategies are NUTS 1 and apply to
  their NUTS 2 regions; Poland's Mazowieckie strategy is NUTS 1 PL9 over PL91 and PL92);
- 'child': strategies at a lower level inside the region (Czech kraje, Finnish maakunnat and Swedish län are NUTS 3
  and apply to the NUTS 2 region containing them; every regional strategy applies to its NUTS 1 region and country);
- 'shared': a joint strategy recorded under another region (data/taxonomy/strategy_sharing.csv, each row backed by a
  quote from the strategy's coverage note: Berlin–Brandenburg innoBB).

Pre-merger French regions need no special case: their 2014-2020 strategies sit at NUTS 2021 level-2 codes (FRC1
Bourgogne, FRC2 Franche-Comté, FRK2 Rhône-Alpes), so they are 'own' for that NUTS 2 region and 'child' for the merged
NUTS 1 region. Regions left with no applicable strategy are listed in applicability_gaps with the reason."""
from __future__ import annotations

import pandas as pd

from .. import paths
from ..coding import read_taxonomy_csv
from ..context import BuildContext
from ..errors import InputFileError
from ..geo import EU27

REGION_LEVELS = (0, 1, 2)


def _regions_sql(con) -> str:
    has_regions = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
                              "AND table_name = 'regions'").fetchall()[0][0]
    if has_regions:
        return "SELECT nuts_code, level, name, country_code FROM regions WHERE is_eu"
    eu = ", ".join(f"'{c}'" for c in EU27)  # constant country list, not user input
    return f"""SELECT nuts_code, level, name_latn AS name, country_code FROM staging.stg_nuts_regions
               WHERE nuts_version = '2021' AND country_code IN ({eu})"""


def load_sharing(con) -> pd.DataFrame:
    rows = read_taxonomy_csv(paths.TAXONOMY, "strategy_sharing.csv",
                             ["strategy_id", "applies_to_nuts_code", "note_quote", "reason"])
    for line, row in enumerate(rows, start=2):
        found = con.execute("SELECT note FROM s3_strategies WHERE strategy_id = ?", [row["strategy_id"]]).fetchall()
        note = found[0] if found else None
        if note is None:
            raise InputFileError(f"data/taxonomy/strategy_sharing.csv line {line}: unknown strategy {row['strategy_id']}")
        if row["note_quote"] not in (note[0] or ""):
            raise InputFileError(f"data/taxonomy/strategy_sharing.csv line {line}: the coverage note of "
                                 f"{row['strategy_id']} no longer says {row['note_quote']!r}")
    return pd.DataFrame(rows, columns=["strategy_id", "applies_to_nuts_code", "note_quote", "reason"])


def run(ctx: BuildContext) -> int:
    return build_applicable(ctx.con, load_sharing(ctx.con))


def build_applicable(con, sharing: pd.DataFrame) -> int:
    """applicable_priorities and applicability_gaps from regions (or staging NUTS), s3_priorities, s3_strategies and
    the sharing rows (strategy_id, applies_to_nuts_code, reason)."""
    con.register("_sharing", sharing)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _target_regions AS
        SELECT * FROM ({_regions_sql(con)})
        WHERE level IN {REGION_LEVELS} AND NOT regexp_matches(nuts_code, '^[A-Z]{{2}}Z+$')""")
    con.execute("""
        CREATE OR REPLACE TABLE applicable_priorities AS
        WITH strategies AS (
            SELECT DISTINCT strategy_id, nuts_code AS strategy_nuts_code, nuts_level AS strategy_level, period,
                   country_code
            FROM s3_priorities),
        links AS (
            SELECT r.nuts_code, r.level, s.strategy_id, s.strategy_nuts_code, s.strategy_level, s.period,
                   CASE WHEN s.strategy_level = 0 THEN 'national'
                        WHEN s.strategy_nuts_code = r.nuts_code THEN 'own'
                        WHEN s.strategy_level < r.level THEN 'parent'
                        ELSE 'child' END AS relation,
                   NULL AS relation_note
            FROM _target_regions r
            JOIN strategies s ON s.country_code = r.country_code
             AND (s.strategy_level = 0
                  OR starts_with(r.nuts_code, s.strategy_nuts_code)
                  OR starts_with(s.strategy_nuts_code, r.nuts_code))
            UNION ALL
            SELECT r.nuts_code, r.level, s.strategy_id, s.strategy_nuts_code, s.strategy_level, s.period, 'shared',
                   sh.reason
            FROM _sharing sh
            JOIN strategies s ON s.strategy_id = sh.strategy_id
            JOIN _target_regions r ON starts_with(r.nuts_code, sh.applies_to_nuts_code))
        SELECT l.nuts_code, l.level, p.priority_id, l.strategy_id, l.relation, l.period, l.strategy_nuts_code,
               l.strategy_level, l.relation_note
        FROM links l JOIN s3_priorities p ON p.strategy_id = l.strategy_id
        ORDER BY l.nuts_code, l.period, l.relation, p.priority_id""")
    # regions with no applicable strategy at all, with what the coverage log says about their strategies
    con.execute("""
        CREATE OR REPLACE TABLE applicability_gaps AS
        SELECT r.nuts_code, r.level, r.name, r.country_code,
               coalesce(string_agg(c.strategy_id || ' (' || c.status || '): ' || coalesce(c.note, ''), ' | '
                                   ORDER BY c.strategy_id),
                        'no strategy of this region, its country or a region containing it was looked for')
               AS reason
        FROM _target_regions r
        LEFT JOIN s3_strategies c ON c.country_code = r.country_code
             AND (c.nuts_level = 0 OR starts_with(r.nuts_code, c.nuts_code) OR starts_with(c.nuts_code, r.nuts_code))
        WHERE r.nuts_code NOT IN (SELECT nuts_code FROM applicable_priorities)
        GROUP BY r.nuts_code, r.level, r.name, r.country_code
        ORDER BY r.nuts_code""")
    con.unregister("_sharing")
    con.execute("DROP TABLE IF EXISTS _target_regions")
    return con.execute("SELECT count(*) FROM applicable_priorities").fetchall()[0][0]
