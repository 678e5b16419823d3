"""No error path leaks note text or patient fields.

Claims carry patient data, and error messages end up in logs, tickets and terminals.  The
promise: no exception text, error message, warning or log record that cleanclaim
produces contains the text of ``documentation.note``, ``mechanism``,
``objective_findings``, ``treatment_rationale``, the patient's age or sex or anything in
``extensions``.  Each test puts :data:`SENTINEL` in every such field, provokes an error
path (validation errors of every kind, a plugin rule that crashes with the note in its
exception, invalid batch records) and asserts the sentinel never comes back out.

Codes are not free text: a short code-shaped value (``M54.5``, ``97110``) is quoted in
the error that rejects it so the coder can find it; a long one is described by length.
"""

from __future__ import annotations

import json
import logging
import textwrap
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hardening_support import SENTINEL, assert_no_traceback, cli, secret_claim, write_json
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanclaim.context import ClaimContext
from cleanclaim.contributions import Hit
from cleanclaim.engine import Engine, InputError
from cleanclaim.fixtures import plugin_of, stub_rule

#: a pasted note where a code should be: long, with spaces, ending in the sentinel.
PASTED = f"pt reports pain after lifting, see note {SENTINEL}"

#: (path into the claim, bad value carrying the sentinel) -- one validation error each.
BAD_FIELDS: list[tuple[tuple[Any, ...], Any]] = [
    (("diagnoses", 0), PASTED),
    (("diagnoses", 1), SENTINEL + "A"),
    (("lines", 0, "procedure"), PASTED),
    (("lines", 0, "modifiers", 0), SENTINEL),
    (("lines", 0, "units"), SENTINEL),
    (("lines", 0, "charge"), SENTINEL),
    (("lines", 0, "furnished_by"), SENTINEL),
    (("patient", "age"), SENTINEL),
    (("patient", "sex"), SENTINEL),
    (("date_of_service",), SENTINEL),
    (("documentation", "onset"), SENTINEL),
    (("documentation", "laterality"), SENTINEL),
    (("documentation", "trauma"), SENTINEL),
    (("documentation", "spinal_regions", 0), SENTINEL),
    (("documentation", "objective_findings"), SENTINEL),
    (("documentation", "note"), [SENTINEL]),
    (("documentation", "mechanism"), {"text": SENTINEL}),
    (("extensions",), [SENTINEL]),
    (("therapy_year_to_date",), SENTINEL),
    (("service_history",), [{"procedure": PASTED, "date_of_service": SENTINEL}]),
    (("payer",), [SENTINEL]),
]


def _with(claim: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    claim = json.loads(json.dumps(claim))
    target: Any = claim
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return claim


@pytest.fixture(autouse=True)
def _all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Capture every log record at every level; none may carry the sentinel."""
    caplog.set_level(logging.DEBUG)
    yield
    assert SENTINEL not in caplog.text


@pytest.mark.parametrize(("path", "value"), BAD_FIELDS, ids=lambda x: str(x)[:40])
def test_validation_errors_do_not_echo_patient_text(
    engine: Engine, path: tuple[Any, ...], value: Any
) -> None:
    with pytest.raises(InputError) as raised:
        engine.check(_with(secret_claim(), path, value))
    text = f"{raised.value}\n{raised.value!r}\n{raised.value.__cause__}"
    assert SENTINEL not in text
    # the message still says where: the first element of the path names the field
    assert str(path[0]) in str(raised.value)


SECRET_TEXT = st.text(max_size=20).map(lambda s: s + SENTINEL + s)


@settings(max_examples=100, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(
    choice=st.sampled_from(range(len(BAD_FIELDS))),
    noise=st.one_of(
        SECRET_TEXT,
        st.lists(SECRET_TEXT, max_size=2),
        st.dictionaries(SECRET_TEXT, SECRET_TEXT, max_size=2),
    ),
)
def test_any_secret_value_in_a_bad_field_stays_out_of_the_error(
    engine: Engine, choice: int, noise: Any
) -> None:
    path, _ = BAD_FIELDS[choice]
    try:
        engine.check(_with(secret_claim(), path, noise))
    except InputError as exc:
        assert SENTINEL not in f"{exc}\n{exc!r}\n{exc.__cause__}"


def _crash_with_the_note(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    doc = ctx.documentation
    raise ValueError(f"cannot parse {doc.note!r} / {doc.mechanism!r}")
    yield  # pragma: no cover


def test_rule_crash_eng001_does_not_carry_the_exception_text() -> None:
    plugin = plugin_of("leaky", "LK", rules=[stub_rule("LK101", check=_crash_with_the_note)])
    engine = Engine.build([plugin], installed=False)
    report = engine.check(secret_claim())
    assert "ENG001" in {f.rule for f in report.findings}
    assert SENTINEL not in report.model_dump_json()


LEAKY_MODULE = textwrap.dedent(
    """
    from cleanclaim.contributions import Rule
    from cleanclaim.plugin import PLUGIN_API, hookimpl
    from cleanclaim.plugin.hookspecs import PluginInfo


    def _crash(ctx, options):
        raise ValueError("cannot parse " + repr(ctx.documentation.note))
        yield


    @hookimpl
    def cleanclaim_plugin_info():
        return PluginInfo(name="leaky", api=PLUGIN_API, rule_prefix="LK")


    @hookimpl
    def cleanclaim_rules():
        return [Rule(id="LK101", name="leaky", summary="s", why="w", example="e", fix="f",
                     reference="r", check=_crash)]
    """
)


def test_command_line_error_paths_do_not_leak(tmp_path: Path) -> None:
    """Single check (ENG001 and invalid claims) and a batch of invalid records, as processes."""
    site = tmp_path / "site"
    info = site / "cleanclaim_leaky-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: cleanclaim-leaky\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[cleanclaim]\nleaky = cleanclaim_leaky\n")
    (site / "cleanclaim_leaky.py").write_text(LEAKY_MODULE)
    env = {"PYTHONPATH": str(site)}
    invalid = [_with(secret_claim(), path, value) for path, value in BAD_FIELDS]
    batch = tmp_path / "claims.jsonl"
    batch.write_text("\n".join(json.dumps(c) for c in [secret_claim(), *invalid]) + "\n")
    runs = [
        cli(
            "check",
            str(write_json(tmp_path / "ok.json", secret_claim())),
            "--format",
            fmt,
            cwd=tmp_path,
            env=env,
        )
        for fmt in ("json", "text")
    ]
    runs += [
        cli("check", str(write_json(tmp_path / "bad.json", claim)), cwd=tmp_path, env=env)
        for claim in invalid[:4]
    ]
    runs.append(cli("check", "--batch", str(batch), cwd=tmp_path, env=env))
    assert "ENG001" in runs[0].stdout.decode()  # the leaky rule really ran and crashed
    assert runs[-1].stdout.decode().count('"status": "invalid"') == len(invalid)
    for proc in runs:
        out, err = proc.stdout.decode(), proc.stderr.decode()
        assert_no_traceback(err)
        assert SENTINEL not in out
        assert SENTINEL not in err


def test_reports_do_not_quote_free_text(engine: Engine) -> None:
    """Reports are stored by clearinghouses: a finding describes, it does not quote."""
    report = engine.check(secret_claim())
    assert SENTINEL not in report.model_dump_json()
