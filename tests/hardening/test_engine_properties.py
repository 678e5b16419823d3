"""Engine.check on random and malformed claims: a report or an InputError, nothing else.

Promise: whatever a vendor sends -- wrong types, unknown fields, odd unicode, codes with
spaces or in lower case, dates at the ends of the calendar, pointers out of range, huge
lists -- :meth:`Engine.check` returns a :class:`Report` or raises :class:`InputError` whose
message names the field.  No other exception escapes, and what it returns can always be
written out as UTF-8 (a report that crashes the printer is a crash all the same).
"""

from __future__ import annotations

from typing import Any

from hardening_support import CLEAN
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanclaim.cli.output import render_report
from cleanclaim.engine import Engine, InputError
from cleanclaim.models import MAX_LINES, Report

ODD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\u200fM62.830",  # right-to-left mark
        "M62.830\u202e",  # right-to-left override
        "M62\x00830",
        "\ud800",  # lone surrogate (valid JSON, not valid UTF-8)
        "M62.8\U0001f600",
        "m62 830",
        " m62.830 ",
        "M54.5",
        "S39.012",
        "S39.012A",
        "Z" * 300,
        "ｍ６２．８３０",  # full-width
        "M62.830" * 40,
        "97110",
        "g0283",
        "gp",
        "\t\n",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    ODD_TEXT,
)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
DATES = st.one_of(
    st.sampled_from(
        [
            "0001-01-01",
            "9999-12-31",
            "2026-02-30",
            "2026-05-12",
            "2020-10-01",
            "2025-09-30",
            "2021-09-30T10:00:00",
            "12/05/2026",
            "",
            "2026-5-12",
        ]
    ),
    st.dates().map(lambda d: d.isoformat()),
    SCALARS,
)
LINE = st.fixed_dictionaries(
    {},
    optional={
        "procedure": st.one_of(ODD_TEXT, st.sampled_from(["97110", "98941", "99213"]), SCALARS),
        "modifiers": st.one_of(
            st.lists(st.one_of(ODD_TEXT, st.sampled_from(["GP", "25", "at"]))), SCALARS
        ),
        "units": st.one_of(st.integers(min_value=-5, max_value=20000), SCALARS),
        "minutes": st.one_of(st.integers(min_value=-5, max_value=3000), SCALARS),
        "diagnosis_pointers": st.one_of(
            st.lists(st.integers(min_value=-3, max_value=60), max_size=15), SCALARS
        ),
        "charge": st.one_of(st.sampled_from(["12.50", "-1", "1e400", "NaN"]), SCALARS),
        "surprise": JSONISH,
    },
)
CLAIM = st.fixed_dictionaries(
    {},
    optional={
        "claim_id": st.one_of(ODD_TEXT, SCALARS),
        "date_of_service": DATES,
        "payer": st.one_of(st.sampled_from(["medicare", "MEDICARE ", "aetna", "\u200f"]), SCALARS),
        "place_of_service": SCALARS,
        "specialty": st.one_of(st.sampled_from(["physical-therapy", "chiropractic"]), SCALARS),
        "patient": st.one_of(
            st.fixed_dictionaries({}, optional={"age": SCALARS, "sex": SCALARS}), JSONISH
        ),
        "diagnoses": st.one_of(
            st.lists(
                st.one_of(ODD_TEXT, st.sampled_from(["M62.830", "M99.03", "S39.012A"])), max_size=60
            ),
            SCALARS,
        ),
        "lines": st.one_of(st.lists(LINE, max_size=8), SCALARS),
        "documentation": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "site": SCALARS,
                    "onset": st.one_of(st.sampled_from(["acute", "chronic"]), SCALARS),
                    "trauma": SCALARS,
                    "mechanism": SCALARS,
                    "objective_findings": st.one_of(st.lists(ODD_TEXT), SCALARS),
                    "spinal_regions": st.one_of(
                        st.lists(st.sampled_from(["lumbar", "neck"])), SCALARS
                    ),
                    "note": SCALARS,
                },
            ),
            JSONISH,
        ),
        "extensions": JSONISH,
        "service_history": st.one_of(
            st.lists(
                st.fixed_dictionaries({"procedure": ODD_TEXT, "date_of_service": DATES}), max_size=3
            ),
            SCALARS,
        ),
        "unknown_field": JSONISH,
    },
)

FIELD_NAMES = (
    "claim",
    "claim_id",
    "date_of_service",
    "payer",
    "place_of_service",
    "specialty",
    "patient",
    "diagnoses",
    "lines",
    "documentation",
    "extensions",
    "service_history",
    "unknown_field",
    "therapy_year_to_date",
)


def _outcome(engine: Engine, claim: Any) -> Report | InputError:
    try:
        report = engine.check(claim)
    except InputError as exc:
        return exc
    # whatever came back must be printable as JSON and as text, in UTF-8
    report.model_dump_json().encode("utf-8")
    render_report(report).encode("utf-8")
    return report


def _assert_names_a_field(exc: InputError) -> None:
    text = str(exc)
    assert text.strip(), "an input error must say something"
    assert any(name in text for name in FIELD_NAMES), text


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(claim=CLAIM)
def test_random_claims_give_a_report_or_an_input_error(engine: Engine, claim: Any) -> None:
    outcome = _outcome(engine, claim)
    if isinstance(outcome, InputError):
        _assert_names_a_field(outcome)


@settings(max_examples=100, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from([*sorted(CLEAN), "lines", "documentation", "patient"]), value=JSONISH)
def test_one_bad_field_in_a_good_claim(engine: Engine, field: str, value: Any) -> None:
    outcome = _outcome(engine, {**CLEAN, field: value})
    if isinstance(outcome, InputError):
        _assert_names_a_field(outcome)


@settings(max_examples=60, deadline=2000)
@given(anything=JSONISH)
def test_not_even_an_object(engine: Engine, anything: Any) -> None:
    outcome = _outcome(engine, anything)
    assert isinstance(outcome, (InputError, Report))


def test_codes_with_spaces_and_lower_case_are_normalised(engine: Engine) -> None:
    messy = {
        **CLEAN,
        "diagnoses": [" m62 830 "],
        "lines": [{"procedure": " 97110", "modifiers": ["gp"], "diagnosis_pointers": [1]}],
    }
    report = engine.check(messy)
    tidy = engine.check(
        {
            **CLEAN,
            "diagnoses": ["M62.830"],
            "lines": [{"procedure": "97110", "modifiers": ["GP"], "diagnosis_pointers": [1]}],
        }
    )
    assert report == tidy


def test_dates_at_the_ends_of_the_calendar_are_input_errors(engine: Engine) -> None:
    for day in ("0001-01-01", "9999-12-31"):
        try:
            engine.check({**CLEAN, "date_of_service": day})
        except InputError as exc:
            assert str(exc).startswith("date_of_service:") and "packaged fiscal years" in str(exc)
        else:  # pragma: no cover - the assertion is the test
            raise AssertionError(f"{day}: checked against some other year's dataset")


def test_pointer_out_of_range_is_a_finding_not_a_crash(engine: Engine) -> None:
    report = engine.check({**CLEAN, "lines": [{"procedure": "97110", "diagnosis_pointers": [9]}]})
    assert "CLM201" in {f.rule for f in report.findings}
    try:
        engine.check({**CLEAN, "lines": [{"procedure": "97110", "diagnosis_pointers": [13]}]})
    except InputError as exc:
        assert "lines[0].diagnosis_pointers[0]" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("pointer 13 (the CMS-1500 has 12 diagnoses) accepted")


def test_ten_thousand_lines_is_a_prompt_input_error(engine: Engine) -> None:
    # CLM203 compares every two lines: unbounded, 10,000 lines took ~20 s on one claim.
    line = {"procedure": "97110", "diagnosis_pointers": [1]}
    try:
        engine.check({**CLEAN, "lines": [line] * 10_000})
    except InputError as exc:
        assert str(exc).startswith("lines:") and f"at most {MAX_LINES}" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("10,000 lines accepted")
    report = engine.check({**CLEAN, "lines": [line] * MAX_LINES})
    assert report.claim_id == CLEAN["claim_id"]


def test_deeply_nested_extensions_do_not_crash(engine: Engine) -> None:
    nested: Any = "x"
    for _ in range(100_000):
        nested = [nested]
    outcome = _outcome(engine, {**CLEAN, "extensions": {"deep": nested}})
    if isinstance(outcome, InputError):
        assert "extensions" in str(outcome)
