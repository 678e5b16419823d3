"""Configuration mistakes are caught, naming the file, the key and what is allowed.

A misspelt rule id in ``ignore`` (``PT1O6``), an option value no rule reads
(``method = "per_code"``), a payer override with no ``source``: each looks like a working
configuration when accepted in silence, so each is an error (exit 2 on the command line).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import cleanclaim_physical_therapy.plugin as pt_plugin
from cleanclaim.config import Config, ConfigError
from cleanclaim.engine import Engine
from cleanclaim.payers import OverrideFileError

ROOT = Path(__file__).resolve().parents[2]
CLAIM = ROOT / "examples" / "claims" / "back-spasm-pt-medicare.json"


def _build(tmp_path: Path, text: str) -> Engine:
    path = tmp_path / "cleanclaim.toml"
    path.write_text(text, encoding="utf-8")
    return Engine.build([pt_plugin], installed=False, config=Config.load(path))


@pytest.mark.parametrize("key", ["ignore", "select"])
def test_a_misspelt_rule_id_names_file_key_and_the_close_rule(tmp_path: Path, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _build(tmp_path, f'{key} = ["PT1O6"]\n')
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'cleanclaim.toml'}: {key}: 'PT1O6' matches no rule")
    assert "did you mean PT106" in message
    assert "cleanclaim rules" in message


def test_a_misspelt_severity_selector_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"severity: 'PT1O3' matches no rule"):
        _build(tmp_path, '[severity]\nPT1O3 = "warning"\n')


@pytest.mark.parametrize("given", ["PT106", "PT*", "therapy", "physical-therapy"])
def test_correct_selectors_in_ignore_are_accepted(tmp_path: Path, given: str) -> None:
    engine = _build(tmp_path, f'ignore = ["{given}"]\n')
    assert "PT106" not in {a.rule.id for a in engine.active_rules("commercial", _day())}


def test_a_bad_option_value_names_the_allowed_ones(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _build(tmp_path, '[rules.PT103]\nmethod = "per_code"\n')
    message = str(caught.value)
    assert "cleanclaim.toml: rules.PT103.method: 'per_code' is not allowed" in message
    assert "allowed: 'eight-minute', 'per-code'" in message


def test_a_good_option_value_is_taken(tmp_path: Path) -> None:
    engine = _build(tmp_path, '[rules.PT103]\nmethod = "per-code"\n')
    [active] = [a for a in engine.active_rules("medicare", _day()) if a.rule.id == "PT103"]
    assert active.options.method == "per-code"


def test_an_option_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"rules\.PT102\.de_minimis_percent: '10' is not a num"):
        _build(tmp_path, '[rules.PT102]\nde-minimis-percent = "10"\n')


def test_an_unknown_option_is_refused(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError,
        match=r"rules\.PT103\.metod: no such option of PT103; allowed: method, partial_minutes",
    ):
        _build(tmp_path, '[rules.PT103]\nmetod = "per-code"\n')


def _override_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "acme.toml"
    path.write_text("[[override]]\n" + body, encoding="utf-8")
    (tmp_path / "cleanclaim.toml").write_text('payer-overrides = ["acme.toml"]\n', "utf-8")
    return path


def _load(tmp_path: Path) -> Engine:
    return Engine.build(
        [pt_plugin], installed=False, config=Config.load(tmp_path / "cleanclaim.toml")
    )


def test_an_override_without_citation_is_refused(tmp_path: Path) -> None:
    path = _override_file(tmp_path, 'payer = "acme"\nrule = "PT101"\nenabled = true\n')
    with pytest.raises(OverrideFileError) as caught:
        _load(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{path}: override #1: citation: required")
    assert '(citation = "' in message  # says what to write


def test_an_override_with_a_blank_citation_is_refused(tmp_path: Path) -> None:
    _override_file(tmp_path, 'payer = "acme"\nrule = "PT101"\ncitation = "  "\n')
    with pytest.raises(OverrideFileError, match="citation: required"):
        _load(tmp_path)


def test_an_override_with_a_blank_source_is_refused_by_that_name(tmp_path: Path) -> None:
    _override_file(tmp_path, 'payer = "acme"\nrule = "PT101"\nsource = "  "\n')
    with pytest.raises(OverrideFileError, match="source: required"):
        _load(tmp_path)


def test_an_override_file_that_still_writes_source_loads(tmp_path: Path) -> None:
    # files written before the field was renamed keep working: source is read as citation
    _override_file(
        tmp_path, 'payer = "acme"\nrule = "PT101"\nenabled = false\nsource = "Acme manual"\n'
    )
    [override] = [
        o for o, origin in _load(tmp_path).payer_overrides if origin.endswith("acme.toml")
    ]
    assert (override.citation, override.enabled) == ("Acme manual", False)


def test_an_override_with_citation_and_source_is_refused(tmp_path: Path) -> None:
    _override_file(tmp_path, 'payer = "acme"\nrule = "PT101"\ncitation = "a"\nsource = "b"\n')
    with pytest.raises(OverrideFileError, match="citation and source both given"):
        _load(tmp_path)


def test_an_override_naming_no_rule_is_refused(tmp_path: Path) -> None:
    path = _override_file(tmp_path, 'payer = "acme"\nrule = "PT1O1"\nsource = "manual"\n')
    with pytest.raises(ConfigError) as caught:
        Engine.build([pt_plugin], installed=False, config=Config.load(tmp_path / "cleanclaim.toml"))
    assert str(caught.value).startswith(f"{path.resolve()}: override of rule 'PT1O1'")
    assert "did you mean PT101" in str(caught.value)


def test_an_override_option_value_is_checked(tmp_path: Path) -> None:
    _override_file(
        tmp_path,
        'payer = "acme"\nrule = "PT103"\noptions = {method = "per_code"}\nsource = "manual"\n',
    )
    with pytest.raises(ConfigError, match=r"options\.method: 'per_code' is not allowed"):
        Engine.build([pt_plugin], installed=False, config=Config.load(tmp_path / "cleanclaim.toml"))


def test_a_correct_override_file_is_applied(tmp_path: Path) -> None:
    _override_file(
        tmp_path,
        'payer = "acme"\nrule = "PT103"\noptions = {method = "per-code"}\nsource = "manual"\n',
    )
    engine = Engine.build(
        [pt_plugin], installed=False, config=Config.load(tmp_path / "cleanclaim.toml")
    )
    [active] = [a for a in engine.active_rules("acme", _day()) if a.rule.id == "PT103"]
    assert active.options.method == "per-code"


@pytest.mark.parametrize("given", ["Medicare", " MEDICARE ", "medicare"])
def test_default_payer_is_normalised_like_a_claims_payer(tmp_path: Path, given: str) -> None:
    path = tmp_path / "cleanclaim.toml"
    path.write_text(f'default-payer = "{given}"\n', encoding="utf-8")
    config = Config.load(path)
    assert config.default_payer == "medicare"
    engine = Engine.build([pt_plugin], installed=False, config=config)
    claim = {
        "date_of_service": "2026-05-12",
        "diagnoses": ["M62.830"],
        "lines": [{"procedure": "97110", "units": 1, "minutes": 15, "diagnosis_pointers": [1]}],
    }
    # PT101 (a therapy line without GP) is a Medicare rule: it fires only for the profile
    assert "PT101" in {f.rule for f in engine.check(claim).findings}


def test_an_empty_default_payer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cleanclaim.toml"
    path.write_text('default-payer = " "\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="default-payer"):
        Config.load(path)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('ignore = ["PT1O6"]\n', "ignore: 'PT1O6' matches no rule"),
        ('[rules.PT103]\nmethod = "per_code"\n', "rules.PT103.method: 'per_code' is not allowed"),
    ],
)
def test_the_command_line_exits_2_naming_the_file(tmp_path: Path, text: str, says: str) -> None:
    config = tmp_path / "cleanclaim.toml"
    config.write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "cleanclaim", "check", str(CLAIM), "--config", str(config)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"cleanclaim: error: {config}: {says}")
    assert "Traceback" not in proc.stderr


def _day() -> date:
    return date(2026, 5, 12)
