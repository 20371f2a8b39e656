-- published_benchmarks: the JRC's December 2023 EDIH coverage figures (method_published_figures, from
-- pipelines/method.py) beside the same figures computed from the warehouse: EU NUTS 2 regions (2021-2027 rows of
-- alignment_regions) and Digital Europe-funded EDIHs (hub_type 'EDIH' and is_dep_funded). Besides the figure closest
-- to the published definition (atlas_value), two readings bracket it: EDIHs at their address only
-- (atlas_value_located) and, for the technology figures, only levels >= $covered_level (atlas_value_covering).
CREATE OR REPLACE TABLE published_benchmarks AS
WITH nuts2 AS (
    SELECT nuts_code FROM alignment_regions WHERE level = 2 AND period = '2021-2027'
), edih AS (
    SELECT hub_id FROM hubs_deduplicated WHERE hub_type = 'EDIH' AND is_dep_funded
), served AS (
    SELECT m.nuts_code, m.hub_id, m.basis FROM hub_service_membership m
    JOIN edih e ON e.hub_id = m.hub_id JOIN nuts2 n ON n.nuts_code = m.nuts_code
    WHERE m.level = 2
), tech AS (
    SELECT * FROM (VALUES ('ai_serving', 'TECH_AI'), ('cyber_serving', 'TECH_CYBER'), ('hpc_serving', 'TECH_HPC'))
        t(benchmark_id, domain_code)
), n AS (
    SELECT (SELECT count(*) FROM nuts2) AS n_regions, (SELECT count(*) FROM edih) AS n_edih
), figures AS (
    SELECT 'edih_present' AS benchmark_id,
           count(DISTINCT nuts_code) FILTER (WHERE basis = 'address') AS numerator,
           (SELECT n_regions FROM n) AS denominator,
           count(DISTINCT nuts_code) FILTER (WHERE basis = 'address') AS numerator_located,
           NULL::BIGINT AS numerator_covering
    FROM served
    UNION ALL
    SELECT 'edih_serving', count(DISTINCT nuts_code), (SELECT n_regions FROM n),
           count(DISTINCT nuts_code) FILTER (WHERE basis = 'address'), NULL
    FROM served
    UNION ALL
    SELECT t.benchmark_id,
           count(DISTINCT s.nuts_code),
           (SELECT n_regions FROM n),
           count(DISTINCT s.nuts_code) FILTER (WHERE s.basis = 'address'),
           count(DISTINCT s.nuts_code) FILTER (WHERE l.competence_level >= $covered_level)
    FROM tech t
    LEFT JOIN hub_domain_levels l ON l.domain_code = t.domain_code
    LEFT JOIN served s ON s.hub_id = l.hub_id
    GROUP BY t.benchmark_id
    UNION ALL
    SELECT 'edih_manufacturing',
           count(DISTINCT e.hub_id) FILTER (WHERE l.hub_id IS NOT NULL),
           (SELECT n_edih FROM n),
           NULL,
           count(DISTINCT e.hub_id) FILTER (WHERE l.competence_level >= $covered_level)
    FROM edih e
    LEFT JOIN hub_domain_levels l ON l.hub_id = e.hub_id AND list_contains($manufacturing_domains, l.domain_code)
)
SELECT p.benchmark_id, p.figure, p.published_value,
       round(f.numerator / nullif(f.denominator, 0), 4) AS atlas_value,
       round(100 * (f.numerator / nullif(f.denominator, 0) - p.published_value), 1) AS difference_points,
       f.numerator, f.denominator,
       round(f.numerator_located / nullif(f.denominator, 0), 4) AS atlas_value_located,
       round(f.numerator_covering / nullif(f.denominator, 0), 4) AS atlas_value_covering,
       p.published_definition, p.atlas_definition, p.explanation, p.source,
       $method_version AS method_version
FROM method_published_figures p
LEFT JOIN figures f ON f.benchmark_id = p.benchmark_id
ORDER BY p.figure_order;
