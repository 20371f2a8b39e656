-- dep_edih_funding: Digital Europe EU contribution per DEP-funded EDIH of an EU country (one row per hubs.hub_id with
-- is_dep_funded). basis:
--   'published'            — the EDIH's EU contribution as published for it (figure_kind edih_eu_contribution; an
--                            approximate one, edih_eu_contribution_approx, and one DERIVED from the hub's published
--                            total budget or co-financing, edih_eu_contribution_derived, are flagged is_estimate and say
--                            so in note);
--   'country_budget_share' — ESTIMATE: the country's EDIH EU budget (published, or derived from a published national /
--                            EU + national figure: figure_kind country_eu_budget_derived), less the published per-EDIH
--                            figures, split equally over its other DEP-funded EDIHs in the catalogue;
--   'not_found'            — no public figure found (eu_contribution_eur NULL).
CREATE OR REPLACE TABLE dep_edih_funding AS
WITH funded AS (
    SELECT hub_id, country_code, name FROM hubs
    WHERE is_dep_funded AND coalesce(is_eu, false) AND source = 'edih_2025'
), published AS (
    SELECT f.hub_id, s.amount_eur, s.source_url, s.call, s.year, s.grant_years, s.figure_id, s.what_the_source_says,
           s.figure_kind = 'edih_eu_contribution_approx' AS is_approx,
           s.figure_kind = 'edih_eu_contribution_derived' AS is_derived
    FROM funded f
    JOIN staging.stg_dep_edih_funding s
      ON s.figure_kind IN ('edih_eu_contribution', 'edih_eu_contribution_approx', 'edih_eu_contribution_derived') AND s.country_code = f.country_code AND s.edih_name = f.name
), budget AS (
    SELECT country_code, amount_eur, source_url, call, year, grant_years, figure_id, what_the_source_says,
           figure_kind = 'country_eu_budget_derived' AS is_derived
    FROM staging.stg_dep_edih_funding WHERE figure_kind IN ('country_eu_budget', 'country_eu_budget_derived')
), remaining AS (
    SELECT f.country_code, count(*) FILTER (WHERE p.hub_id IS NULL) AS n_without_published,
           coalesce(sum(p.amount_eur), 0) AS published_eur
    FROM funded f LEFT JOIN published p USING (hub_id)
    GROUP BY 1
)
SELECT f.country_code, f.hub_id,
       coalesce(p.amount_eur, (b.amount_eur - r.published_eur) / nullif(r.n_without_published, 0))
           AS eu_contribution_eur,
       CASE WHEN p.hub_id IS NOT NULL THEN 'published'
            WHEN b.country_code IS NOT NULL THEN 'country_budget_share'
            ELSE 'not_found' END AS basis,
       coalesce(p.is_approx OR p.is_derived, b.country_code IS NOT NULL) AS is_estimate,
       coalesce(p.source_url, b.source_url) AS source_url,
       coalesce(p.call, b.call) AS call,
       coalesce(p.year, b.year) AS year,
       coalesce(p.grant_years, b.grant_years) AS grant_years,
       coalesce(p.figure_id, b.figure_id) AS figure_id,
       CASE WHEN p.hub_id IS NOT NULL THEN CASE WHEN p.is_approx THEN 'approximate published figure (estimate): '
                                                 WHEN p.is_derived THEN 'derived from the hub''s published budget or co-financing (estimate: '
                                                      || 'the EU half of a 50/50 EU / national split, see the raw note): '
                                                 ELSE 'published: ' END || p.what_the_source_says
            WHEN b.country_code IS NOT NULL THEN
                'estimate: country EU budget EUR ' || round(b.amount_eur / 1e6, 3)::VARCHAR || ' m'
                || CASE WHEN b.is_derived THEN ' (derived from a published national or EU + national figure)' ELSE '' END
                || CASE WHEN r.published_eur > 0 THEN ' less published per-EDIH figures' ELSE '' END
                || ' split equally over ' || r.n_without_published::VARCHAR || ' DEP-funded EDIHs of the catalogue'
            ELSE 'no public EU figure found for this EDIH or its country (see funding_data_gaps)' END AS note
FROM funded f
LEFT JOIN published p USING (hub_id)
LEFT JOIN budget b ON b.country_code = f.country_code
LEFT JOIN remaining r ON r.country_code = f.country_code
ORDER BY f.country_code, f.hub_id;

-- dep_edih_funding_by_region: the EU contribution over the regions each EDIH serves (hub_service_nuts2; the address
-- region where a hub has no served areas), split by the population share of its served NUTS 2 regions; NUTS 1 and 0 are
-- sums of NUTS 2. Only hubs with an amount; estimate_share = share of the money that is an estimate (is_estimate),
-- budget_share = share with basis country_budget_share (the rest is per-EDIH: published, or derived from a hub's own figure).
CREATE OR REPLACE TABLE dep_edih_funding_by_region AS
WITH served AS (
    SELECT d.hub_id, d.eu_contribution_eur, d.is_estimate, d.basis, s.nuts2_code
    FROM dep_edih_funding d JOIN hub_service_nuts2 s USING (hub_id)
    WHERE d.eu_contribution_eur IS NOT NULL
    UNION ALL
    SELECT d.hub_id, d.eu_contribution_eur, d.is_estimate, d.basis, h.nuts2_code
    FROM dep_edih_funding d JOIN hubs h USING (hub_id)
    WHERE d.eu_contribution_eur IS NOT NULL AND h.nuts2_code IS NOT NULL
      AND d.hub_id NOT IN (SELECT hub_id FROM hub_service_nuts2)
), weighted AS (
    SELECT s.*, r.population,
           r.population / sum(r.population) OVER (PARTITION BY s.hub_id) AS pop_share,
           count(*) OVER (PARTITION BY s.hub_id) AS n_regions
    FROM served s JOIN regions r ON r.nuts_code = s.nuts2_code AND r.level = 2
), nuts2 AS (
    SELECT nuts2_code AS nuts_code,
           sum(eu_contribution_eur * coalesce(pop_share, 1.0 / n_regions)) AS eu_contribution_eur,
           sum(eu_contribution_eur * coalesce(pop_share, 1.0 / n_regions)) FILTER (WHERE is_estimate)
               AS estimated_eur,
           sum(eu_contribution_eur * coalesce(pop_share, 1.0 / n_regions)) FILTER (WHERE basis = 'country_budget_share')
               AS budget_share_eur,
           count(DISTINCT hub_id) AS n_edih
    FROM weighted GROUP BY 1
), levels AS (
    SELECT nuts_code, 2 AS level, eu_contribution_eur, estimated_eur, budget_share_eur, n_edih FROM nuts2
    UNION ALL
    SELECT r.parent_code, 1, sum(n.eu_contribution_eur), sum(n.estimated_eur), sum(n.budget_share_eur), NULL
    FROM nuts2 n JOIN regions r ON r.nuts_code = n.nuts_code GROUP BY 1
    UNION ALL
    SELECT d.country_code, 0, sum(d.eu_contribution_eur),
           sum(d.eu_contribution_eur) FILTER (WHERE d.is_estimate),
           sum(d.eu_contribution_eur) FILTER (WHERE d.basis = 'country_budget_share'), count(*)
    FROM dep_edih_funding d WHERE d.eu_contribution_eur IS NOT NULL GROUP BY 1
)
SELECT l.nuts_code, l.level::INTEGER AS level, l.eu_contribution_eur,
       round(coalesce(l.estimated_eur, 0) / nullif(l.eu_contribution_eur, 0), 4) AS estimate_share,
       round(coalesce(l.budget_share_eur, 0) / nullif(l.eu_contribution_eur, 0), 4) AS budget_share,
       l.n_edih
FROM levels l JOIN regions r ON r.nuts_code = l.nuts_code AND r.level = l.level
ORDER BY l.level, l.nuts_code;
