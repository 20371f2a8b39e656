-- partner_suggestions: for each region × priority domain that no serving hub covers — 'fill' when no serving hub has
-- the domain (uncovered), 'strengthen' when the serving hubs have it only at level 1-2 (weak) — the best hubs that do
-- not serve the region and have the domain at level >= $partner_min_level.
--
-- Who: hubs in the EU, and hubs of Digital Europe associated countries (flagged is_associated_country). Others
-- (United Kingdom, Switzerland, …) are never suggested. "Digital transformation (general)" gets no suggestions.
-- Where (rule): within $partner_max_distance_km km of the region's label point, or located in a region bordering it,
-- or serving a region bordering it. Only when no hub meets the rule for a region × domain: the hubs of the
-- same country ('fallback: same country'), and when there are none, those of the EU ('fallback: EU').
-- Score (max 100), every component a column and spelt out in `reasons`:
--   $points_per_level × level                                      (level 5 → 40)
-- + $declared_points if that level is the hub's own declaration (evidence grade 'declared')
-- + $proximity_points × (1 − distance_km / $partner_max_distance_km), 0 beyond   (0 km → 30, 250 km → 15)
-- + $same_country_points if the hub is in the region's country
-- + $neighbour_points if the hub lies in or serves a region (same NUTS level) bordering the region
-- + $dep_funded_points if the hub is a Digital Europe-funded EDIH
-- Hubs whose level rests on a JRC 2022 sector list only (evidence grade 'listed'), by $partner_listed_rule:
-- 'no_alternative' — kept only when no hub with a declared or inferred level meets the same rule tier; 'last' — ranked
-- after those hubs; 'as_others' — no difference.
-- Ranked by rule tier (the rule before the fallbacks), then (for 'last') listed after the others, then score,
-- distance, hub_id; the top $partner_top_n kept.
CREATE OR REPLACE TABLE partner_suggestions_ranked AS
WITH targets AS (
    SELECT s.nuts_code, s.level, s.domain_code, s.status, s.best_local_level
    FROM region_domain_status s
    WHERE s.status IN ('uncovered', 'weak') AND s.domain_code <> $digital_general_domain
), candidates AS (
    SELECT
        t.nuts_code, t.level, t.domain_code,
        CASE WHEN t.status = 'weak' THEN 'strengthen' ELSE 'fill' END AS suggestion_type,
        l.hub_id,
        l.competence_level,
        l.evidence_grade,
        d.distance_km,
        d.same_country,
        d.neighbour,
        d.serves_neighbour,
        NOT d.same_country AS cross_border,
        h.is_dep_funded AND h.hub_type = 'EDIH' AS dep_funded_edih,
        h.is_associated_country,
        d.distance_km <= $partner_max_distance_km AS within_distance,
        CASE WHEN d.distance_km <= $partner_max_distance_km OR d.neighbour OR d.serves_neighbour THEN 1
             WHEN d.same_country THEN 2
             WHEN h.is_eu_country THEN 3 END AS rule_tier
    FROM targets t
    JOIN hub_domain_levels l ON l.domain_code = t.domain_code AND l.competence_level >= $partner_min_level
    JOIN region_hub_distances d ON d.nuts_code = t.nuts_code AND d.level = t.level AND d.hub_id = l.hub_id
    JOIN hubs_deduplicated h ON h.hub_id = l.hub_id
    WHERE NOT d.serves_region AND (h.is_eu_country OR h.is_associated_country)
), eligible AS (
    -- a fallback tier is used only when no hub of a better tier exists for the region × domain
    SELECT * FROM candidates
    WHERE rule_tier IS NOT NULL
    QUALIFY rule_tier = min(rule_tier) OVER (PARTITION BY nuts_code, level, domain_code)
), evidence_filtered AS (
    -- a level from a JRC sector list only where no declared or inferred level meets the same rule tier
    SELECT * FROM eligible
    QUALIFY NOT ($partner_listed_rule = 'no_alternative' AND evidence_grade = 'listed'
                 AND count(*) FILTER (WHERE evidence_grade <> 'listed')
                         OVER (PARTITION BY nuts_code, level, domain_code) > 0)
), scored AS (
    SELECT *,
        $points_per_level * competence_level AS points_level,
        CASE WHEN evidence_grade = 'declared' THEN $declared_points ELSE 0 END AS points_evidence,
        $proximity_points * greatest(0, 1 - distance_km / $partner_max_distance_km) AS points_proximity,
        CASE WHEN same_country THEN $same_country_points ELSE 0 END AS points_same_country,
        CASE WHEN neighbour OR serves_neighbour THEN $neighbour_points ELSE 0 END AS points_neighbour,
        CASE WHEN dep_funded_edih THEN $dep_funded_points ELSE 0 END AS points_dep_funded
    FROM evidence_filtered
), totals AS (
    SELECT *, points_level + points_evidence + points_proximity + points_same_country + points_neighbour
              + points_dep_funded AS score
    FROM scored
), best AS (
    SELECT arg_min(totals, {'listed_last': CASE WHEN $partner_listed_rule = 'last' AND evidence_grade = 'listed' THEN 1 ELSE 0 END,
                            'neg_score': -score, 'distance_km': distance_km, 'hub_id': hub_id},
                   $partner_top_n) AS top
    FROM totals
    GROUP BY nuts_code, level, domain_code
), ranked AS (
    SELECT UNNEST(top) AS s, generate_subscripts(top, 1) AS rank FROM best
)
SELECT s.*, rank FROM ranked;

CREATE OR REPLACE TABLE partner_suggestions AS
WITH period_targets AS (
    SELECT DISTINCT nuts_code, level, period, domain_code FROM region_priority_domains
)
SELECT
    p.nuts_code,
    p.level,
    pt.period,
    p.domain_code,
    p.rank,
    p.hub_id,
    round(p.score, 2) AS score,
    concat_ws('; ',
        'level ' || p.competence_level || ' in ' || coalesce(dm.label, p.domain_code)
            || CASE WHEN p.evidence_grade = 'declared'
                    THEN ', declared by the hub (+' || printf('%g', p.points_level) || ' +'
                         || printf('%g', p.points_evidence) || ')'
                    ELSE ', ' || p.evidence_grade || ' (+' || printf('%g', p.points_level) || ')' END,
        CAST(round(p.distance_km) AS BIGINT) || ' km away (+' || printf('%.1f', p.points_proximity) || ')',
        CASE WHEN p.same_country THEN 'same country (+' || printf('%g', p.points_same_country) || ')' END,
        CASE WHEN p.neighbour AND p.cross_border
                 THEN 'neighbouring region across the border (+' || printf('%g', p.points_neighbour) || ')'
             WHEN p.neighbour THEN 'neighbouring region (+' || printf('%g', p.points_neighbour) || ')'
             WHEN p.serves_neighbour THEN 'serves a neighbouring region (+' || printf('%g', p.points_neighbour) || ')' END,
        CASE WHEN p.dep_funded_edih THEN 'Digital Europe-funded EDIH'
                 || coalesce(', EU contribution EUR ' || printf('%.1f', f.eu_contribution_eur / 1e6) || ' m'
                             || CASE WHEN f.is_estimate THEN ' (estimate)' ELSE '' END, '')
                 || ' (+' || printf('%g', p.points_dep_funded) || ')' END,
        CASE WHEN $partner_listed_rule = 'no_alternative' AND p.evidence_grade = 'listed'
             THEN 'level from a JRC 2022 sector list only: no hub with a declared or inferred level meets the rule'
             WHEN $partner_listed_rule = 'last' AND p.evidence_grade = 'listed'
             THEN 'level from a JRC 2022 sector list only: after hubs with a declared or inferred level' END,
        CASE WHEN p.is_associated_country THEN 'hub in a Digital Europe associated country (' || h.country_code || ')' END,
        CASE p.rule_tier WHEN 2 THEN 'no hub within ' || CAST($partner_max_distance_km AS BIGINT)
                                     || ' km or next door: best in the country'
                         WHEN 3 THEN 'no hub within ' || CAST($partner_max_distance_km AS BIGINT)
                                     || ' km, next door or in the country: best in the EU' END,
        '= ' || printf('%.1f', p.score)) AS reasons,
    ar.name AS region_name,
    dm.label AS domain_label,
    h.name AS hub_name,
    h.hub_type,
    h.website AS hub_website,
    h.country_code AS hub_country_code,
    h.nuts2_code AS hub_nuts2_code,
    p.competence_level,
    round(p.distance_km, 1) AS distance_km,
    p.same_country,
    p.neighbour,
    p.dep_funded_edih,
    $method_version AS method_version,
    p.suggestion_type,
    CASE p.rule_tier WHEN 1 THEN CASE WHEN p.within_distance THEN 'within ' || CAST($partner_max_distance_km AS BIGINT) || ' km'
                                      WHEN p.neighbour THEN 'neighbouring region'
                                      ELSE 'serves a neighbouring region' END
                     WHEN 2 THEN 'fallback: same country'
                     WHEN 3 THEN 'fallback: EU' END AS rule,
    p.rule_tier = 1 AS meets_distance_rule,
    p.evidence_grade,
    p.serves_neighbour,
    p.is_associated_country,
    h.is_eu_country AS hub_in_eu,
    p.points_level, p.points_evidence, round(p.points_proximity, 2) AS points_proximity, p.points_same_country,
    p.points_neighbour, p.points_dep_funded,
    f.eu_contribution_eur AS dep_eu_contribution_eur,
    f.is_estimate AS dep_eu_contribution_is_estimate
FROM partner_suggestions_ranked p
JOIN period_targets pt ON pt.nuts_code = p.nuts_code AND pt.level = p.level AND pt.domain_code = p.domain_code
JOIN hubs_deduplicated h ON h.hub_id = p.hub_id
JOIN alignment_regions ar ON ar.nuts_code = p.nuts_code AND ar.level = p.level AND ar.period = pt.period
LEFT JOIN domains dm ON dm.domain_code = p.domain_code
-- the EDIH's Digital Europe EU contribution (funding branch's dep_edih_funding) where the input has it
LEFT JOIN m2_dep_edih_funding f ON f.hub_id = p.hub_id AND p.dep_funded_edih
ORDER BY p.nuts_code, pt.period, p.domain_code, p.rank;

DROP TABLE partner_suggestions_ranked;
