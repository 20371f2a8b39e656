-- region_alignment: one row per EU NUTS 0, 1, 2 region and period (atlas-method-2.0).
--   coverage_all      = headline: Σ weight of the region's priority domains covered (level >= $covered_level) by a hub
--                       serving the region / Σ weight of its priority domains ("Digital transformation (general)" out)
--   coverage_declared = the same on declared evidence only (variant declared_only)
--   coverage_low/high = the smallest / largest coverage across the readings of method_variants with in_band
--   coverage          = coverage_all (old column, kept); alignment_score = 100 × coverage_all (kept, = the headline)
--   fit               = share of the serving hubs' competence levels in the region's priority domains / the share
--                       expected for that set of domains from the EU-wide distribution (method_sensitivity.sql)
--   focus             = that observed share (old column, kept; not the ranking figure any more)
--   is_ranked / not_ranked_reason (region_rank_eligibility); ranks by coverage_all in whole percent, ties share a rank
-- Funding columns are 2014-2020 (ERDF planned), calendar years $erdf_payments_first_year-$erdf_payments_last_year
-- (ERDF payments) and Horizon 2020; they are repeated on the rows of both periods.
CREATE OR REPLACE TABLE region_alignment AS
WITH weights AS (
    SELECT w.nuts_code, w.level, w.period, w.domain_code, w.weight, s.status
    FROM region_priority_weights_by_variant w
    JOIN region_domain_status s ON s.nuts_code = w.nuts_code AND s.level = w.level AND s.domain_code = w.domain_code
    WHERE w.variant = 'default'
), domain_counts AS (
    SELECT w.nuts_code, w.level, w.period,
           count(*) AS n_priority_domains,
           count(*) FILTER (WHERE w.status = 'covered') AS n_domains_covered,
           count(*) FILTER (WHERE w.status = 'weak') AS n_domains_weak,
           count(*) FILTER (WHERE w.status = 'uncovered') AS n_domains_uncovered,
           string_agg(coalesce(d.label, w.domain_code), '; ' ORDER BY w.weight DESC, w.domain_code)
               FILTER (WHERE w.status = 'weak') AS weak_domains
    FROM weights w
    LEFT JOIN domains d ON d.domain_code = w.domain_code
    GROUP BY w.nuts_code, w.level, w.period
), digital AS (
    SELECT DISTINCT nuts_code, level, period FROM region_priority_domains WHERE is_digital_general
), priorities AS (
    SELECT a.nuts_code, a.level, a.period, count(DISTINCT a.priority_id) AS n_priorities,
           count(DISTINCT a.strategy_id) AS n_strategies,
           string_agg(DISTINCT a.relation, ', ' ORDER BY a.relation) AS strategy_relations,
           -- one basis per region and period, in the precedence of region_s3_basis (docs/taxonomy.md): a region
           -- scored on its carried-forward list has the national list beside it, yet its basis is the carried list
           CASE WHEN bool_or(a.basis = 'own') THEN 'own'
                WHEN bool_or(a.basis = 'carried_forward_2014_2020') THEN 'carried_forward_2014_2020'
                WHEN bool_or(a.basis = 'national_fallback') THEN 'national_fallback'
                ELSE min(a.basis) END AS basis
    FROM m2_applicable_priorities a
    GROUP BY a.nuts_code, a.level, a.period
), variants AS (
    SELECT s.nuts_code, s.level, s.period,
           any_value(s.coverage) FILTER (WHERE s.variant = 'default') AS coverage_all,
           any_value(s.fit) FILTER (WHERE s.variant = 'default') AS fit,
           any_value(s.observed_share) FILTER (WHERE s.variant = 'default') AS observed_share,
           any_value(s.expected_share) FILTER (WHERE s.variant = 'default') AS expected_share,
           any_value(s.coverage) FILTER (WHERE s.variant = 'declared_only') AS coverage_declared,
           any_value(s.coverage) FILTER (WHERE s.variant = 'address_only') AS coverage_address,
           min(s.coverage) FILTER (WHERE s.in_band) AS coverage_low,
           max(s.coverage) FILTER (WHERE s.in_band) AS coverage_high,
           min(s.fit) FILTER (WHERE s.in_band) AS fit_low,
           max(s.fit) FILTER (WHERE s.in_band) AS fit_high,
           min(s.rank) FILTER (WHERE s.in_band) AS rank_best,
           max(s.rank) FILTER (WHERE s.in_band) AS rank_worst
    FROM method_sensitivity s
    GROUP BY ALL
), competence AS (
    SELECT ar.nuts_code, ar.level, ar.period,
           sum(l.competence_level) AS competence_total,
           coalesce(sum(l.competence_level) FILTER (WHERE w.domain_code IS NOT NULL), 0) AS competence_in_priorities
    FROM alignment_regions ar
    JOIN hub_service_membership m ON m.nuts_code = ar.nuts_code AND m.level = ar.level
    JOIN hub_domain_levels l ON l.hub_id = m.hub_id
    LEFT JOIN weights w
      ON w.nuts_code = ar.nuts_code AND w.level = ar.level AND w.period = ar.period AND w.domain_code = l.domain_code
    GROUP BY ALL
), hub_counts AS (
    SELECT m.nuts_code, m.level,
           count(*) AS n_hubs,
           count(*) FILTER (WHERE h.hub_type = 'EDIH') AS n_edih,
           count(*) FILTER (WHERE h.hub_type = 'Seal of Excellence') AS n_seal,
           count(*) FILTER (WHERE h.hub_type IN ('DIH', 'JRC DIH')) AS n_dih,
           count(*) FILTER (WHERE h.hub_type = 'EDIH' AND h.is_dep_funded) AS n_dep_funded_edih,
           count(*) FILTER (WHERE m.basis = 'address') AS n_hubs_located,
           count(*) FILTER (WHERE m.basis = 'address' AND h.hub_type = 'EDIH') AS n_edih_located,
           count(*) FILTER (WHERE m.basis = 'declared') AS n_hubs_declared_area,
           count(*) FILTER (WHERE m.basis = 'national') AS n_hubs_national,
           count(*) FILTER (WHERE m.basis = 'assumed') AS n_hubs_assumed_area
    FROM hub_service_membership m
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
        p.basis,
        coalesce(c.n_priority_domains, 0) AS n_priority_domains,
        coalesce(c.n_domains_covered, 0) AS n_domains_covered,
        coalesce(c.n_domains_weak, 0) AS n_domains_weak,
        coalesce(c.n_domains_uncovered, 0) AS n_domains_uncovered,
        c.weak_domains,
        dg.nuts_code IS NOT NULL AS digital_priority,
        v.coverage_all, v.coverage_declared, v.coverage_address, v.coverage_low, v.coverage_high,
        v.fit, v.fit_low, v.fit_high, v.observed_share, v.expected_share, v.rank_best, v.rank_worst,
        coalesce(k.competence_total, 0) AS competence_total,
        coalesce(k.competence_in_priorities, 0) AS competence_in_priorities,
        coalesce(hc.n_hubs, 0) AS n_hubs,
        coalesce(hc.n_edih, 0) AS n_edih,
        coalesce(hc.n_seal, 0) AS n_seal,
        coalesce(hc.n_dih, 0) AS n_dih,
        coalesce(hc.n_dep_funded_edih, 0) AS n_dep_funded_edih,
        coalesce(hc.n_hubs_located, 0) AS n_hubs_located,
        coalesce(hc.n_edih_located, 0) AS n_edih_located,
        coalesce(hc.n_hubs_declared_area, 0) AS n_hubs_declared_area,
        coalesce(hc.n_hubs_national, 0) AS n_hubs_national,
        coalesce(hc.n_hubs_assumed_area, 0) AS n_hubs_assumed_area,
        e.not_ranked_reason,
        e.low_confidence_weight_share,
        CASE WHEN p.n_priorities IS NULL THEN 'no applicable S3 priority found for this period'
                 || coalesce(' (listed but not found in the curated S3 data: ' || snf.strategy_ids || ')', '')
             WHEN v.coverage_all IS NULL AND dg.nuts_code IS NOT NULL
                 THEN 'its S3 priorities are coded only to digital transformation (general)'
             WHEN v.coverage_all IS NULL THEN 'applicable S3 priorities are not coded to any domain' END
            AS no_score_reason,
        CASE WHEN coalesce(hc.n_hubs, 0) = 0 THEN 'no hub serves the region'
             WHEN coalesce(hc.n_hubs_located, 0) = 0 THEN 'no hub located in the region; served by '
                  || hc.n_hubs || ' hub(s) from elsewhere'
             WHEN coalesce(k.competence_total, 0) = 0 THEN 'the region''s hubs declare no competence' END
            AS hub_note
    FROM alignment_regions ar
    LEFT JOIN priorities p ON p.nuts_code = ar.nuts_code AND p.level = ar.level AND p.period = ar.period
    LEFT JOIN domain_counts c ON c.nuts_code = ar.nuts_code AND c.level = ar.level AND c.period = ar.period
    LEFT JOIN digital dg ON dg.nuts_code = ar.nuts_code AND dg.level = ar.level AND dg.period = ar.period
    LEFT JOIN variants v ON v.nuts_code = ar.nuts_code AND v.level = ar.level AND v.period = ar.period
    LEFT JOIN competence k ON k.nuts_code = ar.nuts_code AND k.level = ar.level AND k.period = ar.period
    LEFT JOIN hub_counts hc ON hc.nuts_code = ar.nuts_code AND hc.level = ar.level
    LEFT JOIN region_rank_eligibility e ON e.nuts_code = ar.nuts_code AND e.level = ar.level AND e.period = ar.period
    LEFT JOIN strategies_not_found snf
      ON snf.nuts_code = ar.nuts_code AND snf.level = ar.level AND snf.period = ar.period
), ranked AS (
    SELECT *,
        not_ranked_reason IS NULL AND coverage_all IS NOT NULL AS is_ranked,
        round(coverage_all, $rank_coverage_decimals) AS rank_key
    FROM measured
)
SELECT
    s.nuts_code, s.level, s.period,
    round(100 * s.coverage_all, 2) AS alignment_score,
    s.coverage_all AS coverage,
    round(s.observed_share, 4) AS focus,
    s.n_priorities, s.n_priority_domains, s.n_hubs, s.n_edih, s.n_seal, s.n_dih,
    round(s.n_hubs_located * 1e6 / nullif(s.population, 0), 3) AS hubs_per_million,
    s.population,
    ep.erdf_to01_eur, ep.erdf_to02_eur,
    round(pay.erdf_eur_per_inhabitant, 2) AS erdf_payments_per_inh,
    hz.ec_contribution_eur AS h2020_ec_eur,
    hz.country_share_placed AS h2020_nuts_share,
    CASE WHEN s.is_ranked THEN rank() OVER (
        PARTITION BY s.level, s.period, s.country_code, s.is_ranked ORDER BY s.rank_key DESC) END AS rank_in_country,
    CASE WHEN s.is_ranked THEN rank() OVER (
        PARTITION BY s.level, s.period, s.is_ranked ORDER BY s.rank_key DESC) END AS rank_in_eu,
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
    hz.country_ec_contribution_eur AS h2020_country_ec_eur,
    -- atlas-method-2.0
    'coverage_all' AS headline_figure,
    s.coverage_declared,
    s.coverage_all,
    s.coverage_low,
    s.coverage_high,
    s.coverage_address,
    round(s.fit, 3) AS fit,
    round(s.fit_low, 3) AS fit_low,
    round(s.fit_high, 3) AS fit_high,
    round(s.expected_share, 4) AS expected_share,
    s.is_ranked,
    CASE WHEN NOT s.is_ranked THEN coalesce(s.not_ranked_reason, s.no_score_reason) END AS not_ranked_reason,
    CASE WHEN s.is_ranked THEN count(*) OVER (PARTITION BY s.level, s.period, s.is_ranked, s.rank_key) END
        AS n_tied_in_eu,
    CASE WHEN s.is_ranked THEN count(*) OVER (PARTITION BY s.level, s.period, s.country_code, s.is_ranked, s.rank_key) END
        AS n_tied_in_country,
    s.rank_best AS rank_in_eu_best,
    s.rank_worst AS rank_in_eu_worst,
    coalesce(s.basis, CASE WHEN s.n_priorities = 0 THEN 'none' END) AS basis,
    round(s.low_confidence_weight_share, 4) AS low_confidence_weight_share,
    s.digital_priority,
    s.n_hubs_located, s.n_edih_located, s.n_hubs_declared_area, s.n_hubs_national, s.n_hubs_assumed_area,
    CASE WHEN s.coverage_all = 0 THEN
        'none of its ' || s.n_priority_domains || ' priority domain(s) has a serving hub at level >= '
        || $covered_level || ': '
        || CASE WHEN s.n_domains_weak > 0 THEN s.n_domains_weak || ' weak (' || s.weak_domains || ')' ELSE '' END
        || CASE WHEN s.n_domains_weak > 0 AND s.n_domains_uncovered > 0 THEN ', ' ELSE '' END
        || CASE WHEN s.n_domains_uncovered > 0 THEN s.n_domains_uncovered || ' with no serving hub at all' ELSE '' END
        || '; served by ' || s.n_hubs || ' hub(s)' END AS coverage_note,
    -- the headline as a profile shows it: "coverage 56 % (33-60 % across readings)"
    CASE WHEN s.coverage_all IS NOT NULL THEN
        'coverage ' || CAST(round(100 * s.coverage_all) AS INTEGER) || ' % ('
        || CAST(round(100 * s.coverage_low) AS INTEGER) || '-' || CAST(round(100 * s.coverage_high) AS INTEGER)
        || ' % across readings)' END AS coverage_label
FROM ranked s
LEFT JOIN erdf_planned ep ON ep.nuts_code = s.nuts_code AND ep.level = s.level
LEFT JOIN erdf_payments_by_region pay ON pay.nuts_code = s.nuts_code AND pay.level = s.level
LEFT JOIN h2020_by_region hz ON hz.nuts_code = s.nuts_code AND hz.level = s.level
ORDER BY s.level, s.nuts_code, s.period;
