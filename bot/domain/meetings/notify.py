"""Every message a meeting sends unprompted, queued in the outbox in the causing transaction.

Each invitee reads it in their own language and zone; nothing goes out in their quiet hours
unless it would then come only after the meeting has begun. Rows carry the topic
"meeting:<id>", so a reschedule or a cancellation can drop what is still unsent.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import outbox
from bot.domain.clock import Clock
from bot.domain.meetings import access, ics
from bot.domain.meetings.invitations import (
    MeetingInfo,
    calendar_file,
    cancelled_text,
    invitation_text,
    rescheduled_text,
    rsvp_buttons,
)
from bot.domain.quiet_hours import QuietHours, send_time
from bot.i18n import Translator
from storage.meeting_models import Meeting
from storage.models import Outbox, OutboxStatus, Person

INVITATION = "meeting.invitation"
REMINDER = "meeting.reminder"
RESCHEDULED = "meeting.rescheduled"
CANCELLED = "meeting.cancelled"


async def info_of(session: AsyncSession, meeting: Meeting) -> MeetingInfo:
    """The meeting's plain details, with the organiser's name."""
    organiser = await session.get(Person, meeting.organiser_id) if meeting.organiser_id else None
    return MeetingInfo.of(meeting, organiser.name if organiser else "")


def not_before(clock: Clock, tr: Translator, quiet: QuietHours, meeting: Meeting) -> datetime:
    """Now, or the end of the reader's quiet hours when the meeting is later than that."""
    return send_time(clock.now(), tr.timezone, quiet, deadline=meeting.starts_at)


class _Calendars:
    """One calendar file per language for a meeting (the times inside are the same for all)."""

    def __init__(self, info: MeetingInfo, stamp: datetime) -> None:
        self.info, self.stamp, self._files = info, stamp, dict[str, bytes]()

    def file(self, tr: Translator) -> bytes:
        if tr.locale not in self._files:
            self._files[tr.locale] = calendar_file(tr, self.info, stamp=self.stamp)
        return self._files[tr.locale]


async def invite_all(
    session: AsyncSession, clock: Clock, meeting: Meeting, *, quiet_hours: QuietHours
) -> int:
    """The invitation with RSVP buttons and the calendar file, to every invitee."""
    info = await info_of(session, meeting)
    calendars, queued = _Calendars(info, clock.now()), 0
    for r in await access.recipients(session, meeting):
        row = outbox.enqueue(
            session, clock, r.person, kind=INVITATION, text=invitation_text(r.tr, info),
            buttons=rsvp_buttons(r.tr, info.id), topic=access.topic(meeting.id),
            not_before=not_before(clock, r.tr, quiet_hours, meeting),
            file_name=ics.file_name(info.id), file_content=calendars.file(r.tr),
        )  # fmt: skip
        queued += row is not None
    return queued


async def tell_rescheduled(
    session: AsyncSession,
    clock: Clock,
    meeting: Meeting,
    *,
    old_start: datetime,
    quiet_hours: QuietHours,
) -> int:
    """Everyone invited hears the new time in one message, with a new calendar file."""
    info = await info_of(session, meeting)
    calendars, queued = _Calendars(info, clock.now()), 0
    for r in await access.recipients(session, meeting):
        text = rescheduled_text(r.tr, info, old_start=old_start, rsvp=r.invitee.rsvp)
        row = outbox.enqueue(
            session, clock, r.person, kind=RESCHEDULED, text=text,
            buttons=rsvp_buttons(r.tr, info.id), topic=access.topic(meeting.id),
            not_before=not_before(clock, r.tr, quiet_hours, meeting),
            file_name=ics.file_name(info.id), file_content=calendars.file(r.tr),
        )  # fmt: skip
        queued += row is not None
    return queued


async def tell_cancelled(
    session: AsyncSession,
    clock: Clock,
    meeting: Meeting,
    *,
    reason: str | None,
    quiet_hours: QuietHours,
) -> int:
    """Everyone invited (those who declined too) hears of the cancellation once."""
    info = await info_of(session, meeting)
    queued = 0
    for r in await access.recipients(session, meeting):
        row = outbox.enqueue(
            session, clock, r.person, kind=CANCELLED,
            text=cancelled_text(r.tr, info, reason=reason), topic=access.topic(meeting.id),
            not_before=not_before(clock, r.tr, quiet_hours, meeting),
        )  # fmt: skip
        queued += row is not None
    return queued


async def drop_unsent(session: AsyncSession, meeting_id: int) -> list[int]:
    """Drop the meeting's queued, not yet claimed messages; returns their ids."""
    unsent = (col(Outbox.topic) == access.topic(meeting_id)) & (
        col(Outbox.status) == OutboxStatus.PENDING.value
    )
    result = await session.exec(  # type: ignore[call-overload]
        update(Outbox)
        .where(unsent)
        .values(status=OutboxStatus.DROPPED.value, error="meeting changed")
        .returning(col(Outbox.id))
    )
    return list(result.scalars().all())
