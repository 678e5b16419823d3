"""Plugins and rules made in a line, for tests of the engine and of plugin rules.

A test of how the engine treats a rule (triggers, options, crashes, memos) needs a
plugin contributing that rule and little else.  Written out, each is a class with two or
three hook methods and a rule with six catalog sections; these helpers make the same
objects, so the test shows only what it is about::

    from cleanclaim.fixtures import plugin_of, stub_rule

    rule = stub_rule("TST101", check=my_check, scope=Scope(diagnoses_only=True))
    engine = Engine.build(plugins=[plugin_of("test-fixture", "TST", rules=[rule])],
                          installed=False)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cleanclaim.plugin import PLUGIN_API, hookimpl, hookspecs
from cleanclaim.plugin.hookspecs import PluginInfo
from cleanclaim.rule import CheckFunction, Rule

#: the contribution hooks, by the keyword [`plugin_of()`][cleanclaim.fixtures.plugin_of] takes for
#: each: every hookspec but the plugin's info, named without the ``cleanclaim_`` prefix.
HOOKS = tuple(
    name.removeprefix("cleanclaim_") for name in hookspecs.HOOKS if name != "cleanclaim_plugin_info"
)


def stub_rule(rule_id: str, check: CheckFunction, **fields: Any) -> Rule:
    """A rule whose catalog sections are placeholders; ``fields`` set anything else.

    :param rule_id: the rule's id (its plugin's prefix and a number: ``HX101``).
    :param check: the rule's check function.
    :param fields: any other field of the rule (``groups``, ``scope``, ``options``).
    """
    catalog: dict[str, Any] = {
        "name": rule_id.lower(),
        "summary": "test rule",
        "why": "test rule",
        "example": "test rule",
        "fix": "test rule",
        "reference": "test rule",
    }
    return Rule(id=rule_id, check=check, **{**catalog, **fields})


def plugin_of(name: str, rule_prefix: str, **contributions: Sequence[Any]) -> object:
    """A plugin object whose hooks return ``contributions``: ``rules=[...]``,
    ``procedures=[...]`` and so on, one keyword per hook (see `HOOKS`).

    :param name: the plugin's name.
    :param rule_prefix: the rule-id prefix it owns.
    :param contributions: what each contribution hook returns, by hook name.
    :raises TypeError: a keyword names no contribution hook.
    """
    unknown = sorted(set(contributions) - set(HOOKS))
    if unknown:
        raise TypeError(f"no such contribution hook: {', '.join(unknown)}")

    def info(self: object) -> PluginInfo:
        return PluginInfo(name=name, api=PLUGIN_API, rule_prefix=rule_prefix)

    methods: dict[str, Callable[..., Any]] = {
        "cleanclaim_plugin_info": hookimpl(_named(info, "cleanclaim_plugin_info"))
    }
    for hook, values in contributions.items():
        methods[f"cleanclaim_{hook}"] = hookimpl(
            _named(_returning(list(values)), f"cleanclaim_{hook}")
        )
    return type(f"FixturePlugin[{name}]", (), methods)()


def _returning(values: list[Any]) -> Callable[[object], list[Any]]:
    def contribute(self: object) -> list[Any]:
        return list(values)

    return contribute


def _named(function: Callable[..., Any], name: str) -> Callable[..., Any]:
    # The engine attributes each contribution to its hook by the hookspec it implements;
    # the name makes the fixture's methods read like a plugin's in a traceback.
    function.__name__ = function.__qualname__ = name
    return function
