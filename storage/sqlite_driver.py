"""SQLite connections whose statements run on the event loop's own thread.

aiosqlite runs every call on a worker thread: the cursor, the statement, the fetch and the
close of one query are four hand-offs, each a queue put, a thread wake-up, a wake-up of the
event loop through its self-pipe and a greenlet switch. An update of ours sends about ten
statements, so the hand-offs cost more CPU than SQLite's own work (an indexed lookup takes
microseconds), and they buy no concurrency: this process's transactions take turns anyway
(see `Database._turn`).

So statements run inline. The calls that can wait keep the worker thread, so the event loop
never blocks on them: `BEGIN` (it waits up to the busy timeout for another process's write
lock, the CLI beside the bot) and `COMMIT` (in WAL mode a commit may run a checkpoint, which
writes and syncs the database file).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import partial
from typing import Any

import aiosqlite

ITER_CHUNK_SIZE = 64  # aiosqlite's default


class InlineConnection(aiosqlite.Connection):
    """aiosqlite's connection, but only BEGIN and COMMIT go through its worker thread."""

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if _may_wait(fn, args):
            return await super()._execute(fn, *args, **kwargs)
        if not self._running or not self._connection:
            raise ValueError("Connection closed")  # what aiosqlite raises
        return fn(*args, **kwargs)


def _may_wait(fn: Callable[..., Any], args: tuple[Any, ...]) -> bool:
    """BEGIN (another process's write lock) or COMMIT (a checkpoint's disk sync)."""
    if getattr(fn, "__name__", "") == "commit":
        return True
    return bool(args) and isinstance(args[0], str) and args[0].lstrip()[:5].upper() == "BEGIN"


async def connect(path: str, *, busy_timeout: float) -> aiosqlite.Connection:
    """Open `path` as `aiosqlite.connect` would (SQLAlchemy's `async_creator`)."""
    connector = partial(sqlite3.connect, path, timeout=busy_timeout, check_same_thread=False)
    connection = InlineConnection(connector, ITER_CHUNK_SIZE)
    connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connections
    return await connection
