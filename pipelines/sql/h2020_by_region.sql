-- h2020_by_region: Horizon 2020 EC contribution per NUTS 2021 region (levels 0-2). Input h2020_nuts3_2021: the
-- contributions that could be placed at NUTS 3 (organisation PIC → NUTS 3), converted to NUTS 2021. NUTS 1 and 2 are
-- sums of their NUTS 3 regions; NUTS 0 is the complete country total from staging.stg_h2020_by_country.
-- country_share_placed = share of the country's EC contribution that has a NUTS code: regional figures under-count
-- by (1 - share), unevenly, and follow registered addresses.
CREATE OR REPLACE TABLE h2020_by_region AS
WITH country AS (
    SELECT CASE country_code WHEN 'GR' THEN 'EL' WHEN 'GB' THEN 'UK' ELSE country_code END AS country_code,
           sum(ec_contribution_eur) AS ec_contribution_eur,
           sum(ec_contribution_with_nuts_eur) AS ec_contribution_with_nuts_eur,
           sum(n_participations) AS n_participations
    FROM staging.stg_h2020_by_country
    WHERE programme = 'H2020'
    GROUP BY 1
), regional AS (
    SELECT r.nuts_code, r.level, sum(h.ec_contribution_eur) AS ec_contribution_eur,
           sum(h.n_participations) AS n_participations
    FROM h2020_nuts3_2021 h
    JOIN regions r ON r.level IN (1, 2) AND r.nuts_code = left(h.nuts_code, r.level + 2)
    GROUP BY r.nuts_code, r.level
), all_levels AS (
    SELECT nuts_code, level, ec_contribution_eur, n_participations,
           'placed contributions of organisations registered in the region' AS basis
    FROM regional
    UNION ALL
    SELECT country_code, 0, ec_contribution_eur, n_participations, 'country total (all participations)'
    FROM country
)
SELECT a.nuts_code, a.level::INTEGER AS level, a.ec_contribution_eur, a.n_participations::BIGINT AS n_participations,
       c.ec_contribution_eur AS country_ec_contribution_eur,
       round(c.ec_contribution_with_nuts_eur / nullif(c.ec_contribution_eur, 0), 4) AS country_share_placed,
       a.basis
FROM all_levels a
JOIN regions r ON r.nuts_code = a.nuts_code
LEFT JOIN country c ON c.country_code = r.country_code
ORDER BY a.level, a.nuts_code;
