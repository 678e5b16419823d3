"""Rule.specialties / excluded_specialties and the claim's specialty (issue #13).

One specialty's billing rules must not speak on another's claim.  The claim's specialty is
the one it gives (normalised: ``Physical Therapy`` is ``physical-therapy``) or, when it
gives none, the single specialty its billed procedures declare; unknown means every rule
runs, as before.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kernel_support import claim, line

from cleanclaim.context import ClaimContext
from cleanclaim.contributions import Hit, Procedure
from cleanclaim.engine import Engine
from cleanclaim.fixtures import plugin_of, stub_rule


def _always(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    yield Hit("said", "claim")


PROCEDURES = [
    Procedure(code="98940", label="spinal manipulation", specialty="Chiropractic"),
    Procedure(code="97110", label="therapeutic exercise"),
    Procedure(code="98925", label="osteopathic manipulation", specialty="osteopathic"),
]
RULES = [
    stub_rule("TST101", check=_always, specialties=frozenset({"physical-therapy"})),
    stub_rule("TST102", check=_always, excluded_specialties=frozenset({"chiropractic"})),
    stub_rule("TST103", check=_always),
    # diagnoses_only hits are remembered: the memo must not hand them to another specialty
    stub_rule(
        "TST104", check=_always, diagnoses_only=True, excluded_specialties=frozenset({"x-ray"})
    ),
]
ENGINE = Engine.build(
    plugins=[plugin_of("scope", "TST", rules=RULES, procedures=PROCEDURES)], installed=False
)


def said(**fields: Any) -> set[str]:
    lines = fields.pop("lines", [line("97110", 1)])
    report = ENGINE.check(claim("M54.50", lines=lines, **fields))
    return {f.rule for f in report.findings if f.rule.startswith("TST")}


def test_unknown_specialty_runs_every_rule() -> None:
    assert said() == {"TST101", "TST102", "TST103", "TST104"}


def test_a_rule_for_other_specialties_is_quiet() -> None:
    assert said(specialty="chiropractic") == {"TST103", "TST104"}
    assert said(specialty="Physical Therapy") == {"TST101", "TST102", "TST103", "TST104"}


def test_the_specialty_is_inferred_from_a_procedure_that_declares_one() -> None:
    assert said(lines=[line("98940", 1), line("97110", 1)]) == {"TST103", "TST104"}


def test_two_declared_specialties_tell_nothing() -> None:
    lines = [line("98940", 1), line("98925", 1)]
    assert said(lines=lines) == {"TST101", "TST102", "TST103", "TST104"}


def test_the_given_specialty_wins_over_the_procedures() -> None:
    lines = [line("98940", 1)]
    assert said(lines=lines, specialty="physical_therapy") >= {"TST101", "TST102"}


def test_remembered_hits_are_per_specialty() -> None:
    assert "TST104" not in said(specialty="x-ray")
    assert "TST104" in said()
    assert "TST104" not in said(specialty="X Ray")
