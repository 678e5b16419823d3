"""``check FILE`` and ``check --batch`` say the same thing about the same record.

A record's bytes are one claim whichever way they arrive: the same encodings are read
(UTF-8, with or without a BOM) and the same refused (UTF-16 and UTF-32, Latin-1, invalid
UTF-8, encoded surrogates), with the same message; a valid record gets the same report.
Errors name what they are about: the key given twice, where a too-long number starts, and
an input that is a folder or a FIFO is said to be one (never "no such file").
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hardening_support import assert_no_traceback

from cleanclaim.cli import main

CLAIM = {
    "claim_id": "AG-1",
    "date_of_service": "2026-05-12",
    "payer": "medicare",
    "diagnoses": ["M62.830"],
    "documentation": {"note": "café visit"},
}
TEXT = json.dumps(CLAIM, ensure_ascii=False)

RECORDS: dict[str, bytes] = {
    "utf-8": TEXT.encode(),
    "utf-8 with a BOM": b"\xef\xbb\xbf" + TEXT.encode(),
    "utf-16 with a BOM": TEXT.encode("utf-16"),
    "utf-16-le without a BOM": TEXT.encode("utf-16-le"),
    "utf-16-be without a BOM": TEXT.encode("utf-16-be"),
    "utf-32 without a BOM": TEXT.encode("utf-32-le"),
    "latin-1": TEXT.encode("latin-1"),
    "invalid utf-8": TEXT.encode().replace("é".encode(), b"\xff"),
    "an encoded surrogate": TEXT.encode().replace("é".encode(), b"\xed\xa0\x80"),
    "a key twice": b'{"claim_id": "a", "date_of_service": "2026-05-12", "claim_id": "b"}',
    "a long key twice": b'{"' + b"k" * 60 + b'": 1, "' + b"k" * 60 + b'": 2}',
    "a number too long": b'{"claim_id": "a", "units": ' + b"9" * 5000 + b"}",
    "not an object": b"[1, 2]",
    "bad json": b'{"claim_id": }',
}


def _check_messages(err: str, names: list[str]) -> dict[str, str]:
    out = {}
    for line in err.splitlines():
        for name in names:
            prefix = f"cleanclaim: error: {name}: "
            if line.startswith(prefix):
                out[name] = line[len(prefix) :]
    return out


def test_check_and_batch_agree_on_every_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = []
    for index, raw in enumerate(RECORDS.values()):
        path = tmp_path / f"r{index}.json"
        path.write_bytes(raw)
        files.append(str(path))
    status = main(["check", *files, "--format", "jsonl"])
    captured = capsys.readouterr()
    assert status == 2
    assert_no_traceback(captured.err)
    messages = _check_messages(captured.err, files)
    reports = iter(captured.out.splitlines())

    batch = tmp_path / "all.jsonl"
    batch.write_bytes(b"".join(raw + b"\n" for raw in RECORDS.values()))
    out = tmp_path / "out.jsonl"
    main(["check", "--batch", str(batch), "--output", str(out)])
    assert_no_traceback(capsys.readouterr().err)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(RECORDS)

    for number, ((what, _), name, line) in enumerate(
        zip(RECORDS.items(), files, lines, strict=True), start=1
    ):
        result = json.loads(line)
        if name in messages:
            assert result["status"] == "invalid", what
            alone = re.sub(r"at line 1 column", "at column", messages[name])
            assert "; ".join(result["errors"]) == alone, what
        else:  # the batch says where the record was; a claim file's report does not
            assert result.pop("input") == {"format": "jsonl", "line": number}, what
            assert json.loads(next(reports)) == result, what


def test_utf16_is_refused_the_same_way(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same words for a UTF-16 claim file and a UTF-16 record: save it as UTF-8."""
    claim = tmp_path / "c.json"
    claim.write_bytes(TEXT.encode("utf-16"))
    assert main(["check", str(claim)]) == 2
    assert "UTF-16 text" in capsys.readouterr().err
    batch = tmp_path / "c.jsonl"
    batch.write_bytes((TEXT + "\n" + TEXT + "\n").encode("utf-16"))
    assert main(["check", "--batch", str(batch)]) == 2  # the whole input is UTF-16
    err = capsys.readouterr().err
    assert f"{batch}: UTF-16 text" in err and "UTF-8" in err
    assert_no_traceback(err)


def test_a_key_given_twice_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    claim = tmp_path / "dup.json"
    claim.write_text('{"claim_id": "a", "documentation": {"note": "x", "note": "y"}}')
    assert main(["check", str(claim)]) == 2
    assert "the key 'note' appears twice" in capsys.readouterr().err
    batch = tmp_path / "dup.jsonl"
    batch.write_text('{"claim_id": "a", "claim_id": "b"}\n')
    out = tmp_path / "out.jsonl"
    main(["check", "--batch", str(batch), "--output", str(out)])
    assert "the key 'claim_id' appears twice" in out.read_text()


def test_a_number_too_long_says_where(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    claim = tmp_path / "long.json"
    claim.write_text('{\n  "claim_id": "a", "x": "1234", "units": ' + "9" * 5000 + "\n}\n")
    assert main(["check", str(claim)]) == 2
    err = capsys.readouterr().err
    assert "a number is too long at line 2 column 42" in err, err
    batch = tmp_path / "long.jsonl"
    batch.write_text('{"claim_id": "a", "units": -' + "9" * 5000 + "}\n")
    out = tmp_path / "out.jsonl"
    main(["check", "--batch", str(batch), "--output", str(out)])
    assert "a number is too long at column 28" in out.read_text()


@pytest.mark.parametrize("kind", ["folder", "fifo"])
@pytest.mark.parametrize("how", ["check", "batch"])
def test_a_folder_or_fifo_is_said_to_be_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, how: str
) -> None:
    target = tmp_path / "input.json"
    if kind == "folder":
        target.mkdir()
    else:
        os.mkfifo(target)
    argv = ["check", str(target)] if how == "check" else ["check", "--batch", str(target)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert_no_traceback(err)
    assert "no such file" not in err
    said = "a folder, not a file" if kind == "folder" else "a FIFO (named pipe), not a file"
    assert f"{target}: {said}" in err, err
    missing = tmp_path / "missing.json"
    argv = ["check", str(missing)] if how == "check" else ["check", "--batch", str(missing)]
    assert main(argv) == 2
    assert f"{missing}: no such file" in capsys.readouterr().err
