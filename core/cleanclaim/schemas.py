"""The JSON Schemas of what cleanclaim reads and writes, as published documents.

A vendor validates its claims against ``claim``, and the results it stores against
``report`` (one claim's report) and ``invalid`` (a batch record that could not be
checked: ``{"line": N, "status": "invalid", "errors": [...]}``).  Each schema names the
JSON Schema dialect it is written in (``$schema``) and its own address (``$id``), so a
validator knows how to read it and a stored report can say which shape it has; the
report carries [`REPORT_SCHEMA_VERSION`][cleanclaim.models.REPORT_SCHEMA_VERSION] too.

``cleanclaim schema NAME`` prints them; ``scripts/gen_docs.py`` writes them to
``docs/reference/schemas``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from cleanclaim.models import Claim, InvalidRecord, Report

#: the dialect pydantic's ``model_json_schema`` writes
DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: where the published schema files live (docs/reference/schemas in the repository)
BASE = "https://raw.githubusercontent.com/cleanclaim/cleanclaim/main/docs/reference/schemas/"


__all__ = ["BASE", "DIALECT", "MODELS", "InvalidRecord", "json_schema"]

MODELS: dict[str, type[BaseModel]] = {
    "claim": Claim,
    "report": Report,
    "invalid": InvalidRecord,
}


def json_schema(name: str) -> dict[str, Any]:
    """The published JSON Schema ``name`` (``claim``, ``report`` or ``invalid``)."""
    schema = MODELS[name].model_json_schema()
    return {"$schema": DIALECT, "$id": f"{BASE}{name}.json", **schema}
