"""ENG001: a rule failed while checking this claim (emitted by the engine itself)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cleanclaim.context import ClaimContext
from cleanclaim.rule import Hit, Rule


def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    """Never reports by itself: the engine emits ENG001 when another rule raises."""
    return iter(())


RULE = Rule(
    id="ENG001",
    name="rule-failed",
    summary="A rule raised an exception on this claim, or was still running when the "
    "claim's time limit passed; the finding names the plugin and the rule. The claim still "
    "gets a report with the other rules' findings.",
    why="A claim that was not fully checked must not look clean: the failure is an error so "
    "that the claim is held rather than sent.",
    example="A third-party plugin's rule that divides by the number of minutes when a line "
    "has none.",
    fix="Report the failure to the plugin's authors (cleanclaim plugins lists its version); "
    "until it is fixed, ignore that rule in configuration if its findings are not needed.",
    reference="No coding or payer rule: it says that one rule failed, so the claim was not "
    "fully checked",
    check=check,
    groups=("engine",),
)
