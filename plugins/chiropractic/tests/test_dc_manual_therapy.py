"""DC108 (manual therapy region) and the CMT/therapy PTP edits handled by CLM203."""

from __future__ import annotations

from dc_support import build, claim, line, of

from cleanclaim.config import Config
from cleanclaim.engine import Engine


def test_case_22_same_region_without_modifier(engine: Engine) -> None:
    # Commercial: 98940 + 97140 without 59/XS, both linked to M99.03/M62.830.  One problem
    # (97140 bundled into the manipulation), one finding: the NCCI edit's (issue #13).
    report = engine.check(claim("98940", "97140", payer="commercial"))
    assert not of(report, "DC108")
    [edit] = of(report, "CLM203")
    assert "97140" in edit.codes


def test_same_region_without_modifier_and_without_an_edit_is_dc108s() -> None:
    # No PTP edit pairs 98940 with 97530 here, so CLM203 is silent and DC108 speaks.
    wider = build(Config(rules={"DC108": {"procedures": ["97530"]}}))
    report = wider.check(claim("98940", "97530", payer="commercial"))
    [region] = of(report, "DC108")
    assert region.severity == "error"
    assert region.location == "lines[1].diagnosis_pointers"
    assert {"97530", "98940", "M99.03", "M62.830"} <= set(region.codes)
    assert not of(report, "CLM203")


def test_case_22_other_region_with_xs_passes(engine: Engine) -> None:
    report = engine.check(
        claim(
            line("98940", 1, 2),
            line("97140-XS", 3, 4),
            diagnoses=("M99.03", "M62.830", "M99.01", "M54.2"),
            payer="commercial",
        )
    )
    assert not of(report, "DC108")
    assert not of(report, "CLM203")


def test_same_region_with_xs_still_fires_and_suggests_other_region(engine: Engine) -> None:
    # The modifier satisfies CLM203 but the line still points at the manipulated region.
    report = engine.check(
        claim(
            line("98940", 1, 2),
            line("97140-XS", 1, 2),
            diagnoses=("M99.03", "M62.830", "M54.2"),
            payer="commercial",
        )
    )
    [finding] = of(report, "DC108")
    assert finding.suggestions == ["M54.2"]
    assert not of(report, "CLM203")


def test_other_region_without_modifier_is_left_to_clm203(engine: Engine) -> None:
    report = engine.check(
        claim(
            line("98940", 1),
            line("97140", 2),
            diagnoses=("M99.03", "M54.2"),
            payer="commercial",
        )
    )
    assert not of(report, "DC108")
    assert of(report, "CLM203")


def test_ambiguous_back_code_is_not_a_different_region(engine: Engine) -> None:
    # M62.830 names thoracic/lumbar/sacral: not proof of a region other than lumbar.
    report = engine.check(claim(line("98940", 1), line("97140-XS", 2), payer="commercial"))
    assert of(report, "DC108")


def test_extremity_subluxation_is_a_different_region(engine: Engine) -> None:
    report = engine.check(
        claim(
            line("98940", 1, 2),
            line("97140-XS", 3),
            diagnoses=("M99.03", "M62.830", "M99.07"),
            payer="commercial",
        )
    )
    assert not of(report, "DC108")


def test_unknown_region_is_a_warning(engine: Engine) -> None:
    report = engine.check(
        claim(
            line("98940", 1, 2),
            line("97140-XS", 3),
            diagnoses=("M99.03", "M62.830", "M25.511"),
            payer="commercial",
        )
    )
    [finding] = of(report, "DC108")
    assert finding.severity == "warning"


def test_quiet_without_cmt_or_without_manual_therapy(engine: Engine) -> None:
    assert not of(engine.check(claim(line("97140", 1), payer="commercial")), "DC108")
    assert not of(engine.check(claim("98940", "97112", payer="commercial")), "DC108")


def test_procedures_option_extends_to_massage(engine: Engine) -> None:
    wide = build(Config(rules={"DC108": {"procedures": ["97140", "97124"]}}))
    assert of(wide.check(claim("98940", "97124-59", payer="commercial")), "DC108")


def test_documented_regions_used_when_cmt_points_at_no_subluxation(engine: Engine) -> None:
    report = engine.check(
        claim(
            line("98940", 1),
            line("97140-XS", 2),
            diagnoses=("M54.50", "M54.2"),
            regions=("cervical",),
            payer="commercial",
        )
    )
    [finding] = of(report, "DC108")  # cervical was manipulated, 97140 is cervical too
    assert "cervical" in finding.message


def test_ptp_edits_for_every_cmt_and_therapy_pair(engine: Engine) -> None:
    for column1 in ("98940", "98941", "98942"):
        for column2 in ("97140", "97112", "97124"):
            [entry] = engine.tables.edits_for(column1, column2)
            assert entry.edit.modifier_indicator == 1
            assert "not confirmed" in entry.edit.citation  # said in plain words
            assert entry.source == "chiropractic"


def test_official_ptp_file_takes_precedence(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    ptp = folder / "ptp.txt"
    ptp.write_text(
        "Column 1\tColumn 2\t*\tEffective Date\tDeletion Date\tModifier Indicator\n"
        "98940\t97140\t\t20000101\t*\t0\n",
        encoding="utf-8",
    )
    engine = build(Config(ncci_ptp=(ptp,), base_dir=folder))
    [entry] = engine.tables.edits_for("98940", "97140")
    assert entry.edit.modifier_indicator == 0
    assert engine.tables.edits_for("98940", "97112") == ()
