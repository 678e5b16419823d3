"""A claim's bad JSON takes one path, in ``check FILE`` and ``check --batch`` alike.

`cleanclaim.cli.common.json_claim` is the only parser of a claim's JSON text on the
command line: a claim file names the fault after the file, with its line and column; a
batch record (one JSONL line, or a CSV ``claim_json`` cell) in its ``invalid`` line's
errors, by column.  The words are the same.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cleanclaim.cli import main
from cleanclaim.cli.batch import _parse
from cleanclaim.cli.check import parse_claim
from cleanclaim.cli.common import BadClaimJson, json_claim
from cleanclaim.cli.errors import CliInputError

CLI = Path(__file__).resolve().parents[2] / "core" / "cleanclaim" / "cli"

FAULTS = {
    "bad json": '{"claim_id": }',
    "empty": "",
    "a key twice": '{"claim_id": "a", "claim_id": "b"}',
    "nested too deeply": "[" * 100_000 + "]" * 100_000,
    "a number too long": '{"units": ' + "9" * 5000 + "}",
    "not an object": "[1, 2]",
}


def _fault(text: str, *, one_line: bool) -> str:
    with pytest.raises(BadClaimJson) as caught:
        json_claim(text, one_line=one_line)
    return str(caught.value)


@pytest.mark.parametrize("text", FAULTS.values(), ids=FAULTS.keys())
def test_a_claim_file_and_a_record_get_the_same_words(text: str) -> None:
    with pytest.raises(CliInputError) as caught:
        parse_claim(text, "claim.json")
    assert str(caught.value) == f"claim.json: {_fault(text, one_line=False)}"
    assert _parse(text) == [_fault(text, one_line=True)]
    assert _parse(text.encode()) == [_fault(text, one_line=True)]  # the bytes of a JSONL line


def test_a_file_places_a_fault_by_line_a_record_by_column() -> None:
    text = '{\n  "claim_id": }'
    assert _fault(text, one_line=False).endswith("at line 2 column 15")
    assert _fault('{"claim_id": }', one_line=True).endswith("at column 14")


def test_a_good_claim_parses_the_same_in_both() -> None:
    text = '{"claim_id": "a", "diagnoses": ["M62.830"]}'
    assert parse_claim(text, "c.json") == _parse(text) == json.loads(text)


def test_a_csv_claim_json_cell_takes_the_same_path(tmp_path: Path) -> None:
    batch = tmp_path / "claims.csv"
    batch.write_text('claim_json\n"{""claim_id"": ""a"", ""claim_id"": ""b""}"\n')
    out = tmp_path / "out.jsonl"
    assert main(["check", "--batch", str(batch), "--output", str(out)]) == 1
    [line] = out.read_text().splitlines()
    assert json.loads(line)["errors"] == [
        _fault('{"claim_id": "a", "claim_id": "b"}', one_line=True)
    ]


def test_no_other_cli_module_words_a_json_fault() -> None:
    # the words live in one module; a second copy is how the two modes drifted apart
    # (a message is a string that starts with them; a docstring may still quote one)
    words = re.compile(
        r"""["'](not valid JSON|JSON nested too deeply)|twice in one JSON object["']"""
    )
    holders = sorted(p.name for p in CLI.glob("*.py") if words.search(p.read_text("utf-8")))
    assert holders == ["common.py"]


def test_check_and_batch_do_not_import_each_other() -> None:
    # check hands --batch over to run_batch inside a function; batch never imports check
    batch_text = (CLI / "batch.py").read_text(encoding="utf-8")
    inputs_text = (CLI / "batch_inputs.py").read_text(encoding="utf-8")
    assert "cleanclaim.cli.check" not in batch_text
    assert "cleanclaim.cli.batch " not in inputs_text and "cli.batch import" not in inputs_text
