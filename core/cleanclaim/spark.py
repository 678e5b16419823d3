"""Check a Spark DataFrame of claims with the same engine and the same JSON as the CLI.

Payer-scale batches already live in Spark; this adapter runs the kernel inside it rather
than exporting the data.  Needs the optional extra: ``pip install cleanclaim[spark]``.

Input: a DataFrame with one **string column of claim JSON** (default name ``claim_json``),
one claim per row, as ``cleanclaim check --batch`` reads one per line.  Struct columns are
not read directly: turn them into JSON with ``F.to_json(F.struct(...))`` first, so that
the claim reaching the engine is the same text a file would hold (docs/guides/spark.md).

Output: one row per input row, in input order, with ``line`` (1-based row number),
``claim_id``, ``status`` (``clean`` | ``warning`` | ``error`` | ``invalid``), ``rules``
(the rule ids found, in report order) and ``report``: the claim's report JSON, byte for
byte ``Engine.check(claim).model_dump_json()``.  Rows that are not valid claims get the
CLI's ``{"line": N, "status": "invalid", "errors": [...]}``.  Unlike a ``check --batch``
line, ``report`` has no ``input`` member: a DataFrame row is not a line of a file, and
its place is the ``line`` column already.

The engine is built once per Python worker process (``mapPartitions`` over a
module-level cache keyed by the configuration), never once per row, and no hook runs per
claim.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from cleanclaim.config import Config
from cleanclaim.engine import Engine

__all__ = ["REPORT_SCHEMA", "check_dataframe", "check_rows"]

#: Spark DDL of the DataFrame `check_dataframe()` returns.
REPORT_SCHEMA = "line LONG, claim_id STRING, status STRING, rules ARRAY<STRING>, report STRING"

#: one engine per configuration per Python worker process (Spark reuses its workers).
_ENGINES: dict[str, Engine] = {}

ReportRow = tuple[int, str | None, str, list[str], str]


def _key(config: Config) -> str:
    return f"{config.model_dump_json()}@{config.base_dir}"


def _engine(config: Config) -> Engine:
    key = _key(config)
    engine = _ENGINES.get(key)
    if engine is None:
        engine = _ENGINES[key] = Engine.build(config=config)
    return engine


def check_rows(rows: Iterable[tuple[str | None, int]], config: Config) -> Iterator[ReportRow]:
    """Check ``(claim JSON, 0-based index)`` pairs: what each partition runs.

    Plain Python with no Spark import, so it can be tested without a cluster too.
    """
    from cleanclaim.cli.batch import check_record

    engine = _engine(config)
    for text, index in rows:
        number = index + 1
        line, status, rules, claim_id = check_record(
            engine, number, "null" if text is None else text
        )
        yield number, claim_id, status, list(rules), line


def check_dataframe(df: Any, column: str = "claim_json", *, config: Config | None = None) -> Any:
    """Check every claim in ``df[column]``; returns a DataFrame of `REPORT_SCHEMA`.

    ``config`` is the `Config` the CLI would read from
    ``cleanclaim.toml`` (``Config.load(path)``); it travels to the executors with the
    task, and every file it names (payer overrides, NCCI files, descriptors) must be
    readable at the same path there.  The plugins installed on the executors run.
    Raises `ValueError` when the column is missing, and the CLI's configuration
    errors (on the driver, before any task starts) when the configuration is broken.
    """
    # the optional extra, imported only when used (absent where mypy runs in CI)
    from pyspark.sql import SparkSession  # type: ignore[import-not-found, import-untyped, unused-ignore]

    if column not in df.columns:
        raise ValueError(f"DataFrame has no column {column!r} (it has {', '.join(df.columns)})")
    chosen = config or Config()
    Engine.build(config=chosen)  # fail fast on the driver: bad override files, NCCI files
    indexed = df.select(column).rdd.map(lambda row: row[0]).zipWithIndex()
    reports = indexed.mapPartitions(lambda rows: check_rows(rows, chosen))
    spark = SparkSession.builder.getOrCreate()
    return spark.createDataFrame(reports, REPORT_SCHEMA)
