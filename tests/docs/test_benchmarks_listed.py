"""Every benchmark runs in ``tox -e bench`` and is described in docs/benchmarks.md.

A benchmark left out of the environment is a figure nobody re-measures (bench_ncci.py
was, until issue 14's last stop).
"""

from __future__ import annotations

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _bench_commands() -> str:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "tox.ini", encoding="utf-8")
    return parser["testenv:bench"]["commands"]


def test_every_benchmark_is_run_by_the_bench_environment_and_documented() -> None:
    benchmarks = sorted(p.name for p in (ROOT / "benchmarks").glob("bench_*.py"))
    assert "bench_ncci.py" in benchmarks
    commands = _bench_commands()
    page = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    missing = [name for name in benchmarks if f"python benchmarks/{name}" not in commands]
    assert missing == [], f"not in tox.ini's [testenv:bench] commands: {missing}"
    undocumented = [name for name in benchmarks if f"benchmarks/{name}" not in page]
    assert undocumented == [], f"not described in docs/benchmarks.md: {undocumented}"
