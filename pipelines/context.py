"""The build context handed to every pipeline step: the DuckDB connection, the manifest, quarantine and stats."""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Callable

import duckdb
import pandas as pd

from . import manifest
from .readers import Rejected

QUARANTINE_DDL = """
CREATE TABLE IF NOT EXISTS quarantine (
    stage     VARCHAR NOT NULL,  -- staging / conformed / marts
    source_id VARCHAR NOT NULL,  -- manifest source id
    file      VARCHAR,           -- raw file (manifest path) or the table the row came from
    line      INTEGER,           -- physical line in the raw file where the record starts (NULL for derived rows)
    reason    VARCHAR NOT NULL,  -- why the row was rejected, in words
    record    VARCHAR            -- the rejected values, as JSON or the raw text
)"""

SUMMARY_DDL = """
CREATE TABLE IF NOT EXISTS build_source_summary (
    source_id VARCHAR, file VARCHAR, target_table VARCHAR,
    rows_read BIGINT, rows_kept BIGINT, rows_quarantined BIGINT
)"""

STEPS_DDL = """
CREATE TABLE IF NOT EXISTS build_steps (
    step_no INTEGER, layer VARCHAR, step VARCHAR, seconds DOUBLE, rows_out BIGINT
)"""


@dataclass
class BuildContext:
    con: duckdb.DuckDBPyConnection
    sources: dict[str, manifest.Source]
    log: Callable[[str], None] = print
    notes: dict[str, object] = field(default_factory=dict)  # free-form facts steps pass on (e.g. cache hits)
    # where the quarantine_* helpers and record_source write: the shared tables, or a concurrent step's own buffers
    quarantine_table: str = "quarantine"
    summary_table: str = "build_source_summary"
    accept_changes: bool = False  # build --accept-changes: snapshot counts that differ from the manifest only warn

    def init(self) -> None:
        self.con.execute("CREATE SCHEMA IF NOT EXISTS staging")
        self.con.execute(QUARANTINE_DDL)
        self.con.execute(SUMMARY_DDL)
        self.con.execute(STEPS_DDL)

    # --- steps run concurrently -------------------------------------------------------------------------------
    def for_concurrent_step(self, log: Callable[[str], None]) -> BuildContext:
        """A context for a step that runs alongside others: its own cursor (a connection to the same database, with
        its own temp tables) and its quarantine and source-summary rows held in temp tables of that cursor until
        `write_step_buffers` appends them to the shared tables — which the runner does in step order, so the shared
        tables get the same rows in the same order as when the steps run one after the other."""
        cursor = self.con.cursor()
        cursor.execute("CREATE TEMP TABLE step_quarantine AS FROM quarantine LIMIT 0")
        cursor.execute("CREATE TEMP TABLE step_source_summary AS FROM build_source_summary LIMIT 0")
        return replace(self, con=cursor, log=log, quarantine_table="temp.step_quarantine",
                       summary_table="temp.step_source_summary")

    def write_step_buffers(self) -> None:
        """Append this concurrent step's quarantine and source-summary rows to the shared tables."""
        self.con.execute("INSERT INTO quarantine FROM temp.step_quarantine")
        self.con.execute("INSERT INTO build_source_summary FROM temp.step_source_summary")

    def raw_file(self, source_id: str, name: str) -> manifest.RawFile:
        return manifest.raw_file(self.sources, source_id, name)

    def check_snapshot(self, raw: manifest.RawFile, rows: int, totals: dict[str, float | None]) -> None:
        """The file's data rows and key totals against data/sources.yml (manifest.check_counts); the counts seen are
        kept in notes["source_counts"] for build_source_checks and `manifest --update --accept-changes`."""
        manifest.check_counts(raw, rows, totals, self.accept_changes, self.log)
        self.notes.setdefault("source_counts", {})[raw.path] = (raw, rows, totals)

    # --- quarantine -------------------------------------------------------------------------------------------
    def quarantine_rejected(self, stage: str, source_id: str, file: str, rejected: list[Rejected]) -> int:
        if not rejected:
            return 0
        self.con.executemany(
            f"INSERT INTO {self.quarantine_table} VALUES (?, ?, ?, ?, ?, ?)",
            [(stage, source_id, file, r.line, r.reason, r.record) for r in rejected],
        )
        return len(rejected)

    def quarantine_frame(self, stage: str, source_id: str, file: str, frame: pd.DataFrame,
                         reason_column: str = "reason", line_column: str | None = None) -> int:
        """Quarantine every row of a DataFrame: the reason from a column, the rest of the row as JSON."""
        if frame.empty:
            return 0
        rows = []
        for rec in frame.to_dict("records"):
            reason = rec.pop(reason_column)
            line = rec.pop(line_column) if line_column else None
            rows.append((stage, source_id, file, None if pd.isna(line) else int(line), reason,
                         json.dumps(rec, default=str, ensure_ascii=False)))
        self.con.executemany(f"INSERT INTO {self.quarantine_table} VALUES (?, ?, ?, ?, ?, ?)", rows)
        return len(rows)

    def quarantine_query(self, stage: str, source_id: str, file: str, select_sql: str, params=None) -> int:
        """Quarantine rows from a query that returns (line, reason, record) columns."""
        before = self.con.execute(f"SELECT count(*) FROM {self.quarantine_table}").fetchall()[0][0]
        self.con.execute(
            f"INSERT INTO {self.quarantine_table} SELECT ?, ?, ?, q.line, q.reason, q.record FROM ({select_sql}) q",
            [stage, source_id, file, *(params or [])],
        )
        return self.con.execute(f"SELECT count(*) FROM {self.quarantine_table}").fetchall()[0][0] - before

    def record_source(self, source_id: str, file: str, table: str, read: int, kept: int, quarantined: int) -> None:
        self.con.execute(f"INSERT INTO {self.summary_table} VALUES (?, ?, ?, ?, ?, ?)",
                         [source_id, file, table, read, kept, quarantined])
