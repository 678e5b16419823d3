"""``check --batch --output``: the output is never the input, and never left torn.

Promises (docs/promises.md, docs/guides/batch.md):

* an output that is the input (the same path, a symbolic link to it, a hard link) is
  refused with exit 2 and a message naming both, and the input is left as it was;
* results are written beside the target and renamed into place when whole: a write that
  fails part-way (here ``ulimit -f``, as a full disk would) leaves the target as it was
  and no temporary file, exits 2 and names the file, without a traceback.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hardening_support import assert_no_traceback, cli

from cleanclaim.synth import generate_lines


def _claims(folder: Path, count: int = 40) -> Path:
    source = folder / "claims.jsonl"
    source.write_text("\n".join(generate_lines(count, 3)) + "\n", encoding="utf-8")
    return source


@pytest.mark.parametrize("how", ["same-path", "symlink", "hard-link", "dotted-path"])
def test_output_that_is_the_input_is_refused(tmp_path: Path, how: str) -> None:
    source = _claims(tmp_path)
    before = source.read_bytes()
    target = tmp_path / "results.jsonl"
    if how == "same-path":
        target = source
    elif how == "symlink":
        target.symlink_to(source)
    elif how == "hard-link":
        os.link(source, target)
    else:
        target = tmp_path / "." / "sub" / ".." / source.name
        (tmp_path / "sub").mkdir()
    proc = cli("check", "--batch", str(source), "--output", str(target), cwd=tmp_path)
    err = proc.stderr.decode()
    assert_no_traceback(err)
    assert proc.returncode == 2, err
    assert str(source) in err and str(target) in err, err
    assert source.read_bytes() == before


def _limit_file_size(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_full_disk_leaves_the_old_output_and_names_the_file(tmp_path: Path) -> None:
    source = _claims(tmp_path, 400)  # some 400 kB of results
    out = tmp_path / "results.jsonl"
    out.write_bytes(b"yesterday's results\n")
    proc = subprocess.run(
        [sys.executable, "-m", "cleanclaim", "check", "--batch", str(source), "--output", str(out)],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
        preexec_fn=lambda: _limit_file_size(64 * 1024),
        check=False,
    )
    err = proc.stderr.decode()
    assert_no_traceback(err)
    assert proc.returncode == 2, err
    assert err.startswith("cleanclaim: error:") and str(out) in err, err
    assert out.read_bytes() == b"yesterday's results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.jsonl", "results.jsonl"]


def test_a_finished_batch_replaces_the_output_and_keeps_its_mode(tmp_path: Path) -> None:
    source = tmp_path / "one.jsonl"
    source.write_text(
        '{"claim_id": "A", "date_of_service": "2026-05-12", "diagnoses": ["M62.830"]}\n'
    )
    out = tmp_path / "results.jsonl"
    out.write_bytes(b"old\n" * 1000)
    out.chmod(0o640)
    link = tmp_path / "latest.jsonl"
    link.symlink_to(out)
    proc = cli("check", "--batch", str(source), "--output", str(link), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink(), "the link was replaced instead of the file it points to"
    assert out.read_text().count("\n") == 1 and '"claim_id":"A"' in out.read_text()
    assert out.stat().st_mode & 0o777 == 0o640
    assert not list(tmp_path.glob(".*.tmp"))
