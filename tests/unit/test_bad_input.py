"""Every kind of bad input the build can meet gives a clear error naming the file, or quarantined rows with a reason:
never a traceback, never a silent drop (issue 2, "Bad input")."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import duckdb
import pytest

from pipelines import cli, manifest, runner
from pipelines.context import BuildContext
from pipelines.errors import ChecksumMismatch, InputFileError, PipelineError
from pipelines.readers import read_json, read_text
from pipelines.staging_spec import Col, StagingSpec, load

BAD = Path(__file__).resolve().parent.parent / "fixtures" / "bad_input"


def fixture_context(*names: str, delimiter: str = ",", encoding: str = "utf-8") -> BuildContext:
    """A build context over an in-memory DuckDB whose manifest lists the given fixture files (source 'fixture')."""
    files = tuple(
        manifest.RawFile(source_id="fixture", path=str(BAD / n), sha256=manifest.sha256_of(BAD / n),
                         format="csv.gz" if n.endswith(".gz") else "csv", delimiter=delimiter, encoding=encoding,
                         nuts_version="2021")
        for n in names
    )
    source = manifest.Source("fixture", "Fixture", "tests", "test", "", "", "2021", files)
    ctx = BuildContext(con=duckdb.connect(), sources={"fixture": source}, log=lambda _m: None)
    ctx.init()
    ctx.con.execute("""CREATE TABLE staging.stg_nuts_codes AS SELECT * FROM (VALUES
        ('2021', 'AT11', 2, 'AT', 'Burgenland'), ('2021', 'AT12', 2, 'AT', 'Niederösterreich'),
        ('2021', 'DE21', 2, 'DE', 'Oberbayern'), ('2021', 'EL30', 2, 'EL', 'Attiki'))
        AS t(nuts_version, nuts_code, level, country_code, name)""")
    return ctx


def fixture_spec(name: str) -> StagingSpec:
    return StagingSpec(
        table="stg_fixture", source_id="fixture", file=name,
        columns=[Col("nuts_code", "region_code"), Col("name", "region_name"), Col("hub_count", "hub_count", "INTEGER"),
                 Col("category", "category")],
        required=["nuts_code", "name"],
        unique=["nuts_code"],
        allowed={"category": ["less_developed", "transition", "more_developed"]},
        nuts={"nuts_code": "2021"},
    )


def quarantined(ctx: BuildContext) -> list[tuple]:
    return ctx.con.execute("SELECT file, line, reason, record FROM quarantine ORDER BY line").fetchall()


def test_the_clean_file_loads_completely():
    ctx = fixture_context("good.csv")
    assert load(ctx, fixture_spec("good.csv")) == 3
    assert quarantined(ctx) == []
    rows = ctx.con.execute("SELECT nuts_code, name, hub_count, source_line FROM staging.stg_fixture").fetchall()
    assert rows == [("AT11", "Burgenland", 3, 2), ("DE21", "Oberbayern", 12, 3), ("EL30", "Attiki, incl. Piraeus", 7, 4)]


def test_truncated_csv_quarantines_the_cut_rows_with_their_lines():
    ctx = fixture_context("truncated.csv")
    assert load(ctx, fixture_spec("truncated.csv")) == 1
    rows = quarantined(ctx)
    assert [(Path(f).name, line) for f, line, _, _ in rows] == [("truncated.csv", 3), ("truncated.csv", 4)]
    assert "row has 3 fields, the header has 4" in rows[0][2]
    assert "ends inside a quoted field (truncated file)" in rows[1][2]
    summary = ctx.con.execute("SELECT rows_read, rows_kept, rows_quarantined FROM build_source_summary").fetchall()
    assert summary == [(3, 1, 2)]


@pytest.mark.parametrize("name, message", [
    ("wrong_delimiter.csv", "the file uses the wrong delimiter (expected ',')"),
    ("latin1.csv", "line 3 is not valid utf-8"),
    ("missing_column.csv", "missing required column(s) ['hub_count']"),
    ("empty.csv", "the file is empty"),
    ("unreadable.csv.gz", "not a readable gzip file"),
])
def test_file_level_problems_stop_with_a_message_naming_the_file(name, message):
    ctx = fixture_context(name)
    with pytest.raises(InputFileError) as err:
        load(ctx, fixture_spec(name))
    assert str(BAD / name) in str(err.value)
    assert message in str(err.value)
    assert not ctx.con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'stg_fixture'"
                               ).fetchall()[0][0]


def test_latin1_error_points_at_the_offending_bytes():
    with pytest.raises(InputFileError) as err:
        load(fixture_context("latin1.csv"), fixture_spec("latin1.csv"))
    assert "byte 0xf6" in str(err.value) and "Latin-1" in str(err.value)


def test_duplicate_keys_keep_the_first_row_and_quarantine_the_repeat():
    ctx = fixture_context("duplicate_keys.csv")
    assert load(ctx, fixture_spec("duplicate_keys.csv")) == 2
    [(file, line, reason, record)] = quarantined(ctx)
    assert line == 4 and reason == "duplicate key (nuts_code) already on line 2"
    assert json.loads(record)["region_name"] == "Burgenland again"
    assert ctx.con.execute("SELECT name FROM staging.stg_fixture WHERE nuts_code = 'AT11'").fetchall() == [("Burgenland",)]


def test_unknown_nuts_codes_aggregates_and_extra_regio_are_quarantined_with_distinct_reasons():
    ctx = fixture_context("unknown_nuts.csv")
    assert load(ctx, fixture_spec("unknown_nuts.csv")) == 1
    reasons = {json.loads(rec)["region_code"]: reason for _, _, reason, rec in quarantined(ctx)}
    assert reasons["XX99"] == "column 'region_code': XX99 is not a NUTS 2021 code"
    assert "EU28 is a statistical aggregate" in reasons["EU28"]
    assert "ATZZ is an Extra-Regio code" in reasons["ATZZ"]


def test_bad_values_are_quarantined_one_reason_each():
    ctx = fixture_context("bad_values.csv")
    assert load(ctx, fixture_spec("bad_values.csv")) == 0
    assert [(line, reason) for _, line, reason, _ in quarantined(ctx)] == [
        (2, "column 'hub_count': cannot read three as INTEGER"),
        (3, "missing required value in column 'region_name'"),
        (4, "column 'category': value very_developed is not one of less_developed, transition, more_developed"),
    ]


def test_gzip_is_read_like_the_plain_file():
    ctx = fixture_context("good.csv.gz")
    assert load(ctx, fixture_spec("good.csv.gz")) == 3


def test_a_gzip_missing_only_its_trailer_is_still_caught(tmp_path):
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes((BAD / "good.csv.gz").read_bytes()[:-4])  # CRC intact, length field gone
    with pytest.raises(InputFileError, match="cut.csv.gz: not a readable gzip file"):
        read_text(cut)


def test_unreadable_json_names_the_file_and_the_line():
    with pytest.raises(InputFileError) as err:
        read_json(BAD / "broken.json")
    assert str(BAD / "broken.json") in str(err.value) and "line 2" in str(err.value)


def test_changed_checksum_stops_the_build_naming_the_file(tmp_path):
    copy = tmp_path / "good.csv"
    copy.write_bytes((BAD / "good.csv").read_bytes())
    entry = manifest.RawFile("fixture", str(copy), manifest.sha256_of(copy), "csv", ",", "utf-8")
    sources = {"fixture": manifest.Source("fixture", "Fixture", "", "", "", "", "2021", (entry,))}
    assert manifest.verify(sources) == [entry]
    copy.write_bytes(copy.read_bytes().replace(b"Burgenland", b"Burgenlant"))
    with pytest.raises(ChecksumMismatch) as err:
        manifest.verify(sources)
    assert str(copy) in str(err.value) and "checksum changed" in str(err.value)


# --- the whole build: a failure leaves the previous warehouse as it was ----------------------------------------------

def _sources_with(source_id: str, name: str, replacement: Path, folder: Path) -> dict:
    """The real manifest, with one raw file swapped for a copy of a fixture under the raw file's name (its checksum
    recorded, so the checksums pass and only reading the file fails)."""
    copy = folder / "raw" / name
    copy.parent.mkdir(exist_ok=True)
    copy.write_bytes(replacement.read_bytes())
    sources = manifest.load()
    src = sources[source_id]
    files = tuple(dataclasses.replace(f, path=str(copy), sha256=manifest.sha256_of(copy))
                  if f.name == name else f for f in src.files)
    return {**sources, source_id: dataclasses.replace(src, files=files)}


def _previous_warehouse(target: Path) -> None:
    con = duckdb.connect(str(target))
    con.execute("CREATE TABLE previous_build AS SELECT 'still here' AS marker")
    con.close()


def _assert_previous_warehouse_intact(target: Path) -> None:
    con = duckdb.connect(str(target), read_only=True)
    assert con.execute("SELECT marker FROM previous_build").fetchall() == [("still here",)]
    con.close()
    leftovers = [p.name for p in target.parent.iterdir() if p.name not in (target.name, target.name + ".lock")]
    assert leftovers == [], f"temporary files left behind: {leftovers}"


def test_a_failed_build_leaves_the_previous_warehouse_and_no_temp_file(tmp_path):
    target = tmp_path / "warehouse" / "atlas.duckdb"
    target.parent.mkdir()
    _previous_warehouse(target)
    sources = _sources_with("gisco_postcodes", "pc2024_nuts3.csv.gz", BAD / "unreadable.csv.gz", tmp_path)
    with pytest.raises(InputFileError) as err:
        runner.build(target=target, log=lambda _m: None, layers=("staging",), sources=sources)
    assert "pc2024_nuts3.csv.gz: not a readable gzip file" in str(err.value)
    _assert_previous_warehouse_intact(target)


def test_an_interrupted_build_leaves_the_previous_warehouse_and_no_temp_file(tmp_path):
    target = tmp_path / "atlas.duckdb"
    _previous_warehouse(target)

    def interrupt_after_first_step(message: str) -> None:
        if message.startswith("[staging]"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        runner.build(target=target, log=interrupt_after_first_step, layers=("staging",))
    _assert_previous_warehouse_intact(target)


def test_a_changed_checksum_fails_before_any_temp_file(tmp_path):
    target = tmp_path / "atlas.duckdb"
    _previous_warehouse(target)
    sources = manifest.load()
    src = sources["jrc_dih_catalogue"]
    sources["jrc_dih_catalogue"] = dataclasses.replace(
        src, files=tuple(dataclasses.replace(f, sha256="0" * 64) for f in src.files))
    with pytest.raises(ChecksumMismatch) as err:
        runner.build(target=target, log=lambda _m: None, sources=sources)
    assert "jrc_dih_catalogue_2022-02.csv" in str(err.value)
    _assert_previous_warehouse_intact(target)


def test_the_cli_reports_a_failed_build_as_one_error_line_and_exit_code_2(tmp_path, monkeypatch, capsys):
    target = tmp_path / "warehouse" / "atlas.duckdb"
    target.parent.mkdir()
    _previous_warehouse(target)
    bad = _sources_with("jrc_dih_catalogue", "jrc_dih_catalogue_2022-02.csv", BAD / "latin1.csv", tmp_path)
    monkeypatch.setattr(manifest, "load", lambda *a, **k: bad)
    code = cli.main(["build", "--target", str(target)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and "jrc_dih_catalogue_2022-02.csv: line 3 is not valid utf-8" in err
    assert "Traceback" not in err
    _assert_previous_warehouse_intact(target)


def test_pipeline_errors_are_the_ones_the_cli_catches():
    assert issubclass(InputFileError, PipelineError) and issubclass(ChecksumMismatch, PipelineError)


# --- GeoJSON and the geometry cache ----------------------------------------------------------------------------------

def _nuts_step():
    import importlib

    return importlib.import_module("pipelines.staging.10_nuts_geometries")


def test_a_geojson_feature_without_gisco_properties_names_the_file(tmp_path):
    bad = tmp_path / "NUTS_RG_20M_2021_4326_LEVL_0.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"NUTS_ID": "AT"}, "geometry": {"type": "Point", "coordinates": [1, 2]}}]}))
    with pytest.raises(InputFileError) as err:
        _nuts_step()._frame((bad, json.loads(bad.read_text())["features"]), "2021")
    assert str(bad) in str(err.value) and "LEVL_CODE" in str(err.value)


def test_geometry_cache_hit_gives_the_same_tables_and_a_corrupt_cache_is_rebuilt(tmp_path, monkeypatch):
    step = _nuts_step()
    monkeypatch.setattr(step, "CACHE", tmp_path / "cache")

    def tables(con):
        return [con.execute(f"SELECT md5(string_agg(nuts_code || level || source_line, ',' ORDER BY nuts_code, "
                            f"source_line)), count(*) FROM staging.{t}").fetchall()[0]
                for t in ("stg_nuts_regions", "stg_nuts_labels")]

    def fresh_context():
        ctx = BuildContext(con=duckdb.connect(), sources=manifest.load(), log=lambda _m: None)
        ctx.init()
        return ctx

    first = fresh_context()
    assert step._load_geometry_tables(first) == "cache miss"
    second = fresh_context()
    assert step._load_geometry_tables(second) == "cache hit"
    assert tables(first.con) == tables(second.con)
    assert first.con.execute("SELECT count(*) FROM staging.stg_nuts_regions WHERE nuts_version = '2021' AND level = 2"
                             ).fetchall() == [(333,)]
    for cached in (tmp_path / "cache").rglob("*.parquet"):
        cached.write_bytes(b"not parquet")
    third = fresh_context()
    assert step._load_geometry_tables(third) == "cache miss"
    assert tables(third.con) == tables(first.con)
