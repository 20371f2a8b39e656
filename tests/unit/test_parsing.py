"""Parsers of the list-valued cells of the raw catalogues."""
from __future__ import annotations

import pytest

from pipelines.parsing import TagParseError, parse_level_tags, split_semicolon_list


def test_level_tags_whose_labels_contain_commas():
    cell = ("Artificial Intelligence & Decision support - 5, Micro- and nanoelectronics, optoelectronics - 3, "
            "Internet of Things - 4")
    assert parse_level_tags(cell) == [
        ("Artificial Intelligence & Decision support", 5),
        ("Micro- and nanoelectronics, optoelectronics", 3),
        ("Internet of Things", 4),
    ]


def test_level_tags_with_hyphens_inside_labels():
    assert parse_level_tags("Agri-food - 2, Cyber-physical systems - 1") == [("Agri-food", 2), ("Cyber-physical systems", 1)]


def test_empty_tag_cells_give_no_tags():
    assert parse_level_tags(None) == [] and parse_level_tags("  ") == []


@pytest.mark.parametrize("cell", ["Big data", "Big data - five", "Big data - 5, Cloud", "Big data - 12"])
def test_malformed_tag_cells_raise_instead_of_dropping_items(cell):
    with pytest.raises(TagParseError):
        parse_level_tags(cell)


def test_jrc_semicolon_lists_are_split_trimmed_and_deduplicated():
    cell = "Agriculture and food;Energy and utilities; Transport and logistics;;Agriculture and food"
    assert split_semicolon_list(cell) == ["Agriculture and food", "Energy and utilities", "Transport and logistics"]
    assert split_semicolon_list(None) == [] and split_semicolon_list("") == []


def test_every_edih_catalogue_cell_parses_and_matches_the_long_tag_file():
    """The catalogue's formatted cells and the long tag file are two views of the same tags: parsing every cell
    of the real catalogue gives exactly the rows of edih_tags_long.csv (duplicates included)."""
    from collections import Counter

    from pipelines import manifest
    from pipelines.readers import read_delimited

    sources = manifest.load()
    catalogue = read_delimited(manifest.raw_file(sources, "edih_catalogue", "edih_catalogue_2025-04.csv").abspath).frame
    long = read_delimited(manifest.raw_file(sources, "edih_catalogue", "edih_tags_long.csv").abspath).frame
    parsed = Counter()
    for row in catalogue.to_dict("records"):
        for kind, column in [("technology", "Formatted technologies"), ("sector", "Formatted sectors"),
                             ("service", "Formatted services")]:
            for label, level in parse_level_tags(row[column]):
                parsed[(row["EDIH Name"], row["Country"], kind, label, level)] += 1
    expected = Counter((r["edih_name"], r["country"], r["kind"], r["label"], int(r["level"]))
                       for r in long.to_dict("records"))
    assert sum(parsed.values()) == 8_217
    assert parsed == expected
