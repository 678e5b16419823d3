"""Which rules run on a claim: chosen by configuration, resolved per payer and period.

Three steps, each computed once and remembered, never per claim:

1. **selection** (at build): the configuration's ``select`` and ``ignore`` pick the
   candidate rules; names that match nothing are refused;
2. **resolution** per (payer profile, period): payer overrides and configuration switch
   rules on or off and set their severity and options (:class:`ActiveRule`); a period is
   a stretch of dates over which no override starts or stops;
3. **plans** per (profile, period, set of procedure codes billed): the active rules whose
   triggers the claim can meet, split into those run per claim and those whose hits the
   engine remembers per diagnosis list (:class:`RulePlan`).
"""

from __future__ import annotations

import fnmatch
import threading
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

from cleanclaim.build import RegisteredRule
from cleanclaim.config import Config, ConfigError
from cleanclaim.contributions import DiagnosisPattern, PayerOverride, Rule
from cleanclaim.models import Severity
from cleanclaim.options import Options
from cleanclaim.tables import EngineTables

DEFAULT_PROFILE = "commercial"
#: payers every bundled plugin knows; a claim for any other payer gets the commercial profile.
BUILTIN_PAYERS = frozenset({"medicare", DEFAULT_PROFILE})
#: rules the engine emits itself (a crash, a dataset fallback): catalogued, never run.
ENGINE_EMITTED = frozenset({"ENG001", "ENG002"})
#: rule plans (profile, period, procedure codes) remembered before starting over.
PLAN_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class ActiveRule:
    """A rule as it runs for one payer profile and date: severity and options resolved."""

    rule: Rule
    source: str
    severity: Severity
    options: Options
    trigger_codes: frozenset[str] | None = None
    diagnosis_triggers: tuple[DiagnosisPattern, ...] = ()


@dataclass(frozen=True, slots=True)
class RulePlan:
    """The rules to run on claims of one payer profile, period and set of procedures.

    ``by_diagnoses`` are the rules declared ``diagnoses_only``: their hits are remembered
    per (``token``, dataset, diagnosis list) and reused by later claims with the same
    diagnoses; ``per_claim`` run on every claim.
    """

    per_claim: tuple[ActiveRule, ...]
    by_diagnoses: tuple[ActiveRule, ...]
    #: the same number for every plan with the same profile, period and ``by_diagnoses``.
    token: int


class RuleSelection:
    """The rules of one engine, selected, resolved and planned; immutable once built,
    its caches filled under a lock and read without one."""

    def __init__(
        self,
        rules: Mapping[str, RegisteredRule],
        overrides: list[tuple[PayerOverride, str]],
        config: Config,
        tables: EngineTables,
        plugin_sources: frozenset[str] = frozenset(),
    ) -> None:
        self.rules = rules
        self.config = config
        self.tables = tables
        self._overrides = overrides
        #: sources of overrides that came from a plugin (its name): those apply to that
        #: plugin's own rules only, so no installed plugin can switch off or downgrade the
        #: kernel's or another plugin's rules (``rule = "*"``, ``"core"``, ``"ICD*"``).
        #: Changing another's rules is for the user's configuration and override files.
        self._plugin_sources = plugin_sources
        self._known_payers = frozenset(o.payer for o, _ in overrides) | BUILTIN_PAYERS
        self._check_config()
        self._candidates = [
            r for r in rules.values() if self._selected(r) and r.rule.id not in ENGINE_EMITTED
        ]
        self._trigger_codes = {
            reg.rule.id: _codes_for(reg.rule.triggers, tables).union(
                *(tables.procedure_codes_in(t) for t in reg.rule.trigger_tables)
            )
            for reg in self._candidates
            if reg.rule.triggers or reg.rule.trigger_tables
        }
        self._active_cache: dict[tuple[str, int], tuple[ActiveRule, ...]] = {}
        self._plans: dict[tuple[str, int, frozenset[str]], RulePlan] = {}
        # (profile, period, diagnoses-only rule ids) -> token; as few as payer profiles
        # times override periods times trigger subsets, so never emptied.
        self._group_tokens: dict[tuple[str, int, tuple[str, ...]], int] = {}
        # Dates where some override starts or stops holding: between two of them every
        # override's holds_on() answer is the same, so active rules are cached per period.
        edges: set[date] = set()
        for override, _source in overrides:
            if override.effective_from is not None:
                edges.add(override.effective_from)
            if override.effective_to is not None and override.effective_to < date.max:
                edges.add(override.effective_to + timedelta(days=1))
        self._period_edges = sorted(edges)
        self._lock = threading.Lock()

    def matches(self, selector: str, reg: RegisteredRule) -> bool:
        """True when a configuration selector (a rule id, name or glob, a group or a plugin
        name) names the rule: ``select``, ``ignore`` and ``severity`` all read this."""
        rule = reg.rule
        return (
            selector in (rule.id, rule.name, reg.source)
            or selector in rule.groups
            or fnmatch.fnmatchcase(rule.id, selector)
        )

    def _check_config(self) -> None:
        """Refuse configuration that names what does not exist.

        A misspelt rule id or option would otherwise be ignored, and a ``select`` that
        matches nothing would give an engine that runs no rule and calls every claim clean.
        """
        for selector in self.config.select:
            if not any(self.matches(selector, reg) for reg in self.rules.values()):
                raise ConfigError(
                    f"select: {selector!r} matches no rule of the loaded plugins "
                    "(give a rule id, glob, group or plugin name; see `cleanclaim rules`)"
                )
        for rule_id, options in self.config.rules.items():
            reg = self.rules.get(rule_id)
            if reg is None:
                raise ConfigError(f"rules.{rule_id}: no such rule among the loaded plugins")
            unknown = sorted(set(options) - set(reg.rule.options))
            if unknown:
                allowed = ", ".join(sorted(reg.rule.options)) or "none"
                raise ConfigError(
                    f"rules.{rule_id}: unknown option(s) {', '.join(unknown)}; allowed: {allowed}"
                )

    def _selected(self, reg: RegisteredRule) -> bool:
        cfg = self.config
        if cfg.select and not any(self.matches(s, reg) for s in cfg.select):
            return False
        return not any(self.matches(s, reg) for s in cfg.ignore)

    def profile_of(self, payer: str) -> str:
        """The payer whose overrides apply: the payer itself if known, else ``commercial``."""
        return payer if payer in self._known_payers else DEFAULT_PROFILE

    def active_rules(self, profile: str, day: date) -> tuple[ActiveRule, ...]:
        """The rules that run for a payer profile on a date, with severity and options.

        Resolved once per (profile, period) and cached, where a period is a stretch of
        dates over which no payer override starts or stops: a batch spread over three
        fiscal years still resolves only a handful of rule lists.
        """
        key = (profile, bisect_right(self._period_edges, day))
        cached = self._active_cache.get(key)
        if cached is not None:
            return cached
        active: list[ActiveRule] = []
        for reg in self._candidates:
            rule = reg.rule
            enabled = rule.enabled_by_default
            severity: Severity = rule.default_severity
            options: dict[str, Any] = dict(rule.options)
            for override, source in self._overrides:
                if override.payer != profile or not override.holds_on(day):
                    continue
                if source in self._plugin_sources and source != reg.source:
                    continue  # a plugin's override never reaches another's rule
                if not (override.matches(rule.id, rule.groups) or override.rule == reg.source):
                    continue
                if override.enabled is not None:
                    enabled = override.enabled
                if override.severity is not None:
                    severity = override.severity
                options.update(override.options)
            for selector, chosen in self.config.severity.items():
                if self.matches(selector, reg):
                    severity = chosen
            options.update(self.config.rules.get(rule.id, {}))
            if enabled:
                active.append(
                    ActiveRule(
                        rule,
                        reg.source,
                        severity,
                        Options({k: _freeze(v) for k, v in options.items()}),
                        self._triggers_of(rule, options),
                        tuple(DiagnosisPattern.parse(p) for p in rule.diagnosis_triggers),
                    )
                )
        result = tuple(active)
        with self._lock:
            if len(self._active_cache) > 4096:
                self._active_cache.clear()
            self._active_cache[key] = result
        return result

    def plan_for(self, profile: str, day: date, billed: frozenset[str]) -> RulePlan:
        """The active rules whose procedure triggers ``billed`` meets (or that have none),
        split into those run per claim and those remembered per diagnosis list.

        Remembered per (profile, period, set of procedure codes): claims repeat a few
        hundred procedure combinations, so the per-claim loop visits only rules that may
        apply instead of testing every rule's triggers claim after claim.
        """
        period = bisect_right(self._period_edges, day)
        key = (profile, period, billed)
        plan = self._plans.get(key)
        if plan is None:
            chosen = [
                active
                for active in self.active_rules(profile, day)
                if active.trigger_codes is None or not active.trigger_codes.isdisjoint(billed)
            ]
            by_diagnoses = tuple(a for a in chosen if a.rule.diagnoses_only)
            with self._lock:
                # Options are resolved per (profile, period) and never change, so this key
                # names the same rules with the same options for the engine's whole life.
                group = (profile, period, tuple(a.rule.id for a in by_diagnoses))
                token = self._group_tokens.setdefault(group, len(self._group_tokens))
                plan = RulePlan(
                    tuple(a for a in chosen if not a.rule.diagnoses_only), by_diagnoses, token
                )
                if len(self._plans) >= PLAN_LIMIT:
                    self._plans.clear()
                self._plans[key] = plan
        return plan

    def _triggers_of(self, rule: Rule, options: Mapping[str, Any]) -> frozenset[str] | None:
        """The procedure codes that make ``rule`` run (None: every claim)."""
        static = self._trigger_codes.get(rule.id)
        if not rule.trigger_options:
            return static
        named = frozenset(
            str(value) for name in rule.trigger_options for value in _as_tuple(options.get(name))
        )
        return (static or frozenset()) | _codes_for(named, self.tables)


def _freeze(value: Any) -> Any:
    """Option values as rules see them: lists become tuples, tables read-only mappings.

    Options are shared by every claim (and thread) that runs the rule, so a rule must not
    be able to change them; and tuples are hashable, so a rule may cache what it derives
    from an option with functools.lru_cache instead of redoing it per claim.
    """
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    return value


def _as_tuple(value: Any) -> tuple[Any, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _codes_for(triggers: frozenset[str], tables: EngineTables) -> frozenset[str]:
    """The procedure codes that make a rule with ``triggers`` run: the codes named, plus
    every code some plugin tagged with one of the tags named."""
    tagged = {code for code, proc in tables.procedures.items() if proc.tags & triggers}
    return frozenset(triggers) | tagged
