"""Evidence grades of hub competences on one scale (pipelines/evidence_grades.py, conformed/36_hub_competences.py)."""
from __future__ import annotations

from importlib import import_module

import pandas as pd
import pytest

from pipelines import evidence_grades as eg

grade_contributions = import_module("pipelines.conformed.36_hub_competences").grade_contributions


@pytest.mark.parametrize("words,n", [
    ("robotic, robotics", 1),
    ("ict, icts", 1),
    ("cyber security, cyber-attacks", 2),
    ("automatisation, mechatronics, robotic, robotics", 3),
    ("digital, digitalisation, digitalise, digitalization, icts, information and communication", 3),
])
def test_distinct_terms(words, n):
    assert eg.distinct_terms(words) == n


def test_inferred_level_needs_strong_text_evidence():
    assert eg.inferred_level(1) == 1 and eg.inferred_level(2) == 2 and eg.inferred_level(5) == 2
    assert eg.inferred_level(1, in_title=True, domain_code="TECH_ROBOTICS") == 3  # "Robotics Hub …"
    assert eg.inferred_level(2, in_first_sentence=True, domain_code="TECH_AI") == 3
    assert eg.inferred_level(1, in_first_sentence=True, domain_code="TECH_AI") == 1
    assert eg.inferred_level(4, in_title=True, domain_code="TECH_DIGITAL") == 2  # every hub is "digital"


def test_listed_and_declared_catch_all_lists_are_down_weighted():
    assert eg.listed_level(3, 27) == 3 and eg.listed_level(10, 27) == 2 and eg.listed_level(14, 27) == 1
    assert eg.declared_level(5, True, 20, 27) == 4 and eg.declared_level(5, False, 20, 27) == 5
    assert eg.declared_level(1, True, 20, 27) == 1 and eg.declared_level(4, True, 5, 27) == 4


def test_grade_contributions():
    facet = {f"SEC_{i}": "sector" for i in range(10)} | {"TECH_AI": "technology", "TECH_DIGITAL": "technology"}
    rows = [("edih:1", f"SEC_{i}", 5, None, "edih_tag", "EDIH catalogue sector tag", "sector") for i in range(6)]
    rows += [("jrc:1", "SEC_0", 3, None, "jrc_sector", "JRC catalogue sector", "sector"),
             ("jrc:2", "TECH_AI", 2, None, "inferred_description", "matched terms: ai, machine learning", None),
             ("jrc:3", "TECH_AI", 1, None, "inferred_description", "no keyword matched; nearest domain", None)]
    c = pd.DataFrame(rows, columns=["hub_id", "domain_code", "level", "source_label", "source", "evidence", "kind"])
    g = grade_contributions(c, facet, strong_places={"jrc:2": (set(), {"TECH_AI"})})
    by = {(h, d): (grade, lvl) for h, d, grade, lvl in zip(g.hub_id, g.domain_code, g.evidence_grade, g.graded_level)}
    assert by[("edih:1", "SEC_0")] == ("declared", 4)  # 6 of 10 sectors: a catch-all list, one level lower
    assert by[("jrc:1", "SEC_0")] == ("listed", 3)
    assert by[("jrc:2", "TECH_AI")] == ("inferred", 3)  # first sentence + 2 distinct terms
    assert by[("jrc:3", "TECH_AI")] == ("inferred", 1)
