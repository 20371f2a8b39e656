"""`python -m pipelines whatif` on a warehouse file holding the alignment world: messages, exit codes, files out."""
from __future__ import annotations

import pandas as pd
import pytest

from pipelines import cli
from tests.unit.test_whatif import world_frames
from tests.unit.test_alignment_world import build_world


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-world")
    path = folder / "world.duckdb"
    build_world(folder, world_frames(), database=str(path)).close()
    return path


def test_valid_file_prints_before_after_and_writes_csv(warehouse, tmp_path, capsys):
    upload = tmp_path / "p.csv"
    upload.write_text("nuts_code,title,domains\nAA12,Coastal heritage,TOUR\n", encoding="utf-8")
    code = cli.main(["whatif", "--priorities", str(upload), "--warehouse", str(warehouse), "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 0 and "1 of 1 rows valid" in out and "recomputed 3 regions" in out
    figures = pd.read_csv(tmp_path / "out" / "whatif_figures.csv", encoding="utf-8-sig")
    assert figures.set_index("nuts_code").loc["AA12", "coverage_all_after"] == 0.8333
    assert (tmp_path / "out" / "whatif_figures.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_no_valid_row_exits_2_with_row_messages(warehouse, tmp_path, capsys):
    upload = tmp_path / "h.csv"
    upload.write_text("name,nuts_code,competences\nX,ZZ99,AI:3\n", encoding="utf-8")
    code = cli.main(["whatif", "--hubs", str(upload), "--warehouse", str(warehouse)])
    out = capsys.readouterr().out
    assert code == 2 and "error: row 2, column nuts_code: unknown NUTS code 'ZZ99'" in out


def test_missing_file_is_a_clear_error(warehouse, tmp_path, capsys):
    code = cli.main(["whatif", "--priorities", str(tmp_path / "nope.csv"), "--warehouse", str(warehouse)])
    assert code == 2 and "no such file" in capsys.readouterr().err
