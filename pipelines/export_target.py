"""Where an export may be written, checked before anything is written, and the warehouse opened for it with every
DuckDB failure turned into a message that says what to do (the CLI side of issue 11, items 4 and 5).

- `planned_files(fmt, out, code, names)` / `write_files(...)`: where the files of an export (made by
  `pipelines.export.file_payloads`) go for --out, written atomically; `pipelines.export.export` uses them.
- `check_targets(files, force, default_folder)`: refuses existing files without --force, a missing folder (no
  silent mkdir, except the project's own default exports/ folder), a folder that is a file or not writable.
- `warehouse_problem(exc, warehouse)`: the message and exit code for a DuckDB error on opening or querying.
"""
from __future__ import annotations

import os
from pathlib import Path

import duckdb

from . import paths
from .errors import ExportError, PipelineError

# Exit codes of `python -m pipelines` (listed in --help)
EXIT_OK = 0
EXIT_BAD_INPUT = 2  # bad arguments, an unknown country, a raw file that cannot be read, a snapshot that changed
EXIT_WAREHOUSE = 3  # the warehouse is missing, empty, corrupt, from another version, or lacks a table
EXIT_OUTPUT = 4  # the export cannot be written: file exists (no --force), folder missing, not writable, disk full
EXIT_BUSY = 5  # another build holds the build lock, or another process holds the warehouse open for writing
EXIT_INTERRUPTED = 130

EXIT_CODES_HELP = f"""exit codes:
  {EXIT_OK}    success
  {EXIT_BAD_INPUT}    bad arguments or input: unknown option or country, unreadable raw file, snapshot changed
  {EXIT_WAREHOUSE}    the warehouse is missing, empty, corrupt or incomplete: rebuild it (python -m pipelines build)
  {EXIT_OUTPUT}    the export cannot be written: file exists (use --force), folder missing, not writable
  {EXIT_BUSY}    busy: another build is running, or a process holds the warehouse open for writing
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C); the previous warehouse and files are left as they were"""


class WarehouseProblem(PipelineError):
    """The warehouse cannot be opened or queried; `exit_code` is EXIT_WAREHOUSE or EXIT_BUSY."""

    def __init__(self, message: str, exit_code: int = EXIT_WAREHOUSE):
        super().__init__(message)
        self.exit_code = exit_code


def stem(code: str | None) -> str:
    return f"s3-hub-atlas_{code or 'EU'}"


def planned_files(fmt: str, out: Path | None, code: str | None, names: list[str]) -> tuple[list[Path], bool]:
    """Where the files `names` (pipelines.export.file_payloads) go for this --out, and
    whether their folder is the project's default exports/ folder (which may be created)."""
    if fmt == "xlsx":
        if out is None:
            return [paths.EXPORTS / names[0]], True
        out = Path(out)
        return [out / names[0] if out.is_dir() else out], False
    folder = Path(out) if out is not None else paths.EXPORTS / f"{stem(code)}_{fmt}"
    return [folder / name for name in names], out is None


def write_files(payloads: list[bytes], files: list[Path]) -> list[Path]:
    """Write each payload to a temporary file beside its target and rename it into place, so an export that fails
    (disk full) never leaves a half-written file under the final name. Creates only the files' own folder."""
    files[0].parent.mkdir(parents=True, exist_ok=True)  # checked by check_targets: the default or --out's own folder
    for payload, target in zip(payloads, files):
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        try:
            tmp.write_bytes(payload)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    return files


def check_targets(files: list[Path], force: bool, default_folder: bool) -> None:
    """Raise ExportError before anything is written when the export cannot or may not go to `files`. A csv / parquet
    export (several files) may name a new folder of its own with --out, inside an existing folder; nothing else is
    created, except the project's default exports/ folder."""
    folder = files[0].parent
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"cannot write into {folder}: it is a file, not a folder")
    if not folder.exists():
        if default_folder:
            return  # the project's own exports/ folder is created on first use
        parent = folder.parent
        if len(files) > 1 and parent.is_dir():  # the export's own new folder, in a folder that exists
            if not os.access(parent, os.W_OK | os.X_OK):
                raise ExportError(f"cannot create {folder}: permission denied in {parent}")
            return
        missing = parent if len(files) > 1 else folder
        raise ExportError(f"the folder {missing} does not exist; create it first (mkdir -p {missing}) or choose an "
                          "existing one with --out")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write into {folder}: permission denied; choose another folder with --out")
    existing = [f for f in files if f.exists() or f.is_symlink()]
    for f in existing:
        if f.is_dir():
            raise ExportError(f"{f} is a folder; give a file name (…/export.xlsx) or an existing folder with --out")
    if existing and not force:
        shown = ", ".join(str(f) for f in existing[:4]) + (f" and {len(existing) - 4} more" if len(existing) > 4 else "")
        raise ExportError(f"{shown} already exist{'s' if len(existing) == 1 else ''}; nothing was written. "
                          "Use --force to overwrite, or another --out")
    for f in existing:
        if not os.access(f, os.W_OK):
            raise ExportError(f"cannot overwrite {f}: permission denied")


def write_problem(exc: OSError, files: list[Path]) -> ExportError:
    """An OSError while writing (disk full, permissions changed, path vanished) as one clear message."""
    where = exc.filename or files[0].parent
    return ExportError(f"could not write the export to {where}: {exc.strerror or exc}; files written before the "
                       f"error may be incomplete")


def warehouse_problem(exc: BaseException, warehouse: Path) -> WarehouseProblem:
    """A DuckDB (or OS) error on opening or querying the warehouse, as a message that says what to do."""
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    rebuild = "rebuild it with `python -m pipelines build` (or `make rebuild`)"
    if isinstance(exc, PermissionError):
        return WarehouseProblem(f"cannot read the warehouse {warehouse}: permission denied")
    if not warehouse.exists():
        return WarehouseProblem(f"no warehouse at {warehouse}: {rebuild}")
    if warehouse.is_dir():
        return WarehouseProblem(f"{warehouse} is a folder, not a warehouse file: remove it and {rebuild}")
    if isinstance(exc, duckdb.IOException) and "lock" in first.lower():
        return WarehouseProblem(f"the warehouse {warehouse} is held open for writing by another process (a build or "
                                f"a tool): try again when it has finished ({first})", EXIT_BUSY)
    if isinstance(exc, (duckdb.CatalogException, duckdb.BinderException)):
        return WarehouseProblem(f"the warehouse {warehouse} lacks a table or column the export needs ({first}): it "
                                f"was built by another version or edited by hand; {rebuild}")
    if warehouse.stat().st_size == 0:
        return WarehouseProblem(f"the warehouse {warehouse} is an empty file (0 bytes): {rebuild}")
    if isinstance(exc, duckdb.Error):
        return WarehouseProblem(f"the warehouse {warehouse} cannot be read ({type(exc).__name__}: {first}): the file "
                                f"is damaged, cut off or from another DuckDB version; {rebuild}")
    return WarehouseProblem(f"the warehouse {warehouse} cannot be read ({first}); {rebuild}")


def open_warehouse(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection, or WarehouseProblem saying what is wrong and what to do."""
    warehouse = Path(warehouse)
    if not warehouse.exists():
        raise warehouse_problem(FileNotFoundError(str(warehouse)), warehouse)
    try:
        return duckdb.connect(str(warehouse), read_only=True)
    except (duckdb.Error, OSError) as exc:
        raise warehouse_problem(exc, warehouse) from exc
