"""Engine behaviour: isolation of failing rules, build problems, payer overrides, config."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from kernel_support import claim, engine_with, fixture_plugin, make_rule, only, rules_of

from cleanclaim.config import Config, ConfigError
from cleanclaim.context import ClaimContext
from cleanclaim.contributions import Hit, Pairing, PayerOverride, Procedure
from cleanclaim.engine import EngineBuildError


def always(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    """Reports once per claim, so tests can see whether the rule ran and how."""
    yield Hit(f"threshold {options.get('threshold', 'unset')}", "diagnoses[0]")


def crashes_on_r52(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    yield Hit("before the crash", "diagnoses[0]")
    if "R52" in ctx.diagnoses:
        raise ZeroDivisionError("patient secret 123")


def fx_plugin(**hooks: Any) -> object:
    rules = [
        make_rule("FX001", always, groups=("fixture-group",), options={"threshold": 1}),
        make_rule("FX002", always, default_severity="warning"),
    ]
    return fixture_plugin("fixture", rules=rules, **hooks)


# -- isolation ---------------------------------------------------------------------------


def test_crashing_rule_becomes_eng001_and_other_findings_remain() -> None:
    plugin = fixture_plugin(
        "crashy",
        prefix="CR",
        rules=[make_rule("CR001", crashes_on_r52), make_rule("CR002", always)],
    )
    engine = engine_with(plugin)
    report = engine.check(claim("R52", "M54.5"))
    [crash] = only(report, "ENG001")
    assert "CR001" in crash.message and "'crashy'" in crash.message
    assert crash.source == "core" and crash.severity == "error"
    assert "secret" not in crash.message  # claim data never leaks through exception text
    assert {"CR001", "CR002", "ICD101"} <= set(rules_of(report))
    assert report.status == "error"
    assert "ENG001" not in rules_of(engine.check(claim("M62.830")))


def test_check_many_keeps_going_after_a_crash() -> None:
    engine = engine_with(
        fixture_plugin("crashy", prefix="CR", rules=[make_rule("CR001", crashes_on_r52)])
    )
    reports = list(engine.check_many([claim("R52"), claim("M62.830"), claim("R52")]))
    assert [("ENG001" in rules_of(r)) for r in reports] == [True, False, True]


# -- build problems ------------------------------------------------------------------------


def test_malformed_contribution_is_recorded_and_other_plugins_load() -> None:
    broken = fixture_plugin("broken", prefix="BR", pairings=[{"procedures": ["97110"]}])
    good = fixture_plugin(
        "good",
        prefix="GD",
        procedures=[Procedure(code="97110", label="therapeutic exercise")],
        pairings=[Pairing(procedures=("97110",), diagnoses=("M62.83-",), citation="good LCD")],
    )
    engine = engine_with(broken, good)
    [problem] = engine.problems
    assert (problem.plugin, problem.hook) == ("broken", "cleanclaim_pairings")
    assert "citation" in problem.error and "diagnoses" in problem.error
    assert [c.source for c in engine.tables.pairings["97110"]] == ["good"]
    assert {p.name for p in engine.plugins} == {"core", "broken", "good"}


def test_hook_that_raises_is_recorded_by_name() -> None:
    def explode() -> list[Procedure]:
        raise RuntimeError("data file missing")

    engine = engine_with(fixture_plugin("boom", prefix="BM", procedures=explode))
    [problem] = engine.problems
    assert (problem.plugin, problem.hook) == ("boom", "cleanclaim_procedures")
    assert "data file missing" in problem.error


def test_non_rule_in_rules_hook_is_recorded() -> None:
    engine = engine_with(fixture_plugin("odd", prefix="OD", rules=["not a rule"]))
    assert [(p.plugin, p.hook) for p in engine.problems] == [("odd", "cleanclaim_rules")]


def test_strict_build_raises() -> None:
    broken = fixture_plugin("broken", prefix="BR", pairings=[{"procedures": ["97110"]}])
    with pytest.raises(EngineBuildError, match="plugin broken: cleanclaim_pairings"):
        engine_with(broken, strict=True)


def test_strict_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEANCLAIM_STRICT_PLUGINS", "1")
    with pytest.raises(EngineBuildError):
        engine_with(fixture_plugin("broken", prefix="BR", unit_limits=[{"code": "97110"}]))


def test_api_version_mismatch_is_refused_with_a_clear_message() -> None:
    engine = engine_with(
        fixture_plugin("future", prefix="FU", api=99, rules=[make_rule("FU001", always)])
    )
    [problem] = engine.problems
    assert problem.plugin == "future"
    assert "plugin API 99" in problem.error
    assert "FU001" not in engine.rules
    assert "future" not in {p.name for p in engine.plugins}


def test_plugin_without_info_is_recorded() -> None:
    engine = engine_with(fixture_plugin("anon", info=False, rules=[make_rule("FX001", always)]))
    assert [p.hook for p in engine.problems] == ["cleanclaim_plugin_info"]
    assert "FX001" not in engine.rules


def test_duplicate_rule_id_is_recorded_and_first_kept() -> None:
    # Two plugins cannot share a rule prefix (each registered under its own name, the
    # build stops naming both: tests/hardening/test_plugin_boundaries.py), so a duplicate
    # id is a plugin's own.
    one = fixture_plugin("one", prefix="FX", rules=[make_rule("FX001", always)])
    two = fixture_plugin("two", prefix="FX", rules=[make_rule("FX001", crashes_on_r52)])
    with pytest.raises(EngineBuildError, match="plugins 'one' and 'two' both use rule prefix FX"):
        engine_with(one, two)
    twice = fixture_plugin(
        "twice", prefix="FX", rules=[make_rule("FX001", always), make_rule("FX001", always)]
    )
    [problem] = engine_with(twice).problems
    assert "FX001 is already defined by twice" in problem.error


def test_kernel_rule_id_cannot_be_taken_by_a_plugin() -> None:
    engine = engine_with(
        fixture_plugin("sneaky", prefix="ICD", rules=[make_rule("ICD101", always)])
    )
    assert engine.rules["ICD101"].source == "core"
    assert "clashes with ICD of plugin 'core'" in engine.problems[0].error


def test_rule_id_without_the_plugin_prefix_is_refused() -> None:
    engine = engine_with(fixture_plugin("fixture", prefix="FX", rules=[make_rule("XY001", always)]))
    assert "lacks prefix FX" in engine.problems[0].error
    assert "XY001" not in engine.rules


def test_plugins_records_hooks_and_rules() -> None:
    engine = engine_with(fx_plugin(procedures=[]))
    record = next(p for p in engine.plugins if p.name == "fixture")
    assert record.rules == ("FX001", "FX002")
    assert record.hooks == ("cleanclaim_plugin_info", "cleanclaim_procedures", "cleanclaim_rules")


# -- payer overrides ---------------------------------------------------------------------


def _override(**fields: Any) -> PayerOverride:
    return PayerOverride(**{"source": "fixture policy", **fields})


def _finding(engine: Any, rule: str, **claim_fields: Any) -> Any:
    found = only(engine.check(claim("M62.830", **claim_fields)), rule)
    return found[0] if found else None


def test_override_disables_for_one_payer_only() -> None:
    engine = engine_with(
        fx_plugin(payer_overrides=[_override(payer="medicare", rule="FX001", enabled=False)])
    )
    assert _finding(engine, "FX001", payer="medicare") is None
    assert _finding(engine, "FX001", payer="commercial") is not None


def test_override_enables_a_rule_off_by_default() -> None:
    rule = make_rule("FX003", always, enabled_by_default=False)
    plugin = fixture_plugin(
        "fixture",
        rules=[rule],
        payer_overrides=[_override(payer="medicare", rule="FX003", enabled=True)],
    )
    engine = engine_with(plugin)
    assert _finding(engine, "FX003", payer="medicare") is not None
    assert _finding(engine, "FX003") is None


def test_override_changes_severity_and_options() -> None:
    engine = engine_with(
        fx_plugin(
            payer_overrides=[
                _override(payer="medicare", rule="FX001", severity="info", options={"threshold": 9})
            ]
        )
    )
    medicare = _finding(engine, "FX001", payer="medicare")
    assert (medicare.severity, medicare.message) == ("info", "threshold 9")
    commercial = _finding(engine, "FX001")
    assert (commercial.severity, commercial.message) == ("error", "threshold 1")


def test_override_selects_by_glob_group_and_plugin_name() -> None:
    for selector in ("FX*", "fixture-group", "fixture"):
        engine = engine_with(
            fx_plugin(payer_overrides=[_override(payer="medicare", rule=selector, enabled=False)])
        )
        assert _finding(engine, "FX001", payer="medicare") is None, selector


def test_override_date_window() -> None:
    override = _override(
        payer="medicare", rule="FX001", enabled=False, effective_from=date(2026, 6, 1)
    )
    engine = engine_with(fx_plugin(payer_overrides=[override]))
    assert _finding(engine, "FX001", payer="medicare") is not None
    assert _finding(engine, "FX001", payer="medicare", day="2026-06-01") is None


def test_unknown_payer_gets_the_commercial_profile() -> None:
    engine = engine_with(
        fx_plugin(payer_overrides=[_override(payer="commercial", rule="FX001", enabled=False)])
    )
    assert engine.profile_of("acme") == "commercial"
    assert _finding(engine, "FX001", payer="acme") is None
    assert _finding(engine, "FX001") is None  # no payer: the default payer, commercial
    assert _finding(engine, "FX001", payer="medicare") is not None


def test_user_override_file_is_applied_after_plugin_overrides(tmp_path: Path) -> None:
    file = tmp_path / "overrides.toml"
    file.write_text(
        '[[override]]\npayer = "medicare"\nrule = "FX001"\nenabled = true\nseverity = "warning"\n'
        'reason = "our Medicare contractor does check it"\nsource = "contractor LCD"\n',
        encoding="utf-8",
    )
    plugin_says_off = _override(payer="medicare", rule="FX001", enabled=False)
    engine = engine_with(
        fx_plugin(payer_overrides=[plugin_says_off]), config=Config(payer_overrides=(file,))
    )
    finding = _finding(engine, "FX001", payer="medicare")
    assert finding is not None and finding.severity == "warning"


def test_override_file_for_a_new_payer_makes_it_a_profile(tmp_path: Path) -> None:
    file = tmp_path / "acme.toml"
    file.write_text(
        '[[override]]\npayer = "Acme"\nrule = "FX002"\nenabled = false\nsource = "Acme manual"\n',
        encoding="utf-8",
    )
    engine = engine_with(fx_plugin(), config=Config(payer_overrides=(file,)))
    assert engine.profile_of("acme") == "acme"
    assert _finding(engine, "FX002", payer="acme") is None
    assert _finding(engine, "FX002", payer="commercial") is not None


def test_bad_override_file_names_file_and_record(tmp_path: Path) -> None:
    from cleanclaim.payers import OverrideFileError

    file = tmp_path / "bad.toml"
    file.write_text(
        '[[override]]\npayer = "medicare"\nrule = "FX001"\nsevrity = "info"\n', encoding="utf-8"
    )
    with pytest.raises(OverrideFileError, match=r"bad\.toml: override #1: sevrity"):
        engine_with(fx_plugin(), config=Config(payer_overrides=(file,)))


# -- configuration -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (Config(select=("FX001",)), {"FX001"}),
        (Config(select=("FX00*",)), {"FX001", "FX002"}),
        (Config(select=("fixture-group",)), {"FX001"}),
        (Config(select=("fixture",)), {"FX001", "FX002"}),
        (Config(select=("fixture-fx002",)), {"FX002"}),  # by rule name
        (Config(ignore=("FX001",)), {"FX002", "ICD101"}),
        (Config(ignore=("FX*",)), {"ICD101"}),
        (Config(ignore=("fixture-group",)), {"FX002", "ICD101"}),
        (Config(ignore=("fixture",)), {"ICD101"}),
        (Config(select=("FX*", "diagnosis"), ignore=("FX002",)), {"FX001", "ICD101"}),
        (Config(ignore=("core",)), {"FX001", "FX002"}),
    ],
)
def test_select_and_ignore(config: Config, expected: set[str]) -> None:
    engine = engine_with(fx_plugin(), config=config)
    assert set(rules_of(engine.check(claim("M54.5")))) == expected


def test_severity_by_id_and_glob() -> None:
    engine = engine_with(
        fx_plugin(), config=Config(severity={"FX00*": "info", "ICD101": "warning"})
    )
    report = engine.check(claim("M54.5"))
    assert {f.rule: f.severity for f in report.findings} == {
        "FX001": "info",
        "FX002": "info",
        "ICD101": "warning",
    }
    assert report.status == "warning"


def test_rule_options_from_config() -> None:
    engine = engine_with(fx_plugin(), config=Config(rules={"fx001": {"threshold": 5}}))
    assert _finding(engine, "FX001").message == "threshold 5"


def test_unknown_config_key_lists_allowed_keys() -> None:
    with pytest.raises(ConfigError) as info:
        Config.from_mapping({"ingore": ["FX001"]}, origin="cleanclaim.toml", base_dir=Path("."))
    message = str(info.value)
    assert "cleanclaim.toml" in message and "ingore" in message
    for allowed in ("ignore", "select", "severity", "payer-overrides", "ncci-ptp", "plugins"):
        assert allowed in message


def test_bad_config_value_names_file_and_key(tmp_path: Path) -> None:
    file = tmp_path / "cleanclaim.toml"
    file.write_text('[severity]\nFX001 = "fatal"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cleanclaim\.toml: severity\.FX001"):
        Config.load(file)


def test_config_file_not_toml(tmp_path: Path) -> None:
    file = tmp_path / "cleanclaim.toml"
    file.write_text("select = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        Config.load(file)


def test_pyproject_tool_section_is_discovered_from_a_subfolder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.cleanclaim]\nignore = ["ICD105"]\n'
        'payer-overrides = ["payers/acme.toml"]\n',
        encoding="utf-8",
    )
    (tmp_path / "src" / "deep").mkdir(parents=True)
    config = Config.discover(tmp_path / "src" / "deep")
    assert config.ignore == ("ICD105",)
    assert config.resolve(config.payer_overrides[0]) == tmp_path.resolve() / "payers" / "acme.toml"


def test_pyproject_without_tool_section_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "cleanclaim.toml").write_text('select = ["ICD1*"]\n', encoding="utf-8")
    inner = tmp_path / "pkg"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "pkg"\n', encoding="utf-8")
    assert Config.discover(inner).select == ("ICD1*",)


def test_cleanclaim_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    (tmp_path / "cleanclaim.toml").write_text('ignore = ["A"]\n', encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.cleanclaim]\nignore = ["B"]\n', encoding="utf-8"
    )
    assert Config.discover(tmp_path).ignore == ("A",)


def test_no_config_anywhere_gives_defaults(tmp_path: Path) -> None:
    assert Config.discover(tmp_path) == Config()


def test_unknown_key_in_pyproject_names_the_section(tmp_path: Path) -> None:
    file = tmp_path / "pyproject.toml"
    file.write_text('[tool.cleanclaim]\nselct = ["X"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[tool\.cleanclaim\]: unknown setting\(s\) selct"):
        Config.discover(tmp_path)
