"""Funding tables built from the committed snapshots (issue 14): Digital Europe EDIH money, the period-specific funding
mix, Horizon 2020 placement, the data-gap list and the hub-group answer. Facts checked against the sources."""
from __future__ import annotations

import pytest

EU27 = set("AT BE BG HR CY CZ DK EE FI FR DE EL HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split())


def test_country_budget_share_sums_to_the_published_budget(wh):
    # DE: EUR 42.39 m (BMWK 2022-12-09) split over the German DEP-funded EDIHs of the catalogue
    total, n, bases = wh.execute("""SELECT sum(eu_contribution_eur), count(*), list(DISTINCT basis)
                                     FROM dep_edih_funding WHERE country_code = 'DE'""").fetchone()
    assert total == pytest.approx(42_390_000)
    assert n == 16 and bases == ["country_budget_share"]
    assert wh.execute("SELECT bool_and(is_estimate) FROM dep_edih_funding WHERE basis = 'country_budget_share'"
                      ).fetchone()[0] is True


def test_published_edih_figures_are_matched_to_their_hub(wh):
    rows = dict(wh.execute("""SELECT h.name, d.eu_contribution_eur FROM dep_edih_funding d JOIN hubs h USING (hub_id)
                              WHERE d.basis = 'published'""").fetchall())
    assert rows["AddSmart"] == 1_088_000 and rows["DAoL"] == 1_765_000 and rows["GC EDIH"] == 1_500_000
    # the approximate Slovenian figure is published but flagged as an estimate
    assert wh.execute("""SELECT d.is_estimate FROM dep_edih_funding d JOIN hubs h USING (hub_id)
                         WHERE h.name = 'SRC-EDIH'""").fetchone()[0] is True


def test_figures_that_are_not_eu_contributions_are_never_used(wh):
    # figures that do not say whether they are EU money (EDIH Madrid, EDIH CTU, DIGI-SI, Flanders AI EDIH), give only a
    # share of a budget (POLYTRONICS); Croatia's seven-year envelope (EUR 12.7 m) is never the amount
    amounts = wh.execute("""SELECT count(d.eu_contribution_eur) FROM dep_edih_funding d JOIN hubs h USING (hub_id)
                            WHERE d.country_code IN ('CZ')
                               OR h.name IN ('EDIH MADRID REGION', 'DIGI-SI', 'Flanders AI EDIH', 'POLYTRONICS')""").fetchone()[0]
    assert amounts == 0
    # IE / NL (EU + national totals) and AT / IT (national co-financing, 50/50 stated) enter only as derived EU
    # amounts: the derived figure, never the published total itself
    derived = dict(wh.execute("""SELECT country_code, sum(eu_contribution_eur) FROM dep_edih_funding
                                 WHERE country_code IN ('IE', 'NL', 'AT', 'IT', 'HR') GROUP BY 1""").fetchall())
    # HR: EUR 10.8 m of national grant contracts (lider.media) with the 50/50 split EDIH Adria states
    assert derived == pytest.approx({"IE": 5_700_000, "NL": 15_000_000, "AT": 8_390_000, "IT": 33_600_000,
                                     "HR": 10_800_000})
    assert wh.execute("""SELECT bool_and(is_estimate AND note LIKE '%derived%') FROM dep_edih_funding
                         WHERE country_code IN ('IE', 'NL', 'AT', 'IT', 'HR')""").fetchone()[0] is True
    assert wh.execute("SELECT count(*) FROM dep_edih_funding WHERE basis NOT IN "
                      "('published', 'country_budget_share', 'not_found')").fetchone()[0] == 0


def test_per_edih_figures_from_the_second_search_pass(wh):
    # snapshot 2026-12b: DIGIS3 (ES) publishes its EU share (EUR 1.5 m of EUR 3.447 m, digis3.eu); four hubs publish a
    # total budget or a regional 50 % co-financing, from which the EU half is DERIVED and flagged as an estimate
    rows = {r[0]: r[1:] for r in wh.execute("""SELECT h.name, d.eu_contribution_eur, d.basis, d.is_estimate, d.note
                                                FROM dep_edih_funding d JOIN hubs h USING (hub_id)
                                                WHERE h.name IN ('DIGIS3', 'sustAIn.brussels', 'EDIH-GE', 'DIVA',
                                                                 'Aero EDIH')""").fetchall()}
    assert rows["DIGIS3"][:3] == (1_500_000, "published", False)
    derived = {"sustAIn.brussels": 2_100_000, "EDIH-GE": 1_900_000, "DIVA": 2_950_000, "Aero EDIH": 1_550_000}
    for name, amount in derived.items():
        eur, basis, is_estimate, note = rows[name]
        assert (eur, basis, is_estimate) == (amount, "published", True), name
        assert note.startswith("derived from the hub's published budget"), name
    # 17 of 27 countries have an amount (12 before the second pass: + HR derived budget; BE, ES, FR, SE for some EDIHs)
    countries = {r[0] for r in wh.execute("SELECT DISTINCT country_code FROM dep_edih_funding "
                                          "WHERE eu_contribution_eur IS NOT NULL").fetchall()}
    assert countries == set("AT BE DE DK EL ES FI FR HR IE IT LV NL PL RO SE SI".split())
    total, n = wh.execute("SELECT sum(eu_contribution_eur), count(eu_contribution_eur) FROM dep_edih_funding").fetchone()
    assert total == pytest.approx(186_194_000) and n == 79


def test_dep_regional_split_keeps_the_country_total(wh):
    # population-share split over served NUTS 2 regions: the NUTS 2 regions of a country add up to its total
    for country in ("DE", "PL", "FI", "RO", "EL"):
        n0, n2 = wh.execute("""SELECT (SELECT eu_contribution_eur FROM dep_edih_funding_by_region
                                        WHERE nuts_code = ? AND level = 0),
                                       (SELECT sum(eu_contribution_eur) FROM dep_edih_funding_by_region
                                        WHERE level = 2 AND left(nuts_code, 2) = ?)""", [country, country]).fetchone()
        assert n2 == pytest.approx(n0, rel=1e-9), country


def test_region_funding_mix_grid_and_no_period_mixing(wh):
    n_regions = wh.execute("SELECT count(*) FROM regions WHERE is_eu AND level <= 2").fetchone()[0]
    assert wh.execute("SELECT count(*) FROM region_funding_mix").fetchone()[0] == n_regions * 2 * 3
    # no 2014-2020 money labelled 2021-2027: ERDF 2021-2027 is NULL everywhere, DEP 2014-2020 is NULL everywhere
    assert wh.execute("""SELECT count(amount_eur) FROM region_funding_mix WHERE
                         (funding_source = 'erdf_ri_ict' AND period = '2021-2027')
                         OR (funding_source = 'digital_europe_edih' AND period = '2014-2020')""").fetchone()[0] == 0
    # every NULL amount says why
    assert wh.execute("SELECT count(*) FROM region_funding_mix WHERE amount_eur IS NULL AND (note IS NULL OR note = '')"
                      ).fetchone()[0] == 0
    # Horizon 2021-2027 only for Germany
    assert {r[0] for r in wh.execute("""SELECT DISTINCT left(nuts_code, 2) FROM region_funding_mix
                                        WHERE funding_source = 'horizon' AND period = '2021-2027'
                                          AND amount_eur IS NOT NULL""").fetchall()} == {"DE"}


def test_region_funding_mix_matches_its_sources(wh):
    h2020_de = wh.execute("""SELECT amount_eur, placed_share FROM region_funding_mix WHERE nuts_code = 'DE'
                             AND funding_source = 'horizon' AND period = '2014-2020'""").fetchone()
    assert h2020_de[0] == pytest.approx(wh.execute("SELECT ec_contribution_eur FROM h2020_by_region "
                                                   "WHERE nuts_code = 'DE'").fetchone()[0])
    # regional Horizon 2020 rows carry the country's placed share
    fr10 = wh.execute("""SELECT placed_share FROM region_funding_mix WHERE nuts_code = 'FR10'
                         AND funding_source = 'horizon' AND period = '2014-2020'""").fetchone()[0]
    assert 0.3 < fr10 < 0.6
    # DEP estimates are flagged, per capita is amount / population
    bad = wh.execute("""SELECT count(*) FROM region_funding_mix WHERE funding_source = 'digital_europe_edih'
                        AND basis = 'country_budget_share' AND NOT is_estimate""").fetchone()[0]
    assert bad == 0
    pc = wh.execute("""SELECT m.per_capita_eur, m.amount_eur / r.population FROM region_funding_mix m
                       JOIN regions r USING (nuts_code) WHERE m.nuts_code = 'PL' AND m.funding_source = 'digital_europe_edih'
                       AND m.period = '2021-2027'""").fetchone()
    assert pc[0] == pytest.approx(pc[1], abs=0.01)


def test_h2020_placement_before_after(wh):
    rows = {r[0]: r[1:] for r in wh.execute("""SELECT country_code, share_before, share_after
                                                FROM h2020_placement_by_country WHERE is_eu""").fetchall()}
    assert set(rows) == EU27
    for single in ("CY", "EE", "LU", "LV", "MT"):  # one NUTS 2 region: everything placed
        assert rows[single][1] == pytest.approx(1.0)
    assert rows["LV"][0] < 0.05  # the PIC look-up alone placed almost nothing in Latvia
    assert all(after >= before - 0.005 for before, after in rows.values())
    # the regional rows show the new placed share
    assert wh.execute("SELECT country_share_placed FROM h2020_by_region WHERE nuts_code = 'LV00'").fetchone()[0] == 1.0


def test_funding_data_gaps_lists_every_eu_country(wh):
    rows = wh.execute("""SELECT country_code, status FROM funding_data_gaps WHERE item = 'dep_edih_eu_amount'"""
                      ).fetchall()
    assert {c for c, _ in rows} == EU27
    found = {c for c, s in rows if s in ("found", "derived")}
    with_amount = {r[0] for r in wh.execute("SELECT DISTINCT country_code FROM dep_edih_funding "
                                            "WHERE eu_contribution_eur IS NOT NULL").fetchall()}
    assert found == with_amount
    assert wh.execute("SELECT status FROM funding_data_gaps WHERE item = 'erdf_2021_2027_planned_by_programme'"
                      ).fetchone()[0] == "not_found"


def test_hub_groups_answer(wh):
    groups = {r[0]: r[1:] for r in wh.execute("""SELECT hub_group, n_hubs, share_ai_cyber_hpc, dep_eu_contribution_eur
                                                  FROM funding_question_hub_groups""").fetchall()}
    edih = groups["1 EDIH funded by Digital Europe"]
    dih = groups["3 DIH in the EDIH catalogue (no Digital Europe grant)"]
    assert edih[1] > dih[1]  # DEP-funded EDIHs are more often AI / cyber / HPC specialists than other DIHs
    assert edih[2] == pytest.approx(wh.execute("SELECT sum(eu_contribution_eur) FROM dep_edih_funding").fetchone()[0])
