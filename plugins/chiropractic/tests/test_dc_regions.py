"""DC104: the regions diagnosed and documented must support the CMT level."""

from __future__ import annotations

import pytest
from dc_support import build, claim, line, of
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanclaim.config import Config
from cleanclaim.engine import Engine

SPINAL = {
    "cervical": "M99.01",
    "thoracic": "M99.02",
    "lumbar": "M99.03",
    "sacral": "M99.04",
    "pelvic": "M99.05",
}

ENGINE = build()  # for the property test (hypothesis and function fixtures do not mix)


def regions_claim(code: str, names: list[str], payer: str = "medicare") -> dict[str, object]:
    dx = (*(SPINAL[n] for n in names), "M62.830")
    pointers = tuple(range(1, min(len(dx), 4) + 1))  # a line holds at most four pointers
    return claim(line(f"{code}-AT", *pointers), diagnoses=dx, regions=tuple(names), payer=payer)


def test_98942_counts_the_claims_subluxations_beyond_four_pointers(engine: Engine) -> None:
    """Issue #13 (case t-d14): five M99.0- codes, the line points at four of them (all a
    CMS-1500 line holds); the level counts the claim's five regions."""
    names = ["cervical", "thoracic", "lumbar", "sacral", "pelvic"]
    dx = (*(SPINAL[n] for n in names), "M54.50")
    report = engine.check(claim(line("98942-AT", 1, 2, 3, 4), diagnoses=dx, regions=tuple(names)))
    assert not of(report, "DC104")
    # and one pointer is enough: the count is the claim's, the pointers are DC101's
    report = engine.check(claim(line("98942-AT", 1), diagnoses=dx, regions=tuple(names)))
    assert not of(report, "DC104")


def test_98942_with_four_subluxations_on_the_claim_still_fails(engine: Engine) -> None:
    names = ["cervical", "thoracic", "lumbar", "sacral"]
    dx = (*(SPINAL[n] for n in names), "M54.50")
    report = engine.check(
        claim(line("98942-AT", 1, 2, 3, 4), diagnoses=dx, regions=(*names, "pelvic"))
    )
    [finding] = of(report, "DC104")
    assert finding.severity == "error" and finding.suggestions == ["98941"]


def test_p05_one_region_does_not_support_98941(engine: Engine) -> None:
    report = engine.check(claim("98941-AT", diagnoses=("M99.03", "M62.830")))
    [finding] = of(report, "DC104")
    assert finding.severity == "error"
    assert finding.codes[0] == "98941"
    assert finding.suggestions == ["98940"]
    assert finding.location == "lines[0]"


def test_domain_case_5_two_documented_regions_bill_98940(engine: Engine) -> None:
    report = engine.check(regions_claim("98941", ["lumbar", "pelvic"], payer="commercial"))
    [finding] = of(report, "DC104")
    assert finding.suggestions == ["98940"]
    assert "lumbar, pelvic" in finding.message


@pytest.mark.parametrize(
    ("code", "names"),
    [
        ("98940", ["lumbar"]),
        ("98940", ["cervical", "lumbar"]),
        ("98941", ["cervical", "thoracic", "lumbar"]),
        ("98941", ["cervical", "thoracic", "lumbar", "sacral"]),
        ("98942", ["cervical", "thoracic", "lumbar", "sacral", "pelvic"]),
    ],
)
def test_level_supported_is_quiet(engine: Engine, code: str, names: list[str]) -> None:
    assert not of(engine.check(regions_claim(code, names)), "DC104")


@pytest.mark.parametrize(
    ("code", "names", "right"),
    [
        ("98942", ["cervical", "thoracic", "lumbar", "sacral"], "98941"),
        ("98942", ["cervical", "thoracic"], "98940"),
        ("98941", ["cervical", "thoracic"], "98940"),
    ],
)
def test_level_too_high_is_an_error(
    engine: Engine, code: str, names: list[str], right: str
) -> None:
    [finding] = of(engine.check(regions_claim(code, names)), "DC104")
    assert finding.severity == "error"
    assert finding.suggestions == [right]


def test_more_regions_than_the_code_is_info(engine: Engine) -> None:
    [finding] = of(
        engine.check(regions_claim("98940", ["cervical", "thoracic", "lumbar"])), "DC104"
    )
    assert finding.severity == "info"
    assert finding.suggestions == ["98941"]
    quiet = build(Config(rules={"DC104": {"report_undercoding": False}}))
    assert not of(quiet.check(regions_claim("98940", ["cervical", "thoracic", "lumbar"])), "DC104")


def test_diagnosed_but_not_documented_does_not_count(engine: Engine) -> None:
    # Three subluxations diagnosed, one region documented: only lumbar is supported.
    report = engine.check(
        claim(
            line("98941-AT", 1, 2, 3),
            diagnoses=("M99.01", "M99.02", "M99.03"),
            regions=("lumbar",),
        )
    )
    [finding] = of(report, "DC104")
    assert "diagnosed but not documented: cervical (M99.01), thoracic (M99.02)" in finding.message
    assert finding.suggestions == ["98940"]


def test_documented_but_not_diagnosed_is_named(engine: Engine) -> None:
    report = engine.check(claim(line("98941-AT", 1, 2), regions=("lumbar", "cervical", "thoracic")))
    [finding] = of(report, "DC104")
    assert "documented but not diagnosed: cervical, thoracic" in finding.message


def test_diagnosed_only_counts_when_nothing_is_documented(engine: Engine) -> None:
    dx = ("M99.01", "M99.02", "M99.03")
    assert not of(
        engine.check(claim(line("98941-AT", 1, 2, 3), diagnoses=dx, regions=None)), "DC104"
    )
    assert of(engine.check(claim(line("98940-AT", 1, 2, 3), diagnoses=dx, regions=None)), "DC104")


def test_documented_only_counts_without_subluxation_codes(engine: Engine) -> None:
    # Commercial claims often carry no M99.0- code: the documented regions are used.
    report = engine.check(
        claim(
            line("98941", 1),
            diagnoses=("M54.50",),
            regions=("cervical", "thoracic", "lumbar"),
            payer="commercial",
        )
    )
    assert not of(report, "DC104")


def test_only_the_lines_own_pointers_are_diagnosed_regions(engine: Engine) -> None:
    # M99.01 belongs to the 97140 line, not the CMT line.
    report = engine.check(
        claim(
            line("98941-AT", 1, 2),
            line("97140-XS", 3),
            diagnoses=("M99.03", "M62.830", "M99.01"),
            regions=None,
        )
    )
    [finding] = of(report, "DC104")
    assert finding.suggestions == ["98940"]


def test_disjoint_diagnosed_and_documented_is_an_error(engine: Engine) -> None:
    report = engine.check(claim("98940-AT", regions=("cervical",)))
    [finding] = of(report, "DC104")
    assert finding.severity == "error"
    assert "no spinal region is both diagnosed" in finding.message


def test_nothing_diagnosed_or_documented_is_a_warning(engine: Engine) -> None:
    report = engine.check(
        claim(line("98940", 1), diagnoses=("M54.50",), regions=None, payer="commercial")
    )
    [finding] = of(report, "DC104")
    assert finding.severity == "warning"
    assert finding.location == "documentation.spinal_regions"


def test_head_region_is_not_a_spinal_region(engine: Engine) -> None:
    report = engine.check(
        claim(line("98940-AT", 1, 2, 3), diagnoses=("M99.00", "M99.03", "M62.830"), regions=None)
    )
    assert not of(report, "DC104")  # lumbar alone supports 98940
    report = engine.check(
        claim(line("98941-AT", 1, 2, 3), diagnoses=("M99.00", "M99.01", "M99.03"), regions=None)
    )
    [finding] = of(report, "DC104")
    assert "M99.00 (head) is not one of the five CMT spinal regions" in finding.message
    assert finding.suggestions == ["98940"]


@pytest.mark.parametrize(
    ("source", "fires"),
    [("both", True), ("diagnosed", True), ("documented", False), ("either", False)],
)
def test_region_source_option(source: str, fires: bool) -> None:
    engine = build(Config(rules={"DC104": {"region_source": source}}))
    report = engine.check(claim(line("98941-AT", 1, 2), regions=("cervical", "thoracic", "lumbar")))
    assert bool(of(report, "DC104")) is fires


def test_extraspinal_cmt_is_not_counted(engine: Engine) -> None:
    assert not of(engine.check(claim(line("98943-GY", 1), diagnoses=("M99.07",))), "DC104")


def test_applies_to_commercial_payers(engine: Engine) -> None:
    assert of(engine.check(regions_claim("98942", ["lumbar"], payer="commercial")), "DC104")


@given(
    code=st.sampled_from(["98940", "98941", "98942"]),
    names=st.lists(st.sampled_from(list(SPINAL)), min_size=1, max_size=5, unique=True),
)
@settings(max_examples=60, deadline=None)
def test_property_error_exactly_when_too_few_regions(code: str, names: list[str]) -> None:
    low, high = {"98940": (1, 2), "98941": (3, 4), "98942": (5, 5)}[code]
    findings = of(ENGINE.check(regions_claim(code, names)), "DC104")
    severities = [f.severity for f in findings]
    if len(names) < low:
        assert severities == ["error"]
    elif len(names) > high:
        assert severities == ["info"]
    else:
        assert severities == []
