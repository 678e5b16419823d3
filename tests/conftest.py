"""Test-wide isolation: datasets a developer installed with ``cleanclaim datasets add`` must
not change what the tests see, so the default data directory is an empty temporary one
(tests that install datasets pass their own ``--data-dir`` or set the variable)."""

from __future__ import annotations

import os
import tempfile

os.environ["CLEANCLAIM_DATA_DIR"] = tempfile.mkdtemp(prefix="cleanclaim-data-")
