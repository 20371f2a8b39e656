"""s3_priority_domains: each S3 priority coded to taxonomy domains, transparently and deterministically
(pipelines/coding.py): keyword rules on title, original title and description (the curated priorities' descriptions
count next to the titles, at lower points; the Czech annex's only when the title finds nothing); for the Czech
regional domains also
their first NACE divisions; a TF-IDF similarity fallback for priorities with no hit; data/taxonomy/
priority_overrides.csv wins. Every link stores its method and evidence; the weights of a priority sum to 1."""
from __future__ import annotations

import pandas as pd

from ..coding import PriorityCoder, coder_for_build
from ..context import BuildContext
from ..errors import InputFileError

# the Czech annex's descriptions are long lists of application fields: read only when the title finds nothing
CZECH_ANNEX = "cz_ris3_domains"


def _warn_idle_overrides(ctx: BuildContext, coder, priorities: dict) -> None:
    """An override that removes a domain the automatic coding no longer gives (or adds one it already gives) is
    stale: say so in the build log, so data/taxonomy/priority_overrides.csv can be tidied."""
    idle = []
    for priority_id, overrides in sorted(coder.overrides.items()):
        _, title, original, description, nace, dataset = priorities[priority_id]
        automatic = {link.domain_code for link in
                     PriorityCoder(coder.keywords, coder.index, coder.nace, {}, coder.facet_of).code(
                         priority_id, title, original, description, nace, dataset != CZECH_ANNEX)}
        for ov in overrides:
            if (ov.action == "remove") != (ov.domain_code in automatic):
                idle.append(f"{priority_id} {ov.action} {ov.domain_code}")
    if idle:
        ctx.log(f"    priority_overrides.csv: {len(idle)} override(s) change nothing: {'; '.join(idle)}")


def run(ctx: BuildContext) -> int:
    con = ctx.con
    coder = coder_for_build(ctx)
    priorities = con.execute("""SELECT priority_id, title, title_original, description, nace_divisions,
                                       source_dataset
                                FROM s3_priorities ORDER BY priority_id""").fetchall()
    unknown = sorted(set(coder.overrides) - {p[0] for p in priorities})
    if unknown:
        raise InputFileError(f"data/taxonomy/priority_overrides.csv: unknown priority_id(s) {', '.join(unknown)}")
    rows = []
    for priority_id, title, original, description, nace, dataset in priorities:
        for link in coder.code(priority_id, title, original, description, nace, dataset != CZECH_ANNEX):
            rows.append((priority_id, link.domain_code, link.method, link.evidence, link.weight))
    _warn_idle_overrides(ctx, coder, {p[0]: p for p in priorities})
    frame = pd.DataFrame(rows, columns=["priority_id", "domain_code", "method", "evidence", "weight"])
    con.register("_links", frame)
    con.execute("""CREATE OR REPLACE TABLE s3_priority_domains AS
        SELECT l.priority_id, l.domain_code, l.method, l.evidence, CAST(l.weight AS DOUBLE) AS weight, d.facet,
               d.family = 'digital_general' AS is_digital_general
        FROM _links l JOIN domains d USING (domain_code) ORDER BY l.priority_id, l.weight DESC, l.domain_code""")
    con.unregister("_links")
    return len(frame)
