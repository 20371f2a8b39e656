"""hub_links: the same hub in the EDIH catalogue (2025) and the JRC catalogue (2022), linked — not merged.

A pair is linked when both are in the same country and
- `name`: the normalised EDIH name or title equals the normalised JRC title (accents, case, punctuation and the words
  "(European) Digital Innovation Hub", "DIH", "EDIH" ignored), or the EDIH name equals the acronym in brackets at the
  end of the JRC title ("… (DIGIT)");
- `website`: both point to the same site (host without "www." plus the first path segment) and that site belongs to
  one hub only in each catalogue (so an institute's site shared by several of its hubs links nothing by itself);
- `name+website`: both.
Then a hub that stayed unplaced takes the placement of its linked partner (`placement_method` = 'linked_hub').
"""
from __future__ import annotations

import pandas as pd

from .. import placement as pl
from ..context import BuildContext


def _links(hubs: pd.DataFrame) -> pd.DataFrame:
    hubs = hubs.assign(name_key=hubs.name.map(pl.hub_name_key), title_key=hubs.title.map(pl.hub_name_key),
                       site=hubs.website.map(pl.website_key),
                       acronym=hubs.title.map(pl.acronym_in_brackets))
    edih, jrc = hubs[hubs.source == "edih_2025"], hubs[hubs.source == "jrc_2022"]
    found: dict[tuple[str, str], dict[str, str]] = {}

    def add(frame: pd.DataFrame, method: str, evidence) -> None:
        for r in frame.itertuples():
            entry = found.setdefault((r.hub_id_e, r.hub_id_j), {})
            entry.setdefault(method, evidence(r))

    jrc_titles = jrc[jrc.title_key != ""][["hub_id", "country_code", "title_key"]]
    for e_col in ("name_key", "title_key"):
        left = edih[edih[e_col] != ""][["hub_id", "country_code", e_col]].rename(columns={e_col: "key"})
        m = left.merge(jrc_titles.rename(columns={"title_key": "key"}), on=["country_code", "key"],
                       suffixes=("_e", "_j"))
        add(m, "name", lambda r: f"same normalised name '{r.key}'")
    m = edih.assign(acr=edih.name.map(pl.place_key)).merge(
        jrc.dropna(subset=["acronym"]), left_on=["country_code", "acr"], right_on=["country_code", "acronym"],
        suffixes=("_e", "_j"))
    add(m, "name", lambda r: f"EDIH name '{r.name_e}' = acronym in the JRC title '{r.title_j}'")
    unique_e = edih.site.dropna().drop_duplicates(keep=False)
    unique_j = jrc.site.dropna().drop_duplicates(keep=False)
    m = edih[edih.site.isin(unique_e)].merge(jrc[jrc.site.isin(unique_j)], on=["country_code", "site"],
                                             suffixes=("_e", "_j"))
    add(m, "website", lambda r: f"same website {r.site}")
    m = edih.dropna(subset=["site"]).merge(jrc.dropna(subset=["site"]), on=["country_code", "site"],
                                           suffixes=("_e", "_j"))
    named = {k for k, v in found.items() if "name" in v}
    add(m[[(a, b) in named for a, b in zip(m.hub_id_e, m.hub_id_j)]], "website", lambda r: f"same website {r.site}")
    rows = []
    for (e, j), methods in sorted(found.items()):
        method = "name+website" if len(methods) == 2 else next(iter(methods))
        rows.append((e, j, method, "; ".join(methods.values())))
    return pd.DataFrame(rows, columns=["edih_hub_id", "jrc_hub_id", "match_method", "match_evidence"])


def run(ctx: BuildContext) -> int:
    con = ctx.con
    hubs = con.execute("SELECT hub_id, source, name, title, country_code, website FROM hubs").df()
    links = _links(hubs)
    con.register("_links", links)
    con.execute("CREATE OR REPLACE TABLE hub_links AS SELECT * FROM _links ORDER BY edih_hub_id, jrc_hub_id")
    con.unregister("_links")
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
    ctx.log(f"    hub_links: {len(links)} links; {adopted[0][0] if adopted else 0} unplaced hubs placed by their "
            f"link; EU-27 EDIH catalogue rows placed at NUTS 2: {placed} of {n} ({placed / max(n, 1):.1%})")
    return len(links)
