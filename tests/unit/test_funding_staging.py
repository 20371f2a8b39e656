"""Staging of the hand-collected Digital Europe figures (staging/47_dep_edih_funding.py): rows that are not traceable
or not what they claim go to quarantine with the reason, never into the warehouse (hand-made fixture)."""
from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path

import duckdb

from pipelines import manifest
from pipelines.context import BuildContext
from pipelines.staging_spec import load

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "funding" / "dep_figures_bad.csv"
step = importlib.import_module("pipelines.staging.47_dep_edih_funding")


def _context() -> BuildContext:
    raw = manifest.RawFile(source_id="fixture", path=str(FIXTURE), sha256=manifest.sha256_of(FIXTURE), format="csv",
                           delimiter=",", encoding="utf-8", nuts_version=None)
    source = manifest.Source("fixture", "Fixture", "tests", "test", "", "", "2021", (raw,))
    ctx = BuildContext(con=duckdb.connect(), sources={"fixture": source}, log=lambda _m: None)
    ctx.init()
    return ctx


def test_untraceable_or_mislabelled_figures_are_quarantined_with_the_reason():
    ctx = _context()
    spec = dataclasses.replace(step.FIGURES, source_id="fixture", file=FIXTURE.name)
    kept = load(ctx, spec)
    assert kept == 1
    assert ctx.con.execute("SELECT figure_id, country_code FROM staging.stg_dep_edih_funding").fetchall() == [
        ("OK-1", "DE")]
    reasons = dict(ctx.con.execute("SELECT line, reason FROM quarantine ORDER BY line").fetchall())
    assert "without edih_name" in reasons[3]
    assert "figure_kind" in reasons[4]
    assert "negative" in reasons[5]  # the generic sign check of every amount (issue 11) speaks first
    assert "source_url" in reasons[6]
    assert "duplicate" in reasons[7].lower() or "unique" in reasons[7].lower()
