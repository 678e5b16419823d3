"""A local-mode SparkSession for the adapter tests; skipped cleanly without pyspark or Java.

The tests run only where ``pyspark`` imports and a Java runtime is found, which is what
``tox -e spark`` provides (it installs the ``spark`` extra and, if needed, Java via
``.ci/install-java.sh``).  In the default test environment they are skipped.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("pyspark", reason="the spark extra is not installed (tox -e spark)")

if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
    pytest.skip("no Java runtime (run .ci/install-java.sh)", allow_module_level=True)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    # Executors must run this interpreter, where cleanclaim and its plugins are installed.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("cleanclaim-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
