"""cleanclaim.fixtures makes the same plugins a test would otherwise write out."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from cleanclaim.context import ClaimContext
from cleanclaim.contributions import Hit, Procedure
from cleanclaim.engine import Engine
from cleanclaim.fixtures import plugin_of, stub_rule


def _always(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    yield Hit("seen", "")


def test_a_fixture_plugin_contributes_what_it_is_given() -> None:
    plugin = plugin_of(
        "fixture-test",
        "FXT",
        rules=[
            stub_rule("FXT101", check=_always, default_severity="info", triggers=frozenset({"x"}))
        ],
        procedures=[Procedure(code="97110", label="exercise", tags=frozenset({"x"}))],
    )
    engine = Engine.build(plugins=[plugin], installed=False)
    assert engine.problems == [] and "fixture-test" in {p.name for p in engine.plugins}
    assert engine.tables.has_tag("97110", "x")
    claim: dict[str, Any] = {"date_of_service": "2026-05-12", "diagnoses": ["J06.9"]}
    assert "FXT101" not in {f.rule for f in engine.check(claim).findings}
    claim["lines"] = [{"procedure": "97110", "diagnosis_pointers": [1]}]
    [finding] = [f for f in engine.check(claim).findings if f.rule == "FXT101"]
    assert finding.source == "fixture-test" and finding.severity == "info"


def test_an_unknown_hook_is_refused() -> None:
    with pytest.raises(TypeError, match="no such contribution hook: rulez"):
        plugin_of("fixture-test", "FXT", rulez=[])
