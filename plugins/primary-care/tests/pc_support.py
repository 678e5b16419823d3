"""Shared fixtures: one hermetic engine (kernel rules + this plugin) for every test."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from importlib.resources import files
from typing import Any

import pytest

import cleanclaim_primary_care.plugin as plugin
from cleanclaim.config import Config
from cleanclaim.engine import Engine
from cleanclaim.icd import Dataset, DatasetRegistry, NoDatasetError
from cleanclaim.models import Finding, Report


class AnyDateRegistry(DatasetRegistry):
    """Test-only: a date whose fiscal year is not packaged is served by FY2025.

    PC103's boundaries (2023-12-31 / 2024-01-01) fall in FY2024, for which no ICD-10-CM
    dataset is packaged; the rule does not read the code set, so any year will do.
    """

    def for_date(self, d: date) -> Dataset:
        try:
            return super().for_date(d)
        except NoDatasetError:
            return self.for_fiscal_year(2025)


DATASETS = AnyDateRegistry(files("cleanclaim_refdata") / "data")


def build(config: Config | None = None) -> Engine:
    return Engine.build(
        plugins=[plugin], installed=False, config=config, datasets=DATASETS, strict=True
    )


@pytest.fixture(scope="session")
def engine() -> Engine:
    return build()


def claim(
    *lines: dict[str, Any] | str,
    diagnoses: tuple[str, ...] = ("M79.18",),
    dos: str = "2026-05-12",
    payer: str | None = "commercial",
    documentation: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A small claim; a line given as "99213-25" means procedure 99213 with modifier 25."""
    out_lines = []
    for line in lines:
        if isinstance(line, str):
            code, *mods = line.split("-")
            line = {"procedure": code, "modifiers": mods}
        out_lines.append({"diagnosis_pointers": [1], **line})
    data: dict[str, Any] = {
        "claim_id": "T",
        "date_of_service": dos,
        "diagnoses": list(diagnoses),
        "lines": out_lines,
    }
    if payer is not None:
        data["payer"] = payer
    if documentation is not None:
        data["documentation"] = documentation
    return data


def of(report: Report, rule: str) -> list[Finding]:
    return [f for f in report.findings if f.rule == rule]


Check = Callable[..., Report]


@pytest.fixture
def check(engine: Engine) -> Check:
    def run(*lines: dict[str, Any] | str, **kwargs: Any) -> Report:
        return engine.check(claim(*lines, **kwargs))

    return run
