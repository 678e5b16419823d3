"""What changed between two fiscal years: the question behind "M54.5 was valid last year"."""

from __future__ import annotations

from cleanclaim.codes import normalize_code
from cleanclaim.icd._types import DatasetDiff
from cleanclaim.icd.dataset import Dataset


def diff_datasets(a: Dataset, b: Dataset, prefix: str | None = None) -> DatasetDiff:
    """Codes added, deleted, re-described and changed in billable status from ``a`` to ``b``.

    ``prefix`` (``M54``, ``m54.5``) restricts the comparison to codes starting with it.

    :param a: the earlier dataset.
    :param b: the later dataset.
    :param prefix: compare only codes starting with it (``M54``, ``m54.5``).
    """
    norm = normalize_code(prefix) if prefix else ""

    def table(ds: Dataset) -> dict[str, bool]:
        codes, billable = ds._all()
        return {c: bl for c, bl in zip(codes, billable, strict=True) if c.startswith(norm)}

    ta, tb = table(a), table(b)
    common = sorted(ta.keys() & tb.keys())
    renamed = []
    for code in common:
        da, db = a.description(code), b.description(code)
        if da != db:
            renamed.append((code, da or "", db or ""))
    return DatasetDiff(
        from_name=a.info.name,
        to_name=b.info.name,
        added=tuple(sorted(tb.keys() - ta.keys())),
        deleted=tuple(sorted(ta.keys() - tb.keys())),
        renamed=tuple(renamed),
        billable_changed=tuple((c, ta[c], tb[c]) for c in common if ta[c] != tb[c]),
    )
