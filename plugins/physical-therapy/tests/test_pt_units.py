"""PT103: timed units against minutes (8-minute rule and per-code counting)."""

from __future__ import annotations

import pytest
from cleanclaim.engine import Engine
from pt_helpers import claim, line, of_rule

from cleanclaim_physical_therapy.rules import distribute, units_for


@pytest.mark.parametrize(
    ("minutes", "units"),
    [(0, 0), (7, 0), (8, 1), (22, 1), (23, 2), (37, 2), (38, 3), (52, 3), (53, 4), (67, 4),
     (68, 5), (82, 5), (83, 6)],
)  # fmt: skip
def test_units_for_follows_the_cms_table(minutes: int, units: int) -> None:
    assert units_for(minutes) == units


def test_distribution_cms_example() -> None:
    suggested, most = distribute([("97110", 33), ("97140", 7)], units_for(40))
    assert suggested == {"97110": 2, "97140": 1}
    assert most == {"97110": 2, "97140": 1}


def test_distribution_tie_allows_either_code() -> None:
    suggested, most = distribute([("97110", 5), ("97112", 5)], units_for(10))
    assert suggested == {"97110": 1, "97112": 0}
    assert most == {"97110": 1, "97112": 1}


def test_p08_three_units_for_twenty_minutes(engine: Engine) -> None:
    [hit] = of_rule(engine.check(claim(line("97110", 3, 20, "GP"))), "PT103")
    assert (hit.severity, hit.codes, hit.location) == ("error", ["97110"], "lines[0].units")
    assert "support 1 unit" in hit.message


def test_quiet_when_minutes_support_units(engine: Engine) -> None:
    assert not of_rule(engine.check(claim(line("97110", 2, 30, "GP"))), "PT103")
    assert not of_rule(engine.check(claim(line("97110", 2, 23, "GP"))), "PT103")


def test_boundary_22_and_23_minutes(engine: Engine) -> None:
    assert of_rule(engine.check(claim(line("97110", 2, 22, "GP"))), "PT103")
    assert not of_rule(engine.check(claim(line("97110", 2, 23, "GP"))), "PT103")


def test_domain_case_8_over_total(engine: Engine) -> None:
    report = engine.check(claim(line("97110", 3, 33, "GP"), line("97140", 1, 7, "GP")))
    [hit] = of_rule(report, "PT103")
    assert hit.codes == ["97110"]
    assert "97110 ×2 + 97140 ×1" in hit.message


def test_domain_case_8_distribution_only(engine: Engine) -> None:
    # Total is right (3 units for 40 minutes) but 97110's 33 minutes earn only 2.
    report = engine.check(claim(line("97110", 3, 33, "GP"), line("97140", 0, 7, "GP")))
    [hit] = of_rule(report, "PT103")
    assert hit.codes == ["97110"] and "at most 2" in hit.message


def test_domain_case_8_correct_billing_quiet(engine: Engine) -> None:
    report = engine.check(claim(line("97110", 2, 33, "GP"), line("97140", 1, 7, "GP")))
    assert not of_rule(report, "PT103")


def test_domain_case_9a_two_short_services(engine: Engine) -> None:
    report = engine.check(claim(line("97110", 1, 5, "GP"), line("97112", 1, 5, "GP")))
    [hit] = of_rule(report, "PT103")
    assert "10 timed minutes" in hit.message and "support 1 unit" in hit.message


def test_domain_case_9a_one_unit_either_code_quiet(engine: Engine) -> None:
    report = engine.check(claim(line("97110", 0, 5, "GP"), line("97112", 1, 5, "GP")))
    assert not of_rule(report, "PT103")


def test_domain_case_9b_evaluation_minutes_excluded(engine: Engine) -> None:
    report = engine.check(claim(line("97161", 1, 40, "GP"), line("97110", 3, 12, "GP")))
    [hit] = of_rule(report, "PT103")
    assert hit.codes == ["97110"] and "12 timed minutes" in hit.message


def test_untimed_minutes_excluded(engine: Engine) -> None:
    report = engine.check(claim(line("97010", 1, 20, "GP"), line("97110", 1, 10, "GP")))
    assert not of_rule(report, "PT103")


def test_same_code_on_two_lines_is_added_up(engine: Engine) -> None:
    report = engine.check(claim(line("97110", 1, 15, "GP"), line("97110", 1, 15, "GP")))
    assert not of_rule(report, "PT103")
    report = engine.check(claim(line("97110", 2, 10, "GP"), line("97110", 1, 10, "GP")))
    assert of_rule(report, "PT103")


def test_no_minutes_no_finding(engine: Engine) -> None:
    assert not of_rule(engine.check(claim(line("97110", 4, None, "GP"))), "PT103")


def test_partial_minutes_info(engine: Engine) -> None:
    report = engine.check(claim(line("97110", 2, 30, "GP"), line("97140", 2, None, "GP")))
    [hit] = of_rule(report, "PT103")
    assert hit.severity == "info" and hit.codes == ["97140"]


def test_partial_minutes_can_be_ignored() -> None:
    from cleanclaim.config import Config

    import cleanclaim_physical_therapy.plugin as plugin

    quiet = Engine.build(
        plugins=[plugin],
        installed=False,
        config=Config(rules={"PT103": {"partial_minutes": "ignore"}}),
    )
    report = quiet.check(claim(line("97110", 2, 30, "GP"), line("97140", 2, None, "GP")))
    assert not of_rule(report, "PT103")


def test_commercial_counts_per_code(engine: Engine) -> None:
    # 8 + 8 minutes: one unit in total under Medicare's rule, one per code per-code.
    lines = (line("97110", 1, 8), line("97140", 1, 8))
    assert of_rule(engine.check(claim(*lines)), "PT103")
    assert not of_rule(engine.check(claim(*lines, payer="commercial")), "PT103")


def test_commercial_per_code_fires(engine: Engine) -> None:
    [hit] = of_rule(engine.check(claim(line("97110", 3, 20), payer="commercial")), "PT103")
    assert hit.codes == ["97110"] and "code by code" in hit.message


def test_method_is_a_user_option() -> None:
    from cleanclaim.config import Config

    import cleanclaim_physical_therapy.plugin as plugin

    eight = Engine.build(
        plugins=[plugin],
        installed=False,
        config=Config(rules={"PT103": {"method": "eight-minute"}}),
    )
    lines = (line("97110", 1, 8), line("97140", 1, 8))
    assert of_rule(eight.check(claim(*lines, payer="commercial")), "PT103")
