"""CLM202: a procedure that no diagnosis it points at supports (pairings from plugins)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cleanclaim.context import ClaimContext
from cleanclaim.rule import Hit, Rule, Scope


def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    pairings = ctx.tables.pairings
    day, payer, profile = ctx.day, ctx.payer, ctx.profile
    for index, line in enumerate(ctx.lines):
        candidates = pairings.get(line.procedure)
        if not candidates:
            continue
        pointed = ctx.line_diagnoses[index]
        if not pointed:
            continue
        in_force = [p for p in candidates if p.pairing.applies(day, payer, profile)]
        if not in_force:
            continue
        if any(p.supports(code) for p in in_force for code in pointed):
            continue
        elsewhere = [
            code
            for code in ctx.diagnoses
            if code not in pointed and any(p.supports(code) for p in in_force)
        ]
        label = ctx.tables.label(line.procedure)
        hint = (
            f" {', '.join(elsewhere)} on this claim would support it: point the line at it."
            if elsewhere
            else " Point the line at the diagnosis that justifies the service, if documented."
        )
        # Only a published policy (LCD, NCD, article, payer policy) makes a miss an error;
        # a list no policy stands behind is advice (Pairing.basis).
        policy = [p for p in in_force if p.pairing.basis == "policy"]
        if policy:
            yield Hit(
                f"{line.procedure} ({label}) is not supported by the diagnosis it points at "
                f"({', '.join(pointed)}).{hint}",
                f"lines[{index}].diagnosis_pointers",
                (line.procedure, *pointed),
                tuple(elsewhere),
                "; ".join(sorted({p.pairing.citation for p in policy})),
            )
            continue
        yield Hit(
            f"{line.procedure} ({label}) points at {', '.join(pointed)}, which is not among "
            "the diagnoses that ordinarily justify it. No coverage policy known to this tool "
            f"pairs diagnoses with {line.procedure}, so this is advice, not a denial; check "
            f"your MAC's LCD or the payer's policy.{hint}",
            f"lines[{index}].diagnosis_pointers",
            (line.procedure, *pointed),
            tuple(elsewhere),
            "; ".join(sorted({p.pairing.citation for p in in_force})),
            severity="info",
        )


RULE = Rule(
    id="CLM202",
    name="unsupported-procedure",
    summary="A service line whose procedure has diagnosis pairings in force (contributed by "
    "plugins, from LCDs and policies) points only at diagnoses that none of them cover. "
    "An error only when a pairing in force rests on a published policy; a list that no "
    "policy stands behind gives an info.",
    why="Medical necessity: payers pay a procedure only for the diagnoses their coverage "
    "policy lists; an unrelated diagnosis gets the line denied.",
    example="97110 (therapeutic exercise) linked only to J06.9 (acute upper respiratory "
    "infection).",
    fix="Point the line at the documented diagnosis that justifies the service; if none is "
    "documented, query the provider.",
    reference="The pairing's own citation (LCD, article or payer policy), named in each finding",
    check=check,
    scope=Scope(procedures_in_tables=("pairings",)),
    groups=("claim", "necessity"),
    example_claim={
        "date_of_service": "2026-05-12",
        "diagnoses": ["J06.9"],
        "lines": [{"procedure": "97110", "units": 1, "diagnosis_pointers": [1]}],
    },
)
