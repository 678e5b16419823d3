"""PC106: uncertain diagnoses are not coded in outpatient settings (guideline IV.H)."""

from __future__ import annotations

from pc_support import Check, build, claim, of

from cleanclaim.config import Config


def test_probable_radiculopathy_coded(check: Check) -> None:
    report = check(
        "99213",
        diagnoses=("M54.16",),
        documentation={"note": "Probable lumbar radiculopathy; MRI ordered."},
    )
    [finding] = of(report, "PC106")
    assert finding.severity == "warning"
    assert finding.location == "documentation.note"
    assert finding.codes == ["M54.16"]
    assert 'qualifies a diagnosis as "probable"' in finding.message
    assert "radiculopathy" not in finding.message.lower()  # the note's words are not quoted
    assert "looks coded from it" in finding.message
    assert "IV.H" in finding.message


def test_each_qualifier_is_found(check: Check) -> None:
    for note in (
        "suspected disc herniation",
        "rule out lumbar radiculopathy",
        "r/o radiculopathy",
        "likely radiculopathy",
        "questionable radiculopathy",
        "working diagnosis: lumbar radiculopathy",
    ):
        report = check("99213", diagnoses=("M54.16",), documentation={"note": note})
        assert of(report, "PC106"), note


def test_other_text_fields_and_list_items(check: Check) -> None:
    doc = {"objective_findings": ["tender L4-L5", "exam consistent with radiculopathy"]}
    [finding] = of(check("99213", diagnoses=("M54.16",), documentation=doc), "PC106")
    assert finding.location == "documentation.objective_findings[1]"


def test_unmatched_codes_are_named_for_review(check: Check) -> None:
    doc = {"note": "suspected gout of the knee"}
    [finding] = of(check("99213", diagnoses=("M54.16",), documentation=doc), "PC106")
    assert "check that M54.16 was not coded from it" in finding.message
    assert finding.severity == "info"  # it names nothing coded: advice, not a warning


def test_a_prognosis_of_a_confirmed_diagnosis_is_advice_only(check: Check) -> None:
    """Corpus claim PC-21: 'likely to improve' qualifies no diagnosis (guideline IV.H)."""
    doc = {"note": "Right knee osteoarthritis confirmed on X-ray. Likely to improve."}
    [finding] = of(check("99213", diagnoses=("M17.11",), documentation=doc), "PC106")
    assert finding.severity == "info"
    doc = {"note": "Likely osteoarthritis of the right knee."}
    [finding] = of(check("99213", diagnoses=("M17.11",), documentation=doc), "PC106")
    assert finding.severity == "warning"


def test_quiet_when_only_symptoms_are_coded(check: Check) -> None:
    doc = {"note": "probable lumbar radiculopathy"}
    assert not of(check("99213", diagnoses=("M54.50", "R20.2"), documentation=doc), "PC106")


def test_quiet_for_certain_words(check: Check) -> None:
    for note in (
        "lumbar radiculopathy confirmed on EMG",
        "fracture ruled out on x-ray",
        "recurrence unlikely",
    ):
        report = check("99213", diagnoses=("M54.16",), documentation={"note": note})
        assert not of(report, "PC106"), note
    assert not of(check("99213", diagnoses=("M54.16",)), "PC106")


def test_terms_are_an_option() -> None:
    engine = build(Config(rules={"PC106": {"terms": ["presumed"]}}))
    doc = {"note": "presumed radiculopathy"}
    assert of(engine.check(claim("99213", diagnoses=("M54.16",), documentation=doc)), "PC106")
    doc = {"note": "probable radiculopathy"}
    assert not of(engine.check(claim("99213", diagnoses=("M54.16",), documentation=doc)), "PC106")


def test_the_note_text_is_never_quoted(check: Check) -> None:
    secret = "Zqxjv-Wellington"  # a name in the note must not reach a stored report
    report = check(
        "99213",
        diagnoses=("M54.16",),
        documentation={"note": f"suspected radiculopathy per {secret} family history"},
    )
    [finding] = of(report, "PC106")
    assert secret not in report.model_dump_json()
    assert 'documentation.note qualifies a diagnosis as "suspected"' in finding.message


def test_the_quick_prefilter_never_skips_a_text_the_full_pattern_matches() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from cleanclaim_primary_care.rules import _word_prefilter, _word_regex

    terms = ("probable", "rule out", "r/o", "suspicious for", "likely")
    full, quick = _word_regex(terms), _word_prefilter(terms)
    pieces = st.sampled_from([*terms, " ", "x", "/", "\n", "Rule  Out", "improbable", "."])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(pieces, max_size=12).map("".join))
    def holds(text: str) -> None:
        lowered = text.lower()
        if full.search(lowered):
            assert quick.search(lowered)

    holds()
