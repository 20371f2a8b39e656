-- unaligned_competences: competences of hubs serving a region (hub_service_membership) that match none of the region's applicable
-- priority domains in the period. Only regions with at least one coded priority domain in the period (otherwise
-- every competence would look unaligned for want of priorities).
CREATE OR REPLACE TABLE unaligned_competences AS
WITH regions_with_domains AS (
    SELECT DISTINCT nuts_code, level, period FROM region_priority_domains
)
SELECT
    r.nuts_code,
    r.level,
    r.period,
    m.hub_id,
    l.domain_code,
    l.competence_level AS level_of_competence,
    ar.name AS region_name,
    ar.country_code,
    h.name AS hub_name,
    h.hub_type,
    d.label AS domain_label,
    d.facet AS domain_facet,
    l.source AS competence_source,
    $method_version AS method_version,
    m.basis AS service_basis,
    l.evidence_grade
FROM regions_with_domains r
JOIN alignment_regions ar ON ar.nuts_code = r.nuts_code AND ar.level = r.level AND ar.period = r.period
JOIN hub_service_membership m ON m.nuts_code = r.nuts_code AND m.level = r.level
JOIN hub_domain_levels l ON l.hub_id = m.hub_id
JOIN hubs_deduplicated h ON h.hub_id = m.hub_id
LEFT JOIN domains d ON d.domain_code = l.domain_code
WHERE NOT EXISTS (SELECT 1 FROM region_priority_domains p
                  WHERE p.nuts_code = r.nuts_code AND p.level = r.level AND p.period = r.period
                    AND p.domain_code = l.domain_code)
ORDER BY r.nuts_code, r.period, m.hub_id, l.domain_code;
