"""``citation`` is what plugin data cites; ``source`` is the plugin a finding comes from.

Plugin API 1 called a record's citation ``source``, the word a finding uses for the plugin
that reported it.  The data models now name it ``citation``; a record that still writes
``source`` (an API 1 plugin, an old data file) is read as its citation, and
``cleanclaim plugins`` tells the plugin's author to rename it.
"""

from __future__ import annotations

from typing import Any

import pytest
from kernel_support import claim, engine_with, fixture_plugin, line, only
from pydantic import ValidationError

from cleanclaim.contributions import Pairing, PayerOverride, Procedure, UnitLimit
from cleanclaim.engine import Engine
from cleanclaim.plugin_data import noting_old_names

PROCEDURES = [Procedure(code="97110", label="therapeutic exercise")]
OLD_PAIRING: dict[str, Any] = {
    "procedures": ["97110"],
    "diagnoses": ["M62.83-"],
    "source": "Fixture LCD L9",
}


def _notes(engine: Engine, name: str) -> tuple[str, ...]:
    [record] = [p for p in engine.describe()["plugins"] if p["name"] == name]
    return tuple(record["deprecations"])


def test_the_old_name_is_read_as_the_citation() -> None:
    pairing = Pairing.model_validate(OLD_PAIRING)
    assert pairing.citation == "Fixture LCD L9"
    same = {k: v for k, v in OLD_PAIRING.items() if k != "source"} | {"citation": "Fixture LCD L9"}
    assert pairing == Pairing.model_validate(same)
    assert pairing.source == "Fixture LCD L9"  # API 1's reader still works


def test_citation_and_source_together_are_refused() -> None:
    with pytest.raises(ValidationError, match="source"):
        UnitLimit(code="97110", max_units=1, citation="a", source="b")  # type: ignore[call-arg]


def test_only_records_given_the_old_name_are_noted() -> None:
    with noting_old_names() as seen:
        Pairing.model_validate(OLD_PAIRING)
        UnitLimit(code="97110", max_units=1, citation="CMS MUE")
    assert seen == {"Pairing"}
    with noting_old_names() as seen:
        PayerOverride(payer="acme", rule="FX*", citation="Acme manual")
    assert seen == set()


def test_a_plugin_that_writes_source_is_translated_and_told() -> None:
    old = fixture_plugin("olddata", prefix="OD", procedures=PROCEDURES, pairings=[OLD_PAIRING])
    engine = engine_with(old)
    report = engine.check(claim("R52", lines=[line("97110", 1)]))
    [finding] = only(report, "CLM202")
    assert "Fixture LCD L9" in (finding.reference or "")
    assert finding.source == "core"  # a finding's source stays the reporting plugin
    notes = _notes(engine, "olddata")
    assert any("Pairing records name their citation 'source'" in n for n in notes), notes
    assert any("write citation = ..." in n for n in notes)


def test_a_plugin_that_writes_citation_is_not_told() -> None:
    new_pairing = {**{k: v for k, v in OLD_PAIRING.items() if k != "source"}, "citation": "L9"}
    new = fixture_plugin("newdata", prefix="ND", procedures=PROCEDURES, pairings=[new_pairing])
    assert _notes(engine_with(new), "newdata") == ()


def test_the_bundled_plugins_write_citation() -> None:
    engine = Engine.build()
    for record in engine.describe()["plugins"]:
        assert not any("'source'" in note for note in record["deprecations"]), record["name"]
