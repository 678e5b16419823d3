"""Command-line arguments several verbs share, kept where importing them costs nothing.

The look-up verbs (``code``, ``search``, ``diff``, ``codes``, ``datasets``) register
``--data-dir`` from here, so that starting ``cleanclaim code`` does not import
:mod:`cleanclaim.cli.check` and with it the engine, pydantic's models and the readers.
"""

from __future__ import annotations

import argparse


def add_data_dir_argument(p: argparse.ArgumentParser, *, keep_parent: bool = False) -> None:
    """``--data-dir DIR``: every verb that reads datasets takes it.  ``keep_parent`` for a
    sub-verb (``datasets add``), so that its absent flag keeps the parent's value."""
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS if keep_parent else None,
        help="folder of datasets added with `cleanclaim datasets add` (default: data-dir of "
        "the configuration, else $CLEANCLAIM_DATA_DIR, else the user's data directory)",
    )
