"""Which dataset serves a date of service.

The registry reads only the small manifests; a fiscal year's codes are loaded the first
time that year is queried, so a batch of 2026 claims never pays for FY2021.
"""

from __future__ import annotations

import functools
import json
import threading
from datetime import date
from importlib.abc import Traversable
from importlib.resources import files
from pathlib import Path

from cleanclaim.icd._types import DatasetInfo, NoDatasetError
from cleanclaim.icd.dataset import Dataset

#: dates :meth:`DatasetRegistry.for_date` remembers before it starts over (ten years of days).
_DATES_REMEMBERED = 4096


def fiscal_year_of(d: date) -> int:
    """FY N runs from October 1 of N-1 to September 30 of N."""
    return d.year + 1 if d.month >= 10 else d.year


def _info(manifest: dict[str, object]) -> DatasetInfo:
    m = manifest
    source = m["source"]
    counts = m["counts"]
    file_sums = m["files"]
    assert isinstance(source, dict) and isinstance(counts, dict) and isinstance(file_sums, dict)
    return DatasetInfo(
        name=str(m["name"]),
        system=str(m["system"]),
        fiscal_year=int(str(m["fiscal_year"])),
        release=str(m["release"]),
        release_date=date.fromisoformat(str(m["release_date"])),
        effective_from=date.fromisoformat(str(m["effective_from"])),
        effective_to=date.fromisoformat(str(m["effective_to"])),
        serves_from=date.fromisoformat(str(m["serves_from"])),
        serves_to=date.fromisoformat(str(m["serves_to"])),
        note=str(m["note"]),
        counts={str(k): int(v) for k, v in counts.items()},
        sha256=str(m["sha256"]),
        source_file=str(source["file"]),
        source_sha256=str(source["sha256"]),
        files={str(k): str(v) for k, v in file_sums.items()},
    )


class DatasetRegistry:
    """The datasets found in one data directory (normally the packaged one)."""

    def __init__(self, data_dir: Traversable | Path) -> None:
        self._dir = data_dir
        self._lock = threading.Lock()
        self._datasets: dict[str, Dataset] = {}
        self._by_date: dict[date, Dataset] = {}
        infos: list[DatasetInfo] = []
        for entry in sorted(data_dir.iterdir(), key=lambda e: e.name):
            manifest = entry / "manifest.json"
            if entry.is_dir() and manifest.is_file():
                infos.append(_info(json.loads(manifest.read_bytes())))
        infos.sort(key=lambda i: (i.fiscal_year, i.release_date))
        self._infos = infos

    @classmethod
    def packaged(cls) -> DatasetRegistry:
        """The datasets shipped in ``cleanclaim-refdata`` (one shared, cached registry)."""
        return _packaged()

    def available(self) -> list[DatasetInfo]:
        return list(self._infos)

    def fiscal_years(self) -> list[int]:
        return sorted({i.fiscal_year for i in self._infos})

    def newest(self) -> Dataset:
        if not self._infos:
            raise NoDatasetError(f"no datasets in {self._dir}")
        return self._dataset(self._infos[-1])

    def _dataset(self, info: DatasetInfo) -> Dataset:
        ds = self._datasets.get(info.name)
        if ds is None:
            with self._lock:
                ds = self._datasets.get(info.name)
                if ds is None:
                    ds = Dataset(info, self._dir / info.name)
                    self._datasets[info.name] = ds
        return ds

    def _packaged_years(self) -> str:
        years = self.fiscal_years()
        return ", ".join(f"FY{y}" for y in years) if years else "none"

    def for_date(self, d: date) -> Dataset:
        """The dataset serving a date of service; never one of another fiscal year.

        Remembered per date: a batch asks this once per claim, over a few hundred dates.
        """
        cached = self._by_date.get(d)
        if cached is not None:
            return cached
        candidates = [i for i in self._infos if i.serves(d)]
        if not candidates:
            fy = fiscal_year_of(d)
            raise NoDatasetError(
                f"no ICD-10-CM dataset for date of service {d.isoformat()} "
                f"(fiscal year {fy}); packaged fiscal years: {self._packaged_years()}"
            )
        dataset = self._dataset(max(candidates, key=lambda i: i.release_date))
        if len(self._by_date) >= _DATES_REMEMBERED:
            self._by_date.clear()
        self._by_date[d] = dataset
        return dataset

    def for_fiscal_year(self, fy: int) -> Dataset:
        """The newest release packaged for fiscal year ``fy``."""
        candidates = [i for i in self._infos if i.fiscal_year == fy]
        if not candidates:
            raise NoDatasetError(
                f"no ICD-10-CM dataset for fiscal year {fy}; "
                f"packaged fiscal years: {self._packaged_years()}"
            )
        return self._dataset(max(candidates, key=lambda i: i.release_date))


@functools.cache
def _packaged() -> DatasetRegistry:
    return DatasetRegistry(files("cleanclaim_refdata") / "data")
