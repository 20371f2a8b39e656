"""StagingSpec + load: rename, cast, validate, quarantine — on small hand-made files."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from pipelines import manifest
from pipelines.context import BuildContext
from pipelines.staging_spec import Col, StagingSpec, load


def context_for(path: Path, fmt: str = "csv") -> BuildContext:
    entry = manifest.RawFile("t", str(path), manifest.sha256_of(path), fmt, ",", "utf-8", "mixed")
    ctx = BuildContext(con=duckdb.connect(), sources={"t": manifest.Source("t", "T", "", "", "", "", "mixed", (entry,))},
                       log=lambda _m: None)
    ctx.init()
    ctx.con.execute("""CREATE TABLE staging.stg_nuts_codes AS SELECT * FROM (VALUES
        ('2013', 'FR71', 2, 'FR', 'Rhône-Alpes'), ('2021', 'FRK2', 2, 'FR', 'Rhône-Alpes'),
        ('2024', 'PL91', 2, 'PL', 'Warszawski stołeczny')) AS t(nuts_version, nuts_code, level, country_code, name)""")
    return ctx


def write(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


def rows(ctx, sql):
    return ctx.con.execute(sql).fetchall()


def test_columns_are_renamed_trimmed_and_cast(tmp_path):
    f = write(tmp_path, "Region ID,Year,Amount (EUR)\n FR71 ,2014, 1500.5\nPL91,2015,\n")
    ctx = context_for(f)
    spec = StagingSpec("stg_t", "t", "t.csv", [Col("nuts_code", "Region ID"), Col("year", "Year", "INTEGER"),
                                               Col("amount_eur", "Amount (EUR)", "DOUBLE")])
    assert load(ctx, spec) == 2
    assert rows(ctx, "SELECT * FROM staging.stg_t ORDER BY source_line") == [("FR71", 2014, 1500.5, 2),
                                                                             ("PL91", 2015, None, 3)]
    assert rows(ctx, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'stg_t'") == [
        ("nuts_code", "VARCHAR"), ("year", "INTEGER"), ("amount_eur", "DOUBLE"), ("source_line", "BIGINT")]


def test_null_markers_mean_no_value_but_only_where_declared(tmp_path):
    f = write(tmp_path, "code,value\nFR71,NA\nPL91,3\n")
    ctx = context_for(f)
    cols = [Col("code", "code"), Col("value", "value", "DOUBLE")]
    assert load(ctx, StagingSpec("stg_na", "t", "t.csv", cols, null_markers=("NA",))) == 2
    assert rows(ctx, "SELECT value FROM staging.stg_na ORDER BY source_line") == [(None,), (3.0,)]
    assert load(ctx, StagingSpec("stg_strict", "t", "t.csv", cols)) == 1
    assert rows(ctx, "SELECT reason FROM quarantine") == [("column 'value': cannot read NA as DOUBLE",)]


def test_mixed_nuts_accepts_any_known_version_and_names_the_unknown(tmp_path):
    f = write(tmp_path, "code\nFR71\nFRK2\nPL91\nFRXX\nEU27_2020\nEFTA\n")
    ctx = context_for(f)
    assert load(ctx, StagingSpec("stg_mixed", "t", "t.csv", [Col("code", "code")], nuts={"code": "mixed"})) == 3
    reasons = dict(rows(ctx, "SELECT line, reason FROM quarantine"))
    assert "FRXX is not a code of any NUTS version known" in reasons[5]
    assert "statistical aggregate" in reasons[6] and "statistical aggregate" in reasons[7]


def test_a_declared_version_rejects_codes_of_other_versions(tmp_path):
    f = write(tmp_path, "code\nFR71\nFRK2\n")
    ctx = context_for(f)
    assert load(ctx, StagingSpec("stg_2021", "t", "t.csv", [Col("code", "code")], nuts={"code": "2021"})) == 1
    assert rows(ctx, "SELECT line, reason FROM quarantine") == [(2, "column 'code': FR71 is not a NUTS 2021 code")]


def test_checks_and_allowed_values_on_typed_columns(tmp_path):
    f = write(tmp_path, "code,level\nFRK2,2\nFRK,2\nPL91,7\n")
    ctx = context_for(f)
    spec = StagingSpec("stg_c", "t", "t.csv", [Col("code", "code"), Col("level", "level", "INTEGER")],
                       allowed={"level": ["0", "1", "2", "3"]},
                       checks=[("length(code) - 2 = level", "level does not match the code"),
                               ("EXISTS (SELECT 1 FROM staging.stg_nuts_codes n WHERE n.nuts_code = _t.code)",
                                "not in the code list")])
    assert load(ctx, spec) == 1
    assert rows(ctx, "SELECT line, reason FROM quarantine ORDER BY line") == [
        (3, "level does not match the code"),
        (4, "column 'level': value 7 is not one of 0, 1, 2, 3"),
    ]


def test_composite_unique_key_with_empty_parts(tmp_path):
    f = write(tmp_path, "a,b,v\nx,,1\nx,,2\nx,y,3\n")
    ctx = context_for(f)
    spec = StagingSpec("stg_u", "t", "t.csv", [Col("a", "a"), Col("b", "b"), Col("v", "v")], unique=["a", "b"])
    assert load(ctx, spec) == 2
    assert rows(ctx, "SELECT line, reason FROM quarantine") == [(3, "duplicate key (a, b) already on line 2")]


def test_quarantined_record_keeps_the_raw_values_and_the_summary_adds_up(tmp_path):
    f = write(tmp_path, "code,n\nFRK2,1\nFRK2,x\n")
    ctx = context_for(f)
    assert load(ctx, StagingSpec("stg_r", "t", "t.csv", [Col("code", "code"), Col("n", "n", "INTEGER")])) == 1
    [(record,)] = rows(ctx, "SELECT record FROM quarantine")
    assert json.loads(record) == {"code": "FRK2", "n": "x"}
    assert rows(ctx, "SELECT file, target_table, rows_read, rows_kept, rows_quarantined FROM build_source_summary") == [
        (str(f), "staging.stg_r", 2, 1, 1)]


def test_parquet_files_load_through_the_same_spec(tmp_path):
    f = tmp_path / "t.parquet"
    duckdb.connect().execute(f"""COPY (SELECT * FROM (VALUES ('FRK2', 1.5, true), ('PL91', NULL, false))
                                 t(nutsCode, ecContribution, SME)) TO '{f}' (FORMAT parquet)""")
    ctx = context_for(f, fmt="parquet")
    spec = StagingSpec("stg_p", "t", "t.parquet", [Col("nuts_code", "nutsCode"), Col("ec", "ecContribution", "DOUBLE"),
                                                   Col("is_sme", "SME", "BOOLEAN")], nuts={"nuts_code": "mixed"})
    assert load(ctx, spec) == 2
    assert rows(ctx, "SELECT * FROM staging.stg_p ORDER BY source_line") == [("FRK2", 1.5, True, 1), ("PL91", None, False, 2)]


@pytest.mark.parametrize("fast", [True, False])
def test_large_files_give_the_same_staging_table_on_both_read_paths(tmp_path, monkeypatch, fast):
    from pipelines import readers

    monkeypatch.setattr(readers, "FAST_PATH_MIN_BYTES", 0 if fast else 10**12)
    body = "".join(f"FRK2,{i}\n" if i % 1000 else f"FRXX,{i}\n" for i in range(1, 5001))
    f = write(tmp_path, "code,n\n" + body)
    ctx = context_for(f)
    assert load(ctx, StagingSpec("stg_big", "t", "t.csv", [Col("code", "code"), Col("n", "n", "INTEGER")],
                                 nuts={"code": "mixed"})) == 4995
    assert rows(ctx, "SELECT list(line ORDER BY line) FROM quarantine") == [([1001, 2001, 3001, 4001, 5001],)]
    assert rows(ctx, "SELECT min(source_line), max(source_line) FROM staging.stg_big") == [(2, 5000)]


def test_a_repeat_of_a_rejected_row_is_not_a_duplicate(tmp_path):
    f = write(tmp_path, "code,n\nFRK2,x\nFRK2,2\nFRK2,3\n")
    ctx = context_for(f)
    spec = StagingSpec("stg_d", "t", "t.csv", [Col("code", "code"), Col("n", "n", "INTEGER")], unique=["code"])
    assert load(ctx, spec) == 1
    assert rows(ctx, "SELECT n, source_line FROM staging.stg_d") == [(2, 3)]
    assert rows(ctx, "SELECT line, reason FROM quarantine ORDER BY line") == [
        (2, "column 'n': cannot read x as INTEGER"), (4, "duplicate key (code) already on line 3")]
