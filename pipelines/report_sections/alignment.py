"""Data-quality report section on the alignment marts: hub presence and domain coverage of EU NUTS 2 regions (a sanity
check against published figures), rows and missing scores per mart, and the best and worst aligned regions."""
from __future__ import annotations

import duckdb

from .. import method
from . import markdown_table

PERIOD = "2021-2027"


def _table(headers: list[str], rows) -> list[str]:
    return markdown_table(headers, rows, float_format=",.2f")


def hub_presence(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    """(EU NUTS 2 regions, of which with ≥ 1 EDIH, of which with ≥ 1 hub of any kind) — 2021-2027 rows."""
    return con.execute("""
        SELECT count(*), count(*) FILTER (WHERE n_edih > 0), count(*) FILTER (WHERE n_hubs > 0)
        FROM region_alignment WHERE level = 2 AND period = ?""", [PERIOD]).fetchone()


def domain_presence(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int, int, int]]:
    """Per check domain: (code, label, EU NUTS 2 regions with a hub at level ≥ covered level in it, with a hub at any
    level, EU NUTS 2 regions), whatever their priorities."""
    out = []
    n_regions = con.execute("SELECT count(*) FROM alignment_regions WHERE level = 2 AND period = ?",
                            [PERIOD]).fetchone()[0]
    for code, label in method.REPORT_CHECK_DOMAINS.items():
        covered, any_level = con.execute("""
            SELECT count(DISTINCT m.nuts_code) FILTER (WHERE l.competence_level >= ?),
                   count(DISTINCT m.nuts_code)
            FROM hub_region_membership m
            JOIN hub_domain_levels l ON l.hub_id = m.hub_id AND l.domain_code = ?
            JOIN alignment_regions ar ON ar.nuts_code = m.nuts_code AND ar.level = 2 AND ar.period = ?""",
                                         [method.COVERED_LEVEL, code, PERIOD]).fetchone()
        out.append((code, label, covered, any_level, n_regions))
    return out


def ranked(con: duckdb.DuckDBPyConnection, best: bool, n: int = 5) -> list[tuple]:
    """The n best (or worst) scored EU NUTS 2 regions of the period; the worst among regions with at least one hub
    (regions without hubs all score 0 and are counted separately)."""
    order = "alignment_score DESC, nuts_code" if best else "alignment_score ASC, nuts_code"
    return con.execute(f"""
        SELECT nuts_code, name, country_code, alignment_score, coverage, focus, n_hubs, n_priority_domains
        FROM region_alignment
        WHERE level = 2 AND period = ? AND alignment_score IS NOT NULL AND n_hubs > 0
        ORDER BY {order} LIMIT ?""", [PERIOD, n]).fetchall()


NEEDED = ("region_alignment", "gaps", "unaligned_competences", "partner_suggestions", "policy_alignment",
          "alignment_regions", "hub_region_membership", "hub_domain_levels")


def section(con: duckdb.DuckDBPyConnection) -> str:
    lines = [f"## Alignment analytics ({method.METHOD_VERSION})", ""]
    present = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
    absent = [t for t in NEEDED if t not in present]
    if absent:
        return "\n".join(lines + [f"The alignment marts are not in this warehouse (missing: {', '.join(absent)})."]) + "\n"
    n2, with_edih, with_hub = hub_presence(con)
    lines += [
        f"- EU NUTS 2 regions: {n2}; with at least one EDIH (Digital Europe-funded): **{with_edih}** "
        f"({with_edih / n2:.0%}; published: EDIHs present in {method.PUBLISHED_EDIH_PRESENCE_SHARE:.0%} of "
        f"regions); with at least one hub of any kind: {with_hub} ({with_hub / n2 if n2 else 0:.0%}).",
        "",
        f"Sanity check — EU NUTS 2 regions with a hub located in them that declares the domain (whatever the "
        f"region's priorities); 'covered' = level ≥ {method.COVERED_LEVEL}:",
        "",
    ]
    lines += _table(["domain", "regions covered", "share covered", "regions with any level", "published share"],
                    [(f"{label} ({code})", covered, f"{covered / n:.0%}" if n else "", any_level,
                      f"{method.PUBLISHED_DOMAIN_SHARES[code]:.0%}" if code in method.PUBLISHED_DOMAIN_SHARES else "")
                     for code, label, covered, any_level, n in domain_presence(con)])
    lines += ["", f"Published: {method.PUBLISHED_SOURCE} (EDIHs only, regions *serviced*, service areas included). "
                  "Here every hub type counts, but each hub only in the one region of its address, so shares are "
                  "expected to be lower for presence and can differ either way for domains.", ""]

    lines += ["### Rows per mart", ""]
    counts = []
    for table in ("region_alignment", "gaps", "unaligned_competences", "partner_suggestions", "policy_alignment"):
        counts.append((table, con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]))
    lines += _table(["mart", "rows"], counts)
    reasons = con.execute("""
        SELECT period, level, coalesce(no_score_reason, 'scored') AS reason, count(*)
        FROM region_alignment GROUP BY ALL ORDER BY period, level, reason""").fetchall()
    lines += ["", "Regions with and without a score (and why):", ""]
    lines += _table(["period", "NUTS level", "score", "regions"], reasons)
    status = con.execute("""
        SELECT period, status, count(*) FROM gaps WHERE level = 2 GROUP BY ALL ORDER BY period, status""").fetchall()
    lines += ["", "Status of NUTS 2 region × priority × domain rows in `gaps`:", ""]
    lines += _table(["period", "status", "rows"], status)

    headers = ["NUTS 2", "region", "country", "score", "coverage", "focus", "hubs", "priority domains"]
    lines += ["", f"### Best aligned EU NUTS 2 regions, {PERIOD}", ""]
    lines += _table(headers, ranked(con, best=True))
    no_hub = con.execute("""SELECT count(*) FROM region_alignment WHERE level = 2 AND period = ?
                            AND alignment_score IS NOT NULL AND n_hubs = 0""", [PERIOD]).fetchone()[0]
    lines += ["", f"### Least aligned EU NUTS 2 regions with at least one hub, {PERIOD}", "",
              f"({no_hub} scored regions have no hub located in them and score 0.)", ""]
    lines += _table(headers, ranked(con, best=False))
    return "\n".join(lines) + "\n"
