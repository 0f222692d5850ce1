"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.db import Database


async def test_models_and_migrations_agree(database_url: str):
    db = Database(database_url)  # already migrated by the fixture, with the real migrations
    try:
        async with db.engine.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), SQLModel.metadata
                )
            )
    finally:
        await db.dispose()
    assert diff == [], "a model changed without a migration: run alembic revision --autogenerate"


async def test_one_open_draft_per_author_and_bkm(db, clock):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from bot.domain import areas
    from bot.domain.actors import SYSTEM
    from storage.models import Person, Proposal

    async with db.transaction() as s:
        await areas.add_kota(s, clock, SYSTEM, name="Bandung")
        bkm = await areas.add_bkm(s, clock, SYSTEM, name="BKM A", kota="Bandung", kelurahan="A")
        person = Person(telegram_id=1, name="Siti", created_at=clock.now())
        s.add(person)
        await s.flush()
        ids = {"author_id": person.id, "bkm_id": bkm.id, "kota_id": bkm.kota_id}
        s.add(Proposal(**ids, status="diajukan", code="PKT-2026-0001"))
        s.add(Proposal(**ids, status="draf"))  # a submitted one does not count
    with pytest.raises(IntegrityError):
        async with db.transaction() as s:
            s.add(Proposal(**ids, status="draf"))
