"""Exactly one active sender (and later scheduler) across bot processes.

On PostgreSQL the process holding a session-level advisory lock leads; the others keep
handling updates and retry the lock now and then, so one takes over when the leader dies
(the lock goes with its connection). SQLite is single-process: it always leads.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import Database

log = logging.getLogger(__name__)
# Any constant works; this one spells "PAKET" so it is recognisable in pg_locks.
LOCK_KEY = 0x50414B4554


class Leadership:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._connection: AsyncConnection | None = None

    async def is_leader(self) -> bool:
        """True while this process holds the lock; tries to take it when it does not."""
        if not self.db.is_postgres:
            return True
        if self._connection is not None:
            try:
                await self._connection.execute(text("SELECT 1"))
                return True
            except Exception:  # the connection died, and the lock with it
                log.warning("lost the sender lock's connection")
                await self.release()
        connection = await self.db.engine.connect()
        taken = bool(
            await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY})
        )
        await connection.commit()
        if taken:
            log.info("this process now runs the outbox sender")
            self._connection = connection
        else:
            await connection.close()
        return taken

    async def release(self) -> None:
        if self._connection is not None:
            try:
                await self._connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY}
                )
                await self._connection.commit()
            except Exception:
                log.debug("could not unlock; closing the connection releases it anyway")
            await self._connection.close()
            self._connection = None
