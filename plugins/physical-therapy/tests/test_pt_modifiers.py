"""PT101 (GP), PT102 (CQ), PT104 (KX) and PT105 (97014 -> G0283): fire, stay quiet, dates."""

from __future__ import annotations

from datetime import date

import pytest
from cleanclaim.config import Config
from cleanclaim.engine import Engine
from pt_helpers import claim, line, of_rule, plugin_findings

import cleanclaim_physical_therapy.plugin as pt_plugin

# --------------------------------------------------------------------------- PT101


def test_pt101_fires_for_medicare_without_gp(engine: Engine) -> None:
    report = engine.check(claim(line("97110", 2, 30)))
    [hit] = of_rule(report, "PT101")
    assert hit.severity == "error"
    assert hit.codes == ["97110"]
    assert hit.suggestions == ["GP"]
    assert hit.location == "lines[0].modifiers"
    assert "CR 10176" in hit.reference


def test_pt101_also_covers_evaluations_and_modalities(engine: Engine) -> None:
    report = engine.check(claim(line("97161", 1, 40), line("G0283", 1), line("97140", 1, 10, "GP")))
    assert sorted(f.codes[0] for f in of_rule(report, "PT101")) == ["97161", "G0283"]


@pytest.mark.parametrize("modifier", ["GP", "GO", "GN"])
def test_pt101_quiet_with_a_discipline_modifier(engine: Engine, modifier: str) -> None:
    assert not of_rule(engine.check(claim(line("97110", 2, 30, modifier))), "PT101")


def test_pt101_two_discipline_modifiers(engine: Engine) -> None:
    [hit] = of_rule(engine.check(claim(line("97110", 2, 30, "GP", "GO"))), "PT101")
    assert "more than one" in hit.message
    assert hit.suggestions == ["GP"]


def test_pt101_skips_non_covered_gy_lines(engine: Engine) -> None:
    assert not of_rule(engine.check(claim(line("97140", 1, 15, "GY"))), "PT101")


@pytest.mark.parametrize("payer", ["commercial", "acme-health", None])
def test_pt101_quiet_for_commercial_profiles(engine: Engine, payer: str | None) -> None:
    report = engine.check(claim(line("97110", 2, 30), payer=payer))
    assert not of_rule(report, "PT101")
    assert not [f for f in plugin_findings(report) if f.severity == "error"]


def test_pt101_effective_from_2018(engine: Engine) -> None:
    # No ICD-10-CM dataset is packaged for 2017-2018, so the date boundary is checked on
    # the rules the engine activates for the Medicare profile on each date.
    def active(day: date) -> set[str]:
        return {a.rule.id for a in engine.active_rules("medicare", day)}

    assert "PT101" not in active(date(2017, 12, 31))
    assert "PT101" in active(date(2018, 1, 1))
    assert "PT101" not in {a.rule.id for a in engine.active_rules("commercial", date(2026, 1, 1))}


# --------------------------------------------------------------------------- PT102


def test_pt102_fires_when_assistant_furnished_the_service(engine: Engine) -> None:
    report = engine.check(claim(line("97110", 2, 30, "GP", furnished_by="assistant")))
    [hit] = of_rule(report, "PT102")
    assert (hit.severity, hit.codes, hit.suggestions) == ("error", ["97110"], ["CQ"])
    assert "85%" in hit.message


def test_pt102_fires_above_ten_percent(engine: Engine) -> None:
    report = engine.check(claim(line("97110", 2, 30, "GP", assistant_minutes=4)))
    [hit] = of_rule(report, "PT102")
    assert "4 of its 30 minutes" in hit.message


def test_pt102_quiet_at_ten_percent_de_minimis(engine: Engine) -> None:
    lines = [line("97110", 2, 30, "GP", furnished_by="assistant", assistant_minutes=3)]
    assert not of_rule(engine.check(claim(*lines)), "PT102")


def test_pt102_quiet_with_cq_or_provider(engine: Engine) -> None:
    assert not of_rule(
        engine.check(claim(line("97110", 2, 30, "GP", "CQ", furnished_by="assistant"))),
        "PT102",
    )
    assert not of_rule(
        engine.check(claim(line("97110", 2, 30, "GP", furnished_by="provider"))), "PT102"
    )


def test_pt102_quiet_for_occupational_therapy_line(engine: Engine) -> None:
    report = engine.check(claim(line("97110", 2, 30, "GO", furnished_by="assistant")))
    assert not of_rule(report, "PT102")


def test_pt102_info_when_share_cannot_be_tested(engine: Engine) -> None:
    [hit] = of_rule(engine.check(claim(line("97010", 1, None, "GP", assistant_minutes=5))), "PT102")
    assert hit.severity == "info"


def test_pt102_payment_note_only_from_2022(engine: Engine) -> None:
    hit = of_rule(
        engine.check(claim(line("97110", 2, 30, "GP", furnished_by="assistant"), day="2021-06-01")),
        "PT102",
    )[0]
    assert "85%" not in hit.message


def test_pt102_commercial_quiet(engine: Engine) -> None:
    report = engine.check(claim(line("97110", 2, 30, furnished_by="assistant"), payer="commercial"))
    assert not of_rule(report, "PT102")


def test_pt102_effective_from_2020(engine: Engine) -> None:
    assert "PT102" not in {a.rule.id for a in engine.active_rules("medicare", date(2019, 12, 31))}
    assert "PT102" in {a.rule.id for a in engine.active_rules("medicare", date(2020, 1, 1))}


# --------------------------------------------------------------------------- PT104


def test_pt104_domain_case_10_2025_fires(engine: Engine) -> None:
    report = engine.check(claim(day="2025-06-01", therapy_year_to_date="2450"))
    [hit] = of_rule(report, "PT104")
    assert (hit.severity, hit.codes, hit.suggestions) == ("error", ["97110"], ["KX"])
    assert "$2,410" in hit.message and "2025" in hit.message


def test_pt104_domain_case_10_2026_quiet(engine: Engine) -> None:
    assert not of_rule(engine.check(claim(day="2026-02-01", therapy_year_to_date="2450")), "PT104")


def test_pt104_year_boundary(engine: Engine) -> None:
    # $2,350 is above 2024's $2,330 and below 2025's $2,410.
    assert of_rule(engine.check(claim(day="2024-12-31", therapy_year_to_date="2350")), "PT104")
    assert not of_rule(engine.check(claim(day="2025-01-01", therapy_year_to_date="2350")), "PT104")


def test_pt104_claim_charges_push_over(engine: Engine) -> None:
    lines = [
        line("97140", 1, 15, "GP", charge="20"),
        line("97110", 2, 30, "GP", charge="60"),
    ]
    report = engine.check(claim(*lines, day="2026-02-01", therapy_year_to_date="2450"))
    [hit] = of_rule(report, "PT104")  # 2470 after the first line, 2530 after the second
    assert hit.location == "lines[1].modifiers"
    assert "plus this claim" in hit.message


def test_pt104_charges_can_be_left_out(engine: Engine) -> None:
    from cleanclaim.config import Config
    from cleanclaim.engine import Engine as EngineClass

    import cleanclaim_physical_therapy.plugin as plugin

    quiet = EngineClass.build(
        plugins=[plugin],
        installed=False,
        config=Config(rules={"PT104": {"count_claim_charges": False}}),
    )
    lines = [line("97110", 2, 30, "GP", charge="100")]
    assert not of_rule(quiet.check(claim(*lines, therapy_year_to_date="2450")), "PT104")


def test_pt104_quiet_with_kx_without_ytd_or_for_ot(engine: Engine) -> None:
    assert not of_rule(
        engine.check(claim(line("97110", 2, 30, "GP", "KX"), therapy_year_to_date="5000")),
        "PT104",
    )
    assert not of_rule(engine.check(claim(day="2025-06-01")), "PT104")
    assert not of_rule(
        engine.check(claim(line("97110", 2, 30, "GO"), therapy_year_to_date="5000")), "PT104"
    )


def test_pt104_a_year_before_the_data_says_so(engine: Engine) -> None:
    # 2020 has no threshold in the data.  No packaged dataset serves 2020 (FY2021's is the
    # January 2021 update, serving from 2021-01-01), so the date is checked on purpose
    # against FY2021 with the explicit fallback.
    fallback = Engine.build(
        plugins=[pt_plugin], installed=False, config=Config(fallback_fiscal_year=2021)
    )
    report = fallback.check(claim(day="2020-12-31", therapy_year_to_date="9000"))
    [finding] = of_rule(report, "PT104")
    assert finding.severity == "info" and "No 2020 KX threshold is known" in finding.message
    [finding] = of_rule(engine.check(claim(day="2021-01-04", therapy_year_to_date="2111")), "PT104")
    assert finding.severity == "error"


# January 2027: no CY2027 threshold could be confirmed from a CMS source, so the data stops
# at 2026-12-31; the FY2026 code set stands in for the unpackaged FY2027 (issue #13).
ENGINE_2027 = Engine.build(
    plugins=[pt_plugin], installed=False, config=Config(fallback_fiscal_year=2026)
)


def test_pt104_january_2027_above_the_last_known_threshold_warns() -> None:
    report = ENGINE_2027.check(claim(day="2027-01-05", therapy_year_to_date="2700"))
    [finding] = of_rule(report, "PT104")
    assert finding.severity == "warning"
    assert "No 2027 KX threshold is known" in finding.message
    assert "$2,480 for 2026" in finding.message
    assert finding.suggestions == ["KX"]
    assert "thresholds" in finding.message


def test_pt104_january_2027_below_the_last_known_threshold_is_info() -> None:
    report = ENGINE_2027.check(claim(day="2027-01-05", therapy_year_to_date="1000"))
    [finding] = of_rule(report, "PT104")
    assert finding.severity == "info"


def test_pt104_january_2027_with_kx_is_quiet() -> None:
    report = ENGINE_2027.check(
        claim(line("97110", 2, 30, "GP", "KX"), day="2027-01-05", therapy_year_to_date="2700")
    )
    assert not of_rule(report, "PT104")


def test_pt104_a_configured_threshold_is_used() -> None:
    config = Config(fallback_fiscal_year=2026, rules={"PT104": {"thresholds": {"2027": "2550"}}})
    engine = Engine.build(plugins=[pt_plugin], installed=False, config=config)
    [finding] = of_rule(engine.check(claim(day="2027-01-05", therapy_year_to_date="2700")), "PT104")
    assert finding.severity == "error" and "$2,550" in finding.message
    assert not of_rule(engine.check(claim(day="2027-01-05", therapy_year_to_date="2500")), "PT104")


def test_pt104_commercial_quiet(engine: Engine) -> None:
    report = engine.check(claim(payer="commercial", therapy_year_to_date="9000"))
    assert not of_rule(report, "PT104")


# --------------------------------------------------------------------------- PT105


def test_pt105_97014_to_medicare(engine: Engine) -> None:
    [hit] = of_rule(engine.check(claim(line("97014", 1, None, "GP"))), "PT105")
    assert (hit.severity, hit.codes, hit.suggestions) == ("error", ["97014"], ["G0283"])


def test_pt105_quiet_for_commercial_and_for_g0283(engine: Engine) -> None:
    assert not of_rule(engine.check(claim(line("97014", 1, None), payer="commercial")), "PT105")
    assert not of_rule(engine.check(claim(line("G0283", 1, None, "GP"))), "PT105")
