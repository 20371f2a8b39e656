"""Broken warehouses and bad arguments in the CLI (issue 11, items 4 and 5): every case gives one `error:` line that
says what to do, the documented exit code, no traceback, and leaves every file as it was."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from pipelines import cli
from pipelines.export_target import EXIT_BAD_INPUT, EXIT_BUSY, EXIT_OUTPUT, EXIT_WAREHOUSE

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def small_warehouse(tmp_path_factory) -> Path:
    """The synthetic two-country warehouse of tests/unit/test_export.py (world AA, BB)."""
    from tests.unit.test_alignment_world import build_world
    from tests.unit.test_export import add_build_tables

    folder = tmp_path_factory.mktemp("cli_world")
    path = folder / "atlas.duckdb"
    con = build_world(folder, database=str(path))
    add_build_tables(con)
    con.close()
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(capsys, *argv) -> tuple[int, str]:
    code = cli.main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): digest(p) if p.is_file() else "dir" for p in sorted(folder.rglob("*"))}


# --- warehouse states ------------------------------------------------------------------------------------------

def _zero_bytes(p: Path) -> None:
    p.write_bytes(b"")


def _random_bytes(p: Path) -> None:
    p.write_bytes(os.urandom(20_000))


def _text(p: Path) -> None:
    p.write_text("this is not a database\n")


def _folder(p: Path) -> None:
    p.mkdir()


@pytest.mark.parametrize("make, message", [
    (None, "no warehouse at"),
    (_zero_bytes, "is an empty file (0 bytes)"),
    (_random_bytes, "cannot be read (IOException"),
    (_text, "the file is damaged, cut off or from another DuckDB version"),
    (_folder, "is a folder, not a warehouse file"),
], ids=["missing", "zero-bytes", "random-bytes", "text-file", "a-folder"])
@pytest.mark.parametrize("command", ["export", "report"])
def test_an_unreadable_warehouse_is_one_message_and_exit_3(tmp_path, capsys, make, message, command):
    wh = tmp_path / "atlas.duckdb"
    if make:
        make(wh)
    out = tmp_path / "out"
    out.mkdir()
    before = snapshot(tmp_path)
    args = ["export", "--format", "csv", "--out", out / "x"] if command == "export" else ["report", "--out", out]
    code, err = run_cli(capsys, *args, "--warehouse", wh)
    assert code == EXIT_WAREHOUSE
    assert err.startswith("error: ") and message in err and "python -m pipelines build" in err
    assert snapshot(tmp_path) == before


def test_a_cut_off_warehouse_is_one_message_and_exit_3(small_warehouse, tmp_path, capsys):
    wh = tmp_path / "atlas.duckdb"
    wh.write_bytes(small_warehouse.read_bytes()[: small_warehouse.stat().st_size // 3])
    code, err = run_cli(capsys, "export", "--format", "csv", "--out", tmp_path / "x", "--warehouse", wh)
    assert code == EXIT_WAREHOUSE and "cannot be read" in err
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("table", ["region_alignment", "gaps", "build_info", "source_catalogue"])
def test_a_warehouse_without_a_table_says_so_and_exit_3(small_warehouse, tmp_path, capsys, table):
    wh = tmp_path / "atlas.duckdb"
    wh.write_bytes(small_warehouse.read_bytes())
    con = duckdb.connect(str(wh))
    con.execute(f"DROP TABLE {table}")
    con.close()
    code, err = run_cli(capsys, "export", "--format", "xlsx", "--out", tmp_path / "x.xlsx", "--warehouse", wh)
    assert code == EXIT_WAREHOUSE
    assert f"lacks a table or column the export needs" in err and table in err
    assert not (tmp_path / "x.xlsx").exists()


def test_a_warehouse_held_open_for_writing_is_busy_exit_5(small_warehouse, tmp_path, capsys):
    wh = tmp_path / "atlas.duckdb"
    wh.write_bytes(small_warehouse.read_bytes())
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(wh)!r})
        print("open", flush=True)
        time.sleep(30)""")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        code, err = run_cli(capsys, "export", "--format", "xlsx", "--out", tmp_path / "x.xlsx", "--warehouse", wh)
    finally:
        holder.kill()
        holder.wait()
    assert code == EXIT_BUSY and "held open for writing by another process" in err
    assert not (tmp_path / "x.xlsx").exists()


# --- arguments and output paths ----------------------------------------------------------------------------------

def test_an_unknown_country_lists_the_valid_codes(small_warehouse, tmp_path, capsys):
    code, err = run_cli(capsys, "export", "--country", "ZZ", "--out", tmp_path / "x.xlsx", "--warehouse",
                        small_warehouse)
    assert code == EXIT_BAD_INPUT and "unknown country code 'ZZ': valid codes are AA, BB" in err


def test_sql_in_the_country_is_a_value_not_sql(small_warehouse, tmp_path, capsys):
    before = digest(small_warehouse)
    code, err = run_cli(capsys, "export", "--country", "AA'; DROP TABLE gaps; --", "--out", tmp_path / "x.xlsx",
                        "--warehouse", small_warehouse)
    assert code == EXIT_BAD_INPUT and "unknown country code" in err
    assert digest(small_warehouse) == before


@pytest.mark.parametrize("argv", [["export", "--format", "json"], ["export", "--format", "XLSX"], ["exprt"],
                                  ["build", "--accept"], ["export", "--country"]])
def test_argument_errors_are_usage_messages_with_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == EXIT_BAD_INPUT
    assert "usage:" in capsys.readouterr().err


def test_help_documents_the_exit_codes(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["export", "--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    for code in ("0 ", "2 ", "3 ", "4 ", "5 ", "130"):
        assert f"\n  {code}" in out
    assert "--force" in out


def test_an_existing_xlsx_is_not_overwritten_without_force(small_warehouse, tmp_path, capsys):
    target = tmp_path / "aa.xlsx"
    target.write_bytes(b"my own work")
    code, err = run_cli(capsys, "export", "--country", "AA", "--out", target, "--warehouse", small_warehouse)
    assert code == EXIT_OUTPUT and f"{target} already exists; nothing was written. Use --force" in err
    assert target.read_bytes() == b"my own work"
    assert run_cli(capsys, "export", "--country", "AA", "--out", target, "--force", "--warehouse",
                   small_warehouse)[0] == 0
    assert target.read_bytes()[:2] == b"PK"


def test_existing_csv_files_are_not_overwritten_without_force(small_warehouse, tmp_path, capsys):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "gaps.csv").write_text("mine")
    code, err = run_cli(capsys, "export", "--format", "csv", "--out", folder, "--warehouse", small_warehouse)
    assert code == EXIT_OUTPUT and "gaps.csv already exists" in err
    assert snapshot(folder) == {"gaps.csv": digest(folder / "gaps.csv")} and (folder / "gaps.csv").read_text() == "mine"


def test_an_xlsx_into_a_missing_folder_is_refused_and_no_folder_made(small_warehouse, tmp_path, capsys):
    target = tmp_path / "missing" / "deeper" / "aa.xlsx"
    code, err = run_cli(capsys, "export", "--out", target, "--warehouse", small_warehouse)
    assert code == EXIT_OUTPUT and f"the folder {target.parent} does not exist" in err and "mkdir -p" in err
    assert not (tmp_path / "missing").exists()


def test_a_csv_folder_whose_parent_is_missing_is_refused(small_warehouse, tmp_path, capsys):
    folder = tmp_path / "missing" / "csv"
    code, err = run_cli(capsys, "export", "--format", "csv", "--out", folder, "--warehouse", small_warehouse)
    assert code == EXIT_OUTPUT and f"the folder {folder.parent} does not exist" in err
    assert not (tmp_path / "missing").exists()


def test_a_csv_export_into_a_file_is_refused(small_warehouse, tmp_path, capsys):
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    code, err = run_cli(capsys, "export", "--format", "parquet", "--out", not_a_folder, "--warehouse", small_warehouse)
    assert code == EXIT_OUTPUT and "it is a file, not a folder" in err
    assert not_a_folder.read_text() == "x"


def test_an_xlsx_under_a_file_is_refused(small_warehouse, tmp_path, capsys):
    parent = tmp_path / "file.txt"
    parent.write_text("x")
    code, err = run_cli(capsys, "export", "--out", parent / "aa.xlsx", "--warehouse", small_warehouse)
    assert code == EXIT_OUTPUT and "it is a file, not a folder" in err


def test_an_unwritable_place_is_a_clear_error(small_warehouse, capsys):
    code, err = run_cli(capsys, "export", "--out", "/proc/aa.xlsx", "--warehouse", small_warehouse)
    assert code == EXIT_OUTPUT and "/proc" in err
    assert not Path("/proc/aa.xlsx").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_a_read_only_folder_is_refused(small_warehouse, tmp_path, capsys):
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    code, err = run_cli(capsys, "export", "--out", folder / "aa.xlsx", "--warehouse", small_warehouse)
    assert code == EXIT_OUTPUT and "permission denied" in err


def test_an_existing_folder_for_xlsx_gets_the_named_file(small_warehouse, tmp_path, capsys):
    code, _err = run_cli(capsys, "export", "--country", "BB", "--out", tmp_path, "--warehouse", small_warehouse)
    assert code == 0 and (tmp_path / "s3-hub-atlas_BB.xlsx").exists()


def test_the_cli_writes_the_same_files_as_the_export_module(small_warehouse, tmp_path, capsys):
    from pipelines import export

    for fmt in ("csv", "parquet"):
        by_cli, by_module = tmp_path / f"cli_{fmt}", tmp_path / f"module_{fmt}"
        assert run_cli(capsys, "export", "--format", fmt, "--out", by_cli, "--warehouse", small_warehouse)[0] == 0
        export.export(None, fmt, by_module, warehouse=small_warehouse)
        assert sorted(p.name for p in by_cli.iterdir()) == sorted(p.name for p in by_module.iterdir())
        if fmt == "csv":  # same bytes, except the README's export time stamp
            for f in by_cli.glob("*.csv"):
                if f.name != "README.csv":
                    assert f.read_bytes() == (by_module / f.name).read_bytes(), f.name


# --- the build lock ----------------------------------------------------------------------------------------------

def _hold_lock(target: Path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from pipelines import runner
        with runner.exclusive_build(Path({str(target)!r})):
            print("locked", flush=True)
            time.sleep({seconds})""")], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_second_build_refuses_naming_the_first(tmp_path, capsys):
    target = tmp_path / "atlas.duckdb"
    holder = _hold_lock(target, 30)
    try:
        code, err = run_cli(capsys, "build", "--target", target)
    finally:
        holder.kill()
        holder.wait()
    assert code == EXIT_BUSY
    assert f"another build (pid {holder.pid}) is writing {target}" in err and "--wait" in err
    assert not target.exists() and not list(tmp_path.glob("*.tmp-*"))


def test_a_second_build_with_wait_runs_after_the_first(tmp_path):
    from pipelines import runner

    target = tmp_path / "atlas.duckdb"
    holder = _hold_lock(target, 1.5)
    lines: list[str] = []
    t0 = time.perf_counter()
    runner.build(target, log=lines.append, layers=(), wait=True)
    holder.wait()
    assert time.perf_counter() - t0 >= 1.0
    assert any(f"waiting for the build with pid {holder.pid}" in line for line in lines) and target.exists()


@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGTERM"])
def test_temp_files_of_a_killed_build_are_removed_by_the_next(tmp_path, signal_name):
    import signal

    from pipelines import runner

    target = tmp_path / "atlas.duckdb"
    build = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from pipelines import runner
        runner.build(Path({str(target)!r}), log=lambda m: print(m, flush=True), layers=("staging",))""")],
        stdout=subprocess.PIPE, text=True)
    for line in build.stdout:  # kill it in the middle of staging, once its temp file exists
        if line.startswith("[staging]"):
            break
    build.send_signal(getattr(signal, signal_name))
    build.wait()
    leftovers = sorted(p.name for p in tmp_path.glob("atlas.duckdb.tmp-*"))
    assert leftovers and leftovers[0] == f"atlas.duckdb.tmp-{build.pid}"
    lines: list[str] = []
    runner.build(target, log=lines.append, layers=())
    assert not list(tmp_path.glob("atlas.duckdb.tmp-*"))
    assert any(f"left by build pid {build.pid}, which did not finish" in line for line in lines)


def test_a_full_disk_while_writing_leaves_no_file_and_says_so(small_warehouse, tmp_path, capsys, monkeypatch):
    import errno

    real_write = Path.write_bytes

    def disk_full(self, data):
        if self.name.startswith(".gaps.csv.tmp-"):
            real_write(self, data[:10])
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    folder = tmp_path / "csv"
    code, err = run_cli(capsys, "export", "--format", "csv", "--out", folder, "--warehouse", small_warehouse)
    assert code == EXIT_OUTPUT and "No space left on device" in err and "could not write the export" in err
    assert not (folder / "gaps.csv").exists() and not list(folder.glob(".*.tmp-*"))
