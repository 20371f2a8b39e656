"""Data & method: sources with snapshots and licences, coverage of each source, methodology, limits."""
from __future__ import annotations

from .conftest import all_text

PAGE = "views/data_method.py"


def test_sources_coverage_and_method(open_page, wh):
    at = open_page(PAGE)
    sources = at.dataframe[0].value
    assert set(sources.source_id) == {r[0] for r in wh.execute("SELECT source_id FROM source_catalogue").fetchall()}
    assert sources.licence.notna().all() and sources.snapshot.notna().all()
    coverage = at.dataframe[1].value
    assert (coverage.rows_read >= coverage.rows_kept).all()
    text = all_text(at)
    assert "Methodology" in text and "registered address" in text
    method = wh.execute("SELECT method_version FROM build_info").fetchone()[0]
    assert any(m.value == method for m in at.metric)
