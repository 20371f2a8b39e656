"""Priority coding, before and after a change of rules: precision and recall on the hand-checked sample
(tests/fixtures/priority_coding_sample.csv, per part), the share of the coded weight on correct domains, and the time
to code every priority — the current coder against the coder and taxonomy of an earlier git revision (default
BEFORE_REVISION, the last commit before the December 2026 description and overlap rules), measured in the same run
on the same warehouse. `python -m benchmarks priority_coding`; BEFORE=<rev> picks another revision.

Needs a built warehouse (data/warehouse/atlas.duckdb) and git history; without them it says so and stops."""
from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from io import BytesIO
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
BEFORE_REVISION = "131ed69"  # sample round2 committed, rules not yet changed
SAMPLE = ROOT / "tests" / "fixtures" / "priority_coding_sample.csv"
WAREHOUSE = ROOT / "data" / "warehouse" / "atlas.duckdb"


def _load_coding(root: Path):
    """pipelines.coding of the tree at `root` (a fresh import, so two versions can sit side by side)."""
    for name in [m for m in sys.modules if m == "pipelines" or m.startswith("pipelines.")]:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        module = importlib.import_module("pipelines.coding")
    finally:
        sys.path.remove(str(root))
    return module


def _score(coding, rows, sample, description_flag: bool):
    coder = coding.PriorityCoder.from_taxonomy(coding.load_taxonomy())
    t0 = time.perf_counter()
    coded = {}
    for pid, title, original, description, nace, dataset in rows:
        args = (pid, title, original, description, nace)
        links = coder.code(*args, dataset != "cz_ris3_domains") if description_flag else coder.code(*args)
        coded[pid] = links
    seconds = time.perf_counter() - t0
    parts = defaultdict(list)
    for r in sample:
        parts[r["sample"]].append(r)
        parts["all"].append(r)
    out = {}
    for name, part in sorted(parts.items()):
        sets = {r["priority_id"]: {l.domain_code for l in coded.get(r["priority_id"], [])} for r in part}
        pr = coding.precision_recall({r["priority_id"]: r["expected"] for r in part}, sets)
        weighted = [sum(l.weight for l in coded[r["priority_id"]] if l.domain_code in r["expected"])
                    for r in part if coded.get(r["priority_id"])]
        pr["weight_on_correct"] = sum(weighted) / len(weighted) if weighted else 0.0
        out[name] = pr
    return out, seconds, sum(bool(v) for v in coded.values()), sum(len(v) for v in coded.values())


def main() -> None:
    if not WAREHOUSE.exists():
        print(f"no warehouse at {WAREHOUSE}: run `python -m pipelines build` first")
        return
    before_rev = os.environ.get("BEFORE", BEFORE_REVISION)
    con = duckdb.connect(str(WAREHOUSE), read_only=True)
    rows = con.execute("""SELECT priority_id, title, title_original, description, nace_divisions, source_dataset
                          FROM s3_priorities ORDER BY priority_id""").fetchall()
    con.close()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            archive = subprocess.run(["git", "archive", before_rev, "pipelines", "data/taxonomy"], cwd=ROOT,
                                     capture_output=True, check=True).stdout
        except (subprocess.CalledProcessError, FileNotFoundError) as exc:
            print(f"git revision {before_rev} not available ({exc}); only the current coder is measured")
            archive = None
        results = {}
        if archive:
            with tarfile.open(fileobj=BytesIO(archive)) as tar:
                tar.extractall(tmp, filter="data")
            old = _load_coding(Path(tmp))
            results[f"before ({before_rev})"] = _score(old, rows, old.read_coding_sample(SAMPLE), False)
        new = _load_coding(ROOT)
        results["after (working tree)"] = _score(new, rows, new.read_coding_sample(SAMPLE), True)
    _load_coding(ROOT)  # leave the current package imported
    print(f"{len(rows)} priorities in the warehouse; sample {SAMPLE.relative_to(ROOT)}")
    for label, (scores, seconds, n_coded, n_links) in results.items():
        print(f"\n{label}: {n_coded} priorities coded, {n_links} links, {seconds:.2f} s to code all")
        print(f"  {'part':9s} {'n':>4s} {'precision':>9s} {'recall':>7s} {'weight on correct':>18s}")
        for name, s in scores.items():
            print(f"  {name:9s} {s['priorities']:4d} {s['precision']:9.1%} {s['recall']:7.1%} "
                  f"{s['weight_on_correct']:18.1%}")
    if len(results) == 2:
        (_, (_, t_before, *_)), (_, (_, t_after, *_)) = results.items()
        print(f"\ntime ratio after/before: {t_after / t_before:.2f}")


if __name__ == "__main__":
    main()
