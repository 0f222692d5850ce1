"""Only one process runs the sender on PostgreSQL; SQLite (one process) always leads."""

from __future__ import annotations

from bot.runtime.leader import Leadership
from storage.db import Database


async def test_one_leader_at_a_time_and_takeover_after_release(database_url: str):
    first_db, second_db = Database(database_url), Database(database_url)
    first, second = Leadership(first_db), Leadership(second_db)
    try:
        assert await first.is_leader()
        assert await first.is_leader()  # keeps it
        if first_db.is_postgres:
            assert not await second.is_leader()
            await first.release()
            assert await second.is_leader()
            assert not await first.is_leader()
        else:
            assert await second.is_leader()
    finally:
        await first.release()
        await second.release()
        await first_db.dispose()
        await second_db.dispose()
