"""Finding the configuration file, without reading it into a `Config`.

Separate from :mod:`cleanclaim.config` (which imports pydantic and the models) so that a
verb that only needs to know whether a configuration exists, and its ``data-dir`` if it
does, starts without them: ``cleanclaim code M62.830`` in a folder with no configuration
never imports pydantic.  `Config.discover` uses the same search.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

CONFIG_FILE = "cleanclaim.toml"


def find_config_file(start: Path | None = None) -> Path | None:
    """The nearest cleanclaim.toml, or pyproject.toml with [tool.cleanclaim], upwards from
    ``start`` (the working directory); None when there is neither."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and has_tool_section(pyproject):
            return pyproject
    return None


def has_tool_section(path: Path) -> bool:
    """Whether a pyproject.toml has a [tool.cleanclaim] table (an unreadable one has not)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False
    return "cleanclaim" in data.get("tool", {})
