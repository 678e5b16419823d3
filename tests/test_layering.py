"""The layering of STYLE.md, kept by a test instead of by memory.

The kernel never imports a plugin; a plugin (bundled, or the template a third party
copies) imports only the kernel's public plugin API, so that the kernel's internals can
change without breaking plugins.  Only the kernel's icd package may read the refdata
package, and only to find its files.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KERNEL = ROOT / "core" / "cleanclaim"
PLUGIN_SOURCES = sorted(
    p
    for p in [*ROOT.glob("plugins/*/src/*"), *ROOT.glob("examples/plugin-template/src/*")]
    if (p / "__init__.py").is_file()
)

#: what a plugin may import from the kernel: the API the plugin guide documents.
PUBLIC_API = {
    "cleanclaim.plugin",
    "cleanclaim.plugin.hookspecs",
    "cleanclaim.contributions",
    "cleanclaim.context",
    "cleanclaim.rulekit",
    "cleanclaim.models",
    "cleanclaim.testing",
}


def imports(folder: Path) -> Iterator[tuple[Path, str]]:
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, node.module
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name


def test_plugin_sources_are_found() -> None:
    assert len(PLUGIN_SOURCES) == 5


def test_kernel_never_imports_a_plugin() -> None:
    plugin_packages = {p.name for p in PLUGIN_SOURCES}
    bad = [
        f"{path.relative_to(ROOT)}: {module}"
        for path, module in imports(KERNEL)
        if module.split(".")[0] in plugin_packages
    ]
    assert bad == []


def test_only_the_icd_package_reads_refdata() -> None:
    bad = [
        f"{path.relative_to(ROOT)}: {module}"
        for path, module in imports(KERNEL)
        if module.startswith("cleanclaim_refdata") and "icd" not in path.relative_to(KERNEL).parts
    ]
    assert bad == []


@pytest.mark.parametrize("source", PLUGIN_SOURCES, ids=lambda p: p.name)
def test_plugins_use_only_the_public_api(source: Path) -> None:
    bad = [
        f"{path.relative_to(ROOT)}: {module}"
        for path, module in imports(source)
        if module.split(".")[0] == "cleanclaim" and module not in PUBLIC_API
    ]
    assert bad == []


def test_formats_sit_below_the_command_line_and_the_engine() -> None:
    """The input readers (cleanclaim.formats) turn files into claim dicts for anyone: the
    command line, an embedding program, Spark.  They build on the models only, so a
    reader never depends on how claims are checked or printed."""
    bad = [
        f"{path.relative_to(ROOT)}: {module}"
        for path, module in imports(KERNEL / "formats")
        if module.startswith(("cleanclaim.cli", "cleanclaim.engine", "cleanclaim.plugin"))
    ]
    assert bad == []
