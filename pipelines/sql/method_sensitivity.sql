-- Coverage and fit of every region × period under every reading of method_variants, whether the region is ranked, its
-- rank under each reading, and how each reading's ranking compares with the default.
-- Tables: region_rank_eligibility, method_sensitivity, method_sensitivity_summary.
--
--   coverage(v) = Σ_d W_v(d) · [best serving level_v(d) >= $covered_level] / Σ_d W_v(d)
--   fit(v)      = observed / expected, where
--                 observed = Σ levels of the serving hubs in the region's priority domains / Σ all their levels
--                 expected = Σ over the region's priority domains of the domain's share of all competence levels
--                            of hubs in the EU (eu_competence_shares)
--                 (> 1: the serving hubs lean towards the region's priorities more than hubs in general do)

-- Evidence behind each region's figures and whether that is enough to rank it.
CREATE OR REPLACE TABLE region_rank_eligibility AS
WITH priorities AS (
    SELECT a.nuts_code, a.level, a.period, count(DISTINCT a.priority_id) AS n_priorities,
           bool_or(a.basis IN ('own', 'national')) AS has_own_list,  -- 'national': derived when the input has no basis
           bool_or(a.basis = 'carried_forward_2014_2020') AS has_carried_forward
    FROM m2_applicable_priorities a
    JOIN alignment_regions ar ON ar.nuts_code = a.nuts_code AND ar.level = a.level AND ar.period = a.period
    GROUP BY ALL
), weights AS (
    SELECT nuts_code, level, period, count(*) AS n_domains, sum(weight) AS total_weight,
           sum(low_confidence_weight) AS low_confidence_weight
    FROM region_priority_weights_by_variant
    WHERE variant = 'default'
    GROUP BY ALL
), coded AS (
    SELECT DISTINCT nuts_code, level, period FROM region_priority_domains
), serving AS (
    SELECT m.nuts_code, m.level, count(*) AS n_serving_hubs
    FROM hub_service_membership m
    GROUP BY ALL
)
SELECT ar.nuts_code, ar.level, ar.period,
       coalesce(p.n_priorities, 0) AS n_priorities,
       coalesce(w.n_domains, 0) AS n_priority_domains_scored,
       w.total_weight,
       CASE WHEN w.total_weight > 0 THEN w.low_confidence_weight / w.total_weight END AS low_confidence_weight_share,
       coalesce(s.n_serving_hubs, 0) AS n_serving_hubs,
       CASE WHEN p.n_priorities IS NULL THEN 'no S3 strategy found for this period'
            WHEN c.nuts_code IS NULL THEN 'its S3 priorities are not coded to any domain'
            WHEN NOT (w.total_weight > 0) OR w.total_weight IS NULL
                THEN 'its S3 priorities are coded only to digital transformation (general)'
            WHEN NOT $rank_fallback_basis AND NOT p.has_own_list
                THEN 'no list of its own was found for this period: its figures rest on '
                     || CASE WHEN p.has_carried_forward THEN 'its 2014-2020 list carried forward'
                             ELSE 'the national strategy as a fallback' END
                     || ' (shown, not ranked)'
            WHEN s.n_serving_hubs IS NULL THEN 'no hub serves the region'
            WHEN w.low_confidence_weight / w.total_weight > $low_confidence_max_share
                THEN 'more than half of its priority weight ('
                     || round(100 * w.low_confidence_weight / w.total_weight, 1)
                     || ' %) comes from low-confidence priority lists' END AS not_ranked_reason
FROM alignment_regions ar
LEFT JOIN priorities p ON p.nuts_code = ar.nuts_code AND p.level = ar.level AND p.period = ar.period
LEFT JOIN weights w ON w.nuts_code = ar.nuts_code AND w.level = ar.level AND w.period = ar.period
LEFT JOIN coded c ON c.nuts_code = ar.nuts_code AND c.level = ar.level AND c.period = ar.period
LEFT JOIN serving s ON s.nuts_code = ar.nuts_code AND s.level = ar.level;

CREATE OR REPLACE TABLE method_sensitivity AS
WITH cov AS (
    SELECT w.variant, w.nuts_code, w.level, w.period,
           count(*) AS n_priority_domains,
           sum(w.weight) AS total_weight,
           coalesce(sum(w.weight) FILTER (WHERE s.best_level >= $covered_level), 0) AS covered_weight,
           sum(e.share) AS expected_share
    FROM region_priority_weights_by_variant w
    LEFT JOIN region_domain_status_by_variant s
      ON s.variant = w.variant AND s.nuts_code = w.nuts_code AND s.level = w.level AND s.domain_code = w.domain_code
    LEFT JOIN eu_competence_shares e ON e.variant = w.variant AND e.domain_code = w.domain_code
    GROUP BY ALL
), competence AS (
    -- every competence level of every hub serving the region under the reading, and whether it is in the region's
    -- priority domains of the period
    SELECT c.variant, c.nuts_code, c.level, c.period,
           sum(l.competence_level) AS competence_total,
           coalesce(sum(l.competence_level) FILTER (WHERE w.domain_code IS NOT NULL), 0) AS competence_in_priorities
    FROM cov c
    JOIN method_variants v ON v.variant = c.variant
    JOIN hub_service_membership m
      ON m.nuts_code = c.nuts_code AND m.level = c.level AND (v.membership = 'served' OR m.basis = 'address')
    JOIN hub_domain_levels_by_variant l ON l.variant = c.variant AND l.hub_id = m.hub_id
    LEFT JOIN region_priority_weights_by_variant w
      ON w.variant = c.variant AND w.nuts_code = c.nuts_code AND w.level = c.level AND w.period = c.period
     AND w.domain_code = l.domain_code
    GROUP BY ALL
), measured AS (
    SELECT c.variant, c.nuts_code, c.level, c.period, c.n_priority_domains, c.total_weight, c.covered_weight,
           c.covered_weight / c.total_weight AS coverage,
           k.competence_in_priorities / nullif(k.competence_total, 0) AS observed_share,
           c.expected_share,
           (k.competence_in_priorities / nullif(k.competence_total, 0)) / nullif(c.expected_share, 0) AS fit
    FROM cov c
    LEFT JOIN competence k
      ON k.variant = c.variant AND k.nuts_code = c.nuts_code AND k.level = c.level AND k.period = c.period
)
SELECT m.nuts_code, m.period, m.variant,
       round(m.coverage, 4) AS coverage,
       round(m.fit, 4) AS fit,
       CASE WHEN e.not_ranked_reason IS NULL THEN rank() OVER (
           PARTITION BY m.variant, m.level, m.period, e.not_ranked_reason IS NULL
           ORDER BY round(m.coverage, $rank_coverage_decimals) DESC) END AS rank,
       m.level,
       m.n_priority_domains,
       round(m.observed_share, 4) AS observed_share,
       round(m.expected_share, 4) AS expected_share,
       v.description AS variant_description,
       v.in_band,
       e.not_ranked_reason IS NULL AS is_ranked,
       $method_version AS method_version
FROM measured m
JOIN method_variants v ON v.variant = m.variant
JOIN region_rank_eligibility e ON e.nuts_code = m.nuts_code AND e.level = m.level AND e.period = m.period
ORDER BY m.level, m.nuts_code, m.period, v.variant_order;

-- Per reading, level and period: Spearman's rank correlation of its coverage with the default's over the ranked
-- regions (average ranks for ties) and how far coverage moves (in percentage points).
CREATE OR REPLACE TABLE method_sensitivity_summary AS
WITH ranked AS (
    SELECT s.variant, s.nuts_code, s.level, s.period, s.coverage,
           rank() OVER (PARTITION BY s.variant, s.level, s.period ORDER BY s.coverage)
             + (count(*) OVER (PARTITION BY s.variant, s.level, s.period, s.coverage) - 1) / 2.0 AS avg_rank
    FROM method_sensitivity s
    WHERE s.is_ranked AND s.coverage IS NOT NULL
)
SELECT v.variant, r.level, r.period, v.description,
       count(*) AS n_regions,
       round(corr(r.avg_rank, d.avg_rank), 3) AS spearman_rho_vs_default,
       round(100 * avg(abs(r.coverage - d.coverage)), 2) AS mean_abs_change_points,
       round(100 * max(abs(r.coverage - d.coverage)), 2) AS max_abs_change_points,
       round(100 * avg(r.coverage - d.coverage), 2) AS mean_change_points,
       v.in_band,
       $method_version AS method_version
FROM ranked r
JOIN ranked d ON d.variant = 'default' AND d.nuts_code = r.nuts_code AND d.level = r.level AND d.period = r.period
JOIN method_variants v ON v.variant = r.variant
GROUP BY v.variant, r.level, r.period, v.description, v.in_band, v.variant_order
ORDER BY r.level, r.period, v.variant_order;
