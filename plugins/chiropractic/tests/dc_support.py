"""Helpers for the chiropractic tests (a uniquely named module, so the test folders of
several plugins can run in one pytest session)."""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from typing import Any

import cleanclaim_chiropractic.plugin as plugin
from cleanclaim.config import Config
from cleanclaim.engine import Engine
from cleanclaim.icd import Dataset
from cleanclaim.icd.registry import DatasetRegistry
from cleanclaim.models import Finding, Report


def build(config: Config | None = None, datasets: DatasetRegistry | None = None) -> Engine:
    """A hermetic engine: the kernel's rules plus this plugin, strict about problems."""
    return Engine.build(
        plugins=[plugin], installed=False, config=config, datasets=datasets, strict=True
    )


class PinnedRegistry(DatasetRegistry):
    """Serves the FY2021 dataset for every date, so that rules dated before the packaged
    fiscal years (2004-10-01, 2015-11-01) can be tested at their boundaries.  Test only:
    the real registry refuses dates it has no dataset for."""

    def for_date(self, d: date) -> Dataset:
        return self.for_fiscal_year(2021)


def pinned_engine() -> Engine:
    return build(datasets=PinnedRegistry(files("cleanclaim_refdata") / "data"))


def line(spec: str, *pointers: int, **extra: Any) -> dict[str, Any]:
    """ "98940-AT" -> procedure 98940 with modifier AT, pointing at ``pointers`` (default 1, 2)."""
    code, *mods = spec.split("-")
    return {
        "procedure": code,
        "modifiers": mods,
        "diagnosis_pointers": list(pointers or (1, 2)),
        **extra,
    }


def claim(
    *lines: dict[str, Any] | str,
    diagnoses: tuple[str, ...] = ("M99.03", "M62.830"),
    dos: str = "2026-05-12",
    payer: str | None = "medicare",
    specialty: str | None = "chiropractic",
    regions: tuple[str, ...] | None = ("lumbar",),
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "claim_id": "DC-T",
        "date_of_service": dos,
        "diagnoses": list(diagnoses),
        "lines": [line(item) if isinstance(item, str) else item for item in lines],
    }
    if payer is not None:
        data["payer"] = payer
    if specialty is not None:
        data["specialty"] = specialty
    if regions is not None:
        data["documentation"] = {"spinal_regions": list(regions)}
    return data


def of(report: Report, rule: str) -> list[Finding]:
    return [f for f in report.findings if f.rule == rule]


def rules_of(report: Report) -> set[str]:
    return {f.rule for f in report.findings}
