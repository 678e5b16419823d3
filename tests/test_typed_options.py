"""Typed rule options: each rule's options model is the one place for names, types and
defaults; values from configuration and payer override files are validated when the
engine is built, and a bad one is refused naming the rule, the option and what it allows.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import Field

from cleanclaim.config import Config, ConfigError
from cleanclaim.context import ClaimContext
from cleanclaim.contributions import Hit, PayerOverride
from cleanclaim.engine import Engine
from cleanclaim.fixtures import plugin_of, stub_rule
from cleanclaim.options import RuleOptions, legacy_options

ROOT = Path(__file__).resolve().parents[1]
CLAIM = ROOT / "examples" / "claims" / "back-spasm-pt-medicare.json"
DAY = date(2026, 5, 12)


class TypedOptions(RuleOptions):
    """Options of the test rule: one of each kind."""

    source: Literal["diagnoses", "documentation", "both"] = Field(
        "both", description="Where to look."
    )
    strict: bool = Field(True, description="Report a warning as well.")
    limit: int = Field(3, ge=0, description="How many.")
    percent: float = Field(10, description="A share.")
    tags: tuple[str, ...] = Field(("cmt",), description="Procedure tags.")


SEEN: list[Any] = []


def _record(ctx: ClaimContext, options: TypedOptions) -> Iterator[Hit]:
    SEEN.append(options)
    return iter(())


def _plugin(overrides: tuple[PayerOverride, ...] = ()) -> object:
    rule = stub_rule("TYP101", check=_record, options=TypedOptions)
    return plugin_of("typed-fixture", "TYP", rules=[rule], payer_overrides=list(overrides))


def _build(tmp_path: Path, text: str, plugin: object | None = None) -> Engine:
    path = tmp_path / "cleanclaim.toml"
    path.write_text(text, encoding="utf-8")
    return Engine.build(plugins=[plugin or _plugin()], installed=False, config=Config.load(path))


@pytest.mark.parametrize(
    ("given", "says"),
    [
        (
            'source = "diagnosd"',
            "rules.TYP101.source: 'diagnosd' is not allowed; allowed: "
            "'diagnoses', 'documentation', 'both'",
        ),
        ('strict = "no"', "rules.TYP101.strict: 'no' is not true or false (the default is True)"),
        ("strict = 0", "rules.TYP101.strict: 0 is not true or false (the default is True)"),
        ('limit = "3"', "rules.TYP101.limit: '3' is not a whole number (the default is 3)"),
        ("limit = 2.5", "rules.TYP101.limit: 2.5 is not a whole number (the default is 3)"),
        ("limit = true", "rules.TYP101.limit: True is not a whole number (the default is 3)"),
        ("limit = -1", "rules.TYP101.limit: -1: Input should be greater than or equal to 0"),
        ('percent = "10"', "rules.TYP101.percent: '10' is not a number (the default is 10"),
        ('tags = "cmt"', "rules.TYP101.tags: 'cmt' is not a list (the default is ('cmt',))"),
        ("colour = 1", "rules.TYP101.colour: no such option of TYP101; allowed: limit, percent"),
    ],
)
def test_a_bad_value_names_rule_option_and_what_is_allowed(
    tmp_path: Path, given: str, says: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        _build(tmp_path, f"[rules.TYP101]\n{given}\n")
    assert f"cleanclaim.toml: {says}" in str(caught.value)


def test_good_values_reach_the_check_as_one_frozen_model(tmp_path: Path) -> None:
    engine = _build(
        tmp_path,
        '[rules.TYP101]\nsource = "documentation"\nstrict = false\nlimit = 0\n'
        'percent = 12.5\ntags = ["em"]\n',
    )
    SEEN.clear()
    for _ in range(2):
        engine.check({"date_of_service": "2026-05-12", "diagnoses": ["J06.9"]})
    first = SEEN[0]
    assert all(seen is first for seen in SEEN) and isinstance(first, TypedOptions)
    assert (first.source, first.strict, first.limit, first.percent, first.tags) == (
        "documentation",
        False,
        0,
        12.5,
        ("em",),
    )
    with pytest.raises(ValueError, match="frozen"):
        first.limit = 4  # type: ignore[misc]


def test_defaults_live_in_the_model() -> None:
    engine = Engine.build(plugins=[_plugin()], installed=False)
    [active] = [a for a in engine.active_rules("commercial", DAY) if a.rule.id == "TYP101"]
    assert active.options == TypedOptions()
    assert TypedOptions.defaults() == {
        "source": "both",
        "strict": True,
        "limit": 3,
        "percent": 10,
        "tags": ("cmt",),
    }
    assert engine.rules["TYP101"].rule.default_options() == TypedOptions()


def test_an_override_file_value_is_checked_at_build(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides.toml"
    overrides.write_text(
        '[[override]]\npayer = "medicare"\nrule = "TYP101"\nsource = "test"\n'
        '[override.options]\nstrict = "yes"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"options\.strict: 'yes' is not true or false"):
        _build(tmp_path, f'payer-overrides = ["{overrides}"]\n')


def test_a_plugin_override_with_a_bad_value_is_refused_at_build() -> None:
    bad = PayerOverride(payer="medicare", rule="TYP101", options={"limit": "many"}, source="x")
    with pytest.raises(ConfigError, match=r"options\.limit: 'many' is not a whole number"):
        Engine.build(plugins=[_plugin((bad,))], installed=False)


def test_a_plugin_override_value_applies_for_its_payer() -> None:
    good = PayerOverride(payer="medicare", rule="TYP101", options={"limit": 9}, source="x")
    engine = Engine.build(plugins=[_plugin((good,))], installed=False)
    limits = {
        profile: [
            a.options.limit for a in engine.active_rules(profile, DAY) if a.rule.id == "TYP101"
        ]
        for profile in ("medicare", "commercial")
    }
    assert limits == {"medicare": [9], "commercial": [3]}


def test_api1_mappings_are_translated_into_a_strict_model() -> None:
    model = legacy_options(
        "OLD101",
        {"method": "a", "on": True, "n": 10, "words": ["x"]},
        {"method": ("a", "b")},
        {"method": "How."},
    )
    assert model.docs()["method"] == "How."
    assert model.problem("OLD101", "method", "c") == "'c' is not allowed; allowed: 'a', 'b'"
    assert model.problem("OLD101", "on", "no") == "'no' is not true or false (the default is True)"
    assert model.problem("OLD101", "n", 2.5) is None  # API 1 took any number for a number
    assert model.problem("OLD101", "words", ["y"]) is None
    with pytest.raises(ValueError, match="defaults outside its choices"):
        legacy_options("OLD102", {"method": "z"}, {"method": ("a", "b")}, {})


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            '[rules.PT104]\ncount_claim_charges = "no"\n',
            "rules.PT104.count_claim_charges: 'no' is not true or false",
        ),
        (
            '[rules.PT102]\nde_minimis_percent = "ten"\n',
            "rules.PT102.de_minimis_percent: 'ten' is not a number",
        ),
    ],
)
def test_the_command_line_exits_2_on_a_bad_bool_or_number(
    tmp_path: Path, text: str, says: str
) -> None:
    config = tmp_path / "cleanclaim.toml"
    config.write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "cleanclaim", "check", str(CLAIM), "--config", str(config)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"cleanclaim: error: {config}: {says}"), proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_misspelt_region_source_is_refused_not_read_as_both() -> None:
    with pytest.raises(ConfigError) as caught:
        Engine.build(config=Config(rules={"DC104": {"region_source": "diagnosd"}}))
    assert (
        "rules.DC104.region_source: 'diagnosd' is not allowed; allowed: 'both', 'diagnosed', "
        "'documented', 'either'" in str(caught.value)
    )


def test_the_bundled_defaults_are_unchanged() -> None:
    """The defaults each bundled rule's model gives, as API 1 wrote them in option maps."""
    engine = Engine.build(installed=True)
    defaults = {
        rid: reg.rule.options_model.defaults()
        for rid, reg in engine.rules.items()
        if reg.rule.options_model.model_fields
    }
    assert defaults["DC104"] == {"region_source": "both", "report_undercoding": True}
    assert defaults["PT103"] == {"method": "eight-minute", "partial_minutes": "info"}
    assert defaults["PT102"] == {
        "modifier": "CQ",
        "de_minimis_percent": 10,
        "reduced_payment_from": "2022-01-01",
    }
    assert defaults["PT104"] == {"count_claim_charges": True, "modifier": "KX", "thresholds": {}}
    assert defaults["URO103"] == {"window": "rolling", "window_days": 365, "limits": {}}
    assert defaults["PC104"] == {"when_condition_first": "info"}
    assert defaults["DC107"] == {
        "covered_procedures": ("98940", "98941", "98942"),
        "noncovered_procedures": ("98943",),
        "specialties": ("chiropractic",),
        "modifier": "GY",
    }
