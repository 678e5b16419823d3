"""The official NCCI file readers: every encoding Excel or CMS writes, and nothing silent.

Promises (docs/promises.md, docs/guides/ncci.md):

* UTF-8, UTF-8 with a BOM, UTF-16 (Excel's "Unicode text", with or without a BOM) and
  Latin-1 files load the same edits.
* A file with no edit rows (empty, semicolon-separated, ``/etc/passwd``) is an error.
* After the header lines, a row that cannot be read is an error naming the file and the
  line -- a mistyped code, a date CMS never writes (``00010101``), an MUE value that is not
  a plain whole number (``²``, 5,000 digits) -- never a crash and never a skipped row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanclaim.ncci import NcciFileError, load_mue_file, load_ptp_file

HEADER = (
    "CPT only copyright 2025 American Medical Association. All rights reserved.\n"
    "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date "
    "*=no data\tModifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale\n"
)
PTP_ROWS = (
    "97140\t97530\t\t20200101\t*\t1\tMutually exclusive procedures\n"
    "97110\t97112\t*\t19960101\t20240101\t0\tStandards of medical / surgical practice\n"
)
MUE = "HCPCS/CPT Code\tPractitioner Services MUE Values\tMUE Adjudication Indicator\n" + (
    "97110\t4\t3 Date of Service Edit: Clinical\n"
)


def _write(tmp_path: Path, text: str, encoding: str, name: str = "ptp.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1"])
def test_every_encoding_loads_the_same_edits(tmp_path: Path, encoding: str) -> None:
    text = HEADER.replace("copyright", "copyright ©") + PTP_ROWS
    edits = load_ptp_file(_write(tmp_path, text, encoding))
    assert [(e.column1, e.column2, e.modifier_indicator) for e in edits] == [
        ("97140", "97530", 1),
        ("97110", "97112", 0),
    ]
    assert edits[1].effective_to is not None and edits[1].effective_to.isoformat() == "2023-12-31"
    limits = load_mue_file(_write(tmp_path, MUE, encoding, "mue.txt"))
    assert [(u.code, u.max_units, u.adjudication) for u in limits] == [("97110", 4, 3)]


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", HEADER, "97140;97530;;20200101;*;1;x\n", Path("/etc/passwd").read_text()],
    ids=["empty", "blank-lines", "header-only", "semicolons", "etc-passwd"],
)
@pytest.mark.parametrize("loader", [load_ptp_file, load_mue_file])
def test_a_file_with_no_edit_rows_is_an_error(tmp_path: Path, text: str, loader: object) -> None:
    path = _write(tmp_path, text, "utf-8")
    with pytest.raises(NcciFileError, match=r"no .* rows") as raised:
        loader(path)  # type: ignore[operator]
    assert str(path) in str(raised.value)


BAD_PTP = {
    "deletion 00010101": "97140\t97530\t\t20200101\t00010101\t1\tx\n",
    "effective 00010101": "97140\t97530\t\t00010101\t*\t1\tx\n",
    "deleted before effective": "97140\t97530\t\t20200101\t20190101\t1\tx\n",
    "a mistyped code": "9714\t97530\t\t20200101\t*\t1\tx\n",
    "a look-alike letter": "9714\u017f\t97530\t\t20200101\t*\t1\tx\n",
    "too few columns": "97140\t97530\t20200101\n",
    "indicator 2": "97140\t97530\t\t20200101\t*\t2\tx\n",
}


@pytest.mark.parametrize("case", sorted(BAD_PTP))
def test_a_bad_ptp_row_is_an_error_naming_file_and_line(tmp_path: Path, case: str) -> None:
    path = _write(tmp_path, HEADER + PTP_ROWS + BAD_PTP[case] + PTP_ROWS, "utf-8")
    with pytest.raises(NcciFileError) as raised:
        load_ptp_file(path)
    assert f"{path}:5:" in str(raised.value), raised.value


BAD_MUE = {
    "superscript two": "97112\t\u00b2\t3\n",
    "5,000 digits": "97112\t" + "9" * 5000 + "\t3\n",
    "negative": "97112\t-1\t3\n",
    "mai 4": "97112\t4\t4 Date of Service\n",
    "a mistyped code": "9711\t4\t3\n",
}


@pytest.mark.parametrize("case", sorted(BAD_MUE))
def test_a_bad_mue_row_is_an_error_naming_file_and_line(tmp_path: Path, case: str) -> None:
    path = _write(tmp_path, MUE + BAD_MUE[case], "utf-8", "mue.txt")
    with pytest.raises(NcciFileError) as raised:
        load_mue_file(path)
    message = str(raised.value)
    assert f"{path}:3:" in message, message
    assert len(message) < 300  # the 5,000 digits are not echoed


def test_a_folder_is_an_error_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(NcciFileError, match="not a file"):
        load_ptp_file(tmp_path)
