"""Where things live. Every path the pipelines use is derived from the project root here."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
RAW = DATA / "raw"
TAXONOMY = DATA / "taxonomy"
SOURCES_MANIFEST = DATA / "sources.yml"
SHAPEFILES = ROOT / "shapefiles"
WAREHOUSE_DIR = DATA / "warehouse"
WAREHOUSE = WAREHOUSE_DIR / "atlas.duckdb"
CACHE = DATA / "cache"  # derived, git-ignored: geometry work cached by input checksum
REPORTS = ROOT / "reports"  # data-quality report output, git-ignored
EXPORTS = ROOT / "exports"  # default export folder, git-ignored
