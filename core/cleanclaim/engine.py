"""The engine: plugins' contributions compiled once, then claims checked against them.

Building an engine calls every hook exactly once and compiles the results into
:class:`~cleanclaim.tables.EngineTables`; :meth:`Engine.check` then runs plain Python over
those tables.  An engine never changes after it is built, so one instance may be shared
by any number of threads (the dataset registry loads each fiscal year under a lock).
"""

from __future__ import annotations

import fnmatch
import re
import threading
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

import pluggy
from pydantic import BaseModel, ValidationError

from cleanclaim import __version__
from cleanclaim.config import Config
from cleanclaim.context import ClaimContext
from cleanclaim.contributions import (
    DiagnosisPattern,
    DocumentationCheck,
    Hit,
    IntegralPair,
    Pairing,
    PayerOverride,
    Procedure,
    ProcedureEdit,
    Rule,
    Synonym,
    UnitLimit,
)
from cleanclaim.icd import DatasetIntegrityError, DatasetRegistry
from cleanclaim.models import (
    SEVERITY_RANK,
    Claim,
    DatasetUsed,
    Finding,
    Report,
    Severity,
    shown,
    status_of,
)
from cleanclaim.plugin import PLUGIN_API
from cleanclaim.plugin.hookspecs import PluginInfo
from cleanclaim.plugin.host import (
    LoadFailure,
    PluginLoadError,
    load_installed,
    new_manager,
    plugin_name,
    register,
    strict_from_env,
)
from cleanclaim.tables import (
    CompiledDocumentationCheck,
    CompiledIntegralPair,
    CompiledPairing,
    EditEntry,
    EngineTables,
    LimitEntry,
)

ENGINE_RULE = "ENG001"
#: rules the engine emits itself (a crash, a dataset fallback): catalogued, never run.
ENGINE_EMITTED = frozenset({ENGINE_RULE, "ENG002"})
DEFAULT_PROFILE = "commercial"
#: payers every bundled plugin knows; a claim for any other payer gets the commercial profile.
BUILTIN_PAYERS = frozenset({"medicare", DEFAULT_PROFILE})

#: hook name -> the contribution model its results must validate as.
CONTRIBUTION_HOOKS: Mapping[str, type[BaseModel]] = MappingProxyType(
    {
        "cleanclaim_procedures": Procedure,
        "cleanclaim_pairings": Pairing,
        "cleanclaim_procedure_edits": ProcedureEdit,
        "cleanclaim_unit_limits": UnitLimit,
        "cleanclaim_documentation_checks": DocumentationCheck,
        "cleanclaim_integral_pairs": IntegralPair,
        "cleanclaim_payer_overrides": PayerOverride,
        "cleanclaim_synonyms": Synonym,
    }
)


@dataclass(frozen=True)
class PluginRecord:
    """A loaded plugin as ``cleanclaim plugins`` shows it."""

    name: str
    version: str
    summary: str
    hooks: tuple[str, ...]
    rules: tuple[str, ...]


@dataclass(frozen=True)
class RegisteredRule:
    """A rule with the name of the plugin that contributed it."""

    rule: Rule
    source: str


@dataclass(frozen=True, slots=True)
class ActiveRule:
    """A rule as it runs for one payer profile and date: severity and options resolved."""

    rule: Rule
    source: str
    severity: Severity
    options: Mapping[str, Any]
    trigger_codes: frozenset[str] | None = None
    diagnosis_triggers: tuple[DiagnosisPattern, ...] = ()


@dataclass
class BuildProblem:
    """Something wrong with a plugin at build time; the plugin's other parts still load."""

    plugin: str
    hook: str
    error: str


@dataclass
class _Contributions:
    by_hook: dict[str, list[tuple[Any, str]]] = field(default_factory=dict)
    rules: dict[str, RegisteredRule] = field(default_factory=dict)
    infos: dict[str, PluginInfo] = field(default_factory=dict)
    hooks_of: dict[str, list[str]] = field(default_factory=dict)


class EngineBuildError(RuntimeError):
    """Strict build failed because a plugin's contribution was broken."""


class InputError(ValueError):
    """A claim that cannot be checked: invalid fields or a date with no dataset."""


class Engine:
    """Checks claims.  Build once (``Engine.build()``), then call :meth:`check` per claim."""

    def __init__(
        self,
        *,
        tables: EngineTables,
        rules: dict[str, RegisteredRule],
        overrides: list[tuple[PayerOverride, str]],
        config: Config,
        datasets: DatasetRegistry,
        plugins: list[PluginRecord],
        failures: list[LoadFailure],
        problems: list[BuildProblem],
    ) -> None:
        self.tables = tables
        self.rules = rules
        self.config = config
        self.datasets = datasets
        self.plugins = plugins
        self.load_failures = failures
        self.problems = problems
        self._overrides = overrides
        self._known_payers = frozenset(o.payer for o, _ in overrides) | BUILTIN_PAYERS
        self._check_config()
        self._candidates = [
            r for r in rules.values() if self._selected(r) and r.rule.id not in ENGINE_EMITTED
        ]
        self._trigger_codes = {
            reg.rule.id: _codes_for(reg.rule.triggers, tables)
            for reg in self._candidates
            if reg.rule.triggers
        }
        self._active_cache: dict[tuple[str, int], tuple[ActiveRule, ...]] = {}
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

    # -- building -------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        plugins: Iterable[object] | None = None,
        *,
        installed: bool = True,
        config: Config | None = None,
        datasets: DatasetRegistry | None = None,
        strict: bool = False,
    ) -> Engine:
        """Build an engine from the installed plugins and/or explicit plugin objects.

        ``installed=False`` with ``plugins=[...]`` gives a hermetic engine (the kernel's own
        rules plus exactly those plugins), which is what plugin tests want.
        """
        config = config or Config()
        strict = strict or strict_from_env()
        pm = new_manager()
        from cleanclaim.rules import lib as core_plugin

        register(pm, core_plugin, "core")
        failures: list[LoadFailure] = []
        if installed:
            failures = load_installed(pm, allow=config.plugins, strict=strict)
        for plugin in plugins or ():
            if not pm.is_registered(plugin):
                register(pm, plugin, getattr(plugin, "__name__", None))
        problems: list[BuildProblem] = []
        contributions = _collect(pm, problems)
        if strict and problems:
            raise EngineBuildError(
                "; ".join(f"plugin {p.plugin}: {p.hook}: {p.error}" for p in problems)
            )
        from cleanclaim.ncci import load_mue_file, load_ptp_file
        from cleanclaim.payers import load_override_file

        tables = _compile_tables(contributions)
        for path in config.ncci_ptp:
            for edit in load_ptp_file(config.resolve(path)):
                tables.official_edits.setdefault((edit.column1, edit.column2), []).append(
                    EditEntry(edit, "CMS NCCI PTP")
                )
        for path in config.ncci_mue:
            for limit in load_mue_file(config.resolve(path)):
                tables.official_limits.setdefault(limit.code, []).append(
                    LimitEntry(limit, "CMS NCCI MUE")
                )
        if config.cpt_descriptors is not None:
            from cleanclaim.descriptors import load_descriptors

            tables.descriptors = load_descriptors(config.resolve(config.cpt_descriptors))
        overrides: list[tuple[PayerOverride, str]] = [
            (o, src) for o, src in contributions.by_hook.get("cleanclaim_payer_overrides", [])
        ]
        for path in config.payer_overrides:
            resolved = config.resolve(path)
            overrides.extend((o, str(resolved)) for o in load_override_file(resolved))
        records = [
            PluginRecord(
                name=name,
                version=_version_of(pm, name),
                summary=info.summary,
                hooks=tuple(sorted(contributions.hooks_of.get(name, []))),
                rules=tuple(
                    sorted(r.rule.id for r in contributions.rules.values() if r.source == name)
                ),
            )
            for name, info in sorted(contributions.infos.items())
        ]
        return cls(
            tables=tables,
            rules=dict(sorted(contributions.rules.items())),
            overrides=overrides,
            config=config,
            datasets=datasets or DatasetRegistry.packaged(),
            plugins=records,
            failures=failures,
            problems=problems,
        )

    # -- rule selection ---------------------------------------------------------------------

    def _matches(self, selector: str, reg: RegisteredRule) -> bool:
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
        from cleanclaim.config import ConfigError

        for selector in self.config.select:
            if not any(self._matches(selector, reg) for reg in self.rules.values()):
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
        if cfg.select and not any(self._matches(s, reg) for s in cfg.select):
            return False
        return not any(self._matches(s, reg) for s in cfg.ignore)

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
            for override, _source in self._overrides:
                if override.payer != profile or not override.holds_on(day):
                    continue
                if not (override.matches(rule.id, rule.groups) or override.rule == reg.source):
                    continue
                if override.enabled is not None:
                    enabled = override.enabled
                if override.severity is not None:
                    severity = override.severity
                options.update(override.options)
            for selector, chosen in self.config.severity.items():
                if self._matches(selector, reg):
                    severity = chosen
            options.update(self.config.rules.get(rule.id, {}))
            if enabled:
                active.append(
                    ActiveRule(
                        rule,
                        reg.source,
                        severity,
                        MappingProxyType({k: _freeze(v) for k, v in options.items()}),
                        self._trigger_codes.get(rule.id),
                        tuple(DiagnosisPattern.parse(p) for p in rule.diagnosis_triggers),
                    )
                )
        result = tuple(active)
        with self._lock:
            if len(self._active_cache) > 4096:
                self._active_cache.clear()
            self._active_cache[key] = result
        return result

    # -- checking ----------------------------------------------------------------------------

    def check(self, claim: Claim | Mapping[str, Any]) -> Report:
        """Check one claim and return its report.

        Raises :class:`InputError` when the claim is invalid or no dataset is packaged
        for its date of service; a rule that crashes becomes an ENG001 finding instead.
        """
        if not isinstance(claim, Claim):
            try:
                claim = Claim.model_validate(claim)
            except ValidationError as exc:
                # from None: pydantic's own text quotes the input values (patient data),
                # and a logged traceback would print the chained exception too.
                raise InputError(describe_validation(exc)) from None
        from cleanclaim.icd import NoDatasetError

        fallback_note: Finding | None = None
        try:
            dataset = self.datasets.for_date(claim.date_of_service)
        except NoDatasetError as exc:
            fallback = self.config.fallback_fiscal_year
            if fallback is None:
                raise InputError(f"date_of_service: {exc}") from exc
            dataset = self.datasets.for_fiscal_year(fallback)
            fallback_note = _fallback_finding(claim.date_of_service, fallback)
        payer = claim.payer or self.config.default_payer
        profile = self.profile_of(payer)
        ctx = ClaimContext(claim, dataset, self.tables, payer, profile, self.datasets)
        findings: list[Finding] = [fallback_note] if fallback_note else []
        billed = ctx.procedure_codes
        for active in self.active_rules(profile, claim.date_of_service):
            if active.trigger_codes is not None and active.trigger_codes.isdisjoint(billed):
                continue
            if active.diagnosis_triggers and not _diagnosis_triggered(active, ctx):
                continue
            rule = active.rule
            ctx.rule_id = rule.id
            try:
                for hit in rule.check(ctx, active.options):
                    _check_hit(hit)
                    findings.append(
                        Finding.model_construct(
                            rule=rule.id,
                            severity=hit.severity or active.severity,
                            message=hit.message,
                            source=active.source,
                            location=hit.location,
                            codes=list(hit.codes),
                            suggestions=list(hit.suggestions),
                            reference=hit.reference or rule.reference,
                        )
                    )
            except DatasetIntegrityError:  # broken reference data: no rule can be trusted
                raise
            except Exception as exc:  # one broken rule must not cost the claim its report
                findings.append(_crash_finding(rule, active.source, exc))
        findings.sort(key=_finding_order)
        info = dataset.info
        return Report.model_construct(
            claim_id=claim.claim_id,
            status=status_of(findings),
            dataset=DatasetUsed.model_construct(
                system=info.system,
                fiscal_year=info.fiscal_year,
                release=info.release,
                release_date=info.release_date,
            ),
            findings=findings,
        )

    def check_many(self, claims: Iterable[Claim | Mapping[str, Any]]) -> Iterator[Report]:
        """Check claims lazily, one report per claim, in input order."""
        for claim in claims:
            yield self.check(claim)

    def describe(self) -> dict[str, Any]:
        """What the engine was built from, for ``cleanclaim plugins`` and diagnostics."""
        return {
            "cleanclaim": __version__,
            "plugin_api": PLUGIN_API,
            "plugins": [r.__dict__ for r in self.plugins],
            "load_failures": [f.__dict__ for f in self.load_failures],
            "problems": [p.__dict__ for p in self.problems],
        }


def _diagnosis_triggered(active: ActiveRule, ctx: ClaimContext) -> bool:
    """True when a diagnosis of the claim is covered by one of the rule's patterns
    (remembered per rule and code: the same codes come back claim after claim)."""
    memo = ctx.tables.memo
    rule_id = active.rule.id
    for code in ctx.diagnoses:
        key = ("diagnosis-trigger", rule_id, code)
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = any(p.covers(code) for p in active.diagnosis_triggers)
        if hit:
            return True
    return False


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


def _codes_for(triggers: frozenset[str], tables: EngineTables) -> frozenset[str]:
    """The procedure codes that make a rule with ``triggers`` run: the codes named, plus
    every code some plugin tagged with one of the tags named."""
    tagged = {code for code, proc in tables.procedures.items() if proc.tags & triggers}
    return frozenset(triggers) | tagged


def _finding_order(finding: Finding) -> tuple[int, str, str, tuple[str, ...]]:
    return (-SEVERITY_RANK[finding.severity], finding.rule, finding.location, tuple(finding.codes))


def _check_hit(hit: Any) -> None:
    # Findings are built unvalidated (speed): a hit of the wrong shape would otherwise
    # crash the sort or the report's JSON far from the rule; here it becomes ENG001.
    if not isinstance(hit, Hit) or type(hit.message) is not str or type(hit.location) is not str:
        raise TypeError("rule yielded something that is not a Hit")
    if hit.severity is not None and hit.severity not in SEVERITY_RANK:
        raise TypeError("rule yielded a Hit with an unknown severity")


def _crash_finding(rule: Rule, source: str, exc: Exception) -> Finding:
    # The exception text is left out on purpose: it may quote claim data (privacy).
    return Finding(
        rule=ENGINE_RULE,
        severity="error",
        message=(
            f"Rule {rule.id} of plugin {source!r} failed on this claim "
            f"({type(exc).__name__}); the claim was not fully checked."
        ),
        source="core",
        location="",
        codes=[],
        suggestions=[],
        reference=f"plugin {source}, rule {rule.id}",
    )


def _fallback_finding(day: date, fallback: int) -> Finding:
    fiscal_year = day.year + 1 if day.month >= 10 else day.year
    return Finding(
        rule="ENG002",
        severity="warning",
        message=(
            f"No ICD-10-CM dataset is packaged for FY{fiscal_year} (date of service "
            f"{day.isoformat()}); the claim was checked against FY{fallback} because the "
            "configuration asks for it. Codes added, deleted or changed between the two years "
            "may be judged wrongly."
        ),
        source="core",
        location="date_of_service",
        codes=[],
        suggestions=[],
        reference="configuration: fallback-fiscal-year",
    )


_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,40}$")


def describe_validation(exc: ValidationError) -> str:
    """One line per problem naming the field (``lines[0].units: ...``), no input values."""
    parts = []
    for err in exc.errors(include_input=False, include_url=False):
        loc = ""
        for piece in err["loc"]:
            if isinstance(piece, str) and not _FIELD_NAME.match(piece):
                # an unknown key is input too: it may hold a newline or pasted text
                piece = f"[{shown(piece)}]"
                loc += piece
                continue
            loc += f"[{piece}]" if isinstance(piece, int) else (f".{piece}" if loc else str(piece))
        parts.append(f"{loc or 'claim'}: {err['msg']}")
    return "; ".join(parts)


def _version_of(pm: pluggy.PluginManager, name: str) -> str:
    from importlib.metadata import entry_points

    for ep in entry_points(group="cleanclaim"):
        if ep.name == name and ep.dist is not None:
            return ep.dist.version
    return "unregistered"


def _collect(pm: pluggy.PluginManager, problems: list[BuildProblem]) -> _Contributions:
    """Call every hook of every plugin once, attributing and validating each result."""
    out = _Contributions()
    # pm.get_plugins() is a set: without a fixed order a plugin could take a kernel rule
    # id (or win a duplicate) on some runs and not others.  The kernel goes first.
    ordered = sorted(
        ((plugin_name(pm, plugin), plugin) for plugin in pm.get_plugins()),
        key=lambda item: (item[0] != "core", item[0]),
    )
    for registered, plugin in ordered:
        impls = {
            impl.function.__name__: impl
            for hook in pm.get_hookcallers(plugin) or []
            for impl in hook.get_hookimpls()
            if impl.plugin is plugin
        }
        info_impl = impls.get("cleanclaim_plugin_info")
        if info_impl is None:
            problems.append(BuildProblem(registered, "cleanclaim_plugin_info", "not implemented"))
            continue
        try:
            info = PluginInfo.model_validate(info_impl.function())
        except Exception as exc:
            problems.append(BuildProblem(registered, "cleanclaim_plugin_info", _short(exc)))
            continue
        if info.api != PLUGIN_API:
            problems.append(
                BuildProblem(
                    info.name,
                    "cleanclaim_plugin_info",
                    f"written for plugin API {info.api}, this kernel offers {PLUGIN_API}",
                )
            )
            continue
        name = info.name
        out.infos[name] = info
        out.hooks_of[name] = sorted(impls)
        for hook_name, impl in sorted(impls.items()):
            if hook_name == "cleanclaim_plugin_info":
                continue
            try:
                result: Any = impl.function()
                if hook_name == "cleanclaim_rules":
                    _add_rules(out, result, name, info, problems)
                    continue
                model = CONTRIBUTION_HOOKS[hook_name]
                items = [
                    item if isinstance(item, model) else model.model_validate(item)
                    for item in (result or [])
                ]
            except Exception as exc:  # malformed contributions are reported, not fatal
                problems.append(BuildProblem(name, hook_name, _short(exc)))
                continue
            out.by_hook.setdefault(hook_name, []).extend((item, name) for item in items)
    return out


def _add_rules(
    out: _Contributions, result: Any, source: str, info: PluginInfo, problems: list[BuildProblem]
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


def _short(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return describe_validation(exc)
    return f"{type(exc).__name__}: {exc}"


def _compile_tables(contrib: _Contributions) -> EngineTables:
    """Merge every plugin's contributions into look-up tables (order-independent)."""
    tables = EngineTables()
    get = contrib.by_hook.get
    sources: dict[str, set[str]] = {}
    for proc, src in sorted(get("cleanclaim_procedures", []), key=lambda p: (p[1], p[0].code)):
        assert isinstance(proc, Procedure)
        known = tables.procedures.get(proc.code)
        if known is None:
            tables.procedures[proc.code] = proc
        else:  # several plugins know the code: keep the first label, merge what it is
            tables.procedures[proc.code] = known.model_copy(
                update={
                    "tags": known.tags | proc.tags,
                    "primary_codes": tuple(dict.fromkeys(known.primary_codes + proc.primary_codes)),
                }
            )
        sources.setdefault(proc.code, set()).add(src)
    tables.procedure_sources = {code: tuple(sorted(s)) for code, s in sources.items()}
    for pairing, src in get("cleanclaim_pairings", []):
        assert isinstance(pairing, Pairing)
        compiled = CompiledPairing(pairing, tuple(pairing.patterns()), src)
        for code in pairing.procedures:
            tables.pairings.setdefault(code, []).append(compiled)
    for edit, src in get("cleanclaim_procedure_edits", []):
        assert isinstance(edit, ProcedureEdit)
        tables.plugin_edits.setdefault((edit.column1, edit.column2), []).append(
            EditEntry(edit, src)
        )
    for limit, src in get("cleanclaim_unit_limits", []):
        assert isinstance(limit, UnitLimit)
        tables.plugin_limits.setdefault(limit.code, []).append(LimitEntry(limit, src))
    for check, src in get("cleanclaim_documentation_checks", []):
        assert isinstance(check, DocumentationCheck)
        tables.documentation.setdefault(check.rule, []).append(
            CompiledDocumentationCheck(check, tuple(check.patterns()), src)
        )
    for pair, src in get("cleanclaim_integral_pairs", []):
        assert isinstance(pair, IntegralPair)
        tables.integral_pairs.append(
            CompiledIntegralPair(
                pair,
                DiagnosisPattern.parse(pair.symptom),
                DiagnosisPattern.parse(pair.definitive),
                src,
            )
        )
    for synonym, _src in get("cleanclaim_synonyms", []):
        assert isinstance(synonym, Synonym)
        tables.synonyms.setdefault(synonym.term.lower(), []).extend(synonym.means)
    return tables


__all__ = ["ActiveRule", "Engine", "InputError", "PluginLoadError", "PluginRecord"]
