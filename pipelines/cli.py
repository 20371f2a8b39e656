"""`python -m pipelines <command>`: build the warehouse, report on data quality, export gap tables."""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from . import export_target, manifest, paths
from .errors import BuildLocked, ExportError, PipelineError
from .export_target import (EXIT_BAD_INPUT, EXIT_BUSY, EXIT_INTERRUPTED, EXIT_OUTPUT,
                            WarehouseProblem)


def _cmd_build(args: argparse.Namespace) -> int:
    from . import runner

    if args.if_stale and not runner.is_stale(paths.WAREHOUSE):
        print(f"warehouse is up to date: {paths.WAREHOUSE}")
        return 0
    target = paths.WAREHOUSE if args.target is None else args.target
    runner.build(target, accept_changes=args.accept_changes, wait=args.wait)
    runner.print_summary(target)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from . import report

    export_target.open_warehouse(args.warehouse).close()  # a clear message for a missing or damaged file
    try:
        written = report.write_report(warehouse=args.warehouse, out_dir=args.out)
    except duckdb.Error as exc:
        raise export_target.warehouse_problem(exc, Path(args.warehouse)) from exc
    for path in written:
        print(f"wrote {path}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from . import export

    t0 = time.perf_counter()
    written = export.export(args.country, args.format, args.out, warehouse=args.warehouse, force=args.force)
    for path in written:
        print(f"wrote {path}")
    print(f"export took {time.perf_counter() - t0:.2f}s")
    return 0


def _cmd_whatif(args: argparse.Namespace) -> int:
    """pipelines.whatif's command, after the same checks as the export: --out must be an existing folder or a new
    one inside an existing folder, and what-if files already there are kept unless --force."""
    from .whatif import main_cli

    if args.out:
        folder = Path(args.out)
        existing = sorted(folder.glob("whatif_*.csv")) if folder.is_dir() else []
        probe = existing or [folder / "whatif_figures.csv", folder / "whatif_gap_changes.csv"]
        export_target.check_targets(probe, args.force, default_folder=False)
    warehouse = Path(args.warehouse or paths.WAREHOUSE)
    export_target.open_warehouse(warehouse).close()
    try:
        return main_cli(args)
    except duckdb.Error as exc:
        raise export_target.warehouse_problem(exc, warehouse) from exc
    except OSError as exc:
        raise export_target.write_problem(exc, [Path(args.out or ".")]) from exc


def _cmd_manifest(args: argparse.Namespace) -> int:
    if args.update:
        n = manifest.update_checksums()
        print(f"updated sha256 of {n} files in {paths.SOURCES_MANIFEST}")
        if args.accept_changes:
            from . import runner

            observed: dict = {}
            with tempfile.TemporaryDirectory(prefix="atlas-counts-") as folder:
                runner.build(Path(folder) / "counts.duckdb", log=lambda _m: None, layers=("staging",),
                             accept_changes=True, observed=observed)
            changes = manifest.record_counts(observed)
            for line in changes:
                print(f"recorded {line}")
            print(f"recorded the counts of {len(changes)} changed files in {paths.SOURCES_MANIFEST}")
    else:
        checked = manifest.verify(manifest.load())
        print(f"{len(checked)} raw files match their sha256 in {paths.SOURCES_MANIFEST}")
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipelines", description=__doc__, allow_abbrev=False,
                                     epilog=export_target.EXIT_CODES_HELP,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", allow_abbrev=False, help="build data/warehouse/atlas.duckdb from the raw snapshots (atomic)")
    b.add_argument("--if-stale", action="store_true", help="build only if the warehouse is missing or older than its inputs")
    b.add_argument("--target", type=__import__("pathlib").Path, default=None, help="write the warehouse here instead")
    b.add_argument("--accept-changes", action="store_true",
                   help="build even if a raw snapshot has far fewer rows or other totals than data/sources.yml "
                        "recorded (the differences are printed)")
    b.add_argument("--wait", action="store_true", help="if another build is running, wait for it instead of stopping")
    b.set_defaults(func=_cmd_build)

    r = sub.add_parser("report", allow_abbrev=False, help="write the data-quality report (Markdown and HTML) from the warehouse")
    r.add_argument("--warehouse", type=__import__("pathlib").Path, default=paths.WAREHOUSE)
    r.add_argument("--out", type=__import__("pathlib").Path, default=paths.REPORTS)
    r.set_defaults(func=_cmd_report)

    e = sub.add_parser("export", allow_abbrev=False, help="export regions, gaps, partner suggestions and unaligned competences",
                       epilog=export_target.EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    e.add_argument("--country", default=None, help="two-letter country code (Eurostat: EL for Greece); omit for EU-wide")
    e.add_argument("--format", choices=["csv", "xlsx", "parquet"], default="xlsx")
    e.add_argument("--out", type=__import__("pathlib").Path, default=None,
                   help="output file or existing folder (xlsx), existing folder (csv, parquet); default exports/")
    e.add_argument("--force", action="store_true", help="overwrite files that already exist")
    e.add_argument("--warehouse", type=__import__("pathlib").Path, default=paths.WAREHOUSE)
    e.set_defaults(func=_cmd_export)

    m = sub.add_parser("manifest", allow_abbrev=False, help="verify raw files against data/sources.yml (or --update the checksums)")
    m.add_argument("--update", action="store_true", help="record the sha256 of every raw file as it is now")
    m.add_argument("--accept-changes", action="store_true",
                   help="with --update: also record each file's data rows and key totals (read by the staging layer)")
    m.set_defaults(func=_cmd_manifest)

    from .whatif import MODES  # what-if uploads (pipelines/whatif.py, docs/whatif.md)
    w = sub.add_parser("whatif", allow_abbrev=False,
                       help="recompute alignment, gaps and partners with your own priorities or hubs",
                       epilog=export_target.EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    wf = w.add_mutually_exclusive_group(required=True)
    wf.add_argument("--priorities", help="CSV or Excel file: nuts_code, title, description, domains")
    wf.add_argument("--hubs", help="CSV or Excel file: name, address or nuts_code, served_nuts_codes, competences")
    w.add_argument("--mode", choices=MODES, default="replace", help="replace the territory's own 2021-2027 list, or add")
    w.add_argument("--out", default=None, help="folder for the before/after CSV files (an existing folder, or a new "
                                               "one inside an existing folder)")
    w.add_argument("--force", action="store_true", help="overwrite what-if files already in --out")
    w.add_argument("--warehouse", default=None)
    w.set_defaults(func=_cmd_whatif)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except WarehouseProblem as exc:
        return _fail(exc, exc.exit_code)
    except BuildLocked as exc:
        return _fail(exc, EXIT_BUSY)
    except ExportError as exc:
        return _fail(exc, EXIT_OUTPUT)
    except PipelineError as exc:
        return _fail(exc, EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        print("interrupted: the previous warehouse was left as it was", file=sys.stderr)
        return EXIT_INTERRUPTED


def _fail(exc: Exception, code: int) -> int:
    print(f"error: {exc}", file=sys.stderr)
    return code
