"""End-to-end ``check --batch`` and cold start, stage by stage; prints figures, asserts nothing.

    python benchmarks/bench_e2e.py              # the figures docs/benchmarks.md records
    python benchmarks/bench_e2e.py --quick      # 6,000 claims, fewer runs: a rough look
    python benchmarks/bench_e2e.py --stages     # only the in-process stage breakdown

Two inputs of 60,000 claims, written to a temporary folder and removed afterwards:

* ``conformance``: the claims of the conformance cases (``tests/conformance/**``, the
  cases whose ``claim`` is an object), repeated in order: many findings, a few records
  that no dataset serves (``invalid`` lines);
* ``synthetic``: the seeded mix of :mod:`cleanclaim.synth` (seed 7, the default faults).

For each it prints

1. ``cleanclaim check --batch`` as a user runs it (a new process: interpreter, imports,
   engine build, every fiscal year's first load, JSONL in and out) with ``--workers 1``
   and ``--workers 2``: claims per second (best of the runs: other processes on a shared
   machine only ever slow a run down), the speed-up of two over one, and the peak RSS of
   the largest process;
2. microseconds per claim per stage, measured in one process over the same claims after
   a warm-up (so no first loads): read (the batch's JSONL reader), parse and validate
   (the record to a ``Claim``), plan (dataset, context, rule plan), rules (the rules and
   their findings), report (the ``Report`` object), encode (its JSON line) and write
   (joining a chunk and writing it to ``/dev/null``).  The stages are timed one at a
   time over the whole input, so the timer's own cost is not in them; their sum is a
   little under the end-to-end figure (which adds process start and the tallies).

and the cold start: ``cleanclaim check claim.json`` and ``cleanclaim code M62.830``
(wall, best of the runs), ``python -X importtime``'s largest imports of each, the engine
build and the first check of a claim of each fiscal year (its dataset's first load).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import glob
import inspect
import io
import itertools
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: exactly the four bundled plugins, whatever else is installed (a template, a third party).
PLUGINS = ("physical-therapy", "chiropractic", "primary-care", "urology")

#: Runs the command and prints its exit status and peak RSS (KiB, the largest process).
#: A separate small launcher: Linux carries a process's peak RSS across fork and exec, so
#: started from this benchmark the command would report this process's peak instead.
_LAUNCHER = """
import resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
elapsed = time.perf_counter() - started
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, elapsed)
"""


def conformance_claims() -> list[str]:
    """The conformance cases' claims (objects only), as JSONL lines, in file order."""
    lines = []
    for path in sorted(
        glob.glob(str(ROOT / "tests" / "conformance" / "**" / "*.json"), recursive=True)
    ):
        case = json.loads(Path(path).read_text(encoding="utf-8"))
        if isinstance(case.get("claim"), dict):
            lines.append(json.dumps(case["claim"]))
    return lines


def write_inputs(folder: Path, n: int) -> dict[str, Path]:
    from cleanclaim.synth import generate_lines

    paths = {"conformance": folder / "conformance.jsonl", "synthetic": folder / "synthetic.jsonl"}
    with paths["conformance"].open("w", encoding="utf-8") as out:
        for line in itertools.islice(itertools.cycle(conformance_claims()), n):
            out.write(line + "\n")
    with paths["synthetic"].open("w", encoding="utf-8") as out:
        for line in generate_lines(n, 7):
            out.write(line + "\n")
    return paths


#: the commands run as an installed cleanclaim runs: with its bytecode cached (a shell
#: that sets PYTHONDONTWRITEBYTECODE would have every start compile every module again).
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def launch(command: list[str]) -> tuple[int, float, int]:
    """Exit status, wall seconds and peak RSS (KiB) of one run of ``command``."""
    out = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *command],
        capture_output=True,
        text=True,
        check=True,
        env=_ENV,
    ).stdout
    code, rss, elapsed = out.split()
    return int(code), float(elapsed), int(rss)


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "cleanclaim", *args]


def bench_batch(source: Path, config: Path, n: int, runs: int) -> None:
    rates: dict[int, float] = {}
    for workers in (1, 2):
        best, peak = float("inf"), 0
        for _ in range(runs):
            code, elapsed, rss = launch(
                cli(
                    "check",
                    "--batch",
                    str(source),
                    "--output",
                    os.devnull,
                    "--workers",
                    str(workers),
                    "--config",
                    str(config),
                )
            )
            if code not in (0, 1):
                raise SystemExit(f"cleanclaim exited {code} on {source}")
            best, peak = min(best, elapsed), max(peak, rss)
        rates[workers] = n / best
        print(
            f"  check --batch --workers {workers}: {rates[workers]:8,.0f} claims/s"
            f"  ({best:.2f} s, best of {runs}), peak RSS {peak / 1024:6.1f} MiB"
        )
    print(f"  speed-up, 2 workers over 1: {rates[2] / rates[1]:.2f}x")


# -- stages, in one process ---------------------------------------------------------------


def _timed(fn: Callable[[], Any]) -> float:
    # CPU time of this process: on a shared machine, wall time counts the others' work too.
    # What the stages keep between them (60,000 claims, then their reports) is frozen out
    # of the cycle collector's reach first: the batch keeps none of it, and its rescans
    # of ever longer lists made parse+validate look four times its cost (50 us a claim
    # instead of 13, measured).
    gc.collect()
    gc.freeze()
    try:
        started = time.process_time()
        fn()
        return time.process_time() - started
    finally:
        gc.unfreeze()


def bench_stages(source: Path, config_path: Path) -> None:
    """Microseconds per claim of each stage of the batch's hot loop, over ``source``."""
    from cleanclaim.cli import batch
    from cleanclaim.config import Config
    from cleanclaim.context import ClaimContext
    from cleanclaim.engine import Engine, InputError, _dataset_used
    from cleanclaim.models import Claim, Report, trusted

    engine = Engine.build(config=Config.load(config_path))
    raw = source.read_bytes()
    n = raw.count(b"\n")

    def read() -> list[tuple[int, bytes]]:
        records = []
        for block in batch._jsonl_blocks(io.BytesIO(raw), batch.CHUNK):
            for record in block:
                records.append((record[0], record[1]))
        return records

    records = read()
    takes_number = "number" in inspect.signature(batch._parse).parameters  # older batch.py

    def parse(number: int, line: bytes) -> Any:
        return batch._parse(number, line) if takes_number else batch._parse(line)

    validate = Claim.__pydantic_validator__.validate_python

    def parse_validate(keep: bool = True) -> list[Claim | None]:
        out: list[Claim | None] = []
        for number, line in records:
            data = parse(number, line)
            if isinstance(data, Claim):
                claim: Claim | None = data
            else:
                try:
                    claim = validate(data) if isinstance(data, dict) else None
                except Exception:
                    claim = None
            if keep:
                out.append(claim)
        return out

    claims = [c for c in parse_validate() if c is not None]
    servable = []
    for claim in claims:  # warm-up: every fiscal year loaded, caches filled
        with contextlib.suppress(InputError):
            engine.check(claim)
            servable.append(claim)
    selection = engine.selection

    def plan() -> None:
        for claim in servable:
            dataset = engine.datasets.for_date(claim.date_of_service)
            payer = claim.payer or engine.config.default_payer
            profile = selection.profile_of(payer)
            ctx = ClaimContext(claim, dataset, engine.tables, payer, profile, engine.datasets)
            selection.plan_for(profile, claim.date_of_service, ctx.procedure_codes)

    reports: list[Report] = []

    def check() -> None:
        reports.clear()
        for claim in servable:
            reports.append(engine.check(claim))

    def report() -> None:
        for claim, rep in zip(servable, reports, strict=True):
            trusted(
                Report,
                claim_id=claim.claim_id,
                status=rep.status,
                dataset=_dataset_used(engine.datasets.for_date(claim.date_of_service).info),
                findings=list(rep.findings),
                payer=engine.payer_used(claim.payer),
                cleanclaim_version=rep.cleanclaim_version,
                schema_version=rep.schema_version,
                input=None,
            )

    lines: list[str] = []

    def encode() -> None:
        lines.clear()
        for rep in reports:
            lines.append(rep.model_dump_json())

    def write() -> None:
        with open(os.devnull, "wb") as out:
            for start in range(0, len(lines), batch.CHUNK):
                out.write(("\n".join(lines[start : start + batch.CHUNK]) + "\n").encode("utf-8"))

    times = {
        name: min(_timed(fn) for _ in range(3))
        for name, fn in (
            ("read", read),
            ("parse+validate", lambda: parse_validate(keep=False)),  # as the batch: kept by none
            ("plan", plan),
            ("check", check),
            ("report", report),
            ("encode", encode),
            ("write", write),
        )
    }
    per = {k: v / n * 1e6 for k, v in times.items()}
    # check = plan + rules + report; the rules are what is left
    share = len(servable) / n
    per["rules"] = max(per.pop("check") - per["plan"] - per["report"], 0.0)
    order = ("read", "parse+validate", "plan", "rules", "report", "encode", "write")
    print(f"  stages, microseconds per claim ({n:,} claims, {share:.0%} servable):")
    for name in order:
        print(f"    {name:<15} {per[name]:7.1f}")
    total = sum(per[name] for name in order)
    print(f"    {'sum':<15} {total:7.1f}  (= {1e6 / total:,.0f} claims/s in-process, one core)")


# -- cold start ---------------------------------------------------------------------------


def importtime(command: list[str], top: int) -> None:
    """``python -X importtime``: the total and the largest top-level packages (cumulative)."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", *command[1:]],
        capture_output=True,
        text=True,
        env=_ENV,
    )
    rows = []
    for line in run.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m and len(m.group(3)) == 1:  # a top-level import of the program
            rows.append((int(m.group(2)), m.group(4)))
    total = sum(us for us, _ in rows)
    largest = ", ".join(f"{name} {us / 1000:.0f}" for us, name in sorted(rows, reverse=True)[:top])
    print(f"    imports {total / 1000:.0f} ms; largest (ms): {largest}")


def bench_cold(folder: Path, config: Path, runs: int) -> None:
    claim = folder / "claim.json"
    claim.write_text(conformance_claims()[0], encoding="utf-8")
    for label, command in (
        ("check claim.json", cli("check", str(claim), "--config", str(config))),
        ("code M62.830", cli("code", "M62.830")),
        ("python -c pass", [sys.executable, "-c", "pass"]),
    ):
        best = min(launch(command)[1] for _ in range(runs))
        print(f"  {label:<17} {best * 1000:6.0f} ms (best of {runs})")
        if label != "python -c pass":
            importtime(command, 6)
    probe = (
        "import time; t=time.perf_counter();"
        "from cleanclaim.engine import Engine; from cleanclaim.config import Config;"
        "i=time.perf_counter();"
        f"e=Engine.build(config=Config(plugins={PLUGINS!r}));"
        "b=time.perf_counter(); import sys, json;"
        "claim=json.loads(sys.argv[1]); out=[]\n"
        "for fy, day in sorted(json.loads(sys.argv[2]).items()):\n"
        "    claim['date_of_service']=day; s=time.perf_counter(); e.check(claim)\n"
        "    out.append((fy, time.perf_counter()-s))\n"
        "print(json.dumps({'import': i-t, 'build': b-i, 'first': out}))"
    )
    from cleanclaim.synth import FISCAL_YEARS

    days = {fy: str(first) for fy, (first, _last) in FISCAL_YEARS.items()}
    best: dict[str, Any] | None = None
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", probe, conformance_claims()[0], json.dumps(days)],
            capture_output=True,
            text=True,
            check=True,
            env=_ENV,
        ).stdout
        got = json.loads(out)
        if best is None or got["build"] < best["build"]:
            best = got
    assert best is not None
    firsts = ", ".join(f"FY{fy} {s * 1000:.0f}" for fy, s in best["first"])
    print(
        f"  engine import {best['import'] * 1000:.0f} ms, build {best['build'] * 1000:.0f} ms;"
        f" first check per fiscal year (ms): {firsts}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description="end-to-end batch and cold start")
    parser.add_argument("--quick", action="store_true", help="6,000 claims, one run each")
    parser.add_argument("--stages", action="store_true", help="only the stage breakdown")
    parser.add_argument("-n", type=int, default=None, help="claims per input (60,000)")
    args = parser.parse_args()
    n = args.n or (6000 if args.quick else 60000)
    runs = 1 if args.quick else 3
    with (
        open("/proc/loadavg")
        if os.path.exists("/proc/loadavg")
        else contextlib.nullcontext(None) as f
    ):
        load = f.read().split()[:3] if f else ["?"]
    try:
        from cleanclaim.cli import fastjson

        fast = fastjson.orjson is not None
    except ImportError:  # a cleanclaim from before the fast path
        fast = False
    print("JSON decoding: " + ("orjson (the [fast] extra)" if fast else "standard library"))
    print(
        f"python {platform.python_version()}, {os.cpu_count()} cores, {platform.platform()},"
        f" load {' '.join(load)}, {date.today()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = folder / "cleanclaim.toml"
        config.write_text(
            "plugins = [" + ", ".join(f'"{p}"' for p in PLUGINS) + "]\n", encoding="utf-8"
        )
        inputs = write_inputs(folder, n)
        for name, path in inputs.items():
            print(f"{name} ({n:,} claims):")
            if not args.stages:
                bench_batch(path, config, n, runs)
            bench_stages(path, config)
        if not args.stages:
            print("cold start:")
            bench_cold(folder, config, max(runs, 3) + 2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
