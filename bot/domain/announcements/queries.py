"""Progress and reports, read from the announcement's outbox rows (by topic) and its acks."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.actors import Actor
from bot.domain.announcements import frame
from bot.domain.announcements.frame import STOPPED_ERROR
from bot.domain.clock import Clock
from storage.announcement_models import Announcement, AnnouncementAck, AnnouncementStatus
from storage.models import Bkm, Outbox, OutboxStatus, Person, Role, RoleGrant

LIST_LENGTH = 10
OPEN = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)


@dataclass(frozen=True)
class Unreachable:
    """Someone it could not reach (blocked the bot, deleted the account, or kept failing)."""

    name: str
    bkms: tuple[str, ...]


@dataclass(frozen=True)
class Progress:
    announcement: Announcement
    sent: int = 0
    failed: int = 0  # unreachable: blocked, deleted, or gave up after retries
    stopped: int = 0  # dropped because the author stopped it
    pending: int = 0
    acks: int = 0
    unreachable: tuple[Unreachable, ...] = field(default_factory=tuple)

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.stopped + self.pending

    @property
    def done(self) -> bool:
        return self.announcement.status != AnnouncementStatus.SENDING.value or not self.pending


def eta(count: int, send_rate: float) -> timedelta:
    """How long `count` messages take at `send_rate` messages a second (whole seconds, up)."""
    return timedelta(seconds=math.ceil(count / send_rate) if send_rate > 0 else 0)


async def progress(session: AsyncSession, clock: Clock, announcement: Announcement) -> Progress:
    """The counts now; a sending announcement with nothing left becomes "terkirim"."""
    stmt = select(Outbox.status, Outbox.error, Outbox.person_id).where(
        Outbox.topic == frame.topic(announcement.id)
    )
    rows = (await session.exec(stmt)).all()
    sent = sum(status == OutboxStatus.SENT.value for status, _, _ in rows)
    pending = sum(status in OPEN for status, _, _ in rows)
    stopped = sum(error == STOPPED_ERROR for status, error, _ in rows if status not in OPEN)
    lost = [pid for status, error, pid in rows if _lost(status, error) and pid is not None]
    acks_stmt = select(func.count()).where(AnnouncementAck.announcement_id == announcement.id)
    acks = (await session.exec(acks_stmt)).one()
    if announcement.status == AnnouncementStatus.SENDING.value and not pending:
        announcement.status, announcement.finished_at = AnnouncementStatus.SENT.value, clock.now()
        session.add(announcement)
    return Progress(
        announcement, sent=sent, failed=len(lost), stopped=stopped, pending=pending,
        acks=acks, unreachable=await _people(session, lost),
    )  # fmt: skip


def _lost(status: str, error: str | None) -> bool:
    failed = status == OutboxStatus.FAILED.value
    return failed or (status == OutboxStatus.DROPPED.value and error != STOPPED_ERROR)


async def _people(session: AsyncSession, person_ids: list[int]) -> tuple[Unreachable, ...]:
    """Names and BKMs, so a facilitator can visit or call."""
    if not person_ids:
        return ()
    people = (await session.exec(select(Person).where(col(Person.id).in_(person_ids)))).all()
    stmt = (
        select(RoleGrant.person_id, Bkm.name)
        .join(Bkm, col(Bkm.id) == col(RoleGrant.bkm_id))
        .where(col(RoleGrant.person_id).in_(person_ids))
        .order_by(col(Bkm.name))
    )
    bkms: dict[int, list[str]] = {}
    for pid, name in (await session.exec(stmt)).all():
        if name not in bkms.setdefault(pid, []):
            bkms[pid].append(name)
    return tuple(
        Unreachable(p.name, tuple(bkms.get(p.id or 0, ())))
        for p in sorted(people, key=lambda p: p.name)
    )


async def listing(session: AsyncSession, clock: Clock, actor: Actor) -> list[Progress]:
    """The latest announcements `actor` may manage (not drafts), newest first, with counts."""
    mine = col(Announcement.author_id) == actor.person_id
    if actor.is_admin:
        mine = col(Announcement.id).is_not(None)
    elif kotas := actor.kota_ids(Role.FASILITATOR):
        mine = mine | col(Announcement.kota_id).in_(kotas)
    stmt = (
        select(Announcement)
        .where(mine, Announcement.status != AnnouncementStatus.DRAFT.value)
        .order_by(col(Announcement.id).desc())
        .limit(LIST_LENGTH)
    )
    return [await progress(session, clock, a) for a in (await session.exec(stmt)).all()]
