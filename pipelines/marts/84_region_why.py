"""mart_region_why: per EU region (NUTS 0-2) × period, the "Why this figure" paragraph (pipelines/explain.py) built
from the region's own numbers — its region_alignment row (method 1.0 or 2.0 columns, whichever exist), the covered,
weak and uncovered domains from gaps, and the hubs covering most of its priority domains — and a plain-language
reason for regions without a figure. Read by the profile page and the export's regions sheet (`why_text`)."""
from __future__ import annotations

import pandas as pd

from ..context import BuildContext
from ..errors import PipelineError
from ..explain import HUB_IN_LIST, plain_reason, why_text


def run(ctx: BuildContext) -> int:
    con = ctx.con
    present = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
    missing = [t for t in ("region_alignment", "gaps", "hubs_deduplicated") if t not in present]
    if missing:
        raise PipelineError(f"mart_region_why needs {', '.join(missing)}: no earlier step built it")
    alignment = con.execute("SELECT * FROM region_alignment WHERE level BETWEEN 0 AND 2").df()
    # only the domains that count in coverage (method 2.0 keeps "Digital transformation (general)" out of it), so the
    # covered / weak / missing lists add up to the n_priority_domains the sentence names
    counts = ("coalesce(counts_in_coverage, true)" if "counts_in_coverage" in
              {r[0] for r in con.execute("DESCRIBE gaps").fetchall()} else "true")
    gaps = con.execute(f"""SELECT nuts_code, period, domain_label, status, local_hubs,
                                  coalesce(n_covering_hubs, 0) AS n_covering_hubs
                           FROM gaps WHERE level BETWEEN 0 AND 2 AND {counts}""").df()
    names = dict(con.execute("SELECT hub_id, name FROM hubs_deduplicated").fetchall())
    by_region = {key: group for key, group in gaps.groupby(["nuts_code", "period"])}
    out = []
    for row in alignment.to_dict("records"):
        group = by_region.get((row["nuts_code"], row["period"]))
        covered, weak, uncovered, top_hubs = [], [], [], []
        if group is not None:
            best = group.sort_values("n_covering_hubs", ascending=False).drop_duplicates("domain_label")
            status = group.groupby("domain_label")["status"].agg(
                lambda s: "covered" if (s == "covered").any() else "weak" if (s == "weak").any() else "uncovered")
            covered = [(d, int(n)) for d, n in zip(best.domain_label, best.n_covering_hubs)
                       if status.get(d) == "covered"]
            weak = sorted(d for d, s in status.items() if s == "weak")
            uncovered = sorted(d for d, s in status.items() if s == "uncovered")
            tally: dict[str, int] = {}
            for text in group.loc[group.status == "covered"].drop_duplicates("domain_label").local_hubs.dropna():
                for hub_id, *_ in HUB_IN_LIST.findall(text):
                    tally[hub_id] = tally.get(hub_id, 0) + 1
            top_hubs = [names.get(h, h) for h, _ in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))[:2]]
        reason = row.get("no_score_reason")
        out.append((row["nuts_code"], row["period"], why_text(row, covered, weak, uncovered, top_hubs),
                    None if reason is None or pd.isna(reason) else plain_reason(reason, row["period"])))
    frame = pd.DataFrame(out, columns=["nuts_code", "period", "why_text", "no_data_reason"])
    con.register("_why", frame)
    con.execute("CREATE OR REPLACE TABLE mart_region_why AS SELECT * FROM _why ORDER BY nuts_code, period")
    con.unregister("_why")
    return len(frame)
