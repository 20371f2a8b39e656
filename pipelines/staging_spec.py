"""Declarative staging: read one raw file strictly, rename and cast its columns, validate, quarantine the rest.

A staging step describes a file with a StagingSpec and calls `load(ctx, spec)`. Staging only renames and casts;
validation rejects rows (with the reason) into the `quarantine` table instead of dropping them.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import duckdb

from .context import BuildContext
from .readers import LINE_COLUMN, load_delimited, load_parquet

NUTS_VERSIONS = ("2010", "2013", "2016", "2021", "2024")  # 2010/2016: codes documented in nuts_successors.csv
# Statistical aggregates that sources put where a region code belongs (EU28, EU27_2020, EA20, EFTA, EEA…): not NUTS.
AGGREGATE_CODE_PATTERN = r"^(EU|EA|EFTA|EEA)([0-9_].*)?$"
EXTRA_REGIO_PATTERN = r"^[A-Z]{2}Z{1,3}$"  # ATZ, ATZZ, ATZZZ: Extra-Regio, in the classification but not on the map
MAX_LISTED_UNKNOWN_CODES = 256  # above this many distinct unknown NUTS codes in a column, the check joins instead
ORDER_KEEPING_OPERATORS = {"PROJECTION", "FILTER", "SEQ_SCAN", "TABLE_SCAN"}  # plans without joins, sorts, windows
NUMERIC_TYPES = ("DOUBLE", "FLOAT", "REAL", "DECIMAL", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT")
# No figure the sources hold comes near this (the largest, a country's GDP in million EUR or a programme's money in
# EUR, is below 1e12): a value above it is a unit or parsing error (1e300), quarantined like NaN and ±inf.
MAX_ABS_VALUE = 1e15
# Staging columns that hold an amount of money or a count (of people, projects, participations, …): they must not be
# negative unless the spec lists them in `signed` (e.g. ERDF net payments, where recoveries are real negatives).
AMOUNT_OR_COUNT_COLUMN = re.compile(r"(^n_|_count$|^count|amount|contribution|_eur$|_eur_|^eur_|cost|population|"
                                    r"payment|participants|^hub_count$)")


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
    # amount or count columns (AMOUNT_OR_COUNT_COLUMN) that may be negative, with the reason in a comment where set
    signed: list[str] = field(default_factory=list)

    def non_negative_columns(self) -> list[str]:
        """The numeric columns whose name says amount or count, less the ones declared `signed`."""
        return [c.name for c in self.columns if is_numeric(c.type) and AMOUNT_OR_COUNT_COLUMN.search(c.name)
                and c.name not in self.signed]


def is_numeric(duckdb_type: str) -> bool:
    return duckdb_type.upper().split("(")[0].strip() in NUMERIC_TYPES


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
    ctx.check_snapshot(raw, result.rows_read, _totals(con, raw))
    raw_types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                                 "WHERE table_name = '_raw_rows' AND database_name = 'temp'").fetchall())
    checked_sql = _checked_sql(spec, raw_types, _unknown_nuts_codes(con, spec, raw_types))
    # Without joins (and sorts) in its plan, _checked keeps the row order of _raw_rows — line order — and the
    # staging table needs no ORDER BY (a join's output order is not the input's: DuckDB's hash join buffers chunks)
    in_line_order = _plan_keeps_row_order(con, checked_sql)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _checked AS {checked_sql}")
    if spec.unique:
        _mark_duplicate_keys(con, spec)
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
        f"FROM _checked WHERE _reason IS NULL" + ("" if in_line_order else f" ORDER BY {LINE_COLUMN}")
    )
    con.execute("DROP TABLE _raw_rows; DROP TABLE _checked")
    kept = con.execute(f"SELECT count(*) FROM staging.{spec.table}").fetchall()[0][0]
    total_q = quarantined + len(result.rejected)
    ctx.record_source(spec.source_id, raw.path, f"staging.{spec.table}", result.rows_read, kept, total_q)
    return kept


def _totals(con, raw) -> dict[str, float | None]:
    """The sum of the finite numbers of every column the manifest records a total for (None: column missing)."""
    totals: dict[str, float | None] = {}
    for column, _recorded in raw.totals:
        try:
            totals[column] = con.execute(
                f"SELECT coalesce(sum(v) FILTER (WHERE isfinite(v)), 0) FROM "
                f"(SELECT TRY_CAST({_q(column)} AS DOUBLE) AS v FROM _raw_rows)").fetchall()[0][0]
        except duckdb.Error:  # a column the file lacks: reported as a difference by check_counts
            totals[column] = None
    return totals


def _value_sql(spec: StagingSpec, c: Col, raw_types: dict[str, str]) -> str:
    """The raw value of column c as the staging column's input: trimmed, NULL when empty or a null marker."""
    if raw_types.get(c.source, "VARCHAR") != "VARCHAR":
        return f"CAST({_q(c.source)} AS VARCHAR)" if c.type == "VARCHAR" else _q(c.source)
    if not spec.null_markers:
        return f"nullif(trim({_q(c.source)}), '')"
    markers = ", ".join(_lit(m) for m in ("",) + tuple(spec.null_markers))
    return f"CASE WHEN trim({_q(c.source)}) IN ({markers}) THEN NULL ELSE trim({_q(c.source)}) END"


def _unknown_nuts_codes(con, spec: StagingSpec, raw_types: dict[str, str]) -> dict[str, list[str]]:
    """Per NUTS-checked text column: the distinct values of _raw_rows that are no code of the declared version(s),
    so that the row check is a list lookup instead of a join. Columns with too many are left out (joined)."""
    by_name = {c.name: c for c in spec.columns}
    unknown = {}
    for name, version in spec.nuts.items():
        if by_name[name].type != "VARCHAR":
            continue
        versions = NUTS_VERSIONS if version == "mixed" else (version,)
        codes = [r[0] for r in con.execute(
            f"SELECT v FROM (SELECT {_value_sql(spec, by_name[name], raw_types)} AS v "
            f"FROM (SELECT DISTINCT {_q(by_name[name].source)} FROM _raw_rows)) "
            f"WHERE v IS NOT NULL AND v NOT IN (SELECT nuts_code FROM staging.stg_nuts_codes "
            f"WHERE list_contains(?, nuts_version)) ORDER BY v", [list(versions)]).fetchall()]
        if len(codes) <= MAX_LISTED_UNKNOWN_CODES:
            unknown[name] = codes
    return unknown


def _plan_keeps_row_order(con, sql: str) -> bool:
    """True when the physical plan of `sql` only scans, filters and projects (so DuckDB keeps the input order)."""
    def names(node) -> list[str]:
        return [node.get("name", "")] + [n for child in node.get("children", []) for n in names(child)]
    plan = json.loads(con.execute(f"EXPLAIN (FORMAT json) {sql}").fetchall()[0][1])
    return all(name in ORDER_KEEPING_OPERATORS for node in plan for name in names(node))


def _checked_sql(spec: StagingSpec, raw_types: dict[str, str] | None = None,
                 unknown_nuts: dict[str, list[str]] | None = None) -> str:
    """One query over _raw_rows: every staging column typed, and `_reason` (NULL when the row is kept).
    Raw columns are text (delimited files), or typed (Parquet): typed ones are only cast, never trimmed.
    `unknown_nuts`: for NUTS-checked columns, the values known not to be codes (_unknown_nuts_codes); other
    NUTS-checked columns are looked up in staging.stg_nuts_codes row by row."""
    by_name = {c.name: c for c in spec.columns}
    raw_types = raw_types or {}
    unknown_nuts = unknown_nuts or {}

    def val(c: Col) -> str:  # the trimmed raw value; NULL when empty or a null marker
        return _q("__val__" + c.name)

    values = ", ".join(f"{_value_sql(spec, c, raw_types)} AS {val(c)}" for c in spec.columns)
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
    non_negative = set(spec.non_negative_columns())
    for c in spec.columns:  # every number finite and of a plausible size; amounts and counts not negative
        if not is_numeric(c.type):
            continue
        number, shown = f"CAST({_q(c.name)} AS DOUBLE)", f"CAST({_q(c.name)} AS VARCHAR)"
        reasons.append(f"WHEN {_q(c.name)} IS NOT NULL AND NOT isfinite({number}) "
                       f"THEN {_lit(f'column {c.source!r}: ')} || {shown} || {_lit(' is not a finite number')}")
        reasons.append(f"WHEN abs({number}) > {MAX_ABS_VALUE!r} "
                       f"THEN {_lit(f'column {c.source!r}: ')} || {shown} || "
                       f"{_lit(f' is implausibly large (above {MAX_ABS_VALUE:g} in absolute value)')}")
        if c.name in non_negative:
            reasons.append(f"WHEN {number} < 0 THEN {_lit(f'column {c.source!r}: ')} || {shown} || "
                           f"{_lit(' is negative (an amount or count cannot be)')}")
    for name, allowed in spec.allowed.items():
        listed = ", ".join(_lit(v) for v in allowed)
        reasons.append(f"WHEN {_q(name)} IS NOT NULL "  # a list lookup: DuckDB makes a long IN list a join
                       f"AND NOT list_contains([{listed}], CAST({_q(name)} AS VARCHAR)) "
                       f"THEN {_lit(f'column {by_name[name].source!r}: value ')} || CAST({_q(name)} AS VARCHAR) || "
                       f"{_lit(' is not one of ' + ', '.join(allowed))}")
    for name, version in spec.nuts.items():
        source = by_name[name].source
        versions = NUTS_VERSIONS if version == "mixed" else (version,)
        listed = ", ".join(_lit(v) for v in versions)
        code = _q(name)
        unknown = (f" is not a NUTS {version} code" if version != "mixed"
                   else " is not a code of any NUTS version known (stg_nuts_codes)")
        if name in unknown_nuts and not unknown_nuts[name]:
            continue  # every value is a known code
        is_unknown = (f"list_contains([{', '.join(_lit(v) for v in unknown_nuts[name])}], {code})"
                      if name in unknown_nuts else
                      f"{code} IS NOT NULL AND {code} NOT IN (SELECT nuts_code FROM staging.stg_nuts_codes "
                      f"WHERE nuts_version IN ({listed}))")
        reasons.append(
            f"WHEN {is_unknown} THEN {_lit(f'column {source!r}: ')} || {code} || CASE "
            f"WHEN regexp_matches({code}, {_lit(AGGREGATE_CODE_PATTERN)}) "
            f"THEN {_lit(' is a statistical aggregate (EU, euro area, EFTA…), not a NUTS region')} "
            f"WHEN regexp_matches({code}, {_lit(EXTRA_REGIO_PATTERN)}) "
            f"THEN {_lit(' is an Extra-Regio code (no territory of its own), not a mapped NUTS region')} "
            f"ELSE {_lit(unknown)} END"
        )
    for condition, reason in spec.checks:
        reasons.append(f"WHEN NOT coalesce(({condition}), false) THEN {_lit(reason)}")

    reason_sql = "CASE " + " ".join(reasons) + " END" if reasons else "CAST(NULL AS VARCHAR)"
    # one pass over _raw_rows; unique keys are checked afterwards, on the result (_mark_duplicate_keys)
    return f"""WITH _values AS (SELECT {LINE_COLUMN}, {values} FROM _raw_rows),
        _typed AS (SELECT *, {typed} FROM _values)
        SELECT _t.{LINE_COLUMN}, {", ".join("_t." + _q(c.name) for c in spec.columns)}, {reason_sql} AS _reason
        FROM _typed AS _t"""


def _mark_duplicate_keys(con, spec: StagingSpec) -> None:
    """The unique key among the rows that pass every other check (a repeat of a rejected row is kept): every later
    repeat of a key gets the reason "duplicate key (...) already on line N", N the first line with that key.
    Counting the repeated keys first is a single aggregate; the update runs only when there are some."""
    key_cols = ", ".join(_q(k) for k in spec.unique)
    if not con.execute(f"SELECT count(*) FROM (SELECT 1 FROM _checked WHERE _reason IS NULL "
                       f"GROUP BY {key_cols} HAVING count(*) > 1)").fetchall()[0][0]:
        return
    key = ", ".join(f"{_q(k)} AS _key{i}" for i, k in enumerate(spec.unique))
    same_key = " AND ".join(f"_checked.{_q(k)} IS NOT DISTINCT FROM _d._key{i}" for i, k in enumerate(spec.unique))
    con.execute(f"""UPDATE _checked
        SET _reason = {_lit('duplicate key (' + ', '.join(spec.unique) + ') already on line ')}
                      || CAST(_d._first_line AS VARCHAR)
        FROM (SELECT {key}, min({LINE_COLUMN}) AS _first_line FROM _checked WHERE _reason IS NULL
              GROUP BY ALL HAVING count(*) > 1) AS _d
        WHERE _checked._reason IS NULL AND {same_key} AND _checked.{LINE_COLUMN} > _d._first_line""")
