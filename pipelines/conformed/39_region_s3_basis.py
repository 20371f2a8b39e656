"""region_s3_basis and s3_strategy_coverage: what every EU NUTS 0-2 region is scored on, per period, in words; and
what the curated S3 data holds per strategy. docs/taxonomy.md § "What each region is scored on".

region_s3_basis(nuts_code, level, period, basis, basis_note, n_strategies, low_confidence_weight_share, …):
- basis: 'own' (a list found for the period), 'carried_forward_2014_2020', 'national_fallback' (rules in step 38),
  or 'none' (no list at all: not scored);
- low_confidence_weight_share: the share of the region's priority weight that rests on rows of confidence 'low'.
  Each applicable priority counts once (its highest relation weight), weighted by the method's relation weights
  (pipelines/method.py RELATION_WEIGHTS, and NATIONAL_WEIGHT_WITH_REGIONAL for national rows next to a regional
  list when the method defines it, so the figure follows the method's parameters);
  low_confidence_weight_share_equal is the same with every priority weighing 1 (the method-1.0 view);
- digital_priority 'yes'/'no': whether any priority the region is scored on is coded to "Digital transformation
  (general)" (TECH_DIGITAL), which the method keeps out of the coverage denominator and shows separately.

s3_strategy_coverage(strategy_id, nuts_code, level, period, status, confidence, n_priorities, source_url, note, …):
one row per strategy in the curated coverage log and the Czech annex: found / partial / not_found, the prevailing
confidence of its rows (ties go to the lower), how many priorities the warehouse holds, the source most rows cite."""
from __future__ import annotations

from .. import method
from ..context import BuildContext

PERIODS = ("2014-2020", "2021-2027")
DIGITAL_GENERAL = "TECH_DIGITAL"


def _relation_weights(con) -> float:
    """The method's relation weights as a temp table _rw(relation, with_regional, weight): national rows next to a
    regional list take NATIONAL_WEIGHT_WITH_REGIONAL when the method defines it."""
    weights = getattr(method, "RELATION_WEIGHTS", {})
    default = float(getattr(method, "RELATION_WEIGHT_DEFAULT", 1.0))
    national_next_to_regional = getattr(method, "NATIONAL_WEIGHT_WITH_REGIONAL", None)
    rows = [(k, flag, float(v)) for k, v in sorted(weights.items()) for flag in (False, True)]
    if national_next_to_regional is not None:
        rows = [(k, flag, float(national_next_to_regional) if (k == "national" and flag) else w)
                for k, flag, w in rows]
    con.execute("CREATE OR REPLACE TEMP TABLE _rw (relation VARCHAR, with_regional BOOLEAN, weight DOUBLE)")
    con.executemany("INSERT INTO _rw VALUES (?, ?, ?)", rows)
    return default


def build_region_basis(con) -> int:
    default = _relation_weights(con)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _targets AS
        SELECT r.nuts_code, r.level, r.name, r.country_code, c.name AS country_name, p.period
        FROM regions r
        LEFT JOIN regions c ON c.nuts_code = r.country_code
        CROSS JOIN (SELECT unnest(?) AS period) p
        WHERE r.is_eu AND r.level IN (0, 1, 2) AND NOT regexp_matches(r.nuts_code, '^[A-Z]{2}Z+$')""",
                [list(PERIODS)])
    con.execute("""
        CREATE OR REPLACE TABLE region_s3_basis AS
        WITH counted AS (   -- each priority once per region and scored period, with its highest relation weight
            SELECT a.nuts_code, a.level, a.scored_period AS period, a.priority_id, a.strategy_id, a.relation,
                   a.basis, a.confidence, coalesce(w.weight, ?) AS relation_weight
            FROM applicable_priorities a
            LEFT JOIN _rw w ON w.relation = a.relation AND w.with_regional = a.has_regional_list
            QUALIFY row_number() OVER (PARTITION BY a.nuts_code, a.level, a.scored_period, a.priority_id
                                       ORDER BY relation_weight DESC, a.relation, a.strategy_id) = 1),
        digital AS (
            SELECT DISTINCT priority_id FROM s3_priority_domains WHERE domain_code = ?),
        per_region AS (
            SELECT c.nuts_code, c.level, c.period,
                   CASE WHEN bool_or(c.basis = 'own') THEN 'own'
                        WHEN bool_or(c.basis = 'carried_forward_2014_2020') THEN 'carried_forward_2014_2020'
                        ELSE 'national_fallback' END AS basis,
                   count(DISTINCT c.strategy_id) AS n_strategies,
                   count(*) AS n_priorities,
                   bool_or(c.relation <> 'national') AS has_regional_list,
                   coalesce(sum(c.relation_weight) FILTER (WHERE c.confidence = 'low'), 0)
                       / nullif(sum(c.relation_weight), 0) AS low_confidence_weight_share,
                   count(*) FILTER (WHERE c.confidence = 'low') / count(*) AS low_confidence_weight_share_equal,
                   coalesce(sum(c.relation_weight) FILTER (WHERE c.relation = 'national'), 0)
                       / nullif(sum(c.relation_weight), 0) AS national_weight_share,
                   bool_or(c.priority_id IN (SELECT priority_id FROM digital)) AS has_digital_priority,
                   list(DISTINCT c.strategy_id ORDER BY c.strategy_id) AS strategy_ids
            FROM counted c GROUP BY ALL),
        words AS (   -- the strategies in words: "Mazowieckie (the region containing it)"
            SELECT c.nuts_code, c.level, c.period,
                   string_agg(DISTINCT s.territory_name || ' (' ||
                              CASE c.relation WHEN 'own' THEN 'its own' WHEN 'parent' THEN 'the region containing it'
                                   WHEN 'child' THEN 'a region within it' WHEN 'shared' THEN 'joint strategy'
                                   ELSE c.relation END
                              || CASE WHEN c.basis = 'carried_forward_2014_2020' THEN ', 2014-2020' ELSE '' END
                              || ')', '; ' ORDER BY s.territory_name || ' (' ||
                              CASE c.relation WHEN 'own' THEN 'its own' WHEN 'parent' THEN 'the region containing it'
                                   WHEN 'child' THEN 'a region within it' WHEN 'shared' THEN 'joint strategy'
                                   ELSE c.relation END
                              || CASE WHEN c.basis = 'carried_forward_2014_2020' THEN ', 2014-2020' ELSE '' END
                              || ')') FILTER (WHERE c.relation <> 'national') AS regional_lists,
                   bool_or(c.relation = 'national' AND c.basis <> 'carried_forward_2014_2020') AS national_now,
                   bool_or(c.relation = 'national' AND c.basis = 'carried_forward_2014_2020') AS national_before
            FROM counted c JOIN s3_strategies s USING (strategy_id) GROUP BY ALL)
        SELECT t.nuts_code, t.level, t.period, coalesce(p.basis, 'none') AS basis,
               CASE
                 WHEN p.basis IS NULL THEN
                   'Not scored: no ' || t.period || ' smart-specialisation list'
                   || CASE WHEN t.period = '2021-2027' THEN ' (nor a 2014-2020 one to carry forward)' ELSE '' END
                   || ' was found for ' || t.name || ', for ' || coalesce(t.country_name, t.country_code)
                   || ' or for a region containing it.'
                 WHEN p.basis = 'own' AND p.has_regional_list THEN
                   'Scored on the ' || t.period || ' priorities of ' || w.regional_lists
                   || CASE WHEN w.national_now THEN ', with the national priorities of '
                           || coalesce(t.country_name, t.country_code) || ' alongside' ELSE '' END || '.'
                 WHEN p.basis = 'own' THEN
                   'Scored on the national ' || t.period || ' strategy of ' || coalesce(t.country_name, t.country_code)
                   || ', the smart-specialisation strategy of all its regions.'
                 WHEN p.basis = 'carried_forward_2014_2020' THEN
                   'Fallback: no 2021-2027 list was found for ' || t.name || '; scored on '
                   || CASE WHEN w.regional_lists IS NOT NULL THEN 'the 2014-2020 priorities of ' || w.regional_lists
                           ELSE 'the national 2014-2020 priorities of ' || coalesce(t.country_name, t.country_code)
                      END
                   || ', carried forward'
                   || CASE WHEN w.national_now THEN ', with the national 2021-2027 priorities of '
                           || coalesce(t.country_name, t.country_code) || ' alongside' ELSE '' END || '.'
                 ELSE
                   'Fallback: no regional ' || t.period || ' list was found for ' || t.name || '; scored on the '
                   || 'national ' || t.period || ' priorities of ' || coalesce(t.country_name, t.country_code) || '.'
               END
               || CASE WHEN p.low_confidence_weight_share >= 0.5
                       THEN ' ' || CAST(round(100 * p.low_confidence_weight_share) AS INTEGER)
                            || ' % of this weight rests on low-confidence lists (partial, draft, read from a '
                            || 'table of contents, or unsure of the period).'
                       ELSE '' END AS basis_note,
               coalesce(p.n_strategies, 0) AS n_strategies,
               p.low_confidence_weight_share,
               coalesce(p.n_priorities, 0) AS n_priorities,
               coalesce(p.has_regional_list, FALSE) AS has_regional_list,
               p.low_confidence_weight_share_equal,
               p.national_weight_share,
               coalesce(p.has_digital_priority, FALSE) AS has_digital_priority,
               CASE WHEN coalesce(p.has_digital_priority, FALSE) THEN 'yes' ELSE 'no' END AS digital_priority,
               coalesce(p.basis, 'none') <> 'own' AS is_fallback,
               p.strategy_ids
        FROM _targets t
        LEFT JOIN per_region p ON p.nuts_code = t.nuts_code AND p.level = t.level AND p.period = t.period
        LEFT JOIN words w ON w.nuts_code = t.nuts_code AND w.level = t.level AND w.period = t.period
        ORDER BY t.nuts_code, t.period""", [default, DIGITAL_GENERAL])
    con.execute("DROP TABLE IF EXISTS _targets")
    con.execute("DROP TABLE IF EXISTS _rw")
    return con.execute("SELECT count(*) FROM region_s3_basis").fetchall()[0][0]


def build_strategy_coverage(con) -> int:
    con.execute("""
        CREATE OR REPLACE TABLE s3_strategy_coverage AS
        WITH conf AS (
            SELECT strategy_id, confidence, count(*) AS n FROM s3_priorities GROUP BY ALL),
        picked AS (   -- the prevailing confidence; ties go to the lower one
            SELECT strategy_id,
                   arg_max(confidence, n * 10 + CASE confidence WHEN 'low' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END)
                       AS confidence,
                   sum(n) FILTER (WHERE confidence = 'low') / sum(n) AS low_confidence_share
            FROM conf GROUP BY strategy_id),
        urls AS (
            SELECT strategy_id, mode(source_url) AS source_url, count(DISTINCT source_url) AS n_sources,
                   count(*) AS n_priorities
            FROM s3_priorities GROUP BY strategy_id)
        SELECT s.strategy_id, s.nuts_code, s.nuts_level AS level, s.period, s.status, p.confidence,
               coalesce(u.n_priorities, 0) AS n_priorities, u.source_url, s.note,
               s.country_code, s.territory_name, s.period_uncertain, s.n_priorities AS n_priorities_listed,
               coalesce(p.low_confidence_share, 0.0) AS low_confidence_share, coalesce(u.n_sources, 0) AS n_sources,
               s.source_dataset
        FROM s3_strategies s
        LEFT JOIN picked p USING (strategy_id)
        LEFT JOIN urls u USING (strategy_id)
        ORDER BY s.strategy_id""")
    return con.execute("SELECT count(*) FROM s3_strategy_coverage").fetchall()[0][0]


def run(ctx: BuildContext) -> int:
    n = build_region_basis(ctx.con)
    m = build_strategy_coverage(ctx.con)
    counts = dict(ctx.con.execute("""SELECT basis, count(*) FROM region_s3_basis WHERE level = 2
                                     AND period = '2021-2027' GROUP BY 1""").fetchall())
    ctx.log("    region_s3_basis, EU NUTS 2, 2021-2027: "
            + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + f"; s3_strategy_coverage: {m} strategies")
    return n
