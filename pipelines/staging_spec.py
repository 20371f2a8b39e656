"""Declarative staging: read one raw file strictly, rename and cast its columns, validate, quarantine the rest.

A staging step describes a file with a StagingSpec and calls `load(ctx, spec)`. Staging only renames and casts;
validation rejects rows (with the reason) into the `quarantine` table instead of dropping them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .context import BuildContext
from .readers import LINE_COLUMN, read_delimited

NUTS_VERSIONS = ("2013", "2016", "2021", "2024")


@dataclass(frozen=True)
class Col:
    name: str  # column name in the staging table
    source: str  # column name in the raw file
    type: str = "VARCHAR"  # DuckDB type; values that do not cast are quarantined


@dataclass
class StagingSpec:
    table: str  # staging.<table>
    source_id: str
    file: str  # file name, as listed under the source in data/sources.yml
    columns: list[Col]
    required: list[str] = field(default_factory=list)  # staging column names that must not be empty
    unique: list[str] = field(default_factory=list)  # staging columns forming a unique key
    allowed: dict[str, list[str]] = field(default_factory=dict)  # staging column -> allowed values
    nuts: dict[str, str] = field(default_factory=dict)  # staging column -> NUTS version ("2021", "mixed", ...)
    checks: list[tuple[str, str]] = field(default_factory=list)  # (SQL condition that must hold, reason)


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def load(ctx: BuildContext, spec: StagingSpec) -> int:
    """Load, validate and write staging.<table>. Returns the number of rows kept."""
    raw = ctx.raw_file(spec.source_id, spec.file)
    result = read_delimited(
        raw.abspath,
        delimiter=raw.delimiter or ",",
        encoding=raw.encoding or "utf-8",
        required_columns=[c.source for c in spec.columns],
    )
    con = ctx.con
    con.register("_raw_frame", result.frame)
    typed = ", ".join(
        f"TRY_CAST(trim({_q(c.source)}) AS {c.type}) AS {_q(c.name)}, {_q(c.source)} AS {_q('__raw__' + c.name)}"
        for c in spec.columns
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE _typed AS SELECT {LINE_COLUMN}, {typed} FROM _raw_frame")
    con.unregister("_raw_frame")

    reasons: list[str] = []
    for name in spec.required:
        col = next(c for c in spec.columns if c.name == name)
        reasons.append(f"WHEN {_q('__raw__' + name)} IS NULL OR trim({_q('__raw__' + name)}) = '' "
                       f"THEN {_lit(f'missing required value in column {col.source!r}')}")
    for c in spec.columns:
        if c.type != "VARCHAR":
            reasons.append(
                f"WHEN {_q('__raw__' + c.name)} IS NOT NULL AND trim({_q('__raw__' + c.name)}) <> '' "
                f"AND {_q(c.name)} IS NULL THEN {_lit(f'column {c.source!r}: cannot read ')} || "
                f"{_q('__raw__' + c.name)} || {_lit(f' as {c.type}')}"
            )
    for name, values in spec.allowed.items():
        col = next(c for c in spec.columns if c.name == name)
        listed = ", ".join(_lit(v) for v in values)
        reasons.append(f"WHEN {_q(name)} IS NOT NULL AND {_q(name)} NOT IN ({listed}) "
                       f"THEN {_lit(f'column {col.source!r}: value ')} || {_q(name)} || "
                       f"{_lit(' is not one of ' + ', '.join(values))}")
    for name, version in spec.nuts.items():
        col = next(c for c in spec.columns if c.name == name)
        versions = NUTS_VERSIONS if version == "mixed" else (version,)
        listed = ", ".join(_lit(v) for v in versions)
        reasons.append(
            f"WHEN {_q(name)} IS NOT NULL AND {_q(name)} NOT IN (SELECT nuts_code FROM staging.stg_nuts_codes "
            f"WHERE nuts_version IN ({listed})) THEN {_lit(f'column {col.source!r}: unknown NUTS {version} code ')} "
            f"|| {_q(name)}"
        )
    for condition, reason in spec.checks:
        reasons.append(f"WHEN NOT coalesce(({condition}), false) THEN {_lit(reason)}")
    dup_rank = "0"
    if spec.unique:
        key = ", ".join(_q(k) for k in spec.unique)
        dup_rank = f"row_number() OVER (PARTITION BY {key} ORDER BY {LINE_COLUMN})"
        first_line = f"first({LINE_COLUMN}) OVER (PARTITION BY {key} ORDER BY {LINE_COLUMN})"
        reasons.append(
            f"WHEN _dup_rank > 1 THEN {_lit('duplicate key (' + ', '.join(spec.unique) + ') already on line ')} "
            f"|| CAST(_first_line AS VARCHAR)"
        )
    else:
        first_line = "NULL"
    reason_sql = "CASE " + " ".join(reasons) + " END" if reasons else "NULL"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _checked AS
        SELECT *, {reason_sql} AS _reason FROM (
            SELECT *, {dup_rank} AS _dup_rank, {first_line} AS _first_line FROM _typed
        )"""
    )
    raw_cols = ", ".join(f"{_lit(c.source)}: {_q('__raw__' + c.name)}" for c in spec.columns)
    quarantined = ctx.quarantine_query(
        "staging", spec.source_id, raw.path,
        f"SELECT {LINE_COLUMN} AS line, _reason AS reason, to_json({{{raw_cols}}})::VARCHAR AS record "
        f"FROM _checked WHERE _reason IS NOT NULL ORDER BY {LINE_COLUMN}",
    )
    ctx.quarantine_rejected("staging", spec.source_id, raw.path, result.rejected)
    keep = ", ".join(_q(c.name) for c in spec.columns)
    con.execute(
        f"CREATE OR REPLACE TABLE staging.{spec.table} AS SELECT {keep}, {LINE_COLUMN} AS source_line "
        f"FROM _checked WHERE _reason IS NULL ORDER BY {LINE_COLUMN}"
    )
    con.execute("DROP TABLE _typed; DROP TABLE _checked")
    kept = con.execute(f"SELECT count(*) FROM staging.{spec.table}").fetchone()[0]
    total_q = quarantined + len(result.rejected)
    ctx.record_source(spec.source_id, raw.path, f"staging.{spec.table}", result.rows_read, kept, total_q)
    return kept
