"""Served-area rules (pipelines/service_areas.py) on real hub texts of the EDIH catalogue."""
from __future__ import annotations

import pytest

from pipelines import service_areas as sa
from pipelines.service_areas import Place

HANNOVER = Place("DE929", 3, "DE", "name_variant", "Hanover")
NAMES = {
    "braunschweig": [Place("DE91", 2, "DE", "nuts_name", "Braunschweig")],
    "gottingen": [Place("DE91C", 3, "DE", "nuts_name", "Göttingen")],
    "wolfsburg": [Place("DE913", 3, "DE", "nuts_name", "Wolfsburg, Kreisfreie Stadt")],
    "hanover": [HANNOVER],
    "lower saxony": [Place("DE9", 1, "DE", "name_variant", "Lower Saxony")],
    "utrecht": [Place("NL31", 2, "NL", "nuts_name", "Utrecht")],
    "noord holland": [Place("NL32", 2, "NL", "nuts_name", "Noord-Holland")],
    "flevoland": [Place("NL23", 2, "NL", "nuts_name", "Flevoland")],
    "limburg": [Place("NL42", 2, "NL", "nuts_name", "Limburg (NL)"), Place("BE22", 2, "BE", "nuts_name", "Limburg")],
    "bretagne": [Place("FRH", 1, "FR", "nuts_name", "Bretagne")],
}


def codes(text, names=NAMES, gaz=None, title_length=0):
    return [(m.words, sorted(p.nuts_code for p in m.places))
            for m in sa.find_mentions(text, names, gaz or {}, title_length=title_length)]


def test_metropolitan_region_of_hanover_braunschweig():
    text = ("The DAISEC is a European Digital Innovation Hub (EDIH) for the metropolitan region of "
            "Hanover-Braunschweig-Göttingen-Wolfsburg in Lower Saxony, Germany.")
    found = dict(codes(text))
    assert found["Braunschweig"] == ["DE91"] and found["Hanover"] == ["DE929"]
    assert found["Göttingen"] == ["DE91C"] and found["Wolfsburg"] == ["DE913"]  # NUTS 3 names after a place cue
    # "in Lower Saxony" only locates the metropolitan region: the more specific regions are counted
    assert sa.most_specific(["DE9", "DE91", "DE92"]) == {"DE91", "DE92"}
    assert sa.most_specific(["DED", "DED4"], whole={"DED"}) == {"DED", "DED4"}  # "all over Saxony"


def test_provinces_of_utrecht_noord_holland_and_flevoland():
    text = ("The EDIH focuses on the regional economy of Northwest Netherlands (NWNL), which includes the Dutch "
            "provinces of Utrecht, Noord-Holland / North-Holland and Flevoland.")
    assert {c for _, cs in codes(text) for c in cs} == {"NL31", "NL32", "NL23"}


def test_only_sentences_about_the_territory_are_read():
    # no service cue: a place named as a partner's seat or history is not a served area
    assert codes("The consortium includes Utrecht University and partners from Flevoland.") == []
    # the hub's title always counts ("European Digital Innovation Hub of Navarre")
    assert codes("EDIH Flevoland. We help SMEs.", title_length=len("EDIH Flevoland")) == [("Flevoland", ["NL23"])]


def test_nuts3_names_need_a_place_cue():
    assert codes("The hub serves SMEs in the region, near Wolfsburg.") == []


def test_a_region_name_inside_an_organisation_name_is_not_a_territory():
    text = "Atlanpole is the operational relay in the region of the Sea cluster Pôle Mer Bretagne Atlantique."
    assert codes(text) == []


def test_a_name_in_two_countries_keeps_every_candidate_for_the_address_country_rule():
    found = codes("The hub covers the province of Limburg.")
    assert found == [("Limburg", ["BE22", "NL42"])]


@pytest.mark.parametrize("text,country,expected", [
    ("Geographically, FAIR services cover the whole Finland with emphasis on Southern Finland.", "FI", True),
    ("DIHCUBE assistance will be offered across the whole of Italy and will consist of services", "IT", True),
    ("The hub operates with a national coverage, thanks to a network of points-of-presence", "IT", True),
    ("physical locations in both NUTS2 regions of Slovenia", "SI", True),
    ("foster the digital revolution in both NUTS2 regions of Slovenia and in Europe", "SI", True),
    ("with multiple locations across Portugal, acting as multipliers", "PT", True),
    ("Since 2013, CeADAR has been Ireland’s National Technology Centre for AI", "IE", True),
    # national words that declare nothing about the hub's territory
    ("in line with other national, European and NATO policies", "PT", False),
    ("aligned with Slovakia’s national strategy in this regard", "SK", False),
    ("through nationwide multipliers such as Chamber of Commerce and Industry", "DE", False),
    ("14 partners operating throughout Lithuania", "LT", False),
    ("Geographically, FAIR services cover the whole Finland", "SE", False),  # another country's name
])
def test_national_declaration(text, country, expected):
    assert (sa.national_declaration(text, country) is not None) is expected


def test_unknown_place_after_a_place_cue():
    text = "support business within the region of Vorarlbergland and beyond"
    assert [w for w, _, _ in sa.unknown_places(text, known=set())] == ["Vorarlbergland"]
    assert sa.unknown_places(text, known={"vorarlbergland"}) == []
    # acronyms and generic words are not places
    assert sa.unknown_places("covering TRL 2-7", known=set()) == []


def test_explicit_nuts_codes():
    text = "in Northwest Germany (NUTS-2 region DE94, Weser-Ems); FIT EDIH in the Centru Region (NUTS2-RO12)"
    assert [c for c, _, _ in sa.nuts_codes_in_text(text)] == ["DE94", "RO12"]
    assert sa.nuts_codes_in_text("4 NUTS III districts") == []


def test_evaluate_counts_claims_not_addresses():
    predicted = {"h1": {"NL31": "address", "NL32": "declared", "NL23": "declared", "BE21": "declared"}}
    judged = {"h1": {"NL31", "NL32", "NL23", "NL33"}}
    m = sa.evaluate(predicted, judged)
    assert (m["claimed"], m["correct"], m["wanted"], m["found"]) == (3, 2, 3, 2)
    assert m["precision"] == pytest.approx(2 / 3) and m["recall"] == pytest.approx(2 / 3)


def test_declared_areas_rules_decide_and_say_which():
    """The step's decision per hub (conformed/24_hub_service_areas.declared_areas) on a real-looking record."""
    from importlib import import_module
    from types import SimpleNamespace

    step = import_module("pipelines.conformed.24_hub_service_areas")
    names = dict(NAMES) | {"saxony": [Place("DED", 1, "DE", "name_variant", "Saxony")],
                           "lower silesia": [Place("PL51", 2, "PL", "name_variant", "Lower Silesia")]}
    hub = SimpleNamespace(country_code="NL", title_length=0, name="X", title="X",
                          text="The hub covers the provinces of Limburg and Utrecht, and the region of Lower Silesia.")
    rows, rejected, _ = step.declared_areas(hub, names, {}, {"NL42": 2, "NL31": 2}, {})
    got = {code: ev for code, _, basis, ev in rows}
    assert set(got) == {"NL42", "NL31"}
    assert "also in BE: the address country decides" in got["NL42"]
    assert any("'Lower Silesia' is a region/place of PL, not of the address country NL" in r for r, _ in rejected)
    # a NUTS code of another country is rejected with the reason, one of the hub's country counted
    hub2 = SimpleNamespace(country_code="DE", title_length=0, name="Y", title="Y", text="Serving the NUTS-2 region DE94 and NUTS2-RO12.")
    rows2, rejected2, _ = step.declared_areas(hub2, names, {}, {"DE94": 2, "RO12": 2}, {})
    assert [r[0] for r in rows2] == ["DE94"]
    assert any("'RO12'" in r and "not in the address country DE" in r for r, _ in rejected2)


def test_national_scope_of_a_partner_is_not_the_hubs():
    text = "The consortium brings INCIBE and ICE. INCIBE has a national scope, ICE is the EEN node in the region."
    assert sa.national_declaration(text, "ES", ("CyberDIH", "Cybersecurity Innovation Hub")) is None
    own = "DIH4CN has a national scope, providing services for all the Portuguese territory."
    assert sa.national_declaration(own, "PT", ("DIH4CN", "Digital Innovation Hub for Climate Neutrality"))


def test_names_glued_by_a_lost_space():
    names = {"north denmark": [Place("DK05", 2, "DK", "name_variant", "North Denmark")]}
    assert codes("This proposal covers the NUTS2 Region of NorthDenmark.", names) == [("NorthDenmark", ["DK05"])]
    assert codes("The hub covers CeADAR and InnDIH.", names) == []
