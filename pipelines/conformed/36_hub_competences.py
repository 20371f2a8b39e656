"""hub_competences: what each hub can do, as taxonomy domains with a level 1-5, one row per hub and domain.

- source 'edih_tag': the EDIH catalogue's technology, sector and service tags through crosswalk_edih_labels.csv, with
  the 1-5 level the hub declares (service labels map to a domain only where meaningful, see the crosswalk notes).
- source 'jrc_sector': the JRC catalogue's sector labels through crosswalk_jrc_sectors.csv, at JRC_SECTOR_LEVEL (the
  JRC catalogue gives no level; a declared sector counts as a solid, not an expert competence).
- source 'inferred_description': for a hub with no tag of a facet (no technology tags: a third of the EDIH rows and
  every JRC hub; no sector tags likewise), that facet is inferred from its name, title and description with the
  same keyword rules as the S3 priorities (rules with scope 'all'): level 2 when two or more distinct terms match,
  1 for a single term; a description with no keyword hit at all gets its nearest domain by TF-IDF similarity at
  level 1. evidence holds the matched terms (or the similarity).

When several sources give a hub the same domain, the highest level wins (ties: tag > JRC sector > inferred) and
source_label / evidence list every contribution. Tag labels missing from the crosswalks are quarantined."""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pandas as pd

from .. import coding, paths
from ..coding import PriorityCoder, coder_for_build, infer_competences
from .. import evidence_grades as eg
from ..context import BuildContext

JRC_SECTOR_LEVEL = 3

_HUBS_FROM_STAGING = """
    SELECT 'edih:' || source_line AS hub_id, 'edih_2025' AS source, edih_name AS source_key, edih_name AS name,
           edih_title AS title, description FROM staging.stg_edih_catalogue
    UNION ALL
    SELECT 'jrc:' || jrc_hub_id, 'jrc_2022', CAST(jrc_hub_id AS VARCHAR), title, title, description
    FROM staging.stg_jrc_hubs"""


def _hubs_sql(con) -> str:
    has_hubs = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
                           "AND table_name = 'hubs'").fetchall()[0][0]
    return ("SELECT hub_id, source, source_key, name, title, description FROM hubs" if has_hubs
            else _HUBS_FROM_STAGING)


def _infer(todo: list[tuple[str, str, list[str], bool]], coder: PriorityCoder) -> list[list]:
    rows = []
    for hub_id, text, missing, untagged in todo:
        found = infer_competences(text, coder.keywords, set(missing), coder.facet_of)
        for domain, level, words in found:
            rows.append([hub_id, domain, level, None, "inferred_description", f"matched terms: {words}", None])
        if not found and untagged:
            for domain, sim in coder.index.best(text)[:1]:
                rows.append([hub_id, domain, 1, None, "inferred_description",
                             f"no keyword matched; nearest domain by similarity {sim:.3f}", None])
    return rows


def _cached_inference(todo: list, coder: PriorityCoder) -> list[list]:
    """The keyword scan of ~800 hub descriptions takes about a second; its result depends only on the texts and
    facets to infer (`todo`), the keyword rules, the domains and the code, so it is cached under data/cache/ by
    their checksum."""
    digest = hashlib.sha256(json.dumps(todo, ensure_ascii=False).encode())
    for path in [paths.TAXONOMY / "keyword_rules.csv", paths.TAXONOMY / "domains.csv", Path(coding.__file__),
                 Path(__file__)]:
        digest.update(path.read_bytes())
    cache = paths.CACHE / f"hub-inference-{digest.hexdigest()[:24]}.json"
    if cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    rows = _infer(todo, coder)
    cache.parent.mkdir(parents=True, exist_ok=True)
    for stale in cache.parent.glob("hub-inference-*.json"):  # results of older inputs
        stale.unlink(missing_ok=True)
    tmp = cache.with_suffix(f".tmp-{os.getpid()}")
    tmp.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, cache)
    return rows


def grade_contributions(c: pd.DataFrame, facet_of: dict[str, str],
                        strong_places: dict[str, tuple[set[str], set[str]]] | None = None) -> pd.DataFrame:
    """Each contribution (tag, JRC sector, inferred) with its evidence_grade, graded_level and grade_note
    (pipelines/evidence_grades.py). `strong_places`: hub_id → (domains named in its name/title, domains named in the
    first sentence of its description)."""
    strong_places = strong_places or {}
    c = c.copy()
    n_sectors = sum(1 for f in facet_of.values() if f == "sector")
    c["is_sector"] = c.domain_code.map(facet_of).eq("sector")
    per_hub = c[c.is_sector].groupby(["hub_id", "source"]).domain_code.nunique()
    grades, levels, notes = [], [], []
    for hub_id, domain, source, level, evidence, is_sector in zip(
            c.hub_id.tolist(), c.domain_code.tolist(), c.source.tolist(), c.level.tolist(), c.evidence.tolist(),
            c.is_sector.tolist()):
        n_listed = int(per_hub.get((hub_id, source), 0))
        if source == "edih_tag":
            grade, graded = "declared", eg.declared_level(int(level), is_sector, n_listed, n_sectors)
            note = "declared level" + (f"; one level lower: catch-all list of {n_listed} of {n_sectors} sectors"
                                       if graded != level else "")
        elif source == "jrc_sector":
            grade, graded = "listed", eg.listed_level(n_listed, n_sectors)
            note = f"JRC list of {n_listed} sector domains → level {graded}"
        else:
            grade = "inferred"
            if str(evidence).startswith("matched terms: "):
                n_terms = eg.distinct_terms(str(evidence)[len("matched terms: "):])
                title_domains, first_domains = strong_places.get(hub_id, (set(), set()))
                in_title, in_first = domain in title_domains, domain in first_domains
                graded = eg.inferred_level(n_terms, in_title, in_first, domain)
                where = "; named in the hub's name/title" if in_title else (
                    "; named in the first sentence" if in_first else "")
                note = f"{n_terms} distinct term(s){where} → level {graded}"
            else:
                graded, note = 1, "text similarity only → level 1"
        grades.append(grade)
        levels.append(graded)
        notes.append(note)
    c["evidence_grade"], c["graded_level"], c["grade_note"] = grades, levels, notes
    return c


def first_sentence(text: str | None, max_chars: int = 300) -> str:
    text = " ".join((text or "").split())
    return re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0][:max_chars]


def _strong_places(con, coder: PriorityCoder) -> dict[str, tuple[set[str], set[str]]]:
    """hub_id → (domains the keyword rules find in its name/title, domains in the first sentence of its
    description), for the hubs with inferred competences."""
    out = {}
    for hub_id, name, title, description in con.execute("""
            SELECT hub_id, name, title, description FROM _hub_base
            WHERE hub_id IN (SELECT hub_id FROM _inferred) ORDER BY hub_id""").fetchall():
        head = ". ".join(dict.fromkeys(t for t in (name, title) if t))
        out[hub_id] = (set(coder.keywords.matches(head, scope="all")),
                       set(coder.keywords.matches(first_sentence(description), scope="all")))
    return out


def run(ctx: BuildContext) -> int:
    con = ctx.con
    coder = coder_for_build(ctx)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _hub_base AS {_hubs_sql(con)}")

    # EDIH tags → domains (labels with no domain by design are skipped; labels unknown to the crosswalk quarantined)
    ctx.quarantine_query("conformed", "edih_catalogue", "staging.stg_edih_tags", """
        SELECT t.source_line AS line, 'EDIH ' || t.kind || ' label not in data/taxonomy/crosswalk_edih_labels.csv'
               AS reason, to_json({edih_name: t.edih_name, kind: t.kind, label: t.label}) AS record
        FROM staging.stg_edih_tags t
        WHERE NOT EXISTS (SELECT 1 FROM taxonomy_label_crosswalk x
                          WHERE x.source = 'edih_2025' AND x.kind = t.kind AND x.label = t.label)""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _tag_competences AS
        SELECT h.hub_id, x.domain_code, t.level, t.kind || ': ' || t.label AS source_label, 'edih_tag' AS source,
               'EDIH catalogue ' || t.kind || ' tag "' || t.label || '", level ' || t.level AS evidence, t.kind
        FROM staging.stg_edih_tags t
        JOIN _hub_base h ON h.source = 'edih_2025' AND h.source_key = t.edih_name
        JOIN taxonomy_label_crosswalk x ON x.source = 'edih_2025' AND x.kind = t.kind AND x.label = t.label""")

    # JRC sectors → domains
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _jrc_labels AS
        SELECT j.jrc_hub_id, j.source_line, trim(s.label) AS label
        FROM staging.stg_jrc_hubs j, unnest(string_split(j.sectors, ';')) AS s(label)
        WHERE trim(s.label) <> ''""")
    ctx.quarantine_query("conformed", "jrc_dih_catalogue", "staging.stg_jrc_hubs", """
        SELECT l.source_line AS line,
               coalesce('JRC sector label mapped to no domain: ' || any_value(x.note),
                        'JRC sector label not in data/taxonomy/crosswalk_jrc_sectors.csv') AS reason,
               to_json({jrc_hub_id: l.jrc_hub_id, label: l.label}) AS record
        FROM _jrc_labels l
        LEFT JOIN taxonomy_label_crosswalk x ON x.source = 'jrc_2022' AND x.label = l.label
        GROUP BY l.source_line, l.jrc_hub_id, l.label
        HAVING count(x.domain_code) = 0
        ORDER BY l.source_line, l.label""")  # a GROUP BY's output order varies from run to run
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _jrc_competences AS
        SELECT h.hub_id, x.domain_code, ? AS level, 'sector: ' || l.label AS source_label, 'jrc_sector' AS source,
               'JRC catalogue sector "' || l.label || '" (no level given; counted as ' || ? || ')' AS evidence,
               'sector' AS kind
        FROM _jrc_labels l
        JOIN _hub_base h ON h.source = 'jrc_2022' AND h.source_key = CAST(l.jrc_hub_id AS VARCHAR)
        JOIN taxonomy_label_crosswalk x ON x.source = 'jrc_2022' AND x.label = l.label AND x.domain_code IS NOT NULL
        """, [JRC_SECTOR_LEVEL, JRC_SECTOR_LEVEL])

    # facets a hub already has tags for; the others are inferred from its texts
    tagged = con.execute("""
        SELECT hub_id, list(DISTINCT kind) FROM (
            SELECT h.hub_id, t.kind FROM staging.stg_edih_tags t
            JOIN _hub_base h ON h.source = 'edih_2025' AND h.source_key = t.edih_name
            WHERE t.kind IN ('technology', 'sector')
            UNION ALL SELECT hub_id, 'sector' FROM _jrc_competences)
        GROUP BY hub_id""").fetchall()
    tagged_facets = {hub_id: set(kinds) for hub_id, kinds in tagged}
    todo = []
    for hub_id, name, title, description in con.execute(
            "SELECT hub_id, name, title, description FROM _hub_base ORDER BY hub_id").fetchall():
        missing = {"technology", "sector"} - tagged_facets.get(hub_id, set())
        if missing and (description or "").strip():
            text = ". ".join(dict.fromkeys(t for t in (name, title, description) if t))
            todo.append((hub_id, text, sorted(missing), hub_id not in tagged_facets))
    inferred = _cached_inference(todo, coder)
    con.register("_inferred", pd.DataFrame(inferred, columns=["hub_id", "domain_code", "level", "source_label",
                                                              "source", "evidence", "kind"]).astype(
        {"level": "int64", "source_label": "object", "kind": "object"}))
    contributions = con.execute("""
        SELECT hub_id, domain_code, level, source_label, source, evidence, kind FROM _tag_competences
        UNION ALL SELECT hub_id, domain_code, level, source_label, source, evidence, kind FROM _jrc_competences
        UNION ALL SELECT hub_id, domain_code, CAST(level AS INTEGER), CAST(source_label AS VARCHAR), source,
                         evidence, kind FROM _inferred""").df()
    graded = grade_contributions(contributions, facet_of=dict(con.execute(
        "SELECT domain_code, facet FROM domains").fetchall()), strong_places=_strong_places(con, coder))
    con.register("_graded", graded)
    con.execute("""
        CREATE OR REPLACE TABLE hub_competences AS
        WITH ranked AS (
            SELECT *, CASE source WHEN 'edih_tag' THEN 3 WHEN 'jrc_sector' THEN 2 ELSE 1 END AS source_rank
            FROM _graded)
        SELECT hub_id, domain_code, CAST(max(graded_level) AS INTEGER) AS level,
               string_agg(DISTINCT source_label, '; ' ORDER BY source_label) AS source_label,
               arg_max(source, graded_level * 10 + source_rank) AS source,
               string_agg(DISTINCT evidence, '; ' ORDER BY evidence) AS evidence,
               count(*) AS n_contributions,
               arg_max(evidence_grade, graded_level * 10 + source_rank) AS evidence_grade,
               CAST(arg_max(level, graded_level * 10 + source_rank) AS INTEGER) AS raw_level,
               CAST(max(graded_level) FILTER (WHERE evidence_grade = 'declared') AS INTEGER) AS level_declared,
               arg_max(grade_note, graded_level * 10 + source_rank) AS grade_note
        FROM ranked
        GROUP BY hub_id, domain_code
        ORDER BY hub_id, domain_code""")
    con.unregister("_graded")
    con.unregister("_inferred")
    for name in ("_hub_base", "_tag_competences", "_jrc_labels", "_jrc_competences"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    return con.execute("SELECT count(*) FROM hub_competences").fetchall()[0][0]
