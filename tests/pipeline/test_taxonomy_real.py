"""The taxonomy tables of a real build: domains, S3 priorities coded, hub competences, applicable priorities."""
from __future__ import annotations

import pytest

from pipelines.coding import precision_recall, read_coding_sample
from tests.conftest import FIXTURES

CODED_TARGET = 0.95
# floors for the hand-checked sample (measured at build time: all ≈ 0.93 / 0.82, holdout ≈ 0.91 / 0.81)
PRECISION_FLOOR, RECALL_FLOOR = 0.85, 0.75
HOLDOUT_PRECISION_FLOOR, HOLDOUT_RECALL_FLOOR = 0.80, 0.70
MAX_NUTS2_WITHOUT_STRATEGY = 15  # 13 of 242 at build time, each with a not_found reason from the coverage log


def scalar(wh, sql, params=None):
    return wh.execute(sql, params or []).fetchall()[0][0]


def test_at_least_95_percent_of_priorities_are_coded(wh):
    total = scalar(wh, "SELECT count(*) FROM s3_priorities")
    coded = scalar(wh, "SELECT count(DISTINCT priority_id) FROM s3_priority_domains")
    assert total > 1200
    assert coded / total >= CODED_TARGET


def test_priority_domain_links_are_explained_and_weights_sum_to_one(wh):
    assert scalar(wh, """SELECT count(*) FROM s3_priority_domains
                         WHERE method NOT IN ('keyword', 'nace', 'similarity', 'override')
                            OR coalesce(evidence, '') = '' OR weight <= 0 OR weight > 1""") == 0
    assert scalar(wh, """SELECT count(*) FROM (SELECT priority_id, sum(weight) s FROM s3_priority_domains
                         GROUP BY 1) WHERE abs(s - 1) > 1e-6""") == 0
    assert scalar(wh, "SELECT count(*) FROM s3_priority_domains WHERE domain_code NOT IN (SELECT domain_code "
                      "FROM domains)") == 0
    assert scalar(wh, "SELECT count(*) - count(DISTINCT (priority_id, domain_code)) FROM s3_priority_domains") == 0


def test_precision_and_recall_against_the_hand_checked_sample(wh):
    coded: dict[str, set[str]] = {}
    for pid, domain in wh.execute("SELECT priority_id, domain_code FROM s3_priority_domains").fetchall():
        coded.setdefault(pid, set()).add(domain)
    sample = read_coding_sample(FIXTURES / "priority_coding_sample.csv")
    assert len(sample) >= 60
    known = {r[0] for r in wh.execute("SELECT priority_id FROM s3_priorities").fetchall()}
    assert {r["priority_id"] for r in sample} <= known  # real priorities
    every = precision_recall({r["priority_id"]: r["expected"] for r in sample}, coded)
    assert every["precision"] >= PRECISION_FLOOR and every["recall"] >= RECALL_FLOOR, every
    holdout = precision_recall({r["priority_id"]: r["expected"] for r in sample if r["sample"] == "holdout"}, coded)
    assert holdout["priorities"] >= 30
    assert holdout["precision"] >= HOLDOUT_PRECISION_FLOOR and holdout["recall"] >= HOLDOUT_RECALL_FLOOR, holdout


def test_czech_regional_domains_are_additional_strategies(wh):
    rows = wh.execute("""SELECT count(DISTINCT strategy_id), count(*), min(nuts_level), max(nuts_level)
                         FROM s3_priorities WHERE source_dataset = 'cz_ris3_domains'""").fetchall()[0]
    assert rows == (14, 91, 3, 3)
    assert scalar(wh, """SELECT count(*) FROM quarantine WHERE source_id = 'cz_ris3_domains'
                         AND reason LIKE 'emerging-topic fragment%'""") == 72
    assert scalar(wh, "SELECT count(*) FROM s3_strategies WHERE source_dataset = 'cz_ris3_domains'") == 14
    # Czech-only names get the project's English translation; the Czech name stays as title_original
    assert wh.execute("""SELECT title, title_original, title_is_english FROM s3_priorities
                         WHERE priority_id = 'CZ042-2021-2027#8'""").fetchall() == [
        ("Hydrogen economy", "Vodíková ekonomika", True)]


def test_every_source_label_in_staging_is_in_a_crosswalk(wh):
    assert scalar(wh, """SELECT count(*) FROM (SELECT DISTINCT kind, label FROM staging.stg_edih_tags) t
                         WHERE NOT EXISTS (SELECT 1 FROM taxonomy_label_crosswalk x
                                           WHERE x.source = 'edih_2025' AND x.kind = t.kind AND x.label = t.label)""") == 0
    assert scalar(wh, """SELECT count(*) FROM (SELECT DISTINCT trim(s) AS label FROM staging.stg_jrc_hubs,
                                               unnest(string_split(sectors, ';')) AS u(s) WHERE trim(s) <> '') t
                         WHERE NOT EXISTS (SELECT 1 FROM taxonomy_label_crosswalk x
                                           WHERE x.source = 'jrc_2022' AND x.label = t.label)""") == 0
    assert scalar(wh, """SELECT count(*) FROM (SELECT DISTINCT trim(d) AS division FROM staging.stg_cz_regional_domains,
                                               unnest(string_split(cz_nace_divisions, ';')) AS u(d)) t
                         WHERE division NOT IN (SELECT nace_division FROM taxonomy_nace_crosswalk)""") == 0


def test_hub_competences_cover_every_hub_with_a_description_or_tags(wh):
    uncovered = wh.execute("""
        SELECT h.hub_id, h.name FROM hubs h
        WHERE (coalesce(trim(h.description), '') <> ''
               OR h.hub_id IN (SELECT hb.hub_id FROM hubs hb JOIN staging.stg_edih_tags t
                               ON hb.source = 'edih_2025' AND hb.source_key = t.edih_name)
               OR (h.source = 'jrc_2022' AND h.source_key IN (SELECT CAST(jrc_hub_id AS VARCHAR)
                                                              FROM staging.stg_jrc_hubs WHERE sectors IS NOT NULL)))
          AND h.hub_id NOT IN (SELECT hub_id FROM hub_competences)""").fetchall()
    assert uncovered == []


def test_hub_competence_levels_and_sources(wh):
    assert scalar(wh, """SELECT count(*) FROM hub_competences WHERE level NOT BETWEEN 1 AND 5
                         OR source NOT IN ('edih_tag', 'jrc_sector', 'inferred_description')
                         OR coalesce(evidence, '') = ''""") == 0
    assert scalar(wh, "SELECT count(*) - count(DISTINCT (hub_id, domain_code)) FROM hub_competences") == 0
    levels = dict(wh.execute("SELECT source, max(level) FROM hub_competences GROUP BY 1").fetchall())
    assert levels["edih_tag"] == 5 and levels["jrc_sector"] == 3 and levels["inferred_description"] == 3
    # evidence grades (docs/taxonomy.md): inferred rows reach level 3 only with strong text evidence (named in the
    # hub's name/title, or in the first sentence with 2+ distinct terms), never for the general digital domain
    assert scalar(wh, """SELECT count(*) FROM hub_competences WHERE source = 'inferred_description' AND level = 3
                         AND (grade_note NOT LIKE '%named in the%' OR domain_code = 'TECH_DIGITAL')""") == 0
    assert scalar(wh, """SELECT count(*) FROM hub_competences WHERE evidence_grade IS NULL
                         OR evidence_grade <> CASE source WHEN 'edih_tag' THEN 'declared' WHEN 'jrc_sector'
                            THEN 'listed' ELSE 'inferred' END""") == 0
    # EDIH hubs without technology tags still have inferred technology competences
    assert scalar(wh, """SELECT count(DISTINCT c.hub_id) FROM hub_competences c JOIN hubs h USING (hub_id)
                         JOIN domains d USING (domain_code)
                         WHERE h.source = 'jrc_2022' AND d.facet = 'technology'""") > 400


def test_every_eu_nuts2_region_has_an_applicable_strategy_or_a_listed_reason(wh):
    missing = wh.execute("""
        SELECT r.nuts_code FROM regions r
        WHERE r.is_eu AND r.level = 2 AND NOT regexp_matches(r.nuts_code, '^[A-Z]{2}Z+$')
          AND r.nuts_code NOT IN (SELECT nuts_code FROM applicable_priorities)""").fetchall()
    gaps = dict(wh.execute("SELECT nuts_code, reason FROM applicability_gaps WHERE level = 2").fetchall())
    assert {m[0] for m in missing} == set(gaps)
    assert len(gaps) <= MAX_NUTS2_WITHOUT_STRATEGY
    assert all("not_found" in reason for reason in gaps.values()), gaps


@pytest.mark.parametrize("region, strategy, relation", [
    ("DE21", "DE2-2014-2020", "parent"),  # German strategies sit at NUTS 1
    ("CZ03", "CZ031-2021-2027", "child"),  # Czech kraje are NUTS 3
    ("CZ03", "CZ-2021-2027", "national"),
    ("SE12", "SE12-2021-2027", "own"),  # joint East Middle Sweden strategy at NUTS 2
    ("DE40", "DE3-2021-2027", "shared"),  # innoBB: Berlin's clusters are Brandenburg's too
    ("FRC1", "FRC1-2014-2020", "own"),  # pre-merger Bourgogne
    ("FRC1", "FRC-2021-2027", "parent"),  # merged Bourgogne-Franche-Comté
    ("FRC", "FRC2-2014-2020", "child"),
    ("FI", "FI193-2014-2020", "child"),
])
def test_relations_on_real_regions(wh, region, strategy, relation):
    got = {r[0] for r in wh.execute("SELECT DISTINCT relation FROM applicable_priorities WHERE nuts_code = ? "
                                    "AND strategy_id = ?", [region, strategy]).fetchall()}
    assert got == {relation}
