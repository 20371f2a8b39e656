-- erdf_payments_by_region: ERDF payments made in calendar years $erdf_payments_first_year-$erdf_payments_last_year
-- (from all programming periods) per NUTS 2021 region, and per inhabitant. Input: erdf_payments_2021 (payments per
-- NUTS 2021 NUTS 2 region and year, already converted). NUTS 1 and NUTS 0 are sums of their NUTS 2 regions.
-- Population: mean of the years of the window available in `population`, else the region's latest population.
CREATE OR REPLACE TABLE erdf_payments_by_region AS
WITH nuts2 AS (
    SELECT nuts_code, sum(erdf_eur) AS erdf_eur, count(DISTINCT year) AS n_years
    FROM erdf_payments_2021
    WHERE year BETWEEN $erdf_payments_first_year AND $erdf_payments_last_year
    GROUP BY nuts_code
), all_levels AS (
    SELECT r.nuts_code, r.level, sum(n.erdf_eur) AS erdf_eur, max(n.n_years) AS n_years,
           count(*) AS n_nuts2_regions
    FROM nuts2 n
    JOIN regions r ON r.level IN (0, 1, 2) AND r.nuts_code = left(n.nuts_code, r.level + 2)
    GROUP BY r.nuts_code, r.level
), window_population AS (
    SELECT nuts_code, avg(population) AS population, count(*) AS n_years
    FROM population
    WHERE year BETWEEN $erdf_payments_first_year AND $erdf_payments_last_year AND population > 0
    GROUP BY nuts_code
)
SELECT a.nuts_code, a.level::INTEGER AS level,
       $erdf_payments_first_year::INTEGER AS first_year, $erdf_payments_last_year::INTEGER AS last_year,
       a.erdf_eur,
       coalesce(wp.population, r.population) AS population,
       CASE WHEN wp.population IS NOT NULL
            THEN 'mean population of ' || wp.n_years || ' years in the window'
            ELSE 'latest population (' || coalesce(r.population_year::VARCHAR, 'year unknown') || ')' END
           AS population_basis,
       a.erdf_eur / nullif(coalesce(wp.population, r.population), 0) AS erdf_eur_per_inhabitant,
       CASE WHEN a.level = 2 THEN 'payments to the region'
            ELSE 'sum of ' || a.n_nuts2_regions || ' NUTS 2 regions' END AS basis
FROM all_levels a
JOIN regions r ON r.nuts_code = a.nuts_code
LEFT JOIN window_population wp ON wp.nuts_code = a.nuts_code
ORDER BY a.level, a.nuts_code;
