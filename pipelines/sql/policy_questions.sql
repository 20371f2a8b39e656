-- The DIH working group's policy questions, answered from the warehouse (docs/whatif.md, Policy questions page).
-- Parameters: $covered_level (a competence counts at this level or above), $cross_border_km (hub pairs across a
-- border within this distance, or in neighbouring regions), $policy_domains (AI, cybersecurity, HPC).

-- (a) Are Digital-Europe-funded EDIHs more specialised in AI / cybersecurity / HPC than other hubs? Hubs of the EDIH
-- Network catalogue only (their technology levels are declared tags; JRC-only records have no technology tags).
CREATE OR REPLACE TABLE policy_q_specialisation AS
WITH hubs AS (
    SELECT h.hub_id, CASE WHEN h.hub_type = 'EDIH' AND h.is_dep_funded THEN 'Digital Europe-funded EDIH'
                          WHEN h.hub_type = 'Seal of Excellence' THEN 'Seal of Excellence (not funded)'
                          ELSE 'other DIH (EDIH Network catalogue)' END AS hub_group
    FROM hubs_deduplicated h JOIN regions r ON r.nuts_code = h.country_code AND r.is_eu
    WHERE h.source = 'edih_2025'
), declared AS (
    SELECT c.hub_id, c.domain_code, max(c.level) AS level
    FROM hub_competences c JOIN hub_identity i ON i.hub_id = c.hub_id AND i.unit_hub_id = c.hub_id
    WHERE c.source = 'edih_tag' AND c.level BETWEEN 1 AND 5 AND c.domain_code IS NOT NULL
    GROUP BY ALL
), per_hub AS (
    SELECT h.hub_id, h.hub_group, d.domain_code, coalesce(c.level, 0) AS level,
           coalesce(sum(c2.level), 0) AS total_levels
    FROM hubs h CROSS JOIN (SELECT unnest($policy_domains) AS domain_code) d
    LEFT JOIN declared c ON c.hub_id = h.hub_id AND c.domain_code = d.domain_code
    LEFT JOIN declared c2 ON c2.hub_id = h.hub_id AND c2.domain_code IN (SELECT unnest($policy_domains))
    GROUP BY ALL
), counted AS (
    SELECT hub_group, domain_code, count(*) AS n_hubs,
           count(*) FILTER (WHERE level >= $covered_level) AS n_with_domain,
           round(avg(level) FILTER (WHERE level > 0), 2) AS mean_level_where_declared
    FROM per_hub GROUP BY ALL
)
SELECT c.hub_group, c.domain_code, dm.label AS domain_label, c.n_hubs, c.n_with_domain,
       round(c.n_with_domain / c.n_hubs, 4) AS share_with_domain,
       -- Wilson 95 % interval of the share
       round((c.n_with_domain / c.n_hubs + 1.96 ^ 2 / (2 * c.n_hubs)
              - 1.96 * sqrt(c.n_with_domain / c.n_hubs * (1 - c.n_with_domain / c.n_hubs) / c.n_hubs
                            + 1.96 ^ 2 / (4 * c.n_hubs ^ 2))) / (1 + 1.96 ^ 2 / c.n_hubs), 4) AS share_low_95,
       round((c.n_with_domain / c.n_hubs + 1.96 ^ 2 / (2 * c.n_hubs)
              + 1.96 * sqrt(c.n_with_domain / c.n_hubs * (1 - c.n_with_domain / c.n_hubs) / c.n_hubs
                            + 1.96 ^ 2 / (4 * c.n_hubs ^ 2))) / (1 + 1.96 ^ 2 / c.n_hubs), 4) AS share_high_95,
       c.mean_level_where_declared,
       $method_version AS method_version
FROM counted c LEFT JOIN domains dm ON dm.domain_code = c.domain_code
ORDER BY c.domain_code, c.hub_group;

-- (a, where) EU NUTS 2 regions: is AI / cybersecurity / HPC offered (level >= $covered_level) by a Digital
-- Europe-funded EDIH located in the region, and how far is the nearest one otherwise?
CREATE OR REPLACE TABLE policy_q_specialisation_regions AS
WITH dep AS (
    SELECT l.hub_id, l.domain_code FROM hub_domain_levels l JOIN hubs_deduplicated h ON h.hub_id = l.hub_id
    WHERE h.hub_type = 'EDIH' AND h.is_dep_funded AND l.competence_level >= $covered_level
      AND list_contains($policy_domains, l.domain_code)
), per_domain AS (
    SELECT r.nuts_code, d.domain_code,
           count(DISTINCT dep.hub_id) FILTER (WHERE dist.in_region) AS n_local,
           min(dist.distance_km) AS nearest_km
    FROM alignment_regions r
    CROSS JOIN (SELECT unnest($policy_domains) AS domain_code) d
    LEFT JOIN dep ON dep.domain_code = d.domain_code
    LEFT JOIN region_hub_distances dist ON dist.nuts_code = r.nuts_code AND dist.level = r.level
         AND dist.hub_id = dep.hub_id
    WHERE r.level = 2 AND r.period = '2021-2027'
    GROUP BY ALL
)
SELECT r.nuts_code, r.name, r.country_code,
       (SELECT count(*) FROM hub_region_membership m JOIN hubs_deduplicated h USING (hub_id)
        WHERE m.nuts_code = r.nuts_code AND m.level = 2 AND h.hub_type = 'EDIH' AND h.is_dep_funded)
           AS n_dep_funded_edih,
       max(p.n_local) FILTER (WHERE p.domain_code = 'TECH_AI') > 0 AS has_ai,
       max(p.n_local) FILTER (WHERE p.domain_code = 'TECH_CYBER') > 0 AS has_cybersecurity,
       max(p.n_local) FILTER (WHERE p.domain_code = 'TECH_HPC') > 0 AS has_hpc,
       count(*) FILTER (WHERE p.n_local = 0) AS n_lacking,
       round(max(p.nearest_km) FILTER (WHERE p.domain_code = 'TECH_AI'), 0) AS nearest_ai_km,
       round(max(p.nearest_km) FILTER (WHERE p.domain_code = 'TECH_CYBER'), 0) AS nearest_cybersecurity_km,
       round(max(p.nearest_km) FILTER (WHERE p.domain_code = 'TECH_HPC'), 0) AS nearest_hpc_km,
       $method_version AS method_version
FROM alignment_regions r JOIN per_domain p USING (nuts_code)
WHERE r.level = 2 AND r.period = '2021-2027'
GROUP BY r.nuts_code, r.name, r.country_code
ORDER BY n_lacking DESC, r.nuts_code;

-- (b) Does ERDF research & innovation (TO01) and ICT (TO02) money go to regions whose hubs cover their priorities?
-- One row per EU NUTS 2 region: the money (2014-2020 planned; payments 2014-2023) beside its coverage in both periods.
CREATE OR REPLACE TABLE policy_q_funding_alignment AS
SELECT a2.nuts_code, a2.name, a2.country_code, a2.population,
       round(a1.coverage, 4) AS coverage_2014_2020, round(a2.coverage, 4) AS coverage_2021_2027,
       CASE WHEN coalesce(a1.coverage, a2.coverage) IS NULL THEN 'no coverage figure'
            WHEN coalesce(a1.coverage, a2.coverage) < 0.5 THEN '1: under 50 %'
            WHEN coalesce(a1.coverage, a2.coverage) < 0.75 THEN '2: 50-75 %'
            WHEN coalesce(a1.coverage, a2.coverage) < 1 THEN '3: 75-99 %'
            ELSE '4: 100 %' END AS coverage_band,
       CASE WHEN a1.coverage IS NOT NULL THEN '2014-2020' WHEN a2.coverage IS NOT NULL THEN '2021-2027' END
           AS coverage_period,
       a2.erdf_to01_eur, a2.erdf_to02_eur,
       coalesce(a2.erdf_to01_eur, 0) + coalesce(a2.erdf_to02_eur, 0) AS erdf_ri_ict_planned_eur,
       round((coalesce(a2.erdf_to01_eur, 0) + coalesce(a2.erdf_to02_eur, 0)) / nullif(a2.population, 0), 2)
           AS erdf_ri_ict_planned_per_inh,
       a2.erdf_payments_eur, a2.erdf_payments_per_inh, a2.erdf_planned_basis, a2.erdf_payments_basis,
       a2.n_hubs,
       $method_version AS method_version
FROM region_alignment a2
LEFT JOIN region_alignment a1 ON a1.nuts_code = a2.nuts_code AND a1.period = '2014-2020'
WHERE a2.level = 2 AND a2.period = '2021-2027'
ORDER BY a2.nuts_code;

-- (c) Where are regional and national strategies misaligned? Per region and period with both: shared, region-only and
-- national-only priority domains (policy_alignment) and their overlap (Jaccard: shared / all).
CREATE OR REPLACE TABLE policy_q_strategy_misalignment AS
SELECT p.nuts_code, r.name, r.country_code, p.level, p.period,
       count(*) FILTER (WHERE p.relation = 'shared') AS n_shared,
       count(*) FILTER (WHERE p.relation = 'region_only') AS n_region_only,
       count(*) FILTER (WHERE p.relation = 'national_only') AS n_national_only,
       round(count(*) FILTER (WHERE p.relation = 'shared') / count(*), 4) AS overlap,
       string_agg(p.domain_label, '; ' ORDER BY p.domain_label) FILTER (WHERE p.relation = 'region_only')
           AS region_only_domains,
       string_agg(p.domain_label, '; ' ORDER BY p.domain_label) FILTER (WHERE p.relation = 'national_only')
           AS national_only_domains,
       $method_version AS method_version
FROM policy_alignment p JOIN regions r ON r.nuts_code = p.nuts_code
GROUP BY p.nuts_code, r.name, r.country_code, p.level, p.period
ORDER BY p.period DESC, overlap, p.nuts_code;

-- (d) Cross-border pairs of hubs that could close each other's gaps: hub A in NUTS 2 region RA, hub B in RB of
-- another country, RA and RB bordering or the hubs within $cross_border_km; B covers (level >= $covered_level) a
-- 2021-2027 priority domain that is a gap (uncovered or weak) in RA, and/or the other way round.
CREATE OR REPLACE TABLE policy_q_cross_border_pairs AS
WITH region_gaps AS (
    SELECT DISTINCT g.nuts_code, g.domain_code
    FROM region_priority_domains g
    JOIN region_domain_status s ON s.nuts_code = g.nuts_code AND s.level = g.level AND s.domain_code = g.domain_code
    WHERE g.level = 2 AND g.period = '2021-2027' AND s.status IN ('uncovered', 'weak')
), eu_hubs AS (
    SELECT h.hub_id, h.name, h.hub_type, h.country_code, h.nuts2_code, h.lon, h.lat
    FROM hubs_deduplicated h JOIN regions r ON r.nuts_code = h.nuts2_code AND r.is_eu
    WHERE h.lon IS NOT NULL
), pairs AS (
    SELECT a.hub_id AS hub_id_a, b.hub_id AS hub_id_b,
           2 * $earth_radius_km * asin(sqrt(power(sin(radians(b.lat - a.lat) / 2), 2)
               + cos(radians(a.lat)) * cos(radians(b.lat)) * power(sin(radians(b.lon - a.lon) / 2), 2)))
               AS distance_km,
           adj.nuts_code IS NOT NULL AS neighbouring_regions
    FROM eu_hubs a JOIN eu_hubs b ON a.country_code < b.country_code
    LEFT JOIN region_adjacency adj ON adj.nuts_code = a.nuts2_code AND adj.neighbour_code = b.nuts2_code
), near AS (
    SELECT * FROM pairs WHERE neighbouring_regions OR distance_km <= $cross_border_km
), closes AS (
    -- hub `giver` covers a gap domain of the region of hub `taker`
    SELECT n.hub_id_a, n.hub_id_b, 'b_for_a' AS direction, l.domain_code
    FROM near n JOIN eu_hubs ha ON ha.hub_id = n.hub_id_a
    JOIN region_gaps g ON g.nuts_code = ha.nuts2_code
    JOIN hub_domain_levels l ON l.hub_id = n.hub_id_b AND l.domain_code = g.domain_code
         AND l.competence_level >= $covered_level
    UNION ALL
    SELECT n.hub_id_a, n.hub_id_b, 'a_for_b', l.domain_code
    FROM near n JOIN eu_hubs hb ON hb.hub_id = n.hub_id_b
    JOIN region_gaps g ON g.nuts_code = hb.nuts2_code
    JOIN hub_domain_levels l ON l.hub_id = n.hub_id_a AND l.domain_code = g.domain_code
         AND l.competence_level >= $covered_level
), per_pair AS (
    SELECT c.hub_id_a, c.hub_id_b,
           count(*) FILTER (WHERE direction = 'b_for_a') AS n_gaps_b_closes_for_a,
           count(*) FILTER (WHERE direction = 'a_for_b') AS n_gaps_a_closes_for_b,
           string_agg(d.label, '; ' ORDER BY d.label) FILTER (WHERE direction = 'b_for_a') AS gaps_b_closes_for_a,
           string_agg(d.label, '; ' ORDER BY d.label) FILTER (WHERE direction = 'a_for_b') AS gaps_a_closes_for_b
    FROM closes c LEFT JOIN domains d ON d.domain_code = c.domain_code
    GROUP BY c.hub_id_a, c.hub_id_b
)
SELECT ha.nuts2_code AS nuts_code_a, ha.country_code AS country_a, p.hub_id_a, ha.name AS hub_name_a,
       ha.hub_type AS hub_type_a,
       hb.nuts2_code AS nuts_code_b, hb.country_code AS country_b, p.hub_id_b, hb.name AS hub_name_b,
       hb.hub_type AS hub_type_b,
       round(n.distance_km, 1) AS distance_km, n.neighbouring_regions,
       p.n_gaps_b_closes_for_a, p.n_gaps_a_closes_for_b,
       p.n_gaps_b_closes_for_a > 0 AND p.n_gaps_a_closes_for_b > 0 AS both_directions,
       p.gaps_b_closes_for_a, p.gaps_a_closes_for_b,
       $method_version AS method_version
FROM per_pair p
JOIN near n ON n.hub_id_a = p.hub_id_a AND n.hub_id_b = p.hub_id_b
JOIN eu_hubs ha ON ha.hub_id = p.hub_id_a
JOIN eu_hubs hb ON hb.hub_id = p.hub_id_b
ORDER BY both_directions DESC, p.n_gaps_b_closes_for_a + p.n_gaps_a_closes_for_b DESC, n.distance_km, p.hub_id_a,
         p.hub_id_b;
