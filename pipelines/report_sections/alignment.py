"""Data-quality report section on the alignment marts (atlas-method-2.0): the method's targets measured on the
warehouse (rank correlation of every headline figure with the number of priority domains and strategies, zero-coverage
ranked regions with their reasons, partner-rule counts, sensitivity of the ranking), rows and unranked regions per
mart, and the best and least covered regions. The published-figure comparison is in published_figures.py."""
from __future__ import annotations

import duckdb
import pandas as pd

from .. import method
from . import markdown_table

PERIOD = "2021-2027"
FIGURES = ("coverage_all", "coverage_declared", "coverage_low", "coverage_high", "fit", "alignment_score")
MAX_RHO = 0.15  # target: no headline or composite figure with |Spearman ρ| above this against the number of domains
MAX_ZERO_COVERAGE = 10  # target: at most this many ranked EU NUTS 2 regions with coverage 0


def _table(headers: list[str], rows) -> list[str]:
    return markdown_table(headers, rows, float_format=",.2f")


def spearman(a: pd.Series, b: pd.Series) -> float | None:
    """Spearman's ρ: the Pearson correlation of the average ranks (no scipy needed)."""
    both = pd.concat([a, b], axis=1).dropna()
    if len(both) < 3:
        return None
    ra, rb = both.iloc[:, 0].rank(), both.iloc[:, 1].rank()
    if ra.std() == 0 or rb.std() == 0:
        return None
    return float(ra.corr(rb))


def ranked_nuts2(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("""SELECT * FROM region_alignment WHERE level = 2 AND period = ? AND is_ranked""",
                       [PERIOD]).df()


def correlation_rows(frame: pd.DataFrame) -> list[tuple]:
    """(figure, ρ against n_priority_domains, ρ against n_strategies, within target) for every headline figure."""
    out = []
    for figure in FIGURES:
        rho_d = spearman(frame[figure], frame["n_priority_domains"])
        rho_s = spearman(frame[figure], frame["n_strategies"])
        ok = rho_d is not None and abs(rho_d) <= MAX_RHO
        out.append((figure, None if rho_d is None else round(rho_d, 3), None if rho_s is None else round(rho_s, 3),
                    "yes" if ok else "NO"))
    return out


def domain_mix_rho(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> float | None:
    """Spearman ρ against the number of priority domains of the coverage a region would get from its domain mix
    alone: the weighted mean, over its priority domains, of the share of ranked regions that have each domain
    covered. A formula that rewarded many domains would show up here; a positive ρ of coverage_all next to a
    negative one here means the hubs, not the formula, make many-domain regions better covered."""
    mix = con.execute("""
        WITH d AS (
            SELECT w.nuts_code, w.domain_code, w.weight, s.status = 'covered' AS covered
            FROM region_priority_weights_by_variant w
            JOIN region_domain_status s USING (nuts_code, level, domain_code)
            JOIN region_alignment a ON a.nuts_code = w.nuts_code AND a.period = w.period AND a.is_ranked
            WHERE w.variant = 'default' AND w.level = 2 AND w.period = ?
        ), rate AS (SELECT domain_code, avg(covered::INTEGER) AS rate FROM d GROUP BY 1)
        SELECT d.nuts_code, sum(d.weight * r.rate) / sum(d.weight) AS expected
        FROM d JOIN rate r USING (domain_code) GROUP BY 1""", [PERIOD]).df()
    merged = frame.merge(mix, on="nuts_code")
    return spearman(merged["expected"], merged["n_priority_domains"])


def country_influence(frame: pd.DataFrame, figure: str = "coverage_all", n: int = 3) -> list[tuple]:
    """(countries left out, regions left, ρ of `figure` against n_priority_domains): leaving out, one after the other,
    the country whose removal lowers |ρ| most — which countries carry the correlation."""
    out, left, dropped = [], frame, []
    for _ in range(n):
        best = None
        for country in sorted(left.country_code.unique()):
            part = left[left.country_code != country]
            rho = spearman(part[figure], part["n_priority_domains"])
            if rho is not None and (best is None or abs(rho) < abs(best[1])):
                best = (country, rho)
        if best is None:
            break
        dropped.append(best[0])
        left = left[left.country_code != best[0]]
        out.append((", ".join(dropped), len(left), round(best[1], 3)))
    return out


def by_bins(frame: pd.DataFrame, column: str, bins: list[int], labels: list[str]) -> list[tuple]:
    groups = pd.cut(frame[column], bins=bins, labels=labels)
    out = []
    for label, part in frame.groupby(groups, observed=True):
        out.append((label, len(part), round(100 * part.coverage_all.median(), 1),
                    round(part.fit.median(), 2) if part.fit.notna().any() else None))
    return out


def partner_targets(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The partner-rule targets on EU NUTS 2 regions, period 2021-2027."""
    one = lambda sql: con.execute(sql, [PERIOD]).fetchone()[0]  # noqa: E731
    return {
        "suggestions": one("SELECT count(*) FROM partner_suggestions WHERE level = 2 AND period = ?"),
        "outside EU and associated countries": one("""SELECT count(*) FROM partner_suggestions
            WHERE level = 2 AND period = ? AND NOT hub_in_eu AND NOT is_associated_country"""),
        "in associated countries (flagged)": one("""SELECT count(*) FROM partner_suggestions
            WHERE level = 2 AND period = ? AND is_associated_country"""),
        "beyond the distance rule without a border or served-area reason": one(f"""SELECT count(*)
            FROM partner_suggestions WHERE level = 2 AND period = ? AND distance_km > {float(method.PARTNER_MAX_DISTANCE_KM)}
            AND NOT neighbour AND NOT serves_neighbour AND meets_distance_rule"""),
        "fallback suggestions (no hub met the rule; flagged in `rule`)": one("""SELECT count(*)
            FROM partner_suggestions WHERE level = 2 AND period = ? AND NOT meets_distance_rule"""),
        "gap or weak domains with a covering EU hub but no suggestion": one("""SELECT count(*)
            FROM (SELECT DISTINCT nuts_code, domain_code FROM gaps
                  WHERE level = 2 AND period = ? AND status IN ('uncovered', 'weak') AND counts_in_coverage) g
            WHERE EXISTS (SELECT 1 FROM hub_domain_levels l JOIN hubs_deduplicated h USING (hub_id)
                          WHERE h.is_eu_country AND l.domain_code = g.domain_code
                            AND l.competence_level >= (SELECT max(value::INTEGER) FROM method_parameters
                                                       WHERE name = 'partner_min_level'))
              AND NOT EXISTS (SELECT 1 FROM partner_suggestions p WHERE p.level = 2 AND p.nuts_code = g.nuts_code
                                AND p.domain_code = g.domain_code)"""),
        "strengthen suggestions (weak domains)": one("""SELECT count(*) FROM partner_suggestions
            WHERE level = 2 AND period = ? AND suggestion_type = 'strengthen'"""),
    }


NEEDED = ("region_alignment", "gaps", "unaligned_competences", "partner_suggestions", "policy_alignment",
          "alignment_regions", "method_sensitivity_summary", "hub_domain_levels", "hubs_deduplicated")


def section(con: duckdb.DuckDBPyConnection) -> str:
    lines = [f"## Alignment analytics ({method.METHOD_VERSION})", ""]
    present = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
    absent = [t for t in NEEDED if t not in present]
    if absent:
        return "\n".join(lines + [f"The alignment marts are not in this warehouse (missing: {', '.join(absent)})."]) + "\n"
    n2, ranked_n, located, serving = con.execute("""
        SELECT count(*), count(*) FILTER (WHERE is_ranked), count(*) FILTER (WHERE n_edih_located > 0),
               count(*) FILTER (WHERE n_edih > 0)
        FROM region_alignment WHERE level = 2 AND period = ?""", [PERIOD]).fetchone()
    lines += [f"Headline: **coverage_all** (share of a region's priority-domain weight covered at level ≥ "
              f"{method.COVERED_LEVEL} by a hub serving it); `alignment_score` = 100 × coverage_all. EU NUTS 2 "
              f"regions, {PERIOD}: {n2}; ranked {ranked_n}; with an EDIH located {located}, served by an EDIH "
              f"{serving}.", ""]
    frame = ranked_nuts2(con)

    lines += ["### Target: no headline figure rises with the number of priority domains", "",
              f"Spearman ρ over the {len(frame)} ranked EU NUTS 2 regions, {PERIOD} (target |ρ| ≤ {MAX_RHO} against "
              "the number of priority domains; method 1.0's score: 0.24):", ""]
    lines += _table(["figure", "ρ vs priority domains", "ρ vs strategies", "within target"], correlation_rows(frame))
    mix = domain_mix_rho(con, frame)
    if mix is not None:
        lines += ["", f"Coverage expected from the domain mix alone (each domain at its share of ranked regions covered): "
                      f"ρ = {mix:.2f} against the number of priority domains. Coverage is a weighted mean over the "
                      "domains, so the number of domains cannot raise it by construction; where ρ of coverage_all is "
                      "positive while this one is not, the difference comes from the hubs serving many-domain "
                      "regions, not from the formula."]
    lines += ["", "Which countries carry the correlation of coverage_all (leaving out, one after the other, the country "
                  "whose removal lowers |ρ| most):", ""]
    lines += _table(["countries left out", "regions", "ρ vs priority domains"], country_influence(frame))
    lines += ["", "Median coverage (%) and fit by number of priority domains and of strategies:", ""]
    lines += _table(["priority domains", "regions", "median coverage %", "median fit"],
                    by_bins(frame, "n_priority_domains", [0, 5, 8, 11, 15, 100], ["1-5", "6-8", "9-11", "12-15", "16+"]))
    lines += [""]
    lines += _table(["strategies", "regions", "median coverage %", "median fit"],
                    by_bins(frame, "n_strategies", [0, 1, 2, 3, 100], ["1", "2", "3", "4+"]))

    zero = frame[frame.coverage_all == 0].sort_values("nuts_code")
    lines += ["", f"### Target: at most {MAX_ZERO_COVERAGE} ranked EU NUTS 2 regions with coverage 0", "",
              f"**{len(zero)}** ranked regions have coverage 0 ({'within' if len(zero) <= MAX_ZERO_COVERAGE else 'ABOVE'}"
              " target):", ""]
    lines += _table(["NUTS 2", "region", "why"], [(r.nuts_code, r.name, r.coverage_note) for r in zero.itertuples()])
    reasons = con.execute("""
        SELECT regexp_replace(not_ranked_reason, '\\(\\d+(\\.\\d+)? %\\)', '(x %)') AS reason, count(*)
        FROM region_alignment WHERE level = 2 AND period = ? AND NOT is_ranked GROUP BY 1 ORDER BY 2 DESC""",
                          [PERIOD]).fetchall()
    lines += ["", "EU NUTS 2 regions not ranked, by reason:", ""]
    lines += _table(["reason", "regions"], reasons)

    lines += ["", "### Target: partners people would call", ""]
    lines += _table(["EU NUTS 2 partner suggestions, " + PERIOD, "count"], list(partner_targets(con).items()))
    rules = con.execute("""SELECT rule, count(*) FROM partner_suggestions WHERE level = 2 AND period = ?
                           GROUP BY 1 ORDER BY 2 DESC""", [PERIOD]).fetchall()
    lines += ["", "By rule:", ""] + _table(["rule", "suggestions"], rules)

    lines += ["", "### Sensitivity: each reading against the default (EU NUTS 2, ranked regions)", ""]
    sens = con.execute("""SELECT variant, description, n_regions, spearman_rho_vs_default, mean_abs_change_points,
                                 max_abs_change_points, in_band
                          FROM method_sensitivity_summary WHERE level = 2 AND period = ? ORDER BY variant = 'default' DESC""",
                       [PERIOD]).fetchall()
    lines += _table(["variant", "reading", "regions", "ρ vs default", "mean |Δ| points", "max |Δ| points", "in band"],
                    sens)

    lines += ["", "### Rows per mart", ""]
    counts = [(t, con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
              for t in ("region_alignment", "gaps", "unaligned_competences", "partner_suggestions", "policy_alignment",
                        "method_sensitivity")]
    lines += _table(["mart", "rows"], counts)
    status = con.execute("""
        SELECT period, status, count(*) FROM gaps WHERE level = 2 GROUP BY ALL ORDER BY period, status""").fetchall()
    lines += ["", "Status of NUTS 2 region × priority × domain rows in `gaps`:", ""]
    lines += _table(["period", "status", "rows"], status)

    headers = ["NUTS 2", "region", "country", "coverage %", "range %", "declared %", "fit", "serving hubs",
               "priority domains"]
    for title, order in (("Best covered", "coverage_all DESC, nuts_code"), ("Least covered", "coverage_all, nuts_code")):
        best = con.execute(f"""
            SELECT nuts_code, name, country_code, round(100 * coverage_all, 1),
                   CAST(round(100 * coverage_low) AS INTEGER) || '-' || CAST(round(100 * coverage_high) AS INTEGER), round(100 * coverage_declared, 1),
                   fit, n_hubs, n_priority_domains
            FROM region_alignment WHERE level = 2 AND period = ? AND is_ranked
            ORDER BY {order} LIMIT 5""", [PERIOD]).fetchall()
        lines += ["", f"### {title} ranked EU NUTS 2 regions, {PERIOD}", ""] + _table(headers, best)
    return "\n".join(lines) + "\n"
