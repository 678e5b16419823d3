"""Throughput and memory of checking claims; prints figures, asserts nothing.

    python benchmarks/bench_check.py            # the figures docs/benchmarks.md records
    python benchmarks/bench_check.py --quick    # smaller inputs, a rough check in seconds

What it measures, on seeded synthetic claims (:mod:`cleanclaim.synth`, the default mix,
the four bundled plugins loaded):

1. ``engine.check`` in-process on one core, after a warm-up pass (datasets loaded);
2. ``cleanclaim check --batch`` end to end (process start, engine build, JSONL in, JSONL
   out) with ``--workers 1`` and ``--workers 2``, and the speed-up of two over one;
3. peak resident memory of the batch command for inputs of 10,000, 100,000 and 1,000,000
   claims: flat memory means the figures are close.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cleanclaim.config import Config
from cleanclaim.synth import FISCAL_YEARS, generate, generate_lines

#: exactly the four bundled plugins, whatever else is installed (a template, a third party).
PLUGINS = ("physical-therapy", "chiropractic", "primary-care", "urology")


def _write_claims(path: Path, n: int, seed: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for line in generate_lines(n, seed):
            out.write(line + "\n")


def bench_engine(n: int, seed: int) -> float:
    """Claims per second through ``Engine.check`` on dicts, one thread."""
    from cleanclaim.engine import Engine, InputError

    engine = Engine.build(config=Config(plugins=PLUGINS))
    assert {p.name for p in engine.plugins} == {"core", *PLUGINS}, engine.plugins
    claims = list(generate(n, seed))
    for claim in claims[: min(n, 3000)]:  # warm-up: load the fiscal years, fill caches
        engine.check(claim)
    best = 0.0
    for _ in range(3):
        started = time.perf_counter()
        for claim in claims:
            with contextlib.suppress(InputError):
                engine.check(claim)
        best = max(best, n / (time.perf_counter() - started))
    return best


#: Runs the command and prints its peak RSS.  A separate small launcher, because Linux
#: carries a process's peak RSS across fork and exec: started straight from this (large)
#: benchmark process, the command would report this process's peak instead of its own.
_LAUNCHER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:], stderr=subprocess.DEVNULL)
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def run_cli(source: Path, workers: int, config: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB, the largest process) of one batch run."""
    command = [
        sys.executable,
        "-m",
        "cleanclaim",
        "check",
        "--batch",
        str(source),
        "--output",
        os.devnull,
        "--workers",
        str(workers),
        "--config",
        str(config),
    ]
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *command], capture_output=True, text=True, check=True
    ).stdout
    elapsed = time.perf_counter() - started
    code, rss = (int(x) for x in out.split())
    if code not in (0, 1):
        raise SystemExit(f"cleanclaim exited {code} on {source}")
    return elapsed, rss


def main() -> int:
    parser = argparse.ArgumentParser(description="cleanclaim check throughput and memory")
    parser.add_argument("--quick", action="store_true", help="small inputs (rough figures)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    # The batch runs use a night's worth of claims: process start, engine build and the
    # first loads of every packaged fiscal year (about a second) are included, as a user
    # sees them, but do not dominate as they would in a few seconds' run.
    n_engine, n_cli, memory_sizes = (
        (3000, 20000, (2000, 20000)) if args.quick else (20000, 200000, (10000, 100000, 1000000))
    )
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, {platform.platform()}")
    # the claims' dates cover every packaged fiscal year, today's (the most claims) included
    print("claims dated in " + ", ".join(f"FY{fy} {a}..{b}" for fy, (a, b) in FISCAL_YEARS.items()))
    rate = bench_engine(n_engine, args.seed)
    print(f"engine.check, 1 core, in-process: {rate:10,.0f} claims/s  ({n_engine:,} claims)")
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "cleanclaim.toml"
        config.write_text(f"plugins = {list(PLUGINS)!r}\n".replace("'", '"'), encoding="utf-8")
        cli_file = Path(tmp) / "claims.jsonl"
        _write_claims(cli_file, n_cli, args.seed)
        rates = {}
        for workers in (1, 2):
            # best of three: other processes on the machine only ever slow a run down
            elapsed = min(run_cli(cli_file, workers, config)[0] for _ in range(3))
            rates[workers] = n_cli / elapsed
            print(
                f"check --batch --workers {workers}, end to end: {rates[workers]:10,.0f} claims/s"
                f"  ({n_cli:,} claims, {elapsed:.2f} s)"
            )
        print(f"speed-up, 2 workers over 1: {rates[2] / rates[1]:.2f}x")
        for n in memory_sizes:
            path = Path(tmp) / f"claims-{n}.jsonl"
            _write_claims(path, n, args.seed)
            for workers in (1, 2):
                _, rss = run_cli(path, workers, config)
                print(f"peak RSS, {n:>9,} claims, --workers {workers}: {rss / 1024:8.1f} MiB")
            path.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
