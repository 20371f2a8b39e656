"""The longer SQL of the alignment marts, one file per table, run with the method's numbers as named parameters.

Each `<name>.sql` file holds one or more statements separated by a `;` at the end of a line. Parameters are written
`$name` and come from `pipelines.method.sql_params()` (plus any extra the caller passes); nothing is string-formatted
into the SQL."""
from __future__ import annotations

import re
from pathlib import Path

import duckdb

from .. import method
from ..errors import PipelineError

SQL_DIR = Path(__file__).resolve().parent
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_STATEMENT_END = re.compile(r";[ \t]*(?:--[^\n]*)?\n")


def statements(name: str) -> list[str]:
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8") + "\n"
    return [s.strip() for s in _STATEMENT_END.split(text) if _strip_comments(s).strip()]


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def run_sql_file(con: duckdb.DuckDBPyConnection, name: str, extra: dict | None = None) -> None:
    """Run every statement of pipelines/sql/<name>.sql with the parameters it names."""
    params = {**method.sql_params(), **(extra or {})}
    for sql in statements(name):
        used = set(_PARAM.findall(_strip_comments(sql)))
        missing = used - params.keys()
        if missing:
            raise PipelineError(f"pipelines/sql/{name}.sql uses unknown parameters: {sorted(missing)}")
        try:
            con.execute(sql, {k: params[k] for k in used} if used else None)
        except duckdb.Error as exc:
            raise PipelineError(f"pipelines/sql/{name}.sql failed: {exc}\n--- statement ---\n{sql[:600]}") from exc


def missing_tables(con: duckdb.DuckDBPyConnection, tables: list[str]) -> list[str]:
    """Which of `tables` ('name' in main or 'schema.name') do not exist yet."""
    present = {
        (schema, name)
        for schema, name in con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables").fetchall()
    }
    out = []
    for t in tables:
        schema, name = t.split(".", 1) if "." in t else ("main", t)
        if (schema, name) not in present:
            out.append(t)
    return out


def require_tables(con: duckdb.DuckDBPyConnection, table: str, requires: list[str]) -> None:
    """Stop the build with a clear message when an input table of `table` is missing."""
    absent = missing_tables(con, requires)
    if absent:
        raise PipelineError(f"{table} needs the table(s) {', '.join(absent)}, which the build did not make "
                            "(did an earlier step fail or get renamed?)")


def run_mart_step(ctx, name: str, table: str, requires: list[str], extra: dict | None = None) -> int:
    """Run pipelines/sql/<name>.sql, which creates `table`, after checking its inputs exist; return its row count."""
    require_tables(ctx.con, table, requires)
    run_sql_file(ctx.con, name, extra)
    return ctx.con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
