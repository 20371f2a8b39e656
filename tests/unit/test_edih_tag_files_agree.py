"""The EDIH catalogue's formatted tag cells and the long tag file (the one staging reads, edih_tags_long.csv) are two
views of the same tags: parsing every cell of the real catalogue gives exactly the rows of the long file.

The catalogue's cells are "Label - level" items joined by ", "; labels can contain commas ("Micro- and
nanoelectronics, optoelectronics - 3"), so the test parses items greedily up to " - <digit>". (This parser used to
live in pipelines/parsing.py, which nothing in the pipeline used: the build reads the long file.)"""
from __future__ import annotations

import re
from collections import Counter

import pytest

from pipelines import manifest
from pipelines.readers import read_delimited

_LEVEL_TAG = re.compile(r"(.+?) - (\d)(?:, |$)")


def parse_level_tags(cell: str | None) -> list[tuple[str, int]]:
    if cell is None or not cell.strip():
        return []
    text, items, pos = cell.strip(), [], 0
    for match in _LEVEL_TAG.finditer(text):
        if match.start() != pos:
            break
        items.append((match.group(1).strip(), int(match.group(2))))
        pos = match.end()
    if pos != len(text):
        raise ValueError(f"cannot parse {text[pos:pos + 60]!r} as 'Label - level' (at character {pos})")
    return items


def test_the_parser_keeps_commas_inside_labels_and_refuses_the_rest():
    assert parse_level_tags("AI & Decision support - 5, Micro- and nanoelectronics, optoelectronics - 3") == [
        ("AI & Decision support", 5), ("Micro- and nanoelectronics, optoelectronics", 3)]
    with pytest.raises(ValueError):
        parse_level_tags("AI - five")


def test_every_edih_catalogue_cell_parses_and_matches_the_long_tag_file():
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
