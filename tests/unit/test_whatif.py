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


def world_frames() -> dict:
    """The world's tables as the warehouse types them: all-empty text columns as text, s3_priorities with its
    country (the alignment marts never needed it; the applicability step does)."""
    frames = {name: read_world(name).astype({c: "string" for c in columns})
              for name, columns in {"s3_priority_domains": ["evidence"], "hub_competences": ["evidence"],
                                    "s3_priorities": ["title_original", "description", "source_url"]}.items()}
    frames["s3_priorities"]["country_code"] = frames["s3_priorities"].nuts_code.str[:2]
    return frames


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    con = build_world(tmp_path_factory.mktemp("whatif-world"), world_frames())
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
    return {code: (row.coverage_all_after, row.coverage_low_after, row.fit_after) for code, row in f.iterrows()}


# atlas-method-2.0 on the world (README): national priorities weigh ½ next to a regional list; a region is covered by
# the hubs that serve it (edih:1 serves AA12 as 'assumed'); coverage_low here = the address-only reading; fit = the
# serving hubs' share of levels in the priority domains / the EU-wide share of those domains (53 levels: AI 6, CYB 16,
# HPC 7, ROB 7, AGRI 6, TOUR 11).
def test_replacing_a_regions_list_is_recomputed_by_hand(world, ref):
    # AA12's own list (P4: HPC) replaced by one priority in tourism (TOUR, given in the file).
    upload = _upload(world, ref, "priorities", "nuts_code,title,domains\nAA12,Coastal heritage,TOUR\n")
    result = whatif.run_whatif(world, upload, ref, mode="replace")
    # affected: AA12, the NUTS 1 region AA1 and the country AA containing it; not AA11 nor BB
    assert result.affected == ["AA", "AA1", "AA12"]
    got = _figures(result)
    # AA12: AI ¼ + CYB ¼ (national P1 at ½) + TOUR 1 = 1.5. Served by edih:2 (TOUR 3 covers, AI 1 weak) and edih:1
    #       (assumed: AI 5 covers, CYB 2 weak) → (¼ + 1)/1.5 = 5/6. Address only (edih:2): TOUR → 1/1.5 = 2/3.
    #       fit: levels in AI/CYB/TOUR 4 (edih:2) + 7 (edih:1) of 21, against (6 + 16 + 11)/53 → 583/693 = 0.841.
    assert got["AA12"] == (0.8333, 0.6667, 0.841)
    # AA1 and AA: AI ¾, CYB ¼, AGRI ½, TOUR 1 (P3) + 1 (upload) = 2, HPC gone → 3.5; all but CYB covered → 13/14.
    #       fit: (10 + 4)/21 against (6 + 16 + 6 + 11)/53 → 106/117 = 0.906.
    assert got["AA1"][0] == got["AA"][0] == 0.9286 and got["AA1"][2] == 0.906
    figures = result.figures.set_index("nuts_code")
    assert figures.loc["AA12", "coverage_all_before"] == 0.8333  # the world's figure before the upload (README)
    assert figures.loc["AA12", "fit_before"] == 1.044
    changes = {(r.nuts_code, r.domain_code): r.change for r in result.gap_changes.itertuples()}
    assert changes == {("AA12", "HPC"): "priority domain dropped", ("AA12", "TOUR"): "new priority domain, covered",
                       ("AA1", "HPC"): "priority domain dropped", ("AA", "HPC"): "priority domain dropped"}
    # AA12's CYB is still weak: its partner suggestions do not change
    assert result.new_partners.empty
    # rank among all NUTS 2 regions by coverage in whole percent: BB11 100, AA12 83, AA11 50 → 2nd
    assert figures.loc["AA12", "rank_in_eu_after"] == 2


def test_adding_to_a_regions_list(world, ref):
    upload = _upload(world, ref, "priorities", "nuts_code,title,domains\nAA12,Coastal heritage,Tourism\n")
    result = whatif.run_whatif(world, upload, ref, mode="add")
    # AA12: AI ¼, CYB ¼, HPC 1, TOUR 1 = 2.5; covered AI, HPC, TOUR → 2.25/2.5 = 0.9; address only HPC + TOUR → 0.8
    assert _figures(result)["AA12"][:2] == (0.9, 0.8)


def test_a_new_hub_closes_a_gap_and_replaces_partner_suggestions(world, ref):
    upload = _upload(world, ref, "hubs", "name,nuts_code,competences\nEast Cyber Lab,AA12,CYB:4\n")
    result = whatif.run_whatif(world, upload, ref)
    # affected: the hub's regions AA12, AA1, AA and AA12's NUTS 2 neighbours AA11 and BB11 (across the border)
    assert set(result.affected) == {"AA", "AA1", "AA12", "AA11", "BB11"}
    got = _figures(result)
    # AA12: AI ¼, CYB ¼, HPC 1 all covered now → 1.0; address only (edih:2 + the new hub): AI weak → 1.25/1.5.
    #       fit: 16 of 25 serving levels in AI/CYB/HPC; the EU distribution gains CYB 4 (57 levels; AI 6, CYB 20,
    #       HPC 7) → 0.64 / (33/57) = 1.105.
    assert got["AA12"] == (1.0, 0.8333, 1.105)
    # AA11 keeps its coverage; its fit moves only through the EU-wide distribution: (10/13) / (43/57) = 1.020
    assert got["AA11"] == (0.5, 0.5, 1.02)
    assert got["AA1"][0] == 1.0
    figures = result.figures.set_index("nuts_code")
    assert figures.loc["AA12", "n_hubs_change"] == 1
    changes = {(r.nuts_code, r.domain_code): r.change for r in result.gap_changes.itertuples()}
    assert changes == {("AA12", "CYB"): "gap closed", ("AA1", "CYB"): "gap closed", ("AA", "CYB"): "gap closed"}
    partners = result.new_partners
    # AA12's CYB suggestions (README: edih:3 75.33, far:1 60.00, no:1 55.99; jrc:11 rests on a JRC sector list and
    # gives way to them) all go
    gone = partners[(partners.nuts_code == "AA12")]
    assert sorted(zip(gone.hub_id, gone.score)) == [("edih:3", 75.33), ("far:1", 60.0), ("no:1", 55.99)]
    # the new hub strengthens AA11's weak CYB: 8 × 4 + 5 declared + 30 × (1 − 111.195/500) + 10 same country
    # + 10 neighbour = 80.33, ranked first (before edih:3 58.66, no:1 53.58)
    new = partners[partners.change == "new suggestion"]
    assert list(zip(new.nuts_code, new.hub_id, new["rank"], new.score)) == [("AA11", "upload:hub:2", 1, 80.33)]


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
