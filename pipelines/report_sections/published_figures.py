"""Data-quality report section: the JRC's published EDIH coverage figures (December 2023) beside the same figures
computed from the warehouse (table published_benchmarks), with both definitions and the reasons for the difference.
The Data & method page of the dashboard shows the same table."""
from __future__ import annotations

import duckdb

from .. import method
from . import markdown_table, table_exists


def _pct(value) -> str:
    return "" if value is None else f"{100 * value:.0f} %"


def section(con: duckdb.DuckDBPyConnection) -> str:
    lines = [f"## Published figures beside ours ({method.METHOD_VERSION})", ""]
    if not table_exists(con, "published_benchmarks"):
        return "\n".join(lines + ["The table published_benchmarks is not in this warehouse."]) + "\n"
    rows = con.execute("""SELECT figure, published_value, atlas_value, difference_points, numerator, denominator,
                                 atlas_value_located, atlas_value_covering, published_definition, atlas_definition,
                                 explanation
                          FROM published_benchmarks ORDER BY rowid""").fetchall()
    lines += [f"Source: {method.PUBLISHED_SOURCE}.", ""]
    lines += markdown_table(
        ["figure", "published", "atlas", "difference (points)", "atlas count", "EDIH address only",
         f"level ≥ {method.COVERED_LEVEL} only"],
        [(r[0], _pct(r[1]), _pct(r[2]), r[3], f"{r[4]} / {r[5]}", _pct(r[6]), _pct(r[7])) for r in rows])
    lines += ["", "Definitions and why the figures differ:", ""]
    for r in rows:
        lines += [f"- **{r[0]}** — published: {r[8]}. Atlas: {r[9]}. Difference {r[3]:+.1f} points: {r[10]}."]
    return "\n".join(lines) + "\n"
