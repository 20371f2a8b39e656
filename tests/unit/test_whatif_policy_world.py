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
    # AA12 (edih:2, lon 1.5) borders BB11 (edih:3 at lon 2.5: 111.2 km; jrc:11 at 2.4: 100.1 km) across the border.
    # AA12's only 2021-2027 gap is CYB (weak: edih:1's level 2; AI is covered by edih:1, which serves AA12).
    # edih:3 has CYB 4 and jrc:11 CYB 5 → each closes CYB for AA12. BB11's only priority domain ROB is covered
    # (jrc:11 level 4): no gap for an AA hub to close. AA11's edih:1 is 211-222 km from BB11's hubs and not a
    # neighbour; far:1, no:1 and uk:1 lie in no EU NUTS 2 region: no pair.
    assert got == [("edih:2", "edih:3", True, 111.2, "Cybersecurity", None, False),
                   ("edih:2", "jrc:11", True, 100.1, "Cybersecurity", None, False)]


def test_specialisation_by_hub_group(world):
    got = world.execute("""SELECT hub_group, domain_code, n_hubs, n_with_domain FROM policy_q_specialisation
                           ORDER BY ALL""").fetchall()
    # EDIH-catalogue hubs in EU countries: edih:1, edih:3, far:1 (DEP-funded EDIHs) and edih:2 (Seal); no:1 is in
    # Norway. The world's domains are AI/CYB/HPC, not TECH_*: no hub has a policy domain
    assert {(g, n) for g, _, n, _ in got} == {("Digital Europe-funded EDIH", 3), ("Seal of Excellence (not funded)", 1)}
    assert {w for *_, w in got} == {0}


def test_change_marts_need_both_periods(world):
    # the world has no 2014-2020 priorities: no region has lists in both periods
    assert world.execute("SELECT count(*) FROM change_region_coverage").fetchone()[0] == 0
    # hubs: edih:1 + jrc:10 linked → in both catalogues; the other EDIH-catalogue records are new since 2022; the
    # other JRC records are not in the 2025 catalogue
    got = dict(world.execute("SELECT organisation_key, change FROM change_hubs").fetchall())
    assert got == {"edih:1": "in both catalogues", "edih:2": "new since 2022", "edih:3": "new since 2022",
                   "far:1": "new since 2022", "no:1": "new since 2022", "jrc:11": "not in the 2025 catalogue",
                   "uk:1": "not in the 2025 catalogue"}
    summary = {r[0]: r[1:] for r in world.execute("""SELECT country_code, n_organisations_2022, n_organisations_2025,
                                                     n_new_since_2022 FROM change_catalogue_summary""").fetchall()}
    # EU = AA + BB only (NO and UK are not EU): 2022: edih:1 (jrc:10), jrc:11; 2025: edih:1, edih:2, edih:3, far:1
    assert summary["EU"] == (2, 4, 3)
