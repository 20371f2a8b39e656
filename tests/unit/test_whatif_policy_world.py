"""Policy-question and change marts on the hand-built alignment world (tests/fixtures/alignment_world/README.md),
with the expected rows worked out by hand."""
from __future__ import annotations

import importlib

import pytest

from pipelines.context import BuildContext
from tests.unit.test_alignment_world import build_world


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    con = build_world(tmp_path_factory.mktemp("policy-world"))
    ctx = BuildContext(con=con, sources={}, log=lambda _m: None)
    for step in ("60_change_over_time", "70_policy_questions"):
        importlib.import_module(f"pipelines.marts.{step}").run(ctx)
    yield con
    con.close()


def test_cross_border_pairs_by_hand(world):
    got = world.execute("""SELECT hub_id_a, hub_id_b, neighbouring_regions, round(distance_km, 1),
                                  gaps_b_closes_for_a, gaps_a_closes_for_b, both_directions
                           FROM policy_q_cross_border_pairs ORDER BY ALL""").fetchall()
    # AA12 (edih:2) borders BB11 (edih:3, jrc:11) across the border, 1° = 111.2 km apart. AA12's 2021-2027 gaps:
    # CYB uncovered, AI weak (level 1). edih:3 has CYB 4 and jrc:11 CYB 5 → each closes CYB for AA12. BB11's only
    # priority domain ROB is covered (jrc:11 level 4): no gap for an AA hub to close. AA11's edih:1 is 222 km from
    # BB11 and not a neighbour: no pair.
    assert got == [("edih:2", "edih:3", True, 111.2, "Cybersecurity", None, False),
                   ("edih:2", "jrc:11", True, 111.2, "Cybersecurity", None, False)]


def test_specialisation_by_hub_group(world):
    got = world.execute("""SELECT hub_group, domain_code, n_hubs, n_with_domain FROM policy_q_specialisation
                           ORDER BY ALL""").fetchall()
    # EDIH-catalogue hubs with declared tags in the world's domains: edih:1 (DEP EDIH: AI 5, CYB 2), edih:3 (DEP EDIH:
    # CYB 4, HPC 3), edih:2 (Seal: HPC 4, AI 1). The world's domains are AI/CYB/HPC, not TECH_*: no policy domain
    assert {(g, n) for g, _, n, _ in got} == {("Digital Europe-funded EDIH", 2), ("Seal of Excellence (not funded)", 1)}
    assert {w for *_, w in got} == {0}


def test_change_marts_need_both_periods(world):
    # the world has no 2014-2020 priorities: no region has lists in both periods
    assert world.execute("SELECT count(*) FROM change_region_coverage").fetchone()[0] == 0
    # hubs: edih:1 + jrc:10 linked → in both catalogues; edih:2, edih:3 new since 2022; jrc:11 not in 2025
    got = dict(world.execute("SELECT organisation_key, change FROM change_hubs").fetchall())
    assert got == {"edih:1": "in both catalogues", "edih:2": "new since 2022", "edih:3": "new since 2022",
                   "jrc:11": "not in the 2025 catalogue"}
