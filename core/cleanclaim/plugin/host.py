"""Finding plugins and building one plugin manager from them.

Discovery goes through the ``cleanclaim`` entry-point group, the kernel's own rules
included, so a bundled plugin loads exactly like a third party's.  A plugin that fails to
import or register is recorded with its name and version and the others go on; plugin
authors set ``CLEANCLAIM_STRICT_PLUGINS=1`` (or pass ``strict=True``) to make such a failure
fatal while they develop.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType

import pluggy

from cleanclaim import deadline, interrupts
from cleanclaim.plugin import ENTRY_POINT_GROUP, PROJECT_NAME
from cleanclaim.plugin import hookspecs as hookspecs_module


class PluginLoadError(RuntimeError):
    """A plugin could not be loaded and strict loading was asked for."""


@dataclass(frozen=True)
class LoadFailure:
    """A plugin that did not load: shown by ``cleanclaim plugins`` and as a warning."""

    name: str
    distribution: str
    version: str
    error: str


def strict_from_env() -> bool:
    return os.environ.get("CLEANCLAIM_STRICT_PLUGINS", "") not in ("", "0", "false", "no")


def new_manager() -> pluggy.PluginManager:
    """An empty manager that knows the hookspecs."""
    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs_module)
    return pm


def installed_versions() -> dict[str, str]:
    """Each installed plugin's distribution version, by entry-point name (the first
    distribution that registers a name, as the loader meets them): what ``cleanclaim
    plugins`` shows.  Read once per build, since every read scans every installed
    distribution's metadata (it was read once per plugin)."""
    versions: dict[str, str] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.dist is not None:
            versions.setdefault(ep.name, ep.dist.version)
    return versions


def _describe(ep: EntryPoint) -> tuple[str, str]:
    dist = ep.dist
    if dist is None:
        return "?", "?"
    return dist.metadata["Name"] or "?", dist.version or "?"


def load_installed(
    pm: pluggy.PluginManager,
    *,
    allow: Iterable[str] | None = None,
    strict: bool = False,
    time_limit: float | None = None,
) -> list[LoadFailure]:
    """Register every installed entry-point plugin (the kernel's ``core`` always).

    ``allow`` is a config allowlist of plugin names; ``core`` cannot be left out because
    the kernel rule ids are part of the contract.
    """
    allowed = None if allow is None else {*allow, "core"}
    failures: list[LoadFailure] = []
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        if allowed is not None and ep.name not in allowed:
            continue
        if pm.has_plugin(ep.name):
            continue
        dist_name, version = _describe(ep)
        seen = interrupts.received
        try:
            try:
                with deadline.limited(time_limit):  # an import that hangs is left out
                    plugin = ep.load()
            except deadline.Overrun:
                raise TimeoutError(
                    f"import did not finish within the time limit of "
                    f"{deadline.describe(time_limit or 0)} (build-time-limit in the "
                    "configuration): left out"
                ) from None
            register(pm, plugin, ep.name)
        # BaseException: a plugin module that calls sys.exit() on import (a script turned
        # into a plugin) or raises KeyboardInterrupt would otherwise end the vendor's
        # process without a word; a real Ctrl-C still stops it (cleanclaim.interrupts).
        except BaseException as exc:  # a broken plugin must not take the others down
            interrupts.reraise_if_real(exc, seen)
            failure = LoadFailure(ep.name, dist_name, version, f"{type(exc).__name__}: {exc}")
            if strict or strict_from_env():
                raise PluginLoadError(
                    f"plugin {ep.name!r} ({dist_name} {version}) failed to load: {failure.error}"
                ) from exc
            failures.append(failure)
    return failures


def register(pm: pluggy.PluginManager, plugin: object, name: str | None = None) -> str:
    """Register one plugin object or module and make misspelt hook names fail loudly."""
    registered = pm.register(plugin, name=name)
    if registered is None:
        raise PluginLoadError(f"plugin {name or plugin!r} is blocked or registered twice")
    try:
        pm.check_pending()
    except pluggy.PluginValidationError:
        pm.unregister(plugin)
        raise
    return registered


def plugin_name(pm: pluggy.PluginManager, plugin: object) -> str:
    name = pm.get_name(plugin)
    if name is None:
        if isinstance(plugin, ModuleType):
            return plugin.__name__
        return repr(plugin)
    return name
