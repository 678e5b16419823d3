"""A rule-id prefix selects the rules it begins, as ruff's ``--select E4`` does (issue #15:
a vendor's developer types ``--select PT`` from habit)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from cleanclaim.cli import main
from cleanclaim.config import Config, ConfigError
from cleanclaim.engine import Engine

DAY = date(2026, 5, 12)


def _ids(config: Config) -> set[str]:
    engine = Engine.build(config=config)
    return {active.rule.id for active in engine.active_rules("medicare", DAY)}


def test_a_prefix_selects_every_rule_it_begins() -> None:
    every = _ids(Config())
    pt = {rule for rule in every if rule.startswith("PT10")}
    assert len(pt) >= 5
    assert _ids(Config(select=("PT10",))) == pt
    assert _ids(Config(select=("PT",))) == {rule for rule in every if rule.startswith("PT")}
    assert _ids(Config(ignore=("ICD1",))) == {r for r in every if not r.startswith("ICD1")}


@pytest.mark.parametrize("selector", ["PT1O6", "PT9", "pt10", "P T"])
def test_what_begins_no_rule_id_is_still_refused(selector: str) -> None:
    with pytest.raises(ConfigError, match="matches no rule"):
        Engine.build(config=Config(ignore=(selector,)))


def test_the_command_line_takes_a_prefix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claim = tmp_path / "c.json"
    claim.write_text(
        json.dumps({"date_of_service": "2026-05-12", "diagnoses": ["M62.83"], "payer": "medicare"})
    )
    status = main(["check", str(claim), "--select", "ICD10", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert status == 1
    assert {f["rule"] for f in report["findings"]} == {"ICD102"}
    assert "prefix" in Engine.build().selection._no_rule("ZZ9")
