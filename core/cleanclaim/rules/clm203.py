"""CLM203: two procedures on the same date that form a procedure-to-procedure edit."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cleanclaim.context import ClaimContext
from cleanclaim.rule import Hit, Rule, Scope

#: NCCI-associated modifiers that may bypass an edit with modifier indicator 1.
BYPASS = frozenset(
    {
        "59",
        "XE",
        "XS",
        "XP",
        "XU",
        "E1",
        "E2",
        "E3",
        "E4",
        "FA",
        "F1",
        "F2",
        "F3",
        "F4",
        "F5",
        "F6",
        "F7",
        "F8",
        "F9",
        "LC",
        "LD",
        "LM",
        "LT",
        "RC",
        "RI",
        "RT",
        "TA",
        "T1",
        "T2",
        "T3",
        "T4",
        "T5",
        "T6",
        "T7",
        "T8",
        "T9",
        "24",
        "25",
        "57",
        "58",
        "27",
        "78",
        "79",
        "91",
    }
)
EM_BYPASS = frozenset({"25", "57"})
SUGGESTED = ("XS", "59", "XU", "XE", "XP")


def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    lines = ctx.lines
    if len(lines) < 2:
        return  # an edit needs two lines
    edits_for = ctx.tables.edits_for
    for i, first in enumerate(lines):
        for j, second in enumerate(lines):
            if i == j:
                continue
            for entry in edits_for(first.procedure, second.procedure):
                edit = entry.edit
                if not edit.holds_on(ctx.day) or edit.modifier_indicator == 9:
                    continue
                yield from _judge(
                    ctx,
                    i,
                    j,
                    cite(edit.citation, entry.source),
                    edit.modifier_indicator,
                    edit.rationale,
                )


def cite(own: str, contributor: str) -> str:
    """The edit's own provenance (file and line, or the policy a plugin names) and who
    contributed it: a plugin's name alone does not tell an auditor where an edit comes from.
    """
    return own if contributor in own else f"{own} (plugin {contributor})"


def _judge(
    ctx: ClaimContext, col1: int, col2: int, citation: str, indicator: int, rationale: str
) -> Iterator[Hit]:
    one, two = ctx.lines[col1], ctx.lines[col2]
    em = ctx.tables.has_tag(two.procedure, "em")
    # The bypass modifier belongs on the column-2 line.  For an E/M it is 25 (or 57);
    # NCCI does not let 59 or X{EPSU} bypass an edit on an E/M service.
    mods = ctx.line_modifiers[col2]
    why = f" ({rationale})" if rationale else ""
    if indicator == 0:
        yield Hit(
            f"{two.procedure} is bundled into {one.procedure} on the same date{why} and the "
            "edit's modifier indicator is 0: no modifier can bypass it. Remove "
            f"{two.procedure}.",
            f"lines[{col2}]",
            (one.procedure, two.procedure),
            (),
            f"NCCI PTP edit {one.procedure}/{two.procedure}, indicator 0; {citation}",
        )
        return
    allowed = EM_BYPASS if em else BYPASS
    if mods & allowed:
        return
    suggestion = ("25",) if em else SUGGESTED
    yield Hit(
        f"{two.procedure} is bundled into {one.procedure} on the same date{why}. Bill it only if "
        "it was a distinct service (another site, session or encounter) and mark it with "
        f"{'modifier 25 on the E/M' if em else 'XS, 59 or another NCCI-associated modifier'}; "
        "otherwise remove it.",
        f"lines[{col2}].modifiers",
        (one.procedure, two.procedure),
        suggestion,
        f"NCCI PTP edit {one.procedure}/{two.procedure}, indicator 1; {citation}",
    )


RULE = Rule(
    id="CLM203",
    name="procedure-edit",
    summary="Two procedures on the same date of service that form a procedure-to-procedure "
    "(NCCI PTP) edit, without a modifier the edit allows.  Indicator 0: never billable "
    "together; 1: an NCCI-associated modifier on the column-2 code (59, XE, XS, XP, XU, "
    "anatomic modifiers; 25 or 57 for an E/M) bypasses it; 9: the edit does not apply.",
    why="The column-2 service is considered part of the column-1 service; without a valid "
    "bypass the column-2 line is denied, and a bypass modifier used without a distinct "
    "service is an audit finding.",
    example="98940 (spinal manipulation) and 97140 (manual therapy) on the same day, 97140 "
    "without XS or 59.",
    fix="Remove the column-2 line, or, when the service really was distinct (another region "
    "or session) and documented so, add XS/59 to the column-2 line.",
    reference="CMS NCCI Policy Manual ch. I §E (modifiers); NCCI PTP edit files (quarterly); "
    "edits bundled by plugins are a sourced subset, official files supplied by the user take "
    "precedence",
    check=check,
    scope=Scope(procedures_in_tables=("edits",)),
    groups=("claim", "ncci"),
)
