"""The alignment marts (atlas-method-2.0) run on a tiny hand-built world (tests/fixtures/alignment_world, see its
README.md, where every expected figure below is worked out by hand), then on random variations of it (properties).

The world (2021-2027; no priorities for 2014-2020) — README.md has the full hand computation:
  regions  AA11 (lon 0-1), AA12 (lon 1-2) in country AA / NUTS 1 AA1; BB11 (lon 2-3) = BB1 = BB. Label points and hubs
           on the equator, so 1° of longitude = 6371.0088 × π/180 = 111.19508 km.
  hubs     edih:1 (EDIH, DEP-funded, AA11; serves AA12 too: assumed NUTS 1 area) + jrc:10 (merged into edih:1)
           edih:2 (Seal of Excellence, AA12); edih:3 (EDIH, DEP-funded, BB11); jrc:11 (JRC DIH, BB11, lon 2.4)
           far:1 (EDIH, DEP-funded, country BB at lon 7.5, declares serving BB11)
           no:1 (EDIH in Norway, a Digital Europe associated country, at lon 1.5 lat 1.2)
           uk:1 (JRC DIH in the United Kingdom, neither EU nor associated, at lon 1.5 lat -0.8)
  competences (organisation, evidence grade):
           edih:1 AI 5, CYB 2, AGRI 3 (declared), ROB 3 (listed, from jrc:10)           total 13
           edih:2 HPC 4, TOUR 3 (declared), AI 1 (inferred)                             total 8
           edih:3 CYB 4, HPC 3 (declared); jrc:11 AGRI 3, ROB 4, CYB 5, TOUR 3 (listed)  7 and 15
           far:1 TOUR 5, CYB 5 (declared); no:1 CYB 3 (declared); uk:1 CYB 5 (listed)
  priorities P1 (AA national: AI, CYB → ½ each), P2 (AA11: AGRI, AI → ½ each), P3 (AA11: TOUR), P4 (AA12: HPC),
           P5 (BB national: ROB). National priorities count ½ next to a regional list (AA regions), 1 alone (BB).
"""
from __future__ import annotations

import math
import random
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import shapely

from pipelines import method
from pipelines.context import BuildContext
from pipelines.runner import discover_steps
from pipelines.sql import missing_tables

WORLD = Path(__file__).resolve().parent.parent / "fixtures" / "alignment_world"
KM_PER_DEGREE = 6371.0088 * math.pi / 180  # 111.19508 km: great-circle length of 1° along the equator
ALIGNMENT_TABLES = ["regions", "hubs", "hub_links", "hub_competences", "hub_service_nuts2", "domains",
                    "s3_strategies", "s3_priorities", "s3_priority_domains", "applicable_priorities",
                    "erdf_planned_by_region", "erdf_payments_by_region", "h2020_by_region"]
TEXT_COLUMNS = {"nuts_code", "parent_code", "country_code", "to_code", "nuts1_code", "nuts2_code", "nuts3_code"}


def alignment_steps():
    """The alignment mart steps (marts band 10-39; 40-49 are the funding marts), exactly as the build runs them."""
    return [s for s in discover_steps(("marts",)) if int(s.name[:2]) < 40]


def read_world(name: str) -> pd.DataFrame:
    frame = pd.read_csv(WORLD / f"{name}.csv", dtype={c: str for c in TEXT_COLUMNS}, keep_default_na=False,
                        na_values=[""])
    return frame


def build_world(tmp_path: Path, frames: dict[str, pd.DataFrame] | None = None,
                database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A warehouse (in memory unless `database` is a file) holding the world's conformed tables (or replacements from
    `frames`), then every alignment mart step run on it."""
    frames = frames or {}
    con = duckdb.connect(database)
    ctx = BuildContext(con=con, sources={}, log=lambda _m: None, notes={"cache_dir": tmp_path / "cache"})
    ctx.init()
    for name in ALIGNMENT_TABLES:
        frame = frames.get(name, read_world(name))
        con.register("frame", frame)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM frame')
        con.unregister("frame")
    con.execute("ALTER TABLE regions ALTER is_eu TYPE BOOLEAN; ALTER TABLE hubs ALTER is_dep_funded TYPE BOOLEAN")
    squares = read_world("region_squares")
    squares["geometry_wkb"] = [shapely.to_wkb(shapely.box(r.lon_min, r.lat_min, r.lon_max, r.lat_max))
                               for r in squares.itertuples()]
    squares["nuts_version"] = "2021"
    con.register("squares", squares[["nuts_version", "nuts_code", "level", "geometry_wkb"]])
    con.execute("CREATE TABLE staging.stg_nuts_regions AS SELECT * FROM squares")
    con.unregister("squares")
    for step in alignment_steps():
        step.run(ctx)
    return con


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    con = build_world(tmp_path_factory.mktemp("world"))
    yield con
    con.close()


def rows(con, sql, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


# --- scores ---------------------------------------------------------------------------------------------------------
def km(lon1, lat1, lon2, lat2) -> float:
    """Great-circle distance as the SQL computes it (haversine, R = 6371.0088 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


# EU-wide competence levels (hubs in EU countries: edih:1, edih:2, edih:3, jrc:11, far:1; not no:1, uk:1): total 53;
# AI 6, CYB 16, HPC 7, ROB 7, AGRI 6, TOUR 11.
EU_TOTAL = 53


def test_every_alignment_mart_is_built(world):
    assert missing_tables(world, ["region_alignment", "gaps", "unaligned_competences", "partner_suggestions",
                                  "policy_alignment", "region_adjacency", "method_parameters", "method_sensitivity",
                                  "method_sensitivity_summary", "published_benchmarks"]) == []


def test_region_coverage_fit_and_ranks_computed_by_hand(world):
    got = {r[0]: r[1:] for r in rows(world, """
        SELECT nuts_code, coverage_all, coverage_declared, coverage_low, coverage_high, fit, rank_in_country, rank_in_eu
        FROM region_alignment WHERE period = '2021-2027'""")}
    # AA11: AI ¼ (P1 × ½) + ½ (P2) = ¾, CYB ¼, AGRI ½, TOUR 1 → 2.5. Served by edih:1 only: AI 5 and AGRI 3 cover
    #       → 1.25 / 2.5 = 0.5, in every reading. fit: 10 of edih:1's 13 levels in AI, CYB, AGRI, TOUR, against
    #       (6 + 16 + 6 + 11)/53 EU-wide → (10/13) / (39/53) = 530/507.
    assert got["AA11"] == (0.5, 0.5, 0.5, 0.5, round(530 / 507, 3), 2, 3)
    # AA12: AI ¼, CYB ¼, HPC 1 → 1.5. Served by edih:2 (address) and edih:1 (assumed): AI 5 (edih:1), HPC 4 cover;
    #       CYB 2 is weak → 1.25/1.5 = 5/6. Address only (edih:2: AI 1, HPC 4) → 1/1.5 = 2/3 = coverage_low;
    #       national weight 1 → (½ + 1)/2 = 0.75. fit: (5 + 7)/21 levels against (6 + 16 + 7)/53 → 212/203.
    assert got["AA12"] == (round(5 / 6, 4), round(5 / 6, 4), round(2 / 3, 4), round(5 / 6, 4), round(212 / 203, 3), 1, 2)
    # BB11: ROB 1 (national list alone: full weight), jrc:11 ROB 4 (listed) covers → 1; declared only → 0.
    #       fit: ROB 4 of 7 + 15 + 10 = 32 serving levels, against 7/53 → 53/56.
    assert got["BB11"] == (1.0, 0.0, 1.0, 1.0, round(53 / 56, 3), 1, 1)
    # AA1 and AA: AI ¾, CYB ¼, AGRI ½, TOUR 1, HPC 1 → 3.5; all but CYB covered → 3.25/3.5 = 13/14.
    assert got["AA1"][0] == got["AA"][0] == round(13 / 14, 4)
    assert got["BB1"][0] == got["BB"][0] == 1.0


def test_old_columns_kept_alignment_score_is_the_headline(world):
    got = {r[0]: r[1:] for r in rows(world, """
        SELECT nuts_code, alignment_score, coverage, focus, is_ranked, not_ranked_reason, n_tied_in_eu, headline_figure
        FROM region_alignment WHERE period = '2021-2027' AND level = 2""")}
    assert got["AA11"] == (50.0, 0.5, round(10 / 13, 4), True, None, 1, "coverage_all")
    assert got["AA12"] == (83.33, round(5 / 6, 4), round(12 / 21, 4), True, None, 1, "coverage_all")
    assert got["BB11"] == (100.0, 1.0, round(4 / 32, 4), True, None, 1, "coverage_all")
    labels = dict(rows(world, """SELECT nuts_code, coverage_label FROM region_alignment
                                 WHERE period = '2021-2027' AND level = 2"""))
    assert labels == {"AA11": "coverage 50 % (50-50 % across readings)",
                      "AA12": "coverage 83 % (67-83 % across readings)",
                      "BB11": "coverage 100 % (100-100 % across readings)"}


def test_method_sensitivity_variants_computed_by_hand(world):
    got = {r[0]: r[1:] for r in rows(world, """
        SELECT variant, coverage, rank FROM method_sensitivity
        WHERE nuts_code = 'AA12' AND period = '2021-2027'""")}
    assert set(got) == {v[0] for v in method.VARIANTS}
    assert got["default"] == (round(5 / 6, 4), 2)
    assert got["address_only"] == (round(2 / 3, 4), 2)  # AA11 0.5, BB11 1 are unchanged at their addresses
    assert got["national_weight_1"] == (0.75, 2)
    assert got["with_digital_general"] == got["inferred_plus1"] == got["listed_minus1"] == (round(5 / 6, 4), 2)
    # BB11 rests on a JRC list: one level lower (ROB 3) still covers; declared evidence only leaves nothing
    bb = dict(rows(world, """SELECT variant, coverage FROM method_sensitivity
                             WHERE nuts_code = 'BB11' AND period = '2021-2027'"""))
    assert bb["listed_minus1"] == 1.0 and bb["declared_only"] == 0.0
    # ranks (level 2): default BB11 1, AA12 2, AA11 3 — the same order in every reading: ρ = 1
    summary = dict(rows(world, """SELECT variant, spearman_rho_vs_default FROM method_sensitivity_summary
                                  WHERE level = 2 AND period = '2021-2027'"""))
    assert summary["default"] == 1.0 and summary["address_only"] == 1.0
    # declared only: BB11 falls from first to last (0), AA11 0.5, AA12 5/6 → ranks 3, 2, 1 against 1, 3, 2: ρ = -0.5
    assert summary["declared_only"] == -0.5


def test_period_without_priorities_has_null_score_and_a_reason(world):
    got = rows(world, """SELECT nuts_code, alignment_score, coverage, no_score_reason, rank_in_eu, is_ranked,
                                not_ranked_reason
                         FROM region_alignment WHERE period = '2014-2020' ORDER BY nuts_code""")
    missing = "no applicable S3 priority found for this period"
    listed = missing + " (listed but not found in the curated S3 data: AA11-2014-2020)"
    why = "no S3 strategy found for this period"
    # AA11's 2014-2020 strategy is listed as not found: AA11, its parent AA1 and country AA say so
    assert got == [("AA", None, None, listed, None, False, why), ("AA1", None, None, listed, None, False, why),
                   ("AA11", None, None, listed, None, False, why), ("AA12", None, None, missing, None, False, why),
                   ("BB", None, None, missing, None, False, why), ("BB1", None, None, missing, None, False, why),
                   ("BB11", None, None, missing, None, False, why)]
    assert rows(world, "SELECT count(*) FROM region_alignment")[0][0] == 7 * 2  # every region × both periods


def test_ranks_withheld_where_evidence_is_thin(tmp_path):
    """BB11's only list is low-confidence (100 % of its weight) → not ranked; AA12 without any serving hub → not
    ranked; the ranked ones keep dense-by-value ranks (ties share a rank)."""
    priorities = read_world("s3_priorities")
    priorities.loc[priorities.priority_id == "P5", "confidence"] = "low"
    hubs = read_world("hubs")
    service = read_world("hub_service_nuts2")
    con = build_world(tmp_path, {"s3_priorities": priorities, "hubs": hubs[hubs.hub_id != "edih:2"],
                                 "hub_service_nuts2": service[service.nuts2_code != "AA12"]})
    got = {r[0]: r[1:] for r in rows(con, """
        SELECT nuts_code, is_ranked, not_ranked_reason, rank_in_eu, coverage_all FROM region_alignment
        WHERE period = '2021-2027' AND level = 2""")}
    assert got["BB11"] == (False, "more than half of its priority weight (100.0 %) comes from low-confidence "
                                  "priority lists", None, 1.0)
    assert got["AA12"] == (False, "no hub serves the region", None, 0.0)
    assert got["AA11"] == (True, None, 1, 0.5)
    con.close()


def test_ties_share_a_rank(tmp_path):
    # AA12 with HPC alone (P1 dropped for it): covered → 1.0, tied with BB11
    applicable = read_world("applicable_priorities")
    applicable = applicable[~((applicable.nuts_code == "AA12") & (applicable.priority_id == "P1"))]
    con = build_world(tmp_path, {"applicable_priorities": applicable})
    got = {r[0]: r[1:] for r in rows(con, """SELECT nuts_code, rank_in_eu, n_tied_in_eu FROM region_alignment
                                              WHERE period = '2021-2027' AND level = 2""")}
    assert got == {"AA12": (1, 2), "BB11": (1, 2), "AA11": (3, 1)}
    con.close()


def test_hub_counts_serving_and_located(world):
    got = {r[0]: r[1:] for r in rows(world, """
        SELECT nuts_code, n_hubs, n_edih, n_seal, n_dih, n_hubs_located, n_hubs_assumed_area, n_hubs_declared_area,
               hubs_per_million, n_priorities, n_priority_domains, method_version
        FROM region_alignment WHERE period = '2021-2027'""")}
    v = method.METHOD_VERSION
    # jrc:10 is the same organisation as edih:1: AA11 has one hub, not two. 1 hub located / 1.0 M inhabitants.
    assert got["AA11"] == (1, 1, 0, 0, 1, 0, 0, 1.0, 3, 4, v)
    # AA12: edih:2 at its address and edih:1 by its assumed NUTS 1 area; located 1 / 0.5 M
    assert got["AA12"] == (2, 1, 1, 0, 1, 1, 0, 2.0, 2, 3, v)
    # BB11: edih:3 and jrc:11 located, far:1 by its declared area; located 2 / 2.0 M
    assert got["BB11"] == (3, 2, 0, 1, 2, 0, 1, 1.0, 1, 1, v)
    assert got["AA"] == (2, 1, 1, 0, 2, 0, 0, round(2 / 1.5, 3), 4, 5, v)


def test_funding_columns_come_from_the_conformed_funding_tables(world):
    got = rows(world, """SELECT erdf_to01_eur, erdf_to02_eur, erdf_payments_per_inh, h2020_ec_eur, h2020_nuts_share
                         FROM region_alignment WHERE nuts_code = 'AA11' AND period = '2021-2027'""")
    assert got == [(3_000_000.0, 1_000_000.0, 50.0, 7_000_000.0, 0.7)]


# --- gaps -----------------------------------------------------------------------------------------------------------
def test_gaps_computed_by_hand(world):
    got = rows(world, """
        SELECT nuts_code, priority_id, domain_code, status, local_hubs, best_local_level, nearest_hub_id,
               nearest_hub_distance_km, status_declared, status_address
        FROM gaps WHERE level = 2 AND period = '2021-2027' ORDER BY nuts_code, priority_id, domain_code""")
    one, two = round(KM_PER_DEGREE, 1), round(2 * KM_PER_DEGREE, 1)  # 111.2 km, 222.4 km
    no1_from_aa11 = round(km(0.5, 0, 1.5, 1.2), 1)  # 173.7 km: the associated-country hub is the nearest with CYB
    assert (one, two, no1_from_aa11) == (111.2, 222.4, 173.7)
    jrc11_from_aa11 = round(1.9 * KM_PER_DEGREE, 1)  # 211.3 km
    assert got == [
        # AA11: nobody who does not already serve AA11 has AI ≥ 3 → no nearest hub.
        ("AA11", "P1", "AI", "covered", "edih:1 (level 5, declared)", 5, None, None, "covered", "covered"),
        # CYB ≥ 3 outside: no:1 173.7 km (Norway, associated), jrc:11 211.3, edih:3 222.4; uk:1 (142 km) is neither
        # EU nor associated and is never counted.
        ("AA11", "P1", "CYB", "weak", "edih:1 (level 2, declared)", 2, "no:1", no1_from_aa11, "weak", "weak"),
        ("AA11", "P2", "AGRI", "covered", "edih:1 (level 3, declared)", 3, "jrc:11", jrc11_from_aa11, "covered",
         "covered"),
        ("AA11", "P2", "AI", "covered", "edih:1 (level 5, declared)", 5, None, None, "covered", "covered"),
        ("AA11", "P3", "TOUR", "uncovered", None, None, "edih:2", one, "uncovered", "uncovered"),
        # AA12: edih:1 serves it through its assumed NUTS 1 area
        ("AA12", "P1", "AI", "covered", "edih:1 (level 5, declared, serves: assumed); edih:2 (level 1, inferred)", 5,
         None, None, "covered", "weak"),
        ("AA12", "P1", "CYB", "weak", "edih:1 (level 2, declared, serves: assumed)", 2, "jrc:11",
         round(0.9 * KM_PER_DEGREE, 1), "weak", "uncovered"),
        ("AA12", "P4", "HPC", "covered", "edih:2 (level 4, declared)", 4, "edih:3", one, "covered", "covered"),
        # ROB ≥ 3 outside BB11: edih:1 (ROB 3 merged from jrc:10), 2° away.
        ("BB11", "P5", "ROB", "covered", "jrc:11 (level 4, listed)", 4, "edih:1", two, "uncovered", "covered"),
    ]
    assert rows(world, "SELECT count(*) FROM gaps WHERE period = '2014-2020'")[0][0] == 0


def test_unaligned_competences(world):
    got = rows(world, """SELECT nuts_code, hub_id, domain_code, level_of_competence FROM unaligned_competences
                         WHERE level = 2 AND period = '2021-2027' ORDER BY ALL""")
    assert got == [
        ("AA11", "edih:1", "ROB", 3),
        ("AA12", "edih:1", "AGRI", 3), ("AA12", "edih:1", "ROB", 3), ("AA12", "edih:2", "TOUR", 3),
        ("BB11", "edih:3", "CYB", 4), ("BB11", "edih:3", "HPC", 3),
        ("BB11", "far:1", "CYB", 5), ("BB11", "far:1", "TOUR", 5),
        ("BB11", "jrc:11", "AGRI", 3), ("BB11", "jrc:11", "CYB", 5), ("BB11", "jrc:11", "TOUR", 3),
    ]
    # AA1: TOUR is a priority there (P3 of its child AA11), so only ROB is unaligned.
    assert rows(world, """SELECT hub_id, domain_code FROM unaligned_competences
                          WHERE nuts_code = 'AA1' AND period = '2021-2027'""") == [("edih:1", "ROB")]


# --- partner suggestions ------------------------------------------------------------------------------------------
def proximity(distance_km: float) -> float:
    return 30 * max(0.0, 1 - distance_km / 500)


def test_partner_ranking_computed_by_hand(world):
    got = rows(world, """SELECT nuts_code, domain_code, rank, hub_id, score, suggestion_type, rule
                         FROM partner_suggestions
                         WHERE period = '2021-2027' AND level = 2 ORDER BY nuts_code, domain_code, rank""")
    d1, d09, d19, d2 = (KM_PER_DEGREE, 0.9 * KM_PER_DEGREE, 1.9 * KM_PER_DEGREE, 2 * KM_PER_DEGREE)
    no1_aa11, no1_aa12 = km(0.5, 0, 1.5, 1.2), km(1.5, 0, 1.5, 1.2)
    assert got == [
        # AA11 × CYB is weak (edih:1 level 2): 'strengthen'. far:1 (778 km, serves BB11, which does not border AA11)
        # and uk:1 (not EU, not associated) are not candidates.
        # edih:3: level 4 declared 32 + 5 + proximity (222 km) 16.66 + DEP-funded 5 → 58.66
        ("AA11", "CYB", 1, "edih:3", round(32 + 5 + proximity(d2) + 5, 2), "strengthen", "within 500 km"),
        # jrc:11 (level 5, but only from a JRC sector list: 'listed') is not suggested — PARTNER_LISTED_RULE
        # 'no_alternative': hubs with a declared level meet the same rule
        # no:1 (Norway, associated): level 3 declared 24 + 5 + proximity (174 km) 19.58 + DEP-funded 5 → 53.58
        ("AA11", "CYB", 2, "no:1", round(24 + 5 + proximity(no1_aa11) + 5, 2), "strengthen", "within 500 km"),
        # AA11 × TOUR is uncovered: 'fill'. edih:2: 24 + 5 + proximity (111 km) + same country 10 + neighbour 10
        ("AA11", "TOUR", 1, "edih:2", round(24 + 5 + proximity(d1) + 10 + 10, 2), "fill", "within 500 km"),
        # AA12 × CYB weak. edih:3: 32 + 5 + proximity (111 km) 23.33 + neighbour across the border 10 + 5 → 75.33
        ("AA12", "CYB", 1, "edih:3", round(32 + 5 + proximity(d1) + 10 + 5, 2), "strengthen", "within 500 km"),
        # far:1 is 667 km away but serves BB11, which borders AA12: 40 + 5 + 0 + 10 + 5 = 60
        ("AA12", "CYB", 2, "far:1", 60.0, "strengthen", "serves a neighbouring region"),
        # no:1: 24 + 5 + proximity (133 km) 21.99 + 5 → 55.99; uk:1 (89 km) never
        ("AA12", "CYB", 3, "no:1", round(24 + 5 + proximity(no1_aa12) + 5, 2), "strengthen", "within 500 km"),
    ]


def test_partner_reasons_spell_out_the_score(world):
    reasons, associated = rows(world, """SELECT reasons, is_associated_country FROM partner_suggestions
        WHERE nuts_code = 'AA12' AND period = '2021-2027' AND hub_id = 'far:1' AND domain_code = 'CYB'""")[0]
    assert reasons == ("level 5 in Cybersecurity, declared by the hub (+40 +5); 667 km away (+0.0); "
                       "serves a neighbouring region (+10); Digital Europe-funded EDIH (+5); = 60.0")
    assert not associated
    (reasons,) = rows(world, """SELECT reasons FROM partner_suggestions WHERE nuts_code = 'AA12'
                                AND period = '2021-2027' AND hub_id = 'no:1'""")[0]
    assert reasons.endswith("Digital Europe-funded EDIH (+5); hub in a Digital Europe associated country (NO); = 56.0")
    assert rows(world, "SELECT count(*) FROM partner_suggestions WHERE hub_id = 'uk:1'") == [(0,)]


def test_partner_fallback_when_nothing_meets_the_distance_rule(tmp_path):
    """AA11 × TOUR without edih:2 and jrc:11 having Tourism: the only hub with it is far:1 (778 km, serving no
    neighbour of AA11, another country) → suggested as 'fallback: EU', flagged as not meeting the rule."""
    competences = read_world("hub_competences")
    competences = competences[~((competences.domain_code == "TOUR") & competences.hub_id.isin(["edih:2", "jrc:11"]))]
    con = build_world(tmp_path, {"hub_competences": competences})
    got = rows(con, """SELECT hub_id, rule, meets_distance_rule, round(distance_km) FROM partner_suggestions
                       WHERE nuts_code = 'AA11' AND domain_code = 'TOUR' AND period = '2021-2027'""")
    assert got == [("far:1", "fallback: EU", False, round(7 * KM_PER_DEGREE))]
    con.close()


def test_a_sector_list_hub_is_suggested_when_it_is_the_only_one(tmp_path):
    """AA11 × TOUR without edih:2 having Tourism: jrc:11 (TOUR 3 from a JRC sector list, 211 km) is the only hub meeting
    the rule → suggested (PARTNER_LISTED_RULE 'no_alternative'), its reasons saying why: 24 + 17.32 = 41.32."""
    competences = read_world("hub_competences")
    competences = competences[~((competences.domain_code == "TOUR") & (competences.hub_id == "edih:2"))]
    con = build_world(tmp_path, {"hub_competences": competences})
    got = rows(con, """SELECT hub_id, rank, score, evidence_grade, rule, reasons FROM partner_suggestions
                       WHERE nuts_code = 'AA11' AND domain_code = 'TOUR' AND period = '2021-2027'""")
    assert [g[:5] for g in got] == [("jrc:11", 1, round(24 + proximity(1.9 * KM_PER_DEGREE), 2), "listed",
                                     "within 500 km")]
    assert "level from a JRC 2022 sector list only: no hub with a declared or inferred level meets the rule" in got[0][5]
    con.close()


def test_adjacency_from_polygons(world):
    got = rows(world, "SELECT nuts_code, neighbour_code, cross_border FROM region_adjacency WHERE level = 2 ORDER BY ALL")
    assert got == [("AA11", "AA12", False), ("AA12", "AA11", False), ("AA12", "BB11", True), ("BB11", "AA12", True)]


# --- published figures ----------------------------------------------------------------------------------------------
def test_published_benchmarks_computed_by_hand(tmp_path):
    # the world's domain codes renamed to the real ones the benchmarks read (TECH_AI, TECH_CYBER, TECH_HPC)
    codes = {"AI": "TECH_AI", "CYB": "TECH_CYBER", "HPC": "TECH_HPC", "ROB": "SEC_MANUFACTURING"}
    frames = {name: read_world(name).replace({"domain_code": codes})
              for name in ("hub_competences", "domains", "s3_priority_domains")}
    con = build_world(tmp_path, frames)
    got = {r[0]: r[1:] for r in rows(con, """SELECT benchmark_id, numerator, denominator, atlas_value_located
                                             FROM published_benchmarks""")}
    assert set(got) == {b[0] for b in method.PUBLISHED_BENCHMARKS}
    # DEP-funded EDIHs: edih:1, edih:3, far:1, no:1. At an address in an EU NUTS 2 region: AA11, BB11 → 2 of 3.
    assert got["edih_present"] == (2, 3, round(2 / 3, 4))
    # serving: AA11, AA12 (edih:1 assumed area), BB11 → 3 of 3
    assert got["edih_serving"] == (3, 3, round(2 / 3, 4))
    # HPC: edih:3 serves BB11 → 1 of 3; AI: edih:1 serves AA11 and AA12 → 2 of 3; cyber: edih:1 (AA11, AA12),
    # edih:3 and far:1 (BB11) → 3 of 3; at addresses only: HPC BB11, AI AA11, cyber AA11 + BB11
    assert got["hpc_serving"] == (1, 3, round(1 / 3, 4))
    assert got["ai_serving"] == (2, 3, round(1 / 3, 4))
    assert got["cyber_serving"] == (3, 3, round(2 / 3, 4))
    # 'ROB' renamed to manufacturing: of the 4 EDIHs only edih:1 has it (merged from jrc:10) → 1 of 4
    assert got["edih_manufacturing"][:2] == (1, 4)
    con.close()


# --- policy alignment -----------------------------------------------------------------------------------------------
def test_policy_alignment(world):
    got = rows(world, """SELECT nuts_code, domain_code, relation FROM policy_alignment
                         WHERE period = '2021-2027' ORDER BY nuts_code, domain_code""")
    assert got == [
        # AA1's regional strategies are its children's (P2, P3, P4); the national one is P1 (AI, CYB).
        ("AA1", "AGRI", "region_only"), ("AA1", "AI", "shared"), ("AA1", "CYB", "national_only"),
        ("AA1", "HPC", "region_only"), ("AA1", "TOUR", "region_only"),
        ("AA11", "AGRI", "region_only"), ("AA11", "AI", "shared"), ("AA11", "CYB", "national_only"),
        ("AA11", "TOUR", "region_only"),
        ("AA12", "AI", "national_only"), ("AA12", "CYB", "national_only"), ("AA12", "HPC", "region_only"),
        # BB has no regional strategy → no rows for BB1 / BB11.
    ]


def test_every_mart_row_carries_the_method_version(world):
    for table in ("region_alignment", "gaps", "unaligned_competences", "partner_suggestions", "policy_alignment",
                  "method_sensitivity", "method_sensitivity_summary", "published_benchmarks"):
        assert rows(world, f"SELECT DISTINCT method_version FROM {table}") == [(method.METHOD_VERSION,)], table
    assert method.METHOD_VERSION == "atlas-method-2.0"


# --- properties -----------------------------------------------------------------------------------------------------
def _random_competences(rng: random.Random) -> pd.DataFrame:
    hubs = ["edih:1", "edih:2", "edih:3", "jrc:10", "jrc:11"]
    domains = list(read_world("domains").domain_code)
    records = [(h, d, rng.randint(1, 5)) for h in hubs for d in domains if rng.random() < 0.4]
    return pd.DataFrame(records, columns=["hub_id", "domain_code", "level"]).assign(
        source_label="random", source="edih_tag", evidence=None)


def _scores(con) -> dict[tuple[str, str], tuple]:
    return {(r[0], r[1]): r[2:] for r in rows(con, """
        SELECT nuts_code, period, coverage, focus, alignment_score, n_hubs FROM region_alignment""")}


@pytest.mark.parametrize("seed", range(6))
def test_scores_stay_within_0_and_100(tmp_path, seed):
    con = build_world(tmp_path, {"hub_competences": _random_competences(random.Random(seed))})
    for (code, period), (coverage, focus, score, _n) in _scores(con).items():
        if score is not None:
            assert 0 <= score <= 100, (code, period)
            assert 0 <= coverage <= 1 and (focus is None or 0 <= focus <= 1), (code, period)
    for (score,) in rows(con, "SELECT score FROM partner_suggestions"):
        assert 0 <= score <= 100
    con.close()


@pytest.mark.parametrize("seed", range(4))
def test_adding_a_matching_competence_never_lowers_coverage(tmp_path, seed):
    rng = random.Random(100 + seed)
    competences = _random_competences(rng)
    before = _scores(build_world(tmp_path / "before", {"hub_competences": competences}))
    # give a random hub a level-5 competence in a random priority domain of its region
    hub, domain = rng.choice(["edih:1", "edih:2", "edih:3", "jrc:11"]), rng.choice(["AI", "CYB", "HPC", "ROB", "AGRI", "TOUR"])
    added = pd.concat([competences, pd.DataFrame([{"hub_id": hub, "domain_code": domain, "level": 5,
                                                   "source_label": "added", "source": "edih_tag", "evidence": None}])])
    after = _scores(build_world(tmp_path / "after", {"hub_competences": added}))
    for key, (coverage, *_rest) in before.items():
        if coverage is not None:
            assert after[key][0] >= coverage, (key, hub, domain)


def test_a_region_with_no_hubs_has_coverage_0(tmp_path):
    hubs, service = read_world("hubs"), read_world("hub_service_nuts2")
    con = build_world(tmp_path, {"hubs": hubs[hubs.nuts2_code != "AA12"],
                                 "hub_service_nuts2": service[service.nuts2_code != "AA12"]})
    got = rows(con, """SELECT coverage, alignment_score, n_hubs, hub_note, is_ranked FROM region_alignment
                       WHERE nuts_code = 'AA12' AND period = '2021-2027'""")
    assert got == [(0.0, 0.0, 0, "no hub serves the region", False)]
    # and every AA12 priority domain is a gap, with partner suggestions for the uncovered ones
    assert rows(con, "SELECT DISTINCT status FROM gaps WHERE nuts_code = 'AA12'") == [("uncovered",)]
    assert rows(con, "SELECT count(DISTINCT domain_code) FROM partner_suggestions WHERE nuts_code = 'AA12'")[0][0] == 3
    con.close()


def test_report_section_prints_the_targets(world):
    from pipelines.report_sections import alignment

    text = alignment.section(world)
    assert text.startswith(f"## Alignment analytics ({method.METHOD_VERSION})")
    assert "EU NUTS 2 regions, 2021-2027: 3; ranked 3; with an EDIH located 2, served by an EDIH 3." in text
    # the three ranked regions all have coverage > 0
    assert "**0** ranked regions have coverage 0 (within target)" in text
    partners = text.split("### Target: partners people would call")[1].split("By rule:")[0]
    assert "| outside EU and associated countries | 0 |" in partners
    assert "| in associated countries (flagged) | 2 |" in partners  # no:1 for AA11 and AA12 × CYB
    assert "| gap or weak domains with a covering EU hub but no suggestion | 0 |" in partners
    best = text.split("### Best covered")[1].split("### Least covered")[0]
    worst = text.split("### Least covered")[1]
    # best first: BB11 100, AA12 83.3, AA11 50; least covered first: the reverse
    assert best.index("BB11") < best.index("AA12") < best.index("AA11")
    assert worst.index("AA11") < worst.index("AA12") < worst.index("BB11")
    assert "| AA12 | East A | AA | 83.30 | 67-83 | 83.30 |" in best


def test_spearman_helper():
    from pipelines.report_sections.alignment import spearman

    assert spearman(pd.Series([1, 2, 3, 4]), pd.Series([10, 20, 30, 40])) == pytest.approx(1.0)
    assert spearman(pd.Series([1, 2, 3, 4]), pd.Series([4, 3, 2, 1])) == pytest.approx(-1.0)
    # ties get average ranks: [1, 2.5, 2.5, 4] against [1, 2, 3, 4] → 0.9487
    assert spearman(pd.Series([1, 2, 2, 3]), pd.Series([1, 2, 3, 4])) == pytest.approx(0.9486833)
    assert spearman(pd.Series([1, 1, 1]), pd.Series([1, 2, 3])) is None


def test_published_figures_section(world):
    from pipelines.report_sections import published_figures

    text = published_figures.section(world)
    assert "| EU NUTS 2 regions served by an EDIH | 90 % | 100 % | 10.0 | 3 / 3 | 67 % |" in text
    assert text.count("Difference") == len(method.PUBLISHED_BENCHMARKS)


def test_report_section_says_so_when_the_marts_are_missing():
    from pipelines.report_sections import alignment

    con = duckdb.connect()
    assert "The alignment marts are not in this warehouse (missing: region_alignment" in alignment.section(con)
    con.close()


def test_unusable_competences_are_quarantined_not_dropped(tmp_path):
    bad = pd.concat([read_world("hub_competences"), pd.DataFrame([
        {"hub_id": "edih:2", "domain_code": "AI", "level": 7, "source_label": "x", "source": "edih_tag", "evidence": None},
        {"hub_id": "edih:2", "domain_code": None, "level": 3, "source_label": "y", "source": "edih_tag", "evidence": None},
    ])])
    con = build_world(tmp_path, {"hub_competences": bad})
    reasons = [r[0] for r in rows(con, "SELECT reason FROM quarantine WHERE source_id = 'hub_competences' ORDER BY 1")]
    # the row without a domain (e.g. an EDIH service tag) is no domain competence: not an error, not quarantined
    assert reasons == ["hub competence level 7 is not in 1-5: not used by the alignment"]
    # the scores are those of the clean world
    assert rows(con, "SELECT alignment_score FROM region_alignment WHERE nuts_code = 'AA12' AND period = '2021-2027'") == [(83.33,)]
    con.close()


# --- the engine the what-if reuses ------------------------------------------------------------------------------------
def test_compute_alignment_on_a_bare_connection_restricted_to_some_regions(world):
    """compute_alignment runs on any connection holding the input tables (no build context, no funding tables) and,
    restricted to some regions, gives those regions exactly the figures of the full run."""
    from pipelines.method_engine import REQUIRED_INPUTS, compute_alignment

    con = duckdb.connect()
    for table in REQUIRED_INPUTS:
        con.register("frame", world.execute(f'SELECT * FROM "{table}"').df())
        con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM frame')
        con.unregister("frame")
    # without the optional hub_service_nuts2, hubs count at their address only: AA12 gets its address coverage
    compute_alignment(con, regions=["AA12"])
    assert rows(con, "SELECT coverage_all FROM region_alignment WHERE period = '2021-2027'") == [(round(2 / 3, 4),)]
    assert rows(con, "SELECT value FROM method_parameters WHERE name = 'input.service_areas'") == [
        ("address only (no hub_service_nuts2)",)]
    con.register("frame", world.execute("SELECT * FROM hub_service_nuts2").df())
    con.execute("CREATE TABLE hub_service_nuts2 AS SELECT * FROM frame")
    counts = compute_alignment(con, regions=["AA12", "AA1"])
    assert counts["alignment_regions"] == 2 * 2  # two regions × two periods
    query = """SELECT nuts_code, period, coverage, focus, alignment_score, coverage_low, coverage_high, fit
               FROM region_alignment WHERE nuts_code IN ('AA12', 'AA1') ORDER BY ALL"""
    assert rows(con, query) == rows(world, query)
    query = "SELECT * EXCLUDE (rank) FROM partner_suggestions WHERE nuts_code = 'AA12' ORDER BY ALL"
    assert rows(con, query) == rows(world, query)
    with pytest.raises(Exception, match="regions` is empty"):
        compute_alignment(con, regions=[])
    con.close()


def test_country_influence_drops_the_country_that_carries_the_correlation():
    from pipelines.report_sections.alignment import country_influence

    # country XX: few domains and low coverage; YY: no relation between the two
    frame = pd.DataFrame({"country_code": ["XX"] * 4 + ["YY"] * 6,
                          "n_priority_domains": [1, 2, 2, 3, 10, 11, 12, 13, 14, 15],
                          "coverage_all": [0.0, 0.1, 0.1, 0.2, 0.9, 0.5, 0.8, 0.6, 0.7, 0.55]})
    (dropped, regions, rho), = country_influence(frame, n=1)
    assert (dropped, regions) == ("XX", 6)
    assert abs(rho) < 0.5


def test_hub_organisations_replace_hub_links_when_present(world):
    """With the hubs branch's hub_organisations in the input, organisations come from it (not from hub_links): the
    same world with jrc:10 → edih:1 there and no hub_links row gives the same figures."""
    from pipelines.method_engine import REQUIRED_INPUTS, compute_alignment

    con = duckdb.connect()
    for table in REQUIRED_INPUTS + ["hub_service_nuts2"]:
        con.register("frame", world.execute(f'SELECT * FROM "{table}"').df())
        con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM frame')
        con.unregister("frame")
    con.execute("DELETE FROM hub_links")
    con.execute("""CREATE TABLE hub_organisations AS SELECT hub_id,
                   CASE hub_id WHEN 'jrc:10' THEN 'edih:1' ELSE hub_id END AS organisation_id,
                   1 AS n_records, 'fixture' AS link_evidence FROM hubs""")
    compute_alignment(con)
    assert rows(con, "SELECT value FROM method_parameters WHERE name = 'input.organisations'") == [("hub_organisations",)]
    query = "SELECT nuts_code, period, coverage_all, fit, n_hubs FROM region_alignment ORDER BY ALL"
    assert rows(con, query) == rows(world, query)
    con.close()


def test_partner_reasons_name_the_edih_funding_when_the_input_has_it(world):
    from pipelines.method_engine import REQUIRED_INPUTS, compute_alignment

    con = duckdb.connect()
    for table in REQUIRED_INPUTS + ["hub_service_nuts2"]:
        con.register("frame", world.execute(f'SELECT * FROM "{table}"').df())
        con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM frame')
        con.unregister("frame")
    con.execute("""CREATE TABLE dep_edih_funding AS SELECT * FROM (VALUES
        ('BB', 'edih:3', 2400000.0, 'published', false), ('BB', 'far:1', NULL, 'not_found', false))
        t(country_code, hub_id, eu_contribution_eur, basis, is_estimate)""")
    compute_alignment(con, regions=["AA12"])
    got = dict(rows(con, """SELECT hub_id, reasons FROM partner_suggestions WHERE domain_code = 'CYB'
                            AND period = '2021-2027'"""))
    assert "Digital Europe-funded EDIH, EU contribution EUR 2.4 m (+5)" in got["edih:3"]
    assert "Digital Europe-funded EDIH (+5)" in got["far:1"]  # no amount found: no amount said
    con.close()
