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
    "cleanclaim.codes",
    "cleanclaim.contributions",
    "cleanclaim.rule",
    "cleanclaim.options",
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


# -- the kernel's floors -------------------------------------------------------------------

#: the kernel's floors, lowest first: a module may import from its own floor and the floors
#: below it, never from one above.  Every module of the kernel stands on one of them (a new
#: module is placed here on purpose, or this test fails).  Imports in functions and under
#: ``TYPE_CHECKING`` count too: an import that climbs is a circle waiting to close.
FLOORS: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (name, frozenset("cleanclaim" if m == "(face)" else f"cleanclaim.{m}" for m in modules.split()))
    for name, modules in (
        # the package's face (its version), the code vocabulary and what everything may use
        ("vocabulary", "(face) codes options memo deadline interrupts collector"),
        ("models", "models configfile config schemas"),
        ("formats", "formats"),  # readers of claim files: models only, below the CLI
        ("datasets", "icd synth"),
        ("plugin data", "plugin_data payers"),
        ("tables", "tables ncci descriptors"),
        ("context", "context"),
        # the plugin API: the contract, and contributions, its one address for plugins
        ("rule contract", "rule contributions rulekit plugin fixtures"),
        ("kernel rules", "rules"),
        ("build", "build"),
        ("selection", "selection"),
        ("engine", "engine testing"),
        ("command line", "cli spark __main__"),
    )
)
FLOOR_OF = {module: level for level, (_, modules) in enumerate(FLOORS) for module in modules}


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(KERNEL.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _room(module: str) -> str:
    """The floor plan's unit: ``cleanclaim.X`` (a module or a whole subpackage)."""
    return ".".join(module.split(".")[:2])


def kernel_imports() -> Iterator[tuple[str, str, str]]:
    """(importing module, imported kernel module, where) for every import in the kernel,
    ``from cleanclaim import deadline`` read as an import of ``cleanclaim.deadline``."""
    for path in sorted(KERNEL.rglob("*.py")):
        here = _module_of(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module == "cleanclaim":
                    for alias in node.names:
                        sub = KERNEL / alias.name
                        is_module = sub.is_dir() or sub.with_suffix(".py").is_file()
                        yield here, f"cleanclaim.{alias.name}" if is_module else "cleanclaim", where
                elif node.module.startswith("cleanclaim."):
                    yield here, node.module, where
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("cleanclaim."):
                        yield here, alias.name, where


def test_every_kernel_module_stands_on_a_floor() -> None:
    rooms = {_room(_module_of(p)) for p in KERNEL.rglob("*.py")}
    assert sorted(rooms - set(FLOOR_OF)) == []
    assert sorted(set(FLOOR_OF) - rooms) == [], "a floor names a module that is gone"


def test_no_import_climbs_a_floor() -> None:
    climbs = [
        f"{where}: {here} ({FLOORS[FLOOR_OF[_room(here)]][0]}) imports {there} "
        f"({FLOORS[FLOOR_OF[_room(there)]][0]})"
        for here, there, where in kernel_imports()
        if _room(there) in FLOOR_OF and FLOOR_OF[_room(there)] > FLOOR_OF[_room(here)]
    ]
    assert climbs == []


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles_in_the_kernel() -> None:
    modules = {_module_of(p) for p in KERNEL.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for here, there, _ in kernel_imports():
        target = there if there in modules else _room(there)
        if target != here and target in modules:
            edges.setdefault(here, set()).add(target)
    circles = _circles(edges)
    assert circles == []
