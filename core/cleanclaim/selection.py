"""Which rules run on a claim: chosen by configuration, resolved per payer and period.

Three steps, each computed once and remembered, never per claim:

1. **selection** (at build): the configuration's ``select`` and ``ignore`` pick the
   candidate rules; names that match nothing are refused;
2. **resolution** per (payer profile, period): payer overrides and configuration switch
   rules on or off and set their severity and options
   ([`ActiveRule`][cleanclaim.selection.ActiveRule]); a period is
   a stretch of dates over which no override starts or stops;
3. **plans** per (profile, period, set of procedure codes billed): the active rules whose
   triggers the claim can meet, split into those run per claim and those whose hits the
   engine remembers per diagnosis list ([`RulePlan`][cleanclaim.selection.RulePlan]).
"""

from __future__ import annotations

import difflib
import fnmatch
import re
import threading
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from cleanclaim.build import RegisteredRule
from cleanclaim.codes import DiagnosisPattern
from cleanclaim.config import Config, ConfigError
from cleanclaim.contributions import PayerOverride
from cleanclaim.memo import Memo, remember
from cleanclaim.models import Severity
from cleanclaim.options import Options, RuleOptions, as_mapping
from cleanclaim.rule import Rule
from cleanclaim.tables import EngineTables

DEFAULT_PROFILE = "commercial"
#: payers every bundled plugin knows; a claim for any other payer gets the commercial profile.
BUILTIN_PAYERS = frozenset({"medicare", DEFAULT_PROFILE})
#: rules the engine emits itself (a crash, a dataset fallback): catalogued, never run.
ENGINE_EMITTED = frozenset({"ENG001", "ENG002"})
#: a rule-id prefix selector: capital letters, then digits (``PT``, ``ICD10``), as ruff's.
_PREFIX = re.compile(r"[A-Z]+[0-9]*")


@dataclass(frozen=True, slots=True)
class ActiveRule:
    """A rule as it runs for one payer profile and date: severity and options resolved.

    :param rule: the rule's catalog entry and check.
    :param source: the plugin that contributed it (``core`` for the kernel's own).
    :param severity: its severity for this profile and date, overrides applied.
    :param options: what its check receives: an instance of the rule's options model, or a
        read-only mapping for a rule of plugin API 1.
    :param trigger_codes: procedure codes that make it run (None: every claim).
    :param diagnosis_triggers: diagnosis patterns a claim must meet (empty: any).
    :param by_diagnoses: its hits depend on the diagnoses alone, so they are remembered per
        diagnosis list.
    """

    rule: Rule
    source: str
    severity: Severity
    #: what the check receives: an instance of the rule's options model (the same object
    #: for every claim of the profile and period), a read-only mapping for an API 1 rule.
    options: RuleOptions | Options
    #: the rule's `Scope` resolved (`RuleSelection._scope_of`): procedure codes that make
    #: it run (None: every claim), diagnosis patterns a claim must meet (empty: any), and
    #: whether its hits are remembered per diagnosis list.
    trigger_codes: frozenset[str] | None = None
    diagnosis_triggers: tuple[DiagnosisPattern, ...] = ()
    by_diagnoses: bool = False


@dataclass(frozen=True, slots=True)
class RulePlan:
    """The rules to run on claims of one payer profile, period and set of procedures.

    ``by_diagnoses`` are the rules whose scope is ``diagnoses_only``: their hits are remembered
    per (``token``, dataset, diagnosis list) and reused by later claims with the same
    diagnoses; ``per_claim`` run on every claim.

    :param per_claim: the rules run on every claim of the plan.
    :param by_diagnoses: the rules whose hits are remembered per diagnosis list.
    :param token: the same number for every plan with the same profile, period and
        ``by_diagnoses``: the key of the remembered hits.
    """

    per_claim: tuple[ActiveRule, ...]
    by_diagnoses: tuple[ActiveRule, ...]
    #: the same number for every plan with the same profile, period and ``by_diagnoses``.
    token: int


class RuleSelection:
    """The rules of one engine, selected, resolved and planned; immutable once built,
    its caches filled under a lock and read without one.

    :param rules: every registered rule by id.
    :param overrides: payer overrides with where each came from, in the order they apply.
    :param config: the configuration whose ``select``, ``ignore``, ``severity`` and rule
        options are applied (and checked: a mistake raises naming file and key).
    :param tables: the engine's contribution tables (the payers plugins know).
    :param plugin_sources: names of the plugins loaded: an override from one of them
        applies to that plugin's own rules only.
    """

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
        #: per rule id: the procedure codes its scope names through tags, codes and tables
        #: (those do not depend on options); filled by `_scope_of`.
        self._static_codes: dict[str, frozenset[str] | None] = {}
        self._active_cache = Memo("active rules per payer profile and period")
        self._plans = Memo("rule plans per profile, period and set of procedures billed")
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
        """True when a configuration selector (a rule id, a rule-id prefix such as ``PT`` or
        ``ICD10`` as ruff takes ``E4``, a rule name or glob, a group or a plugin name)
        names the rule: ``select``, ``ignore`` and ``severity`` all read this.

        :param selector: a configuration or command-line selector.
        :param reg: the rule with the plugin that registered it.
        """
        rule = reg.rule
        return (
            selector in (rule.id, rule.name, reg.source)
            or selector in rule.groups
            or fnmatch.fnmatchcase(rule.id, selector)
            or (_PREFIX.fullmatch(selector) is not None and rule.id.startswith(selector))
        )

    def _check_config(self) -> None:
        """Refuse configuration that names what does not exist or gives a value a rule
        cannot take, naming the file, the key and what is allowed.

        A misspelt rule id in ``ignore`` (``PT1O6``) or an option value no rule reads
        (``method = "per_code"``) would otherwise be ignored: the configuration looks as if
        it works, and a ``select`` that matches nothing gives an engine that runs no rule
        and calls every claim clean.
        """
        cfg = self.config
        where = cfg.origin
        for key, selectors in (
            ("select", cfg.select),
            ("ignore", cfg.ignore),
            ("severity", tuple(cfg.severity)),
        ):
            for selector in selectors:
                if not any(self.matches(selector, reg) for reg in self.rules.values()):
                    raise ConfigError(f"{where}: {key}: {self._no_rule(selector)}")
        for rule_id, options in cfg.rules.items():
            reg = self.rules.get(rule_id)
            if reg is None:
                raise ConfigError(
                    f"{where}: rules.{rule_id}: no such rule: {self._no_rule(rule_id)}"
                )
            for name, value in options.items():
                problem = reg.rule.options_model.problem(rule_id, name, value)
                if problem:
                    raise ConfigError(f"{where}: rules.{rule_id}.{name}: {problem}")
        for override, source in self._overrides:
            self._check_file_override(override, source)

    def _check_file_override(self, override: PayerOverride, source: str) -> None:
        """An override names a rule that exists, with options it has and values they take.

        A plugin's own overrides reach its own rules only (see ``_plugin_sources``); one
        that names none of them is no mistake of the user's, so only its options are
        checked."""
        what = f"{source}: override of rule {override.rule!r} for payer {override.payer!r}"
        own = source in self._plugin_sources
        matched = [
            reg
            for reg in self.rules.values()
            if (override.matches(reg.rule.id, reg.rule.groups) or override.rule == reg.source)
            and (not own or reg.source == source)
        ]
        if own and not (matched and override.options):
            return
        if not matched:
            raise ConfigError(f"{what}: rule: {self._no_rule(override.rule)}")
        for name, value in override.options.items():
            key = name.replace("-", "_")
            having = [reg for reg in matched if key in reg.rule.options_model.model_fields]
            if not having:
                allowed = sorted(
                    {o for reg in matched for o in reg.rule.options_model.model_fields}
                )
                raise ConfigError(
                    f"{what}: options.{name}: no such option; allowed: "
                    f"{', '.join(allowed) or 'none'}"
                )
            for reg in having:
                problem = reg.rule.options_model.problem(reg.rule.id, key, value)
                if problem:
                    raise ConfigError(f"{what}: options.{name}: {problem}")

    def _no_rule(self, selector: str) -> str:
        """Why ``selector`` is refused, with the closest rule ids and names."""
        names = sorted(
            {reg.rule.id for reg in self.rules.values()}
            | {reg.rule.name for reg in self.rules.values()}
        )
        close = difflib.get_close_matches(selector.upper(), names, n=3, cutoff=0.6)
        close += [
            n for n in difflib.get_close_matches(selector, names, n=3, cutoff=0.6) if n not in close
        ]
        hint = f"; did you mean {' or '.join(close[:3])}?" if close else ""
        return (
            f"{selector!r} matches no rule of the loaded plugins{hint} (give a rule id such "
            "as ICD104, a prefix such as ICD1, a rule name, a glob such as ICD*, a group or a "
            "plugin name; "
            "`cleanclaim rules` lists them)"
        )

    def _selected(self, reg: RegisteredRule) -> bool:
        cfg = self.config
        if cfg.select and not any(self.matches(s, reg) for s in cfg.select):
            return False
        return not any(self.matches(s, reg) for s in cfg.ignore)

    def profile_of(self, payer: str) -> str:
        """The payer whose overrides apply: the payer itself if known, else ``commercial``.

        :param payer: a payer id, normalised (``medicare``).
        """
        return payer if payer in self._known_payers else DEFAULT_PROFILE

    def active_rules(self, profile: str, day: date) -> tuple[ActiveRule, ...]:
        """The rules that run for a payer profile on a date, with severity and options.

        Resolved once per (profile, period) and cached, where a period is a stretch of
        dates over which no payer override starts or stops: a batch spread over three
        fiscal years still resolves only a handful of rule lists.

        :param profile: a payer profile, as
            [`profile_of()`][cleanclaim.selection.RuleSelection.profile_of] gives it.
        :param day: the date of service.
        """
        key = (profile, bisect_right(self._period_edges, day))
        cached: tuple[ActiveRule, ...] | None = self._active_cache.get(key)
        if cached is not None:
            return cached
        active: list[ActiveRule] = []
        for reg in self._candidates:
            rule = reg.rule
            enabled = rule.enabled_by_default
            severity: Severity = rule.default_severity
            layers: list[Mapping[str, Any]] = []
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
                layers.append({k.replace("-", "_"): v for k, v in override.options.items()})
            for selector, chosen in self.config.severity.items():
                if self.matches(selector, reg):
                    severity = chosen
            layers.append(self.config.rules.get(rule.id, {}))
            if enabled:
                # Every value was checked against the model when the engine was built.
                resolved = rule.options_model.resolve(*layers)
                active.append(
                    ActiveRule(
                        rule,
                        reg.source,
                        severity,
                        as_mapping(resolved) if rule.options_as_mapping else resolved,
                        *self._scope_of(rule, resolved),
                    )
                )
        return remember(self._active_cache, key, tuple(active))

    def plan_for(self, profile: str, day: date, billed: frozenset[str]) -> RulePlan:
        """The active rules whose procedure triggers ``billed`` meets (or that have none),
        split into those run per claim and those remembered per diagnosis list.

        Remembered per (profile, period, set of procedure codes): claims repeat a few
        hundred procedure combinations, so the per-claim loop visits only rules that may
        apply instead of testing every rule's triggers claim after claim.

        :param profile: the claim's payer profile.
        :param day: the claim's date of service.
        :param billed: the procedure codes the claim bills.
        """
        period = bisect_right(self._period_edges, day)
        key = (profile, period, billed)
        plan: RulePlan | None = self._plans.get(key)
        if plan is None:
            chosen = [
                active
                for active in self.active_rules(profile, day)
                if active.trigger_codes is None or not active.trigger_codes.isdisjoint(billed)
            ]
            by_diagnoses = tuple(a for a in chosen if a.by_diagnoses)
            with self._lock:
                # Options are resolved per (profile, period) and never change, so this key
                # names the same rules with the same options for the engine's whole life.
                group = (profile, period, tuple(a.rule.id for a in by_diagnoses))
                token = self._group_tokens.setdefault(group, len(self._group_tokens))
                plan = RulePlan(tuple(a for a in chosen if not a.by_diagnoses), by_diagnoses, token)
            remember(self._plans, key, plan)
        return plan

    def _scope_of(
        self, rule: Rule, options: RuleOptions
    ) -> tuple[frozenset[str] | None, tuple[DiagnosisPattern, ...], bool]:
        """The rule's `Scope` as the plan needs it, with its options resolved: the
        procedure codes that make it run (None: every claim), the diagnosis patterns one
        of which a claim must carry (empty: any) and whether its hits are remembered per
        diagnosis list.  The one place a scope is read."""
        scope = rule.scope
        if rule.id not in self._static_codes:
            static = None
            if scope.procedures or scope.procedures_in_tables:
                static = _codes_for(scope.procedures, self.tables).union(
                    *(self.tables.procedure_codes_in(t) for t in scope.procedures_in_tables)
                )
            self._static_codes[rule.id] = static
        codes = self._static_codes[rule.id]
        if scope.procedures_from_options:
            named = frozenset(
                str(value)
                for name in scope.procedures_from_options
                for value in _as_tuple(getattr(options, name, None))
            )
            codes = (codes or frozenset()) | _codes_for(named, self.tables)
        patterns = tuple(DiagnosisPattern.parse(p) for p in scope.diagnoses)
        return codes, patterns, scope.diagnoses_only


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
