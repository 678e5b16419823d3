from __future__ import annotations

import pytest

from cleanclaim.icd import Dataset, DatasetRegistry


@pytest.fixture(scope="session")
def reg() -> DatasetRegistry:
    return DatasetRegistry.packaged()


@pytest.fixture(scope="session")
def fy2021(reg: DatasetRegistry) -> Dataset:
    return reg.for_fiscal_year(2021)


@pytest.fixture(scope="session")
def fy2025(reg: DatasetRegistry) -> Dataset:
    return reg.for_fiscal_year(2025)


@pytest.fixture(scope="session")
def fy2026(reg: DatasetRegistry) -> Dataset:
    return reg.for_fiscal_year(2026)
