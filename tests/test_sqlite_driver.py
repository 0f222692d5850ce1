"""The SQLite driver runs statements on the event loop, but never waits there for a lock."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import sqlite_driver
from storage.db import Database


async def test_a_lock_held_by_another_process_is_waited_for_off_the_event_loop(tmp_path: Path):
    path = str(tmp_path / "locks.db")
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE t (x INTEGER)")
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # the CLI beside the bot, writing

    bot = await sqlite_driver.connect(path, busy_timeout=5)
    bot._conn.isolation_level = None  # as storage.db sets it: SQLAlchemy says when to begin
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticking = asyncio.create_task(ticker())
    begin = asyncio.create_task(bot.execute("BEGIN IMMEDIATE"))
    await asyncio.sleep(0.3)
    assert not begin.done()  # still waiting for the other writer…
    assert ticks >= 10  # …and the event loop went on meanwhile
    other.execute("INSERT INTO t VALUES (1)")
    other.execute("COMMIT")
    await asyncio.wait_for(begin, 5)
    await bot.execute("INSERT INTO t VALUES (2)")
    await bot.execute("COMMIT")
    ticking.cancel()
    assert [r[0] for r in setup.execute("SELECT x FROM t ORDER BY x")] == [1, 2]
    # The patient wait is over: the next lock conflict fails fast again on the loop's side.
    assert [r[0] for r in await bot.execute_fetchall("PRAGMA busy_timeout")] == [0]
    await bot.close()
    other.close()
    setup.close()


async def test_a_lock_never_released_fails_after_the_busy_timeout(tmp_path: Path):
    path = str(tmp_path / "stuck.db")
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("BEGIN IMMEDIATE")
    bot = await sqlite_driver.connect(path, busy_timeout=0.2)
    bot._conn.isolation_level = None
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        await bot.execute("BEGIN IMMEDIATE")
    await bot.close()
    other.close()


async def test_commits_leave_the_log_to_the_checkpoint_on_a_thread(tmp_path: Path):
    path = tmp_path / "log.db"
    log = tmp_path / "log.db-wal"
    db = Database(f"sqlite:///{path}")
    try:
        async with db.transaction() as s:
            await s.exec(text("CREATE TABLE filler (x TEXT)"))  # type: ignore[call-overload]
        for _ in range(30):  # 6 MB: SQLite would checkpoint by itself at 1,000 pages (4 MB)
            async with db.transaction() as s:
                await s.exec(  # type: ignore[call-overload]
                    text("INSERT INTO filler VALUES (:x)"), params={"x": "x" * 200_000}
                )
        # No commit checkpointed (synced) on the event loop: it is all still in the log.
        assert log.stat().st_size > 6_000_000 and path.stat().st_size < 1_000_000
        await db.checkpoint()
        assert path.stat().st_size > 6_000_000  # copied into the database file
    finally:
        await db.dispose()
