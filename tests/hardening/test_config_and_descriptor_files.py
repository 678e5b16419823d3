"""Configuration and CPT descriptor files: only what can be read safely is read.

Promises (docs/promises.md):

* A configuration (or payer override) file that is a FIFO, a device (``/dev/zero``), a
  folder or larger than ``MAX_TOML_BYTES`` is refused with a message naming it, at once:
  it never hangs and never ends in a MemoryError.
* The CPT descriptor reader reads UTF-8, UTF-8 with a BOM, UTF-16 and Latin-1, and its
  errors name the file and the line but never quote the file's contents.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest
from hardening_support import CLEAN, assert_no_traceback, cli, write_json

from cleanclaim.config import MAX_TOML_BYTES, Config, ConfigError
from cleanclaim.descriptors import DescriptorFileError, load_descriptors


def _with_timeout(fn: object, seconds: float = 10) -> BaseException | None:
    box: list[BaseException | None] = [None]

    def run() -> None:
        try:
            fn()  # type: ignore[operator]
        except BaseException as exc:
            box[0] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "hung"
    return box[0]


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero")
@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder", "huge"])
def test_a_configuration_that_is_not_a_bounded_regular_file_is_refused(
    tmp_path: Path, kind: str
) -> None:
    if kind == "fifo":
        path = tmp_path / "cleanclaim.toml"
        os.mkfifo(path)
    elif kind == "dev-zero":
        path = Path("/dev/zero")
    elif kind == "folder":
        path = tmp_path / "cleanclaim.toml"
        path.mkdir()
    else:
        path = tmp_path / "cleanclaim.toml"
        with path.open("wb") as handle:
            handle.truncate(MAX_TOML_BYTES + 1)
    error = _with_timeout(lambda: Config.load(path))
    assert isinstance(error, ConfigError), error
    assert str(path) in str(error)


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs")
def test_a_fifo_config_on_the_command_line_is_exit_2(tmp_path: Path) -> None:
    fifo = tmp_path / "cfg.toml"
    os.mkfifo(fifo)
    claim = write_json(tmp_path / "claim.json", CLEAN)
    proc = cli("check", str(claim), "--config", str(fifo), cwd=tmp_path, timeout=30)
    err = proc.stderr.decode()
    assert_no_traceback(err)
    assert proc.returncode == 2 and str(fifo) in err, err


ROWS = "CPT Code\tDescriptor\n97110\tTherapeutic exercise ©\n97140\tManual therapy\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "latin-1"])
def test_descriptor_files_in_every_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "cpt.tsv"
    path.write_bytes(ROWS.encode(encoding))
    assert load_descriptors(path) == {
        "97110": "Therapeutic exercise ©",
        "97140": "Manual therapy",
    }


SECRET = "root:$6$ZQXSENTINEL7781:19000:0:99999:7:::"


@pytest.mark.parametrize(
    "text", [f"{SECRET}\n{SECRET}\n", f"97110\tok\n{SECRET}\n", ""], ids=["all", "later", "empty"]
)
def test_descriptor_errors_never_quote_the_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "shadow"
    path.write_text(text)
    with pytest.raises(DescriptorFileError) as raised:
        load_descriptors(path)
    message = str(raised.value)
    assert str(path) in message and "ZQXSENTINEL7781" not in message and "19000" not in message
