"""The alignment marts run on a tiny hand-built world (tests/fixtures/alignment_world, see its README.md) whose
scores, gaps and partner ranking are worked out by hand below, then on random variations of it (properties).

The world (2021-2027; no priorities for 2014-2020):
  regions  AA11 (lon 0-1), AA12 (lon 1-2) in country AA / NUTS 1 AA1; BB11 (lon 2-3) = BB1 = BB. Label points and hubs
           on the equator, so 1° of longitude = 6371.0088 × π/180 = 111.19508 km.
  hubs     edih:1 (EDIH, DEP-funded, AA11) + jrc:10 (linked to edih:1 → merged into it)
           edih:2 (Seal of Excellence, AA12); edih:3 (EDIH, DEP-funded, BB11); jrc:11 (JRC DIH, BB11)
  competences per organisation (max over merged records):
           edih:1 AI 5, CYB 2, AGRI 3, ROB 3 (from jrc:10; jrc:10's AI 2 < 5)        total 13
           edih:2 HPC 4, AI 1, TOUR 3                                                 total 8
           edih:3 CYB 4, HPC 3                                                        total 7
           jrc:11 AGRI 3, ROB 4, CYB 5, TOUR 3                                        total 15
  priorities P1 (AA national: AI, CYB → ½ each), P2 (AA11: AGRI, AI → ½ each), P3 (AA11: TOUR), P4 (AA12: HPC),
           P5 (BB national: ROB). All relation weights are 1.
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
ALIGNMENT_TABLES = ["regions", "hubs", "hub_links", "hub_competences", "domains", "s3_strategies", "s3_priorities",
                    "s3_priority_domains", "applicable_priorities", "erdf_planned_by_region",
                    "erdf_payments_by_region", "h2020_by_region"]
TEXT_COLUMNS = {"nuts_code", "parent_code", "country_code", "to_code", "nuts1_code", "nuts2_code", "nuts3_code"}


def alignment_steps():
    """The alignment mart steps (marts band 10-49), exactly as the build runs them."""
    return [s for s in discover_steps(("marts",)) if int(s.name[:2]) < 50]


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
def test_every_alignment_mart_is_built(world):
    assert missing_tables(world, ["region_alignment", "gaps", "unaligned_competences", "partner_suggestions",
                                  "policy_alignment", "region_adjacency", "method_parameters"]) == []


def test_region_scores_computed_by_hand(world):
    got = {r[0]: r[1:] for r in rows(world, """
        SELECT nuts_code, coverage, focus, alignment_score, rank_in_country, rank_in_eu
        FROM region_alignment WHERE period = '2021-2027'""")}
    # AA11: weights AI ½(P1)+½(P2)=1, CYB ½, AGRI ½, TOUR 1 → total 3. Covered (level ≥ 3): AI (5), AGRI (3) → 1.5.
    #       coverage 1.5/3 = 0.5. focus: edih:1's 13 levels, 10 in priority domains (AI 5 + CYB 2 + AGRI 3; ROB 3
    #       is not a priority) → 10/13. score 100 × 2·½·(10/13) / (½ + 10/13) = 100 × 20/33 = 60.61.
    assert got["AA11"] == (0.5, round(10 / 13, 4), 60.61, 1, 1)
    # AA12: AI ½, CYB ½, HPC 1 → total 2; covered HPC (4); AI weak (edih:2 level 1); CYB uncovered → 1/2 = 0.5.
    #       focus: edih:2's 8 levels, HPC 4 + AI 1 = 5 in priorities (TOUR 3 not) → 5/8. score 2·½·⅝/(9/8) = 5/9.
    assert got["AA12"] == (0.5, 0.625, 55.56, 2, 2)
    # BB11: ROB 1 → covered by jrc:11 (level 4) → coverage 1. focus: 7 + 15 = 22 levels, ROB 4 in priorities →
    #       4/22 = 2/11. score 2·1·(2/11) / (13/11) = 4/13 = 30.77.
    assert got["BB11"] == (1.0, round(2 / 11, 4), 30.77, 1, 3)
    # AA1 and AA (edih:1 + edih:2; P1 national + P2, P3, P4 of the children): AI 1, CYB ½, AGRI ½, TOUR 1, HPC 1
    #       → total 4; covered AI, AGRI, TOUR (edih:2 level 3), HPC → 3.5/4 = 0.875. focus (10 + 8)/(13 + 8) = 6/7.
    #       score 2·(7/8)(6/7) / (7/8 + 6/7) = 84/97 = 86.60.
    assert got["AA1"] == (0.875, round(6 / 7, 4), 86.6, 1, 1)
    assert got["AA"] == (0.875, round(6 / 7, 4), 86.6, 1, 1)
    # BB1 and BB: same hubs and priorities as BB11.
    assert got["BB1"] == got["BB"] == (1.0, round(2 / 11, 4), 30.77, 1, 2)


def test_period_without_priorities_has_null_score_and_a_reason(world):
    got = rows(world, """SELECT nuts_code, alignment_score, coverage, no_score_reason, rank_in_eu
                         FROM region_alignment WHERE period = '2014-2020' ORDER BY nuts_code""")
    missing = "no applicable S3 priority found for this period"
    listed = missing + " (listed but not found in the curated S3 data: AA11-2014-2020)"
    # AA11's 2014-2020 strategy is listed as not found: AA11, its parent AA1 and country AA say so
    assert got == [("AA", None, None, listed, None), ("AA1", None, None, listed, None),
                   ("AA11", None, None, listed, None), ("AA12", None, None, missing, None),
                   ("BB", None, None, missing, None), ("BB1", None, None, missing, None),
                   ("BB11", None, None, missing, None)]
    assert rows(world, "SELECT count(*) FROM region_alignment")[0][0] == 7 * 2  # every region × both periods


def test_hub_counts_merge_linked_jrc_records(world):
    got = {r[0]: r[1:] for r in rows(world, """
        SELECT nuts_code, n_hubs, n_edih, n_seal, n_dih, hubs_per_million, n_priorities, n_priority_domains,
               method_version
        FROM region_alignment WHERE period = '2021-2027'""")}
    # jrc:10 is the same organisation as edih:1: AA11 has one hub, not two. 1 hub / 1.0 M inhabitants.
    assert got["AA11"] == (1, 1, 0, 0, 1.0, 3, 4, method.METHOD_VERSION)
    assert got["AA12"] == (1, 0, 1, 0, 2.0, 2, 3, method.METHOD_VERSION)  # 1 / 0.5 M
    assert got["BB11"] == (2, 1, 0, 1, 1.0, 1, 1, method.METHOD_VERSION)  # 2 / 2.0 M
    assert got["AA"] == (2, 1, 1, 0, round(2 / 1.5, 3), 4, 5, method.METHOD_VERSION)


def test_funding_columns_come_from_the_conformed_funding_tables(world):
    got = rows(world, """SELECT erdf_to01_eur, erdf_to02_eur, erdf_payments_per_inh, h2020_ec_eur, h2020_nuts_share
                         FROM region_alignment WHERE nuts_code = 'AA11' AND period = '2021-2027'""")
    assert got == [(3_000_000.0, 1_000_000.0, 50.0, 7_000_000.0, 0.7)]


# --- gaps -----------------------------------------------------------------------------------------------------------
def test_gaps_computed_by_hand(world):
    got = rows(world, """
        SELECT nuts_code, priority_id, domain_code, status, local_hubs, best_local_level, nearest_hub_id,
               nearest_hub_distance_km
        FROM gaps WHERE level = 2 AND period = '2021-2027' ORDER BY nuts_code, priority_id, domain_code""")
    one, two = round(KM_PER_DEGREE, 1), round(2 * KM_PER_DEGREE, 1)  # 111.2 km, 222.4 km
    assert (one, two) == (111.2, 222.4)
    assert got == [
        # AA11: nobody outside has AI ≥ 3 → no nearest hub.
        ("AA11", "P1", "AI", "covered", "edih:1 (level 5)", 5, None, None),
        # CYB ≥ 3 outside AA11: edih:3 and jrc:11, both in BB11, 2° away → tie broken by hub_id.
        ("AA11", "P1", "CYB", "weak", "edih:1 (level 2)", 2, "edih:3", two),
        ("AA11", "P2", "AGRI", "covered", "edih:1 (level 3)", 3, "jrc:11", two),
        ("AA11", "P2", "AI", "covered", "edih:1 (level 5)", 5, None, None),
        ("AA11", "P3", "TOUR", "uncovered", None, None, "edih:2", one),
        ("AA12", "P1", "AI", "weak", "edih:2 (level 1)", 1, "edih:1", one),
        ("AA12", "P1", "CYB", "uncovered", None, None, "edih:3", one),
        ("AA12", "P4", "HPC", "covered", "edih:2 (level 4)", 4, "edih:3", one),
        # ROB ≥ 3 outside BB11: edih:1 (ROB 3 merged from jrc:10), 2° away.
        ("BB11", "P5", "ROB", "covered", "jrc:11 (level 4)", 4, "edih:1", two),
    ]
    assert rows(world, "SELECT count(*) FROM gaps WHERE period = '2014-2020'")[0][0] == 0


def test_unaligned_competences(world):
    got = rows(world, """SELECT nuts_code, hub_id, domain_code, level_of_competence FROM unaligned_competences
                         WHERE level = 2 AND period = '2021-2027' ORDER BY ALL""")
    assert got == [
        ("AA11", "edih:1", "ROB", 3),
        ("AA12", "edih:2", "TOUR", 3),
        ("BB11", "edih:3", "CYB", 4), ("BB11", "edih:3", "HPC", 3),
        ("BB11", "jrc:11", "AGRI", 3), ("BB11", "jrc:11", "CYB", 5), ("BB11", "jrc:11", "TOUR", 3),
    ]
    # AA1: TOUR is a priority there (P3 of its child AA11), so only ROB is unaligned.
    assert rows(world, """SELECT hub_id, domain_code FROM unaligned_competences
                          WHERE nuts_code = 'AA1' AND period = '2021-2027'""") == [("edih:1", "ROB")]


# --- partner suggestions ------------------------------------------------------------------------------------------
def test_partner_ranking_computed_by_hand(world):
    got = rows(world, """SELECT nuts_code, domain_code, rank, hub_id, score, reasons FROM partner_suggestions
                         WHERE period = '2021-2027' ORDER BY nuts_code, domain_code, rank""")
    proximity_1deg = 25 / (1 + KM_PER_DEGREE / 250)  # 25 / 1.44478 = 17.3037
    proximity_2deg = 25 / (1 + 2 * KM_PER_DEGREE / 250)  # 25 / 1.88956 = 13.2306
    assert round(proximity_1deg, 2) == 17.30 and round(proximity_2deg, 2) == 13.23
    assert got == [
        # AA11 × TOUR (uncovered). edih:2: level 3 → 30; 111 km → 17.30; same country +10; AA12 borders AA11 +10;
        # a Seal of Excellence, not DEP-funded → 67.30.
        ("AA11", "TOUR", 1, "edih:2", round(30 + proximity_1deg + 10 + 10, 2),
         "level 3 in Tourism; 111 km away; same country; neighbouring region"),
        # jrc:11: level 3 → 30; 222 km → 13.23; other country, BB11 does not border AA11 → 43.23.
        ("AA11", "TOUR", 2, "jrc:11", round(30 + proximity_2deg, 2), "level 3 in Tourism; 222 km away"),
        # AA12 × CYB (uncovered). jrc:11: level 5 → 50 + 17.30 + BB11 borders AA12 across the border +10 = 77.30.
        ("AA12", "CYB", 1, "jrc:11", round(50 + proximity_1deg + 10, 2),
         "level 5 in Cybersecurity; 111 km away; neighbouring region across the border"),
        # edih:3: level 4 → 40 + 17.30 + 10 (neighbour) + 5 (DEP-funded EDIH) = 72.30. edih:1 (CYB 2) is below 3.
        ("AA12", "CYB", 2, "edih:3", round(40 + proximity_1deg + 10 + 5, 2),
         "level 4 in Cybersecurity; 111 km away; neighbouring region across the border; Digital Europe-funded EDIH"),
    ]


def test_adjacency_from_polygons(world):
    got = rows(world, "SELECT nuts_code, neighbour_code, cross_border FROM region_adjacency WHERE level = 2 ORDER BY ALL")
    assert got == [("AA11", "AA12", False), ("AA12", "AA11", False), ("AA12", "BB11", True), ("BB11", "AA12", True)]


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
    for table in ("region_alignment", "gaps", "unaligned_competences", "partner_suggestions", "policy_alignment"):
        assert rows(world, f"SELECT DISTINCT method_version FROM {table}") == [(method.METHOD_VERSION,)], table


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
    hubs = read_world("hubs")
    con = build_world(tmp_path, {"hubs": hubs[hubs.nuts2_code != "AA12"]})
    got = rows(con, """SELECT coverage, alignment_score, n_hubs, hub_note FROM region_alignment
                       WHERE nuts_code = 'AA12' AND period = '2021-2027'""")
    assert got == [(0.0, 0.0, 0, "no hub located in the region")]
    # and every AA12 priority domain is a gap, with partner suggestions for the uncovered ones
    assert rows(con, "SELECT DISTINCT status FROM gaps WHERE nuts_code = 'AA12'") == [("uncovered",)]
    assert rows(con, "SELECT count(DISTINCT domain_code) FROM partner_suggestions WHERE nuts_code = 'AA12'")[0][0] == 3
    con.close()


def test_report_section_lists_best_and_worst_regions(world):
    from pipelines.report_sections import alignment

    text = alignment.section(world)
    assert text.startswith(f"## Alignment analytics ({method.METHOD_VERSION})")
    assert "EU NUTS 2 regions: 3; with at least one EDIH (Digital Europe-funded): **2** (67%; published" in text
    best = text.split("### Best aligned")[1].split("### Least aligned")[0]
    assert "(0 scored regions have no hub located in them and score 0.)" in text
    worst = text.split("### Least aligned")[1]
    # best first: AA11 60.61, AA12 55.56, BB11 30.77; worst first: the reverse
    assert best.index("AA11") < best.index("AA12") < best.index("BB11")
    assert worst.index("BB11") < worst.index("AA12") < worst.index("AA11")
    assert "| AA11 | West A | AA | 60.61 |" in best


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
    assert rows(con, "SELECT alignment_score FROM region_alignment WHERE nuts_code = 'AA12' AND period = '2021-2027'") == [(55.56,)]
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
    counts = compute_alignment(con, regions=["AA12", "AA1"])
    assert counts["alignment_regions"] == 2 * 2  # two regions × two periods
    query = """SELECT nuts_code, period, coverage, focus, alignment_score FROM region_alignment
               WHERE nuts_code IN ('AA12', 'AA1') ORDER BY ALL"""
    assert rows(con, query) == rows(world, query)
    query = "SELECT * EXCLUDE (rank) FROM partner_suggestions WHERE nuts_code = 'AA12' ORDER BY ALL"
    assert rows(con, query) == rows(world, query)
    with pytest.raises(Exception, match="regions` is empty"):
        compute_alignment(con, regions=[])
    con.close()
