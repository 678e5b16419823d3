"""The primary-care rules (PC101-PC106) and their small check functions.

Each rule reads the claim through :class:`~cleanclaim.context.ClaimContext` and the policy
tables of :mod:`cleanclaim_primary_care.policy`; what a rule treats as an E/M, a minor
procedure or a trauma word is data (procedure tags, TOML tables, rule options), so a
billing team can adjust it without touching this file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property, lru_cache
from typing import Any, Literal

from pydantic import Field

from cleanclaim.context import ClaimContext
from cleanclaim.contributions import DiagnosisPattern
from cleanclaim.options import NoOptions, RuleOptions
from cleanclaim.rule import Hit, Rule, Scope
from cleanclaim_primary_care import policy

GUIDELINES = "ICD-10-CM Official Guidelines for Coding and Reporting"


# -- small helpers ---------------------------------------------------------------------------


#: the word lists and symptom codes the options default to, from the data files.
_TRAUMA = policy.trauma_words()
_UNCERTAIN = policy.uncertain_terms()
_SYMPTOMS = policy.symptom_codes()


def _tagged(ctx: ClaimContext, code: str, tags: Iterable[str]) -> bool:
    return any(ctx.has_tag(code, tag) for tag in tags)


def _covered(ctx: ClaimContext, pattern: str) -> list[int]:
    return ctx.diagnosis_covered(pattern)


def _label(ctx: ClaimContext, code: str) -> str:
    label = ctx.label(code)
    return f"{code} ({label})" if label else code


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _ranges(codes: Sequence[str]) -> str:
    """``99202, 99203, 99204, 99341`` -> ``99202-99204, 99341`` (numeric runs joined)."""
    runs: list[list[str]] = []
    for code in codes:
        last = runs[-1][-1] if runs else ""
        if code.isdigit() and last.isdigit() and int(code) == int(last) + 1:
            runs[-1].append(code)
            continue
        runs.append([code])
    return ", ".join(run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)


@lru_cache(maxsize=64)
def _word_regex(words: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-word (or whole-phrase) matcher for a word list, longest phrase first."""
    alternatives = sorted(
        (re.escape(w.strip().lower()).replace(r"\ ", r"\s+") for w in words if w.strip()),
        key=len,
        reverse=True,
    )
    if not alternatives:
        return re.compile(r"(?!x)x")  # matches nothing
    return re.compile(r"(?<![a-z0-9/])(" + "|".join(alternatives) + r")(?![a-z0-9/])")


@lru_cache(maxsize=64)
def _word_prefilter(words: tuple[str, ...]) -> re.Pattern[str]:
    """The words of :func:`_word_regex` without its word-boundary checks: it matches
    wherever that one does (and more), several times faster, so a text it does not
    match can be skipped."""
    alternatives = [re.escape(w.strip().lower()).replace(r"\ ", r"\s+") for w in words]
    alternatives = [a for a in alternatives if a]
    return re.compile("|".join(alternatives) if alternatives else r"(?!x)x")


_CLAUSE_END = re.compile(r"[.;,:!?\n()]")


def _negated(text: str, start: int, negations: tuple[str, ...], window: int = 4) -> bool:
    """True when a negation cue comes shortly before ``start`` in the same clause."""
    clause = _CLAUSE_END.split(text[:start])[-1]
    words = clause.split()[-window:]
    tail = " " + " ".join(words) + " "
    return any(f" {cue.lower()} " in tail for cue in negations)


def _phrase(text: str, start: int, max_words: int = 6) -> str:
    """The words from ``start`` to the end of the clause (at most ``max_words``)."""
    clause = _CLAUSE_END.split(text[start:])[0]
    return " ".join(clause.split()[:max_words])


def _texts(ctx: ClaimContext, fields: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(location, text) for each documentation text field, lists item by item."""
    doc = ctx.documentation
    for name in fields:
        value = getattr(doc, name, None)
        if isinstance(value, str) and value.strip():
            yield f"documentation.{name}", value
        elif isinstance(value, list | tuple):
            for i, item in enumerate(value):
                if isinstance(item, str) and item.strip():
                    yield f"documentation.{name}[{i}]", item


# -- PC101 E/M with a same-day minor procedure needs modifier 25 ------------------------------


class Modifier25Options(RuleOptions):
    """PC101's options."""

    em_tags: tuple[str, ...] = Field(
        ("em",), description="Procedure tags that mark an E/M visit (default: em)."
    )
    procedure_tags: tuple[str, ...] = Field(
        ("minor-procedure",),
        description="Procedure tags that mark a same-day minor procedure (default: "
        "minor-procedure, which other plugins may also use).",
    )


def check_modifier_25(ctx: ClaimContext, options: Modifier25Options) -> Iterator[Hit]:
    em_tags = options.em_tags
    procedure_tags = options.procedure_tags
    procedures = [
        i for i, line in enumerate(ctx.lines) if _tagged(ctx, line.procedure, procedure_tags)
    ]
    if not procedures:
        return
    codes = tuple(dict.fromkeys(ctx.lines[i].procedure for i in procedures))
    misplaced = [ctx.lines[i].procedure for i in procedures if "25" in ctx.line_modifiers[i]]
    for i, line in enumerate(ctx.lines):
        if i in procedures or not _tagged(ctx, line.procedure, em_tags):
            continue
        if "25" in ctx.line_modifiers[i]:
            continue
        message = (
            f"E/M {line.procedure} is billed on the same day as minor procedure "
            f"{_join([_label(ctx, c) for c in codes])} without modifier 25: the procedure "
            "already pays for the usual assessment before and after it, so the visit is "
            "denied as bundled unless it was significant and separately identifiable. If it "
            f"was, append 25 to {line.procedure} and document the visit on its own; if not, "
            "remove the E/M line."
        )
        if misplaced:
            message += (
                f" Modifier 25 is on {_join(misplaced)}; it belongs on the E/M, never on the "
                "procedure."
            )
        yield Hit(
            message=message,
            location=f"lines[{i}].modifiers",
            codes=(line.procedure, *codes),
            suggestions=("25",),
        )


# -- PC102 only one trigger point code per day ------------------------------------------------


def check_one_per_day(ctx: ClaimContext, options: NoOptions) -> Iterator[Hit]:
    for group in policy.one_per_day():
        indexes = [i for i, line in enumerate(ctx.lines) if line.procedure in group.codes]
        if not indexes:
            continue
        billed = tuple(dict.fromkeys(ctx.lines[i].procedure for i in indexes))
        units = sum(ctx.lines[i].units for i in indexes)
        if len(billed) > 1:
            keep = tuple(code for code in group.codes if code in billed)
            yield Hit(
                message=(
                    f"{_join(list(billed))} are billed on the same date of service: report only "
                    f"one {group.label} code per day, however many injections were given. "
                    f"Keep {keep[0]} if the muscles injected in total call for it, else "
                    f"{_join(list(keep[1:]))}, with one unit, and remove the other line."
                ),
                location=f"lines[{indexes[1]}]",
                codes=billed,
                suggestions=keep,
                reference=group.source,
            )
        elif units > 1:
            code = billed[0]
            where = f"lines[{indexes[1]}]" if len(indexes) > 1 else f"lines[{indexes[0]}].units"
            yield Hit(
                message=(
                    f"{code} is billed {units} times on one date of service: a {group.label} "
                    "code is reported once a day with one unit, whatever the number of "
                    "injections or sites; bill it on one line with 1 unit."
                ),
                location=where,
                codes=(code,),
                suggestions=(code,),
                reference=group.source,
            )


# -- PC103 G2211 visit complexity add-on (Medicare) ---------------------------------------------


class G2211Options(RuleOptions):
    """PC103's options."""

    code: str = Field("G2211", description="The add-on code the rule watches (default G2211).")


def check_g2211(ctx: ClaimContext, options: G2211Options) -> Iterator[Hit]:
    code = options.code
    add_on_lines = ctx.lines_with(code)
    if not add_on_lines:
        return
    periods = policy.g2211_periods()
    where = f"lines[{add_on_lines[0]}]"
    period = next((p for p in periods if p.holds_on(ctx.day)), None)
    if period is None:
        starts = sorted(p.effective_from for p in periods if p.effective_from)
        first = starts[0].isoformat() if starts else "its effective date"
        yield Hit(
            message=(
                f"{code} is billed for {ctx.day.isoformat()}, but Medicare pays the visit "
                f"complexity add-on only for dates of service from {first}: remove the line."
            ),
            location=where,
            codes=(code,),
            reference=periods[0].source if periods else None,
        )
        return
    primaries = [i for i, line in enumerate(ctx.lines) if line.procedure in period.primary_codes]
    if not primaries:
        yield Hit(
            message=(
                f"{code} is an add-on code but the claim bills no E/M it can accompany "
                f"({_ranges(period.primary_codes)} on dates {period.window()}): bill it "
                "with the visit it adds to, or remove it."
            ),
            location=where,
            codes=(code,),
            reference=period.source,
        )
        return
    if any("25" not in ctx.line_modifiers[i] for i in primaries):
        return
    visits = tuple(dict.fromkeys(ctx.lines[i].procedure for i in primaries))
    allowed = period.modifier_25_allowed_with
    if not allowed:
        yield Hit(
            message=(
                f"{code} is billed with E/M {_join(list(visits))}-25: on dates of service "
                f"{period.window()} Medicare does not pay the complexity add-on when the "
                "E/M carries modifier 25 (a same-day procedure or other service); remove "
                f"{code}."
            ),
            location=where,
            codes=(code, *visits),
            reference=period.source,
        )
        return
    if any(_tagged(ctx, line.procedure, allowed) for line in ctx.lines):
        return
    yield Hit(
        message=(
            f"{code} is billed with E/M {_join(list(visits))}-25: on dates of service "
            f"{period.window()} Medicare pays the complexity add-on with a modifier-25 E/M "
            "only when that visit also includes an annual wellness visit, a vaccine "
            "administration or a Part B preventive service, and this claim bills none; "
            f"remove {code} (a same-day procedure does not qualify)."
        ),
        location=where,
        codes=(code, *visits),
        reference=period.source,
    )


# -- PC104 low back pain reported with muscle spasm of the back --------------------------------


class SequencingOptions(RuleOptions):
    """PC104's options."""

    when_condition_first: Literal["info", "warning", "off"] = Field(
        "info",
        description="What to report when the spasm is already listed before the pain: 'info' "
        "(default), 'warning' or 'off'.",
    )


def check_sequencing(ctx: ClaimContext, options: SequencingOptions) -> Iterator[Hit]:
    mode = options.when_condition_first
    for seq in policy.sequencing():
        symptoms = _covered(ctx, seq.symptom)
        conditions = _covered(ctx, seq.condition)
        if not symptoms or not conditions:
            continue
        si, ci = symptoms[0], conditions[0]
        symptom, condition = ctx.diagnoses[si], ctx.diagnoses[ci]
        if si < ci:
            yield Hit(
                message=(
                    f"{symptom} ({seq.symptom_label}) is listed before {condition} "
                    f"({seq.condition_label}). A symptom is coded when no related diagnosis "
                    "explains it (guideline I.B.4) and is left off when it routinely comes "
                    "with the coded condition (I.B.5): if the note attributes the pain to the "
                    f"spasm, drop {symptom}; if both were evaluated as separate problems, list "
                    "first the one chiefly responsible for today's service (Section IV.G), "
                    f"usually {condition} when the spasm is what is treated."
                ),
                location=f"diagnoses[{si}]",
                codes=(symptom, condition),
                suggestions=(condition,),
                reference=seq.source,
            )
        elif mode != "off":
            yield Hit(
                message=(
                    f"{symptom} ({seq.symptom_label}) is reported after {condition} "
                    f"({seq.condition_label}): if the note attributes the pain to the spasm, "
                    f"the pain is part of it (guideline I.B.5) and {symptom} need not be "
                    "coded; keep it only when the note documents it as a separate problem."
                ),
                location=f"diagnoses[{si}]",
                codes=(symptom, condition),
                reference=seq.source,
                severity="warning" if mode == "warning" else None,
            )


# -- PC105 documented trauma vs a non-traumatic spasm code ------------------------------------


class TraumaOptions(RuleOptions):
    """PC105's options."""

    trauma_words: tuple[str, ...] = Field(
        tuple(_TRAUMA.words),
        description="Words or phrases that show trauma when documentation.trauma is not "
        "documented (whole words, case-insensitive).",
    )
    negations: tuple[str, ...] = Field(
        tuple(_TRAUMA.negations),
        description="Cues that negate a trauma word when they come up to four words before "
        "it in the same clause ('no fall or impact').",
    )
    text_fields: tuple[str, ...] = Field(
        ("mechanism",),
        description="Documentation fields searched for trauma words (default: mechanism).",
    )
    applies_to_tags: tuple[str, ...] = Field(
        ("em",),
        description="Only claims with a line tagged so (default: an E/M visit) or whose "
        "specialty is primary-care; an empty list checks every claim. Keeps this rule and "
        "physical-therapy's PT107 from reporting the same M62.830 on therapy claims.",
    )


def _trauma_word(ctx: ClaimContext, options: TraumaOptions) -> tuple[str, str] | None:
    """The first un-negated trauma word in the configured text fields, with its field."""
    regex = _word_regex(options.trauma_words)
    negations = options.negations
    for location, text in _texts(ctx, options.text_fields):
        lowered = text.lower()
        for match in regex.finditer(lowered):
            if not _negated(lowered, match.start(), negations):
                return location, match.group(1)
    return None


def check_trauma_choice(ctx: ClaimContext, options: TraumaOptions) -> Iterator[Hit]:
    scope = options.applies_to_tags
    if (
        scope
        and ctx.claim.specialty != "primary-care"
        and not any(ctx.lines_tagged(tag) for tag in scope)
    ):
        return  # a therapy claim: the physical-therapy plugin's PT107 gives this advice
    trauma = ctx.documentation.trauma
    found = _trauma_word(ctx, options) if trauma is None else None
    for choice in policy.injury_choices():
        plain = _covered(ctx, choice.nontraumatic)
        injury = _covered(ctx, choice.traumatic)
        if plain and not injury and (trauma is True or found):
            code = ctx.diagnoses[plain[0]]
            if found is not None:
                why = f"{found[0]} describes an injury ('{found[1]}')"
            else:
                why = "the note documents trauma (documentation.trauma is true)"
            yield Hit(
                message=(
                    f"{code} ({choice.nontraumatic_label}) is a non-traumatic code, but {why}: "
                    f"a {choice.site} muscle injury is coded in the injury chapter as "
                    f"{choice.traumatic_code} ({choice.traumatic_label}; 7th character A while "
                    "under active treatment, D for later encounters during healing). Keep "
                    f"{code} only if the provider documents that the spasm is not due to the "
                    "injury."
                ),
                location=f"diagnoses[{plain[0]}]",
                codes=(code,),
                suggestions=(choice.traumatic_code,),
                reference=choice.source,
            )
        elif injury and not plain and trauma is False:
            code = ctx.diagnoses[injury[0]]
            yield Hit(
                message=(
                    f"{code} is an injury code ({choice.traumatic_label}), but the note "
                    "documents no trauma (documentation.trauma is false): without an injury a "
                    f"{choice.site} spasm is coded {choice.nontraumatic} "
                    f"({choice.nontraumatic_label}). Query the provider if an injury did occur "
                    "and correct the trauma documentation instead."
                ),
                location=f"diagnoses[{injury[0]}]",
                codes=(code,),
                suggestions=(choice.nontraumatic,),
                reference=choice.source,
            )


# -- PC106 uncertain diagnoses in outpatient documentation ------------------------------------

_STOP = frozenset(
    ("with", "without", "lower", "upper", "left", "right", "acute", "chronic", "region", "pain")
)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in _STOP}


def _description(ctx: ClaimContext, code: str) -> str:
    try:
        return ctx.dataset.description(code) or ""
    except Exception:  # a code the dataset does not know is ICD101's business
        return ""


@lru_cache(maxsize=64)
def _patterns(texts: tuple[str, ...]) -> tuple[DiagnosisPattern, ...]:
    return tuple(DiagnosisPattern.parse(p) for p in texts)


class UncertainOptions(RuleOptions):
    """PC106's options; what the check derives from them is computed once per options."""

    terms: tuple[str, ...] = Field(
        tuple(_UNCERTAIN.words),
        description="Qualifiers that mark a diagnosis as uncertain (whole words).",
    )
    fields: tuple[str, ...] = Field(
        ("note", "treatment_rationale", "objective_findings", "site"),
        description="Documentation fields searched for the qualifiers.",
    )
    symptom_codes: tuple[str, ...] = Field(
        tuple(_SYMPTOMS.patterns),
        description="Diagnosis patterns that are signs or symptoms themselves; a claim coded "
        "only with these is left alone.",
    )

    @cached_property
    def prefilter(self) -> re.Pattern[str]:
        return _word_prefilter(self.terms)

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return _word_regex(self.terms)

    @cached_property
    def symptom_patterns(self) -> tuple[DiagnosisPattern, ...]:
        return _patterns(self.symptom_codes)


def _raw_texts(ctx: ClaimContext, fields: Iterable[str]) -> str:
    """All the text of ``fields`` in one string, for a quick search."""
    doc = ctx.documentation
    parts: list[str] = []
    for name in fields:
        value = getattr(doc, name, None)
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list | tuple):
            parts.extend(item for item in value if isinstance(item, str))
    return "\n".join(parts).lower()


def check_uncertain(ctx: ClaimContext, options: UncertainOptions) -> Iterator[Hit]:
    prefilter, regex, fields = options.prefilter, options.regex, options.fields
    symptom_patterns = options.symptom_patterns
    if not prefilter.search(_raw_texts(ctx, fields)):
        return  # the cheap test first: most notes qualify nothing
    texts = [
        (location, text) for location, text in _texts(ctx, fields) if regex.search(text.lower())
    ]
    if not texts:
        return
    coded = [c for c in ctx.diagnoses if not any(p.covers(c) for p in symptom_patterns)]
    if not coded:
        return  # only symptom codes: the coder already followed IV.H
    seen: set[str] = set()
    for location, text in texts:
        lowered = text.lower()
        for match in regex.finditer(lowered):
            phrase = _phrase(text, match.start())
            key = phrase.lower()
            if key in seen:
                continue
            seen.add(key)
            target = _words(phrase[len(match.group(1)) :])
            matched = [c for c in coded if target & _words(_description(ctx, c))]
            # A qualifier whose words name a coded diagnosis is a likely audit finding (the
            # rule's warning); one that names nothing coded ("likely to improve", a
            # prognosis) may qualify no diagnosis at all, so it is only advice.
            if matched:
                tail = (
                    f"{_join(matched)} looks coded from it: remove it unless the diagnosis "
                    "was confirmed"
                )
            else:
                tail = f"check that {_join(coded)} was not coded from it"
            yield Hit(
                # The phrase is the note's own text: only our word list's term is quoted.
                message=(
                    f'{location} qualifies a diagnosis as "{match.group(1)}": outpatient '
                    "coding does not code a "
                    "diagnosis qualified as probable, suspected, likely, questionable, rule out "
                    "or working (guideline IV.H); code the signs, symptoms or findings that are "
                    f"documented instead, and {tail}."
                ),
                location=location,
                codes=tuple(matched or coded),
                severity=None if matched else "info",
            )


# -- the rules ---------------------------------------------------------------------------------


_EM_TPI_CLAIM: dict[str, Any] = {
    "claim_id": "PC101-example",
    "date_of_service": "2026-05-12",
    "payer": "commercial",
    "diagnoses": ["M79.18"],
    "lines": [
        {"procedure": "99213", "diagnosis_pointers": [1]},
        {"procedure": "20552", "diagnosis_pointers": [1]},
    ],
}

RULES: tuple[Rule, ...] = (
    Rule(
        id="PC101",
        scope=Scope(procedures_from_options=("procedure_tags",)),
        name="em-procedure-modifier-25",
        summary=(
            "An E/M visit billed on the same day as a minor procedure (a trigger point "
            "injection, or any procedure a plugin tags minor-procedure) without modifier 25."
        ),
        why=(
            "A minor procedure's payment includes the usual evaluation before and after it. "
            "Payers that follow NCCI deny the same-day E/M as bundled unless modifier 25 says "
            "it was significant and separately identifiable, above that usual work."
        ),
        example="99213 and 20552 on one claim, 99213 without modifier 25.",
        fix=(
            "If the visit addressed a separate problem or went beyond the pre-procedure "
            "assessment, append 25 to the E/M and document it on its own; otherwise remove "
            "the E/M line. Modifier 25 goes on the E/M, never on the procedure."
        ),
        reference=(
            "CPT modifier 25; NCCI policy on E/M with minor procedures; CMS IOCE edit 'medical "
            "visit on the same day as a significant procedure without modifier 25'; Texas "
            "Medical Association 'Use Modifiers to Override CCI Edits'"
        ),
        check=check_modifier_25,
        default_severity="error",
        groups=("primary-care", "modifiers"),
        options=Modifier25Options,
        example_claim=_EM_TPI_CLAIM,
    ),
    Rule(
        id="PC102",
        scope=Scope(
            procedures=frozenset(code for group in policy.one_per_day() for code in group.codes)
        ),
        name="one-trigger-point-code-per-day",
        summary=(
            "More than one trigger point injection code (20552, 20553) or more than one unit "
            "of one on the same date of service."
        ),
        why=(
            "20552 (one or two muscles) and 20553 (three or more) are chosen by the number of "
            "muscles injected that day; one code with one unit covers every injection, so a "
            "second code or unit is denied."
        ),
        example="20552 and 20553 on one claim; or 20552 with 2 units.",
        fix=(
            "Keep one line: 20553 when three or more muscles were injected in total, else "
            "20552, with 1 unit."
        ),
        reference=(
            "Harvard Pilgrim trigger point injection payment policy (consistent with the CMS "
            "LCD); Noridian JE LCD L34211 'Trigger Point Injections'"
        ),
        check=check_one_per_day,
        default_severity="error",
        groups=("primary-care", "units"),
        example_claim={
            "claim_id": "PC102-example",
            "date_of_service": "2026-05-12",
            "diagnoses": ["M79.18"],
            "lines": [
                {"procedure": "20552", "diagnosis_pointers": [1]},
                {"procedure": "20553", "diagnosis_pointers": [1]},
            ],
        },
    ),
    Rule(
        id="PC103",
        name="g2211-payability",
        summary=(
            "The visit complexity add-on G2211 billed when Medicare does not pay it: before "
            "2024-01-01, without an office/outpatient E/M, or with a modifier-25 E/M (in 2024 "
            "always; from 2025-01-01 unless the visit includes an annual wellness visit, a "
            "vaccine administration or a Part B preventive service)."
        ),
        why=(
            "G2211 pays for the longitudinal relationship of an ongoing office visit. CMS made "
            "it payable on 2024-01-01 and excluded visits billed with modifier 25; from "
            "2025-01-01 the exclusion no longer applies when the modifier-25 E/M is reported "
            "with an AWV, a vaccine administration or a Part B preventive service."
        ),
        example="Medicare, 2025-05-01: 99214-25, 20552 and G2211.",
        fix=(
            "Remove G2211 from the claim, or (2025 and later) bill it only when the "
            "modifier-25 visit includes a qualifying preventive service such as G0439."
        ),
        reference=(
            "Noridian JF 'Complexity Add-on Code G2211'; CMS CY2024 and CY2025 Medicare "
            "Physician Fee Schedule final rules; CMS Transmittal 13015"
        ),
        check=check_g2211,
        default_severity="error",
        enabled_by_default=False,
        groups=("primary-care", "medicare", "add-on"),
        options=G2211Options,
        example_claim={
            "claim_id": "PC103-example",
            "date_of_service": "2025-05-01",
            "payer": "medicare",
            "diagnoses": ["M79.18"],
            "lines": [
                {"procedure": "99214", "modifiers": ["25"], "diagnosis_pointers": [1]},
                {"procedure": "20552", "diagnosis_pointers": [1]},
                {"procedure": "G2211", "diagnosis_pointers": [1]},
            ],
        },
    ),
    Rule(
        id="PC104",
        scope=Scope(diagnoses=tuple(seq.symptom for seq in policy.sequencing())),
        name="back-pain-with-spasm-sequencing",
        summary=(
            "Low back pain (M54.5-) reported with muscle spasm of the back (M62.830): which "
            "to list first, and whether the pain is integral to the spasm."
        ),
        why=(
            "A symptom is coded when no related diagnosis explains it and is not coded when "
            "it routinely comes with the coded condition; in outpatient care the condition "
            "chiefly responsible for the service is listed first. Payers match the "
            "first-listed diagnosis to the service, so a pain code first can make a spasm "
            "treatment look unsupported. Section IV.G leaves the order to the condition "
            "chiefly responsible for the service, which only the note shows: advice (info), "
            "never a warning or an error on its own."
        ),
        example="Diagnoses M54.50, M62.830 for a trigger point injection into the back muscles.",
        fix=(
            "If the note attributes the pain to the spasm, drop M54.50; if both are separate "
            "problems, list first the one the service treats (usually M62.830)."
        ),
        reference=f"{GUIDELINES} I.B.4, I.B.5 and Section IV.G",
        check=check_sequencing,
        default_severity="info",
        groups=("primary-care", "diagnoses"),
        options=SequencingOptions,
        example_claim={
            "claim_id": "PC104-example",
            "date_of_service": "2026-05-12",
            "diagnoses": ["M54.50", "M62.830"],
            "lines": [{"procedure": "20552", "diagnosis_pointers": [1, 2]}],
        },
    ),
    Rule(
        id="PC105",
        scope=Scope(
            diagnoses=tuple(
                p for c in policy.injury_choices() for p in (c.nontraumatic, c.traumatic)
            )
        ),
        name="trauma-vs-nontraumatic-spasm",
        summary=(
            "A non-traumatic back spasm code (M62.830) when the note documents trauma (or its "
            "mechanism names a fall, collision, lifting injury...), or the lower back strain "
            "code (S39.012-) when the note says there was no trauma."
        ),
        why=(
            "ICD-10-CM codes muscle problems from an injury in the injury chapter by region "
            "(lower back strain S39.012A) and keeps M62 for non-traumatic disorders. The "
            "choice changes the payer's view of the claim: injury codes prompt accident and "
            "liability questions, and the wrong one contradicts the note."
        ),
        example="M62.830 with documentation.trauma true (a fall on ice).",
        fix=(
            "Code S39.012A (A while under active treatment, D afterwards during healing) when "
            "the spasm follows a documented injury; code M62.830 when the note says there was "
            "no injury; query the provider when the note is contradictory."
        ),
        reference=f"{GUIDELINES} I.C.19.a; tabular notes of M62 and S39",
        check=check_trauma_choice,
        default_severity="warning",
        groups=("primary-care", "diagnoses", "documentation"),
        options=TraumaOptions,
        example_claim={
            "claim_id": "PC105-example",
            "date_of_service": "2026-05-12",
            "diagnoses": ["M62.830"],
            "lines": [{"procedure": "99213", "diagnosis_pointers": [1]}],
            "documentation": {"trauma": True, "mechanism": "fell on ice at work"},
        },
    ),
    Rule(
        id="PC106",
        name="uncertain-diagnosis-outpatient",
        summary=(
            "The documentation qualifies a diagnosis as probable, suspected, likely, "
            "questionable, rule out or working while the claim carries codes beyond signs "
            "and symptoms."
        ),
        why=(
            "Outpatient coding does not code uncertain diagnoses; it codes the signs, symptoms "
            "or findings that are documented to the highest certainty. A code taken from an "
            "uncertain diagnosis misstates the patient's record and may be denied or audited."
        ),
        example="Note: 'probable lumbar radiculopathy'; claim codes M54.16.",
        fix=(
            "Code the documented symptoms (e.g. low back pain, M54.50) until the diagnosis is "
            "confirmed, or ask the provider to confirm it in the note."
        ),
        reference=f"{GUIDELINES} Section IV.H (uncertain diagnosis)",
        check=check_uncertain,
        default_severity="warning",
        groups=("primary-care", "diagnoses", "documentation"),
        options=UncertainOptions,
        example_claim={
            "claim_id": "PC106-example",
            "date_of_service": "2026-05-12",
            "diagnoses": ["M54.16"],
            "lines": [{"procedure": "99213", "diagnosis_pointers": [1]}],
            "documentation": {"note": "Probable lumbar radiculopathy; MRI ordered."},
        },
    ),
)
