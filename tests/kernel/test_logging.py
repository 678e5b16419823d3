"""The ``cleanclaim`` logger: what a vendor's log pipeline gets, and what it never gets."""

from __future__ import annotations

import logging

import pytest

import cleanclaim_physical_therapy.plugin as pt_plugin
from cleanclaim.config import Config
from cleanclaim.engine import Engine

SECRET = {
    "claim_id": "SECRET-4711",
    "date_of_service": "2026-05-12",
    "payer": "medicare",
    "diagnoses": ["M62.830"],
    "patient": {"sex": "F"},
    "lines": [{"procedure": "97110", "units": 1, "minutes": 15, "diagnosis_pointers": [1]}],
}


def test_the_library_logger_has_a_null_handler() -> None:
    import cleanclaim

    logger = logging.getLogger(cleanclaim.__name__)
    assert any(isinstance(h, logging.NullHandler) for h in logger.handlers)


def test_build_logs_plugins_and_datasets(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="cleanclaim"):
        Engine.build([pt_plugin], installed=False)
    messages = [r.getMessage() for r in caplog.records if r.name == "cleanclaim"]
    assert any(m.startswith("plugin loaded: physical-therapy ") for m in messages)
    assert any(m.startswith("plugin loaded: core ") for m in messages)
    assert any(m.startswith("dataset available: icd10cm-fy2026-april") for m in messages)


def test_a_plugin_build_problem_is_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    from cleanclaim.plugin import hookimpl

    class Broken:
        @hookimpl
        def cleanclaim_procedures(self) -> list[object]:
            raise RuntimeError("boom")

    with caplog.at_level(logging.WARNING, logger="cleanclaim"):
        engine = Engine.build([Broken()], installed=False)
    assert engine.problems
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    for problem in engine.problems:
        assert f"plugin {problem.plugin}: {problem.hook}: {problem.error}" in warnings


def test_checking_logs_the_dataset_once_and_never_the_claim(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = Engine.build([pt_plugin], installed=False)
    with caplog.at_level(logging.DEBUG, logger="cleanclaim"):
        engine.check(SECRET)
        engine.check(SECRET)
    messages = [r.getMessage() for r in caplog.records]
    assert messages.count("dataset in use: icd10cm-fy2026-april (packaged)") == 1
    for message in messages:
        for content in ("SECRET", "M62.830", "97110", "2026-05-12", "medicare"):
            assert content not in message, message


def test_a_fallback_is_logged_once_without_the_date(caplog: pytest.LogCaptureFixture) -> None:
    engine = Engine.build(installed=False, config=Config(fallback_fiscal_year=2026))
    claim = {"date_of_service": "2019-05-12", "diagnoses": ["M62.830"]}
    with caplog.at_level(logging.WARNING, logger="cleanclaim"):
        engine.check(claim)
        engine.check(claim)
    fallbacks = [r for r in caplog.records if r.getMessage().startswith("fallback:")]
    assert len(fallbacks) == 1
    assert "icd10cm-fy2026-april" in fallbacks[0].getMessage()
    assert "2019" not in fallbacks[0].getMessage()
