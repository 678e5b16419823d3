"""Each urology rule fires on the claim it is about and keeps quiet otherwise."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from uro_helpers import claim, findings, only

from cleanclaim.config import Config
from cleanclaim.context import ClaimContext
from cleanclaim.engine import Engine
from cleanclaim.models import Claim
from cleanclaim.testing import run_case_engine
from cleanclaim_urology import rules

# the repository's copy of ../shared/conformance (tests/test_conformance.py keeps it in step)
CONFORMANCE = Path(__file__).resolve().parents[3] / "tests" / "conformance" / "plugins"


def context(engine: Engine, data: dict[str, object]) -> ClaimContext:
    """A claim context without a code-set dataset: for dates no packaged dataset serves.

    URO102 and URO103 read only the procedure lines, the date and the engine's tables,
    so their date boundaries (2019-12-31 / 2020-01-01, 2015-10-01) can be tested even
    though the kernel packages no FY2020 or FY2016 ICD-10-CM dataset.
    """
    parsed = Claim.model_validate(data)
    payer = parsed.payer or "commercial"
    return ClaimContext(parsed, None, engine.tables, payer, engine.profile_of(payer))  # type: ignore[arg-type]


# -- URO101: add-on without its primary ------------------------------------------------


def test_uro101_fires_on_90913_alone(engine: Engine) -> None:
    found = only(engine.check(claim("90913")), "URO101")
    assert found.severity == "error"
    assert found.source == "urology"
    assert found.codes == ["90913"]
    assert found.suggestions == ["90912"]
    assert found.location == "lines[0]"


def test_uro101_fires_for_medicare_too(engine: Engine) -> None:
    assert only(engine.check(claim("90913", payer="medicare")), "URO101").severity == "error"


@pytest.mark.parametrize("lines", [("90912", "90913"), ("90913", "90912"), ("90912",)])
def test_uro101_quiet_with_primary(engine: Engine, lines: tuple[str, ...]) -> None:
    assert findings(engine.check(claim(*lines)), "URO101") == []


def test_uro101_quiet_for_codes_without_primary(engine: Engine) -> None:
    report = engine.check(claim("51784", "97110", "97112"))
    assert findings(report, "URO101") == []


def test_uro101_reports_each_addon_line(engine: Engine) -> None:
    report = engine.check(claim("90913", "90913"))
    assert [f.location for f in findings(report, "URO101")] == ["lines[0]", "lines[1]"]


def test_conformance_p07(engine: Engine) -> None:
    path = CONFORMANCE / "p07-uro-addon-alone.json"
    assert run_case_engine(engine, json.loads(path.read_text(encoding="utf-8"))) == []


# -- URO102: code outside its dates ------------------------------------------------------


def test_uro102_fires_on_90911_after_deletion(engine: Engine) -> None:
    found = only(engine.check(claim("90911")), "URO102")
    assert found.severity == "error"
    assert found.codes == ["90911"]
    assert found.suggestions == ["90912", "90913"]
    assert "2019-12-31" in found.message
    assert "not confirmed" in found.reference  # said in plain words


def test_uro102_fires_in_the_first_packaged_year(engine: Engine) -> None:
    # the packaged FY2021 dataset is the January 2021 update: it serves from 2021-01-01
    report = engine.check(claim("90911", day="2021-01-04"))
    assert only(report, "URO102").suggestions == ["90912", "90913"]


def test_uro102_quiet_on_current_codes(engine: Engine) -> None:
    for day in ("2021-01-04", "2026-05-12"):
        assert findings(engine.check(claim("90912", "90913", day=day)), "URO102") == []


@pytest.mark.parametrize(
    ("code", "day", "fires", "suggestions"),
    [
        ("90911", "2019-12-31", False, ()),
        ("90911", "2020-01-01", True, ("90912", "90913")),
        ("90912", "2019-12-31", True, ("90911",)),
        ("90912", "2020-01-01", False, ()),
        ("90913", "2019-12-31", True, ("90911",)),
        ("90913", "2020-01-01", False, ()),
    ],
)
def test_uro102_date_boundary(
    engine: Engine, code: str, day: str, fires: bool, suggestions: tuple[str, ...]
) -> None:
    hits = list(rules.code_outside_dates(context(engine, claim(code, day=day)), {}))
    assert bool(hits) is fires
    if fires:
        assert hits[0].suggestions == suggestions
        assert hits[0].codes == (code,)


# -- URO103: frequency limits ------------------------------------------------------------


def test_uro103_fires_on_second_emg_within_a_year(engine: Engine) -> None:
    report = engine.check(claim("51784", payer="medicare", history=(("51784", "2025-09-01"),)))
    found = only(report, "URO103")
    assert found.severity == "warning"
    assert found.source == "urology"
    assert found.codes == ["51784"]
    assert "2025-09-01" in found.message and "L34977" in found.reference


@pytest.mark.parametrize(("prior", "fires"), [("2025-05-12", False), ("2025-05-13", True)])
def test_uro103_rolling_window_boundary(engine: Engine, prior: str, fires: bool) -> None:
    """365 days: the date of service and the 364 days before it."""
    report = engine.check(
        claim("91122", payer="medicare", diagnoses=("R15.9",), history=(("91122", prior),))
    )
    assert bool(findings(report, "URO103")) is fires


def test_uro103_quiet_for_commercial(engine: Engine) -> None:
    report = engine.check(claim("51784", payer="commercial", history=(("51784", "2025-09-01"),)))
    assert findings(report, "URO103") == []


def test_uro103_unknown_payer_gets_commercial_defaults(engine: Engine) -> None:
    report = engine.check(claim("51784", payer="acme-health", history=(("51784", "2025-09-01"),)))
    assert findings(report, "URO103") == []


def test_uro103_quiet_on_first_service(engine: Engine) -> None:
    assert findings(engine.check(claim("51784", "51785", payer="medicare")), "URO103") == []


FOUR_SESSIONS = (
    ("90912", "2025-07-01"),
    ("90912", "2025-09-01"),
    ("90912", "2025-11-01"),
    ("90912", "2026-02-01"),
)


def test_uro103_fires_on_fifth_biofeedback_session(engine: Engine) -> None:
    report = engine.check(claim("90912", payer="medicare", history=FOUR_SESSIONS))
    found = only(report, "URO103")
    assert found.codes == ["90912"]
    assert "5 dates" in found.message


def test_uro103_quiet_on_fourth_biofeedback_session(engine: Engine) -> None:
    report = engine.check(claim("90912", payer="medicare", history=FOUR_SESSIONS[1:]))
    assert findings(report, "URO103") == []


def test_uro103_counts_dates_not_history_duplicates(engine: Engine) -> None:
    """The current service repeated in the history, or twice on one date, counts once."""
    history = (("51784", "2026-05-12"), ("51784", "2026-05-12"))
    assert findings(engine.check(claim("51784", payer="medicare", history=history)), "URO103") == []


def test_uro103_ignores_later_services_and_other_codes(engine: Engine) -> None:
    history = (("51784", "2026-06-01"), ("51785", "2026-01-01"), ("90912", "2026-01-01"))
    assert findings(engine.check(claim("51784", payer="medicare", history=history)), "URO103") == []


@pytest.mark.parametrize(("window", "fires"), [("rolling", True), ("calendar-year", False)])
def test_uro103_window_option(
    build_engine: Callable[[Config], Engine], window: str, fires: bool
) -> None:
    engine = build_engine(Config(rules={"URO103": {"window": window}}))
    report = engine.check(
        claim("51784", day="2026-01-05", payer="medicare", history=(("51784", "2025-12-20"),))
    )
    assert bool(findings(report, "URO103")) is fires


def test_uro103_calendar_year_still_counts_same_year(
    build_engine: Callable[[Config], Engine],
) -> None:
    engine = build_engine(Config(rules={"URO103": {"window": "calendar-year"}}))
    report = engine.check(
        claim("51784", day="2026-09-28", payer="medicare", history=(("51784", "2026-01-02"),))
    )
    assert "calendar year 2026" in only(report, "URO103").message


def test_uro103_limits_option_replaces_data(build_engine: Callable[[Config], Engine]) -> None:
    engine = build_engine(Config(rules={"URO103": {"limits": {"90912": 6}}}))
    report = engine.check(claim("90912", payer="medicare", history=FOUR_SESSIONS))
    assert findings(report, "URO103") == []


def test_uro103_can_be_enabled_for_commercial(
    build_engine: Callable[[Config], Engine], tmp_path: Path
) -> None:
    overrides = tmp_path / "overrides.toml"
    overrides.write_text(
        '[[override]]\npayer = "commercial"\nrule = "URO103"\nenabled = true\nsource = "test"\n',
        encoding="utf-8",
    )
    engine = build_engine(Config(payer_overrides=(overrides,)))
    report = engine.check(claim("51784", history=(("51784", "2025-09-01"),)))
    assert only(report, "URO103").codes == ["51784"]


@pytest.mark.parametrize(("day", "fires"), [("2015-09-30", False), ("2015-10-01", True)])
def test_uro103_limit_effective_date(engine: Engine, day: str, fires: bool) -> None:
    prior = (date.fromisoformat(day).replace(month=7, day=1)).isoformat()
    ctx = context(engine, claim("51784", day=day, payer="medicare", history=(("51784", prior),)))
    hits = list(
        rules.frequency_limits(ctx, rules.FrequencyOptions(window="rolling", window_days=365))
    )
    assert bool(hits) is fires


@pytest.mark.parametrize(("day", "fires"), [("2019-12-31", False), ("2020-01-01", True)])
def test_uro103_biofeedback_limit_starts_with_the_code(
    engine: Engine, day: str, fires: bool
) -> None:
    history = tuple(("90912", f"2019-0{m}-01") for m in (3, 5, 7, 9))
    ctx = context(engine, claim("90912", day=day, payer="medicare", history=history))
    assert bool(list(rules.frequency_limits(ctx, rules.FrequencyOptions()))) is fires


def test_uro103_bad_window_option_is_loud() -> None:
    with pytest.raises(ValueError, match="window must be one of"):
        rules.window_start(date(2026, 5, 12), "fiscal-year", 365)
    with pytest.raises(ValueError, match="window_days"):
        rules.window_start(date(2026, 5, 12), "rolling", 0)


# -- catalog -------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", rules.RULES, ids=lambda r: r.id)
def test_example_claim_fires(engine: Engine, rule: object) -> None:
    assert isinstance(rule, type(rules.URO101))
    assert rule.example_claim is not None
    report = engine.check(dict(rule.example_claim))
    assert findings(report, rule.id), [(f.rule, f.message) for f in report.findings]


@pytest.mark.parametrize("rule", rules.RULES, ids=lambda r: r.id)
def test_catalog_sections(rule: object) -> None:
    assert isinstance(rule, type(rules.URO101))
    assert rule.id.startswith("URO")
    for section in ("summary", "why", "example", "fix", "reference"):
        assert getattr(rule, section).strip()
    assert all(doc.strip() for doc in rule.options_model.docs().values())
