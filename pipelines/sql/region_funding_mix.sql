-- region_funding_mix: one row per EU NUTS 0-2 region × period (2014-2020, 2021-2027) × funding source (long format).
-- Period-specific: a figure is only ever labelled with the period its money belongs to; where the period's data does not
-- exist (or was not found), the row is there with amount_eur NULL and a note saying so. Method: docs/funding.md.
CREATE OR REPLACE TABLE region_funding_mix AS
WITH grid AS (
    SELECT r.nuts_code, r.level, r.country_code, r.population, r.population_year, p.period, s.funding_source
    FROM regions r
    CROSS JOIN (VALUES ('2014-2020'), ('2021-2027')) p(period)
    CROSS JOIN (VALUES ('erdf_ri_ict'), ('horizon'), ('digital_europe_edih')) s(funding_source)
    WHERE coalesce(r.is_eu, false) AND r.level BETWEEN 0 AND 2
), erdf AS (
    SELECT nuts_code, level, sum(eu_amount_eur) AS amount_eur, string_agg(DISTINCT basis, '; ') AS basis
    FROM erdf_planned_by_region GROUP BY 1, 2
), h2020 AS (
    SELECT nuts_code, level, ec_contribution_eur, country_share_placed, basis FROM h2020_by_region
), he AS (
    SELECT nuts_code, level, ec_contribution_eur, placed_share, basis FROM horizon_europe_by_region
), dep_country AS (
    SELECT country_code, count(*) AS n_funded, count(eu_contribution_eur) AS n_with_amount,
           string_agg(DISTINCT source_url, ' ; ') AS source_urls,
           bool_or(is_estimate) AS any_estimate, bool_and(is_estimate) FILTER (WHERE eu_contribution_eur IS NOT NULL)
               AS all_estimate
    FROM dep_edih_funding GROUP BY 1
), dep AS (
    SELECT nuts_code, level, eu_contribution_eur, estimate_share, budget_share FROM dep_edih_funding_by_region
), filled AS (
    SELECT g.*,
        CASE
            WHEN g.funding_source = 'erdf_ri_ict' AND g.period = '2014-2020' THEN e.amount_eur
            WHEN g.funding_source = 'horizon' AND g.period = '2014-2020' THEN h.ec_contribution_eur
            WHEN g.funding_source = 'horizon' AND g.period = '2021-2027' THEN he.ec_contribution_eur
            WHEN g.funding_source = 'digital_europe_edih' AND g.period = '2021-2027' THEN
                CASE WHEN d.eu_contribution_eur IS NOT NULL THEN d.eu_contribution_eur
                     -- a country whose funded EDIHs all have an amount: a region without EDIH money really has none
                     WHEN dc.n_with_amount = dc.n_funded AND dc.n_funded > 0 THEN 0 END
        END AS amount_eur,
        CASE
            WHEN g.funding_source = 'erdf_ri_ict' AND g.period = '2014-2020' THEN '2014-2020 (planned, programme versions of April 2019)'
            WHEN g.funding_source = 'erdf_ri_ict' THEN '2021-2027'
            WHEN g.funding_source = 'horizon' AND g.period = '2014-2020' THEN 'Horizon 2020 projects signed up to 14 Dec 2020 (about 87 % of the programme)'
            WHEN g.funding_source = 'horizon' THEN 'Horizon Europe projects signed up to August 2026'
            WHEN g.period = '2021-2027' THEN 'first three-year EDIH grants (calls 2021-2022, grants 2022/23-2025/26)'
            ELSE '2014-2020'
        END AS years,
        CASE
            WHEN g.funding_source = 'erdf_ri_ict' AND g.period = '2014-2020' THEN e.basis
            WHEN g.funding_source = 'horizon' AND g.period = '2014-2020' THEN h.basis
            WHEN g.funding_source = 'horizon' AND g.period = '2021-2027' THEN he.basis
            WHEN g.funding_source = 'digital_europe_edih' AND g.period = '2021-2027' AND d.nuts_code IS NOT NULL THEN
                CASE WHEN d.budget_share >= 0.9999 THEN 'country_budget_share'
                     WHEN d.budget_share <= 0.0001 THEN 'published'
                     ELSE 'published + country_budget_share' END
            WHEN g.funding_source = 'digital_europe_edih' AND g.period = '2021-2027'
                 AND dc.n_with_amount = dc.n_funded AND dc.n_funded > 0 THEN 'no EDIH serving the region'
        END AS basis,
        CASE
            WHEN g.funding_source = 'erdf_ri_ict' AND g.period = '2014-2020' THEN e.basis ILIKE '%shared by population%'
            WHEN g.funding_source = 'digital_europe_edih' AND g.period = '2021-2027' AND d.nuts_code IS NOT NULL
                THEN d.estimate_share > 0 OR g.level > 0
            ELSE false
        END AS is_estimate,
        CASE
            WHEN g.funding_source = 'horizon' AND g.period = '2014-2020' THEN
                CASE WHEN g.level = 0 THEN 1.0 ELSE (SELECT max(country_share_placed) FROM h2020_by_region x
                                                     WHERE x.nuts_code = g.country_code AND x.level = 0) END
            WHEN g.funding_source = 'horizon' AND g.period = '2021-2027' AND g.country_code = 'DE' THEN
                CASE WHEN g.level = 0 THEN 1.0 ELSE (SELECT max(placed_share) FROM horizon_europe_by_region) END
            WHEN g.funding_source = 'digital_europe_edih' AND g.period = '2021-2027' AND dc.n_funded > 0 THEN
                round(dc.n_with_amount / dc.n_funded, 4)
        END AS placed_share,
        CASE
            WHEN g.funding_source = 'erdf_ri_ict' AND g.period = '2021-2027' THEN
                'ERDF 2021-2027 planned amounts by programme and a programme → NUTS match were not found (see funding_data_gaps); the 2014-2020 figure is not carried over'
            WHEN g.funding_source = 'erdf_ri_ict' AND e.amount_eur IS NULL THEN
                'no regional ERDF programme here: the country''s money sits in national programmes (see the country row)'
            WHEN g.funding_source = 'erdf_ri_ict' THEN 'ERDF EU amount planned for thematic objectives 01 (research & innovation) and 02 (ICT)'
            WHEN g.funding_source = 'horizon' AND g.period = '2014-2020' AND g.level > 0 THEN
                'Horizon 2020 EC contribution placed by the organisation''s registered address; placed_share of the country''s money could be placed, so the figure under-counts by (1 - placed_share)'
            WHEN g.funding_source = 'horizon' AND g.period = '2014-2020' THEN 'Horizon 2020 EC contribution, complete country total'
            WHEN g.funding_source = 'horizon' AND g.country_code <> 'DE' THEN
                'Horizon Europe participations with NUTS codes are held for Germany only (see funding_data_gaps)'
            WHEN g.funding_source = 'horizon' THEN 'Horizon Europe EC contribution (Germany, CORDIS August 2026), placed by registered address'
            WHEN g.period = '2014-2020' THEN 'Digital Europe started in 2021: no 2014-2020 money'
            WHEN d.nuts_code IS NULL AND dc.n_with_amount = dc.n_funded AND dc.n_funded > 0 THEN
                'none of the country''s ' || dc.n_funded || ' Digital-Europe-funded EDIHs serves this region (served areas: hub_service_nuts2)'
            WHEN d.nuts_code IS NOT NULL THEN
                'Digital Europe EU contribution to EDIHs' ||
                CASE WHEN g.level > 0 THEN ', split over the regions each EDIH serves by population share (estimate)' ELSE '' END ||
                CASE WHEN d.budget_share > 0 THEN '; includes the country''s EDIH budget split equally over its funded EDIHs (estimate)'
                     WHEN d.estimate_share > 0 THEN '; derived from the hubs'' own published budgets (estimate)' ELSE '' END ||
                CASE WHEN dc.n_with_amount < dc.n_funded THEN '; partial: ' || dc.n_with_amount || ' of ' || dc.n_funded || ' DEP-funded EDIHs of the country have a public figure' ELSE '' END
            WHEN dc.n_funded > 0 THEN
                'no public Digital Europe amount found for this region''s EDIHs (' || dc.n_with_amount || ' of ' || dc.n_funded || ' EDIHs of the country have one; see funding_data_gaps)'
            ELSE 'no Digital Europe-funded EDIH in the country''s catalogue records'
        END AS note,
        CASE
            WHEN g.funding_source = 'erdf_ri_ict' AND g.period = '2014-2020' THEN 'https://cohesiondata.ec.europa.eu/2014-2020-Finances/ESIF-2014-2020-FINANCES-PLANNED-DETAILS/e4v6-qrrq'
            WHEN g.funding_source = 'horizon' AND g.period = '2014-2020' THEN 'https://data.europa.eu/data/datasets/cordish2020projects'
            WHEN g.funding_source = 'horizon' AND g.country_code = 'DE' THEN 'https://cordis.europa.eu/projects'
            WHEN g.funding_source = 'digital_europe_edih' AND g.period = '2021-2027' THEN dc.source_urls
        END AS source_url
    FROM grid g
    LEFT JOIN erdf e ON g.funding_source = 'erdf_ri_ict' AND e.nuts_code = g.nuts_code AND e.level = g.level
    LEFT JOIN h2020 h ON g.funding_source = 'horizon' AND h.nuts_code = g.nuts_code AND h.level = g.level
    LEFT JOIN he ON g.funding_source = 'horizon' AND he.nuts_code = g.nuts_code AND he.level = g.level
    LEFT JOIN dep d ON g.funding_source = 'digital_europe_edih' AND d.nuts_code = g.nuts_code AND d.level = g.level
    LEFT JOIN dep_country dc ON g.funding_source = 'digital_europe_edih' AND dc.country_code = g.country_code
)
SELECT nuts_code, level::INTEGER AS level, period, funding_source, amount_eur,
       round(amount_eur / nullif(population, 0), 2) AS per_capita_eur, years, basis,
       coalesce(is_estimate, false) AND amount_eur IS NOT NULL AS is_estimate,
       placed_share, note, source_url, country_code, population, population_year,
       CASE funding_source
           WHEN 'erdf_ri_ict' THEN CASE period WHEN '2014-2020' THEN 'ERDF 2014-2020, planned for research & innovation and ICT'
                                               ELSE 'ERDF 2021-2027, planned (not found)' END
           WHEN 'horizon' THEN CASE period WHEN '2014-2020' THEN 'Horizon 2020' ELSE 'Horizon Europe' END
           ELSE CASE period WHEN '2014-2020' THEN 'Digital Europe (did not exist before 2021)'
                            ELSE 'Digital Europe, EDIH grants' END
       END AS programme
FROM filled
ORDER BY level, nuts_code, period, funding_source;
