"""`python -m benchmarks [name ...]`: run every benchmarks/bench_<name>.py that defines `main()` (or only those
named), each printing its figures next to a baseline measured in the same run. Exit code 1 if one raised."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def discover() -> list[str]:
    package = importlib.import_module("benchmarks")
    return sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("bench_"))


def run(name: str) -> bool:
    module = importlib.import_module(f"benchmarks.{name}")
    main = getattr(module, "main", None)
    if not callable(main):
        return True
    print(f"\n=== {name} ===", flush=True)
    t0 = time.perf_counter()
    try:
        result = main([]) if inspect.signature(main).parameters else main()
    except SystemExit as exc:
        result = exc.code
    except Exception:
        traceback.print_exc()
        return False
    print(f"--- {name} finished in {time.perf_counter() - t0:.1f} s", flush=True)
    return result in (None, 0)


def main(argv: list[str] | None = None) -> int:
    wanted = argv if argv is not None else sys.argv[1:]
    names = [n for n in discover() if not wanted or n in wanted or n.removeprefix("bench_") in wanted]
    if not names:
        print(f"no benchmark matches {wanted}; available: {', '.join(discover())}", file=sys.stderr)
        return 2
    failed = [n for n in names if not run(n)]
    if failed:
        print(f"\nbenchmarks that failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
