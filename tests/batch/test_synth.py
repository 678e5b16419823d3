"""The synthetic generator: deterministic, real codes, and faults the engine really finds."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from cleanclaim.engine import Engine, InputError
from cleanclaim.icd import DatasetRegistry
from cleanclaim.synth import FAULTS, FISCAL_YEARS, generate, generate_lines


def test_same_seed_same_claims_other_seed_other_claims() -> None:
    assert list(generate(200, 5)) == list(generate(200, 5))
    assert list(generate(200, 5)) != list(generate(200, 6))
    assert list(generate_lines(50, 1, malformed_rate=0.2)) == list(
        generate_lines(50, 1, malformed_rate=0.2)
    )


def test_fiscal_years_match_the_packaged_datasets() -> None:
    registry = DatasetRegistry.packaged()
    for year, (start, end) in FISCAL_YEARS.items():
        assert registry.for_date(start).info.fiscal_year == year
        assert registry.for_date(end).info.fiscal_year == year


def test_unfaulted_claims_use_only_billable_codes_of_their_year() -> None:
    registry = DatasetRegistry.packaged()
    seen = 0
    for claim in generate(3000, 3):
        day = date.fromisoformat(claim["date_of_service"])
        assert any(start <= day <= end for start, end in FISCAL_YEARS.values())
        if "extensions" in claim:
            continue
        dataset = registry.for_date(day)
        for code in claim["diagnoses"]:
            assert dataset.is_billable(code), (claim["claim_id"], code)
            seen += 1
    assert seen > 2000


def test_mix_of_specialties_and_payers() -> None:
    claims = list(generate(2000, 4))
    specialties = Counter(c["specialty"] for c in claims)
    payers = Counter(c.get("payer") for c in claims)
    assert set(specialties) == {"physical-therapy", "chiropractic", "primary-care", "urology"}
    assert {"medicare", "commercial", None} <= set(payers)
    assert len(payers) >= 5  # some payers no plugin knows


def test_each_injected_fault_is_found_by_its_rule(engine: Engine) -> None:
    missed: Counter[str] = Counter()
    injected: Counter[str] = Counter()
    for claim in generate(3000, 8):
        faults = claim.get("extensions", {}).get("synth_faults", [])
        if not faults:
            continue
        rules = {f.rule for f in engine.check(claim).findings}
        for kind in faults:
            if FAULTS[kind]:
                injected[kind] += 1
                if FAULTS[kind] not in rules:
                    missed[kind] += 1
    assert set(injected) == {k for k, rule in FAULTS.items() if rule}
    assert not missed, missed


def test_typical_claims_are_mostly_clean(engine: Engine) -> None:
    statuses = Counter(engine.check(c).status for c in generate(1000, 9, fault_rate=0.0))
    assert statuses["clean"] >= 950, statuses


def test_malformed_records_are_rejected_as_input_errors(engine: Engine) -> None:
    rejected = 0
    for claim in generate(400, 10, malformed_rate=1.0):
        with pytest.raises(InputError):
            engine.check(claim)
        rejected += 1
    assert rejected == 400
