-- erdf_planned_by_region: ERDF 2014-2020 planned EU amounts for the thematic objectives $erdf_thematic_objectives
-- (01 research & innovation, 02 ICT) per NUTS 2021 region, from the input table erdf_regional_programmes_2021
-- (one row per regional programme × thematic objective × NUTS 2021 region, amounts already split by the
-- NUTS 2013 → 2021 conversion weight).
--   basis 'regional programme'                     NUTS 1 or 2 region with its own regional programme(s)
--   basis 'sum of the regional programmes within'  NUTS 1 region: the sum of its NUTS 2 regions' programmes
--   basis 'NUTS 1 programme shared by population'  NUTS 2 region inside a NUTS 1 programme area (e.g. Germany)
--   basis 'all ERDF programmes of the country'     NUTS 0: every ERDF programme of the member state, national and
--                                                  multi-regional programmes included (Interreg excluded)
CREATE OR REPLACE TABLE erdf_planned_by_region AS
WITH own AS (
    SELECT nuts_code, length(nuts_code) - 2 AS level, to_code,
           sum(eu_amount_eur) AS eu_amount_eur, sum(total_amount_eur) AS total_amount_eur,
           count(DISTINCT cci) AS n_programmes, 'regional programme' AS basis
    FROM erdf_regional_programmes_2021
    GROUP BY ALL
), nuts1_from_children AS (
    SELECT r.parent_code AS nuts_code, 1 AS level, o.to_code,
           sum(o.eu_amount_eur) AS eu_amount_eur, sum(o.total_amount_eur) AS total_amount_eur,
           sum(o.n_programmes) AS n_programmes, 'sum of the regional programmes within' AS basis
    FROM own o JOIN regions r ON r.nuts_code = o.nuts_code
    WHERE o.level = 2
    GROUP BY ALL
), nuts2_from_parent AS (
    SELECT c.nuts_code, 2 AS level, o.to_code,
           o.eu_amount_eur * c.population / sum(c.population) OVER (PARTITION BY o.nuts_code, o.to_code) AS eu_amount_eur,
           o.total_amount_eur * c.population / sum(c.population) OVER (PARTITION BY o.nuts_code, o.to_code) AS total_amount_eur,
           o.n_programmes, 'NUTS 1 programme shared by population' AS basis
    FROM own o JOIN regions c ON c.parent_code = o.nuts_code AND c.level = 2
    WHERE o.level = 1 AND c.population > 0
      AND NOT EXISTS (SELECT 1 FROM own o2 WHERE o2.nuts_code = c.nuts_code AND o2.to_code = o.to_code)
), national AS (
    SELECT CASE p.ms WHEN 'GR' THEN 'EL' ELSE p.ms END AS nuts_code, 0 AS level, p.to_code,
           sum(p.eu_amount) AS eu_amount_eur, sum(p.total_amount) AS total_amount_eur,
           count(DISTINCT p.cci) AS n_programmes, 'all ERDF programmes of the country' AS basis
    FROM staging.stg_erdf_planned p
    WHERE p.fund = 'ERDF' AND list_contains($erdf_thematic_objectives, p.to_code) AND p.ms <> 'TC'
    GROUP BY ALL
), combined AS (
    SELECT * FROM own
    UNION ALL SELECT * FROM nuts1_from_children
      WHERE NOT EXISTS (SELECT 1 FROM own o WHERE o.nuts_code = nuts1_from_children.nuts_code
                                              AND o.to_code = nuts1_from_children.to_code)
    UNION ALL SELECT * FROM nuts2_from_parent
    UNION ALL SELECT * FROM national
)
SELECT c.nuts_code, c.level::INTEGER AS level, c.to_code, c.eu_amount_eur, c.total_amount_eur,
       c.n_programmes::INTEGER AS n_programmes, c.basis
FROM combined c
JOIN regions r ON r.nuts_code = c.nuts_code
ORDER BY c.nuts_code, c.to_code;
