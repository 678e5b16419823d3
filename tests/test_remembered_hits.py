"""Hits of diagnoses-only rules are remembered per diagnosis list; nothing else changes.

A rule that declares ``diagnoses_only`` promises that its hits depend on the claim's
diagnoses alone (with the dataset of its date, its options and the engine's tables).  The
engine relies on that promise to reuse the hits claim after claim, so these tests check
the promise for every rule that makes it, and check that remembering changes no report.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from cleanclaim.config import Config
from cleanclaim.context import ClaimContext
from cleanclaim.contributions import Hit
from cleanclaim.engine import Engine, InputError
from cleanclaim.fixtures import plugin_of, stub_rule
from cleanclaim.memo import forget
from cleanclaim.models import Claim
from cleanclaim.synth import generate

PLUGINS = ("physical-therapy", "chiropractic", "primary-care", "urology")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.build(config=Config(plugins=PLUGINS))


def _claims(n: int, seed: int) -> list[Claim]:
    out = []
    for raw in generate(n, seed):
        try:
            out.append(Claim.model_validate(raw))
        except ValueError:
            continue  # the generator's deliberately malformed records
    return out


def test_diagnoses_only_rules_ignore_the_rest_of_the_claim(engine: Engine) -> None:
    """Each such rule gives the same hits when everything but the diagnoses changes."""
    declared = [reg.rule for reg in engine.rules.values() if reg.rule.scope.diagnoses_only]
    assert {r.id for r in declared} >= {f"ICD10{n}" for n in range(1, 8)}
    claims = _claims(600, 21)
    donors = claims[::-1]  # other lines, payers, patients and notes for the same diagnoses
    checked = 0
    for claim, donor in zip(claims, donors, strict=True):
        twin = claim.model_copy(
            update={
                "lines": donor.lines,
                "payer": donor.payer,
                "patient": donor.patient,
                "documentation": donor.documentation,
                "specialty": donor.specialty,
                "place_of_service": donor.place_of_service,
                "service_history": donor.service_history,
                "claim_id": donor.claim_id,
            }
        )
        dataset = engine.datasets.for_date(claim.date_of_service)
        for rule in declared:
            hits = []
            for subject in (claim, twin):
                payer = subject.payer or "commercial"
                ctx = ClaimContext(
                    subject,
                    dataset,
                    engine.tables,
                    payer,
                    engine.profile_of(payer),
                    engine.datasets,
                )
                ctx.rule_id = rule.id
                hits.append(list(rule.check(ctx, rule.default_options())))
            assert hits[0] == hits[1], (rule.id, claim.claim_id)
            checked += bool(hits[0])
    assert checked > 50  # the claims did give these rules something to report


def test_remembering_changes_no_report(engine: Engine) -> None:
    claims = _claims(3000, 22)
    shared = [engine.check(c).model_dump_json() for c in claims]
    assert len(engine._remembered_hits) > 0
    fresh = []
    for claim in claims:
        forget(engine._remembered_hits)  # every claim computed from scratch
        fresh.append(engine.check(claim).model_dump_json())
    assert shared == fresh


def test_the_remembered_hits_are_bounded(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine._remembered_hits, "limit", 5)
    for claim in _claims(200, 23):
        engine.check(claim)
        assert len(engine._remembered_hits) <= 5


CALLS: list[str] = []


def _flaky(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    CALLS.append(ctx.diagnoses[0])
    if ctx.diagnoses[0] == "R52":
        raise RuntimeError("boom")
    yield Hit(f"{ctx.diagnoses[0]} seen", "diagnoses[0]")


FLAKY = plugin_of(
    "flaky-fixture",
    "FLK",
    rules=[stub_rule("FLK101", check=_flaky, default_severity="info", diagnoses_only=True)],
)


def test_a_diagnoses_only_rule_runs_once_per_diagnosis_list_and_crashes_are_not_kept() -> None:
    engine = Engine.build(plugins=[FLAKY], installed=False)
    CALLS.clear()

    def rules_of(diagnoses: list[str], payer: str) -> list[str]:
        report = engine.check(
            {"date_of_service": "2026-05-12", "diagnoses": diagnoses, "payer": payer}
        )
        return sorted(f.rule for f in report.findings if f.rule in ("FLK101", "ENG001"))

    assert rules_of(["J06.9"], "medicare") == ["FLK101"]
    assert rules_of(["J06.9"], "medicare") == ["FLK101"]
    assert CALLS == ["J06.9"]  # the second claim reused the first one's hits
    assert rules_of(["R52"], "medicare") == ["ENG001"]
    assert rules_of(["R52"], "medicare") == ["ENG001"]
    assert CALLS == ["J06.9", "R52", "R52"]  # a crash is run again, never remembered
    with pytest.raises(InputError):
        engine.check({"date_of_service": "2026-05-12", "diagnoses": []})
