-- gaps: one row per EU NUTS 0-2 region × period × applicable priority × coded domain. status is by the hubs that
-- serve the region (default reading); status_declared on declared evidence only, status_address by hubs at their
-- address only. counts_in_coverage is false for "Digital transformation (general)".
CREATE OR REPLACE TABLE gaps AS
SELECT
    g.nuts_code,
    g.level,
    g.period,
    g.priority_id,
    ar.name AS region_name,
    ar.country_code,
    g.strategy_id,
    g.relation,
    p.title AS priority_title,
    g.domain_code,
    d.label AS domain_label,
    s.status,
    s.local_hubs,
    s.n_local_hubs,
    s.n_covering_hubs,
    s.best_local_level,
    s.nearest_hub_id,
    nh.name AS nearest_hub_name,
    s.nearest_hub_distance_km,
    g.weight AS domain_weight,
    $method_version AS method_version,
    s.status_declared,
    s.status_address,
    s.best_evidence_grade,
    s.covering_bases,
    NOT g.is_digital_general AS counts_in_coverage,
    g.relation_weight,
    g.basis AS s3_basis,
    g.list_period,
    g.confidence AS priority_confidence
FROM region_priority_domains g
JOIN alignment_regions ar ON ar.nuts_code = g.nuts_code AND ar.level = g.level AND ar.period = g.period
JOIN region_domain_status s ON s.nuts_code = g.nuts_code AND s.level = g.level AND s.domain_code = g.domain_code
LEFT JOIN s3_priorities p ON p.priority_id = g.priority_id
LEFT JOIN domains d ON d.domain_code = g.domain_code
LEFT JOIN hubs_deduplicated nh ON nh.hub_id = s.nearest_hub_id
ORDER BY g.nuts_code, g.period, g.priority_id, g.domain_code;
