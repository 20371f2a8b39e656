"""Strict readers for raw delimited files.

File-level problems (empty file, wrong encoding, wrong delimiter, missing required columns, unreadable gzip) raise
InputFileError naming the file and, where it applies, the line. Row-level problems (a row with the wrong number of
fields, as in a truncated file) are returned as rejected rows with a reason, for the quarantine table.
"""
from __future__ import annotations

import csv
import gzip
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
    frame: pd.DataFrame  # all values as strings (None for empty), plus LINE_COLUMN
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
            raw = gzip.decompress(raw)
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

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    next(reader)
    rows, lines, rejected = [], [], []
    width = len(header)
    start = reader.line_num + 1
    try:
        for record in reader:
            line = start
            start = reader.line_num + 1
            if not record or (len(record) == 1 and record[0] == ""):
                continue
            if len(record) != width:
                rejected.append(Rejected(line, f"row has {len(record)} fields, the header has {width} "
                                               "(truncated or malformed row)", delimiter.join(record)[:500]))
                continue
            rows.append([v if v != "" else None for v in record])
            lines.append(line)
    except csv.Error as exc:
        raise InputFileError(f"{path}: line {reader.line_num}: {exc}") from exc
    if text and not text.endswith(("\n", "\r")) and rows and _ends_inside_quotes(text):
        # csv accepted an unterminated quoted field at EOF: the file was cut off mid-record.
        last = rows.pop()
        rejected.append(Rejected(lines.pop(), "the file ends inside a quoted field (truncated file)",
                                 delimiter.join(str(v) for v in last)[:500]))
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame[LINE_COLUMN] = pd.Series(lines, dtype="int64")
    return ReadResult(frame=frame, rejected=rejected, rows_read=len(rows) + len(rejected))


def _ends_inside_quotes(text: str) -> bool:
    return text.count('"') % 2 == 1
