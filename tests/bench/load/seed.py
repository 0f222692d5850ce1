"""A database for the load: BKMs, the members the load plays, a few proposals to list, and
(at scale) thousands of other people and proposals around them.

What the people play goes through the domain's use cases (areas, people, the proposal form,
submit, review), as `bot/demo.py` and `bot/demo_data.py` do; the outbox is emptied at the end,
so the bot does not open the run by sending the seeded proposals' notifications. The rest of
the `Scale` (10,000 people and 50,000 proposals by default) is bulk-inserted as copies of those
rows (`_bulk`: executemany in batches, no domain calls), in BKMs of their own for the people
and spread over every BKM for the proposals, so the players' lists are long too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.demo_data import ROAD, TRAINING
from bot.demo_data import _fill as fill_form  # answers every question the form asks
from bot.domain import areas, people
from bot.domain.actors import SYSTEM, Actor, actor_for, person_by_telegram
from bot.domain.clock import Clock, SystemClock
from bot.domain.proposals import decision, review, submit
from storage.db import Database, upgrade
from storage.models import Bkm, Outbox, Person, Proposal, Role, RoleGrant

FIRST_ID = 700_001  # telegram ids of the simulated people: FIRST_ID, FIRST_ID + 1, ...
FASILITATOR_ID = 690_001  # reviews the seeded proposals; never plays in the load
PER_BKM = 20  # members per BKM: the first of each is its koordinator
KOTA = "Bandung"
FILLER_ID = 2_000_001  # telegram ids of the bulk-inserted people, who never write
BATCH = 2_000  # rows per executemany


@dataclass(frozen=True)
class Scale:
    """How large the database is around the players: everyone registered, every proposal."""

    people: int = 10_000  # the players included
    proposals: int = 50_000  # the players' BKMs' two each included


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
    """Migrate a new SQLite file in `folder` and seed only the players; (DATABASE_URL, members)."""
    url = f"sqlite:///{folder / 'bench.db'}"
    return url, await build(url, count, Scale(people=0, proposals=0))


async def build(url: str, count: int, scale: Scale) -> list[Member]:
    """Migrate the (empty) database at `url`, seed `count` players, then fill up to `scale`."""
    await asyncio.to_thread(upgrade, url)  # Alembic runs its own event loop
    cast = members(count)
    await _seed(url, cast)
    if scale.people > count or scale.proposals > 0:
        db = Database(url)
        try:
            await _bulk(db, count, scale)
        finally:
            await db.dispose()
    return cast


async def _bulk(db: Database, players: int, scale: Scale) -> None:
    """Copies of a seeded BKM, person, grant and proposal, inserted many at a time."""
    bkm_t, person_t, grant_t = Bkm.__table__, Person.__table__, RoleGrant.__table__  # type: ignore[attr-defined]
    proposal_t = Proposal.__table__  # type: ignore[attr-defined]
    async with db.engine.begin() as c:
        bkm = dict((await c.execute(select(bkm_t).limit(1))).mappings().one())
        person = dict(
            (await c.execute(select(person_t).where(person_t.c.telegram_id == FIRST_ID)))
            .mappings()
            .one()
        )
        grant = dict(
            (await c.execute(select(grant_t).where(grant_t.c.person_id == person["id"])))
            .mappings()
            .one()
        )
        found = await c.execute(
            select(proposal_t).where(proposal_t.c.code.is_not(None)).order_by(proposal_t.c.id)
        )
        templates = [dict(row) for row in found.mappings()][:2]
        existing = (
            len(templates)
            and (await c.execute(select(func.count()).select_from(proposal_t))).scalar_one()
        )
        bkm_count = (await c.execute(select(func.count()).select_from(bkm_t))).scalar_one()
        fillers = max(0, scale.people - players)
        new_bkms = -(-fillers // PER_BKM)
        await _insert(c, bkm_t, [
            {**_without_id(bkm), "name": f"BKM Bench {bkm_count + 1 + i:03d}"}
            for i in range(new_bkms)
        ])  # fmt: skip
        bkm_ids = list((await c.execute(select(bkm_t.c.id).order_by(bkm_t.c.id))).scalars().all())
        await _insert(c, person_t, [
            {**_without_id(person), "telegram_id": FILLER_ID + i, "name": f"Warga {FILLER_ID + i}"}
            for i in range(fillers)
        ])  # fmt: skip
        ids = (
            (
                await c.execute(
                    select(person_t.c.id)
                    .where(person_t.c.telegram_id >= FILLER_ID)
                    .order_by(person_t.c.telegram_id)
                )
            )
            .scalars()
            .all()
        )
        authors = dict(
            (
                await c.execute(
                    select(grant_t.c.bkm_id, grant_t.c.person_id).where(
                        grant_t.c.role == Role.KOORDINATOR.value
                    )
                )
            ).all()
        )
        grants = []
        for i, person_id in enumerate(ids):
            role = Role.KOORDINATOR if i % PER_BKM == 0 else Role.ANGGOTA
            bkm_id = bkm_ids[bkm_count + i // PER_BKM]
            grants.append({**_without_id(grant), "person_id": person_id, "role": role.value,
                           "bkm_id": bkm_id})  # fmt: skip
            if role == Role.KOORDINATOR:
                authors[bkm_id] = person_id
        await _insert(c, grant_t, grants)
        if not templates:
            return
        proposals = []
        for n in range(max(0, scale.proposals - existing)):
            bkm_id = bkm_ids[n % len(bkm_ids)]
            proposals.append({
                **_without_id(templates[n % len(templates)]),
                "code": f"PKT-{2000 + n // 10_000}-{n % 10_000:04d}",
                "bkm_id": bkm_id,
                "author_id": authors.get(bkm_id),
                "judul": f"Usulan lama {n}",
            })  # fmt: skip
        await _insert(c, proposal_t, proposals)


def _without_id(row: Mapping[str, object]) -> dict[str, object]:
    return {k: v for k, v in row.items() if k != "id"}


async def _insert(c: AsyncConnection, table: Table, rows: list[dict[str, object]]) -> None:
    """executemany in batches."""
    for start in range(0, len(rows), BATCH):
        await c.execute(insert(table), rows[start : start + BATCH])


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
        # Also the secretary of the kota's committee: records the decisions (as in the demo).
        await people.grant_role(
            s, clock, SYSTEM, telegram_id=FASILITATOR_ID, role=Role.SEKRETARIS, kota=kota
        )


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
        road = await fill_form(s, clock, author, ROAD | dates)
        await submit.submit(s, clock, author, road)
        training = await fill_form(s, clock, author, TRAINING | dates)
        await submit.submit(s, clock, author, training)
        await review.check(s, clock, reviewer, training)
        await review.complete(s, clock, reviewer, training)
        await decision.approve(s, clock, reviewer, training, amount=7_500_000)


async def _actor(s: AsyncSession, telegram_id: int) -> Actor:
    person = await person_by_telegram(s, telegram_id)
    assert person is not None
    return await actor_for(s, person)
