"""The recorded counts in data/sources.yml: malformed entries are named, `manifest --update` keeps them, and
`--accept-changes` records a new snapshot's counts (issue 11, item 1)."""
from __future__ import annotations

import dataclasses
import shutil

import duckdb
import pytest

from pipelines import manifest, paths, runner
from pipelines.errors import PipelineError

ENTRY = ("      - {path: raw/x/1/a.csv, format: csv, delimiter: \",\", rows: 3, "
         "totals: {\"EU Amount\": 6.00}, sha256: 00}\n")


def manifest_with(tmp_path, entry: str):
    path = tmp_path / "sources.yml"
    path.write_text(f"sources:\n  x:\n    title: X\n    files:\n{entry}", encoding="utf-8")
    return path


@pytest.mark.parametrize("fragment, message", [
    ("rows: many", "rows must be a whole number >= 0, not 'many'"),
    ("rows: -1", "rows must be a whole number >= 0, not -1"),
    ("min_rows: 2.5", "min_rows must be a whole number >= 0, not 2.5"),
    ("totals: [1, 2]", "totals must map a column to its sum"),
    ("totals: {a: lots}", "the total of 'a' must be a number, not 'lots'"),
])
def test_a_malformed_count_names_the_entry(tmp_path, fragment, message):
    path = manifest_with(tmp_path, f"      - {{path: raw/x/1/a.csv, {fragment}, sha256: 00}}\n")
    with pytest.raises(PipelineError) as err:
        manifest.load(path)
    assert "raw/x/1/a.csv" in str(err.value) and message in str(err.value)


def test_update_checksums_keeps_rows_and_totals(tmp_path, monkeypatch):
    raw = tmp_path / "raw" / "x" / "1"
    raw.mkdir(parents=True)
    (raw / "a.csv").write_text("k,EU Amount\na,1\nb,2\nc,3\n")
    monkeypatch.setattr(paths, "DATA", tmp_path)
    path = manifest_with(tmp_path, ENTRY)
    assert manifest.update_checksums(path) == 1
    [f] = manifest.load(path)["x"].files
    assert f.rows == 3 and f.totals == (("EU Amount", 6.0),) and f.sha256 == manifest.sha256_of(raw / "a.csv")


def test_record_counts_writes_the_new_rows_and_totals_in_place(tmp_path):
    path = manifest_with(tmp_path, ENTRY)
    [f] = manifest.load(path)["x"].files
    changed = manifest.record_counts({f.path: (f, 5, {"EU Amount": 10.5})}, path)
    assert changed and "rows 3 → 5" in changed[0]
    [g] = manifest.load(path)["x"].files
    assert g.rows == 5 and g.totals == (("EU Amount", 10.5),) and "sha256: 00}" in path.read_text()
    assert path.read_text().startswith("sources:\n  x:\n    title: X\n")


def test_record_counts_starts_counting_a_new_entry(tmp_path):
    path = manifest_with(tmp_path, "      - {path: raw/x/1/b.csv, format: csv, sha256: 00}\n")
    [f] = manifest.load(path)["x"].files
    assert manifest.record_counts({f.path: (f, 42, {})}, path) == ["raw/x/1/b.csv: rows 42 (first recorded)"]
    assert "{path: raw/x/1/b.csv, format: csv, rows: 42, sha256: 00}" in path.read_text()


def test_the_real_manifest_records_counts_for_every_file_staging_reads():
    files = [f for s in manifest.load().values() for f in s.files if f.format in ("csv", "csv.gz", "parquet")]
    unrecorded = [f.path for f in files if f.rows is None and f.min_rows is None]
    assert unrecorded == [], "record them: python -m pipelines manifest --update --accept-changes"
    money = {f.name: dict(f.totals) for f in files if f.totals}
    assert money["treatment_erdf.csv"]["erdf_eur"] == pytest.approx(570_151_270_452.0)


def test_an_accepted_change_is_recorded_in_build_source_checks(tmp_path):
    """A staging build with one snapshot shortened and --accept-changes: the warehouse says what was accepted."""
    sources = manifest.load()
    src = sources["s3_priorities_curated"]
    real = manifest.raw_file(sources, "s3_priorities_curated", "s3_priorities.csv")
    copy = tmp_path / "s3_priorities.csv"
    lines = real.abspath.read_text(encoding="utf-8").splitlines(keepends=True)
    copy.write_text("".join(lines[:1000]), encoding="utf-8")
    files = tuple(dataclasses.replace(f, path=str(copy), sha256=manifest.sha256_of(copy)) if f.name == real.name
                  else f for f in src.files)
    sources = {**sources, "s3_priorities_curated": dataclasses.replace(src, files=files)}
    target = tmp_path / "atlas.duckdb"
    with pytest.raises(PipelineError, match="s3_priorities.csv: the snapshot differs"):
        runner.build(target, log=lambda _m: None, layers=("staging",), sources=sources)
    assert not target.exists()
    runner.build(target, log=lambda _m: None, layers=("staging",), sources=sources, accept_changes=True)
    con = duckdb.connect(str(target), read_only=True)
    rows = con.execute("SELECT check_name, recorded, actual, status FROM build_source_checks "
                       "WHERE file = ?", [str(copy)]).fetchall()
    ok = con.execute("SELECT count(*) FROM build_source_checks WHERE status = 'ok'").fetchone()[0]
    con.close()
    assert rows[0][0] == "rows" and rows[0][1] == real.rows and rows[0][3] == "changed (accepted)"
    assert rows[0][2] < 1000 and ok >= 20
    shutil.rmtree(tmp_path)
