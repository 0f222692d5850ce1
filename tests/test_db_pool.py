"""A bot process keeps a fixed number of PostgreSQL connections, however many people write at once."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from storage.db import Database, is_postgres


async def test_more_updates_than_connections_take_turns(database_url: str) -> None:
    if not is_postgres(database_url):
        pytest.skip("SQLite has no connection pool to speak of: one writer at a time")
    db = Database(database_url, pool_size=2)
    seen: list[int] = []

    async def one_update(n: int) -> None:
        async with db.transaction() as session:
            # What each transaction sees: how many connections this database has open.
            found = await session.exec(text(  # type: ignore[call-overload]
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            ))  # fmt: skip
            seen.append(found.scalar_one())
            await asyncio.sleep(0.01)  # held a moment, so that the others must wait for it

    try:
        await asyncio.gather(*(one_update(n) for n in range(30)))
    finally:
        await db.dispose()
    assert len(seen) == 30  # everyone was served ...
    assert max(seen) <= 2  # ... by the two connections of the pool, never a 3rd
