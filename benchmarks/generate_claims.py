"""Write N synthetic claims as JSONL to standard output.

    python benchmarks/generate_claims.py 100000 --seed 7 > claims.jsonl
    python benchmarks/generate_claims.py 1000 --malformed 0.02 > with-bad-records.jsonl

The claims come from :func:`cleanclaim.synth.generate_lines`: the same N and seed always
give the same file, so benchmark figures can be reproduced.
"""

from __future__ import annotations

import argparse
import sys

from cleanclaim.synth import generate_lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of claims")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--faults", type=float, default=0.35, help="share of faulty claims")
    parser.add_argument(
        "--malformed", type=float, default=0.0, help="share of records that are not valid claims"
    )
    args = parser.parse_args()
    if args.n < 0 or not 0 <= args.faults <= 1 or not 0 <= args.malformed <= 1:
        parser.error("N must be >= 0 and the shares between 0 and 1")
    out = sys.stdout
    for line in generate_lines(
        args.n, args.seed, fault_rate=args.faults, malformed_rate=args.malformed
    ):
        out.write(line + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
