"""Every packaged dataset file decodes to the same objects with orjson (the [fast] extra,
which `Dataset` uses when installed) as with the standard library (issue 18)."""

from __future__ import annotations

import json

import pytest

from cleanclaim.icd import DatasetRegistry

orjson = pytest.importorskip("orjson")


def test_packaged_data_files_decode_alike() -> None:
    registry = DatasetRegistry.packaged()
    infos = registry.available()
    assert infos
    for info in infos:
        dataset = registry.dataset(info)
        for name in ("codes.json", "notes.json"):
            raw = dataset._read(name)
            assert orjson.loads(raw) == json.loads(raw), (info.name, name)
