"""Speed and memory benchmarks: `python -m benchmarks` runs every benchmarks/bench_*.py that defines main()."""
