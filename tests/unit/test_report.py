"""The data-quality report: Markdown → HTML conversion, section discovery, and a report of a small warehouse."""
from __future__ import annotations

import sys
import types

import duckdb
import pytest

from pipelines import report
from pipelines.context import BuildContext
from pipelines.errors import PipelineError


def test_markdown_to_html_renders_headings_tables_lists_and_escapes():
    md = ("# Title\n\nSome **bold** and `code <x>` text.\n\n| a | b |\n|---|---|\n| 1 \\| 2 | <script> |\n\n"
          "- one\n- two `t`\n\n## Next\n")
    page = report.markdown_to_html(md, title="T & Q")
    assert "<title>T &amp; Q</title>" in page
    assert "<h1>Title</h1>" in page and "<h2>Next</h2>" in page
    assert "<strong>bold</strong>" in page and "<code>code &lt;x&gt;</code>" in page
    assert "<th>a</th><th>b</th>" in page and "<td>1 | 2</td><td>&lt;script&gt;</td>" in page
    assert "<ul><li>one</li><li>two <code>t</code></li></ul>" in page
    assert "<script>" not in page and "http" not in page.split("<body>")[1]  # self-contained, nothing fetched


def _small_warehouse(path):
    con = duckdb.connect(str(path))
    ctx = BuildContext(con=con, sources={}, log=lambda _m: None)
    ctx.init()
    con.execute("""CREATE TABLE staging.stg_demo AS SELECT * FROM (VALUES
        ('AT11', 'AT', '2014-2020', 2015, 1), ('DE212', 'DE', '2021-2027', 2016, 2))
        AS t(nuts_code, country_code, period, year, source_line)""")
    con.execute("""CREATE TABLE source_catalogue AS SELECT 'demo' AS source_id, 'Demo source' AS title, 'p' AS publisher,
        '2026-01' AS snapshot, 'https://example.org' AS upstream_url, 'CC BY 4.0' AS licence, '2021' AS nuts_version,
        'raw/demo/x.csv (sha256 ' || repeat('ab', 32) || ')' AS files""")
    ctx.record_source("demo", "raw/demo/x.csv", "staging.stg_demo", 4, 2, 2)
    con.execute("""INSERT INTO quarantine VALUES
        ('staging', 'demo', 'raw/demo/x.csv', 3, 'column ''geo'': EU28 is a statistical aggregate', '{"geo":"EU28"}'),
        ('staging', 'demo', 'raw/demo/x.csv', 5, 'column ''geo'': EFTA is a statistical aggregate', '{"geo":"EFTA"}')""")
    con.close()


def test_report_of_a_small_warehouse(tmp_path):
    wh = tmp_path / "atlas.duckdb"
    _small_warehouse(wh)
    md_path, html_path = report.write_report(wh, tmp_path / "reports")
    md = md_path.read_text(encoding="utf-8")
    assert "| `demo` — Demo source | 2026-01 | 2021 | 4 | 2 | 2 | 50.00 % |" in md
    assert "| `staging.stg_demo` | 2 | 2 (`country_code`) | 2: 1, 3: 1 (`nuts_code`) | 2014-2020, 2021-2027; 2015–2016 |" in md
    # both aggregates fall under one generalised reason, with examples naming file and line
    assert "| staging | demo | column 'geo': <code> is a statistical aggregate | 2 | `x.csv:3`" in md
    assert f"`{'ab' * 32}`" in md and "https://example.org" in md
    assert html_path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_sections_from_report_sections_are_rendered_and_a_failing_one_is_shown(tmp_path, monkeypatch):
    wh = tmp_path / "atlas.duckdb"
    _small_warehouse(wh)
    good = types.ModuleType("pipelines.report_sections.zz_demo")
    good.section = lambda con: "## Demo section\n\n- rows: " + str(con.execute("SELECT count(*) FROM staging.stg_demo").fetchall()[0][0])
    bad = types.ModuleType("pipelines.report_sections.zz_broken")

    def broken(con):
        raise RuntimeError("table not built")
    bad.section = broken
    monkeypatch.setitem(sys.modules, good.__name__, good)
    monkeypatch.setitem(sys.modules, bad.__name__, bad)
    monkeypatch.setattr(report, "discover_sections", lambda: [("zz_broken", bad.section), ("zz_demo", good.section)])
    md = report.write_report(wh, tmp_path / "r")[0].read_text(encoding="utf-8")
    assert "## Demo section\n\n- rows: 2" in md
    assert "## zz_broken" in md and "RuntimeError: table not built" in md


def test_discover_sections_finds_modules_with_a_section_function():
    for name, fn in report.discover_sections():
        assert callable(fn) and not name.startswith("_")


def test_missing_warehouse_is_a_pipeline_error(tmp_path):
    with pytest.raises(PipelineError, match="warehouse not found"):
        report.write_report(tmp_path / "nope.duckdb", tmp_path)
