"""hub_service_areas and hub_service_nuts2: the regions each hub serves, not only the one it has its address in.

One row per hub record × region (NUTS 2021, level 0-2), `basis`:
- `address`: the NUTS 2 region of the hub's placed address (every placed hub);
- `declared`: a region or place the hub names in its own description/title in a sentence about its territory
  (pipelines/service_areas.py), `evidence` quotes the words;
- `national`: the description declares national scope (the hub's country, level 0), `evidence` quotes the words;
- `assumed`: a Digital-Europe-funded EDIH (hubs.is_dep_funded) with no declared or national area serves the NUTS 1
  region of its address where NUTS 1 is the level of regional government (ASSUMED_NUTS1_COUNTRIES: German Länder,
  Belgian regions, French régions — the territories EDIH calls were answered for); elsewhere the regional level is
  NUTS 2 (regioni, comunidades autónomas, voivodeships, provinces, …), which the address row already gives.
  Calibration (benchmarks/bench_service_areas.py): NUTS 1 everywhere gives 95 % of EU NUTS 2 regions served against
  the JRC's 85 %, this rule 86 %.
Declared and national areas are read from the EDIH catalogue (2025) rows only (the JRC 2022 texts are older and
describe the host organisation more than the hub). Rejected candidates go to `quarantine` with the reason: a place
outside the address country, a place whose name exists only in other countries, a place cue naming no known place.

hub_service_nuts2 expands every row to the NUTS 2 regions it covers, one row per hub × NUTS 2 region with the
strongest basis (address > declared > national > assumed)."""
from __future__ import annotations

import csv
import importlib

import pandas as pd

from .. import paths
from .. import service_areas as sa
from ..context import BuildContext
from ..errors import InputFileError
from ..placement import place_key

BASIS_RANK = {"address": 1, "declared": 2, "national": 3, "assumed": 4}
ASSUMED_NUTS1_COUNTRIES = ("DE", "BE", "FR")  # NUTS 1 = Land / Gewest-Région / région
VARIANTS_FILE = "region_name_variants.csv"


def _name_index(con) -> dict[str, list[sa.Place]]:
    """NUTS-name key → places: regions.name / name_local, GISCO NUTS_NAME / NAME_LATN (levels 1-3), and the English
    and other variants of data/taxonomy/region_name_variants.csv."""
    index: dict[str, list[sa.Place]] = {}
    rows = con.execute("""
        SELECT nuts_code, level, country_code, name FROM regions WHERE level BETWEEN 1 AND 3
        UNION SELECT nuts_code, level, country_code, name_local FROM regions WHERE level BETWEEN 1 AND 3
        UNION SELECT nuts_code, level, country_code, nuts_name FROM staging.stg_nuts_regions
              WHERE nuts_version = '2021' AND level BETWEEN 1 AND 3
        UNION SELECT nuts_code, level, country_code, name_latn FROM staging.stg_nuts_regions
              WHERE nuts_version = '2021' AND level BETWEEN 1 AND 3
        ORDER BY 1, 4""").fetchall()
    for code, level, cc, name in rows:
        if not name:
            continue
        for key in sa.name_keys(name):
            _add(index, key, sa.Place(code, level, cc, "nuts_name", name))
    path = paths.TAXONOMY / VARIANTS_FILE
    levels = dict(con.execute("SELECT nuts_code, level FROM regions").fetchall())
    with open(path, newline="", encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            code = row["nuts_code"].strip()
            if code not in levels:
                raise InputFileError(f"{path}:{line}: {code!r} is not a NUTS 2021 code")
            _add(index, place_key(row["name"]), sa.Place(code, levels[code], code[:2], "name_variant", row["name"]))
    return index


def _add(index: dict[str, list[sa.Place]], key: str, place: sa.Place) -> None:
    if key and place not in index.setdefault(key, []):
        index[key].append(place)


def _gazetteer_index(con, hubs: pd.DataFrame, names: dict) -> dict[str, list[sa.Place]]:
    """Gazetteer key → places (NUTS 2 of the place) for the capitalised runs that follow a place cue in the texts."""
    keys = set()
    for text in hubs.text:
        for m in sa.PLACE_CUE.finditer(text or ""):
            words = [place_key(w) for w in sa._WORD.findall(text[m.end():m.end() + 120])]
            for n in range(1, 4):
                for i in range(0, len(words) - n + 1):
                    keys.add(" ".join(words[i:i + n]))
    keys = {k for k in keys if len(k) >= 4 and k not in names and k not in sa.NAME_STOPWORDS}
    countries = sorted(set(hubs.country_code.dropna()) & {r[0] for r in con.execute(
        "SELECT DISTINCT country_code FROM regions").fetchall()})
    if not keys or not countries:
        return {}
    gaz = importlib.import_module("pipelines.conformed.20_hubs")._Gazetteer(con, countries, keys)
    index: dict[str, list[sa.Place]] = {}
    for i, key in enumerate(gaz.keys):
        if key in keys:
            cc = gaz.places.country_code.iloc[i]
            _add(index, key, sa.Place(gaz.nuts3[i][:4], 2, cc, "gazetteer",
                                      f"{gaz.rows[i]['name']} ({gaz.rows[i]['admin1']})"))
    return index


def declared_areas(hub, names, gaz, nuts_codes, older_codes) -> tuple[list[tuple], list[tuple], list]:
    """(rows, rejected, mentions) for one hub: rows (nuts_code, level, basis, evidence); rejected (reason, words)."""
    rows, rejected = [], []
    text, cc = hub.text or "", hub.country_code
    mentions = sa.find_mentions(text, names, gaz, title_length=int(hub.title_length))
    national = sa.national_declaration(text, cc, (hub.name, hub.title))
    if national and cc:
        rows.append((cc, 0, "national", f'declares national scope: "{national}"'))
    declared: dict[str, str] = {}
    whole: set[str] = set()
    for code, start, end in sa.nuts_codes_in_text(text):
        quoted = sa.quote(text, start, end)
        if code not in nuts_codes and code in older_codes and code[:2] == cc:  # an older NUTS version's code
            for new in older_codes[code]:
                declared.setdefault(new, f'NUTS code {code} (older NUTS version) = NUTS 2021 {new}: "{quoted}"')
            continue
        if code not in nuts_codes or nuts_codes[code] == 0:
            rejected.append((f"NUTS code '{code}' written in the description is not a NUTS 2021 region code", quoted))
        elif code[:2] != cc:
            rejected.append((f"NUTS code '{code}' written in the description lies in {code[:2]}, not in the address "
                             f"country {cc}: not counted as a served area", quoted))
        else:
            declared.setdefault(code if nuts_codes[code] <= 2 else code[:4], f'NUTS code {code} in the text: "{quoted}"')
    country_words = {sa.place_key(w) for ws in sa.COUNTRY_WORDS.values() for w in ws}
    for m in mentions:
        if sa.place_key(m.words) in country_words:  # a country's name: only the national rule reads it
            continue
        own = [p for p in m.places if p.country_code == cc]
        others = sorted({p.country_code for p in m.places if p.country_code != cc})
        quoted = sa.quote(text, m.start, m.end)
        if not own:
            rejected.append((f"declared place '{m.words}' is a region/place of {', '.join(others)}, not of the "
                             f"address country {cc}: not counted as a served area", quoted))
            continue
        variants = [p for p in own if p.source == "name_variant"]
        chosen = variants or [min(own, key=lambda p: (p.level, p.source != "nuts_name", p.nuts_code))]
        for best in chosen:
            code = best.nuts_code if best.level <= 2 else best.nuts_code[:4]
            how = {"nuts_name": "NUTS name", "name_variant": "name variant",
                   "gazetteer": "GeoNames place"}[best.source]
            ev = f"'{m.words}' = {how} {best.name} ({best.nuts_code})"
            if best.level == 3:
                ev += f" → NUTS 2 {code}"
            if others:
                ev += f"; the name is also in {', '.join(others)}: the address country decides"
            declared.setdefault(code, f'{ev}: "{quoted}"')
            if m.whole:
                whole.add(code)
    keep = sa.most_specific(list(declared), whole)
    for code, ev in declared.items():
        if code in keep:
            rows.append((code, len(code) - 2, "declared", ev))
        else:
            inner = sorted(c for c in declared if c != code and c.startswith(code))
            rejected.append((f"declared region {code} contains the more specific declared region(s) "
                             f"{', '.join(inner)}: the specific ones are counted", ev))
    return rows, rejected, mentions


def run(ctx: BuildContext) -> int:
    con = ctx.con
    hubs = con.execute("""
        SELECT hub_id, source, name, title, country_code, nuts1_code, nuts2_code, is_dep_funded, placement_method,
               placement_evidence, source_line,
               CASE WHEN source = 'edih_2025' THEN concat_ws('. ', name, title, description) END AS text,
               CASE WHEN source = 'edih_2025' THEN length(concat_ws('. ', name, title)) ELSE 0 END AS title_length
        FROM hubs ORDER BY hub_id""").df()
    nuts_codes = dict(con.execute("SELECT nuts_code, level FROM regions").fetchall())
    older_codes: dict[str, list[str]] = {}
    for code, new in con.execute("""SELECT DISTINCT from_code, to_code FROM nuts_conversion
            WHERE from_version IN ('2016', '2013') AND level BETWEEN 1 AND 2 ORDER BY 1, 2""").fetchall():
        older_codes.setdefault(code, []).append(new)
    names = _name_index(con)
    gaz = _gazetteer_index(con, hubs[hubs.text.notna()], names)
    known = set(names) | set(gaz) | {sa.place_key(w) for ws in sa.COUNTRY_WORDS.values() for w in ws}
    rows, rejected = [], []
    for h in hubs.itertuples():
        if isinstance(h.nuts2_code, str):
            rows.append((h.hub_id, h.nuts2_code, 2, "address",
                         f"address placed by {h.placement_method}: {h.placement_evidence}"))
        if not isinstance(h.text, str):
            continue
        found, rej, mentions = declared_areas(h, names, gaz, nuts_codes, older_codes)
        rows += [(h.hub_id, *r) for r in found]
        rejected += [(h.source_line, reason, h.hub_id, words) for reason, words in rej]
        for words, start, end in sa.unknown_places(h.text, known, mentions):
            rejected.append((h.source_line, f"declared place '{words}' is in no NUTS name list and not in the "
                                            f"gazetteer of {h.country_code}: not counted",
                             h.hub_id, sa.quote(h.text, start, end)))
        if h.is_dep_funded and isinstance(h.nuts1_code, str) and h.nuts1_code[:2] in ASSUMED_NUTS1_COUNTRIES \
                and not any(r[2] in ("declared", "national") for r in found):
            rows.append((h.hub_id, h.nuts1_code, 1, "assumed",
                         f"Digital-Europe-funded EDIH with no declared area: assumed to serve the NUTS 1 region of "
                         f"its address ({h.nuts1_code}, the level of regional government in {h.nuts1_code[:2]})"))
    frame = pd.DataFrame(rows, columns=["hub_id", "nuts_code", "level", "basis", "evidence"])
    frame["rank"] = frame.basis.map(BASIS_RANK)
    frame = frame.sort_values(["hub_id", "nuts_code", "rank"]).drop_duplicates(["hub_id", "nuts_code"])
    con.register("_areas", frame)
    con.execute("""
        CREATE OR REPLACE TABLE hub_service_areas AS
        SELECT hub_id, nuts_code, CAST(level AS INTEGER) AS level, basis, evidence FROM _areas
        WHERE nuts_code IN (SELECT nuts_code FROM regions)
        ORDER BY hub_id, level, nuts_code""")
    con.execute("""
        CREATE OR REPLACE TABLE hub_service_nuts2 AS
        SELECT a.hub_id, r.nuts_code AS nuts2_code,
               arg_min(a.basis, a.rank) AS basis, arg_min(a.evidence, a.rank) AS evidence
        FROM _areas a JOIN regions r ON r.level = 2 AND starts_with(r.nuts_code, a.nuts_code)
        GROUP BY a.hub_id, r.nuts_code
        ORDER BY a.hub_id, nuts2_code""")
    con.unregister("_areas")
    q = pd.DataFrame(rejected, columns=["line", "reason", "hub_id", "words"])
    ctx.quarantine_frame("conformed", "edih_catalogue", "hubs (description)", q, line_column="line")
    stats = con.execute("""
        SELECT basis, count(DISTINCT hub_id), count(*) FROM hub_service_areas GROUP BY basis ORDER BY basis""").fetchall()
    ctx.log("    hub_service_areas: " + "; ".join(f"{b}: {n} rows of {h} hubs" for b, h, n in stats)
            + f"; {len(q)} candidates quarantined")
    return con.execute("SELECT count(*) FROM hub_service_areas").fetchall()[0][0]
