"""The router on its own: one transaction per update, repeated updates ignored, errors mapped."""

from __future__ import annotations

import asyncio

from sqlmodel import func, select

from bot.domain import areas, invites, people
from bot.domain.actors import SYSTEM
from bot.ui import Incoming
from conversations.context import Services
from conversations.features import build_routes
from conversations.router import Router
from storage.db import Database
from storage.models import Invite, Person, ProcessedUpdate, Role
from tests.conftest import RECENT_ASSESSMENT


async def _koordinator(db, clock) -> None:
    async with db.transaction() as s:
        await areas.add_kota(s, clock, SYSTEM, name="Bandung")
        bkm = await areas.add_bkm(
            s,
            clock,
            SYSTEM,
            name="BKM A",
            kota="Bandung",
            kelurahan="A",
            level="berdaya",
            assessed_on=RECENT_ASSESSMENT,
        )
        token = (
            await invites.create_invite(s, clock, SYSTEM, role=Role.KOORDINATOR, bkm=bkm)
        ).token
        person, _ = await people.register_with_invite(
            s,
            clock,
            telegram_id=9,
            name="Koor",
            language_code="id",
            token=token,
            notice_version="v1",
        )
        person.onboarding_step = None


async def test_a_repeated_update_changes_nothing_and_answers_nothing(db, clock):
    await _koordinator(db, clock)
    router = Router(Services(db=db, clock=clock), build_routes())
    press = Incoming(
        update_id=500, user_id=9, chat_id=9, kind="callback", callback_data="inv:r:1:anggota"
    )
    first = await router.handle(press)
    again = await router.handle(press)
    assert "t.me/paket_bot?start=" in first.replies[0].text
    assert again.replies == [] and again.toast is None
    async with db.transaction() as s:
        assert (await s.exec(select(func.count()).select_from(Invite))).one() == 2  # seed + one


async def test_a_domain_error_rolls_back_but_remembers_the_update(db, clock):
    router = Router(Services(db=db, clock=clock), build_routes())
    start = Incoming(
        update_id=600, user_id=10, chat_id=10, kind="callback", callback_data="ob:yes:unknown"
    )
    response = await router.handle(start)
    assert "tidak dikenal" in response.replies[0].text
    async with db.transaction() as s:
        assert (await s.exec(select(func.count()).select_from(Person))).one() == 0
        assert await s.get(ProcessedUpdate, 600) is not None


async def test_update_ids_older_than_telegram_keeps_them_are_forgotten(db, clock):
    from conversations.router import forget_old_updates

    async with db.transaction() as s:
        s.add(ProcessedUpdate(update_id=1, at=clock.now()))
    clock.advance(hours=49)
    async with db.transaction() as s:
        s.add(ProcessedUpdate(update_id=2, at=clock.now()))
    async with db.transaction() as s:
        await forget_old_updates(s, clock)
    async with db.transaction() as s:
        assert await s.get(ProcessedUpdate, 1) is None
        assert await s.get(ProcessedUpdate, 2) is not None


async def test_one_update_in_two_processes_at_once_is_handled_by_one(database_url, clock):
    """Two bot processes (webhook behind a load balancer) get the same update together."""
    first, second = Database(database_url), Database(database_url)
    try:
        await _koordinator(first, clock)
        routers = [Router(Services(db=d, clock=clock), build_routes()) for d in (first, second)]
        press = Incoming(
            update_id=501, user_id=9, chat_id=9, kind="callback", callback_data="inv:r:1:anggota"
        )
        answers = await asyncio.gather(*(r.handle(press) for r in routers))
        assert sorted(bool(a.replies) for a in answers) == [False, True]
        async with first.transaction() as s:
            invites_made = (await s.exec(select(func.count()).select_from(Invite))).one()
        assert invites_made == 2  # the koordinator's own, plus the one this press made
    finally:
        await first.dispose()
        await second.dispose()
