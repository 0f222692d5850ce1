"""Two people (or two processes) doing the same thing at once: each use case must close its
read-modify-write with the database's own means, so the outcome is one that some order of the
two would give.

Each race runs two use cases on two `Database` objects (two pools, like two processes) with
`asyncio.gather`, each in its own transaction. The first does all its work and then keeps its
transaction open until the second has finished or waits for a lock, and only then commits: the
second therefore reads while the first is uncommitted, the widest window a real race has. On
SQLite the second waits for the first's write lock (BEGIN IMMEDIATE) before reading anything.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import invites, people, reachability
from bot.domain.actors import SYSTEM
from bot.domain.errors import DomainError, InvalidInput, InvalidTransition
from bot.domain.proposals import partners, review, submit
from bot.domain.proposals.submit import Submitted
from storage.db import Database
from storage.models import Bkm, Person, ProposalEvent, Role, RoleGrant
from tests.domain import factories as f

UseCase = Callable[[AsyncSession], Awaitable[Any]]
# How long the first transaction waits at most for the second to block or finish.
HOLD_SECONDS = 10


@pytest.fixture
async def db2(database_url: str) -> AsyncIterator[Database]:
    """A second store on the same database: another process, as far as locks go."""
    database = Database(database_url)
    yield database
    await database.dispose()


async def _outcome(use_case: UseCase, session: AsyncSession) -> Any:
    """The use case's result, or the domain error it answered with (the chat layer shows it
    and still commits, so whatever the use case wrote before refusing is kept)."""
    try:
        return await use_case(session)
    except DomainError as error:
        return error


async def _until_second_waits(db: Database, second: asyncio.Future[Any]) -> None:
    """Return once `second` has finished or stands waiting for a lock this transaction holds."""
    if not db.is_postgres:
        # It waits in BEGIN IMMEDIATE for our write lock, before reading anything.
        await asyncio.wait({second}, timeout=0.1)
        return
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    async with db.engine.connect() as conn:
        for _ in range(HOLD_SECONDS * 100):
            found = await conn.scalar(waiting)
            await conn.rollback()  # pg_stat_activity is a snapshot kept until the transaction ends
            if found or second.done():
                return
            await asyncio.sleep(0.01)


async def race(one: Database, first: UseCase, two: Database, second: UseCase) -> list[Any]:
    """Run `first` on `one` and `second` on `two` at once; the first commits last possible."""
    first_worked = asyncio.Event()

    async def run_second() -> Any:
        await first_worked.wait()
        async with two.transaction() as session:
            return await _outcome(second, session)

    second_task = asyncio.ensure_future(run_second())

    async def run_first() -> Any:
        async with one.transaction() as session:
            try:
                return await _outcome(first, session)
            finally:
                first_worked.set()
                await _until_second_waits(one, second_task)

    return list(await asyncio.gather(run_first(), second_task))


def _refusals(results: list[Any]) -> list[DomainError]:
    return [r for r in results if isinstance(r, DomainError)]


async def _timeline(db: Database, proposal_id: int) -> list[tuple[str | None, str]]:
    async with db.transaction() as s:
        stmt = (
            select(ProposalEvent)
            .where(ProposalEvent.proposal_id == proposal_id)
            .order_by(col(ProposalEvent.id))
        )
        return [(e.from_status, e.to_status) for e in (await s.exec(stmt)).all()]


# --- invites ----------------------------------------------------------------------------------


async def _invite(db: Database, clock, world: f.World, *, max_uses: int) -> str:
    async with db.transaction() as s:
        bkm = await s.get_one(Bkm, world.bkm)
        invite = await invites.create_invite(
            s, clock, SYSTEM, role=Role.ANGGOTA, bkm=bkm, max_uses=max_uses
        )
        return invite.token


def _redeem(clock, token: str, telegram_id: int) -> UseCase:
    async def use_case(s: AsyncSession) -> Any:
        return await people.register_with_invite(
            s, clock, telegram_id=telegram_id, name=f"Warga {telegram_id}", language_code="id",
            token=token, notice_version="v1",
        )  # fmt: skip

    return use_case


async def _holding_the_role(db: Database, world: f.World, telegram_ids: list[int]) -> list[int]:
    """Which of `telegram_ids` hold the anggota role of the BKM the invites are for."""
    async with db.transaction() as s:
        stmt = (
            select(Person.telegram_id)
            .join(RoleGrant, col(RoleGrant.person_id) == col(Person.id))
            .where(
                col(Person.telegram_id).in_(telegram_ids),
                RoleGrant.role == Role.ANGGOTA.value,
                RoleGrant.bkm_id == world.bkm,
            )
        )
        return sorted(t for t in (await s.exec(stmt)).all() if t is not None)


async def test_a_single_use_invite_opened_by_two_at_once_grants_one_role(db, db2, clock):
    world = await f.seed(db, clock)
    token = await _invite(db, clock, world, max_uses=1)
    results = await race(db, _redeem(clock, token, 901), db2, _redeem(clock, token, 902))
    [refusal] = _refusals(results)
    assert isinstance(refusal, InvalidInput) and "sudah dipakai" in f.said(refusal)
    assert await _holding_the_role(db, world, [901, 902]) == [901]
    async with db.transaction() as s:  # the loser was not even registered half-way
        assert (await s.exec(select(Person).where(Person.telegram_id == 902))).first() is None


async def test_a_two_use_invite_opened_by_two_at_once_counts_both_uses(db, db2, clock):
    world = await f.seed(db, clock)
    token = await _invite(db, clock, world, max_uses=2)
    results = await race(db, _redeem(clock, token, 901), db2, _redeem(clock, token, 902))
    assert _refusals(results) == []
    async with db.transaction() as s:  # a third person finds it used up
        with pytest.raises(InvalidInput, match="sudah dipakai"):
            await _redeem(clock, token, 903)(s)
    assert await _holding_the_role(db, world, [901, 902, 903]) == [901, 902]


# --- submitting, resubmitting, withdrawing ------------------------------------------------------


def _as(actor, fn, proposal_id: int, clock, **kw: Any) -> UseCase:
    async def use_case(s: AsyncSession) -> Any:
        return await fn(s, clock, actor, proposal_id, **kw)

    return use_case


async def test_one_draft_submitted_twice_at_once_tells_both_the_stored_code(db, db2, clock):
    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world, "anggota")
    one = await f.actor(db, world, "koordinator")
    other = await f.actor(db, world, "koordinator2")
    results = await race(
        db, _as(one, submit.submit, pid, clock), db2, _as(other, submit.submit, pid, clock)
    )
    stored = await f.load(db, pid)
    assert stored.code == "PKT-2026-0001" and stored.status == "diajukan"
    assert sorted(r.result for r in results) == [Submitted.ALREADY, Submitted.SUBMITTED]
    assert [r.code for r in results] == [stored.code, stored.code]
    assert await _timeline(db, pid) == [(None, "draf"), ("draf", "diajukan")]


async def _sent_back(db: Database, clock, world: f.World) -> int:
    pid, _ = await f.submitted(db, clock, world)
    fasilitator = await f.actor(db, world, "fasilitator")
    async with db.transaction() as s:
        await review.request_revision(
            s, clock, fasilitator, pid, note="Mohon lampirkan RAB lengkap"
        )
    return pid


async def test_a_revised_proposal_resubmitted_twice_at_once_is_one_new_version(db, db2, clock):
    world = await f.seed(db, clock)
    pid = await _sent_back(db, clock, world)
    one = await f.actor(db, world, "koordinator")
    other = await f.actor(db, world, "koordinator2")
    results = await race(
        db, _as(one, submit.resubmit, pid, clock), db2, _as(other, submit.resubmit, pid, clock)
    )
    assert sorted(r.result for r in results) == [Submitted.ALREADY, Submitted.SUBMITTED]
    stored = await f.load(db, pid)
    assert (stored.status, stored.version) == ("diajukan", 2)
    assert (await _timeline(db, pid))[-2:] == [
        ("diajukan", "perlu_perbaikan"),
        ("perlu_perbaikan", "diajukan"),
    ]


async def test_a_withdrawal_racing_a_check_leaves_it_withdrawn(db, db2, clock):
    world = await f.seed(db, clock)
    pid, _ = await f.submitted(db, clock, world)
    koordinator = await f.actor(db, world, "koordinator")
    fasilitator = await f.actor(db, world, "fasilitator")
    results = await race(
        db,
        _as(koordinator, submit.withdraw, pid, clock, reason="Sudah didanai APBD"),
        db2,
        _as(fasilitator, review.check, pid, clock),
    )
    [refusal] = _refusals(results)
    assert isinstance(refusal, InvalidTransition)
    assert (await f.load(db, pid)).status == "dibatalkan"
    assert (await _timeline(db, pid))[1:] == [("draf", "diajukan"), ("diajukan", "dibatalkan")]


# --- the fasilitator's and the mitra's answers ------------------------------------------------


async def _in_review(db: Database, clock, world: f.World) -> int:
    pid, _ = await f.submitted(db, clock, world)
    fasilitator = await f.actor(db, world, "fasilitator")
    for action in (review.check, review.complete):
        async with db.transaction() as s:
            await action(s, clock, fasilitator, pid)
    return pid


async def _approved(db: Database, clock, world: f.World, amount: int) -> int:
    pid = await _in_review(db, clock, world)
    async with db.transaction() as s:
        await review.approve(s, clock, await f.actor(db, world, "sekretaris"), pid, amount=amount)
    return pid


async def test_an_approval_racing_a_withdrawal_stands(db, db2, clock):
    world = await f.seed(db, clock)
    pid = await _in_review(db, clock, world)
    sekretaris = await f.actor(db, world, "sekretaris")
    koordinator = await f.actor(db, world, "koordinator")
    results = await race(
        db,
        _as(sekretaris, review.approve, pid, clock, amount=10_000_000),
        db2,
        _as(koordinator, submit.withdraw, pid, clock, reason="Sudah didanai APBD"),
    )
    [refusal] = _refusals(results)
    assert isinstance(refusal, InvalidTransition)
    assert (await f.load(db, pid)).status == "disetujui"
    assert (await _timeline(db, pid))[-1:] == [("ditinjau", "disetujui")]


async def _tranches(db: Database, proposal_id: int) -> list[int | None]:
    async with db.transaction() as s:
        stmt = (
            select(ProposalEvent)
            .where(
                ProposalEvent.proposal_id == proposal_id,
                col(ProposalEvent.from_status).is_not(None),
            )
            .order_by(col(ProposalEvent.id))
        )
        events = (await s.exec(stmt)).all()
    return [e.amount for e in events if e.to_status == "dana_cair"]


@pytest.mark.parametrize("second_amount", [4_000_000, 6_000_000], ids=["same", "different"])
async def test_one_tranche_recorded_twice_at_once_is_recorded_once(db, db2, clock, second_amount):
    world = await f.seed(db, clock)
    pid = await _approved(db, clock, world, 10_000_000)
    fasilitator = await f.actor(db, world, "fasilitator")
    results = await race(
        db,
        _as(fasilitator, review.disburse, pid, clock, amount=4_000_000, tranche=1),
        db2,
        _as(fasilitator, review.disburse, pid, clock, amount=second_amount, tranche=1),
    )
    recorded = [r for r in results if not isinstance(r, DomainError) and r.changed]
    assert len(recorded) == 1
    if second_amount != 4_000_000:
        [refusal] = _refusals(results)
        assert isinstance(refusal, InvalidTransition) and "Tahap 1" in f.said(refusal)
    assert await _tranches(db, pid) == [4_000_000]
    assert (await f.load(db, pid)).disbursed_amount == 4_000_000


async def test_two_tranches_recorded_at_once_add_up(db, db2, clock):
    world = await f.seed(db, clock)
    pid = await _approved(db, clock, world, 10_000_000)
    fasilitator = await f.actor(db, world, "fasilitator")
    results = await race(
        db,
        _as(fasilitator, review.disburse, pid, clock, amount=4_000_000, tranche=1),
        db2,
        _as(fasilitator, review.disburse, pid, clock, amount=5_000_000, tranche=2),
    )
    assert _refusals(results) == [] and all(r.changed for r in results)
    assert await _tranches(db, pid) == [4_000_000, 5_000_000]
    assert (await f.load(db, pid)).disbursed_amount == 9_000_000


async def test_a_mitra_answer_sent_twice_at_once_is_recorded_and_told_once(db, db2, clock):
    world = await f.seed(db, clock)
    pid = await _in_review(db, clock, world)
    await f.clear_outbox(db)
    mitra = await f.actor(db, world, "mitra")
    pledge = _as(mitra, partners.answer_as_mitra, pid, clock, pledge=3_000_000, decline_reason=None)
    results = await race(db, pledge, db2, pledge)
    assert sorted(r.changed for r in results) == [False, True]
    async with db.transaction() as s:
        stmt = select(func.count()).where(
            ProposalEvent.proposal_id == pid, ProposalEvent.amount == 3_000_000
        )
        assert (await s.exec(stmt)).one() == 1
    told = await f.outbox_rows(db)
    assert len(told) == len({row.person_id for row in told}) > 0


# --- people -----------------------------------------------------------------------------------


async def test_a_person_found_unreachable_twice_at_once_is_reported_once(db, db2, clock):
    world = await f.seed(db, clock)
    await f.clear_outbox(db)
    koordinator = 101  # telegram id; the fasilitator of Bandung follows up

    def blocked(s: AsyncSession) -> Awaitable[None]:
        return reachability.person_unreachable(s, clock, koordinator, "Forbidden: bot was blocked")

    await race(db, blocked, db2, blocked)
    told = await f.outbox_rows(db, kind="unreachable")
    assert [row.person_id for row in told] == [world.people["fasilitator"]]
    async with db.transaction() as s:
        person = await s.get_one(Person, world.people["koordinator"])
    assert person.unreachable_at is not None
