"""Adding an official CMS release to a data directory (``cleanclaim datasets add``).

CMS publishes a new code set each summer (effective October 1) and sometimes each April; a
vendor must not wait for a new cleanclaim-refdata to check claims.  This takes the file as
CMS publishes it (the tabular XML, plain or compressed, or the
``...-code-tables-tabular-index.zip`` that holds it), checks its sha256 against the known
official files shipped with refdata, and compiles it with the same builder as the packaged
datasets.  Nothing is written unless the whole dataset is: a refused or broken file leaves
the data directory as it was.
"""

from __future__ import annotations

import gzip
import hashlib
import lzma
import re
import shutil
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from cleanclaim.icd._types import DatasetInfo, DatasetIntegrityError
from cleanclaim.icd.registry import read_manifests

#: the largest tabular XML accepted (FY2026's is some 30 MB): a zip bomb stops here.
MAX_XML_BYTES = 400 * 1024 * 1024
#: the tabular XML inside a CMS zip, in any folder: icd10cm_tabular_2027.xml,
#: icd10cm-tabular-2027.xml, icd10cm_tabular_April_2024.xml ...
_TABULAR_MEMBER = re.compile(r"(?:^|/)icd10cm[^/]*tabular[^/]*\.xml$", re.IGNORECASE)
_VERSION = re.compile(rb"<version>\s*(\d{4})\s*</version>")
_HEAD = 65536


class InstallError(ValueError):
    """A file that cannot be installed; the message names it and says what to do."""


@dataclass(frozen=True, slots=True)
class KnownFile:
    """One official CMS file refdata knows by its sha256 (``known_files.toml``)."""

    sha256: str
    name: str
    kind: str
    release: str
    provenance: str = ""


def known_file(sha256: str) -> KnownFile | None:
    """The known official file with this sha256 (``known_files.toml`` of refdata), or None."""
    from cleanclaim_refdata.releases import known_file as packaged_known_file

    found = packaged_known_file(sha256)
    if found is None:
        return None
    return KnownFile(
        sha256=found.sha256,
        name=found.name,
        kind=found.kind,
        release=found.release,
        provenance=found.provenance,
    )


def dataset_name(release: str) -> str:
    """``2027`` -> ``icd10cm-fy2027``; ``2027-April`` -> ``icd10cm-fy2027-april``;
    ``2021-January`` -> ``icd10cm-fy2021-january`` (an update on the 1st of that month)."""
    from cleanclaim_refdata.builder import dataset_name as release_dataset_name

    try:
        return release_dataset_name(release)
    except ValueError:
        raise InstallError(
            f"--release {release!r}: expected a year (2027) for the October release, or "
            "YEAR-Month (2027-April, 2021-January) for an update on the 1st of that month"
        ) from None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_tabular(path: Path) -> tuple[bytes, bytes, str]:
    """The file's bytes as given, the tabular XML inside it, and where it was found.

    Raises :class:`InstallError` for a missing, truncated or corrupt file and for a zip
    without a tabular XML.
    """
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InstallError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InstallError(f"{name}: is a folder, not a file") from None
    except OSError as exc:
        raise InstallError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    try:
        if raw.startswith(b"PK"):
            xml, member = _from_zip(raw, name)
        elif raw.startswith(b"\xfd7zXZ\x00"):
            xml, member = _bounded(lzma.LZMADecompressor(), raw, name, "xz"), path.name
        elif raw.startswith(b"\x1f\x8b"):
            xml, member = _gunzip(raw, name), path.name
        else:
            xml, member = raw, path.name
    except (lzma.LZMAError, EOFError, gzip.BadGzipFile, zlib.error, zipfile.BadZipFile) as exc:
        raise InstallError(
            f"{name}: not a complete file (truncated or corrupt: {exc}); download it again"
        ) from None
    return raw, xml, member


def _bounded(decomp: lzma.LZMADecompressor, raw: bytes, name: str, kind: str) -> bytes:
    out = decomp.decompress(raw, max_length=MAX_XML_BYTES + 1)
    if len(out) > MAX_XML_BYTES:
        raise InstallError(f"{name}: decompresses to more than {MAX_XML_BYTES >> 20} MB")
    if not decomp.eof:
        raise EOFError(f"the {kind} stream ends early")
    return out


def _gunzip(raw: bytes, name: str) -> bytes:
    with gzip.GzipFile(fileobj=BytesIO(raw)) as fh:
        out = fh.read(MAX_XML_BYTES + 1)
    if len(out) > MAX_XML_BYTES:
        raise InstallError(f"{name}: decompresses to more than {MAX_XML_BYTES >> 20} MB")
    return out


def _from_zip(raw: bytes, name: str) -> tuple[bytes, str]:
    with zipfile.ZipFile(BytesIO(raw)) as zf:
        members = [
            i
            for i in zf.infolist()
            if _TABULAR_MEMBER.search(i.filename)
            # a zip made on a Mac carries resource forks: __MACOSX/._icd10cm_tabular_2027.xml
            and not i.filename.startswith("__MACOSX/")
            and not i.filename.rsplit("/", 1)[-1].startswith("._")
        ]
        if not members:
            listed = ", ".join(i.filename for i in zf.infolist()[:8]) or "nothing"
            raise InstallError(
                f"{name}: this zip holds no ICD-10-CM tabular XML (a file named like "
                f"icd10cm_tabular_2027.xml); it holds {listed}. Give the CMS "
                "...-code-tables-tabular-index.zip or the XML itself"
            )
        if len(members) > 1:
            listed = ", ".join(i.filename for i in members)
            raise InstallError(f"{name}: this zip holds several tabular XML files ({listed})")
        member = members[0]
        if member.file_size > MAX_XML_BYTES:
            raise InstallError(f"{name}: {member.filename} is larger than {MAX_XML_BYTES >> 20} MB")
        with zf.open(member) as fh:
            xml = fh.read(MAX_XML_BYTES + 1)
        return xml, member.filename


def xml_version(xml: bytes) -> str | None:
    """The ``<version>`` of a tabular XML (the fiscal year), read from its head."""
    m = _VERSION.search(xml[:_HEAD])
    return m.group(1).decode() if m else None


def _looks_tabular(xml: bytes) -> bool:
    head = xml[:_HEAD].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and b"<ICD10CM.tabular" in head


def install(
    path: Path,
    data_dir: Path,
    *,
    allow_unverified: bool = False,
    release: str | None = None,
) -> DatasetInfo:
    """Compile ``path`` into ``data_dir`` and return the installed dataset's manifest.

    A file whose sha256 (as given, or of the XML inside it) is not a known official file is
    refused unless ``allow_unverified``; the dataset is then marked unverified.
    """
    name = str(path)
    raw, xml, member = read_tabular(path)
    sha_raw, sha_xml = _sha(raw), _sha(xml)
    known = known_file(sha_raw) or (known_file(sha_xml) if sha_xml != sha_raw else None)
    if known is not None and known.kind not in ("tabular-xml", "tabular-zip"):
        raise InstallError(
            f"{name}: this is the official CMS {known.name} ({known.kind}), not the tabular "
            "list; give the ...-code-tables-tabular-index.zip or the tabular XML inside it"
        )
    if not _looks_tabular(xml):
        raise InstallError(
            f"{name}: {member} is not an ICD-10-CM tabular XML (no <ICD10CM.tabular> root); "
            "give the CMS ...-code-tables-tabular-index.zip or the icd10cm_tabular_YYYY.xml in it"
        )
    version = xml_version(xml)
    if version is None:
        raise InstallError(f"{name}: {member} has no <version>: not a CMS tabular XML")
    if known is not None:
        if release is not None and release != known.release:
            raise InstallError(
                f"{name}: this official file is release {known.release}, not {release}; "
                "leave --release out"
            )
        chosen = known.release
    elif not allow_unverified:
        raise InstallError(
            f"{name}: not a known official CMS file (sha256 {sha_raw}"
            + ("" if sha_xml == sha_raw else f", of {member}: {sha_xml}")
            + "); nothing was installed. Download the release from CMS again, or, if you "
            "trust this file, run again with --allow-unverified (the dataset is then marked "
            "unverified wherever it is shown)"
        )
    else:
        chosen = release or version
    target_name = dataset_name(chosen)
    if not chosen.startswith(version):
        raise InstallError(f"{name}: its <version> is {version}, so it cannot be release {chosen}")
    target = data_dir / target_name
    if target.exists():
        raise InstallError(
            f"{target_name} is already installed in {data_dir}; remove it first with "
            f"`cleanclaim datasets remove {target_name}`"
        )
    from cleanclaim_refdata.builder import SourceError, compile_release

    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InstallError(f"{data_dir}: cannot create the data directory ({exc})") from None
    try:
        out = compile_release(
            xml,
            data_dir,
            release=chosen,
            source_name=path.name,
            source_sha256=sha_raw,
            verified=known is not None,
        )
    except SourceError as exc:
        raise InstallError(f"{name}: {exc}") from None
    except SyntaxError as exc:  # xml.etree's ParseError: a truncated or broken XML
        raise InstallError(f"{name}: {member} is not well-formed XML ({exc})") from None
    for info, folder in read_manifests(data_dir, "installed"):
        if folder.name == out.name:
            return info
    raise DatasetIntegrityError(f"{out}: compiled, but no readable manifest was written")


def remove(name: str, data_dir: Path) -> Path:
    """Delete the installed dataset ``name`` from ``data_dir``; returns its folder."""
    if "/" in name or "\\" in name or name.startswith("."):
        raise InstallError(f"{name!r} is not a dataset name")
    installed = {folder.name for _, folder in read_manifests(data_dir, "installed")}
    target = data_dir / name
    if name not in installed:
        from cleanclaim.icd.registry import DatasetRegistry

        if any(i.name == name for i in DatasetRegistry.packaged().available()):
            raise InstallError(
                f"{name} is packaged in cleanclaim-refdata, not installed; it cannot be "
                "removed (an installed dataset of the same release wins over it)"
            )
        have = ", ".join(sorted(installed)) or "none"
        raise InstallError(f"no installed dataset {name} in {data_dir} (installed: {have})")
    shutil.rmtree(target)
    from cleanclaim_refdata.builder import write_index

    write_index(data_dir)  # its manifest's digest goes too (cleanclaim.icd.manifests)
    return target
