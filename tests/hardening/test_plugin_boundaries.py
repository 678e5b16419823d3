"""A plugin cannot silence the kernel or another plugin, nor speak in another's name.

Promises (docs/promises.md):

* a plugin's payer overrides apply to its own rules only: ``rule = "*"``, ``"core"``,
  ``"ICD*"`` or another plugin's name from a plugin switches off or downgrades nothing
  but that plugin's rules, for every payer; an override that names none of its own rules
  is a build problem.  The user's own override files still reach every rule;
* a plugin that calls itself ``core``, takes another plugin's name, or a rule prefix that
  clashes with another's (or with the kernel's rule ids) is refused at build with a
  problem naming both, and none of its contributions load.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hardening_support import CLEAN

from cleanclaim.config import Config
from cleanclaim.context import ClaimContext
from cleanclaim.contributions import Hit, PayerOverride
from cleanclaim.engine import Engine
from cleanclaim.fixtures import plugin_of, stub_rule

#: deleted from ICD-10-CM in FY2022 (replaced by M54.50-M54.59): an error on a 2026 claim.
DELETED = {**CLEAN, "diagnoses": ["M54.5"]}


def _always(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    yield Hit("own rule fired", "diagnoses[0]")


def _silencer(selector: str, **change: Any) -> object:
    overrides = [
        PayerOverride(payer=payer, rule=selector, source="plugin data", **change)
        for payer in ("commercial", "medicare", "aetna")
    ]
    return plugin_of(
        "hx-silencer", "HXS", rules=[stub_rule("HXS101", _always)], payer_overrides=overrides
    )


def _kernel_errors(engine: Engine, payer: str) -> set[str]:
    report = engine.check({**DELETED, "payer": payer})
    return {f.rule for f in report.findings if f.severity == "error" and f.source == "core"}


@pytest.mark.parametrize("selector", ["*", "core", "ICD*", "ICD101", "HX*"])
@pytest.mark.parametrize("change", [{"enabled": False}, {"severity": "info"}])
def test_a_plugin_override_never_reaches_kernel_rules(
    selector: str, change: dict[str, Any]
) -> None:
    plain = Engine.build(installed=False)
    expected = {payer: _kernel_errors(plain, payer) for payer in ("commercial", "medicare")}
    assert expected["commercial"], "the deleted code must be an error without the plugin"
    engine = Engine.build([_silencer(selector, **change)], installed=False)
    for payer in ("commercial", "medicare", "aetna", "some-other-payer"):
        assert _kernel_errors(engine, payer) == expected.get(payer, expected["commercial"])


def test_a_plugin_override_still_changes_its_own_rules() -> None:
    engine = Engine.build([_silencer("*", enabled=False)], installed=False)
    report = engine.check(CLEAN)
    assert "HXS101" not in {f.rule for f in report.findings}
    engine = Engine.build([_silencer("HXS101", severity="error")], installed=False)
    report = engine.check(CLEAN)
    assert [f.severity for f in report.findings if f.rule == "HXS101"] == ["error"]


def test_an_override_of_none_of_its_own_rules_is_a_build_problem() -> None:
    engine = Engine.build([_silencer("ICD*", enabled=False)], installed=False)
    texts = [p.error for p in engine.problems if p.plugin == "hx-silencer"]
    assert texts and all("'ICD*'" in text and "own rules only" in text for text in texts)


def test_the_users_override_file_still_reaches_kernel_rules(tmp_path: Path) -> None:
    path = tmp_path / "overrides.toml"
    path.write_text(
        '[[override]]\npayer = "commercial"\nrule = "ICD*"\nenabled = false\n'
        'source = "payer manual"\n'
    )
    engine = Engine.build(installed=False, config=Config(payer_overrides=[path]))
    assert not any(r.startswith("ICD") for r in _kernel_errors(engine, "commercial"))


@pytest.mark.parametrize(
    ("name", "prefix", "owner"),
    [
        ("core", "HXC", "core"),
        ("hx-owner", "HXZ", "hx-owner"),  # another plugin's name
        ("hx-other", "HXO", "hx-owner"),  # HXO is hx-owner's prefix
        ("hx-other", "HX", "hx-owner"),  # HX starts HXO
        ("hx-other", "ICD", "core"),
        ("hx-other", "CLM", "the kernel's rule ids"),
    ],
)
def test_a_plugin_cannot_take_a_name_or_prefix_owned_by_another(
    name: str, prefix: str, owner: str
) -> None:
    owner_plugin = plugin_of("hx-owner", "HXO", rules=[stub_rule("HXO101", _always)])
    # registered under its own name, as an entry point of that name registers it
    owner_plugin.__name__ = "hx-owner"  # type: ignore[attr-defined]
    impostor = plugin_of(
        name,
        prefix,
        rules=[stub_rule(f"{prefix}901", _always)],
        payer_overrides=[PayerOverride(payer="commercial", rule="*", enabled=False, source="x")],
    )
    engine = Engine.build([owner_plugin, impostor], installed=False)
    refused = [p for p in engine.problems if "refused" in p.error]
    assert len(refused) == 1, engine.problems
    assert refused[0].plugin == name and owner in refused[0].error, refused[0]
    assert f"{prefix}901" not in engine.rules
    assert engine.rules["HXO101"].source == "hx-owner"
    assert "HXO101" in {f.rule for f in engine.check(CLEAN).findings}
    assert _kernel_errors(engine, "commercial") == _kernel_errors(
        Engine.build(installed=False), "commercial"
    )


@pytest.mark.parametrize("prefix", ["PT", "PTX"])
def test_a_prefix_clash_between_two_owners_is_fatal_not_a_silent_winner(prefix: str) -> None:
    """Two plugins registered under their own names with clashing prefixes: neither is an
    impostor, so keeping the first by name would let any plugin installed beside
    physical-therapy ("aaa", sorting first) knock its rules out with a warning only.  The
    build stops instead, naming both; the configuration's ``plugins`` resolves it."""
    from cleanclaim.engine import EngineBuildError

    newcomer = plugin_of("aaa-newcomer", prefix, rules=[stub_rule(f"{prefix}901", _always)])
    newcomer.__name__ = "aaa-newcomer"  # type: ignore[attr-defined]
    with pytest.raises(EngineBuildError) as caught:
        Engine.build([newcomer])
    message = str(caught.value)
    assert "'aaa-newcomer'" in message and "'physical-therapy'" in message, message
    assert "plugins" in message  # says how to resolve it
    # the user leaves the bundled plugin out: the newcomer loads, nothing else changes
    engine = Engine.build([newcomer], config=Config(plugins=("chiropractic",)))
    assert f"{prefix}901" in engine.rules and "PT101" not in engine.rules


def test_the_kernels_prefixes_stay_the_kernels_even_against_an_owner() -> None:
    owner = plugin_of("aaa-icd", "ICD", rules=[stub_rule("ICD901", _always)])
    owner.__name__ = "aaa-icd"  # type: ignore[attr-defined]
    engine = Engine.build([owner], installed=False)
    assert "ICD901" not in engine.rules
    assert any(p.plugin == "aaa-icd" and "refused" in p.error for p in engine.problems)
