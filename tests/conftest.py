"""Shared fixtures: a fresh, migrated database per test (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), a clock tests can move, and small factories."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import asyncpg
import pytest

from bot.domain.clock import FrozenClock
from storage.db import Database, normalise_url, upgrade

PG_URL = os.environ.get("TEST_DATABASE_URL")
# Unique per run, so two test runs on one server do not drop each other's template.
TEMPLATE_DB = f"paket_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"


def _pg_dsn(url: str, database: str) -> str:
    base = normalise_url(url).replace("postgresql+asyncpg://", "postgresql://")
    return base.rsplit("/", 1)[0] + "/" + database


async def _pg_admin(sql: str) -> None:
    assert PG_URL
    conn = await asyncpg.connect(
        normalise_url(PG_URL).replace("postgresql+asyncpg://", "postgresql://")
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Run the real Alembic migrations once; each test copies the result."""
    if PG_URL:
        asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)"))
        asyncio.run(_pg_admin(f"CREATE DATABASE {TEMPLATE_DB}"))
        upgrade(_pg_dsn(PG_URL, TEMPLATE_DB))
        yield TEMPLATE_DB
        asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)"))
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        upgrade(f"sqlite:///{path}")
        yield str(path)


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    """A URL to a fresh database, already migrated."""
    if PG_URL:
        name = f"paket_t_{uuid.uuid4().hex[:12]}"
        asyncio.run(_pg_admin(f"CREATE DATABASE {name} TEMPLATE {migrated_template}"))
        yield _pg_dsn(PG_URL, name)
        asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    else:
        path = tmp_path / "paket.db"
        shutil.copy(migrated_template, path)
        yield f"sqlite:///{path}"


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    # 09.00 WIB on a Monday.
    return FrozenClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))


RECENT_ASSESSMENT = date(2026, 1, 15)
