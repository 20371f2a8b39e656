"""hub_links and hub_duplicates: records of the same organisation, linked — not merged.

`hub_links`: an EDIH catalogue row and a JRC row (same country) that are the same organisation; `hub_duplicates`: two
rows of the same catalogue that are (CeADAR as DIH and as EDIH). The evidence and the decision rule are in
pipelines/hub_linking.py: equal normalised names or the acronym of the JRC title; known renamings
(data/taxonomy/hub_renamings.csv: "Mittelstand 4.0-Kompetenzzentrum X" → "Mittelstand-Digital Zentrum X"); a website
belonging to one record in each catalogue; the same street address in the same NUTS 3 region with similar names;
near-identical names; the same web domain with similar names. `match_method` lists the evidence ('name',
'renaming', 'website', 'address', 'similar_name', 'domain' joined by '+'), `match_evidence` says it in words,
`confidence` is 'high' or 'medium', `name_similarity` the best difflib ratio of the normalised names.
Then a hub that stayed unplaced takes the placement of its linked partner (`placement_method` = 'linked_hub').
The organisations themselves are `hub_organisations` (step 22)."""
from __future__ import annotations

import pandas as pd

from .. import hub_linking as hl
from .. import paths
from ..context import BuildContext
from ..hub_linking import GENERIC_NAME_WORDS

COLUMNS = ["edih_hub_id", "jrc_hub_id", "match_method", "match_evidence", "confidence", "name_similarity"]


def place_words(con) -> frozenset[str]:
    """Words of NUTS region names and country names: a hub name made only of them names a place, not a hub."""
    from ..placement import place_key
    from ..service_areas import COUNTRY_WORDS
    names = [r[0] for r in con.execute("""SELECT name FROM regions UNION SELECT name_local FROM regions
                                          UNION SELECT name FROM staging.stg_nuts_codes""").fetchall() if r[0]]
    names += [w for ws in COUNTRY_WORDS.values() for w in ws]
    with open(paths.TAXONOMY / "region_name_variants.csv", encoding="utf-8") as f:
        names += [line.split(",")[1] for line in f.read().splitlines()[1:] if "," in line]
    words = {w for n in names for w in place_key(n).split() if len(w) >= 3}
    # one-word names of GeoNames places of the hubs' countries ("vilnius", "bologna")
    words |= {r[0] for r in con.execute("""
        SELECT DISTINCT lower(strip_accents(name)) FROM staging.stg_gazetteer_cities
        WHERE NOT contains(name, ' ') AND length(name) >= 4""").fetchall()}
    return frozenset(words - GENERIC_NAME_WORDS)


def _links(recs: list[hl.Record], same_catalogue: bool = False, places: frozenset[str] = frozenset()) -> pd.DataFrame:
    rows = []
    for a, b, ev in hl.candidate_pairs(recs, same_catalogue, places):
        confidence = hl.decide(ev, same_catalogue)
        if confidence:
            rows.append((a.hub_id, b.hub_id, hl.method_label(ev), "; ".join(ev.kinds.values()), confidence,
                         round(ev.similarity, 3)))
    return pd.DataFrame(sorted(rows), columns=COLUMNS)


def run(ctx: BuildContext) -> int:
    con = ctx.con
    hubs = con.execute("""SELECT hub_id, source, name, title, country_code, website, address, locality, nuts3_code,
                                 nuts2_code FROM hubs ORDER BY hub_id""").df()
    places = place_words(con)
    # the renamings read and the records keyed once, for both passes
    recs = hl.records(hubs, hl.load_renamings(paths.TAXONOMY / "hub_renamings.csv"))
    links = _links(recs, places=places)
    dups = _links(recs, same_catalogue=True, places=places).rename(columns={"edih_hub_id": "hub_id_a", "jrc_hub_id": "hub_id_b"})
    con.register("_links", links)
    con.execute("CREATE OR REPLACE TABLE hub_links AS SELECT * FROM _links ORDER BY edih_hub_id, jrc_hub_id")
    con.unregister("_links")
    con.register("_dups", dups)
    con.execute("CREATE OR REPLACE TABLE hub_duplicates AS SELECT * FROM _dups ORDER BY hub_id_a, hub_id_b")
    con.unregister("_dups")
    # an unplaced hub takes the placement of a placed partner (the partner with the most precise method first)
    adopted = con.execute("""
        WITH pairs AS (
            SELECT edih_hub_id AS hub_id, jrc_hub_id AS partner_id, match_method FROM hub_links
            UNION ALL SELECT jrc_hub_id, edih_hub_id, match_method FROM hub_links),
        best AS (
            SELECT p.hub_id, arg_min(q.hub_id, CASE q.placement_confidence WHEN 'high' THEN 1 WHEN 'medium' THEN 2
                                                    ELSE 3 END) AS partner_id
            FROM pairs p JOIN hubs h ON h.hub_id = p.hub_id AND h.nuts2_code IS NULL
            JOIN hubs q ON q.hub_id = p.partner_id AND q.nuts2_code IS NOT NULL
            GROUP BY p.hub_id)
        UPDATE hubs SET nuts3_code = q.nuts3_code, nuts2_code = q.nuts2_code, nuts1_code = q.nuts1_code,
               lon = q.lon, lat = q.lat, coord_source = 'linked hub ' || q.hub_id,
               placement_method = 'linked_hub', placement_confidence = 'low',
               placement_evidence = 'same hub as ' || q.hub_id || ' (' || l.match_method || '), placed by '
                                    || q.placement_method || ': ' || q.placement_evidence
        FROM best b JOIN hubs q ON q.hub_id = b.partner_id
        JOIN hub_links l ON (l.edih_hub_id = b.hub_id AND l.jrc_hub_id = q.hub_id)
                         OR (l.jrc_hub_id = b.hub_id AND l.edih_hub_id = q.hub_id)
        WHERE hubs.hub_id = b.hub_id""").fetchall()
    con.execute("DELETE FROM hubs_unplaced WHERE hub_id IN (SELECT hub_id FROM hubs WHERE nuts2_code IS NOT NULL)")
    n, placed = con.execute("""SELECT count(*), count(nuts2_code) FROM hubs
                               WHERE source = 'edih_2025' AND is_eu""").fetchall()[0]
    ctx.log(f"    hub_links: {len(links)} links ({(links.confidence == 'high').sum()} high), {len(dups)} same-catalogue "
            f"duplicates; {adopted[0][0] if adopted else 0} unplaced hubs placed by their link; EU-27 EDIH catalogue "
            f"rows placed at NUTS 2: {placed} of {n} ({placed / max(n, 1):.1%})")
    return len(links)
