"""What-if: a user's own draft priorities or hubs, validated row by row, coded with the taxonomy rules of the real data
(pipelines/coding.py) and run through the same alignment SQL as the warehouse, in an in-memory DuckDB that holds
copies of the input tables — the shared warehouse is only read, nothing is written anywhere.

- `read_upload(data, file_name)`: CSV (UTF-8, UTF-8 with BOM, UTF-16 with BOM; Windows-1252 read with a warning) or
  Excel (.xlsx) into text cells; size, row-count, encoding, empty-file and formula problems as `Problem`s.
- `validate_priorities(frame, ref)` / `validate_hubs(frame, ref)`: one `Problem` per bad cell (row, column, what is
  wrong, what is expected); valid rows go on, invalid rows are listed and left out (never silently dropped).
- `run_whatif(source, upload, ...)`: copies the inputs, applies the valid rows, recomputes alignment, gaps and partner
  suggestions for the affected regions, and compares them with the warehouse (before) → `WhatIfResult`.
- `main_cli(args)`: `python -m pipelines whatif --priorities FILE | --hubs FILE [--mode replace|add] [--out DIR]`.

docs/whatif.md documents the templates, the caps and what is recomputed.
"""
from __future__ import annotations

import csv
import importlib
import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from . import method, paths
from .coding import PriorityCoder, load_taxonomy
from .context import BuildContext
from .errors import InputFileError, PipelineError
from .export import csv_bytes, neutralise_formulas  # csv_bytes: the project's one CSV writer

MAX_BYTES = 1_000_000  # 1 MB: a draft list of priorities or hubs is a few kB
MAX_ROWS = 500
WHATIF_PERIOD = "2021-2027"  # uploaded priorities are a draft strategy for the current programming period
MODES = ("replace", "add")  # replace the territory's own 2021-2027 list, or add to what applies to it
UPLOAD_HUB_TYPE = "Uploaded hub"
HUB_TYPES = ("EDIH", "DIH", "Seal of Excellence", UPLOAD_HUB_TYPE)
FORMULA_START = ("=", "+", "@", "\t", "\r")  # '-' is common in plain text ("- AI"); it is neutralised on output

PRIORITY_TEMPLATE = pd.DataFrame({
    "nuts_code": ["DE60", "DE60"],
    "title": ["Maritime economy and ports", "Artificial intelligence in health care"],
    "description": ["Port logistics, shipbuilding, offshore wind", ""],
    "domains": ["", "TECH_AI; SEC_HEALTH"],
})
HUB_TEMPLATE = pd.DataFrame({
    "name": ["Example Harbour Digital Hub", "Example AI Hub"],
    "address": ["", "Rathausmarkt 1, 20095 Hamburg, DE"],
    "nuts_code": ["DE60", ""],
    "served_nuts_codes": ["DEF0; DE93", ""],
    "competences": ["SEC_MARITIME:4; TECH_AI:3", "TECH_AI:5; TECH_HPC:2"],
    "hub_type": ["EDIH", ""],
})
TEMPLATES = {"priorities": PRIORITY_TEMPLATE, "hubs": HUB_TEMPLATE}
COLUMNS = {  # kind → (required, optional)
    "priorities": (["nuts_code", "title"], ["description", "domains"]),
    "hubs": (["name", "competences"], ["address", "nuts_code", "served_nuts_codes", "hub_type"]),
}

# every table the alignment SQL reads; the what-if copies them into its own in-memory database
INPUT_TABLES = ["regions", "hubs", "hub_links", "hub_competences", "domains", "s3_strategies", "s3_priorities",
                "s3_priority_domains", "applicable_priorities", "erdf_planned_by_region", "erdf_payments_by_region",
                "h2020_by_region", "region_adjacency"]
# used by the method when present (service areas, organisations from the hubs branch; funding from the funding branch)
OPTIONAL_INPUT_TABLES = ["hub_service_nuts2", "hub_organisations", "dep_edih_funding"]


@dataclass(frozen=True)
class Problem:
    row: int | None  # the row as a spreadsheet shows it (header = row 1); None: the whole file
    column: str | None
    problem: str
    expected: str
    severity: str = "error"  # error: the row (or file) is left out; warning: used, but check it


@dataclass
class Upload:
    kind: str  # priorities | hubs
    file_name: str
    rows: list[dict] = field(default_factory=list)  # valid rows, normalised
    problems: list[Problem] = field(default_factory=list)
    n_rows: int = 0  # data rows read

    @property
    def file_error(self) -> bool:
        return any(p.row is None and p.severity == "error" for p in self.problems)

    def problems_frame(self) -> pd.DataFrame:
        return pd.DataFrame([p.__dict__ for p in self.problems],
                            columns=["row", "column", "problem", "expected", "severity"])


# --- reading ----------------------------------------------------------------------------------------------------
def _decode(data: bytes, problems: list[Problem]) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        problems.append(Problem(None, None, "the file contains binary data (NUL bytes): it is not a CSV text file",
                                "a CSV file saved as UTF-8, or an Excel .xlsx workbook"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            problems.append(Problem(None, None, f"the file is not UTF-8 text (byte {exc.start} cannot be decoded)",
                                    "a CSV file saved as UTF-8 (in Excel: 'CSV UTF-8')"))
            return None
        problems.append(Problem(None, None, "the file is not UTF-8; it was read as Windows-1252 (Western European)",
                                "a CSV file saved as UTF-8: check accented letters in the results", "warning"))
        return text


def _read_xlsx(data: bytes) -> pd.DataFrame:
    """The first sheet's cells as text; formula cells keep their formula text (data_only=False), so the validation
    sees and rejects them instead of reading a cached value."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        rows = [["" if v is None else str(v) for v in row]
                for _, row in zip(range(MAX_ROWS + 2), book.worksheets[0].iter_rows(values_only=True))]
    finally:
        book.close()
    if not rows:
        return pd.DataFrame()
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return pd.DataFrame(rows[1:], columns=[c or f"column_{i + 1}" for i, c in enumerate(rows[0])])


def read_upload(data: bytes, file_name: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The uploaded file as a frame of stripped text cells with lower-case column names, or None and the reason."""
    problems: list[Problem] = []
    if len(data) > MAX_BYTES:
        return None, [Problem(None, None, f"the file is {len(data) / 1e6:.1f} MB, over the {MAX_BYTES / 1e6:.0f} MB "
                              "limit", f"at most {MAX_BYTES / 1e6:.0f} MB and {MAX_ROWS} rows: split the file")]
    if not data.strip():
        return None, [Problem(None, None, "the file is empty", "a header row and at least one data row")]
    suffix = Path(file_name or "").suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm") or data[:4] == b"PK\x03\x04":
            frame = _read_xlsx(data)
        elif suffix == ".xls":
            return None, [Problem(None, None, "old Excel 97-2003 (.xls) files are not read",
                                  "an Excel .xlsx workbook or a CSV file")]
        else:
            text = _decode(data, problems)
            if text is None:
                return None, problems
            sample = text[:4096]
            delimiter = ";" if sample.count(";") > sample.count(",") and sample.count(";") > sample.count("\t") \
                else "\t" if sample.count("\t") > sample.count(",") else ","
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=delimiter,
                                quoting=csv.QUOTE_MINIMAL, skip_blank_lines=True, on_bad_lines="error")
    except Exception as exc:  # pandas/openpyxl raise many types for broken files; the message says which
        problems.append(Problem(None, None, f"the file could not be read as {'Excel' if suffix.startswith('.xl') else 'CSV'}: "
                                f"{str(exc).splitlines()[0][:200]}", "a CSV (UTF-8) or Excel .xlsx file in the template's columns"))
        return None, problems
    frame.columns = [str(c).strip().lower().replace(" ", "_") for c in frame.columns]
    frame = frame.map(lambda v: "" if v is None else str(v).strip())
    frame = frame[(frame != "").any(axis=1)] if len(frame.columns) else frame
    if frame.empty:
        problems.append(Problem(None, None, "the file has a header but no data rows", "at least one data row"))
        return None, problems
    if len(frame) > MAX_ROWS:
        problems.append(Problem(None, None, f"the file has {len(frame):,} data rows, over the {MAX_ROWS} limit",
                                f"at most {MAX_ROWS} rows: split the file"))
        return None, problems
    return frame, problems


def _check_columns(frame: pd.DataFrame, kind: str) -> list[Problem]:
    required, optional = COLUMNS[kind]
    out = [Problem(1, c, f"required column '{c}' is missing", f"the template's columns: {', '.join(required + optional)}")
           for c in required if c not in frame.columns]
    if kind == "hubs" and "address" not in frame.columns and "nuts_code" not in frame.columns:
        out.append(Problem(1, "address / nuts_code", "neither an 'address' nor a 'nuts_code' column",
                           "one of them (nuts_code wins when both are filled)"))
    unknown = [c for c in frame.columns if c not in required + optional]
    if unknown:
        out.append(Problem(1, ", ".join(unknown), "column(s) not in the template are ignored",
                           f"only {', '.join(required + optional)}", "warning"))
    return out


# --- reference data for validation -------------------------------------------------------------------------------
@dataclass
class Reference:
    regions: dict[str, dict]  # nuts_code → {level, name, country_code, is_eu, label_lon, label_lat}
    domains: dict[str, str]  # domain_code → label
    domain_lookup: dict[str, str]  # lower-case code / short code / label → domain_code
    countries: dict[str, str]  # lower-case country name or code → country_code
    postcodes: dict[tuple[str, str], str]  # (country, postcode) → NUTS 2021 level-3 code
    coder: PriorityCoder | None = None


def load_reference(con: duckdb.DuckDBPyConnection, with_postcodes: bool = True) -> Reference:
    regions = {r["nuts_code"]: r for r in con.execute(
        """SELECT nuts_code, level, name, country_code, is_eu, label_lon, label_lat FROM regions""").df()
        .to_dict("records")}
    domains = dict(con.execute("SELECT domain_code, label FROM domains").fetchall())
    lookup: dict[str, str] = {}
    for code, label in domains.items():
        lookup[code.lower()] = code
        lookup[re.sub(r"^(tech|sec)_", "", code.lower())] = code
        lookup[str(label).lower()] = code
    countries = {}
    for code, r in regions.items():
        if r["level"] == 0:
            countries[code.lower()] = code
            countries[str(r["name"]).lower()] = code
    countries.update({"gr": "EL", "greece": "EL", "gb": "UK"})
    postcodes: dict[tuple[str, str], str] = {}
    if with_postcodes:
        try:
            frame = con.execute("""
                SELECT p.country_code, p.postcode, coalesce(c.to_code, p.nuts3_code_2024) AS nuts3
                FROM staging.stg_postcodes p
                LEFT JOIN nuts_conversion c ON c.from_version = '2024' AND c.from_code = p.nuts3_code_2024
                     AND c.weight >= 0.5""").fetchall()
            postcodes = {(a, b): c for a, b, c in frame}
        except duckdb.Error:
            postcodes = {}
    return Reference(regions, domains, lookup, countries, postcodes)


def _formula(value: str) -> bool:
    return value.startswith(FORMULA_START)


def _formula_cells(rec: dict, columns: tuple[str, ...], row: int, problems: list[Problem]) -> bool:
    """Report each cell of `columns` that starts like a spreadsheet formula; True when there was one."""
    before = len(problems)
    for col in columns:
        if _formula(rec.get(col, "")):
            problems.append(Problem(row, col, f"the cell starts with '{rec[col][0]}' like a spreadsheet formula",
                                    "plain text (formulas are never run)"))
    return len(problems) > before


def _nuts(ref: Reference, value: str, row: int, column: str, levels: tuple[int, ...],
          problems: list[Problem]) -> str | None:
    code = value.strip().upper().replace(" ", "")
    region = ref.regions.get(code)
    wanted = f"an EU NUTS 2021 code of level {'/'.join(map(str, levels))} (e.g. DE60 Hamburg, DE6, DE)"
    if region is None:
        hint = " (a NUTS 2024 or older code?)" if code[:2] in ref.regions and len(code) > 2 else ""
        problems.append(Problem(row, column, f"unknown NUTS code '{value}'{hint}", wanted))
        return None
    if not region["is_eu"]:
        problems.append(Problem(row, column, f"'{code}' ({region['name']}) is not an EU region", wanted))
        return None
    if region["level"] not in levels:
        problems.append(Problem(row, column, f"'{code}' is a NUTS {region['level']} code", wanted))
        return None
    return code


def _domains(ref: Reference, value: str, row: int, column: str, problems: list[Problem]) -> list[str] | None:
    out = []
    for part in [p.strip() for p in re.split(r"[;|]", value) if p.strip()]:
        code = ref.domain_lookup.get(part.lower())
        if code is None:
            problems.append(Problem(row, column, f"unknown domain '{part}'",
                                    "taxonomy domain codes or labels separated by ';' (e.g. TECH_AI; SEC_HEALTH), "
                                    "see the domain list on the page or docs/taxonomy.md"))
            return None
        if code not in out:
            out.append(code)
    return out


def validate_priorities(frame: pd.DataFrame, ref: Reference, file_name: str = "") -> Upload:
    upload = Upload("priorities", file_name, n_rows=len(frame))
    upload.problems += _check_columns(frame, "priorities")
    if any(p.severity == "error" for p in upload.problems):
        return upload
    for i, rec in enumerate(frame.to_dict("records")):
        row, before = i + 2, len(upload.problems)
        if _formula_cells(rec, ("nuts_code", "title", "description", "domains"), row, upload.problems):
            continue
        code = _nuts(ref, rec["nuts_code"], row, "nuts_code", (0, 1, 2, 3), upload.problems) \
            if rec["nuts_code"] else upload.problems.append(
                Problem(row, "nuts_code", "empty", "the NUTS 2021 code of the strategy's territory"))
        if not rec["title"]:
            upload.problems.append(Problem(row, "title", "empty", "the priority's title"))
        elif len(rec["title"]) > 500:
            upload.problems.append(Problem(row, "title", f"{len(rec['title'])} characters", "at most 500"))
        domains = _domains(ref, rec.get("domains", ""), row, "domains", upload.problems) if rec.get("domains") else []
        if len(upload.problems) > before or code is None or domains is None:
            continue
        upload.rows.append({"row": row, "nuts_code": code, "title": rec["title"],
                            "description": rec.get("description", "")[:5000], "domains": domains})
    return upload


def _competences(ref: Reference, value: str, row: int, problems: list[Problem]) -> dict[str, int] | None:
    out: dict[str, int] = {}
    expected = "'domain:level' pairs separated by ';', level 1-5 (e.g. TECH_AI:4; SEC_HEALTH:3)"
    parts = [p.strip() for p in value.split(";") if p.strip()]
    if not parts:
        problems.append(Problem(row, "competences", "empty", expected))
        return None
    for part in parts:
        m = re.fullmatch(r"(.+?)\s*[:=]\s*(\S+)", part)
        if not m:
            problems.append(Problem(row, "competences", f"'{part}' has no level", expected))
            return None
        code = ref.domain_lookup.get(m.group(1).strip().lower())
        if code is None:
            problems.append(Problem(row, "competences", f"unknown domain '{m.group(1).strip()}'", expected))
            return None
        if not re.fullmatch(r"[1-5]", m.group(2)):
            problems.append(Problem(row, "competences", f"level '{m.group(2)}' of {code} is not 1-5", expected))
            return None
        out[code] = max(out.get(code, 0), int(m.group(2)))
    return out


def place_address(ref: Reference, address: str) -> tuple[str | None, str]:
    """NUTS 3 code of a free-text address from its postcode (GISCO postcode table) and its country (a name or
    two-letter code as the last comma-separated part); (None, why) when it cannot be placed."""
    from .placement import postcode_candidates

    parts = [p.strip() for p in address.split(",") if p.strip()]
    country = ref.countries.get(parts[-1].lower()) if parts else None
    if country is None:
        return None, "no country at the end of the address (e.g. '…, 20095 Hamburg, DE')"
    for candidate in postcode_candidates(country, address):
        nuts3 = ref.postcodes.get((country, candidate))
        if nuts3 and nuts3 in ref.regions:
            return nuts3, f"postcode {candidate}"
    return None, f"no {country} postcode in the address found in the GISCO postcode table"


def validate_hubs(frame: pd.DataFrame, ref: Reference, file_name: str = "") -> Upload:
    upload = Upload("hubs", file_name, n_rows=len(frame))
    upload.problems += _check_columns(frame, "hubs")
    if any(p.severity == "error" for p in upload.problems):
        return upload
    for i, rec in enumerate(frame.to_dict("records")):
        row, before = i + 2, len(upload.problems)
        if _formula_cells(rec, ("name", "address", "nuts_code", "served_nuts_codes", "competences", "hub_type"), row, upload.problems):
            continue
        if not rec["name"]:
            upload.problems.append(Problem(row, "name", "empty", "the hub's name"))
        code, placed_by = None, "nuts_code"
        if rec.get("nuts_code"):
            code = _nuts(ref, rec["nuts_code"], row, "nuts_code", (0, 1, 2, 3), upload.problems)
        elif rec.get("address"):
            code, why = place_address(ref, rec["address"])
            placed_by = f"address ({why})"
            if code is None:
                upload.problems.append(Problem(row, "address", f"could not place '{rec['address'][:80]}': {why}",
                                               "an address ending with postcode, town and country, or a nuts_code"))
        else:
            upload.problems.append(Problem(row, "address / nuts_code", "both empty",
                                           "the hub's NUTS 2021 code (e.g. DE60) or its postal address"))
        served = []
        for part in [p for p in re.split(r"[;,|]", rec.get("served_nuts_codes", "")) if p.strip()]:
            s = _nuts(ref, part, row, "served_nuts_codes", (0, 1, 2), upload.problems)
            if s and s not in served:
                served.append(s)
        competences = _competences(ref, rec.get("competences", ""), row, upload.problems)
        hub_type = rec.get("hub_type") or UPLOAD_HUB_TYPE
        if hub_type not in HUB_TYPES:
            upload.problems.append(Problem(row, "hub_type", f"unknown hub type '{hub_type}'",
                                           f"empty or one of {', '.join(HUB_TYPES)}"))
        if len(upload.problems) > before or code is None or competences is None:
            continue
        upload.rows.append({"row": row, "name": rec["name"][:300], "nuts_code": code, "placed_by": placed_by,
                            "served": served, "competences": competences, "hub_type": hub_type})
    return upload


def parse_upload(data: bytes, file_name: str, kind: str, ref: Reference) -> Upload:
    if kind not in COLUMNS:
        raise PipelineError(f"unknown what-if kind {kind!r}: priorities or hubs")
    frame, problems = read_upload(data, file_name)
    if frame is None:
        return Upload(kind, file_name, problems=problems)
    upload = (validate_priorities if kind == "priorities" else validate_hubs)(frame, ref, file_name)
    upload.problems = problems + upload.problems
    return upload


# --- the in-memory scenario --------------------------------------------------------------------------------------
def load_inputs(source: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Arrow copies of every input table the alignment needs (the dashboard caches them once per warehouse)."""
    present = {r[0] for r in source.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
    missing = [t for t in INPUT_TABLES if t not in present]
    if missing:
        raise PipelineError(f"the warehouse lacks {', '.join(missing)}: rebuild it with `python -m pipelines build`")
    return {t: source.sql(f'SELECT * FROM "{t}"').to_arrow_table()
            for t in INPUT_TABLES + [t for t in OPTIONAL_INPUT_TABLES if t in present]}


# the inputs a what-if changes: copied into the scenario; every other input is a read-only view over the cached copy
WRITTEN_TABLES = {"s3_strategies", "s3_priorities", "s3_priority_domains", "applicable_priorities", "hubs",
                  "hub_competences", "hub_service_nuts2"}


def scenario_connection(inputs: dict[str, object]) -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB over the inputs: the tables a what-if writes are copied; the others are views over
    the shared Arrow tables (read only). What the user uploads goes only into this connection."""
    con = duckdb.connect(":memory:")
    con.execute("SET threads TO 2")
    con.execute("CREATE SCHEMA staging")
    for name, table in inputs.items():
        con.register(f"_input_{name}", table)
        kind = "TABLE" if name in WRITTEN_TABLES else "VIEW"
        con.execute(f'CREATE {kind} "{name}" AS SELECT * FROM "_input_{name}"')
    return con


def same_territory(ref: Reference, code: str) -> set[str]:
    """`code` and the codes of the same territory at other NUTS levels: a parent with this one region as its only
    child (Hamburg DE6 = DE60; Luxembourg LU = LU0 = LU00), and an only child, down to level 2."""
    children: dict[str, list[str]] = {}
    for c, r in ref.regions.items():
        if r["level"] >= 1 and not re.fullmatch(r"[A-Z]{2}Z+", c):
            children.setdefault(c[:-1], []).append(c)
    out, up = {code}, code
    while len(up) > 2 and len(children.get(up[:-1], [])) == 1:
        up = up[:-1]
        out.add(up)
    down = code
    while len(down) < 4 and len(children.get(down, [])) == 1:
        down = children[down][0]
        out.add(down)
    return out


def _ancestors_and_descendants(ref: Reference, code: str, down: bool) -> set[str]:
    out = {c for c in ref.regions if code.startswith(c) and ref.regions[c]["level"] <= 2}
    if down:
        out |= {c for c in ref.regions if c.startswith(code) and ref.regions[c]["level"] <= 2}
    return {c for c in out if ref.regions[c]["is_eu"] and not re.fullmatch(r"[A-Z]{2}Z+", c)}


def affected_regions(upload: Upload, ref: Reference, adjacency: pd.DataFrame | None = None) -> list[str]:
    """Regions whose figures can change: for priorities the territory, the regions containing it and those inside it;
    for hubs the regions the hub lies in and serves, those containing them, and their neighbours (new partner)."""
    out: set[str] = set()
    for r in upload.rows:
        if upload.kind == "priorities":
            out |= _ancestors_and_descendants(ref, r["nuts_code"], down=True)
        else:
            for code in [r["nuts_code"], *r["served"]]:
                out |= _ancestors_and_descendants(ref, code, down=code in r["served"])
    if upload.kind == "hubs" and adjacency is not None and len(adjacency):
        # the NUTS 2 neighbours, whose partner suggestions the new hub can enter (a bordering region scores more)
        level2 = {c for c in out if ref.regions[c]["level"] == 2}
        out |= {c for c in adjacency[adjacency.nuts_code.isin(level2)].neighbour_code
                if c in ref.regions and ref.regions[c]["is_eu"]}
    return sorted(out)


def _insert(con, table: str, frame: pd.DataFrame) -> None:
    con.register("_rows", frame)
    con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM _rows')
    con.unregister("_rows")


def apply_priorities(con, upload: Upload, ref: Reference, mode: str = "replace") -> pd.DataFrame:
    """The uploaded priorities as a draft strategy per territory (period WHATIF_PERIOD), coded with the taxonomy rules
    (or the domains the file lists); in 'replace' mode the territory's own list for the period is taken out first.
    Returns the coding (one row per priority × domain) for the user to check."""
    if mode not in MODES:
        raise PipelineError(f"unknown mode {mode!r}: {' or '.join(MODES)}")
    coder = ref.coder or PriorityCoder.from_taxonomy(load_taxonomy())
    ref.coder = coder
    territories = sorted({r["nuts_code"] for r in upload.rows})
    if mode == "replace":
        same = sorted({c for t in territories for c in same_territory(ref, t)})
        replaced = [r[0] for r in con.execute("""SELECT DISTINCT strategy_id FROM s3_priorities
                       WHERE list_contains(?, nuts_code) AND period = ? ORDER BY 1""", [same, WHATIF_PERIOD]).fetchall()]
        con.execute("""DELETE FROM s3_priority_domains WHERE priority_id IN (SELECT priority_id FROM s3_priorities
                       WHERE list_contains(?, nuts_code) AND period = ?)""", [same, WHATIF_PERIOD])
        con.execute("DELETE FROM s3_priorities WHERE list_contains(?, nuts_code) AND period = ?",
                    [same, WHATIF_PERIOD])
        upload.problems.append(Problem(None, None, "replaced for the what-if: " + (", ".join(replaced) or
                                       "no existing list of these territories"), "nothing to do", "info"))
    priorities, links, strategies = [], [], []
    for t in territories:
        region = ref.regions[t]
        rows = [r for r in upload.rows if r["nuts_code"] == t]
        strategy_id = f"upload:{t}-{WHATIF_PERIOD}"
        strategies.append({"strategy_id": strategy_id, "country_code": region["country_code"],
                           "territory_name": region["name"], "nuts_code": t, "nuts_level": region["level"],
                           "period": WHATIF_PERIOD, "status": "found", "n_priorities": len(rows),
                           "note": "uploaded draft (what-if)"})
        for no, r in enumerate(rows, start=1):
            pid = f"upload:{t}:{r['row']}"
            priorities.append({"priority_id": pid, "strategy_id": strategy_id, "country_code": region["country_code"],
                               "territory_name": region["name"], "nuts_code": t, "nuts_level": region["level"],
                               "period": WHATIF_PERIOD, "priority_no": no, "title": r["title"],
                               "description": r["description"] or None, "confidence": "user upload",
                               "source_kind": "upload"})
            if r["domains"]:
                for d in r["domains"]:
                    links.append({"row": r["row"], "priority_id": pid, "domain_code": d, "method": "upload",
                                  "evidence": "listed in the uploaded file", "weight": 1.0 / len(r["domains"])})
            else:
                coded = coder.code(pid, r["title"], None, r["description"] or None)
                for link in coded:
                    links.append({"row": r["row"], "priority_id": pid, "domain_code": link.domain_code,
                                  "method": link.method, "evidence": link.evidence, "weight": link.weight})
                if not coded:
                    upload.problems.append(Problem(r["row"], "title", "no taxonomy domain found in the title or "
                                                   "description: the priority counts for nothing",
                                                   "a more specific title, or domains in the 'domains' column",
                                                   "warning"))
    con.execute("DELETE FROM s3_strategies WHERE list_contains(?, strategy_id)", [[s["strategy_id"] for s in strategies]])
    _insert_known_columns(con, "s3_strategies", pd.DataFrame(strategies))
    _insert_known_columns(con, "s3_priorities", pd.DataFrame(priorities))
    coding = pd.DataFrame(links, columns=["row", "priority_id", "domain_code", "method", "evidence", "weight"])
    if len(coding):
        facets = dict(con.execute("SELECT domain_code, facet FROM domains").fetchall())
        _insert_known_columns(con, "s3_priority_domains", coding.drop(columns="row").assign(facet=coding.domain_code.map(facets)))
    _rebuild_applicable(con)
    titles = {f"upload:{r['nuts_code']}:{r['row']}": r["title"] for r in upload.rows}
    coding.insert(1, "title", coding.priority_id.map(titles))
    coding["domain_label"] = coding.domain_code.map(ref.domains)
    return coding


def _rebuild_applicable(con) -> None:
    """applicable_priorities again, by the build's own conformed step (same relations, sharing and fallbacks)."""
    step = importlib.import_module("pipelines.conformed.38_applicable_priorities")
    if not hasattr(step, "build_applicable"):
        step.run(BuildContext(con=con, sources={}, log=lambda _m: None))
        return
    try:
        sharing = step.load_sharing(con)
    except InputFileError:  # a test world without the strategies data/taxonomy/strategy_sharing.csv names
        sharing = pd.DataFrame(columns=["strategy_id", "applies_to_nuts_code", "note_quote", "reason"])
    step.build_applicable(con, sharing)


def apply_hubs(con, upload: Upload, ref: Reference) -> pd.DataFrame:
    """The uploaded hubs and their declared competences added to the copies of hubs and hub_competences (and to the
    served-area table when the warehouse has one). Returns the hubs as placed, for the user to check."""
    hubs, comps, areas = [], [], []
    for r in upload.rows:
        code = r["nuts_code"]
        region = ref.regions[code]
        hub_id = f"upload:hub:{r['row']}"
        level = region["level"]
        hubs.append({"hub_id": hub_id, "source": "upload", "source_key": str(r["row"]), "name": r["name"],
                     "title": r["name"], "hub_type": r["hub_type"], "country_code": region["country_code"],
                     "nuts3_code": code if level == 3 else None, "nuts2_code": code[:4] if level >= 2 else None,
                     "nuts1_code": code[:3] if level >= 1 else None, "lon": region["label_lon"],
                     "lat": region["label_lat"], "coord_source": f"label point of {code}",
                     "placement_method": r["placed_by"], "placement_confidence": "user upload",
                     "is_dep_funded": r["hub_type"] == "EDIH", "is_eu": True})
        for d, lvl in r["competences"].items():
            comps.append({"hub_id": hub_id, "domain_code": d, "level": lvl, "raw_level": lvl,
                          "source_label": ref.domains[d], "source": "upload", "evidence_grade": "declared",
                          "evidence": f"uploaded file row {r['row']}", "n_contributions": 1})
        for s in r["served"]:
            areas.append({"hub_id": hub_id, "nuts_code": s, "level": ref.regions[s]["level"], "basis": "declared",
                          "evidence": f"uploaded file row {r['row']}"})
    _insert_known_columns(con, "hubs", pd.DataFrame(hubs))
    _insert_known_columns(con, "hub_competences", pd.DataFrame(comps))
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "hub_service_areas" in tables and areas:
        _insert_known_columns(con, "hub_service_areas", pd.DataFrame(areas))
    if "hub_service_nuts2" in tables:
        _insert_known_columns(con, "hub_service_nuts2", service_nuts2(ref, upload))
    elif areas:
        upload.problems.append(Problem(None, "served_nuts_codes", "served regions are listed but not counted: this "
                                       f"warehouse's method ({method.METHOD_VERSION}) counts a hub only in the "
                                       "region of its address", "nothing to do", "warning"))
    return pd.DataFrame({
        "row": [r["row"] for r in upload.rows], "hub_id": [h["hub_id"] for h in hubs],
        "name": [r["name"] for r in upload.rows], "hub_type": [r["hub_type"] for r in upload.rows],
        "nuts_code": [r["nuts_code"] for r in upload.rows], "placed_by": [r["placed_by"] for r in upload.rows],
        "served_nuts_codes": ["; ".join(r["served"]) for r in upload.rows],
        "competences": ["; ".join(f"{d}:{lvl}" for d, lvl in r["competences"].items()) for r in upload.rows]})


def service_nuts2(ref: Reference, upload: Upload) -> pd.DataFrame:
    """hub_service_nuts2 rows of the uploaded hubs: the NUTS 2 region of the address ('address'), and every NUTS 2
    region of the served codes ('declared'; a NUTS 0 or 1 code stands for all its NUTS 2 regions); strongest kept."""
    rows: dict[tuple[str, str], tuple[str, str]] = {}
    level2 = [c for c, r in ref.regions.items() if r["level"] == 2 and r["is_eu"]]
    for r in upload.rows:
        hub_id = f"upload:hub:{r['row']}"
        if ref.regions[r["nuts_code"]]["level"] >= 2:
            rows[(hub_id, r["nuts_code"][:4])] = ("address", f"uploaded file row {r['row']}: hub address")
        for served in r["served"]:
            for code in (c for c in level2 if c.startswith(served)):
                rows.setdefault((hub_id, code), ("declared", f"uploaded file row {r['row']}: serves {served}"))
    return pd.DataFrame([(h, c, b, e) for (h, c), (b, e) in rows.items()],
                        columns=["hub_id", "nuts2_code", "basis", "evidence"])


def _insert_known_columns(con, table: str, frame: pd.DataFrame) -> None:
    """Insert by column name, leaving out the columns this warehouse's table does not have (older or newer schema)."""
    columns = {r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()}
    _insert(con, table, frame[[c for c in frame.columns if c in columns]])


def compute_alignment(con, regions: list[str]) -> None:
    """Alignment, gaps and partner suggestions for `regions` on `con`: the method's own engine
    (pipelines/method_engine.compute_alignment, the very call the build makes), restricted to those regions."""
    from .method_engine import compute_alignment as engine

    engine(con, regions)


# --- before / after -----------------------------------------------------------------------------------------------
# the figures compared before / after (those the warehouse's method has; coverage_all is method 2.0's headline)
FIGURE_COLUMNS = ["coverage_all", "coverage_declared", "coverage_low", "coverage_high", "fit", "n_priorities",
                  "n_priority_domains", "n_domains_covered", "n_domains_weak", "n_domains_uncovered", "n_hubs",
                  "rank_in_eu"]


@dataclass
class WhatIfResult:
    kind: str
    mode: str
    affected: list[str]
    figures: pd.DataFrame  # per affected region: before / after / change of each figure
    gap_changes: pd.DataFrame  # region × domain whose status changed (or appeared / disappeared)
    new_partners: pd.DataFrame  # suggestions that appear (or disappear) after the change
    applied: pd.DataFrame  # the rows as coded / placed
    problems: pd.DataFrame
    seconds: float
    n_valid: int
    n_rows: int

    def frames(self) -> dict[str, pd.DataFrame]:
        readme = pd.DataFrame({"item": ["what", "method_version", "mode", "period", "regions recomputed", "note"],
                               "value": [f"what-if with uploaded {self.kind}", method.METHOD_VERSION, self.mode,
                                         WHATIF_PERIOD, ", ".join(self.affected),
                                         "computed in memory from the uploaded file; not stored on the server"]})
        return {"readme": readme, "figures": self.figures, "gap_changes": self.gap_changes,
                "partner_changes": self.new_partners, "uploaded_rows": self.applied, "validation": self.problems}


def _region_figures(con, regions: list[str]) -> pd.DataFrame:
    present = {r[0] for r in con.execute("DESCRIBE region_alignment").fetchall()}
    cols = [c for c in FIGURE_COLUMNS + ["is_ranked"] if c in present]
    return con.execute(f"""SELECT nuts_code, level, name, {', '.join(cols)} FROM region_alignment
                           WHERE list_contains(?, nuts_code) AND period = ?""", [regions, WHATIF_PERIOD]).df()


def _rerank(source, after: pd.DataFrame) -> pd.DataFrame:
    """rank_in_eu after the change, as the method ranks: the affected regions' new headline (coverage_all, rounded to
    method.RANK_COVERAGE_DECIMALS; ties share a rank) among every other ranked region's unchanged one, same level."""
    if "rank_in_eu" not in after or "coverage_all" not in after:
        return after
    decimals = getattr(method, "RANK_COVERAGE_DECIMALS", 2)
    others = source.execute("""SELECT level, round(coverage_all, ?) AS key FROM region_alignment
                               WHERE period = ? AND is_ranked AND NOT list_contains(?, nuts_code)""",
                            [decimals, WHATIF_PERIOD, after.nuts_code.tolist()]).df()
    ranked = after.is_ranked.fillna(False).astype(bool) if "is_ranked" in after else after.coverage_all.notna()
    keys = after.coverage_all.round(decimals)
    ranks = []
    for i, r in enumerate(after.itertuples()):
        if not ranked.iloc[i] or pd.isna(keys.iloc[i]):
            ranks.append(None)
            continue
        ranks.append(1 + int((others[others.level == r.level].key > keys.iloc[i]).sum())
                     + int(((after.level == r.level) & ranked & (keys > keys.iloc[i])).sum()))
    return after.assign(rank_in_eu=pd.array(ranks, dtype="Int64"))


def _domain_status(con, regions: list[str]) -> pd.DataFrame:
    return con.execute("""SELECT DISTINCT g.nuts_code, g.domain_code, g.domain_label, s.status, s.best_local_level
                          FROM gaps g JOIN region_domain_status s USING (nuts_code, level, domain_code)
                          WHERE list_contains(?, g.nuts_code) AND g.period = ?""", [regions, WHATIF_PERIOD]).df()


def _partners(con, regions: list[str]) -> pd.DataFrame:
    return con.execute("""SELECT nuts_code, domain_code, domain_label, rank, hub_id, hub_name, hub_country_code,
                                 round(distance_km) AS distance_km, score, reasons
                          FROM partner_suggestions WHERE list_contains(?, nuts_code) AND period = ?""",
                       [regions, WHATIF_PERIOD]).df()


def _change(before, after) -> str:
    order = {"covered": 2, "weak": 1, "uncovered": 0}
    if pd.isna(before):
        return "new priority domain, " + ("covered" if after == "covered" else f"gap opened ({after})")
    if pd.isna(after):
        return "priority domain dropped" + (" (was a gap)" if before != "covered" else "")
    if after == "covered" and before != "covered":
        return "gap closed"
    if before == "covered" and after != "covered":
        return "gap opened"
    return "stronger" if order[after] > order[before] else "weaker" if order[after] < order[before] else "unchanged"


def compare(source, con, regions: list[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    before = _region_figures(source, regions)
    after = _rerank(source, _region_figures(con, regions))
    before, after = before.drop(columns="is_ranked", errors="ignore"), after.drop(columns="is_ranked", errors="ignore")
    figures = before.merge(after, on=["nuts_code", "level", "name"], how="outer", suffixes=("_before", "_after"))
    for col in FIGURE_COLUMNS:
        if f"{col}_before" in figures:
            figures[f"{col}_change"] = (figures[f"{col}_after"] - figures[f"{col}_before"]).round(4)
    lead = ["nuts_code", "level", "name"]
    ordered = lead + [f"{c}_{s}" for c in FIGURE_COLUMNS for s in ("before", "after", "change")
                      if f"{c}_{s}" in figures]
    figures = figures[ordered].sort_values(["level", "nuts_code"], ignore_index=True)

    sb, sa = _domain_status(source, regions), _domain_status(con, regions)
    gaps = sb.merge(sa, on=["nuts_code", "domain_code"], how="outer", suffixes=("_before", "_after"))
    gaps["domain_label"] = gaps.domain_label_before.fillna(gaps.domain_label_after)
    gaps["change"] = [_change(b, a) for b, a in zip(gaps.status_before, gaps.status_after)]
    gaps = gaps[gaps.change != "unchanged"][["nuts_code", "domain_code", "domain_label", "status_before",
                                             "status_after", "best_local_level_before", "best_local_level_after",
                                             "change"]].sort_values(["nuts_code", "change", "domain_label"],
                                                                    ignore_index=True)
    pb, pa = _partners(source, regions), _partners(con, regions)
    key = ["nuts_code", "domain_code", "hub_id"]
    merged = pa.merge(pb[key + ["rank"]], on=key, how="outer", suffixes=("", "_before"), indicator=True)
    gone = pb.merge(pa[key], on=key, how="left", indicator=True)
    new = merged[merged._merge == "left_only"].drop(columns=["_merge", "rank_before"]).assign(change="new suggestion")
    gone = gone[gone._merge == "left_only"].drop(columns="_merge").assign(
        change="no longer suggested (gap closed or a better partner)")
    partners = pd.concat([new, gone], ignore_index=True).sort_values(["nuts_code", "domain_code", "change", "rank"],
                                                                     ignore_index=True)
    return figures, gaps, partners


def run_whatif(source: duckdb.DuckDBPyConnection, upload: Upload, ref: Reference, inputs: dict | None = None,
               mode: str = "replace") -> WhatIfResult:
    """Apply the valid rows of `upload` to private copies of the inputs and compare with the warehouse (`source`,
    read only)."""
    t0 = time.perf_counter()
    if not upload.rows:
        raise PipelineError("no valid row to apply: see the validation messages")
    con = scenario_connection(inputs if inputs is not None else load_inputs(source))
    try:
        adjacency = con.execute("SELECT nuts_code, neighbour_code FROM region_adjacency").df()
        regions = affected_regions(upload, ref, adjacency)
        applied = (apply_priorities(con, upload, ref, mode) if upload.kind == "priorities"
                   else apply_hubs(con, upload, ref))
        compute_alignment(con, regions)
        figures, gaps, partners = compare(source, con, regions)
    finally:
        con.close()
    return WhatIfResult(upload.kind, mode if upload.kind == "priorities" else "add", regions, figures, gaps,
                        partners, applied, upload.problems_frame(), time.perf_counter() - t0, len(upload.rows),
                        upload.n_rows)


# --- files out ----------------------------------------------------------------------------------------------------


def template_bytes(kind: str, fmt: str = "csv") -> bytes:
    frame = TEMPLATES[kind]
    if fmt == "csv":
        return csv_bytes(frame)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        frame.to_excel(writer, sheet_name=kind, index=False)
    return buffer.getvalue()


def result_xlsx(result: WhatIfResult) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        for name, frame in result.frames().items():
            neutralise_formulas(frame).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def write_result(result: WhatIfResult, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in result.frames().items():
        path = out / f"whatif_{name}.csv"
        path.write_bytes(csv_bytes(frame))
        written.append(path)
    return written


def main_cli(args) -> int:
    """`python -m pipelines whatif`: validation messages, then the before/after, optionally written to --out."""
    kind, path = ("priorities", args.priorities) if args.priorities else ("hubs", args.hubs)
    path = Path(path)
    if not path.is_file():
        raise PipelineError(f"{path}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise PipelineError(f"{path}: {path.stat().st_size / 1e6:.1f} MB, over the {MAX_BYTES / 1e6:.0f} MB limit")
    warehouse = Path(args.warehouse or paths.WAREHOUSE)
    if not warehouse.exists():
        raise PipelineError(f"no warehouse at {warehouse}: build it with `python -m pipelines build`")
    source = duckdb.connect(str(warehouse), read_only=True)
    try:
        ref = load_reference(source, with_postcodes=kind == "hubs")
        upload = parse_upload(path.read_bytes(), path.name, kind, ref)
        for p in upload.problems:
            where = f"row {p.row}" if p.row else "file"
            print(f"{p.severity}: {where}{', column ' + p.column if p.column else ''}: {p.problem} "
                  f"(expected: {p.expected})")
        print(f"{len(upload.rows)} of {upload.n_rows} rows valid")
        if not upload.rows:
            return 2
        result = run_whatif(source, upload, ref, mode=args.mode)
    finally:
        source.close()
    print(f"recomputed {len(result.affected)} regions in {result.seconds:.2f}s: {', '.join(result.affected)}")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        shown = [c for c in result.figures.columns if c.startswith(("nuts_code", "coverage_all", "fit_",
                                                                   "n_domains_uncovered"))]
        print(result.figures[shown].to_string(index=False))
        print(f"\n{len(result.gap_changes)} gap changes; {len(result.new_partners)} partner-suggestion changes")
        if len(result.gap_changes):
            print(result.gap_changes[["nuts_code", "domain_label", "status_before", "status_after", "change"]]
                  .head(40).to_string(index=False))
    if args.out:
        for written in write_result(result, Path(args.out)):
            print(f"wrote {written}")
    return 0
