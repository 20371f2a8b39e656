"""Data-quality report section: how the S3 priorities were coded to taxonomy domains (coding rate against the 95 %
target, methods, precision and recall against the hand-checked sample in tests/fixtures/priority_coding_sample.csv,
the uncoded priorities), where hub competences come from, and how many EU regions have an applicable strategy."""
from __future__ import annotations

import duckdb

from . import markdown_table as _table
from . import table_exists as _exists

from .. import paths
from ..coding import precision_recall, read_coding_sample

TARGET_CODED = 0.95
SAMPLE = paths.ROOT / "tests" / "fixtures" / "priority_coding_sample.csv"


def coding_rate(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(priorities, priorities coded to at least one domain)."""
    return tuple(con.execute("""SELECT count(*), count(*) FILTER (WHERE priority_id IN
                                    (SELECT priority_id FROM s3_priority_domains)) FROM s3_priorities""").fetchall()[0])


def sample_scores(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, float]]:
    """Precision/recall per sample part ('tuning', 'holdout', 'all')."""
    coded: dict[str, set[str]] = {}
    for pid, domain in con.execute("SELECT priority_id, domain_code FROM s3_priority_domains").fetchall():
        coded.setdefault(pid, set()).add(domain)
    sample = read_coding_sample(SAMPLE)
    parts = {"all": sample, **{p: [r for r in sample if r["sample"] == p]
                               for p in ("tuning", "holdout", "round2", "holdout3")}}
    return {name: precision_recall({r["priority_id"]: r["expected"] for r in rows}, coded)
            for name, rows in parts.items() if rows}


def section(con: duckdb.DuckDBPyConnection) -> str:
    if not _exists(con, "s3_priority_domains"):
        return "## S3 priority coding\n\nThe `s3_priority_domains` table is not built."
    n, coded = coding_rate(con)
    rate = coded / n if n else 0.0
    lines = ["## S3 priority coding", "",
             f"Priorities coded to at least one domain: **{coded} of {n} ({rate:.1%})** — target "
             f"{TARGET_CODED:.0%}: {'met' if rate >= TARGET_CODED else '**not met**'}. Method: docs/taxonomy.md.", ""]
    rows = con.execute("""SELECT source_dataset, count(*),
                                 count(*) FILTER (WHERE priority_id IN (SELECT priority_id FROM s3_priority_domains))
                          FROM s3_priorities GROUP BY 1 ORDER BY 1""").fetchall()
    lines += _table(["dataset", "priorities", "coded"], rows) + ["", "### Links per method", ""]
    rows = con.execute("""SELECT method, count(*), count(DISTINCT priority_id) FROM s3_priority_domains
                          GROUP BY 1 ORDER BY 2 DESC""").fetchall()
    lines += _table(["method", "links", "priorities"], rows)
    lines += ["", "### Precision and recall against the hand-checked sample", "",
              f"`{SAMPLE.relative_to(paths.ROOT)}`: real priorities whose domains were judged by reading them. "
              "The 'tuning' part was looked at while the keyword rules were refined (optimistic); the 'holdout' "
              "part was judged afterwards and not used to tune the rules; 'round2' (65 priorities, many with "
              "descriptions) was judged before the description and overlap rules of December 2026 were written "
              "and then used to check them; 'holdout3' (32) was judged after those rules and never used to tune "
              "them (docs/taxonomy.md has the before/after figures).", ""]
    scores = sample_scores(con) if SAMPLE.exists() else {}
    if not scores:
        lines += [f"(sample file {SAMPLE} not found: precision and recall not measured)"]
    lines += _table(["sample", "priorities", "precision", "recall", "true pos.", "false pos.", "false neg."],
                    [(name, s["priorities"], f"{s['precision']:.1%}", f"{s['recall']:.1%}", s["true_positives"],
                      s["false_positives"], s["false_negatives"]) for name, s in scores.items()])
    uncoded = con.execute("""SELECT priority_id, title, coalesce(title_original, '') FROM s3_priorities
                             WHERE priority_id NOT IN (SELECT priority_id FROM s3_priority_domains)
                             ORDER BY priority_id""").fetchall()
    lines += ["", f"### Uncoded priorities ({len(uncoded)})", ""]
    lines += [f"- `{pid}` {title}" + (f" ({orig})" if orig and orig != title else "") for pid, title, orig in uncoded]
    if _exists(con, "hub_competences"):
        lines += ["", "### Hub competences by source", ""]
        rows = con.execute("""
            SELECT h.source AS catalogue, c.source, count(DISTINCT c.hub_id), count(*), round(avg(c.level), 2)
            FROM hub_competences c JOIN hubs h USING (hub_id) GROUP BY ALL ORDER BY 1, 2""").fetchall()
        lines += _table(["catalogue", "competence source", "hubs", "hub × domain rows", "mean level"], rows)
        rows = con.execute("""
            SELECT h.source, count(*), count(*) FILTER (WHERE h.hub_id IN (SELECT hub_id FROM hub_competences)),
                   count(*) FILTER (WHERE coalesce(trim(h.description), '') = '')
            FROM hubs h GROUP BY 1 ORDER BY 1""").fetchall()
        lines += ["", *_table(["catalogue", "hubs", "with competences", "without description"], rows),
                  "", "Levels: EDIH tags keep their declared 1-5; JRC sectors count 3; competences inferred from "
                  "descriptions count 2 (two or more matched terms) or 1 (one term, or similarity only)."]
    if _exists(con, "applicable_priorities"):
        rows = con.execute("""SELECT relation, count(*), count(DISTINCT nuts_code) FROM applicable_priorities
                              GROUP BY 1 ORDER BY 2 DESC""").fetchall()
        lines += ["", "### Applicable strategies", ""] + _table(["relation", "region × priority rows", "regions"], rows)
        gaps = con.execute("SELECT nuts_code, level, name, reason FROM applicability_gaps ORDER BY level, nuts_code"
                           ).fetchall()
        lines += ["", f"EU NUTS 0-2 regions with no applicable strategy: **{len(gaps)}**", ""]
        lines += [f"- `{code}` (NUTS {level}) {name}: {reason[:300]}" for code, level, name, reason in gaps]
    if _exists(con, "region_s3_basis"):
        lines += ["", "### What each region is scored on (region_s3_basis)", "",
                  "basis: 'own' = a list found for the period (the region's, a containing or contained region's, a "
                  "joint one, or the national one where regions have no strategies of their own); fallbacks: "
                  "'carried_forward_2014_2020', 'national_fallback'; 'none' = not scored. Low-confidence share: "
                  "the part of the regions' priority weight resting on rows of confidence 'low' (method relation "
                  "weights; 'equal' = every priority weighing 1).", ""]
        rows = con.execute("""
            SELECT period, level, basis, count(*),
                   round(100 * sum(low_confidence_weight_share * n_priorities) / nullif(sum(n_priorities), 0), 1),
                   count(*) FILTER (WHERE digital_priority = 'yes')
            FROM region_s3_basis GROUP BY ALL ORDER BY period DESC, level, basis""").fetchall()
        lines += _table(["period", "NUTS level", "basis", "regions", "low-confidence weight % (mean)",
                         "with a digital priority"], rows)
        overall = con.execute("""
            SELECT round(100 * sum(low_confidence_weight_share * n_priorities) / sum(n_priorities), 1),
                   round(100 * sum(low_confidence_weight_share_equal * n_priorities) / sum(n_priorities), 1)
            FROM region_s3_basis WHERE level = 2 AND period = '2021-2027' AND basis <> 'none'""").fetchall()[0]
        lines += ["", f"EU NUTS 2, 2021-2027: low-confidence share of the priority weight **{overall[0]} %** "
                      f"(every priority weighing 1: {overall[1]} %)."]
    if _exists(con, "s3_strategy_coverage"):
        rows = con.execute("""SELECT coalesce(period, 'unknown'), status, count(*), sum(n_priorities),
                                     count(*) FILTER (WHERE confidence = 'low')
                              FROM s3_strategy_coverage GROUP BY ALL ORDER BY 1 DESC, 2""").fetchall()
        lines += ["", "### Strategies looked for (s3_strategy_coverage)", ""]
        lines += _table(["period", "status", "strategies", "priorities", "mostly low confidence"], rows)
    return "\n".join(lines)
