"""rulekit.documentation_checks: the generic check behind plugins' documentation rules."""

from __future__ import annotations

from typing import Any

from cleanclaim.contributions import DocumentationCheck
from cleanclaim.engine import Engine
from cleanclaim.fixtures import plugin_of, stub_rule
from cleanclaim.rulekit import documentation_checks

#: site must be documented for M62.830, for payer 'acme' only.
DOC_PLUGIN = plugin_of(
    "doc-fixture",
    "DOC",
    rules=[stub_rule("DOC101", check=documentation_checks, default_severity="warning")],
    documentation_checks=[
        DocumentationCheck(
            rule="DOC101",
            diagnoses=("M62.83-",),
            element="site",
            message="The site is not documented.",
            query="Document the site.",
            payers=("acme",),
            source="fixture",
        )
    ],
)

ENGINE = Engine.build(plugins=[DOC_PLUGIN], installed=False)


def _claim(payer: str, documentation: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "date_of_service": "2026-05-12",
        "payer": payer,
        "diagnoses": ["M62.830"],
        "documentation": documentation or {},
    }


def _doc(report: Any) -> list[Any]:
    return [f for f in report.findings if f.rule == "DOC101"]


def test_fires_for_a_payer_known_only_to_the_check() -> None:
    # 'acme' has no overrides, so its profile is commercial; the check names acme itself.
    found = _doc(ENGINE.check(_claim("acme")))
    assert [(f.location, f.severity) for f in found] == [("documentation.site", "warning")]
    assert "Document the site." in found[0].message


def test_quiet_for_other_payers() -> None:
    assert _doc(ENGINE.check(_claim("medicare"))) == []


def test_quiet_when_documented() -> None:
    assert _doc(ENGINE.check(_claim("acme", {"site": "lumbar"}))) == []


def test_config_naming_a_missing_rule_option_or_selector_is_refused() -> None:
    import pytest

    from cleanclaim.config import Config, ConfigError

    with pytest.raises(ConfigError, match=r"rules.NOPE101: no such rule"):
        Engine.build(installed=False, config=Config(rules={"NOPE101": {}}))
    with pytest.raises(
        ConfigError, match=r"ICD107.colour: no such option of ICD107; allowed: code_first"
    ):
        Engine.build(installed=False, config=Config(rules={"ICD107": {"colour": 1}}))
    with pytest.raises(ConfigError, match=r"select: 'XYZ\*' matches no rule"):
        Engine.build(installed=False, config=Config(select=("XYZ*",)))
