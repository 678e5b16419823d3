"""What a plugin imports to take part: the hook marker and the plugin API version.

A plugin module writes ``@hookimpl`` on functions named after the hookspecs in
[`cleanclaim.plugin.hookspecs`][cleanclaim.plugin.hookspecs].  ``PLUGIN_API`` is bumped only when a
hookspec or a
contribution model changes incompatibly; a plugin states the API it was written for in
[`PluginInfo`][cleanclaim.plugin.hookspecs.PluginInfo] and the engine refuses a mismatch with a
clear message instead of failing later in some rule.
"""

from __future__ import annotations

from typing import Final

import pluggy

PROJECT_NAME: Final = "cleanclaim"
ENTRY_POINT_GROUP: Final = "cleanclaim"
PLUGIN_API: Final = 1

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
hookspec = pluggy.HookspecMarker(PROJECT_NAME)

__all__ = ["ENTRY_POINT_GROUP", "PLUGIN_API", "PROJECT_NAME", "hookimpl", "hookspec"]
