"""Policy-questions page: each question shows a chart, an answer computed from its mart, a table and caveats."""
from __future__ import annotations

import pytest

from .conftest import all_text, plotly_specs

PAGE = "views/policy.py"


@pytest.mark.parametrize("q, table", [("a", "policy_q_specialisation"), ("b", "policy_q_funding_alignment"),
                                      ("c", "policy_q_strategy_misalignment"), ("d", "policy_q_cross_border_pairs")])
def test_each_question_has_chart_answer_table_and_caveats(open_page, wh, q, table):
    at = open_page(PAGE, q=q)
    assert plotly_specs(at), "no chart"
    text = all_text(at)
    assert "**Answer:**" in text
    assert any(i.value.startswith("Caveats:") for i in at.info)
    assert at.dataframe and all(len(d.value.columns) for d in at.dataframe)
    assert wh.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0
    assert "Download CSV" in [b.label for b in at.get("download_button")]


def test_specialisation_answer_uses_the_marts_shares(open_page, wh):
    at = open_page(PAGE, q="a")
    share = wh.execute("""SELECT share_with_domain FROM policy_q_specialisation
                          WHERE hub_group = 'Digital Europe-funded EDIH' AND domain_code = 'TECH_AI'""").fetchone()[0]
    assert f"{100 * share:.0f} % of Digital Europe-funded EDIHs declare AI" in all_text(at)


def test_cross_border_pairs_toggle(open_page, wh):
    at = open_page(PAGE, q="d")
    mutual = wh.execute("SELECT count(*) FROM policy_q_cross_border_pairs WHERE both_directions").fetchone()[0]
    assert len(at.dataframe[0].value) == mutual
    at.toggle(key="pq_mutual").set_value(False).run()
    assert len(at.dataframe[0].value) == wh.execute("SELECT count(*) FROM policy_q_cross_border_pairs").fetchone()[0]
