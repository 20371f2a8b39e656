"""Extra sections of the data-quality report.

Every module here (other than this one) that defines `section(con) -> str` is rendered by
`pipelines.report.write_report`, in module-name order, after the built-in sections. `con` is a read-only DuckDB
connection to the warehouse; return Markdown (start with a `## ` heading; tables as `| a | b |` rows, lists as
`- item`). Name modules NN_<topic>.py (e.g. 20_placement.py) to control their order. A section whose tables are not
built yet should say so in a line rather than raise.
"""
from __future__ import annotations


def table_exists(con, table: str, schema: str = "main") -> bool:
    """Whether a table of the warehouse is built (sections say so in a line when their tables are missing)."""
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? "
                            "AND table_name = ?", [schema, table]).fetchall()[0][0])


def markdown_table(headers: list[str], rows) -> list[str]:
    """Markdown table lines; None shows as empty, '|' inside a value is replaced so the table stays intact."""
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        out.append("| " + " | ".join("" if v is None else str(v).replace("|", "/") for v in row) + " |")
    return out
