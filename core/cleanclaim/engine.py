"""The engine: plugins' contributions compiled once, then claims checked against them.

Building an engine calls every hook exactly once and compiles the results into
`EngineTables`; [`Engine.check()`][cleanclaim.engine.Engine.check] then runs plain Python over
those tables.  An engine never changes after it is built, so one instance may be shared
by any number of threads (the dataset registry loads each fiscal year under a lock).
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from pydantic import ValidationError

from cleanclaim import __version__, deadline, interrupts
from cleanclaim.build import (
    BuildProblem,
    PluginRecord,
    PrefixClash,
    RegisteredRule,
    assemble,
    gather,
)
from cleanclaim.config import Config
from cleanclaim.context import ClaimContext
from cleanclaim.contributions import (
    Hit,
    PayerOverride,
    Rule,
)
from cleanclaim.icd import (
    Dataset,
    DatasetInfo,
    DatasetIntegrityError,
    DatasetRegistry,
    NoDatasetError,
)
from cleanclaim.memo import Memo, remember
from cleanclaim.models import (
    REPORT_SCHEMA_VERSION,
    SEVERITY_RANK,
    Claim,
    DatasetUsed,
    Finding,
    InvalidRecord,
    PayerUsed,
    Report,
    describe_validation,
    status_of,
    trusted,
)
from cleanclaim.plugin import PLUGIN_API
from cleanclaim.plugin.host import (
    LoadFailure,
    load_installed,
    new_manager,
    register,
    strict_from_env,
)
from cleanclaim.selection import (
    ActiveRule,
    RulePlan,
    RuleSelection,
)
from cleanclaim.tables import EngineTables

#: what a vendor's log pipeline gets: plugins loaded and failed, build problems, the
#: datasets an engine serves, fallbacks used.  Never a claim's content (claims carry
#: patient data): no code, id, date of service or payer of any claim is logged.
log = logging.getLogger("cleanclaim")

ENGINE_RULE = "ENG001"


class EngineBuildError(RuntimeError):
    """Strict build failed because a plugin's contribution was broken."""


class InputError(ValueError):
    """A claim that cannot be checked: invalid fields or a date with no dataset."""


class Engine:
    """Checks claims.  Build once (``Engine.build()``), then call `check()` per claim."""

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
        """An engine from parts already built; use [`build()`][cleanclaim.engine.Engine.build].

        :param tables: the merged, sealed contribution tables the rules read.
        :param rules: every registered rule by id, with the plugin that gave it.
        :param overrides: payer overrides, each with where it came from, in the order they
            apply.
        :param config: the resolved configuration.
        :param datasets: the ICD-10-CM datasets claims are judged against.
        :param plugins: what each loaded plugin contributed.
        :param failures: installed plugins that could not be loaded.
        :param problems: hooks that failed while the engine was built.
        """
        self.tables = tables
        self.rules = rules
        self.config = config
        self.datasets = datasets
        self.plugins = plugins
        self.load_failures = failures
        self.problems = problems
        self._overrides = overrides
        self.selection = RuleSelection(
            rules, overrides, config, tables, frozenset(p.name for p in plugins)
        )
        #: hits of ``diagnoses_only`` rules per (plan token, dataset, diagnosis list,
        #: specialty: a rule scoped to specialties may be skipped on some claims).
        self._remembered_hits = Memo("diagnoses-only rules' hits per diagnosis list")
        #: the report's payer record per claim payer (bounded: payer ids come from claims)
        self._payers_used = Memo("the report's payer record per claim payer")
        self._fallbacks_logged: set[str] = set()
        self._datasets_used: set[Dataset] = set()
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

        :param plugins: plugin objects (modules or instances with hook implementations)
            registered besides the installed ones.
        :param installed: also load the plugins installed as ``cleanclaim`` entry points
            (those the configuration's ``plugins`` allows).
        :param config: the configuration (``Config.discover()`` or ``Config.load(path)``);
            default: ``Config()``, every rule with its defaults.
        :param datasets: the dataset registry to judge claims against; default: the
            packaged datasets and those in the configuration's data directory.
        :param strict: raise instead of recording a plugin that fails to load or a hook
            that fails (also set by ``CLEANCLAIM_STRICT=1``).
        :returns: the engine, ready for [`check()`][cleanclaim.engine.Engine.check].
        :raises EngineBuildError: in strict mode, when a plugin or hook failed.
        """
        config = config or Config()
        strict = strict or strict_from_env()
        interrupts.install()  # Ctrl-C is counted, so plugin code cannot fake or swallow it
        pm = new_manager()
        from cleanclaim.rules import lib as core_plugin

        register(pm, core_plugin, "core")
        failures: list[LoadFailure] = []
        if installed:
            failures = load_installed(
                pm, allow=config.plugins, strict=strict, time_limit=config.build_time_limit
            )
        for plugin in plugins or ():
            if not pm.is_registered(plugin):
                register(pm, plugin, getattr(plugin, "__name__", None))
        contributions, problems = gather(pm, config)
        clashes = [p for p in problems if isinstance(p, PrefixClash)]
        if clashes:  # two plugins' rules could not be told apart: never a silent winner
            raise EngineBuildError("; ".join(p.error for p in clashes))
        if strict and problems:
            raise EngineBuildError(
                "; ".join(f"plugin {p.plugin}: {p.hook}: {p.error}" for p in problems)
            )
        built = assemble(contributions, config)
        registry = datasets or DatasetRegistry.for_data_dir(config.datasets_dir)
        _check_fallback(config, registry)
        _log_build(built.plugins, failures, problems, registry, config)
        return cls(
            tables=built.tables,
            rules=built.rules,
            overrides=list(built.overrides),
            config=config,
            datasets=registry,
            plugins=built.plugins,
            failures=failures,
            problems=problems,
        )

    @property
    def payer_overrides(self) -> tuple[tuple[PayerOverride, str], ...]:
        """Every payer override the engine applies, with where it came from (the plugin's
        name, or the override file's path), in the order they apply: plugins' first, then
        the user's files.  What ``cleanclaim rules RULE`` shows for one rule."""
        return tuple(self._overrides)

    # -- rule selection (see cleanclaim.selection) -------------------------------------------

    def profile_of(self, payer: str) -> str:
        """The payer whose overrides apply: the payer itself if known, else ``commercial``.

        :param payer: a payer id, normalised (``medicare``).
        """
        return self.selection.profile_of(payer)

    def active_rules(self, profile: str, day: date) -> tuple[ActiveRule, ...]:
        """The rules that run for a payer profile on a date, with severity and options.

        :param profile: a payer profile, as [`profile_of()`][cleanclaim.engine.Engine.profile_of]
            gives it.
        :param day: the date of service.
        """
        return self.selection.active_rules(profile, day)

    def plan_for(self, profile: str, day: date, billed: frozenset[str]) -> RulePlan:
        """The rules to run on a claim of ``profile`` on ``day`` billing ``billed``.

        :param profile: the claim's payer profile.
        :param day: the claim's date of service.
        :param billed: the procedure codes the claim bills (rules triggered by others are
            left out).
        """
        return self.selection.plan_for(profile, day, billed)

    # -- checking ----------------------------------------------------------------------------

    def check(self, claim: Claim | Mapping[str, Any]) -> Report:
        """Check one claim and return its report.

        Raises [`InputError`][cleanclaim.engine.InputError] when the claim is invalid or no dataset
        is packaged
        for its date of service; a rule that crashes becomes an ENG001 finding instead,
        and so does a rule still running when the claim's time limit passes (the
        configuration's ``time-limit``; main thread only, see `cleanclaim.deadline`).

        :param claim: a [`Claim`][cleanclaim.models.Claim], or a mapping in its JSON shape
            (validated here).
        :returns: the claim's report; its ``input`` member is absent (the claim was given
            directly, not read from a file).
        :raises InputError: the claim is invalid or no dataset serves its date.
        """
        armed = deadline.start(self.config.time_limit)
        try:
            return self._check(claim, armed)
        finally:
            if armed:
                deadline.stop()

    def _check(self, claim: Claim | Mapping[str, Any], armed: bool) -> Report:
        if not isinstance(claim, Claim):
            try:
                claim = _validate_claim(claim)
            except ValidationError as exc:
                # from None: pydantic's own text quotes the input values (patient data),
                # and a logged traceback would print the chained exception too.
                raise InputError(describe_validation(exc)) from None

        fallback_note: Finding | None = None
        try:
            dataset = self.datasets.for_date(claim.date_of_service)
        except NoDatasetError as exc:
            fallback = self.config.fallback_fiscal_year
            if fallback is None:
                raise InputError(f"date_of_service: {exc}") from exc
            dataset = self.datasets.for_fiscal_year(fallback)
            if dataset.info.name not in self._fallbacks_logged:
                self._fallbacks_logged.add(dataset.info.name)  # once per engine and year
                log.warning(
                    "fallback: claims whose date no dataset serves are judged against %s "
                    "(asked for by %s); each such report carries ENG002",
                    dataset.info.name,
                    self.config.fallback_source,
                )
            fallback_note = _fallback_finding(
                claim.date_of_service, dataset.info, exc.missing, self.config.fallback_source
            )
        if dataset not in self._datasets_used:
            self._note_dataset(dataset)
        payer = claim.payer or self.config.default_payer
        selection = self.selection
        profile = selection.profile_of(payer)
        ctx = ClaimContext(claim, dataset, self.tables, payer, profile, self.datasets)
        findings: list[Finding] = [fallback_note] if fallback_note else []
        plan = selection.plan_for(profile, claim.date_of_service, ctx.procedure_codes)
        if plan.by_diagnoses:
            key = (plan.token, dataset, tuple(claim.diagnoses), ctx.specialty)
            hits = self._remembered_hits.get(key)
            if hits is None:
                hits, crashes = _run(plan.by_diagnoses, ctx, armed)
                if crashes:  # a crash is not an answer to remember
                    findings.extend(crashes)
                else:
                    remember(self._remembered_hits, key, hits)
            findings.extend(_finding(active, hit) for active, hit in hits)
        hits, crashes = _run(plan.per_claim, ctx, armed)
        findings.extend(_finding(active, hit) for active, hit in hits)
        findings.extend(crashes)
        if len(findings) > 1:
            findings.sort(key=_finding_order)
        return trusted(
            Report,
            claim_id=claim.claim_id,
            status=status_of(findings) if findings else "clean",
            dataset=_dataset_used(dataset.info),
            findings=findings,
            payer=self.payer_used(claim.payer),
            cleanclaim_version=__version__,
            schema_version=REPORT_SCHEMA_VERSION,
            input=None,
        )

    def _note_dataset(self, dataset: Dataset) -> None:
        """Log the first claim an engine checks against each dataset (not the claim)."""
        with self._lock:
            if dataset in self._datasets_used:
                return
            self._datasets_used.add(dataset)
        info = dataset.info
        log.info(
            "dataset in use: %s (%s%s)",
            info.name,
            info.origin,
            ", provisional" if info.provisional else "",
        )

    def payer_used(self, payer: str | None) -> PayerUsed:
        """The report's record of the payer profile for a claim whose payer is ``payer``
        (None: it names none); one shared (frozen) object per payer.

        :param payer: the claim's payer id, or None when it names none.
        """
        used: PayerUsed | None = self._payers_used.get(payer)
        if used is None:
            chosen = payer or self.config.default_payer
            profile = self.selection.profile_of(chosen)
            if payer is None and chosen == profile == "commercial":
                note = "no payer given: commercial defaults"
            elif payer is None and profile == chosen:
                note = f"no payer given: the default payer, {profile}"
            elif payer is None:
                note = f"no payer given; the default payer {chosen!r} has no profile: "
                note += f"{profile} defaults"
            elif profile == payer:
                note = "the claim's payer"
            else:
                note = f"payer {payer!r} has no profile of its own: {profile} defaults"
            used = remember(
                self._payers_used, payer, PayerUsed(payer=payer, profile=profile, note=note)
            )
        return used

    def check_many(
        self, claims: Iterable[Claim | Mapping[str, Any]]
    ) -> Iterator[Report | InvalidRecord]:
        """Check claims lazily, one result per claim, in input order.

        A claim that cannot be checked (it fails validation, or no dataset serves its
        date) yields an [`InvalidRecord`][cleanclaim.models.InvalidRecord] naming its 1-based
        position and what is wrong, and the next claim is checked: as ``check --batch``
        does, one bad claim never stops the others.

        :param claims: claims as [`Claim`][cleanclaim.models.Claim] objects or mappings.
        :returns: the report of each claim, or its invalid record, lazily.
        """
        for number, claim in enumerate(claims, start=1):
            try:
                yield self.check(claim)
            except InputError as exc:
                yield InvalidRecord(line=number, status="invalid", errors=str(exc).split("; "))

    def describe(self) -> dict[str, Any]:
        """What the engine was built from, for ``cleanclaim plugins`` and diagnostics."""
        return {
            "cleanclaim": __version__,
            "plugin_api": PLUGIN_API,
            "plugins": [r.__dict__ for r in self.plugins],
            "load_failures": [f.__dict__ for f in self.load_failures],
            "problems": [p.__dict__ for p in self.problems],
        }


#: pydantic's validator itself: ``Claim.model_validate`` without its Python-level wrapper.
_validate_claim: Callable[[Any], Claim] = Claim.__pydantic_validator__.validate_python

_DATASETS_USED: dict[tuple[str, str, str], DatasetUsed] = {}


def _dataset_used(info: DatasetInfo) -> DatasetUsed:
    """The report's record of the dataset: one shared (frozen) object per dataset."""
    key = (info.name, info.origin, info.sha256)
    used = _DATASETS_USED.get(key)
    if used is None:
        used = _DATASETS_USED[key] = DatasetUsed(
            system=info.system,
            fiscal_year=info.fiscal_year,
            release=info.release,
            release_date=info.release_date,
            name=info.name,
            origin=info.origin,
            provisional=info.provisional,
            verified=info.verified,
        )
    return used


def _log_build(
    records: list[PluginRecord],
    failures: list[LoadFailure],
    problems: list[BuildProblem],
    registry: DatasetRegistry,
    config: Config,
) -> None:
    """One record per plugin loaded, plugin failed and build problem, and the datasets."""
    for record in records:
        log.info("plugin loaded: %s %s (%d rules)", record.name, record.version, len(record.rules))
    for failure in failures:
        log.warning(
            "plugin failed to load: %s (%s %s): %s",
            failure.name,
            failure.distribution,
            failure.version,
            failure.error,
        )
    for problem in problems:
        log.warning("plugin %s: %s: %s", problem.plugin, problem.hook, problem.error)
    for info in registry.available():
        log.info(
            "dataset available: %s (%s, serves %s to %s%s)",
            info.name,
            info.origin,
            info.serves_from,
            info.serves_to,
            ", provisional" if info.provisional else "",
        )
    if config.fallback_fiscal_year is not None:
        log.info(
            "fallback fiscal year %d is configured (%s)",
            config.fallback_fiscal_year,
            config.fallback_source,
        )


def _check_fallback(config: Config, registry: DatasetRegistry) -> None:
    """A fallback year no dataset serves is a bad setting, said before any claim is read
    (in a batch it would otherwise turn every uncovered claim into a crash)."""
    year = config.fallback_fiscal_year
    if year is not None and year not in registry.fiscal_years():
        from cleanclaim.config import ConfigError

        years = ", ".join(f"FY{y}" for y in registry.fiscal_years()) or "none"
        raise ConfigError(
            f"{_fallback_origin(config.fallback_source)}: no dataset for fiscal year {year} "
            f"to fall back to (datasets: {years})"
        )


def _fallback_origin(source: str) -> str:
    return "--fallback-fy" if source == "--fallback-fy" else "fallback-fiscal-year (configuration)"


def _diagnosis_triggered(active: ActiveRule, ctx: ClaimContext) -> bool:
    """True when a diagnosis of the claim is covered by one of the rule's patterns
    (remembered per rule and code: the same codes come back claim after claim)."""
    memo = ctx.tables.memo
    rule_id = active.rule.id
    for code in ctx.diagnoses:
        key = ("diagnosis-trigger", rule_id, code)
        hit = memo.get(key)
        if hit is None:
            hit = remember(memo, key, any(p.covers(code) for p in active.diagnosis_triggers))
        if hit:
            return True
    return False


#: set by a batch worker re-checking one claim after a worker died: called with (plugin,
#: rule id) before each rule, so that a rule that kills its process can be named.
RULE_WATCH: Callable[[str, str], None] | None = None


def _run(
    rules: tuple[ActiveRule, ...], ctx: ClaimContext, armed: bool = False
) -> tuple[tuple[tuple[ActiveRule, Hit], ...], list[Finding]]:
    """Run ``rules`` on one claim: their hits, and an ENG001 finding per rule that failed.

    Plugin code is isolated with ``BaseException``: a rule's ``sys.exit()``, its own
    ``KeyboardInterrupt`` or a stray ``GeneratorExit`` costs that rule, never the claim's
    report or the process.  A real interrupt of the process (a signal, see
    `cleanclaim.interrupts`) still stops it, even if the rule swallowed it.

    With ``armed`` (the claim's time limit runs, `cleanclaim.deadline`), a rule
    still running when it passes is interrupted and answered with ENG001 naming it, even
    if it caught the interruption; the rules after it are not run (the finding says so).
    """
    hits: list[tuple[ActiveRule, Hit]] = []
    crashes: list[Finding] = []
    seen = interrupts.received
    watch = RULE_WATCH
    limit = deadline.state
    state = ctx.__dict__  # the context refuses attribute writes (read-only to rules)
    for position, active in enumerate(rules):
        if armed and limit.expired:
            _add(crashes, _overrun_finding(active, rules[position:], running=False))
            break
        if active.diagnosis_triggers and not _diagnosis_triggered(active, ctx):
            continue
        rule = active.rule
        if (rule.specialties or rule.excluded_specialties) and not rule.speaks_on(ctx.specialty):
            continue  # another specialty's claim (Rule.specialties)
        state["rule_id"] = rule.id
        if watch is not None:
            watch(active.source, rule.id)
        mark = len(hits)
        try:
            try:
                if armed:
                    limit.in_plugin = True
                for hit in rule.check(ctx, active.options):
                    _check_hit(hit)
                    hits.append((active, hit))
            finally:  # an Overrun arriving here is caught just below, as in the rule
                limit.in_plugin = False
        except deadline.Overrun:
            del hits[mark:]
            _add(crashes, _overrun_finding(active, rules[position + 1 :], running=True))
            break
        except DatasetIntegrityError:  # broken reference data: no rule can be trusted
            raise
        except BaseException as exc:  # one broken rule must not cost the claim its report
            interrupts.reraise_if_real(exc, seen)
            if armed and limit.expired:  # it turned the interruption into another error
                del hits[mark:]
                _add(crashes, _overrun_finding(active, rules[position + 1 :], running=True))
                break
            crashes.append(_crash_finding(rule, active.source, exc))
        else:
            if armed and limit.expired:  # it swallowed the interruption: its hits are partial
                del hits[mark:]
                _add(crashes, _overrun_finding(active, rules[position + 1 :], running=True))
                break
    interrupts.check_swallowed(seen)
    return tuple(hits), crashes


def _add(findings: list[Finding], finding: Finding | None) -> None:
    if finding is not None:
        findings.append(finding)


def _finding(active: ActiveRule, hit: Hit) -> Finding:
    rule = active.rule
    return trusted(
        Finding,
        rule=rule.id,
        severity=hit.severity or active.severity,
        message=hit.message,
        source=active.source,
        location=hit.location,
        codes=list(hit.codes),
        suggestions=list(hit.suggestions),
        reference=hit.reference or rule.reference,
        input_location=None,
    )


def _finding_order(finding: Finding) -> tuple[int, str, str, tuple[str, ...]]:
    return (-SEVERITY_RANK[finding.severity], finding.rule, finding.location, tuple(finding.codes))


def _check_hit(hit: Any) -> None:
    # Findings are built unvalidated (speed): a hit of the wrong shape would otherwise
    # crash the sort or the report's JSON far from the rule -- or in a batch, lose the
    # claim's line -- so every field a report carries is checked here; a bad one makes
    # the rule's result ENG001 for this claim, and the batch goes on.
    if not isinstance(hit, Hit):
        raise TypeError("rule yielded something that is not a Hit")
    if not (_is_text(hit.message) and _is_text(hit.location)):
        raise TypeError("rule yielded a Hit whose message or location is not text")
    severity = hit.severity
    if severity is not None and (type(severity) is not str or severity not in SEVERITY_RANK):
        raise TypeError("rule yielded a Hit with an unknown severity")
    if hit.reference is not None and not _is_text(hit.reference):
        raise TypeError("rule yielded a Hit whose reference is not text")
    for values in (hit.codes, hit.suggestions):
        if type(values) not in (tuple, list) or not all(_is_text(v) for v in values):
            raise TypeError("rule yielded a Hit whose codes or suggestions are not a list of text")


def _is_text(value: Any) -> bool:
    """A ``str`` that can be written as UTF-8 (a lone surrogate cannot)."""
    if type(value) is not str:
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _crash_finding(rule: Rule, source: str, exc: BaseException) -> Finding:
    # The exception text is left out on purpose: it may quote claim data (privacy).
    return Finding(
        rule=ENGINE_RULE,
        severity="error",
        message=(
            f"Rule {rule.id} of plugin {source!r} failed on this claim "
            f"({_exception_name(exc)}); the claim was not fully checked."
        ),
        source="core",
        location="",
        codes=[],
        suggestions=[],
        reference=f"plugin {source}, rule {rule.id}",
    )


def _exception_name(exc: BaseException) -> str:
    """The exception's type as ENG001 names it: a class its module defines under that name
    (``KeyError``, ``cleanclaim_pt.rules.ParseError``'s ``ParseError``), else the nearest
    built-in base (``a ValueError subclass``).  A type is plugin code too: one made on the
    fly from the claim (``type(note, (ValueError,), {})``) must not be quoted (privacy)."""
    kind = type(exc)
    name: str = kind.__name__
    module = sys.modules.get(kind.__module__)
    found: Any = module
    for part in kind.__qualname__.split("."):
        found = getattr(found, part, None)
    if found is kind and name.isidentifier() and len(name) <= 60:
        return name
    base = next(c for c in kind.__mro__ if c.__module__ == "builtins")
    article = "an" if base.__name__[:1] in "AEIOU" else "a"
    return f"{article} {base.__name__} subclass"


def _overrun_finding(
    active: ActiveRule, rest: tuple[ActiveRule, ...], *, running: bool
) -> Finding | None:
    """ENG001 for a claim whose time limit passed: the rule that was running (or the next
    one, if it passed between two rules) and how many rules were left unrun.  One per
    claim: None once said."""
    limit = deadline.state
    if limit.reported:
        return None
    limit.reported = True
    rule, source = active.rule, active.source
    seconds = deadline.describe(limit.seconds)
    if running:
        what = f"while rule {rule.id} of plugin {source!r} was running: the rule was stopped"
        if rest:
            what += f" and {len(rest)} later rule(s) were not run"
    else:
        unrun = f" and {len(rest) - 1} later rule(s) were" if len(rest) > 1 else " was"
        what = f"before rule {rule.id} of plugin {source!r} ran: it{unrun} not run"
    return Finding(
        rule=ENGINE_RULE,
        severity="error",
        message=(
            f"The claim's time limit of {seconds} passed {what}, so the claim was not fully "
            "checked (time-limit in the configuration)."
        ),
        source="core",
        location="",
        codes=[],
        suggestions=[],
        reference=f"plugin {source}, rule {rule.id}",
    )


def lost_claim_report(
    engine: Engine,
    claim: Mapping[str, Any],
    why: str,
    plugin: str | None,
    rule_id: str | None,
) -> Report:
    """The report of a claim whose checking process died (a batch worker ended by
    ``os._exit`` or a segfault in a plugin's native code, twice: in its chunk and alone).

    Only kernel code runs (validation, the dataset for the date), so this cannot die the
    same way.  The report is an ENG001 error naming the rule that was running when the
    process died, if it was known: the claim was not checked and must not pass as clean.
    Raises [`InputError`][cleanclaim.engine.InputError] as
    [`Engine.check()`][cleanclaim.engine.Engine.check] would.

    :param engine: the engine the claim was being checked with.
    :param claim: the claim, in its JSON shape.
    :param why: how the process died (``killed by SIGSEGV``), for the finding's message.
    :param plugin: the plugin of the rule that was running, if known.
    :param rule_id: the rule that was running, if known.
    """
    try:
        valid = _validate_claim(claim)
    except ValidationError as exc:
        raise InputError(describe_validation(exc)) from None
    try:
        dataset = engine.datasets.for_date(valid.date_of_service)
    except NoDatasetError as exc:
        if engine.config.fallback_fiscal_year is None:
            raise InputError(f"date_of_service: {exc}") from exc
        dataset = engine.datasets.for_fiscal_year(engine.config.fallback_fiscal_year)
    where = (
        f"while rule {rule_id} of plugin {plugin!r} was running"
        if plugin and rule_id
        else "outside any rule"
    )
    finding = Finding(
        rule=ENGINE_RULE,
        severity="error",
        message=(
            f"The worker process checking this claim died ({why}) {where}, twice; "
            "the claim was not checked."
        ),
        source="core",
        location="",
        codes=[],
        suggestions=[],
        reference=f"plugin {plugin}, rule {rule_id}" if plugin and rule_id else "",
    )
    return trusted(
        Report,
        claim_id=valid.claim_id,
        status="error",
        dataset=_dataset_used(dataset.info),
        findings=[finding],
        payer=engine.payer_used(valid.payer),
        cleanclaim_version=__version__,
        schema_version=REPORT_SCHEMA_VERSION,
        input=None,
    )


def _fallback_finding(day: date, used: DatasetInfo, missing: str | None, source: str) -> Finding:
    fiscal_year = day.year + 1 if day.month >= 10 else day.year
    why = f" ({missing} is not installed)" if missing else ""
    asked = (
        "because --fallback-fy on the command line asks for it"
        if source == "--fallback-fy"
        else "because the configuration's fallback-fiscal-year asks for it"
    )
    return Finding(
        rule="ENG002",
        severity="warning",
        message=(
            f"No ICD-10-CM dataset serves the date of service {day.isoformat()} "
            f"(FY{fiscal_year}){why}; the claim was checked against FY{used.fiscal_year} "
            f"(release {used.release}) {asked}. Codes added, deleted or changed between the "
            "two code sets may be judged wrongly."
        ),
        source="core",
        location="date_of_service",
        codes=[],
        suggestions=[],
        reference=(
            "command line: --fallback-fy"
            if source == "--fallback-fy"
            else "configuration: fallback-fiscal-year"
        ),
    )


__all__ = [
    "ActiveRule",
    "BuildProblem",
    "Engine",
    "EngineBuildError",
    "InputError",
    "PluginRecord",
    "RegisteredRule",
    "RulePlan",
    "describe_validation",
]
