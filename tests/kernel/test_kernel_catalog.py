"""Every registered rule (kernel and installed plugins) documents itself, ruff style.

``Rule`` already refuses empty sections; these tests also refuse blank ones and check
that a rule's example claim, the one the docs and ``cleanclaim rule`` show, really makes
the rule fire.
"""

from __future__ import annotations

import pytest

from cleanclaim.engine import Engine, RegisteredRule
from cleanclaim.models import Claim

ENGINE = Engine.build()
RULES = list(ENGINE.rules.values())
SECTIONS = ("summary", "why", "example", "fix", "reference")


def test_the_installed_plugins_all_loaded() -> None:
    assert ENGINE.problems == [] and ENGINE.load_failures == []
    assert {"core", "physical-therapy", "chiropractic", "primary-care", "urology"} <= {
        p.name for p in ENGINE.plugins
    }


@pytest.mark.parametrize("reg", RULES, ids=[r.rule.id for r in RULES])
def test_catalog_sections_are_written(reg: RegisteredRule) -> None:
    rule = reg.rule
    for section in SECTIONS:
        text = getattr(rule, section)
        assert isinstance(text, str) and len(text.strip()) >= 10, f"{rule.id}.{section}"
    assert rule.name.strip() and rule.name == rule.name.lower()
    for option, doc in rule.options_model.docs().items():
        assert doc.strip(), f"{rule.id} option {option} undocumented"


EXAMPLES = [r for r in RULES if r.rule.example_claim is not None]


@pytest.mark.parametrize("reg", EXAMPLES, ids=[r.rule.id for r in EXAMPLES])
def test_example_claim_makes_the_rule_fire(reg: RegisteredRule) -> None:
    claim = Claim.model_validate(reg.rule.example_claim)
    payer = claim.payer or ENGINE.config.default_payer
    active = {
        a.rule.id for a in ENGINE.active_rules(ENGINE.profile_of(payer), claim.date_of_service)
    }
    if reg.rule.id not in active:
        pytest.skip(f"{reg.rule.id} is not active for the example's payer by default")
    report = ENGINE.check(claim)
    assert reg.rule.id in {f.rule for f in report.findings}
