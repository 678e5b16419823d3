"""``cleanclaim check FILE``: every file ends in a report or a clear input error.

Promise: exit 0 or 1 with a report on stdout, or exit 2 with one line on stderr that
names the file (and the field, when a field is at fault) -- never a traceback, whatever
the bytes in the file.  Most cases run in-process through ``main()`` (fast enough for
hypothesis); a few run ``python -m cleanclaim`` as a vendor's script does, under a
timeout, because only a real process shows exit statuses, tracebacks and hangs as they are.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hardening_support import CLEAN, assert_no_traceback, cli, write_json
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanclaim.cli import main


@contextmanager
def _captured() -> Iterator[tuple[io.StringIO, io.StringIO]]:
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        yield out, err
    finally:
        sys.stdout, sys.stderr = saved


def run_main(*argv: str) -> tuple[int, str, str]:
    """``main(argv)`` with stdout and stderr captured; an escaping exception fails the test.

    Runs in a scratch folder so that no configuration file of the checkout is discovered.
    """
    cwd = os.getcwd()
    os.chdir(_WORK)
    try:
        with _captured() as (out, err):
            status = main(list(argv))
    finally:
        os.chdir(cwd)
    return status, out.getvalue(), err.getvalue()


def _assert_contract(status: int, out: str, err: str, name: str) -> None:
    assert_no_traceback(err)
    if status == 2:
        assert err.startswith(f"cleanclaim: error: {name}"), err
        assert err.count("\n") == 1, err
        assert out == ""
    else:
        assert status in (0, 1), (status, err)
        report = json.loads(out)
        assert report["status"] in ("clean", "warning", "error")
        assert (status == 1) == (report["status"] == "error")


_WORK = Path(tempfile.mkdtemp(prefix="cleanclaim-hardening-"))


def _claim_file(content: bytes) -> str:
    path = _WORK / "claim.json"
    path.write_bytes(content)
    return str(path)


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=100, deadline=3000, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.binary(max_size=300))
def test_random_bytes(content: bytes) -> None:
    name = _claim_file(content)
    _assert_contract(*run_main("check", name, "--format", "json"), name=name)


@settings(max_examples=100, deadline=3000, suppress_health_check=[HealthCheck.too_slow])
@given(
    changes=st.dictionaries(
        st.sampled_from(
            [
                "claim_id",
                "date_of_service",
                "diagnoses",
                "lines",
                "patient",
                "documentation",
                "payer",
                "extensions",
                "mystery",
            ]
        ),
        JSON_VALUES,
        max_size=3,
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig"]),
)
def test_claims_with_random_fields(changes: dict[str, Any], encoding: str) -> None:
    name = _claim_file(json.dumps({**CLEAN, **changes}).encode(encoding))
    _assert_contract(*run_main("check", name, "--format", "json"), name=name)


@settings(max_examples=40, deadline=3000)
@given(depth=st.integers(min_value=1, max_value=3000), opener=st.sampled_from(["[", '{"a":']))
def test_nesting_of_any_depth(depth: int, opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    deep = opener * depth + "1" + closer * depth
    name = _claim_file(
        json.dumps(CLEAN)[:-1].encode() + b', "extensions": {"x": ' + deep.encode() + b"}}"
    )
    _assert_contract(*run_main("check", name, "--format", "json"), name=name)


UTF16 = json.dumps(CLEAN).encode("utf-16")
CASES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "not valid JSON"),
    "binary": (bytes(range(256)) * 4, "not UTF-8 text"),
    "utf16": (UTF16, "UTF-16"),
    "array": (json.dumps([CLEAN]).encode(), "must be a JSON object"),
    "nested-100k": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "huge-number": (
        b'{"date_of_service": "2026-05-12", "diagnoses": ["M62.830"], "lines": '
        b'[{"procedure": "97110", "units": ' + b"9" * 5000 + b"}]}",
        "number is too long",
    ),
    "duplicate-key": (
        b'{"date_of_service": "2026-05-12", "diagnoses": ["M62.830"], "diagnoses": ["M54.5"]}',
        "appears twice",
    ),
    "surrogate": (json.dumps({**CLEAN, "claim_id": "\ud800"}).encode(), "claim_id"),
    "unknown-field": (json.dumps({**CLEAN, "diagnosis": ["M62.830"]}).encode(), "diagnosis"),
    "ten-thousand-lines": (
        json.dumps(
            {**CLEAN, "lines": [{"procedure": "97110", "diagnosis_pointers": [1]}] * 10_000}
        ).encode(),
        "lines: ",
    ),
    "far-past": (
        json.dumps({**CLEAN, "date_of_service": "0001-01-01"}).encode(),
        "date_of_service",
    ),
    "far-future": (
        json.dumps({**CLEAN, "date_of_service": "9999-12-31"}).encode(),
        "date_of_service",
    ),
    "emoji-code": (json.dumps({**CLEAN, "diagnoses": ["M62.8\U0001f600"]}).encode(), "diagnoses"),
    "rtl-mark": (json.dumps({**CLEAN, "diagnoses": ["\u200fM62.830"]}).encode(), "diagnoses"),
    "nul-in-code": (json.dumps({**CLEAN, "diagnoses": ["M62\u0000830"]}).encode(), "diagnoses"),
    "pointer-13": (
        json.dumps(
            {**CLEAN, "lines": [{"procedure": "97110", "diagnosis_pointers": [13]}]}
        ).encode(),
        "lines[0].diagnosis_pointers[0]",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_file_is_a_clear_input_error(tmp_path: Path, case: str) -> None:
    content, expected = CASES[case]
    path = tmp_path / f"{case}.json"
    path.write_bytes(content)
    status, out, err = run_main("check", str(path), "--format", "json")
    _assert_contract(status, out, err, str(path))
    assert status == 2 and expected in err, err


@pytest.mark.parametrize("case", ["binary", "utf16", "nested-100k", "huge-number"])
def test_same_through_a_real_process(tmp_path: Path, case: str) -> None:
    content, expected = CASES[case]
    path = tmp_path / "claim.json"
    path.write_bytes(content)
    proc = cli("check", str(path), "--format", "json", cwd=tmp_path)
    err = proc.stderr.decode("utf-8", "replace")
    assert_no_traceback(err)
    assert proc.returncode == 2 and expected in err and str(path) in err, err


def test_binary_on_standard_input(tmp_path: Path) -> None:
    proc = cli("check", "-", "--format", "json", cwd=tmp_path, stdin=UTF16)
    err = proc.stderr.decode()
    assert_no_traceback(err)
    assert proc.returncode == 2 and "<stdin>: UTF-16" in err, err


def test_odd_but_valid_claim_through_a_real_process(tmp_path: Path) -> None:
    """Lower case, spaces, a NUL in the claim id, unknown payer: a report, printable."""
    claim = {
        **CLEAN,
        "claim_id": "a\u0000b\u200f\U0001f600",
        "payer": " Some Payer ",
        "diagnoses": [" m62 830 "],
        "lines": [{"procedure": " 97110", "modifiers": ["gp"], "diagnosis_pointers": [1]}],
    }
    path = write_json(tmp_path / "claim.json", claim)
    for fmt in ("json", "text"):
        proc = cli("check", str(path), "--format", fmt, cwd=tmp_path)
        assert_no_traceback(proc.stderr.decode())
        assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(cli("check", str(path), "--format", "json", cwd=tmp_path).stdout)
    assert report["claim_id"] == claim["claim_id"]


def test_largest_accepted_claim_finishes_and_a_larger_one_is_refused(tmp_path: Path) -> None:
    """Just under the 10 MB limit: a 4 MB note, 100,000 findings, 50 lines, 20,000 prior
    services -- a report within the timeout; just over the limit: exit 2 before parsing."""
    big = {
        **CLEAN,
        "diagnoses": ["M62.830", "M54.50", "S39.012A", "N81.84"],
        "lines": [{"procedure": "97110", "modifiers": ["GP"], "diagnosis_pointers": [1, 2]}] * 50,
        "documentation": {
            "note": "lumbar spasm guarding " * 180_000,
            "objective_findings": ["palpable guarding L3"] * 100_000,
            "mechanism": "fell " * 100_000,
            "trauma": True,
        },
        "service_history": [{"procedure": "97110", "date_of_service": "2026-01-02"}] * 20_000,
    }
    path = write_json(tmp_path / "big.json", big)
    assert 8_000_000 < path.stat().st_size < 10 * 1024 * 1024
    proc = cli("check", str(path), "--format", "json", cwd=tmp_path, timeout=60)
    assert_no_traceback(proc.stderr.decode())
    assert proc.returncode in (0, 1) and json.loads(proc.stdout)["claim_id"] == CLEAN["claim_id"]
    path.write_bytes(path.read_bytes() + b" " * (3 * 1024 * 1024))
    proc = cli("check", str(path), cwd=tmp_path, timeout=60)
    assert proc.returncode == 2 and b"larger than 10 MB" in proc.stderr, proc.stderr
