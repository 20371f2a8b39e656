-- Which priority domains apply to each EU NUTS 0-2 region and period, with their weights.
-- Tables: alignment_regions, region_priority_domains.

-- Every EU NUTS 0, 1, 2 region × period gets an alignment row (extra-regio codes such as ESZZ excluded).
CREATE OR REPLACE TABLE alignment_regions AS
SELECT r.nuts_code, r.level, r.name, r.country_code, r.parent_code, r.label_lon, r.label_lat,
       r.population, r.population_year, p.period
FROM regions r
CROSS JOIN (SELECT unnest($periods) AS period) p
WHERE r.is_eu AND list_contains($region_levels, r.level)
  AND NOT regexp_matches(r.nuts_code, '^[A-Z]{2}Z+$')
  -- compute_alignment(regions=…) restricts the regions; an empty list means every region
  AND (len($region_filter) = 0 OR list_contains($region_filter, r.nuts_code));

-- A priority coded to several domains splits its weight over them (its domain weights normalised to sum 1; NULL or
-- non-positive weights all missing → equal shares). A priority that reaches a region through several relations counts
-- once, with the highest relation weight.
CREATE OR REPLACE TABLE region_priority_domains AS
WITH coded AS (
    SELECT priority_id, domain_code, sum(greatest(coalesce(weight, 1.0), 0.0)) AS w
    FROM s3_priority_domains
    WHERE domain_code IS NOT NULL
    GROUP BY priority_id, domain_code
), shares AS (
    SELECT priority_id, domain_code,
           CASE WHEN sum(w) OVER (PARTITION BY priority_id) > 0
                THEN w / sum(w) OVER (PARTITION BY priority_id)
                ELSE 1.0 / count(*) OVER (PARTITION BY priority_id) END AS domain_share
    FROM coded
), applied AS (
    SELECT a.nuts_code, a.level, a.period, a.priority_id, a.strategy_id, a.relation,
           coalesce(w.weight, $relation_weight_default) AS relation_weight
    FROM applicable_priorities a
    JOIN alignment_regions ar ON ar.nuts_code = a.nuts_code AND ar.level = a.level AND ar.period = a.period
    LEFT JOIN method_relation_weights w ON w.relation = a.relation
    -- deterministic when a priority reaches a region twice: highest weight, then relation and strategy by name
    QUALIFY row_number() OVER (PARTITION BY a.nuts_code, a.level, a.period, a.priority_id
                               ORDER BY relation_weight DESC, a.relation, a.strategy_id) = 1
)
SELECT ap.nuts_code, ap.level, ap.period, ap.priority_id, ap.strategy_id, ap.relation, s.domain_code,
       s.domain_share, ap.relation_weight, ap.relation_weight * s.domain_share AS weight
FROM applied ap
JOIN shares s ON s.priority_id = ap.priority_id;
