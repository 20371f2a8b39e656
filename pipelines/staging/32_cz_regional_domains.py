"""staging.stg_cz_regional_domains: the Czech regions' (kraje, NUTS 3) domains of specialisation from the National
RIS3 2021-2027, Annex 2; staging.stg_cz_regions: the canonical kraj names ↔ NUTS 3 codes (kraje_kodovnik.json).

`domena` rows are numbered domains; `emerging` rows are unnumbered, noisy fragments of the annex text (kept as
found). domeny_kraje.json holds the same domains as the CSV and hdp_populace_kraje.json Czech GDP and population;
neither is staged (Eurostat gives the EU-wide context figures)."""
from __future__ import annotations

import pandas as pd

from ..context import BuildContext
from ..errors import InputFileError
from ..readers import read_json
from ..staging_spec import Col, StagingSpec, load

SPEC = StagingSpec(
    table="stg_cz_regional_domains",
    source_id="cz_ris3_domains",
    file="cz_regional_s3_domains_2021_2027.csv",
    columns=[
        Col("nuts3_code", "nuts3_code"),
        Col("region_name", "region_name"),
        Col("priority_type", "priority_type"),
        Col("priority_no", "priority_no", "INTEGER"),
        Col("priority_name", "priority_name"),
        Col("description", "description"),
        Col("cz_nace_divisions", "cz_nace_divisions"),
    ],
    required=["nuts3_code", "region_name", "priority_type", "priority_name"],
    allowed={"priority_type": ["domena", "emerging"]},
    nuts={"nuts3_code": "2021"},
    checks=[
        ("length(nuts3_code) = 5", "nuts3_code is not a NUTS 3 code"),
        ("priority_type <> 'domena' OR priority_no IS NOT NULL", "a 'domena' row needs a priority_no"),
        ("cz_nace_divisions IS NULL OR regexp_matches(cz_nace_divisions, '^[0-9]{2}(;[0-9]{2})*$')",
         "cz_nace_divisions is not a ';'-separated list of two-digit NACE divisions"),
    ],
)


def _regions(ctx: BuildContext) -> int:
    raw = ctx.raw_file("cz_ris3_domains", "kraje_kodovnik.json")
    doc = read_json(raw.abspath)
    try:
        frame = pd.DataFrame([{"region_name": k["nazev"], "nuts3_code": k["kod_nuts"], "abbreviation": k["zkratka"]}
                              for k in doc["kraje"]])
    except (KeyError, TypeError) as exc:
        raise InputFileError(f"{raw.abspath}: expected {{'kraje': [{{nazev, kod_nuts, zkratka}}, …]}} ({exc!r})") from exc
    frame["source_line"] = range(1, len(frame) + 1)  # position in the 'kraje' list
    con = ctx.con
    con.register("_cz_regions", frame)
    con.execute("""CREATE OR REPLACE TABLE staging.stg_cz_regions AS
        SELECT nuts3_code, region_name, abbreviation, CAST(source_line AS BIGINT) AS source_line FROM _cz_regions
        WHERE nuts3_code IN (SELECT nuts_code FROM staging.stg_nuts_codes WHERE nuts_version = '2021')
        ORDER BY source_line""")
    unknown = frame[~frame.nuts3_code.isin(
        [r[0] for r in con.execute("SELECT nuts3_code FROM staging.stg_cz_regions").fetchall()])].copy()
    con.unregister("_cz_regions")
    unknown["reason"] = "kod_nuts " + unknown.nuts3_code.astype(str) + " is not a NUTS 2021 code"
    q = ctx.quarantine_frame("staging", raw.source_id, raw.path, unknown.drop(columns=["source_line"]))
    ctx.record_source(raw.source_id, raw.path, "staging.stg_cz_regions", len(frame), len(frame) - q, q)
    return len(frame) - q


def run(ctx: BuildContext) -> int:
    return load(ctx, SPEC) + _regions(ctx)
