"""Every parameter of the public API is documented (issue #15).

The API pages (docs/reference/api/*.md) render each module's docstrings with
mkdocstrings, whose ``docstring_style`` (mkdocs.yml) is ``sphinx``: a parameter is
documented by a ``:param name: ...`` field in its function's docstring (a class's in its
class docstring or ``__init__``'s).  A dataclass field or a pydantic model field is
documented by ``:param name:`` in the class docstring, by ``Field(description=...)``
(which the JSON Schema carries too) or by the string literal under it (an attribute
docstring, which the API page shows).  This test walks what the pages render: every
module named by a ``::: module`` line, its public functions and classes (those defined
in it, or listed in its ``__all__``) and their public methods.

``NOT_YET`` lists the parameters still undocumented when this test was written (in
modules other helpers were changing): the test fails on any
other undocumented parameter, and on an entry of ``NOT_YET`` that has since been
documented, so the list can only shrink.  Since issue #17 it is empty: every parameter
the API pages render is documented, and a new one must be too.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pydantic

API = Path(__file__).resolve().parents[2] / "docs" / "reference" / "api"
#: ``:param name:`` or ``:param type name:``, the sphinx field griffe reads.
PARAM = re.compile(r"^\s*:param\s+(?:[^:\n]*\s)?\*{0,2}(\w+)\s*:", re.M)

NOT_YET: frozenset[str] = frozenset()


def api_modules() -> list[str]:
    names: list[str] = []
    for page in sorted(API.glob("*.md")):
        names += re.findall(r"^::: ([\w.]+)", page.read_text(encoding="utf-8"), re.M)
    return names


def _fields_in(doc: str | None) -> set[str]:
    return set(PARAM.findall(doc or ""))


def _parameters(function: Any) -> list[str]:
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # a builtin without a signature
        return []
    return [name for name in signature.parameters if name not in ("self", "cls")]


def _attribute_docstrings(cls: type) -> set[str]:
    """Names of the class body's annotated assignments followed by a string literal."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return set()
    body = ast.parse(source).body[0]
    assert isinstance(body, ast.ClassDef)
    found: set[str] = set()
    for node, after in zip(body.body, body.body[1:], strict=False):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            found.add(node.target.id)
    return found


def _public(module: ModuleType) -> Iterator[tuple[str, Any]]:
    listed = getattr(module, "__all__", None)
    for name, value in vars(module).items():
        if name.startswith("_"):
            continue
        if (listed is not None and name in listed) or getattr(
            value, "__module__", None
        ) == module.__name__:
            yield name, value


def _class_fields(cls: type) -> list[str]:
    if issubclass(cls, pydantic.BaseModel):
        return list(cls.model_fields)
    if dataclasses.is_dataclass(cls):
        return [f.name for f in dataclasses.fields(cls) if f.init]
    init = vars(cls).get("__init__")
    if not inspect.isfunction(init) or init.__module__ != cls.__module__:
        return []  # none of its own (a Protocol's is typing's placeholder)
    return _parameters(init)


def _class_documented(cls: type) -> set[str]:
    documented = _fields_in(cls.__doc__) | _attribute_docstrings(cls)
    init = vars(cls).get("__init__")
    if inspect.isfunction(init):
        documented |= _fields_in(init.__doc__)
    if issubclass(cls, pydantic.BaseModel):
        documented |= {n for n, f in cls.model_fields.items() if f.description}
    return documented


def undocumented() -> set[str]:
    missing: set[str] = set()
    for module_name in api_modules():
        module = importlib.import_module(module_name)
        for name, value in _public(module):
            where = f"{module_name}.{name}"
            if inspect.isfunction(value):
                documented = _fields_in(value.__doc__)
                missing |= {f"{where}({p})" for p in _parameters(value) if p not in documented}
            elif inspect.isclass(value):
                documented = _class_documented(value)
                missing |= {f"{where}({p})" for p in _class_fields(value) if p not in documented}
                for method_name, member in vars(value).items():
                    if method_name.startswith("_"):
                        continue
                    method = (
                        member.__func__
                        if isinstance(member, classmethod | staticmethod)
                        else member
                    )
                    if not inspect.isfunction(method) or method.__module__ != value.__module__:
                        continue  # not a function, or one a library put there (pydantic's)
                    doc = _fields_in(method.__doc__)
                    missing |= {
                        f"{where}.{method_name}({p})" for p in _parameters(method) if p not in doc
                    }
    return missing


def test_the_walk_sees_the_api_pages() -> None:
    modules = api_modules()
    assert {"cleanclaim.engine", "cleanclaim.models", "cleanclaim.config"} <= set(modules)
    assert "cleanclaim.formats.base" in modules and "cleanclaim.testing" in modules


def test_the_walk_finds_an_undocumented_parameter() -> None:
    def documented(claim: object, *, strict: bool = False) -> None:
        """Check.

        :param claim: the claim.
        """

    assert _parameters(documented) == ["claim", "strict"]
    assert _fields_in(documented.__doc__) == {"claim"}


def test_every_public_parameter_is_documented() -> None:
    missing = undocumented()
    new = sorted(missing - NOT_YET)
    assert not new, "undocumented parameters (add a :param name: field):\n" + "\n".join(new)
    done = sorted(NOT_YET - missing)
    assert not done, "documented now: remove from NOT_YET:\n" + "\n".join(done)
