"""Partner suggestions against a hand-judged sample (tests/fixtures/partner_suggestions_sample.csv, README in
tests/fixtures/partner_suggestions_sample.md): 46 suggestions for EU NUTS 2 regions, 2021-2027, judged 'plausible',
'doubtful' or 'implausible' from the warehouse facts before the evidence rule PARTNER_LISTED_RULE was set (34
calibration, 12 held out), and 5 suggestions that entered the sampled lists with the rule ('entrant', judged after).
The suggestions the built warehouse still makes must keep the precision measured in docs/methodology.md (T6)."""
from __future__ import annotations

import csv

import pytest

from pipelines import method
from tests.conftest import FIXTURES

SAMPLE = FIXTURES / "partner_suggestions_sample.csv"


@pytest.fixture(scope="module")
def judged(wh):
    rows = list(csv.DictReader(open(SAMPLE, encoding="utf-8")))
    present = {(n, d, h): (rank, grade) for n, d, h, rank, grade in wh.execute(
        """SELECT nuts_code, domain_code, hub_id, rank, evidence_grade FROM partner_suggestions
           WHERE level = 2 AND period = '2021-2027'""").fetchall()}
    for r in rows:
        r["now"] = present.get((r["nuts_code"], r["domain_code"], r["hub_id"]))
    return rows


def precision(rows) -> float:
    return sum(r["judgement"] == "plausible" for r in rows) / len(rows)


def test_the_sample_is_spread_and_judged(judged):
    assert len(judged) >= 40
    assert {r["judgement"] for r in judged} <= {"plausible", "doubtful", "implausible"}
    assert all(r["reasoning"].strip() for r in judged)
    assert {r["suggestion_type"] for r in judged} == {"fill", "strengthen"}
    assert {r["rank"] for r in judged} == {"1", "2", "3", "4", "5"}
    assert len({r["nuts_code"][:2] for r in judged}) >= 15
    assert {"within 500 km", "neighbouring region", "fallback: same country", "fallback: EU"} <= {
        r["rule"] for r in judged}
    first = [r for r in judged if r["part"] in ("calibration", "held_out")]  # drawn before the rule change
    assert len(first) >= 40
    assert 0.2 <= sum(r["part"] == "held_out" for r in first) / len(first) <= 0.3


def test_suggestions_still_made_keep_their_precision(judged):
    present = [r for r in judged if r["now"]]
    # 22 of 46 plausible (0.48) before the rule; 22 of 35 (0.63) of those the default rule still makes, 25 of 40
    # (0.625) with the 5 entrants
    assert len(present) >= 30
    assert precision(present) >= 0.60, precision(present)
    held_out = [r for r in present if r["part"] == "held_out"]
    # held out: 3 of 12 (0.25) before, 3 of 10 (0.30) after — the rule must not lower it
    assert precision(held_out) >= 3 / 12


def test_sector_list_evidence_is_suggested_only_without_an_alternative(judged, wh):
    # the judged 'listed' suggestions were 1 of 14 plausible: most give way to declared or inferred hubs
    listed = [r for r in judged if r["now"] and r["now"][1] == "listed"]
    assert method.PARTNER_LISTED_RULE == "no_alternative"
    assert len(listed) <= 4
    # and no region × domain keeps a 'listed' suggestion next to a declared or inferred one (each region × domain's
    # suggestions come from one rule tier)
    mixed = wh.execute("""SELECT count(*) FROM (
            SELECT nuts_code, level, period, domain_code FROM partner_suggestions
            GROUP BY ALL
            HAVING bool_or(evidence_grade = 'listed') AND bool_or(evidence_grade <> 'listed'))""").fetchone()[0]
    assert mixed == 0
