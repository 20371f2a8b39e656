"""nuts_conversion: NUTS 2010/2013/2016/2024 codes → NUTS 2021 codes with weights (see docs/geography.md).

- 2024: from the polygons. A code that exists in 2021 and overlaps its 2021 polygon by ≥50 % is the same region
  ('identity'; GISCO gives a region a new code when its boundary changes, and the 1:20M generalisation of the two
  releases differs by up to ~40 % for small or island regions). Any other 2024 region is intersected with the 2021
  regions of its level that did not continue unchanged, and each overlap of ≥2 % of its area becomes a row
  weighted by its area share ('area_overlap').
- 2013 (code list only): a code is resolved to a set of 2021 NUTS 3 "pieces" — by the successor list
  (data/taxonomy/nuts_successors.csv), else the same code in 2021, else the 2021 region of the same level, country
  and name, else the union of its resolved 2013 children. Weights are the 2021 areas of the pieces grouped by their
  2021 region at the code's level. Weight 1 → 'identity' (same region, possibly a new code), else 'area_overlap'.
- 2016 (no code list): the 2021 code if it exists, else the 2013 resolution, else the successor list.
- 2010: only the successor list (codes that still occur in mixed-version files, e.g. EL11, FR91, UKI1).
- 'mixed': one row set for files mixing versions: 2021, else 2024, else 2016, else 2013, else 2010.
"""
from __future__ import annotations

import re

import pandas as pd

from .. import paths
from ..context import BuildContext
from ..errors import PipelineError
from ..geo import (IDENTITY_MIN_SHARE, MIN_OVERLAP_SHARE, geometry_work, is_extra_regio, nuts_level,
                   normalise_name)

SUCCESSORS = paths.TAXONOMY / "nuts_successors.csv"
COLUMNS = ["from_version", "from_code", "to_code", "level", "weight", "method", "rule", "evidence"]


def _successor_list(codes21: set[str]) -> pd.DataFrame:
    table = pd.read_csv(SUCCESSORS, dtype=str, comment="#").fillna("")
    expected = {"from_version", "from_code", "to_code_2021", "note"}
    if set(table.columns) != expected:
        raise PipelineError(f"{SUCCESSORS}: columns must be {sorted(expected)}, found {list(table.columns)}")
    unknown = sorted(set(table.to_code_2021) - codes21)
    if unknown:
        raise PipelineError(f"{SUCCESSORS}: to_code_2021 values that are not NUTS 2021 codes: {unknown}")
    return table


def _rows_from_pieces(version: str, code: str, pieces: set[str], rule: str, evidence: str,
                      area3: dict[str, float]) -> list[tuple]:
    """Group the 2021 NUTS 3 pieces of a region by their 2021 ancestor at the region's level → weighted rows."""
    level = nuts_level(code)
    by_target: dict[str, float] = {}
    for piece in pieces:
        by_target[piece[: level + 2]] = by_target.get(piece[: level + 2], 0.0) + area3.get(piece, 0.0)
    total = sum(by_target.values())
    rows = []
    for target, area in sorted(by_target.items()):
        weight = area / total if total > 0 else 1.0 / len(by_target)
        method = "identity" if len(by_target) == 1 else "area_overlap"
        rows.append((version, code, target, level, weight, method, rule, evidence))
    return rows


def _name_key(name: str) -> str:
    """Region names compared without accents, case and country tags such as "South-East (IE)"."""
    return normalise_name(re.sub(r"\([A-Z]{2}\)", "", name or ""))


def _pieces_2021(codes21: set[str]) -> dict[str, set[str]]:
    """Every 2021 code → its NUTS 3 descendants (itself for NUTS 3)."""
    leaves = [c for c in codes21 if len(c) == 5]
    out: dict[str, set[str]] = {c: set() for c in codes21}
    for leaf in leaves:
        for n in range(2, 6):
            if leaf[:n] in out:
                out[leaf[:n]].add(leaf)
    return out


def _resolve_2013(codes13: pd.DataFrame, names21: pd.DataFrame, pieces21: dict[str, set[str]],
                  successors: pd.DataFrame) -> tuple[dict[str, tuple[set[str], str, str]], list[str]]:
    """2013 code → (2021 NUTS 3 pieces, rule, evidence); deepest level first so parents can use their children."""
    listed = successors[successors.from_version == "2013"].groupby("from_code").to_code_2021.apply(list).to_dict()
    by_name: dict[tuple, list[str]] = {}
    for r in names21.itertuples():
        by_name.setdefault((r.country_code, r.level, _name_key(r.name)), []).append(r.nuts_code)
    resolved: dict[str, tuple[set[str], str, str]] = {}
    unresolved = []
    codes = codes13.drop_duplicates("nuts_code")
    codes = codes[~codes.nuts_code.map(is_extra_regio)]
    children: dict[str, list[str]] = {}
    for code in codes.nuts_code:
        if len(code) > 2:
            children.setdefault(code[:-1], []).append(code)
    for r in codes.sort_values("nuts_code", key=lambda s: -s.str.len()).itertuples():
        code, level = r.nuts_code, nuts_level(r.nuts_code)
        if code in listed:
            pieces = set().union(*(pieces21[t] for t in listed[code]))
            resolved[code] = (pieces, "successor_list", f"{SUCCESSORS.name}: {' + '.join(listed[code])}")
        elif code in pieces21:
            resolved[code] = (pieces21[code], "same_code", f"{code} exists in NUTS 2021")
        elif len(match := by_name.get((code[:2], level, _name_key(r.name)), [])) == 1:
            resolved[code] = (pieces21[match[0]], "same_name", f"same name as NUTS 2021 {match[0]} ({r.name})")
        elif code in children and all(c in resolved for c in children[code]):
            pieces = set().union(*(resolved[c][0] for c in children[code]))
            resolved[code] = (pieces, "union_of_children",
                              f"union of its NUTS 2013 sub-regions {', '.join(sorted(children[code]))}")
        else:
            unresolved.append(code)
    return resolved, unresolved


def run(ctx: BuildContext) -> int:
    con = ctx.con
    work = geometry_work(ctx)
    codes21 = con.execute("""SELECT DISTINCT nuts_code, level, country_code, name FROM staging.stg_nuts_codes
                             WHERE nuts_version = '2021'""").df()
    set21 = set(codes21.nuts_code)
    pieces21 = _pieces_2021(set21)
    a21 = work.areas[work.areas.nuts_version == "2021"]
    area3 = dict(zip(a21.nuts_code, a21.area_km2))
    successors = _successor_list(set21)
    rows: list[tuple] = []

    # 2024 from the polygons
    ov = work.overlaps.copy()
    ov["share"] = ov.overlap_km2 / ov.from_km2
    same = ov[(ov.from_code == ov.to_code) & (ov.share >= IDENTITY_MIN_SHARE)]
    for r in same.itertuples():
        rows.append(("2024", r.from_code, r.to_code, int(r.level), 1.0, "identity", "same_code",
                     f"same code in NUTS 2021; {r.share:.0%} of its 1:20M polygon overlaps the 2021 one"))
    changed = ov[~ov.from_code.isin(same.from_code)].copy()
    # Territory of a new or changed 2024 region comes from 2021 regions that did not continue unchanged; where the
    # polygons name none, every overlapping 2021 region is a candidate.
    from_discontinued = changed[~changed.to_code.isin(same.to_code)]
    changed = pd.concat([from_discontinued,
                         changed[~changed.from_code.isin(from_discontinued.from_code)]])
    changed = changed[changed.share >= MIN_OVERLAP_SHARE].copy()
    # a region mostly outside the 2021 map (Bosnia and Herzegovina, Kosovo) only touches border slivers: no row
    changed = changed[changed.groupby("from_code").share.transform("sum") >= IDENTITY_MIN_SHARE].copy()
    changed["weight"] = changed.share / changed.groupby("from_code").share.transform("sum")
    for r in changed.itertuples():
        rows.append(("2024", r.from_code, r.to_code, int(r.level), float(r.weight),
                     "identity" if r.weight > 0.999 else "area_overlap", "polygon_overlap",
                     f"{r.share:.1%} of the NUTS 2024 area of {r.from_code} lies in {r.to_code}"))

    no_polygon_2021 = set21 - set(a21.nuts_code)  # NO0B (Jan Mayen and Svalbard) is missing from the 2021 file
    for code in sorted(no_polygon_2021 & set(work.areas[work.areas.nuts_version == "2024"].nuts_code)):
        rows.append(("2024", code, code, nuts_level(code), 1.0, "identity", "same_code",
                     "same code in NUTS 2021 (no 2021 polygon to compare)"))

    # 2013 from the code list, resolved onto 2021 NUTS 3 pieces
    codes13 = con.execute("""SELECT nuts_code, name FROM staging.stg_nuts_codes
                             WHERE nuts_version = '2013' AND length(nuts_code) BETWEEN 2 AND 5""").df()
    resolved13, unresolved13 = _resolve_2013(codes13, codes21, pieces21, successors)
    for code, (pieces, rule, evidence) in resolved13.items():
        rows += _rows_from_pieces("2013", code, pieces, rule, evidence, area3)
    ctx.notes["nuts2013_unresolved"] = unresolved13

    # 2010 and 2016: the successor list
    for version in ("2010", "2016"):
        listed = successors[successors.from_version == version].groupby("from_code").to_code_2021.apply(list)
        for code, targets in listed.items():
            pieces = set().union(*(pieces21[t] for t in targets))
            rows += _rows_from_pieces(version, code, pieces, "successor_list",
                                      f"{SUCCESSORS.name}: {' + '.join(targets)}", area3)

    frame = pd.DataFrame(rows, columns=COLUMNS)
    identity21 = pd.DataFrame([("2021", c, c, nuts_level(c), 1.0, "identity", "same_code", "NUTS 2021 code")
                               for c in sorted(set21)], columns=COLUMNS)
    # 2016: the 2021 code if it exists, else the 2016 successor list, else the 2013 resolution
    v16 = _prefer([identity21.assign(evidence="exists in NUTS 2021"), frame[frame.from_version == "2016"],
                   frame[frame.from_version == "2013"]])
    mixed = _prefer([identity21, frame[frame.from_version == "2024"], v16,
                     frame[frame.from_version == "2013"], frame[frame.from_version == "2010"]])
    mixed = mixed.assign(evidence="read as NUTS " + mixed.from_version + ": " + mixed.evidence)
    frame = pd.concat([frame[frame.from_version != "2016"], identity21, v16.assign(from_version="2016"),
                       mixed.assign(from_version="mixed")], ignore_index=True)
    con.register("_conv", frame)
    con.execute("""CREATE OR REPLACE TABLE nuts_conversion AS
        SELECT from_version, from_code, to_code, CAST(level AS TINYINT) AS level, weight, method, rule, evidence
        FROM _conv ORDER BY from_version, from_code, to_code""")
    con.unregister("_conv")
    bad = con.execute("""SELECT from_version, from_code, sum(weight) FROM nuts_conversion GROUP BY ALL
                         HAVING abs(sum(weight) - 1) > 1e-9""").fetchall()
    if bad:
        raise PipelineError(f"nuts_conversion: weights do not sum to 1 for {bad[:5]}")
    ctx.log(f"    nuts_conversion: geometry cache {'hit' if work.cache_hit else 'computed'}; "
            f"{len(unresolved13)} NUTS 2013 codes without a 2021 successor")
    return con.execute("SELECT count(*) FROM nuts_conversion").fetchall()[0][0]


def _prefer(blocks: list[pd.DataFrame]) -> pd.DataFrame:
    """Per from_code, only the rows of the first block that knows the code."""
    frame = pd.concat([b.assign(_priority=i) for i, b in enumerate(blocks)], ignore_index=True)
    first = frame.groupby("from_code")["_priority"].transform("min")
    return frame[frame["_priority"] == first].drop(columns="_priority")
