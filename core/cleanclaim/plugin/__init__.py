"""What a plugin imports to take part: the hook marker and the plugin API version.

A plugin module writes ``@hookimpl`` on functions named after the hookspecs in
[`cleanclaim.plugin.hookspecs`][cleanclaim.plugin.hookspecs].  ``PLUGIN_API`` is bumped only when a
hookspec or a
contribution model changes incompatibly; a plugin states the API it was written for in
[`PluginInfo`][cleanclaim.plugin.hookspecs.PluginInfo].  The engine loads the APIs in
``SUPPORTED_PLUGIN_APIS`` (an older one translated, with a deprecation note in
``cleanclaim plugins``) and refuses any other with a clear message instead of failing
later in some rule.
"""

from __future__ import annotations

from typing import Final

import pluggy

PROJECT_NAME: Final = "cleanclaim"
ENTRY_POINT_GROUP: Final = "cleanclaim"
PLUGIN_API: Final = 2
#: the plugin APIs this kernel loads.  API 1 plugins (options as a mapping of defaults
#: with ``option_docs``/``option_choices``, the scope's hints as separate ``Rule`` fields,
#: documentation rules on ``rulekit.documentation_checks``) are translated and listed
#: with a deprecation note by ``cleanclaim plugins``.
SUPPORTED_PLUGIN_APIS: Final = (1, 2)

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
hookspec = pluggy.HookspecMarker(PROJECT_NAME)

__all__ = [
    "ENTRY_POINT_GROUP",
    "PLUGIN_API",
    "PROJECT_NAME",
    "SUPPORTED_PLUGIN_APIS",
    "hookimpl",
    "hookspec",
]
