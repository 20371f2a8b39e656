"""Change-over-time and policy-question marts on the real warehouse: facts that must hold whatever the data."""
from __future__ import annotations


def test_priority_changes_are_consistent(wh):
    # every region counted in change_region_coverage has coded domains in both periods, and its counts add up
    bad = wh.execute("""
        SELECT c.nuts_code FROM change_region_coverage c
        JOIN (SELECT nuts_code, count(*) FILTER (WHERE change = 'kept') k, count(*) FILTER (WHERE change = 'added') a,
                     count(*) FILTER (WHERE change = 'dropped') d FROM change_priority_domains GROUP BY 1) p USING (nuts_code)
        WHERE p.k <> c.n_domains_kept OR p.a <> c.n_domains_added OR p.d <> c.n_domains_dropped
           OR c.n_domains_kept + c.n_domains_dropped = 0 OR c.n_domains_kept + c.n_domains_added = 0""").fetchall()
    assert bad == []


def test_every_hub_record_is_in_exactly_one_change_row(wh):
    n_hubs = wh.execute("SELECT count(*) FROM hubs").fetchone()[0]
    listed = wh.execute("""SELECT sum(len(string_split(coalesce(jrc_2022_hub_ids, ''), '; ')) - (jrc_2022_hub_ids IS NULL)::INT
                                  + len(string_split(coalesce(edih_2025_hub_ids, ''), '; ')) - (edih_2025_hub_ids IS NULL)::INT)
                           FROM change_hubs""").fetchone()[0]
    assert listed == n_hubs
    # a hub linked across catalogues is 'in both'; an EDIH-catalogue record without a JRC link is new since 2022
    assert wh.execute("""SELECT count(*) FROM change_hubs WHERE (change = 'in both catalogues')
                         <> (jrc_2022_hub_ids IS NOT NULL AND edih_2025_hub_ids IS NOT NULL)""").fetchone()[0] == 0


def test_specialisation_groups_partition_the_edih_catalogue_hubs(wh):
    rows = wh.execute("""SELECT domain_code, sum(n_hubs) FROM policy_q_specialisation GROUP BY 1""").fetchall()
    eu_catalogue = wh.execute("""SELECT count(*) FROM hubs_deduplicated h JOIN regions r
                                 ON r.nuts_code = h.country_code AND r.is_eu WHERE h.source = 'edih_2025'""").fetchone()[0]
    assert len(rows) == 3 and {n for _, n in rows} == {eu_catalogue}


def test_cross_border_pairs_are_across_a_border_and_near(wh):
    assert wh.execute("""SELECT count(*) FROM policy_q_cross_border_pairs
                         WHERE country_a = country_b OR (NOT neighbouring_regions AND distance_km > 150)
                            OR n_gaps_a_closes_for_b + n_gaps_b_closes_for_a = 0""").fetchone()[0] == 0


def test_misalignment_overlap_is_shared_over_all(wh):
    assert wh.execute("""SELECT count(*) FROM policy_q_strategy_misalignment
                         WHERE abs(overlap - n_shared / (n_shared + n_region_only + n_national_only)) > 1e-4""").fetchone()[0] == 0


def test_the_current_catalogue_is_a_snapshot_of_the_snapshot_table(wh):
    snapshots = wh.execute("""SELECT snapshot, count(*) FROM staging.stg_edih_catalogue_snapshots
                              GROUP BY 1""").fetchall()
    current = wh.execute("SELECT count(*) FROM staging.stg_edih_catalogue").fetchone()[0]
    assert ("2025-04", current) in snapshots
    # with one snapshot listed in data/sources.yml there is nothing to compare
    if len(snapshots) == 1:
        assert wh.execute("SELECT count(*) FROM change_catalogue_snapshots").fetchone()[0] == 0
