"""The data-quality report: `python -m pipelines report` writes reports/data_quality.md and .html from the warehouse.

Per source: rows read, kept and quarantined; coverage (countries, NUTS levels, periods, years) of every staging table;
quarantine reasons with examples; checksums and snapshot dates. Then every section contributed by a module of
`pipelines.report_sections` (see its docstring)."""
from __future__ import annotations

import html
import importlib
import json
import pkgutil
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from . import paths
from .errors import PipelineError
from .report_sections import markdown_table, table_exists

NUTS_COLUMNS = re.compile(r"^(nuts\d?_code.*|nuts\d_code_\d{4})$")
COUNTRY_COLUMNS = ("country_code", "country_iso2", "ms", "country_name")
MAX_EXAMPLES = 2


def write_report(warehouse: Path = paths.WAREHOUSE, out_dir: Path = paths.REPORTS) -> list[Path]:
    """Write data_quality.md and data_quality.html into out_dir; returns both paths."""
    warehouse, out_dir = Path(warehouse), Path(out_dir)
    if not warehouse.exists():
        raise PipelineError(f"warehouse not found: {warehouse}; build it first with `python -m pipelines build`")
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise PipelineError(f"cannot open the warehouse {warehouse}: {exc}") from exc
    try:
        markdown = render_markdown(con)
    finally:
        con.close()
    out_dir.mkdir(parents=True, exist_ok=True)
    md_path, html_path = out_dir / "data_quality.md", out_dir / "data_quality.html"
    md_path.write_text(markdown, encoding="utf-8")
    html_path.write_text(markdown_to_html(markdown, title="S3 Hub Atlas — data quality"), encoding="utf-8")
    return [md_path, html_path]


# --- Markdown ---------------------------------------------------------------------------------------------------

def render_markdown(con: duckdb.DuckDBPyConnection) -> str:
    for table in ("build_source_summary", "quarantine", "source_catalogue"):
        if not table_exists(con, table):
            raise PipelineError(f"the warehouse has no table {table}: it was not written by `python -m pipelines build`")
    parts = [_header(con), _sources(con), _files(con), _coverage(con), _quarantine(con), _checksums(con)]
    parts += [_extra_section(name, fn, con) for name, fn in discover_sections()]
    return "\n\n".join(p.strip() for p in parts if p and p.strip()) + "\n"


def discover_sections() -> list[tuple[str, object]]:
    """(module name, section function) of every module in pipelines/report_sections with `section(con)`."""
    package = importlib.import_module("pipelines.report_sections")
    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"pipelines.report_sections.{info.name}")
        if callable(getattr(module, "section", None)):
            found.append((info.name, module.section))
    return found


def _extra_section(name: str, fn, con) -> str:
    try:
        return str(fn(con))
    except Exception as exc:  # one broken section must not hide the rest of the report; it is shown, not swallowed
        print(f"report section {name} failed: {exc!r}", file=sys.stderr)
        return f"## {name}\n\n**This section failed:** `{type(exc).__name__}: {exc}`"


def _header(con) -> str:
    lines = ["# S3 Hub Atlas — data-quality report", ""]
    if table_exists(con, "build_info"):
        info = con.execute("SELECT * FROM build_info").df().to_dict("records")
        if info:
            i = info[0]
            lines.append(f"Warehouse built {_fmt_time(i.get('built_at'))} in {i.get('build_seconds', 0):.1f} s "
                         f"(method {i.get('method_version')}, base NUTS {i.get('nuts_version')}, "
                         f"DuckDB {i.get('duckdb_version')}). Report written "
                         f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}.")
    read, kept, q = con.execute("""SELECT coalesce(sum(rows_read), 0), coalesce(sum(rows_kept), 0),
                                          coalesce(sum(rows_quarantined), 0) FROM build_source_summary""").fetchall()[0]
    lines += ["", f"Raw rows read: **{read:,}**; kept in staging: **{kept:,}**; quarantined: **{q:,}** "
                  f"({_pct(q, read)}). Quarantined rows are in the warehouse table `quarantine` "
                  "(stage, source_id, file, line, reason, record)."]
    return "\n".join(lines)


def _sources(con) -> str:
    rows = con.execute("""
        SELECT c.source_id, c.title, c.snapshot, c.nuts_version,
               coalesce(sum(s.rows_read), 0), coalesce(sum(s.rows_kept), 0), coalesce(sum(s.rows_quarantined), 0)
        FROM source_catalogue c LEFT JOIN build_source_summary s USING (source_id)
        GROUP BY ALL ORDER BY c.source_id""").fetchall()
    table = [("source", "snapshot", "NUTS version", "read", "kept", "quarantined", "share quarantined")]
    table += [(f"`{sid}` — {_short(title, 70)}", snap, nuts or "—", f"{r:,}", f"{k:,}", f"{q:,}", _pct(q, r))
              for sid, title, snap, nuts, r, k, q in rows]
    return "## Rows per source\n\n" + _md_table(table)


def _files(con) -> str:
    rows = con.execute("""SELECT source_id, file, target_table, rows_read, rows_kept, rows_quarantined
                          FROM build_source_summary ORDER BY source_id, target_table, file""").fetchall()
    table = [("source", "file", "table", "read", "kept", "quarantined")]
    table += [(s, f"`{Path(f).name}`", f"`{t}`", f"{r:,}", f"{k:,}", f"{q:,}") for s, f, t, r, k, q in rows]
    return "## Rows per file and staging table\n\n" + _md_table(table)


def _coverage(con) -> str:
    tables = [r[0] for r in con.execute("""SELECT table_name FROM duckdb_tables()
                                           WHERE schema_name = 'staging' ORDER BY 1""").fetchall()]
    table = [("table", "rows", "countries", "NUTS levels (rows)", "periods / years")]
    for t in tables:
        cols = [r[0] for r in con.execute(f'DESCRIBE staging."{t}"').fetchall()]
        n = con.execute(f'SELECT count(*) FROM staging."{t}"').fetchall()[0][0]
        country = next((c for c in COUNTRY_COLUMNS if c in cols), None)
        countries = (str(con.execute(f'SELECT count(DISTINCT "{country}") FROM staging."{t}"').fetchall()[0][0])
                     + f" (`{country}`)") if country else "—"
        nuts_col = next((c for c in cols if NUTS_COLUMNS.match(c)), None)
        levels = "—"
        if nuts_col:
            dist = con.execute(f"""SELECT length("{nuts_col}") - 2 AS lv, count(*) FROM staging."{t}"
                                   WHERE "{nuts_col}" IS NOT NULL GROUP BY 1 ORDER BY 1""").fetchall()
            levels = ", ".join(f"{lv}: {c:,}" for lv, c in dist) + f" (`{nuts_col}`)" if dist else "none"
        when = []
        if "period" in cols:
            when.append(", ".join(r[0] for r in con.execute(
                f'SELECT DISTINCT period FROM staging."{t}" WHERE period IS NOT NULL ORDER BY 1').fetchall()))
        if "year" in cols:
            lo, hi = con.execute(f'SELECT min(year), max(year) FROM staging."{t}"').fetchall()[0]
            if lo is not None:
                when.append(f"{lo}–{hi}")
        for start in ("start_date", "start_year"):
            if start in cols:
                lo, hi = con.execute(f'SELECT min("{start}"), max("{start}") FROM staging."{t}"').fetchall()[0]
                if lo is not None:
                    when.append(f"start {lo}–{hi}")
                break
        table.append((f"`staging.{t}`", f"{n:,}", countries, levels, "; ".join(when) or "—"))
    return ("## Coverage of the staging tables\n\nCountries are distinct codes or names; NUTS levels are counted "
            "from the length of the first NUTS code column (0 = country).\n\n" + _md_table(table))


def _quarantine(con) -> str:
    rows = con.execute(r"""
        WITH q AS (
            SELECT *, regexp_replace(regexp_replace(reason, '\b[0-9]+\b', 'N', 'g'),
                                     ': [A-Z][A-Z0-9_]* is ', ': <code> is ', 'g') AS kind
            FROM quarantine)
        SELECT stage, source_id, kind, count(*) AS n,
               list(struct_pack(file := file, line := line, reason := reason, record := record) ORDER BY line)[1:?]
        FROM q GROUP BY stage, source_id, kind
        ORDER BY CASE stage WHEN 'staging' THEN 0 WHEN 'conformed' THEN 1 ELSE 2 END, source_id, n DESC""",
                       [MAX_EXAMPLES]).fetchall()
    if not rows:
        return "## Quarantine reasons\n\nNo row was quarantined."
    intro = ("## Quarantine reasons\n\nRows rejected by the build, grouped by stage, source and reason (numbers and "
             "codes generalised), with examples. In staging, `file:line` is the raw file and its physical line; in "
             "later stages it is the table the row came from.\n\n")
    table = [("stage", "source", "reason", "rows", "examples (file:line — reason — record)")]
    for stage, source_id, kind, n, examples in rows:
        shown = "<br>".join(
            f"`{Path(e['file'] or '').name}:{e['line']}` — {_short(e['reason'], 90)} — `{_short(_compact(e['record']), 110)}`"
            for e in examples)
        table.append((stage, source_id, _short(kind, 110), f"{n:,}", shown))
    return intro + _md_table(table)


def _checksums(con) -> str:
    rows = con.execute("""SELECT source_id, snapshot, upstream_url, licence, files FROM source_catalogue
                          ORDER BY source_id""").fetchall()
    table = [("source", "snapshot", "file", "sha256")]
    notes = []
    for source_id, snapshot, url, licence, files in rows:
        for entry in (files or "").split("; "):
            m = re.match(r"(.+) \(sha256 ([0-9a-f]*)\)$", entry)
            if m:
                table.append((source_id, snapshot, f"`{Path(m[1]).name}`", f"`{m[2]}`"))
        notes.append(f"- `{source_id}` ({snapshot}): {url} — licence: {licence}")
    return ("## Snapshots and checksums\n\nEvery raw file as listed in `data/sources.yml`; the build verified each "
            "sha256 before reading.\n\n" + _md_table(table) + "\n\n### Upstream and licences\n\n" + "\n".join(notes))


# --- helpers ----------------------------------------------------------------------------------------------------

def _md_table(rows: list[tuple]) -> str:
    """A Markdown table whose first row is the header."""
    header, *body = rows
    return "\n".join(markdown_table(header, body))


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f} %" if whole else "—"


def _short(text, n: int) -> str:
    text = "" if text is None else str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _compact(record: str | None) -> str:
    if not record:
        return ""
    try:
        values = json.loads(record)
    except ValueError:
        return record
    if isinstance(values, dict):
        return ", ".join(f"{k}={v}" for k, v in values.items() if v not in (None, ""))
    return str(values)


def _fmt_time(value) -> str:
    return f"{value:%Y-%m-%d %H:%M UTC}" if hasattr(value, "strftime") else str(value)


# --- Markdown → HTML (just what the report uses: headings, paragraphs, lists, tables, `code`, **bold**, <br>) -----

def markdown_to_html(markdown: str, title: str = "Report") -> str:
    body, para, items, table = [], [], [], []

    def flush() -> None:
        if para:
            body.append(f"<p>{_inline(' '.join(para))}</p>")
            para.clear()
        if items:
            body.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()
        if table:
            rows = [_split_row(r) for r in table if not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", r.strip())]
            head, *rest = rows
            body.append("<table><thead><tr>" + "".join(f"<th>{_inline(c)}</th>" for c in head) + "</tr></thead><tbody>"
                        + "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>" for r in rest)
                        + "</tbody></table>")
            table.clear()

    for line in markdown.splitlines():
        stripped = line.strip()
        heading = re.match(r"^(#{1,6}) (.*)$", stripped)
        if heading:
            flush()
            level = len(heading[1])
            body.append(f"<h{level}>{_inline(heading[2])}</h{level}>")
        elif stripped.startswith("|"):
            if para or items:
                para_items_table = table[:]  # keep a table that follows text directly
                table.clear()
                flush()
                table.extend(para_items_table)
            table.append(stripped)
        elif stripped.startswith("- "):
            if para or table:
                flush()
            items.append(stripped[2:])
        elif not stripped:
            flush()
        else:
            if items or table:
                flush()
            para.append(stripped)
    flush()
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 80rem; padding: 0 1rem; color: #1b1b1b; }}
table {{ border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }}
th {{ background: #f0f3f7; }} tr:nth-child(even) td {{ background: #fafafa; }}
code {{ background: #f3f3f3; padding: 0 0.2rem; font-size: 0.85em; word-break: break-all; }}
</style></head>
<body>
{chr(10).join(body)}
</body></html>
"""


def _split_row(row: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", row.strip().strip("|"))
    return [c.strip().replace("\\|", "|") for c in cells]


def _inline(text: str) -> str:
    out, pos = [], 0
    for m in re.finditer(r"`([^`]*)`", text):
        out.append(_emphasis(text[pos:m.start()]))
        out.append(f"<code>{html.escape(m[1])}</code>")
        pos = m.end()
    out.append(_emphasis(text[pos:]))
    return "".join(out)


def _emphasis(text: str) -> str:
    escaped = html.escape(text).replace("&lt;br&gt;", "<br>")
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
