"""The cycle collector is paused only while large acyclic data is built, and only
switched back on if it was on (an application that turned it off keeps it off)."""

from __future__ import annotations

import gc

import pytest

from cleanclaim import collector


def test_paused_for_the_body_and_on_again_after() -> None:
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_on_again_even_when_the_body_fails() -> None:
    with pytest.raises(ValueError), collector.paused():
        raise ValueError("broken data file")
    assert gc.isenabled()


def test_an_application_that_switched_it_off_keeps_it_off() -> None:
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_fiscal_years_first_load_leaves_it_on() -> None:
    from cleanclaim.icd.registry import DatasetRegistry

    dataset = DatasetRegistry.packaged().for_fiscal_year(2026)
    assert dataset.is_billable("M62.830")
    assert dataset.excludes1("M62.830") is not None  # the notes, loaded too
    assert gc.isenabled()
