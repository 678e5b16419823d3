"""What a vendor's packaging review checks: every distribution carries the licence, builds
with the setuptools it declares, states its Python versions, and the kernel without its
reference data says what to install instead of printing a traceback.

The wheels and sdists themselves were built and inspected with ``python -m build`` (see
CHANGELOG.md); these tests keep the declarations that make them right from drifting.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DISTRIBUTIONS = [
    ROOT,
    ROOT / "refdata",
    *sorted((ROOT / "plugins").glob("*/")),
    ROOT / "examples" / "plugin-template",
]
LICENSE = (ROOT / "LICENSE").read_text(encoding="utf-8")


def _pyproject(folder: Path) -> dict[str, object]:
    with (folder / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)


def test_the_root_licence_is_the_apache_2_text() -> None:
    assert LICENSE.lstrip().startswith("Apache License\n                           Version 2.0")
    assert "END OF TERMS AND CONDITIONS" in LICENSE


@pytest.mark.parametrize("folder", DISTRIBUTIONS, ids=lambda p: p.name)
def test_every_distribution_carries_the_licence(folder: Path) -> None:
    assert (folder / "LICENSE").read_text(encoding="utf-8") == LICENSE
    project = _pyproject(folder)["project"]
    assert isinstance(project, dict)
    assert project["license"] == "Apache-2.0"  # an SPDX string, not the {text=...} table
    assert project["license-files"] == ["LICENSE"]


@pytest.mark.parametrize("folder", DISTRIBUTIONS, ids=lambda p: p.name)
def test_build_system_can_read_an_spdx_licence(folder: Path) -> None:
    build = _pyproject(folder)["build-system"]
    assert isinstance(build, dict)
    assert build["requires"] == ["setuptools>=77"]


@pytest.mark.parametrize("folder", DISTRIBUTIONS, ids=lambda p: p.name)
def test_classifiers_name_the_supported_pythons_and_typing(folder: Path) -> None:
    project = _pyproject(folder)["project"]
    assert isinstance(project, dict)
    classifiers = project["classifiers"]
    for version in ("3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    assert "Typing :: Typed" in classifiers
    assert project["requires-python"] == ">=3.11"
    assert "Source" in project["urls"]


def test_refdata_sdist_carries_its_sources() -> None:
    manifest = (ROOT / "refdata" / "MANIFEST.in").read_text(encoding="utf-8")
    assert "graft sources" in manifest.splitlines()
    assert (ROOT / "refdata" / "sources" / "SHA256SUMS.raw").is_file()


@pytest.mark.parametrize(
    "folder", [d for d in DISTRIBUTIONS if d.name != "refdata"], ids=lambda p: p.name
)
def test_sdists_ship_no_tests_that_need_the_repository(folder: Path) -> None:
    manifest = (folder / "MANIFEST.in").read_text(encoding="utf-8")
    assert "prune tests" in manifest.splitlines()


def test_changelog_and_security_policy_exist_and_ship() -> None:
    assert (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").startswith("# Changelog")
    assert "Reporting a vulnerability" in (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8")
    assert "include CHANGELOG.md SECURITY.md" in manifest.splitlines()


def test_requirements_do_not_install_the_example_template() -> None:
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert not [x for x in lines if "plugin-template" in x and not x.startswith("#")]
    tox = (ROOT / "tox.ini").read_text(encoding="utf-8")
    assert "-e {toxinidir}/examples/plugin-template" in tox  # its tests still run


def test_no_module_imports_the_deprecated_traversable() -> None:
    """``importlib.abc.Traversable`` warns on 3.12/3.13 and is gone in 3.14."""
    sources = [*ROOT.glob("core/**/*.py"), *ROOT.glob("refdata/src/**/*.py")]
    sources += [*ROOT.glob("plugins/*/src/**/*.py")]
    offenders = [
        str(p.relative_to(ROOT))
        for p in sources
        if re.search(r"from importlib\.abc import .*Traversable", p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


_WITHOUT_REFDATA = """
import sys
from importlib.abc import MetaPathFinder

class Block(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "cleanclaim_refdata":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Block())
from cleanclaim.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize(
    "argv",
    [["code", "M62.830"], ["check", str(ROOT / "examples/claims/back-spasm-pt-clean.json")]],
    ids=["code", "check"],
)
def test_kernel_without_refdata_says_what_to_install(argv: list[str], tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _WITHOUT_REFDATA, *argv],
        env={**os.environ, "CLEANCLAIM_DATA_DIR": str(tmp_path / "datasets")},
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "pip install cleanclaim-refdata" in proc.stderr


def test_engine_build_without_refdata_says_what_to_install(tmp_path: Path) -> None:
    """An embedder's ``Engine.build()`` gets the CLI's words, not a bare missing module."""
    script = _WITHOUT_REFDATA.replace(
        "from cleanclaim.cli import main\nsys.exit(main(sys.argv[1:]))\n",
        "from cleanclaim.engine import Engine\n"
        "try:\n"
        "    Engine.build()\n"
        "except ModuleNotFoundError as exc:\n"
        "    print(exc.name, '|', exc)\n",
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "CLEANCLAIM_DATA_DIR": str(tmp_path / "datasets")},
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    name, _, message = proc.stdout.strip().partition(" | ")
    assert name == "cleanclaim_refdata"  # still what `except ModuleNotFoundError` code reads
    assert "ICD-10-CM datasets are not installed" in message
    assert "pip install cleanclaim-refdata" in message
