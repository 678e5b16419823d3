"""The therapy-billing rules never speak on a chiropractor's claim (issue #13).

A chiropractor bills no therapy plan of care: on a Medicare 97140 the chiropractic plugin
asks for GY (DC107), and PT101 asking for GP would contradict it.  The claim's specialty
is the one it gives, or the one its procedures declare (CMT codes: chiropractic).
"""

from __future__ import annotations

import pytest
from cleanclaim.engine import Engine
from pt_helpers import claim, line, of_rule

import cleanclaim_physical_therapy.plugin as pt_plugin
from cleanclaim_physical_therapy.rules import RULES

SCOPED = {"PT101", "PT103", "PT104", "PT106", "PT107"}


def test_the_scoped_rules_exclude_chiropractic() -> None:
    scoped = {r.id for r in RULES if "chiropractic" in r.excluded_specialties}
    assert scoped == SCOPED


def test_pt101_asks_for_gp_on_a_therapy_claim(engine: Engine) -> None:
    report = engine.check(claim(line("97140", 1, 15), specialty="physical-therapy"))
    assert of_rule(report, "PT101")


@pytest.mark.parametrize("given", ["chiropractic", "Chiropractic", " chiropractic "])
def test_pt101_quiet_on_a_chiropractors_claim(engine: Engine, given: str) -> None:
    report = engine.check(claim(line("97140", 1, 15), specialty=given, documentation={}))
    assert not of_rule(report, "PT101")
    assert not of_rule(report, "PT106")


# the repository's test environment installs every bundled plugin: a missing one fails
def test_a_cmt_line_makes_the_claim_a_chiropractors() -> None:
    import cleanclaim_chiropractic.plugin as dc_plugin

    both = Engine.build(plugins=[pt_plugin, dc_plugin], installed=False)
    cmt = {"procedure": "98940", "modifiers": ["AT"], "units": 1, "diagnosis_pointers": [1]}
    therapy = line("97140", 1, 15)
    report = both.check(claim(cmt, therapy, diagnoses=("M99.03",)))
    assert not of_rule(report, "PT101")
    # DC107 still speaks (a warning: the specialty is inferred), and only GY is asked for
    suggestions = {s for f in report.findings if "modifiers" in f.location for s in f.suggestions}
    assert "GP" not in suggestions and "GY" in suggestions
    # without the CMT line nothing tells the specialty: PT101 runs as before
    alone = both.check(claim(therapy, diagnoses=("M54.50",)))
    assert of_rule(alone, "PT101")
