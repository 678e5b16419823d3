"""PT105 (therapy-code-not-recognised): A therapy code the payer does not recognise
although an alternative exists: 97014 (unattended electrical stimulation) to Medicare,
which pays G0283.

The rule's options model (if it has options), its check and its `Rule`, side by side.
"""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.context import ClaimContext
from cleanclaim.options import NoOptions
from cleanclaim.rule import Hit, Rule, Scope

from cleanclaim_physical_therapy import policy
from cleanclaim_physical_therapy.rules.common import (
    _example,
    _label,
)


def check_replaced_code(ctx: ClaimContext, options: NoOptions) -> Iterator[Hit]:
    replacements = policy.replacements()
    for index, line in enumerate(ctx.lines):
        entry = replacements.get(line.procedure)
        if entry is None or not entry.holds_on(ctx.day):
            continue
        yield Hit(
            f"{_label(ctx, line.procedure)}: {entry.reason}. Bill {' or '.join(entry.use)} "
            "instead.",
            f"lines[{index}]",
            (line.procedure,),
            entry.use,
            entry.citation,
        )


PT105 = Rule(
    id="PT105",
    scope=Scope(procedures=frozenset(policy.replacements())),
    name="therapy-code-not-recognised",
    summary="A therapy code the payer does not recognise although an alternative exists: "
    "97014 (unattended electrical stimulation) to Medicare, which pays G0283.  Medicare "
    "only, all dates of service (the start date is not verified).",
    why="Medicare's outpatient code editors reject 97014 as a code Medicare does not "
    "recognise; the same service is payable as G0283 within a therapy plan of care.",
    example="Medicare: 97014 x1 for unattended electrical stimulation of the lower back.",
    fix="Bill G0283 (one untimed unit per session) instead of 97014.  Commercial payers "
    "usually accept 97014.",
    reference="CMS HCPCS file (G0283, unattended electrical stimulation); Integrated "
    "Outpatient Code Editor edit 'code not recognized by Medicare, alternate code exists'",
    check=check_replaced_code,
    enabled_by_default=False,
    groups=("therapy", "codes"),
    example_claim=_example(line={"procedure": "97014", "units": 1, "minutes": None}),
)
