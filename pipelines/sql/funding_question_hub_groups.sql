-- funding_question_hub_groups: the working group's question "is Digital Europe money going to hubs specialised in AI,
-- cybersecurity and HPC, and ERDF to hubs serving regional priorities?", answered with the data at hand. One row per
-- group of EU hub organisations (hub_organisations; an organisation with a DEP-funded EDIH record is an EDIH): Digital-Europe-funded EDIHs, Seals of
-- Excellence, other DIHs of the EDIH catalogue, JRC-catalogue DIHs not linked to the EDIH catalogue.
--   share_ai_cyber_hpc        — share with a competence in TECH_AI, TECH_CYBER or TECH_HPC at level >= 3;
--   share_serving_priority    — share with a competence (level >= 2) in a domain of a 2021-2027 S3 priority of a
--                               NUTS 2 region it serves (hub_service_nuts2; address region otherwise);
--   dep_*                     — Digital Europe EU contribution (dep_edih_funding), with the estimated share;
--   erdf_ri_ict_per_capita_*  — mean ERDF 2014-2020 TO01+TO02 planned EUR per inhabitant of the hubs' address NUTS 2
--                               regions (where a regional figure exists): ERDF money is not tied to hubs in any data
--                               found, so this is the money around the hub, not money to it.
CREATE OR REPLACE TABLE funding_question_hub_groups AS
WITH members AS (
    SELECT o.organisation_id, h.hub_id, h.source, h.hub_type, h.is_dep_funded, h.nuts2_code
    FROM hub_organisations o JOIN hubs h ON h.hub_id = o.hub_id
    WHERE coalesce(h.is_eu, false)
), orgs AS (
    -- an organisation counts in the first group any of its records belongs to (a DEP-funded EDIH record wins)
    SELECT organisation_id,
           CASE WHEN bool_or(source = 'edih_2025' AND is_dep_funded) THEN '1 EDIH funded by Digital Europe'
                WHEN bool_or(hub_type = 'Seal of Excellence') THEN '2 Seal of Excellence (no Digital Europe grant)'
                WHEN bool_or(source = 'edih_2025') THEN '3 DIH in the EDIH catalogue (no Digital Europe grant)'
                ELSE '4 DIH in the JRC catalogue 2022 only' END AS hub_group,
           coalesce(max(nuts2_code) FILTER (WHERE hub_id = organisation_id), min(nuts2_code)) AS nuts2_code
    FROM members GROUP BY organisation_id
), specialised AS (
    SELECT DISTINCT m.organisation_id FROM members m JOIN hub_competences c ON c.hub_id = m.hub_id
    WHERE c.domain_code IN ('TECH_AI', 'TECH_CYBER', 'TECH_HPC') AND c.level >= 3
), served AS (
    SELECT m.organisation_id, s.nuts2_code FROM members m JOIN hub_service_nuts2 s ON s.hub_id = m.hub_id
    UNION
    SELECT m.organisation_id, m.nuts2_code FROM members m
    WHERE m.nuts2_code IS NOT NULL AND m.hub_id NOT IN (SELECT hub_id FROM hub_service_nuts2)
), priority_domains AS (
    SELECT DISTINCT a.nuts_code, d.domain_code
    FROM applicable_priorities a JOIN s3_priority_domains d USING (priority_id)
    WHERE a.level = 2 AND a.period = '2021-2027'
), serving AS (
    SELECT DISTINCT s.organisation_id
    FROM served s
    JOIN members m ON m.organisation_id = s.organisation_id
    JOIN hub_competences c ON c.hub_id = m.hub_id AND c.level >= 2
    JOIN priority_domains p ON p.nuts_code = s.nuts2_code AND p.domain_code = c.domain_code
), dep AS (
    SELECT m.organisation_id, sum(d.eu_contribution_eur) AS eu_contribution_eur, bool_or(d.is_estimate) AS is_estimate
    FROM members m JOIN dep_edih_funding d ON d.hub_id = m.hub_id
    WHERE d.eu_contribution_eur IS NOT NULL GROUP BY 1
), erdf AS (
    SELECT e.nuts_code, sum(e.eu_amount_eur) / max(r.population) AS per_capita
    FROM erdf_planned_by_region e JOIN regions r ON r.nuts_code = e.nuts_code
    WHERE e.level = 2 GROUP BY 1
)
SELECT o.hub_group,
       count(*) AS n_hubs,
       count(sp.organisation_id) AS n_ai_cyber_hpc,
       round(count(sp.organisation_id) / count(*), 3) AS share_ai_cyber_hpc,
       count(sv.organisation_id) AS n_serving_priority,
       round(count(sv.organisation_id) / count(*), 3) AS share_serving_priority,
       count(d.eu_contribution_eur) AS dep_n_with_amount,
       sum(d.eu_contribution_eur) AS dep_eu_contribution_eur,
       round(sum(d.eu_contribution_eur) FILTER (WHERE sp.organisation_id IS NOT NULL)
             / nullif(sum(d.eu_contribution_eur), 0), 3) AS dep_share_to_ai_cyber_hpc,
       round(sum(d.eu_contribution_eur) FILTER (WHERE d.is_estimate) / nullif(sum(d.eu_contribution_eur), 0), 3)
           AS dep_estimated_share,
       count(er.per_capita) AS n_with_erdf_region_figure,
       round(avg(er.per_capita), 2) AS erdf_ri_ict_per_capita_2014_2020
FROM orgs o
LEFT JOIN specialised sp ON sp.organisation_id = o.organisation_id
LEFT JOIN serving sv ON sv.organisation_id = o.organisation_id
LEFT JOIN dep d ON d.organisation_id = o.organisation_id
LEFT JOIN erdf er ON er.nuts_code = o.nuts2_code
GROUP BY o.hub_group
ORDER BY o.hub_group;
