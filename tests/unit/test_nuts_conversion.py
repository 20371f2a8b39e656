"""NUTS 2010/2013/2016/2024 → 2021 conversion on known cases, and convert_to_nuts2021 on a small table.

The geography steps (staging NUTS files → nuts_conversion) are run on the committed GISCO files into an in-memory
DuckDB; the polygon work comes from data/cache when it was computed before (else it takes ~2 s)."""
from __future__ import annotations

import importlib

import duckdb
import pandas as pd
import pytest

from pipelines import geo, manifest
from pipelines.context import BuildContext

conversion_step = importlib.import_module("pipelines.conformed.10_nuts_conversion")


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    ctx = BuildContext(con=con, sources=manifest.load(), log=lambda _m: None)
    ctx.init()
    importlib.import_module("pipelines.staging.10_nuts_geometries").run(ctx)
    conversion_step.run(ctx)
    yield con
    con.close()


def _targets(con, version: str, code: str) -> dict[str, float]:
    return dict(con.execute("SELECT to_code, weight FROM nuts_conversion WHERE from_version = ? AND from_code = ?",
                            [version, code]).fetchall())


def test_weights_sum_to_one_per_code(con):
    bad = con.execute("""SELECT from_version, from_code, sum(weight) FROM nuts_conversion GROUP BY ALL
                         HAVING abs(sum(weight) - 1) > 1e-9""").fetchall()
    assert bad == []
    assert con.execute("SELECT count(*) FROM nuts_conversion WHERE weight <= 0 OR weight > 1").fetchall()[0][0] == 0


def test_2024_netherlands_from_polygons(con):
    nl35 = _targets(con, "2024", "NL35")  # Utrecht 2024 = Utrecht 2021 + Vijfheerenlanden from Zuid-Holland
    assert max(nl35, key=nl35.get) == "NL31" and nl35["NL31"] > 0.9
    assert set(nl35) <= {"NL31", "NL33"}
    assert max((w, c) for c, w in _targets(con, "2024", "NL36").items())[1] == "NL33"
    assert "NL31" in {t for c in ("NL35", "NL36") for t in _targets(con, "2024", c)}


def test_2024_portugal_and_unchanged_codes(con):
    assert _targets(con, "2024", "PT1A") == {"PT17": 1.0}  # Grande Lisboa lies in the 2021 Lisbon region
    pt1d = _targets(con, "2024", "PT1D")  # Oeste e Vale do Tejo: parts of Centro and Alentejo
    assert set(pt1d) == {"PT16", "PT18"}
    assert _targets(con, "2024", "BE10") == {"BE10": 1.0}  # same code, same region (generalisation noise ignored)
    assert _targets(con, "2024", "DE212") == {"DE212": 1.0}
    assert _targets(con, "2024", "NO0B") == {"NO0B": 1.0}  # no 2021 polygon, same code
    assert _targets(con, "2024", "BA03") == {}  # Bosnia and Herzegovina has no NUTS 2021 regions


def test_2013_known_successors(con):
    assert set(_targets(con, "2013", "PL12")) == {"PL91", "PL92"}
    assert _targets(con, "2013", "FR71") == {"FRK2": 1.0}
    assert _targets(con, "2013", "FR10") == {"FR10": 1.0}
    assert set(_targets(con, "2013", "HU10")) == {"HU11", "HU12"}
    assert set(_targets(con, "2013", "IE01")) | set(_targets(con, "2013", "IE02")) == {"IE04", "IE05", "IE06"}
    assert set(_targets(con, "2013", "LT00")) == {"LT01", "LT02"}
    assert _targets(con, "2013", "UKC1") == {"UKC1": 1.0}
    assert _targets(con, "2013", "FRA1") == {"FRY1": 1.0}  # Guadeloupe
    fr2 = _targets(con, "2013", "FR2")  # Bassin Parisien was split between five 2021 NUTS 1 regions
    assert set(fr2) == {"FRB", "FRC", "FRD", "FRE", "FRF"}
    assert _targets(con, "2013", "BEZZ") == {}  # extra-regio


def test_2016_2010_and_mixed(con):
    assert set(_targets(con, "2016", "HR04")) == {"HR02", "HR05", "HR06"}
    assert _targets(con, "2016", "FRK2") == {"FRK2": 1.0}
    assert set(_targets(con, "2016", "NO03")) == {"NO08", "NO09"}
    assert _targets(con, "2010", "EL11") == {"EL51": 1.0}
    assert set(_targets(con, "2010", "UKI1")) == {"UKI3", "UKI4"}
    assert _targets(con, "mixed", "FRK2") == {"FRK2": 1.0}
    assert _targets(con, "mixed", "FR71") == {"FRK2": 1.0}
    assert set(_targets(con, "mixed", "NL35")) == set(_targets(con, "2024", "NL35"))
    assert _targets(con, "mixed", "EU28") == {}


def test_every_2021_code_converts_to_itself(con):
    missing = con.execute("""
        SELECT count(*) FROM (SELECT DISTINCT nuts_code FROM staging.stg_nuts_codes WHERE nuts_version = '2021') c
        WHERE NOT EXISTS (SELECT 1 FROM nuts_conversion v WHERE v.from_version = '2021' AND v.from_code = c.nuts_code
                          AND v.to_code = c.nuts_code AND v.weight = 1)""").fetchall()[0][0]
    assert missing == 0


def test_convert_table_splits_values_and_quarantines(con):
    con.execute("""CREATE OR REPLACE TABLE funding_example AS SELECT * FROM (VALUES
        ('PL12', 2015, 1000.0, 1), ('FRK2', 2015, 50.0, 2), ('FR71', 2014, 40.0, 3), ('EU28', 2015, 9.0, 4),
        ('BEZZ', 2015, 1.0, 5), ('XX99', 2015, 2.0, 6), (NULL, 2015, 3.0, 7))
        t(nuts_code, year, amount, source_line)""")
    out = geo.convert_to_nuts2021(con, "funding_example", "nuts_code", ["amount"], "mixed", source_id="test")
    assert out.amount.sum() == pytest.approx(1000.0 + 50.0 + 40.0)
    pl = out[out.nuts_code_original == "PL12"]
    assert set(pl.nuts_code) == {"PL91", "PL92"} and pl.amount.sum() == pytest.approx(1000.0)
    assert set(out[out.nuts_code_original == "FR71"].nuts_code) == {"FRK2"}
    assert list(out.columns[:2]) == ["year", "source_line"]
    reasons = dict(con.execute("SELECT line, reason FROM quarantine WHERE source_id = 'test'").fetchall())
    assert set(reasons) == {4, 5, 6, 7}
    assert "pseudo-code" in reasons[4] and "extra-regio" in reasons[5]
    assert "no known NUTS 2021 equivalent" in reasons[6] and reasons[7] == "missing NUTS code"


def test_convert_rejects_unknown_version_and_columns(con):
    con.execute("CREATE OR REPLACE TABLE t2 AS SELECT 'PL12' AS code, 1.0 AS v")
    with pytest.raises(ValueError):
        geo.convert_to_nuts2021(con, "t2", "code", ["v"], "1999")
    with pytest.raises(ValueError):
        geo.convert_to_nuts2021(con, "t2", "code", ["missing"], "2013")


def test_resolve_2013_rules_on_a_made_up_country():
    """Pure rules: same code, same name, union of children, successor list (made-up country XA)."""
    codes21 = pd.DataFrame({"nuts_code": ["XA", "XA1", "XA11", "XA12", "XA111", "XA112", "XA121", "XA122"],
                            "level": [0, 1, 2, 2, 3, 3, 3, 3], "country_code": "XA",
                            "name": ["XA", "Land", "North", "South", "Alpha", "Beta", "Gamma", "Delta"]})
    codes13 = pd.DataFrame({"nuts_code": ["XA1", "XA10", "XA101", "XA102", "XA103", "XAZ"],
                            "name": ["Land", "Everything", "Alpha", "Beta (XA)", "Old Gamma", "Extra-Regio"]})
    successors = pd.DataFrame({"from_version": ["2013"], "from_code": ["XA103"], "to_code_2021": ["XA121"],
                               "note": [""]})
    pieces = conversion_step._pieces_2021(set(codes21.nuts_code))
    resolved, unresolved = conversion_step._resolve_2013(codes13, codes21, pieces, successors)
    assert resolved["XA1"][1] == "same_code"
    assert resolved["XA101"][1] == "same_name" and resolved["XA101"][0] == {"XA111"}
    assert resolved["XA102"][0] == {"XA112"}  # "(XA)" country tags are ignored in names
    assert resolved["XA103"][1] == "successor_list"
    assert resolved["XA10"][1] == "union_of_children" and resolved["XA10"][0] == {"XA111", "XA112", "XA121"}
    assert "XAZ" not in resolved and unresolved == []
    rows = conversion_step._rows_from_pieces("2013", "XA10", resolved["XA10"][0], "union_of_children", "",
                                             {"XA111": 1.0, "XA112": 1.0, "XA121": 2.0})
    assert {r[2]: r[4] for r in rows} == {"XA11": 0.5, "XA12": 0.5}
