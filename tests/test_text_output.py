"""The text report a coder reads on a terminal."""

from __future__ import annotations

import pytest

from cleanclaim.cli.output import render_report
from cleanclaim.engine import Engine

ENGINE = Engine.build(installed=False)


def test_text_report_strips_control_characters_from_claim_data() -> None:
    claim = {"claim_id": "A\x1b[2JB", "date_of_service": "2026-05-12", "diagnoses": ["M62.83"]}
    text = render_report(ENGINE.check(claim), color=False)
    assert "\x1b" not in text
    assert "A\ufffd[2JB" in text
    assert "ICD102" in text and "fix: M62.830, M62.831, M62.838" in text


def test_colour_only_when_asked_and_not_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    claim = {"claim_id": "C", "date_of_service": "2026-05-12", "diagnoses": ["M62.83"]}
    report = ENGINE.check(claim)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\033[" not in render_report(report, color=False)
    assert "\033[31m" in render_report(report, color=True)
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in render_report(report, color=True)
