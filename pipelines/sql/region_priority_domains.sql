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
-- once: a regional relation before the national one, then the highest relation weight. Periods are the periods in
-- which a priority counts for the region (applicable_priorities.scored_period: a 2014-2020 list carried forward
-- counts in 2021-2027). National priorities count $national_weight_with_regional next to a regional list of the
-- same period and their relation weight where they are the region's only list. "Digital transformation (general)"
-- ($digital_general_domain) rows are kept (gaps show them) but flagged: they count in no coverage or fit.
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
    SELECT a.nuts_code, a.level, a.period, a.priority_id, a.strategy_id, a.relation, a.basis, a.list_period,
           coalesce(w.weight, $relation_weight_default) AS base_weight
    FROM m2_applicable_priorities a
    JOIN alignment_regions ar ON ar.nuts_code = a.nuts_code AND ar.level = a.level AND ar.period = a.period
    LEFT JOIN method_relation_weights w ON w.relation = a.relation
    QUALIFY row_number() OVER (PARTITION BY a.nuts_code, a.level, a.period, a.priority_id
                               ORDER BY a.relation = 'national', base_weight DESC, a.relation, a.strategy_id) = 1
), regional AS (
    SELECT DISTINCT nuts_code, level, period FROM applied WHERE relation <> 'national'
)
SELECT ap.nuts_code, ap.level, ap.period, ap.priority_id, ap.strategy_id, ap.relation, s.domain_code,
       s.domain_share,
       CASE WHEN ap.relation = 'national' AND rg.nuts_code IS NOT NULL
            THEN $national_weight_with_regional ELSE ap.base_weight END AS relation_weight,
       s.domain_share * CASE WHEN ap.relation = 'national' AND rg.nuts_code IS NOT NULL
                             THEN $national_weight_with_regional ELSE ap.base_weight END AS weight,
       ap.base_weight,
       ap.relation = 'national' AND rg.nuts_code IS NOT NULL AS national_beside_regional,
       s.domain_code = $digital_general_domain AS is_digital_general,
       ap.basis,
       ap.list_period,
       p.confidence
FROM applied ap
JOIN shares s ON s.priority_id = ap.priority_id
LEFT JOIN regional rg ON rg.nuts_code = ap.nuts_code AND rg.level = ap.level AND rg.period = ap.period
LEFT JOIN s3_priorities p ON p.priority_id = ap.priority_id;

-- The weight of each region × period × priority domain under every reading of method_variants (national weight,
-- with or without digital general), and the part of it from low-confidence priority lists.
CREATE OR REPLACE TABLE region_priority_weights_by_variant AS
SELECT v.variant, r.nuts_code, r.level, r.period, r.domain_code,
       sum(r.domain_share * CASE WHEN r.national_beside_regional THEN v.national_weight ELSE r.base_weight END)
           AS weight,
       coalesce(sum(r.domain_share * CASE WHEN r.national_beside_regional THEN v.national_weight
                                          ELSE r.base_weight END) FILTER (WHERE r.confidence = 'low'), 0)
           AS low_confidence_weight
FROM region_priority_domains r
CROSS JOIN method_variants v
WHERE v.include_digital_general OR NOT r.is_digital_general
GROUP BY ALL
HAVING sum(r.domain_share * CASE WHEN r.national_beside_regional THEN v.national_weight ELSE r.base_weight END) > 0;
