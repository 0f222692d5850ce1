"""The database behind each run: SQLite files or PostgreSQL databases, seeded once, copied per run.

Seeding 10,000 people and 50,000 proposals takes a while, so each store is seeded once into a
template (`seed.build`), and every run gets a fresh copy of it: a copied file on SQLite, a
`CREATE DATABASE … TEMPLATE` on PostgreSQL. The PostgreSQL databases (`paket_bench_*`) are
created on the server named by BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432,
trust auth) and dropped at the end.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.bench.load.seed import Member, Scale, build

SQLITE, POSTGRES = "sqlite", "postgres"
STORES = (SQLITE, POSTGRES)
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
PREFIX = "paket_bench"


async def _admin(sql: str, database: str = "postgres") -> None:
    """One statement on one of the server's databases (CREATE/DROP DATABASE on `postgres`)."""
    import asyncpg  # only PostgreSQL runs need it

    connection = await asyncpg.connect(
        PG_SERVER.replace("postgresql://", "postgres://") + "/" + database
    )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def drop_pg(name: str) -> None:
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _remove_sqlite(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)


@dataclass
class Store:
    """One store: a seeded template, and a fresh copy of it per run."""

    kind: str
    folder: Path
    players: int
    scale: Scale
    members: list[Member] = field(default_factory=list)
    seed_seconds: float = 0.0
    _template: str = ""
    _copies: list[str] = field(default_factory=list)
    _count: int = 0

    async def prepare(self) -> None:
        """Seed the template (once)."""
        if self._template:
            return
        began = time.monotonic()
        if self.kind == SQLITE:
            self._template = str(self.folder / "template.db")
            url = f"sqlite:///{self._template}"
        else:
            self._template = f"{PREFIX}_{os.getpid()}_template"
            await drop_pg(self._template)
            await _admin(f'CREATE DATABASE "{self._template}"')
            url = f"{PG_SERVER}/{self._template}"
        self.members = await build(url, self.players, self.scale)
        if self.kind == SQLITE:  # everything in the main file, so a copy is complete
            with sqlite3.connect(self._template) as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            # The planner's statistics, as autovacuum keeps them on a database in use. Without
            # this, whether a copy had any depended on whether autovacuum had got round to the
            # template before it was copied (statistics are copied, its counters are not), and
            # plans, and the figures with them, changed from run to run.
            await _admin("VACUUM ANALYZE", database=self._template)
        self.seed_seconds = round(time.monotonic() - began, 1)

    async def fresh(self) -> str:
        """A new copy of the template; its DATABASE_URL."""
        await self.prepare()
        self._count += 1
        if self.kind == SQLITE:
            path = self.folder / f"run-{self._count}.db"
            shutil.copyfile(self._template, path)
            return f"sqlite:///{path}"
        name = f"{PREFIX}_{os.getpid()}_{self._count}"
        await drop_pg(name)
        await _admin(f'CREATE DATABASE "{name}" TEMPLATE "{self._template}"')
        self._copies.append(name)
        return f"{PG_SERVER}/{name}"

    async def release(self, url: str) -> None:
        """Done with a copy: remove it."""
        if self.kind == SQLITE:
            _remove_sqlite(url.removeprefix("sqlite:///"))
            return
        name = url.rsplit("/", 1)[1]
        await drop_pg(name)
        if name in self._copies:
            self._copies.remove(name)

    async def close(self) -> None:
        """Drop whatever is left on the server (SQLite files go with the temporary folder)."""
        if self.kind == POSTGRES:
            for name in [*self._copies, self._template]:
                if name:
                    await drop_pg(name)
            self._copies.clear()
