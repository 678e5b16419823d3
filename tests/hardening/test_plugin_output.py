"""A plugin's own output never carries a claim out: warnings, log records, ``print``.

A rule sees the claim's note; if it warns, logs or prints with it, the text would reach
stderr (or, for ``print``, corrupt the JSON on stdout and a batch's output).  The command
line holds that output back while a claim is checked and says on stderr which plugin and
rule produced what, never the text (docs/promises.md, "Never leak a claim").
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from hardening_support import SENTINEL, assert_no_traceback, cli, secret_claim, write_json

NOISY_MODULE = textwrap.dedent(
    """
    import logging, sys, warnings
    from cleanclaim.contributions import Rule
    from cleanclaim.plugin import PLUGIN_API, hookimpl
    from cleanclaim.plugin.hookspecs import PluginInfo

    log = logging.getLogger("cleanclaim_noisy")
    print("noisy: loaded")  # at import: no claim yet, but stdout must stay the report's


    def _noisy(ctx, options):
        note = ctx.documentation.note
        warnings.warn("noisy saw " + repr(note))
        log.warning("noisy log %s", note)
        logging.warning("root log %s", note)  # configures the root logger (basicConfig)
        try:
            raise ValueError(note)
        except ValueError:
            log.exception("failed on %r", note)
        print("noisy print", note)
        print("noisy err", note, file=sys.stderr)
        from pydantic import BaseModel

        class Shape(BaseModel):
            x: int = 0

        Shape.model_construct(x=note).model_dump()  # a serializer warning with input_value=
        raise ValueError("cannot parse " + repr(note))
        yield


    @hookimpl
    def cleanclaim_plugin_info():
        return PluginInfo(name="noisy", api=PLUGIN_API, rule_prefix="NZ")


    @hookimpl
    def cleanclaim_rules():
        return [Rule(id="NZ101", name="noisy", summary="s", why="w", example="e", fix="f",
                     reference="r", check=_noisy)]
    """
)


@pytest.fixture
def noisy_env(tmp_path: Path) -> dict[str, str]:
    site = tmp_path / "site"
    info = site / "cleanclaim_noisy-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: cleanclaim-noisy\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[cleanclaim]\nnoisy = cleanclaim_noisy\n")
    (site / "cleanclaim_noisy.py").write_text(NOISY_MODULE)
    return {"PYTHONPATH": str(site)}


def _assert_withheld_and_named(err: str) -> None:
    assert_no_traceback(err)
    assert SENTINEL not in err
    assert "NZ101" in err and "'noisy'" in err  # the plugin and rule are named
    assert "UserWarning" in err  # the kind of warning, never its text
    assert "withheld" in err


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_noisy_rule_leaks_nothing_and_json_stays_pure(
    tmp_path: Path, noisy_env: dict[str, str], fmt: str
) -> None:
    claim = write_json(tmp_path / "claim.json", secret_claim())
    proc = cli("check", str(claim), "--format", fmt, cwd=tmp_path, env=noisy_env)
    out, err = proc.stdout.decode(), proc.stderr.decode()
    assert proc.returncode == 1, err
    assert SENTINEL not in out
    assert "noisy print" not in out and "noisy: loaded" not in out
    if fmt == "json":
        report = json.loads(out)  # nothing but the report on stdout
        assert "ENG001" in {f["rule"] for f in report["findings"]}
        eng = next(f for f in report["findings"] if f["rule"] == "ENG001")
        assert "NZ101" in eng["message"] and "ValueError" in eng["message"]
        assert "cannot parse" not in eng["message"]
    _assert_withheld_and_named(err)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_noisy_rule_costs_a_batch_nothing(
    tmp_path: Path, noisy_env: dict[str, str], workers: str
) -> None:
    batch = tmp_path / "claims.jsonl"
    batch.write_text("".join(json.dumps(secret_claim(claim_id=f"N-{i}")) + "\n" for i in range(6)))
    proc = cli("check", "--batch", str(batch), "--workers", workers, cwd=tmp_path, env=noisy_env)
    out, err = proc.stdout.decode(), proc.stderr.decode()
    assert SENTINEL not in out
    lines = out.splitlines()
    assert [json.loads(line)["claim_id"] for line in lines] == [f"N-{i}" for i in range(6)]
    _assert_withheld_and_named(err)


def test_an_exception_type_named_after_the_claim_is_not_named() -> None:
    """ENG001 names the exception's type, and a type is plugin code too: one made on the
    fly from the note (``type(note, (ValueError,), {})``) is not quoted."""
    from collections.abc import Iterator, Mapping
    from typing import Any

    from cleanclaim.context import ClaimContext
    from cleanclaim.contributions import Hit
    from cleanclaim.engine import Engine
    from cleanclaim.fixtures import plugin_of, stub_rule

    def crash(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
        raise type(f"Bad{ctx.documentation.note}".replace(" ", ""), (ValueError,), {})()
        yield  # pragma: no cover

    def plain(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
        raise KeyError("x")
        yield  # pragma: no cover

    rules = [stub_rule("LK101", check=crash), stub_rule("LK102", check=plain)]
    engine = Engine.build([plugin_of("leaky", "LK", rules=rules)], installed=False)
    report = engine.check(secret_claim())
    messages = [f.message for f in report.findings if f.rule == "ENG001"]
    assert len(messages) == 2
    assert SENTINEL not in report.model_dump_json()
    assert any("(KeyError)" in m for m in messages)  # an ordinary type is still named
