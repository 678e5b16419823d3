"""The 837P reader: each sample's claims and reports equal those of the same claims written
as cleanclaim JSON (besides ``input`` and ``input_location``), findings point at the right
segment, envelopes are checked, and bad content never raises anything but FormatError."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanclaim.engine import Engine
from cleanclaim.formats import FormatError, ReadClaim, detect, located, read
from cleanclaim.formats.x12 import X12Reader, separators
from cleanclaim.models import Claim

SAMPLES = Path(__file__).parent / "samples"
sys.path.insert(0, str(Path(__file__).parent))

from x12_writer import interchange, transaction  # noqa: E402


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.build()


def _read_bytes(data: bytes, reader: X12Reader | None = None) -> list[ReadClaim]:
    return list((reader or X12Reader()).read(io.BytesIO(data), "t.x12"))


def _sample(name: str) -> list[ReadClaim]:
    return list(read(SAMPLES / name))


def _twins(name: str) -> list[dict[str, Any]]:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _segment(name: str, position: int) -> str:
    """The text of the 1-based segment ``position`` of a sample (terminator ``~``)."""
    segments = [s.strip() for s in (SAMPLES / name).read_text().split("~") if s.strip()]
    return segments[position - 1]


def _plain(report: Any) -> dict[str, Any]:
    data = json.loads(report.model_dump_json())
    data.pop("input", None)
    for finding in data["findings"]:
        finding.pop("input_location", None)
    return data


@pytest.mark.parametrize(
    ("name", "twin"),
    [
        ("837p-multi", "837p-multi"),
        ("837p-icd9", "837p-icd9"),
        ("837p-broken", "837p-multi"),  # the same claims in a broken envelope
    ],
)
def test_sample_claims_and_reports_equal_their_json(engine: Engine, name: str, twin: str) -> None:
    read_claims = [r for r in _sample(f"{name}.x12") if r.claim is not None]
    twins = _twins(f"{twin}.claims.jsonl")
    assert len(read_claims) == len(twins)
    for got, twin in zip(read_claims, twins, strict=True):
        assert got.claim is not None
        assert Claim.model_validate(got.claim) == Claim.model_validate(twin)
        ours = located(engine.check(got.claim), got.origin)
        assert _plain(ours) == _plain(engine.check(twin))
        assert ours.input is not None and ours.input.format == "x12-837p"


def test_every_claim_of_every_transaction_is_read() -> None:
    records = _sample("837p-multi.x12")
    assert [r.claim["claim_id"] for r in records if r.claim] == [
        "PT-2001", "PT-2002", "PC-3001", "CH-4001", "AN-5001", "AN-5002", "AN-5002",
    ]  # fmt: skip
    assert all(not r.errors for r in records)
    ids = [dict(r.origin.ids) for r in records]
    assert ids[0] == {
        "interchange": "000000101",
        "group": "101",
        "transaction": "0001",
        "frequency": "1",
        "payer_id": "MCR01",
    }
    assert ids[3]["transaction"] == "0002" and ids[4]["group"] == "102"
    assert ids[2]["frequency"] == "7"  # CLM05-3: a replacement claim
    for record in records:  # origin.segment is the CLM's position
        assert record.origin.segment is not None
        assert _segment("837p-multi.x12", record.origin.segment).startswith("CLM*")


def test_findings_point_at_the_segment_that_holds_them(engine: Engine) -> None:
    first = _sample("837p-multi.x12")[0]
    assert first.claim is not None
    report = located(engine.check(first.claim), first.origin)
    pt101 = next(f for f in report.findings if f.rule == "PT101")
    assert pt101.location == "lines[1].modifiers"
    assert pt101.input_location is not None
    element, _, where = pt101.input_location.partition(", segment ")
    assert element == "2400 SV1-01-3"
    assert _segment("837p-multi.x12", int(where)).startswith("SV1*HC:97140*")
    pc104 = next(f for f in report.findings if f.rule == "PC104")
    assert pc104.input_location is not None
    element, _, where = pc104.input_location.partition(", segment ")
    assert element == "2300 HI01-2"
    assert _segment("837p-multi.x12", int(where)).startswith("HI*ABK:M5450*")


def test_patient_loop_gives_age_and_sex_else_the_subscriber() -> None:
    claims = {r.claim["claim_id"]: r.claim for r in _sample("837p-multi.x12") if r.claim}
    assert claims["PC-3001"]["patient"] == {"age": 15, "sex": "F"}  # 2010CA, not 2010BA
    assert claims["PT-2001"]["patient"] == {"age": 68, "sex": "F"}  # the subscriber
    assert claims["PT-2001"]["payer"] == "medicare"
    assert claims["PC-3001"]["payer"] == "commercial"
    assert claims["PT-2001"]["specialty"] == "physical-therapy"
    assert claims["CH-4001"]["specialty"] == "chiropractic"
    assert "specialty" not in claims["AN-5001"]  # no PRV: no hint


def test_rd8_range_is_its_first_day_and_minutes_are_mj() -> None:
    claims = {r.claim["claim_id"]: r.claim for r in _sample("837p-multi.x12") if r.claim}
    assert claims["PT-2002"]["date_of_service"] == "2026-05-18"
    assert claims["AN-5001"]["lines"][0] == {
        "procedure": "97112",
        "modifiers": ["GP", "59", "XU", "76"],
        "minutes": 38,
        "diagnosis_pointers": [1],
        "charge": claims["AN-5001"]["lines"][0]["charge"],
    }
    parts = [r for r in _sample("837p-multi.x12") if r.claim and r.claim["claim_id"] == "AN-5002"]
    assert [p.claim["date_of_service"] for p in parts if p.claim] == ["2026-03-09", "2026-03-10"]


def test_icd9_qualifiers_make_an_invalid_record_and_the_others_are_read() -> None:
    records = _sample("837p-icd9.x12")
    assert [r.claim["claim_id"] if r.claim else None for r in records] == ["OK-1", None, "OK-2"]
    bad = records[1]
    assert bad.origin.segment is not None
    assert _segment("837p-icd9.x12", bad.origin.segment).startswith("CLM*OLD-9*")
    assert len(bad.errors) == 2
    assert "HI01-1 is BK, an ICD-9-CM qualifier" in bad.errors[0]
    assert "HI02-1 is BF" in bad.errors[1]


def test_broken_envelope_names_the_segments_and_every_claim_is_still_read() -> None:
    records = _sample("837p-broken.x12")
    claims = [r for r in records if r.claim is not None]
    assert len(claims) == 7  # six CLMs, one of them on two dates
    problems = [(r.origin.segment, r.errors[0]) for r in records if r.claim is None]
    assert problems == [
        (58, "segment 58 (SE): SE01 counts 55 segments; the transaction has 56 (ST to SE)"),
        (117, "segment 117 (GE): GE02 does not repeat GS06 (group 102, segment 85)"),
        (117, "segment 117 (IEA): the file ends inside interchange 000000101: no IEA"),
    ]
    assert _segment("837p-broken.x12", 58).startswith("SE*55*")
    assert _segment("837p-broken.x12", 85).startswith("GS*")
    assert _segment("837p-broken.x12", 117).startswith("GE*1*999")


def test_other_separators_read_the_same_claims() -> None:
    text = (SAMPLES / "837p-multi.x12").read_text()
    other = text.translate(str.maketrans({"*": "|", ":": ">", "~": "!"}))
    ours = [r.claim for r in _read_bytes(other.encode())]
    assert ours == [r.claim for r in _sample("837p-multi.x12")]
    seps = separators(other)
    assert (seps.element, seps.component, seps.segment, seps.repetition) == ("|", ">", "!", "^")


def _one_claim(**claim: Any) -> bytes:
    spec = {"id": "X-1", "dx": [("ABK", "M5450")], "lines": [], **claim}
    sub = {"filing": "MB", "birth": "19600101", "sex": "F", "claims": [spec]}
    return interchange("000000001", [("1", [transaction("0001", [sub])])]).encode()


def test_claim_level_date_is_used_when_lines_carry_none() -> None:
    data = _one_claim(date="D8:20260401", lines=[{"code": "97110", "charge": "10", "quantity": 1}])
    (record,) = _read_bytes(data)
    assert record.claim is not None and record.claim["date_of_service"] == "2026-04-01"
    assert record.origin.locations["date_of_service"].startswith("2300 DTP03, segment ")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"code": "97110", "quantity": 1, "date": "RD8:20260405-20260401"}, "not a RD8 date"),
        ({"code": "97110", "quantity": 1, "date": "D8:20261340"}, "not a D8 date"),
        ({"code": "97110", "quantity": 1}, "no service date"),
        ({"code": "97110", "quantity": "1.5", "date": "D8:20260401"}, "not a whole number"),
        ({"code": "97110", "basis": "F2", "date": "D8:20260401"}, "SV103 is F2"),
        (
            {"code": "97110", "quantity": 1, "date": "RD8:20260930-20261001"},
            None,  # a range across October 1 is its first day: one fiscal year
        ),
    ],
)
def test_bad_lines_make_invalid_records_naming_the_element(
    line: dict[str, Any], message: str | None
) -> None:
    (record,) = _read_bytes(_one_claim(lines=[line]))
    if message is None:
        assert record.claim is not None, record.errors
        return
    assert record.claim is None
    assert any(message in error for error in record.errors), record.errors


def test_lines_across_october_1_are_one_claim_per_date_each_its_year(engine: Engine) -> None:
    lines = [
        {"code": "97110", "quantity": 1, "date": "D8:20260930", "pointers": [1]},
        {"code": "97140", "quantity": 1, "date": "D8:20261001", "pointers": [1]},
    ]
    parts = _read_bytes(_one_claim(lines=lines))
    assert [p.claim["date_of_service"] for p in parts if p.claim] == ["2026-09-30", "2026-10-01"]
    assert [p.origin.ids["date_of_service"] for p in parts] == ["2026-09-30", "2026-10-01"]
    years = [engine.check(p.claim).dataset.fiscal_year for p in parts if p.claim]
    assert years == [2026, 2027]  # each part against the code set of its own date
    # the second part's only line is the file's second SV1, and its date that line's DTP
    first, second = (p.origin.locations for p in parts)
    assert second["lines[0]"] != first["lines[0]"] and "lines[1]" not in second
    assert second["date_of_service"] == second["lines[0].date_of_service"]
    (same_year,) = _read_bytes(_one_claim(lines=[lines[0], {**lines[1], "date": "D8:20260930"}]))
    assert same_year.claim is not None and same_year.claim["date_of_service"] == "2026-09-30"
    assert "date_of_service" not in same_year.origin.ids  # one date: ids as before


def _chiro(*days: str) -> bytes:
    """98940 and 97140 (an NCCI procedure-to-procedure pair, 97140 without a bypass
    modifier) on the given dates (one each, or one date for both)."""
    first, second = (days[0], days[0]) if len(days) == 1 else days
    return _one_claim(
        dx=[("ABK", "M9903"), ("ABF", "M5450")],
        lines=[
            {"code": "98940", "modifiers": ["AT"], "quantity": 1, "pointers": [1, 2],
             "date": f"D8:{first}"},
            {"code": "97140", "modifiers": ["GP"], "quantity": 1, "pointers": [1, 2],
             "date": f"D8:{second}"},
        ],
    )  # fmt: skip


def test_a_ptp_pair_on_different_dates_is_no_clm203(engine: Engine) -> None:
    (same,) = _read_bytes(_chiro("20261102"))
    assert same.claim is not None
    report = located(engine.check(same.claim), same.origin)
    clm203 = [f for f in report.findings if f.rule == "CLM203"]
    assert clm203 and clm203[0].input_location is not None  # the same day: the edit fires
    parts = _read_bytes(_chiro("20261102", "20261104"))
    assert len(parts) == 2
    for part in parts:
        assert part.claim is not None and len(part.claim["lines"]) == 1
        assert part.claim["diagnoses"] == ["M9903", "M5450"]  # claim-level data repeated
        assert not [f for f in engine.check(part.claim).findings if f.rule == "CLM203"]
    # each part's line points at its own SV1 in the file
    sv1 = [p.origin.locations["lines[0]"] for p in parts]
    assert sv1[0] != sv1[1] and all(s.startswith("2400 SV1-01, segment ") for s in sv1)


def test_birth_after_the_date_of_service_is_an_error() -> None:
    spec = {"id": "X-1", "dx": [("ABK", "M5450")],
            "lines": [{"code": "97110", "quantity": 1, "date": "D8:20260401"}]}  # fmt: skip
    sub = {"filing": "MB", "birth": "20300101", "sex": "F", "claims": [spec]}
    data = interchange("000000001", [("1", [transaction("0001", [sub])])]).encode()
    (record,) = _read_bytes(data)
    assert record.claim is None and "after the date of service" in record.errors[0]


def test_specialty_table_can_be_replaced() -> None:
    data = _one_claim(
        taxonomy="225100000X",
        lines=[{"code": "97110", "quantity": 1, "date": "D8:20260401"}],
    )
    (default,) = _read_bytes(data)
    assert default.claim is not None and default.claim["specialty"] == "physical-therapy"
    (mine,) = _read_bytes(data, X12Reader(specialties={"225100000X": "my-pt"}))
    assert mine.claim is not None and mine.claim["specialty"] == "my-pt"
    (none,) = _read_bytes(data, X12Reader(specialties={}))
    assert none.claim is not None and "specialty" not in none.claim


def test_other_transaction_sets_and_versions_are_not_read() -> None:
    text = _one_claim(lines=[{"code": "97110", "quantity": 1, "date": "D8:20260401"}]).decode()
    records = _read_bytes(
        text.replace("ST*837*0001*005010X222A1", "ST*837*0001*005010X223A2").encode()
    )
    assert [r.claim for r in records] == [None]
    assert "is not the 837P" in records[0].errors[0]


def test_detect_tells_x12_from_the_other_formats() -> None:
    assert detect((SAMPLES / "837p-multi.x12").read_bytes()[:4096]) == "x12"
    assert detect(b"\xef\xbb\xbf  ISA*00*") == "x12"
    assert not X12Reader().detect(b"ISAAC,name\n")
    assert detect((SAMPLES / "837p-multi.claims.jsonl").read_bytes()[:4096]) == "jsonl"


def test_not_an_interchange_is_a_format_error() -> None:
    with pytest.raises(FormatError, match=r"t\.x12: not an X12 interchange"):
        _read_bytes(b"hello")
    with pytest.raises(FormatError, match="fewer than 16 elements"):
        _read_bytes(b"ISA*00*short~")


_SAMPLE = (SAMPLES / "837p-multi.x12").read_bytes()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fuzzed_interchanges_never_raise_but_format_error(data: st.DataObject) -> None:
    raw = bytearray(_SAMPLE)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip":
            raw[at] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del raw[at : at + data.draw(st.integers(1, 40))]
        else:
            raw[at:at] = data.draw(st.sampled_from([b"*", b":", b"~", b"HL*9**23*0~", b"\xff"]))
    try:
        records = _read_bytes(bytes(raw))
    except FormatError:
        return
    for record in records:
        assert (record.claim is None) == bool(record.errors)
        if record.claim is not None:
            json.dumps(record.claim, default=str)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise_but_format_error(raw: bytes) -> None:
    with contextlib.suppress(FormatError):
        _read_bytes(b"ISA*" + raw)


def test_line_break_terminators_read_the_same_claims() -> None:
    text = (SAMPLES / "837p-multi.x12").read_text()
    expected = [r.claim for r in _sample("837p-multi.x12")]
    for ending, terminator in (("\n", "\n"), ("\r\n", "\r")):
        other = text.replace("~\n", ending)
        assert separators(other).segment == terminator
        assert [r.claim for r in _read_bytes(other.encode())] == expected


_DX = ["M5450", "M62830", "M9903", "N393", "S39012A"]
_CODES = ["97110", "97140", "98940", "99213", "G0283"]
_MODS = ["GP", "59", "KX", "25", "AT", "XU"]


@st.composite
def _claim_specs(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(1, 4))
    dx = draw(st.lists(st.sampled_from(_DX), min_size=1, max_size=5, unique=True))
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        day = draw(st.dates(min_value=date(2025, 10, 1), max_value=date(2026, 9, 30)))
        ranged = draw(st.booleans())
        value = day.strftime("%Y%m%d")
        lines.append(
            {
                "code": draw(st.sampled_from(_CODES)),
                "modifiers": draw(st.lists(st.sampled_from(_MODS), max_size=4, unique=True)),
                "charge": str(draw(st.integers(0, 500))),
                "basis": draw(st.sampled_from(["UN", "MJ"])),
                "quantity": draw(st.integers(1, 60)),
                "pointers": draw(st.lists(st.integers(1, len(dx)), min_size=1, max_size=4)),
                "date": f"RD8:{value}-{value}" if ranged else f"D8:{value}",
            }
        )
    return {
        "filing": draw(st.sampled_from(["MB", "MA", "CI", "BL", "16"])),
        "birth": f"{draw(st.integers(1930, 2020))}0615",
        "sex": draw(st.sampled_from(["F", "M", "U"])),
        "claims": [
            {"id": f"P-{n}", "pos": draw(st.sampled_from(["11", "22", "02"])),
             "dx": [("ABK" if i == 0 else "ABF", c) for i, c in enumerate(dx)],
             "lines": lines}
            for n in range(count)
        ],
    }  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_claim_specs(), min_size=1, max_size=3))
def test_written_claims_read_back_as_written(subscribers: list[dict[str, Any]]) -> None:
    data = interchange("000000042", [("42", [transaction("0042", subscribers)])]).encode()
    records = _read_bytes(data)
    # a claim whose lines fall on several dates is one claim per date, in date order
    specs = []
    for sub in subscribers:
        for claim in sub["claims"]:
            days = [date.fromisoformat(_iso(line["date"])) for line in claim["lines"]]
            for day in sorted(set(days)):
                on_day = [line for line, d in zip(claim["lines"], days, strict=True) if d == day]
                specs.append((sub, {**claim, "lines": on_day}, day))
    assert len(records) == len(specs)
    for record, (sub, spec, served) in zip(records, specs, strict=True):
        assert record.claim is not None, record.errors
        born = date(int(sub["birth"][:4]), 6, 15)
        age = served.year - born.year - ((served.month, served.day) < (6, 15))
        assert record.claim == {
            "claim_id": spec["id"],
            "date_of_service": served.isoformat(),
            "payer": "medicare" if sub["filing"] in ("MB", "MA") else "commercial",
            "place_of_service": spec["pos"],
            "patient": {"age": age, "sex": sub["sex"]},
            "diagnoses": [code for _, code in spec["dx"]],
            "lines": [_line(line) for line in spec["lines"]],
        }


def _iso(value: str) -> str:
    raw = value.partition(":")[2].split("-")[0]
    return f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"


def _line(line: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"procedure": line["code"]}
    if line["modifiers"]:
        out["modifiers"] = line["modifiers"]
    out["units" if line["basis"] == "UN" else "minutes"] = line["quantity"]
    out["diagnosis_pointers"] = line["pointers"]
    out["charge"] = Decimal(line["charge"])
    return out
