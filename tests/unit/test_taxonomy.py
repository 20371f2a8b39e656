"""The taxonomy CSVs in data/taxonomy/: well-formed, and every source label of the raw data is in a crosswalk."""
from __future__ import annotations

import csv
import re

import pandas as pd
import pytest

from pipelines import paths
from pipelines.coding import load_rules, load_taxonomy, read_taxonomy_csv, validate_domains
from pipelines.errors import InputFileError

RAW = paths.RAW
NACE_REV2_DIVISIONS = {f"{d:02d}" for d in [*range(1, 4), *range(5, 34), *range(35, 40), *range(41, 44),
                                             *range(45, 48), *range(49, 54), 55, 56, *range(58, 67), 68,
                                             *range(69, 76), *range(77, 83), 84, 85, *range(86, 89),
                                             *range(90, 94), *range(94, 97), 97, 98, 99]}


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy()


def crosswalk_labels(tax, key: str) -> dict[tuple[str, ...], set[str]]:
    out: dict[tuple[str, ...], set[str]] = {}
    for row in tax[key]:
        k = (row["kind"], row["label"]) if key == "edih" else (row["label"],)
        out.setdefault(k, set()).add(row["domain_code"])
    return out


def test_domains_well_formed(tax):
    domains = tax["domains"]
    codes = [d["domain_code"] for d in domains]
    assert len(codes) == len(set(codes))
    assert {d["facet"] for d in domains} == {"sector", "technology"}
    sectors = [d for d in domains if d["facet"] == "sector"]
    assert 20 <= len(sectors) <= 30
    assert all(d["label"] and d["description"] and d["family"] for d in domains)
    # sector domains cite NACE sections and divisions (smart cities is explicitly cross-sectoral)
    for d in sectors:
        if d["domain_code"] != "SEC_SMART_CITIES":
            assert re.fullmatch(r"[A-U]\d{2}(; [A-U]\d{2})*", d["nace_codes"]), d
    for code in ("SEC_AGRIFOOD", "SEC_HEALTH", "SEC_ENERGY", "SEC_MANUFACTURING", "TECH_AI", "TECH_CYBER",
                 "TECH_HPC", "TECH_IOT", "TECH_ROBOTICS", "TECH_BLOCKCHAIN"):
        assert code in codes


def test_validate_domains_rejects_bad_rows():
    good = dict(domain_code="SEC_X", facet="sector", label="X", description="", family="f", nace_codes="C10")
    validate_domains([good])
    with pytest.raises(InputFileError, match="appears twice"):
        validate_domains([good, good])
    with pytest.raises(InputFileError, match="facet"):
        validate_domains([dict(good, facet="technology")])
    with pytest.raises(InputFileError, match="NACE code"):
        validate_domains([dict(good, nace_codes="10")])


def test_every_domain_has_keyword_rules_and_they_compile(tax):
    coder = load_rules(tax["keywords"], {d["domain_code"] for d in tax["domains"]})
    ruled = {r.domain_code for r in coder.rules}
    assert ruled == {d["domain_code"] for d in tax["domains"]}
    assert {r["language"] for r in tax["keywords"]} >= {"en", "de", "fr", "es", "it", "pl", "cs", "pt", "nl", "sv",
                                                         "fi", "el", "ro", "hu"}


def test_nace_crosswalk_covers_every_nace_rev2_division_once(tax):
    rows = [r for r in tax["nace"] if r["domain_code"]]
    divisions = [r["nace_division"] for r in rows]
    assert len(divisions) == len(set(divisions))
    assert set(divisions) == NACE_REV2_DIVISIONS
    # consistent with the NACE codes cited in domains.csv
    cited = {c.strip()[1:]: d["domain_code"] for d in tax["domains"]
             for c in d["nace_codes"].split(";") if c.strip()}
    assert {r["nace_division"]: r["domain_code"] for r in rows} == cited


def test_every_edih_label_in_the_raw_data_is_in_the_crosswalk(tax):
    tags = pd.read_csv(RAW / "edih_catalogue" / "2025-04" / "edih_tags_long.csv", dtype=str)
    labels = set(map(tuple, tags[["kind", "label"]].drop_duplicates().values))
    assert {k for k, _ in labels} == {"technology", "sector", "service"}
    assert len({l for k, l in labels if k == "technology"}) == 34
    mapped = crosswalk_labels(tax, "edih")
    assert labels - set(mapped) == set()
    # labels mapped to no domain say why (services, non-sectors)
    for row in tax["edih"]:
        assert row["domain_code"] or row["note"], row


def test_every_jrc_sector_label_in_the_raw_data_is_in_the_crosswalk(tax):
    jrc = pd.read_csv(RAW / "jrc_dih_catalogue" / "2022-02" / "jrc_dih_catalogue_2022-02.csv", dtype=str)
    labels = {s.strip() for cell in jrc["sectors"].dropna() for s in cell.split(";") if s.strip()}
    mapped = crosswalk_labels(tax, "jrc")
    assert {(l,) for l in labels} - set(mapped) == set()
    junk = [r for r in tax["jrc"] if not r["domain_code"]]
    assert junk and all("not a sector" in r["note"] for r in junk)


def test_every_czech_nace_division_is_in_the_crosswalk(tax):
    with open(RAW / "cz_ris3_domains" / "2025-12" / "cz_regional_s3_domains_2021_2027.csv", encoding="utf-8") as f:
        divisions = {d.strip() for row in csv.DictReader(f) for d in (row["cz_nace_divisions"] or "").split(";")
                     if d.strip()}
    listed = {r["nace_division"] for r in tax["nace"]}
    assert divisions and divisions - listed == set()


def test_strategy_sharing_rows_are_explained():
    rows = read_taxonomy_csv(paths.TAXONOMY, "strategy_sharing.csv",
                             ["strategy_id", "applies_to_nuts_code", "note_quote", "reason"])
    assert rows and all(r["note_quote"] and r["reason"] for r in rows)


def test_a_crosswalk_naming_an_unknown_domain_is_an_error(tmp_path):
    for f in paths.TAXONOMY.glob("*.csv"):
        (tmp_path / f.name).write_bytes(f.read_bytes())
    with open(tmp_path / "crosswalk_jrc_sectors.csv", "a", encoding="utf-8") as f:
        f.write("Space mining,SEC_ASTEROIDS,\n")
    with pytest.raises(InputFileError, match="unknown domain_code 'SEC_ASTEROIDS'"):
        load_taxonomy(tmp_path)
