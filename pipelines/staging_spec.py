"""Declarative staging: read one raw file strictly, rename and cast its columns, validate, quarantine the rest.

A staging step describes a file with a StagingSpec and calls `load(ctx, spec)`. Staging only renames and casts;
validation rejects rows (with the reason) into the `quarantine` table instead of dropping them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .context import BuildContext
from .readers import LINE_COLUMN, load_delimited, load_parquet

NUTS_VERSIONS = ("2010", "2013", "2016", "2021", "2024")  # 2010/2016: codes documented in nuts_successors.csv
# Statistical aggregates that sources put where a region code belongs (EU28, EU27_2020, EA20, EFTA, EEA…): not NUTS.
AGGREGATE_CODE_PATTERN = r"^(EU|EA|EFTA|EEA)([0-9_].*)?$"
EXTRA_REGIO_PATTERN = r"^[A-Z]{2}Z{1,3}$"  # ATZ, ATZZ, ATZZZ: Extra-Regio, in the classification but not on the map


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
    # (SQL condition that must hold, reason); the condition sees the typed row as `_t` (for correlated subqueries)
    checks: list[tuple[str, str]] = field(default_factory=list)
    null_markers: tuple[str, ...] = ()  # raw values that mean "no value" in this file (e.g. R's "NA")


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def load(ctx: BuildContext, spec: StagingSpec) -> int:
    """Load, validate and write staging.<table>. Returns the number of rows kept."""
    raw = ctx.raw_file(spec.source_id, spec.file)
    con = ctx.con
    if raw.format == "parquet":
        result = load_parquet(con, raw.abspath, "_raw_rows", required_columns=[c.source for c in spec.columns])
    else:
        result = load_delimited(
            con, raw.abspath, "_raw_rows",
            delimiter=raw.delimiter or ",",
            encoding=raw.encoding or "utf-8",
            required_columns=[c.source for c in spec.columns],
        )
    raw_types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                                 "WHERE table_name = '_raw_rows' AND database_name = 'temp'").fetchall())
    con.execute(f"CREATE OR REPLACE TEMP TABLE _checked AS {_checked_sql(spec, raw_types)}")
    quarantined = 0
    if con.execute("SELECT count(*) FROM _checked WHERE _reason IS NOT NULL").fetchall()[0][0]:
        raw_cols = ", ".join(f"{_lit(c.source)}: r.{_q(c.source)}" for c in spec.columns)
        quarantined = ctx.quarantine_query(
            "staging", spec.source_id, raw.path,
            f"SELECT c.{LINE_COLUMN} AS line, c._reason AS reason, to_json({{{raw_cols}}})::VARCHAR AS record "
            f"FROM _checked c JOIN _raw_rows r USING ({LINE_COLUMN}) WHERE c._reason IS NOT NULL "
            f"ORDER BY c.{LINE_COLUMN}",
        )
    ctx.quarantine_rejected("staging", spec.source_id, raw.path, result.rejected)
    keep = ", ".join(_q(c.name) for c in spec.columns)
    con.execute(
        f"CREATE OR REPLACE TABLE staging.{spec.table} AS SELECT {keep}, {LINE_COLUMN} AS source_line "
        f"FROM _checked WHERE _reason IS NULL ORDER BY {LINE_COLUMN}"
    )
    con.execute("DROP TABLE _raw_rows; DROP TABLE _checked")
    kept = con.execute(f"SELECT count(*) FROM staging.{spec.table}").fetchall()[0][0]
    total_q = quarantined + len(result.rejected)
    ctx.record_source(spec.source_id, raw.path, f"staging.{spec.table}", result.rows_read, kept, total_q)
    return kept


def _checked_sql(spec: StagingSpec, raw_types: dict[str, str] | None = None) -> str:
    """One query over _raw_rows: every staging column typed, and `_reason` (NULL when the row is kept).
    Raw columns are text (delimited files), or typed (Parquet): typed ones are only cast, never trimmed."""
    markers = ", ".join(_lit(m) for m in ("",) + tuple(spec.null_markers))
    by_name = {c.name: c for c in spec.columns}
    raw_types = raw_types or {}

    def val(c: Col) -> str:  # the trimmed raw value; NULL when empty or a null marker
        return _q("__val__" + c.name)

    def value(c: Col) -> str:
        if raw_types.get(c.source, "VARCHAR") != "VARCHAR":
            return f"CAST({_q(c.source)} AS VARCHAR)" if c.type == "VARCHAR" else _q(c.source)
        if not spec.null_markers:
            return f"nullif(trim({_q(c.source)}), '')"
        return f"CASE WHEN trim({_q(c.source)}) IN ({markers}) THEN NULL ELSE trim({_q(c.source)}) END"

    values = ", ".join(f"{value(c)} AS {val(c)}" for c in spec.columns)
    typed = ", ".join(
        (f"TRY_CAST({val(c)} AS {c.type})" if c.type != "VARCHAR" else val(c)) + f" AS {_q(c.name)}"
        for c in spec.columns
    )

    reasons: list[str] = []
    for name in spec.required:
        reasons.append(f"WHEN {val(by_name[name])} IS NULL "
                       f"THEN {_lit(f'missing required value in column {by_name[name].source!r}')}")
    for c in spec.columns:
        if c.type != "VARCHAR":
            reasons.append(
                f"WHEN {val(c)} IS NOT NULL AND {_q(c.name)} IS NULL "
                f"THEN {_lit(f'column {c.source!r}: cannot read ')} || CAST({val(c)} AS VARCHAR) || "
                f"{_lit(f' as {c.type}')}"
            )
    for name, allowed in spec.allowed.items():
        listed = ", ".join(_lit(v) for v in allowed)
        reasons.append(f"WHEN {_q(name)} IS NOT NULL AND CAST({_q(name)} AS VARCHAR) NOT IN ({listed}) "
                       f"THEN {_lit(f'column {by_name[name].source!r}: value ')} || CAST({_q(name)} AS VARCHAR) || "
                       f"{_lit(' is not one of ' + ', '.join(allowed))}")
    for name, version in spec.nuts.items():
        source = by_name[name].source
        versions = NUTS_VERSIONS if version == "mixed" else (version,)
        listed = ", ".join(_lit(v) for v in versions)
        code = _q(name)
        unknown = (f" is not a NUTS {version} code" if version != "mixed"
                   else " is not a code of any NUTS version known (stg_nuts_codes)")
        reasons.append(
            f"WHEN {code} IS NOT NULL AND {code} NOT IN (SELECT nuts_code FROM staging.stg_nuts_codes "
            f"WHERE nuts_version IN ({listed})) THEN {_lit(f'column {source!r}: ')} || {code} || CASE "
            f"WHEN regexp_matches({code}, {_lit(AGGREGATE_CODE_PATTERN)}) "
            f"THEN {_lit(' is a statistical aggregate (EU, euro area, EFTA…), not a NUTS region')} "
            f"WHEN regexp_matches({code}, {_lit(EXTRA_REGIO_PATTERN)}) "
            f"THEN {_lit(' is an Extra-Regio code (no territory of its own), not a mapped NUTS region')} "
            f"ELSE {_lit(unknown)} END"
        )
    for condition, reason in spec.checks:
        reasons.append(f"WHEN NOT coalesce(({condition}), false) THEN {_lit(reason)}")

    reason_sql = "CASE " + " ".join(reasons) + " END" if reasons else "CAST(NULL AS VARCHAR)"
    checked = f"""WITH _values AS (SELECT {LINE_COLUMN}, {values} FROM _raw_rows),
        _typed AS (SELECT *, {typed} FROM _values),
        _checked_once AS MATERIALIZED (SELECT _t.{LINE_COLUMN}, {", ".join("_t." + _q(c.name) for c in spec.columns)},
                                 {reason_sql} AS _reason FROM _typed AS _t)"""
    if not spec.unique:
        return f"{checked} SELECT * FROM _checked_once"
    # the unique key among the rows that pass every other check: a repeat of a rejected row is kept
    key = ", ".join(f"{_q(k)} AS _key{i}" for i, k in enumerate(spec.unique))
    key_cols = ", ".join(_q(k) for k in spec.unique)
    same_key = " AND ".join(f"_c.{_q(k)} IS NOT DISTINCT FROM _d._key{i}" for i, k in enumerate(spec.unique))
    duplicate = (f"CASE WHEN _d._first_line IS NOT NULL AND _c.{LINE_COLUMN} > _d._first_line "
                 f"THEN {_lit('duplicate key (' + ', '.join(spec.unique) + ') already on line ')} "
                 f"|| CAST(_d._first_line AS VARCHAR) END")
    return f"""{checked},
        _d AS (SELECT {key}, min({LINE_COLUMN}) AS _first_line FROM _checked_once
               WHERE _reason IS NULL AND hash({key_cols}) IN (  -- grouping one hash first is much cheaper
                   SELECT hash({key_cols}) FROM _checked_once WHERE _reason IS NULL GROUP BY 1 HAVING count(*) > 1)
               GROUP BY ALL HAVING count(*) > 1)
        SELECT _c.{LINE_COLUMN}, {", ".join("_c." + _q(c.name) for c in spec.columns)},
               coalesce(_c._reason, {duplicate}) AS _reason
        FROM _checked_once AS _c LEFT JOIN _d ON {same_key}"""
