"""Formula injection (issue 11, item 6): names in a copy of the warehouse are made formula-like (=1+1, +SUM(1,2),
@cmd, -2+3 — hub names are self-declared in the catalogue, so this path is real), then every download of every page
and every file of the export CLI is scanned for live formula cells.

The pages are run with AppTest; every `download_button` call is recorded on its way to Streamlit (deferred payloads,
such as the Export buttons' callables, are called), so the scan sees exactly the bytes a user would get, whichever
helper made them. A cell is live when a spreadsheet would run it: in CSV, text beginning with = + - @ tab or CR that
is not a plain number; in xlsx, a formula cell or such text."""
from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from pipelines import cli

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAYLOADS = ["=1+1 ", "+SUM(1,2) ", "@cmd ", "-2+3 "]
PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NAME_COLUMN = r"(^|_)(name|title|label)$"


@pytest.fixture(scope="module")
def hostile_warehouse(built_warehouse, tmp_path_factory) -> tuple[Path, int]:
    """A copy of the warehouse whose every name, title and label (hubs, regions, priorities, domains) starts with a
    formula. Returns its path and the number of cells changed."""
    path = tmp_path_factory.mktemp("hostile") / "atlas.duckdb"
    shutil.copyfile(built_warehouse, path)
    con = duckdb.connect(str(path))
    changed = 0
    columns = con.execute(f"""SELECT table_name, column_name FROM duckdb_columns()
        WHERE schema_name = 'main' AND data_type = 'VARCHAR' AND regexp_matches(column_name, '{NAME_COLUMN}')
          AND table_name IN (SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main')""").fetchall()
    for table, column in columns:
        changed += con.execute(f"""UPDATE main."{table}" SET "{column}" = ({PAYLOADS!r})[(rowid % 4) + 1] || "{column}"
                                   WHERE "{column}" IS NOT NULL""").fetchone()[0]
    con.close()
    assert changed > 1000
    return path, changed


def live_cells_in_csv(text: str) -> list[str]:
    live = []
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell.startswith(PREFIXES) and not _is_number(cell):
                live.append(cell)
    return live


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def live_cells(name: str, payload: bytes) -> list[str]:
    """The live formula cells of a downloaded file (csv, xlsx, or a zip of those)."""
    if payload[:2] == b"PK":
        archive = zipfile.ZipFile(io.BytesIO(payload))
        if "[Content_Types].xml" in archive.namelist():  # an xlsx workbook
            book = openpyxl.load_workbook(io.BytesIO(payload))
            return [f"{sheet.title}!{cell.coordinate}: {cell.value}" for sheet in book for row in sheet.iter_rows()
                    for cell in row if cell.data_type == "f"
                    or (isinstance(cell.value, str) and cell.value.startswith(PREFIXES))]
        return [f"{member}: {cell}" for member in archive.namelist() if member.endswith((".csv", ".md"))
                for cell in (live_cells_in_csv(archive.read(member).decode("utf-8-sig"))
                             if member.endswith(".csv") else [])]
    if name.endswith(".parquet") or payload[:4] == b"PAR1":
        return []  # not a spreadsheet format
    return live_cells_in_csv(payload.decode("utf-8-sig"))


@pytest.fixture
def recorded_downloads(monkeypatch):
    """Every st.download_button call of the pages run in this test: (page, label, file name, bytes)."""
    import streamlit as st
    from streamlit.elements.widgets.button import ButtonMixin

    original = ButtonMixin.download_button
    calls: list[tuple[str, str, bytes]] = []

    def recording(self, label, data, file_name=None, *args, **kwargs):
        payload = data() if callable(data) else data
        payload = payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)
        calls.append((label, file_name or "", payload))
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(ButtonMixin, "download_button", recording)
    monkeypatch.setattr(st, "download_button", lambda *a, **k: recording(st._main, *a, **k))
    return calls


PAGES = [
    (None, {}), (None, {"hubs": "1", "level": "0"}), ("views/profile.py", {"region": "ES51"}),
    ("views/profile.py", {"region": "DE21"}), ("views/gaps.py", {}), ("views/gaps.py", {"country": "ES"}),
    ("views/compare.py", {"regions": "ES51,DE21,ITC4"}), ("views/data_method.py", {}), ("views/story.py", {}),
]


def test_no_download_of_any_page_has_a_live_formula(hostile_warehouse, recorded_downloads, monkeypatch):
    path, _changed = hostile_warehouse
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(path))
    scanned, findings, hostile_seen = [], [], 0
    for page, params in PAGES:
        at = AppTest.from_file(str(APP), default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        if page:
            at.switch_page(page)
        recorded_downloads.clear()
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
        for label, file_name, payload in recorded_downloads:
            text = payload.decode("utf-8-sig", errors="ignore")
            hostile_seen += sum(text.count(p.strip()) for p in PAYLOADS)
            scanned.append((page or "map", label))
            findings += [f"{page or 'map'} / {label} / {cell}" for cell in live_cells(file_name, payload)[:5]]
    assert len(scanned) >= 8, scanned  # map, profiles, gap tables and exports, compare, data & method downloads
    assert hostile_seen > 100, "the downloads do not carry the injected names: the scan would prove nothing"
    assert findings == []


def test_no_file_of_the_export_cli_has_a_live_formula(hostile_warehouse, tmp_path, capsys):
    path, _changed = hostile_warehouse
    for fmt, out in [("csv", tmp_path / "csv"), ("xlsx", tmp_path / "es.xlsx")]:
        assert cli.main(["export", "--country", "ES", "--format", fmt, "--out", str(out),
                         "--warehouse", str(path)]) == 0
    files = sorted((tmp_path / "csv").glob("*.csv")) + [tmp_path / "es.xlsx"]  # README.md: not a spreadsheet
    hostile = sum(f.read_text(encoding="utf-8-sig").count("=1+1") for f in files if f.suffix == ".csv")
    assert hostile > 10
    assert [(f.name, cell) for f in files for cell in live_cells(f.name, f.read_bytes())] == []


def test_the_scan_finds_live_cells_when_nothing_neutralises():
    """The scan itself can fail: raw formula text in a CSV and a formula cell in a workbook are found."""
    assert live_cells("t.csv", "name,amount\n=1+1,-2.5\n@cmd,3\n".encode()) == ["=1+1", "@cmd"]
    book = openpyxl.Workbook()
    book.active["A1"] = "=1+1"
    buffer = io.BytesIO()
    book.save(buffer)
    assert live_cells("t.xlsx", buffer.getvalue()) == ["Sheet!A1: =1+1"]
