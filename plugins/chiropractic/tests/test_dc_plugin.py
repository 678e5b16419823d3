"""The plugin as a whole: info, catalog, data provenance, shared conformance cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from dc_support import of

import cleanclaim_chiropractic.plugin as plugin
from cleanclaim.contributions import DiagnosisPattern, PayerOverride
from cleanclaim.engine import Engine
from cleanclaim.icd.registry import DatasetRegistry
from cleanclaim.plugin import PLUGIN_API
from cleanclaim.testing import load_case, run_case_engine
from cleanclaim_chiropractic.regions import tables
from cleanclaim_chiropractic.rules import build_rules, policy

RULES = build_rules()
# the repository's copy of ../shared/conformance (tests/test_conformance.py keeps it in step)
CONFORMANCE = Path(__file__).resolve().parents[3] / "tests" / "conformance" / "plugins"


def test_plugin_info() -> None:
    info = plugin.cleanclaim_plugin_info()
    assert (info.name, info.api, info.rule_prefix) == ("chiropractic", PLUGIN_API, "DC")


def test_engine_lists_the_plugin(engine: Engine) -> None:
    [record] = [p for p in engine.plugins if p.name == "chiropractic"]
    assert record.rules == tuple(f"DC10{n}" for n in range(1, 9))
    assert engine.problems == []


def test_procedures_and_tags(engine: Engine) -> None:
    for code in ("98940", "98941", "98942"):
        assert engine.tables.has_tag(code, "cmt") and engine.tables.has_tag(code, "spinal")
    assert engine.tables.has_tag("98943", "extraspinal")
    assert not engine.tables.has_tag("98943", "spinal")
    for code in ("97140", "97112", "97124"):
        assert engine.tables.label(code)
    labels = [p.label for p in plugin.cleanclaim_procedures()]
    assert all(len(label) <= 60 for label in labels)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_catalog_sections_and_example_fires(engine: Engine, rule: object) -> None:
    from cleanclaim.contributions import Rule

    assert isinstance(rule, Rule)
    for section in ("summary", "why", "example", "fix", "reference"):
        assert getattr(rule, section)
    assert all(doc.strip() for doc in rule.options_model.docs().values())
    assert rule.example_claim is not None
    assert of(engine.check(rule.example_claim), rule.id), rule.id


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_says_which_dates_it_holds_for(rule: object) -> None:
    from cleanclaim.contributions import Rule

    assert isinstance(rule, Rule)
    assert "all dates" in rule.why.lower() or "holds from" in rule.why.lower()


def test_policy_options_belong_to_rules() -> None:
    ids = {r.id for r in RULES}
    assert set(policy()) <= ids


def test_every_record_has_a_citation() -> None:
    for proc in plugin.cleanclaim_procedures():
        assert proc.citation
    for edit in plugin.cleanclaim_procedure_edits():
        assert edit.citation
    for override in plugin.cleanclaim_payer_overrides():
        assert override.citation and override.reason


def overrides(payer: str, rule: str) -> list[PayerOverride]:
    return [o for o in plugin.cleanclaim_payer_overrides() if o.payer == payer and o.rule == rule]


@pytest.mark.parametrize(
    ("rule", "start"),
    [
        ("DC101", date(2015, 10, 1)),
        ("DC102", date(2015, 10, 1)),
        ("DC103", date(2015, 10, 1)),
        ("DC105", date(2004, 10, 1)),
        ("DC106", date(2015, 11, 1)),
        ("DC107", None),
    ],
)
def test_medicare_overrides_and_their_dates(rule: str, start: date | None) -> None:
    [on] = overrides("medicare", rule)
    assert on.enabled is True and on.effective_from == start and on.effective_to is None
    [off] = overrides("commercial", rule)
    assert off.enabled is False
    [registered] = [r for r in RULES if r.id == rule]
    assert registered.enabled_by_default is False


@pytest.mark.parametrize("rule", ["DC104", "DC108"])
def test_all_payer_rules_on_by_default(rule: str) -> None:
    [registered] = [r for r in RULES if r.id == rule]
    assert registered.enabled_by_default is True
    assert not overrides("commercial", rule) and not overrides("medicare", rule)


def test_region_table_codes_exist_in_fy2026() -> None:
    dataset = DatasetRegistry.packaged().for_fiscal_year(2026)
    t = tables()
    for region in t.regions:
        assert dataset.is_billable(region.subluxation), region.subluxation
    for pattern, _names in t.diagnosis_regions:
        assert dataset.is_valid(pattern.start), pattern


def test_subluxation_regions_are_the_tabular_ones() -> None:
    dataset = DatasetRegistry.packaged().for_fiscal_year(2026)
    for region in tables().regions:
        description = (dataset.description(region.subluxation) or "").lower()
        first_word = region.name.split()[0]
        assert first_word in description, (region.subluxation, description)


def test_levels() -> None:
    t = tables()
    assert t.spinal_order == ("cervical", "thoracic", "lumbar", "sacral", "pelvic")
    assert [t.level_for(n) for n in range(0, 7)] == [
        None,
        "98940",
        "98940",
        "98941",
        "98941",
        "98942",
        None,
    ]


def test_default_primary_range_is_m99_00_to_m99_05() -> None:
    pattern = DiagnosisPattern.parse(policy()["DC101"]["primary_diagnoses"][0])
    assert [c for c in (f"M99.0{n}" for n in range(10)) if pattern.covers(c)] == [
        "M99.00",
        "M99.01",
        "M99.02",
        "M99.03",
        "M99.04",
        "M99.05",
    ]


@pytest.mark.parametrize("name", ["p04-chiro-subluxation-first", "p05-chiro-regions"])
def test_shared_conformance_case(engine: Engine, name: str) -> None:
    assert run_case_engine(engine, load_case(CONFORMANCE / f"{name}.json")) == []
