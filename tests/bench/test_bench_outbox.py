"""The outbox under a broadcast: queue 1,000 notifications at once, then claim them for sending.

A facilitator's announcement to a whole kota is one transaction that enqueues a row per
person; the sender then claims them 50 at a time, each claim its own short transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import delete

from bot.domain import outbox
from bot.domain.clock import FrozenClock
from storage.db import Database
from storage.models import Outbox, Person

BROADCAST = 1_000
BATCH = 50  # rows per claim in this benchmark (the sender claims up to IN_FLIGHT at a time)
ROUNDS = 10
Report = Callable[[str, float, str], None]


@pytest.fixture
def recipients(bench_db: Database, clock: FrozenClock, run: Callable[..., Any]) -> list[Person]:
    """1,000 registered people; their rows stay usable after commit (expire_on_commit=False)."""

    async def seed() -> list[Person]:
        async with bench_db.transaction() as s:
            people = [
                Person(
                    telegram_id=100_000 + i, name=f"Warga {i}", locale="id", created_at=clock.now()
                )
                for i in range(BROADCAST)
            ]
            s.add_all(people)
            await s.flush()
            return people

    return run(seed())


def _enqueue_all(db: Database, clock: FrozenClock, people: list[Person]) -> Callable[[], Any]:
    async def enqueue() -> None:
        async with db.transaction() as s:
            for person in people:
                outbox.enqueue(s, clock, person, kind="announcement", text="<b>Rapat</b> besok")

    return enqueue


def test_outbox_enqueue_1000(
    benchmark: Any,
    bench_db: Database,
    clock: FrozenClock,
    run: Callable[..., Any],
    recipients: list[Person],
    report: Report,
) -> None:
    """One transaction that queues a message for each of 1,000 people."""
    enqueue = _enqueue_all(bench_db, clock, recipients)
    benchmark.pedantic(lambda: run(enqueue()), rounds=ROUNDS, warmup_rounds=1)
    if benchmark.stats is not None:
        report("rows_per_s", round(BROADCAST / benchmark.stats.stats.median), "rows/s")


def test_outbox_claim_1000(
    benchmark: Any,
    bench_db: Database,
    clock: FrozenClock,
    run: Callable[..., Any],
    recipients: list[Person],
    report: Report,
) -> None:
    """Claim 1,000 due rows 50 at a time, each claim in its own transaction, as the sender does."""
    enqueue = _enqueue_all(bench_db, clock, recipients)

    async def claim_all() -> int:
        claimed = 0
        while True:
            async with bench_db.transaction() as s:
                rows = await outbox.claim_due(s, clock, limit=BATCH, postgres=bench_db.is_postgres)
            if not rows:
                return claimed
            claimed += len(rows)

    def drained() -> None:
        assert run(claim_all()) == BROADCAST

    async def fresh_queue() -> None:
        # The last round's rows stay claimed ("sending"), and a chat with a row in flight is
        # never claimed again: start each round from an empty outbox.
        async with bench_db.transaction() as s:
            await s.exec(delete(Outbox))  # type: ignore[call-overload]
        await enqueue()

    benchmark.pedantic(drained, setup=lambda: run(fresh_queue()), rounds=ROUNDS, warmup_rounds=1)
    if benchmark.stats is not None:
        report("rows_per_s", round(BROADCAST / benchmark.stats.stats.median), "rows/s")
