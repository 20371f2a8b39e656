"""What-if recomputation on the hand-built alignment world (tests/fixtures/alignment_world; its README and
tests/unit/test_alignment_world.py give the world and its figures before any upload), with every expected figure
worked out by hand below, and the reading and validation of uploaded files (tests/fixtures/whatif)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipelines import whatif
from tests.unit.test_alignment_world import build_world, read_world

FILES = Path(__file__).resolve().parent.parent / "fixtures" / "whatif"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    # the world's all-empty text columns would be read as numbers; the warehouse has them as text
    frames = {name: read_world(name).astype({c: "string" for c in columns})
              for name, columns in {"s3_priority_domains": ["evidence"], "hub_competences": ["evidence"],
                                    "s3_priorities": ["title_original", "description", "source_url"]}.items()}
    # the warehouse's s3_priorities carries the country (the world's alignment marts never needed it)
    frames["s3_priorities"]["country_code"] = frames["s3_priorities"].nuts_code.str[:2]
    con = build_world(tmp_path_factory.mktemp("whatif-world"), frames)
    yield con
    con.close()


@pytest.fixture(scope="module")
def ref(world):
    return whatif.load_reference(world, with_postcodes=False)


def _upload(world, ref, kind: str, text: str) -> whatif.Upload:
    upload = whatif.parse_upload(text.encode("utf-8"), f"{kind}.csv", kind, ref)
    assert not [p for p in upload.problems if p.severity == "error"], upload.problems
    return upload


def _figures(result) -> dict[str, tuple]:
    f = result.figures.set_index("nuts_code")
    return {code: (row.coverage_after, row.alignment_score_after) for code, row in f.iterrows()}


def test_replacing_a_regions_list_is_recomputed_by_hand(world, ref):
    # AA12's own list (P4: HPC) replaced by one priority in tourism (TOUR, given in the file).
    upload = _upload(world, ref, "priorities", "nuts_code,title,domains\nAA12,Coastal heritage,TOUR\n")
    result = whatif.run_whatif(world, upload, ref, mode="replace")
    # affected: AA12, the NUTS 1 region AA1 and the country AA containing it; not AA11 nor BB
    assert result.affected == ["AA", "AA1", "AA12"]
    got = _figures(result)
    # AA12: AI ½ + CYB ½ (national P1) + TOUR 1 = 2; covered: TOUR (edih:2 level 3) → 1/2 = 0.5.
    #       focus: edih:2's 8 levels, AI 1 + TOUR 3 = 4 in priorities → ½; score 100·2·½·½/1 = 50.
    assert got["AA12"] == (0.5, 50.0)
    # AA1 and AA: AI 1, CYB ½, AGRI ½, TOUR 1 (P3) + 1 (upload) = 2, HPC gone → 4; covered AI, AGRI, TOUR → 3.5/4.
    #       focus (edih:1 10 + edih:2 4) / (13 + 8) = 2/3; score 100·2·⅞·⅔/(⅞+⅔) = 100·28/37 = 75.68.
    assert got["AA1"] == (0.875, 75.68) and got["AA"] == (0.875, 75.68)
    before = result.figures.set_index("nuts_code")
    assert before.loc["AA12", "alignment_score_before"] == 55.56  # the world's figure before the upload
    changes = {(r.nuts_code, r.domain_code): r.change for r in result.gap_changes.itertuples()}
    assert changes[("AA12", "HPC")] == "priority domain dropped"
    assert changes[("AA12", "TOUR")] == "new priority domain, covered"
    assert ("AA1", "TOUR") not in changes  # TOUR was already a covered AA1 domain (P3)
    assert changes[("AA1", "HPC")] == "priority domain dropped"
    # AA12's CYB is still uncovered: its partner suggestions do not change
    assert result.new_partners.empty
    # rank among all regions of the level: AA12 50.0 vs AA11 60.61 and BB11 30.77 → 2nd of NUTS 2
    assert before.loc["AA12", "rank_in_eu_after"] == 2


def test_adding_to_a_regions_list(world, ref):
    upload = _upload(world, ref, "priorities", "nuts_code,title,domains\nAA12,Coastal heritage,Tourism\n")
    result = whatif.run_whatif(world, upload, ref, mode="add")
    # AA12: AI ½, CYB ½, HPC 1, TOUR 1 = 3; covered HPC, TOUR → 2/3
    assert round(result.figures.set_index("nuts_code").loc["AA12", "coverage_after"], 4) == round(2 / 3, 4)


def test_a_new_hub_closes_a_gap_and_replaces_partner_suggestions(world, ref):
    upload = _upload(world, ref, "hubs", "name,nuts_code,competences\nEast Cyber Lab,AA12,CYB:4\n")
    result = whatif.run_whatif(world, upload, ref)
    # affected: the hub's regions AA12, AA1, AA and AA12's NUTS 2 neighbours AA11 and BB11 (across the border)
    assert set(result.affected) == {"AA", "AA1", "AA12", "AA11", "BB11"}
    got = _figures(result)
    # AA12: AI ½, CYB ½, HPC 1 = 2; covered HPC, CYB → 1.5/2 = 0.75; focus (8 + 4) levels, in priorities
    #       HPC 4 + AI 1 + CYB 4 = 9 → 0.75; score 75.
    assert got["AA12"] == (0.75, 75.0)
    # AA1: every domain covered now → 1.0; focus (10 + 8 + 4)/(13 + 8 + 4) = 22/25; score 2·0.88/1.88 = 93.62
    assert got["AA1"] == (1.0, 93.62)
    assert got["AA11"] == (0.5, 60.61)  # AA11's own hubs are unchanged
    figures = result.figures.set_index("nuts_code")
    assert figures.loc["AA12", "n_hubs_after"] == 2 and figures.loc["AA12", "n_hubs_change"] == 1
    changes = {(r.nuts_code, r.domain_code): r.change for r in result.gap_changes.itertuples()}
    assert changes == {("AA12", "CYB"): "gap closed", ("AA1", "CYB"): "gap closed", ("AA", "CYB"): "gap closed"}
    # AA12's CYB gap had two partner suggestions (jrc:11 77.30, edih:3 72.30); both go
    gone = result.new_partners[result.new_partners.nuts_code == "AA12"]
    assert sorted(gone.hub_id) == ["edih:3", "jrc:11"]
    assert set(gone.change) == {"no longer suggested (gap closed or a better partner)"}


def test_the_source_warehouse_is_untouched(world, ref):
    before = world.execute("SELECT count(*), sum(alignment_score) FROM region_alignment").fetchone()
    n_hubs = world.execute("SELECT count(*) FROM hubs").fetchone()
    upload = _upload(world, ref, "hubs", "name,nuts_code,competences\nEast Cyber Lab,AA12,CYB:4\n")
    whatif.run_whatif(world, upload, ref)
    assert world.execute("SELECT count(*), sum(alignment_score) FROM region_alignment").fetchone() == before
    assert world.execute("SELECT count(*) FROM hubs").fetchone() == n_hubs


def test_recomputing_only_the_affected_regions_gives_the_full_runs_figures(world, ref):
    """compute_alignment sets other regions' priorities aside: the affected regions' figures must equal those of a
    run over every region."""
    inputs = whatif.load_inputs(world)
    full = whatif.scenario_connection(inputs)
    part = whatif.scenario_connection(inputs)
    from pipelines.method_engine import compute_alignment

    compute_alignment(full)
    whatif.compute_alignment(part, ["AA12", "AA1"])
    sql = "SELECT nuts_code, coverage, focus, alignment_score FROM region_alignment WHERE nuts_code IN ('AA12', 'AA1') ORDER BY ALL"
    assert full.execute(sql).fetchall() == part.execute(sql).fetchall()
    sql = "SELECT * FROM partner_suggestions WHERE nuts_code IN ('AA12', 'AA1') ORDER BY ALL"
    assert full.execute(sql).fetchall() == part.execute(sql).fetchall()


def test_same_territory_codes(ref):
    assert whatif.same_territory(ref, "BB11") == {"BB", "BB1", "BB11"}  # one region at every level
    assert whatif.same_territory(ref, "AA12") == {"AA12"}  # AA1 has two regions
    assert whatif.same_territory(ref, "AA") == {"AA", "AA1"}


# --- reading and validation ---------------------------------------------------------------------------------------
def _problems(ref, kind, data: bytes, name="f.csv"):
    upload = whatif.parse_upload(data, name, kind, ref)
    return upload, {(p.row, p.column): p for p in upload.problems}


def test_row_level_messages_say_row_column_problem_and_expectation(ref):
    text = ("nuts_code,title,domains\nAA12,Good,TOUR\nZZ99,Unknown,\nAA12,,\nAA12,Bad domain,NOPE\n"
            "AA12,=cmd|' /C calc'!A0,\nBB11,Fine too,CYB; AI\n")
    upload, got = _problems(ref, "priorities", text.encode())
    assert [r["row"] for r in upload.rows] == [2, 7]
    assert got[(3, "nuts_code")].problem == "unknown NUTS code 'ZZ99'"
    assert "NUTS 2021" in got[(3, "nuts_code")].expected
    assert got[(4, "title")].problem == "empty"
    assert got[(5, "domains")].problem == "unknown domain 'NOPE'"
    assert "formula" in got[(6, "title")].problem
    assert upload.rows[1]["domains"] == ["CYB", "AI"]


def test_hub_competences_are_parsed_and_checked(ref):
    text = ("name,nuts_code,competences\nA,AA11,AI:5; Cybersecurity:2\nB,AA11,AI:7\nC,AA11,AI\nD,,AI:3\n"
            "E,AA11,Cooking:3\n")
    upload, got = _problems(ref, "hubs", text.encode())
    assert upload.rows[0]["competences"] == {"AI": 5, "CYB": 2}
    assert got[(3, "competences")].problem == "level '7' of AI is not 1-5"
    assert got[(4, "competences")].problem == "'AI' has no level"
    assert got[(5, "address / nuts_code")].problem == "both empty"
    assert got[(6, "competences")].problem == "unknown domain 'Cooking'"


@pytest.mark.parametrize("name, message", [
    ("empty.csv", "the file is empty"),
    ("header_only.csv", "the file has a header but no data rows"),
    ("binary.csv", "binary data"),
])
def test_unreadable_files_get_one_clear_file_message(ref, name, message):
    upload, _ = _problems(ref, "priorities", (FILES / name).read_bytes(), name)
    assert upload.file_error and not upload.rows
    assert message in upload.problems[0].problem


def test_wrong_columns_name_the_missing_ones(ref):
    upload, got = _problems(ref, "priorities", (FILES / "priorities_wrong_columns.csv").read_bytes())
    assert got[(1, "nuts_code")].problem == "required column 'nuts_code' is missing" and not upload.rows


def test_encodings(ref):
    text = "nuts_code,title\nAA11,Mobilität\n"
    for data, warned in [(text.encode("utf-8"), False), (text.encode("utf-8-sig"), False),
                         (text.encode("utf-16"), False), (text.encode("cp1252"), True)]:
        upload, _ = _problems(ref, "priorities", data)
        assert upload.rows[0]["title"] == "Mobilität"
        assert any("Windows-1252" in p.problem for p in upload.problems) == warned


def test_size_and_row_caps(ref):
    big = b"nuts_code,title\n" + b"AA11,A very long title\n" * 600_000  # > 10 MB, generated here
    assert len(big) > 10_000_000
    upload, _ = _problems(ref, "priorities", big)
    assert "over the 1 MB limit" in upload.problems[0].problem and not upload.rows
    many = b"nuts_code,title\n" + b"AA11,t\n" * (whatif.MAX_ROWS + 1)
    upload, _ = _problems(ref, "priorities", many)
    assert f"over the {whatif.MAX_ROWS} limit" in upload.problems[0].problem


def test_excel_formula_cells_are_rejected_not_evaluated(ref):
    from openpyxl import load_workbook

    upload, got = _problems(ref, "priorities", (FILES / "priorities_formulas.xlsx").read_bytes(),
                            "priorities_formulas.xlsx")
    # the fixture's territory ES51 is not in the world: every row fails on nuts_code, but the formula is found first
    assert "formula" in got[(3, "title")].problem
    assert load_workbook(FILES / "priorities_formulas.xlsx")["Sheet"]["B3"].value.startswith("=")


def test_downloads_neutralise_formulas_and_carry_a_bom():
    data = whatif.csv_bytes(pd.DataFrame({"title": ["=1+1", "plain"]}))
    assert data.startswith("\ufeff".encode()) and b"'=1+1" in data


def test_templates_are_valid_uploads(ref):
    for kind in ("priorities", "hubs"):
        frame, problems = whatif.read_upload(whatif.template_bytes(kind), f"{kind}.csv")
        assert list(frame.columns) == list(whatif.TEMPLATES[kind].columns) and not problems
        frame, _ = whatif.read_upload(whatif.template_bytes(kind, "xlsx"), f"{kind}.xlsx")
        assert len(frame) == len(whatif.TEMPLATES[kind])
