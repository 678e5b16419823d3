"""The plugin template (examples/plugin-template) works as an installed distribution.

tox's ``tests`` environment installs it (``-e examples/plugin-template``); these tests prove
that the distribution is discovered through its entry point by ``Engine.build()``, that its
rule fires and keeps quiet where it should, that its own test-suite passes, and that
installing it changes the outcome of none of the shared conformance cases.
"""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import PackageNotFoundError, distribution, entry_points
from pathlib import Path

import pytest

from cleanclaim.engine import Engine
from cleanclaim.testing import case_files, load_case, run_case_engine

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "examples" / "plugin-template"
DIST = "cleanclaim-occupational-therapy"
NAME = "occupational-therapy"

try:
    distribution(DIST)
except PackageNotFoundError:  # pragma: no cover - depends on the environment
    pytest.fail(
        f"{DIST} is not installed: pip install -e examples/plugin-template "
        "(tox's tests environment does this)",
        pytrace=False,
    )


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.build(strict=True)


def _claim(payer: str, modifiers: list[str]) -> dict[str, object]:
    return {
        "date_of_service": "2026-05-12",
        "payer": payer,
        "specialty": NAME,
        "diagnoses": ["I69.351"],
        "lines": [{"procedure": "97166", "modifiers": modifiers, "diagnosis_pointers": [1]}],
        "documentation": {"objective_findings": ["grip strength right 8 kg, left 26 kg"]},
    }


def test_entry_point_is_registered_by_the_distribution() -> None:
    points = [ep for ep in entry_points(group="cleanclaim") if ep.name == NAME]
    assert len(points) == 1
    assert points[0].value == "cleanclaim_occupational_therapy.plugin"
    assert points[0].dist is not None and points[0].dist.name == DIST


def test_engine_build_discovers_it(engine: Engine) -> None:
    record = next(p for p in engine.plugins if p.name == NAME)
    assert record.version == "0.1.0"
    assert record.rules == ("OT101", "OT102")
    assert engine.rules["OT101"].source == NAME
    assert not [p for p in engine.problems if p.plugin == NAME]


def test_rule_fires_for_medicare_without_go(engine: Engine) -> None:
    findings = [f for f in engine.check(_claim("medicare", [])).findings if f.rule == "OT101"]
    assert len(findings) == 1
    assert findings[0].source == NAME and findings[0].suggestions == ["GO"]
    assert findings[0].location == "lines[0].modifiers"


@pytest.mark.parametrize(
    ("payer", "modifiers"), [("medicare", ["GO"]), ("commercial", []), ("acme", [])]
)
def test_rule_keeps_quiet(engine: Engine, payer: str, modifiers: list[str]) -> None:
    report = engine.check(_claim(payer, modifiers))
    assert "OT101" not in {f.rule for f in report.findings}


def test_an_allowlist_without_it_leaves_it_out() -> None:
    from cleanclaim.config import Config

    engine = Engine.build(config=Config(plugins=("physical-therapy",)))
    assert "OT101" not in engine.rules


CASES = ROOT / "tests" / "conformance"
CONFORMANCE = [
    p
    for p in case_files(CASES / "kernel", CASES / "plugins")
    if isinstance(load_case(p).get("claim"), dict)
]


@pytest.fixture(scope="module")
def engine_without(engine: Engine) -> Engine:
    """The same installed plugins, minus the template (by allowlist)."""
    from cleanclaim.config import Config

    others = tuple(p.name for p in engine.plugins if p.name != NAME)
    return Engine.build(config=Config(plugins=others), strict=True)


@pytest.mark.parametrize("path", CONFORMANCE, ids=lambda p: p.name)
def test_conformance_outcome_unchanged(engine: Engine, engine_without: Engine, path: Path) -> None:
    """Installing the template changes no shared claim case: same pass, same report."""
    from cleanclaim.engine import InputError

    case = load_case(path)
    assert run_case_engine(engine, case) == []
    try:
        with_it = engine.check(case["claim"]).model_dump(mode="json")
    except InputError:
        with pytest.raises(InputError):
            engine_without.check(case["claim"])
        return
    assert with_it == engine_without.check(case["claim"]).model_dump(mode="json")


def test_template_own_tests_pass() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(TEMPLATE / "tests")],
        capture_output=True,
        text=True,
        cwd=TEMPLATE,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
