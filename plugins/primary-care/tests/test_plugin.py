"""The plugin as a whole: catalog entries, data provenance, payer profiles, packaging."""

from __future__ import annotations

import itertools
from importlib.metadata import entry_points

import pytest
from pc_support import DATASETS, of

import cleanclaim_primary_care.plugin as plugin
from cleanclaim.contributions import DiagnosisPattern, Rule
from cleanclaim.engine import Engine
from cleanclaim.rulekit import read_data
from cleanclaim_primary_care import policy
from cleanclaim_primary_care.rules import RULES

RULE_BY_ID = {rule.id: rule for rule in RULES}


def test_engine_builds_without_problems(engine: Engine) -> None:
    assert engine.problems == []
    [record] = [p for p in engine.plugins if p.name == "primary-care"]
    assert record.rules == tuple(sorted(RULE_BY_ID))


def test_entry_point_is_registered() -> None:
    names = {ep.name: ep.value for ep in entry_points(group="cleanclaim")}
    assert names.get("primary-care") == "cleanclaim_primary_care.plugin"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_catalog_entry(rule: Rule) -> None:
    assert rule.id.startswith("PC")
    for section in ("summary", "why", "example", "fix", "reference"):
        assert getattr(rule, section).strip(), section
    assert all(doc.strip() for doc in rule.options_model.docs().values())
    assert rule.example_claim is not None


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_example_claim_fires(engine: Engine, rule: Rule) -> None:
    assert rule.example_claim is not None
    assert of(engine.check(dict(rule.example_claim)), rule.id)


def test_payer_profiles() -> None:
    overrides = plugin.cleanclaim_payer_overrides()
    assert {o.payer for o in overrides} == {"medicare", "commercial"}
    assert all(o.citation and o.reason for o in overrides)
    enabled = {(o.payer, o.rule): o.enabled for o in overrides if o.enabled is not None}
    assert enabled == {("medicare", "PC103"): True, ("commercial", "PC103"): False}
    assert RULE_BY_ID["PC103"].enabled_by_default is False


def test_pc104_is_advice() -> None:
    # the order of a symptom and its condition is the note's call (guideline IV.G)
    assert RULE_BY_ID["PC104"].default_severity == "info"


def test_never_an_error_rules() -> None:
    overrides = plugin.cleanclaim_payer_overrides()
    for rule_id in ("PC104", "PC105", "PC106"):
        assert RULE_BY_ID[rule_id].default_severity in {"warning", "info"}
        assert not [o for o in overrides if o.matches(rule_id) and o.severity == "error"]


def test_procedures_have_plain_labels_and_sources() -> None:
    procedures = plugin.cleanclaim_procedures()
    tags = {p.code: p.tags for p in procedures}
    assert all(p.citation and p.label for p in procedures)
    assert {c for c, t in tags.items() if "em" in t} == {
        "99202", "99203", "99204", "99205", "99211", "99212", "99213", "99214", "99215",
    }  # fmt: skip
    assert {c for c, t in tags.items() if "minor-procedure" in t} == {"20552", "20553"}
    [g2211] = [p for p in procedures if p.code == "G2211"]
    assert "add-on" in g2211.tags and "99213" in g2211.primary_codes
    assert {"G0438", "G0439"} <= {c for c, t in tags.items() if "awv" in t}
    assert {c for c, t in tags.items() if "vaccine-admin" in t}
    assert {c for c, t in tags.items() if "preventive" in t}


def test_g2211_periods_are_dated_and_sourced() -> None:
    periods = policy.g2211_periods()
    assert [str(p.effective_from) for p in periods] == ["2024-01-01", "2025-01-01", "2026-01-01"]
    assert all(p.citation for p in periods)
    for earlier, later in itertools.pairwise(periods):
        assert earlier.effective_to is not None and later.effective_from is not None
        assert earlier.effective_to < later.effective_from


def _patterns() -> list[str]:
    out: list[str] = []
    for pairing in plugin.cleanclaim_pairings():
        out.extend(pairing.diagnoses)
    for pair in plugin.cleanclaim_integral_pairs():
        out.extend((pair.symptom, pair.definitive))
    for seq in policy.sequencing():
        out.extend((seq.symptom, seq.condition))
    for choice in policy.injury_choices():
        out.extend((choice.nontraumatic, choice.traumatic, choice.traumatic_code))
    out.extend(policy.symptom_codes().patterns)
    return out


@pytest.mark.parametrize("text", sorted(set(_patterns())))
def test_every_diagnosis_in_the_data_exists_in_fy2026(text: str) -> None:
    dataset = DATASETS.for_fiscal_year(2026)
    pattern = DiagnosisPattern.parse(text)
    for code in {pattern.start, pattern.end}:
        assert dataset.lookup(code) is not None, code


def test_unconfirmed_pairings_are_advice_and_say_so() -> None:
    raw = read_data("cleanclaim_primary_care", "data/pairings.toml")
    assert all(p["basis"] == "advice" for p in raw["pairing"])
    assert all("could not be confirmed" in p["citation"] for p in raw["pairing"])


def test_trigger_point_pairing_miss_is_an_info() -> None:
    engine = Engine.build(plugins=[plugin], installed=False)
    line = {"procedure": "20552", "units": 1, "diagnosis_pointers": [1]}
    miss = engine.check(
        {"date_of_service": "2026-05-12", "payer": "medicare", "diagnoses": ["J06.9"],
         "lines": [line]}
    )  # fmt: skip
    [finding] = [f for f in miss.findings if f.rule == "CLM202"]
    assert finding.severity == "info" and "check your MAC's LCD" in finding.message
    hit = engine.check(
        {"date_of_service": "2026-05-12", "payer": "medicare", "diagnoses": ["M79.18"],
         "lines": [line]}
    )  # fmt: skip
    assert not [f for f in hit.findings if f.rule == "CLM202"]
