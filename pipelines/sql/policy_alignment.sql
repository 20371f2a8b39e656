-- policy_alignment: for each EU NUTS 1 or 2 region with a regional strategy (its own, a shared one, its parent's or
-- its children's) and a national strategy in the same period, every domain of either, with
-- relation 'shared' (in both), 'region_only' or 'national_only'.
CREATE OR REPLACE TABLE policy_alignment AS
WITH regional AS (
    SELECT nuts_code, level, period, domain_code, sum(weight) AS regional_weight,
           string_agg(DISTINCT relation, ', ' ORDER BY relation) AS regional_relations,
           string_agg(DISTINCT strategy_id, ', ' ORDER BY strategy_id) AS regional_strategies
    FROM region_priority_domains
    WHERE relation <> 'national' AND level >= 1
    GROUP BY nuts_code, level, period, domain_code
), national AS (
    SELECT nuts_code, level, period, domain_code, sum(weight) AS national_weight,
           string_agg(DISTINCT strategy_id, ', ' ORDER BY strategy_id) AS national_strategies
    FROM region_priority_domains
    WHERE relation = 'national' AND level >= 1
    GROUP BY nuts_code, level, period, domain_code
), both_strategies AS (
    SELECT DISTINCT nuts_code, level, period FROM regional
    INTERSECT
    SELECT DISTINCT nuts_code, level, period FROM national
), combined AS (
    SELECT coalesce(r.nuts_code, n.nuts_code) AS nuts_code, coalesce(r.level, n.level) AS level,
           coalesce(r.period, n.period) AS period, coalesce(r.domain_code, n.domain_code) AS domain_code,
           CASE WHEN r.domain_code IS NOT NULL AND n.domain_code IS NOT NULL THEN 'shared'
                WHEN r.domain_code IS NOT NULL THEN 'region_only' ELSE 'national_only' END AS relation,
           r.regional_weight, n.national_weight, r.regional_relations, r.regional_strategies, n.national_strategies
    FROM regional r
    FULL OUTER JOIN national n
      ON n.nuts_code = r.nuts_code AND n.level = r.level AND n.period = r.period AND n.domain_code = r.domain_code
)
SELECT c.nuts_code, c.period, c.domain_code, c.relation, c.level, d.label AS domain_label,
       round(c.regional_weight, 4) AS regional_weight, round(c.national_weight, 4) AS national_weight,
       c.regional_relations, c.regional_strategies, c.national_strategies,
       $method_version AS method_version
FROM combined c
JOIN both_strategies b ON b.nuts_code = c.nuts_code AND b.level = c.level AND b.period = c.period
LEFT JOIN domains d ON d.domain_code = c.domain_code
ORDER BY c.nuts_code, c.period, c.relation, c.domain_code;
