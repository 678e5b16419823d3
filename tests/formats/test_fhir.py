"""The FHIR R4 reader: each sample's reports equal those of its cleanclaim JSON twin, the
findings point at FHIR paths, and bad content is an error naming its path, never a crash."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanclaim.engine import Engine
from cleanclaim.formats import FormatError, located
from cleanclaim.formats.fhir import FhirReader, read, read_claim

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.build()


def _read(name: str) -> list[Any]:
    with (SAMPLES / name).open("rb") as stream:
        return list(read(stream, name))


def _twins(name: str) -> list[dict[str, Any]]:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    if name.endswith(".jsonl"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return [json.loads(text)]


def _claim(sample: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / sample).read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    ("sample", "twin"),
    [
        ("fhir-claim.json", "fhir-claim.cleanclaim.json"),
        ("fhir-bundle.json", "fhir-bundle.cleanclaim.jsonl"),
    ],
)
def test_reports_equal_the_cleanclaim_json_twins(engine: Engine, sample: str, twin: str) -> None:
    read_claims = _read(sample)
    twins = _twins(twin)
    assert len(read_claims) == len(twins)
    for got, expected in zip(read_claims, twins, strict=True):
        assert got.errors == ()
        assert got.claim is not None
        assert engine.check(got.claim) == engine.check(expected)


def test_bare_claim_origin_and_locations(engine: Engine) -> None:
    (got,) = _read("fhir-claim.json")
    assert got.origin.format == "fhir"
    assert got.origin.entry is None
    assert dict(got.origin.ids) == {"claim": "PT-1001"}
    assert got.claim is not None
    report = located(engine.check(got.claim), got.origin)
    assert report.input is not None
    assert report.input.model_dump(exclude_none=True) == {
        "format": "fhir",
        "file": "fhir-claim.json",
        "ids": {"claim": "PT-1001"},
    }
    by_rule = {f.rule: f for f in report.findings}
    # PT101: 97140 (the second item) has no GP
    assert by_rule["PT101"].location == "lines[1].modifiers"
    assert by_rule["PT101"].input_location == "Claim.item[1].modifier"
    # the diagnoses were listed out of sequence order: diagnoses[1] is the array's [0]
    assert by_rule["PC104"].location == "diagnoses[1]"
    assert by_rule["PC104"].input_location == "Claim.diagnosis[0]"
    # a documentation element has no FHIR home: no input location rather than a wrong one
    assert by_rule["PT106"].input_location is None
    assert got.origin.locations["date_of_service"] == "Claim.item[0].servicedDate"
    assert got.origin.locations["patient.age"] == "Patient.birthDate"
    assert got.origin.locations["payer"] == "Claim.insurance[0].coverage"


def test_bundle_entries_ids_and_payers() -> None:
    got = _read("fhir-bundle.json")
    assert [c.origin.entry for c in got] == [4, 7, 9]
    assert [c.origin.ids["claim"] for c in got] == ["PC-2001", "CH-3001", "UR-4001"]
    payers = [c.claim.get("payer") for c in got if c.claim is not None]
    # an Organization's identifier; SOPT 1 (Medicare); no insurer at all
    assert payers == ["acme-health", "medicare", None]
    assert got[0].origin.locations["date_of_service"] == "Claim.billablePeriod.start"
    # the care team member in the primary role, not the first one, names the specialty
    assert got[0].claim is not None and got[0].claim["specialty"] == "primary-care"
    assert got[0].origin.locations["specialty"] == "Claim.careTeam[1].qualification"
    assert all("specialty" not in c.claim for c in got[1:] if c.claim is not None)
    assert got[1].origin.locations["date_of_service"] == "Claim.item[0].servicedPeriod.start"


def test_bundle_finding_points_at_the_item(engine: Engine) -> None:
    got = _read("fhir-bundle.json")[1]  # CH-3001: 98940 to Medicare without AT
    assert got.claim is not None
    report = located(engine.check(got.claim), got.origin)
    found = {(f.rule, f.input_location) for f in report.findings}
    assert ("DC105", "Claim.item[0].modifier") in found
    assert ("DC101", "Claim.diagnosis[0]") in found
    assert report.input is not None and report.input.entry == 7


def test_a_diagnosis_in_another_code_system_makes_the_record_invalid() -> None:
    (got,) = _read("fhir-non-icd10.json")
    assert got.claim is None
    assert got.errors == (
        "Claim.diagnosis[1]: coded in SNOMED CT, not ICD-10-CM (http://hl7.org/fhir/sid/icd-10-cm)",
        "Claim.diagnosis[2]: coded in ICD-9-CM, not ICD-10-CM (http://hl7.org/fhir/sid/icd-10-cm)",
    )
    assert got.origin.position == 1


def _minimal() -> dict[str, Any]:
    return {
        "resourceType": "Claim",
        "id": "M-1",
        "diagnosis": [
            {
                "sequence": 1,
                "diagnosisCodeableConcept": {
                    "coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M62830"}]
                },
            }
        ],
        "item": [
            {
                "sequence": 1,
                "productOrService": {
                    "coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "97110"}]
                },
                "servicedDate": "2026-05-12",
            }
        ],
    }


def test_lenient_minimal_claim_reads() -> None:
    # no status, use, patient, provider, priority, insurance: real claims omit them
    (got,) = read_claim(_minimal())
    assert got.errors == ()
    assert got.claim == {
        "claim_id": "M-1",
        "diagnoses": ["M62830"],
        "lines": [{"procedure": "97110"}],
        "date_of_service": "2026-05-12",
    }


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            lambda c: c["item"][0].pop("servicedDate"),
            "Claim.item.servicedDate: missing (no item has servicedDate or "
            "servicedPeriod.start, and the claim has no billablePeriod.start); cleanclaim "
            "needs the date of service",
        ),
        (
            lambda c: c["item"][0].update(servicedDate="2026-05"),
            "Claim.item[0].servicedDate: not a full date (YYYY-MM-DD)",
        ),
        (
            lambda c: c.pop("diagnosis"),
            "Claim.diagnosis: missing; a claim needs at least one ICD-10-CM diagnosis",
        ),
        (
            lambda c: c["item"][0].update(
                productOrService={"coding": [{"system": "http://snomed.info/sct", "code": "1"}]}
            ),
            "Claim.item[0].productOrService: coded in SNOMED CT, not CPT or HCPCS",
        ),
        (
            lambda c: c["item"][0].pop("productOrService"),
            "Claim.item[0].productOrService: no coding, not CPT or HCPCS",
        ),
        (
            lambda c: c["item"][0].update(diagnosisSequence=[2]),
            "Claim.item[0].diagnosisSequence[0]: points at no diagnosis of the claim",
        ),
        (
            lambda c: c["item"][0].update(
                quantity={"value": 38, "system": "http://unitsofmeasure.org", "code": "min"}
            ),
            "Claim.item[0].quantity: given in minutes; cleanclaim needs the units billed: "
            "write the quantity as a count of units",
        ),
        (
            lambda c: c["item"][0].update(quantity={"value": 1.5}),
            "Claim.item[0].quantity.value: not a whole number of units from 0 to 9999",
        ),
        (
            lambda c: c["item"].extend(
                [
                    {**c["item"][0], "servicedDate": "2026-05-13"},
                    {k: v for k, v in c["item"][0].items() if k != "servicedDate"},
                ]
            ),
            "Claim.billablePeriod.start: missing, and items have several dates: the date of "
            "an item without servicedDate cannot be told",
        ),
        (
            lambda c: (
                c["diagnosis"][0].update(
                    diagnosisCodeableConcept=None, diagnosisReference={"reference": "Condition/1"}
                )
                or c["diagnosis"][0].pop("diagnosisCodeableConcept")
            ),
            "Claim.diagnosis[0]: a diagnosisReference; cleanclaim reads "
            "diagnosisCodeableConcept only",
        ),
    ],
)
def test_errors_name_the_fhir_path(change: Any, error: str) -> None:
    claim = _minimal()
    change(claim)
    (got,) = read_claim(claim)
    assert got.claim is None
    assert error in got.errors


def test_quantity_units_and_billable_period() -> None:
    claim = _minimal()
    claim["item"][0]["quantity"] = {"value": 3}
    del claim["item"][0]["servicedDate"]
    claim["billablePeriod"] = {"start": "2026-05-12T09:30:00-05:00"}
    (got,) = read_claim(claim)
    assert got.claim is not None
    assert got.claim["lines"][0]["units"] == 3
    assert got.claim["date_of_service"] == "2026-05-12"


def test_medicare_advantage_is_not_the_medicare_profile() -> None:
    claim = _minimal()
    claim["contained"] = [
        {
            "resourceType": "Coverage",
            "id": "c",
            "type": {"coding": [{"system": "https://nahdo.org/sopt", "code": "111"}]},
            "payor": [{"identifier": {"value": "MA-PLAN-7"}}],
        }
    ]
    claim["insurance"] = [{"sequence": 1, "focal": True, "coverage": {"reference": "#c"}}]
    (got,) = read_claim(claim)
    assert got.claim is not None
    assert got.claim["payer"] == "ma-plan-7"
    claim["contained"][0]["type"]["coding"][0]["code"] = "121"  # Medicare FFS
    (got,) = read_claim(claim)
    assert got.claim is not None and got.claim["payer"] == "medicare"


def test_detect() -> None:
    reader = FhirReader()
    assert reader.name == "fhir"
    assert reader.detect((SAMPLES / "fhir-claim.json").read_bytes()[:4096])
    assert reader.detect(b'\xef\xbb\xbf  {"resourceType" : "Bundle", "type": "collection"}')
    assert not reader.detect((SAMPLES / "fhir-claim.cleanclaim.json").read_bytes())
    assert not reader.detect(b'{"resourceType": "Patient"}')
    assert not reader.detect(b"ISA*00*          *00*")
    assert not reader.detect(b"claim_id,date_of_service\n")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "x.json: not valid JSON: Expecting property name enclosed in double"),
        (b"[1, 2]", "x.json: a FHIR resource is a JSON object, not list"),
        (b'{"resourceType": "Patient"}', "x.json: resourceType 'Patient': cleanclaim reads"),
        (b'{"resourceType": "Bundle", "entry": []}', "x.json: a FHIR Bundle with no Claim"),
        (b"\xff\xfe{", "x.json: UTF-16 text"),
        (b'{"resourceType": "Claim", "id": "\xe9"}', "x.json: not UTF-8 text (byte 33)"),
    ],
)
def test_a_file_that_cannot_be_read_is_an_input_error(raw: bytes, message: str) -> None:
    with pytest.raises(FormatError) as caught:
        list(read(io.BytesIO(raw), "x.json"))
    assert str(caught.value).startswith(message)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
_KEYS = [
    "diagnosis",
    "item",
    "billablePeriod",
    "insurance",
    "insurer",
    "patient",
    "contained",
    "id",
]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_bad_content_never_raises(data: st.DataObject) -> None:
    claim = copy.deepcopy(_minimal())
    for key in data.draw(st.lists(st.sampled_from(_KEYS), max_size=3)):
        claim[key] = data.draw(_json)
    item = claim["item"][0] if isinstance(claim.get("item"), list) and claim["item"] else None
    if isinstance(item, dict):
        for key in data.draw(
            st.lists(
                st.sampled_from(
                    [
                        "quantity",
                        "modifier",
                        "diagnosisSequence",
                        "servicedPeriod",
                        "net",
                        "locationCodeableConcept",
                    ]
                ),
                max_size=2,
            )
        ):
            item[key] = data.draw(_json)
    bundle = {"resourceType": "Bundle", "entry": [{"resource": claim}, data.draw(_json)]}
    for got in read(io.BytesIO(json.dumps(bundle).encode()), "fuzz.json"):
        assert got.claim is not None or got.errors


def test_samples_are_valid_fhir() -> None:
    """The samples are R4 (checked with fhir.resources' R4B models, whose Claim, Patient,
    Coverage and Bundle match R4's), so the reader is tested on what an EHR would send."""
    resources = pytest.importorskip("fhir.resources.R4B.claim")
    bundle = pytest.importorskip("fhir.resources.R4B.bundle")
    for name in ("fhir-claim.json", "fhir-non-icd10.json"):
        resources.Claim.model_validate_json((SAMPLES / name).read_text(encoding="utf-8"))
    bundle.Bundle.model_validate_json((SAMPLES / "fhir-bundle.json").read_text(encoding="utf-8"))


def test_ndjson_is_read_line_by_line() -> None:
    """FHIR Bulk Data's NDJSON: one resource a line; other resource types are passed over,
    a bad line is an invalid record naming it, and the file goes on."""
    bundle = _claim("fhir-bundle.json")
    claims = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Claim"]
    lines = [
        json.dumps(claims[0]),
        json.dumps(bundle["entry"][0]["resource"]),  # a Patient: not a claim
        "",
        "{not json",
        json.dumps(claims[1]),
        json.dumps({"resourceType": "Bundle", "entry": [{"resource": claims[2]}]}),
    ]
    got = list(read(io.BytesIO("\n".join(lines).encode()), "claims.ndjson"))
    assert [(c.origin.line, c.origin.entry) for c in got] == [
        (1, None),
        (4, None),
        (5, None),
        (6, 1),
    ]
    assert got[1].errors == ("line 4: not a JSON object on one line",)
    for found, claim in zip([got[0], got[2], got[3]], claims, strict=True):
        (alone,) = read_claim(claim)  # across lines, no Patient or Coverage is resolved
        assert found.claim == alone.claim
        assert found.claim is not None and "patient" not in found.claim


def test_a_minified_claim_on_one_line_is_a_document() -> None:
    raw = json.dumps(_claim("fhir-claim.json")).encode()
    (got,) = list(read(io.BytesIO(raw + b"\n\n"), "c.json"))
    assert got.origin.line is None and got.origin.entry is None
    assert got.claim is not None and got.claim["patient"] == {"age": 46, "sex": "F"}


def test_a_coding_of_the_right_system_without_a_code_says_so() -> None:
    claim = _minimal()
    del claim["diagnosis"][0]["diagnosisCodeableConcept"]["coding"][0]["code"]
    (got,) = read_claim(claim)
    assert got.errors == ("Claim.diagnosis[0]: its coding has no code",)


def _chiro_claim(first: str, second: str) -> dict[str, Any]:
    """98940 and 97140 (an NCCI procedure-to-procedure pair; 97140 without a bypass
    modifier) on the dates given, with a Patient contained for the age."""
    cpt = "http://www.ama-assn.org/go/cpt"

    def item(seq: int, code: str, modifier: str, day: str) -> dict[str, Any]:
        return {
            "sequence": seq,
            "diagnosisSequence": [1, 2],
            "productOrService": {"coding": [{"system": cpt, "code": code}]},
            "modifier": [{"coding": [{"system": cpt, "code": modifier}]}],
            "quantity": {"value": 1},
            "servicedDate": day,
        }

    icd = "http://hl7.org/fhir/sid/icd-10-cm"
    return {
        "resourceType": "Claim",
        "id": "CH-9",
        "contained": [{"resourceType": "Patient", "id": "p", "birthDate": "1960-11-03",
                       "gender": "male"}],
        "patient": {"reference": "#p"},
        "diagnosis": [
            {"sequence": n, "diagnosisCodeableConcept": {"coding": [{"system": icd, "code": c}]}}
            for n, c in ((1, "M99.03"), (2, "M54.50"))
        ],
        "item": [item(1, "98940", "AT", first), item(2, "97140", "GP", second)],
    }  # fmt: skip


def test_items_on_different_dates_are_one_claim_per_date_and_no_clm203(engine: Engine) -> None:
    (same,) = read_claim(_chiro_claim("2026-11-02", "2026-11-02"))
    assert same.claim is not None
    report = located(engine.check(same.claim), same.origin)
    assert [f.input_location for f in report.findings if f.rule == "CLM203"] == [
        "Claim.item[1].modifier"
    ]  # the same day: the edit fires, pointing at the second item
    parts = read_claim(_chiro_claim("2026-11-04", "2026-11-02"))
    assert [p.claim["date_of_service"] for p in parts if p.claim] == ["2026-11-02", "2026-11-04"]
    assert [p.origin.ids for p in parts] == [
        {"claim": "CH-9", "date_of_service": "2026-11-02"},
        {"claim": "CH-9", "date_of_service": "2026-11-04"},
    ]
    first, second = parts
    assert first.claim is not None and second.claim is not None
    assert [line["procedure"] for line in first.claim["lines"]] == ["97140"]
    assert first.origin.locations["lines[0].modifiers"] == "Claim.item[1].modifier"
    assert first.origin.locations["date_of_service"] == "Claim.item[1].servicedDate"
    assert second.origin.locations["lines[0]"] == "Claim.item[0]"
    assert first.claim["patient"]["age"] == 65 and second.claim["patient"]["age"] == 66
    for part in parts:
        assert part.claim is not None
        assert part.claim["diagnoses"] == ["M99.03", "M54.50"]  # claim-level data repeated
        assert not [f for f in engine.check(part.claim).findings if f.rule == "CLM203"]


def test_items_across_october_1_are_checked_against_each_year(engine: Engine) -> None:
    parts = read_claim(_chiro_claim("2026-09-30", "2026-10-01"))
    years = [engine.check(p.claim).dataset.fiscal_year for p in parts if p.claim]
    assert years == [2026, 2027]


def _at_place(claim: dict[str, Any], index: int, place: str) -> None:
    pos = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
    claim["item"][index]["locationCodeableConcept"] = {"coding": [{"system": pos, "code": place}]}


def test_each_date_keeps_the_place_of_service_its_items_name() -> None:
    claim = _chiro_claim("2026-11-02", "2026-11-04")
    _at_place(claim, 0, "11")
    _at_place(claim, 1, "10")  # telehealth in the patient's home on the second date
    first, second = read_claim(claim)
    assert first.claim is not None and second.claim is not None
    assert (first.claim["place_of_service"], second.claim["place_of_service"]) == ("11", "10")
    assert second.origin.locations["place_of_service"] == "Claim.item[1].locationCodeableConcept"
    same_day = _chiro_claim("2026-11-02", "2026-11-02")
    _at_place(same_day, 0, "11")
    _at_place(same_day, 1, "10")
    (bad,) = read_claim(same_day)
    assert bad.claim is None
    assert "items of one date of service name different places of service" in bad.errors[0]
