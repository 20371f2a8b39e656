"""The real build: regions, population, map geometries, hub placement and links (GEOGRAPHY+HUBS tables)."""
from __future__ import annotations

import json

import pytest
import shapely

from pipelines.geo import EU27


def test_regions_nuts2(wh):
    n2, with_polygon, no_polygon = wh.execute("""
        SELECT count(*), count(*) FILTER (WHERE has_polygon), string_agg(nuts_code, ',') FILTER (WHERE NOT has_polygon)
        FROM regions WHERE level = 2""").fetchall()[0]
    assert with_polygon == 333  # every NUTS 2 region of the GISCO 2021 file
    assert n2 == 334 and no_polygon == "NO0B"  # + Jan Mayen and Svalbard, known from the label points only
    assert wh.execute("SELECT count(*) FROM regions WHERE is_eu AND level = 2").fetchall()[0][0] == 242
    assert {r[0] for r in wh.execute("SELECT DISTINCT country_code FROM regions WHERE is_eu").fetchall()} == set(EU27)


def test_every_eu_nuts2_has_label_point_area_and_population(wh):
    rows = wh.execute("""
        SELECT nuts_code, label_lon, label_lat, area_km2, population, population_year FROM regions
        WHERE is_eu AND level = 2""").fetchall()
    for code, lon, lat, area, pop, year in rows:
        assert lon is not None and lat is not None, code
        assert area and area > 0, code
        assert pop and pop > 0 and year >= 2019, code
    assert wh.execute("SELECT label_lat FROM regions WHERE nuts_code = 'NO0B'").fetchall()[0][0] > 70


def test_population_totals_are_plausible(wh):
    eu = wh.execute("""SELECT sum(population) FROM regions WHERE is_eu AND level = 0""").fetchall()[0][0]
    assert 440e6 < eu < 460e6  # EU-27: about 448 million
    de, de_year = wh.execute("SELECT population, population_year FROM regions WHERE nuts_code = 'DE'").fetchall()[0]
    de_sum = wh.execute("""SELECT sum(population) FROM population WHERE level = 2 AND nuts_code LIKE 'DE%'
                           AND year = ?""", [de_year]).fetchall()[0][0]
    assert de == de_sum


def test_outermost_and_areas(wh):
    outermost = {r[0] for r in wh.execute(
        "SELECT nuts_code FROM regions WHERE level = 2 AND is_outermost").fetchall()}
    assert outermost == {"FRY1", "FRY2", "FRY3", "FRY4", "FRY5", "PT20", "PT30", "ES70"}
    area = wh.execute("SELECT area_km2 FROM regions WHERE nuts_code = 'FR10'").fetchall()[0][0]
    assert 11_000 < area < 13_000  # Île-de-France: 12,012 km²


def test_region_geometries_are_small_and_valid(wh):
    sizes = dict(wh.execute("SELECT level, sum(strlen(geojson)) FROM region_geometries GROUP BY 1").fetchall())
    assert sizes[2] <= 250_000
    assert set(sizes) == {0, 1, 2, 3}
    rows = wh.execute("SELECT nuts_code, geojson, is_outermost FROM region_geometries WHERE level = 2").fetchall()
    geoms = [shapely.from_geojson(g) for _, g, _ in rows]
    assert all(shapely.is_valid(g) and not g.is_empty for g in geoms)
    text = rows[0][1]
    coords = json.loads(text)["coordinates"]
    flat = json.dumps(coords)
    assert all(len(x.split(".")[1]) <= 3 for x in flat.replace("[", " ").replace("]", " ").replace(",", " ").split()
               if "." in x)  # rounded to 3 decimals
    assert {c for c, _, o in rows if o} >= {"ES70", "PT20", "PT30"}
    # simplified as a coverage: neighbours do not overlap, and share their borders (no gaps inside a country)
    de = [g for (c, _, _), g in zip(rows, geoms) if c.startswith("DE")]
    union = shapely.union_all(de)
    assert sum(g.area for g in de) == pytest.approx(union.area, rel=1e-4)
    mainland = max(shapely.get_parts(union), key=lambda g: g.area)  # islands are separate parts
    assert len(mainland.interiors) == 0  # a gap between two simplified neighbours would be a hole


def test_hub_catalogues_complete(wh):
    counts = dict(wh.execute("SELECT source, count(*) FROM hubs GROUP BY 1").fetchall())
    assert counts == {"edih_2025": 457, "jrc_2022": 701}
    types = dict(wh.execute("SELECT hub_type, count(*) FROM hubs GROUP BY 1").fetchall())
    assert types == {"EDIH": 168, "Seal of Excellence": 83, "DIH": 206, "JRC DIH": 701}
    assert wh.execute("SELECT count(*) FROM hubs WHERE lower(website) = 'website'").fetchall()[0][0] == 0
    assert wh.execute("SELECT count(*) FROM hubs WHERE is_dep_funded <> (hub_type = 'EDIH')").fetchall()[0][0] == 0
    assert wh.execute("SELECT count(DISTINCT hub_id) FROM hubs").fetchall()[0][0] == 457 + 701


def test_eu_edih_rows_placed_at_nuts2(wh):
    n, placed = wh.execute("""SELECT count(*), count(nuts2_code) FROM hubs
                              WHERE source = 'edih_2025' AND is_eu""").fetchall()[0]
    assert n > 380 and placed / n >= 0.95


def test_every_placement_is_explained_and_consistent(wh):
    assert wh.execute("""SELECT count(*) FROM hubs WHERE nuts2_code IS NOT NULL AND (placement_method IS NULL
                         OR placement_confidence NOT IN ('high', 'medium', 'low') OR placement_evidence IS NULL
                         OR lon IS NULL OR lat IS NULL)""").fetchall()[0][0] == 0
    # placed hubs sit in real 2021 regions, and NUTS 3 / 2 / 1 nest
    assert wh.execute("""SELECT count(*) FROM hubs h WHERE nuts2_code IS NOT NULL AND (
                            nuts2_code NOT IN (SELECT nuts_code FROM regions WHERE level = 2)
                            OR (nuts3_code IS NOT NULL AND left(nuts3_code, 4) <> nuts2_code)
                            OR nuts1_code <> left(nuts2_code, 3))""").fetchall()[0][0] == 0


def test_no_hub_placed_outside_its_country(wh):
    assert wh.execute("""SELECT count(*) FROM hubs WHERE nuts2_code IS NOT NULL
                         AND left(nuts2_code, 2) <> country_code""").fetchall()[0][0] == 0


def test_unplaced_hubs_listed_with_reason(wh):
    unplaced = wh.execute("SELECT count(*) FROM hubs WHERE nuts2_code IS NULL").fetchall()[0][0]
    listed = wh.execute("""SELECT count(*) FROM hubs_unplaced u JOIN hubs h USING (hub_id)
                           WHERE h.nuts2_code IS NULL AND length(u.reason) > 10""").fetchall()[0][0]
    assert unplaced == listed
    assert wh.execute("""SELECT count(*) FROM hubs_unplaced WHERE country_code = 'UA'
                         AND reason LIKE '%no NUTS 2021 regions%'""").fetchall()[0][0] >= 1


def test_known_placements(wh):
    place = dict(wh.execute("SELECT name, nuts3_code FROM hubs WHERE source = 'edih_2025'").fetchall())
    assert place["DIPS"] == "ITH20"  # Via Santa Croce 77, 38122 Trento
    assert place["DIHSE"] == "ES419"  # Plaza viriato s/n, 49071 Zamora
    assert place["WeH"] == "RO321"  # Strada Ion Ghica 13, 030045 Bucuresti
    riga = wh.execute("""SELECT nuts3_code FROM hubs WHERE source = 'edih_2025' AND country_code = 'LV'
                         AND address LIKE '%Riga%'""").fetchall()
    assert riga and {r[0] for r in riga} == {"LV006"}  # postcode's 2024 region spans 2021 Riga + Pieriga


def test_hub_links(wh):
    n, bad = wh.execute("""
        SELECT count(*), count(*) FILTER (WHERE e.source <> 'edih_2025' OR j.source <> 'jrc_2022'
                                          OR e.country_code <> j.country_code)
        FROM hub_links l JOIN hubs e ON e.hub_id = l.edih_hub_id
        JOIN hubs j ON j.hub_id = l.jrc_hub_id""").fetchall()[0]
    assert n >= 100 and bad == 0
    assert wh.execute("SELECT count(*) FROM hub_links WHERE match_evidence IS NULL").fetchall()[0][0] == 0


# --- served areas, organisations (issue 8) --------------------------------------------------------------------------
def test_service_areas_contract(wh):
    bad = wh.execute("""
        SELECT count(*) FROM hub_service_areas a LEFT JOIN regions r USING (nuts_code)
        WHERE r.nuts_code IS NULL OR r.level <> a.level OR a.level NOT IN (0, 1, 2)
           OR a.basis NOT IN ('address', 'declared', 'national', 'assumed') OR coalesce(a.evidence, '') = ''
           OR a.hub_id NOT IN (SELECT hub_id FROM hubs)""").fetchall()[0][0]
    assert bad == 0
    # every placed hub has its address row; only Digital-Europe-funded EDIHs get an assumed area
    assert wh.execute("""SELECT count(*) FROM hubs h WHERE nuts2_code IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM hub_service_areas a WHERE a.hub_id = h.hub_id AND a.basis = 'address'
        AND a.nuts_code = h.nuts2_code)""").fetchall()[0][0] == 0
    assert wh.execute("""SELECT count(*) FROM hub_service_areas a JOIN hubs h USING (hub_id)
                         WHERE a.basis = 'assumed' AND NOT h.is_dep_funded""").fetchall()[0][0] == 0
    assert wh.execute("SELECT count(*) - count(DISTINCT (hub_id, nuts2_code)) FROM hub_service_nuts2").fetchall()[0][0] == 0


def _served(wh, name: str) -> dict[str, str]:
    return dict(wh.execute("""SELECT s.nuts2_code, s.basis FROM hub_service_nuts2 s JOIN hubs h USING (hub_id)
                              WHERE h.source = 'edih_2025' AND h.name = ?""", [name]).fetchall())


def test_declared_and_national_areas_real_examples(wh):
    dih4aisec = _served(wh, "DIH4AISec")  # "metropolitan region of Hanover-Braunschweig-Göttingen-Wolfsburg"
    assert dih4aisec.get("DE92") == "address" and dih4aisec.get("DE91") == "declared"
    nwnl = _served(wh, "EDIH-NWNL")  # "provinces of Utrecht, Noord-Holland / North-Holland and Flevoland"
    assert nwnl.get("NL23") == "declared" and nwnl.get("NL32") == "declared" and nwnl.get("NL31") == "address"
    fair = _served(wh, "FAIR")  # "FAIR services cover the whole Finland"
    assert {c for c, b in fair.items() if b in ("national", "declared", "address")} >= {"FI19", "FI1C", "FI1D", "FI1B"}


def test_hub_organisations_cover_every_hub(wh):
    n_hubs, n_rows, bad = wh.execute("""
        SELECT (SELECT count(*) FROM hubs), count(*), count(*) FILTER (WHERE organisation_id NOT IN
               (SELECT hub_id FROM hubs) OR n_records < 1) FROM hub_organisations""").fetchall()[0]
    assert n_hubs == n_rows and bad == 0
    # a JRC record linked to an EDIH-catalogue record counts as that record
    assert wh.execute("""SELECT count(*) FROM hub_links l JOIN hub_organisations o ON o.hub_id = l.jrc_hub_id
                         WHERE NOT starts_with(o.organisation_id, 'edih:')""").fetchall()[0][0] == 0


def test_service_area_rules_precision_on_the_hand_checked_sample(wh):
    """tests/fixtures/service_areas_sample.csv: 64 EDIH-catalogue descriptions read and judged by hand (42 used to
    calibrate the rules, 22 held out). Precision and recall of the declared + national rows (docs/geography.md)."""
    import csv

    from pipelines.service_areas import evaluate
    from tests.conftest import FIXTURES

    rows = list(csv.DictReader(open(FIXTURES / "service_areas_sample.csv", encoding="utf-8")))
    assert len(rows) >= 40 and all(r["reasoning"] for r in rows)
    predicted: dict[str, dict[str, str]] = {}
    for hub_id, code, basis in wh.execute("SELECT hub_id, nuts2_code, basis FROM hub_service_nuts2").fetchall():
        predicted.setdefault(hub_id, {})[code] = basis
    judged = {r["hub_id"]: set(r["judged_nuts2"].split(";")) for r in rows}
    m = evaluate(predicted, judged)
    assert m["precision"] >= 0.9, m
    assert m["recall"] >= 0.85, m
    held_out = evaluate(predicted, {r["hub_id"]: judged[r["hub_id"]] for r in rows if r["subset"] == "holdout"})
    assert held_out["precision"] >= 0.9, held_out


def test_hub_link_rules_on_the_hand_checked_pairs(wh):
    """tests/fixtures/hub_link_pairs_sample.csv: 109 candidate pairs judged by hand (77 calibration + 32 held out).
    A pair counts as linked when it is in hub_links or hub_duplicates."""
    import csv

    from tests.conftest import FIXTURES

    rows = list(csv.DictReader(open(FIXTURES / "hub_link_pairs_sample.csv", encoding="utf-8")))
    assert len(rows) >= 50 and all(r["reasoning"] and r["verdict"] in ("same", "different") for r in rows)
    linked = {tuple(sorted(p)) for p in wh.execute(
        "SELECT edih_hub_id, jrc_hub_id FROM hub_links UNION SELECT hub_id_a, hub_id_b FROM hub_duplicates").fetchall()}
    tp = sum(1 for r in rows if r["verdict"] == "same" and tuple(sorted((r["hub_id_a"], r["hub_id_b"]))) in linked)
    fp = sum(1 for r in rows if r["verdict"] == "different" and tuple(sorted((r["hub_id_a"], r["hub_id_b"]))) in linked)
    fn = sum(1 for r in rows if r["verdict"] == "same") - tp
    assert tp / (tp + fp) >= 0.95, (tp, fp, fn)
    assert tp / (tp + fn) >= 0.85, (tp, fp, fn)


def test_same_organisation_counts_once(wh):
    # CeADAR: EDIH and DIH records of the EDIH catalogue and the JRC record are one organisation
    orgs = wh.execute("""SELECT DISTINCT o.organisation_id FROM hub_organisations o JOIN hubs h USING (hub_id)
                         WHERE h.name ILIKE 'CeADAR%'""").fetchall()
    assert len(orgs) == 1
    # renamed Mittelstand centre: old JRC name and new EDIH name are one organisation
    hamburg = wh.execute("""SELECT count(DISTINCT o.organisation_id) FROM hub_organisations o JOIN hubs h USING (hub_id)
                            WHERE h.name IN ('Mittelstand-Digital Zentrum Hamburg',
                                             'Mittelstand 4.0 centre of excellence Hamburg')""").fetchall()[0][0]
    assert hamburg == 1


def test_inferred_covering_level_on_the_hand_judged_sample(wh):
    """tests/fixtures/competence_inference_sample.csv: 242 inferred (hub, domain) rows of 56 hubs judged by reading
    the descriptions ('strong' = the hub offers it as a main competence; 42 hubs calibration, 14 held out). Inferred
    rows at the covering level (3) must be 'strong' in at least 85 % of cases."""
    import csv

    from tests.conftest import FIXTURES

    rows = list(csv.DictReader(open(FIXTURES / "competence_inference_sample.csv", encoding="utf-8")))
    assert len({r["hub_id"] for r in rows}) >= 40
    got = {(h, d): (lvl, src) for h, d, lvl, src in wh.execute(
        "SELECT hub_id, domain_code, level, source FROM hub_competences").fetchall()}
    # a row the current coder no longer infers (e.g. a rule tightened in issue 8 item 4) cannot be at the covering level
    covering = [r for r in rows if got.get((r["hub_id"], r["domain_code"])) == (3, "inferred_description")]
    precision = sum(r["judgement"] == "strong" for r in covering) / len(covering)
    assert len(covering) >= 10 and precision >= 0.85, (len(covering), precision)
    # no row judged 'wrong' reaches the covering level
    assert not [r for r in covering if r["judgement"] == "wrong"]


def test_rejected_served_area_candidates_are_quarantined_with_the_reason(wh):
    rows = wh.execute("""SELECT reason, record FROM quarantine
                         WHERE stage = 'conformed' AND file = 'hubs (description)'""").fetchall()
    reasons = [r for r, _ in rows]
    # places of another country (a Czech hub's Euroregion names Saxony, Lower Silesia, Opole)
    assert any("'Lower Silesia' is a region/place of PL, not of the address country CZ" in r for r in reasons)
    # an unknown place after a place cue
    assert any("is in no NUTS name list and not in the gazetteer" in r for r in reasons)
    # a containing region next to more specific ones (DIH4AISec: Lower Saxony vs DE91 + DE92)
    assert any("declared region DE9 contains the more specific declared region(s) DE91, DE92" in r for r in reasons)
    assert all(json.loads(rec)["hub_id"].startswith("edih:") for _, rec in rows)
