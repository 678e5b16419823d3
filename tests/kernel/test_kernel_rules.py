"""Every kernel rule, made to fire and kept quiet, on a hermetic engine.

Diagnosis rules run against the packaged ICD-10-CM datasets (they are the kernel's input
as much as the claim is); claim rules run against fixture plugins defined here, so the
numbers and policies of the bundled plugins never decide a kernel test.
"""

from __future__ import annotations

from datetime import date

import pytest
from kernel_support import claim, engine_with, fixture_plugin, line, only, rules_of

from cleanclaim.contributions import IntegralPair, Pairing, Procedure, ProcedureEdit, UnitLimit
from cleanclaim.engine import Engine
from cleanclaim.icd import DatasetRegistry, diff_datasets

PROCEDURES = [
    Procedure(code="97110", label="therapeutic exercise", tags=frozenset({"timed"})),
    Procedure(code="97112", label="neuromuscular re-education"),
    Procedure(code="97140", label="manual therapy"),
    Procedure(code="97530", label="therapeutic activities"),
    Procedure(code="98940", label="spinal manipulation, 1-2 regions", tags=frozenset({"cmt"})),
    Procedure(code="20552", label="trigger point injection"),
    Procedure(code="99213", label="office visit, established", tags=frozenset({"em"})),
]
PAIRINGS = [
    Pairing(procedures=("97110",), diagnoses=("M62.83-", "M54.5-"), citation="Fixture LCD L1"),
    Pairing(
        procedures=("97112",),
        diagnoses=("M62.830",),
        payers=("medicare",),
        citation="Fixture Medicare LCD L2",
    ),
    Pairing(
        procedures=("97530",),
        diagnoses=("M62.830",),
        payers=("acme",),
        citation="Fixture Acme policy",
    ),
    Pairing(
        procedures=("20552",),
        diagnoses=("M79.1-",),
        effective_from=date(2026, 6, 1),
        citation="Fixture LCD L3 (revision 2026-06-01)",
    ),
]
EDITS = [
    ProcedureEdit(column1="97530", column2="97140", modifier_indicator=0, citation="fx ptp"),
    ProcedureEdit(column1="98940", column2="97140", modifier_indicator=1, citation="fx ptp"),
    ProcedureEdit(column1="97110", column2="97112", modifier_indicator=9, citation="fx ptp"),
    ProcedureEdit(
        column1="97110",
        column2="97530",
        modifier_indicator=1,
        effective_to=date(2026, 3, 31),
        citation="fx ptp (deleted 2026-04-01)",
    ),
    ProcedureEdit(column1="20552", column2="99213", modifier_indicator=1, citation="fx ptp"),
]
LIMITS = [
    UnitLimit(code="97110", max_units=4, adjudication=1, citation="fx mue"),
    UnitLimit(code="20552", max_units=1, adjudication=2, citation="fx mue"),
    UnitLimit(code="97140", max_units=2, adjudication=3, citation="fx mue"),
]
INTEGRAL = [IntegralPair(symptom="R51.9", definitive="G43.9-", citation="Fixture guideline note")]


@pytest.fixture(scope="module")
def engine() -> Engine:
    plugin = fixture_plugin(
        "fixture",
        procedures=PROCEDURES,
        pairings=PAIRINGS,
        procedure_edits=EDITS,
        unit_limits=LIMITS,
        integral_pairs=INTEGRAL,
    )
    built = engine_with(plugin)
    assert built.problems == []
    return built


# -- ICD101 ------------------------------------------------------------------------------


def test_icd101_code_that_never_existed_names_the_nearest_codes(engine: Engine) -> None:
    [finding] = engine.check(claim("Q99.99")).findings
    assert (finding.rule, finding.location, finding.severity) == ("ICD101", "diagnoses[0]", "error")
    assert "not an ICD-10-CM code" in finding.message
    assert "Q99.9" in finding.suggestions


def test_icd101_deleted_code_says_deleted_and_lists_replacements(engine: Engine) -> None:
    [finding] = engine.check(claim("S30.1XXA")).findings
    assert finding.rule == "ICD101"
    assert "deleted" in finding.message and "FY2025" in finding.message
    assert "S30.11XA" in finding.suggestions


def test_icd101_expanded_m545_lists_its_new_codes(engine: Engine) -> None:
    [finding] = engine.check(claim("M54.5")).findings
    assert finding.rule == "ICD101"
    assert "expanded" in finding.message
    assert finding.suggestions[:3] == ["M54.50", "M54.51", "M54.59"]


def test_icd101_code_not_yet_effective_on_a_2025_date() -> None:
    registry = DatasetRegistry.packaged()
    fy2025, fy2026 = registry.for_fiscal_year(2025), registry.for_fiscal_year(2026)
    added = [
        code
        for code in diff_datasets(fy2025, fy2026).added
        if fy2026.is_billable(code)
        and not any(registry.for_fiscal_year(fy).is_valid(code) for fy in (2021, 2025))
    ]
    assert added, "FY2026 added billable codes"
    report = engine_with().check(claim(added[0], day="2025-05-01"))
    [finding] = report.findings
    assert finding.rule == "ICD101"
    assert "not yet effective" in finding.message and "FY2026" in finding.message
    assert engine_with().check(claim(added[0])).findings == []


def test_icd101_quiet_for_a_valid_billable_code(engine: Engine) -> None:
    assert engine.check(claim("M62.830")).findings == []


def test_icd101_fires_for_m545_in_fy2026_but_not_in_fy2021(engine: Engine) -> None:
    assert engine.check(claim("M54.5", day="2021-05-01")).findings == []


# -- ICD102 ------------------------------------------------------------------------------


def test_icd102_header_lists_billable_descendants(engine: Engine) -> None:
    [finding] = engine.check(claim("M62.83")).findings
    assert finding.rule == "ICD102"
    assert finding.suggestions == ["M62.830", "M62.831", "M62.838"]


def test_icd102_quiet_for_billable_code(engine: Engine) -> None:
    assert "ICD102" not in rules_of(engine.check(claim("M62.831")))


# -- ICD103 ------------------------------------------------------------------------------


def test_icd103_missing_seventh_character(engine: Engine) -> None:
    [finding] = engine.check(claim("S39.012")).findings
    assert finding.rule == "ICD103"
    assert finding.suggestions == ["S39.012A", "S39.012D", "S39.012S"]


def test_icd103_invalid_seventh_character_s06(engine: Engine) -> None:
    [finding] = engine.check(claim("S06.307D")).findings
    assert finding.rule == "ICD103"
    assert "'D' is not valid" in finding.message
    assert finding.suggestions == ["S06.307A"]


def test_icd103_missing_placeholder(engine: Engine) -> None:
    [finding] = engine.check(claim("S13.4A")).findings
    assert finding.rule == "ICD103"
    assert finding.suggestions == ["S13.4XXA"]
    assert "placeholder X" in finding.message


def test_icd103_quiet_for_complete_code(engine: Engine) -> None:
    assert engine.check(claim("S39.012A", "S13.4XXA")).findings == []


# -- ICD104 ------------------------------------------------------------------------------


def test_icd104_note_on_parent_applies_to_child(engine: Engine) -> None:
    [finding] = engine.check(claim("S39.012A", "M54.50")).findings
    assert finding.rule == "ICD104"
    assert finding.codes == ["M54.50", "S39.012A"]
    assert "Excludes1 at M54.5" in finding.reference


def test_icd104_note_on_category_with_dash_ref(engine: Engine) -> None:
    # M62 (category) carries Excludes1 "myalgia (M79.1-)"; M79.18 is below M79.1.
    [finding] = only(engine.check(claim("M62.830", "M79.18")), "ICD104")
    assert finding.location == "diagnoses[1]"
    assert "Excludes1 at M62" in finding.reference


def test_icd104_range_ref(engine: Engine) -> None:
    # R52 carries Excludes1 "chest pain (R07.1-R07.9)".
    [finding] = only(engine.check(claim("R52", "R07.89")), "ICD104")
    assert finding.codes == ["R52", "R07.89"]


def test_icd104_excludes2_never_fires(engine: Engine) -> None:
    # R10 carries Excludes2 "dorsalgia (M54.-)": both may be coded.
    registry = DatasetRegistry.packaged()
    r10 = registry.for_fiscal_year(2026).lookup("R10")
    assert r10 is not None and any("M54" in n.text for n in r10.excludes2)
    assert engine.check(claim("R10.9", "M54.50")).findings == []


def test_icd104_quiet_for_unrelated_codes(engine: Engine) -> None:
    assert engine.check(claim("M62.830", "M54.50")).findings == []


def test_icd104_remembers_each_ordered_pair_without_changing_an_answer() -> None:
    """The pair memo is keyed by direction: M54.5's note names S39.012, not the reverse,
    and a list seen in one order must not lend its answer to the other order."""
    from cleanclaim.memo import forget
    from cleanclaim.rules import icd104

    ds = DatasetRegistry.packaged().for_fiscal_year(2026)
    codes = ["S39.012A", "M54.50", "M62.830", "M79.18", "R52", "R07.89", "R10.9", "M54.16"]
    forget(icd104._PAIRS)
    first = {(a, b): icd104._conflict(ds, a, b) for a in codes for b in codes if a != b}
    assert len(icd104._PAIRS) == len(first)
    again = {(a, b): icd104._conflict(ds, a, b) for a in codes for b in codes if a != b}
    fresh = {}
    for a, b in first:
        forget(icd104._PAIRS)
        fresh[(a, b)] = icd104._conflict(ds, a, b)
    assert first == again == fresh
    assert first[("M54.50", "S39.012A")] is not None
    assert first[("S39.012A", "M54.50")] is None
    assert sum(found is not None for found in first.values()) >= 3


# -- ICD105 ------------------------------------------------------------------------------


def test_icd105_duplicate_in_another_spelling(engine: Engine) -> None:
    [finding] = engine.check(claim("M62.830", "m62830")).findings
    assert (finding.rule, finding.location) == ("ICD105", "diagnoses[1]")


def test_icd105_quiet_without_duplicates(engine: Engine) -> None:
    assert "ICD105" not in rules_of(engine.check(claim("M62.830", "M62.831")))


# -- ICD106 ------------------------------------------------------------------------------


def test_icd106_fixture_pair_fires_with_its_source(engine: Engine) -> None:
    [finding] = engine.check(claim("G43.909", "R51.9")).findings
    assert finding.rule == "ICD106"
    assert finding.severity == "warning"
    assert finding.location == "diagnoses[1]"
    assert finding.codes == ["R51.9", "G43.909"]
    assert "Fixture guideline note" in finding.reference
    assert finding.source == "core"


def test_icd106_quiet_without_the_definitive_or_without_the_pair(engine: Engine) -> None:
    assert engine.check(claim("R51.9", "M62.830")).findings == []
    assert engine_with().check(claim("G43.909", "R51.9")).findings == []


def test_icd106_same_pair_from_two_plugins_reports_once() -> None:
    pair = IntegralPair(symptom="R51.9", definitive="G43.9-", citation="one")
    twin = IntegralPair(symptom="R51.9", definitive="G43.9-", citation="two")
    built = engine_with(
        fixture_plugin("one", prefix="ONE", integral_pairs=[pair]),
        fixture_plugin("two", prefix="TWO", integral_pairs=[twin]),
    )
    assert len(only(built.check(claim("G43.909", "R51.9")), "ICD106")) == 1


# -- ICD107 ------------------------------------------------------------------------------


def test_icd107_manifestation_first_g63_with_e1142(engine: Engine) -> None:
    [finding] = only(engine.check(claim("G63", "E11.42")), "ICD107")
    assert finding.location == "diagnoses[0]"
    assert "manifestation" in finding.message


def test_icd107_manifestation_first_suggests_the_etiology(engine: Engine) -> None:
    [finding] = engine.check(claim("G63", "E85.1")).findings
    assert finding.rule == "ICD107"
    assert finding.suggestions == ["E85.1"]


def test_icd107_quiet_when_etiology_first(engine: Engine) -> None:
    assert engine.check(claim("E85.1", "G63")).findings == []
    assert "ICD107" not in rules_of(engine.check(claim("E11.42", "G63")))


def test_icd107_external_cause_first(engine: Engine) -> None:
    [finding] = engine.check(claim("V43.52XA", "S39.012A")).findings
    assert finding.rule == "ICD107"
    assert "external-cause" in finding.message
    assert finding.suggestions == ["S39.012A"]


def test_icd107_quiet_when_external_cause_follows_the_injury(engine: Engine) -> None:
    assert engine.check(claim("S39.012A", "V43.52XA")).findings == []


# -- CLM201 ------------------------------------------------------------------------------


def test_clm201_no_pointer(engine: Engine) -> None:
    report = engine.check(claim("M62.830", lines=[line("97110")]))
    [finding] = only(report, "CLM201")
    assert finding.location == "lines[0].diagnosis_pointers"


def test_clm201_pointer_out_of_range(engine: Engine) -> None:
    report = engine.check(claim("M62.830", "M54.50", lines=[line("97110", 3)]))
    [finding] = only(report, "CLM201")
    assert "points at diagnosis 3" in finding.message
    assert finding.suggestions == ["1", "2"]


def test_clm201_quiet_with_valid_pointers(engine: Engine) -> None:
    report = engine.check(claim("M62.830", "M54.50", lines=[line("97110", 1, 2)]))
    assert report.findings == []


# -- CLM202 ------------------------------------------------------------------------------


def test_clm202_unsupported_procedure_names_the_pairing_source(engine: Engine) -> None:
    report = engine.check(claim("J06.9", lines=[line("97110", 1)]))
    [finding] = report.findings
    assert finding.rule == "CLM202"
    assert finding.location == "lines[0].diagnosis_pointers"
    assert finding.reference == "Fixture LCD L1"


def test_clm202_suggests_a_supporting_diagnosis_elsewhere_on_the_claim(engine: Engine) -> None:
    report = engine.check(claim("J06.9", "M62.830", lines=[line("97110", 1)]))
    [finding] = only(report, "CLM202")
    assert finding.suggestions == ["M62.830"]


def test_clm202_quiet_when_supported(engine: Engine) -> None:
    assert engine.check(claim("M54.50", lines=[line("97110", 1)])).findings == []


def test_clm202_quiet_for_procedure_without_pairings(engine: Engine) -> None:
    assert engine.check(claim("J06.9", lines=[line("97140", 1)])).findings == []


def test_clm202_payer_scoped_pairing_holds_only_for_that_payer(engine: Engine) -> None:
    medicare = engine.check(claim("J06.9", payer="medicare", lines=[line("97112", 1)]))
    assert rules_of(medicare) == ["CLM202"]
    assert medicare.findings[0].reference == "Fixture Medicare LCD L2"
    commercial = engine.check(claim("J06.9", payer="commercial", lines=[line("97112", 1)]))
    assert commercial.findings == []


def test_clm202_pairing_for_a_payer_without_overrides_still_holds(engine: Engine) -> None:
    # "acme" has no payer overrides, so its claims run on the commercial profile; a
    # pairing that names acme must still apply to them.
    acme = engine.check(claim("J06.9", payer="acme", lines=[line("97530", 1)]))
    assert rules_of(acme) == ["CLM202"]
    other = engine.check(claim("J06.9", payer="other", lines=[line("97530", 1)]))
    assert other.findings == []


def test_clm202_date_scoped_pairing(engine: Engine) -> None:
    before = engine.check(claim("J06.9", lines=[line("20552", 1)]))
    assert before.findings == []
    after = engine.check(claim("J06.9", day="2026-07-01", lines=[line("20552", 1)]))
    assert rules_of(after) == ["CLM202"]


# -- CLM203 ------------------------------------------------------------------------------


def _pair(first: str, second: str, *mods: str, day: str = "2026-05-12") -> dict[str, object]:
    return claim("M62.830", day=day, lines=[line(first, 1), line(second, 1, modifiers=mods)])


def test_clm203_indicator_0_fires_and_59_does_not_bypass(engine: Engine) -> None:
    for mods in ((), ("59",), ("XS",)):
        [finding] = only(engine.check(_pair("97530", "97140", *mods)), "CLM203")
        assert finding.location == "lines[1]"
        assert "indicator 0" in finding.reference
        assert finding.suggestions == []


def test_clm203_indicator_1_without_modifier_suggests_xs_and_59(engine: Engine) -> None:
    [finding] = only(engine.check(_pair("98940", "97140")), "CLM203")
    assert finding.location == "lines[1].modifiers"
    assert finding.suggestions[:2] == ["XS", "59"]
    assert finding.codes == ["98940", "97140"]
    assert finding.severity == "error"


@pytest.mark.parametrize("modifier", ["XS", "59"])
def test_clm203_indicator_1_bypassed(engine: Engine, modifier: str) -> None:
    assert "CLM203" not in rules_of(engine.check(_pair("98940", "97140", modifier)))


def test_clm203_modifier_on_column1_line_does_not_bypass(engine: Engine) -> None:
    data = claim("M62.830", lines=[line("98940", 1, modifiers=["XS"]), line("97140", 1)])
    assert "CLM203" in rules_of(engine.check(data))


def test_clm203_order_of_lines_does_not_matter(engine: Engine) -> None:
    data = claim("M62.830", lines=[line("97140", 1), line("98940", 1)])
    [finding] = only(engine.check(data), "CLM203")
    assert finding.location == "lines[0].modifiers"


def test_clm203_indicator_9_is_ignored(engine: Engine) -> None:
    assert "CLM203" not in rules_of(engine.check(_pair("97110", "97112")))


def test_clm203_deleted_edit_holds_only_before_its_deletion(engine: Engine) -> None:
    assert "CLM203" not in rules_of(engine.check(_pair("97110", "97530")))
    before = engine.check(_pair("97110", "97530", day="2026-03-31"))
    assert "CLM203" in rules_of(before)


def test_clm203_em_needs_25(engine: Engine) -> None:
    [finding] = only(engine.check(_pair("20552", "99213")), "CLM203")
    assert finding.suggestions == ["25"]
    assert "CLM203" not in rules_of(engine.check(_pair("20552", "99213", "25")))


def test_clm203_em_is_not_bypassed_by_59(engine: Engine) -> None:
    # NCCI Policy Manual ch. I: modifier 59 and the X{EPSU} modifiers are not used with
    # E/M services; 25 (or 57) is the E/M modifier.
    assert "CLM203" in rules_of(engine.check(_pair("20552", "99213", "59")))


def test_clm203_25_on_the_procedure_line_does_not_bypass(engine: Engine) -> None:
    data = claim("M62.830", lines=[line("20552", 1, modifiers=["25"]), line("99213", 1)])
    assert "CLM203" in rules_of(engine.check(data))


# -- CLM204 ------------------------------------------------------------------------------


def test_clm204_mai1_is_a_line_edit(engine: Engine) -> None:
    report = engine.check(claim("M62.830", lines=[line("97110", 1, units=5)]))
    [finding] = only(report, "CLM204")
    assert finding.location == "lines[0].units"
    assert "MAI 1" in finding.message and finding.suggestions == ["4"]


def test_clm204_mai1_separate_line_with_59_passes_with_a_note(engine: Engine) -> None:
    report = engine.check(
        claim(
            "M62.830",
            lines=[line("97110", 1, units=4), line("97110", 1, modifiers=["59"], units=2)],
        )
    )
    [finding] = only(report, "CLM204")
    assert finding.severity == "info"
    assert report.status == "clean"


def test_clm204_mai2_counts_the_date_of_service(engine: Engine) -> None:
    report = engine.check(
        claim("M79.18", lines=[line("20552", 1), line("20552", 1, modifiers=["59"])])
    )
    [finding] = only(report, "CLM204")
    assert "MAI 2" in finding.message and "absolute" in finding.message
    assert finding.severity == "error"


def test_clm204_mai3(engine: Engine) -> None:
    [finding] = only(engine.check(claim("M62.830", lines=[line("97140", 1, units=3)])), "CLM204")
    assert "MAI 3" in finding.message


def test_clm204_quiet_at_the_limit(engine: Engine) -> None:
    report = engine.check(
        claim("M62.830", lines=[line("97110", 1, units=4), line("97140", 1, units=2)])
    )
    assert "CLM204" not in rules_of(report)


# -- CLM205 ------------------------------------------------------------------------------


def test_clm205_unknown_procedure_is_info(engine: Engine) -> None:
    report = engine.check(claim("M62.830", lines=[line("99499", 1)]))
    [finding] = report.findings
    assert (finding.rule, finding.severity, finding.location) == ("CLM205", "info", "lines[0]")
    assert report.status == "clean"


def test_clm205_quiet_for_known_procedure(engine: Engine) -> None:
    assert engine.check(claim("M62.830", lines=[line("97140", 1)])).findings == []
