-- region_alignment: one row per EU NUTS 0, 1, 2 region and period.
--   coverage  = Σ weight of the region's priority domains that are 'covered' / Σ weight of all its priority domains
--   focus     = Σ competence levels of the region's hubs in its priority domains / Σ competence levels of its hubs
--   alignment_score = 100 × 2·coverage·focus / (coverage + focus); 0 when either is 0;
--                     NULL when the region has no coded priority domain in the period (no_score_reason says why).
-- Funding columns are 2014-2020 (ERDF planned), calendar years $erdf_payments_first_year-$erdf_payments_last_year
-- (ERDF payments) and Horizon 2020; they are repeated on the rows of both periods.
CREATE OR REPLACE TABLE region_alignment AS
WITH domain_weights AS (
    -- exact decimal sums: float sums in parallel aggregation differ in the last digit between runs
    SELECT nuts_code, level, period, domain_code, sum(CAST(weight AS DECIMAL(18, 9))) AS weight
    FROM region_priority_domains
    GROUP BY nuts_code, level, period, domain_code
), coverage AS (
    SELECT w.nuts_code, w.level, w.period,
           count(*) AS n_priority_domains,
           count(*) FILTER (WHERE s.status = 'covered') AS n_domains_covered,
           count(*) FILTER (WHERE s.status = 'weak') AS n_domains_weak,
           count(*) FILTER (WHERE s.status = 'uncovered') AS n_domains_uncovered,
           sum(w.weight) AS total_weight,
           coalesce(sum(w.weight) FILTER (WHERE s.status = 'covered'), 0) AS covered_weight
    FROM domain_weights w
    JOIN region_domain_status s ON s.nuts_code = w.nuts_code AND s.level = w.level AND s.domain_code = w.domain_code
    GROUP BY w.nuts_code, w.level, w.period
), priorities AS (
    SELECT a.nuts_code, a.level, a.period, count(DISTINCT a.priority_id) AS n_priorities,
           count(DISTINCT a.strategy_id) AS n_strategies,
           string_agg(DISTINCT a.relation, ', ' ORDER BY a.relation) AS strategy_relations
    FROM applicable_priorities a
    GROUP BY a.nuts_code, a.level, a.period
), focus AS (
    SELECT ar.nuts_code, ar.level, ar.period,
           sum(l.competence_level) AS competence_total,
           coalesce(sum(l.competence_level) FILTER (WHERE w.domain_code IS NOT NULL), 0) AS competence_in_priorities
    FROM alignment_regions ar
    JOIN hub_region_membership m ON m.nuts_code = ar.nuts_code AND m.level = ar.level
    JOIN hub_domain_levels l ON l.hub_id = m.hub_id
    LEFT JOIN domain_weights w
      ON w.nuts_code = ar.nuts_code AND w.level = ar.level AND w.period = ar.period AND w.domain_code = l.domain_code
    GROUP BY ar.nuts_code, ar.level, ar.period
), hub_counts AS (
    SELECT m.nuts_code, m.level,
           count(*) AS n_hubs,
           count(*) FILTER (WHERE h.hub_type = 'EDIH') AS n_edih,
           count(*) FILTER (WHERE h.hub_type = 'Seal of Excellence') AS n_seal,
           count(*) FILTER (WHERE h.hub_type IN ('DIH', 'JRC DIH')) AS n_dih,
           count(*) FILTER (WHERE h.hub_type = 'EDIH' AND h.is_dep_funded) AS n_dep_funded_edih
    FROM hub_region_membership m
    JOIN hubs_deduplicated h ON h.hub_id = m.hub_id
    GROUP BY m.nuts_code, m.level
), erdf_planned AS (
    SELECT nuts_code, level,
           sum(eu_amount_eur) FILTER (WHERE to_code = '01') AS erdf_to01_eur,
           sum(eu_amount_eur) FILTER (WHERE to_code = '02') AS erdf_to02_eur,
           string_agg(DISTINCT basis, '; ' ORDER BY basis) AS erdf_planned_basis
    FROM erdf_planned_by_region
    GROUP BY nuts_code, level
), strategies_not_found AS (
    -- strategies of the region, an ancestor or a descendant that the curated S3 data lists as not found
    SELECT ar.nuts_code, ar.level, ar.period,
           string_agg(DISTINCT st.strategy_id, ', ' ORDER BY st.strategy_id) AS strategy_ids
    FROM alignment_regions ar
    JOIN s3_strategies st
      ON st.status = 'not_found' AND (st.period = ar.period OR st.period IS NULL)
     AND (starts_with(ar.nuts_code, st.nuts_code) OR starts_with(st.nuts_code, ar.nuts_code))
    GROUP BY ar.nuts_code, ar.level, ar.period
), measured AS (
    SELECT
        ar.nuts_code, ar.level, ar.period, ar.name, ar.country_code, ar.population, ar.population_year,
        coalesce(p.n_priorities, 0) AS n_priorities,
        coalesce(p.n_strategies, 0) AS n_strategies,
        p.strategy_relations,
        coalesce(c.n_priority_domains, 0) AS n_priority_domains,
        coalesce(c.n_domains_covered, 0) AS n_domains_covered,
        coalesce(c.n_domains_weak, 0) AS n_domains_weak,
        coalesce(c.n_domains_uncovered, 0) AS n_domains_uncovered,
        CASE WHEN c.total_weight > 0 THEN c.covered_weight / c.total_weight END AS coverage,
        CASE WHEN c.total_weight > 0 AND f.competence_total > 0
             THEN f.competence_in_priorities / f.competence_total END AS focus,
        coalesce(f.competence_total, 0) AS competence_total,
        coalesce(f.competence_in_priorities, 0) AS competence_in_priorities,
        coalesce(hc.n_hubs, 0) AS n_hubs,
        coalesce(hc.n_edih, 0) AS n_edih,
        coalesce(hc.n_seal, 0) AS n_seal,
        coalesce(hc.n_dih, 0) AS n_dih,
        coalesce(hc.n_dep_funded_edih, 0) AS n_dep_funded_edih,
        CASE WHEN p.n_priorities IS NULL THEN 'no applicable S3 priority found for this period'
                 || coalesce(' (listed but not found in the curated S3 data: ' || snf.strategy_ids || ')', '')
             WHEN c.n_priority_domains IS NULL THEN 'applicable S3 priorities are not coded to any domain'
             WHEN NOT (c.total_weight > 0) THEN 'the applicable priority domains all have weight 0' END
            AS no_score_reason,
        CASE WHEN coalesce(hc.n_hubs, 0) = 0 THEN 'no hub located in the region'
             WHEN coalesce(f.competence_total, 0) = 0 THEN 'the region''s hubs declare no competence' END
            AS hub_note
    FROM alignment_regions ar
    LEFT JOIN priorities p ON p.nuts_code = ar.nuts_code AND p.level = ar.level AND p.period = ar.period
    LEFT JOIN coverage c ON c.nuts_code = ar.nuts_code AND c.level = ar.level AND c.period = ar.period
    LEFT JOIN focus f ON f.nuts_code = ar.nuts_code AND f.level = ar.level AND f.period = ar.period
    LEFT JOIN hub_counts hc ON hc.nuts_code = ar.nuts_code AND hc.level = ar.level
    LEFT JOIN strategies_not_found snf
      ON snf.nuts_code = ar.nuts_code AND snf.level = ar.level AND snf.period = ar.period
), scored AS (
    SELECT *,
        CASE WHEN coverage IS NULL THEN NULL
             WHEN coverage = 0 OR coalesce(focus, 0) = 0 THEN 0.0
             ELSE 100 * 2 * coverage * focus / (coverage + focus) END AS alignment_score
    FROM measured
)
SELECT
    s.nuts_code, s.level, s.period,
    round(s.alignment_score, 2) AS alignment_score,
    round(s.coverage, 4) AS coverage,
    round(s.focus, 4) AS focus,
    s.n_priorities, s.n_priority_domains, s.n_hubs, s.n_edih, s.n_seal, s.n_dih,
    round(s.n_hubs * 1e6 / nullif(s.population, 0), 3) AS hubs_per_million,
    s.population,
    ep.erdf_to01_eur, ep.erdf_to02_eur,
    round(pay.erdf_eur_per_inhabitant, 2) AS erdf_payments_per_inh,
    hz.ec_contribution_eur AS h2020_ec_eur,
    hz.country_share_placed AS h2020_nuts_share,
    CASE WHEN s.alignment_score IS NOT NULL THEN rank() OVER (
        PARTITION BY s.level, s.period, s.country_code, s.alignment_score IS NULL
        ORDER BY round(s.alignment_score, 2) DESC) END AS rank_in_country,
    CASE WHEN s.alignment_score IS NOT NULL THEN rank() OVER (
        PARTITION BY s.level, s.period, s.alignment_score IS NULL
        ORDER BY round(s.alignment_score, 2) DESC) END AS rank_in_eu,
    $method_version AS method_version,
    s.name, s.country_code, s.population_year, s.no_score_reason, s.hub_note,
    s.n_strategies, s.strategy_relations,
    s.n_domains_covered, s.n_domains_weak, s.n_domains_uncovered,
    s.competence_total, s.competence_in_priorities,
    s.n_dep_funded_edih,
    ep.erdf_planned_basis,
    pay.erdf_eur AS erdf_payments_eur,
    pay.basis AS erdf_payments_basis,
    hz.n_participations AS h2020_participations,
    hz.country_ec_contribution_eur AS h2020_country_ec_eur
FROM scored s
LEFT JOIN erdf_planned ep ON ep.nuts_code = s.nuts_code AND ep.level = s.level
LEFT JOIN erdf_payments_by_region pay ON pay.nuts_code = s.nuts_code AND pay.level = s.level
LEFT JOIN h2020_by_region hz ON hz.nuts_code = s.nuts_code AND hz.level = s.level
ORDER BY s.level, s.nuts_code, s.period;
