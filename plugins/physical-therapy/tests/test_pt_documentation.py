"""PT106 (documentation elements) and PT107 (trauma on a non-traumatic spasm code)."""

from __future__ import annotations

import pytest
from cleanclaim.engine import Engine
from pt_helpers import COMPLETE_DOCUMENTATION, claim, line, of_rule

ELEMENTS = ["site", "onset", "objective_findings", "trauma", "treatment_rationale"]


def test_pt106_quiet_when_complete(engine: Engine) -> None:
    assert not of_rule(engine.check(claim()), "PT106")


def test_pt106_every_element_missing(engine: Engine) -> None:
    report = engine.check(claim(documentation={}))
    hits = of_rule(report, "PT106")
    assert sorted(h.location for h in hits) == sorted(f"documentation.{e}" for e in ELEMENTS)
    assert all(h.severity == "warning" and h.codes == ["M62.830"] for h in hits)


@pytest.mark.parametrize("element", ELEMENTS)
def test_pt106_one_element_missing(engine: Engine, element: str) -> None:
    documentation = {k: v for k, v in COMPLETE_DOCUMENTATION.items() if k != element}
    [hit] = of_rule(engine.check(claim(documentation=documentation)), "PT106")
    assert hit.location == f"documentation.{element}"


def test_pt106_trauma_false_counts_as_documented(engine: Engine) -> None:
    documentation = {**COMPLETE_DOCUMENTATION, "trauma": False}
    assert not of_rule(engine.check(claim(documentation=documentation)), "PT106")


@pytest.mark.parametrize("code", ["M54.50", "M54.59", "S39.012A", "S16.1XXA", "M54.2"])
def test_pt106_other_back_codes(engine: Engine, code: str) -> None:
    hits = of_rule(engine.check(claim(diagnoses=(code,), documentation={})), "PT106")
    assert len(hits) == len(ELEMENTS) and hits[0].codes == [code]


def test_pt106_quiet_for_unrelated_diagnosis(engine: Engine) -> None:
    assert not of_rule(engine.check(claim(diagnoses=("M17.11",), documentation={})), "PT106")


def test_pt106_quiet_without_therapy_line(engine: Engine) -> None:
    report = engine.check(claim(line("99213", 1), documentation={}))
    assert not of_rule(report, "PT106")


def test_pt106_runs_for_commercial_too(engine: Engine) -> None:
    assert of_rule(engine.check(claim(payer="commercial", documentation={})), "PT106")


TRAUMA = {**COMPLETE_DOCUMENTATION, "trauma": True, "mechanism": "slipped on ice and fell"}


def test_pt107_lumbar_trauma_suggests_lower_back_strain(engine: Engine) -> None:
    [hit] = of_rule(engine.check(claim(documentation=TRAUMA)), "PT107")
    assert hit.severity == "warning"
    assert (hit.location, hit.codes) == ("diagnoses[0]", ["M62.830"])
    assert hit.suggestions[0] == "S39.012A"


@pytest.mark.parametrize(
    ("site", "strain"),
    [("neck", "S16.1XXA"), ("thoracic", "S29.012A"), ("lower back", "S39.012A")],
)
def test_pt107_site_map(engine: Engine, site: str, strain: str) -> None:
    documentation = {**TRAUMA, "site": site, "spinal_regions": []}
    [hit] = of_rule(engine.check(claim(documentation=documentation)), "PT107")
    assert hit.suggestions[0] == strain


def test_pt107_unknown_site_no_suggestion(engine: Engine) -> None:
    documentation = {**TRAUMA, "site": None, "spinal_regions": []}
    [hit] = of_rule(engine.check(claim(documentation=documentation)), "PT107")
    assert hit.suggestions == [] and "document the site" in hit.message


def test_pt107_quiet_without_trauma_or_with_unknown_trauma(engine: Engine) -> None:
    assert not of_rule(engine.check(claim()), "PT107")
    documentation = {**TRAUMA, "trauma": None}
    assert not of_rule(engine.check(claim(documentation=documentation)), "PT107")


def test_pt107_quiet_when_strain_already_coded(engine: Engine) -> None:
    report = engine.check(claim(diagnoses=("S39.012A", "M62.830"), documentation=TRAUMA))
    assert not of_rule(report, "PT107")


def test_pt107_quiet_for_other_codes(engine: Engine) -> None:
    assert not of_rule(engine.check(claim(diagnoses=("M17.11",), documentation=TRAUMA)), "PT107")
