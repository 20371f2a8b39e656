-- h2020_by_region: Horizon 2020 EC contribution per NUTS 2021 region (levels 0-2). Input h2020_nuts3_2021: the
-- contributions that could be placed at NUTS 3 (organisation PIC → NUTS 3), converted to NUTS 2021. NUTS 1 and 2 are
-- sums of their NUTS 3 regions; NUTS 0 is the complete country total from staging.stg_h2020_by_country.
-- Placement rule 2 (issue 14): a country whose whole territory is one NUTS 2 region (CY, EE, LU, LV, MT in NUTS 2021)
-- places all its money there, PIC look-up or not: its regional figure is the complete country total.
-- country_share_placed = share of the country's EC contribution placed at NUTS 2 (after both rules): regional figures
-- under-count by (1 - share), unevenly, and follow registered addresses. h2020_placement_by_country has before/after.
CREATE OR REPLACE TABLE h2020_by_region AS
WITH country AS (
    SELECT CASE country_code WHEN 'GR' THEN 'EL' WHEN 'GB' THEN 'UK' ELSE country_code END AS country_code,
           sum(ec_contribution_eur) AS ec_contribution_eur,
           sum(ec_contribution_with_nuts_eur) AS ec_contribution_with_nuts_eur,
           sum(n_participations) AS n_participations
    FROM staging.stg_h2020_by_country
    WHERE programme = 'H2020'
    GROUP BY 1
), single_nuts2_country AS (
    SELECT country_code FROM regions WHERE level = 2 GROUP BY country_code HAVING count(*) = 1
), regional_pic AS (
    SELECT r.nuts_code, r.level, sum(h.ec_contribution_eur) AS ec_contribution_eur,
           sum(h.n_participations) AS n_participations
    FROM h2020_nuts3_2021 h
    JOIN regions r ON r.level IN (1, 2) AND r.nuts_code = left(h.nuts_code, r.level + 2)
    WHERE r.country_code NOT IN (SELECT country_code FROM single_nuts2_country)
    GROUP BY r.nuts_code, r.level
), all_levels AS (
    SELECT nuts_code, level, ec_contribution_eur, n_participations,
           'placed contributions of organisations registered in the region' AS basis
    FROM regional_pic
    UNION ALL
    SELECT r.nuts_code, r.level, c.ec_contribution_eur, c.n_participations,
           'country total (the country is one NUTS 2 region)'
    FROM regions r
    JOIN single_nuts2_country s ON s.country_code = r.country_code
    JOIN country c ON c.country_code = r.country_code
    WHERE r.level IN (1, 2)
    UNION ALL
    SELECT country_code, 0, ec_contribution_eur, n_participations, 'country total (all participations)'
    FROM country
)
SELECT a.nuts_code, a.level::INTEGER AS level, a.ec_contribution_eur, a.n_participations::BIGINT AS n_participations,
       c.ec_contribution_eur AS country_ec_contribution_eur,
       CASE WHEN r.country_code IN (SELECT country_code FROM single_nuts2_country) THEN 1.0
            ELSE round(c.ec_contribution_with_nuts_eur / nullif(c.ec_contribution_eur, 0), 4) END
           AS country_share_placed,
       a.basis
FROM all_levels a
JOIN regions r ON r.nuts_code = a.nuts_code
LEFT JOIN country c ON c.country_code = r.country_code
ORDER BY a.level, a.nuts_code;

-- Placed share per country before (PIC → NUTS 3 look-up only) and after (+ one-NUTS-2 countries), at NUTS 2.
CREATE OR REPLACE TABLE h2020_placement_by_country AS
WITH country AS (
    SELECT CASE country_code WHEN 'GR' THEN 'EL' WHEN 'GB' THEN 'UK' ELSE country_code END AS country_code,
           sum(ec_contribution_eur) AS ec_contribution_eur,
           sum(ec_contribution_with_nuts_eur) AS placed_before_eur
    FROM staging.stg_h2020_by_country WHERE programme = 'H2020' GROUP BY 1
), nuts2 AS (
    SELECT r.country_code, sum(h.ec_contribution_eur) AS placed_after_eur
    FROM h2020_by_region h JOIN regions r ON r.nuts_code = h.nuts_code
    WHERE h.level = 2 GROUP BY 1
)
SELECT c.country_code, r.is_eu, c.ec_contribution_eur, c.placed_before_eur,
       round(c.placed_before_eur / nullif(c.ec_contribution_eur, 0), 4) AS share_before,
       coalesce(n.placed_after_eur, 0) AS placed_after_eur,
       round(coalesce(n.placed_after_eur, 0) / nullif(c.ec_contribution_eur, 0), 4) AS share_after,
       CASE WHEN n.placed_after_eur >= c.ec_contribution_eur - 1 THEN 'pic_lookup + one_nuts2_country'
            ELSE 'pic_lookup' END AS rule
FROM country c
JOIN (SELECT nuts_code, country_code, coalesce(is_eu, false) AS is_eu FROM regions WHERE level = 0) r
  ON r.nuts_code = c.country_code
LEFT JOIN nuts2 n ON n.country_code = c.country_code
ORDER BY c.country_code;
