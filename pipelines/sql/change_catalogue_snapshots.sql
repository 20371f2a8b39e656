-- change_catalogue_snapshots: what changed in the EDIH Network catalogue between its two latest snapshots in
-- staging.stg_edih_catalogue_snapshots (a hub is its name, country and type: a Seal of Excellence that became an EDIH
-- shows as one record gone and one appeared). Empty while only one snapshot is listed in data/sources.yml.
CREATE OR REPLACE TABLE change_catalogue_snapshots AS
WITH snaps AS (
    SELECT snapshot, row_number() OVER (ORDER BY snapshot DESC) AS recency
    FROM (SELECT DISTINCT snapshot FROM staging.stg_edih_catalogue_snapshots)
), cur AS (
    SELECT s.* FROM staging.stg_edih_catalogue_snapshots s JOIN snaps USING (snapshot) WHERE recency = 1
), prev AS (
    SELECT s.* FROM staging.stg_edih_catalogue_snapshots s JOIN snaps USING (snapshot) WHERE recency = 2
), joined AS (
    SELECT (SELECT snapshot FROM snaps WHERE recency = 2) AS previous_snapshot,
           (SELECT snapshot FROM snaps WHERE recency = 1) AS current_snapshot,
           coalesce(c.edih_name, p.edih_name) AS edih_name, coalesce(c.country_code, p.country_code) AS country_code,
           coalesce(c.hub_type, p.hub_type) AS hub_type,
           CASE WHEN p.edih_name IS NULL THEN 'appeared' WHEN c.edih_name IS NULL THEN 'disappeared'
                WHEN c.edih_title IS DISTINCT FROM p.edih_title OR c.website IS DISTINCT FROM p.website
                  OR c.technologies_formatted IS DISTINCT FROM p.technologies_formatted
                  OR c.sectors_formatted IS DISTINCT FROM p.sectors_formatted
                  OR c.services_formatted IS DISTINCT FROM p.services_formatted THEN 'changed'
                ELSE 'unchanged' END AS change,
           concat_ws(', ',
               CASE WHEN c.edih_title IS DISTINCT FROM p.edih_title THEN 'title' END,
               CASE WHEN c.website IS DISTINCT FROM p.website THEN 'website' END,
               CASE WHEN c.technologies_formatted IS DISTINCT FROM p.technologies_formatted THEN 'technologies' END,
               CASE WHEN c.sectors_formatted IS DISTINCT FROM p.sectors_formatted THEN 'sectors' END,
               CASE WHEN c.services_formatted IS DISTINCT FROM p.services_formatted THEN 'services' END)
               AS changed_fields,
           p.edih_title AS previous_title, c.edih_title AS current_title,
           p.technologies_formatted AS previous_technologies, c.technologies_formatted AS current_technologies
    FROM cur c FULL OUTER JOIN prev p
      ON p.edih_name = c.edih_name AND p.country_code = c.country_code AND p.hub_type = c.hub_type
)
SELECT j.previous_snapshot, j.current_snapshot, j.edih_name, j.country_code, j.hub_type, j.change,
       CASE WHEN j.change = 'changed' THEN j.changed_fields END AS changed_fields,
       j.previous_title, j.current_title, j.previous_technologies, j.current_technologies,
       $method_version AS method_version
FROM joined j
WHERE j.previous_snapshot IS NOT NULL AND j.change <> 'unchanged'
ORDER BY j.country_code, j.change, j.edih_name;
