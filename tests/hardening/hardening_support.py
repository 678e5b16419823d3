"""Shared pieces of the hardening tests: a claim full of sentinels, the CLI, assertions.

The sentinel is a string no rule, dataset or message could produce by chance; the privacy
tests put it in every free-text field of a claim and assert it never comes back out of an
error path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

SENTINEL = "ZQXSENTINEL7781"

#: a claim the engine checks without trouble (clean on the packaged FY2026 dataset).
CLEAN: dict[str, Any] = {
    "claim_id": "H-1",
    "date_of_service": "2026-05-12",
    "diagnoses": ["M62.830"],
}


def secret_claim(**changes: Any) -> dict[str, Any]:
    """A valid claim whose every free-text patient field carries :data:`SENTINEL`."""
    claim: dict[str, Any] = {
        "claim_id": "H-PRIV",
        "date_of_service": "2026-05-12",
        "payer": "medicare",
        "patient": {"age": 45, "sex": "F"},
        "diagnoses": ["M62.830", "M54.50"],
        "lines": [
            {
                "procedure": "97110",
                "modifiers": ["GP"],
                "units": 2,
                "minutes": 30,
                "diagnosis_pointers": [1, 2],
            }
        ],
        "documentation": {
            "site": "lumbar",
            "spinal_regions": ["lumbar"],
            "onset": "acute",
            "trauma": True,
            "mechanism": f"fell at home {SENTINEL}",
            "objective_findings": [f"guarding {SENTINEL}"],
            "treatment_rationale": f"restore motion {SENTINEL}",
            "note": f"encounter note {SENTINEL}",
        },
        "extensions": {"vendor": SENTINEL, "nested": [{"x": SENTINEL}]},
    }
    claim.update(changes)
    return claim


def cli(
    *argv: str,
    cwd: Path,
    timeout: float = 60,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m cleanclaim`` as a vendor's script would; a hang fails the test.

    A ``PYTHONPATH`` in ``env`` (a test's plugin site) goes in front of the one this
    process runs with, so the child imports the same cleanclaim as the test."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    inherited = os.environ.get("PYTHONPATH")
    if env and "PYTHONPATH" in env and inherited:
        full_env["PYTHONPATH"] = os.pathsep.join((env["PYTHONPATH"], inherited))
    return subprocess.run(
        [sys.executable, "-m", "cleanclaim", *argv],
        cwd=cwd,
        env=full_env,
        input=stdin,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


def assert_no_traceback(text: str) -> None:
    """A traceback on stderr means a bug in cleanclaim, whatever the input was."""
    assert "Traceback (most recent call last)" not in text, text[-2000:]


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
