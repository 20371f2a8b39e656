"""applicable_priorities: which S3 priorities apply to every EU NUTS 0, 1 and 2 region, why (relation), in which
period they are scored (scored_period) and on what basis (basis). docs/taxonomy.md § "Which strategies apply where".

Relations:
- 'national': the country's national strategy (also for the country itself);
- 'own': the strategy of the region itself;
- 'parent': a strategy at a higher level containing the region (French and German strategies are NUTS 1 and apply to
  their NUTS 2 regions; Poland's Mazowieckie strategy is NUTS 1 PL9 over PL91 and PL92);
- 'child': strategies at a lower level inside the region (Czech kraje, Finnish maakunnat and Swedish län are NUTS 3
  and apply to the NUTS 2 region containing them; every regional strategy applies to its NUTS 1 region and country);
- 'shared': a joint strategy recorded under another region (data/taxonomy/strategy_sharing.csv, action 'share').
data/taxonomy/strategy_sharing.csv also removes a strategy from a region the NUTS hierarchy would wrongly give it to
(action 'exclude': Flevoland NL23 sits in NUTS 1 Oost-Nederland but belongs to the West-Netherlands programme and
RIS3) and records the member lists checked against their source that the NUTS hierarchy already gives (action
'confirmed'; the build fails if such a link disappears).

Basis (per region and scored period, precedence in this order, reasons in docs/taxonomy.md):
1. 'own' — a list was found for the period: the region's own, a containing region's (parent), regions' within it
   (child) or a joint one (shared); or the national list in a country whose regions have no strategies of their own
   (no sub-national strategy in the coverage log: BG, CY, DK, EE, HR, HU, LT, LU, LV, MT, SI, SK). National rows next to
   a regional list keep relation 'national' and basis 'own' (has_regional_list = TRUE: the method may weight them
   lower).
2. 'carried_forward_2014_2020' — no 2021-2027 regional list, but a 2014-2020 one: the region's 2014-2020 rows are
   repeated with scored_period '2021-2027'. The national 2021-2027 rows, if any, come alongside as
   'national_fallback'; where no national 2021-2027 list exists either, the national 2014-2020 rows are carried too.
3. 'national_fallback' — no regional list in either period, the country's national list of the period.
Regions left with no applicable strategy at all are listed in applicability_gaps with the reason; region_s3_basis
(step 39) gives each region × period its basis in words."""
from __future__ import annotations

import pandas as pd

from .. import paths
from ..coding import read_taxonomy_csv
from ..context import BuildContext
from ..errors import InputFileError
from ..geo import EU27

REGION_LEVELS = (0, 1, 2)
PERIODS = ("2014-2020", "2021-2027")
CURRENT, PREVIOUS = "2021-2027", "2014-2020"
BASES = ("own", "national_fallback", "carried_forward_2014_2020")
SHARING_ACTIONS = ("share", "exclude", "confirmed")
SHARING_COLUMNS = ["strategy_id", "applies_to_nuts_code", "action", "note_quote", "reason", "source_url"]


def _regions_sql(con) -> str:
    has_regions = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
                              "AND table_name = 'regions'").fetchall()[0][0]
    if has_regions:
        return "SELECT nuts_code, level, name, country_code FROM regions WHERE is_eu"
    eu = ", ".join(f"'{c}'" for c in EU27)  # constant country list, not user input
    return f"""SELECT nuts_code, level, name_latn AS name, country_code FROM staging.stg_nuts_regions
               WHERE nuts_version = '2021' AND country_code IN ({eu})"""


def load_sharing(con) -> pd.DataFrame:
    """data/taxonomy/strategy_sharing.csv, checked: known strategy, known action, a source URL on every row, and the
    note_quote (when given) still in the strategy's coverage note."""
    rows = read_taxonomy_csv(paths.TAXONOMY, "strategy_sharing.csv", SHARING_COLUMNS)
    where = "data/taxonomy/strategy_sharing.csv"
    for line, row in enumerate(rows, start=2):
        found = con.execute("SELECT note FROM s3_strategies WHERE strategy_id = ?", [row["strategy_id"]]).fetchall()
        if not found:
            raise InputFileError(f"{where} line {line}: unknown strategy {row['strategy_id']}")
        if row["action"] not in SHARING_ACTIONS:
            raise InputFileError(f"{where} line {line}: action {row['action']!r} is not one of {SHARING_ACTIONS}")
        if not row["source_url"].startswith("http") or not row["reason"]:
            raise InputFileError(f"{where} line {line}: every row needs a reason and the source_url it was checked on")
        if row["note_quote"] and row["note_quote"] not in (found[0][0] or ""):
            raise InputFileError(f"{where} line {line}: the coverage note of {row['strategy_id']} no longer says "
                                 f"{row['note_quote']!r}")
    return pd.DataFrame(rows, columns=SHARING_COLUMNS)


def run(ctx: BuildContext) -> int:
    sharing = load_sharing(ctx.con)
    n = build_applicable(ctx.con, sharing)
    confirmed = sharing[sharing.action == "confirmed"]
    missing = [f"{r.strategy_id} → {r.applies_to_nuts_code}" for r in confirmed.itertuples()
               if not ctx.con.execute("SELECT count(*) FROM applicable_priorities WHERE strategy_id = ? "
                                      "AND nuts_code = ?", [r.strategy_id, r.applies_to_nuts_code]).fetchall()[0][0]]
    if missing:
        raise InputFileError("data/taxonomy/strategy_sharing.csv: confirmed member(s) no longer get the strategy: "
                             + ", ".join(missing))
    return n


def build_applicable(con, sharing: pd.DataFrame) -> int:
    """applicable_priorities and applicability_gaps from regions (or staging NUTS), s3_priorities, s3_strategies and
    the sharing rows (strategy_id, applies_to_nuts_code, reason[, action]; a missing action means 'share')."""
    sharing = sharing.copy()
    if "action" not in sharing.columns:
        sharing["action"] = "share"
    sharing = sharing[["strategy_id", "applies_to_nuts_code", "action", "reason"]]
    con.register("_sharing", sharing)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _target_regions AS
        SELECT * FROM ({_regions_sql(con)})
        WHERE level IN {REGION_LEVELS} AND NOT regexp_matches(nuts_code, '^[A-Z]{{2}}Z+$')""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _links AS
        WITH strategies AS (
            SELECT DISTINCT strategy_id, nuts_code AS strategy_nuts_code, nuts_level AS strategy_level, period,
                   country_code
            FROM s3_priorities),
        hierarchy AS (
            SELECT r.nuts_code, r.level, s.strategy_id, s.strategy_nuts_code, s.strategy_level, s.period,
                   CASE WHEN s.strategy_level = 0 THEN 'national'
                        WHEN s.strategy_nuts_code = r.nuts_code THEN 'own'
                        WHEN s.strategy_level < r.level THEN 'parent'
                        ELSE 'child' END AS relation,
                   CAST(NULL AS VARCHAR) AS relation_note
            FROM _target_regions r
            JOIN strategies s ON s.country_code = r.country_code
             AND (s.strategy_level = 0
                  OR starts_with(r.nuts_code, s.strategy_nuts_code)
                  OR starts_with(s.strategy_nuts_code, r.nuts_code))
            WHERE NOT EXISTS (SELECT 1 FROM _sharing x
                              WHERE x.action = 'exclude' AND x.strategy_id = s.strategy_id
                                AND starts_with(r.nuts_code, x.applies_to_nuts_code))),
        shared AS (
            SELECT r.nuts_code, r.level, s.strategy_id, s.strategy_nuts_code, s.strategy_level, s.period, 'shared',
                   sh.reason
            FROM _sharing sh
            JOIN strategies s ON s.strategy_id = sh.strategy_id
            JOIN _target_regions r ON starts_with(r.nuts_code, sh.applies_to_nuts_code)
            WHERE sh.action = 'share')
        SELECT * FROM hierarchy UNION ALL SELECT * FROM shared""")
    # what each region has per period, and which basis that gives (precedence in the module docstring)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _region_basis AS
        WITH national_only AS (
            SELECT country_code FROM s3_strategies GROUP BY country_code HAVING max(nuts_level) = 0),
        has AS (
            SELECT r.nuts_code, r.level, r.country_code, p.period,
                   bool_or(l.relation <> 'national' AND l.period = p.period) AS regional_now,
                   bool_or(l.relation = 'national' AND l.period = p.period) AS national_now,
                   bool_or(l.relation <> 'national' AND l.period = '{PREVIOUS}') AS regional_before,
                   bool_or(l.relation = 'national' AND l.period = '{PREVIOUS}') AS national_before
            FROM _target_regions r CROSS JOIN (SELECT unnest({list(PERIODS)}) AS period) p
            LEFT JOIN _links l ON l.nuts_code = r.nuts_code AND l.level = r.level
            GROUP BY ALL)
        SELECT h.*, h.country_code IN (SELECT country_code FROM national_only) AS national_only_country,
               CASE WHEN coalesce(regional_now, FALSE) THEN 'own'
                    WHEN coalesce(national_now, FALSE)
                         AND h.country_code IN (SELECT country_code FROM national_only) THEN 'own'
                    WHEN h.period = '{CURRENT}' AND coalesce(regional_before, FALSE) THEN 'carried_forward_2014_2020'
                    WHEN coalesce(national_now, FALSE) THEN 'national_fallback'
                    WHEN h.period = '{CURRENT}' AND coalesce(national_before, FALSE) THEN 'carried_forward_2014_2020'
                    ELSE 'none' END AS region_basis
        FROM has h""")
    con.execute(f"""
        CREATE OR REPLACE TABLE applicable_priorities AS
        WITH scored AS (
            -- every link counts in its own period, on the basis of the region in that period
            SELECT l.*, l.period AS scored_period,
                   CASE WHEN b.region_basis = 'own' THEN 'own' ELSE 'national_fallback' END AS basis
            FROM _links l
            JOIN _region_basis b ON b.nuts_code = l.nuts_code AND b.level = l.level AND b.period = l.period
            UNION ALL
            -- no 2021-2027 regional list: the 2014-2020 rows are carried forward (national ones only when there is
            -- no national 2021-2027 list either)
            SELECT l.*, '{CURRENT}' AS scored_period, 'carried_forward_2014_2020' AS basis
            FROM _links l
            JOIN _region_basis b ON b.nuts_code = l.nuts_code AND b.level = l.level AND b.period = '{CURRENT}'
            WHERE b.region_basis = 'carried_forward_2014_2020' AND l.period = '{PREVIOUS}'
              AND (l.relation <> 'national' OR NOT coalesce(b.national_now, FALSE)))
        SELECT s.nuts_code, s.level, p.priority_id, s.strategy_id, s.relation, s.period, s.strategy_nuts_code,
               s.strategy_level, s.relation_note, s.scored_period, s.basis,
               bool_or(s.relation <> 'national') OVER (PARTITION BY s.nuts_code, s.level, s.scored_period)
                   AS has_regional_list,
               p.confidence
        FROM scored s JOIN s3_priorities p ON p.strategy_id = s.strategy_id
        ORDER BY s.nuts_code, s.scored_period, s.period, s.relation, p.priority_id""")
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
    for table in ("_target_regions", "_links", "_region_basis"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return con.execute("SELECT count(*) FROM applicable_priorities").fetchall()[0][0]
