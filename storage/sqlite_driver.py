"""SQLite connections whose statements run on the event loop's own thread.

aiosqlite runs every call on a worker thread: the cursor, the statement, the fetch and the
close of one query are four hand-offs, each a queue put, a thread wake-up, a wake-up of the
event loop through its self-pipe and a greenlet switch. An update of ours sends about ten
statements, so the hand-offs cost more CPU than SQLite's own work (an indexed lookup takes
microseconds), and they buy no concurrency: this process's transactions take turns anyway
(see `Database._turn`).

So statements run inline, `BEGIN` and `COMMIT` included (their two hand-offs were about a
fifth of the CPU of an update). What could make the event loop wait is kept off it:

- Another process's write lock (the CLI beside the bot): the connection's own busy timeout
  is zero, so an inline statement that meets the lock fails at once, and only then is it
  run again on the worker thread, waiting up to the real busy timeout.
- Disk syncs: in WAL mode with `synchronous=NORMAL` a commit only appends to the log; the
  sync comes with a checkpoint, which SQLite would run inside a commit once the log holds
  1,000 pages. The connections turn that off (`storage/db.py`) and the bot checkpoints on a
  thread every few seconds (`Database.checkpoint`, from the scheduler).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import partial
from typing import Any

import aiosqlite

ITER_CHUNK_SIZE = 64  # aiosqlite's default


class InlineConnection(aiosqlite.Connection):
    """aiosqlite's connection, but its worker thread only waits for other processes' locks."""

    def __init__(self, connector: Callable[[], sqlite3.Connection], busy_timeout: float) -> None:
        super().__init__(connector, ITER_CHUNK_SIZE)
        self._busy_ms = int(busy_timeout * 1000)

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")  # what aiosqlite raises
        try:
            return fn(*args, **kwargs)
        except sqlite3.OperationalError as error:
            if not _is_busy(error):
                raise
        # A failed statement changed nothing (a BEGIN that did not get the lock began no
        # transaction), so it can simply run again, patiently, off the event loop.
        return await super()._execute(_patiently, self._connection, self._busy_ms, fn, args, kwargs)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF  # the primary code of an extended one
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _patiently(
    connection: sqlite3.Connection,
    busy_ms: int,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    """`fn` with the busy timeout on (on the worker thread), then off again."""
    connection.execute(f"PRAGMA busy_timeout = {busy_ms}")
    try:
        return fn(*args, **kwargs)
    finally:
        connection.execute("PRAGMA busy_timeout = 0")


async def connect(path: str, *, busy_timeout: float) -> aiosqlite.Connection:
    """Open `path` as `aiosqlite.connect` would (SQLAlchemy's `async_creator`)."""
    connector = partial(sqlite3.connect, path, timeout=0, check_same_thread=False)
    connection = InlineConnection(connector, busy_timeout)
    connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connections
    return await connection
