"""domains (the taxonomy: sector domains grounded in NACE Rev. 2, technology domains grounded in the EDIH technology
list) and the crosswalks that map source labels to them: taxonomy_label_crosswalk (EDIH technology/sector/service
labels, JRC sector labels) and taxonomy_nace_crosswalk (NACE divisions). All read from data/taxonomy/*.csv, checked:
every domain code a crosswalk or keyword rule names must exist in domains.csv."""
from __future__ import annotations

import pandas as pd

from ..coding import load_taxonomy
from ..context import BuildContext


def run(ctx: BuildContext) -> int:
    tax = load_taxonomy()
    con = ctx.con
    domains = pd.DataFrame(tax["domains"])
    con.register("_domains", domains)
    con.execute("""CREATE OR REPLACE TABLE domains AS
        SELECT domain_code, facet, label, description, family, nullif(nace_codes, '') AS nace_codes
        FROM _domains ORDER BY facet, domain_code""")
    labels = [dict(source="edih_2025", kind=r["kind"], label=r["label"], domain_code=r["domain_code"] or None,
                   note=r["note"] or None) for r in tax["edih"]]
    labels += [dict(source="jrc_2022", kind="sector", label=r["label"], domain_code=r["domain_code"] or None,
                    note=r["note"] or None) for r in tax["jrc"]]
    con.register("_labels", pd.DataFrame(labels))
    con.execute("CREATE OR REPLACE TABLE taxonomy_label_crosswalk AS SELECT * FROM _labels ORDER BY ALL")
    con.register("_nace", pd.DataFrame(tax["nace"]))
    con.execute("""CREATE OR REPLACE TABLE taxonomy_nace_crosswalk AS
        SELECT nace_division, nullif(nace_section, '') AS nace_section, nullif(domain_code, '') AS domain_code,
               nullif(note, '') AS note FROM _nace ORDER BY nace_division""")
    for name in ("_domains", "_labels", "_nace"):
        con.unregister(name)
    return len(domains)
