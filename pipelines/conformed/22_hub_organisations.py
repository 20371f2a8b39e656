"""hub_organisations: every hub record → the organisation it counts as, so no organisation is counted twice.

The records of one organisation are the connected groups of `hub_links` (EDIH catalogue ↔ JRC catalogue, and
same-catalogue duplicates, see 21_hub_links.py). `organisation_id` is the representative record: the EDIH-catalogue
record of the group if any (the newer catalogue, with the Digital Europe status; the smallest such hub_id when there are
several), else the smallest hub_id. `n_records` = records in the group; `link_evidence` = the links that joined it
('single record' for a hub with no link)."""
from __future__ import annotations

import pandas as pd

from ..context import BuildContext


def organisation_groups(hub_ids: list[str], links: list[tuple[str, str, str]]) -> dict[str, tuple[str, int, str]]:
    """hub_id → (organisation_id, n_records, link_evidence) from (hub_a, hub_b, evidence) links (union-find)."""
    parent = {h: h for h in hub_ids}

    def find(h: str) -> str:
        while parent[h] != h:
            parent[h] = parent[parent[h]]
            h = parent[h]
        return h

    for a, b, _ in links:
        if a in parent and b in parent:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = {}
    for h in hub_ids:
        members.setdefault(find(h), []).append(h)
    evidence: dict[str, list[str]] = {}
    for a, b, ev in sorted(links):
        if a in parent and b in parent:
            evidence.setdefault(find(a), []).append(f"{a} = {b} ({ev})")
    out = {}
    for root, group in members.items():
        edih = sorted(h for h in group if h.startswith("edih:"))
        org = edih[0] if edih else min(group)
        ev = "; ".join(evidence.get(root, [])) or "single record"
        for h in group:
            out[h] = (org, len(group), ev)
    return out


def run(ctx: BuildContext) -> int:
    con = ctx.con
    hub_ids = [r[0] for r in con.execute("SELECT hub_id FROM hubs ORDER BY hub_id").fetchall()]
    links = [(a, b, f"{m}: {e}") for a, b, m, e in con.execute(
        "SELECT edih_hub_id, jrc_hub_id, match_method, match_evidence FROM hub_links").fetchall()]
    has_dups = con.execute("""SELECT count(*) FROM information_schema.tables
                              WHERE table_name = 'hub_duplicates'""").fetchall()[0][0]
    if has_dups:
        links += [(a, b, f"{m}: {e}") for a, b, m, e in con.execute(
            "SELECT hub_id_a, hub_id_b, match_method, match_evidence FROM hub_duplicates").fetchall()]
    groups = organisation_groups(hub_ids, links)
    frame = pd.DataFrame([(h, *groups[h]) for h in hub_ids],
                         columns=["hub_id", "organisation_id", "n_records", "link_evidence"])
    con.register("_orgs", frame)
    con.execute("""CREATE OR REPLACE TABLE hub_organisations AS
                   SELECT hub_id, organisation_id, CAST(n_records AS INTEGER) AS n_records, link_evidence
                   FROM _orgs ORDER BY hub_id""")
    con.unregister("_orgs")
    n_orgs, multi = con.execute("""SELECT count(DISTINCT organisation_id), count(DISTINCT organisation_id)
                                   FILTER (WHERE n_records > 1) FROM hub_organisations""").fetchall()[0]
    ctx.log(f"    hub_organisations: {len(frame)} hub records = {n_orgs} organisations ({multi} with several records)")
    return len(frame)
