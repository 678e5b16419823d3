"""The codes' history across the packaged fiscal years, without loading them.

A finding on a code that is not billable on the date of service says what the other years
make of it ("M54.5 was billable in FY2021 and was expanded on October 1, 2021"): that takes
whether the code exists, and is billable, in every other year.  Loading a year for it costs
its codes, titles and indexes (about 60 ms each), so a single claim with one such code paid
for every packaged year.  ``cleanclaim_refdata`` ships ``data/history.json`` instead,
compiled from the same data files (`cleanclaim_refdata.builder.history`): each code's state
in each packaged dataset, for the codes that are not billable in all of them.

It answers only what it was compiled for:

* a dataset it names with the sha256 of that dataset's ``codes.json`` (a packaged year;
  never an installed one, nor a packaged one whose manifest names other files);
* a code of at most six characters (a 7th-character code is resolved through its stem and
  is not in the list);
* a code missing from the list is billable in every dataset it names, or in none: which of
  the two only a dataset it names can say, so the caller's own year must be one of them.

Anything else is ``None``: the caller loads that year and asks it, as before.  The file's
digest is in cleanclaim-refdata's code (``HISTORY_SHA256``); bytes that differ are refused
with :class:`~cleanclaim.icd.DatasetIntegrityError`, never read.
"""

from __future__ import annotations

import hashlib
import json
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Final

from cleanclaim.codes import normalize_code
from cleanclaim.icd._types import DatasetInfo, DatasetIntegrityError

HISTORY_FILE: Final = "history.json"
#: a code's state in one dataset, as the file writes it.
BILLABLE, HEADER, ABSENT = "B", "H", "-"
#: the longest code (dotted) the file can answer for: six characters and the dot.
_LONGEST = 7


def packaged_digest() -> str | None:
    """The digest cleanclaim-refdata's code records for its ``history.json`` (None: a
    refdata from before the file, which ships none)."""
    try:
        from cleanclaim_refdata.manifests import HISTORY_SHA256
    except ImportError:
        return None
    return HISTORY_SHA256 or None


class History:
    """Codes' states in the datasets the file names (see the module's docstring)."""

    def __init__(self, datasets: list[tuple[str, str]], codes: dict[str, str]) -> None:
        """
        :param datasets: (name, sha256 of its ``codes.json``) of each dataset, in the order
            of the states.
        :param codes: dotted code -> one state letter per dataset.
        """
        self._position = {pair: i for i, pair in enumerate(datasets)}
        self._codes = codes

    @classmethod
    def read(cls, root: Traversable | Path, digest: str) -> History:
        """The file of ``root``, refused unless its bytes have ``digest``.

        :param root: the packaged data folder.
        :param digest: the sha256 its code records for the file.
        """
        where = f"{root}/{HISTORY_FILE}"
        try:
            raw = (root / HISTORY_FILE).read_bytes()
        except OSError as exc:
            raise DatasetIntegrityError(
                f"{where} is missing ({exc}): reinstall cleanclaim-refdata"
            ) from None
        got = hashlib.sha256(raw).hexdigest()
        if got != digest:
            raise DatasetIntegrityError(
                f"{where} is corrupt (sha256 {got}, cleanclaim-refdata says {digest}): "
                "reinstall cleanclaim-refdata"
            )
        doc = json.loads(raw)
        return cls([(name, sha) for name, sha in doc["datasets"]], doc["codes"])

    def _at(self, info: DatasetInfo) -> int | None:
        if info.installed:
            return None
        return self._position.get((info.name, info.files.get("codes.json", "")))

    def state(self, info: DatasetInfo, code: str, own: DatasetInfo, own_valid: bool) -> str | None:
        """``code``'s state (`BILLABLE`, `HEADER` or `ABSENT`) in the dataset ``info``
        describes, or None when the file cannot say.

        :param info: the dataset asked about.
        :param code: the code, as the claim gives it.
        :param own: the dataset of the claim's date, already loaded by the caller.
        :param own_valid: whether ``code`` is a code of ``own``: for a code the file does
            not list, it tells "billable everywhere" from "nowhere".
        """
        at = self._at(info)
        if at is None:
            return None
        code = normalize_code(code)
        if len(code) > _LONGEST:
            return None
        row = self._codes.get(code)
        if row is not None:
            return row[at]
        if self._at(own) is None:
            return None
        return BILLABLE if own_valid else ABSENT
