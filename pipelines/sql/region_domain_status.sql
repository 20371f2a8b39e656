-- For every region × priority domain (whatever the period): covered / weak / uncovered by the hubs located in the
-- region, the local hubs with their levels, and the nearest hub outside the region that would cover it.
CREATE OR REPLACE TABLE region_domain_status AS
WITH pairs AS (
    SELECT DISTINCT nuts_code, level, domain_code FROM region_priority_domains
), local_hubs AS (
    SELECT p.nuts_code, p.level, p.domain_code,
           count(l.hub_id) AS n_local_hubs,
           count(l.hub_id) FILTER (WHERE l.competence_level >= $covered_level) AS n_covering_hubs,
           max(l.competence_level) AS best_local_level,
           string_agg(l.hub_id || ' (level ' || l.competence_level || ')', '; '
                      ORDER BY l.competence_level DESC, l.hub_id) AS local_hubs
    FROM pairs p
    LEFT JOIN hub_region_membership m ON m.nuts_code = p.nuts_code AND m.level = p.level
    LEFT JOIN hub_domain_levels l ON l.hub_id = m.hub_id AND l.domain_code = p.domain_code
    GROUP BY p.nuts_code, p.level, p.domain_code
), nearest AS (
    -- the smallest (distance, hub_id) struct: the nearest hub, ties broken by the smaller hub_id. arg_min, not min:
    -- the same result, but DuckDB pushes a min() below the joins (over ~3 M rows), arg_min it takes after (~1 M)
    SELECT p.nuts_code, p.level, p.domain_code,
           arg_min({'distance_km': d.distance_km, 'hub_id': d.hub_id},
                   {'distance_km': d.distance_km, 'hub_id': d.hub_id}) AS nearest
    FROM pairs p
    JOIN hub_domain_levels l ON l.domain_code = p.domain_code AND l.competence_level >= $covered_level
    JOIN region_hub_distances d ON d.nuts_code = p.nuts_code AND d.level = p.level AND d.hub_id = l.hub_id
    WHERE NOT d.in_region
    GROUP BY p.nuts_code, p.level, p.domain_code
)
SELECT lh.nuts_code, lh.level, lh.domain_code,
       CASE WHEN lh.best_local_level >= $covered_level THEN 'covered'
            WHEN lh.best_local_level >= $weak_level THEN 'weak'
            ELSE 'uncovered' END AS status,
       lh.local_hubs, lh.n_local_hubs, lh.n_covering_hubs, lh.best_local_level,
       n.nearest.hub_id AS nearest_hub_id, round(n.nearest.distance_km, 1) AS nearest_hub_distance_km
FROM local_hubs lh
LEFT JOIN nearest n ON n.nuts_code = lh.nuts_code AND n.level = lh.level AND n.domain_code = lh.domain_code;
