"""Reminders before a meeting: rows (meeting, offset, due_at, status), each enqueued exactly once.

    create_for(...)             when a meeting is scheduled: one row per offset still ahead
    follow_reschedule(...)      a new start: every reminder recomputed, none for the old time
    cancel_for(...)             a cancelled meeting: pending reminders cancelled
    enqueue_due_reminders(...)  the scheduler's job, every few seconds

`enqueue_due_reminders` claims due reminders (`FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite
every transaction already holds the one write lock), writes one outbox row and one
`reminder_delivery` row per invitee in the same transaction, and marks the reminder done. The
delivery row is unique per (reminder, person), so even a second claimer that slipped through
would fail and roll back rather than remind anyone twice. People who answered Berhalangan get
none. A reminder found after its meeting has begun is recorded as missed; one found late but
before the start goes out at once and says it is late.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import outbox
from bot.domain.clock import Clock
from bot.domain.meetings import access, notify
from bot.domain.meetings.invitations import reminder_text, rsvp_buttons
from bot.domain.quiet_hours import QuietHours
from storage.meeting_models import (
    Meeting,
    MeetingReminder,
    MeetingStatus,
    ReminderDelivery,
    ReminderStatus,
)
from storage.models import Outbox

# A reminder enqueued this long after its due time says that it comes late.
LATE_AFTER = timedelta(minutes=5)
BATCH = 20


async def create_for(
    session: AsyncSession, clock: Clock, meeting: Meeting, offsets: Sequence[int]
) -> None:
    """One reminder per offset; one whose time has already passed is recorded as skipped."""
    assert meeting.id is not None and meeting.starts_at is not None
    for offset in offsets:
        due_at = meeting.starts_at - timedelta(minutes=offset)
        status = ReminderStatus.PENDING if due_at > clock.now() else ReminderStatus.SKIPPED
        session.add(
            MeetingReminder(
                meeting_id=meeting.id, offset_minutes=offset, due_at=due_at, status=status.value
            )
        )


async def _reminders(session: AsyncSession, meeting_id: int | None) -> list[MeetingReminder]:
    stmt = select(MeetingReminder).where(MeetingReminder.meeting_id == meeting_id)
    return list((await session.exec(stmt.order_by(col(MeetingReminder.id)))).all())


async def follow_reschedule(session: AsyncSession, clock: Clock, meeting: Meeting) -> None:
    """Recompute every reminder for the new start and forget who got it for the old one.

    The caller drops the meeting's unsent outbox rows first (`notify.drop_unsent`).
    """
    assert meeting.starts_at is not None
    rows = await _reminders(session, meeting.id)
    await session.exec(  # type: ignore[call-overload]
        delete(ReminderDelivery).where(col(ReminderDelivery.reminder_id).in_([r.id for r in rows]))
    )
    for reminder in rows:
        if reminder.status == ReminderStatus.CANCELLED.value:
            continue
        reminder.due_at = meeting.starts_at - timedelta(minutes=reminder.offset_minutes)
        ahead = reminder.due_at > clock.now()
        reminder.status = (ReminderStatus.PENDING if ahead else ReminderStatus.SKIPPED).value
        reminder.done_at = None
        session.add(reminder)


async def cancel_for(session: AsyncSession, meeting: Meeting) -> None:
    """The meeting is cancelled: its reminders still waiting will never go."""
    await session.exec(  # type: ignore[call-overload]
        update(MeetingReminder)
        .where(
            col(MeetingReminder.meeting_id) == meeting.id,
            col(MeetingReminder.status) == ReminderStatus.PENDING.value,
        )
        .values(status=ReminderStatus.CANCELLED.value)
    )


@dataclass(frozen=True)
class ReminderRun:
    """What one call did: reminders done (with the outbox rows they wrote) and missed."""

    done: int = 0
    missed: int = 0
    queued: int = 0

    def __add__(self, other: ReminderRun) -> ReminderRun:
        return ReminderRun(
            self.done + other.done, self.missed + other.missed, self.queued + other.queued
        )


async def enqueue_due_reminders(
    session: AsyncSession,
    clock: Clock,
    *,
    postgres: bool,
    quiet_hours: QuietHours,
    limit: int = BATCH,
) -> ReminderRun:
    """Claim up to `limit` due reminders and queue each for its invitees, exactly once."""
    stmt = (
        select(MeetingReminder)
        .where(
            col(MeetingReminder.status) == ReminderStatus.PENDING.value,
            col(MeetingReminder.due_at) <= clock.now(),
        )
        .order_by(col(MeetingReminder.due_at), col(MeetingReminder.id))
        .limit(limit)
    )
    if postgres:
        stmt = stmt.with_for_update(skip_locked=True)
    run = ReminderRun()
    for reminder in (await session.exec(stmt)).all():
        run += await _handle(session, clock, reminder, quiet_hours)
    return run


async def _handle(
    session: AsyncSession, clock: Clock, reminder: MeetingReminder, quiet_hours: QuietHours
) -> ReminderRun:
    now = clock.now()
    meeting = await session.get_one(Meeting, reminder.meeting_id)
    reminder.done_at = now
    session.add(reminder)
    if meeting.status != MeetingStatus.SCHEDULED.value:
        reminder.status = ReminderStatus.CANCELLED.value
        return ReminderRun()
    if meeting.starts_at is None or meeting.starts_at <= now:
        reminder.status = ReminderStatus.MISSED.value
        return ReminderRun(missed=1)
    assert reminder.due_at is not None
    late = now - reminder.due_at > LATE_AFTER
    queued = await _write(session, clock, meeting, reminder, late, quiet_hours)
    reminder.status = ReminderStatus.DONE.value
    return ReminderRun(done=1, queued=queued)


async def _write(
    session: AsyncSession,
    clock: Clock,
    meeting: Meeting,
    reminder: MeetingReminder,
    late: bool,
    quiet_hours: QuietHours,
) -> int:
    """One outbox row and one delivery row per invitee who did not decline."""
    info = await notify.info_of(session, meeting)
    written: list[tuple[int, Outbox | None]] = []
    for r in await access.recipients(session, meeting, skip_declined=True):
        assert r.person.id is not None
        row = outbox.enqueue(
            session, clock, r.person, kind=notify.REMINDER,
            text=reminder_text(r.tr, info, late=late, rsvp=r.invitee.rsvp),
            buttons=rsvp_buttons(r.tr, info.id), topic=access.topic(meeting.id),
            not_before=notify.not_before(clock, r.tr, quiet_hours, meeting),
        )  # fmt: skip
        written.append((r.person.id, row))
    await session.flush()  # the outbox ids
    assert reminder.id is not None
    for person_id, row in written:
        session.add(
            ReminderDelivery(
                reminder_id=reminder.id, person_id=person_id,
                outbox_id=row.id if row else None, created_at=clock.now(),
            )
        )  # fmt: skip
    await session.flush()
    return sum(row is not None for _, row in written)
