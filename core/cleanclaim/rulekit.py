"""Small helpers that let a plugin keep its policy in data files and its rules short.

A plugin keeps pairings, edits, thresholds and payer overrides in TOML files inside its
own package and reads them with [`load_contributions()`][cleanclaim.rulekit.load_contributions];
tzdata-style, the files are
found with `importlib.resources`, so they work from a wheel, a zip or a checkout.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from importlib.resources import files
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cleanclaim.config import read_toml
from cleanclaim.context import ClaimContext
from cleanclaim.models import describe_validation
from cleanclaim.rule import Hit, Rule
from cleanclaim.tables import remember

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


class DataFileError(ValueError):
    """A plugin's data file is missing or does not match its model; names file and record."""


@functools.cache
def read_data(package: str, name: str) -> dict[str, Any]:
    """Parse the TOML file ``name`` shipped inside ``package``, once per process.

    A plugin's accessors often read several tables of one file; the packaged files never
    change while the process runs, so the parse is shared: treat the result as read-only.
    """
    return read_toml(files(package).joinpath(name), f"{package}/{name}", "file", DataFileError)


def load_contributions(package: str, name: str, table: str, model: type[M]) -> list[M]:
    """Validate every ``[[table]]`` record of a data file into ``model``.

    The error names the file, the table and the record number, so a plugin author sees
    ``pairings.toml: pairing #4: diagnoses: ...`` rather than a bare pydantic dump.

    :param package: the plugin's package (``cleanclaim_physical_therapy``).
    :param name: the file's path inside it (``data/pairings.toml``).
    :param table: the array of tables to read (``pairing`` for ``[[pairing]]``).
    :param model: the contribution model each record is validated into.
    """
    records = read_data(package, name).get(table, [])
    return validate_records(f"{package}/{name}", table, model, records)


def validate_records(origin: str, table: str, model: type[M], records: list[Any]) -> list[M]:
    """Validate records of a plugin's own data models, with the same located errors.

    :param origin: the file the records came from, for the message.
    :param table: the table they came from, for the message.
    :param model: the model each record is validated into.
    :param records: the parsed records.
    """
    out: list[M] = []
    for number, record in enumerate(records, start=1):
        try:
            out.append(model.model_validate(record))
        except ValidationError as exc:
            problems = describe_validation(exc, whole="record")
            raise DataFileError(f"{origin}: {table} #{number}: {problems}") from exc
    return out


def documentation_rule(**fields: Any) -> Rule:
    """A rule whose findings come from the plugin's DocumentationCheck contributions.

    ``fields`` are the `Rule`'s (id, name, catalog sections, severity, scope...); the
    check is made here and bound to the rule's id, so it reports exactly the
    [`DocumentationCheck`][cleanclaim.contributions.DocumentationCheck] records that name
    the rule.  An element is reported once per claim even when several diagnoses call
    for it::

        DOCUMENTATION = documentation_rule(id="PT106", name="spasm-documentation", ...)

    :param fields: the `Rule`'s fields but ``check``.
    """
    rule_id = fields["id"]

    def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
        return _documentation_hits(ctx, rule_id)

    check.__name__ = check.__qualname__ = f"documentation_checks[{rule_id}]"
    return Rule(check=check, **fields)


def documentation_checks(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    """Plugin API 1's check for documentation rules: it learns which rule it runs for
    from ``ctx.rule_id``.  Write `documentation_rule()` instead (API 2).

    :param ctx: the claim's context.
    :param options: the rule's options (a documentation rule has none).
    """
    return _documentation_hits(ctx, ctx.rule_id)


def _documentation_hits(ctx: ClaimContext, rule_id: str) -> Iterator[Hit]:
    checks = ctx.tables.documentation.get(rule_id, ())
    if not checks:
        return
    memo = ctx.tables.memo
    matches: dict[int, list[str]] = {}
    for code in ctx.diagnoses:
        key = ("documentation", rule_id, code)
        covering = memo.get(key)
        if covering is None:
            covering = tuple(
                i for i, c in enumerate(checks) if any(p.covers(code) for p in c.patterns)
            )
            remember(memo, key, covering)
        for i in covering:
            matches.setdefault(i, []).append(code)
    if not matches:
        return
    hits = _element_hits(ctx, checks, matches)
    if ctx.claim.documentation is not None:
        yield from hits
        return
    # No documentation sent at all (an 837P, a FHIR Claim, a billing export never carries
    # the note): "the note records no objective finding" would be a statement about a note
    # nobody showed us.  One piece of advice instead, naming what would be checked.
    missing = list(hits)
    if missing:
        elements = ", ".join(h.location.removeprefix("documentation.") for h in missing)
        yield Hit(
            message=(
                "The claim carries no documentation, so the note could not be checked for "
                f"what these diagnoses need ({elements.replace('_', ' ')}). Send the note's "
                "elements with the claim (its documentation) to have them checked; a payer "
                "that reviews the record will look for them."
            ),
            location="documentation",
            codes=tuple(dict.fromkeys(c for h in missing for c in h.codes)),
            reference=missing[0].reference,
            severity="info",
        )


def _element_hits(
    ctx: ClaimContext, checks: Sequence[Any], matches: dict[int, list[str]]
) -> list[Hit]:
    """One hit per documentation element the matched checks need and the note lacks."""
    found: list[Hit] = []
    doc = ctx.documentation
    reported: set[str] = set()
    for i in sorted(matches):
        compiled = checks[i]
        check = compiled.check
        if check.element in reported or not check.applies(ctx.day, ctx.payer, ctx.profile):
            continue
        if check.procedures_tags and not any(
            ctx.lines_tagged(tag) for tag in check.procedures_tags
        ):
            continue
        matched = matches[i]
        if _documented(getattr(doc, check.element)):
            continue
        reported.add(check.element)
        found.append(
            Hit(
                message=f"{check.message} {check.query}".strip(),
                location=f"documentation.{check.element}",
                codes=tuple(matched),
                reference=check.citation,
            )
        )
    return found


def _documented(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str | list | tuple):
        return bool(value)
    return True
