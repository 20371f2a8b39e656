-- Change over time (docs/whatif.md): S3 priority domains between the 2014-2020 and 2021-2027 lists of the same
-- region, and hubs and competences between the JRC 2022 and EDIH 2025 catalogues (through the linked records of
-- hub_identity). Reads _change_priority_domains (region_priority_domains without carried-forward rows).

-- One row per region with coded priority domains in both periods × domain of either period.
CREATE OR REPLACE TABLE change_priority_domains AS
WITH w AS (
    SELECT nuts_code, level, period, domain_code, sum(weight) AS weight,
           string_agg(DISTINCT relation, ', ' ORDER BY relation) AS relations
    FROM _change_priority_domains GROUP BY ALL
), both_periods AS (
    SELECT nuts_code, level FROM w GROUP BY ALL HAVING count(DISTINCT period) = 2
), early AS (SELECT * FROM w WHERE period = '2014-2020'),
late AS (SELECT * FROM w WHERE period = '2021-2027'),
joined AS (
    SELECT coalesce(e.nuts_code, l.nuts_code) AS nuts_code, coalesce(e.level, l.level) AS level,
           coalesce(e.domain_code, l.domain_code) AS domain_code, e.weight AS weight_2014_2020,
           l.weight AS weight_2021_2027, e.relations AS relations_2014_2020, l.relations AS relations_2021_2027
    FROM early e FULL OUTER JOIN late l
      ON l.nuts_code = e.nuts_code AND l.level = e.level AND l.domain_code = e.domain_code
)
SELECT j.nuts_code, j.level, r.name AS region_name, r.country_code, j.domain_code, d.label AS domain_label, d.facet,
       CASE WHEN j.weight_2014_2020 IS NULL THEN 'added' WHEN j.weight_2021_2027 IS NULL THEN 'dropped'
            ELSE 'kept' END AS change,
       round(j.weight_2014_2020, 4) AS weight_2014_2020, round(j.weight_2021_2027, 4) AS weight_2021_2027,
       j.relations_2014_2020, j.relations_2021_2027,
       s.status AS status_with_current_hubs,
       $method_version AS method_version
FROM joined j
JOIN both_periods b USING (nuts_code, level)
JOIN regions r ON r.nuts_code = j.nuts_code
LEFT JOIN domains d ON d.domain_code = j.domain_code
LEFT JOIN region_domain_status s ON s.nuts_code = j.nuts_code AND s.level = j.level AND s.domain_code = j.domain_code
ORDER BY j.nuts_code, change, j.domain_code;

-- One row per region with lists in both periods: how its priority domains and its coverage changed.
CREATE OR REPLACE TABLE change_region_coverage AS
WITH c AS (
    SELECT nuts_code, level, region_name, country_code,
           count(*) FILTER (WHERE change = 'kept') AS n_domains_kept,
           count(*) FILTER (WHERE change = 'dropped') AS n_domains_dropped,
           count(*) FILTER (WHERE change = 'added') AS n_domains_added,
           count(*) FILTER (WHERE change = 'added' AND facet = 'technology') AS n_digital_domains_added,
           count(*) FILTER (WHERE change = 'dropped' AND facet = 'technology') AS n_digital_domains_dropped,
           count(*) FILTER (WHERE facet = 'technology' AND weight_2014_2020 IS NOT NULL) AS n_digital_domains_2014_2020,
           count(*) FILTER (WHERE facet = 'technology' AND weight_2021_2027 IS NOT NULL) AS n_digital_domains_2021_2027,
           string_agg(domain_label, '; ' ORDER BY domain_label) FILTER (WHERE change = 'added') AS domains_added,
           string_agg(domain_label, '; ' ORDER BY domain_label) FILTER (WHERE change = 'dropped') AS domains_dropped
    FROM change_priority_domains GROUP BY ALL
)
SELECT c.*,
       round(a1.coverage, 4) AS coverage_2014_2020, round(a2.coverage, 4) AS coverage_2021_2027,
       round(a2.coverage - a1.coverage, 4) AS coverage_change,
       a2.alignment_score, a2.n_hubs, a2.n_priorities AS n_priorities_2021_2027,
       round(1.0 * c.n_domains_kept / nullif(c.n_domains_kept + c.n_domains_dropped + c.n_domains_added, 0), 4)
           AS share_of_domains_kept,
       'the same (current) hubs are counted in both periods: a change of coverage is a change of priorities'
           AS note,
       $method_version AS method_version
FROM c
LEFT JOIN region_alignment a1 ON a1.nuts_code = c.nuts_code AND a1.period = '2014-2020'
LEFT JOIN region_alignment a2 ON a2.nuts_code = c.nuts_code AND a2.period = '2021-2027'
ORDER BY c.level, c.nuts_code;

-- One row per hub organisation (hub_identity unit) with where it appears: the JRC 2022 catalogue, the EDIH 2025
-- catalogue, or both (linked records, pipelines/conformed/21_hub_links.py).
CREATE OR REPLACE TABLE change_hubs AS
WITH units AS (
    SELECT i.unit_hub_id,
           string_agg(h.hub_id, '; ' ORDER BY h.hub_id) FILTER (WHERE h.source = 'jrc_2022') AS jrc_2022_hub_ids,
           string_agg(h.hub_id, '; ' ORDER BY h.hub_id) FILTER (WHERE h.source = 'edih_2025') AS edih_2025_hub_ids,
           bool_or(h.source = 'jrc_2022') AS in_2022, bool_or(h.source = 'edih_2025') AS in_2025
    FROM hub_identity i JOIN hubs h ON h.hub_id = i.hub_id
    GROUP BY i.unit_hub_id
), links AS (
    SELECT i.unit_hub_id, string_agg(DISTINCT l.match_method, ', ') AS link_method
    FROM hub_identity i JOIN hub_links l ON l.jrc_hub_id = i.hub_id
    GROUP BY i.unit_hub_id
), levels AS (
    SELECT i.unit_hub_id,
           count(DISTINCT c.domain_code) FILTER (WHERE h.source = 'jrc_2022' AND c.source <> 'inferred_description')
               AS n_listed_domains_2022,
           count(DISTINCT c.domain_code) FILTER (WHERE h.source = 'edih_2025' AND c.source <> 'inferred_description')
               AS n_listed_domains_2025
    FROM hub_identity i JOIN hubs h ON h.hub_id = i.hub_id JOIN hub_competences c ON c.hub_id = h.hub_id
    WHERE c.domain_code IS NOT NULL
    GROUP BY i.unit_hub_id
)
SELECT u.unit_hub_id AS organisation_key,
       CASE WHEN u.in_2022 AND u.in_2025 THEN 'in both catalogues'
            WHEN u.in_2025 THEN 'new since 2022' ELSE 'not in the 2025 catalogue' END AS change,
       h.name, h.hub_type, h.country_code, h.nuts2_code, coalesce(h.is_dep_funded, false) AS is_dep_funded,
       u.jrc_2022_hub_ids, u.edih_2025_hub_ids, l.link_method,
       coalesce(v.n_listed_domains_2022, 0) AS n_listed_domains_2022,
       coalesce(v.n_listed_domains_2025, 0) AS n_listed_domains_2025,
       $method_version AS method_version
FROM units u
JOIN hubs_deduplicated h ON h.hub_id = u.unit_hub_id
LEFT JOIN links l ON l.unit_hub_id = u.unit_hub_id
LEFT JOIN levels v ON v.unit_hub_id = u.unit_hub_id
ORDER BY h.country_code, change, h.name;

-- For organisations in both catalogues: each listed sector competence (JRC 2022 sector labels against EDIH 2025
-- sector tags; technologies are not compared: the JRC catalogue lists none, they are only inferred from text).
CREATE OR REPLACE TABLE change_hub_competences AS
WITH listed AS (
    SELECT i.unit_hub_id, h.source AS catalogue, c.domain_code, max(c.level) AS level
    FROM hub_identity i JOIN hubs h ON h.hub_id = i.hub_id JOIN hub_competences c ON c.hub_id = h.hub_id
    JOIN domains d ON d.domain_code = c.domain_code
    WHERE c.source <> 'inferred_description' AND d.facet = 'sector'
    GROUP BY ALL
), both_catalogues AS (SELECT organisation_key FROM change_hubs WHERE change = 'in both catalogues'),
a AS (SELECT * FROM listed WHERE catalogue = 'jrc_2022'),
b AS (SELECT * FROM listed WHERE catalogue = 'edih_2025')
SELECT coalesce(a.unit_hub_id, b.unit_hub_id) AS organisation_key, ch.name, ch.country_code,
       coalesce(a.domain_code, b.domain_code) AS domain_code, d.label AS domain_label,
       CASE WHEN a.domain_code IS NULL THEN 'added' WHEN b.domain_code IS NULL THEN 'dropped' ELSE 'kept' END
           AS change,
       a.level AS level_2022, b.level AS level_2025,
       $method_version AS method_version
FROM a FULL OUTER JOIN b ON b.unit_hub_id = a.unit_hub_id AND b.domain_code = a.domain_code
JOIN both_catalogues k ON k.organisation_key = coalesce(a.unit_hub_id, b.unit_hub_id)
JOIN change_hubs ch ON ch.organisation_key = k.organisation_key
LEFT JOIN domains d ON d.domain_code = coalesce(a.domain_code, b.domain_code)
ORDER BY organisation_key, change, domain_code;

-- Per country (and 'EU' for the 27): organisations in each catalogue and how many appeared or left.
CREATE OR REPLACE TABLE change_catalogue_summary AS
WITH eu AS (SELECT nuts_code AS country_code FROM regions WHERE level = 0 AND is_eu),
per_country AS (
    SELECT country_code,
           count(*) FILTER (WHERE change <> 'new since 2022') AS n_organisations_2022,
           count(*) FILTER (WHERE change <> 'not in the 2025 catalogue') AS n_organisations_2025,
           count(*) FILTER (WHERE change = 'in both catalogues') AS n_in_both,
           count(*) FILTER (WHERE change = 'new since 2022') AS n_new_since_2022,
           count(*) FILTER (WHERE change = 'not in the 2025 catalogue') AS n_not_in_2025,
           count(*) FILTER (WHERE change = 'new since 2022' AND hub_type = 'EDIH') AS n_new_edih
    FROM change_hubs GROUP BY country_code
)
SELECT p.*, p.country_code IN (SELECT country_code FROM eu) AS is_eu, $method_version AS method_version
FROM per_country p
UNION ALL
SELECT 'EU', sum(n_organisations_2022)::BIGINT, sum(n_organisations_2025)::BIGINT, sum(n_in_both)::BIGINT,
       sum(n_new_since_2022)::BIGINT,
       sum(n_not_in_2025)::BIGINT, sum(n_new_edih)::BIGINT, true, $method_version
FROM per_country WHERE country_code IN (SELECT country_code FROM eu)
ORDER BY country_code;
