"""Rule options: read-only, shared and hashable by identity (typed models: test_typed_options)."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from cleanclaim.context import ClaimContext
from cleanclaim.contributions import Hit
from cleanclaim.engine import Engine
from cleanclaim.fixtures import plugin_of, stub_rule
from cleanclaim.options import Options


def test_options_refuse_every_change() -> None:
    options = Options({"words": ("a",)})
    for change in (
        lambda: options.__setitem__("x", 1),
        lambda: options.__delitem__("words"),
        options.clear,
        lambda: options.pop("words"),
        options.popitem,
        lambda: options.setdefault("x", 1),
        lambda: options.update(x=1),
        lambda: options.__ior__({"x": 1}),
    ):
        with pytest.raises(TypeError, match="read-only"):
            change()
    assert options == {"words": ("a",)}


def test_options_hash_by_identity_and_survive_copy_and_pickle() -> None:
    one, two = Options({"a": 1}), Options({"a": 1})
    assert one == two == {"a": 1} and hash(one) == object.__hash__(one) and hash(one) != hash(two)
    for clone in (pickle.loads(pickle.dumps(one)), copy.deepcopy(one), copy.copy(one)):
        assert clone == one and isinstance(clone, Options)


SEEN: list[Mapping[str, Any]] = []


def _record(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    SEEN.append(options)
    return iter(())


RECORDING = plugin_of(
    "options-fixture",
    "OPX",
    rules=[stub_rule("OPX101", check=_record, options={"words": ["a"], "table": {"k": ["v"]}})],
)


def test_the_engine_hands_every_claim_the_same_frozen_options() -> None:
    engine = Engine.build(plugins=[RECORDING], installed=False)
    SEEN.clear()
    for _ in range(3):
        engine.check({"date_of_service": "2026-05-12", "diagnoses": ["J06.9"]})
    first = SEEN[0]
    assert all(seen is first for seen in SEEN) and isinstance(first, Options)
    assert first == {"words": ("a",), "table": {"k": ("v",)}}
    with pytest.raises(TypeError):
        first["table"]["k"] = ()  # type: ignore[index]
