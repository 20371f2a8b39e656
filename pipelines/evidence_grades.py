"""Evidence grades of hub competences on one scale (docs/taxonomy.md, "Hub competences: evidence grades").

Every hub_competences row has an `evidence_grade` and a graded `level` (the level the method uses; `raw_level` keeps
the value before grading):
- `declared` — the EDIH catalogue's tag with the 1-5 level the hub declares: level = the declared level, one level
  lower (not below 1) for the sector tags of a catch-all list (a hub tagging more than CATCH_ALL_SHARE of the
  taxonomy's sectors).
- `listed` — a JRC 2022 catalogue sector (no level given): LISTED_LEVEL (3, the covering level) when the hub lists
  at most FOCUSED_LIST_MAX sector domains, LISTED_BROAD_LEVEL (2) for longer lists, CATCH_ALL_LEVEL (1) for catch-all
  lists.
- `inferred` — matched in the hub's name/title/description by the keyword rules: 1 for one distinct term, 2 for two
  or more (terms that are spelling variants of each other — "robotic"/"robotics", "ict"/"icts" — count once);
  INFERRED_STRONG_LEVEL (3, the covering level) only on strong text evidence: the hub's name or title names the domain
  ("Robotics Hub Technical University of Kosice", "REIMAGINE Textile"), or the first sentence of its description
  names it and the text has at least INFERRED_STRONG_TERMS distinct terms of it. The general digital domain
  (TECH_DIGITAL: every hub is "digital") never reaches 3 by inference. A domain found by text similarity only: 1.
The thresholds are calibrated on hand-judged samples (tests/fixtures/competence_inference_sample.csv; the JRC list
lengths against the EDIH-declared levels of the same organisations), figures in docs/taxonomy.md."""
from __future__ import annotations

import re

CATCH_ALL_SHARE = 0.5  # a list of more than half of the taxonomy's sector domains is a catch-all list
LISTED_LEVEL = 3
LISTED_BROAD_LEVEL = 2
FOCUSED_LIST_MAX = 8  # sector domains
CATCH_ALL_LEVEL = 1
INFERRED_STRONG_TERMS = 2  # with the first sentence; calibrated on tests/fixtures/competence_inference_sample.csv
INFERRED_STRONG_LEVEL = 3
GRADES = ("declared", "listed", "inferred")


def distinct_terms(words: str | list[str]) -> int:
    """The number of distinct terms in matched words; spelling variants (one word a prefix of the other, or the same
    first six letters) count once: "robotic, robotics" → 1, "cyber security, cyber-attacks" → 2."""
    if isinstance(words, str):
        words = [w for w in words.split(",")]
    stems: list[str] = []
    for w in words:
        w = re.sub(r"[^a-z0-9]", "", w.lower())
        if not w:
            continue
        if any(s.startswith(w) or w.startswith(s) or (len(w) >= 6 and len(s) >= 6 and s[:6] == w[:6])
               for s in stems):
            continue
        stems.append(w)
    return len(stems)


NEVER_STRONG_BY_INFERENCE = frozenset({"TECH_DIGITAL"})


def inferred_level(n_terms: int, in_title: bool = False, in_first_sentence: bool = False, domain_code: str = "",
                   strong_terms: int = INFERRED_STRONG_TERMS) -> int:
    if domain_code not in NEVER_STRONG_BY_INFERENCE and (in_title or (in_first_sentence and n_terms >= strong_terms)):
        return INFERRED_STRONG_LEVEL
    return 2 if n_terms >= 2 else 1


def listed_level(n_listed_sectors: int, n_sector_domains: int) -> int:
    if n_listed_sectors > CATCH_ALL_SHARE * n_sector_domains:
        return CATCH_ALL_LEVEL
    return LISTED_LEVEL if n_listed_sectors <= FOCUSED_LIST_MAX else LISTED_BROAD_LEVEL


def declared_level(level: int, is_sector: bool, n_declared_sectors: int, n_sector_domains: int) -> int:
    if is_sector and n_declared_sectors > CATCH_ALL_SHARE * n_sector_domains:
        return max(1, level - 1)
    return level
