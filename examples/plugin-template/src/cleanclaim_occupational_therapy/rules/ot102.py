"""OT102: an OT evaluation whose note records no objective finding.

A documentation rule: what the note must show, for which diagnoses, is data
(``data/documentation.toml``, DocumentationCheck records naming OT102);
`documentation_rule` makes the rule whose check reports them.
"""

from __future__ import annotations

from cleanclaim.rulekit import documentation_rule

OT102 = documentation_rule(
    id="OT102",
    name="ot-evaluation-documentation",
    summary="An occupational therapy evaluation whose note records no objective finding "
    "(a standardized test, measured grip strength or range of motion, a functional score) "
    "for the diagnoses it treats.",
    why="Medicare pays therapy only when the record shows the need for skilled care and a "
    "baseline to measure progress against; an evaluation without objective measures is the "
    "commonest reason a therapy plan of care is found not reasonable and necessary.",
    example="2026-05-12: 97166 for I69.351 with documentation.objective_findings empty.",
    fix="Record at least one objective, measurable finding of the evaluation (test name and "
    "score, grip strength, range of motion, a functional assessment).",
    reference="Medicare Benefit Policy Manual Pub 100-02 Ch.15 §220.3 (documentation "
    "requirements for therapy services)",
    default_severity="warning",
    groups=("therapy", "documentation"),
    example_claim={
        "date_of_service": "2026-05-12",
        "payer": "commercial",
        "diagnoses": ["I69.351"],
        "lines": [{"procedure": "97166", "modifiers": ["GO"], "diagnosis_pointers": [1]}],
        "documentation": {"treatment_rationale": "restore independent dressing after stroke"},
    },
)
