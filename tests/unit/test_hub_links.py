"""One record per organisation (pipelines/hub_linking.py) on real records of the two catalogues."""
from __future__ import annotations

import pytest

from pipelines import hub_linking as hl
from pipelines import paths
from pipelines.placement import hub_name_key, website_key

RENAMINGS = hl.load_renamings(paths.TAXONOMY / "hub_renamings.csv")
PLACES = frozenset({"lombardia", "emilia", "romagna", "vilnius", "silesia", "berlin", "chemnitz", "hamburg"})


def rec(hub_id, name, title=None, site=None, address=None, nuts3="XX011", country="XX", acronym=None):
    names = list(dict.fromkeys(k for k in (hub_name_key(name), hub_name_key(title)) if k))
    canon = hl.canonical_name(name, RENAMINGS) or hl.canonical_name(title, RENAMINGS)
    return hl.Record(hub_id, "edih_2025" if hub_id.startswith("edih") else "jrc_2022", country, names, acronym,
                     website_key(site), hl.registered_domain(site), hl.street_keys(address), nuts3, nuts3[:4], canon)


@pytest.mark.parametrize("old,new", [
    ("Mittelstand 4.0-Kompetenzzentrum Darmstadt", "Mittelstand-Digital Zentrum Darmstadt"),
    ("Mittelstand 4.0 Competence Centre Chemnitz", "Mittelstand-Digital Zentrum Chemnitz"),
    ("Competence Centre Mittelstand 4.0 Berlin", "Mittelstand-Digital Zentrum Berlin"),
    ("Mittelstand 4.0 centre of excellence Hamburg", "Mittelstand-Digital Zentrum Hamburg"),
    ("Mittelstand 4.0 Competence Centre Ilmenau", "Mittelstand-Digital Centre Ilmenau"),
])
def test_known_renamings(old, new):
    assert hl.canonical_name(old, RENAMINGS) == hl.canonical_name(new, RENAMINGS) is not None
    assert hl.canonical_name("Mittelstand-Digital Zentrum Handel", RENAMINGS) != hl.canonical_name(new, RENAMINGS)


def test_street_keys_survive_the_jrc_scraper():
    a = hl.street_keys("Otto-Berndt-Straße 2, 64287 Darmstadt, Germany")
    b = hl.street_keys("Otto-Berndt-Strae 2")  # the JRC copy lost the ß
    assert hl.same_street(a, b)
    assert hl.same_street(hl.street_keys("Záhony utca 7., Budapest"), hl.street_keys("Zhony utca 7."))
    assert hl.same_street(hl.street_keys("6 rue du Carbone"), hl.street_keys("6 rue du Carbone, Orléans"))
    assert not hl.same_street(hl.street_keys("Rheinstraße 89"), hl.street_keys("Otto-Berndt-Strae 2"))


def test_registered_domain():
    assert hl.registered_domain("https://www.kompetenzzentrum-ilmenau.digital/") == "kompetenzzentrum-ilmenau.digital"
    assert hl.registered_domain("http://www.ip4fvg.it") == hl.registered_domain("https://www.ip4fvg.it/x") == "ip4fvg.it"
    assert hl.registered_domain("https://noi.bz.it/en") == "noi.bz.it"  # Italian province domain
    assert hl.registered_domain("https://www.linkedin.com/company/x") is None


def test_renamed_mittelstand_centre_is_linked():
    e = rec("edih:868", "Mittelstand-Digital Zentrum Hamburg", address="Adolphsplatz 1, 20457 Hamburg",
            nuts3="DE600")
    j = rec("jrc:1192", "Mittelstand 4.0 centre of excellence Hamburg", address="Adolphsplatz 1", nuts3="DE600")
    ev = hl.pair_evidence(e, j, set(), place_words=PLACES)
    assert {"renaming", "address"} <= set(ev.kinds) and hl.decide(ev) == "high"


def test_series_names_and_place_names_are_not_identities():
    series = frozenset({"parsec", "mittelstand", "zentrum"})
    a, b = rec("jrc:13689", "PARSEC HUB BARI"), rec("jrc:13690", "PARSEC HUB CATANIA", nuts3="XX021")
    assert hl.decide(hl.pair_evidence(a, b, set(), series, PLACES), same_catalogue=True) is None
    # "EDIH Lombardia" and "Digital Innovation Hub Lombardia" only share a region's name
    e = rec("edih:1400", "EDIH L", title="EDIH Lombardia", site="https://www.mialombardia.it/")
    d = rec("edih:320", "Digital Innovation Hub Lombardia", site="http://www.dihlombardia.com")
    ev = hl.pair_evidence(e, d, set(), place_words=PLACES)
    assert "name" not in ev.kinds and hl.decide(ev, same_catalogue=True) is None
    # a shared acronym-like word links ("AIR4S" = "AIR4S - Artificial Intelligence & Robotics for …")
    a4 = rec("edih:1776", "AIR4S"), rec("jrc:23490", "AIR4S - Artificial Intelligence & Robotics for Sustainable")
    assert hl.decide(hl.pair_evidence(*a4, set(), place_words=PLACES)) == "medium"
    # … but not across regions: CyberSec (Poznań) is not CYBERSEC HUB (Kraków)
    c = rec("edih:2105", "CyberSec", nuts3="PL415"), rec("jrc:5673", "CYBERSEC HUB", nuts3="PL213")
    assert hl.decide(hl.pair_evidence(*c, set(), place_words=PLACES)) is None


def test_same_catalogue_duplicates_need_name_evidence():
    a = rec("edih:1610", "CeADAR", title="CeADAR Ireland’s AI EDIH", site="http://ceadar.ie",
            address="Block 9/10 NexusUCD, Dublin")
    b = rec("edih:185", "CeADAR: Ireland's Centre for Applied AI", site="https://www.ceadar.ie/")
    assert hl.decide(hl.pair_evidence(a, b, {"ceadar.ie"}, place_words=PLACES), same_catalogue=True) == "high"
    # two hubs of one faculty share address and website: not the same organisation
    x = rec("edih:272", "CROBOHUB Croatian Robotics Digital Innovation Hub", site="http://www.icent.hr/en/crobohub/",
            address="Unska 3, Zagreb")
    y = rec("edih:282", "CybersecRDI: Cybersecurity Research, Development and Innovation Hub",
            site="http://www.icent.hr/en/CybersecRDI/", address="Unska 3, Zagreb")
    assert hl.decide(hl.pair_evidence(x, y, set(), place_words=PLACES), same_catalogue=True) is None


def test_organisation_groups():
    from importlib import import_module
    groups = import_module("pipelines.conformed.22_hub_organisations").organisation_groups(
        ["edih:1610", "edih:185", "jrc:24090", "jrc:1"], [("edih:185", "jrc:24090", "name"),
                                                          ("edih:1610", "edih:185", "website")])
    assert groups["jrc:24090"][:2] == ("edih:1610", 3) and groups["edih:185"][0] == "edih:1610"
    assert groups["jrc:1"] == ("jrc:1", 1, "single record")


def test_a_bad_renaming_pattern_names_the_file_and_line(tmp_path):
    from pipelines.errors import InputFileError

    bad = tmp_path / "hub_renamings.csv"
    bad.write_text('pattern,replacement,note\n"^ok (.+)$",x \\1,fine\n"^(unclosed",x,broken\n', encoding="utf-8")
    with pytest.raises(InputFileError, match=r"hub_renamings.csv:3: bad pattern"):
        hl.load_renamings(bad)
