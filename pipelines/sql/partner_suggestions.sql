-- partner_suggestions: for each uncovered region × priority domain, the best hubs outside the region that have the
-- domain at level >= $partner_min_level, scored (max 100):
--   $points_per_level × level                                   (level 5 → 50)
-- + $proximity_points / (1 + distance_km / $distance_half_km)    (0 km → 25, 250 km → 12.5)
-- + $same_country_points if the hub is in the region's country
-- + $neighbour_points if the hub's region at the same NUTS level shares a border with the region
-- + $dep_funded_points if the hub is a Digital Europe-funded EDIH
-- Ties: shorter distance first, then hub_id.
CREATE OR REPLACE TABLE partner_suggestions_ranked AS
WITH targets AS (
    SELECT s.nuts_code, s.level, s.domain_code
    FROM region_domain_status s
    WHERE s.status = 'uncovered'
), candidates AS (
    SELECT
        t.nuts_code, t.level, t.domain_code,
        l.hub_id,
        l.competence_level,
        d.distance_km,
        d.same_country,
        d.neighbour,
        NOT d.same_country AS cross_border,
        h.is_dep_funded AND h.hub_type = 'EDIH' AS dep_funded_edih
    FROM targets t
    JOIN hub_domain_levels l ON l.domain_code = t.domain_code AND l.competence_level >= $partner_min_level
    JOIN region_hub_distances d ON d.nuts_code = t.nuts_code AND d.level = t.level AND d.hub_id = l.hub_id
    JOIN hubs_deduplicated h ON h.hub_id = l.hub_id
    WHERE NOT d.in_region
), scored AS (
    SELECT *,
        $points_per_level * competence_level
        + $proximity_points / (1 + distance_km / $distance_half_km)
        + CASE WHEN same_country THEN $same_country_points ELSE 0 END
        + CASE WHEN neighbour THEN $neighbour_points ELSE 0 END
        + CASE WHEN dep_funded_edih THEN $dep_funded_points ELSE 0 END AS score
    FROM candidates
), best AS (
    -- the top $partner_top_n of each region × domain by (score descending, distance, hub_id), best first: a top-n
    -- aggregate (hub_id is unique within a region × domain, so the order is total), far cheaper than a window
    -- ranking every candidate
    SELECT arg_min(scored, {'neg_score': -score, 'distance_km': distance_km, 'hub_id': hub_id},
                   $partner_top_n) AS top
    FROM scored
    GROUP BY nuts_code, level, domain_code
), ranked AS (
    SELECT UNNEST(top) AS s, generate_subscripts(top, 1) AS rank FROM best
)
SELECT s.*, rank FROM ranked;

CREATE OR REPLACE TABLE partner_suggestions AS
WITH period_targets AS (
    SELECT DISTINCT nuts_code, level, period, domain_code FROM region_priority_domains
)
SELECT
    p.nuts_code,
    p.level,
    pt.period,
    p.domain_code,
    p.rank,
    p.hub_id,
    round(p.score, 2) AS score,
    concat_ws('; ',
        'level ' || p.competence_level || ' in ' || coalesce(dm.label, p.domain_code),
        CAST(round(p.distance_km) AS BIGINT) || ' km away',
        CASE WHEN p.same_country THEN 'same country' END,
        CASE WHEN p.neighbour AND p.cross_border THEN 'neighbouring region across the border'
             WHEN p.neighbour THEN 'neighbouring region' END,
        CASE WHEN p.dep_funded_edih THEN 'Digital Europe-funded EDIH' END) AS reasons,
    ar.name AS region_name,
    dm.label AS domain_label,
    h.name AS hub_name,
    h.hub_type,
    h.website AS hub_website,
    h.country_code AS hub_country_code,
    h.nuts2_code AS hub_nuts2_code,
    p.competence_level,
    round(p.distance_km, 1) AS distance_km,
    p.same_country,
    p.neighbour,
    p.dep_funded_edih,
    $method_version AS method_version
FROM partner_suggestions_ranked p
JOIN period_targets pt ON pt.nuts_code = p.nuts_code AND pt.level = p.level AND pt.domain_code = p.domain_code
JOIN hubs_deduplicated h ON h.hub_id = p.hub_id
JOIN alignment_regions ar ON ar.nuts_code = p.nuts_code AND ar.level = p.level AND ar.period = pt.period
LEFT JOIN domains dm ON dm.domain_code = p.domain_code
ORDER BY p.nuts_code, pt.period, p.domain_code, p.rank;

DROP TABLE partner_suggestions_ranked;
