"""The refdata builder's code helpers agree with the kernel's code vocabulary.

``cleanclaim-refdata`` depends on nothing (the kernel depends on it), so it keeps its
own three helpers (`cleanclaim_refdata.codes`); the datasets it writes are read by the
kernel's `cleanclaim.codes`, so the two must give the same answers on every code of a
packaged dataset and on the ranges its notes name.
"""

from __future__ import annotations

import pytest

from cleanclaim import codes
from cleanclaim.icd import DatasetRegistry
from cleanclaim_refdata import codes as builder_codes


@pytest.fixture(scope="module")
def all_codes() -> tuple[str, ...]:
    return tuple(DatasetRegistry.packaged().newest().codes())


def test_dotted_form_agrees(all_codes: tuple[str, ...]) -> None:
    for code in all_codes:
        flat = codes.undotted(code)
        assert builder_codes.dotted(flat) == codes.dotted(flat) == code


def test_padded_stem_agrees() -> None:
    for stem in ("S13.4", "S32", "T36.0X1", "S39.012", "M1A.0", "O9A.21"):
        assert builder_codes.pad_stem(stem) == codes.pad_stem(stem)
        assert len(codes.pad_stem(stem)) == 7


@pytest.mark.parametrize(
    ("start", "end"),
    [("S30", "S39"), ("M99.00", "M99.05"), ("M54.5", None), ("C4A", None), ("D37", "D39")],
)
def test_range_covering_agrees(all_codes: tuple[str, ...], start: str, end: str | None) -> None:
    covering = codes.CodeRange.between(start, end)
    inside = [c for c in all_codes if builder_codes.in_range(c, start, end)]
    assert inside, "each sample range covers some code"
    assert inside == [c for c in all_codes if covering.covers(c)]
