"""Helpers for the bad-input suite (issue 11 item 7): small copies of the real raw files with one fault put in, run
through the real staging specs on an in-memory DuckDB; a small synthetic warehouse for the CLI cases."""
from __future__ import annotations

import csv
import dataclasses
import importlib
import io
import pkgutil
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines import manifest
from pipelines.context import BuildContext
from pipelines.readers import read_text
from pipelines.staging_spec import StagingSpec, load


def staging_specs() -> dict[str, StagingSpec]:
    """Every StagingSpec declared by a staging step module, by '<module>.<NAME>'."""
    import pipelines.staging as package

    specs = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if not info.name[:2].isdigit():
            continue
        module = importlib.import_module(f"pipelines.staging.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, StagingSpec):
                specs[f"{info.name}.{name}"] = value
            elif isinstance(value, (list, tuple)) and value and all(isinstance(v, StagingSpec) for v in value):
                for i, spec in enumerate(value):
                    specs[f"{info.name}.{name}[{i}]"] = spec
    return specs


def spec_for(file: str) -> StagingSpec:
    return next(s for s in staging_specs().values() if s.file == file)


@pytest.fixture(scope="session")
def nuts_codes(tmp_path_factory) -> Path:
    """staging.stg_nuts_codes of the real build (the code list every NUTS check looks up), as a Parquet file."""
    step = importlib.import_module("pipelines.staging.10_nuts_geometries")
    ctx = BuildContext(con=duckdb.connect(), sources=manifest.load(), log=lambda _m: None)
    ctx.init()
    step.run(ctx)
    path = tmp_path_factory.mktemp("nuts") / "stg_nuts_codes.parquet"
    ctx.con.execute(f"COPY staging.stg_nuts_codes TO '{path}' (FORMAT parquet)")
    ctx.con.close()
    return path


class Case:
    """One raw file of the real manifest, replaced by a (small, edited) copy; loads it with its real spec."""

    def __init__(self, nuts_codes: Path, folder: Path, file: str, **counts):
        self.spec = spec_for(file)
        self.sources = manifest.load()
        self.entry = manifest.raw_file(self.sources, self.spec.source_id, file)
        self.folder = folder
        self.nuts_codes = nuts_codes
        self.counts = {"rows": None, "min_rows": None, "totals": ()} | counts
        self.logged: list[str] = []

    def real_text(self) -> str:
        return read_text(self.entry.abspath, self.entry.encoding or "utf-8").lstrip("\ufeff")

    def rows(self, limit: int | None = 40) -> tuple[list[str], list[list[str]]]:
        reader = csv.reader(io.StringIO(self.real_text(), newline=""), delimiter=self.entry.delimiter or ",")
        header = next(reader)
        rows = []
        for row in reader:
            rows.append(row)
            if limit and len(rows) >= limit:
                break
        return header, rows

    def write_rows(self, header: list[str], rows: list[list[str]]) -> Path:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=self.entry.delimiter or ",", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return self.write_text(buffer.getvalue())

    def write_text(self, text: str) -> Path:
        path = self.folder / self.entry.name.removesuffix(".gz")
        path.write_text(text, encoding=self.entry.encoding or "utf-8")
        return path

    def with_value(self, column: str, value: str, row: int = 0, limit: int = 40) -> Path:
        header, rows = self.rows(limit)
        rows[row][header.index(column)] = value
        return self.write_rows(header, rows)

    def load(self, path: Path, accept_changes: bool = False) -> tuple[BuildContext, int]:
        fmt = "parquet" if path.suffix == ".parquet" else "csv"
        entry = dataclasses.replace(self.entry, path=str(path), sha256=manifest.sha256_of(path), format=fmt,
                                    **self.counts)
        source = self.sources[self.spec.source_id]
        files = tuple(entry if f.name == self.entry.name else f for f in source.files)
        # the file is looked up by its manifest name: keep the copy's name equal to it
        sources = {self.spec.source_id: dataclasses.replace(source, files=files)}
        spec = dataclasses.replace(self.spec, file=path.name)
        ctx = BuildContext(con=duckdb.connect(), sources=sources, log=self.logged.append,
                           accept_changes=accept_changes)
        ctx.init()
        ctx.con.execute(f"CREATE TABLE staging.stg_nuts_codes AS FROM read_parquet('{self.nuts_codes}')")
        return ctx, load(ctx, spec)


def quarantine(ctx: BuildContext) -> list[tuple[int, str]]:
    return ctx.con.execute("SELECT line, reason FROM quarantine ORDER BY line").fetchall()


@pytest.fixture
def case(nuts_codes, tmp_path):
    def make(file: str, **counts) -> Case:
        return Case(nuts_codes, tmp_path, file, **counts)
    return make


def copy_warehouse(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "atlas.duckdb"
    shutil.copyfile(source, target)
    return target
