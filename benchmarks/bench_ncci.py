"""Official NCCI PTP files: parsing on every command vs the compiled cache.

The CMS practitioner PTP tables hold about 2 million active edits.  This writes a
synthetic file of that size in CMS's layout (the copyright and header lines, then tab-
separated rows: column 1, column 2, prior-to-1996 flag, effective date, deletion date,
modifier indicator, rationale; codes from a pool of 12,000 five-digit codes, several
rows per pair for some), and times in fresh interpreters:

* ``parse``: what every command did before the cache (``load_ptp_file``, all rows into
  ProcedureEdit objects, then the engine's dictionary);
* ``compile``: the first ``Engine.build`` with the file, cache empty (parse and write it);
* ``cached``: a later ``Engine.build`` with the file and the check of one claim;
* the same build and check without any NCCI file, for comparison.

Each figure is wall time and peak RSS (``ru_maxrss``) of its own process.  Run:
``python benchmarks/bench_ncci.py [--rows N] [--folder DIR]`` (2,000,000 rows by default:
a file of about 110 MB; the ``parse`` run needs several GB and a minute or more).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

HEADER = (
    "CPT only copyright 2025 American Medical Association. All rights reserved.\n"
    "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date "
    "*=no data\tModifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale\n"
)
RATIONALES = [
    "Mutually exclusive procedures",
    "Standards of medical / surgical practice",
    "CPT Manual or CMS manual coding instruction",
    "Misuse of column two code with column one code",
    "HCPCS/CPT procedure code definition",
    "More extensive procedure",
]


def write_ptp(path: Path, rows: int, seed: int = 7) -> None:
    """A CMS-shaped PTP file of ``rows`` rows; 97140/97530 among them (the claim below)."""
    rng = random.Random(seed)
    pool = [f"{n:05d}" for n in rng.sample(range(10000, 99999), 12000)]
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(HEADER)
        out.write("97140\t97530\t\t20200101\t*\t1\tMutually exclusive procedures\n")
        written = 1
        while written < rows:
            first, second = rng.choice(pool), rng.choice(pool)
            year = rng.randint(1996, 2025)
            prior = "*" if year == 1996 else ""
            if rng.random() < 0.1 and written + 1 < rows:  # a deleted row and its successor
                out.write(
                    f"{first}\t{second}\t{prior}\t{year}0101\t{year + 1}0101\t0\t"
                    f"{rng.choice(RATIONALES)}\n"
                )
                written += 1
                year += 1
            out.write(
                f"{first}\t{second}\t{prior}\t{year}0101\t*\t{rng.choice('019')}\t"
                f"{rng.choice(RATIONALES)}\n"
            )
            written += 1


PARSE = """
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
from cleanclaim.ncci import load_ptp_file
table = {}
for edit in load_ptp_file(Path(sys.argv[1])):
    table.setdefault((edit.column1, edit.column2), []).append(edit)
print(json.dumps({"seconds": time.perf_counter() - t0, "pairs": len(table),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

BUILD = """
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
from cleanclaim.config import Config
from cleanclaim.engine import Engine
engine = Engine.build(config=Config(ncci_ptp=(Path(sys.argv[1]),)), installed=False)
report = engine.check({"claim_id": "B", "date_of_service": "2026-05-12", "diagnoses": ["M62.830"],
    "lines": [{"procedure": "97140", "units": 1, "diagnosis_pointers": [1]},
              {"procedure": "97530", "units": 1, "diagnosis_pointers": [1]}]})
edits = engine.tables.edits_for("97140", "97530")
print(json.dumps({"seconds": time.perf_counter() - t0, "edits": len(edits),
                  "rules": sorted({f.rule for f in report.findings}),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

BASELINE = """
import json, resource, time
t0 = time.perf_counter()
from cleanclaim.engine import Engine
engine = Engine.build(installed=False)
report = engine.check({"claim_id": "B", "date_of_service": "2026-05-12", "diagnoses": ["M62.830"],
    "lines": [{"procedure": "97140", "units": 1, "diagnosis_pointers": [1]},
              {"procedure": "97530", "units": 1, "diagnosis_pointers": [1]}]})
print(json.dumps({"seconds": time.perf_counter() - t0,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(script: str, *argv: str, env: dict[str, str]) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", script, *argv],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
    ).stdout
    result: dict[str, object] = json.loads(out)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--skip-parse", action="store_true", help="leave out the slow run")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="cleanclaim-bench-ncci-"))
    folder.mkdir(parents=True, exist_ok=True)
    ptp = folder / "ptp.txt"
    write_ptp(ptp, args.rows)
    env = {"XDG_CACHE_HOME": str(folder / "cache")}
    size = ptp.stat().st_size / 1024 / 1024
    print(f"file: {args.rows:,} rows, {size:.0f} MiB")
    print("engine without NCCI files:", run(BASELINE, env=env))
    if not args.skip_parse:
        print("parse (before the cache):", run(PARSE, str(ptp), env=env))
    print("compile (first build):   ", run(BUILD, str(ptp), env=env))
    for _ in range(3):
        print("cached (later build):    ", run(BUILD, str(ptp), env=env))
    cached = sorted((folder / "cache").rglob("ptp-*"))
    print("cache:", ", ".join(f"{p.stat().st_size / 1024 / 1024:.0f} MiB" for p in cached))


if __name__ == "__main__":
    main()
