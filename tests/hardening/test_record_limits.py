"""A record over the documented size limit is one ``invalid`` line; the batch goes on.

``cleanclaim.cli.batch.MAX_RECORD_BYTES`` (10 MiB, the same limit as one claim file for
``check``) bounds a JSONL line and a CSV record.  A longer one is read in pieces of that
size and dropped, never held whole, so memory stays bounded whatever the file holds
(once, one line of 300 MB took 1.2 GB, and a CSV cell over the csv module's field limit
ended the batch with a traceback).  docs/promises.md names these tests.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hardening_support import CLEAN, assert_no_traceback, cli

from cleanclaim.cli import batch as batch_module


def _good(number: int) -> str:
    return json.dumps({**CLEAN, "claim_id": f"GOOD-{number}"})


def _results(proc: subprocess.CompletedProcess[bytes], out: Path) -> list[dict[str, Any]]:
    assert_no_traceback(proc.stderr.decode("utf-8", "replace"))
    assert proc.returncode == 1, proc.stderr
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_a_jsonl_line_over_the_limit_is_one_invalid_line(tmp_path: Path) -> None:
    huge = '{"claim_id": "' + "x" * (batch_module.MAX_RECORD_BYTES + 10) + '"}'
    source = tmp_path / "claims.jsonl"
    source.write_text("\n".join([_good(1), huge, _good(3)]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    results = _results(
        cli("check", "--batch", str(source), "--output", str(out), cwd=tmp_path), out
    )
    assert [r.get("claim_id") for r in results] == ["GOOD-1", None, "GOOD-3"]
    assert results[1]["status"] == "invalid" and results[1]["line"] == 2
    assert "longer than" in results[1]["errors"][0]


def test_a_csv_cell_over_the_limit_is_one_invalid_line(tmp_path: Path) -> None:
    def row(claim: str) -> str:
        return '"' + claim.replace('"', '""') + '"'

    huge = '{"claim_id": "' + "y" * (batch_module.MAX_RECORD_BYTES + 10) + '"}'
    source = tmp_path / "claims.csv"
    source.write_text(
        "claim_json\n" + "\n".join([row(_good(2)), row(huge), row(_good(4))]) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    results = _results(
        cli("check", "--batch", str(source), "--output", str(out), cwd=tmp_path), out
    )
    assert [r.get("claim_id") for r in results] == ["GOOD-2", None, "GOOD-4"]
    assert results[1]["status"] == "invalid" and results[1]["line"] == 3


def test_a_huge_line_is_never_held_whole(tmp_path: Path) -> None:
    """Peak memory with a 200 MB line stays within some 40 MB of a run without one."""
    source = tmp_path / "claims.jsonl"
    with source.open("w", encoding="utf-8") as stream:
        stream.write(_good(1) + "\n" + '{"claim_id": "')
        for _ in range(200):
            stream.write("z" * 1_000_000)
        stream.write('"}\n' + _good(3) + "\n")
    small = tmp_path / "small.jsonl"
    small.write_text(_good(1) + "\n" + _good(3) + "\n", encoding="utf-8")

    def peak_kib(path: Path) -> int:
        code = (
            "import resource, sys\n"
            "from cleanclaim.cli import main\n"
            f"status = main(['check', '--batch', {str(path)!r}, '--output', {f'{path}.out'!r}])\n"
            "print(status, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, timeout=300, check=True, cwd=tmp_path
        )
        status, peak = proc.stdout.split()
        assert status in (b"0", b"1")
        return int(peak)

    assert peak_kib(source) - peak_kib(small) < 40 * 1024


def test_an_over_long_quoted_csv_record_is_skipped_to_its_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A record that passes the limit inside a quoted cell spanning lines is skipped as a
    whole: the rows after it keep their own line numbers."""
    monkeypatch.setattr(batch_module, "MAX_RECORD_BYTES", 64)
    data = (
        b"id,claim_json\n"
        b'1,"{}"\n'
        b'2,"' + b"a" * 50 + b"\n" + b"b" * 50 + b"\n" + b'c"" still quoted ""\n' + b'd"\n'
        b'3,"{""x"": 1}"\n'
        b"4,\xff\xfe\n"
        b"5\n"
    )
    records = list(batch_module._csv_records(io.BytesIO(data), "t.csv"))
    numbers = [record[0] for record in records]
    assert numbers == [2, 3, 7, 8, 9], records
    raws = {record[0]: record[1] for record in records}
    assert raws[3] is batch_module._TOO_LONG
    assert raws[7] == '{"x": 1}'
    assert isinstance(raws[8], batch_module.Rejected) and "UTF-8" in raws[8].errors[0]
    assert isinstance(raws[9], batch_module.Rejected) and "claim_json" in raws[9].errors[0]


def test_jsonl_lines_are_read_in_bounded_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_module, "MAX_RECORD_BYTES", 16)
    reads: list[int] = []

    class Tracked(io.BytesIO):
        def readline(self, size: int | None = -1) -> bytes:
            reads.append(-1 if size is None else size)
            return super().readline(size)

    data = b'{"a": 1}\n' + b"x" * 1000 + b"\n" + b"[]\n" + b"y" * 16 + b"\n"
    blocks = list(batch_module._jsonl_blocks(Tracked(data), 100))
    records = [record for block in blocks for record in block]
    assert [record[0] for record in records] == [1, 2, 3, 4]
    assert records[1][1] is batch_module._TOO_LONG
    assert records[3][1] == b"y" * 16  # exactly the limit is still read
    assert reads and all(0 < size <= 17 for size in reads)


def test_the_csv_field_limit_is_put_back_after_a_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The csv module's limit is process-wide: a batch must not leave its own behind (a
    small one broke every NCCI file read later in the same process)."""
    import csv

    before = 131072  # the csv module's default
    csv.field_size_limit(before)
    monkeypatch.setattr(batch_module, "MAX_RECORD_BYTES", 64)
    source = tmp_path / "claims.csv"
    source.write_text("claim_json\n" + '"{""diagnoses"": []}"' + "\n", encoding="utf-8")
    with source.open("rb") as stream:
        assert len(list(batch_module._csv_records(stream, str(source)))) == 1
    assert csv.field_size_limit() == before
