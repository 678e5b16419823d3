"""Text output fits the terminal: the report's header and payer lines wrap too, and so does
the file name several files put before each header (issue #15)."""

from __future__ import annotations

from cleanclaim.cli.output import render_report
from cleanclaim.engine import Engine

CLAIM = {
    "claim_id": "DEMO-PT-1",
    "date_of_service": "2026-05-12",
    "payer": "medicare",
    "diagnoses": ["M62.83", "M54.5"],
}


def test_every_line_fits_a_narrow_terminal() -> None:
    report = Engine.build().check(CLAIM)
    origin = "a-rather-long-folder/back-spasm-pt-medicare.json"
    for text in (
        render_report(report, width=50),
        render_report(report, width=50, origin=origin),
    ):
        lines = text.splitlines()
        assert all(len(line) <= 49 for line in lines), [ln for ln in lines if len(ln) > 49]
    assert text.startswith(f"{origin}:\n  claim DEMO-PT-1: ERROR")  # the file, then its claim
    unwrapped = render_report(report, origin=origin)
    assert unwrapped.splitlines()[0].startswith(f"{origin}: claim DEMO-PT-1: ERROR  [ICD-10-CM")
    assert " ".join(text.split()) == " ".join(unwrapped.split())  # the same words, rewrapped
