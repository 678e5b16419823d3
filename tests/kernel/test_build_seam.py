"""The build/check seam: `cleanclaim.build` merges, the engine checks.

The plugins' contributions and the user's files (payer override files here) are merged by
`cleanclaim.build.assemble`; the engine is handed the result, and what it applies is
readable through its public `Engine.payer_overrides`, which ``cleanclaim rules RULE``
shows.
"""

from __future__ import annotations

from pathlib import Path

from cleanclaim.build import assemble, gather
from cleanclaim.config import Config
from cleanclaim.contributions import PayerOverride
from cleanclaim.engine import Engine
from cleanclaim.plugin.host import new_manager, register
from cleanclaim.rules import lib as core_plugin

_FILE = (
    '[[override]]\npayer = "acme"\nrule = "ICD105"\nenabled = false\n'
    'source = "Acme provider manual 4.2"\n'
)


def test_payer_overrides_are_public_in_the_order_they_apply(tmp_path: Path) -> None:
    file = tmp_path / "acme.toml"
    file.write_text(_FILE, encoding="utf-8")
    plain = Engine.build(installed=False)
    engine = Engine.build(installed=False, config=Config(payer_overrides=(file,)))
    added = engine.payer_overrides[len(plain.payer_overrides) :]
    assert [(o.payer, o.rule, o.enabled, src) for o, src in added] == [
        ("acme", "ICD105", False, str(file))
    ]
    assert all(isinstance(o, PayerOverride) for o, _ in engine.payer_overrides)
    assert engine.profile_of("acme") == "acme"


def test_assemble_builds_what_the_engine_checks_with(tmp_path: Path) -> None:
    file = tmp_path / "acme.toml"
    file.write_text(_FILE, encoding="utf-8")
    pm = new_manager()
    register(pm, core_plugin, "core")
    contributions, problems = gather(pm, Config())
    assert problems == []
    built = assemble(contributions, Config(payer_overrides=(file,)))
    assert [p.name for p in built.plugins] == ["core"]
    assert "ICD101" in built.rules and list(built.rules) == sorted(built.rules)
    assert built.overrides[-1][1] == str(file)
    engine = Engine.build(installed=False, config=Config(payer_overrides=(file,)))
    assert engine.payer_overrides == built.overrides
    assert engine.plugins == built.plugins
