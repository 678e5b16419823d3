"""tox's inline plugin (tox 4 loads ``toxfile.py``): let tox find pyenv's CPythons.

tox runs the tests on every supported CPython (py311, py312, py313) and fails when one is
missing.  pyenv installs interpreters under ``$PYENV_ROOT/versions`` and puts only its
shims on PATH; tox's interpreter discovery does not follow shims, so a machine that has
3.12 and 3.13 through pyenv would fail the run as if it had neither.  Appending each
installed 3.11-3.13 ``bin`` folder to PATH, after whatever is already there, lets
discovery find them without changing which Python anything else runs.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_SUPPORTED = re.compile(r"3\.1[123]\.\d+")


def _pyenv_bins() -> list[str]:
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    if not root.is_dir():
        return []
    found = sorted(p for p in root.iterdir() if _SUPPORTED.fullmatch(p.name))
    return [str(p / "bin") for p in found if (p / "bin").is_dir()]


_path = os.environ.get("PATH", "").split(os.pathsep)
os.environ["PATH"] = os.pathsep.join([*_path, *(b for b in _pyenv_bins() if b not in _path)])
