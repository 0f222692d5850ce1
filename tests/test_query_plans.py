"""Every hot query uses an index, on SQLite and on PostgreSQL (TEST_DATABASE_URL).

Each case runs the real domain function, records the SQL it sends, and asks the database how
it would run that statement: SQLite's EXPLAIN QUERY PLAN (its planner does not look at row
counts unless ANALYZE ran, so the plan does not depend on how much the test seeded), and
PostgreSQL's EXPLAIN with `enable_seqscan = off`, which proves the index is *usable* (with a
few rows the planner would rightly prefer reading the whole table). A case passes when the
plan names each expected index and reads no table of interest from end to end.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import invites, outbox, people
from bot.domain.actors import SYSTEM, Actor, actor_for, person_by_telegram, writer_of
from bot.domain.clock import Clock
from bot.domain.proposals import events, form, form_store, queries
from bot.ui import Incoming
from conversations.router import claim_and_read_writer, forget_old_updates
from storage.db import Database
from storage.models import Dialog, Person, ProcessedUpdate, Role
from tests.domain import factories as f


@dataclass
class Scene:
    """What the cases query: the seeded world, one submitted proposal, an invite, actors."""

    world: f.World
    proposal_id: int
    code: str
    invite_token: str
    actors: dict[str, Actor]


Run = Callable[[AsyncSession, Clock, Scene], Awaitable[Any]]


@dataclass(frozen=True)
class Case:
    name: str
    run: Run
    # Which of the recorded statements to explain: those containing this text.
    sql: str
    # Every one of these must appear in the plan ("a|b": either; names differ per database).
    indexes: tuple[str, ...]
    # Tables that must not be read end to end.
    tables: tuple[str, ...]
    # Plan lines that must not appear (regular expressions): an index that answers the query
    # but reads far too much of it.
    never: tuple[str, ...] = ()


# The claim ranks each candidate by its chat's most urgent lane; answered from the
# (status, priority) index instead of the chat's, that reads every open row per candidate
# (5 s for one claim with 10,000 announcements queued).
_CLAIM_BY_LANE_SCAN = (
    r"outbox_\d+ USING (COVERING )?INDEX ix_outbox_status|ix_outbox_status\w* on outbox outbox_\d+"
)


async def _actor(s: AsyncSession, _c: Clock, scene: Scene) -> None:
    await actor_for(s, await s.get_one(Person, scene.world.people["koordinator"]))


async def _claim(s: AsyncSession, c: Clock, _scene: Scene) -> None:
    await outbox.claim_due(s, c, limit=50, postgres=s.bind.dialect.name == "postgresql")


async def _claim_and_writer(s: AsyncSession, c: Clock, _scene: Scene) -> None:
    incoming = Incoming(update_id=424_242, user_id=101, chat_id=101)
    postgres = s.bind.dialect.name == "postgresql"
    await claim_and_read_writer(s, c, incoming, postgres=postgres, default_tz="Asia/Jakarta")


async def _person(s: AsyncSession, _c: Clock, _scene: Scene) -> None:
    await person_by_telegram(s, 101)


async def _consent(s: AsyncSession, _c: Clock, scene: Scene) -> None:
    await people.has_consent(s, await s.get_one(Person, scene.world.people["koordinator"]))


def _as(who: str, query: Callable[..., Awaitable[Any]]) -> Run:
    async def run(s: AsyncSession, _c: Clock, scene: Scene) -> None:
        await query(s, scene.actors[who])

    return run


PROPOSAL_PARTNER = "ix_proposal_partner_proposal_id|sqlite_autoindex_proposal_partner_1|proposal_partner_proposal_id_mitra_id_key"
ROLE_GRANT = "ix_role_grant_person_id|sqlite_autoindex_role_grant_1|role_grant_person_id_role_kota_id_bkm_id_mitra_id_key"

CASES = [
    Case("person by telegram id", _person, "FROM person", ("sqlite_autoindex_person_1|person_telegram_id_key",), ("person",)),
    Case("roles of a person", _actor, "FROM role_grant", (ROLE_GRANT,), ("role_grant", "bkm", "kota", "mitra")),
    Case("dialog by user", lambda s, _c, _x: s.get(Dialog, 101), "FROM dialog", ("sqlite_autoindex_dialog_1|dialog_pkey",), ("dialog",)),
    Case("who wrote an update", lambda s, _c, _x: writer_of(s, 101, "Asia/Jakarta"), "FROM person", ("sqlite_autoindex_person_1|person_telegram_id_key", "sqlite_autoindex_dialog_1|dialog_pkey", ROLE_GRANT), ("person", "dialog", "role_grant", "bkm", "kota", "mitra")),
    # PostgreSQL claims the update in the same statement (a WITH that inserts); SQLite sends the
    # two statements, and the case explains the second.
    Case("an update claimed, and who wrote it", _claim_and_writer, "JOIN dialog", ("sqlite_autoindex_person_1|person_telegram_id_key", "sqlite_autoindex_dialog_1|dialog_pkey", ROLE_GRANT), ("person", "dialog", "role_grant", "bkm", "kota", "mitra")),
    Case("consent of a person", _consent, "FROM consent", ("ix_consent_person_id",), ("consent",)),
    Case("update ids forgotten", lambda s, c, _x: forget_old_updates(s, c), "DELETE FROM processed_update", ("ix_processed_update_at",), ("processed_update",)),
    Case("outbox claim", _claim, "FROM outbox", ("ix_outbox_status_priority_next_attempt_at", "ix_outbox_chat_id_status_priority"), ("outbox",), (_CLAIM_BY_LANE_SCAN,)),
    Case("outbox of a blocked chat", lambda s, c, _x: outbox.mark_unreachable(s, c, 999, "blocked"), "UPDATE outbox", ("ix_outbox_chat_id_status_priority",), ("outbox",)),
    Case("invite by token", lambda s, c, x: invites.valid_invite(s, c, x.invite_token), "FROM invite", ("sqlite_autoindex_invite_1|invite_token_key",), ("invite",)),
    Case("proposal by code", lambda s, _c, x: queries.get_view(s, x.actors["koordinator"], x.code), "WHERE proposal.code", ("sqlite_autoindex_proposal_1|proposal_code_key",), ("proposal",)),
    Case("partners of a proposal", lambda s, _c, x: queries.get_view(s, x.actors["koordinator"], x.code), "FROM proposal_partner", (PROPOSAL_PARTNER,), ("proposal_partner",)),
    Case("timeline of a proposal", lambda s, _c, x: queries.get_view(s, x.actors["koordinator"], x.code), "FROM proposal_event", ("ix_proposal_event_proposal_id",), ("proposal_event",)),
    Case("answered lists of a form", lambda s, _c, x: form_store.filled_lists(s, x.proposal_id), "EXISTS", (PROPOSAL_PARTNER, "ix_proposal_attachment_proposal_id"), ("proposal_partner", "proposal_attachment")),
    Case("attachments of a proposal", lambda s, _c, x: queries.get_view(s, x.actors["koordinator"], x.code), "FROM proposal_attachment", ("ix_proposal_attachment_proposal_id",), ("proposal_attachment",)),
    Case("audit of a proposal", lambda s, _c, x: events.audit_rows(s, x.proposal_id, "proposal.submit"), "FROM audit_log", ("ix_audit_log_entity_entity_id",), ("audit_log",)),
    Case("/status of a koordinator", _as("koordinator", queries.visible_proposals), "FROM proposal", ("ix_proposal_bkm_id",), ("proposal",)),
    Case("/status of an anggota", _as("anggota", queries.visible_proposals), "FROM proposal", ("ix_proposal_bkm_id",), ("proposal",)),
    Case("/status of a fasilitator", _as("fasilitator", queries.visible_proposals), "FROM proposal", ("ix_proposal_kota_id_status",), ("proposal",)),
    Case("/tinjau queue of a fasilitator", _as("fasilitator", queries.review_queue), "FROM proposal", ("ix_proposal_kota_id_status",), ("proposal",)),
    Case("queue of a mitra", _as("mitra", queries.mitra_queue), "FROM proposal", ("ix_proposal_status|ix_proposal_partner_mitra_id",), ("proposal", "proposal_partner")),
    Case("/status of a mitra", _as("mitra", queries.visible_proposals), "FROM proposal", ("ix_proposal_partner_mitra_id",), ("proposal",)),
    Case("open draft of an author", lambda s, c, x: form.start_or_resume_draft(s, c, x.actors["anggota"]), "FROM proposal", ("uq_proposal_open_draft",), ("proposal",)),
]  # fmt: skip


async def _scene(db: Database, clock: Clock) -> Scene:
    world = await f.seed(db, clock)
    proposal_id, code = await f.submitted(db, clock, world)
    async with db.transaction() as s:
        token = (await invites.create_invite(s, clock, SYSTEM, role=Role.WARGA)).token
        koordinator = await s.get_one(Person, world.people["koordinator"])
        for _ in range(3):
            outbox.enqueue(s, clock, koordinator, kind="test", text="halo")
        s.add(ProcessedUpdate(update_id=1, at=clock.now()))
    actors = {who: await f.actor(db, world, who) for who in ("koordinator", "anggota", "fasilitator", "mitra")}  # fmt: skip
    return Scene(world, proposal_id, code, token, actors)


async def _statements(
    db: Database, clock: Clock, scene: Scene, case: Case
) -> list[tuple[str, Any]]:
    """The statements `case.run` sends that contain `case.sql` (one-row ones, not batches)."""
    seen: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, _context, executemany):  # type: ignore[no-untyped-def]
        if not executemany and case.sql in statement and not statement.startswith("INSERT"):
            seen.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        async with db.transaction() as s:
            await case.run(s, clock, scene)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
    assert seen, f"{case.name}: no statement containing {case.sql!r} was sent"
    return seen


async def _plan(db: Database, statement: str, parameters: Any) -> list[str]:
    async with db.engine.connect() as conn:
        if db.is_postgres:
            await conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            rows = await conn.exec_driver_sql("EXPLAIN " + statement, parameters)
        else:
            rows = await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        plan = [str(row[-1]) for row in rows.all()]
        await conn.rollback()
    return plan


def _uses(plan: list[str], index: str, postgres: bool) -> bool:
    for name in index.split("|"):
        if postgres:
            pattern = (
                rf"(Index Scan|Index Only Scan|Bitmap Index Scan)( Backward)? (using|on) {name}\b"
            )
        else:
            pattern = rf"USING (COVERING )?INDEX {name}\b"
        if any(re.search(pattern, line) for line in plan):
            return True
    return False


def _full_scans(plan: list[str], tables: tuple[str, ...], postgres: bool) -> list[str]:
    if postgres:
        return [line for line in plan for t in tables if re.search(rf"Seq Scan on {t}\b", line)]
    # "SCAN proposal" alone or "SCAN proposal USING ... INDEX": both read every row.
    return [line for line in plan for t in tables if re.match(rf"\s*SCAN {t}\b", line)]


async def _check(db: Database, clock: Clock, case: Case) -> None:
    scene = await _scene(db, clock)
    for statement, parameters in await _statements(db, clock, scene, case):
        plan = await _plan(db, statement, parameters)
        shown = "\n    ".join([" ".join(statement.split())[:300], *plan])
        for index in case.indexes:
            assert _uses(plan, index, db.is_postgres), (
                f"{case.name}: {index} not used:\n    {shown}"
            )
        scans = _full_scans(plan, case.tables, db.is_postgres)
        assert not scans, f"{case.name}: reads a whole table:\n    {shown}"
        for pattern in case.never:
            assert not any(re.search(pattern, line) for line in plan), (
                f"{case.name}: reads too much ({pattern}):\n    {shown}"
            )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_hot_query_uses_an_index(db: Database, clock: Clock, case: Case):
    await _check(db, clock, case)
