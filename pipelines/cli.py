"""`python -m pipelines <command>`: build the warehouse, report on data quality, export gap tables."""
from __future__ import annotations

import argparse
import sys
import time

from . import manifest, paths
from .errors import PipelineError


def _cmd_build(args: argparse.Namespace) -> int:
    from . import runner

    if args.if_stale and not runner.is_stale(paths.WAREHOUSE):
        print(f"warehouse is up to date: {paths.WAREHOUSE}")
        return 0
    runner.build(paths.WAREHOUSE if args.target is None else args.target)
    runner.print_summary(paths.WAREHOUSE if args.target is None else args.target)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from . import report

    written = report.write_report(warehouse=args.warehouse, out_dir=args.out)
    for path in written:
        print(f"wrote {path}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from . import export

    t0 = time.perf_counter()
    written = export.export(country=args.country, fmt=args.format, out=args.out, warehouse=args.warehouse)
    for path in written:
        print(f"wrote {path}")
    print(f"export took {time.perf_counter() - t0:.2f}s")
    return 0


def _cmd_manifest(args: argparse.Namespace) -> int:
    if args.update:
        n = manifest.update_checksums()
        print(f"updated sha256 of {n} files in {paths.SOURCES_MANIFEST}")
    else:
        checked = manifest.verify(manifest.load())
        print(f"{len(checked)} raw files match their sha256 in {paths.SOURCES_MANIFEST}")
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipelines", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build data/warehouse/atlas.duckdb from the raw snapshots (atomic)")
    b.add_argument("--if-stale", action="store_true", help="build only if the warehouse is missing or older than its inputs")
    b.add_argument("--target", type=__import__("pathlib").Path, default=None, help="write the warehouse here instead")
    b.set_defaults(func=_cmd_build)

    r = sub.add_parser("report", help="write the data-quality report (Markdown and HTML) from the warehouse")
    r.add_argument("--warehouse", type=__import__("pathlib").Path, default=paths.WAREHOUSE)
    r.add_argument("--out", type=__import__("pathlib").Path, default=paths.REPORTS)
    r.set_defaults(func=_cmd_report)

    e = sub.add_parser("export", help="export regions, gaps, partner suggestions and unaligned competences")
    e.add_argument("--country", default=None, help="two-letter country code (Eurostat: EL for Greece); omit for EU-wide")
    e.add_argument("--format", choices=["csv", "xlsx", "parquet"], default="xlsx")
    e.add_argument("--out", type=__import__("pathlib").Path, default=None, help="output file (xlsx) or folder (csv, parquet)")
    e.add_argument("--warehouse", type=__import__("pathlib").Path, default=paths.WAREHOUSE)
    e.set_defaults(func=_cmd_export)

    m = sub.add_parser("manifest", help="verify raw files against data/sources.yml (or --update the checksums)")
    m.add_argument("--update", action="store_true")
    m.set_defaults(func=_cmd_manifest)

    from .whatif import MODES, main_cli as _cmd_whatif  # what-if uploads (pipelines/whatif.py, docs/whatif.md)
    w = sub.add_parser("whatif", help="recompute alignment, gaps and partners with your own priorities or hubs")
    wf = w.add_mutually_exclusive_group(required=True)
    wf.add_argument("--priorities", help="CSV or Excel file: nuts_code, title, description, domains")
    wf.add_argument("--hubs", help="CSV or Excel file: name, address or nuts_code, served_nuts_codes, competences")
    w.add_argument("--mode", choices=MODES, default="replace", help="replace the territory's own 2021-2027 list, or add")
    w.add_argument("--out", default=None, help="folder for the before/after CSV files")
    w.add_argument("--warehouse", default=None)
    w.set_defaults(func=_cmd_whatif)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the previous warehouse was left as it was", file=sys.stderr)
        return 130
