"""Checking a dataset's ``manifest.json`` itself before anything trusts it.

The manifest names the sha256 of each data file, so the files are checked against it
(:class:`~cleanclaim.icd.dataset.Dataset`); but the manifest also says which dates a
dataset serves.  Trusted as it is, a flipped bit gives a traceback, and an edited
``serves_to`` or ``fiscal_year`` makes FY2021's codes answer a 2026 claim.  So:

* **Its bytes are checked.**  A packaged manifest against the digest in
  cleanclaim-refdata's code (``cleanclaim_refdata.manifests``, written by its builder).
  An installed one against the data directory's ``index.json``, written by ``cleanclaim
  datasets add`` (the builder's ``write_index``), or, for a verbatim copy of a packaged
  dataset, the package's digest.  A folder handed to :class:`DatasetRegistry` by hand
  (tests, a vendor's own copy) is checked against its ``index.json`` when it has one.
* **Its fields are validated**, always: the release is of the fiscal year, the window
  lies inside that fiscal year and runs forward, the name is the folder's and only
  letters, digits and dashes (never a path), the files are the known plain names with
  hex digests.

What this does not do: someone who can write the data directory can write a matching
``index.json`` too (or edit the package's code).  The digests guard against damage and
edits by mistake, not against a forger; nothing here is signed with a key.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Mapping
from datetime import date
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from cleanclaim.icd._types import DatasetIntegrityError

INDEX_FILE = "index.json"
#: the data files a manifest may name (each one a plain name, never a path).
DATA_FILES = frozenset({"codes.json", "notes.json"})
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HEX = re.compile(r"^[0-9a-f]{64}$")


@functools.cache
def packaged_digests() -> Mapping[str, str]:
    """The digest of every packaged manifest, from cleanclaim-refdata's code."""
    try:
        from cleanclaim_refdata.manifests import MANIFEST_SHA256
    except ImportError:  # a refdata without it: every packaged manifest is refused
        return {}
    return dict(MANIFEST_SHA256)


def is_packaged_root(root: Traversable | Path) -> bool:
    """Whether ``root`` is cleanclaim-refdata's own data folder, whose files its code names."""
    return str(root) == str(files("cleanclaim_refdata") / "data")


def read_index(root: Traversable | Path) -> dict[str, str] | None:
    """``root/index.json``'s digests by dataset name; None when there is none."""
    index = root / INDEX_FILE
    if not index.is_file():
        return None
    try:
        doc = json.loads(index.read_bytes())
        manifests = doc["manifests"]
        if not isinstance(manifests, dict):
            raise TypeError("manifests is not an object")
        return {str(k): str(v) for k, v in manifests.items()}
    except (ValueError, KeyError, TypeError) as exc:
        raise DatasetIntegrityError(
            f"{root}/{INDEX_FILE}: not a readable index of dataset manifests ({exc})"
        ) from None


class ManifestCheck:
    """The digests that apply to the manifests of one root (read once per root)."""

    def __init__(self, root: Traversable | Path, origin: str) -> None:
        self.root = root
        self.origin = origin
        self.index = read_index(root)
        self.packaged = is_packaged_root(root)

    def check_bytes(self, name: str, raw: bytes) -> None:
        """Refuse a manifest whose sha256 is not the one recorded for it."""
        where = f"{self.root}/{name}/manifest.json"
        digest = hashlib.sha256(raw).hexdigest()
        known = packaged_digests().get(name)
        if self.packaged:
            if digest != known:
                raise DatasetIntegrityError(
                    f"{where}: the manifest was altered (sha256 {digest}; cleanclaim-refdata "
                    f"{'says ' + known if known else 'ships no dataset of that name'}): "
                    "reinstall cleanclaim-refdata"
                )
            return
        recorded = self.index.get(name) if self.index is not None else None
        if digest in (recorded, known):
            return
        if self.origin == "installed":
            if recorded is None:
                raise DatasetIntegrityError(
                    f"{where}: no digest of this manifest was recorded at install "
                    f"({INDEX_FILE} of the data directory): add the dataset again with "
                    "`cleanclaim datasets add`"
                )
            raise DatasetIntegrityError(
                f"{where}: the manifest was altered (sha256 {digest}, {INDEX_FILE} says "
                f"{recorded}): add the dataset again with `cleanclaim datasets add`"
            )
        if recorded is not None:
            raise DatasetIntegrityError(
                f"{where}: the manifest was altered (sha256 {digest}, {INDEX_FILE} says {recorded})"
            )


def validate_fields(doc: Any, folder: str, where: str) -> None:
    """Refuse a manifest whose fields disagree with one another or name a path."""
    from cleanclaim_refdata.releases import parse_release

    def bad(why: str) -> DatasetIntegrityError:
        return DatasetIntegrityError(f"{where}: not a valid dataset manifest ({why})")

    if not isinstance(doc, dict):
        raise bad("not a JSON object")
    name = doc.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise bad("its name must be letters, digits and dashes, never a path")
    if name != folder:
        raise bad(f"its name {name!r} is not its folder's, {folder!r}")
    fiscal_year = doc.get("fiscal_year")
    if type(fiscal_year) is not int or not 2000 <= fiscal_year <= 2200:
        raise bad("fiscal_year is not a year")
    release = doc.get("release")
    try:
        release_fy, _ = parse_release(str(release))
    except ValueError:
        raise bad("release is not a release name (2027, 2027-April)") from None
    if release_fy != fiscal_year:
        raise bad(f"release {release} is not of fiscal year {fiscal_year}")
    try:
        serves_from = date.fromisoformat(str(doc["serves_from"]))
        serves_to = date.fromisoformat(str(doc["serves_to"]))
    except (KeyError, ValueError):
        raise bad("serves_from and serves_to must be dates") from None
    start, end = date(fiscal_year - 1, 10, 1), date(fiscal_year, 9, 30)
    if not start <= serves_from <= serves_to <= end:
        raise bad(
            f"it serves {serves_from} to {serves_to}, which is not a window inside fiscal "
            f"year {fiscal_year} ({start} to {end})"
        )
    file_sums = doc.get("files")
    if not isinstance(file_sums, dict) or not file_sums:
        raise bad("files is not an object of file digests")
    for file_name, digest in file_sums.items():
        if file_name not in DATA_FILES:
            raise bad(f"it names a file that is not a dataset file ({len(file_name)} chars)")
        if not isinstance(digest, str) or not _HEX.match(digest):
            raise bad(f"the digest of {file_name} is not a sha256")
