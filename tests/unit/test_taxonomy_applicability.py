"""applicable_priorities across NUTS levels on the hand-made world in tests/fixtures/taxonomy_applicability.json."""
from __future__ import annotations

import importlib
import json

import duckdb
import pandas as pd
import pytest

from tests.conftest import FIXTURES

step = importlib.import_module("pipelines.conformed.38_applicable_priorities")


@pytest.fixture(scope="module")
def world():
    spec = json.loads((FIXTURES / "taxonomy_applicability.json").read_text(encoding="utf-8"))
    con = duckdb.connect()
    con.execute("""CREATE TABLE regions (nuts_code VARCHAR, level INTEGER, name VARCHAR, country_code VARCHAR,
                                        is_eu BOOLEAN)""")
    con.executemany("INSERT INTO regions VALUES (?, ?, ?, ?, TRUE)", spec["regions"])
    con.execute("""CREATE TABLE s3_strategies (strategy_id VARCHAR, nuts_code VARCHAR, nuts_level INTEGER,
                                              period VARCHAR, status VARCHAR, note VARCHAR, country_code VARCHAR)""")
    con.executemany("INSERT INTO s3_strategies VALUES (?, ?, ?, ?, ?, ?, left(?, 2))",
                    [s + [s[1]] for s in spec["strategies"]])
    con.execute("""CREATE TABLE s3_priorities AS
        SELECT s.strategy_id || '#' || n AS priority_id, s.strategy_id, s.nuts_code, s.nuts_level, s.period,
               s.country_code, 'medium' AS confidence
        FROM s3_strategies s, range(1, ? + 1) r(n) WHERE s.status <> 'not_found'""", [spec["priorities_per_strategy"]])
    sharing = pd.DataFrame(spec["sharing"], columns=["strategy_id", "applies_to_nuts_code", "reason"])
    step.build_applicable(con, sharing)
    yield con, spec
    con.close()


def test_relations_per_level(world):
    con, spec = world
    got: dict[str, dict[str, str]] = {}
    for code, strategy, relation in con.execute(
            "SELECT DISTINCT nuts_code, strategy_id, relation FROM applicable_priorities").fetchall():
        assert strategy not in got.setdefault(code, {}), f"{code} gets {strategy} twice"
        got[code][strategy] = relation
    assert got == spec["expected"]


def test_every_priority_of_an_applicable_strategy_is_listed_with_its_period(world):
    con, spec = world
    rows = con.execute("""SELECT nuts_code, level, strategy_id, count(*), any_value(period)
                          FROM applicable_priorities
                          GROUP BY nuts_code, level, strategy_id, scored_period""").fetchall()
    assert all(n == spec["priorities_per_strategy"] for _, _, _, n, _ in rows)
    assert {(c, l) for c, l, *_ in rows} <= {(r[0], r[1]) for r in spec["regions"]}
    assert {p for *_, p in rows} == {"2021-2027", "2014-2020"}


def test_nuts3_and_extra_regio_regions_get_no_rows_and_gaps_are_explained(world):
    con, spec = world
    levels = {r[0] for r in con.execute("SELECT DISTINCT level FROM applicable_priorities").fetchall()}
    assert levels <= {0, 1, 2}
    assert not con.execute("SELECT count(*) FROM applicable_priorities WHERE nuts_code = 'XAZ'").fetchall()[0][0]
    gaps = dict(con.execute("SELECT nuts_code, reason FROM applicability_gaps").fetchall())
    assert sorted(gaps) == spec["expected_gaps"]
    assert "XB21-? (not_found): looked for, not found" in gaps["XB21"]


def test_basis_own_carried_forward_and_national_fallback(world):
    """Own list first; no 2021-2027 regional list → the 2014-2020 list carried forward (national 2021-2027 rows come
    alongside as national_fallback); a country without regional strategies is scored on its national one as 'own'."""
    con, spec = world
    region_basis = {}
    for code, period, basis in con.execute("SELECT DISTINCT nuts_code, scored_period, basis FROM applicable_priorities"
                                           ).fetchall():
        region_basis.setdefault(f"{code}|{period}", set()).add(basis)
    for key, expected in spec["expected_basis"].items():
        got = region_basis[key]
        strongest = next(b for b in ("own", "carried_forward_2014_2020", "national_fallback") if b in got)
        assert strongest == expected, key
    rows = {f"{c}|{s}|{p}": b for c, s, p, b in con.execute(
        "SELECT DISTINCT nuts_code, strategy_id, scored_period, basis FROM applicable_priorities").fetchall()}
    for key, expected in spec["expected_row_basis"].items():
        assert rows[key] == expected, key
    # carried-forward rows keep their own period and count in 2021-2027; no other row changes period
    assert con.execute("""SELECT count(*) FROM applicable_priorities WHERE period <> scored_period
                          AND NOT (basis = 'carried_forward_2014_2020' AND period = '2014-2020'
                                   AND scored_period = '2021-2027')""").fetchall()[0][0] == 0
    flags = dict(con.execute("""SELECT nuts_code, bool_and(has_regional_list) FROM applicable_priorities
                                WHERE scored_period = '2021-2027' GROUP BY 1""").fetchall())
    assert flags["XA11"] and flags["XD11"] and not flags["XC11"] and not flags["XD12"]


def test_excluded_strategy_does_not_reach_the_region(world):
    con, spec = world
    sharing = pd.DataFrame([["XA1-2021-2027", "XA12", "exclude", "XA12 is not a party to the XA1 strategy"]],
                           columns=["strategy_id", "applies_to_nuts_code", "action", "reason"])
    step.build_applicable(con, sharing)
    got = {r[0] for r in con.execute("SELECT DISTINCT strategy_id FROM applicable_priorities WHERE nuts_code = 'XA12'"
                                     ).fetchall()}
    assert got == {"XA-2021-2027"}
    assert "XA1-2021-2027" in {r[0] for r in con.execute(
        "SELECT DISTINCT strategy_id FROM applicable_priorities WHERE nuts_code = 'XA11'").fetchall()}
    step.build_applicable(con, pd.DataFrame(spec["sharing"], columns=["strategy_id", "applies_to_nuts_code", "reason"]))


@pytest.mark.parametrize("row, message", [
    ("XA1-2021-2027,XA12,share,,joint strategy,", "source_url"),
    ("XA1-2021-2027,XA12,borrow,,joint strategy,https://example.org/s3", "action 'borrow'"),
    ("XZ-2021-2027,XA12,share,,joint strategy,https://example.org/s3", "unknown strategy XZ-2021-2027"),
    ("XA1-2021-2027,XA12,share,a quote the note does not hold,joint,https://example.org/s3", "no longer says"),
])
def test_bad_sharing_rows_are_clear_errors(tmp_path, monkeypatch, row, message):
    from pipelines.errors import InputFileError
    (tmp_path / "strategy_sharing.csv").write_text(
        "strategy_id,applies_to_nuts_code,action,note_quote,reason,source_url\n" + row + "\n", encoding="utf-8")
    monkeypatch.setattr(step.paths, "TAXONOMY", tmp_path)
    con = duckdb.connect()
    con.execute("CREATE TABLE s3_strategies AS SELECT 'XA1-2021-2027' AS strategy_id, 'NUTS 1 strategy' AS note")
    with pytest.raises(InputFileError, match="strategy_sharing.csv line 2.*" + message.replace("(", r"\(")):
        step.load_sharing(con)


def test_real_sharing_file_loads_with_a_source_on_every_row():
    con = duckdb.connect()
    import csv

    from pipelines import paths
    rows = list(csv.DictReader(open(paths.TAXONOMY / "strategy_sharing.csv", encoding="utf-8")))
    con.execute("CREATE TABLE s3_strategies (strategy_id VARCHAR, note VARCHAR)")
    # the quotes are checked against the real notes in the pipeline build; here only the file's own rules
    con.executemany("INSERT INTO s3_strategies VALUES (?, ?)", [(r["strategy_id"], r["note_quote"]) for r in rows])
    frame = step.load_sharing(con)
    assert len(frame) == len(rows) and frame.source_url.str.startswith("http").all()
    got = set(zip(frame.strategy_id, frame.applies_to_nuts_code, frame.action))
    assert {("NL3-2021-2027", "NL23", "share"), ("NL2-2021-2027", "NL23", "exclude"),
            ("NL4-2021-2027", "NL34", "share"), ("NL3-2021-2027", "NL34", "exclude")} <= got
