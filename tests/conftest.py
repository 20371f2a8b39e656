"""Shared test fixtures. The real warehouse is built once per test session into a temporary folder (so tests never
depend on, or disturb, data/warehouse/atlas.duckdb), and opened read-only."""
from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FIXTURES = ROOT / "tests" / "fixtures"
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory) -> Path:
    """Path of a warehouse freshly built from the committed raw data."""
    from pipelines import runner

    target = tmp_path_factory.mktemp("warehouse") / "atlas.duckdb"
    runner.build(target=target, log=lambda _msg: None)
    return target


@pytest.fixture(scope="session")
def wh(built_warehouse):
    """A read-only connection to the freshly built warehouse."""
    con = duckdb.connect(str(built_warehouse), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
