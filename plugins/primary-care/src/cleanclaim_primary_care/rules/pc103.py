"""PC103 (g2211-payability): The visit complexity add-on G2211 billed when Medicare does
not pay it: before 2024-01-01, without an office/outpatient E/M, or with a modifier-25
E/M (in 2024 always; from 2025-01-01 unless the visit includes an annual wellness visit,
a vaccine administration or a Part B preventive service).

The rule's options model (if it has options), its check and its `Rule`, side by side.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from cleanclaim.context import ClaimContext
from cleanclaim.options import RuleOptions
from cleanclaim.rule import Hit, Rule
from cleanclaim_primary_care import policy
from cleanclaim_primary_care.rules.common import (
    _join,
    _ranges,
    _tagged,
)


class G2211Options(RuleOptions):
    """PC103's options."""

    code: str = Field("G2211", description="The add-on code the rule watches (default G2211).")


def check_g2211(ctx: ClaimContext, options: G2211Options) -> Iterator[Hit]:
    code = options.code
    add_on_lines = ctx.lines_with(code)
    if not add_on_lines:
        return
    periods = policy.g2211_periods()
    where = f"lines[{add_on_lines[0]}]"
    period = next((p for p in periods if p.holds_on(ctx.day)), None)
    if period is None:
        starts = sorted(p.effective_from for p in periods if p.effective_from)
        first = starts[0].isoformat() if starts else "its effective date"
        yield Hit(
            message=(
                f"{code} is billed for {ctx.day.isoformat()}, but Medicare pays the visit "
                f"complexity add-on only for dates of service from {first}: remove the line."
            ),
            location=where,
            codes=(code,),
            reference=periods[0].citation if periods else None,
        )
        return
    primaries = [i for i, line in enumerate(ctx.lines) if line.procedure in period.primary_codes]
    if not primaries:
        yield Hit(
            message=(
                f"{code} is an add-on code but the claim bills no E/M it can accompany "
                f"({_ranges(period.primary_codes)} on dates {period.window()}): bill it "
                "with the visit it adds to, or remove it."
            ),
            location=where,
            codes=(code,),
            reference=period.citation,
        )
        return
    if any("25" not in ctx.line_modifiers[i] for i in primaries):
        return
    visits = tuple(dict.fromkeys(ctx.lines[i].procedure for i in primaries))
    allowed = period.modifier_25_allowed_with
    if not allowed:
        yield Hit(
            message=(
                f"{code} is billed with E/M {_join(list(visits))}-25: on dates of service "
                f"{period.window()} Medicare does not pay the complexity add-on when the "
                "E/M carries modifier 25 (a same-day procedure or other service); remove "
                f"{code}."
            ),
            location=where,
            codes=(code, *visits),
            reference=period.citation,
        )
        return
    if any(_tagged(ctx, line.procedure, allowed) for line in ctx.lines):
        return
    yield Hit(
        message=(
            f"{code} is billed with E/M {_join(list(visits))}-25: on dates of service "
            f"{period.window()} Medicare pays the complexity add-on with a modifier-25 E/M "
            "only when that visit also includes an annual wellness visit, a vaccine "
            "administration or a Part B preventive service, and this claim bills none; "
            f"remove {code} (a same-day procedure does not qualify)."
        ),
        location=where,
        codes=(code, *visits),
        reference=period.citation,
    )


PC103 = Rule(
    id="PC103",
    name="g2211-payability",
    summary=(
        "The visit complexity add-on G2211 billed when Medicare does not pay it: before "
        "2024-01-01, without an office/outpatient E/M, or with a modifier-25 E/M (in 2024 "
        "always; from 2025-01-01 unless the visit includes an annual wellness visit, a "
        "vaccine administration or a Part B preventive service)."
    ),
    why=(
        "G2211 pays for the longitudinal relationship of an ongoing office visit. CMS made "
        "it payable on 2024-01-01 and excluded visits billed with modifier 25; from "
        "2025-01-01 the exclusion no longer applies when the modifier-25 E/M is reported "
        "with an AWV, a vaccine administration or a Part B preventive service."
    ),
    example="Medicare, 2025-05-01: 99214-25, 20552 and G2211.",
    fix=(
        "Remove G2211 from the claim, or (2025 and later) bill it only when the "
        "modifier-25 visit includes a qualifying preventive service such as G0439."
    ),
    reference=(
        "Noridian JF 'Complexity Add-on Code G2211'; CMS CY2024 and CY2025 Medicare "
        "Physician Fee Schedule final rules; CMS Transmittal 13015"
    ),
    check=check_g2211,
    default_severity="error",
    enabled_by_default=False,
    groups=("primary-care", "medicare", "add-on"),
    options=G2211Options,
    example_claim={
        "claim_id": "PC103-example",
        "date_of_service": "2025-05-01",
        "payer": "medicare",
        "diagnoses": ["M79.18"],
        "lines": [
            {"procedure": "99214", "modifiers": ["25"], "diagnosis_pointers": [1]},
            {"procedure": "20552", "diagnosis_pointers": [1]},
            {"procedure": "G2211", "diagnosis_pointers": [1]},
        ],
    },
)
