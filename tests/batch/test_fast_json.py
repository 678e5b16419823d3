"""The batch's orjson fast path (cleanclaim[fast]) changes no byte of any result (issue 18).

Every record is run through the batch's checking of a chunk twice, once with the fast
decoder and once with the standard library's alone, and the outputs must be the same
bytes; the reports must also be the model's own dump (``Report`` with its ``input`` set,
``model_dump_json()``).  Records: the conformance cases' claims, the correct-claims
corpus, the seeded synthetic mix with malformed records, and records made to trip a
decoder (keys given twice at every depth, escapes, a BOM, NaN, long integers, deep
nesting, spacing).  Nothing is timed here.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from cleanclaim.cli import batch, fastjson
from cleanclaim.engine import Engine, InputError
from cleanclaim.models import InputRef
from cleanclaim.synth import generate_lines

orjson = pytest.importorskip("orjson")

ROOT = Path(__file__).resolve().parents[1]


def _case_claims(folder: Path) -> list[object]:
    cases = (json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.rglob("*.json")))
    return [case["claim"] for case in cases if "claim" in case]  # argv cases have none


def _tricky() -> list[bytes]:
    base = {
        "claim_id": "T1",
        "date_of_service": "2025-03-03",
        "payer": "medicare",
        "diagnoses": ["M54.50"],
        "lines": [{"procedure": "97110", "units": 1, "modifiers": ["GP"]}],
    }
    text = json.dumps(base, separators=(",", ":"))
    return [
        text.replace('"payer":"medicare"', '"payer":"medicare","payer":"aetna"').encode(),
        text.replace('"units":1', '"units":1,"units":2').encode(),
        text.replace('"units":1', '"units" :1,"units" : 2').encode(),
        text.replace('"claim_id":"T1"', '"claim_id":"T1","":1,"":2').encode(),
        text.replace('"claim_id":"T1"', '"claim_id":":","claim_id":":"').encode(),
        text.replace('"T1"', '"T\\u0031"').encode(),  # an escape: the standard path
        text.replace('"T1"', '"T\\"1"').encode(),
        b"\xef\xbb\xbf" + text.encode(),
        text.replace('"units":1', '"units":NaN').encode(),
        text.replace('"units":1', '"units":' + "9" * 30).encode(),
        text.replace('"units":1', '"units":1e400').encode(),
        text.replace('"units":1', '"units":' + "9" * 19).encode(),
        text.replace('"units":1', '"units":-' + "9" * 19).encode(),
        text.replace('"units":1', '"units":0.' + "1" * 30).encode(),
        text.replace('"units":1', '"units":1.0').encode(),
        text.replace('"units":1', '"units":-0').encode(),
        json.dumps(base, indent=None, separators=(" , ", " : ")).encode(),
        text.replace('"T1"', '"T1 é 漢 😀"').encode(),
        text.replace('"T1"', '"T1\xe9"').encode("latin-1", "replace"),  # not UTF-8
        ("[" * 300 + "]" * 300).encode(),
        ('{"a":' * 300 + "1" + "}" * 300).encode(),
        b"[1, 2]",
        b'"a claim"',
        b"{}",
        b'{"claim_id": "T1"',
    ]


def _lines() -> list[bytes]:
    claims = _case_claims(ROOT / "conformance") + _case_claims(ROOT / "corpus" / "claims")
    lines: list[bytes] = []
    for claim in claims:
        if isinstance(claim, str):  # a case of raw file content
            lines.extend(part.encode("utf-8", "surrogatepass") for part in claim.splitlines())
            continue
        lines.append(json.dumps(claim).encode())
        lines.append(json.dumps(claim, separators=(",", ":"), ensure_ascii=False).encode())
        lines.append(orjson.dumps(claim))
    lines.extend(line.encode() for line in generate_lines(400, 5, malformed_rate=0.1))
    lines.extend(_tricky())
    return [line for line in lines if b"\n" not in line and b"\r" not in line]


def _run(engine: Engine, data: bytes) -> bytes:
    return b"".join(
        batch.check_chunk(engine, block).text
        for block in batch._jsonl_blocks(io.BytesIO(data), batch.CHUNK)
    )


def test_fast_and_standard_paths_write_the_same_bytes(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = b"\n".join(_lines()) + b"\n"
    assert batch.fast_object is fastjson._orjson_object  # the fast path is what runs
    fast = _run(engine, data)
    monkeypatch.setattr(batch, "fast_object", fastjson._none)
    standard = _run(engine, data)
    assert fast == standard
    assert fast.count(b"\n") == data.count(b"\n")


def test_the_memos_change_no_byte(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the engine remembers (rule plans, diagnoses-only rules' hits, trigger and
    documentation answers, payer records: `cleanclaim.memo`) changes no result: the
    conformance claims, the corpus, the synthetic mix and the tricky records give the
    same bytes through an engine whose memos hold one entry each (each claim computed
    afresh) as through one whose memos are full (each record three times: the later
    copies are answered from the memos)."""
    from cleanclaim import memo

    lines = _lines()
    data = b"\n".join(lines * 3) + b"\n"
    remembered = _run(engine, data)
    monkeypatch.setattr(memo, "LIMIT", 1)
    forgetful = Engine.build()
    assert forgetful.selection._plans.limit == 1 and forgetful.tables.memo.limit == 1
    assert _run(forgetful, data) == remembered
    assert len(engine._remembered_hits) > 100  # the first engine did answer from memos


def test_reports_are_the_models_dump(engine: Engine) -> None:
    lines = _lines()
    out = _run(engine, b"\n".join(lines) + b"\n").decode("utf-8").splitlines()
    compared = 0
    for number, (line, result) in enumerate(zip(lines, out, strict=True), start=1):
        data = fastjson.fast_object(line)
        if data is None:
            continue
        try:
            report = engine.check(data)
        except InputError:
            continue
        located = report.model_copy(update={"input": InputRef(format="jsonl", line=number)})
        assert result == located.model_dump_json()
        compared += 1
    assert compared > 300


@pytest.mark.parametrize("line", _tricky())
def test_fast_object_answers_only_what_the_standard_path_would(line: bytes) -> None:
    fast = fastjson.fast_object(line)
    if fast is None:
        return
    assert fast == json.loads(line.decode("utf-8"))


def test_a_key_given_twice_is_never_decoded_fast() -> None:
    for line in _tricky()[:5]:
        assert fastjson.fast_object(line) is None
    assert fastjson.fast_object(b'{"a":{"b":1},"c":[{"d":1},{"d":1,"d":1}]}') is None
    assert fastjson.fast_object(b'{"a":{"b":1},"c":[{"d":1},{"d":1,"e":1}]}') is not None


def test_without_orjson_the_standard_path_alone_runs() -> None:
    import subprocess
    import sys

    probe = (
        "import sys; sys.modules['orjson'] = None\n"
        "from cleanclaim.cli import fastjson\n"
        "print(fastjson.fast_object is fastjson._none, fastjson.fast_object(b'{}'))"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["True", "None"]
