"""The plugin as a whole: info, catalog, data provenance, pairings, conformance cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from cleanclaim.contributions import DiagnosisPattern
from cleanclaim.engine import Engine
from cleanclaim.icd import DatasetRegistry
from cleanclaim.rulekit import read_data
from cleanclaim.testing import case_files, load_case, run_case_engine
from pt_helpers import claim, line, of_rule

import cleanclaim_physical_therapy.plugin as plugin
from cleanclaim_physical_therapy import PACKAGE, policy
from cleanclaim_physical_therapy.rules import RULES

CASES = Path(__file__).parent / "cases"
DATA_FILES = [
    "procedures.toml",
    "pairings.toml",
    "documentation.toml",
    "payer_overrides.toml",
    "kx_thresholds.toml",
    "replacements.toml",
    "strain_sites.toml",
]


def test_plugin_info(engine: Engine) -> None:
    info = plugin.cleanclaim_plugin_info()
    assert (info.name, info.rule_prefix) == ("physical-therapy", "PT")
    [record] = [p for p in engine.plugins if p.name == "physical-therapy"]
    assert record.rules == tuple(r.id for r in RULES)
    assert engine.problems == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_catalog_sections(rule: object) -> None:
    from cleanclaim.contributions import Rule

    assert isinstance(rule, Rule)
    assert rule.id.startswith("PT") and rule.example_claim
    for section in ("summary", "why", "example", "fix", "reference"):
        assert len(getattr(rule, section)) > 20, section
    assert all(doc.strip() for doc in rule.options_model.docs().values())


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_example_claim_fires_its_rule(engine: Engine, rule: object) -> None:
    from cleanclaim.contributions import Rule

    assert isinstance(rule, Rule) and rule.example_claim is not None
    report = engine.check(dict(rule.example_claim))
    assert of_rule(report, rule.id), report.findings


@pytest.mark.parametrize("path", case_files(CASES), ids=lambda p: p.stem)
def test_conformance_case(engine: Engine, path: Path) -> None:
    assert run_case_engine(engine, load_case(path)) == []


@pytest.mark.parametrize("name", DATA_FILES)
def test_every_record_has_a_citation(name: str) -> None:
    data = read_data(PACKAGE, f"data/{name}")
    records = [r for table in data.values() if isinstance(table, list) for r in table]
    assert records
    assert all(str(r.get("citation", "")).strip() for r in records)


def test_timed_codes_have_fifteen_minute_units() -> None:
    procedures, minutes = policy.procedures(), policy.unit_minutes()
    timed = {p.code for p in procedures if "timed" in p.tags}
    assert set(minutes) == timed
    assert set(minutes.values()) == {15}
    for p in procedures:
        assert ("timed" in p.tags) != ("untimed" in p.tags), p.code
        assert "always-therapy" in p.tags


def test_kx_thresholds_cover_each_year_once() -> None:
    amounts = {t.year: int(t.amount) for t in policy.kx_thresholds()}
    assert amounts == {2021: 2110, 2022: 2150, 2023: 2230, 2024: 2330, 2025: 2410, 2026: 2480}
    for t in policy.kx_thresholds():
        assert t.effective_from == date(t.year, 1, 1) and t.effective_to == date(t.year, 12, 31)
    assert policy.kx_threshold_on(date(2027, 1, 1)) is None
    assert all(int(t.amount) != 3000 for t in policy.kx_thresholds())


def _codes_in_data() -> list[str]:
    codes: list[str] = []
    for name, table in (("pairings.toml", "pairing"), ("documentation.toml", "check")):
        for record in read_data(PACKAGE, f"data/{name}")[table]:
            for text in record["diagnoses"]:
                pattern = DiagnosisPattern.parse(text)
                codes += [pattern.start, pattern.end]
    for site in policy.strain_sites():
        codes += list(site.strain)
    codes += [n.code for n in policy.nontraumatic_codes()]
    return sorted(set(codes))


@pytest.mark.parametrize("code", _codes_in_data())
def test_icd_codes_exist_in_fy2026(code: str) -> None:
    dataset = DatasetRegistry.packaged().for_date(date(2026, 5, 12))
    assert dataset.is_valid(code) or dataset.lookup(code) is not None, code


def test_strain_suggestions_are_billable_in_fy2026() -> None:
    dataset = DatasetRegistry.packaged().for_date(date(2026, 5, 12))
    for site in policy.strain_sites():
        for code in site.strain:
            assert dataset.is_billable(code), code


# --------------------------------------------------------------------------- pairings


def test_pairing_miss_is_only_advice(engine: Engine) -> None:
    # No NCD or LCD read pairs diagnoses with the therapy codes: a miss is an info that
    # says so, never an error (issue #13).
    report = engine.check(claim(line("97110", 2, 30, "GP"), diagnoses=("J06.9",)))
    [finding] = of_rule(report, "CLM202")
    assert finding.severity == "info"
    assert "check your MAC's LCD" in finding.message
    assert "Pub 100-02" in (finding.reference or "")


def test_every_pairing_is_advice() -> None:
    records = read_data(PACKAGE, "data/pairings.toml")["pairing"]
    assert records and all(r["basis"] == "advice" for r in records)


@pytest.mark.parametrize(
    "code",
    [
        "M62.830", "M54.50", "S39.012A", "M99.03", "M62.81", "M79.18", "M17.11", "I69.351",
        # issue #13: vestibular rehab, lymphedema, weakness and falls, torticollis, amputees
        "H81.13", "I89.0", "I97.2", "R53.1", "Z91.81", "R26.81", "M43.6", "Q68.0",
        "Z89.511", "Z44.111",
    ],
)  # fmt: skip
def test_pairing_supports_therapy_diagnoses(engine: Engine, code: str) -> None:
    report = engine.check(claim(line("97110", 2, 30, "GP"), diagnoses=(code,)))
    assert not of_rule(report, "CLM202")


def test_pairing_m545_in_fy2021(engine: Engine) -> None:
    report = engine.check(claim(line("97110", 2, 30, "GP"), diagnoses=("M54.5",), day="2021-09-30"))
    assert not of_rule(report, "CLM202")


def test_evaluations_are_not_paired(engine: Engine) -> None:
    report = engine.check(claim(line("97161", 1, 40, "GP"), diagnoses=("J06.9",)))
    assert not of_rule(report, "CLM202")


def test_known_procedures_no_clm205(engine: Engine) -> None:
    lines = [line(p.code, 1, None, "GP") for p in policy.procedures()]
    report = engine.check(claim(*lines[:12]))
    assert not of_rule(report, "CLM205")
