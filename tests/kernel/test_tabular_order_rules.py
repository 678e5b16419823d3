"""ICD104 and ICD107 read ranges in the tabular list's order, not in string order.

FY2021's D49 carries Excludes1 "neoplasms of uncertain behavior (D37-D44, D48)"; compared
as strings the range would take in D3A (benign neuroendocrine tumours), which the tabular
list places before D37.  N16's code-first note names "(C96.0-C96.9)", which in the
tabular list takes in C96.A and C96.Z, listed before C96.9.
"""

from __future__ import annotations

from cleanclaim.engine import Engine

ENGINE = Engine.build(installed=False)


def _findings(*diagnoses: str) -> list[tuple[str, list[str], list[str]]]:
    report = ENGINE.check({"date_of_service": "2021-05-01", "diagnoses": list(diagnoses)})
    return [(f.rule, f.codes, f.suggestions) for f in report.findings]


def test_a_range_does_not_take_in_a_node_the_tabular_list_puts_outside_it() -> None:
    assert _findings("D49.0", "D3A.00") == []
    assert _findings("D49.0", "D37.1") == [("ICD104", ["D49.0", "D37.1"], [])]


def test_a_range_takes_in_the_nodes_the_tabular_list_puts_inside_it() -> None:
    assert _findings("N16", "C96.A") == [("ICD107", ["N16"], ["C96.A"])]


def _findings_2026(*diagnoses: str) -> list[tuple[str, list[str]]]:
    report = ENGINE.check({"date_of_service": "2026-05-12", "diagnoses": list(diagnoses)})
    return [(f.rule, f.codes) for f in report.findings]


def test_excludes1_codes_named_in_the_prose_are_read() -> None:
    # R29.891 Excludes1 "torticollis NOS M43.6"; H47.6 "injury to visual cortex S04.04-"
    assert _findings_2026("R29.891", "M43.6") == [("ICD104", ["R29.891", "M43.6"])]
    assert _findings_2026("H47.611", "S04.041A") == [("ICD104", ["H47.611", "S04.041A"])]


def test_qualified_prose_references_are_not_read_wider_than_meant() -> None:
    # E87.2 Excludes1 "diabetic acidosis - see categories E08-E10, E11, E13 with ketoacidosis"
    assert _findings_2026("E87.20", "E11.9") == []
