"""Rules receive read-only views: a rule cannot change what a later claim is told.

Promise (docs/promises.md): a rule that tries, during a check, to change the claim (its
diagnoses, lines, modifiers, pointers, documentation), the engine's shared tables
(procedures, pairings, edits, unit limits, documentation checks, integral pairs,
synonyms), its options, or what the dataset hands out (children, billable descendants,
a code's 7th characters, the dataset's manifest figures) fails inside that rule: the
claim gets ENG001 naming the plugin and the rule, as for any exception a plugin raises,
and the next claim gets exactly the report a fresh engine gives it.

The views are built once, when the engine is built (tuples, frozensets, read-only
mappings): nothing is copied per claim.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

from cleanclaim.context import ClaimContext
from cleanclaim.contributions import Hit, UnitLimit
from cleanclaim.engine import ENGINE_RULE, Engine
from cleanclaim.fixtures import plugin_of, stub_rule

PLUGIN = "hx-vandal"
RULE = "HXV101"

#: a claim that touches most tables: Medicare PT lines with pointers, modifiers, documentation.
CLAIM: dict[str, Any] = {
    "claim_id": "RO-1",
    "date_of_service": "2026-05-12",
    "payer": "medicare",
    "patient": {"age": 45, "sex": "F"},
    "diagnoses": ["M62.830", "M54.50"],
    "lines": [
        {
            "procedure": "97110",
            "modifiers": ["GP"],
            "units": 2,
            "minutes": 30,
            "diagnosis_pointers": [1, 2],
        },
        {"procedure": "97140", "modifiers": ["GP"], "units": 1, "diagnosis_pointers": [1]},
        {"procedure": "98941", "units": 1, "diagnosis_pointers": [2]},
    ],
    "documentation": {
        "site": "lumbar",
        "spinal_regions": ["lumbar"],
        "objective_findings": ["guarding"],
        "trauma": False,
    },
    "extensions": {"vendor": {"ids": [1, 2], "tags": {"a": "b"}}, "batch": "b-7"},
}

#: checked after the vandal: a different claim, so nothing is answered from a memo.
LATER: dict[str, Any] = {
    **CLAIM,
    "claim_id": "RO-2",
    "diagnoses": ["M54.50", "M62.830", "S39.012A"],
}


def _first_key(mapping: Mapping[Any, Any]) -> Any:
    return next(iter(mapping))


def _first_value(mapping: Mapping[Any, Any]) -> Any:
    return mapping[_first_key(mapping)]


#: an attempt to change shared state; ``Any``: most of them call what the types forbid.
Attack = Callable[[Any, Any], object]

ATTACKS: dict[str, Attack] = {
    # the claim
    "claim diagnoses append": lambda ctx, o: ctx.claim.diagnoses.append("I10"),
    "context diagnoses append": lambda ctx, o: ctx.diagnoses.append("I10"),
    "claim diagnoses item": lambda ctx, o: ctx.claim.diagnoses.__setitem__(0, "I10"),
    "claim lines clear": lambda ctx, o: ctx.claim.lines.clear(),
    "line modifiers append": lambda ctx, o: ctx.lines[0].modifiers.append("KX"),
    "line pointers append": lambda ctx, o: ctx.lines[0].diagnosis_pointers.append(2),
    "claim history append": lambda ctx, o: ctx.claim.service_history.append(None),
    "documentation findings append": lambda ctx, o: ctx.documentation.objective_findings.append(
        "x"
    ),
    "documentation regions clear": lambda ctx, o: ctx.documentation.spinal_regions.clear(),
    "claim attribute": lambda ctx, o: setattr(ctx.claim, "payer", "aetna"),
    "line attribute": lambda ctx, o: setattr(ctx.lines[0], "units", 99),
    "documentation attribute": lambda ctx, o: setattr(ctx.documentation, "site", None),
    # the engine's tables
    "procedures item": lambda ctx, o: ctx.tables.procedures.__setitem__("97110", None),
    "procedures pop": lambda ctx, o: ctx.tables.procedures.pop("97110"),
    "pairings clear": lambda ctx, o: ctx.tables.pairings.clear(),
    "pairings list": lambda ctx, o: _first_value(ctx.tables.pairings).clear(),
    "plugin edits clear": lambda ctx, o: ctx.tables.plugin_edits.clear(),
    "plugin edits list": lambda ctx, o: _first_value(ctx.tables.plugin_edits).clear(),
    "edits_for result": lambda ctx, o: ctx.tables.edits_for(
        *_first_key(ctx.tables.plugin_edits)
    ).clear(),
    "plugin limits clear": lambda ctx, o: ctx.tables.plugin_limits.clear(),
    "plugin limits list": lambda ctx, o: _first_value(ctx.tables.plugin_limits).clear(),
    "limits_for result": lambda ctx, o: ctx.tables.limits_for(
        _first_key(ctx.tables.plugin_limits)
    ).clear(),
    "official limits item": lambda ctx, o: ctx.tables.official_limits.__setitem__("97110", []),
    "documentation checks clear": lambda ctx, o: ctx.tables.documentation.clear(),
    "documentation checks list": lambda ctx, o: _first_value(ctx.tables.documentation).clear(),
    "integral pairs clear": lambda ctx, o: ctx.tables.integral_pairs.clear(),
    "synonyms list": lambda ctx, o: _first_value(ctx.tables.synonyms).clear(),
    "descriptors item": lambda ctx, o: ctx.tables.descriptors.__setitem__("97110", "x"),
    "tables attribute": lambda ctx, o: setattr(ctx.tables, "procedures", {}),
    "tables pairings attribute": lambda ctx, o: setattr(ctx.tables, "pairings", {}),
    "procedure tags": lambda ctx, o: ctx.tables.procedures["97110"].tags.add("x"),
    # the options
    "options item": lambda ctx, o: o.__setitem__("x", 1),
    "options update": lambda ctx, o: o.update(x=1),
    # the dataset
    "children": lambda ctx, o: ctx.dataset.children("M62.8").append("I10"),
    "billable descendants": lambda ctx, o: ctx.dataset.billable_descendants("M54.5").clear(),
    "code info 7th characters": lambda ctx, o: ctx.dataset.lookup(
        "S39.012"
    ).seventh_characters.clear(),
    "dataset 7th characters": lambda ctx, o: ctx.dataset.seventh_characters("S39.012").clear(),
    "code info attribute": lambda ctx, o: setattr(ctx.dataset.lookup("M62.830"), "billable", False),
    "dataset info counts": lambda ctx, o: ctx.dataset.info.counts.clear(),
    "dataset info files": lambda ctx, o: ctx.dataset.info.files.clear(),
    "dataset info attribute": lambda ctx, o: setattr(ctx.dataset.info, "fiscal_year", 2021),
    # the engine's memo of pure look-ups (PC104's trigger answer for M54.50 is in it)
    "memo item": lambda ctx, o: ctx.tables.memo.__setitem__(
        ("diagnosis-trigger", "PC104", "M54.50"), False
    ),
    "memo clear": lambda ctx, o: ctx.tables.memo.clear(),
    "memo update": lambda ctx, o: ctx.tables.memo.update({("x",): 1}),
    "memo setdefault": lambda ctx, o: ctx.tables.memo.setdefault(("x",), 1),
    "memo remember": lambda ctx, o: ctx.tables.remember(
        ("diagnosis-trigger", "PC104", "M54.50"), False
    ),
    "memo attribute": lambda ctx, o: setattr(ctx.tables, "memo", {}),
    # the claim's extensions (vendor data, read-only like the rest of the claim)
    "extensions item": lambda ctx, o: ctx.claim.extensions.__setitem__("batch", "x"),
    "extensions pop": lambda ctx, o: ctx.claim.extensions.pop("batch"),
    "extensions nested item": lambda ctx, o: ctx.claim.extensions["vendor"].__setitem__("x", 1),
    "extensions nested list": lambda ctx, o: ctx.claim.extensions["vendor"]["ids"].append(3),
    "extensions nested table": lambda ctx, o: ctx.claim.extensions["vendor"]["tags"].clear(),
    # the context's own attributes, read by every later rule of the claim
    "context payer": lambda ctx, o: setattr(ctx, "payer", "aetna"),
    "context profile": lambda ctx, o: setattr(ctx, "profile", "commercial"),
    "context day": lambda ctx, o: setattr(ctx, "day", None),
    "context diagnoses attribute": lambda ctx, o: setattr(ctx, "diagnoses", ("I10",)),
    "context lines attribute": lambda ctx, o: setattr(ctx, "lines", ()),
    "context claim attribute": lambda ctx, o: setattr(ctx, "claim", None),
    "context tables attribute": lambda ctx, o: setattr(ctx, "tables", None),
    "context dataset attribute": lambda ctx, o: setattr(ctx, "dataset", None),
    "context registry attribute": lambda ctx, o: setattr(ctx, "registry", None),
    "context procedure codes": lambda ctx, o: setattr(ctx, "procedure_codes", frozenset()),
    "context derived facts": lambda ctx, o: setattr(ctx, "line_diagnoses", ()),
    "context specialty": lambda ctx, o: setattr(ctx, "specialty", "chiropractic"),
    "context delete": lambda ctx, o: delattr(ctx, "payer"),
}


def _vandal(attack: Attack) -> object:
    def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
        if ctx.claim.claim_id == CLAIM["claim_id"]:  # later claims are only watched
            attack(ctx, options)
            yield Hit("the attack went through", "claim")

    return plugin_of(PLUGIN, "HXV", rules=[stub_rule(RULE, check)])


def _bystander() -> object:
    """A second plugin whose rule reports what it sees: a changed claim shows in its hit."""

    def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
        seen = (
            list(ctx.claim.diagnoses),
            [
                (line.procedure, list(line.modifiers), list(line.diagnosis_pointers))
                for line in ctx.lines
            ],
            ctx.documentation.site,
            sorted(ctx.tables.procedures)[:3],
            [entry.limit.max_units for entry in ctx.tables.limits_for("97110")],
            len(ctx.tables.pairings),
            dict(options),
            dict(ctx.claim.extensions),
        )
        yield Hit(f"seen {seen!r}", "claim")

    # a unit limit of its own, so the plugin limits table is not empty
    limit = UnitLimit(code="97110", max_units=4, source="test limit")
    return plugin_of("hx-bystander", "HXB", rules=[stub_rule("HXB101", check)], unit_limits=[limit])


def _plain(report: Any) -> list[tuple[str, str, str, str, tuple[str, ...]]]:
    return [(f.rule, f.severity, f.message, f.location, tuple(f.codes)) for f in report.findings]


@pytest.fixture(scope="module")
def fresh_answers() -> tuple[Any, Any]:
    """What an engine with no vandal says of both claims (the bundled plugins loaded)."""
    engine = Engine.build([_bystander()])
    return _plain(engine.check(CLAIM)), _plain(engine.check(LATER))


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_a_rule_cannot_change_what_later_claims_are_told(
    name: str, fresh_answers: tuple[Any, Any]
) -> None:
    engine = Engine.build([_vandal(ATTACKS[name]), _bystander()])
    first = engine.check(CLAIM)
    crashes = [f for f in first.findings if f.rule == ENGINE_RULE]
    assert RULE not in {f.rule for f in first.findings}, f"{name}: the change went through"
    assert len(crashes) == 1 and f"Rule {RULE} of plugin {PLUGIN!r} failed" in crashes[0].message
    # every other finding of the vandal's own claim is what a fresh engine says
    assert [f for f in _plain(first) if f[0] != ENGINE_RULE] == fresh_answers[0]
    assert _plain(engine.check(LATER)) == fresh_answers[1]


def test_the_claim_still_serialises_as_before() -> None:
    """Tuples inside the claim are JSON arrays: the claim's JSON and schema are unchanged."""
    from cleanclaim.models import Claim

    claim = Claim.model_validate(CLAIM)
    assert isinstance(claim.diagnoses, tuple) and isinstance(claim.lines[0].modifiers, tuple)
    dumped = claim.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    assert dumped["diagnoses"] == CLAIM["diagnoses"]
    assert dumped["lines"][0]["modifiers"] == ["GP"]
    assert dumped["documentation"]["spinal_regions"] == ["lumbar"]
    assert Claim.model_validate_json(claim.model_dump_json()) == claim
    schema = Claim.model_json_schema()
    assert schema["properties"]["diagnoses"]["type"] == "array"
    assert schema["properties"]["diagnoses"]["items"] == {"type": "string"}


def _poisoner(engine: Engine) -> object:
    """A rule that, on the first claim, writes a wrong answer into the engine's memo for
    every entry it can see and every code of the later claim: PC104's trigger, the
    documentation checks' coverage.  On the old engine the later claim lost PC104."""
    rules = [reg.rule.id for reg in engine.rules.values()]

    def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
        if ctx.claim.claim_id != CLAIM["claim_id"]:
            return
        memo: Any = ctx.tables.memo
        for key in list(memo):
            memo[key] = not memo[key] if isinstance(memo[key], bool) else ()
        for rule in rules:
            for code in LATER["diagnoses"]:
                ctx.tables.remember(("diagnosis-trigger", rule, code), False)
                ctx.tables.remember(("documentation", rule, code), ())
        yield Hit("the memo was written", "claim")

    return plugin_of(PLUGIN, "HXV", rules=[stub_rule(RULE, check)])


def test_a_rule_cannot_poison_the_engine_memo(fresh_answers: tuple[Any, Any]) -> None:
    probe = Engine.build([_bystander()])
    engine = Engine.build([_poisoner(probe), _bystander()])
    engine.check(LATER)  # the memo holds the later claim's answers ...
    first = engine.check(CLAIM)  # ... which the poisoner tries to change
    assert RULE not in {f.rule for f in first.findings}
    assert [f.rule for f in first.findings].count(ENGINE_RULE) == 1
    assert _plain(engine.check(LATER)) == fresh_answers[1]
    assert "PC104" in {f[0] for f in fresh_answers[1]}  # the answer that was at stake
    assert ("diagnosis-trigger", "PC104", "M54.50") in engine.tables.memo  # kept, unchanged


def test_the_kernel_still_fills_the_memo_and_bounds_it() -> None:
    engine = Engine.build([_bystander()])
    engine.check(LATER)
    memo = engine.tables.memo
    assert memo[("diagnosis-trigger", "PC104", "M54.50")] is True
    assert isinstance(memo[("documentation", "OT102", "M54.50")], tuple)


def _extension_vandal(calls: list[int]) -> object:
    """Tries every way into the claim's extensions, on its first call only."""

    def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
        calls.append(1)
        if len(calls) == 1:
            extensions: Any = ctx.claim.extensions
            for attack in (
                lambda: extensions.__setitem__("batch", "changed"),
                lambda: extensions["vendor"]["ids"].append(3),
                lambda: extensions["vendor"]["tags"].clear(),
                lambda: extensions["vendor"].__setitem__("new", 1),
            ):
                try:
                    attack()
                except (TypeError, AttributeError):
                    continue
                yield Hit("the extensions were changed", "extensions")

    return plugin_of(PLUGIN, "HXV", rules=[stub_rule(RULE, check)])


def test_the_same_claim_checked_again_is_told_the_same() -> None:
    """A ``Claim`` checked twice (or the caller's mapping) is not changed by a rule."""
    from cleanclaim.models import Claim

    calls: list[int] = []
    engine = Engine.build([_extension_vandal(calls), _bystander()])
    claim = Claim.model_validate(CLAIM)
    first, second = engine.check(claim), engine.check(claim)
    assert calls == [1, 1]
    assert RULE not in {f.rule for f in first.findings}
    assert _plain(first) == _plain(second)
    calls.clear()
    mapping: dict[str, Any] = {**CLAIM, "extensions": {"vendor": {"ids": [1], "tags": {}}}}
    engine.check(mapping)
    assert mapping["extensions"] == {"vendor": {"ids": [1], "tags": {}}}


def test_extensions_are_frozen_at_any_depth_and_still_serialise() -> None:
    from cleanclaim.models import Claim

    nested: Any = {"x": [1, {"y": [2, 3]}]}
    for _ in range(50_000):
        nested = [nested]
    claim = Claim.model_validate({**CLAIM, "extensions": {"deep": nested, "v": {"k": [1]}}})
    with pytest.raises(AttributeError):  # a tuple
        claim.extensions["v"]["k"].append(2)
    with pytest.raises(TypeError):
        claim.extensions["v"]["z"] = 1
    plain = Claim.model_validate({**CLAIM})
    with pytest.raises(TypeError):
        plain.extensions["x"] = 1  # the empty default is read-only too
    small = Claim.model_validate(CLAIM)
    assert small.model_dump(mode="json")["extensions"] == CLAIM["extensions"]
    assert Claim.model_validate_json(small.model_dump_json()) == small
    assert Claim.model_json_schema()["properties"]["extensions"]["type"] == "object"
