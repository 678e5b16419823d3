"""Cold cost of one fiscal year: cleanclaim's compiled dataset vs simple-icd-10-cm's XML.

Each measurement runs in a fresh interpreter (nothing cached, nothing imported), timing
import + load + is_billable + lookup for a few codes, and reading peak RSS from
``resource.getrusage``.  Run: ``python benchmarks/bench_load.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

CODES = ["M62.830", "S39.012A", "M54.50", "T36.0X1A", "S06.307A"]

CLEANCLAIM = f"""
import json, resource, time
t0 = time.perf_counter()
from cleanclaim.icd import DatasetRegistry
ds = DatasetRegistry.packaged().for_fiscal_year(2026)
ok = [ds.is_billable(c) for c in {CODES!r}]
t1 = time.perf_counter()
info = [ds.lookup(c).description for c in {CODES!r}]
t2 = time.perf_counter()
print(json.dumps({{"first_ms": (t1 - t0) * 1e3, "lookup_ms": (t2 - t0) * 1e3,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "ok": all(ok)}}))
"""

SIMPLE = f"""
import json, resource, time
t0 = time.perf_counter()
import simple_icd_10_cm as cm
ok = [cm.is_leaf(c) for c in {CODES!r}]
t1 = time.perf_counter()
info = [cm.get_description(c) for c in {CODES!r}]
t2 = time.perf_counter()
print(json.dumps({{"first_ms": (t1 - t0) * 1e3, "lookup_ms": (t2 - t0) * 1e3,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "ok": all(ok)}}))
"""

BASELINE = """
import json, resource
print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(script: str, runs: int) -> dict[str, float]:
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        ).stdout
        results.append(json.loads(out))
    return {k: statistics.median(r[k] for r in results) for k in results[0] if k != "ok"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = measure(BASELINE, args.runs)
    cc = measure(CLEANCLAIM, args.runs)
    si = measure(SIMPLE, args.runs)
    print(f"interpreter baseline: peak RSS {base['rss_mb']:.1f} MB")
    print(f"{'':22}{'import+load+is_billable':>26}{'+lookup':>10}{'peak RSS':>12}")
    for name, r in (("cleanclaim FY2026", cc), ("simple-icd-10-cm 1.5.0", si)):
        print(f"{name:22}{r['first_ms']:>23.0f} ms{r['lookup_ms']:>7.0f} ms{r['rss_mb']:>9.1f} MB")
    above = (si["rss_mb"] - base["rss_mb"]) / (cc["rss_mb"] - base["rss_mb"])
    print(
        f"ratio (simple / cleanclaim): time x{si['lookup_ms'] / cc['lookup_ms']:.1f}, "
        f"peak RSS x{si['rss_mb'] / cc['rss_mb']:.1f} (above baseline x{above:.1f})"
    )


if __name__ == "__main__":
    main()
