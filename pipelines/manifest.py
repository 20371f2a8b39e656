"""The raw-data manifest (data/sources.yml): what every raw file is, where it came from, and its sha256."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import paths
from .errors import ChecksumMismatch, PipelineError


@dataclass(frozen=True)
class RawFile:
    source_id: str
    path: str  # as written in the manifest
    sha256: str | None
    format: str
    delimiter: str | None = None
    encoding: str | None = None
    nuts_version: str | None = None

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


_ENTRY = re.compile(r"\{path: (?P<path>[^,}]+)(?P<rest>[^}]*)\}")


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
