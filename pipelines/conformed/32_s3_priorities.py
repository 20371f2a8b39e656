"""s3_strategies and s3_priorities: the curated S3 strategies and their priority areas, plus the Czech regions'
(kraje, NUTS 3) domains of specialisation from the National RIS3 2021-2027 (Annex 2) as 14 additional regional
strategies, marked by source_dataset = 'cz_ris3_domains'.

priority_id = '<strategy_id>#<priority_no>'. The Czech annex's unnumbered 'emerging' rows are fragments of the PDF
text (cut sentences, mission headings), not domains: they are not priorities and go to quarantine with that reason."""
from __future__ import annotations

import pandas as pd

from .. import paths
from ..coding import read_taxonomy_csv
from ..context import BuildContext
from ..errors import InputFileError

CZ_SOURCE_URL = ("https://github.com/kristyne/ris3-mapa-cr (public/data; parse of the Ministry of Industry and "
                 "Trade's 'Příloha 2 NRIS3 v08', Dec 2025)")
CZ_NOTE = ("Regional domains of specialisation of the kraj in the National RIS3 2021-2027, Annex 2 (v08), as parsed "
           "by kristyne/ris3-mapa-cr (parse not independently validated). Titles are Czech only.")


TRANSLATED = "translated by the project (data/taxonomy/cz_domain_titles_en.csv)"


def _czech_titles(con) -> pd.DataFrame:
    rows = read_taxonomy_csv(paths.TAXONOMY, "cz_domain_titles_en.csv", ["nuts3_code", "priority_no", "title_en"])
    frame = pd.DataFrame(rows, columns=["nuts3_code", "priority_no", "title_en"])
    frame["priority_no"] = frame.priority_no.astype(int)
    known = set(con.execute("""SELECT nuts3_code, priority_no FROM staging.stg_cz_regional_domains
                               WHERE priority_type = 'domena'""").fetchall())
    stale = [f"{c} #{n}" for c, n in zip(frame.nuts3_code, frame.priority_no) if (c, n) not in known]
    if stale:
        raise InputFileError(f"{paths.TAXONOMY / 'cz_domain_titles_en.csv'}: no Czech domain {', '.join(stale)}")
    return frame


def run(ctx: BuildContext) -> int:
    con = ctx.con
    con.register("_cz_titles", _czech_titles(con))
    con.execute("""
        CREATE OR REPLACE TABLE s3_strategies AS
        SELECT strategy_id, country_code, territory_name, nuts_code, length(nuts_code) - 2 AS nuts_level,
               nullif(regexp_extract(strategy_id, '([0-9]{4}-[0-9]{4})', 1), '') AS period,
               strategy_id LIKE '%?' AS period_uncertain,
               status, n_priorities, note, 's3_priorities_curated' AS source_dataset
        FROM staging.stg_s3_strategy_coverage
        UNION ALL
        SELECT nuts3_code || '-2021-2027', 'CZ', any_value(region_name), nuts3_code, 3, '2021-2027', FALSE,
               'found', CAST(count(*) AS INTEGER), ?, 'cz_ris3_domains'
        FROM staging.stg_cz_regional_domains WHERE priority_type = 'domena'
        GROUP BY nuts3_code
        ORDER BY strategy_id""", [CZ_NOTE])
    con.execute("""
        CREATE OR REPLACE TABLE s3_priorities AS
        SELECT strategy_id || '#' || priority_no AS priority_id, strategy_id, country_code, territory_name,
               nuts_code, nuts_level, period, priority_no, priority_title AS title,
               priority_title_original AS title_original, description, confidence, source_url, source_kind,
               's3_priorities_curated' AS source_dataset, CAST(NULL AS VARCHAR) AS nace_divisions,
               TRUE AS title_is_english, 'source' AS title_source
        FROM staging.stg_s3_priorities
        UNION ALL
        SELECT d.nuts3_code || '-2021-2027#' || d.priority_no, d.nuts3_code || '-2021-2027', 'CZ', d.region_name,
               d.nuts3_code, 3, '2021-2027', d.priority_no, coalesce(t.title_en, d.priority_name), d.priority_name,
               d.description, 'medium', ?, 'official', 'cz_ris3_domains', d.cz_nace_divisions,
               t.title_en IS NOT NULL, CASE WHEN t.title_en IS NOT NULL THEN ? ELSE 'source' END
        FROM staging.stg_cz_regional_domains d
        LEFT JOIN _cz_titles t ON t.nuts3_code = d.nuts3_code AND t.priority_no = d.priority_no
        WHERE d.priority_type = 'domena'
        ORDER BY priority_id""", [CZ_SOURCE_URL, TRANSLATED])
    con.unregister("_cz_titles")
    ctx.quarantine_query("conformed", "cz_ris3_domains", "staging.stg_cz_regional_domains", """
        SELECT source_line AS line,
               'emerging-topic fragment of the annex text (not a numbered domain of specialisation); '
               || 'not used as an S3 priority' AS reason,
               to_json({nuts3_code: nuts3_code, priority_name: priority_name}) AS record
        FROM staging.stg_cz_regional_domains WHERE priority_type = 'emerging'""")
    dupes = con.execute("SELECT count(*) - count(DISTINCT priority_id) FROM s3_priorities").fetchall()[0][0]
    if dupes:
        raise ValueError(f"s3_priorities: {dupes} duplicate priority_id values")
    return con.execute("SELECT count(*) FROM s3_priorities").fetchall()[0][0]
