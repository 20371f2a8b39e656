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


def markdown_table(headers, rows, float_format: str | None = None) -> list[str]:
    """Markdown table lines. None shows as empty; '|' is escaped and line breaks folded so the table stays intact;
    floats are written with `float_format` (e.g. ',.2f') when given."""
    def cell(v) -> str:
        if v is None:
            return ""
        text = format(v, float_format) if float_format and isinstance(v, float) else str(v)
        return text.replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return out
