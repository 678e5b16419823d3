"""Turning expected failures into one clear line and exit status 2.

Anything a user can cause (a missing file, bad JSON, a claim field of the wrong type, a
date with no dataset, a bad configuration) is an input error.  The message names where
the problem is and never echoes claim contents: claims carry patient data.
"""

from __future__ import annotations

import sys

EXIT_INPUT = 2


class UsageError(Exception):
    """Bad command-line usage."""


class CliInputError(Exception):
    """Bad input the user can fix; the message already names file, record and field."""


def _input_error_types() -> tuple[type[BaseException], ...]:
    from cleanclaim.config import ConfigError
    from cleanclaim.descriptors import DescriptorFileError
    from cleanclaim.engine import EngineBuildError, InputError
    from cleanclaim.formats import FormatError
    from cleanclaim.icd import DatasetIntegrityError, NoDatasetError
    from cleanclaim.ncci import NcciFileError
    from cleanclaim.payers import OverrideFileError
    from cleanclaim.plugin.host import PluginLoadError

    return (
        UsageError,
        CliInputError,
        ConfigError,
        DescriptorFileError,
        EngineBuildError,
        InputError,
        FormatError,
        NoDatasetError,
        NcciFileError,
        OverrideFileError,
        PluginLoadError,
        DatasetIntegrityError,
    )


#: what to say when the kernel was installed without its reference data (``pip install
#: --no-deps``, a vendored wheel): the ICD-10-CM datasets live in that distribution.
MISSING_REFDATA = (
    "the ICD-10-CM datasets are not installed: cleanclaim needs the cleanclaim-refdata "
    "distribution (pip install cleanclaim-refdata)"
)


def report_error(exc: BaseException) -> int:
    """Print an expected error as one line and return 2; re-raise anything else."""
    if isinstance(exc, ModuleNotFoundError) and (exc.name or "").split(".")[0] == (
        "cleanclaim_refdata"
    ):
        print(f"cleanclaim: error: {MISSING_REFDATA}", file=sys.stderr)
        return EXIT_INPUT
    if isinstance(exc, _input_error_types()):
        print(f"cleanclaim: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    if isinstance(exc, OSError):
        name = getattr(exc, "filename", None)
        where = f"{name}: " if name else ""
        print(f"cleanclaim: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_INPUT
    raise exc
