"""Broken plugins: each fault is reported by the plugin's name and the rest go on.

Faults injected: a plugin that fails to import (found through a real entry point), a
hook that raises, a rule that raises on some claims, a rule that yields something that is
not a valid hit, and contributions of the wrong shape.  With strict loading
(``Engine.build(strict=True)`` or ``CLEANCLAIM_STRICT_PLUGINS=1``) a load failure is fatal,
and the command line turns it into exit 2 without a traceback.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hardening_support import CLEAN, assert_no_traceback, cli, write_json

from cleanclaim.context import ClaimContext
from cleanclaim.contributions import Hit, Rule
from cleanclaim.engine import Engine, EngineBuildError
from cleanclaim.plugin import PLUGIN_API, hookimpl
from cleanclaim.plugin.hookspecs import PluginInfo
from cleanclaim.plugin.host import PluginLoadError

BROKEN = "hardening-broken-import"


@pytest.fixture(
    params=[
        ("import a_module_that_is_not_installed_anywhere", "ModuleNotFoundError"),
        ("raise SystemExit(3)", "SystemExit"),
        ("1 / 0", "ZeroDivisionError"),
    ],
    ids=["missing-dependency", "sys-exit", "error-on-import"],
)
def broken_distribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Path:
    """A throwaway installed distribution whose ``cleanclaim`` entry point cannot import.

    A ``*.dist-info`` folder on ``sys.path`` is all importlib.metadata needs to find it, so
    the engine discovers it exactly as it would a pip-installed third-party plugin.
    """
    site = tmp_path / "site"
    info = site / "cleanclaim_hardening_broken-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: cleanclaim-hardening-broken\nVersion: 0.1\n"
    )
    (info / "entry_points.txt").write_text(
        f"[cleanclaim]\n{BROKEN} = cleanclaim_hardening_broken\n"
    )
    body, error = request.param
    (site / "cleanclaim_hardening_broken.py").write_text(body + "\n")
    (site / "expected_error.txt").write_text(error)
    monkeypatch.syspath_prepend(str(site))
    sys.modules.pop("cleanclaim_hardening_broken", None)
    monkeypatch.delenv("CLEANCLAIM_STRICT_PLUGINS", raising=False)
    return site


def test_plugin_that_fails_to_import_is_reported_and_the_rest_load(
    broken_distribution: Path,
) -> None:
    engine = Engine.build()
    failures = {f.name: f for f in engine.load_failures}
    assert BROKEN in failures
    failure = failures[BROKEN]
    assert failure.distribution == "cleanclaim-hardening-broken" and failure.version == "0.1"
    assert (broken_distribution / "expected_error.txt").read_text() in failure.error
    loaded = {p.name for p in engine.plugins}
    assert {"core", "physical-therapy", "chiropractic", "primary-care", "urology"} <= loaded
    assert engine.check(CLEAN).status == "clean"


def test_strict_loading_makes_an_import_failure_fatal(
    broken_distribution: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(PluginLoadError, match=BROKEN):
        Engine.build(strict=True)
    monkeypatch.setenv("CLEANCLAIM_STRICT_PLUGINS", "1")
    with pytest.raises(PluginLoadError, match=r"cleanclaim-hardening-broken 0\.1"):
        Engine.build()


def test_command_line_warns_or_refuses(broken_distribution: Path, tmp_path: Path) -> None:
    claim = write_json(tmp_path / "claim.json", CLEAN)
    env = {"PYTHONPATH": str(broken_distribution)}
    lenient = cli("check", str(claim), cwd=tmp_path, env=env)
    err = lenient.stderr.decode()
    assert_no_traceback(err)
    assert lenient.returncode == 0 and f"plugin {BROKEN}" in err and "not loaded" in err, err
    strict = cli("check", str(claim), cwd=tmp_path, env={**env, "CLEANCLAIM_STRICT_PLUGINS": "1"})
    err = strict.stderr.decode()
    assert_no_traceback(err)
    assert strict.returncode == 2 and BROKEN in err and err.count("\n") == 1, err
    assert strict.stdout == b""


# -- plugins registered directly (hermetic) ---------------------------------------------------


def _plugin(name: str, **hooks: Callable[[], Any]) -> types.ModuleType:
    """A plugin module with ``cleanclaim_plugin_info`` and the given hook bodies."""
    module = types.ModuleType(name)

    def cleanclaim_plugin_info() -> PluginInfo:
        return PluginInfo(name=name, api=PLUGIN_API, rule_prefix="HX")

    module.cleanclaim_plugin_info = hookimpl(cleanclaim_plugin_info)  # type: ignore[attr-defined]
    for short, body in hooks.items():
        hook_name = f"cleanclaim_{short}"
        body.__name__ = hook_name
        setattr(module, hook_name, hookimpl(body))
    return module


def _rule(rule_id: str, check: Callable[[ClaimContext, Mapping[str, Any]], Any]) -> Rule:
    return Rule(
        id=rule_id,
        name=f"hardening-{rule_id.lower()}",
        summary="test rule",
        why="fault injection",
        example="-",
        fix="-",
        reference="tests/hardening",
        check=check,
    )


def _boom() -> Any:
    raise RuntimeError("hook exploded")


def _fine_rules() -> list[Rule]:
    def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
        yield Hit("fine rule ran", "diagnoses[0]", severity="info")

    return [_rule("HX100", check)]


def test_hook_that_raises_is_reported_and_its_other_hooks_still_load() -> None:
    plugin = _plugin("hx-raiser", procedures=_boom, rules=_fine_rules)
    engine = Engine.build([plugin], installed=False)
    problems = [(p.plugin, p.hook) for p in engine.problems]
    assert ("hx-raiser", "cleanclaim_procedures") in problems
    assert any("hook exploded" in p.error for p in engine.problems)
    assert "HX100" in engine.rules
    assert "HX100" in {f.rule for f in engine.check(CLEAN).findings}
    with pytest.raises(EngineBuildError, match="hx-raiser: cleanclaim_procedures"):
        Engine.build([plugin], installed=False, strict=True)


def test_plugin_info_that_raises_is_reported() -> None:
    plugin = _plugin("hx-noinfo", rules=_fine_rules)

    def cleanclaim_plugin_info() -> PluginInfo:
        raise ValueError("no info today")

    plugin.cleanclaim_plugin_info = hookimpl(cleanclaim_plugin_info)  # type: ignore[attr-defined]
    engine = Engine.build([plugin], installed=False)
    assert any(p.hook == "cleanclaim_plugin_info" for p in engine.problems)
    assert engine.check(CLEAN).status == "clean"


@pytest.mark.parametrize(
    ("hook", "result"),
    [
        ("pairings", [{"bogus": 1}]),
        ("pairings", 42),
        ("procedures", ["97110"]),
        ("unit_limits", [{"code": "97110", "limit": "many"}]),
        ("rules", ["not a rule"]),
        ("rules", [None]),
        ("synonyms", [{"term": "spasm", "means": "not a list", "extra": True}]),
    ],
)
def test_malformed_contributions_are_reported_by_name(hook: str, result: Any) -> None:
    plugin = _plugin("hx-malformed", **{hook: lambda: result})
    engine = Engine.build([plugin], installed=False)
    assert [(p.plugin, p.hook) for p in engine.problems] == [("hx-malformed", f"cleanclaim_{hook}")]
    assert engine.check(CLEAN).status == "clean"  # the kernel still checks claims
    with pytest.raises(EngineBuildError, match="hx-malformed"):
        Engine.build([plugin], installed=False, strict=True)


def _flaky_rules() -> list[Rule]:
    def crashes_on_m54(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
        if any(code.startswith("M54") for code in ctx.diagnoses):
            raise ZeroDivisionError("division by the claim")
        yield from ()

    def yields_junk(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Any]:
        if "S39.012A" in ctx.diagnoses:
            yield "a string, not a Hit"
        if "M99.03" in ctx.diagnoses:
            yield Hit("bad severity", "diagnoses[0]", severity="fatal")  # type: ignore[arg-type]

    return [_rule("HX201", crashes_on_m54), _rule("HX202", yields_junk)]


@pytest.mark.parametrize(
    ("diagnoses", "rule"),
    [(["M54.50"], "HX201"), (["S39.012A"], "HX202"), (["M99.03"], "HX202")],
)
def test_rule_failing_on_some_claims_gives_eng001_and_the_claim_a_report(
    diagnoses: list[str], rule: str
) -> None:
    engine = Engine.build([_plugin("hx-flaky", rules=_flaky_rules)], installed=False)
    assert engine.check(CLEAN).findings == []  # the rule is quiet on other claims
    report = engine.check({**CLEAN, "diagnoses": diagnoses})
    crashes = [f for f in report.findings if f.rule == "ENG001"]
    assert len(crashes) == 1, report.findings
    assert rule in crashes[0].message and "hx-flaky" in crashes[0].message
    assert report.status == "error"
    # the kernel's own rules still ran on the same claim
    plain = Engine.build(installed=False).check({**CLEAN, "diagnoses": diagnoses})
    assert {f.rule for f in plain.findings} <= {f.rule for f in report.findings}
    report.model_dump_json()
