"""CLM201: a service line that points at no diagnosis, or at one that does not exist."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cleanclaim.context import ClaimContext
from cleanclaim.rule import Hit, Rule


def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    count = len(ctx.diagnoses)
    for index, line in enumerate(ctx.lines):
        if not line.diagnosis_pointers:
            yield Hit(
                f"Line {index + 1} ({line.procedure}) points at no diagnosis; every service "
                "line must name the diagnosis that justifies it.",
                f"lines[{index}].diagnosis_pointers",
                (line.procedure,),
                tuple(str(n) for n in range(1, min(count, 4) + 1)),
            )
            continue
        if max(line.diagnosis_pointers) <= count:
            continue  # the usual case
        bad = [p for p in line.diagnosis_pointers if p > count]
        if bad:
            yield Hit(
                f"Line {index + 1} ({line.procedure}) points at diagnosis "
                f"{', '.join(map(str, bad))}, but the claim lists only {count}.",
                f"lines[{index}].diagnosis_pointers",
                (line.procedure,),
                tuple(str(n) for n in range(1, min(count, 4) + 1)),
            )


RULE = Rule(
    id="CLM201",
    name="diagnosis-pointer",
    summary="A service line with no diagnosis pointer, or with a pointer past the end of the "
    "claim's diagnosis list (pointers are 1-based, as on the CMS-1500).",
    why="The pointer (item 24E) links each service to its medical reason; without a valid "
    "one the line is rejected as incomplete.",
    example="Two diagnoses, and line 1 points at diagnosis 3.",
    fix="Point the line at the diagnosis (1-4 on paper claims, up to 12 electronically) that "
    "the documentation ties to the service.",
    reference="CMS-1500 item 24E; Medicare Claims Processing Manual ch. 26 §10.4",
    check=check,
    groups=("claim",),
    example_claim={
        "date_of_service": "2026-05-12",
        "diagnoses": ["M62.830"],
        "lines": [{"procedure": "97110", "units": 1, "diagnosis_pointers": [2]}],
    },
)
