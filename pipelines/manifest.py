"""The raw-data manifest (data/sources.yml): what every raw file is, where it came from, and its sha256."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import paths
from .errors import ChecksumMismatch, PipelineError, SnapshotChanged

# A snapshot is compared with the counts recorded for it in data/sources.yml (`rows`, `min_rows`, `totals`):
MAX_ROW_DROP = 0.02  # more than 2 % fewer data rows than recorded stops the build (a cut download, a lost sheet)
MAX_TOTAL_CHANGE = 0.10  # a key total moving by more than 10 % either way stops the build (units, lost rows)


@dataclass(frozen=True)
class RawFile:
    source_id: str
    path: str  # as written in the manifest
    sha256: str | None
    format: str
    delimiter: str | None = None
    encoding: str | None = None
    nuts_version: str | None = None
    rows: int | None = None  # data rows (records after the header) the snapshot had when it was recorded
    min_rows: int | None = None  # a floor, for files whose exact count is not recorded
    totals: tuple[tuple[str, float], ...] = ()  # (raw column, sum of its finite numbers) when recorded

    @property
    def abspath(self) -> Path:
        return resolve(self.path)

    @property
    def name(self) -> str:
        return Path(self.path).name


@dataclass(frozen=True)
class Source:
    source_id: str
    title: str
    publisher: str
    snapshot: str
    upstream_url: str
    licence: str
    nuts_version: str | None
    files: tuple[RawFile, ...] = field(default_factory=tuple)


def resolve(manifest_path: str) -> Path:
    """Manifest paths are relative to data/, or to the project root for shapefiles/."""
    if manifest_path.startswith("shapefiles/"):
        return paths.ROOT / manifest_path
    return paths.DATA / manifest_path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load(manifest: Path | None = None) -> dict[str, Source]:
    manifest = manifest or paths.SOURCES_MANIFEST
    try:
        doc = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PipelineError(f"the source manifest {manifest} is missing") from exc
    except yaml.YAMLError as exc:
        raise PipelineError(f"the source manifest {manifest} is not valid YAML: {exc}") from exc
    sources = {}
    for source_id, spec in (doc or {}).get("sources", {}).items():
        files = tuple(
            RawFile(
                source_id=source_id,
                path=f["path"],
                sha256=f.get("sha256"),
                format=f.get("format", "csv"),
                delimiter=f.get("delimiter"),
                encoding=f.get("encoding"),
                nuts_version=str(f.get("nuts_version", spec.get("nuts_version"))) if (f.get("nuts_version") or spec.get("nuts_version")) else None,
                rows=_count(f, "rows", manifest), min_rows=_count(f, "min_rows", manifest),
                totals=_totals(f, manifest),
            )
            for f in spec.get("files", [])
        )
        sources[source_id] = Source(
            source_id=source_id,
            title=spec.get("title", source_id),
            publisher=spec.get("publisher", ""),
            snapshot=str(spec.get("snapshot", "")),
            upstream_url=spec.get("upstream_url", ""),
            licence=spec.get("licence", ""),
            nuts_version=str(spec["nuts_version"]) if spec.get("nuts_version") else None,
            files=files,
        )
    return sources


def _count(entry: dict, key: str, manifest: Path) -> int | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PipelineError(f"{manifest}: {entry.get('path')}: {key} must be a whole number >= 0, not {value!r}")
    return value


def _totals(entry: dict, manifest: Path) -> tuple[tuple[str, float], ...]:
    totals = entry.get("totals") or {}
    if not isinstance(totals, dict):
        raise PipelineError(f"{manifest}: {entry.get('path')}: totals must map a column to its sum, not {totals!r}")
    for column, value in totals.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise PipelineError(f"{manifest}: {entry.get('path')}: the total of {column!r} must be a number, "
                                f"not {value!r}")
    return tuple((str(c), float(v)) for c, v in totals.items())


def compare_counts(f: RawFile, rows: int, totals: dict[str, float | None]) -> tuple[list[str], list[str]]:
    """The snapshot as read (data rows, sums of the recorded total columns) against what data/sources.yml recorded.
    Returns (blocking, notes): blocking differences stop the build unless accepted; notes are only logged."""
    blocking, notes = [], []
    if f.min_rows is not None and rows < f.min_rows:
        blocking.append(f"{rows:,} data rows, fewer than the minimum of {f.min_rows:,} recorded")
    if f.rows is not None and rows != f.rows:
        change = (rows - f.rows) / f.rows if f.rows else float("inf")
        text = f"{rows:,} data rows where {f.rows:,} were recorded ({change:+.1%})"
        (blocking if change < -MAX_ROW_DROP else notes).append(text)
    for column, recorded in f.totals:
        actual = totals.get(column)
        if actual is None:
            blocking.append(f"column {column!r} has no numbers to total (recorded total {recorded:,.2f})")
            continue
        change = (actual - recorded) / abs(recorded) if recorded else (0.0 if actual == 0 else float("inf"))
        if abs(change) > 1e-9:
            text = f"total of {column!r} is {actual:,.2f} where {recorded:,.2f} was recorded ({change:+.1%})"
            (blocking if abs(change) > MAX_TOTAL_CHANGE else notes).append(text)
    return blocking, notes


def check_counts(f: RawFile, rows: int, totals: dict[str, float | None], accept_changes: bool,
                 log=print) -> list[str]:
    """compare_counts, raising SnapshotChanged for blocking differences unless `accept_changes`. Returns the lines
    that were logged."""
    blocking, notes = compare_counts(f, rows, totals)
    if blocking and not accept_changes:
        raise SnapshotChanged(
            f"{f.abspath}: the snapshot differs from what data/sources.yml recorded for it: {'; '.join(blocking)}. "
            f"A cut-off download or a lost sheet looks like this (limits: {MAX_ROW_DROP:.0%} fewer rows, totals "
            f"±{MAX_TOTAL_CHANGE:.0%}). If the new snapshot is right, build with `--accept-changes` and record its "
            "counts with `python -m pipelines manifest --update --accept-changes`."
        )
    lines = [f"    {f.name}: accepted change: {text}" for text in blocking]
    lines += [f"    {f.name}: {text}" for text in notes]
    for line in lines:
        log(line)
    return lines


def raw_file(sources: dict[str, Source], source_id: str, name: str) -> RawFile:
    """The manifest entry of one file of a source, by file name."""
    for f in sources[source_id].files:
        if f.name == name:
            return f
    raise PipelineError(f"{name} is not listed under source '{source_id}' in {paths.SOURCES_MANIFEST}")


def verify(sources: dict[str, Source]) -> list[RawFile]:
    """Check every listed file exists and has its recorded sha256. Raises on the first problem, naming the file."""
    checked = []
    for source in sources.values():
        for f in source.files:
            if not f.abspath.exists():
                raise PipelineError(f"raw file missing: {f.abspath} (source '{f.source_id}' in data/sources.yml)")
            if not f.sha256:
                raise ChecksumMismatch(
                    f"no sha256 recorded for {f.path} in data/sources.yml; run `python -m pipelines manifest --update`"
                )
            actual = sha256_of(f.abspath)
            if actual != f.sha256:
                raise ChecksumMismatch(
                    f"checksum changed for {f.abspath}: expected sha256 {f.sha256}, found {actual}. Raw snapshots are "
                    "immutable: restore the file (git checkout -- <file>), or add a new snapshot and update the manifest."
                )
            checked.append(f)
    return checked


_ENTRY = re.compile(r"\{path: (?P<path>[^,}]+)(?P<rest>(?:[^{}]|\{[^{}]*\})*)\}")  # one level of {…} inside


def update_checksums(manifest: Path | None = None) -> int:
    """Rewrite the sha256 of every file entry in place (keeps comments and layout). Returns the number of entries."""
    manifest = manifest or paths.SOURCES_MANIFEST
    text = manifest.read_text(encoding="utf-8")
    count = 0

    def fix(match: re.Match) -> str:
        nonlocal count
        path = match["path"].strip()
        rest = re.sub(r",\s*sha256:\s*[0-9a-f]*", "", match["rest"])
        count += 1
        return f"{{path: {path}{rest}, sha256: {sha256_of(resolve(path))}}}"

    manifest.write_text(_ENTRY.sub(fix, text), encoding="utf-8")
    return count


def record_counts(observed: dict, manifest: Path | None = None) -> list[str]:
    """Write the data rows and key totals a build saw ({manifest path: (RawFile, rows, totals)}) into the entries of
    data/sources.yml, in place: `rows:` (added to entries that record no count yet; entries with `min_rows` only are
    left as they are) and the columns already listed under `totals:`. Returns one line per changed entry."""
    manifest = manifest or paths.SOURCES_MANIFEST
    text = manifest.read_text(encoding="utf-8")
    changed: list[str] = []

    def fix(match: re.Match) -> str:
        path = match["path"].strip()
        if path not in observed:
            return match[0]
        f, rows, totals = observed[path]
        rest = match["rest"]
        if f.rows is None and f.min_rows is None:  # a new entry: start recording its data rows
            rest = re.sub(r"(,\s*sha256:)", lambda m: f", rows: {rows}{m[1]}", rest, count=1) \
                if re.search(r",\s*sha256:", rest) else f"{rest}, rows: {rows}"
            changed.append(f"{path}: rows {rows:,} (first recorded)")
        elif f.rows is not None and rows != f.rows:
            rest = re.sub(r"(,\s*rows:\s*)\d+", lambda m: f"{m[1]}{rows}", rest)
            changed.append(f"{path}: rows {f.rows:,} → {rows:,}")
        if f.totals:
            new = {column: totals.get(column) for column, _ in f.totals}
            if any(v is None for v in new.values()):
                raise PipelineError(f"{path}: cannot record totals, the file lacks column(s) "
                                    f"{[c for c, v in new.items() if v is None]}")
            if any(abs(new[c] - v) > 1e-6 * max(1.0, abs(v)) for c, v in f.totals):
                listed = ", ".join(f"{json.dumps(c)}: {v:.2f}" for c, v in new.items())
                rest = re.sub(r"(,\s*totals:\s*)\{[^{}]*\}", lambda m: f"{m[1]}{{{listed}}}", rest)
                changed.append(f"{path}: totals {dict(f.totals)} → {new}")
        return f"{{path: {match['path']}{rest}}}"

    manifest.write_text(_ENTRY.sub(fix, text), encoding="utf-8")
    return changed
