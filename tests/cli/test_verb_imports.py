"""The command line imports only what a verb needs (issue 18): the verb map is complete,
and ``cleanclaim code`` starts without the engine or pydantic.  Nothing here is timed."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from cleanclaim.cli import VERB_MODULES, build_parser, main
from cleanclaim.configfile import find_config_file


def _verbs(parser: argparse.ArgumentParser) -> set[str]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(sub.choices)


def test_every_verb_is_mapped_and_its_own_parser_knows_it() -> None:
    every = _verbs(build_parser())
    assert every == set(VERB_MODULES)
    for verb in every:
        assert verb in _verbs(build_parser(verb))


def test_an_unknown_verb_still_gets_the_full_parser() -> None:
    assert _verbs(build_parser("chekc")) == set(VERB_MODULES)
    assert main(["chekc"]) == 2


_PROBE = """
import sys
from cleanclaim.cli import main
status = main(sys.argv[1:])
heavy = ["pydantic", "cleanclaim.engine", "cleanclaim.models", "cleanclaim.config"]
print(status, [m for m in heavy if m in sys.modules])
"""


def _imports(tmp_path: Path, *argv: str) -> tuple[int, list[str]]:
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    status, loaded = run.stdout.splitlines()[-1].split(" ", 1)
    return int(status), json.loads(loaded.replace("'", '"'))


def test_code_does_not_import_the_engine_or_pydantic(tmp_path: Path) -> None:
    assert _imports(tmp_path, "code", "M62.830") == (0, [])


def test_code_reads_a_configuration_when_there_is_one(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (tmp_path / "cleanclaim.toml").write_text(f'data-dir = "{data}"\n', encoding="utf-8")
    status, loaded = _imports(tmp_path, "code", "M62.830")
    assert status == 0 and "cleanclaim.config" in loaded


def test_check_still_imports_the_engine(tmp_path: Path) -> None:
    claim = tmp_path / "c.json"
    claim.write_text("{}", encoding="utf-8")
    assert "cleanclaim.engine" in _imports(tmp_path, "check", str(claim))[1]


def test_find_config_file_is_what_discover_reads(tmp_path: Path) -> None:
    assert find_config_file(tmp_path) is None
    (tmp_path / "pyproject.toml").write_text("[tool.other]\n", encoding="utf-8")
    assert find_config_file(tmp_path) is None
    (tmp_path / "pyproject.toml").write_text("[tool.cleanclaim]\n", encoding="utf-8")
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    assert find_config_file(inner) == tmp_path / "pyproject.toml"
    (inner / "cleanclaim.toml").write_text("", encoding="utf-8")
    assert find_config_file(inner) == inner / "cleanclaim.toml"
