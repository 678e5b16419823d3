"""PT106 (spasm-back-pain-documentation): A therapy claim with muscle spasm of the back,
back or neck pain, or a back or neck strain (M62.830, M54.5-, M54.2, M54.6, M54.8-,
M54.9, S39.01-, S13.4-, S16.1-, S29.01-) whose documentation lacks the site, the onset,
an objective finding, whether there was trauma, or a treatment rationale.

The rule's options model (if it has options), its check and its `Rule`, side by side.
"""

from __future__ import annotations

from cleanclaim.rule import Scope
from cleanclaim.rulekit import documentation_rule

from cleanclaim_physical_therapy.rules.common import (
    ALWAYS_THERAPY,
    NOT_FOR,
    _example,
)

PT106 = documentation_rule(
    id="PT106",
    excluded_specialties=NOT_FOR,
    scope=Scope(procedures=frozenset({ALWAYS_THERAPY})),
    name="spasm-back-pain-documentation",
    summary="A therapy claim with muscle spasm of the back, back or neck pain, or a back or "
    "neck strain (M62.830, M54.5-, M54.2, M54.6, M54.8-, M54.9, S39.01-, S13.4-, S16.1-, "
    "S29.01-) whose documentation lacks the site, the onset, an objective finding, whether "
    "there was trauma, or a treatment rationale.  One finding per missing element.",
    why="These elements decide the code (site; traumatic strain vs non-traumatic spasm) and "
    "show that skilled therapy was reasonable and necessary; a reviewer who cannot find "
    "them denies the claim.",
    example="97110-GP for M62.830 with documentation that gives the site and onset but no "
    "objective finding, no word on trauma and no treatment rationale.",
    fix="Document the missing element, or query the provider for it, before the claim goes "
    "out; each finding says what to ask.",
    reference="ICD-10-CM Official Guidelines I.B.2, I.C.19.a; Medicare Benefit Policy Manual "
    "(Pub 100-02) ch. 15 §220.2-220.3; each finding names its own",
    default_severity="warning",
    groups=("therapy", "documentation"),
    example_claim=_example(documentation={"site": "lumbar", "onset": "acute"}),
)
