"""What-if page: templates, valid, partly invalid and hostile uploads (tests/fixtures/whatif), against the warehouse
built for the test session. Every upload must end in clear messages and no exception."""
from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import all_text

PAGE = "views/whatif.py"
FILES = Path(__file__).resolve().parents[1] / "fixtures" / "whatif"


def _upload(at, name: str, content: bytes | None = None):
    content = (FILES / name).read_bytes() if content is None else content
    at.file_uploader[0].set_value((name, content, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _frame(at, column: str):
    """The first table on the page with this column (the domain list of the templates comes first)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _messages(at) -> str:
    return "\n".join([e.value for e in at.error] + [w.value for w in at.warning] + [i.value for i in at.info]
                     + [s.value for s in at.success])


def test_page_offers_templates_before_any_upload(open_page):
    at = open_page(PAGE)
    labels = [b.label for b in at.get("download_button")]
    assert "Template (CSV)" in labels and "Template (Excel)" in labels
    assert "Download a template above" in _messages(at)


def test_valid_priorities_show_before_and_after(open_page, wh):
    at = _upload(open_page(PAGE), "priorities_hamburg.csv")
    text = all_text(at) + _messages(at)
    assert "3 of 3 rows usable" in text and "Recomputed 3 region(s)" in text
    figures = _frame(at, "coverage_all_before").set_index("nuts_code")
    assert list(figures.index) == ["DE", "DE6", "DE60"]
    before = wh.execute("SELECT coverage_all FROM region_alignment WHERE nuts_code = 'DE60' AND period = '2021-2027'"
                        ).fetchone()[0]
    assert figures.loc["DE60", "coverage_all_before"] == before  # before = the warehouse
    gaps = _frame(at, "change")
    assert {"new priority domain, covered", "priority domain dropped"} <= set(gaps.change)
    assert "Download everything (Excel)" in [b.label for b in at.get("download_button")]


def test_partly_invalid_file_lists_each_bad_row(open_page):
    at = _upload(open_page(PAGE), "priorities_partly_invalid.csv")
    assert "2 of 6 rows usable" in all_text(at)
    assert "4 problem(s)" in _messages(at)
    problems = _frame(at, "expected")
    assert set(problems.row) >= {3, 4, 5, 6}
    assert "unknown NUTS code 'XX99'" in set(problems.problem)
    assert any("formula" in p for p in problems.problem)


@pytest.mark.parametrize("name, message", [
    ("empty.csv", "the file is empty"),
    ("header_only.csv", "no data rows"),
    ("binary.csv", "binary data"),
    ("priorities_wrong_columns.csv", "required column 'nuts_code' is missing"),
])
def test_hostile_files_get_a_clear_message(open_page, name, message):
    at = _upload(open_page(PAGE), name)
    assert message in _messages(at) + all_text(at)
    assert "Recomputed" not in _messages(at)


def test_a_10_mb_file_is_refused_with_the_limit(open_page):
    big = b"nuts_code,title\n" + b"DE60,A long priority title for the size test\n" * 250_000
    assert len(big) > 10_000_000
    at = _upload(open_page(PAGE), "big.csv", big)
    assert "over the 1 MB limit" in _messages(at)


def test_excel_with_formula_and_cp1252_csv(open_page):
    at = open_page(PAGE)
    at.file_uploader[0].set_value(("p.xlsx", (FILES / "priorities_formulas.xlsx").read_bytes(),
                                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")).run()
    assert not at.exception
    assert "2 of 3 rows usable" in all_text(at) and "Recomputed" in _messages(at)
    at = _upload(open_page(PAGE), "priorities_cp1252.csv")
    assert "Windows-1252" in _messages(at) and "Recomputed" in _messages(at)


def test_hubs_upload_closes_gaps_or_changes_partners(open_page):
    at = open_page(PAGE, kind="hubs")
    _upload(at, "hubs_valid.csv")
    assert "2 of 2 rows usable" in all_text(at)
    figures = _frame(at, "coverage_all_before").set_index("nuts_code")
    assert figures.loc["DE60", "n_hubs_change"] == 2
    at = _upload(open_page(PAGE, kind="hubs"), "hubs_partly_invalid.csv")
    assert "1 of 6 rows usable" in all_text(at) and "5 problem(s)" in _messages(at)
