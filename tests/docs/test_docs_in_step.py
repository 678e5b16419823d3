"""The generated documentation is committed and must match what the code generates now.

scripts/gen_docs.py writes the rule catalog and the JSON Schema pages from the rules and
models themselves; regenerating into a temporary folder and comparing byte for byte means
a rule, option, payer override or schema change that was not followed by
``python scripts/gen_docs.py`` fails here instead of leaving the site wrong.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
REGENERATE = "run `python scripts/gen_docs.py` and commit the result"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_docs", module)
    spec.loader.exec_module(module)
    return module


gen_docs = _load_generator()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    gen_docs.generate(out)
    return out


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for sub in ("rules", "reference/schemas")
        for p in sorted((folder / sub).glob("*"))
        if p.is_file()
    }


def test_generated_files_are_committed_unchanged(generated: Path) -> None:
    fresh, committed = _tree(generated), _tree(DOCS)
    missing = sorted(set(fresh) - set(committed))
    stale = sorted(set(committed) - set(fresh))
    differ = sorted(n for n in set(fresh) & set(committed) if fresh[n] != committed[n])
    assert not missing, f"not committed: {missing}; {REGENERATE}"
    assert not stale, f"pages of rules that no longer exist: {stale}; {REGENERATE}"
    assert not differ, f"out of date: {differ}; {REGENERATE}"


def test_every_rule_page_has_the_catalog_sections(generated: Path) -> None:
    pages = sorted((DOCS / "rules").glob("[A-Z]*.md"))
    assert len(pages) >= 30
    for page in pages:
        headings = re.findall(r"^## (.+)$", page.read_text(encoding="utf-8"), re.M)
        assert headings == list(gen_docs.SECTIONS), f"{page.name}: sections {headings}"
        body = page.read_text(encoding="utf-8")
        for section in gen_docs.SECTIONS:
            text = body.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0].strip()
            assert text, f"{page.name}: section {section!r} is empty"


def test_every_rule_of_the_engine_is_in_the_index() -> None:
    from cleanclaim.engine import Engine

    engine = Engine.build()
    index = (DOCS / "rules" / "index.md").read_text(encoding="utf-8")
    for rule_id, reg in engine.rules.items():
        if reg.source in gen_docs.EXAMPLE_PLUGINS:
            assert f"[{rule_id}]" not in index
        else:
            assert f"| [{rule_id}]({rule_id}.md) | {reg.source} |" in index


def test_overrides_naming_a_rule_are_on_its_page() -> None:
    """PT101 is switched on for Medicare by an override: its page must say so."""
    page = (DOCS / "rules" / "PT101.md").read_text(encoding="utf-8")
    section = page.split("## Payer overrides\n", 1)[1].split("\n## ", 1)[0]
    assert "`medicare` | enabled = true" in section and "from 2018-01-01" in section


def test_schema_pages_match_the_models() -> None:
    import json

    from cleanclaim.schemas import MODELS, json_schema

    for name, model in MODELS.items():
        data = json.loads((DOCS / "reference" / "schemas" / f"{name}.json").read_text())
        assert data == json_schema(name)
        assert {k: v for k, v in data.items() if k not in ("$schema", "$id")} == (
            model.model_json_schema()
        )
        assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert data["$id"].endswith(f"/docs/reference/schemas/{name}.json")
