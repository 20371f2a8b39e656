-- For every region × priority domain (whatever the period): covered / weak / uncovered by the hubs that SERVE the
-- region (hub_service_membership: address, declared, national or assumed area), the serving hubs with their levels,
-- the same on declared evidence only and at addresses only, and the nearest hub that does not serve the region (EU or
-- Digital Europe associated country) and would cover it.
CREATE OR REPLACE TABLE region_domain_status AS
WITH pairs AS (
    SELECT DISTINCT nuts_code, level, domain_code FROM region_priority_domains
), serving AS (
    SELECT p.nuts_code, p.level, p.domain_code, m.hub_id, m.basis, l.competence_level, l.evidence_grade,
           l.declared_level
    FROM pairs p
    JOIN hub_service_membership m ON m.nuts_code = p.nuts_code AND m.level = p.level
    JOIN hub_domain_levels l ON l.hub_id = m.hub_id AND l.domain_code = p.domain_code
), local_hubs AS (
    SELECT p.nuts_code, p.level, p.domain_code,
           count(s.hub_id) AS n_local_hubs,
           count(s.hub_id) FILTER (WHERE s.competence_level >= $covered_level) AS n_covering_hubs,
           max(s.competence_level) AS best_local_level,
           arg_max(s.evidence_grade, s.competence_level * 10 - coalesce(
               list_position(['declared', 'listed', 'inferred'], s.evidence_grade), 9)) AS best_evidence_grade,
           max(s.declared_level) AS best_declared_level,
           max(s.competence_level) FILTER (WHERE s.basis = 'address') AS best_address_level,
           string_agg(DISTINCT s.basis, ', ' ORDER BY s.basis) FILTER (WHERE s.competence_level >= $covered_level)
               AS covering_bases,
           string_agg(s.hub_id || ' (level ' || s.competence_level || ', ' || s.evidence_grade
                      || CASE WHEN s.basis <> 'address' THEN ', serves: ' || s.basis ELSE '' END || ')', '; '
                      ORDER BY s.competence_level DESC, s.hub_id) AS local_hubs
    FROM pairs p
    LEFT JOIN serving s ON s.nuts_code = p.nuts_code AND s.level = p.level AND s.domain_code = p.domain_code
    GROUP BY p.nuts_code, p.level, p.domain_code
), nearest AS (
    -- the smallest (distance, hub_id) struct: the nearest hub, ties broken by the smaller hub_id
    SELECT p.nuts_code, p.level, p.domain_code,
           arg_min({'distance_km': d.distance_km, 'hub_id': d.hub_id},
                   {'distance_km': d.distance_km, 'hub_id': d.hub_id}) AS nearest
    FROM pairs p
    JOIN hub_domain_levels l ON l.domain_code = p.domain_code AND l.competence_level >= $covered_level
    JOIN region_hub_distances d ON d.nuts_code = p.nuts_code AND d.level = p.level AND d.hub_id = l.hub_id
    JOIN hubs_deduplicated h ON h.hub_id = l.hub_id
    WHERE NOT d.serves_region AND (h.is_eu_country OR h.is_associated_country)
    GROUP BY p.nuts_code, p.level, p.domain_code
)
SELECT lh.nuts_code, lh.level, lh.domain_code,
       CASE WHEN lh.best_local_level >= $covered_level THEN 'covered'
            WHEN lh.best_local_level >= $weak_level THEN 'weak'
            ELSE 'uncovered' END AS status,
       lh.local_hubs, lh.n_local_hubs, lh.n_covering_hubs, lh.best_local_level,
       n.nearest.hub_id AS nearest_hub_id, round(n.nearest.distance_km, 1) AS nearest_hub_distance_km,
       lh.best_evidence_grade,
       lh.covering_bases,
       CASE WHEN lh.best_declared_level >= $covered_level THEN 'covered'
            WHEN lh.best_declared_level >= $weak_level THEN 'weak'
            ELSE 'uncovered' END AS status_declared,
       CASE WHEN lh.best_address_level >= $covered_level THEN 'covered'
            WHEN lh.best_address_level >= $weak_level THEN 'weak'
            ELSE 'uncovered' END AS status_address
FROM local_hubs lh
LEFT JOIN nearest n ON n.nuts_code = lh.nuts_code AND n.level = lh.level AND n.domain_code = lh.domain_code;

-- The best serving level of every region × priority domain under every reading of method_variants.
CREATE OR REPLACE TABLE region_domain_status_by_variant AS
WITH pairs AS (
    SELECT DISTINCT nuts_code, level, domain_code FROM region_priority_domains
)
SELECT v.variant, p.nuts_code, p.level, p.domain_code, max(l.competence_level) AS best_level
FROM pairs p
CROSS JOIN method_variants v
JOIN hub_service_membership m
  ON m.nuts_code = p.nuts_code AND m.level = p.level AND (v.membership = 'served' OR m.basis = 'address')
JOIN hub_domain_levels_by_variant l ON l.variant = v.variant AND l.hub_id = m.hub_id AND l.domain_code = p.domain_code
GROUP BY ALL;
