"""The alignment marts and exports on the warehouse built from the committed raw data (`wh` fixture)."""
from __future__ import annotations

import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from pipelines import export, method

MARTS = ("region_alignment", "gaps", "unaligned_competences", "partner_suggestions", "policy_alignment")


def test_every_eu_nuts2_region_has_a_2021_2027_row_or_a_reason(wh):
    eu_nuts2 = {r[0] for r in wh.execute("SELECT nuts_code FROM regions WHERE is_eu AND level = 2").fetchall()}
    assert len(eu_nuts2) == 242
    rows = wh.execute("""SELECT nuts_code, alignment_score, no_score_reason FROM region_alignment
                         WHERE level = 2 AND period = '2021-2027'""").fetchall()
    assert {r[0] for r in rows} == eu_nuts2
    assert len(rows) == len(eu_nuts2)  # one row per region
    for code, score, reason in rows:
        assert (score is None) == (reason is not None), code
    scored = sum(score is not None for _c, score, _r in rows)
    # 2021-2027 strategies not found in the curated S3 data (e.g. Île-de-France, Bavaria, Italy's national one) leave
    # some regions unscored, each with its reason; most regions are scored
    assert scored / len(rows) >= 0.75


def test_every_eu_region_and_period_has_exactly_one_row(wh):
    expected = wh.execute("SELECT count(*) * 2 FROM regions WHERE is_eu AND level IN (0, 1, 2)").fetchone()[0]
    got, distinct = wh.execute("""SELECT count(*), count(DISTINCT (nuts_code, period)) FROM region_alignment""").fetchone()
    assert got == distinct == expected


def test_scores_are_within_their_ranges(wh):
    bad = wh.execute("""SELECT count(*) FROM region_alignment
        WHERE alignment_score NOT BETWEEN 0 AND 100 OR coverage NOT BETWEEN 0 AND 1 OR focus NOT BETWEEN 0 AND 1
           OR (alignment_score IS NULL) <> (coverage IS NULL)""").fetchone()[0]
    assert bad == 0
    assert wh.execute("SELECT count(*) FROM partner_suggestions WHERE score NOT BETWEEN 0 AND 100 "
                      "OR rank NOT BETWEEN 1 AND ?", [method.PARTNER_TOP_N]).fetchone()[0] == 0
    # the score spreads: not every region at 0 or 100
    assert wh.execute("""SELECT count(DISTINCT alignment_score) FROM region_alignment
                         WHERE level = 2 AND period = '2021-2027'""").fetchone()[0] > 50


def test_gaps_statuses_agree_with_the_local_levels(wh):
    assert wh.execute("""SELECT count(*) FROM gaps WHERE NOT (
        (status = 'covered' AND best_local_level >= ?) OR
        (status = 'weak' AND best_local_level BETWEEN 1 AND ? - 1) OR
        (status = 'uncovered' AND best_local_level IS NULL))""",
                      [method.COVERED_LEVEL, method.COVERED_LEVEL]).fetchone()[0] == 0
    # nearest hubs really lie outside the region
    assert wh.execute("""SELECT count(*) FROM gaps g JOIN hub_region_membership m
        ON m.hub_id = g.nearest_hub_id AND m.level = g.level AND m.nuts_code = g.nuts_code""").fetchone()[0] == 0


def test_partner_suggestions_are_outside_the_region_and_explained(wh):
    assert wh.execute("""SELECT count(*) FROM partner_suggestions p JOIN hub_region_membership m
        ON m.hub_id = p.hub_id AND m.level = p.level AND m.nuts_code = p.nuts_code""").fetchone()[0] == 0
    assert wh.execute("SELECT count(*) FROM partner_suggestions WHERE reasons NOT LIKE 'level _ in %km away%'"
                      ).fetchone()[0] == 0
    # only uncovered region × domain pairs get suggestions
    assert wh.execute("""SELECT count(*) FROM partner_suggestions p JOIN region_domain_status s
        USING (nuts_code, level, domain_code) WHERE s.status <> 'uncovered'""").fetchone()[0] == 0


def test_every_mart_row_carries_the_method_version(wh):
    for table in MARTS:
        assert wh.execute(f"SELECT DISTINCT method_version FROM {table}").fetchall() == [(method.METHOD_VERSION,)]
    assert wh.execute("SELECT method_version FROM build_info").fetchone()[0] == method.METHOD_VERSION


def test_funding_columns_are_filled_where_the_data_exists(wh):
    row = wh.execute("""SELECT count(erdf_to01_eur), count(erdf_payments_per_inh), count(h2020_ec_eur),
                               count(*) FROM region_alignment WHERE level = 0 AND period = '2021-2027'""").fetchone()
    assert row == (27, 27, 27, 27)
    # ERDF TO01 planned in the 27 member states ≈ EUR 40 bn of the 41.8 bn (the rest: UK and Interreg)
    to01 = wh.execute("""SELECT sum(erdf_to01_eur) FROM region_alignment
                         WHERE level = 0 AND period = '2021-2027'""").fetchone()[0]
    assert 35e9 < to01 < 41.8e9
    share = wh.execute("SELECT h2020_nuts_share FROM region_alignment WHERE nuts_code = 'DE' LIMIT 1").fetchone()[0]
    assert share == pytest.approx(0.9931, abs=1e-4)


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "parquet"])
def test_country_export_opens_and_carries_the_readme(wh, fmt):
    frames = export.export_frames(wh, "ES")
    assert set(frames["regions"].country_code) == {"ES"} and len(frames["gaps"]) > 0
    data = export.to_bytes(frames, fmt)
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        assert book.sheetnames[0] == "README"
        readme = pd.read_excel(io.BytesIO(data), sheet_name="README")
        gaps = pd.read_excel(io.BytesIO(data), sheet_name="gaps")
    else:
        archive = zipfile.ZipFile(io.BytesIO(data))
        read = pd.read_csv if fmt == "csv" else pd.read_parquet
        readme = read(io.BytesIO(archive.read(f"README.{fmt}")))
        gaps = read(io.BytesIO(archive.read(f"gaps.{fmt}")))
        assert method.METHOD_VERSION in archive.read("README.md").decode()
    values = dict(zip(readme.field, readme.value))
    assert values["method_version"] == method.METHOD_VERSION
    assert values["nuts_version"] == "NUTS 2021"
    assert "snapshot 2025-04-28" in values["source:edih_catalogue"]
    assert len(gaps) == len(frames["gaps"])


def test_unknown_country_is_a_clear_error(wh):
    from pipelines.errors import PipelineError

    with pytest.raises(PipelineError, match="valid codes are AT, BE, BG"):
        export.export_frames(wh, "XX")


def test_formula_injection_in_a_crafted_real_frame_is_neutralised(wh):
    frames = export.export_frames(wh, "MT")
    crafted = frames["gaps"].head(3).copy()
    crafted["priority_title"] = ["=cmd|' /C calc'!A0", "@SUM(1+1)", "+1-1"]
    book = openpyxl.load_workbook(io.BytesIO(export.to_bytes({"gaps": crafted}, "xlsx")))
    column = [c.value for c in book["gaps"][1]].index("priority_title") + 1
    got = [book["gaps"].cell(row=r, column=column).value for r in (2, 3, 4)]
    assert got == ["'=cmd|' /C calc'!A0", "'@SUM(1+1)", "'+1-1"]


def test_funding_totals_are_kept_through_the_nuts_conversion_and_roll_ups(wh):
    def total(sql, params=None):
        return wh.execute(sql, params or []).fetchone()[0]

    # ERDF planned: every regional programme's amount ends up once at NUTS 2 (own or shared by population) and once
    # at NUTS 1 (own or summed from NUTS 2)
    for to in ("01", "02"):
        n1 = total("SELECT sum(eu_amount_eur) FROM erdf_planned_by_region WHERE level = 1 AND to_code = ?", [to])
        n2 = total("SELECT sum(eu_amount_eur) FROM erdf_planned_by_region WHERE level = 2 AND to_code = ?", [to])
        assert n1 == pytest.approx(n2, rel=1e-9) and n1 > 1e9
    # ERDF payments: NUTS 0 = NUTS 1 = NUTS 2 sums
    sums = wh.execute("SELECT level, sum(erdf_eur) FROM erdf_payments_by_region GROUP BY level ORDER BY level").fetchall()
    assert sums[0][1] == pytest.approx(sums[1][1], rel=1e-9) == pytest.approx(sums[2][1], rel=1e-9)
    # Horizon 2020: the placed money (with a NUTS code) is all in the NUTS 2 regions, plus (issue 14) the rest of the
    # money of countries that are one NUTS 2 region
    placed = total("SELECT sum(ec_contribution_with_nuts_eur) FROM staging.stg_h2020_by_country")
    one_region_rest = total("""SELECT sum(ec_contribution_eur - coalesce(ec_contribution_with_nuts_eur, 0))
                               FROM staging.stg_h2020_by_country WHERE country_code IN
                               (SELECT country_code FROM regions WHERE level = 2 GROUP BY 1 HAVING count(*) = 1)""")
    nuts2 = total("SELECT sum(ec_contribution_eur) FROM h2020_by_region WHERE level = 2")
    assert nuts2 == pytest.approx(placed + one_region_rest, rel=1e-3)
