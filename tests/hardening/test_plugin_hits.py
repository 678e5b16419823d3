"""A finding a plugin builds badly is ENG001 for that claim, and the batch goes on.

Findings are built without validation (speed), so the engine checks every field of a
plugin's ``Hit`` that a report carries: a list of codes that is a string or holds numbers,
``suggestions=None``, a reference that is an object, a message or location that cannot be
written as UTF-8 (a lone surrogate).  Any of these would otherwise crash the sort or the
JSON of the report far from the rule and lose the claim's line (docs/promises.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from hardening_support import CLEAN

from cleanclaim.cli.batch import check_chunk
from cleanclaim.cli.output import render_report
from cleanclaim.context import ClaimContext
from cleanclaim.contributions import Hit
from cleanclaim.engine import Engine
from cleanclaim.fixtures import plugin_of, stub_rule

POISON = "M54.50"

BAD_HITS: dict[str, dict[str, Any]] = {
    "codes-a-string": {"codes": "M54.50"},
    "codes-of-numbers": {"codes": (1, 2)},
    "codes-none": {"codes": None},
    "suggestions-none": {"suggestions": None},
    "suggestions-a-set": {"suggestions": {"M54.59"}},
    "reference-an-object": {"reference": object()},
    "reference-bytes": {"reference": b"NCCI"},
    "message-lone-surrogate": {"message": "bad \ud800 text"},
    "location-lone-surrogate": {"location": "lines[0]\udfff"},
    "message-none": {"message": None},
    "severity-a-list": {"severity": ["error"]},
}


def _engine(fields: dict[str, Any]) -> Engine:
    def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
        if POISON in ctx.diagnoses:
            base: dict[str, Any] = {"message": "fine", "location": "diagnoses[0]"}
            yield Hit(**{**base, **fields})

    plugin = plugin_of("hx-hits", "HXH", rules=[stub_rule("HXH101", check)])
    return Engine.build([plugin], installed=False)


@pytest.mark.parametrize("kind", list(BAD_HITS))
def test_a_badly_built_hit_is_eng001_and_the_report_can_be_written(kind: str) -> None:
    engine = _engine(BAD_HITS[kind])
    report = engine.check({**CLEAN, "diagnoses": [POISON]})
    assert [f.rule for f in report.findings] == ["ENG001"], report.findings
    assert "HXH101" in report.findings[0].message and "hx-hits" in report.findings[0].message
    json.loads(report.model_dump_json())
    render_report(report).encode("utf-8")


@pytest.mark.parametrize("kind", ["suggestions-none", "message-lone-surrogate"])
def test_a_badly_built_hit_costs_the_batch_nothing(kind: str) -> None:
    engine = _engine(BAD_HITS[kind])
    records = [
        (number, json.dumps({**CLEAN, "claim_id": f"C-{number}", "diagnoses": [code]}), None, None)
        for number, code in enumerate(["M62.830", POISON, "M62.830"], start=1)
    ]
    checked = check_chunk(engine, records)  # type: ignore[arg-type]
    lines = [json.loads(line) for line in checked.text.decode("utf-8").splitlines()]
    assert [r["claim_id"] for r in lines] == ["C-1", "C-2", "C-3"]
    assert [r["status"] for r in lines] == ["clean", "error", "clean"]


def test_a_well_built_hit_still_becomes_its_finding() -> None:
    engine = _engine({"codes": ["M54.50"], "suggestions": ("M54.59",), "reference": "ICD-10-CM"})
    report = engine.check({**CLEAN, "diagnoses": [POISON]})
    (finding,) = report.findings
    assert finding.rule == "HXH101" and finding.codes == ["M54.50"]
    assert finding.suggestions == ["M54.59"] and finding.reference == "ICD-10-CM"
