"""The Medicare rules DC101-DC103 and DC105-DC107: fire, stay quiet, date boundaries."""

from __future__ import annotations

import pytest
from dc_support import claim, line, of, rules_of

from cleanclaim.engine import Engine

MEDICARE_RULES = ("DC101", "DC102", "DC103", "DC105", "DC106", "DC107")


# ------------------------------------------------------------------ DC101 subluxation first


def test_dc101_fires_when_subluxation_is_not_first(engine: Engine) -> None:
    # DOMAIN case 1 (DOS 2025-03-10) and conformance p04.
    report = engine.check(claim("98940-AT", diagnoses=("M62.830", "M99.03"), dos="2025-03-10"))
    [finding] = of(report, "DC101")
    assert finding.severity == "error"
    assert finding.source == "chiropractic"
    assert finding.location == "diagnoses[0]"
    assert "98940" in finding.codes and "M62.830" in finding.codes
    assert finding.suggestions == ["M99.03"]


def test_dc101_without_any_subluxation_suggests_nothing(engine: Engine) -> None:
    [finding] = of(engine.check(claim("98941-AT", diagnoses=("M54.50",))), "DC101")
    assert finding.suggestions == []
    assert "add the subluxation code" in finding.message


def test_dc101_quiet_when_subluxation_first(engine: Engine) -> None:
    assert not of(engine.check(claim("98940-AT")), "DC101")


def test_dc101_accepts_m99_00_by_default_and_the_range_is_an_option(engine: Engine) -> None:
    # Stedi's range includes M99.00 (head); a MAC list without it is an option away.
    assert not of(engine.check(claim("98940-AT", diagnoses=("M99.00", "M62.830"))), "DC101")
    from dc_support import build

    from cleanclaim.config import Config

    strict = build(Config(rules={"DC101": {"primary_diagnoses": ["M99.01-M99.05"]}}))
    assert of(strict.check(claim("98940-AT", diagnoses=("M99.00", "M62.830"))), "DC101")


def test_dc101_ignores_claims_without_spinal_cmt(engine: Engine) -> None:
    report = engine.check(claim("98943-GY", diagnoses=("M62.830", "M99.07")))
    assert not of(report, "DC101")


@pytest.mark.parametrize("payer", ["commercial", "aetna", None])
def test_medicare_rules_quiet_for_other_payers(engine: Engine, payer: str | None) -> None:
    bad = claim(
        line("98941-AT-GA", 1),
        line("98943", 1),
        diagnoses=("M62.830",),
        payer=payer,
    )
    assert not rules_of(engine.check(bad)) & set(MEDICARE_RULES)


def test_dc101_starts_with_icd10(old_engine: Engine) -> None:
    bad = ("M62.830", "M99.03")
    assert not of(old_engine.check(claim("98940-AT", diagnoses=bad, dos="2015-09-30")), "DC101")
    assert of(old_engine.check(claim("98940-AT", diagnoses=bad, dos="2015-10-01")), "DC101")


# ------------------------------------------------------------------ DC102 supporting dx


def test_dc102_warns_without_a_supporting_condition(engine: Engine) -> None:
    # DOMAIN case 6.
    report = engine.check(claim(line("98940-AT", 1), diagnoses=("M99.03",)))
    [finding] = of(report, "DC102")
    assert finding.severity == "warning"
    assert "98940" in finding.codes


@pytest.mark.parametrize("secondary", ["M62.830", "M54.50", "S39.012A", "M54.2"])
def test_dc102_quiet_with_a_supporting_condition(engine: Engine, secondary: str) -> None:
    assert not of(engine.check(claim("98940-AT", diagnoses=("M99.03", secondary))), "DC102")


def test_dc102_a_second_subluxation_is_not_support(engine: Engine) -> None:
    report = engine.check(claim("98940-AT", diagnoses=("M99.03", "M99.04")))
    assert of(report, "DC102")


def test_dc102_list_is_an_option(engine: Engine) -> None:
    from dc_support import build

    from cleanclaim.config import Config

    narrow = build(Config(rules={"DC102": {"supporting_diagnoses": ["S39.012-"]}}))
    assert of(narrow.check(claim("98940-AT")), "DC102")  # M62.830 not on this MAC's list
    assert not of(narrow.check(claim("98940-AT", diagnoses=("M99.03", "S39.012A"))), "DC102")


def test_dc102_dated_from_icd10(old_engine: Engine) -> None:
    only = claim(line("98940-AT", 1), diagnoses=("M99.03",), dos="2015-09-30")
    assert not of(old_engine.check(only), "DC102")
    only["date_of_service"] = "2015-10-01"
    assert of(old_engine.check(only), "DC102")


# ------------------------------------------------------------------ DC103 secondary region


def test_dc103_warns_when_secondary_is_of_another_region(engine: Engine) -> None:
    report = engine.check(claim("98940-AT", diagnoses=("M99.01", "M54.50"), regions=("cervical",)))
    [finding] = of(report, "DC103")
    assert finding.severity == "warning"
    assert finding.location == "diagnoses[0]"
    assert "cervical" in finding.message and "M54.50" in finding.codes


def test_dc103_quiet_when_regions_pair(engine: Engine) -> None:
    assert not of(engine.check(claim("98940-AT", diagnoses=("M99.03", "M54.50"))), "DC103")
    # M62.830 (back) supports thoracic, lumbar and sacral levels.
    assert not of(engine.check(claim("98940-AT", diagnoses=("M99.02", "M62.830"))), "DC103")


def test_dc103_quiet_when_no_secondary_region_is_known(engine: Engine) -> None:
    # M79.18 names no region: nothing to pair, so no warning.
    assert not of(engine.check(claim("98940-AT", diagnoses=("M99.01", "M79.18"))), "DC103")


def test_dc103_each_level_needs_its_own_region(engine: Engine) -> None:
    report = engine.check(
        claim(
            line("98940-AT", 1, 2, 3),
            diagnoses=("M99.03", "M99.01", "M54.50"),
            regions=("lumbar", "cervical"),
        )
    )
    [finding] = of(report, "DC103")
    assert finding.location == "diagnoses[1]"


def test_dc103_extra_regions_option(engine: Engine) -> None:
    from dc_support import build

    from cleanclaim.config import Config

    dx = ("M99.01", "M79.18", "M54.50")
    assert of(engine.check(claim("98940-AT", diagnoses=dx)), "DC103")
    mapped = build(Config(rules={"DC103": {"extra_diagnosis_regions": {"M79.18": ["cervical"]}}}))
    assert not of(mapped.check(claim("98940-AT", diagnoses=dx)), "DC103")


# ------------------------------------------------------------------ DC105 AT/GA/GZ


def test_dc105_fires_without_at_ga_gz(engine: Engine) -> None:
    # DOMAIN case 2.
    [finding] = of(engine.check(claim("98941", regions=None)), "DC105")
    assert finding.severity == "error"
    assert finding.location == "lines[0].modifiers"
    assert finding.codes == ["98941"]
    assert finding.suggestions[0] == "AT"


@pytest.mark.parametrize("modifier", ["AT", "GA", "GZ"])
def test_dc105_quiet_with_at_ga_or_gz(engine: Engine, modifier: str) -> None:
    assert not of(engine.check(claim(f"98940-{modifier}")), "DC105")


def test_dc105_not_for_extraspinal(engine: Engine) -> None:
    assert not of(engine.check(claim("98943-GY")), "DC105")


def test_dc105_date_boundary_2004_10_01(old_engine: Engine) -> None:
    assert not of(old_engine.check(claim("98940", dos="2004-09-30")), "DC105")
    assert of(old_engine.check(claim("98940", dos="2004-10-01")), "DC105")


# ------------------------------------------------------------------ DC106 AT with GA


def test_dc106_fires_on_at_with_ga(engine: Engine) -> None:
    # DOMAIN case 3.
    [finding] = of(engine.check(claim("98940-AT-GA")), "DC106")
    assert finding.severity == "error"
    assert finding.location == "lines[0].modifiers"
    assert set(finding.suggestions) == {"AT", "GA"}
    assert not of(engine.check(claim("98940-AT-GA")), "DC105")


@pytest.mark.parametrize("spec", ["98940-AT", "98940-GA", "98940-GA-GZ"])
def test_dc106_quiet_with_one_of_them(engine: Engine, spec: str) -> None:
    assert not of(engine.check(claim(spec)), "DC106")


def test_dc106_date_boundary_2015_11_01(old_engine: Engine) -> None:
    assert not of(old_engine.check(claim("98940-AT-GA", dos="2015-10-31")), "DC106")
    assert of(old_engine.check(claim("98940-AT-GA", dos="2015-11-01")), "DC106")


# ------------------------------------------------------------------ DC107 GY


def test_dc107_fires_on_98943_without_gy(engine: Engine) -> None:
    # DOMAIN case 4.
    report = engine.check(claim(line("98943", 1), diagnoses=("M99.07",), regions=None))
    [finding] = of(report, "DC107")
    assert finding.severity == "error"
    assert finding.suggestions == ["GY"]
    assert finding.location == "lines[0].modifiers"


def test_dc107_98943_when_specialty_absent_but_not_for_another(engine: Engine) -> None:
    bare = claim(line("98943", 1), diagnoses=("M99.07",), specialty=None)
    assert of(engine.check(bare), "DC107")
    other = claim(line("98943", 1), diagnoses=("M99.07",), specialty="primary-care")
    assert not of(engine.check(other), "DC107")


def test_dc107_other_dc_services_need_gy(engine: Engine) -> None:
    report = engine.check(claim("98940-AT", line("97140", 1), line("99213", 1)))
    assert {f.codes[0] for f in of(report, "DC107")} == {"97140", "99213"}
    # Same lines without a specialty: the CMT line makes it look like a chiropractor's
    # claim (likely, not certain): a warning, not an error.
    report = engine.check(claim("98940-AT", line("97140", 1), specialty=None))
    [finding] = of(report, "DC107")
    assert finding.severity == "warning" and "no specialty given" in finding.message
    # Another specialty given: not judged.
    report = engine.check(claim("98940-AT", line("97140", 1), specialty="primary-care"))
    assert not of(report, "DC107")


def test_dc107_therapy_modifier_on_a_chiropractors_line_does_not_pass(engine: Engine) -> None:
    # Issue #13: GP, GY and XS on one chiropractic 97140 line must not pass.
    report = engine.check(
        claim("98940-AT", line("97140-GP-GY-XS", 2), diagnoses=("M99.03", "M54.2"))
    )
    [finding] = of(report, "DC107")
    assert finding.severity == "warning" and "GP" in finding.codes
    assert finding.suggestions == ["GY"]
    assert report.status != "clean"
    # GY and XS alone agree: quiet.
    report = engine.check(claim("98940-AT", line("97140-GY-XS", 2), diagnoses=("M99.03", "M54.2")))
    assert not of(report, "DC107")


@pytest.mark.parametrize("mods", [["GY"], ["GY", "GX"]])
def test_dc107_quiet_with_gy(engine: Engine, mods: list[str]) -> None:
    report = engine.check(
        claim({"procedure": "98943", "modifiers": mods, "diagnosis_pointers": [1]})
    )
    assert not of(report, "DC107")


def test_dc107_gx_alone_is_not_enough(engine: Engine) -> None:
    assert of(engine.check(claim(line("98943-GX", 1))), "DC107")


def test_dc107_covered_cmt_needs_no_gy(engine: Engine) -> None:
    assert not of(engine.check(claim("98940-AT")), "DC107")
