"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.db import Database, upgrade

REPO = Path(__file__).resolve().parents[1]


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


def test_head_revision_read_from_file_names_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    from storage.db import alembic_config, head_revision

    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert scripts.get_heads() == [head_revision()]  # one line of migrations, no branches
    for script in scripts.walk_revisions():  # each file named after its revision
        assert Path(script.path).name.startswith(f"{script.revision}_")


def test_migrate_runs_pending_migrations_and_leaves_alembic_out_when_none(tmp_path: Path) -> None:
    """A database at an older revision is brought up to date; one already there is only
    read, so a bot starting on it never loads Alembic (about 11 MB it would keep for good)."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0013")
    probe = (
        "import sys; from storage.db import migrate, revision_of, head_revision; import asyncio;"
        f"migrate({url!r}); assert asyncio.run(revision_of({url!r})) == head_revision();"
        "print(any(name.startswith('alembic') for name in sys.modules))"
    )

    def alembic_loaded() -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO
        )
        return done.stdout.strip()

    assert alembic_loaded() == "True"  # 0013 → 0014 needed Alembic
    assert alembic_loaded() == "False"  # at head: one query, no Alembic
