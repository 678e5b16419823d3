"""models.trusted builds the same objects as pydantic's model_construct, faster."""

from __future__ import annotations

from datetime import date

from cleanclaim.models import (
    REPORT_SCHEMA_VERSION,
    DatasetUsed,
    Finding,
    PayerUsed,
    Report,
    trusted,
)


def test_trusted_equals_model_construct() -> None:
    values = {
        "rule": "ICD101",
        "severity": "error",
        "message": "m",
        "source": "core",
        "location": "diagnoses[0]",
        "codes": ["M54.5"],
        "suggestions": ["M54.50"],
        "reference": "r",
        "input_location": None,
    }
    fast, slow = trusted(Finding, **values), Finding.model_construct(**values)
    assert fast == slow
    assert fast.model_dump_json() == slow.model_dump_json()
    assert fast.model_fields_set == slow.model_fields_set
    used = DatasetUsed(
        system="ICD-10-CM", fiscal_year=2026, release="2026-April", release_date=date(2026, 4, 1)
    )
    payer = PayerUsed(payer=None, profile="commercial", note="no payer given: commercial defaults")
    report = {
        "claim_id": "X",
        "status": "error",
        "dataset": used,
        "findings": [fast],
        "payer": payer,
        "cleanclaim_version": "0.1.0",
        "schema_version": REPORT_SCHEMA_VERSION,
        "input": None,
    }
    assert trusted(Report, **report).model_dump_json() == Report(**report).model_dump_json()
