"""A fresh database for one run: BKMs, N registered members, a few proposals to list.

Everything goes through the domain's use cases (areas, people, the proposal form, submit,
review), as `bot/demo.py` and `bot/demo_data.py` do; only the outbox is emptied at the end,
so the bot does not open the run by sending the seeded proposals' notifications.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.demo_data import ROAD, TRAINING
from bot.domain import areas, people
from bot.domain.actors import SYSTEM, Actor, actor_for, person_by_telegram
from bot.domain.clock import Clock, SystemClock
from bot.domain.proposals import form, review, submit
from storage.db import Database, upgrade
from storage.models import Outbox, Role

FIRST_ID = 700_001  # telegram ids of the simulated people: FIRST_ID, FIRST_ID + 1, ...
FASILITATOR_ID = 690_001  # reviews the seeded proposals; never plays in the load
PER_BKM = 20  # members per BKM: the first of each is its koordinator
KOTA = "Bandung"


@dataclass(frozen=True)
class Member:
    """One seeded person the load plays: Telegram id, role, BKM."""

    telegram_id: int
    role: Role
    bkm: str


def members(count: int) -> list[Member]:
    """Who the load plays: koordinator and anggota spread over count / PER_BKM BKMs."""
    return [
        Member(
            FIRST_ID + i,
            Role.KOORDINATOR if i % PER_BKM == 0 else Role.ANGGOTA,
            f"BKM Bench {i // PER_BKM + 1:03d}",
        )
        for i in range(count)
    ]


async def fresh_database(folder: Path, count: int) -> tuple[str, list[Member]]:
    """Migrate a new SQLite file in `folder` and seed it; returns (DATABASE_URL, members)."""
    url = f"sqlite:///{folder / 'bench.db'}"
    await asyncio.to_thread(upgrade, url)  # Alembic runs its own event loop
    cast = members(count)
    await _seed(url, cast)
    return url, cast


async def _seed(url: str, cast: list[Member]) -> None:
    db, clock = Database(url), SystemClock()
    try:
        await _areas(db, clock, sorted({m.bkm for m in cast}))
        for start in range(0, len(cast), 50):  # short transactions, as the bot would have
            async with db.transaction() as s:
                for member in cast[start : start + 50]:
                    await _register(s, clock, member)
        for bkm in sorted({m.bkm for m in cast}):
            koordinator = next(m for m in cast if m.bkm == bkm and m.role == Role.KOORDINATOR)
            await _proposals(db, clock, koordinator.telegram_id)
        async with db.transaction() as s:
            await s.exec(delete(Outbox))  # type: ignore[call-overload]
    finally:
        await db.dispose()


async def _areas(db: Database, clock: Clock, bkms: list[str]) -> None:
    assessed = clock.now().date() - timedelta(days=60)
    async with db.transaction() as s:
        kota = await areas.add_kota(s, clock, SYSTEM, name=KOTA, timezone="Asia/Jakarta")
        for i, name in enumerate(bkms):
            await areas.add_bkm(
                s, clock, SYSTEM, name=name, kota=KOTA, kelurahan=f"Kelurahan {i + 1}",
                level="berdaya", assessed_on=assessed,
            )  # fmt: skip
        await areas.add_mitra(s, clock, SYSTEM, name="Dinas PUPR", kind="dinas", kota=KOTA)
        await people.grant_role(
            s, clock, SYSTEM, telegram_id=FASILITATOR_ID, role=Role.FASILITATOR, kota=kota
        )
        await _onboarded(s, clock, FASILITATOR_ID, "Fasilitator")


async def _register(s: AsyncSession, clock: Clock, member: Member) -> None:
    bkm = await areas.find_bkm(s, member.bkm)
    await people.grant_role(
        s, clock, SYSTEM, telegram_id=member.telegram_id, role=member.role, bkm=bkm
    )
    await _onboarded(s, clock, member.telegram_id, f"Warga {member.telegram_id}")


async def _onboarded(s: AsyncSession, clock: Clock, telegram_id: int, name: str) -> None:
    """Consent given, name and language set: the person went through onboarding before."""
    person = await person_by_telegram(s, telegram_id)
    assert person is not None
    notice = Settings.model_fields["privacy_notice_version"].default
    await people.give_consent(
        s, clock, person, name=name, language_code="id", notice_version=notice
    )
    await people.set_name(s, clock, person, name)
    await people.set_onboarding_step(s, person, None)


async def _proposals(db: Database, clock: Clock, koordinator: int) -> None:
    """Two submitted proposals per BKM, one of them approved: /status has a list to show."""
    start = clock.now().date() + timedelta(days=30)
    dates = {
        "jadwal_mulai": f"{start.day}/{start.month}/{start.year}",
        "jadwal_selesai": f"{(end := start + timedelta(days=60)).day}/{end.month}/{end.year}",
    }
    async with db.transaction() as s:
        author = await _actor(s, koordinator)
        reviewer = await _actor(s, FASILITATOR_ID)
        road = await _fill(s, clock, author, ROAD | dates)
        await submit.submit(s, clock, author, road)
        training = await _fill(s, clock, author, TRAINING | dates)
        await submit.submit(s, clock, author, training)
        await review.check(s, clock, reviewer, training)
        await review.complete(s, clock, reviewer, training)
        await review.approve(s, clock, reviewer, training, amount=7_500_000)


async def _actor(s: AsyncSession, telegram_id: int) -> Actor:
    person = await person_by_telegram(s, telegram_id)
    assert person is not None
    return await actor_for(s, person)


async def _fill(s: AsyncSession, clock: Clock, author: Actor, answers: Mapping[str, object]) -> int:
    """Answer every question of a new draft (skipping what `answers` leaves out)."""
    proposal = await form.start_or_resume_draft(s, clock, author)
    assert proposal.id is not None
    proposal_id = proposal.id
    mitra = [m.id for m in await areas.list_mitra(s, proposal.kota_id)]
    for _ in range(40):
        where = form.position(proposal)
        if where.step is None:
            return proposal_id
        name = where.step.name
        value = mitra if name == "mitra" else answers.get(name)
        if value is None:
            proposal = await form.skip_step(s, clock, author, proposal_id, step=name)
        else:
            proposal = await form.answer_step(s, clock, author, proposal_id, step=name, value=value)
    raise RuntimeError("the seeded form never reached its summary")
