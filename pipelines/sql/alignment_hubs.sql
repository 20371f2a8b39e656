-- Hubs as the alignment counts them: one unit per organisation, its competences, the regions it lies in and its
-- great-circle distance to every EU region's label point. Tables: hub_identity, hubs_deduplicated,
-- hub_region_membership, hub_domain_levels, region_hub_distances.

-- A JRC hub linked in hub_links to an EDIH-catalogue row is the same organisation: it is represented by that
-- EDIH-catalogue row (the newer catalogue, with the DEP status); its competences are merged into it (max level).
-- A JRC hub linked to several EDIH rows goes to the smallest hub_id of them (deterministic).
CREATE OR REPLACE TABLE hub_identity AS
WITH links AS (
    SELECT l.jrc_hub_id, min(l.edih_hub_id) AS edih_hub_id
    FROM hub_links l
    JOIN hubs e ON e.hub_id = l.edih_hub_id
    GROUP BY l.jrc_hub_id
)
SELECT h.hub_id, coalesce(links.edih_hub_id, h.hub_id) AS unit_hub_id
FROM hubs h
LEFT JOIN links ON links.jrc_hub_id = h.hub_id;

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
      WHERE i2.unit_hub_id = h.hub_id AND i2.hub_id <> h.hub_id) AS merged_hub_ids
FROM hubs h
JOIN hub_identity i ON i.hub_id = h.hub_id AND i.unit_hub_id = h.hub_id
LEFT JOIN regions r3 ON r3.nuts_code = h.nuts3_code
LEFT JOIN regions r2 ON r2.nuts_code = coalesce(h.nuts2_code, left(h.nuts3_code, 4));

-- The regions (NUTS 0, 1, 2) each hub lies in.
CREATE OR REPLACE TABLE hub_region_membership AS
SELECT hub_id, 0 AS level, country_code AS nuts_code FROM hubs_deduplicated WHERE country_code IS NOT NULL
UNION ALL
SELECT hub_id, 1, nuts1_code FROM hubs_deduplicated WHERE nuts1_code IS NOT NULL
UNION ALL
SELECT hub_id, 2, nuts2_code FROM hubs_deduplicated WHERE nuts2_code IS NOT NULL;

-- One competence level per hub unit and domain: the highest of its (merged) records (ties: source, label by name).
CREATE OR REPLACE TABLE hub_domain_levels AS
SELECT
    i.unit_hub_id AS hub_id,
    c.domain_code,
    c.level AS competence_level,
    c.source,
    c.source_label
FROM hub_competences c
JOIN hub_identity i ON i.hub_id = c.hub_id
WHERE c.level BETWEEN 1 AND 5 AND c.domain_code IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY i.unit_hub_id, c.domain_code
                           ORDER BY c.level DESC, c.source, c.source_label) = 1;

-- Great-circle (haversine) distance from every EU NUTS 0-2 region's label point to every hub point, with where the hub
-- lies relative to the region: inside it, in a bordering region of the same level (region_adjacency), same country.
CREATE OR REPLACE TABLE region_hub_distances AS
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
    coalesce(h.country_code = r.country_code, false) AS same_country
FROM regions r
CROSS JOIN hubs_deduplicated h
LEFT JOIN hub_region_membership m ON m.hub_id = h.hub_id AND m.level = r.level
LEFT JOIN region_adjacency adj ON adj.nuts_code = r.nuts_code AND adj.neighbour_code = m.nuts_code
WHERE r.is_eu AND list_contains($region_levels, r.level)
  AND (len($region_filter) = 0 OR list_contains($region_filter, r.nuts_code))
  AND r.label_lon IS NOT NULL AND h.lon IS NOT NULL;
