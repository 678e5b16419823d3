"""Building an engine: every plugin's hooks called once, checked, and merged into tables.

This is the build-time half of the engine.  Each hook of each plugin is called on its own,
so that a contribution can be attributed to its plugin (the ``source`` of its findings)
and a broken one reported by name while the rest load.  Merging is order-independent:
which plugin loaded first never changes a table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pluggy
from pydantic import ValidationError

from cleanclaim import deadline, interrupts
from cleanclaim.codes import DiagnosisPattern
from cleanclaim.config import Config
from cleanclaim.contributions import (
    DocumentationCheck,
    IntegralPair,
    Pairing,
    PayerOverride,
    Procedure,
    ProcedureEdit,
    Synonym,
    UnitLimit,
)
from cleanclaim.models import describe_validation
from cleanclaim.plugin import PLUGIN_API, SUPPORTED_PLUGIN_APIS
from cleanclaim.plugin.hookspecs import CONTRIBUTION_HOOKS, PluginInfo
from cleanclaim.plugin.host import installed_versions, plugin_name
from cleanclaim.plugin_data import noting_old_names
from cleanclaim.rule import Rule
from cleanclaim.tables import (
    CompiledDocumentationCheck,
    CompiledIntegralPair,
    CompiledPairing,
    EditEntry,
    EngineTables,
    LimitEntry,
)


@dataclass(frozen=True)
class PluginRecord:
    """A loaded plugin as ``cleanclaim plugins`` shows it.

    :param name: the plugin's name (its entry point, or ``core``).
    :param version: its distribution's version.
    :param summary: what it checks, from its ``plugin_info``.
    :param hooks: the hooks it implements.
    :param rules: the ids of the rules it contributed.
    :param api: the plugin API it was written for.
    :param deprecations: why that API or its rules' forms are deprecated, if they are.
    """

    name: str
    version: str
    summary: str
    hooks: tuple[str, ...]
    rules: tuple[str, ...]
    #: the plugin API it was written for, and why that or its rules are deprecated.
    api: int = PLUGIN_API
    deprecations: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegisteredRule:
    """A rule with the name of the plugin that contributed it.

    :param rule: the rule.
    :param source: the plugin's name (``core`` for the kernel's own rules).
    """

    rule: Rule
    source: str


@dataclass
class BuildProblem:
    """Something wrong with a plugin at build time; the plugin's other parts still load.

    :param plugin: the plugin's name.
    :param hook: the hook that failed, or what was wrong (``rule HX101``).
    :param error: what went wrong, in one line.
    """

    plugin: str
    hook: str
    error: str


class PrefixClash(BuildProblem):
    """Two plugins, each registered under its own name, whose rule prefixes clash.

    Neither is an impostor, so neither can be said to own the prefix: keeping the first
    by name would let any plugin installed beside another knock that one's rules out
    with a warning only.  The engine refuses to build (`EngineBuildError`, exit 2 on
    the command line), strict or not, until the configuration's ``plugins`` leaves one
    out."""


@dataclass
class Contributions:
    by_hook: dict[str, list[tuple[Any, str]]] = field(default_factory=dict)
    rules: dict[str, RegisteredRule] = field(default_factory=dict)
    infos: dict[str, PluginInfo] = field(default_factory=dict)
    hooks_of: dict[str, list[str]] = field(default_factory=dict)
    #: plugin -> the contribution models it gave API 1's ``source`` for their citation.
    old_names: dict[str, set[str]] = field(default_factory=dict)


def collect(
    pm: pluggy.PluginManager, problems: list[BuildProblem], time_limit: float | None = None
) -> Contributions:
    """Call every hook of every plugin once, attributing and validating each result.

    Each hook call may take ``time_limit`` seconds (the configuration's
    ``build-time-limit``; see `cleanclaim.deadline` for where that holds): a plugin
    whose hook runs longer is named in a build problem and left out whole.
    """
    out = Contributions()
    # pm.get_plugins() is a set: without a fixed order a plugin could take a kernel rule
    # id (or win a duplicate) on some runs and not others.  The kernel goes first.
    ordered = sorted(
        ((plugin_name(pm, plugin), plugin) for plugin in pm.get_plugins()),
        key=lambda item: (item[0] != "core", item[0]),
    )
    described: list[tuple[str, dict[str, Any], PluginInfo]] = []
    for registered, plugin in ordered:
        # by the hook each implements, not the function's name: pluggy lets a plugin
        # name its function freely and say ``@hookimpl(specname="cleanclaim_rules")``.
        impls = {
            hook.name: impl
            for hook in pm.get_hookcallers(plugin) or []
            for impl in hook.get_hookimpls()
            if impl.plugin is plugin
        }
        info_impl = impls.get("cleanclaim_plugin_info")
        if info_impl is None:
            problems.append(BuildProblem(registered, "cleanclaim_plugin_info", "not implemented"))
            continue
        seen = interrupts.received
        try:
            with deadline.limited(time_limit):
                answer = info_impl.function()
            info = PluginInfo.model_validate(answer)
        except deadline.Overrun:
            problems.append(_too_slow(registered, "cleanclaim_plugin_info", time_limit))
            continue
        except BaseException as exc:  # sys.exit() in a hook too: see _run in engine.py
            interrupts.reraise_if_real(exc, seen)
            problems.append(BuildProblem(registered, "cleanclaim_plugin_info", _short(exc)))
            continue
        interrupts.check_swallowed(seen)
        if info.api not in SUPPORTED_PLUGIN_APIS:
            offered = " and ".join(str(api) for api in SUPPORTED_PLUGIN_APIS)
            problems.append(
                BuildProblem(
                    info.name,
                    "cleanclaim_plugin_info",
                    f"written for plugin API {info.api}, this kernel offers {offered}",
                )
            )
            continue
        described.append((registered, impls, info))
    for registered, impls, info in _owned(described, problems):
        name = info.name
        if name != "core":
            clash = _kernel_family_clash(out, info.rule_prefix)
            if clash:
                problems.append(
                    _refused(registered, info, f"rule prefix {info.rule_prefix} {clash}")
                )
                continue
        out.infos[name] = info
        out.hooks_of[name] = sorted(impls)
        seen = interrupts.received
        for hook_name, impl in sorted(impls.items()):
            if hook_name == "cleanclaim_plugin_info":
                continue
            try:
                with noting_old_names() as old_names:
                    with deadline.limited(time_limit):
                        result: Any = impl.function()
                    if hook_name == "cleanclaim_rules":
                        _add_rules(out, result, name, info, problems)
                        continue
                    model = CONTRIBUTION_HOOKS[hook_name]
                    items = [
                        item if isinstance(item, model) else model.model_validate(item)
                        for item in (result or [])
                    ]
                if old_names:
                    out.old_names.setdefault(name, set()).update(old_names)
            except deadline.Overrun:  # hung: nothing of this plugin can be trusted
                problems.append(_too_slow(name, hook_name, time_limit))
                _leave_out(out, name)
                break
            except BaseException as exc:  # malformed contributions are reported, not fatal
                interrupts.reraise_if_real(exc, seen)
                problems.append(BuildProblem(name, hook_name, _short(exc)))
                continue
            out.by_hook.setdefault(hook_name, []).extend((item, name) for item in items)
        interrupts.check_swallowed(seen)
    return out


def _too_slow(plugin: str, hook: str, seconds: float | None) -> BuildProblem:
    return BuildProblem(
        plugin,
        hook,
        f"did not finish within the time limit of {deadline.describe(seconds or 0)} "
        "(build-time-limit in the configuration): the plugin is left out",
    )


def _leave_out(out: Contributions, name: str) -> None:
    """Take back everything plugin ``name`` contributed so far."""
    out.infos.pop(name, None)
    out.hooks_of.pop(name, None)
    out.old_names.pop(name, None)
    for rule_id in [r for r, reg in out.rules.items() if reg.source == name]:
        del out.rules[rule_id]
    for hook, items in out.by_hook.items():
        out.by_hook[hook] = [(item, src) for item, src in items if src != name]


def _owned(
    described: list[tuple[str, dict[str, Any], PluginInfo]], problems: list[BuildProblem]
) -> list[tuple[str, dict[str, Any], PluginInfo]]:
    """The plugins that may load: each name and rule prefix has one owner.

    ``core`` is the kernel's name.  A name or prefix belongs first to the plugin whose
    entry point (what its distribution registered) carries that name, then to the first
    by registered name; a plugin that takes a name or prefix already owned is left out,
    with a problem naming both, so it cannot speak as another plugin or define rules in
    another's namespace.  Prefixes clash when one starts the other (``PT`` and ``PTX``:
    ``PTX101`` would fit both).
    """
    ranked = sorted(
        described,
        key=lambda item: (item[0] != "core", item[2].name != item[0], item[0]),
    )
    names: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    owning: set[str] = set()  # plugins registered under their own names
    kept: list[tuple[str, dict[str, Any], PluginInfo]] = []
    for registered, impls, info in ranked:
        if info.name == "core" and registered != "core":
            problems.append(_refused(registered, info, "calls itself 'core', the kernel's name"))
            continue
        if info.name in names:
            problems.append(
                _refused(
                    registered,
                    info,
                    f"takes the name {info.name!r}, owned by the plugin registered as "
                    f"{names[info.name]!r}",
                )
            )
            continue
        clash = next(
            (
                (prefix, owner)
                for prefix, owner in prefixes.items()
                if prefix.startswith(info.rule_prefix) or info.rule_prefix.startswith(prefix)
            ),
            None,
        )
        if clash is not None and info.name != "core":
            if info.name == registered and clash[1] in owning:
                same = clash[0] == info.rule_prefix
                prefixes_said = (
                    f"rule prefix {clash[0]}"
                    if same
                    else f"rule prefixes {clash[0]} and {info.rule_prefix}, which clash (one "
                    "starts the other, so one rule id could belong to either)"
                )
                problems.append(
                    PrefixClash(
                        info.name,
                        "cleanclaim_plugin_info",
                        f"plugins {clash[1]!r} and {info.name!r} both use {prefixes_said}, and "
                        "each is registered under its own name, so neither can be left out "
                        "for the other: list the plugins to load in the configuration's "
                        "plugins setting, or uninstall one",
                    )
                )
                continue
            problems.append(
                _refused(
                    registered,
                    info,
                    f"rule prefix {info.rule_prefix} clashes with {clash[0]} "
                    f"of plugin {clash[1]!r}",
                )
            )
            continue
        names[info.name] = registered
        prefixes[info.rule_prefix] = info.name
        if info.name == registered and info.name != "core":  # the kernel's own always win
            owning.add(info.name)
        kept.append((registered, impls, info))
    return kept


def _kernel_family_clash(out: Contributions, prefix: str) -> str:
    """How ``prefix`` clashes with the letters of a kernel rule id (``ICD``, ``CLM``,
    ``ENG``), or ``""``; the kernel's rules are collected first."""
    for reg in out.rules.values():
        if reg.source != "core":
            continue
        family = reg.rule.id.rstrip("0123456789")
        if family.startswith(prefix) or prefix.startswith(family):
            return f"clashes with the kernel's rule ids ({family})"
    return ""


def _refused(registered: str, info: PluginInfo, why: str) -> BuildProblem:
    return BuildProblem(
        info.name,
        "cleanclaim_plugin_info",
        f"plugin registered as {registered!r} {why}: refused, its contributions are left out",
    )


def _add_rules(
    out: Contributions, result: Any, source: str, info: PluginInfo, problems: list[BuildProblem]
) -> None:
    for rule in result or []:
        if not isinstance(rule, Rule):
            problems.append(BuildProblem(source, "cleanclaim_rules", f"{rule!r} is not a Rule"))
            continue
        if source != "core" and not rule.id.startswith(info.rule_prefix):
            problems.append(
                BuildProblem(
                    source, "cleanclaim_rules", f"{rule.id} lacks prefix {info.rule_prefix}"
                )
            )
            continue
        if rule.id in out.rules:
            other = out.rules[rule.id].source
            problems.append(
                BuildProblem(source, "cleanclaim_rules", f"{rule.id} is already defined by {other}")
            )
            continue
        out.rules[rule.id] = RegisteredRule(rule, source)


def deprecations_of(
    info: PluginInfo, rules: Iterable[Rule], old_names: Iterable[str] = ()
) -> tuple[str, ...]:
    """What ``cleanclaim plugins`` warns a plugin's author about: an API 1 plugin, rules
    written with API 1 forms, and contributions that name their citation ``source``
    (all translated, to be rewritten).

    :param info: the plugin's description.
    :param rules: the rules it contributes.
    :param old_names: the contribution models it gave ``source`` instead of ``citation``.
    """
    notes = []
    if info.api < PLUGIN_API:
        notes.append(
            f"written for plugin API {info.api} (deprecated; translated to API {PLUGIN_API}): "
            "see the plugin guide's 'Moving from API 1'"
        )
    for rule in rules:
        if rule.api1_forms:
            notes.append(f"{rule.id} uses API 1 forms: {', '.join(rule.api1_forms)}")
    models = sorted(old_names)
    if models:
        notes.append(
            f"{', '.join(models)} records name their citation 'source' (API 1's name, read "
            "as 'citation'): write citation = ... in the plugin's data"
        )
    return tuple(notes)


def _short(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return describe_validation(exc)
    return f"{type(exc).__name__}: {exc}"


def compile_tables(contrib: Contributions) -> EngineTables:
    """Merge every plugin's contributions into look-up tables (order-independent).

    The tables come back writable (the engine adds the official files' rows); the engine
    seals them (`EngineTables.seal()`) before any rule reads them."""
    procedures: dict[str, Procedure] = {}
    pairings: dict[str, list[CompiledPairing]] = {}
    plugin_edits: dict[tuple[str, str], list[EditEntry]] = {}
    plugin_limits: dict[str, list[LimitEntry]] = {}
    documentation: dict[str, list[CompiledDocumentationCheck]] = {}
    integral_pairs: list[CompiledIntegralPair] = []
    synonyms: dict[str, list[str]] = {}
    get = contrib.by_hook.get
    for proc, _source in sorted(get("cleanclaim_procedures", []), key=lambda p: (p[1], p[0].code)):
        assert isinstance(proc, Procedure)
        known = procedures.get(proc.code)
        if known is None:
            procedures[proc.code] = proc
        else:  # several plugins know the code: keep the first label, merge what it is
            procedures[proc.code] = known.model_copy(
                update={
                    "tags": known.tags | proc.tags,
                    "primary_codes": tuple(dict.fromkeys(known.primary_codes + proc.primary_codes)),
                }
            )
    for pairing, src in get("cleanclaim_pairings", []):
        assert isinstance(pairing, Pairing)
        compiled = CompiledPairing(pairing, tuple(pairing.patterns()), src)
        for code in pairing.procedures:
            pairings.setdefault(code, []).append(compiled)
    for edit, src in get("cleanclaim_procedure_edits", []):
        assert isinstance(edit, ProcedureEdit)
        plugin_edits.setdefault((edit.column1, edit.column2), []).append(EditEntry(edit, src))
    for limit, src in get("cleanclaim_unit_limits", []):
        assert isinstance(limit, UnitLimit)
        plugin_limits.setdefault(limit.code, []).append(LimitEntry(limit, src))
    for check, src in get("cleanclaim_documentation_checks", []):
        assert isinstance(check, DocumentationCheck)
        documentation.setdefault(check.rule, []).append(
            CompiledDocumentationCheck(check, tuple(check.patterns()), src)
        )
    for pair, src in get("cleanclaim_integral_pairs", []):
        assert isinstance(pair, IntegralPair)
        integral_pairs.append(
            CompiledIntegralPair(
                pair,
                DiagnosisPattern.parse(pair.symptom),
                DiagnosisPattern.parse(pair.definitive),
                src,
            )
        )
    for synonym, _src in get("cleanclaim_synonyms", []):
        assert isinstance(synonym, Synonym)
        synonyms.setdefault(synonym.term.lower(), []).extend(synonym.means)
    return EngineTables(
        procedures=procedures,
        pairings=pairings,
        plugin_edits=plugin_edits,
        plugin_limits=plugin_limits,
        documentation=documentation,
        integral_pairs=integral_pairs,
        synonyms=synonyms,
    )


__all__ = [
    "BuildProblem",
    "Contributions",
    "PluginRecord",
    "RegisteredRule",
    "collect",
    "compile_tables",
    "describe_validation",
]


# -- from contributions to what the engine checks with -----------------------------------


def gather(pm: pluggy.PluginManager, config: Config) -> tuple[Contributions, list[BuildProblem]]:
    """Every plugin's contributions, collected once, and the problems found on the way
    (a malformed contribution, a hook that overran, a plugin's override of another's
    rule).  Nothing is compiled yet, so a strict build can stop here."""
    problems: list[BuildProblem] = []
    contributions = collect(pm, problems, config.build_time_limit)
    problems.extend(
        foreign_overrides(
            contributions.by_hook.get("cleanclaim_payer_overrides", []), contributions.rules
        )
    )
    return contributions, problems


@dataclass(frozen=True)
class Assembled:
    """What an engine checks claims with: the sealed tables, the rules, the payer
    overrides in the order they apply (plugins' first, then the user's files) and the
    plugin records ``cleanclaim plugins`` shows."""

    tables: EngineTables
    rules: dict[str, RegisteredRule]
    overrides: tuple[tuple[PayerOverride, str], ...]
    plugins: list[PluginRecord]


def assemble(contributions: Contributions, config: Config) -> Assembled:
    """Merge the plugins' contributions with the user's files (official NCCI PTP and MUE
    files, licensed CPT descriptors, payer override files) into what an engine needs.

    The official files replace the plugins' rows of the same codes at look-up
    (`EngineTables.edits_for`, `EngineTables.limits_for`); the tables are sealed here, once,
    so that no rule can change what a later claim reads.
    """
    # Imported here: reading NCCI and override files costs imports a plain build skips.
    from cleanclaim.ncci import load_mue_file, official_ptp
    from cleanclaim.payers import load_override_file

    tables = compile_tables(contributions)
    if config.ncci_ptp:  # compiled once into the user's cache, then read as arrays
        tables.official_edits = official_ptp([config.resolve(p) for p in config.ncci_ptp])
    official_limits: dict[str, list[LimitEntry]] = {}
    for path in config.ncci_mue:
        for limit in load_mue_file(config.resolve(path)):
            official_limits.setdefault(limit.code, []).append(LimitEntry(limit, "CMS NCCI MUE"))
    tables.official_limits = official_limits
    if config.cpt_descriptors is not None:
        from cleanclaim.descriptors import load_descriptors

        tables.descriptors = load_descriptors(config.resolve(config.cpt_descriptors))
    tables.seal()  # rules get read-only views, built once (never a per-claim copy)
    overrides: list[tuple[PayerOverride, str]] = [
        (o, src) for o, src in contributions.by_hook.get("cleanclaim_payer_overrides", [])
    ]
    for path in config.payer_overrides:
        resolved = config.resolve(path)
        overrides.extend((o, str(resolved)) for o in load_override_file(resolved))
    return Assembled(
        tables=tables,
        rules=dict(sorted(contributions.rules.items())),
        overrides=tuple(overrides),
        plugins=plugin_records(contributions),
    )


def plugin_records(contributions: Contributions) -> list[PluginRecord]:
    """One record per plugin that took part, by name: what ``cleanclaim plugins`` lists."""
    records = []
    versions = installed_versions()
    for name, info in sorted(contributions.infos.items()):
        own = [r.rule for r in contributions.rules.values() if r.source == name]
        records.append(
            PluginRecord(
                name=name,
                version=versions.get(name, "unregistered"),
                summary=info.summary,
                hooks=tuple(sorted(contributions.hooks_of.get(name, []))),
                rules=tuple(sorted(rule.id for rule in own)),
                api=info.api,
                deprecations=deprecations_of(info, own, contributions.old_names.get(name, ())),
            )
        )
    return records


def foreign_overrides(
    overrides: Iterable[tuple[Any, str]], rules: Mapping[str, RegisteredRule]
) -> Iterator[BuildProblem]:
    """A plugin's payer override that names none of its own rules: said at build, since
    it has no effect (a plugin's overrides apply to its own rules only; see
    [`RuleSelection`][cleanclaim.selection.RuleSelection])."""
    for override, source in overrides:
        assert isinstance(override, PayerOverride)
        own = [
            reg
            for reg in rules.values()
            if reg.source == source
            and (override.matches(reg.rule.id, reg.rule.groups) or override.rule == source)
        ]
        if not own:
            yield BuildProblem(
                source,
                "cleanclaim_payer_overrides",
                f"override of rule {override.rule!r} for payer {override.payer!r} names no rule "
                "of this plugin and is ignored: a plugin's overrides apply to its own rules "
                "only (another's rules are changed in the user's configuration)",
            )
