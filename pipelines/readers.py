"""Strict readers for raw delimited files.

File-level problems (empty file, wrong encoding, wrong delimiter, missing required columns, unreadable gzip) raise
InputFileError naming the file and, where it applies, the line. Row-level problems (a row with the wrong number of
fields, as in a truncated file) are returned as rejected rows with a reason, for the quarantine table.
`load_delimited` / `load_parquet` read straight into a DuckDB table (large simple files through DuckDB's CSV reader,
with the same checks and results); `read_json` parses JSON and GeoJSON with the same clear errors.
"""
from __future__ import annotations

import csv
import io
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import InputFileError

LINE_COLUMN = "_line"


@dataclass
class Rejected:
    line: int
    reason: str
    record: str


@dataclass
class ReadResult:
    frame: pd.DataFrame | None  # all values as strings (None for empty), plus LINE_COLUMN; None on DuckDB's fast path
    rejected: list[Rejected] = field(default_factory=list)
    rows_read: int = 0


def read_text(path: Path, encoding: str = "utf-8") -> str:
    """The whole file as text, decoded strictly; gzip is detected by magic bytes."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputFileError(f"{path}: file not found") from exc
    if raw[:2] == b"\x1f\x8b" or path.suffix == ".gz":
        try:
            raw = _gunzip(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputFileError(f"{path}: not a readable gzip file ({exc})") from exc
    if not raw.strip():
        raise InputFileError(f"{path}: the file is empty")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        snippet = raw[max(0, exc.start - 20): exc.start + 20]
        raise InputFileError(
            f"{path}: line {line} is not valid {encoding} (byte 0x{raw[exc.start]:02x} at offset {exc.start}, "
            f"near {snippet!r}); the file must be saved as {encoding}, not Latin-1 or another encoding"
        ) from exc


def _gunzip(raw: bytes) -> bytes:
    """Decompress every gzip member; a stream cut off anywhere (even just its trailer) raises EOFError."""
    parts = []
    while raw:
        stream = zlib.decompressobj(16 + zlib.MAX_WBITS)
        parts.append(stream.decompress(raw))
        if not stream.eof:
            raise EOFError("the compressed stream ends before its end marker: the file is truncated")
        raw = stream.unused_data.lstrip(b"\x00")
    return b"".join(parts)


def read_delimited(
    path: Path,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    required_columns: list[str] | tuple[str, ...] = (),
) -> ReadResult:
    """Read a delimited file into string columns, keeping the physical line number of every record."""
    text = read_text(path, encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    header = _checked_header(path, text, delimiter, required_columns)
    return _require_rows(path, _parse_rows(path, text, header, delimiter))


def _require_rows(path: Path, result: ReadResult) -> ReadResult:
    """A delimited file with a header and no record is a cut-off or failed export, never a real snapshot."""
    if result.rows_read == 0:
        raise InputFileError(f"{path}: the file has a header but no data rows (a cut-off or failed export?)")
    return result


def _checked_header(path: Path, text: str, delimiter: str, required_columns) -> list[str]:
    """The header of a delimited file, after the file-level checks (delimiter, required and repeated columns)."""
    header_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    header = next(csv.reader([header_line], delimiter=delimiter))
    if len(header) == 1:
        for other in [",", ";", "\t", "|"]:
            if other != delimiter and other in header_line:
                raise InputFileError(
                    f"{path}: line 1 has one column with delimiter {delimiter!r} but splits on {other!r}: "
                    f"the file uses the wrong delimiter (expected {delimiter!r})"
                )
    header = [h.strip() for h in header]
    missing = [c for c in required_columns if c not in header]
    if missing:
        raise InputFileError(f"{path}: missing required column(s) {missing}; the header has {header}")
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise InputFileError(f"{path}: the header repeats column(s) {dupes}")
    return header


def _parse_rows(path: Path, text: str, header: list[str], delimiter: str) -> ReadResult:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    next(reader)
    rows, lines, rejected = [], [], []
    width = len(header)
    start = reader.line_num + 1
    last_was_rejected = False
    try:
        for record in reader:
            line = start
            start = reader.line_num + 1
            if not record or (len(record) == 1 and record[0] == ""):
                continue
            last_was_rejected = len(record) != width
            if last_was_rejected:
                rejected.append(Rejected(line, f"row has {len(record)} fields, the header has {width} "
                                               "(truncated or malformed row)", delimiter.join(record)[:500]))
                continue
            rows.append([v if v != "" else None for v in record])
            lines.append(line)
    except csv.Error as exc:
        raise InputFileError(f"{path}: line {reader.line_num}: {exc}") from exc
    if text and not text.endswith(("\n", "\r")) and (rows or rejected) and _ends_inside_quotes(text):
        # csv accepted an unterminated quoted field at EOF: the file was cut off inside the last record.
        reason = "the file ends inside a quoted field (truncated file)"
        if last_was_rejected:
            rejected[-1].reason = reason
        else:
            last = rows.pop()
            rejected.append(Rejected(lines.pop(), reason, delimiter.join(str(v) for v in last if v is not None)[:500]))
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame[LINE_COLUMN] = pd.Series(lines, dtype="int64")
    return ReadResult(frame=frame, rejected=rejected, rows_read=len(rows) + len(rejected))


def _ends_inside_quotes(text: str) -> bool:
    return text.count('"') % 2 == 1


# --- loading straight into DuckDB ------------------------------------------------------------------------------
# Staging reads every raw file into a DuckDB table of VARCHAR columns plus LINE_COLUMN. Large simple files (one
# record per physical line) take a fast path through DuckDB's own CSV reader; the same file-level checks run first
# (strict decoding, delimiter, header), and whenever DuckDB's reading could differ from the strict Python reader
# (a record spanning lines, a blank line, a malformed or truncated row) the Python reader is used instead, so the
# error behaviour and the rejected rows are the same on both paths.

FAST_PATH_MIN_BYTES = 200_000  # below this the Python reader is as fast


def load_delimited(
    con,
    path: Path,
    table: str,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    required_columns: list[str] | tuple[str, ...] = (),
    fast: bool | None = None,
) -> ReadResult:
    """Read a delimited file into the temp table `table` (VARCHAR columns + LINE_COLUMN, the physical line where
    each record starts). Returns the rejected rows and the count read; ReadResult.frame is None on the fast path."""
    text = read_text(path, encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    header = _checked_header(path, text, delimiter, required_columns)
    if fast is None:
        fast = len(text) >= FAST_PATH_MIN_BYTES
    if fast and encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig"):
        rows = _duckdb_read(con, path, table, header, delimiter, _physical_lines(text) - 1)
        if rows is not None:
            return ReadResult(frame=None, rejected=[], rows_read=rows)
    result = _parse_rows(path, text, header, delimiter)
    _require_rows(path, result)
    con.register("_parsed_rows", result.frame)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {table} AS  -- VARCHAR even where a column is all empty
        SELECT CAST(COLUMNS(* EXCLUDE ({LINE_COLUMN})) AS VARCHAR), {LINE_COLUMN} FROM _parsed_rows""")
    con.unregister("_parsed_rows")
    return result


def _physical_lines(text: str) -> int:
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def _duckdb_read(con, path: Path, table: str, header: list[str], delimiter: str, records_expected: int) -> int | None:
    """DuckDB read of a file whose every record is one line; None (and no table) when that does not hold."""
    import duckdb

    compression = "gzip" if _is_gzip(path) else "none"
    try:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE {table} AS
            SELECT *, CAST(row_number() OVER () + 1 AS BIGINT) AS {LINE_COLUMN}
            FROM read_csv(?, delim = ?, quote = '"', escape = '"', header = true,
                          strict_mode = true, null_padding = false, compression = ?, auto_detect = false,
                          columns = ?, parallel = false)""",
            [str(path), delimiter, compression, {h: "VARCHAR" for h in header}],
        )
    except duckdb.Error:
        con.execute(f"DROP TABLE IF EXISTS {table}")
        return None
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    if rows != records_expected:  # a record spans lines, or a blank line: line numbers would drift
        con.execute(f"DROP TABLE {table}")
        return None
    return rows


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def load_parquet(con, path: Path, table: str, *, required_columns: list[str] | tuple[str, ...] = ()) -> ReadResult:
    """Read a Parquet file into the temp table `table`, columns in their Parquet types; LINE_COLUMN is the 1-based
    row number."""
    import duckdb

    if not path.exists():
        raise InputFileError(f"{path}: file not found")
    if path.stat().st_size == 0:
        raise InputFileError(f"{path}: the file is empty")
    try:
        columns = [r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()]
    except duckdb.Error as exc:
        raise InputFileError(f"{path}: not a readable Parquet file ({str(exc).splitlines()[0]})") from exc
    missing = [c for c in required_columns if c not in columns]
    if missing:
        raise InputFileError(f"{path}: missing required column(s) {missing}; the file has {columns}")
    cols = ", ".join(f'"{c}"' for c in columns)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT {cols}, CAST(file_row_number + 1 AS BIGINT) AS {LINE_COLUMN}
        FROM read_parquet(?, file_row_number = true)""", [str(path)])
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    if rows == 0:
        raise InputFileError(f"{path}: the file has no rows")
    return ReadResult(frame=None, rejected=[], rows_read=rows)


def read_json(path: Path, encoding: str = "utf-8"):
    """A JSON (or GeoJSON) file parsed strictly; an unreadable file raises InputFileError naming it."""
    import json

    text = read_text(path, encoding)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{path}: line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})") from exc
