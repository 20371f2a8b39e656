-- Hubs as the alignment counts them: one unit per organisation, its graded competences, the regions it lies in and
-- the regions it serves, and its great-circle distance to every EU region's label point. Tables: hub_identity,
-- hubs_deduplicated, hub_region_membership, hub_service_membership, hub_competence_evidence, hub_domain_levels,
-- hub_domain_levels_by_variant, eu_competence_shares, region_hub_distances.
-- Inputs are read through the temporary views m2_* that pipelines/method_engine.py puts over them.

-- Every hub record → the organisation it counts as (hub_organisations, else hub_links: a JRC hub linked to an
-- EDIH-catalogue row is that row's organisation).
CREATE OR REPLACE TABLE hub_identity AS
SELECT hub_id, organisation_id AS unit_hub_id FROM m2_hub_organisations;

CREATE OR REPLACE TABLE hubs_deduplicated AS
SELECT
    h.hub_id,
    h.source,
    h.name,
    h.hub_type,
    -- the country of the placed region wins over the catalogue's country (a hub registered across the border)
    coalesce(left(coalesce(h.nuts3_code, h.nuts2_code, h.nuts1_code), 2), h.country_code) AS country_code,
    coalesce(h.nuts1_code, left(coalesce(h.nuts3_code, h.nuts2_code), 3)) AS nuts1_code,
    coalesce(h.nuts2_code, left(h.nuts3_code, 4)) AS nuts2_code,
    h.nuts3_code,
    -- the hub's own point, else the label point of its NUTS 3 / NUTS 2 region
    coalesce(h.lon, r3.label_lon, r2.label_lon) AS lon,
    coalesce(h.lat, r3.label_lat, r2.label_lat) AS lat,
    CASE WHEN h.lon IS NOT NULL AND h.lat IS NOT NULL THEN 'hub point'
         WHEN r3.label_lon IS NOT NULL THEN 'NUTS 3 label point'
         WHEN r2.label_lon IS NOT NULL THEN 'NUTS 2 label point' END AS point_source,
    coalesce(h.is_dep_funded, false) AS is_dep_funded,
    h.website,
    (SELECT string_agg(i2.hub_id, '; ' ORDER BY i2.hub_id) FROM hub_identity i2
      WHERE i2.unit_hub_id = h.hub_id AND i2.hub_id <> h.hub_id) AS merged_hub_ids,
    -- an EU country: its NUTS 0 region is flagged is_eu in `regions` (else the method's list of the EU-27)
    coalesce(r0.is_eu, list_contains($eu_countries,
                  coalesce(left(coalesce(h.nuts3_code, h.nuts2_code, h.nuts1_code), 2), h.country_code)))
        AS is_eu_country,
    list_contains($associated_countries,
                  coalesce(left(coalesce(h.nuts3_code, h.nuts2_code, h.nuts1_code), 2), h.country_code))
        AS is_associated_country
FROM hubs h
JOIN hub_identity i ON i.hub_id = h.hub_id AND i.unit_hub_id = h.hub_id
LEFT JOIN regions r3 ON r3.nuts_code = h.nuts3_code
LEFT JOIN regions r2 ON r2.nuts_code = coalesce(h.nuts2_code, left(h.nuts3_code, 4))
LEFT JOIN regions r0 ON r0.level = 0
      AND r0.nuts_code = coalesce(left(coalesce(h.nuts3_code, h.nuts2_code, h.nuts1_code), 2), h.country_code);

-- The regions (NUTS 0, 1, 2) each organisation lies in (its address).
CREATE OR REPLACE TABLE hub_region_membership AS
SELECT hub_id, 0 AS level, country_code AS nuts_code FROM hubs_deduplicated WHERE country_code IS NOT NULL
UNION ALL
SELECT hub_id, 1, nuts1_code FROM hubs_deduplicated WHERE nuts1_code IS NOT NULL
UNION ALL
SELECT hub_id, 2, nuts2_code FROM hubs_deduplicated WHERE nuts2_code IS NOT NULL;

-- The regions (NUTS 0, 1, 2) each organisation serves: its address regions, and every NUTS 2 region of any of its
-- records' service areas (hub_service_nuts2) with the NUTS 1 and 0 regions containing them. One row per organisation ×
-- region with the strongest basis: address > declared > national > assumed.
CREATE OR REPLACE TABLE hub_service_membership AS
WITH served AS (
    SELECT hub_id, level, nuts_code, 'address' AS basis, 'hub address' AS evidence FROM hub_region_membership
    UNION ALL
    SELECT i.unit_hub_id, lv.level, left(s.nuts2_code, 2 + lv.level), s.basis, s.evidence
    FROM m2_hub_service_nuts2 s
    JOIN hub_identity i ON i.hub_id = s.hub_id
    JOIN regions r ON r.nuts_code = s.nuts2_code AND r.level = 2
    CROSS JOIN (SELECT unnest([0, 1, 2]) AS level) lv
)
SELECT hub_id, level, nuts_code,
       arg_min(basis, list_position(['address', 'declared', 'national', 'assumed'], basis)) AS basis,
       arg_min(evidence, list_position(['address', 'declared', 'national', 'assumed'], basis)) AS evidence
FROM served
WHERE list_position(['address', 'declared', 'national', 'assumed'], basis) IS NOT NULL
GROUP BY hub_id, level, nuts_code;

-- One level per organisation × domain × evidence grade (the highest of its records).
CREATE OR REPLACE TABLE hub_competence_evidence AS
SELECT i.unit_hub_id AS hub_id, c.domain_code, c.evidence_grade,
       max(c.level) AS competence_level,
       arg_max(c.source, c.level) AS source,
       arg_max(c.source_label, c.level) AS source_label
FROM m2_hub_competences c
JOIN hub_identity i ON i.hub_id = c.hub_id
WHERE c.level BETWEEN 1 AND 5 AND c.domain_code IS NOT NULL
GROUP BY ALL;

-- The level the method uses (default reading): the highest over grades; at equal level the stronger grade.
CREATE OR REPLACE TABLE hub_domain_levels AS
SELECT hub_id, domain_code, competence_level, source, source_label, evidence_grade,
       max(competence_level) FILTER (WHERE evidence_grade = 'declared') OVER (PARTITION BY hub_id, domain_code)
           AS declared_level
FROM hub_competence_evidence
QUALIFY row_number() OVER (PARTITION BY hub_id, domain_code
                           ORDER BY competence_level DESC,
                                    list_position(['declared', 'listed', 'inferred'], evidence_grade) NULLS LAST,
                                    source, source_label) = 1;

-- The level under every reading of method_variants: each grade's level shifted by the variant's delta (at most 5;
-- below 1 the competence is dropped), then the highest over grades.
CREATE OR REPLACE TABLE hub_domain_levels_by_variant AS
SELECT v.variant, e.hub_id, e.domain_code,
       max(least(5, e.competence_level + CASE e.evidence_grade WHEN 'declared' THEN v.declared_delta
                                                              WHEN 'listed' THEN v.listed_delta
                                                              ELSE v.inferred_delta END)) AS competence_level
FROM hub_competence_evidence e
CROSS JOIN method_variants v
WHERE e.competence_level + CASE e.evidence_grade WHEN 'declared' THEN v.declared_delta
                                                 WHEN 'listed' THEN v.listed_delta
                                                 ELSE v.inferred_delta END >= 1
GROUP BY ALL;

-- The EU-wide distribution of competence (hubs in EU countries): each domain's share of all competence levels, per
-- reading. The expected share for a set of domains is the sum of their shares (used by fit).
CREATE OR REPLACE TABLE eu_competence_shares AS
SELECT l.variant, l.domain_code,
       sum(l.competence_level) AS level_total,
       sum(l.competence_level) / sum(sum(l.competence_level)) OVER (PARTITION BY l.variant) AS share
FROM hub_domain_levels_by_variant l
JOIN hubs_deduplicated h ON h.hub_id = l.hub_id AND h.is_eu_country
GROUP BY l.variant, l.domain_code;

-- Great-circle (haversine) distance from every EU NUTS 0-2 region's label point to every hub point, with where the hub
-- lies relative to the region: inside it, in a bordering region of the same level (region_adjacency), same country;
-- and whether the hub serves the region or a region bordering it.
CREATE OR REPLACE TABLE region_hub_distances AS
WITH serves_neighbour AS (
    SELECT DISTINCT adj.nuts_code, adj.level, s.hub_id
    FROM hub_service_membership s
    JOIN region_adjacency adj ON adj.neighbour_code = s.nuts_code AND adj.level = s.level
)
SELECT
    r.nuts_code,
    r.level,
    h.hub_id,
    2 * $earth_radius_km * asin(sqrt(
        power(sin(radians(h.lat - r.label_lat) / 2), 2)
        + cos(radians(r.label_lat)) * cos(radians(h.lat)) * power(sin(radians(h.lon - r.label_lon) / 2), 2)
    )) AS distance_km,
    m.nuts_code AS hub_region_code,
    coalesce(m.nuts_code = r.nuts_code, false) AS in_region,
    adj.nuts_code IS NOT NULL AS neighbour,
    coalesce(h.country_code = r.country_code, false) AS same_country,
    sm.hub_id IS NOT NULL AS serves_region,
    sm.basis AS serves_region_basis,
    sn.hub_id IS NOT NULL AS serves_neighbour
FROM regions r
CROSS JOIN hubs_deduplicated h
LEFT JOIN hub_region_membership m ON m.hub_id = h.hub_id AND m.level = r.level
LEFT JOIN region_adjacency adj ON adj.nuts_code = r.nuts_code AND adj.neighbour_code = m.nuts_code
LEFT JOIN hub_service_membership sm ON sm.hub_id = h.hub_id AND sm.level = r.level AND sm.nuts_code = r.nuts_code
LEFT JOIN serves_neighbour sn ON sn.nuts_code = r.nuts_code AND sn.level = r.level AND sn.hub_id = h.hub_id
WHERE r.is_eu AND list_contains($region_levels, r.level)
  AND (len($region_filter) = 0 OR list_contains($region_filter, r.nuts_code))
  AND r.label_lon IS NOT NULL AND h.lon IS NOT NULL;
