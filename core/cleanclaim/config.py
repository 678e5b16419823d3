"""User configuration: ``[tool.cleanclaim]`` in pyproject.toml or a ``cleanclaim.toml``.

The settings a vendor or a coding team changes without writing a plugin: which rules
run, at which severity, payer override files, the official NCCI files, a licensed CPT
descriptor file, and which plugins may load.  Unknown keys are errors that list the
allowed ones, because a silently ignored ``ingore = [...]`` looks exactly like a working
configuration.
"""

from __future__ import annotations

import os
import stat
import tomllib
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from cleanclaim.configfile import CONFIG_FILE as CONFIG_FILE  # where it was defined first
from cleanclaim.configfile import find_config_file
from cleanclaim.models import Severity, describe_validation


class ConfigError(ValueError):
    """A configuration that cannot be used; the message names the file and the key."""


class Config(BaseModel):
    """Settings, already resolved relative to the file they came from."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    select: tuple[str, ...] = Field(
        default=(), description="Rule ids, globs (PT*), groups or plugin names to run; empty: all."
    )
    ignore: tuple[str, ...] = Field(default=(), description="Rules to switch off, same selectors.")
    severity: dict[str, Severity] = Field(
        default_factory=dict, description="Selector -> severity, for every payer."
    )
    rules: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Rule id -> option values (keys as the rule documents)."
    )
    payer_overrides: tuple[Path, ...] = Field(
        default=(), alias="payer-overrides", description="TOML files of [[override]] records."
    )
    plugins: tuple[str, ...] | None = Field(
        default=None, description="Allowlist of plugin names; absent: every installed plugin."
    )
    default_payer: str = Field(
        default="commercial", alias="default-payer", description="Payer for claims that name none."
    )
    ncci_ptp: tuple[Path, ...] = Field(
        default=(), alias="ncci-ptp", description="Official CMS PTP edit files (tab or comma)."
    )
    ncci_mue: tuple[Path, ...] = Field(
        default=(), alias="ncci-mue", description="Official CMS MUE files (tab or comma)."
    )
    cpt_descriptors: Path | None = Field(
        default=None, alias="cpt-descriptors", description="Your licensed CPT descriptor file."
    )
    fallback_fiscal_year: int | None = Field(
        default=None,
        alias="fallback-fiscal-year",
        description="Judge claims whose date no dataset serves against this fiscal year "
        "instead of rejecting them; each such report carries an ENG002 warning.",
    )
    data_dir: Path | None = Field(
        default=None,
        alias="data-dir",
        description="Folder of datasets added with `cleanclaim datasets add` (default: "
        "$CLEANCLAIM_DATA_DIR, else the user's data directory).",
    )
    time_limit: float = Field(
        default=5.0,
        alias="time-limit",
        ge=0,
        strict=True,
        description="Seconds one claim may take; a rule still running then is stopped and "
        "the claim gets an ENG001 error naming it (0: no limit).",
    )
    build_time_limit: float = Field(
        default=60.0,
        alias="build-time-limit",
        ge=0,
        strict=True,
        description="Seconds each plugin's import and each of its build hooks may take; a "
        "plugin still running then is named and left out (0: no limit).",
    )
    base_dir: Path = Field(default=Path("."), exclude=True)
    """The folder relative paths in the settings are read from (the configuration file's);
    not a setting of the file."""
    #: who asked for the fallback year: ``"configuration"`` or ``"--fallback-fy"`` (ENG002
    #: says which, so a coder knows where to switch it off).  Not a setting of the file.
    _fallback_source: str = PrivateAttr(default="configuration")
    #: where the settings came from (the file, ``pyproject.toml [tool.cleanclaim]``), so a
    #: mistake found only once the rules are known (a misspelt rule id in ``ignore``, a
    #: bad option value) is reported with the file it is in.
    _origin: str = PrivateAttr(default="configuration")

    @property
    def fallback_source(self) -> str:
        return self._fallback_source

    @property
    def origin(self) -> str:
        """Where these settings came from: a file path, or ``configuration`` when built in
        code (``Config(select=...)``)."""
        return self._origin

    def with_origin(self, origin: str) -> Config:
        """A copy naming ``origin`` as where its settings came from (for error messages).

        :param origin: a file path, or a phrase (``the command line``).
        """
        config = self.model_copy()
        config._origin = origin
        config._fallback_source = self._fallback_source
        return config

    @field_validator("default_payer")
    @classmethod
    def _default_payer(cls, value: str) -> str:
        # normalised as a claim's payer is (Claim.payer), so "Medicare" finds the
        # medicare profile instead of silently falling back to commercial
        payer = value.strip().lower()
        if not payer:
            raise ValueError("an empty payer id; give one such as 'medicare' or 'commercial'")
        return payer

    def with_fallback(self, year: int, source: str = "configuration") -> Config:
        """A copy whose fallback fiscal year is ``year``, asked for by ``source``.

        :param year: the fiscal year claims no dataset serves are judged against.
        :param source: who asked for it (``configuration``, ``--fallback-fy``), which each
            ENG002 warning names.
        """
        config = self.model_copy(update={"fallback_fiscal_year": year})
        config._fallback_source = source
        return config

    @field_validator("rules")
    @classmethod
    def _option_names(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {
            rule.upper(): {key.replace("-", "_"): v for key, v in options.items()}
            for rule, options in value.items()
        }

    def resolve(self, path: Path) -> Path:
        """``path`` as given if absolute, else relative to the configuration's folder.

        :param path: a path from the settings (an override file, an NCCI file).
        """
        return path if path.is_absolute() else self.base_dir / path

    @property
    def datasets_dir(self) -> Path | None:
        """``data-dir`` resolved against the configuration file's folder (None: not set)."""
        return None if self.data_dir is None else self.resolve(self.data_dir.expanduser())

    @classmethod
    def from_mapping(cls, data: dict[str, Any], *, origin: str, base_dir: Path) -> Config:
        """Settings from a parsed TOML table; an unknown key or a bad value raises
        [`ConfigError`][cleanclaim.config.ConfigError] naming ``origin``, the key and what
        is allowed.

        :param data: the table, with the file's keys (``default-payer``).
        :param origin: where it came from, for messages (``cleanclaim.toml``).
        :param base_dir: the folder relative paths in it are read from.
        """
        allowed = sorted(
            (f.alias or name) for name, f in cls.model_fields.items() if name != "base_dir"
        )
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise ConfigError(
                f"{origin}: unknown setting(s) {', '.join(unknown)}; allowed: {', '.join(allowed)}"
            )
        try:
            config = cls.model_validate({**data, "base_dir": base_dir})
        except ValidationError as exc:
            raise ConfigError(f"{origin}: {describe_validation(exc, whole='settings')}") from exc
        config._origin = origin
        return config

    @classmethod
    def load(cls, path: Path) -> Config:
        """Read one file: a cleanclaim.toml (top level) or a pyproject.toml ([tool.cleanclaim]).

        :param path: the file; relative paths in it are read from its folder.
        :raises ConfigError: the file is missing, not TOML, or holds a mistake.
        """
        data = read_toml(path, str(path), "configuration file", ConfigError)
        if path.name == "pyproject.toml":
            data = data.get("tool", {}).get("cleanclaim", {})
            origin = f"{path} [tool.cleanclaim]"
        else:
            origin = str(path)
        return cls.from_mapping(data, origin=origin, base_dir=path.parent.resolve())

    @classmethod
    def discover(cls, start: Path | None = None) -> Config:
        """The nearest cleanclaim.toml, or pyproject.toml with [tool.cleanclaim], upwards
        (``Config()`` when there is none).

        :param start: the folder to look from; default: the current one.
        """
        found = find_config_file(start)
        return cls() if found is None else cls.load(found)


def read_toml(
    source: Path | Traversable, origin: str, what: str, error: type[ValueError]
) -> dict[str, Any]:
    """A TOML file as a dict; a missing or malformed one raises ``error`` naming ``origin``.

    One reading for every file the kernel takes: configuration, payer override files and
    plugins' packaged data.  A file on disk must be a regular file of at most
    `MAX_TOML_BYTES`: a FIFO would hang the read and ``/dev/zero`` end in a
    MemoryError, so both are refused naming the file, before anything is read.

    :param source: a file on disk, or a packaged resource.
    :param origin: the name messages give it.
    :param what: what the file is, for messages (``configuration file``).
    :param error: the exception type raised.
    """
    try:
        if isinstance(source, Path):
            text = _read_bounded(source, origin, what, error)
        else:
            text = source.read_text(encoding="utf-8")
        return tomllib.loads(text)
    except FileNotFoundError as exc:
        raise error(f"{origin}: {what} not found") from exc
    except IsADirectoryError as exc:
        raise error(f"{origin}: {what} is a folder, not a file") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise error(f"{origin}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise error(f"{origin}: cannot read the {what}: {exc.strerror or exc}") from exc


#: the largest TOML file read (configuration, payer overrides): far above any real one.
MAX_TOML_BYTES = 4 * 1024 * 1024


def _read_bounded(path: Path, origin: str, what: str, error: type[ValueError]) -> str:
    """A regular file's text, opened without blocking (a FIFO) and read to a bound."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a FIFO, device or socket"
            raise error(f"{origin}: the {what} is {kind}, not a regular file")
        data = handle.read(MAX_TOML_BYTES + 1)
    if len(data) > MAX_TOML_BYTES:
        raise error(f"{origin}: the {what} is larger than {MAX_TOML_BYTES:,} bytes")
    return data.decode("utf-8")
