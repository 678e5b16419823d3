"""The plugin's data: pairings seen through kernel CLM202, sources, dates, codes, hooks."""

from __future__ import annotations

from pathlib import Path

import pytest
from uro_helpers import claim, findings

import cleanclaim_urology.plugin as urology_plugin
from cleanclaim.contributions import DiagnosisPattern, Pairing, PayerOverride, Procedure
from cleanclaim.engine import Engine
from cleanclaim.icd import DatasetRegistry
from cleanclaim_urology import policy
from cleanclaim_urology.rules import RULES

# -- pairings, reported by the kernel's CLM202 -------------------------------------------


@pytest.mark.parametrize(
    ("procedure", "diagnosis"),
    [
        ("90912", "N39.3"),
        ("90912", "N39.46"),
        ("90912", "R32"),
        ("90912", "R39.14"),
        ("90912", "R15.9"),
        ("90912", "K59.02"),
        ("90912", "K59.4"),
        ("90912", "M62.838"),
        ("90912", "M62.89"),
        ("90912", "N94.89"),  # female pelvic floor dysfunction, with M62.89 (issue #13)
        ("97110", "N94.89"),
        ("90912", "N81.84"),
        ("90912", "R10.21"),
        ("90912", "N94.819"),
        ("90912", "R39.81"),
        ("51784", "N39.41"),
        ("51785", "R15.2"),
        ("91122", "R15.9"),
        ("91122", "K59.02"),
        ("97110", "N39.3"),
        ("97112", "M62.838"),
    ],
)
def test_supported_pairings_are_quiet(engine: Engine, procedure: str, diagnosis: str) -> None:
    lines = (procedure, "90913") if procedure == "90912" else (procedure,)
    report = engine.check(claim(*lines, diagnoses=(diagnosis,)))
    assert findings(report, "CLM202") == [], report.findings


@pytest.mark.parametrize(
    ("procedure", "diagnosis"),
    [
        ("91122", "N39.3"),  # anorectal manometry is not for urinary incontinence (L34977)
        ("90912", "J06.9"),  # unrelated diagnosis
        ("90912", "R39.83"),  # R39.8- holds non-palpable testicle codes: not paired
        ("51784", "M54.50"),  # low back pain does not support sphincter EMG
    ],
)
def test_unsupported_pairings_fire_clm202(engine: Engine, procedure: str, diagnosis: str) -> None:
    report = engine.check(claim(procedure, diagnoses=(diagnosis,)))
    found = findings(report, "CLM202")
    assert len(found) == 1
    assert found[0].source == "core"
    assert procedure in found[0].codes
    # no article table could be confirmed: advice, never an error (issue #13)
    assert found[0].severity == "info"


def test_every_pairing_is_advice() -> None:
    assert all(p.basis == "advice" for p in policy.pairings())


def test_r10_2_before_and_after_it_became_a_header(engine: Engine) -> None:
    """R10.2 is a billable code through FY2025 and a header with R10.20-R10.24 in FY2026."""
    before = engine.check(claim("90912", "90913", day="2025-05-12", diagnoses=("R10.2",)))
    assert findings(before, "CLM202") == [] and findings(before, "ICD102") == []
    after = engine.check(claim("90912", "90913", day="2026-05-12", diagnoses=("R10.2",)))
    kernel = [f for f in after.findings if f.source == "core" and "R10.2" in f.codes]
    assert kernel and "R10.20" in kernel[0].suggestions  # the kernel asks for R10.20-R10.24
    assert findings(after, "CLM202") == []


def test_general_biofeedback_is_not_paired(engine: Engine) -> None:
    """90901 serves headache and pain biofeedback too: no pelvic-only pairing."""
    report = engine.check(claim("90901", diagnoses=("G43.909",)))
    assert findings(report, "CLM202") == []


def test_own_codes_are_known_to_the_engine(engine: Engine) -> None:
    report = engine.check(claim(*sorted(policy.own_codes() - {"90911", "90913"})))
    assert findings(report, "CLM205") == []


# the repository's test environment installs every bundled plugin: a missing one fails
def test_pelvic_floor_therapy_with_physical_therapy_plugin() -> None:
    """The kernel merges pairings: 97110 for N39.3 passes with both plugins loaded."""
    import cleanclaim_physical_therapy.plugin as pt_plugin

    both = Engine.build(plugins=[urology_plugin, pt_plugin], installed=False)
    line = {
        "procedure": "97110",
        "modifiers": ["GP"],
        "units": 1,
        "minutes": 15,
        "diagnosis_pointers": [1],
    }
    data = claim(diagnoses=("N39.3",)) | {"lines": [line]}
    assert findings(both.check(data), "CLM202") == []


# -- the data files themselves -----------------------------------------------------------


def _fy2026_codes() -> list[str]:
    codes: list[str] = []
    for pairing in policy.pairings():
        for text in pairing.diagnoses:
            pattern = DiagnosisPattern.parse(text)
            codes.extend({pattern.start, pattern.end})
    return sorted(set(codes))


@pytest.mark.parametrize("code", _fy2026_codes())
def test_pairing_codes_exist_in_fy2026(code: str) -> None:
    dataset = DatasetRegistry.packaged().for_fiscal_year(2026)
    assert dataset.lookup(code) is not None, f"{code} is not in the FY2026 tabular"


def test_every_record_cites_its_source() -> None:
    records: list[
        Procedure | Pairing | PayerOverride | policy.CodeDates | policy.FrequencyLimit
    ] = [
        *policy.procedures(),
        *policy.pairings(),
        *policy.payer_overrides(),
        *(r for rs in policy.code_dates().values() for r in rs),
        *(r for rs in policy.frequency_limits().values() for r in rs),
    ]
    assert records
    assert all(r.citation.strip() for r in records)


def test_dated_policy_says_its_dates() -> None:
    for limits in policy.frequency_limits().values():
        assert all(r.effective_from is not None for r in limits)
    for windows in policy.code_dates().values():
        assert all(r.effective_from or r.effective_to for r in windows)
        assert all("not confirmed" in r.note.lower() for r in windows)  # said in plain words


def test_addon_primaries_are_own_codes() -> None:
    own = policy.own_codes()
    addons = [p for p in policy.procedures() if "add-on" in p.tags]
    assert [p.code for p in addons] == ["90913"]
    assert all(set(p.primary_codes) <= own for p in addons)


def test_labels_are_short_and_ours() -> None:
    for procedure in policy.procedures():
        assert 0 < len(procedure.label) <= 60


def test_payer_overrides_cover_medicare_and_commercial() -> None:
    payers = {o.payer for o in policy.payer_overrides()}
    assert {"medicare", "commercial"} <= payers


def test_synonyms_reach_the_engine(engine: Engine) -> None:
    means = engine.tables.synonyms["pelvic floor spasm"]
    assert "other muscle spasm" in means and "anal spasm" in means


def test_search_for_pelvic_floor_spasm_finds_the_codes_coders_combine(engine: Engine) -> None:
    dataset = DatasetRegistry.packaged().for_fiscal_year(2026)
    hits = [h.code for h in dataset.search("pelvic floor spasm", 15, engine.tables.synonyms)]
    assert "M62.838" in hits and "K59.4" in hits


def test_plugin_info() -> None:
    info = urology_plugin.cleanclaim_plugin_info()
    assert (info.name, info.rule_prefix) == ("urology", "URO")


def test_engine_build_has_no_problems(engine: Engine) -> None:
    assert engine.problems == []
    record = next(p for p in engine.plugins if p.name == "urology")
    assert record.rules == ("URO101", "URO102", "URO103")


DOCS = Path(__file__).resolve().parents[3] / "docs" / "plugins" / "urology.md"


def test_docs_page_names_every_rule_option_and_code() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for rule in RULES:
        assert rule.id in text and rule.name in text
        for option in rule.options_model.model_fields:
            assert f"`{option}`" in text
    for procedure in policy.procedures():
        assert procedure.code in text
