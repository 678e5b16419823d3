"""Which dataset serves a date of service.

Datasets come from two roots: the ones packaged in ``cleanclaim-refdata`` and the ones a
user installed with ``cleanclaim datasets add`` into a data directory.  Where both serve a
date the installed one wins (a full FY2027 release replaces the provisional one).

No silent wrong answer: a date is served only by a dataset whose code set is the one in
force on that date.  The known releases (``releases.toml`` of refdata, with whether each
changed the code set) decide it: the October 2022 release does not serve June 2023,
because the April 2023 update changed the code set and is not installed; the April 2026
update does serve October 2025, because it changed no code.

The registry reads only the small manifests; a fiscal year's codes are loaded the first
time that year is queried, so a batch of 2026 claims never pays for FY2021.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.resources import files
from importlib.resources.abc import Traversable
from itertools import pairwise
from pathlib import Path
from typing import Any

from cleanclaim.icd._types import DatasetInfo, DatasetIntegrityError, KnownRelease, NoDatasetError
from cleanclaim.icd.dataset import Dataset
from cleanclaim.icd.history import History, packaged_digest
from cleanclaim.icd.manifests import ManifestCheck, is_packaged_root, validate_fields

#: dates :meth:`DatasetRegistry.for_date` remembers before it starts over (ten years of days).
_DATES_REMEMBERED = 4096
#: the environment variable naming the data directory of installed datasets.
DATA_DIR_ENV = "CLEANCLAIM_DATA_DIR"

HOW_TO_ADD = (
    "add it with `cleanclaim datasets add FILE` (the CMS tabular XML, or the "
    "...-code-tables-tabular-index.zip that holds it), or check against another fiscal year "
    "on purpose with --fallback-fy YEAR (fallback-fiscal-year in the configuration)"
)


def fiscal_year_of(d: date) -> int:
    """FY N runs from October 1 of N-1 to September 30 of N.

    :param d: a date.
    """
    return d.year + 1 if d.month >= 10 else d.year


def default_data_dir() -> Path:
    """Where ``cleanclaim datasets add`` installs when neither ``--data-dir`` nor the
    configuration's ``data-dir`` says: ``$CLEANCLAIM_DATA_DIR``, else the user's data
    directory (what platformdirs would say, in a few lines instead of a dependency)."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "")
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"
    return base / "cleanclaim" / "datasets"


def resolve_data_dir(explicit: Path | str | None = None) -> Path:
    """``--data-dir`` or ``data-dir`` of the configuration when given, else the default.

    :param explicit: the folder given by ``--data-dir`` or the configuration, if any.
    """
    return Path(explicit).expanduser() if explicit else default_data_dir()


@functools.cache
def known_releases() -> tuple[KnownRelease, ...]:
    """The releases CMS is known to have issued, from cleanclaim-refdata's ``releases.toml``."""
    from cleanclaim_refdata.releases import known_releases as packaged_releases

    return tuple(
        KnownRelease(
            release=r.release,
            fiscal_year=r.fiscal_year,
            april=r.april,
            effective=r.effective,
            changes_code_set=r.changes_code_set,
            summary=r.summary,
            source=r.source,
        )
        for r in packaged_releases()
    )


def _info(manifest: dict[str, Any], origin: str, location: str) -> DatasetInfo:
    m = manifest
    source = m["source"]
    counts = m["counts"]
    file_sums = m["files"]
    assert isinstance(source, dict) and isinstance(counts, dict) and isinstance(file_sums, dict)
    provisional = m.get("provisional")
    reason: str | None = None
    if isinstance(provisional, dict):
        reason = str(provisional.get("reason") or "provisional dataset")
    elif provisional:
        reason = str(provisional)
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
        provisional=reason,
        verified=m.get("verified", True) is not False,
        origin=origin,
        location=location,
    )


def read_manifests(root: Traversable | Path, origin: str) -> list[tuple[DatasetInfo, Traversable]]:
    """Every dataset folder of ``root`` (a folder with a manifest.json); a manifest that
    cannot be read is named, never skipped: a silently missing year would refuse claims
    with a misleading reason."""
    out: list[tuple[DatasetInfo, Traversable]] = []
    if not root.is_dir():
        return out
    digests = ManifestCheck(root, origin)  # the manifest itself is checked too
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        manifest = entry / "manifest.json"
        if entry.name.startswith(".") or not entry.is_dir() or not manifest.is_file():
            continue
        where = f"{root}/{entry.name}/manifest.json"
        try:
            raw = manifest.read_bytes()
            digests.check_bytes(entry.name, raw)
            doc = json.loads(raw)
            validate_fields(doc, entry.name, where)
            info = _info(doc, origin, str(root))
        except (ValueError, KeyError, TypeError, AssertionError) as exc:
            raise DatasetIntegrityError(
                f"{root}/{entry.name}/manifest.json: not a readable dataset manifest ({exc})"
            ) from None
        out.append((info, entry))
    return out


@dataclass(frozen=True, slots=True)
class Window:
    """A run of dates served by one dataset, or refused (``dataset`` None, ``reason`` why).

    :param start: the first date of the run.
    :param end: the last date of the run.
    :param dataset: the dataset that serves it (None: refused).
    :param reason: why the run is refused, or why its dataset serves it.
    """

    start: date
    end: date
    dataset: DatasetInfo | None
    reason: str = ""


class DatasetRegistry:
    """The datasets of one or two roots: a packaged-like folder and an installed one.

    :param data_dir: the packaged-like folder of datasets (one folder and manifest each).
    :param installed: a folder of datasets added with ``cleanclaim datasets add``.
    :param releases: the releases CMS is known to have issued; default: refdata's ``releases.toml``.
    :param base: a registry whose packaged datasets this one reuses (so they load once).
    """

    def __init__(
        self,
        data_dir: Traversable | Path,
        *,
        installed: Path | None = None,
        releases: Sequence[KnownRelease] | None = None,
        base: DatasetRegistry | None = None,
    ) -> None:
        self._dir = data_dir
        self.installed_dir = installed
        self._base = base
        self._lock = threading.Lock()
        self._datasets: dict[tuple[str, str], Dataset] = {}
        #: the dataset serving a date, or a refused date's message and missing release (a
        #: batch of old claims asks again and again; the message names the governing
        #: release, found by a search)
        self._by_date: dict[date, Dataset | tuple[str, str | None]] = {}
        self._releases = tuple(known_releases() if releases is None else releases)
        found: list[tuple[DatasetInfo, Traversable]]
        if base is None:
            found = read_manifests(data_dir, "packaged")
        else:
            found = [(i, base._folders[(i.origin, i.name)]) for i in base.available()]
        if installed is not None:
            found += read_manifests(installed, "installed")
        self._folders: dict[tuple[str, str], Traversable] = {
            (i.origin, i.name): folder for i, folder in found
        }
        infos: list[DatasetInfo] = [i for i, _ in found]
        infos.sort(key=lambda i: (i.fiscal_year, i.release_date, i.installed))
        self._infos: list[DatasetInfo] = infos

    @classmethod
    def packaged(cls) -> DatasetRegistry:
        """The datasets shipped in ``cleanclaim-refdata`` (one shared, cached registry)."""
        return _packaged()

    @classmethod
    def for_data_dir(cls, data_dir: Path | str | None = None) -> DatasetRegistry:
        """The packaged datasets and those installed in ``data_dir`` (default:
        `default_data_dir()`).  Without installed datasets this is `packaged()`
        itself; otherwise one registry per folder state, so a dataset added or removed
        since is seen and loaded codes are shared (packaged ones with `packaged()`).

        :param data_dir: the folder of installed datasets (None: the default one; packaged datasets
            only when it holds none).
        """
        folder = resolve_data_dir(data_dir)
        state = _folder_state(folder)
        if not state:
            return _packaged()
        return _with_installed(str(folder.resolve()), state)

    @property
    def releases(self) -> tuple[KnownRelease, ...]:
        return self._releases

    def available(self) -> list[DatasetInfo]:
        return list(self._infos)

    def fiscal_years(self) -> list[int]:
        return sorted({i.fiscal_year for i in self._infos})

    def history(self) -> History | None:
        """The packaged codes' history across the packaged years (`cleanclaim.icd.history`),
        read at the first call; None where there is none (a folder that is not the packaged
        one, a cleanclaim-refdata from before it): the years are then loaded and asked."""
        if self._base is not None:
            return self._base.history()
        return self._packaged_history

    @functools.cached_property
    def _packaged_history(self) -> History | None:
        # two threads racing here read the same file twice and keep one: no lock needed
        digest = packaged_digest() if is_packaged_root(self._dir) else None
        return None if digest is None else History.read(self._dir, digest)

    def newest(self) -> Dataset:
        if not self._infos:
            raise NoDatasetError(f"no datasets in {self._dir}")
        return self._dataset(self._infos[-1])

    def dataset(self, info: DatasetInfo) -> Dataset:
        """The loaded dataset an `available()` entry describes.

        :param info: an entry of ``available()``.
        """
        return self._dataset(info)

    def _dataset(self, info: DatasetInfo) -> Dataset:
        if self._base is not None and not info.installed:
            return self._base._dataset(info)
        key = (info.origin, info.name)
        ds = self._datasets.get(key)
        if ds is None:
            with self._lock:
                ds = self._datasets.get(key)
                if ds is None:
                    ds = Dataset(info, self._folders[key])
                    self._datasets[key] = ds
        return ds

    def _years_listed(self) -> str:
        """``the packaged fiscal years FY2021, FY2023 to 2023-03-31, ... and the installed
        FY2027``: what a refusal lists, windows and marks included."""

        def listed(infos: list[DatasetInfo]) -> str:
            parts = []
            for i in infos:
                window = ""
                fy_start, fy_end = date(i.fiscal_year - 1, 10, 1), date(i.fiscal_year, 9, 30)
                if i.serves_from > fy_start:
                    window += f" from {i.serves_from.isoformat()}"
                if i.serves_to < fy_end:
                    window += f" to {i.serves_to.isoformat()}"
                parts.append(f"FY{i.fiscal_year}{window}{i.marks}")
            return ", ".join(dict.fromkeys(parts)) or "none"

        packaged = [i for i in self._infos if not i.installed]
        installed = [i for i in self._infos if i.installed]
        text = f"the packaged fiscal years {listed(packaged)}"
        return text + (f" and the installed {listed(installed)}" if installed else "")

    # -- choosing ----------------------------------------------------------------------------

    def _changes_between(self, a: date, b: date) -> list[KnownRelease]:
        """Known releases that changed the code set with an effective date in ``(a, b]``."""
        return [r for r in self._releases if r.changes_code_set and a < r.effective <= b]

    def _fits(self, info: DatasetInfo, d: date) -> bool:
        """True when ``info`` serves ``d`` and holds the code set in force on ``d``: no
        known code-set change lies between its effective date and ``d``."""
        if not info.serves(d):
            return False
        if d >= info.effective_from:
            return not self._changes_between(info.effective_from, d)
        return not self._changes_between(d, info.effective_from)

    def governing(self, d: date) -> KnownRelease | None:
        """The known release in force on ``d`` (the latest effective on or before it, of
        the same fiscal year).

        :param d: a date of service.
        """
        fy = fiscal_year_of(d)
        known = [r for r in self._releases if r.fiscal_year == fy and r.effective <= d]
        return max(known, key=lambda r: r.effective) if known else None

    def _refusal(self, d: date) -> NoDatasetError:
        fy = fiscal_year_of(d)
        head = f"no ICD-10-CM dataset serves date of service {d.isoformat()} (fiscal year {fy})"
        release = self.governing(d)
        missing: str | None = None
        if release is not None:
            missing = release.label
            what = f" ({release.short_summary})" if release.short_summary else ""
            head += f": {release.label}{what} is not installed"
        return NoDatasetError(
            f"{head}. To check it, {HOW_TO_ADD}. Datasets here are {self._years_listed()}",
            missing=missing,
        )

    def for_date(self, d: date) -> Dataset:
        """The dataset serving a date of service; never one of another code set.

        Of the datasets that serve ``d``, the one in force wins (the latest effective on or
        before ``d``), and of two of the same release the installed one.  Remembered per
        date: a batch asks this once per claim, over a few hundred dates.

        :param d: a date of service.
        """
        served = self._by_date.get(d)
        if served is None:
            candidates = [i for i in self._infos if self._fits(i, d)]
            if candidates:
                served = self._dataset(max(candidates, key=lambda i: _rank(i, d)))
            else:
                refusal = self._refusal(d)
                served = (str(refusal), refusal.missing)
            if len(self._by_date) >= _DATES_REMEMBERED:
                self._by_date.clear()
            self._by_date[d] = served
        if isinstance(served, tuple):
            raise NoDatasetError(*served)
        return served

    def for_fiscal_year(self, fy: int) -> Dataset:
        """The newest release packaged or installed for fiscal year ``fy`` (installed first
        for the same release).

        :param fy: a fiscal year (FY2026 runs from 2025-10-01).
        """
        candidates = [i for i in self._infos if i.fiscal_year == fy]
        if not candidates:
            raise NoDatasetError(
                f"no ICD-10-CM dataset for fiscal year {fy}. To check it, {HOW_TO_ADD}. "
                f"Datasets here are {self._years_listed()}"
            )
        return self._dataset(max(candidates, key=lambda i: (i.release_date, i.installed)))

    # -- describing --------------------------------------------------------------------------

    def windows(self) -> list[Window]:
        """Which dataset serves each run of dates, from the first fiscal year known (packaged,
        installed or in the known releases) to the last; refused runs say why."""
        years = {i.fiscal_year for i in self._infos} | {r.fiscal_year for r in self._releases}
        if not years:
            return []
        first, last = date(min(years) - 1, 10, 1), date(max(years), 9, 30)
        cuts = {first, last + timedelta(days=1)}
        for fy in years:
            cuts.add(date(fy - 1, 10, 1))
        for i in self._infos:
            cuts.update((i.serves_from, i.serves_to + timedelta(days=1), i.effective_from))
        cuts.update(r.effective for r in self._releases)
        points = sorted(c for c in cuts if first <= c <= last + timedelta(days=1))
        out: list[Window] = []
        for start, nxt in pairwise(points):
            end = nxt - timedelta(days=1)
            try:
                info: DatasetInfo | None = self.for_date(start).info
                reason = ""
            except NoDatasetError as exc:
                info, reason = None, _reason_of(exc, start)
            prev = out[-1] if out else None
            if prev is not None and prev.dataset == info and prev.reason == reason:
                out[-1] = Window(prev.start, end, info, reason)
            else:
                out.append(Window(start, end, info, reason))
        return out

    def extension_note(self, window: Window) -> str:
        """Why a dataset serves dates before its release took effect, when it does.

        :param window: a run of dates of ``windows()``.
        """
        info = window.dataset
        if info is None or window.start >= info.effective_from:
            return ""
        earlier = [
            r
            for r in self._releases
            if r.fiscal_year == info.fiscal_year and r.effective <= window.start
        ]
        if earlier:
            who = max(earlier, key=lambda r: r.effective).label
            own = next((r.label for r in self._releases if r.release == info.release), "it")
            return (
                f"serves from {window.start.isoformat()}, before it took effect on "
                f"{info.effective_from.isoformat()}: {own} changed no code of {who}, "
                "which is not here"
            )
        return f"serves from {window.start.isoformat()}, as its manifest says"


def _rank(info: DatasetInfo, d: date) -> tuple[bool, int, bool, bool]:
    in_force = info.effective_from <= d
    when = info.effective_from.toordinal()
    return (in_force, when if in_force else -when, info.installed, info.verified)


def _reason_of(exc: NoDatasetError, d: date) -> str:
    if exc.missing:
        return f"refused: {exc.missing} is not installed"
    return f"refused: no dataset for FY{fiscal_year_of(d)}"


def _folder_state(folder: Path) -> tuple[tuple[str, int], ...]:
    """The installed datasets of ``folder`` as (name, manifest mtime): cheap to compute,
    and it changes when a dataset is added or removed."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return ()
    out = []
    for entry in entries:
        manifest = entry / "manifest.json"
        try:
            if not entry.name.startswith("."):
                out.append((entry.name, manifest.stat().st_mtime_ns))
        except OSError:
            continue
    return tuple(sorted(out))


@functools.lru_cache(maxsize=8)
def _with_installed(folder: str, state: tuple[tuple[str, int], ...]) -> DatasetRegistry:
    packaged = _packaged()
    return DatasetRegistry(packaged._dir, installed=Path(folder), base=packaged)


#: what a kernel installed without its reference data (``pip install --no-deps``, a
#: vendored wheel) says when it needs the datasets, embedded or on the command line.
MISSING_REFDATA = (
    "the ICD-10-CM datasets are not installed: cleanclaim needs the cleanclaim-refdata "
    "distribution (pip install cleanclaim-refdata)"
)


@functools.cache
def _packaged() -> DatasetRegistry:
    try:
        data = files("cleanclaim_refdata") / "data"
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] != "cleanclaim_refdata":
            raise
        # the same type and name, so code catching the missing module still does
        raise ModuleNotFoundError(MISSING_REFDATA, name="cleanclaim_refdata") from None
    return DatasetRegistry(data)
