"""ICD-10-CM reference data as the kernel queries it.

A `DatasetRegistry` maps a date of service to the fiscal year's `Dataset`
(never silently to another year); a dataset answers validity, billability, hierarchy,
notes, 7th characters, search and year-to-year differences.  The data itself comes from the
``cleanclaim-refdata`` distribution, located with `importlib.resources`.
"""

from cleanclaim.codes import pad_stem
from cleanclaim.icd._types import (
    CodeInfo,
    CodeRef,
    DatasetDiff,
    DatasetInfo,
    DatasetIntegrityError,
    KnownRelease,
    NoDatasetError,
    Note,
    Qualifier,
    SearchHit,
    normalize_code,
)
from cleanclaim.icd.dataset import Dataset
from cleanclaim.icd.diff import diff_datasets
from cleanclaim.icd.registry import (
    DatasetRegistry,
    Window,
    default_data_dir,
    fiscal_year_of,
    known_releases,
    resolve_data_dir,
)

__all__ = [
    "CodeInfo",
    "CodeRef",
    "Dataset",
    "DatasetDiff",
    "DatasetInfo",
    "DatasetIntegrityError",
    "DatasetRegistry",
    "KnownRelease",
    "NoDatasetError",
    "Note",
    "Qualifier",
    "SearchHit",
    "Window",
    "default_data_dir",
    "diff_datasets",
    "fiscal_year_of",
    "known_releases",
    "normalize_code",
    "pad_stem",
    "resolve_data_dir",
]
