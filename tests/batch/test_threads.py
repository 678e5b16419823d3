"""One engine shared by many threads gives the same reports as checking sequentially.

The engine is immutable after build; its only shared mutable state is caches (active
rules per payer period, datasets loaded on first use, per-code facts), which are filled
under a lock or by single dictionary assignments.  This test starts every thread before
any fiscal year is loaded, so the lazy loads race as they would in a web server.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from cleanclaim.engine import Engine, InputError
from cleanclaim.synth import generate


def _report(engine: Engine, claim: dict[str, object]) -> str:
    try:
        return engine.check(claim).model_dump_json()
    except InputError as exc:
        return f"invalid: {exc}"


def test_threads_sharing_one_engine_match_sequential() -> None:
    claims = list(generate(2400, 21, malformed_rate=0.02))
    sequential = Engine.build()
    expected = [_report(sequential, claim) for claim in claims]

    shared = Engine.build()  # fresh: no dataset loaded, no cache filled yet
    start = threading.Barrier(8)

    def work(offset: int) -> list[tuple[int, str]]:
        start.wait()
        return [(i, _report(shared, claims[i])) for i in range(offset, len(claims), 8)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        parts = list(pool.map(work, range(8)))
    got = dict(pair for part in parts for pair in part)
    assert [got[i] for i in range(len(claims))] == expected
    assert any(text.startswith("invalid") for text in expected)


def test_check_many_is_lazy_and_ordered() -> None:
    engine = Engine.build()
    claims = list(generate(50, 22))
    reports = engine.check_many(iter(claims))
    first = next(reports)
    assert first.claim_id == claims[0]["claim_id"]
    assert [r.claim_id for r in reports] == [c["claim_id"] for c in claims[1:]]
