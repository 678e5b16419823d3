"""The rule contract: a `Rule` (catalog entry, check, typed options, `Scope`) and the
`Hit` its check yields.

A plugin's rule is read in its own module: the options model, the check and the `Rule`
that names them, side by side.  What the engine does with a rule is in
`cleanclaim.selection` (which claims it runs on) and `cleanclaim.engine` (running it).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import InitVar, dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

from cleanclaim.models import Severity, normalize_specialty
from cleanclaim.options import NoOptions, RuleOptions, as_mapping, legacy_options

if TYPE_CHECKING:
    from cleanclaim.context import ClaimContext

RULE_ID = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule's check yields; the engine turns it into a `Finding`.

    Rules do not set their own id, source or final severity: those come from the rule's
    registration, the configuration and the payer overrides.  A rule may still lower or
    raise ``severity`` for one hit (a warning variant of an error rule).

    :param message: what is wrong and what to do, in one or two sentences.
    :param location: where in the claim (``lines[0].modifiers``, ``diagnoses[1]``).
    :param codes: the codes the finding is about.
    :param suggestions: codes or modifiers to use instead, best first.
    :param reference: the public source of this one hit, when it differs from the rule's.
    :param severity: this hit's severity, when it differs from the rule's.
    """

    message: str
    location: str
    codes: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    reference: str | None = None
    severity: Severity | None = None


#: ``check(ctx, options)``: ``options`` is an instance of the rule's options model (a
#: read-only mapping for a rule written for plugin API 1).
CheckFunction = Callable[["ClaimContext", Any], Iterable[Hit]]


TableName = Literal["pairings", "edits", "limits"]


@dataclass(frozen=True, slots=True)
class Scope:
    """Which claims a rule can speak on, declared so the engine can skip it on the others.

    Like sqlfluff's ``crawl_behaviour``: what the rule is about, not how it checks.  Every
    field is a speed hint the engine resolves once per payer profile and period
    (`cleanclaim.selection`), never per claim; empty fields mean every claim.  Declare a
    hint only when it is true: a rule skipped on a claim it should have judged is a
    missed finding.
    """

    procedures: frozenset[str] = frozenset()
    """Procedure tags or codes the rule is about: it runs only on claims that bill a
    procedure carrying one of the tags, or one of the codes (one set intersection, so a
    chiropractic rule costs nothing on the many claims that bill no manipulation)."""
    procedures_from_options: tuple[str, ...] = ()
    """Names of options whose values (procedure tags or codes) count as ``procedures``
    too, for a rule whose scope is configurable: read after configuration and payer
    overrides, so the scope always matches what the rule will look for."""
    procedures_in_tables: tuple[TableName, ...] = ()
    """Engine tables whose procedure codes count as ``procedures`` too: the rule runs only
    on claims that bill a code some entry names (a diagnosis pairing, a PTP edit, a unit
    limit), whoever contributed it, a plugin or an official CMS file."""
    diagnoses: tuple[str, ...] = ()
    """Diagnosis patterns (``M62.830``, ``M54.5-``, ``S30-S39``): the rule runs only when
    some diagnosis of the claim is covered by one of them."""
    diagnoses_only: bool = False
    """True when the rule's hits depend on nothing of the claim but its diagnosis list
    (besides the dataset of its date, the rule's options and the engine's tables).

    The engine then remembers the hits per (options, dataset, diagnosis list) and reuses
    them for the next claim with the same diagnoses: the same few thousand lists make up
    most of a batch.  Declare it only when it is true; a rule that also reads the lines,
    the payer, the patient or the documentation would be handed another claim's answer
    (the kernel's test ``test_diagnoses_only_rules_ignore_the_rest_of_the_claim`` shows
    how to check a plugin's rules)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "procedures", frozenset(self.procedures))
        object.__setattr__(self, "procedures_from_options", tuple(self.procedures_from_options))
        object.__setattr__(self, "procedures_in_tables", tuple(self.procedures_in_tables))
        object.__setattr__(self, "diagnoses", tuple(self.diagnoses))


@dataclass(frozen=True)
class Rule:
    """A rule: its catalog entry (ruff style) and the function that checks a claim.

    ``check(ctx, options)`` receives the per-claim context and the rule's options after
    configuration and payer overrides (an instance of its `RuleOptions` model), and yields
    [`Hit`][cleanclaim.rule.Hit] objects.  It must be pure Python over the
    context: no I/O and no hook calls.  A rule module holds the options model, the check
    and the `Rule` side by side.

    :param id: the rule id, the plugin's prefix and three digits (``PT103``).
    :param name: a short kebab-case name (``timed-units``), usable in ``select``/``ignore``.
    :param summary: what it finds, in one sentence (catalog and docs).
    :param why: why it matters: the denial or audit risk.
    :param example: a claim that it reports, in words.
    :param fix: what to do instead.
    :param reference: the public sources it rests on.
    :param check: the function that checks a claim: ``check(ctx, options)``.
    :param default_severity: ``error``, ``warning`` or ``info`` before configuration.
    :param enabled_by_default: False for a rule switched on by a payer override.
    :param groups: selectors naming several rules (``therapy``, ``modifiers``).
    :param example_claim: a claim the rule reports on (docs and tests run it).
    """

    id: str
    name: str
    summary: str
    why: str
    example: str
    fix: str
    reference: str
    check: CheckFunction
    default_severity: Severity = "error"
    enabled_by_default: bool = True
    groups: tuple[str, ...] = ()
    options: type[RuleOptions] | Mapping[str, Any] = NoOptions
    """The rule's typed options model (a `RuleOptions` subclass): names, types, defaults
    and descriptions in one place; the check receives a validated instance.  A mapping of
    defaults is plugin API 1's form, translated (see ``option_choices``)."""
    example_claim: Mapping[str, Any] | None = None
    scope: Scope = Scope()
    """Which claims the rule can speak on (procedures, diagnoses, tables), and whether its
    hits depend on the diagnosis list alone: the engine's speed hints, in one place."""

    specialties: frozenset[str] = frozenset()
    """Specialties whose billing the rule belongs to; empty means every claim.  A rule with
    specialties does not run on a claim of another specialty: the claim's ``specialty``,
    or, when it gives none, the one specialty its procedures declare
    (`Procedure.specialty`: a claim billing 98940 is chiropractic).  It still runs
    when the specialty is unknown."""
    excluded_specialties: frozenset[str] = frozenset()
    """Specialties on whose claims the rule never runs (known as for ``specialties``):
    for a rule that holds for every biller of a code but one (the therapy modifier rules
    are not for chiropractors, whose therapy Medicare does not cover)."""

    # API 1 spellings: option docs and choices beside a mapping of defaults, translated
    # into an options model; the scope's hints, folded into ``scope`` (see `Scope`).
    option_docs: InitVar[Mapping[str, str] | None] = None
    option_choices: InitVar[Mapping[str, tuple[Any, ...]] | None] = None
    triggers: InitVar[frozenset[str] | None] = None
    trigger_options: InitVar[tuple[str, ...] | None] = None
    trigger_tables: InitVar[tuple[TableName, ...] | None] = None
    diagnosis_triggers: InitVar[tuple[str, ...] | None] = None
    diagnoses_only: InitVar[bool | None] = None

    def speaks_on(self, specialty: str | None) -> bool:
        """True when the rule may run on a claim of ``specialty`` (None: unknown).

        :param specialty: the claim's billing specialty, normalised, or None.
        """
        if specialty is None:
            return True
        if specialty in self.excluded_specialties:
            return False
        return not self.specialties or specialty in self.specialties

    #: True for a rule written with API 1's options mapping, or with no options: its
    #: check receives a read-only mapping instead of a model instance.
    options_as_mapping: bool = field(default=False, init=False, repr=False, compare=False)

    #: the plugin API 1 forms the rule was written with (translated): ``cleanclaim
    #: plugins`` lists them in its deprecation note.
    api1_forms: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)

    def default_options(self) -> Any:
        """What the check receives when no configuration or override changes anything."""
        return self.resolve_options()

    def resolve_options(self, *layers: Mapping[str, Any]) -> Any:
        """The check's options after ``layers``: an instance of the rule's model, or for
        an API 1 rule the same values as a read-only mapping.

        :param layers: option values by name, later ones winning (payer overrides, then
            configuration).
        """
        model = cast("type[RuleOptions]", self.options)
        resolved = model.resolve(*layers)
        return as_mapping(resolved) if self.options_as_mapping else resolved

    @property
    def options_model(self) -> type[RuleOptions]:
        """The rule's options model (API 1 mappings are translated into one)."""
        return cast("type[RuleOptions]", self.options)

    def __post_init__(
        self,
        option_docs: Mapping[str, str] | None,
        option_choices: Mapping[str, tuple[Any, ...]] | None,
        triggers: frozenset[str] | None,
        trigger_options: tuple[str, ...] | None,
        trigger_tables: tuple[TableName, ...] | None,
        diagnosis_triggers: tuple[str, ...] | None,
        diagnoses_only: bool | None,
    ) -> None:
        legacy: dict[str, Any] = {
            "procedures": triggers,
            "procedures_from_options": trigger_options,
            "procedures_in_tables": trigger_tables,
            "diagnoses": diagnosis_triggers,
            "diagnoses_only": diagnoses_only,
        }
        given = {k: v for k, v in legacy.items() if v is not None}
        forms = [
            old
            for old, value in zip(
                (
                    "triggers",
                    "trigger_options",
                    "trigger_tables",
                    "diagnosis_triggers",
                    "diagnoses_only",
                ),
                legacy.values(),
                strict=True,
            )
            if value is not None
        ]
        if isinstance(self.options, Mapping) and self.options:
            forms.insert(0, "options mapping")
        object.__setattr__(self, "api1_forms", tuple(forms))
        if given:
            object.__setattr__(self, "scope", dataclasses.replace(self.scope, **given))
        for name in ("specialties", "excluded_specialties"):
            given = getattr(self, name)
            object.__setattr__(self, name, frozenset(normalize_specialty(s) for s in given))
        if not RULE_ID.match(self.id):
            raise ValueError(f"rule id {self.id!r} must look like ABC123")
        missing = [
            n for n in ("summary", "why", "example", "fix", "reference") if not getattr(self, n)
        ]
        if missing:
            raise ValueError(f"rule {self.id} lacks catalog sections: {', '.join(missing)}")
        if isinstance(self.options, Mapping):
            model = legacy_options(self.id, self.options, option_choices or {}, option_docs or {})
            object.__setattr__(self, "options", model)
            object.__setattr__(self, "options_as_mapping", True)
        elif self.options is NoOptions:
            # Nothing to read: an empty read-only mapping, whichever API the rule is for.
            object.__setattr__(self, "options_as_mapping", True)
        elif not (isinstance(self.options, type) and issubclass(self.options, RuleOptions)):
            raise ValueError(f"rule {self.id}: options must be a RuleOptions subclass")
        elif option_docs or option_choices:
            raise ValueError(
                f"rule {self.id}: option_docs and option_choices are for an options mapping "
                "(plugin API 1); an options model says both in its fields"
            )
